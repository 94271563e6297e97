"""Living components: when a new source version edits or removes passages that published
components cite, exactly those components are marked stale, written again from the new version
(the same generation service and engine that wrote them) and sent back through their gate.

Called by the import service after a sources import, in the import's transaction. Publishing
the new version retires the old one and records `component.update_due` for its readers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from learnloop.config import Settings, load_settings
from learnloop.domain.content.components import ComponentKind
from learnloop.domain.content.packs import Component
from learnloop.domain.events import Event, utcnow
from learnloop.domain.govern.states import ReviewState
from learnloop.errors import LearnloopError
from learnloop.generation import content_engine, generate_pack
from learnloop.governance.policy_file import load_policy
from learnloop.governance.reviews import open_review, submit
from learnloop.store import Session
from learnloop.store import content as content_store
from learnloop.store import reviews as review_store
from learnloop.store.event_log import EventLog

__all__ = ["LivingUpdate", "STALE", "refresh_stale_components"]

STALE = "component.stale"


@dataclass(frozen=True, slots=True)
class LivingUpdate:
    stale: dict[int, tuple[str, ...]] = field(default_factory=dict)  # component id → chunks
    redrafts: dict[int, int] = field(default_factory=dict)  # stale id → new draft id
    failed: dict[int, str] = field(default_factory=dict)  # stale id → why no redraft


def refresh_stale_components(session: Session, *, organisation_id: int, actor: str,
                             settings: Settings | None = None,
                             at: datetime | None = None) -> LivingUpdate:
    """Mark the published components whose cited passages changed, redraft each from its
    source's current version and submit the draft; the redraft's author is `actor` (whoever
    imported the change), so they cannot approve it themselves."""
    at = at or utcnow()
    policy = load_policy(settings)
    published = {review.component_id: review for review in review_store.reviews(
        session, organisation_id=organisation_id, states=[ReviewState.PUBLISHED])}
    stale = {component_id: chunks for component_id, chunks in content_store.stale_citations(
        session, organisation_id=organisation_id).items()
        if component_id in published and published[component_id].stale_since is None}
    if not stale:
        return LivingUpdate()
    log = EventLog(session, organisation_id)
    by_source: dict[tuple[str, str, int | None], list[int]] = defaultdict(list)
    for component_id, chunks in stale.items():
        review_store.update_review(session, organisation_id=organisation_id,
                                   review_id=published[component_id].id,
                                   stale_chunks=list(chunks), stale_since=at)
        component = content_store.component(session, organisation_id=organisation_id,
                                            component_id=component_id)
        assert component is not None
        log.append(Event(kind=STALE, actor=actor, subject_type="component",
                         subject_id=str(component_id), occurred_at=at,
                         payload={"component_id": component_id, "key": component.key,
                                  "version": component.version, "chunks": list(chunks)}))
        need = content_store.component_need(session, organisation_id=organisation_id,
                                            component_id=component_id)
        by_source[(component.source_key, component.engine, need)].append(component_id)
    redrafts: dict[int, int] = {}
    failed: dict[int, str] = {}
    for (source, engine_name, need_id), component_ids in by_source.items():
        olds = {content_store.component(session, organisation_id=organisation_id,
                                        component_id=item).kind: item for item in component_ids}
        try:
            made = _redraft(session, organisation_id=organisation_id, source=source,
                            engine_name=engine_name, need_id=need_id, kinds=list(olds),
                            actor=actor, settings=settings)
        except LearnloopError as error:
            failed.update(dict.fromkeys(component_ids, error.message))
            continue
        for component in made:
            old_id = olds.get(component.kind)
            if old_id is None:
                continue
            review = open_review(session, organisation_id=organisation_id,
                                 component_id=component.id, author=actor, policy=policy,
                                 replaces_component_id=old_id, at=at)
            if review.state == ReviewState.DRAFT:
                submit(session, organisation_id=organisation_id, component_id=component.id,
                       actor=actor, role="ld", policy=policy, at=at)
            redrafts[old_id] = component.id
    return LivingUpdate(stale=stale, redrafts=redrafts, failed=failed)


def _redraft(session: Session, *, organisation_id: int, source: str, engine_name: str,
             need_id: int | None, kinds: list[str], actor: str,
             settings: Settings | None) -> tuple[Component, ...]:
    settings = settings or load_settings()
    engine = content_engine(settings, engine=engine_name, session=session,
                            organisation_id=organisation_id)
    made = generate_pack(session, organisation_id=organisation_id, source=source,
                         engine=engine, need_id=need_id, actor=actor, settings=settings,
                         kinds=[ComponentKind(kind) for kind in kinds])
    return made.pack.components
