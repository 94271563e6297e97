"""How long `learnloop demo` takes to generate and import the demo company, per database.

Run: .venv/bin/python benchmarks/demo_build.py [--people 400] [--database-url URL]
(the URL must name a scratch database: the demo company is written into it).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from learnloop.config import Settings
from learnloop.demo import build_demo, generate_company
from learnloop.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        generate_company(args.seed, people=args.people)
        generated = time.perf_counter() - started
        workspace = Workspace.open(Settings(home=Path(home), database_url=args.database_url))
        try:
            for attempt in ("first run", "re-run"):
                started = time.perf_counter()
                with workspace.session() as session:
                    summary = build_demo(session, organisation=workspace.organisation(session),
                                         settings=workspace.settings, seed=args.seed,
                                         people=args.people)
                print(f"build_demo {attempt}: {time.perf_counter() - started:.2f} s "
                      f"({summary.counts['people']} people, {summary.counts['signals']} signals, "
                      f"{summary.counts['skill_evidence']} evidence rows)")
        finally:
            workspace.close()
    print(f"generate_company alone: {generated * 1000:.0f} ms")


if __name__ == "__main__":
    main()
