"""The bar to beat: a plain CUSUM on weekly team series, causes read from the change log alone.

Textbook settings (reference k = 0.5 SD, threshold h = 4 SD, baseline = the first weeks).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from learnloop.domain.sensing.series import EXPLAINING_KINDS, excluded_weeks, team_series
from learnloop.simulation.organisation import SimulatedOrganisation
from learnloop.simulation.scoring import Alarm

__all__ = ["plain_cusum"]


def plain_cusum(organisation: SimulatedOrganisation, *, reference: float = 0.5,
                threshold: float = 4.0, baseline_weeks: int = 12,
                leave_out_logged: bool = False) -> list[Alarm]:
    """Alarms of a one-sided CUSUM per team; `leave_out_logged` skips logged holiday and outage
    weeks, to show how much of the difference the change log alone makes."""
    org = organisation
    values, _ = team_series(org.person_values, org.person_volumes, team_of=org.person_team,
                            teams=len(org.teams), ramp_weeks=0)
    values = values * org.signs[:, None]
    if leave_out_logged:
        left_out = np.stack([excluded_weeks(list(org.changes), org.weeks, team=name)
                             for name in org.teams])
        values = np.where(left_out, np.nan, values)
    alarms = []
    for team, series in enumerate(values):
        seen = np.flatnonzero(~np.isnan(series))
        base = series[seen[:baseline_weeks]]
        mean, sd = base.mean(), max(base.std(ddof=1), 1e-12)
        total, start = 0.0, None
        for week in seen[baseline_weeks:]:
            total = max(0.0, total - (series[week] - mean) / sd - reference)
            if total == 0.0:
                start = None
            elif start is None:
                start = int(week)
            if total > threshold:
                alarms.append(Alarm(team=team, change_week=start, detected_week=int(week),
                                    cause=_cause_from_log(org, team, start)))
                total, start = 0.0, None
    return alarms


def _cause_from_log(org: SimulatedOrganisation, team: int, start: int) -> str:
    day, window = org.weeks[start], timedelta(days=14)
    logged = any(c.kind in EXPLAINING_KINDS and c.concerns(org.teams[team])
                 and c.starts - window <= day <= c.ends + window for c in org.changes)
    return "process" if logged else "skill"
