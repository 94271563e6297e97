"""Sensing speed: a full recompute of detections for a large organisation, and one new week.

Defaults are full size: 100,000 people in 1,000 teams, 52 weeks of person-level values on 3
metrics. Prints the time and peak memory (traced NumPy allocations, and the process's max RSS)
of the recompute, and the latency of evaluating one new week of one team's series.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from datetime import date, timedelta

import numpy as np

from learnloop.domain.sensing import DetectorSettings, calibrated_detector
from learnloop.domain.sensing.series import ChangeEntry, ChangeKind, team_series
from learnloop.domain.sensing.teams import sense_teams

WEEKS = 52
FIRST = date(2025, 1, 6)


def organisation(seed: int, *, teams: int, size: int, weeks: int = WEEKS):
    """Person-level weekly values and volumes for one metric, 1 team in 10 with a dip."""
    rng = np.random.default_rng(seed)
    people = teams * size
    team_of = np.repeat(np.arange(teams), size)
    rate = np.clip(rng.lognormal(np.log(15), 0.5, people), 2, 80)
    volumes = rng.poisson(rate[:, None], (people, weeks)).astype(float)
    common = rng.normal(0, 0.05, (teams, weeks))
    units = (rng.normal(0, 0.15, people)[:, None] + common[team_of]
             + rng.normal(0, 1, (people, weeks)) / np.sqrt(np.maximum(volumes, 1)))
    dipped = rng.random(teams) < 0.1
    start = rng.integers(14, 44, teams)
    late = np.arange(weeks)[None, :] >= start[team_of][:, None]
    units -= np.where(dipped[team_of][:, None] & late, 0.15, 0.0)
    values = np.where(volumes > 0, 0.72 + 0.45 * units, np.nan)
    below = rng.random(people) < 0.4
    return values, np.where(volumes > 0, volumes, np.nan), team_of, below


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--metrics", type=int, default=3)
    args = parser.parse_args()
    settings = DetectorSettings()
    names = [f"team-{j:04d}" for j in range(args.teams)]
    weeks = tuple(FIRST + timedelta(weeks=k) for k in range(WEEKS))
    changes = [ChangeEntry(ChangeKind.HOLIDAY, weeks[w], weeks[w]) for w in (15, 32, 51)]
    changes += [ChangeEntry(ChangeKind.PROCESS_CHANGE, weeks[20 + j % 30], weeks[20 + j % 30],
                            team=names[j]) for j in range(0, args.teams, 7)]
    data = [organisation(seed, teams=args.teams, size=args.size) for seed in range(args.metrics)]
    # calibration is computed once per settings and cached; it is not part of a recompute
    calibrated_detector(settings)
    calibrated_detector(DetectorSettings(false_alarms_per_year=settings.false_alarms_per_year / 2))

    def recompute() -> int:
        found = 0
        for metric, (values, volumes, team_of, below) in enumerate(data):
            findings = sense_teams(
                values, volumes, team_of=team_of, teams=names,
                metrics=[f"m{metric}"] * len(names), signs=np.ones(len(names)), weeks=weeks,
                changes=changes, below_required={"skill": below}, settings=settings,
                linked_skills=[["skill"]] * len(names))
            found += len(findings)
        return found

    started = time.perf_counter()
    found = recompute()
    elapsed = time.perf_counter() - started
    # a second pass under tracemalloc, which slows allocation down, for the peak memory
    tracemalloc.start()
    recompute()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    people = args.teams * args.size
    print(f"full recompute: {people:,} people, {args.teams:,} teams, {WEEKS} weeks, "
          f"{args.metrics} metrics -> {found} detections in {elapsed:.2f} s; "
          f"peak traced memory {peak / 2**20:.0f} MiB; "
          f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

    # one new week for one team: aggregate its people's rows, advance its two series
    values, volumes, team_of, below = data[0]
    members = np.flatnonzero(team_of == 0)
    detector = calibrated_detector(
        DetectorSettings(false_alarms_per_year=settings.false_alarms_per_year / 2))
    history = np.concatenate([team_series(values[members], volumes[members],
                                          team_of=np.zeros(len(members), int), teams=1)[0],
                              team_series(values[members[below[members]]],
                                          volumes[members[below[members]]],
                                          team_of=np.zeros(below[members].sum(), int),
                                          teams=1)[0]])
    state, _ = detector.run(history[:, :WEEKS - 1])
    groups = np.where(below[members], 1, 0)
    rounds = 500
    started = time.perf_counter()
    for _ in range(rounds):
        week_values = values[members, WEEKS - 1:]
        week_volumes = volumes[members, WEEKS - 1:]
        whole, whole_volume = team_series(week_values, week_volumes,
                                          team_of=np.zeros(len(members), int), teams=1)
        part, part_volume = team_series(week_values[groups == 1], week_volumes[groups == 1],
                                        team_of=np.zeros(int(groups.sum()), int), teams=1)
        detector.advance(state, np.concatenate([whole[:, 0], part[:, 0]]),
                         volumes=np.concatenate([whole_volume[:, 0], part_volume[:, 0]]))
    latency = (time.perf_counter() - started) / rounds
    print(f"one new week for one team ({len(members)} people, 2 series): "
          f"{latency * 1000:.2f} ms")


if __name__ == "__main__":
    main()
