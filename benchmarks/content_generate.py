"""How fast the offline engine writes a whole pack from a 20-page document, and how grounded it is.

Prints the seconds to chunk a ~10,000-word source and write every component but translation
(aim: < 10 s), then, over the demo's three sources: the share of generated sentences supported
by their citation and the answer-key check of every question (answer supported, no distractor).
The claim checker of domain/content/checks is used when it is installed; otherwise a strict
lexical test (the claim's words, numbers and negations all in the quote).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from learnloop.domain.content.chunks import Chunk, chunk_source
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


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d[\d,]*(?:\.\d+)?", re.sub(r"^\s*\d+[.)]\s+", "", text)))


def lexically_supported(claim: str, quotes: list[str]) -> bool:
    quote = " ".join(quotes)
    said, source = words(claim), words(quote)
    return (set(said) <= set(source) and _numbers(claim) == _numbers(quote)
            and NEGATIONS.intersection(said) == NEGATIONS.intersection(source))


def _checker():  # noqa: ANN202 - the claim checker when content-checks is installed, else None
    try:
        from learnloop.content.embedding import default_embedder
        from learnloop.domain.content.checks import check_claims
    except ImportError:
        return None
    embedder = default_embedder()

    def supported(claim: str, chunks: tuple[Chunk, ...]) -> bool:
        verdict, = check_claims([claim], chunks, embedder=embedder)
        return verdict.verdict == "supported"

    return supported


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

    checker = _checker()
    print(f"grounding judged by: {'the claim checker' if checker else 'the lexical test'}")
    total = supported = questions = keys_ok = 0
    for path in sorted(TEXTS.glob("*.md")):
        source = chunk_source(path.read_text(encoding="utf-8"), source_key=path.stem, version=1)
        by_id = {chunk.id: chunk for chunk in source}
        engine = OfflineEngine()
        for kind in KINDS:
            body = engine.generate(GenerationRequest(kind=kind, source_title=path.stem,
                                                     chunks=source)).body
            for claim, citations in claims(body):
                cited = tuple(dict.fromkeys(by_id[c.chunk_id] for c in citations))
                total += 1
                supported += (checker(claim, cited) if checker
                              else lexically_supported(claim, [c.quote for c in citations]))
            if isinstance(body, KnowledgeCheckBody):
                for question in body.questions:
                    questions += 1
                    cited = (by_id[question.citation.chunk_id],)
                    verdicts = [checker(statement, cited) if checker else lexically_supported(
                        statement, [question.citation.quote])
                        for statement in option_claims(question)]
                    keys_ok += verdicts[question.answer] and sum(verdicts) == 1
    print(f"sentences supported by their citation: {supported}/{total} = "
          f"{supported / total:.3f} (acceptance ≥ 0.95)")
    print(f"questions with the answer supported and no distractor supported: "
          f"{keys_ok}/{questions}")
    return 0 if seconds < 10 and supported / total >= 0.95 and keys_ok == questions else 1


if __name__ == "__main__":
    sys.exit(main())
