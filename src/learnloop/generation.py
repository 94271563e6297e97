"""Generating a content pack: one source version, an optional need, one engine, every component.

A service in the caller's transaction: it reads the source's chunks, asks the engine for each
component kind, checks each (domain.content.checks: grounding, answer keys, readability, personal
data, inclusive language, hostile text, links) and stores it as a new component version with
provenance, usage and checks, groups them in a pack with the proposed modality mix and records
`content.pack_generated`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from learnloop.config import Settings, load_settings
from learnloop.content.embedding import default_embedder
from learnloop.domain.content.checks import (
    Embedder,
    PassageIndex,
    check_component,
    generation_input,
)
from learnloop.domain.content.components import ComponentKind
from learnloop.domain.content.modality import ModalityChoice, choose_modality, override_modality
from learnloop.domain.content.packs import Pack, SourceChunks
from learnloop.domain.events import Event
from learnloop.domain.needs import Need
from learnloop.errors import ConfigError, InputError, Problem
from learnloop.governance.policy_file import load_policy
from learnloop.governance.reviews import open_review
from learnloop.llm.engine import ContentEngine, GenerationRequest, NeedBrief, Usage
from learnloop.llm.offline import OfflineEngine
from learnloop.llm.providers import ENGINES, engine_from_settings
from learnloop.llm.redaction import Directory
from learnloop.store import Session
from learnloop.store import content as content_store
from learnloop.store.event_log import EventLog
from learnloop.store.needs import need as stored_need
from learnloop.store.people import people

__all__ = ["ENGINES", "GeneratedPack", "content_engine", "generate_pack", "override_pack_modality",
           "pack_kinds"]

Progress = Callable[[str, int, int], None]  # (kind, done, total)


@dataclass(frozen=True, slots=True)
class GeneratedPack:
    pack: Pack
    skipped: dict[str, str] = field(default_factory=dict)  # kind → why the engine could not


def content_engine(settings: Settings, *, engine: str | None,
                   session: Session | None = None,
                   organisation_id: int | None = None) -> ContentEngine:
    """The engine `--engine` names, else LEARNLOOP_LLM_ENGINE (offline by default). Given the
    organisation, an LLM engine redacts its people's names, keys and emails before any call."""
    name = engine or settings.llm_engine
    if name not in ENGINES:
        raise InputError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}",
                         [Problem(f"choose one of {', '.join(ENGINES)}", field="engine")])
    if name == "offline":
        return OfflineEngine()
    directory = None
    if session is not None and organisation_id is not None:
        directory = Directory.from_people(people(session, organisation_id=organisation_id))
    try:
        return engine_from_settings(settings, engine=name, directory=directory)
    except ConfigError as error:  # the caller chose an engine this installation has not set up
        raise InputError(f"the {name} engine cannot be used here: {error.message}",
                         [Problem(error.message, field="engine")]) from error


def pack_kinds(engine: ContentEngine) -> tuple[ComponentKind, ...]:
    """Every kind the engine writes, translation apart (it needs a target language)."""
    kinds = getattr(engine, "kinds", tuple(ComponentKind))
    return tuple(kind for kind in kinds if kind is not ComponentKind.TRANSLATION)


def generate_pack(session: Session, *, organisation_id: int, source: str, engine: ContentEngine,
                  need_id: int | None = None, actor: str = "cli",
                  settings: Settings | None = None, embedder: Embedder | None = None,
                  progress: Progress | None = None, requested_by: str | None = None,
                  kinds: Sequence[ComponentKind] | None = None,
                  at: datetime | None = None) -> GeneratedPack:
    """Every component the engine writes (translation apart; only `kinds` when given), each
    checked and stored, as one pack. The engine reads the source without its sentences
    addressed to an AI and without links beyond the source's own domain and the
    organisation's allow-list. Each new component version opens its review (governance): its
    author is `requested_by` (who asked an agent to write it), else `actor`; `at` backdates
    the reviews' opening (the demo's review history), default now."""
    document = content_store.source_chunks(session, organisation_id=organisation_id,
                                           source=source)
    settings = settings or load_settings()
    domains = (*_own_domains(document.origin), *settings.link_domains)
    chunks = generation_input(document.chunks, allowed_domains=domains)
    if not chunks:
        raise InputError(f"source {document.key!r} has no text to write from")
    embedder = embedder or default_embedder(settings)
    index = PassageIndex(chunks, embedder=embedder)
    names = tuple(person.name for person in people(session, organisation_id=organisation_id))
    need = (stored_need(session, organisation_id=organisation_id, need_id=need_id)
            if need_id is not None else None)
    brief = _brief(need) if need is not None else None
    kinds = tuple(kinds) if kinds is not None else pack_kinds(engine)
    component_ids: list[int] = []
    skipped: dict[str, str] = {}
    spent = Usage()
    for done, kind in enumerate(kinds, start=1):
        request = GenerationRequest(kind=kind, source_title=document.title, chunks=chunks,
                                    need=brief)
        try:
            result = engine.generate(request)
        except InputError as error:  # this source offers nothing for this kind
            skipped[str(kind)] = error.message
        else:
            spent += result.usage
            checks = check_component(kind, result.body, chunks, embedder=embedder,
                                     people_names=names, allowed_domains=domains, index=index)
            component_ids.append(content_store.save_component(
                session, organisation_id=organisation_id, document_id=document.document_id,
                source_key=document.key, source_version=document.version, kind=str(kind),
                title=getattr(result.body, "title", str(kind)),
                body=result.body.model_dump(mode="json"), engine=result.provenance.engine,
                model=result.provenance.model, prompt_version=result.provenance.prompt_version,
                chunk_ids=result.provenance.chunk_ids, input_tokens=result.usage.input_tokens,
                output_tokens=result.usage.output_tokens, cost_usd=result.usage.cost_usd,
                cached=result.usage.cached, checks=checks.to_dict()))
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
        modality=modality.as_dict(), component_ids=list(dict.fromkeys(component_ids)),
        input_tokens=spent.input_tokens, output_tokens=spent.output_tokens,
        cost_usd=spent.cost_usd, created_by=actor)
    policy = load_policy(settings)
    for component_id in dict.fromkeys(component_ids):
        open_review(session, organisation_id=organisation_id, component_id=component_id,
                    author=requested_by or actor, policy=policy, at=at)
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
    return NeedBrief(title=need.title, nature=str(need.nature), skill_key=need.skill_key,
                     kpi_metric=need.kpi_metric, kpi_direction=need.kpi_direction,
                     urgency=float(need.urgency), risk=need.risk,
                     audience_size=len(need.person_keys),
                     reason=need.reason, key=need.key)


def _own_domains(origin: str) -> tuple[str, ...]:
    """The source's own web domain, when it was imported from an address."""
    host = urlsplit(origin).hostname if "://" in origin else None
    return (host.removeprefix("www."),) if host else ()


def _complexity(document: SourceChunks) -> float:
    """0..1 from the source's length and how many lists and tables (rules, steps) it holds."""
    words = sum(len(chunk.text.split()) for chunk in document.chunks)
    structured = sum(chunk.block != "paragraph" for chunk in document.chunks)
    return round(min(1.0, words / 12000 + structured / 60), 2)
