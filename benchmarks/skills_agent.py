"""Skills agent speed: a full recompute of proficiencies and skill health for a large organisation.

Defaults are full size: 100,000 people in 1,000 teams, 500 skills, 200 roles of 12 required
skills each, 52 weeks of evidence (per person and required skill: two manager ratings, two
self-assessments and a Poisson(1) number of assessments; plus three skills outside the role).
Times the pure core as the agent runs it: calibration, the proficiency filter at today and at the
trend date, skill health at both and the trend; then prints the peak of traced allocations and
the process's max RSS. Reading from and writing to the database are not included.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from datetime import date

import numpy as np

from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiencies import (
    KINDS,
    EvidenceArrays,
    RequirementArrays,
    calibrate_sources,
    day_number,
    estimate_proficiencies,
    health_trend,
    skill_health,
)

FIRST = day_number(date(2025, 1, 6))
DAYS = 364


def organisation(seed: int, *, people: int, skills: int, teams: int, roles: int,
                 required: int, extra: int) -> tuple[EvidenceArrays, RequirementArrays]:
    rng = np.random.default_rng(seed)
    role_skills = np.argsort(rng.random((roles, skills)), axis=1)[:, :required]
    role_of = rng.integers(0, roles, people)
    team_of = np.repeat(np.arange(teams), -(-people // teams))[:people]
    req_person = np.repeat(np.arange(people), required)
    req_skill = role_skills[role_of].ravel()
    other = rng.integers(0, skills, (people, extra)).ravel()
    pair = np.unique(np.r_[req_person * skills + req_skill,
                           np.repeat(np.arange(people), extra) * skills + other])
    truth = np.clip(2.0 + rng.normal(0, 0.6, people)[pair // skills]
                    + rng.normal(0, 0.7, len(pair)), 0, 4)
    assessments = rng.poisson(1.0, len(pair))
    counts = 4 + assessments
    entry_pair = np.repeat(np.arange(len(pair)), counts)
    rank = np.arange(len(entry_pair)) - np.repeat(np.cumsum(counts) - counts, counts)
    kind = np.where(rank < 2, KINDS.index(EvidenceKind.MANAGER_RATING),
                    np.where(rank < 4, KINDS.index(EvidenceKind.SELF_ASSESSMENT),
                             KINDS.index(EvidenceKind.ASSESSMENT))).astype(np.int8)
    day = FIRST + rng.integers(0, DAYS, len(entry_pair))
    a = np.array([1.2, 1.1, 0.0])[kind]
    b = np.array([0.55, 0.7, 1.0])[kind]
    level = np.clip(np.round(a + b * truth[entry_pair] + rng.normal(0, 0.5, len(kind))), 0, 4)
    order = np.lexsort((day, entry_pair))
    evidence = EvidenceArrays(
        people=tuple(f"p{i:06d}" for i in range(people)),
        skills=tuple(f"s{j:03d}" for j in range(skills)),
        person=(pair // skills)[entry_pair[order]], skill=(pair % skills)[entry_pair[order]],
        kind=kind[order], level=level[order], day=day[order])
    requirements = RequirementArrays(
        teams=tuple(f"t{j:04d}" for j in range(teams)),
        roles=tuple(f"r{j:03d}" for j in range(roles)),
        person=req_person, team=team_of[req_person], role=role_of[req_person],
        skill=req_skill, level=rng.choice([2.0, 3.0], len(req_person)),
        critical=rng.random(len(req_person)) < 0.2)
    return evidence, requirements


def recompute(evidence: EvidenceArrays, requirements: RequirementArrays) -> dict[str, float]:
    """What the skills agent computes on a run; seconds per step."""
    as_of, trend_from = FIRST + DAYS, FIRST + DAYS - 90
    steps: dict[str, float] = {}
    start = time.perf_counter()
    calibration = calibrate_sources(evidence, as_of=as_of)
    steps["calibration"] = time.perf_counter() - start
    mark = time.perf_counter()
    now = estimate_proficiencies(evidence, as_of=as_of, sources=calibration.models,
                                 settings=calibration.settings)
    before = estimate_proficiencies(evidence, as_of=trend_from, sources=calibration.models,
                                    settings=calibration.settings)
    steps["proficiencies (two dates)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    trend = health_trend(skill_health(requirements, before), skill_health(requirements, now))
    steps["skill health and trend"] = time.perf_counter() - mark
    steps["total"] = time.perf_counter() - start
    steps["rows"] = float(len(now))
    steps["health rows"] = float(len(trend.after))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--skills", type=int, default=500)
    parser.add_argument("--teams", type=int, default=1_000)
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--required", type=int, default=12)
    parser.add_argument("--extra", type=int, default=3)
    args = parser.parse_args()
    evidence, requirements = organisation(0, people=args.people, skills=args.skills,
                                          teams=args.teams, roles=args.roles,
                                          required=args.required, extra=args.extra)
    print(f"{args.people:,} people, {args.skills} skills, {len(evidence):,} pieces of evidence "
          f"over 52 weeks, {len(requirements.person):,} requirements")
    steps = recompute(evidence, requirements)
    for name, seconds in steps.items():
        if name not in ("rows", "health rows"):
            print(f"  {name:<28} {seconds:6.2f} s")
    print(f"  {int(steps['rows']):,} proficiencies, {int(steps['health rows']):,} skill-health "
          "rows")
    tracemalloc.start()
    recompute(evidence, requirements)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak traced allocations      {peak / 2**20:6.0f} MiB")
    print(f"  max RSS of the process       "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:6.0f} MiB")


if __name__ == "__main__":
    main()
