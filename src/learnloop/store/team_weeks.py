"""The team-week summary: each team's weekly sums of each metric, kept up to date as signals are
written, so the sensing agent reads one row per team-week instead of every person's rows.

A cell is (metric, team, week); it holds the team's own rows and its people's rows apart (the
sensing agent prefers the team's own). New rows are summed by cell as the writer writes them
(`team_week_sums`), then added to their cells in one INSERT … ON CONFLICT; a cell an update, a
deletion or a team move touched is recomputed from the signals, so floating-point sums never
drift through subtraction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    column,
    delete,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy import table as sql_table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from learnloop.domain.sensing.weeks import EPOCH_MONDAY, week_time
from learnloop.domain.signals import SubjectType
from learnloop.store import tables
from learnloop.store.copy_rows import insert_rows
from learnloop.store.team_week_sums import CellKey, NewRowSums, Sums

__all__ = ["Cell", "TeamWeekChanges", "add_cells", "cells_of_rows", "follow_moves",
           "people_teams", "rebuild_team_weeks", "recompute_cells", "recompute_teams",
           "week_of"]

Cell = tuple[str, int, int]  # metric, team id, week number

_EPOCH_JULIAN = 2440587.5 + (EPOCH_MONDAY.toordinal() - date(1970, 1, 1).toordinal())
_EPOCH_SECONDS = (EPOCH_MONDAY.toordinal() - date(1970, 1, 1).toordinal()) * 86400
_CHUNK = 500  # ids per IN list
# teams of one metric and window from which their cells are recomputed for every team at once:
# one pass over the metric's rows, where one query per chunk of teams probes them team by team
_EVERY_TEAM_FROM = 2 * _CHUNK


def week_of(dialect: str, column: Any) -> Any:
    """The week number of a time column, in the database's own date arithmetic."""
    # constants written into the SQL, not bound: GROUP BY must repeat the very same expression
    if dialect == "sqlite":
        return cast((func.julianday(column) - literal_column(repr(_EPOCH_JULIAN)))
                    / literal_column("7.0"), Integer)
    # in double precision: PostgreSQL's extract() gives a numeric, many times slower per row;
    # date_part() computes the double itself, the same value as extract()'s numeric cast to
    # double (both the nearest double to microseconds / 10^6), without the numeric
    seconds = func.date_part(literal_column("'epoch'"), column, type_=Float(precision=53))
    return cast(func.floor((seconds - literal_column(str(_EPOCH_SECONDS)))
                           / literal_column("604800")), Integer)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _sums(signal: Any) -> tuple[Any, ...]:
    weight = func.coalesce(signal.volume, 1.0)
    return (func.sum(cast(signal.value, Float) * weight).label("weighted"),
            func.sum(weight).label("weight"), func.sum(signal.volume).label("volume"),
            func.count().label("row_count"))


def _aggregate(session: Session, *, organisation_id: int, rows: Sequence[Any] = (),
               people: Sequence[Any] = (), teams: Sequence[Any] = ()) -> Select:
    """Cells summed from the signals matching `rows`, person rows also `people` (conditions on
    `tables.Person`), team rows also `teams` (conditions on the signal's subject_id)."""
    signal, person, team = tables.Signal, tables.Person, tables.Team
    week = week_of(_dialect(session), signal.observed_at).label("week")
    common = (signal.organisation_id == organisation_id, *rows)
    person_rows = (*common, signal.subject_type == SubjectType.PERSON.value)
    labels = (literal(organisation_id).label("organisation_id"), signal.metric)
    if people or _dialect(session) == "sqlite":
        # a few teams: from their people, through the series index; or SQLite, whose GROUP BY
        # sorts every row it is given: one sort of the rows joined to their people costs less
        # than sorting them by person and then the person-weeks by team (2-3 times, measured)
        from_people = (select(*labels, person.team_id.label("team_id"),
                              literal(SubjectType.PERSON.value).label("subject_type"), week,
                              *_sums(signal))
                       .join(person, person.id == signal.subject_id)
                       .where(*person_rows, *people)
                       .group_by(signal.metric, person.team_id, week))
    else:
        # many rows on PostgreSQL: summed per person first, so the join to people meets a row
        # per person-week, not per row (the planner, not knowing how many rows an import just
        # wrote, joins them by a nested loop)
        each = (select(signal.metric, signal.subject_id, week, *_sums(signal))
                .where(*person_rows).group_by(signal.metric, signal.subject_id, week)
                .subquery())
        from_people = (select(literal(organisation_id).label("organisation_id"), each.c.metric,
                              person.team_id.label("team_id"),
                              literal(SubjectType.PERSON.value).label("subject_type"),
                              each.c.week, func.sum(each.c.weighted).label("weighted"),
                              func.sum(each.c.weight).label("weight"),
                              func.sum(each.c.volume).label("volume"),
                              func.sum(each.c.row_count).label("row_count"))
                       .join(person, person.id == each.c.subject_id)
                       .group_by(each.c.metric, person.team_id, each.c.week))
    own = (select(literal(organisation_id).label("organisation_id"), signal.metric,
                  signal.subject_id.label("team_id"),
                  literal(SubjectType.TEAM.value).label("subject_type"), week, *_sums(signal))
           .join(team, team.id == signal.subject_id)
           .where(*common, signal.subject_type == SubjectType.TEAM.value, *teams)
           .group_by(signal.metric, signal.subject_id, week))
    # WHERE true: SQLite would read the ON of a following ON CONFLICT as a join's
    return union_all(from_people, own).subquery().select().where(true())


_COLUMNS = ("organisation_id", "metric", "team_id", "subject_type", "week", "weighted",
            "weight", "volume", "row_count")
_COPY_TYPES = ("int4", "text", "int4", "text", "int4", "float8", "float8", "float8", "int4")


def _insert(session: Session, source: Select, *, add: bool) -> None:
    """Write the cells `source` selects; `add`: into the cells already there, by their sums."""
    table = tables.TeamWeek.__table__
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    statement = insert(table).from_select(list(_COLUMNS), source)
    if add:
        new = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=list(_COLUMNS[:5]),
            set_={"weighted": table.c.weighted + new.weighted,
                  "weight": table.c.weight + new.weight,
                  # a sum of no volumes is NULL, as SQL's SUM says
                  "volume": case((and_(table.c.volume.is_(None), new.volume.is_(None)), None),
                                 else_=func.coalesce(table.c.volume, 0.0)
                                 + func.coalesce(new.volume, 0.0)),
                  "row_count": table.c.row_count + new.row_count})
    session.execute(statement)


def add_cells(session: Session, *, organisation_id: int, cells: Mapping[CellKey, Sums]) -> None:
    """Add sums of new rows (`team_week_sums.NewRowSums`) to their cells: staged in a temporary
    table in one write (binary COPY on PostgreSQL), then added by one INSERT … SELECT."""
    if not cells:
        return
    sqlite_ = _dialect(session) == "sqlite"
    staged = "staged_team_weeks"
    listed = ", ".join(_COLUMNS)
    session.execute(text(f"DROP TABLE IF EXISTS {'temp' if sqlite_ else 'pg_temp'}.{staged}"))
    session.execute(text(f"CREATE TEMPORARY TABLE {staged} {'' if sqlite_ else 'ON COMMIT DROP'} "
                         f"AS SELECT {listed} FROM team_weeks WHERE 1 = 0"))
    insert_rows(session, staged, names=_COLUMNS, types=_COPY_TYPES, rows=(
        (organisation_id, metric, team_id, subject_type, week, *sums)
        for (metric, team_id, subject_type, week), sums in sorted(cells.items())))
    # WHERE true: SQLite would read the ON of a following ON CONFLICT as a join's
    _insert(session, select(*map(column, _COLUMNS)).select_from(sql_table(staged))
            .where(true()), add=True)
    session.execute(text(f"DROP TABLE {staged}"))


def cells_of_rows(session: Session, *, organisation_id: int,
                  signal_ids: Collection[int]) -> set[Cell]:
    """The cells these signals (the organisation's own rows) count in, as stored now (before an
    update or a delete)."""
    signal, person = tables.Signal, tables.Person
    week = week_of(_dialect(session), signal.observed_at)
    team_id = case((signal.subject_type == SubjectType.PERSON.value, person.team_id),
                   else_=signal.subject_id)
    found: set[Cell] = set()
    ids = sorted(signal_ids)
    for start in range(0, len(ids), _CHUNK):
        query = (select(signal.metric, team_id, week).distinct()
                 .outerjoin(person, and_(signal.subject_type == SubjectType.PERSON.value,
                                         person.id == signal.subject_id))
                 # ids alone: with the organisation's columns too, SQLite walks an index of
                 # them instead of looking each id up
                 .where(signal.id.in_(ids[start:start + _CHUNK])))
        found.update((metric, team, int(number)) for metric, team, number in
                     session.execute(query) if team is not None)
    return found


def recompute_cells(session: Session, *, organisation_id: int, cells: Iterable[Cell]) -> None:
    """Recompute these cells from the signals. Per metric, every cell of its teams between its
    first and last week is recomputed: a few more than asked for, all exact; from
    `_EVERY_TEAM_FROM` teams sharing those weeks, every team's cells of them, in one pass."""
    spans: dict[str, dict[int, tuple[int, int]]] = {}
    for metric, team_id, week in cells:
        low, high = spans.setdefault(metric, {}).get(team_id, (week, week))
        spans[metric][team_id] = (min(low, week), max(high, week))
    for metric, teams in sorted(spans.items()):
        by_window: dict[tuple[int, int], list[int]] = {}
        for team_id, window in teams.items():
            by_window.setdefault(window, []).append(team_id)
        # teams sharing a window go together (an import usually covers the same weeks); many
        # teams: every team's cells of the window (a re-import changing values everywhere)
        for (first, last), team_ids in sorted(by_window.items()):
            if len(team_ids) >= _EVERY_TEAM_FROM:
                _recompute_every_team(session, organisation_id=organisation_id, metric=metric,
                                      weeks=(first, last + 1))
                continue
            _recompute(session, organisation_id=organisation_id, metric=metric,
                       team_ids=sorted(team_ids), weeks=(first, last + 1))


def recompute_teams(session: Session, *, organisation_id: int,
                    team_ids: Collection[int]) -> None:
    """Recompute every cell of these teams (people moved between them)."""
    _recompute(session, organisation_id=organisation_id, metric=None,
               team_ids=sorted(team_ids), weeks=None)


def _recompute(session: Session, *, organisation_id: int, metric: str | None,
               team_ids: Sequence[int], weeks: tuple[int, int] | None) -> None:
    table, signal, person = tables.TeamWeek, tables.Signal, tables.Person
    for start in range(0, len(team_ids), _CHUNK):
        chunk = list(team_ids[start:start + _CHUNK])
        stale = [table.organisation_id == organisation_id, table.team_id.in_(chunk)]
        rows: list[Any] = []
        if metric is not None:
            stale.append(table.metric == metric)
            rows.append(signal.metric == metric)
        if weeks is not None:
            stale += [table.week >= weeks[0], table.week < weeks[1]]
            rows += [signal.observed_at >= week_time(weeks[0]),
                     signal.observed_at < week_time(weeks[1])]
        session.execute(delete(table).where(*stale))
        _insert(session, _aggregate(session, organisation_id=organisation_id, rows=rows,
                                    people=[person.team_id.in_(chunk)],
                                    teams=[signal.subject_id.in_(chunk)]), add=False)


def _recompute_every_team(session: Session, *, organisation_id: int, metric: str,
                          weeks: tuple[int, int]) -> None:
    """Recompute every team's cells of `metric` in `weeks` (first, last + 1)."""
    table, signal = tables.TeamWeek, tables.Signal
    session.execute(delete(table).where(
        table.organisation_id == organisation_id, table.metric == metric,
        table.week >= weeks[0], table.week < weeks[1]))
    _insert(session, _aggregate(session, organisation_id=organisation_id, rows=[
        signal.metric == metric, signal.observed_at >= week_time(weeks[0]),
        signal.observed_at < week_time(weeks[1])]), add=False)


def rebuild_team_weeks(session: Session, *, organisation_id: int) -> None:
    """Recompute the organisation's whole summary from its signals."""
    table = tables.TeamWeek
    session.execute(delete(table).where(table.organisation_id == organisation_id))
    _insert(session, _aggregate(session, organisation_id=organisation_id), add=False)


class TeamWeekChanges:
    """What one signals write does to the summary: made before the write starts, told of the
    new rows as each batch of them is written (`added`), of stored rows
    about to be overwritten (`replacing`, before the UPDATE), and finished once every row is
    written (`written`), in the same transaction."""

    def __init__(self, session: Session, *, organisation_id: int) -> None:
        self._session = session
        self._organisation_id = organisation_id
        self._new = NewRowSums(session.connection().connection.driver_connection,
                               organisation_id=organisation_id, dialect=_dialect(session))
        self._stale: set[Cell] = set()
        self._replaced: list[int] = []

    def added(self, columns: Sequence[Sequence[Any]]) -> None:
        """New rows just written, as columns of their stored values: summed by cell here."""
        self._new.add(columns)

    def replacing(self, signal_ids: Sequence[int]) -> None:
        """Stored rows about to get new values: their cells as they stand now."""
        self._stale |= cells_of_rows(self._session, organisation_id=self._organisation_id,
                                     signal_ids=signal_ids)
        self._replaced.extend(signal_ids)

    def written(self) -> None:
        """Add the new rows' sums to their cells and recompute the cells updated rows left or
        entered."""
        add_cells(self._session, organisation_id=self._organisation_id, cells=self._new.cells)
        self._new.clear()
        stale = self._stale | cells_of_rows(self._session, organisation_id=self._organisation_id,
                                            signal_ids=self._replaced)
        if stale:
            recompute_cells(self._session, organisation_id=self._organisation_id, cells=stale)
        self._stale, self._replaced = set(), []


def people_teams(session: Session, *, organisation_id: int) -> dict[int, int]:
    """Person id → team id, taken before people may move; empty when the summary holds no
    person rows for the organisation (nothing to keep up to date)."""
    summary, person = tables.TeamWeek, tables.Person
    if session.scalar(select(summary.team_id).where(
            summary.organisation_id == organisation_id,
            summary.subject_type == SubjectType.PERSON.value).limit(1)) is None:
        return {}
    return dict(session.execute(select(person.id, person.team_id).where(
        person.organisation_id == organisation_id)).all())


def follow_moves(session: Session, *, organisation_id: int, before: dict[int, int]) -> None:
    """Recompute the teams people left or joined since `before` (from `people_teams`): a
    person's rows count in the team they are in now."""
    if not before:
        return
    person = tables.Person
    moved: set[int] = set()
    for person_id, team_id in session.execute(select(person.id, person.team_id).where(
            person.organisation_id == organisation_id)):
        old = before.get(person_id)
        if old is not None and old != team_id:
            moved |= {old, team_id}
    if moved:
        recompute_teams(session, organisation_id=organisation_id, team_ids=moved)
