"""The impact report of one intervention and the organisation summary, as data and as CSV rows.

Reads the analytics agent's stored measurement; before its first run, measures on the spot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from learnloop.agents.analytics import MeasureSettings, measure_intervention
from learnloop.config import Settings
from learnloop.store import Session
from learnloop.store.impact import impact_report, impact_reports
from learnloop.store.interventions import intervention, intervention_list

__all__ = ["IMPACT_COLUMNS", "SUMMARY_COLUMNS", "impact_of", "impact_rows", "summary_of",
           "summary_rows"]

IMPACT_COLUMNS = ("level", "measure", "group", "value", "lower", "upper", "n")
SUMMARY_COLUMNS = ("intervention", "title", "need_id", "start", "source", "kpi", "estimate",
                   "lower", "upper", "n_treated", "n_holdout", "enough_data", "hours_saved")


def impact_of(session: Session, *, organisation_id: int, intervention_id: int,
              settings: Settings) -> dict[str, Any]:
    """The intervention's report: the stored one, else measured now (not stored)."""
    item = intervention(session, organisation_id=organisation_id,
                        intervention_id=intervention_id)
    stored = impact_report(session, organisation_id=organisation_id,
                           intervention_id=intervention_id)
    if stored is not None:
        return stored
    options = {"manual_baseline_hours": settings.analytics_manual_baseline_hours,
               "reaction_metric": settings.analytics_reaction_metric,
               "knowledge_metric": settings.analytics_knowledge_metric}
    return {**measure_intervention(session, organisation_id=organisation_id, item=item,
                                   settings=MeasureSettings(options)), "computed_at": None}


def impact_rows(report: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The report's numbers, one per row: level, measure, group, value, lower, upper, n."""
    levels = report.get("levels", {})
    yield (4, f"effect on {report.get('kpi')}", "treated vs holdout", report.get("estimate"),
           report.get("lower"), report.get("upper"),
           (report.get("n_treated") or 0) + (report.get("n_holdout") or 0))
    yield (4, "minimum detectable effect", "", report.get("mde"), None, None, None)
    yield (4, "weeks still needed", "", report.get("weeks_needed"), None, None, None)
    first = levels.get("1", {})
    yield (1, f"mean rating ({first.get('metric')})", "treated", first.get("mean_rating"),
           first.get("lower"), first.get("upper"), first.get("responses"))
    yield (1, "response rate", "treated", first.get("response_rate"),
           first.get("response_rate_lower"), first.get("response_rate_upper"),
           first.get("treated"))
    second = levels.get("2", {})
    checks = second.get("knowledge_checks") or {}
    for group in ("treated", "holdout"):
        paired = checks.get(group) or {}
        yield (2, f"knowledge check change {second.get('skill')}", group, paired.get("change"),
               paired.get("lower"), paired.get("upper"), paired.get("people"))
        yield (2, f"proficiency now {second.get('skill')}", group,
               (second.get("proficiency_now") or {}).get(group), None, None, None)
    yield (2, f"knowledge check change {second.get('skill')}", "treated less holdout",
           checks.get("difference"), None, None, None)
    for behaviour in levels.get("3", []):
        yield (3, f"effect on {behaviour.get('metric')}", "treated vs holdout",
               behaviour.get("estimate"), behaviour.get("lower"), behaviour.get("upper"),
               (behaviour.get("n_treated") or 0) + (behaviour.get("n_holdout") or 0))
    for team in report.get("teams", []):
        yield (4, f"change in {report.get('kpi')}, {team['team']}", "treated vs holdout",
               team.get("difference"), None, None,
               (team.get("n_treated") or 0) + (team.get("n_holdout") or 0))
    competency = report.get("time_to_competency") or {}
    yield ("", "median days to competency", "treated", competency.get("median_days"), None,
           None, competency.get("reached"))
    cycle = report.get("cycle_times") or {}
    for name in ("detected_to_drafted_days", "drafted_to_approved_days",
                 "approved_to_delivered_days", "detected_to_delivered_days"):
        yield ("", name.replace("_", " "), "", cycle.get(name), None, None, None)
    yield ("", "hours saved", "", (report.get("hours") or {}).get("hours_saved"), None, None,
           None)


def summary_of(session: Session, *, organisation_id: int) -> dict[str, Any]:
    """The organisation summary: every intervention's headline, and the totals."""
    reports = {report["intervention"]["id"]: report for report in
               impact_reports(session, organisation_id=organisation_id)}
    items = []
    for item in intervention_list(session, organisation_id=organisation_id):
        report = reports.get(item.id, {})
        items.append({"intervention": item.id, "title": item.title, "need_id": item.need_id,
                      "start": item.start.isoformat(), "source": item.source.value,
                      "kpi": report.get("kpi", item.kpi_metric),
                      "estimate": report.get("estimate"), "lower": report.get("lower"),
                      "upper": report.get("upper"), "n_treated": item.treated,
                      "n_holdout": item.held_out, "enough_data": report.get("enough_data"),
                      "improved": report.get("improved"), "verdict": report.get("verdict"),
                      "hours_saved": (report.get("hours") or {}).get("hours_saved")})
    return {
        "interventions": items,
        "measured": sum(1 for item in items if item["estimate"] is not None),
        "improved": sum(1 for item in items if item["improved"] is True),
        "worse": sum(1 for item in items if item["improved"] is False),
        "not_enough_data": sum(1 for item in items if item["enough_data"] is False),
        "people_treated": sum(item["n_treated"] for item in items),
        "hours_saved": round(sum(item["hours_saved"] or 0 for item in items), 1),
    }


def summary_rows(summary: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    for item in summary["interventions"]:
        yield tuple(item[name] for name in SUMMARY_COLUMNS)
