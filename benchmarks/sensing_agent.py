"""The sensing agent end to end on a database: a full recompute of detections for a large
organisation (read, aggregate, detect, store), and the latency of evaluating one new signal.

Run: .venv/bin/python benchmarks/sensing_agent.py [--teams 1000] [--size 100] [--weeks 52]
     [--metrics 3] [--postgres] [--home FOLDER]
Defaults are full size: 100,000 people in 1,000 teams, 52 weeks of person-level values on 3
metrics (15.6 million signal rows, written straight into the table: this measures sensing, not
importing; their team-week summary is then built once, as migration 0017 does, and timed apart).
The recompute is timed without tracing; peak memory is the traced Python and NumPy allocations
of a second, identical recompute that is rolled back (tracemalloc slows Python several times).
The new signal goes through the webhook's import (which keeps the summary), then its series is
evaluated.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import postgres_database  # noqa: E402
from sensing_speed import organisation  # noqa: E402

from learnloop.agents.sensing import sense  # noqa: E402
from learnloop.config import Settings  # noqa: E402
from learnloop.connectors.importers.registry import importers  # noqa: E402
from learnloop.domain.sensing import DetectorSettings, calibrated_detector  # noqa: E402
from learnloop.domain.sensing.weeks import week_time  # noqa: E402
from learnloop.importing import import_records  # noqa: E402
from learnloop.store import tables  # noqa: E402
from learnloop.store.detections import drop_detections  # noqa: E402
from learnloop.store.sensing import drop_states  # noqa: E402
from learnloop.store.team_weeks import rebuild_team_weeks  # noqa: E402
from learnloop.workspace import Workspace  # noqa: E402

FIRST = datetime(2025, 1, 6, tzinfo=UTC)
_BATCH = 200_000
_COPY = ("COPY signals (organisation_id, key, metric, subject_type, subject_id, observed_at, "
         "value, source, volume) FROM STDIN")


def fill(workspace: Workspace, *, teams: int, size: int, weeks: int, metrics: int) -> None:
    """Teams, people, one objective per metric, and every person's weekly value with volume."""
    with workspace.session() as session:
        org = workspace.organisation(session).id
        session.execute(insert(tables.Team), [
            {"organisation_id": org, "key": f"team-{t:04d}", "name": f"Team {t}",
             "department": "D"} for t in range(teams)])
        team_ids = dict(session.execute(select(tables.Team.key, tables.Team.id)).all())
        session.execute(insert(tables.Person), [
            {"organisation_id": org, "key": f"P{n:07d}", "name": f"P{n}",
             "team_id": team_ids[f"team-{n // size:04d}"], "time_zone": "UTC",
             "status": "active"} for n in range(teams * size)])
        for m in range(metrics):
            objective = tables.Objective(organisation_id=org, key=f"o{m}", title=f"O{m}",
                                         description="", priority=True, weight=1 / metrics,
                                         team_keys=[])
            session.add(objective)
            session.flush()
            session.add(tables.Kpi(objective_id=objective.id, metric=f"metric_{m}",
                                   direction="up", unit="%"))
        person_ids = np.array(session.scalars(
            select(tables.Person.id).order_by(tables.Person.key)).all())
    raw = workspace.database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        sqlite = workspace.database.engine.dialect.name == "sqlite"
        marks = ", ".join(["?" if sqlite else "%s"] * 9)
        statement = (f"INSERT INTO signals (organisation_id, key, metric, subject_type, "
                     f"subject_id, observed_at, value, source, volume) VALUES ({marks})")
        for m in range(metrics):
            values, volumes, _, _ = organisation(m, teams=teams, size=size, weeks=weeks)
            for week in range(weeks):
                moment = FIRST + timedelta(weeks=week)
                # SQLite: the text SQLAlchemy stores, so time comparisons see the same values
                when = moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment
                stamp = f"{week}"
                seen = ~np.isnan(values[:, week])
                rows = [(org, f"m{m}|{n}|{stamp}", f"metric_{m}", "person", int(pid), when,
                         float(v), "bench", float(vol))
                        for n, pid, v, vol in zip(np.flatnonzero(seen), person_ids[seen],
                                                  values[seen, week], volumes[seen, week],
                                                  strict=True)]
                if sqlite:
                    for start in range(0, len(rows), _BATCH):
                        cursor.executemany(statement, rows[start:start + _BATCH])
                else:
                    with cursor.copy(_COPY) as copy:
                        for item in rows:
                            copy.write_row(item)
        raw.commit()
        cursor.execute("ANALYZE")  # as autovacuum would after a load this size
        raw.commit()
    finally:
        raw.close()


def measure(url: str | None, *, teams: int, size: int, weeks: int, metrics: int,
            home: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        kept = home is not None and (home / "filled").exists()
        workspace = Workspace.open(Settings(home=home or Path(folder), database_url=url))
        name = workspace.database.engine.dialect.name
        if kept:
            # a workspace filled by an earlier run: forget what that run found, keep the rows
            with workspace.session() as session:
                org = workspace.organisation(session).id
                drop_states(session, organisation_id=org)
                drop_detections(session, organisation_id=org)
            print(f"{name}: reusing the rows written into {home} by an earlier run")
        else:
            _fill_and_summarise(workspace, name, teams=teams, size=size, weeks=weeks,
                                metrics=metrics)
            if home is not None:
                (home / "filled").write_text(f"{teams} {size} {weeks} {metrics}\n")
        settings = DetectorSettings()
        calibrated_detector(settings)  # calibration is cached per process: not part of a run
        importers()  # so is loading the importer plugins
        now = week_time(5000)
        with workspace.session() as session:
            org = workspace.organisation(session).id
            started = time.perf_counter()
            run = sense(session, organisation_id=org, now=now, settings=settings)
            elapsed = time.perf_counter() - started
        # the same recompute again under tracemalloc, undone after: tracing every allocation
        # slows Python several times over, so it is never part of the timed run
        with workspace.session() as session:
            undo = session.begin_nested()
            drop_states(session, organisation_id=org)
            drop_detections(session, organisation_id=org)
            tracemalloc.start()
            sense(session, organisation_id=org, now=now, settings=settings)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            undo.rollback()
        print(f"{name}: full recompute through the agent: {elapsed:.2f} s, peak traced memory "
              f"{peak / 2**20:,.0f} MiB (a second, traced run), max RSS of the whole benchmark "
              f"{_rss():,.0f} MiB; {run.weeks:,} series-weeks, {len(run.detections)} detections")

        # one new signal: one person's value for the week after the newest stored (a rerun on
        # kept rows goes a week further), arriving as the webhook's do
        with workspace.session() as session:
            person = session.scalar(select(tables.Person.key).join(
                tables.Team, tables.Team.id == tables.Person.team_id).where(
                tables.Team.key == "team-0000").order_by(tables.Person.key).limit(1))
            newest = session.scalar(select(func.max(tables.Signal.observed_at)).where(
                tables.Signal.metric == "metric_0"))
        newest = newest.astimezone(UTC) if newest.tzinfo else newest.replace(tzinfo=UTC)
        week = newest + timedelta(weeks=1)
        record = {"id": f"new-{time.time_ns()}", "metric": "metric_0", "subject_type": "person",
                  "subject": person, "observed_at": week.isoformat(), "value": 0.7,
                  "source": "bench", "volume": 12}
        with workspace.session() as session:
            started = time.perf_counter()
            import_records(session, organisation_id=org, kind="signals", records=[record],
                           origin="webhook", event_kind="signals.received", actor="bench")
            written = time.perf_counter() - started
            started = time.perf_counter()
            one = sense(session, organisation_id=org, now=now, settings=settings,
                        only={"metric_0": ["team-0000"]})
            latency = time.perf_counter() - started
        print(f"{name}: one new signal evaluated against its series' stored state: "
              f"{latency * 1000:.1f} ms ({one.weeks} series-week, {one.advanced} resumed, "
              f"{one.recomputed} rebuilt); writing it through the webhook's import: "
              f"{written * 1000:.1f} ms")
        with workspace.session() as session:
            started = time.perf_counter()
            loop = sense(session, organisation_id=org, now=now, settings=settings)
            elapsed = time.perf_counter() - started
        print(f"{name}: the next loop run over every series (one new week for one team): "
              f"{elapsed:.2f} s ({loop.weeks:,} series-weeks, {loop.advanced} resumed)")
        workspace.close()


def _fill_and_summarise(workspace: Workspace, name: str, *, teams: int, size: int, weeks: int,
                        metrics: int) -> None:
    started = time.perf_counter()
    fill(workspace, teams=teams, size=size, weeks=weeks, metrics=metrics)
    print(f"{name}: wrote {teams * size:,} people x {weeks} weeks x {metrics} metrics in "
          f"{time.perf_counter() - started:.1f} s")
    # the rows went in behind the importer's back: build their team-week summary as
    # migration 0017 does for signals stored before it (an import keeps it as it writes)
    started = time.perf_counter()
    with workspace.session() as session:
        rebuild_team_weeks(session, organisation_id=workspace.organisation(session).id)
    print(f"{name}: team-week summary built from every row in "
          f"{time.perf_counter() - started:.1f} s (once; imports keep it up to date)")


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--metrics", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--home", type=Path, default=None,
                        help="keep the SQLite workspace in this folder, and reuse its rows when "
                             "an earlier run filled it (measure again without writing them)")
    args = parser.parse_args()
    sizes = {"teams": args.teams, "size": args.size, "weeks": args.weeks,
             "metrics": args.metrics}
    if args.home is not None:
        args.home.mkdir(parents=True, exist_ok=True)
    measure(None, home=args.home, **sizes)
    if args.postgres:
        found = postgres_database()
        if found is not None:
            url, drop = found
            try:
                measure(url, **sizes)
            finally:
                drop()


if __name__ == "__main__":
    main()
