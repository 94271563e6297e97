"""Sensing quality on simulated organisations: our detector and diagnosis against a plain CUSUM.

Prints, over `--seeds` organisations of 40 teams, the share of dips found within 2 and 8 weeks,
the median delay, false alarms per team-year on teams with no change and cause accuracy, for:
ours, the textbook plain CUSUM (k = 0.5, h = 4, causes from the change log alone), and the plain
CUSUM with h tuned on these very data to our false-alarm rate (a generous reference). Then the
trade-off of ours against the false-alarm budget. Delay = detected week - first affected week.

Then the other series the agent watches: pulse scores per team and question (`--pulse-seeds`
organisations of 40 teams x 4 questions, weekly or fortnightly surveys, 30% of the series with a
planted dip) and people's own series (`--people-seeds` of the organisations above, 4% of the
people of teams without a team dip given a dip of their own): found within 2 and 8 weeks, false
alarms per series-year without a change, and for people how many stand-alone person detections
a team dip let through. `--parts` picks which to run.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from learnloop.domain.sensing import DetectorSettings
from learnloop.simulation import Score, plain_cusum, score, sense_simulation, simulate_organisation
from learnloop.simulation.individuals import plant_individual_dips
from learnloop.simulation.pulses import simulate_pulses
from learnloop.simulation.series_scoring import (
    PersonScore,
    score_people,
    score_pulses,
    sense_simulated_people,
)


def measure(seeds: range, settings: DetectorSettings, *, plain_thresholds: tuple[float, ...] = ()
            ) -> tuple[Score, dict[tuple[float, bool], Score], list[tuple[str, float, int | None]]]:
    ours = Score()
    plain = {(h, left): Score() for h in plain_thresholds for left in (False, True)}
    dips: list[tuple[str, float, int | None]] = []
    for seed in seeds:
        organisation = simulate_organisation(seed)
        mine = score(organisation, sense_simulation(organisation, settings))
        ours = ours + mine
        causes = [t.cause for t in organisation.truth if t.dip]
        dips += list(zip(causes, mine.sizes, mine.delays, strict=True))
        for h, left in plain:
            plain[h, left] = plain[h, left] + score(
                organisation, plain_cusum(organisation, threshold=h, leave_out_logged=left))
    return ours, plain, dips


def rounded(summary: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 3) for key, value in summary.items()}


def pulses_and_people(pulse_seeds: int, people_seeds: int) -> None:
    started = time.perf_counter()
    if pulse_seeds:
        pulses = Score()
        for seed in range(pulse_seeds):
            pulses = pulses + score_pulses(simulate_pulses(seed))
        print(f"pulse: {pulse_seeds} organisations x 40 teams x 4 questions, "
              f"{len(pulses.delays)} dips, {pulses.quiet_years:.0f} quiet series-years")
        print("pulse", json.dumps(rounded(pulses.summary())))
    if people_seeds:
        people = PersonScore()
        for seed in range(people_seeds):
            planted = plant_individual_dips(simulate_organisation(seed), seed)
            people = people + score_people(planted, sense_simulated_people(planted))
        print(f"people: {people_seeds} organisations, {len(people.delays)} individual dips, "
              f"{people.watched_years:.0f} person-years watched, {people.team_dips} team dips")
        print("people", json.dumps(rounded(people.summary())))
    print(f"{time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--tradeoff-seeds", type=int, default=60)
    parser.add_argument("--pulse-seeds", type=int, default=100)
    parser.add_argument("--people-seeds", type=int, default=40)
    parser.add_argument("--parts", default="team,series",
                        help="team (team KPIs), series (pulse and people), or both")
    args = parser.parse_args()
    if "series" in args.parts:
        pulses_and_people(args.pulse_seeds, args.people_seeds)
    if "team" not in args.parts:
        return
    started = time.perf_counter()
    settings = DetectorSettings()
    grid = (4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 25.0)
    ours, plain, dips = measure(range(args.seeds), settings, plain_thresholds=grid)
    budget = max(ours.false_alarms_per_year, 0.05)
    print(f"{args.seeds} organisations x 40 teams, {len(ours.delays)} dips, "
          f"{ours.quiet_years:.0f} quiet team-years")
    print("ours", json.dumps(rounded(ours.summary())))
    for left in (False, True):
        tuned = min((h for h in grid if plain[h, left].false_alarms_per_year <= budget),
                    default=grid[-1])
        words = ", logged holidays and outages left out" if left else ""
        print(f"plain CUSUM h=4{words}", json.dumps(rounded(plain[4.0, left].summary())))
        print(f"plain CUSUM h={tuned:g} (tuned on these data to <= {budget:.3f} false alarms)"
              f"{words}", json.dumps(rounded(plain[tuned, left].summary())))
    print("\nours by cause and size (share within 2 / within 8 weeks)")
    for cause in ("skill", "process"):
        for low in (1.5, 2.0, 2.5, 3.0):
            picked = [d for c, s, d in dips if c == cause and low <= s < low + 0.5]
            within = [np.mean([d is not None and d <= w for d in picked]) for w in (2, 8)]
            print(f"  {cause:8s} {low:.1f}-{low + 0.5:.1f} SD  n={len(picked):4d}  "
                  f"{within[0]:.2f} / {within[1]:.2f}")
    print(f"\ntrade-off over {args.tradeoff_seeds} organisations (budget per series-year)")
    for per_year in (0.01, 0.02, 0.05, 0.1, 0.2):
        tried = DetectorSettings(false_alarms_per_year=per_year,
                                 false_alarms_per_logged_change=per_year * 0.4)
        mine, _, _ = measure(range(args.tradeoff_seeds), tried)
        print(f"  budget {per_year:<5g}", json.dumps(rounded(mine.summary())))
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
