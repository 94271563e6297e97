"""Replays the sensing agent over past weeks, as if it had run at the end of each one, so L&D can
see what it would have raised when and tune its sensitivity on their own history.

Everything happens in a savepoint rolled back at the end: a backtest stores nothing.
"""

from __future__ import annotations

from datetime import date

from learnloop.agents.sensing import sense
from learnloop.domain.sensing import DetectorSettings
from learnloop.domain.sensing.records import DetectionRecord
from learnloop.domain.sensing.weeks import week_number, week_time
from learnloop.store import Session
from learnloop.store.detections import drop_detections
from learnloop.store.sensing import drop_states

__all__ = ["backtest"]


def backtest(session: Session, *, organisation_id: int, start: date, end: date,
             settings: DetectorSettings | None = None) -> list[DetectionRecord]:
    """The detections a weekly run would have raised for the weeks from `start` to `end`
    (inclusive), each run using only values observed before the end of its week; oldest first.

    Weeks before `start` are replayed too (so baselines form) but what they raise is not listed.
    """
    found: list[DetectionRecord] = []
    savepoint = session.begin_nested()
    try:
        drop_states(session, organisation_id=organisation_id)
        drop_detections(session, organisation_id=organisation_id)
        first, last = week_number(start), week_number(end)
        # the first run covers every week up to `start` at once: the same fold, week by week
        for week in range(first, last + 1):
            run = sense(session, organisation_id=organisation_id, now=week_time(week + 1),
                        settings=settings)
            found.extend(r for r in run.detections if r.detection.detected_at >= start)
    finally:
        savepoint.rollback()
    return found
