"""How well the claim checker judges labelled statements about the demo's sources.

A statement file (source, family, statement) holds true statements and false ones by family
(number, negation, condition, invented); the result gives flag rates per family and precision.
"""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from learnloop.domain.content.checks.claims import ClaimVerdict, Embedder, PassageIndex, Verdict
from learnloop.domain.content.chunks import chunk_source
from learnloop.simulation.claims import simulate_claims

__all__ = ["DEMO_SOURCES", "Judged", "Measurement", "demo_chunks", "measure", "measure_simulated"]

DEMO_SOURCES = ("coldchain-product-sheet", "refunds-and-credits-policy",
                "sme-interview-excursion-cases")

TRUE = "true"


@dataclass(frozen=True, slots=True)
class Judged:
    source: str
    family: str
    verdict: ClaimVerdict


@dataclass
class Measurement:
    """The checker's verdicts on every statement, and its speed."""

    judged: list[Judged] = field(default_factory=list)
    seconds: float = 0.0

    def rate(self, family: str) -> float:
        """True statements: the share supported; false ones: the share flagged (not supported)."""
        rows = [row for row in self.judged if row.family == family]
        if not rows:
            return 0.0
        hits = sum((row.verdict.verdict is Verdict.SUPPORTED) == (family == TRUE) for row in rows)
        return hits / len(rows)

    def counts(self, family: str) -> Counter:
        return Counter(str(row.verdict.verdict) for row in self.judged if row.family == family)

    @property
    def families(self) -> list[str]:
        return sorted({row.family for row in self.judged}, key=lambda name: (name != TRUE, name))

    @property
    def precision(self) -> float:
        """Of the statements flagged, the share that are false."""
        flagged = [row for row in self.judged if row.verdict.verdict is not Verdict.SUPPORTED]
        return sum(row.family != TRUE for row in flagged) / max(len(flagged), 1)

    @property
    def recall(self) -> float:
        """Of the false statements, the share flagged."""
        false = [row for row in self.judged if row.family != TRUE]
        return sum(row.verdict.verdict is not Verdict.SUPPORTED for row in false) / max(
            len(false), 1)

    def misses(self) -> list[Judged]:
        return [row for row in self.judged
                if (row.verdict.verdict is Verdict.SUPPORTED) != (row.family == TRUE)]


def demo_text(source: str) -> str:
    """One demo text (src/learnloop/demo/texts/<source>.md)."""
    return (files("learnloop.demo") / "texts" / f"{source}.md").read_text(encoding="utf-8")


def demo_chunks(source: str) -> tuple:
    """The chunks of one demo text, version 1."""
    return chunk_source(demo_text(source), source_key=source, version=1)


def measure(statements: Path, *, embedder: Embedder) -> Measurement:
    """Every statement judged against all the chunks of its own source."""
    by_source: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with statements.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_source[row["source"]].append((row["family"], row["statement"]))
    result = Measurement()
    started = time.perf_counter()
    for source, rows in by_source.items():
        index = PassageIndex(demo_chunks(source), embedder=embedder)
        result.judged.extend(Judged(source, family, index.check(statement))
                             for family, statement in rows)
    result.seconds = time.perf_counter() - started
    return result


def measure_simulated(seeds: Iterable[int], *, embedder: Embedder,
                      per_family: int = 30) -> Measurement:
    """Seeded mechanical claims (simulation/claims.py) from each demo source, judged against
    that source: its sentences as written, with a number changed, with a negation flipped."""
    result = Measurement()
    started = time.perf_counter()
    for source in DEMO_SOURCES:
        index = PassageIndex(demo_chunks(source), embedder=embedder)
        for seed in seeds:
            result.judged.extend(
                Judged(source, claim.family, index.check(claim.sentence))
                for claim in simulate_claims(demo_text(source), seed=seed, per_family=per_family))
    result.seconds = time.perf_counter() - started
    return result
