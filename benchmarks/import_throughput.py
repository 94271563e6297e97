"""Import throughput: generates people and signal files, imports them on SQLite and PostgreSQL.

Prints rows/second and peak memory (max RSS of a child process per run). Defaults are full size:
100,000 people and 5,000,000 signal rows; `--people N --signals N` scale down.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

POSTGRES_URL = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
METRICS = ("calls_made", "deals_closed", "tickets_resolved", "csat", "handle_time")


def generate(folder: Path, *, people: int, signals: int) -> dict[str, Path]:
    teams = max(people // 12, 1)
    paths = {"people": folder / "people.csv", "signals": folder / "signals.csv"}
    with paths["people"].open("w", encoding="utf-8") as out:
        out.write("id,name,email,team,department,manager_id,time_zone,hire_date\n")
        for n in range(people):
            team = n % teams
            # the first person of each team leads it
            manager = "" if n < teams else f"P{n % teams:07d}"
            out.write(f"P{n:07d},Person {n},p{n}@example.com,T{team:05d},Dept {team % 20},"
                      f"{manager},Europe/Berlin,2020-01-{1 + n % 28:02d}\n")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with paths["signals"].open("w", encoding="utf-8") as out:
        out.write("metric,subject_type,subject,observed_at,value,source\n")
        lines = []
        for n in range(signals):
            # a daily export: every person's metrics for one day, then the next day
            person, day = n % people, n // people
            when = (start + timedelta(days=day // len(METRICS))).date().isoformat()
            lines.append(f"{METRICS[day % len(METRICS)]},person,P{person:07d},{when},"
                         f"{(n * 7919) % 1000 / 10},crm\n")
            if len(lines) == 100_000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)
    return paths


def child(url: str, home: str, kind: str, path: str) -> None:
    """One import in a fresh process, so max RSS is this import's own peak."""
    from learnloop.config import Settings
    from learnloop.importing import import_file
    from learnloop.workspace import Workspace

    workspace = Workspace.open(Settings(home=Path(home), database_url=url))
    started = time.perf_counter()
    with workspace.session() as session:
        result = import_file(session, organisation_id=workspace.organisation(session).id,
                             kind=kind, path=Path(path), actor="benchmark")
    seconds = time.perf_counter() - started
    workspace.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": result.rows, "created": result.created, "seconds": seconds,
                      "peak_mb": peak}))


def run_child(url: str, home: Path, kind: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", url, str(home), kind, str(path)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres_database() -> tuple[str, object] | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            name = f"learnloop_bench_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - no server: report and skip
        print(f"PostgreSQL: skipped ({type(error).__name__} at {POSTGRES_URL})")
        return None

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--signals", type=int, default=5_000_000)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="learnloop-bench-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        files = generate(folder, people=args.people, signals=args.signals)
        print(f"generated {args.people:,} people and {args.signals:,} signals "
              f"in {time.perf_counter() - started:.1f}s")
        backends = [("sqlite", f"sqlite:///{folder / 'bench.db'}", None)]
        if not args.sqlite_only and (found := postgres_database()) is not None:
            backends.append(("postgresql", found[0], found[1]))
        for name, url, drop in backends:
            try:
                for kind in ("people", "signals", "signals"):
                    figures = run_child(url, folder / f"home-{name}", kind, files[kind])
                    again = kind == "signals" and figures["created"] == 0
                    rate = figures["rows"] / figures["seconds"]
                    print(f"{name:<10} {kind:<8} {'re-import' if again else 'import':<9} "
                          f"{figures['rows']:>10,} rows {figures['seconds']:>7.1f}s "
                          f"{rate:>10,.0f} rows/s  peak {figures['peak_mb']:>6.0f} MB", flush=True)
            finally:
                if drop is not None:
                    drop()


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
