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
from learnloop.agents.incremental import ORGANISATION_DATA, changes_since_cursor, newest_event
from learnloop.domain.objectives import Objective
from learnloop.domain.proficiencies import (
    Calibration,
    ProficiencyEstimates,
    SkillKpiLink,
    calibrate_sources,
    day_number,
    estimate_proficiencies_on,
    health_trend,
    skill_health,
    skill_kpi_links,
)
from learnloop.errors import ConfigError
from learnloop.store.catalogue import objective_list
from learnloop.store.proficiencies import replace_proficiencies, replace_skill_health
from learnloop.store.proficiency_rows import StoredState, proficiencies_as_of, stored_state
from learnloop.store.read_beside import read_beside
from learnloop.store.skill_inputs import (
    PeopleColumns,
    evidence_arrays_of,
    people_columns,
    person_kpi_means,
    requirement_arrays,
    skill_codes,
)

__all__ = ["SKILLS_ASSESSED", "SkillsAgent"]

SKILLS_ASSESSED = "skills.assessed"
TREND_DAYS = 90


def _kpi_means(context: AgentContext, objectives: list[Objective], *, skill_keys: set[str],
               people: PeopleColumns) -> dict[str, np.ndarray]:
    """Each person's mean of every KPI of an objective that names a skill with evidence."""
    return {kpi.metric: person_kpi_means(context.session, organisation_id=context.organisation_id,
                                         metric=kpi.metric, people=people)
            for objective in objectives if skill_keys.intersection(objective.skill_keys)
            for kpi in objective.kpis}


def _kpi_links(objectives: list[Objective], kpi_means: dict[str, np.ndarray],
               estimates: ProficiencyEstimates, *, people: PeopleColumns) -> list[SkillKpiLink]:
    links: list[SkillKpiLink] = []
    for objective in objectives:
        skills = tuple(key for key in objective.skill_keys if key in estimates.skills)
        for kpi in objective.kpis if skills else ():
            means = kpi_means[kpi.metric]
            if np.isnan(means).all():
                continue
            links.extend(skill_kpi_links(
                objective=objective.key, metric=kpi.metric, direction=kpi.direction,
                skills=skills, kpi=means, person_team=people.team, estimates=estimates))
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
        """A full recompute unless nothing it reads has changed since its cursor and the stored
        results are for the same day (certainty fades with time, so a new day recomputes);
        options: `as_of` (ISO date, default today), `trend_days` (default 90), `recompute`
        (recompute even so)."""
        session, organisation_id = context.session, context.organisation_id
        as_of, trend_from = _dates(context)
        changes = changes_since_cursor(context, kinds=ORGANISATION_DATA)
        if not (changes or context.options.get("recompute")) and proficiencies_as_of(
                session, organisation_id=organisation_id) == as_of:
            return AgentReport(agent=self.name, cursor=newest_event(context),
                               summary=f"nothing new since event {context.cursor}: the "
                                       f"proficiencies and skill health of {as_of} stand",
                               details={"skipped": True})
        everyone = people_columns(session, organisation_id=organisation_id)
        skill_ids, skill_keys = skill_codes(session, organisation_id=organisation_id)
        evidence = evidence_arrays_of(session, organisation_id=organisation_id, people=everyone,
                                      skill_ids=skill_ids, skill_keys=skill_keys)
        requirements = requirement_arrays(session, organisation_id=organisation_id,
                                          people=everyone, skill_ids=skill_ids)
        objectives = objective_list(session, organisation_id=organisation_id)

        def reads() -> tuple[StoredState, dict[str, np.ndarray]]:
            # with nothing new (a forced recompute) the results are likely the stored ones:
            # their digest is enough to know, unless they differ
            return (stored_state(session, organisation_id=organisation_id, rows=bool(changes)),
                    _kpi_means(context, objectives, skill_keys=set(skill_keys),
                               people=everyone))

        def estimation() -> tuple[Calibration, ProficiencyEstimates, ProficiencyEstimates]:
            calibration = calibrate_sources(evidence, as_of=day_number(as_of))
            estimates, earlier = estimate_proficiencies_on(
                evidence, days=(day_number(as_of), day_number(trend_from)),
                sources=calibration.models, settings=calibration.settings)
            return calibration, estimates, earlier

        # the stored rows and the KPIs are read while the estimator runs
        (stored_rows, kpi_means), (calibration, estimates, earlier) = read_beside(
            reads, estimation)
        trend = health_trend(skill_health(requirements, earlier),
                             skill_health(requirements, estimates))
        links = _kpi_links(objectives, kpi_means, estimates, people=everyone)

        rows, written = replace_proficiencies(
            session, organisation_id=organisation_id, estimates=estimates, as_of=as_of,
            person_ids=everyone.ids, skill_ids=skill_ids, stored=stored_rows)
        stored = len(rows)
        health_rows = replace_skill_health(session, organisation_id=organisation_id,
                                           trend=trend, as_of=as_of, trend_from=trend_from)
        single_points = int(trend.after.single_point_of_failure.sum())
        flagged = [link for link in links if link.flagged]
        context.events.record(SKILLS_ASSESSED, actor=context.actor, payload={
            "as_of": as_of.isoformat(), "trend_from": trend_from.isoformat(),
            "proficiencies": stored, "proficiencies_written": written,
            "health_rows": health_rows, "since": changes,
            "single_points_of_failure": single_points, "calibration": _shown(calibration),
            "kpi_links": [{"objective": link.objective, "metric": link.metric,
                           "skill": link.skill, "people": link.people,
                           "effect": _rounded(link.effect), "lower": _rounded(link.lower),
                           "upper": _rounded(link.upper), "verdict": link.verdict.value,
                           "flagged": link.flagged, "explanation": link.explanation}
                          for link in links]})
        summary = (f"{stored} proficiencies ({written} written), {health_rows} skill-health "
                   f"rows, {single_points} single points of failure, "
                   f"{len(flagged)} of {len(links)} linked skills not shown to move their KPI")
        return AgentReport(agent=self.name, summary=summary, events_written=1,
                           details={"proficiencies": stored, "health_rows": health_rows,
                                    "flagged_links": len(flagged)},
                           cursor=newest_event(context), handoff={"proficiencies": rows})


def _rounded(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)
