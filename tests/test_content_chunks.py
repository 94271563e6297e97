"""Chunks: stable ids across versions, headings and positions, and what a new version changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from learnloop.domain.content.chunks import chunk_source, diff_chunks
from learnloop.domain.content.components import (
    Citation,
    ComponentKind,
    KnowledgeCheckBody,
    Question,
    body_model,
    claims,
)
from learnloop.domain.content.sentences import split_sentences

TEXTS = Path(__file__).resolve().parents[1] / "src" / "learnloop" / "demo" / "texts"

POLICY = """# Refunds

## 1. Scope

This policy covers refunds. It does **not** cover cargo claims.

## 2. Limits

Agents may credit up to EUR 250 per ticket.
Team leads may credit up to EUR 2,500.

Steps to follow:
1. Open the ticket.
2. Check the milestone in
   Tidewell Track.
3. Apply the credit.
"""


def test_chunks_carry_heading_position_and_block() -> None:
    chunks = chunk_source(POLICY, source_key="refunds", version=1)
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    assert [chunk.heading for chunk in chunks] == ["1. Scope", "2. Limits", "2. Limits"]
    assert chunks[1].text == ("Agents may credit up to EUR 250 per ticket. "
                              "Team leads may credit up to EUR 2,500.")
    steps = chunks[2]
    assert steps.block == "list"
    assert "2. Check the milestone in Tidewell Track." in steps.text.splitlines()
    assert steps.text.startswith("Steps to follow:")


def test_the_same_text_keeps_its_id_in_a_new_version_and_an_edit_is_recorded() -> None:
    old = chunk_source(POLICY, source_key="refunds", version=1)
    new_text = POLICY.replace("EUR 250", "EUR 300") + "\n## 3. Records\n\nKeep the logger report.\n"
    new = chunk_source(new_text, source_key="refunds", version=2)
    diff = diff_chunks(old, new)
    assert old[0].id == new[0].id and new[0].version == 2
    assert [chunk.text for chunk in diff.unchanged] == [old[0].text, old[2].text]
    assert len(diff.edited) == 1
    assert diff.edited[0].before.id == old[1].id and "EUR 300" in diff.edited[0].after.text
    assert [chunk.text for chunk in diff.added] == ["Keep the logger report."]
    assert diff.removed == ()
    assert diff.stale_chunk_ids == {old[1].id}


def test_a_rewritten_passage_is_a_removal_and_an_addition() -> None:
    old = chunk_source("Alpha beta gamma delta.\n\nKeep me.", source_key="s", version=1)
    new = chunk_source("Completely different words here now.\n\nKeep me.", source_key="s",
                       version=2)
    diff = diff_chunks(old, new)
    assert len(diff.removed) == 1 and len(diff.added) == 1 and diff.edited == ()


def test_identical_paragraphs_get_distinct_ids_and_ids_differ_between_sources() -> None:
    chunks = chunk_source("Same words.\n\nSame words.", source_key="a", version=1)
    assert len({chunk.id for chunk in chunks}) == 2
    other = chunk_source("Same words.", source_key="b", version=1)
    assert other[0].id != chunks[0].id


@pytest.mark.parametrize("path", sorted(TEXTS.glob("*.md")), ids=lambda path: path.stem)
def test_demo_sources_chunk_into_short_passages_that_cover_the_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    chunks = chunk_source(text, source_key=path.stem, version=1)
    assert len(chunks) >= 20
    assert all(len(chunk.text.split()) <= 300 for chunk in chunks)
    joined = " ".join(" ".join(chunk.text.split()) for chunk in chunks)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    for sentence in split_sentences(body):
        if not set(sentence) <= set("-| "):
            assert " ".join(sentence.split()) in joined


def test_sentences_do_not_break_on_numbers_or_abbreviations() -> None:
    text = ("Credits up to EUR 1,000 apply, e.g. for minor excursions. Tidewell Logistics B.V. "
            "pays version 3.2 credits. Then stop!\n- Item one\n- Item two")
    assert split_sentences(text) == [
        "Credits up to EUR 1,000 apply, e.g. for minor excursions.",
        "Tidewell Logistics B.V. pays version 3.2 credits.", "Then stop!",
        "- Item one", "- Item two"]


def test_a_question_needs_exactly_one_answer_among_distinct_options() -> None:
    citation = Citation(chunk_id="c1", quote="Agents may credit up to EUR 250 per ticket.")
    with pytest.raises(ValidationError):
        Question(stem="Limit?", options=["EUR 250", "EUR 250"], answer=0, rationale="r",
                 citation=citation)
    with pytest.raises(ValidationError):
        Question(stem="Limit?", options=["EUR 250", "EUR 300"], answer=2, rationale="r",
                 citation=citation)
    body = KnowledgeCheckBody(title="t", questions=[Question(
        stem="An agent may credit up to", options=["EUR 300", "EUR 250"], answer=1,
        rationale="The policy's limit.", citation=citation)])
    assert claims(body) == [("An agent may credit up to EUR 250", [citation])]
    assert body_model(ComponentKind.KNOWLEDGE_CHECK) is KnowledgeCheckBody
    with pytest.raises(ValidationError):
        body_model("summary").model_validate({"title": "t", "sentences": [], "extra": 1})
