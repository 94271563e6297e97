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


def _evidence_only(estimates: ProficiencyEstimates, skill: int,
                   people: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each person's level from their evidence alone (the belief with the prior taken out) and
    its error variance: an unbiased, noisy measurement of the true level."""
    mean, sd, found = estimates.lookup(np.arange(people), np.full(people, skill))
    prior_var = estimates.settings.prior_sd ** 2
    error_var = 1.0 / np.maximum(1.0 / sd ** 2 - 1.0 / prior_var, 1e-9)
    level = (mean / sd ** 2 - estimates.settings.prior_mean / prior_var) * error_var
    return level, error_var, found


def skill_kpi_links(*, objective: str, metric: str, direction: Direction,
                    skills: tuple[str, ...], kpi: np.ndarray, person_team: np.ndarray,
                    estimates: ProficiencyEstimates, interval: float = 0.90,
                    min_people: int = 30) -> list[SkillKpiLink]:
    """Tests each linked skill (names in `estimates.skills`) against the KPI: `kpi` holds each
    person's KPI level (NaN where unknown) by the estimates' person codes, `person_team` their
    team codes. People without evidence on every linked skill are left out.

    All linked skills enter one regression, so a skill that merely travels with the one that
    matters (the same able people hold both) is not credited. Proficiency is measured with
    error, and that error would both flatten the effect of the skill that matters and hand part
    of it to the skills correlated with it; the regression corrects for it by the method of
    moments (Fuller 1987): β = (W'W − Σ error variances)⁻¹ W'y on each person's evidence-only
    level W, with a heteroscedasticity-robust (sandwich) interval."""
    codes = [estimates.skills.index(skill) for skill in skills]
    columns, errors, known = [], [], np.isfinite(kpi)
    for code in codes:
        level, error_var, found = _evidence_only(estimates, code, len(kpi))
        columns.append(level)
        errors.append(error_var)
        known &= found
    used = np.flatnonzero(known)
    team = np.unique(person_team[used], return_inverse=True)[1].reshape(-1)
    teams = int(team.max(initial=-1)) + 1
    df = len(used) - teams - len(codes)
    if df < min_people or not codes:
        return [SkillKpiLink(objective, metric, skill, len(used), float("nan"), float("nan"),
                             float("nan"), LinkVerdict.TOO_FEW_PEOPLE,
                             f"only {len(used)} people have both {metric} and evidence of the "
                             f"linked skills; {min_people} more than the teams are needed")
                for skill in skills]
    n = len(used)
    w = _within_teams(np.column_stack(columns)[used], team, teams)
    y = _within_teams(kpi[used], team, teams)
    # demeaning within a team of n_t people keeps (1 − 1/n_t) of each error's variance
    kept = 1.0 - 1.0 / np.bincount(team, minlength=teams)[team]
    error = np.diag([float(np.mean(e[used] * kept)) for e in errors])
    moment = w.T @ w / n - error
    effect = np.linalg.solve(moment, w.T @ y / n)
    residual = y - w @ effect
    spread = (w * residual[:, None]).T @ (w * residual[:, None]) / n
    inverse = np.linalg.inv(moment)
    se = np.sqrt(np.maximum(np.diag(inverse @ spread @ inverse) / n, 0.0))
    t = t_quantile(0.5 + interval / 2, df)
    better = 1.0 if direction is Direction.UP else -1.0
    links = []
    for i, skill in enumerate(skills):
        lower, upper = float(effect[i] - t * se[i]), float(effect[i] + t * se[i])
        if lower > 0 or upper < 0:
            verdict = LinkVerdict.RELATES if effect[i] * better > 0 else LinkVerdict.OPPOSITE
        else:
            verdict = LinkVerdict.NO_RELATION
        links.append(SkillKpiLink(objective, metric, skill, n, float(effect[i]), lower, upper,
                                  verdict, _explain(verdict, skill=skill, metric=metric,
                                                    objective=objective, interval=interval,
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
