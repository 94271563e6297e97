"""What content tests share: the demo sources as chunks, every offline component of each, and a
strict lexical test that a claim is the source's own words (numbers and negations included)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from learnloop.domain.content.chunks import Chunk, chunk_source
from learnloop.domain.content.components import ComponentKind
from learnloop.domain.content.sentences import words
from learnloop.llm.engine import GenerationRequest, GenerationResult
from learnloop.llm.offline import OfflineEngine

TEXTS = Path(__file__).resolve().parents[1] / "src" / "learnloop" / "demo" / "texts"
DEMO_SOURCES = tuple(sorted(path.stem for path in TEXTS.glob("*.md")))
OFFLINE_KINDS = tuple(kind for kind in ComponentKind if kind is not ComponentKind.TRANSLATION)
_NEGATIONS = frozenset({"not", "no", "never", "none", "nor", "cannot", "without", "n't"})


@cache
def demo_chunks(key: str) -> tuple[Chunk, ...]:
    return chunk_source((TEXTS / f"{key}.md").read_text(encoding="utf-8"), source_key=key,
                        version=1)


def generate(chunks: tuple[Chunk, ...], kind: ComponentKind, *, title: str = "Source",
             engine: OfflineEngine | None = None) -> GenerationResult:
    return (engine or OfflineEngine()).generate(
        GenerationRequest(kind=kind, source_title=title, chunks=chunks))


def supported(text: str, citations: list) -> bool:
    """The claim is copied from its citations (a table row cites its header line and itself)."""
    return copied_from(text, " ".join(citation.quote for citation in citations))


def numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d[\d,]*(?:\.\d+)?", text))


def copied_from(claim: str, quote: str) -> bool:
    """Every word of the claim is in the quote, with the same numbers and negations."""
    said, source = words(claim), words(quote)
    return (set(said) <= set(source) and numbers(claim) == numbers(_rendered(quote))
            and _NEGATIONS.intersection(said) == _NEGATIONS.intersection(source))


def _rendered(quote: str) -> str:
    return re.sub(r"^\s*\d+[.)]\s+", "", quote)  # a list item's number is not a claim


def add_sample_pack(workspace) -> int:  # noqa: ANN001 - a learnloop Workspace
    """The policy demo source imported into the workspace's organisation and one offline pack
    made from it; returns the pack's id (for route tables that need one)."""
    from learnloop.domain.sources import SourceDocument, SourceKind
    from learnloop.generation import generate_pack
    from learnloop.store.imports.sources import write_sources

    key = "refunds-and-credits-policy"
    document = SourceDocument(key=key, title="Refunds and Service Credits Policy",
                              kind=SourceKind.POLICY, format="md",
                              text=(TEXTS / f"{key}.md").read_text(encoding="utf-8"))
    with workspace.session() as session:
        org = workspace.organisation(session).id
        write_sources(session, organisation_id=org, documents=[(document, f"{key}.md")])
        return generate_pack(session, organisation_id=org, source=key,
                             engine=OfflineEngine(), actor="test").pack.id
