"""Reads signal and pulse series for the agents: one subject's series as records, many subjects'
as columns, over a time window, with every value's time and source.

Windows are half-open: `start <= time < end`; either end may be left open (None).
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from learnloop.domain.evidence import PulseResult
from learnloop.domain.series import PulseSeries, SignalColumns, SignalSeries
from learnloop.domain.signals import Signal, SubjectType
from learnloop.store import tables
from learnloop.store.reading import (
    chunks,
    keys_by_id,
    no_cycle_collection,
    raw_batches,
    utc_times,
)

__all__ = ["pulse_series", "signal_columns", "signal_series"]

def _subjects(session: Session, *, organisation_id: int, subject_type: SubjectType,
              subject_keys: Collection[str] | None) -> dict[int | None, str | None]:
    if subject_type is SubjectType.ORGANISATION:
        return {None: None}
    table = tables.Person if subject_type is SubjectType.PERSON else tables.Team
    return dict(keys_by_id(session, table, organisation_id=organisation_id, keys=subject_keys))


def _signal_batches(session: Session, columns: Sequence[Any], *, organisation_id: int,
                    metric: str, subject_type: SubjectType, keys: dict[int | None, str | None],
                    every_subject: bool, start: datetime | None,
                    end: datetime | None) -> Iterator[list[tuple[Any, ...]]]:
    """Raw rows of (subject_id, *columns) ordered by subject, then time, in batches; only rows
    about subjects in `keys` (`every_subject`: all of them, so no IN list is needed)."""
    signal = tables.Signal
    query: Select = select(signal.subject_id, *columns).where(
        signal.organisation_id == organisation_id, signal.metric == metric,
        signal.subject_type == subject_type.value)
    if start is not None:
        query = query.where(signal.observed_at >= start)
    if end is not None:
        query = query.where(signal.observed_at < end)
    query = query.order_by(signal.subject_id, signal.observed_at)
    if every_subject or subject_type is SubjectType.ORGANISATION:
        queries = [query]
    else:
        # ascending chunks of ids keep the whole read ordered by subject
        queries = [query.where(signal.subject_id.in_(chunk))
                   for chunk in chunks(sorted(i for i in keys if i is not None))]
    for one in queries:
        for batch in raw_batches(session, one):
            if not keys.keys() >= {row[0] for row in batch}:
                # a subject no longer in the organisation: its values belong to no series
                batch = [row for row in batch if row[0] in keys]
            yield batch


@no_cycle_collection()
def signal_columns(session: Session, *, organisation_id: int, metric: str,
                   subject_type: SubjectType | str, subject_keys: Collection[str] | None = None,
                   start: datetime | None = None, end: datetime | None = None) -> SignalColumns:
    """Every value of `metric` about subjects of one type (all, or `subject_keys`), as columns."""
    subject_type = SubjectType(subject_type)
    keys = _subjects(session, organisation_id=organisation_id, subject_type=subject_type,
                     subject_keys=subject_keys)
    signal = tables.Signal
    subjects: list[str | None] = []
    code_of: dict[int | None, int] = {}
    index: list[int] = []
    times: list[datetime] = []
    values: list[float] = []
    sources: list[str] = []
    volumes: list[float | None] = []
    seen: dict[Any, datetime] = {}
    for batch in _signal_batches(
        session, (signal.observed_at, signal.value, signal.source, signal.volume),
        organisation_id=organisation_id, metric=metric, subject_type=subject_type, keys=keys,
        every_subject=subject_keys is None, start=start, end=end,
    ):
        if not batch:
            continue
        # column at a time, so the work per value stays in C
        ids, moments, batch_values, batch_sources, batch_volumes = zip(*batch, strict=True)
        for subject_id in dict.fromkeys(ids):
            if subject_id not in code_of:
                code_of[subject_id] = len(subjects)
                subjects.append(keys[subject_id])
        index.extend(map(code_of.__getitem__, ids))
        times.extend(utc_times(moments, seen))
        values.extend(batch_values)
        sources.extend(map(sys.intern, batch_sources))  # one string object per source
        volumes.extend(batch_volumes)
    return SignalColumns(metric=metric, subject_type=subject_type, subjects=tuple(subjects),
                         subject_index=tuple(index), observed_at=tuple(times),
                         values=tuple(values), sources=tuple(sources), volumes=tuple(volumes))


@no_cycle_collection()
def signal_series(session: Session, *, organisation_id: int, metric: str,
                  subject_type: SubjectType | str, subject_keys: Collection[str] | None = None,
                  start: datetime | None = None, end: datetime | None = None
                  ) -> list[SignalSeries]:
    """One series per subject with values of `metric` in the window, in subject id order, each
    value a Signal with its key, time and source."""
    subject_type = SubjectType(subject_type)
    keys = _subjects(session, organisation_id=organisation_id, subject_type=subject_type,
                     subject_keys=subject_keys)
    signal = tables.Signal
    grouped: dict[int | None, list[Signal]] = {}
    seen: dict[Any, datetime] = {}
    for batch in _signal_batches(
        session, (signal.key, signal.observed_at, signal.value, signal.source, signal.volume),
        organisation_id=organisation_id, metric=metric, subject_type=subject_type, keys=keys,
        every_subject=subject_keys is None, start=start, end=end,
    ):
        times = utc_times([row[2] for row in batch], seen)
        for (subject_id, key, _raw, value, source, volume), observed_at in zip(
                batch, times, strict=True):
            grouped.setdefault(subject_id, []).append(Signal(
                key=key, metric=metric, subject_type=subject_type,
                subject_key=keys[subject_id], observed_at=observed_at, value=value,
                source=source, volume=volume))
    return [SignalSeries(metric=metric, subject_type=subject_type, subject_key=keys[subject_id],
                         signals=tuple(signals))
            for subject_id, signals in grouped.items()]


def pulse_series(session: Session, *, organisation_id: int,
                 team_keys: Collection[str] | None = None,
                 questions: Collection[str] | None = None,
                 start: date | None = None, end: date | None = None) -> list[PulseSeries]:
    """One series per team and question, ordered by team key and question; periods oldest first."""
    pulse, team = tables.PulseResult, tables.Team
    query = (
        select(pulse.survey, team.key, pulse.question, pulse.period, pulse.score,
               pulse.responses)
        .join(team, team.id == pulse.team_id)
        .where(pulse.organisation_id == organisation_id)
        .order_by(team.key, pulse.question, pulse.period, pulse.survey)
    )
    if team_keys is not None:
        query = query.where(team.key.in_(sorted(set(team_keys))))
    if questions is not None:
        query = query.where(pulse.question.in_(sorted(set(questions))))
    if start is not None:
        query = query.where(pulse.period >= start)
    if end is not None:
        query = query.where(pulse.period < end)
    grouped: dict[tuple[str, str], list[PulseResult]] = {}
    for survey, team_key, question, period, score, responses in session.execute(query):
        grouped.setdefault((team_key, question), []).append(PulseResult(
            survey=survey, team_key=team_key, question=question, period=period, score=score,
            responses=responses))
    return [PulseSeries(team_key=team_key, question=question, results=tuple(results))
            for (team_key, question), results in grouped.items()]
