"""Checking a draft against a source: each sentence supported, not supported or contradicted.

Shared by `learnloop check` and `POST /api/sources/{source}/check`; reads the source's chunks
of its current version through the content repository, in the caller's session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from learnloop.config import Settings
from learnloop.connectors.importers.text_extraction import FORMATS, extract_text
from learnloop.content.embedding import default_embedder
from learnloop.domain.content.checks import ClaimVerdict, Verdict, check_claims
from learnloop.domain.content.checks.text import plain
from learnloop.domain.content.sentences import split_sentences
from learnloop.errors import InputError, Problem
from learnloop.store import Session
from learnloop.store.content import source_chunks

__all__ = ["DraftCheck", "check_draft", "draft_sentences", "read_draft"]

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
MAX_DRAFT_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class DraftCheck:
    source: str
    version: int
    embedding_model: str
    verdicts: tuple[ClaimVerdict, ...]

    def counts(self) -> dict[str, int]:
        return {str(verdict): sum(found.verdict is verdict for found in self.verdicts)
                for verdict in Verdict}

    def to_dict(self) -> dict:
        return {"source": self.source, "version": self.version,
                "embedding_model": self.embedding_model, "counts": self.counts(),
                "sentences": [verdict.to_dict() for verdict in self.verdicts]}


def read_draft(file_or_text: str) -> str:
    """The text of a draft: a file's (Markdown, text, HTML, PDF, Word) or the argument itself."""
    path = Path(file_or_text)
    try:
        is_file = len(file_or_text) < 4096 and path.is_file()
    except OSError:  # a long text is no valid path
        is_file = False
    if not is_file:
        return file_or_text
    suffix = path.suffix.lower().lstrip(".")
    data = path.read_bytes()
    try:
        if suffix in FORMATS:
            return extract_text(data, suffix=suffix)
        return data.decode("utf-8-sig")
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError("the draft cannot be read", problems=[
            Problem(file=str(path), message=str(error))]) from error


def draft_sentences(text: str) -> list[str]:
    """The sentences of a draft, headings left out (they claim nothing)."""
    body = "\n".join(line for line in text.splitlines() if not _HEADING.match(line))
    return [sentence for sentence in (plain(found) for found in split_sentences(body))
            if any(character.isalnum() for character in sentence)]


def check_draft(session: Session, *, organisation_id: int, source: str, text: str,
                settings: Settings) -> DraftCheck:
    """Every sentence of `text` judged against the source's current version."""
    if len(text) > MAX_DRAFT_CHARS:
        raise InputError("the draft is too long", problems=[Problem(
            field="text", message=f"{len(text):,} characters; at most {MAX_DRAFT_CHARS:,} "
                                  "are checked at once")])
    sentences = draft_sentences(text)
    if not sentences:
        raise InputError("nothing to check", problems=[Problem(
            field="text", message="the draft has no sentence")])
    found = source_chunks(session, organisation_id=organisation_id, source=source)
    embedder = default_embedder(settings)
    return DraftCheck(source=found.key, version=found.version, embedding_model=embedder.name,
                      verdicts=tuple(check_claims(sentences, found.chunks, embedder=embedder)))
