"""Reads skill evidence for the agents: per person and skill, as records or, for many people, as
columns; filtered by people, skills and a date window (`start <= observed_on < end`).
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.evidence import EvidenceColumns, EvidenceKind, SkillEvidence
from learnloop.store import tables
from learnloop.store.reading import (
    chunks,
    dates,
    keys_by_id,
    no_cycle_collection,
    raw_batches,
)

__all__ = ["evidence_columns", "skill_evidence"]

def _evidence_batches(session: Session, columns: tuple[Any, ...], *, organisation_id: int,
                      people: dict[int, str], skills: dict[int, str], every_person: bool,
                      every_skill: bool, start: date | None,
                      end: date | None) -> Iterator[list[tuple[Any, ...]]]:
    """Raw rows of (person_id, skill_id, *columns) ordered by person, skill, date, in batches."""
    evidence = tables.SkillEvidence
    query = select(evidence.person_id, evidence.skill_id, *columns).where(
        evidence.organisation_id == organisation_id)
    if not every_skill:
        query = query.where(evidence.skill_id.in_(sorted(skills)))
    if start is not None:
        query = query.where(evidence.observed_on >= start)
    if end is not None:
        query = query.where(evidence.observed_on < end)
    query = query.order_by(evidence.person_id, evidence.skill_id, evidence.observed_on,
                           evidence.id)
    queries = [query] if every_person else [
        query.where(evidence.person_id.in_(chunk)) for chunk in chunks(sorted(people))]
    for one in queries:
        yield from raw_batches(session, one)


def _lookups(session: Session, *, organisation_id: int, person_keys: Collection[str] | None,
             skill_keys: Collection[str] | None) -> tuple[dict[int, str], dict[int, str]]:
    people = keys_by_id(session, tables.Person, organisation_id=organisation_id, keys=person_keys)
    skills = keys_by_id(session, tables.Skill, organisation_id=organisation_id, keys=skill_keys)
    return people, skills


@no_cycle_collection()
def skill_evidence(session: Session, *, organisation_id: int,
                   person_keys: Collection[str] | None = None,
                   skill_keys: Collection[str] | None = None,
                   start: date | None = None, end: date | None = None) -> list[SkillEvidence]:
    """Every piece of evidence about these people and skills (default: all), ordered by person,
    skill, then date."""
    people, skills = _lookups(session, organisation_id=organisation_id,
                              person_keys=person_keys, skill_keys=skill_keys)
    evidence = tables.SkillEvidence
    seen: dict[Any, date] = {}
    found: list[SkillEvidence] = []
    for batch in _evidence_batches(
        session, (evidence.key, evidence.kind, evidence.level, evidence.observed_on,
                  evidence.source),
        organisation_id=organisation_id, people=people, skills=skills,
        every_person=person_keys is None, every_skill=skill_keys is None, start=start, end=end,
    ):
        days = dates([row[5] for row in batch], seen)
        found.extend(
            SkillEvidence(key=key, person_key=people[person_id], skill_key=skills[skill_id],
                          kind=EvidenceKind(kind), level=level, observed_on=day, source=source)
            for (person_id, skill_id, key, kind, level, _raw, source), day
            in zip(batch, days, strict=True))
    return found


@no_cycle_collection()
def evidence_columns(session: Session, *, organisation_id: int,
                     person_keys: Collection[str] | None = None,
                     skill_keys: Collection[str] | None = None,
                     start: date | None = None, end: date | None = None) -> EvidenceColumns:
    """The same evidence as `skill_evidence`, as columns: cheap for 100,000 people. `people`
    lists those with evidence; `skills` every skill asked for (default: all), in id order."""
    people, skills = _lookups(session, organisation_id=organisation_id,
                              person_keys=person_keys, skill_keys=skill_keys)
    evidence = tables.SkillEvidence
    person_codes: dict[int, int] = {}
    skill_codes = {skill_id: code for code, skill_id in enumerate(sorted(skills))}
    kind_of = {kind.value: kind for kind in EvidenceKind}
    person_index: list[int] = []
    skill_index: list[int] = []
    kinds: list[EvidenceKind] = []
    levels: list[float] = []
    days: list[date] = []
    sources: list[str] = []
    seen: dict[Any, date] = {}
    for batch in _evidence_batches(
        session, (evidence.kind, evidence.level, evidence.observed_on, evidence.source),
        organisation_id=organisation_id, people=people, skills=skills,
        every_person=person_keys is None, every_skill=skill_keys is None, start=start, end=end,
    ):
        # column at a time, so the work per row stays in C
        person_ids, skill_ids, batch_kinds, batch_levels, batch_days, batch_sources = zip(
            *batch, strict=True)
        for person_id in dict.fromkeys(person_ids):
            person_codes.setdefault(person_id, len(person_codes))
        person_index.extend(map(person_codes.__getitem__, person_ids))
        skill_index.extend(map(skill_codes.__getitem__, skill_ids))
        kinds.extend(map(kind_of.__getitem__, batch_kinds))
        levels.extend(batch_levels)
        days.extend(dates(batch_days, seen))
        sources.extend(map(sys.intern, batch_sources))
    return EvidenceColumns(
        people=tuple(people[person_id] for person_id in person_codes),
        person_index=tuple(person_index),
        skills=tuple(skills[skill_id] for skill_id in sorted(skills)),
        skill_index=tuple(skill_index), kinds=tuple(kinds), levels=tuple(levels),
        observed_on=tuple(days), sources=tuple(sources))
