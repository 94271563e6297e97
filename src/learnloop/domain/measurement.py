"""The analytics agent's bridge from records to the analytics core: the person-week panel of an
intervention's people, weekly means for charts, and the core's results as JSON-ready fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from learnloop.domain.analytics import ImpactEstimate, ImpactPanel, before_after
from learnloop.domain.interventions import Group

__all__ = ["estimate_fields", "impact_panel", "plain", "weekly_means"]


def _weeks(days: np.ndarray) -> np.ndarray:
    # week 0 is the start's own week and the six days after; -1 the week before it
    return np.floor_divide(days, 7).astype(np.int64)


def impact_panel(*, person: Sequence[str], days: Sequence[int], values: Sequence[float],
                 groups: Mapping[str, str], teams: Mapping[str, str], kpi: str,
                 direction: str = "up", unit: str = "") -> ImpactPanel:
    """Person-week values of the assigned people (others dropped), weeks counted from the
    start, each person-week the mean of its values, teams as clusters."""
    # one dictionary look-up per entry; everything per person is then done once per person
    index: dict[str, int] = {}
    code = np.fromiter((index.setdefault(key, len(index)) for key in person), dtype=np.int64,
                       count=len(person))
    keys = list(index)
    assigned = np.array([key in groups for key in keys], dtype=bool)
    treated = np.array([groups.get(key) == Group.TREATED for key in keys], dtype=bool)
    team_names = sorted({teams.get(key, "") for key, kept in zip(keys, assigned, strict=True)
                         if kept})
    team_code = {name: number for number, name in enumerate(team_names)}
    cluster = np.array([team_code.get(teams.get(key, ""), -1) for key in keys], dtype=np.int64)
    keep = assigned[code] if len(code) else np.zeros(0, dtype=bool)
    code = code[keep]
    week = _weeks(np.asarray(days, dtype=np.int64)[keep])
    value = np.asarray(values, dtype=float)[keep]
    # one row per person and week: the mean of that week's values
    pairs = code * 100_000 + (week + 50_000)
    unique, inverse = np.unique(pairs, return_inverse=True)
    sums = np.bincount(inverse, weights=value, minlength=len(unique))
    counts = np.bincount(inverse, minlength=len(unique))
    row_person = unique // 100_000
    return ImpactPanel(
        person=row_person.astype(np.int64), cluster=cluster[row_person],
        treated=treated[row_person], week=(unique % 100_000 - 50_000).astype(np.int64),
        value=sums / np.maximum(counts, 1), kpi=kpi, direction=direction, unit=unit)


def weekly_means(panel: ImpactPanel, *, first: int = -12) -> dict[str, list]:
    """Mean value per week from `first` on, treated and hold-out apart (for the charts)."""
    rows = [row for row in before_after(panel).weekly if row[0] >= first]
    return {"weeks": [week for week, _, _ in rows],
            "treated": [plain(value) for _, value, _ in rows],
            "holdout": [plain(value) for _, _, value in rows]}


def plain(value: float | None, digits: int = 4) -> float | None:
    """A number as JSON holds it: rounded, and None for NaN or infinity."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def estimate_fields(estimate: ImpactEstimate) -> dict[str, object]:
    """The estimate as JSON-ready fields (NaN as null)."""
    return {
        "kpi": estimate.kpi, "direction": estimate.direction,
        "estimate": plain(estimate.estimate), "lower": plain(estimate.lower),
        "upper": plain(estimate.upper), "se": plain(estimate.se),
        "p_value": plain(estimate.p_value), "n_treated": estimate.n_treated,
        "n_holdout": estimate.n_holdout, "n_clusters": estimate.n_clusters,
        "confidence": estimate.confidence, "method": estimate.method,
        "enough_data": estimate.enough_data, "verdict": estimate.verdict,
        "mde": plain(estimate.mde), "weeks_needed": estimate.weeks_needed,
        "weeks_after": estimate.weeks_after, "improved": estimate.improved,
        "notes": list(estimate.notes),
    }
