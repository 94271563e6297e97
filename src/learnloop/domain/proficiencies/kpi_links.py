"""Whether the skills an objective names move its KPI: a regression of each person's KPI level on
their estimated proficiencies, within teams, with an effect and interval per linked skill.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from learnloop.domain.objectives import Direction
from learnloop.domain.proficiencies.estimation import ProficiencyEstimates
from learnloop.domain.proficiencies.normal import t_quantile

__all__ = ["LinkVerdict", "SkillKpiLink", "person_means", "skill_kpi_links"]


class LinkVerdict(StrEnum):
    RELATES = "relates"                # the interval excludes zero, on the better side
    NO_RELATION = "no_relation"        # the interval includes zero: flagged for L&D to review
    OPPOSITE = "opposite"              # more skill, worse KPI: flagged
    TOO_FEW_PEOPLE = "too_few_people"  # not judged


@dataclass(frozen=True, slots=True)
class SkillKpiLink:
    """One linked skill against one KPI: `effect` is the KPI's change per proficiency level,
    holding the team and the objective's other linked skills fixed, with its interval."""

    objective: str
    metric: str
    skill: str
    people: int
    effect: float
    lower: float
    upper: float
    verdict: LinkVerdict
    explanation: str

    @property
    def flagged(self) -> bool:
        return self.verdict in (LinkVerdict.NO_RELATION, LinkVerdict.OPPOSITE)


def person_means(subject: np.ndarray, values: np.ndarray, *, people: int) -> np.ndarray:
    """Each person's mean KPI value (NaN for people without one), from columns of values."""
    total = np.bincount(subject, weights=values, minlength=people)
    count = np.bincount(subject, minlength=people)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _within_teams(values: np.ndarray, team: np.ndarray, teams: int) -> np.ndarray:
    """Values minus their team's mean (columns at a time): the team fixed effect."""
    size = np.bincount(team, minlength=teams).astype(float)
    if values.ndim == 1:
        return values - (np.bincount(team, weights=values, minlength=teams) / size)[team]
    return np.column_stack([_within_teams(column, team, teams) for column in values.T])


def skill_kpi_links(*, objective: str, metric: str, direction: Direction,
                    skills: tuple[str, ...], kpi: np.ndarray, person_team: np.ndarray,
                    estimates: ProficiencyEstimates, interval: float = 0.90,
                    min_people: int = 30) -> list[SkillKpiLink]:
    """Tests each linked skill (names in `estimates.skills`) against the KPI: `kpi` holds each
    person's KPI level (NaN where unknown) by the estimates' person codes, `person_team` their
    team codes.

    All linked skills enter one regression, so a skill that merely travels with the one that
    matters (the same able people hold both) is not credited. The regressor is each person's
    posterior mean, not a raw rating: shrinking by reliability is regression calibration, so
    measurement error does not flatten the effect. People without evidence on every linked skill
    are left out."""
    codes = [estimates.skills.index(skill) for skill in skills]
    people = np.arange(len(kpi))
    columns, known = [], np.isfinite(kpi)
    for code in codes:
        mean, _, found = estimates.lookup(people, np.full(len(kpi), code))
        columns.append(mean)
        known &= found
    used = np.flatnonzero(known)
    team = np.unique(person_team[used], return_inverse=True)[1].reshape(-1)
    df = len(used) - int(team.max(initial=-1)) - 1 - len(codes)
    if df < min_people or not codes:
        return [SkillKpiLink(objective, metric, skill, len(used), float("nan"), float("nan"),
                             float("nan"), LinkVerdict.TOO_FEW_PEOPLE,
                             f"only {len(used)} people have both {metric} and evidence of the "
                             f"linked skills; {min_people} more than the teams are needed")
                for skill in skills]
    x = _within_teams(np.column_stack(columns)[used], team, int(team.max()) + 1)
    y = _within_teams(kpi[used], team, int(team.max()) + 1)
    gram = x.T @ x
    effect, *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = y - x @ effect
    variance = float(residual @ residual) / df
    se = np.sqrt(np.diag(np.linalg.pinv(gram)) * variance)
    t = t_quantile(0.5 + interval / 2, df)
    better = 1.0 if direction is Direction.UP else -1.0
    links = []
    for i, skill in enumerate(skills):
        lower, upper = float(effect[i] - t * se[i]), float(effect[i] + t * se[i])
        if lower > 0 or upper < 0:
            verdict = LinkVerdict.RELATES if effect[i] * better > 0 else LinkVerdict.OPPOSITE
        else:
            verdict = LinkVerdict.NO_RELATION
        links.append(SkillKpiLink(objective, metric, skill, len(used), float(effect[i]), lower,
                                  upper, verdict, _explain(verdict, skill=skill, metric=metric,
                                                           objective=objective,
                                                           interval=interval,
                                                           bounds=(lower, upper))))
    return links


def _explain(verdict: LinkVerdict, *, skill: str, metric: str, objective: str,
             interval: float, bounds: tuple[float, float]) -> str:
    span = f"{bounds[0]:+.3g} to {bounds[1]:+.3g} per level ({interval:.0%} interval)"
    if verdict is LinkVerdict.RELATES:
        return f"people stronger in {skill} do better on {metric}: {span}"
    if verdict is LinkVerdict.OPPOSITE:
        return (f"objective {objective} names {skill}, but people stronger in it do worse on "
                f"{metric}: {span}; review the link")
    return (f"objective {objective} names {skill}; the data does not show {skill} moves "
            f"{metric} ({span}); review the link")
