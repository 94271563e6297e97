"""How fast agents read their inputs: one metric's weekly person-level series as columns
(`signal_columns`) and every piece of evidence as columns (`evidence_columns`), per database.

Run: .venv/bin/python benchmarks/agent_reads.py [--people 100000] [--weeks 52] [--sqlite-only]
Rows are written straight into the tables (this measures reading, not importing).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import postgres_database  # noqa: E402

from learnloop.config import Settings  # noqa: E402
from learnloop.store import tables  # noqa: E402
from learnloop.store.evidence import evidence_columns  # noqa: E402
from learnloop.store.series import signal_columns  # noqa: E402
from learnloop.workspace import Workspace  # noqa: E402

SKILLS = 20
_BATCH = 50_000


def fill(workspace: Workspace, *, people: int, weeks: int) -> int:
    with workspace.session() as session:
        org = workspace.organisation(session).id
        team = tables.Team(organisation_id=org, key="t", name="T", department="D")
        session.add(team)
        session.flush()
        session.execute(insert(tables.Person), [
            {"organisation_id": org, "key": f"P{n:07d}", "name": f"P{n}", "team_id": team.id,
             "time_zone": "UTC", "status": "active"} for n in range(people)])
        session.execute(insert(tables.Skill), [
            {"organisation_id": org, "key": f"s{n}", "name": f"S{n}", "category": "c",
             "description": ""} for n in range(SKILLS)])
        ids = [p.id for p in session.query(tables.Person.id).order_by(tables.Person.id)]
        skill_ids = [s.id for s in session.query(tables.Skill.id)]
        start = datetime(2025, 1, 6, tzinfo=UTC)
        rows = []
        for week in range(weeks):
            when = start + timedelta(weeks=week)
            for n, person_id in enumerate(ids):
                rows.append({"organisation_id": org, "key": f"k{week}-{n}", "metric": "fcr",
                             "subject_type": "person", "subject_id": person_id,
                             "observed_at": when, "value": (n * 7919 + week) % 1000 / 10,
                             "source": "crm"})
                if len(rows) == _BATCH:
                    session.execute(insert(tables.Signal), rows)
                    rows.clear()
        if rows:  # an empty list would insert one row of defaults
            session.execute(insert(tables.Signal), rows)
        evidence = [
            {"organisation_id": org, "key": f"e{n}-{s}", "person_id": person_id,
             "skill_id": skill_id, "kind": "manager_rating", "level": (n + s) % 5,
             "observed_on": date(2025, 1, 1) + timedelta(days=n % 300), "source": "review"}
            for n, person_id in enumerate(ids) for s, skill_id in enumerate(skill_ids[:5])]
        for first in range(0, len(evidence), _BATCH):
            session.execute(insert(tables.SkillEvidence), evidence[first:first + _BATCH])
        return org


def measure(name: str, url: str, home: Path, *, people: int, weeks: int) -> None:
    workspace = Workspace.open(Settings(home=home, database_url=url))
    try:
        org = fill(workspace, people=people, weeks=weeks)
        with workspace.session() as session:
            started = time.perf_counter()
            columns = signal_columns(session, organisation_id=org, metric="fcr",
                                     subject_type="person")
            signals = time.perf_counter() - started
            started = time.perf_counter()
            evidence = evidence_columns(session, organisation_id=org)
            skills = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name:<10} signal_columns {len(columns):>10,} values in {signals:6.2f}s "
              f"({len(columns) / signals:>10,.0f}/s); evidence_columns {len(evidence):>9,} rows "
              f"in {skills:6.2f}s; peak {peak:,.0f} MB (fill included)", flush=True)
    finally:
        workspace.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="learnloop-bench-") as scratch:
        folder = Path(scratch)
        measure("sqlite", f"sqlite:///{folder / 'bench.db'}", folder / "home-sqlite",
                people=args.people, weeks=args.weeks)
        if not args.sqlite_only and (found := postgres_database()) is not None:
            url, drop = found
            try:
                measure("postgresql", url, folder / "home-pg", people=args.people,
                        weeks=args.weeks)
            finally:
                drop()  # type: ignore[operator]


if __name__ == "__main__":
    main()
