"""The team-week cells a signals write's new rows add to, summed in memory as the rows are written.

The writer hands over each batch's new rows as the columns of values it already holds, so the
database is spared reading back and grouping every row an import has just written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from learnloop.domain.sensing.weeks import EPOCH_MONDAY
from learnloop.domain.signals import SubjectType

__all__ = ["CellKey", "NewRowSums", "Sums"]

CellKey = tuple[str, int, str, int]  # metric, team id, subject type, week (team_weeks' key)
Sums = list[Any]  # weighted, weight, volume (None: no row gave one), row count
_EPOCH = datetime(EPOCH_MONDAY.year, EPOCH_MONDAY.month, EPOCH_MONDAY.day)
_WEEK = timedelta(weeks=1)
_PERSON, _TEAM = SubjectType.PERSON.value, SubjectType.TEAM.value
# person ids new to a batch from which the organisation's people are read at once, not by id
_EVERYONE_FROM = 1000
_CHUNK = 500  # ids per IN list
_REMEMBERED = 65_536  # distinct times whose week is kept
# bits of a cell's number per code, metric first: 63 bits, the most of one int64
_BITS = (16, 3, 25, 19)


class NewRowSums:
    """Sums of the new signal rows of one write, by team-week cell, as `team_weeks` sums stored
    rows: person rows in their person's team (people are looked
    up once, by the driver connection given), team rows in their own, organisation rows in none.

    `add` may run while the stream's writer thread uses the Session's connection, so it reads
    people on the driver connection itself (psycopg takes turns); the week of a time follows the
    database's own arithmetic (`team_weeks.week_of`): SQLite's truncates towards zero.
    """

    def __init__(self, connection: Any, *, organisation_id: int, dialect: str) -> None:
        self._connection = connection
        self._organisation_id = organisation_id
        self._mark = "?" if dialect == "sqlite" else "%s"
        self._weeks = _Weeks(_week_truncated if dialect == "sqlite" else _week_floored)
        self._team_of: dict[int, int] = {}
        self._everyone = False
        # metric, subject type, team and week, each value → its code (see `_cell_numbers`)
        self._codes = (_Codes(), _Codes(), _Codes(), _Codes())
        self._index: dict[int, int] = {}  # cell (as a number) → its place in the sums below
        self._keys: list[CellKey] = []  # each place's cell
        # per cell: weighted, weight, sum of the volumes given, volumes given, rows
        self._sums = np.zeros((5, 1024))

    def add(self, columns: Sequence[Sequence[Any]]) -> None:
        """New rows given as columns of stored values (metric, subject_type, subject_id,
        observed_at, value, source, volume)."""
        metrics, kinds, ids, times, values, _sources, volumes = columns
        if not metrics:
            return
        count = len(metrics)
        teams = self._teams(kinds, ids)
        weeks = list(map(self._weeks.__getitem__, times))
        # each row's cell as one integer of its four values' codes, read in C: no tuple per row
        cells = self._cell_numbers(count, (metrics, kinds, teams, weeks))
        index = self._index
        places = list(map(index.get, cells))
        if None in places:  # cells new to this write: a few batches' worth
            keys = self._keys
            for at in [at for at, place in enumerate(places) if place is None]:
                place = index.get(cells[at])
                if place is None:
                    place = index[cells[at]] = len(keys)
                    keys.append((metrics[at], teams[at], kinds[at], weeks[at]))
                places[at] = place
        size = len(index)
        if size > self._sums.shape[1]:
            grown = np.zeros((5, max(size, 2 * self._sums.shape[1])))
            grown[:, :self._sums.shape[1]] = self._sums
            self._sums = grown
        codes = np.fromiter(places, dtype=np.intp, count=count)
        sums = self._sums[:, :size]
        numbers = np.asarray(values, dtype=float)
        counts = np.bincount(codes, minlength=size)
        sums[4] += counts
        if volumes.count(None) == count:
            sums[0] += np.bincount(codes, weights=numbers, minlength=size)
            sums[1] += counts
            return
        weight = np.array([1.0 if volume is None else volume for volume in volumes])
        sums[0] += np.bincount(codes, weights=numbers * weight, minlength=size)
        sums[1] += np.bincount(codes, weights=weight, minlength=size)
        sums[2] += np.bincount(codes, weights=[volume or 0.0 for volume in volumes],
                               minlength=size)
        sums[3] += np.bincount(codes, weights=[volume is not None for volume in volumes],
                               minlength=size)

    def _cell_numbers(self, count: int, columns: Sequence[Sequence[Any]]) -> list[int]:
        """Each row's (metric, subject type, team, week) as one number: the four values' codes
        side by side in one integer's bits (Python's own integers should a code outgrow its
        bits: a million metrics, say)."""
        coded = [np.fromiter(map(codes.__getitem__, column), dtype=np.int64, count=count)
                 for codes, column in zip(self._codes, columns, strict=True)]
        wide = any(len(codes) >> bits for codes, bits in zip(self._codes, _BITS, strict=True))
        number = coded[0].astype(object) if wide else coded[0]
        for part, bits in zip(coded[1:], _BITS[1:], strict=True):
            number = (number << bits) | (part.astype(object) if wide else part)
        return number.tolist()

    def clear(self) -> None:
        """Forget the sums (once added to their cells)."""
        self._index, self._keys = {}, []
        self._sums = np.zeros((5, 1024))

    @property
    def cells(self) -> dict[CellKey, Sums]:
        """Each cell's sums so far: weighted, weight, volume (None: no row gave one), rows."""
        weighted, weight, volume, given, rows = self._sums[:, :len(self._keys)].tolist()
        return {key: [weighted[at], weight[at], volume[at] if given[at] else None, int(rows[at])]
                for at, key in enumerate(self._keys)
                if key[1] is not None}  # the organisation's own rows, or a person gone

    def _teams(self, kinds: Sequence[str], ids: Sequence[int | None]) -> list[int | None]:
        """Each row's team: its person's, or the team itself; None for the organisation."""
        if kinds.count(_PERSON) == len(kinds):
            self._know(ids)
            return list(map(self._team_of.get, ids))
        self._know([subject for kind, subject in zip(kinds, ids, strict=True) if kind == _PERSON])
        return [self._team_of.get(subject) if kind == _PERSON else
                subject if kind == _TEAM else None
                for kind, subject in zip(kinds, ids, strict=True)]

    def _know(self, person_ids: Iterable[int | None]) -> None:
        if self._everyone:
            return
        missing = sorted(set(person_ids) - self._team_of.keys() - {None})
        if not missing:
            return
        query = f"SELECT id, team_id FROM people WHERE organisation_id = {self._mark}"
        with closing(self._connection.cursor()) as cursor:
            if len(missing) >= _EVERYONE_FROM:
                cursor.execute(query, (self._organisation_id,))
                self._team_of = dict(cursor.fetchall())
                self._everyone = True
                return
            for start in range(0, len(missing), _CHUNK):
                chunk = missing[start:start + _CHUNK]
                cursor.execute(f"{query} AND id IN ({', '.join([self._mark] * len(chunk))})",
                               (self._organisation_id, *chunk))
                self._team_of.update(cursor.fetchall())


class _Codes(dict):
    """Each value met → a small number, in the order met; read in C by `map(codes.__getitem__,
    …)`."""

    def __missing__(self, value: Any) -> int:
        code = self[value] = len(self)
        return code


class _Weeks(dict):
    """Time as bound (a datetime, or on SQLite the text it stores) → its week, each worked out
    once and read in C by `map(weeks.__getitem__, …)`: a file repeats the same times."""

    def __init__(self, week: Callable[[datetime], int]) -> None:
        super().__init__()
        self._week = week

    def __missing__(self, moment: datetime | str) -> int:
        if len(self) >= _REMEMBERED:
            self.clear()
        when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
        week = self[moment] = self._week(when.replace(tzinfo=None))
        return week


def _week_floored(moment: datetime) -> int:
    return (moment - _EPOCH) // _WEEK


def _week_truncated(moment: datetime) -> int:
    return int((moment - _EPOCH) / _WEEK)

