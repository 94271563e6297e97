"""The sensing calendar: weeks numbered from a fixed Monday, so every series shares one grid.

A week runs Monday 00:00 UTC to the next Monday; week 0 starts on Monday 5 January 1970.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

__all__ = ["EPOCH_MONDAY", "complete_weeks_before", "week_number", "week_start", "week_time"]

EPOCH_MONDAY = date(1970, 1, 5)


def week_number(moment: date | datetime) -> int:
    """The week holding `moment` (a datetime is taken in UTC)."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC).date() if moment.tzinfo else moment.date()
    return (moment - EPOCH_MONDAY).days // 7


def week_start(number: int) -> date:
    return EPOCH_MONDAY + timedelta(weeks=number)


def week_time(number: int) -> datetime:
    """The first instant of week `number`, in UTC."""
    day = week_start(number)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def complete_weeks_before(now: datetime) -> int:
    """The first week not yet over at `now`: weeks before it are complete."""
    return week_number(now)
