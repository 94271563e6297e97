"""The content agent (stage create): a pack for each top open training need that a source can
teach, written by the configured engine (LEARNLOOP_LLM_ENGINE; offline by default).

It matches needs to sources (domain.content.matching), generates through the generation
service in the loop's savepoint and never writes a second pack for the same need and source
version, so a re-run only adds what is new.
"""

from __future__ import annotations

from typing import ClassVar

from learnloop.agents.base import AgentContext, AgentReport
from learnloop.domain.content.matching import match_source
from learnloop.domain.needs import NeedKind, NeedStatus
from learnloop.errors import InputError
from learnloop.generation import content_engine, generate_pack
from learnloop.llm.offline import OfflineEngine
from learnloop.store.content import current_sources, packed_needs
from learnloop.store.needs import needs

__all__ = ["ContentAgent"]

_TOP_NEEDS = 5  # the agent works down the queue this far each run


class ContentAgent:
    name: ClassVar[str] = "content"
    stage: ClassVar[str] = "create"
    description: ClassVar[str] = (
        "Writes a content pack (summary, key points, job aid, quiz, flashcards, role-play, "
        "manager brief) for each top open training need that a source can teach.")

    def run(self, context: AgentContext) -> AgentReport:
        session, organisation_id = context.session, context.organisation_id
        top = int(context.options.get("top_needs", _TOP_NEEDS))
        open_needs = [need for need in needs(session, organisation_id=organisation_id,
                                             status=(NeedStatus.OPEN, NeedStatus.ACCEPTED))
                      if need.kind is NeedKind.TRAINING][:top]
        sources = current_sources(session, organisation_id=organisation_id)
        done = packed_needs(session, organisation_id=organisation_id)
        settings = context.options.get("settings")
        engine = (content_engine(settings, engine=None, session=session,
                                 organisation_id=organisation_id)
                  if settings is not None else OfflineEngine())
        made: list[int] = []
        unmatched: list[str] = []
        failed: dict[str, str] = {}
        for need in open_needs:
            text = " ".join(filter(None, [need.title, need.skill_key, need.kpi_metric,
                                          *need.behaviour_metrics]))
            match = match_source(text, {key: body for key, (_, _, body) in sources.items()},
                                 titles={key: title for key, (_, title, _) in sources.items()})
            if match is None:
                unmatched.append(need.key)
                continue
            version = sources[match.key][0]
            if (need.id, match.key, version) in done:
                continue
            try:
                made.append(generate_pack(session, organisation_id=organisation_id,
                                          source=match.key, engine=engine, need_id=need.id,
                                          actor=context.actor, settings=settings,
                                          requested_by=context.requested_by).pack.id)
            except InputError as error:
                failed[need.key] = error.message
        summary = (f"{len(made)} pack(s) written for {len(open_needs)} top need(s); "
                   f"{len(unmatched)} without a source")
        return AgentReport(agent=self.name, summary=summary, events_written=len(made),
                           details={"packs": made, "unmatched": unmatched, "failed": failed})
