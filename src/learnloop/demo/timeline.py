"""The demo's calendar: 26 weekly periods ending on a fixed Monday, and what happened when.

Fixed dates (never today's) keep the demo identical on every machine and every day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

__all__ = [
    "DIP_SIZE",
    "DIP_WEEK",
    "LAST_WEEK",
    "PROCESS_CHANGE_SIZE",
    "PROCESS_CHANGE_WEEK",
    "PULSE_PERIODS",
    "WEEKS",
    "week_start",
    "week_timestamp",
]

WEEKS = 26
LAST_WEEK = date(2025, 6, 30)  # the Monday that starts the newest week of data

# The injected stories: ColdChain reaches EMEA and support-emea's first-contact resolution falls
# from week 18; new ticket routing goes live for support-na in week 14 and handle time rises.
DIP_WEEK = 18
DIP_SIZE = 0.12
PROCESS_CHANGE_WEEK = 14
PROCESS_CHANGE_SIZE = 0.18

# Quarterly pulse survey: one before both changes, one after.
PULSE_PERIODS: tuple[date, ...] = (date(2025, 3, 31), date(2025, 6, 30))


def week_start(index: int) -> date:
    """The Monday that starts week `index` (0 = oldest, WEEKS - 1 = LAST_WEEK)."""
    return LAST_WEEK - timedelta(weeks=WEEKS - 1 - index)


def week_timestamp(index: int) -> datetime:
    start = week_start(index)
    return datetime(start.year, start.month, start.day, tzinfo=UTC)
