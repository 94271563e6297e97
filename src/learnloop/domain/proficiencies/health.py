"""Skill health per team, role and skill: coverage of role requirements, bench strength, single
points of failure and the trend between two dates, each with its uncertainty from the beliefs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from learnloop.domain.proficiencies.estimation import ProficiencyEstimates
from learnloop.domain.proficiencies.normal import normal_cdf, normal_quantile

__all__ = ["HealthTrend", "RequirementArrays", "SkillHealthColumns", "health_trend",
           "skill_health"]

# a single point of failure: a critical skill that most likely one person in the team holds
SINGLE_POINT_PROBABILITY = 0.5


@dataclass(frozen=True, slots=True, eq=False)
class RequirementArrays:
    """Entry i: person `person[i]` (of team `team[i]`, role `role[i]`) is required to hold skill
    `skill[i]` at `level[i]`; `critical[i]` when the role's criticality is critical. Codes index
    `teams`, `roles` and the estimates' people and skills."""

    teams: tuple[str, ...]
    roles: tuple[str, ...]
    person: np.ndarray
    team: np.ndarray
    role: np.ndarray
    skill: np.ndarray
    level: np.ndarray
    critical: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class SkillHealthColumns:
    """One row per (team, role, skill) with a requirement. `meeting` is the expected number of
    people at or above the required level (the bench), `meeting_sd` its SD and `lower`/`upper`
    its interval: each person counts with the probability their belief puts at or above the
    level (a Poisson-binomial count). Coverage is `meeting / people`. `single_point` is the
    probability that exactly one person in the whole team meets a critical requirement of this
    skill (NaN for a skill that is not critical there); `single_point_of_failure` flags it."""

    teams: tuple[str, ...]
    roles: tuple[str, ...]
    skills: tuple[str, ...]
    team: np.ndarray
    role: np.ndarray
    skill: np.ndarray
    required_level: np.ndarray    # the highest level the role asks of anyone in the row
    people: np.ndarray
    meeting: np.ndarray
    meeting_sd: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    single_point: np.ndarray
    interval: float

    def __len__(self) -> int:
        return len(self.team)

    @property
    def coverage(self) -> np.ndarray:
        return self.meeting / np.maximum(self.people, 1)

    @property
    def single_point_of_failure(self) -> np.ndarray:
        return np.nan_to_num(self.single_point) >= SINGLE_POINT_PROBABILITY

    def key(self) -> np.ndarray:
        """One integer per row: (team × roles + role) × skills + skill."""
        return (self.team * max(len(self.roles), 1) + self.role) * max(len(self.skills), 1) \
            + self.skill


def _groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unique, inverse = np.unique(key, return_inverse=True)
    return unique, inverse.reshape(-1)


def skill_health(requirements: RequirementArrays, estimates: ProficiencyEstimates
                 ) -> SkillHealthColumns:
    """Health of every (team, role, skill) with a requirement, from the beliefs on their day;
    a required pair without evidence counts with the prior belief."""
    mean, sd, _ = estimates.lookup(requirements.person, requirements.skill)
    meets = 1.0 - normal_cdf((requirements.level - mean) / np.maximum(sd, 1e-9))
    n_roles, n_skills = max(len(requirements.roles), 1), max(len(estimates.skills), 1)
    key = (requirements.team * n_roles + requirements.role) * n_skills + requirements.skill
    rows, group = _groups(key)
    count = len(rows)
    people = np.bincount(group, minlength=count)
    meeting = np.bincount(group, weights=meets, minlength=count)
    meeting_sd = np.sqrt(np.bincount(group, weights=meets * (1 - meets), minlength=count))
    level = np.zeros(count)
    np.maximum.at(level, group, requirements.level)
    z = normal_quantile(0.5 + estimates.settings.interval / 2)

    # exactly one holder in the team: P(none) · Σ p/(1-p), in logs so large teams stay finite
    held = np.clip(meets, 1e-12, 1 - 1e-12)
    team_skill = requirements.team * n_skills + requirements.skill
    critical = requirements.critical.astype(bool)
    pairs, slot = _groups(team_skill[critical])
    log_none = np.bincount(slot, weights=np.log1p(-held[critical]), minlength=len(pairs))
    odds = np.bincount(slot, weights=held[critical] / (1 - held[critical]), minlength=len(pairs))
    exactly_one = np.exp(log_none) * odds
    row_team_skill = (rows // n_skills // n_roles) * n_skills + rows % n_skills
    at = np.searchsorted(pairs, row_team_skill)
    found = at < len(pairs)
    found[found] = pairs[at[found]] == row_team_skill[found]
    row_critical = np.bincount(group, weights=critical, minlength=count) > 0
    single = np.full(count, np.nan)
    take = found & row_critical
    single[take] = exactly_one[at[take]]
    return SkillHealthColumns(
        teams=requirements.teams, roles=requirements.roles, skills=estimates.skills,
        team=rows // n_skills // n_roles, role=(rows // n_skills) % n_roles,
        skill=rows % n_skills, required_level=level, people=people, meeting=meeting,
        meeting_sd=meeting_sd, lower=np.clip(meeting - z * meeting_sd, 0, people),
        upper=np.clip(meeting + z * meeting_sd, 0, people), single_point=single,
        interval=estimates.settings.interval)


@dataclass(frozen=True, slots=True, eq=False)
class HealthTrend:
    """Rows of `after` matched with `before` (NaN where a row is new): the change in people
    meeting the requirement and its interval. The two counts share evidence and so are
    positively correlated; treating them as independent makes the interval wider, not falsely
    narrow."""

    after: SkillHealthColumns
    change: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def health_trend(before: SkillHealthColumns, after: SkillHealthColumns) -> HealthTrend:
    """The change from `before` to `after`, both computed from the same requirements (so team,
    role and skill codes agree), row by row."""
    key_before, key_after = before.key(), after.key()
    at = np.searchsorted(key_before, key_after)
    found = at < len(key_before)
    found[found] = key_before[at[found]] == key_after[found]
    change = np.full(len(after), np.nan)
    sd = np.full(len(after), np.nan)
    change[found] = after.meeting[found] - before.meeting[at[found]]
    sd[found] = np.hypot(after.meeting_sd[found], before.meeting_sd[at[found]])
    z = normal_quantile(0.5 + after.interval / 2)
    return HealthTrend(after=after, change=change, lower=change - z * sd, upper=change + z * sd)
