"""Reads signal and pulse series for the agents: one subject's series as records, many subjects'
as columns, over a time window, with every value's time and source.

Windows are half-open: `start <= time < end`; either end may be left open (None).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from learnloop.domain.evidence import PulseResult
from learnloop.domain.series import PulseSeries, SignalColumns, SignalSeries
from learnloop.domain.signals import Signal, SubjectType
from learnloop.store import tables
from learnloop.store.lookup import chunks, keys_by_id

__all__ = ["pulse_series", "signal_columns", "signal_series"]

# rows fetched per round trip when streaming a large read
_BATCH = 50_000


def _subjects(session: Session, *, organisation_id: int, subject_type: SubjectType,
              subject_keys: Collection[str] | None) -> dict[int | None, str | None]:
    if subject_type is SubjectType.ORGANISATION:
        return {None: None}
    table = tables.Person if subject_type is SubjectType.PERSON else tables.Team
    return dict(keys_by_id(session, table, organisation_id=organisation_id, keys=subject_keys))


def _signal_rows(session: Session, columns: Sequence[Any], *, organisation_id: int, metric: str,
                 subject_type: SubjectType, subject_ids: Collection[int | None] | None,
                 start: datetime | None, end: datetime | None) -> Iterator[Any]:
    """Rows of `columns` ordered by subject, then time; `subject_ids` None means all subjects."""
    signal = tables.Signal
    query: Select = select(*columns).where(
        signal.organisation_id == organisation_id, signal.metric == metric,
        signal.subject_type == subject_type.value)
    if start is not None:
        query = query.where(signal.observed_at >= start)
    if end is not None:
        query = query.where(signal.observed_at < end)
    query = query.order_by(signal.subject_id, signal.observed_at)
    if subject_ids is None or subject_type is SubjectType.ORGANISATION:
        yield from session.execute(query.execution_options(yield_per=_BATCH))
        return
    # ascending chunks of ids keep the whole read ordered by subject
    for chunk in chunks(sorted(i for i in subject_ids if i is not None)):
        yield from session.execute(
            query.where(signal.subject_id.in_(chunk)).execution_options(yield_per=_BATCH)
        )


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
    shared_source: dict[str, str] = {}  # one string object per source, not one per value
    rows = _signal_rows(
        session, (signal.subject_id, signal.observed_at, signal.value, signal.source),
        organisation_id=organisation_id, metric=metric, subject_type=subject_type,
        subject_ids=None if subject_keys is None else list(keys), start=start, end=end)
    for subject_id, observed_at, value, source in rows:
        code = code_of.get(subject_id)
        if code is None:
            if subject_id not in keys:
                continue  # a person or team removed since: not part of any series
            code = code_of[subject_id] = len(subjects)
            subjects.append(keys[subject_id])
        index.append(code)
        times.append(observed_at)
        values.append(value)
        sources.append(shared_source.setdefault(source, source))
    return SignalColumns(metric=metric, subject_type=subject_type, subjects=tuple(subjects),
                         subject_index=tuple(index), observed_at=tuple(times),
                         values=tuple(values), sources=tuple(sources))


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
    rows = _signal_rows(
        session, (signal.subject_id, signal.key, signal.observed_at, signal.value, signal.source),
        organisation_id=organisation_id, metric=metric, subject_type=subject_type,
        subject_ids=None if subject_keys is None else list(keys), start=start, end=end)
    for subject_id, key, observed_at, value, source in rows:
        if subject_id not in keys:
            continue
        grouped.setdefault(subject_id, []).append(Signal(
            key=key, metric=metric, subject_type=subject_type, subject_key=keys[subject_id],
            observed_at=observed_at, value=value, source=source))
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
