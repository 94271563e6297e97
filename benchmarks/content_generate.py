"""How fast the offline engine writes a whole pack from a 20-page document, and how grounded it is.

Prints the seconds to chunk a ~10,000-word source and write every component but translation
(aim: < 10 s), then, over the demo's three sources: the share of generated sentences supported
by their citation and the answer-key check of every question (answer supported, no distractor).
Judged twice: by the claim checker (domain/content/checks, as every pack is checked) and by a
strict lexical test (the claim's words, numbers and negations all in the quote).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from learnloop.content.embedding import default_embedder
from learnloop.domain.content.checks import PassageIndex, check_component, generation_input
from learnloop.domain.content.chunks import chunk_source
from learnloop.domain.content.components import (
    ComponentKind,
    KnowledgeCheckBody,
    claims,
    option_claims,
)
from learnloop.domain.content.sentences import words
from learnloop.llm.engine import GenerationRequest
from learnloop.llm.offline import OfflineEngine

TEXTS = Path(__file__).resolve().parents[1] / "src" / "learnloop" / "demo" / "texts"
KINDS = tuple(kind for kind in ComponentKind if kind is not ComponentKind.TRANSLATION)
NEGATIONS = frozenset({"not", "no", "never", "none", "nor", "cannot", "without"})
WORDS_PER_PAGE = 500


def long_document(pages: int) -> str:
    """The demo sources, part after part (numbers shifted per part so parts differ), until the
    text has `pages` × 500 words."""
    sources = [path.read_text(encoding="utf-8") for path in sorted(TEXTS.glob("*.md"))]
    parts: list[str] = []
    part = 0
    while sum(len(text.split()) for text in parts) < pages * WORDS_PER_PAGE:
        for text in sources:
            shifted = re.sub(r"\b(\d+)\b", lambda m, shift=part: str(int(m.group(1)) + shift), text)
            parts.append(re.sub(r"^(#+ )", rf"\1Part {part + 1}: ", shifted, flags=re.M))
        part += 1
    return "\n\n".join(parts)


def measure(*, lexical: bool) -> tuple[int, int, int, int]:
    """(supported sentences, sentences, questions with a sound key, questions) over the demo's
    sources: by the claim checker (check_component), or by the strict lexical test."""
    total = supported = questions = keys_ok = 0
    embedder = None if lexical else default_embedder()
    for path in sorted(TEXTS.glob("*.md")):
        source = generation_input(chunk_source(path.read_text(encoding="utf-8"),
                                               source_key=path.stem, version=1))
        index = None if lexical else PassageIndex(source, embedder=embedder)
        engine = OfflineEngine()
        for kind in KINDS:
            body = engine.generate(GenerationRequest(kind=kind, source_title=path.stem,
                                                     chunks=source)).body
            if not lexical:
                checks = check_component(kind, body, source, embedder=embedder, index=index)
                total += len(checks.grounding)
                supported += sum(str(found.verdict) == "supported" for found in checks.grounding)
                questions += len(checks.answer_keys)
                keys_ok += sum(key.ok for key in checks.answer_keys)
                continue
            for claim, citations in claims(body):
                total += 1
                supported += lexically_supported(claim, [c.quote for c in citations])
            if isinstance(body, KnowledgeCheckBody):
                for question in body.questions:
                    questions += 1
                    verdicts = [lexically_supported(statement, [question.citation.quote])
                                for statement in option_claims(question)]
                    keys_ok += verdicts[question.answer] and sum(verdicts) == 1
    return supported, total, keys_ok, questions


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d[\d,]*(?:\.\d+)?", re.sub(r"^\s*\d+[.)]\s+", "", text)))


def lexically_supported(claim: str, quotes: list[str]) -> bool:
    quote = " ".join(quotes)
    said, source = words(claim), words(quote)
    return (set(said) <= set(source) and _numbers(claim) == _numbers(quote)
            and NEGATIONS.intersection(said) == NEGATIONS.intersection(source))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20)
    arguments = parser.parse_args()

    text = long_document(arguments.pages)
    started = time.perf_counter()
    chunks = chunk_source(text, source_key="long", version=1)
    engine = OfflineEngine()
    for kind in KINDS:
        engine.generate(GenerationRequest(kind=kind, source_title="Long", chunks=chunks))
    seconds = time.perf_counter() - started
    print(f"offline pack, {arguments.pages} pages ({len(text.split()):,} words, "
          f"{len(chunks)} chunks), {len(KINDS)} components: {seconds:.2f} s (aim < 10 s)")

    started = time.perf_counter()
    embedder = default_embedder()
    loaded = time.perf_counter() - started
    chunks = generation_input(chunks)
    index = PassageIndex(chunks, embedder=embedder)
    for kind in KINDS:
        body = engine.generate(GenerationRequest(kind=kind, source_title="Long",
                                                 chunks=chunks)).body
        check_component(kind, body, chunks, embedder=embedder, index=index)
    checked = time.perf_counter() - started
    print(f"the same pack with every quality check (embedding model loaded in {loaded:.2f} s): "
          f"{checked:.2f} s")
    ok = seconds < 10 and checked < 10
    for lexical in (False, True):
        supported, total, keys_ok, questions = measure(lexical=lexical)
        judge = ("the lexical test (words, numbers, negations in the quote)" if lexical
                 else "the claim checker (wordllama + number/negation rules)")
        print(f"judged by {judge}: sentences supported by their citation {supported}/{total} = "
              f"{supported / total:.3f} (acceptance ≥ 0.95); questions with the answer "
              f"supported and no distractor supported {keys_ok}/{questions}")
        ok = ok and supported / total >= 0.95 and keys_ok == questions
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
