"""The needs agent: turns the sensing agent's detections and the skills agent's gaps into a ranked,
explained list of learning needs, steered by L&D's priorities.

It reads through the store, decides with the pure core (domain.needs_candidates, needs_ranking,
needs_lifecycle), keeps the needs across runs and records every change as an event.
"""

from __future__ import annotations

from typing import ClassVar

from learnloop.agents.base import AgentContext, AgentReport
from learnloop.agents.incremental import ORGANISATION_DATA, changes_since_cursor, newest_event
from learnloop.agents.sensing import DETECTED
from learnloop.agents.skills import SKILLS_ASSESSED
from learnloop.domain.events import Event
from learnloop.domain.needs import Need, NeedEvent, NeedStatus
from learnloop.domain.needs_candidates import candidate_needs
from learnloop.domain.needs_inputs import NeedSettings
from learnloop.domain.needs_lifecycle import as_changed, reconcile
from learnloop.domain.needs_ranking import ACTIVE, pushed, rank_needs
from learnloop.errors import ConfigError
from learnloop.store.catalogue import objective_list, skill_list
from learnloop.store.detections import detection_list
from learnloop.store.needs import needs, save_needs
from learnloop.store.skill_gaps import team_people, team_skill_gaps

__all__ = ["NeedsAgent"]

# what changes its inputs: the organisation's data, the sensing agent's detections, the skills
# agent's results, L&D's steering of needs and priorities
_INPUTS = (*ORGANISATION_DATA, DETECTED, SKILLS_ASSESSED, NeedEvent.STATUS_CHANGED,
           NeedEvent.PRIORITY_CHANGED)


class NeedsAgent:
    name: ClassVar[str] = "needs"
    stage: ClassVar[str] = "decide"
    runs_after: ClassVar[tuple[str, ...]] = ("skills",)
    description: ClassVar[str] = (
        "Ranks learning needs from KPI dips and skill gaps by L&D's priorities, and flags the "
        "ones training will not fix.")

    def run(self, context: AgentContext) -> AgentReport:
        """A full recompute over the stored detections and skill results, unless nothing it
        reads has changed since its cursor (option `recompute`: even so); L&D's decisions stay.
        """
        session, organisation_id = context.session, context.organisation_id
        settings = _settings(context)
        if not (changes_since_cursor(context, kinds=_INPUTS) or
                context.options.get("recompute")):
            return AgentReport(agent=self.name, cursor=newest_event(context),
                               summary=f"nothing new since event {context.cursor}: the "
                                       f"ranked needs stand", details={"skipped": True})
        objectives = objective_list(session, organisation_id=organisation_id)
        gaps = team_skill_gaps(session, organisation_id=organisation_id,
                               proficiencies=context.earlier.get("skills", {}).get(
                                   "proficiencies"))
        found = candidate_needs(
            objectives=objectives,
            detections=detection_list(session, organisation_id=organisation_id),
            gaps=gaps, skills={s.key: s for s in skill_list(session,
                                                            organisation_id=organisation_id)},
            team_people=team_people(session, organisation_id=organisation_id),
            now=context.now, settings=settings, kpi_links=_kpi_links(context))
        stored = needs(session, organisation_id=organisation_id)
        merged, changes = reconcile(stored, found, now=context.now, settings=settings,
                                    gaps={(g.team_key, g.skill_key): g for g in gaps})
        ranked = as_changed(stored, rank_needs(merged, objectives))
        saved = {n.key: n for n in save_needs(session, organisation_id=organisation_id,
                                              needs=ranked, stored=stored)}
        kinds = {"raised": NeedEvent.RAISED, "resolved": NeedEvent.RESOLVED,
                 "reopened": NeedEvent.REOPENED}
        context.events.append_all([Event(
            kind=kinds[change.what], actor=context.actor, subject_type="need",
            subject_id=str(saved[change.key].id), occurred_at=context.now, payload={
                "need": saved[change.key].id, "key": change.key,
                "title": saved[change.key].title, "kind": saved[change.key].kind.value,
                "from": change.old_status.value if change.old_status else None,
                "to": change.new_status.value, "reason": change.reason,
                "rank": saved[change.key].rank}) for change in changes])
        old_rank = {n.key: n.rank for n in stored}
        moved = [[n.id, old_rank[n.key], n.rank] for n in saved.values()
                 if n.key in old_rank and old_rank[n.key] != n.rank]
        active = [n for n in saved.values() if n.status in ACTIVE]
        top = sorted(active, key=lambda n: n.rank)[:5]
        context.events.record(NeedEvent.RANKED, actor=context.actor, payload={
            "needs": len(saved), "active": len(active),
            "pushed": sum(1 for n in active if pushed(n)),
            "investigate": sum(1 for n in active if n.kind.value == "investigate"),
            "top": [_brief(n) for n in top], "rank_changes": moved})
        summary = (f"{len(active)} active needs ({sum(1 for n in active if pushed(n))} serve a "
                   f"priority), {sum(c.what == 'raised' for c in changes)} new, "
                   f"{sum(c.what == 'resolved' for c in changes)} resolved, "
                   f"{sum(c.what == 'reopened' for c in changes)} reopened")
        return AgentReport(agent=self.name, summary=summary, events_written=len(changes) + 1,
                           details={"needs": len(saved), "active": len(active),
                                    "changes": len(changes)}, cursor=newest_event(context))


def _settings(context: AgentContext) -> NeedSettings:
    """The thresholds from the `settings` option (NeedSettings' fields); a mistake names them."""
    given = dict(context.options.get("settings", {}))
    try:
        return NeedSettings(**given)
    except TypeError as error:
        raise ConfigError(f"needs agent: settings {sorted(given)} are not all among "
                          f"{sorted(NeedSettings.__slots__)}: {error}") from error


def _brief(need: Need) -> dict[str, object]:
    return {"id": need.id, "rank": need.rank, "title": need.title, "kind": need.kind.value,
            "score": need.score, "status": NeedStatus(need.status).value}


def _kpi_links(context: AgentContext) -> dict[tuple[str, str], dict[str, object]]:
    """The skills agent's latest verdicts on whether each named skill moves its KPI."""
    latest = context.events.recent(limit=1, kinds=[SKILLS_ASSESSED])
    links = latest[0].payload.get("kpi_links", []) if latest else []
    return {(link["objective"], link["skill"]): link for link in links}
