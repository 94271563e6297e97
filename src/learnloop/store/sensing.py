"""Reads and writes for the sensing agent: team-week KPI values (from the team-week summary),
the detector's per-series state, and people's standing against linked skills.

Team-weeks come from team rows when a team reports the metric itself, else from its people's rows
(volume-weighted); weeks are those of `domain.sensing.weeks`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache

import numpy as np
from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.sensing.detection import DetectorState
from learnloop.domain.sensing.standing import SkillStanding
from learnloop.domain.sensing.weeks import week_number, week_start
from learnloop.domain.signals import SubjectType
from learnloop.store import tables
from learnloop.store.evidence import evidence_columns
from learnloop.store.people import people, requirements_by_person
from learnloop.store.reading import raw_batches

__all__ = [
    "StoredState", "TeamWeeks", "arriving_series", "drop_states", "imported_series",
    "load_states", "metric_weeks", "newest_signal_id", "save_states", "skill_standing",
    "slice_weeks", "team_weeks",
]

@dataclass(frozen=True, slots=True)
class TeamWeeks:
    """One metric's values per team and week: values and volumes are (teams, weeks), NaN where a
    team-week has no data; `first_week` is the number of column 0."""

    metric: str
    teams: tuple[str, ...]
    first_week: int
    values: np.ndarray
    volumes: np.ndarray


def _team_ids(session: Session, *, organisation_id: int, team_keys: Collection[str]) -> list[int]:
    """The teams' ids, read first: as a list of values the summary's key is searched by them
    whatever the planner's statistics say (a subquery let PostgreSQL, before it had analysed a
    fresh summary, walk a metric's every team-week: 250 ms instead of 1 for one team)."""
    team = tables.Team
    return list(session.scalars(select(team.id).where(team.organisation_id == organisation_id,
                                                      team.key.in_(sorted(team_keys)))))


def metric_weeks(session: Session, *, organisation_id: int, metric: str, end: int,
                 team_keys: Collection[str] | None = None) -> tuple[int, int] | None:
    """The first and last week with values of `metric` before week `end` (None: no values), in
    team and person rows; with `team_keys`, only those teams' own rows and their people's."""
    summary = tables.TeamWeek
    query = select(func.min(summary.week), func.max(summary.week)).where(
        summary.organisation_id == organisation_id, summary.metric == metric, summary.week < end)
    if team_keys is not None:
        query = query.where(summary.team_id.in_(
            _team_ids(session, organisation_id=organisation_id, team_keys=team_keys)))
    first, last = session.execute(query).one()
    return None if first is None else (int(first), int(last))


def team_weeks(session: Session, *, organisation_id: int, metric: str, first_week: int,
               end_week: int, team_keys: Collection[str] | None = None) -> TeamWeeks:
    """Weeks first_week .. end_week - 1 of `metric` per team (all teams with values, or
    `team_keys`), from the team-week summary (`store/team_weeks.py`)."""
    summary, team = tables.TeamWeek, tables.Team
    query = (select(team.key, summary.subject_type, summary.week, summary.weighted,
                    summary.weight, summary.volume)
             .join(team, team.id == summary.team_id)
             .where(summary.organisation_id == organisation_id, summary.metric == metric,
                    summary.week >= first_week, summary.week < end_week))
    if team_keys is not None:
        query = query.where(summary.team_id.in_(
            _team_ids(session, organisation_id=organisation_id, team_keys=team_keys)))
    rows = [row for batch in raw_batches(session, query) for row in batch]
    keys, kinds, numbers, weighted, total, volume = (
        zip(*rows, strict=True) if rows else ((),) * 6)
    if team_keys is None:
        found, at = np.unique(np.array(keys, dtype=str), return_inverse=True)
        teams = tuple(found.tolist())
    else:
        teams = tuple(sorted(set(team_keys)))
        at = np.searchsorted(np.array(teams, dtype=str), np.array(keys, dtype=str))
    span = max(end_week - first_week, 0)
    values = np.full((len(teams), span), np.nan)
    volumes = np.full((len(teams), span), np.nan)
    if not rows:
        return TeamWeeks(metric=metric, teams=teams, first_week=first_week, values=values,
                         volumes=volumes)
    own = np.array(kinds) == SubjectType.TEAM.value
    # a team that reports the metric itself in these weeks is read from its own rows only
    reports = np.zeros(len(teams), dtype=bool)
    reports[at[own]] = True
    kept = own | ~reports[at]
    column = np.array(numbers)[kept] - first_week
    weight = np.array(total, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(weight != 0, np.array(weighted, dtype=float) / weight, np.nan)
    values[at[kept], column] = level[kept]
    volumes[at[kept], column] = np.where(own, np.array(volume, dtype=float), weight)[kept]
    return TeamWeeks(metric=metric, teams=teams, first_week=first_week, values=values,
                     volumes=volumes)


def slice_weeks(weeks: TeamWeeks, *, first_week: int, team_keys: Sequence[str]) -> TeamWeeks:
    """Some teams' rows of `weeks` from `first_week` on (a team it lacks has no data)."""
    row_of = {key: row for row, key in enumerate(weeks.teams)}
    teams = tuple(sorted(team_keys))
    start = first_week - weeks.first_week
    values = np.full((len(teams), weeks.values.shape[1] - start), np.nan)
    volumes = np.full_like(values, np.nan)
    for row, key in enumerate(teams):
        if key in row_of:
            values[row] = weeks.values[row_of[key], start:]
            volumes[row] = weeks.volumes[row_of[key], start:]
    return TeamWeeks(metric=weeks.metric, teams=teams, first_week=first_week, values=values,
                     volumes=volumes)


# --- the detector's state, one row per team and metric ------------------------------------

@dataclass(frozen=True, slots=True)
class StoredState:
    next_week: int
    inputs: str
    state: DetectorState            # one series


_STATE_FORMAT = b"learnloop detector state 1\n"
_FIELDS = tuple(f.name for f in fields(DetectorState))


def _pack(state: DetectorState) -> bytes:
    """The arrays' raw bytes after a small JSON header (names, dtypes, shapes): an `.npz` costs
    10 ms a state (a zip entry per array), which was most of a full recompute's time."""
    arrays = [np.ascontiguousarray(getattr(state, name)) for name in _FIELDS]
    header = json.dumps([[name, array.dtype.str, array.shape]
                         for name, array in zip(_FIELDS, arrays, strict=True)]).encode()
    return b"".join([_STATE_FORMAT, len(header).to_bytes(4, "little"), header,
                     *(array.tobytes() for array in arrays)])


def _unpack(blob: bytes) -> DetectorState:
    if not blob.startswith(_STATE_FORMAT):  # stored before: an .npz
        with np.load(io.BytesIO(blob)) as arrays:
            return DetectorState(**{name: arrays[name] for name in _FIELDS})
    start = len(_STATE_FORMAT) + 4
    end = start + int.from_bytes(blob[start - 4:start], "little")
    arrays: dict[str, np.ndarray] = {}
    for name, dtype, shape, count, size in _layout(blob[start:end]):
        arrays[name] = np.frombuffer(blob, dtype=dtype, count=count,
                                     offset=end).reshape(shape).copy()
        end += size
    return DetectorState(**arrays)


@lru_cache(maxsize=64)
def _layout(header: bytes) -> list[tuple[str, np.dtype, tuple[int, ...], int, int]]:
    """Each array's name, dtype, shape, length and bytes: states of one detector share one."""
    layout = []
    for name, dtype, shape in json.loads(header):
        kind, count = np.dtype(dtype), int(np.prod(shape))
        layout.append((name, kind, tuple(shape), count, count * kind.itemsize))
    return layout


def load_states(session: Session, *, organisation_id: int, metric: str,
                team_keys: Collection[str] | None = None) -> dict[str, StoredState]:
    """Team key → its stored state for `metric` (every team's, or `team_keys`')."""
    state = tables.SensingState
    query = select(state.subject_key, state.next_week, state.inputs, state.state).where(
        state.organisation_id == organisation_id, state.metric == metric)
    if team_keys is not None:
        query = query.where(state.subject_key.in_(sorted(team_keys)))
    rows = session.execute(query)
    return {key: StoredState(next_week=week_number(next_week), inputs=inputs,
                             state=_unpack(blob))
            for key, next_week, inputs, blob in rows}


def save_states(session: Session, *, organisation_id: int, metric: str,
                states: Mapping[str, StoredState]) -> None:
    """Replace the stored states of these teams for `metric`."""
    if not states:
        return
    table = tables.SensingState
    session.execute(delete(table).where(table.organisation_id == organisation_id,
                                        table.metric == metric,
                                        table.subject_key.in_(sorted(states))))
    session.execute(table.__table__.insert(), [
        {"organisation_id": organisation_id, "metric": metric, "subject_key": key,
         "next_week": week_start(stored.next_week), "inputs": stored.inputs,
         "state": _pack(stored.state)} for key, stored in states.items()])


def drop_states(session: Session, *, organisation_id: int) -> None:
    """Forget every stored state: the next run recomputes from the whole history."""
    table = tables.SensingState
    session.execute(delete(table).where(table.organisation_id == organisation_id))


# --- standing against linked skills --------------------------------------------------------

_PREFERENCE = {EvidenceKind.ASSESSMENT: 0, EvidenceKind.MANAGER_RATING: 0,
               EvidenceKind.SELF_ASSESSMENT: 1}


def skill_standing(session: Session, *, organisation_id: int, skills: Sequence[str],
                   before: date, team_keys: Collection[str] | None = None
                   ) -> dict[str, list[SkillStanding]]:
    """Team key → its people's standing on each of `skills`, from evidence observed before
    `before`: the newest assessment or manager rating, else the newest self-assessment. Every
    team, or just `team_keys` (reading only their people's requirements and evidence)."""
    if not skills:
        return {}
    members = people(session, organisation_id=organisation_id, team_keys=team_keys)
    keys = None if team_keys is None else [person.key for person in members]
    if keys == []:
        return {}
    required = requirements_by_person(session, organisation_id=organisation_id,
                                      person_keys=keys)
    evidence = evidence_columns(session, organisation_id=organisation_id, person_keys=keys,
                                skill_keys=skills, end=before)
    newest: dict[tuple[str, str], tuple[tuple[int, date], float]] = {}
    for person_code, skill_code, kind, level, day in zip(
            evidence.person_index, evidence.skill_index, evidence.kinds, evidence.levels,
            evidence.observed_on, strict=True):
        key = (evidence.people[person_code], evidence.skills[skill_code])
        rank = (-_PREFERENCE.get(kind, 1), day)
        if key not in newest or rank >= newest[key][0]:
            newest[key] = (rank, level)
    by_team: dict[str, dict[str, tuple[list[str], list[str], list[str]]]] = {}
    for person in members:
        needs = {r.skill_key: r.level for r in required.get(person.key, ())}
        for skill in skills:
            if skill not in needs:
                continue
            below, at, unknown = by_team.setdefault(person.team_key, {}).setdefault(
                skill, ([], [], []))
            found = newest.get((person.key, skill))
            if found is None:
                unknown.append(person.key)
            elif found[1] < needs[skill]:
                below.append(person.key)
            else:
                at.append(person.key)
    return {team: [SkillStanding(skill=skill, below=tuple(b), at_level=tuple(a),
                                 unknown=tuple(u))
                   for skill, (b, a, u) in sorted(standing.items())]
            for team, standing in by_team.items()}


# --- which series arriving signals belong to ----------------------------------------------

def newest_signal_id(session: Session) -> int:
    """The newest signal row's id (0: none): rows an import writes after it are its new ones."""
    return int(session.scalar(select(func.max(tables.Signal.id))) or 0)


def imported_series(session: Session, *, organisation_id: int,
                    after_id: int) -> dict[str, set[str]]:
    """Metric → team keys of the team series the organisation's signal rows newer than
    `after_id` count in: a team's own rows, or its people's."""
    signal, person, team = tables.Signal, tables.Person, tables.Team
    new = and_(signal.organisation_id == organisation_id, signal.id > after_id)
    people = (select(signal.metric, team.key)
              .join(person, person.id == signal.subject_id)
              .join(team, team.id == person.team_id)
              .where(new, signal.subject_type == SubjectType.PERSON.value).distinct())
    teams = (select(signal.metric, team.key).join(team, team.id == signal.subject_id)
             .where(new, signal.subject_type == SubjectType.TEAM.value).distinct())
    series: dict[str, set[str]] = {}
    for query in (people, teams):
        for metric, key in session.execute(query):
            series.setdefault(metric, set()).add(key)
    return series


def arriving_series(session: Session, *, organisation_id: int,
                    subjects: Iterable[tuple[str, str, str]]) -> dict[str, set[str]]:
    """Metric → team keys of the team series that signals about (metric, subject_type, subject
    key) count in: a team's own, or its people's team's. The organisation's rows feed none."""
    person, team = tables.Person, tables.Team
    wanted = {(metric, kind, key) for metric, kind, key in subjects
              if kind in (SubjectType.PERSON.value, SubjectType.TEAM.value)}
    person_keys = sorted({key for _, kind, key in wanted if kind == SubjectType.PERSON.value})
    team_of: dict[str, str] = {}
    for start in range(0, len(person_keys), 500):
        team_of.update(session.execute(
            select(person.key, team.key).join(team, team.id == person.team_id)
            .where(person.organisation_id == organisation_id,
                   person.key.in_(person_keys[start:start + 500]))).all())
    series: dict[str, set[str]] = {}
    for metric, kind, key in wanted:
        found = key if kind == SubjectType.TEAM.value else team_of.get(key)
        if found is not None:
            series.setdefault(metric, set()).add(found)
    return series
