"""The skills agent: every person's proficiency per skill with its interval, skill health per team,
role and skill, and whether the skills each objective names move its KPIs.

It reads evidence, people, roles, objectives and person-level KPIs through the store, hands them
to the pure core (domain.proficiencies), keeps the results and records one summary event.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any, ClassVar

import numpy as np

from learnloop.agents.base import AgentContext, AgentReport
from learnloop.domain.org import Person
from learnloop.domain.proficiencies import (
    Calibration,
    ProficiencyEstimates,
    RequirementArrays,
    SkillKpiLink,
    calibrate_sources,
    day_number,
    estimate_proficiencies,
    evidence_arrays,
    health_trend,
    person_means,
    skill_health,
    skill_kpi_links,
)
from learnloop.domain.proficiency import Criticality
from learnloop.domain.signals import SubjectType
from learnloop.domain.skills import Requirement
from learnloop.errors import ConfigError
from learnloop.store.catalogue import objective_list
from learnloop.store.evidence import evidence_columns
from learnloop.store.people import people, requirements_by_person
from learnloop.store.proficiencies import replace_proficiencies, replace_skill_health
from learnloop.store.series import signal_columns

__all__ = ["SKILLS_ASSESSED", "SkillsAgent"]

SKILLS_ASSESSED = "skills.assessed"
TREND_DAYS = 90


def _requirements(everyone: list[Person], required: dict[str, tuple[Requirement, ...]], *,
                  person_code: dict[str, int], skill_code: dict[str, int]) -> RequirementArrays:
    teams = tuple(sorted({person.team_key for person in everyone}))
    roles = tuple(sorted({person.role_key for person in everyone if person.role_key}))
    team_code = {key: i for i, key in enumerate(teams)}
    role_code = {key: i for i, key in enumerate(roles)}
    rows = [(person_code[person.key], team_code[person.team_key], role_code[person.role_key],
             skill_code[need.skill_key], need.level, need.criticality is Criticality.CRITICAL)
            for person in everyone if person.role_key
            for need in required.get(person.key, ()) if need.skill_key in skill_code]
    person, team, role, skill, level, critical = (
        np.array(column) for column in zip(*rows, strict=True)) if rows else (
        np.empty(0, dtype=np.int64),) * 5 + (np.empty(0, dtype=bool),)
    return RequirementArrays(teams=teams, roles=roles, person=person.astype(np.int64),
                             team=team.astype(np.int64), role=role.astype(np.int64),
                             skill=skill.astype(np.int64), level=level.astype(float),
                             critical=critical.astype(bool))


def _kpi_links(context: AgentContext, estimates: ProficiencyEstimates, *,
               person_code: dict[str, int], person_team: np.ndarray) -> list[SkillKpiLink]:
    links: list[SkillKpiLink] = []
    for objective in objective_list(context.session, organisation_id=context.organisation_id):
        skills = tuple(key for key in objective.skill_keys if key in estimates.skills)
        for kpi in objective.kpis if skills else ():
            values = signal_columns(context.session, organisation_id=context.organisation_id,
                                    metric=kpi.metric, subject_type=SubjectType.PERSON)
            if not len(values):
                continue
            codes = np.array([person_code.get(key, -1) for key in values.subjects])
            subject = codes[np.asarray(values.subject_index, dtype=np.int64)]
            known = subject >= 0
            means = person_means(subject[known], np.asarray(values.values)[known],
                                 people=len(person_team))
            links.extend(skill_kpi_links(
                objective=objective.key, metric=kpi.metric, direction=kpi.direction,
                skills=skills, kpi=means, person_team=person_team, estimates=estimates))
    return links


def _shown(calibration: Calibration) -> dict[str, Any]:
    """The calibration as the event shows it: each kind's model, the default it replaced."""
    return {
        "sources": [{"kind": line.model.kind.value, "intercept": round(line.model.intercept, 3),
                     "slope": round(line.model.slope, 3),
                     "noise_sd": round(line.model.noise_sd, 3), "pairs": line.pairs,
                     "calibrated": line.calibrated, "note": line.note,
                     "default": {key: value for key, value in asdict(line.default).items()
                                 if key != "kind"}}
                    for line in calibration.sources],
        "prior_mean": round(calibration.settings.prior_mean, 3),
        "prior_sd": round(calibration.settings.prior_sd, 3),
    }


def _dates(context: AgentContext) -> tuple[date, date]:
    """(as_of, trend_from) from the options; a mistake there is a ConfigError naming it."""
    as_of = context.options.get("as_of", context.now.date())
    days = context.options.get("trend_days", TREND_DAYS)
    try:
        day = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
        return day, day - timedelta(days=int(days))
    except (TypeError, ValueError) as error:
        raise ConfigError(f"skills agent: as_of {as_of!r} or trend_days {days!r} is not "
                          f"a date and a number of days: {error}") from error


class SkillsAgent:
    name: ClassVar[str] = "skills"
    stage: ClassVar[str] = "decide"
    description: ClassVar[str] = (
        "Estimates each person's proficiency per skill with an interval from every kind of "
        "evidence, and skill health per team, role and skill.")

    def run(self, context: AgentContext) -> AgentReport:
        """A full recompute (certainty fades with time, so every run has something to say);
        options: `as_of` (ISO date, default today), `trend_days` (default 90)."""
        session, organisation_id = context.session, context.organisation_id
        as_of, trend_from = _dates(context)
        evidence = evidence_arrays(evidence_columns(session, organisation_id=organisation_id))
        calibration = calibrate_sources(evidence, as_of=day_number(as_of))
        everyone = people(session, organisation_id=organisation_id)
        person_code = {key: i for i, key in enumerate(evidence.people)}
        for person in everyone:
            person_code.setdefault(person.key, len(person_code))
        skill_code = {key: i for i, key in enumerate(evidence.skills)}

        def estimated(day: date) -> ProficiencyEstimates:
            return estimate_proficiencies(evidence, as_of=day_number(day),
                                          sources=calibration.models,
                                          settings=calibration.settings)

        estimates = estimated(as_of)
        requirements = _requirements(
            everyone, requirements_by_person(session, organisation_id=organisation_id),
            person_code=person_code, skill_code=skill_code)
        trend = health_trend(skill_health(requirements, estimated(trend_from)),
                             skill_health(requirements, estimates))
        team_code = {key: i for i, key in enumerate(requirements.teams)}
        person_team = np.zeros(len(person_code), dtype=np.int64)
        for person in everyone:
            person_team[person_code[person.key]] = team_code[person.team_key]
        links = _kpi_links(context, estimates, person_code=person_code, person_team=person_team)

        stored = replace_proficiencies(session, organisation_id=organisation_id,
                                       estimates=estimates, as_of=as_of)
        health_rows = replace_skill_health(session, organisation_id=organisation_id,
                                           trend=trend, as_of=as_of, trend_from=trend_from)
        single_points = int(trend.after.single_point_of_failure.sum())
        flagged = [link for link in links if link.flagged]
        context.events.record(SKILLS_ASSESSED, actor=context.actor, payload={
            "as_of": as_of.isoformat(), "trend_from": trend_from.isoformat(),
            "proficiencies": stored, "health_rows": health_rows,
            "single_points_of_failure": single_points, "calibration": _shown(calibration),
            "kpi_links": [{"objective": link.objective, "metric": link.metric,
                           "skill": link.skill, "people": link.people,
                           "effect": _rounded(link.effect), "lower": _rounded(link.lower),
                           "upper": _rounded(link.upper), "verdict": link.verdict.value,
                           "flagged": link.flagged, "explanation": link.explanation}
                          for link in links]})
        summary = (f"{stored} proficiencies, {health_rows} skill-health rows, "
                   f"{single_points} single points of failure, "
                   f"{len(flagged)} of {len(links)} linked skills not shown to move their KPI")
        return AgentReport(agent=self.name, summary=summary, events_written=1,
                           details={"proficiencies": stored, "health_rows": health_rows,
                                    "flagged_links": len(flagged)})


def _rounded(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)
