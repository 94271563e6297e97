"""Webhook under load: 200 concurrent writers against `learnloop serve`, on SQLite and PostgreSQL.

Prints requests per second, p50/p99 latency and the error answers by status, per database; all
traffic stays on 127.0.0.1. `--writers N --rounds N` scale it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from functools import partial
from pathlib import Path

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here))
sys.path.insert(0, str(here.parent / "tests"))
from import_throughput import postgres_database  # noqa: E402

from load_support import create_token, crowd, send, serving, signal_batch  # noqa: E402


def _post(base: str, secret: str, ids: list[str], *, client):  # noqa: ANN001, ANN202
    return send(client, "POST", f"{base}/api/signals", json=signal_batch(*ids),
                headers={"Authorization": f"Bearer {secret}"})


def measure(name: str, database_url: str, *, writers: int, rounds: int, batch: int) -> None:
    with tempfile.TemporaryDirectory(prefix="learnloop-load-") as scratch:
        home = Path(scratch) / "home"
        secret = create_token(home, database_url=database_url, role="integration")
        outcomes = []
        with serving(home, database_url=database_url) as server:
            started = time.perf_counter()
            for turn in range(rounds):
                requests = [partial(_post, server.base, secret,
                                    [f"r{turn}-w{n}-{k}" for k in range(batch)])
                            for n in range(writers)]
                outcomes += crowd(requests)
            elapsed = time.perf_counter() - started
    latencies = sorted(outcome.seconds for outcome in outcomes)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    errors = Counter(outcome.status for outcome in outcomes if outcome.status != 200)
    shown = ", ".join(f"{status or 'no answer'}: {count}" for status, count in errors.items())
    print(f"{name:<10} {writers} concurrent writers × {rounds} rounds ({batch} signals each): "
          f"{len(outcomes) / elapsed:7.1f} requests/s, p50 {statistics.median(latencies):6.3f} s, "
          f"p99 {p99:6.3f} s, errors {sum(errors.values())}" + (f" ({shown})" if shown else ""),
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5, help="signals per request")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    sizes = {"writers": args.writers, "rounds": args.rounds, "batch": args.batch}
    with tempfile.TemporaryDirectory(prefix="learnloop-load-db-") as scratch:
        measure("SQLite", f"sqlite:///{Path(scratch) / 'learnloop.db'}", **sizes)
    if args.sqlite_only:
        return
    found = postgres_database()
    if found is None:
        return
    url, drop = found
    try:
        measure("PostgreSQL", url, **sizes)
    finally:
        drop()  # type: ignore[operator]


if __name__ == "__main__":
    main()
