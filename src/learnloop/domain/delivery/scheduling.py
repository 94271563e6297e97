"""When each person of a plan is sent their nudges: quiet hours in their own time zone, and at
most N nudges in any seven days (counting what they were already sent).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from learnloop.errors import InputError

__all__ = ["QuietHours", "ScheduledSend", "next_allowed", "schedule_person"]

WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From `start` to `end` o'clock (local) nothing is sent; start > end wraps past midnight."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        found = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", text or "")
        if not found or not all(0 <= int(hour) <= 24 for hour in found.groups()):
            raise InputError(f"quiet hours {text!r}: expected HH-HH, e.g. 20-08")
        return cls(int(found.group(1)) % 24, int(found.group(2)) % 24)

    def contains(self, local: datetime) -> bool:
        if self.start == self.end:
            return False
        hour = local.hour + local.minute / 60
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_allowed(at: datetime, *, time_zone: str, quiet: QuietHours) -> datetime:
    """`at`, or the end of the quiet hours it falls in (in the person's zone), in UTC's zone."""
    zone = _zone(time_zone)
    local = at.astimezone(zone)
    if not quiet.contains(local):
        return at
    end = datetime.combine(local.date(), time(quiet.end), tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), time(quiet.end), tzinfo=zone)
    return end.astimezone(at.tzinfo)


@dataclass(frozen=True, slots=True)
class ScheduledSend:
    step: int
    send_at: datetime


def schedule_person(steps: int, *, start: datetime, spacing: timedelta, time_zone: str,
                    quiet: QuietHours, weekly_cap: int,
                    already_sent: Sequence[datetime] = ()) -> list[ScheduledSend]:
    """Send times for `steps` nudges, `spacing` apart from `start`, each moved out of quiet hours
    and later still when it would be the (cap+1)th nudge in seven days."""
    if weekly_cap <= 0:
        return []
    sent = sorted(already_sent)
    out: list[ScheduledSend] = []
    at = start
    for step in range(steps):
        at = next_allowed(at, time_zone=time_zone, quiet=quiet)
        while True:
            window = [when for when in sent if at - WEEK < when <= at]
            if len(window) < weekly_cap:
                break
            at = next_allowed(window[0] + WEEK + timedelta(minutes=1), time_zone=time_zone,
                              quiet=quiet)
        out.append(ScheduledSend(step, at))
        sent = sorted([*sent, at])
        at = at + spacing
    return out
