"""Generating a content pack: one source version, an optional need, one engine, every component.

A service in the caller's transaction: it reads the source's chunks, asks the engine for each
component kind, stores each as a new component version with provenance, usage and checks, groups
them in a pack with the proposed modality mix and records `content.pack_generated`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from learnloop.domain.content.components import ComponentKind
from learnloop.domain.content.modality import ModalityChoice, choose_modality, override_modality
from learnloop.domain.content.packs import Pack, SourceChunks
from learnloop.domain.events import Event
from learnloop.domain.needs import Need
from learnloop.errors import ConfigError, InputError
from learnloop.llm.engine import ContentEngine, GenerationRequest, NeedBrief
from learnloop.llm.offline import OfflineEngine
from learnloop.store import Session
from learnloop.store import content as content_store
from learnloop.store.event_log import EventLog
from learnloop.store.needs import need as stored_need

__all__ = ["ENGINES", "GeneratedPack", "content_engine", "generate_pack", "override_pack_modality",
           "pack_kinds"]

ENGINES = ("offline", "openai", "anthropic")
Progress = Callable[[str, int, int], None]  # (kind, done, total)


@dataclass(frozen=True, slots=True)
class GeneratedPack:
    pack: Pack
    skipped: dict[str, str] = field(default_factory=dict)  # kind → why the engine could not


def content_engine(settings: object, *, engine: str | None) -> ContentEngine:
    """The engine `--engine` names (default: the configured one, else offline)."""
    name = engine or getattr(settings, "content_engine", None) or "offline"
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")
    if name == "offline":
        return OfflineEngine()
    try:
        from learnloop.llm.providers import engine_from_settings  # noqa: PLC0415 - optional part
    except ImportError:
        raise ConfigError(f"the {name} engine is not part of this installation; "
                          "use --engine offline") from None
    return engine_from_settings(settings, engine=name)


def pack_kinds(engine: ContentEngine) -> tuple[ComponentKind, ...]:
    """Every kind the engine writes, translation apart (it needs a target language)."""
    kinds = getattr(engine, "kinds", tuple(ComponentKind))
    return tuple(kind for kind in kinds if kind is not ComponentKind.TRANSLATION)


def generate_pack(session: Session, *, organisation_id: int, source: str, engine: ContentEngine,
                  need_id: int | None = None, actor: str = "cli",
                  progress: Progress | None = None) -> GeneratedPack:
    document = content_store.source_chunks(session, organisation_id=organisation_id,
                                           source=source)
    if not document.chunks:
        raise InputError(f"source {document.key!r} has no text to write from")
    need = (stored_need(session, organisation_id=organisation_id, need_id=need_id)
            if need_id is not None else None)
    brief = _brief(need) if need is not None else None
    kinds = pack_kinds(engine)
    component_ids: list[int] = []
    skipped: dict[str, str] = {}
    for done, kind in enumerate(kinds, start=1):
        request = GenerationRequest(kind=kind, source_title=document.title,
                                    chunks=document.chunks, need=brief)
        try:
            result = engine.generate(request)
        except InputError as error:  # this source offers nothing for this kind
            skipped[str(kind)] = error.message
        else:
            component_ids.append(content_store.save_component(
                session, organisation_id=organisation_id, document_id=document.document_id,
                source_key=document.key, source_version=document.version, kind=str(kind),
                title=getattr(result.body, "title", str(kind)),
                body=result.body.model_dump(mode="json"), engine=result.provenance.engine,
                model=result.provenance.model, prompt_version=result.provenance.prompt_version,
                chunk_ids=result.provenance.chunk_ids, input_tokens=result.usage.input_tokens,
                output_tokens=result.usage.output_tokens, cost_usd=result.usage.cost_usd,
                cached=result.usage.cached, checks=None))
        if progress is not None:
            progress(str(kind), done, len(kinds))
    if not component_ids:
        raise InputError(f"source {document.key!r}: the {engine.name} engine could not write "
                         f"any component ({'; '.join(skipped.values())})")
    modality = choose_modality(
        urgency=brief.urgency if brief else None, nature=brief.nature if brief else None,
        risk=brief.risk if brief else None, complexity=_complexity(document),
        audience_size=brief.audience_size if brief else 0)
    title = f"{need.title} — {document.title}" if need is not None else document.title
    pack_id = content_store.save_pack(
        session, organisation_id=organisation_id, title=title, document_id=document.document_id,
        source_version=document.version, need_id=need.id if need else None,
        need_key=need.key if need else None, engine=engine.name, model=engine.model,
        modality=modality.as_dict(), component_ids=component_ids, created_by=actor)
    EventLog(session, organisation_id).append(Event(
        kind="content.pack_generated", actor=actor, subject_type="content_pack",
        subject_id=str(pack_id),
        payload={"pack_id": pack_id, "source": document.key, "version": document.version,
                 "need_id": need.id if need else None, "engine": engine.name,
                 "model": engine.model, "components": len(component_ids),
                 "skipped": skipped, "modality": modality.as_dict()["mix"]}))
    return GeneratedPack(pack=content_store.pack(session, organisation_id=organisation_id,
                                                 pack_id=pack_id), skipped=skipped)


def override_pack_modality(session: Session, *, organisation_id: int, pack_id: int,
                           mix: list[str], reason: str, actor: str) -> Pack:
    """L&D's own modality mix for a pack, kept beside the proposal's reasons."""
    current = content_store.pack(session, organisation_id=organisation_id, pack_id=pack_id)
    chosen = override_modality(ModalityChoice.from_dict(current.modality), mix=mix, by=actor,
                               reason=reason)
    content_store.set_pack_modality(session, organisation_id=organisation_id, pack_id=pack_id,
                                    modality=chosen.as_dict())
    EventLog(session, organisation_id).append(Event(
        kind="content.modality_overridden", actor=actor, subject_type="content_pack",
        subject_id=str(pack_id), payload={"pack_id": pack_id, "mix": list(mix),
                                          "reason": reason}))
    return content_store.pack(session, organisation_id=organisation_id, pack_id=pack_id)


def _brief(need: Need) -> NeedBrief:
    audience = len(getattr(need, "person_keys", ()) or ())
    return NeedBrief(title=need.title, nature=str(need.nature), skill_key=need.skill_key,
                     kpi_metric=need.kpi_metric, kpi_direction=need.kpi_direction,
                     urgency=float(need.urgency), risk=need.risk, audience_size=audience,
                     reason=need.reason, key=need.key)


def _complexity(document: SourceChunks) -> float:
    """0..1 from the source's length and how many lists and tables (rules, steps) it holds."""
    words = sum(len(chunk.text.split()) for chunk in document.chunks)
    structured = sum(chunk.block != "paragraph" for chunk in document.chunks)
    return round(min(1.0, words / 12000 + structured / 60), 2)
