"""LLM provider overhead: what learnloop adds around a model call, with a local server that
answers at once, so the figures are ours, not the model's.

Prints redaction time for a 20-page source against a 20,000-person directory, the time to
generate every component kind (redaction, prompt, HTTP, validation, citation grounding) through
the OpenAI-compatible and Anthropic providers, and the same again from the answer cache.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the local model servers live with the tests

from learnloop.domain.content.chunks import chunk_source  # noqa: E402
from learnloop.domain.content.components import ComponentKind  # noqa: E402
from learnloop.domain.org import KeyName, Person  # noqa: E402
from learnloop.llm.anthropic import AnthropicModel  # noqa: E402
from learnloop.llm.cache import AnswerCache  # noqa: E402
from learnloop.llm.chat_engine import ChatEngine  # noqa: E402
from learnloop.llm.engine import GenerationRequest  # noqa: E402
from learnloop.llm.openai_compatible import OpenAICompatibleModel  # noqa: E402
from learnloop.llm.redaction import Directory, Redactor  # noqa: E402
from llm_servers import ModelServer, grounded_answer  # noqa: E402

TEXTS = ROOT / "src" / "learnloop" / "demo" / "texts"
WORDS_PER_PAGE = 500


def source_of(pages: int) -> str:
    """The demo sources repeated to `pages` pages of about 500 words."""
    text = "\n\n".join(path.read_text() for path in sorted(TEXTS.glob("*.md")))
    copies = []
    while sum(len(c.split()) for c in copies) < pages * WORDS_PER_PAGE:
        copies.append(text.replace("# ", f"# Part {len(copies) + 1}: ", 1))
    return "\n\n".join(copies)


def directory_of(people: int) -> Directory:
    def letters(number: int) -> str:
        return "".join("abcdefghij"[int(d)] for d in str(number))

    team = KeyName("ops", "Ops")
    return Directory.from_people(
        Person(key=f"TW{i}", name=f"Gi{letters(i)} Fa{letters(i % 997)}", email=None, team=team,
               role=None, manager_key=None, location=None, time_zone="UTC", hire_date=None)
        for i in range(people))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()

    text = source_of(args.pages)
    chunks = chunk_source(text, source_key="bench", version=1)
    started = time.perf_counter()
    redactor = Redactor(directory_of(args.people))
    built = time.perf_counter() - started
    prompt = "\n".join(chunk.text for chunk in chunks)
    started = time.perf_counter()
    redactor.redact(prompt)
    took = time.perf_counter() - started
    words = len(text.split())
    print(f"redaction: {words:,} words (~{words / WORDS_PER_PAGE:.0f} pages), "
          f"{len(chunks)} chunks, {args.people:,} people: directory {built * 1000:.0f} ms, "
          f"text {took * 1000:.0f} ms")

    kinds = [kind for kind in ComponentKind if kind is not ComponentKind.TRANSLATION]
    for provider, cls in (("openai", OpenAICompatibleModel), ("anthropic", AnthropicModel)):
        with tempfile.TemporaryDirectory() as folder, \
                ModelServer(provider, responder=grounded_answer) as server:
            cache = AnswerCache(Path(folder) / "cache.sqlite3", max_age_days=30)
            engine = ChatEngine(cls(base_url=server.url, model="bench", redactor=redactor,
                                    cache=cache))
            for label in ("fresh", "cached"):
                started = time.perf_counter()
                for kind in kinds:
                    engine.generate(GenerationRequest(kind=kind, source_title="Bench",
                                                      chunks=chunks))
                took = time.perf_counter() - started
                print(f"{provider}: {len(kinds)} component kinds, {label}: {took:.2f} s "
                      f"({took / len(kinds) * 1000:.0f} ms each)")


if __name__ == "__main__":
    main()
