"""Claim checker quality and speed on the hand-written statements about the demo's sources.

Prints, per family, the share judged right (true: supported; false: flagged), precision and
recall of flagging, and sentences checked per second. `--misses` lists the wrong verdicts.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from learnloop.content.embedding import load_embedder
from learnloop.content.measurement import Measurement, measure, measure_simulated

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "claims"
# statements.csv was written before the checker and tuned on; held_out.csv was written after
FILES = ("statements.csv", "held_out.csv")
SEEDS = 10

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="wordllama")
    parser.add_argument("--misses", action="store_true")
    arguments = parser.parse_args()
    started = time.perf_counter()
    embedder = load_embedder(arguments.embedder)
    loaded = time.perf_counter() - started
    print(f"embedding model {embedder.name}: loaded in {loaded:.2f} s")
    results: list[tuple[str, Measurement]] = [
        (name, measure(DATA / name, embedder=embedder)) for name in FILES]
    results.append((f"simulated, seeds 0-{SEEDS - 1} (true, number changed, negation flipped)",
                    measure_simulated(range(SEEDS), embedder=embedder)))
    for name, result in results:
        print(f"{name}:")
        for family in result.families:
            counts = result.counts(family)
            goal = "supported" if family == "true" else "flagged"
            print(f"  {family:<10} {sum(counts.values()):>4} statements  {goal} "
                  f"{result.rate(family):.3f}  ({dict(sorted(counts.items()))})")
        total = len(result.judged)
        print(f"  flagging false statements: precision {result.precision:.3f}, "
              f"recall {result.recall:.3f}")
        print(f"  speed: {total} statements in {result.seconds:.2f} s "
              f"({total / result.seconds:.0f} a second, passages embedded included)")
        if arguments.misses:
            for row in result.misses():
                verdict = row.verdict
                print(f"- [{row.family}] {verdict.sentence}\n    → {verdict.verdict} "
                      f"{verdict.score:.2f} {verdict.reason}\n    passage: {verdict.passage}")
