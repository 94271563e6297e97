"""Reads for the sensing agent's pulse and person series: person-weeks of a KPI (aggregated in
SQL), the stored detections a run must not raise twice, a person's own detections, and one
detection's series for its chart, whatever its kind.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import String, column, delete, func, select
from sqlalchemy import values as values_of
from sqlalchemy.orm import Session

from learnloop.domain.sensing.kinds import SeriesKind
from learnloop.domain.sensing.pulse import pulse_weeks
from learnloop.domain.sensing.records import DetectionRecord
from learnloop.domain.sensing.weeks import week_number, week_start, week_time
from learnloop.domain.signals import SubjectType
from learnloop.store import tables
from learnloop.store.detections import detection_record_of
from learnloop.store.number_blocks import number_block
from learnloop.store.sensing import TeamWeeks, team_weeks
from learnloop.store.series import pulse_series
from learnloop.store.team_weeks import week_of

__all__ = ["PersonWeeks", "delete_person_detections", "people_count", "people_mark",
           "person_detections", "person_weeks", "save_people_mark", "series_detections",
           "series_of_detection", "team_detection_weeks"]


@dataclass(frozen=True, slots=True)
class PersonWeeks:
    """One metric's values per person and week: values and volumes are (people, weeks), NaN
    where a person-week has no data; `teams[i]` is person i's team key."""

    metric: str
    people: tuple[str, ...]
    teams: tuple[str, ...]
    first_week: int
    values: np.ndarray
    volumes: np.ndarray


def person_weeks(session: Session, *, organisation_id: int, metric: str, first_week: int,
                 end_week: int, team_keys: Collection[str] | None = None,
                 person_keys: Collection[str] | None = None,
                 windows: Mapping[str, tuple[int, int]] | None = None) -> PersonWeeks:
    """Weeks first_week .. end_week - 1 of `metric` per person with values (of every team, or
    `team_keys`, or just `person_keys`, or the teams of `windows`, each read only in its own
    weeks first .. end - 1), from values observed before the end; several values of one person
    in one week are averaged by volume.

    The rows come back ungrouped as one block of numbers, each with its week number from the
    database, and are summed per person-week in NumPy: grouping in SQL and a row object per
    person-week cost several times more (a large team's detection reads tens of thousands)."""
    person, team = tables.Person, tables.Team
    if windows is not None:
        team_keys = windows.keys()
    chosen = select(person.id, person.key, team.key).join(team, team.id == person.team_id).where(
        person.organisation_id == organisation_id)
    if team_keys is not None:
        chosen = chosen.where(team.key.in_(sorted(team_keys)))
    if person_keys is not None:
        chosen = chosen.where(person.key.in_(sorted(person_keys)))
    known = {row[0]: (row[1], row[2]) for row in session.execute(chosen)}
    span = max(end_week - first_week, 0)
    signal = tables.Signal
    query = select(signal.subject_id, week_of(session.get_bind().dialect.name,
                                              signal.observed_at),
                   signal.value, func.coalesce(signal.volume, -1.0)).where(
        signal.organisation_id == organisation_id, signal.metric == metric,
        signal.subject_type == SubjectType.PERSON.value)
    if windows is not None:
        # each team's people walked in their own series (ix_signals_series) over the team's
        # weeks alone: detections late in a year need no rows before theirs, early ones none after
        window = values_of(column("team_key", String), column("starts", signal.observed_at.type),
                        column("ends", signal.observed_at.type), name="person_windows").data(
            [(key, week_time(max(first, first_week)), week_time(min(end, end_week)))
             for key, (first, end) in sorted(windows.items())]).cte()  # SQLite: no VALUES alias
        query = query.join(person, person.id == signal.subject_id).join(
            team, team.id == person.team_id).join(window, window.c.team_key == team.key).where(
            person.organisation_id == organisation_id, signal.observed_at >= window.c.starts,
            signal.observed_at < window.c.ends)
    else:
        query = query.where(signal.observed_at >= week_time(first_week),
                            signal.observed_at < week_time(end_week))
    if windows is None and (team_keys is not None or person_keys is not None):
        # a few people: the read walks each one's own series (ix_signals_series) instead of
        # every person's rows of the metric in those weeks
        query = query.where(signal.subject_id.in_(chosen.with_only_columns(person.id)))
    return _summed(number_block(session, query), metric=metric, known=known,
                   first_week=first_week, span=span)


def _summed(block: np.ndarray, *, metric: str, known: Mapping[int, tuple[str, str]],
            first_week: int, span: int) -> PersonWeeks:
    """(person id, week, value, volume or -1) rows summed per person-week, by volume; `known`
    maps the people's ids to their keys and team keys."""
    ids = np.array(sorted(known, key=lambda i: known[i][0]), dtype=np.int64)
    order = np.argsort(ids)
    subject = block[:, 0].astype(np.int64)
    at = np.minimum(np.searchsorted(ids[order], subject), max(len(ids) - 1, 0))
    week = block[:, 1].astype(np.int64) - first_week
    ours = (ids[order][at] == subject) & (week >= 0) & (week < span) if len(ids) else (
        np.zeros(len(block), dtype=bool))
    row = order[at[ours]]
    present = np.zeros(len(ids), dtype=bool)
    present[row] = True
    rank = np.cumsum(present) - 1  # a person with no rows in the weeks is left out
    people = tuple(known[int(i)][0] for i in ids[present])
    teams = tuple(known[int(i)][1] for i in ids[present])
    cell = rank[row] * span + week[ours]
    size = len(people) * span
    value, volume = block[ours, 2], block[ours, 3]
    missing = volume < 0  # volumes are never negative: -1 stands for none reported
    weight = np.where(missing, 1.0, volume)
    weighted = np.bincount(cell, weights=value * weight, minlength=size)
    total = np.bincount(cell, weights=weight, minlength=size)
    reported = np.bincount(cell, weights=~missing, minlength=size)
    volume_sum = np.bincount(cell, weights=np.where(missing, 0.0, volume), minlength=size)
    counted = total != 0
    values = np.full(size, np.nan)
    values[counted] = weighted[counted] / total[counted]
    volumes = np.where(counted & (reported > 0), volume_sum, np.nan)
    return PersonWeeks(metric=metric, people=people, teams=teams, first_week=first_week,
                       values=values.reshape(len(people), span),
                       volumes=volumes.reshape(len(people), span))


def series_detections(session: Session, *, organisation_id: int, subject_type: SubjectType,
                      metrics: Collection[str] | None = None) -> set[tuple[str, str, date]]:
    """(metric, subject key, change start) of the stored detections about one subject type."""
    table = tables.Detection
    query = select(table.metric, table.subject_key, table.change_start).where(
        table.organisation_id == organisation_id, table.subject_type == subject_type.value)
    if metrics is not None:
        query = query.where(table.metric.in_(sorted(metrics)))
    return {(metric, key, start) for metric, key, start in session.execute(query)}


def person_detections(session: Session, *, organisation_id: int,
                      person_key: str) -> list[DetectionRecord]:
    """The detections in one person's own series, newest detected first."""
    table = tables.Detection
    rows = session.scalars(select(table).where(
        table.organisation_id == organisation_id,
        table.subject_type == SubjectType.PERSON.value, table.subject_key == person_key,
    ).order_by(table.detected_at.desc(), table.metric))
    return [detection_record_of(row) for row in rows]


def delete_person_detections(session: Session, *, organisation_id: int,
                             person_key: str) -> int:
    """Delete the detections in one person's own series (their data goes with them)."""
    table = tables.Detection
    result = session.execute(delete(table).where(
        table.organisation_id == organisation_id,
        table.subject_type == SubjectType.PERSON.value, table.subject_key == person_key))
    return int(result.rowcount or 0)


def series_of_detection(session: Session, *, organisation_id: int, record: DetectionRecord,
                        first_week: int, end_week: int) -> TeamWeeks:
    """The series a detection was found in, weeks first_week .. end_week - 1, as one row."""
    found = record.detection
    if record.series_kind is SeriesKind.PULSE_QUESTION:
        series = [one for one in pulse_series(
            session, organisation_id=organisation_id, team_keys=[record.team or ""],
            questions=[record.question or ""], start=week_start(first_week),
            end=week_start(end_week))]
        values, volumes = pulse_weeks(series, first_week=first_week, end_week=end_week)
        if not series:
            values = volumes = np.full((0, max(end_week - first_week, 0)), np.nan)
        return TeamWeeks(metric=found.metric, teams=tuple(s.team_key for s in series),
                         first_week=first_week, values=values, volumes=volumes)
    if record.series_kind is SeriesKind.PERSON:
        weeks = person_weeks(session, organisation_id=organisation_id, metric=found.metric,
                             first_week=first_week, end_week=end_week,
                             person_keys=[record.person or ""])
        return TeamWeeks(metric=found.metric, teams=weeks.people, first_week=first_week,
                         values=weeks.values, volumes=weeks.volumes)
    return team_weeks(session, organisation_id=organisation_id, metric=found.metric,
                      first_week=first_week, end_week=end_week,
                      team_keys=[found.subject_key or ""])




def team_detection_weeks(session: Session, *, organisation_id: int,
                         metric: str) -> dict[str, list[tuple[int, int]]]:
    """Team key → (change week, detected week) of each stored detection of a team's `metric`."""
    table = tables.Detection
    found: dict[str, list[tuple[int, int]]] = {}
    for key, start, detected in session.execute(select(
            table.subject_key, table.change_start, table.detected_at).where(
            table.organisation_id == organisation_id, table.metric == metric,
            table.subject_type == SubjectType.TEAM.value)):
        found.setdefault(key, []).append((week_number(start), week_number(detected)))
    return found


# --- how far people's series of a metric were evaluated --------------------------------------
# one `sensing_states` row per metric, named `people:<metric>`, subject `*`, with no state: the
# person pass recomputes from the first week, so it needs only the week it reached and what it
# was built on (drop_states forgets it with the teams' states)

_PEOPLE_SUBJECT = "*"


def _people_metric(metric: str) -> str:
    return f"people:{metric}"[:128]


def people_mark(session: Session, *, organisation_id: int, metric: str) -> tuple[int, str] | None:
    """(next week, inputs) the person series of `metric` were last evaluated up to, if ever."""
    table = tables.SensingState
    row = session.execute(select(table.next_week, table.inputs).where(
        table.organisation_id == organisation_id, table.metric == _people_metric(metric),
        table.subject_key == _PEOPLE_SUBJECT)).first()
    return None if row is None else (week_number(row[0]), row[1])


def save_people_mark(session: Session, *, organisation_id: int, metric: str, next_week: int,
                     inputs: str) -> None:
    table = tables.SensingState
    session.execute(delete(table).where(
        table.organisation_id == organisation_id, table.metric == _people_metric(metric),
        table.subject_key == _PEOPLE_SUBJECT))
    session.execute(table.__table__.insert(), [{
        "organisation_id": organisation_id, "metric": _people_metric(metric),
        "subject_key": _PEOPLE_SUBJECT, "next_week": week_start(next_week), "inputs": inputs,
        "state": b""}])


def people_count(session: Session, *, organisation_id: int) -> int:
    """How many people the organisation holds (a bound on its person series per metric)."""
    return int(session.scalar(select(func.count()).select_from(tables.Person).where(
        tables.Person.organisation_id == organisation_id)) or 0)
