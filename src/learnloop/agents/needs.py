"""The needs agent: turns the sensing agent's detections and the skills agent's gaps into a ranked,
explained list of learning needs, steered by L&D's priorities.

It reads through the store, decides with the pure core (domain.needs_candidates, needs_ranking,
needs_lifecycle), keeps the needs across runs and records every change as an event.
"""

from __future__ import annotations

from typing import ClassVar

from learnloop.agents.base import AgentContext, AgentReport
from learnloop.domain.needs import Need, NeedEvent, NeedStatus
from learnloop.domain.needs_candidates import NeedSettings, candidate_needs
from learnloop.domain.needs_lifecycle import reconcile
from learnloop.domain.needs_ranking import ACTIVE, pushed, rank_needs
from learnloop.store.catalogue import objective_list, skill_list
from learnloop.store.detections import detection_list
from learnloop.store.needs import needs, save_needs
from learnloop.store.skill_gaps import team_people, team_skill_gaps

__all__ = ["NeedsAgent"]


class NeedsAgent:
    name: ClassVar[str] = "needs"
    stage: ClassVar[str] = "decide"
    runs_after: ClassVar[tuple[str, ...]] = ("skills",)
    description: ClassVar[str] = (
        "Ranks learning needs from KPI dips and skill gaps by L&D's priorities, and flags the "
        "ones training will not fix.")

    def run(self, context: AgentContext) -> AgentReport:
        """A full recompute over the stored detections and skill results; L&D's decisions stay."""
        session, organisation_id = context.session, context.organisation_id
        settings = NeedSettings(**dict(context.options.get("settings", {})))
        objectives = objective_list(session, organisation_id=organisation_id)
        gaps = team_skill_gaps(session, organisation_id=organisation_id)
        found = candidate_needs(
            objectives=objectives,
            detections=detection_list(session, organisation_id=organisation_id),
            gaps=gaps, skills={s.key: s for s in skill_list(session,
                                                            organisation_id=organisation_id)},
            team_people=team_people(session, organisation_id=organisation_id),
            now=context.now, settings=settings)
        stored = needs(session, organisation_id=organisation_id)
        merged, changes = reconcile(stored, found, now=context.now, settings=settings,
                                    gaps={(g.team_key, g.skill_key): g for g in gaps})
        ranked = rank_needs(merged, objectives)
        saved = {n.key: n for n in save_needs(session, organisation_id=organisation_id,
                                              needs=ranked)}
        kinds = {"raised": NeedEvent.RAISED, "resolved": NeedEvent.RESOLVED,
                 "reopened": NeedEvent.REOPENED}
        for change in changes:
            need = saved[change.key]
            context.events.record(kinds[change.what], actor=context.actor, subject_type="need",
                                  subject_id=str(need.id), payload={
                                      "need": need.id, "key": need.key, "title": need.title,
                                      "kind": need.kind.value,
                                      "from": change.old_status.value if change.old_status
                                      else None, "to": change.new_status.value,
                                      "reason": change.reason, "rank": need.rank})
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
                                    "changes": len(changes)})


def _brief(need: Need) -> dict[str, object]:
    return {"id": need.id, "rank": need.rank, "title": need.title, "kind": need.kind.value,
            "score": need.score, "status": NeedStatus(need.status).value}
