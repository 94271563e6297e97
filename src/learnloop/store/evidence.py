"""Reads skill evidence for the agents: per person and skill, as records or, for many people, as
columns; filtered by people, skills and a date window (`start <= observed_on < end`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.evidence import EvidenceColumns, EvidenceKind, SkillEvidence
from learnloop.store import tables
from learnloop.store.lookup import chunks, keys_by_id

__all__ = ["evidence_columns", "skill_evidence"]

_BATCH = 50_000


def _evidence_rows(session: Session, columns: tuple[Any, ...], *, organisation_id: int,
                   person_ids: Collection[int] | None, skill_ids: Collection[int] | None,
                   start: date | None, end: date | None) -> Iterator[Any]:
    """Rows ordered by person id, skill id, date; `None` filters mean everyone, every skill."""
    evidence = tables.SkillEvidence
    query = select(*columns).where(evidence.organisation_id == organisation_id)
    if skill_ids is not None:
        query = query.where(evidence.skill_id.in_(sorted(skill_ids)))
    if start is not None:
        query = query.where(evidence.observed_on >= start)
    if end is not None:
        query = query.where(evidence.observed_on < end)
    query = query.order_by(evidence.person_id, evidence.skill_id, evidence.observed_on,
                           evidence.id)
    if person_ids is None:
        yield from session.execute(query.execution_options(yield_per=_BATCH))
        return
    for chunk in chunks(sorted(person_ids)):
        yield from session.execute(
            query.where(evidence.person_id.in_(chunk)).execution_options(yield_per=_BATCH)
        )


def _lookups(session: Session, *, organisation_id: int, person_keys: Collection[str] | None,
             skill_keys: Collection[str] | None) -> tuple[dict[int, str], dict[int, str]]:
    people = keys_by_id(session, tables.Person, organisation_id=organisation_id, keys=person_keys)
    skills = keys_by_id(session, tables.Skill, organisation_id=organisation_id, keys=skill_keys)
    return people, skills


def skill_evidence(session: Session, *, organisation_id: int,
                   person_keys: Collection[str] | None = None,
                   skill_keys: Collection[str] | None = None,
                   start: date | None = None, end: date | None = None) -> list[SkillEvidence]:
    """Every piece of evidence about these people and skills (default: all), ordered by person,
    skill, then date."""
    people, skills = _lookups(session, organisation_id=organisation_id,
                              person_keys=person_keys, skill_keys=skill_keys)
    evidence = tables.SkillEvidence
    rows = _evidence_rows(
        session, (evidence.key, evidence.person_id, evidence.skill_id, evidence.kind,
                  evidence.level, evidence.observed_on, evidence.source),
        organisation_id=organisation_id,
        person_ids=None if person_keys is None else people,
        skill_ids=None if skill_keys is None else skills, start=start, end=end)
    return [SkillEvidence(key=key, person_key=people[person_id], skill_key=skills[skill_id],
                          kind=EvidenceKind(kind), level=level, observed_on=observed_on,
                          source=source)
            for key, person_id, skill_id, kind, level, observed_on, source in rows]


def evidence_columns(session: Session, *, organisation_id: int,
                     person_keys: Collection[str] | None = None,
                     skill_keys: Collection[str] | None = None,
                     start: date | None = None, end: date | None = None) -> EvidenceColumns:
    """The same evidence as `skill_evidence`, as columns: cheap for 100,000 people."""
    people, skills = _lookups(session, organisation_id=organisation_id,
                              person_keys=person_keys, skill_keys=skill_keys)
    evidence = tables.SkillEvidence
    person_codes: dict[int, int] = {}
    skill_codes = {skill_id: code for code, skill_id in enumerate(sorted(skills))}
    person_index: list[int] = []
    skill_index: list[int] = []
    kinds: list[EvidenceKind] = []
    levels: list[float] = []
    dates: list[date] = []
    sources: list[str] = []
    kind_of = {kind.value: kind for kind in EvidenceKind}
    shared_source: dict[str, str] = {}
    rows = _evidence_rows(
        session, (evidence.person_id, evidence.skill_id, evidence.kind, evidence.level,
                  evidence.observed_on, evidence.source),
        organisation_id=organisation_id,
        person_ids=None if person_keys is None else people,
        skill_ids=None if skill_keys is None else skills, start=start, end=end)
    for person_id, skill_id, kind, level, observed_on, source in rows:
        code = person_codes.get(person_id)
        if code is None:
            code = person_codes[person_id] = len(person_codes)
        person_index.append(code)
        skill_index.append(skill_codes[skill_id])
        kinds.append(kind_of[kind])
        levels.append(level)
        dates.append(observed_on)
        sources.append(shared_source.setdefault(source, source))
    return EvidenceColumns(
        people=tuple(people[person_id] for person_id in person_codes),
        person_index=tuple(person_index),
        skills=tuple(skills[skill_id] for skill_id in sorted(skills)),
        skill_index=tuple(skill_index), kinds=tuple(kinds), levels=tuple(levels),
        observed_on=tuple(dates), sources=tuple(sources))
