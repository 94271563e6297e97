"""Needs agent speed and quality.

Speed (defaults are full size): 100,000 people in 1,000 teams (two or three roles each), 500
skills, 200 roles of 12 required skills, 52 weeks of evidence, 20 priority
objectives of 10 skills each and 2 not-priorities, 300 detections. The skills agent's results are
computed and stored first (timed apart); then a full needs run through the loop is timed (its
reads, ranking and writes), a second, forced run, which refreshes every need in place, and a
third with nothing new since the second (it skips). Prints the times, the peak of traced
allocations of a forced run and the process's max RSS.

Quality: simulated companies with known truth (`learnloop.simulation.needs`, seeds 1-12 by
default), each imported through the real importers and run through the whole loop; prints how
often the skill-gap dip is the top need and the top training need, the process dip is flagged
"investigate before training", and skills no priority names stay quiet.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from skills_agent import DAYS, FIRST  # noqa: E402

from learnloop.agents import registered_agents, run_loop  # noqa: E402
from learnloop.agents.needs import NeedsAgent  # noqa: E402
from learnloop.config import Settings  # noqa: E402
from learnloop.demo.build import import_company  # noqa: E402
from learnloop.domain.evidence import EvidenceKind  # noqa: E402
from learnloop.domain.proficiencies import (  # noqa: E402
    KINDS,
    EvidenceArrays,
    RequirementArrays,
    calibrate_sources,
    estimate_proficiencies,
    health_trend,
    skill_health,
)
from learnloop.simulation.needs import simulate_needs_company  # noqa: E402
from learnloop.simulation.needs_scoring import score_queue  # noqa: E402
from learnloop.store import tables  # noqa: E402
from learnloop.store.needs import needs  # noqa: E402
from learnloop.store.proficiencies import replace_proficiencies, replace_skill_health  # noqa: E402
from learnloop.workspace import Workspace  # noqa: E402

AS_OF = date(2026, 1, 5)


def _workspace(home: Path, url: str | None) -> Workspace:
    return Workspace.open(Settings(home=home, database_url=url, redis_url=None,
                                   environment="development", secret_key=None))


def _ids(session, table, organisation_id: int) -> dict[str, int]:
    return {key: row_id for row_id, key in session.execute(
        select(table.id, table.key).where(table.organisation_id == organisation_id))}


def organisation(seed: int, *, people: int, skills: int, teams: int, roles: int,
                 required: int) -> tuple[EvidenceArrays, RequirementArrays, np.ndarray,
                                         np.ndarray]:
    """As the skills benchmark's, except that each team holds people of two or three roles (a
    support team, its leads): evidence on every requirement plus three other skills; most people
    near their role's level, some well below. Returns the role levels and criticality too."""
    rng = np.random.default_rng(seed)
    role_skills = np.argsort(rng.random((roles, skills)), axis=1)[:, :required]
    level_of = rng.choice([2.0, 3.0], (roles, skills))
    critical_of = rng.random((roles, skills)) < 0.2
    team_of = np.repeat(np.arange(teams), -(-people // teams))[:people]
    team_roles = rng.integers(0, roles, (teams, 3))
    role_of = team_roles[team_of, rng.choice(3, people, p=[0.8, 0.15, 0.05])]
    req_person = np.repeat(np.arange(people), required)
    req_skill = role_skills[role_of].ravel()
    other = rng.integers(0, skills, (people, 3)).ravel()
    pair = np.unique(np.r_[req_person * skills + req_skill,
                           np.repeat(np.arange(people), 3) * skills + other])
    base = level_of[role_of[pair // skills], pair % skills] + 0.3
    truth = np.clip(base + rng.normal(0, 0.3, people)[pair // skills]
                    + rng.normal(0, 0.4, len(pair))
                    - np.where(rng.random(len(pair)) < 0.08, 1.5, 0.0), 0, 4)
    counts = 4 + rng.poisson(1.0, len(pair))
    entry_pair = np.repeat(np.arange(len(pair)), counts)
    rank = np.arange(len(entry_pair)) - np.repeat(np.cumsum(counts) - counts, counts)
    kind = np.where(rank < 2, KINDS.index(EvidenceKind.MANAGER_RATING),
                    np.where(rank < 4, KINDS.index(EvidenceKind.SELF_ASSESSMENT),
                             KINDS.index(EvidenceKind.ASSESSMENT))).astype(np.int8)
    day = FIRST + rng.integers(0, DAYS, len(entry_pair))
    a, b = np.array([1.1, 1.0, 0.0])[kind], np.array([0.6, 0.75, 1.0])[kind]
    level = np.clip(np.round(a + b * truth[entry_pair] + rng.normal(0, 0.5, len(kind))), 0, 4)
    order = np.lexsort((day, entry_pair))
    evidence = EvidenceArrays(
        people=tuple(f"p{i:06d}" for i in range(people)),
        skills=tuple(f"s{j:03d}" for j in range(skills)),
        person=(pair // skills)[entry_pair[order]], skill=(pair % skills)[entry_pair[order]],
        kind=kind[order], level=level[order], day=day[order])
    req_role = role_of[req_person]
    requirements = RequirementArrays(
        teams=tuple(f"t{j:04d}" for j in range(teams)),
        roles=tuple(f"r{j:03d}" for j in range(roles)),
        person=req_person, team=team_of[req_person], role=req_role, skill=req_skill,
        level=level_of[req_role, req_skill], critical=critical_of[req_role, req_skill])
    return evidence, requirements, level_of, critical_of


def fill(workspace: Workspace, args: argparse.Namespace) -> None:
    """The organisation, its catalogue and the skills agent's stored results."""
    evidence, requirements, level_of, critical_of = organisation(
        0, people=args.people, skills=args.skills, teams=args.teams, roles=args.roles,
        required=args.required)
    rng = np.random.default_rng(1)
    calibration = calibrate_sources(evidence, as_of=FIRST + DAYS)
    now = estimate_proficiencies(evidence, as_of=FIRST + DAYS, sources=calibration.models,
                                 settings=calibration.settings)
    before = estimate_proficiencies(evidence, as_of=FIRST + DAYS - 90,
                                    sources=calibration.models, settings=calibration.settings)
    trend = health_trend(skill_health(requirements, before), skill_health(requirements, now))
    start = time.perf_counter()
    with workspace.session() as session:
        org = workspace.organisation(session).id
        session.execute(insert(tables.Team), [
            {"organisation_id": org, "key": key, "name": key, "department": "d"}
            for key in requirements.teams])
        session.execute(insert(tables.Role), [
            {"organisation_id": org, "key": key, "name": key, "description": ""}
            for key in requirements.roles])
        session.execute(insert(tables.Skill), [
            {"organisation_id": org, "key": key, "name": key, "category": "Operations",
             "description": ""} for key in evidence.skills])
        teams, roles = _ids(session, tables.Team, org), _ids(session, tables.Role, org)
        skills = _ids(session, tables.Skill, org)
        person_role = np.zeros(len(evidence.people), dtype=np.int64)
        person_team = np.zeros(len(evidence.people), dtype=np.int64)
        person_role[requirements.person] = requirements.role
        person_team[requirements.person] = requirements.team
        for first in range(0, len(evidence.people), 20_000):
            session.execute(insert(tables.Person), [
                {"organisation_id": org, "key": evidence.people[i], "name": evidence.people[i],
                 "email": None, "team_id": teams[requirements.teams[person_team[i]]],
                 "role_id": roles[requirements.roles[person_role[i]]], "manager_id": None,
                 "location": None, "time_zone": "UTC", "hire_date": None, "status": "active"}
                for i in range(first, min(first + 20_000, len(evidence.people)))])
        pairs = np.unique(requirements.role * args.skills + requirements.skill)
        session.execute(insert(tables.RoleRequirement), [
            {"role_id": roles[requirements.roles[p // args.skills]],
             "skill_id": skills[evidence.skills[p % args.skills]],
             "level": int(level_of[p // args.skills, p % args.skills]),
             "criticality": "critical" if critical_of[p // args.skills, p % args.skills]
             else "high"} for p in pairs.tolist()])
        _objectives(session, org, evidence.skills, skills, rng)
        _detections(session, org, requirements.teams, evidence.skills, rng)
        replace_proficiencies(session, organisation_id=org, estimates=now, as_of=AS_OF)
        replace_skill_health(session, organisation_id=org, trend=trend, as_of=AS_OF,
                             trend_from=AS_OF)
    print(f"  stored the organisation and the skills agent's results in "
          f"{time.perf_counter() - start:.1f} s ({len(now):,} proficiencies, "
          f"{len(trend.after):,} skill-health rows)")


def _objectives(session, org: int, skill_keys, skills: dict[str, int], rng) -> None:
    for i in range(22):
        row = tables.Objective(organisation_id=org, key=f"o{i:02d}", title=f"Objective {i}",
                               description="", owner=None, priority=i < 20,
                               weight=float(rng.uniform(0.01, 0.2)) if i < 20 else 0.0,
                               reason=None, team_keys=[])
        session.add(row)
        session.flush()
        session.add(tables.Kpi(objective_id=row.id, metric=f"kpi{i:02d}", direction="up",
                               unit="", target=None))
        for key in rng.choice(skill_keys, 10, replace=False).tolist():
            session.add(tables.ObjectiveSkill(objective_id=row.id, skill_id=skills[key]))
    session.flush()


def _detections(session, org: int, team_keys, skill_keys, rng, count: int = 300) -> None:
    causes = rng.choice(["skill", "process", "unknown"], count, p=[0.5, 0.3, 0.2])
    rows = []
    for i in range(count):
        team, metric = str(rng.choice(team_keys)), f"kpi{int(rng.integers(0, 20)):02d}"
        start = date(2025, 3, 3 + int(rng.integers(0, 20)))
        linked = [str(k) for k in rng.choice(skill_keys, 5, replace=False)]
        evidence = {"subject_type": "team", "subject_key": team, "metric": metric,
                    "direction": "dip", "baseline_level": 80.0, "baseline_sd": 1.0,
                    "baseline_from": "2025-01-06", "baseline_to": "2025-02-24",
                    "observed_level": 74.0, "effect": -6.0, "effect_sd": 6.0,
                    "confidence": 0.97, "change_start": start.isoformat(),
                    "detected_at": start.isoformat(), "statistic": 4.0, "change_week": i,
                    "detected_week": i, "linked_skills": linked, "nearby_changes": []}
        rows.append({"organisation_id": org, "subject_type": "team", "subject_key": team,
                     "metric": metric, "direction": "dip", "change_start": start,
                     "detected_at": start, "effect": -6.0, "effect_sd": 6.0,
                     "confidence": 0.97, "cause": str(causes[i]), "skill": linked[0],
                     "reason": "simulated", "evidence": evidence,
                     "created_at": datetime.now(UTC)})
    unique = {(r["subject_key"], r["metric"], r["change_start"]): r for r in rows}
    session.execute(insert(tables.Detection), list(unique.values()))


def _run(workspace: Workspace, *, recompute: bool = False) -> tuple[float, str]:
    start = time.perf_counter()
    with workspace.session() as session:
        report = run_loop(session, organisation_id=workspace.organisation(session).id,
                          agents=[NeedsAgent()], options={"needs": {"recompute": recompute}})
    assert report.ok, report.failures
    return time.perf_counter() - start, report.reports[0].summary


def speed(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as home:
        workspace = _workspace(Path(home), args.database_url)
        print(f"speed: {args.people:,} people, {args.teams:,} teams, {args.skills} skills, "
              f"{args.roles} roles of {args.required} skills, on "
              f"{workspace.database.engine.dialect.name}")
        fill(workspace, args)
        seconds, summary = _run(workspace)
        print(f"  first run (every need new)   {seconds:6.2f} s  {summary}")
        seconds, summary = _run(workspace, recompute=True)
        print(f"  second run (forced refresh)  {seconds:6.2f} s  {summary}")
        seconds, summary = _run(workspace)
        print(f"  third run (nothing new)      {seconds:6.2f} s  {summary}")
        tracemalloc.start()
        _run(workspace, recompute=True)  # only to trace its allocations (tracing slows it)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  peak traced allocations      {peak / 2**20:6.0f} MiB")
        print(f"  max RSS of the process       "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:6.0f} MiB")
        workspace.close()


def quality(seeds: range) -> None:
    print(f"quality: simulated companies, seeds {seeds.start}-{seeds.stop - 1}")
    scores = []
    start = time.perf_counter()
    for seed in seeds:
        with tempfile.TemporaryDirectory() as home:
            workspace = _workspace(Path(home), None)
            company = simulate_needs_company(seed)
            with workspace.session() as session:
                import_company(session, company, organisation=workspace.organisation(session),
                               directory=Path(home) / "files", settings=workspace.settings)
            with workspace.session() as session:
                org = workspace.organisation(session).id
                assert run_loop(session, organisation_id=org, agents=registered_agents()).ok
                scores.append(score_queue(needs(session, organisation_id=org), company.truth))
            workspace.close()
    n = len(scores)
    print(f"  skill-gap dip is the top need            {sum(s.top_need for s in scores)}/{n}")
    print(f"  skill-gap dip is the top training need   "
          f"{sum(s.top_training_need for s in scores)}/{n}")
    print(f"  process dip flagged investigate          "
          f"{sum(s.process_investigated for s in scores)}/{n}")
    print(f"  non-priority skills kept quiet           "
          f"{sum(s.quiet_kept_quiet for s in scores)}/{n} seeds "
          f"({sum(s.quiet_needs for s in scores)} such needs, "
          f"{sum(s.quiet_found for s in scores)}/{2 * n} planted gaps seen, none pushed)")
    print(f"  {time.perf_counter() - start:.1f} s for {n} companies (import and whole loop)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--skills", type=int, default=500)
    parser.add_argument("--teams", type=int, default=1_000)
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--required", type=int, default=12)
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL URL to measure on (default: SQLite)")
    args = parser.parse_args()
    if args.seeds:
        quality(range(1, args.seeds + 1))
    speed(args)


if __name__ == "__main__":
    main()
