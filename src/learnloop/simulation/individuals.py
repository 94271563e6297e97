"""Individual dips planted in a simulated organisation: one person's own KPI falls while their
team goes on as before, with the truth the person-level quality tests score against.

Planted with a generator of their own, so the organisation's team-level data is otherwise the
same as `simulate_organisation` gives.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from learnloop.simulation.organisation import SimulatedOrganisation

__all__ = ["IndividualDip", "PlantedOrganisation", "plant_individual_dips"]


@dataclass(frozen=True, slots=True)
class IndividualDip:
    person: int
    start_week: int
    size_sd: float                    # in the person's own weekly SDs


@dataclass(frozen=True, slots=True, eq=False)
class PlantedOrganisation:
    organisation: SimulatedOrganisation   # with the dips in its people's values
    dips: tuple[IndividualDip, ...]


def plant_individual_dips(organisation: SimulatedOrganisation, seed: int, *,
                          share: float = 0.04, size_sd: tuple[float, float] = (1.5, 3.5),
                          start: tuple[int, int] = (20, 43)) -> PlantedOrganisation:
    """Give `share` of the people of teams without a team dip, present all year, a sustained dip
    of `size_sd` of their own weekly SDs (measured on their weeks before it) from a week in
    `start`."""
    org = organisation
    rng = np.random.default_rng(10_000_019 + seed)
    values = org.person_values.copy()
    seen = ~np.isnan(values)
    quiet = np.array([not t.dip for t in org.truth])[org.person_team]
    candidates = np.flatnonzero(quiet & (seen.mean(axis=1) >= 0.8))
    chosen = np.sort(rng.choice(candidates, size=int(round(share * len(candidates))),
                                replace=False)) if len(candidates) else np.empty(0, int)
    dips = []
    for person in chosen:
        week = int(rng.integers(start[0], start[1] + 1))
        size = float(rng.uniform(*size_sd))
        before = values[person, :week]
        sd = float(np.nanstd(before, ddof=1))
        sign = int(org.signs[org.person_team[person]])
        values[person, week:] -= sign * size * sd
        dips.append(IndividualDip(person=int(person), start_week=week, size_sd=size))
    return PlantedOrganisation(organisation=replace(org, person_values=values),
                               dips=tuple(dips))
