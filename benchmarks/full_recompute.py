"""A full recompute of what the loop decides, end to end on a database: the sensing agent's
detections, the skills agent's proficiencies and skill health, the needs agent's ranked needs —
database reads, numerics and writes — as one figure, with each agent's share.

Run: .venv/bin/python benchmarks/full_recompute.py [--people 100000] [--metrics 3] [--postgres]
[--database-url URL [--forced-only]]
Defaults are full size: 100,000 people in 1,000 teams (two or three roles each), 500 skills, 200
roles of 12 required skills, 52 weeks of evidence (about 7.5 million pieces: two manager ratings,
two self-assessments and a Poisson(1) number of assessments per required skill, plus three other
skills), 20 priority objectives of 10 skills and 2 not-priorities, and 52 weeks of person-level
values on `--metrics` of the objectives' KPIs (5.2 million rows each), all written straight into
the tables; then the team-week summary and the evidence packs, which imports keep as they write,
are built (the packs' build is timed). Each measured pass runs in a fresh process: the first pass
starts from nothing (every proficiency and need new), the second is the next loop pass with nothing
new since (what an incremental run costs), the third is a forced recompute (`recompute` on every
agent) over the stored results, the fourth the next day's pass (every proficiency's interval has
widened, so every row is written again: the daily cost). A last pass, not shown, brings the results
back to the benchmark's day. Each prints its seconds per agent, the CPU seconds of the process and
of its PostgreSQL backend (when the server runs on this machine: under load they tell what the wall
clock cannot) and its max RSS (Linux keeps a parent's peak across fork and exec, so after a fill in
the same run it is the fill's; time a filled database again for the recompute's own).
`--database-url` runs on that database alone and keeps it (an organisation written there by an
earlier run is reused, so old and new code can be timed on the same data); `--forced-only` then
times the forced recompute and the next day alone.
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import postgres_database  # noqa: E402
from needs_agent import organisation  # noqa: E402
from sensing_speed import organisation as kpi_values  # noqa: E402

from learnloop.config import Settings  # noqa: E402
from learnloop.domain.proficiencies import KINDS  # noqa: E402
from learnloop.store import tables  # noqa: E402
from learnloop.store.evidence_packs import build_packs  # noqa: E402
from learnloop.store.team_weeks import rebuild_team_weeks  # noqa: E402
from learnloop.workspace import Workspace  # noqa: E402

WEEK_ONE = datetime(2025, 1, 6, tzinfo=UTC)
AS_OF = date(2026, 1, 5)
_BATCH = 200_000


def _workspace(home: str, url: str | None) -> Workspace:
    return Workspace.open(Settings(home=Path(home), database_url=url, redis_url=None,
                                   environment="development", secret_key=None))


def _write(workspace: Workspace, table: str, names: tuple[str, ...], rows) -> None:
    """Rows straight into a table: executemany on SQLite, COPY on PostgreSQL."""
    raw = workspace.database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if workspace.database.engine.dialect.name == "sqlite":
            marks = ", ".join("?" * len(names))
            statement = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
            batch: list = []
            for row in rows:
                batch.append(row)
                if len(batch) == _BATCH:
                    cursor.executemany(statement, batch)
                    batch = []
            cursor.executemany(statement, batch)
        else:
            with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        raw.commit()
        cursor.execute("ANALYZE")  # as autovacuum would after a load this size
        raw.commit()
    finally:
        raw.close()


def fill(workspace: Workspace, args: argparse.Namespace) -> None:
    people, teams = args.people, args.teams
    evidence, requirements, level_of, critical_of = organisation(
        0, people=people, skills=args.skills, teams=teams, roles=args.roles,
        required=args.required)
    size = -(-people // teams)
    rng = np.random.default_rng(1)
    sqlite = workspace.database.engine.dialect.name == "sqlite"
    with workspace.session() as session:
        org = workspace.organisation(session).id
        session.execute(insert(tables.Team), [
            {"organisation_id": org, "key": f"team-{t:04d}", "name": f"Team {t}",
             "department": "D"} for t in range(teams)])
        session.execute(insert(tables.Role), [
            {"organisation_id": org, "key": key, "name": key, "description": ""}
            for key in requirements.roles])
        session.execute(insert(tables.Skill), [
            {"organisation_id": org, "key": key, "name": key, "category": "Operations",
             "description": ""} for key in evidence.skills])
        team_id = dict(session.execute(select(tables.Team.key, tables.Team.id)).all())
        role_id = dict(session.execute(select(tables.Role.key, tables.Role.id)).all())
        skill_id = dict(session.execute(select(tables.Skill.key, tables.Skill.id)).all())
        person_role = np.zeros(people, dtype=np.int64)
        person_role[requirements.person] = requirements.role
        for first in range(0, people, 20_000):
            session.execute(insert(tables.Person), [
                {"organisation_id": org, "key": f"P{n:07d}", "name": f"P{n}",
                 "team_id": team_id[f"team-{n // size:04d}"],
                 "role_id": role_id[requirements.roles[person_role[n]]], "time_zone": "UTC",
                 "status": "active"} for n in range(first, min(first + 20_000, people))])
        pairs = np.unique(requirements.role * args.skills + requirements.skill)
        session.execute(insert(tables.RoleRequirement), [
            {"role_id": role_id[requirements.roles[p // args.skills]],
             "skill_id": skill_id[evidence.skills[p % args.skills]],
             "level": int(level_of[p // args.skills, p % args.skills]),
             "criticality": "critical" if critical_of[p // args.skills, p % args.skills]
             else "high"} for p in pairs.tolist()])
        for i in range(22):
            objective = tables.Objective(
                organisation_id=org, key=f"o{i:02d}", title=f"Objective {i}", description="",
                priority=i < 20, weight=float(rng.uniform(0.01, 0.2)) if i < 20 else 0.0,
                team_keys=[])
            session.add(objective)
            session.flush()
            session.add(tables.Kpi(objective_id=objective.id, direction="up", unit="%",
                                   metric=f"metric_{i}" if i < args.metrics else f"kpi{i:02d}"))
            for key in rng.choice(evidence.skills, 10, replace=False).tolist():
                session.add(tables.ObjectiveSkill(objective_id=objective.id,
                                                  skill_id=skill_id[key]))
        person_ids = np.array(session.scalars(
            select(tables.Person.id).order_by(tables.Person.key)).all())
    sids = np.array([skill_id[key] for key in evidence.skills])
    kinds = [kind.value for kind in KINDS]
    day_text = (np.datetime64("1970-01-01") + evidence.day.astype("timedelta64[D]")).astype(str)
    _write(workspace, "skill_evidence", ("organisation_id", "key", "person_id", "skill_id",
                                         "kind", "level", "observed_on", "source"),
           ((org, f"e{i}", int(p), int(s), kinds[k], float(v),
             d if sqlite else date.fromisoformat(d), "bench")
            for i, (p, s, k, v, d) in enumerate(zip(
                person_ids[evidence.person].tolist(), sids[evidence.skill].tolist(),
                evidence.kind.tolist(), evidence.level.tolist(), day_text.tolist(),
                strict=True))))
    for m in range(args.metrics):
        values, volumes, _, _ = kpi_values(m, teams=teams, size=size, weeks=52)
        values, volumes = values[:people], volumes[:people]

        def rows(m=m, values=values, volumes=volumes):
            for week in range(52):
                moment = WEEK_ONE + timedelta(weeks=week)
                # SQLite: the text SQLAlchemy stores, so time comparisons see the same values
                when = moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment
                seen = ~np.isnan(values[:, week])
                for n, pid, v, vol in zip(np.flatnonzero(seen).tolist(),
                                          person_ids[seen].tolist(),
                                          values[seen, week].tolist(),
                                          volumes[seen, week].tolist(), strict=True):
                    yield (org, f"m{m}|{n}|{week}", f"metric_{m}", "person", pid, when, v,
                           "bench", vol)

        _write(workspace, "signals", ("organisation_id", "key", "metric", "subject_type",
                                      "subject_id", "observed_at", "value", "source", "volume"),
               rows())
    # the rows went in behind the importer's back: build the team-week summary sensing reads,
    # as migration 0017 does for signals stored before it (an import keeps it as it writes)
    with workspace.session() as session:
        rebuild_team_weeks(session, organisation_id=workspace.organisation(session).id)
    # likewise the evidence packs the skills agent reads (an evidence import keeps them)
    started = time.perf_counter()
    with workspace.session() as session:
        build_packs(session, organisation_id=workspace.organisation(session).id)
    print(f"  evidence packs built in {time.perf_counter() - started:.1f} s")
    print(f"  {people:,} people, {args.skills} skills, {len(evidence):,} pieces of evidence, "
          f"{len(requirements.person):,} requirements, {args.metrics} sensed KPIs")


def measure(home: str, url: str | None, recompute: bool, days_later: int = 0) -> dict:
    """One loop pass of sensing, skills and needs in this process, `days_later` days after the
    benchmark's day: seconds per agent."""
    from learnloop.agents import run_loop
    from learnloop.agents.needs import NeedsAgent
    from learnloop.agents.sensing import SensingAgent
    from learnloop.agents.skills import SkillsAgent
    from learnloop.domain.sensing import DetectorSettings, calibrated_detector

    calibrated_detector(DetectorSettings())  # cached per process: not part of a run
    workspace = _workspace(home, url)
    marks: list[tuple[str, float, float, float]] = []
    backend: list[Path] = []

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter(), time.process_time(),
                      _cpu_of(backend[0]) if backend else 0.0))

    day = AS_OF + timedelta(days=days_later)
    options = {"sensing": {"as_of": f"{day.isoformat()}T00:00:00+00:00", "recompute": recompute},
               "skills": {"as_of": day.isoformat(), "recompute": recompute},
               "needs": {"recompute": recompute}}
    start = time.perf_counter()
    with workspace.session() as session:
        if session.get_bind().dialect.name == "postgresql":  # a server on this machine
            pid = session.scalar(text("SELECT pg_backend_pid()"))
            backend.extend(found for found in [Path(f"/proc/{pid}/stat")] if found.exists())
        report = run_loop(session, organisation_id=workspace.organisation(session).id,
                          agents=[SensingAgent(), SkillsAgent(), NeedsAgent()],
                          options=options, on_agent=lambda agent: mark(agent.name))
        mark("commit")
    end = time.perf_counter()
    mark("end")
    workspace.close()
    if not report.ok:
        raise SystemExit(f"loop failed: {report.failures}")
    pairs = list(zip(marks[:-1], marks[1:], strict=True))
    return {"seconds": {name: later[1] - at for (name, at, _, _), later in pairs},
            "cpu": {name: later[2] - used for (name, _, used, _), later in pairs},
            "server_cpu": {name: later[3] - used for (name, _, _, used), later in pairs
                           } if backend else {},
            "total": end - start,
            "summaries": {r.agent: r.summary for r in report.reports},
            "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _cpu_of(stat: Path) -> float:
    """User and system CPU seconds of a process on this machine, from /proc."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pass(home: str, url: str | None, what: str, recompute: bool, days_later: int = 0,
          *, shown: bool = True) -> None:
    found = subprocess.run(
        [sys.executable, __file__, "--measure", home, "--url", url or "",
         "--days-later", str(days_later), *(["--recompute"] if recompute else [])],
        check=True, capture_output=True, text=True)
    if not shown:
        return
    result = json.loads(found.stdout.splitlines()[-1])
    shares = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result["seconds"].items())
    cpu = ", ".join(f"{name} {seconds:.2f}" for name, seconds in result["cpu"].items())
    print(f"  {what:<34} {result['total']:6.2f} s  ({shares}); max RSS "
          f"{result['rss']:,.0f} MiB")
    print(f"      CPU seconds of this process: {cpu}")
    if result["server_cpu"]:
        print("      CPU seconds of its PostgreSQL backend: " + ", ".join(
            f"{name} {seconds:.2f}" for name, seconds in result["server_cpu"].items()))
    for agent, summary in result["summaries"].items():
        print(f"      {agent}: {summary[:150]}")


def run(url: str | None, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as home:
        _passes(home, url, args)


def _passes(home: str, url: str | None, args: argparse.Namespace, *,
            forced_only: bool = False) -> None:
    workspace = _workspace(home, url)
    name = workspace.database.engine.dialect.name
    print(f"{name}:")
    with workspace.session() as session:
        filled = session.scalar(select(tables.Person.id).limit(1)) is not None
    if filled:
        print("  (the organisation written by an earlier run)")
    else:
        started = time.perf_counter()
        fill(workspace, args)
        print(f"  written in {time.perf_counter() - started:.0f} s")
    workspace.close()
    if not (forced_only and filled):
        _pass(home, url, "first pass" if not filled else "a pass", False)
        _pass(home, url, "next pass (nothing new)", False)
    _pass(home, url, "forced full recompute", True)
    _pass(home, url, "the next day (every interval widens)", False, 1)
    _pass(home, url, "", True, shown=False)  # back to the day a kept organisation is for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--teams", type=int, default=1_000)
    parser.add_argument("--skills", type=int, default=500)
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--required", type=int, default=12)
    parser.add_argument("--metrics", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--sqlite-only", dest="postgres", action="store_false")
    parser.add_argument("--home", help="keep the SQLite workspace in this folder and reuse it")
    parser.add_argument("--database-url", help="run on this database alone and keep it (reused "
                        "when an earlier run filled it)")
    parser.add_argument("--forced-only", action="store_true",
                        help="on a filled database, time the forced recompute alone")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--recompute", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--days-later", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.url or None, args.recompute,
                                 args.days_later)))
        return
    if args.database_url:
        with tempfile.TemporaryDirectory() as home:
            _passes(home, args.database_url, args, forced_only=args.forced_only)
        return
    if args.home:
        _passes(args.home, None, args, forced_only=args.forced_only)
    else:
        run(None, args)
    if args.postgres:
        found = postgres_database()
        if found is not None:
            url, drop = found
            try:
                run(url, args)
            finally:
                drop()  # type: ignore[operator]


if __name__ == "__main__":
    main()
