"""Sensing as signals arrive: the team series a webhook call wrote to are evaluated at once
against their stored state, in the caller's transaction, without the rest of the organisation.

What this raises is what the next full run would have raised: the same detector, state and
weeks (`sense(only=...)`); a week is evaluated once it is over, whichever path gets there first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from learnloop.agents.sensing import SensingRun, sense, sensing_settings
from learnloop.domain.events import EventKind
from learnloop.store import Session
from learnloop.store.event_log import EventLog
from learnloop.store.sensing import arriving_series

__all__ = ["ACTOR", "sense_arrivals", "signal_subjects"]

ACTOR = "agent:sensing"
_log = logging.getLogger(__name__)


def signal_subjects(signals: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """(metric, subject_type, subject key) of signals in the documented JSON format (a webhook
    batch, already checked by the import)."""
    return [(str(s.get("metric")), str(s.get("subject_type")), str(s.get("subject")))
            for s in signals]


def sense_arrivals(session: Session, *, organisation_id: int,
                   subjects: Iterable[tuple[str, str, str]], now: datetime,
                   options: Mapping[str, Any]) -> SensingRun:
    """Evaluate the series `subjects` (metric, subject_type, subject key) count in, each against
    its stored state, with the sensing agent's `options`; detections are stored and logged as
    the agent's. In a savepoint: a failure is logged as `agent.failed` and undone alone, so the
    signals the caller wrote stand."""
    series = arriving_series(session, organisation_id=organisation_id, subjects=subjects)
    if not series:
        return SensingRun()
    events = EventLog(session, organisation_id)
    savepoint = session.begin_nested()
    try:
        run = sense(session, organisation_id=organisation_id, now=now,
                    settings=sensing_settings(options), events=events, actor=ACTOR,
                    only=series)
        savepoint.commit()
    except Exception as error:  # noqa: BLE001 - the arriving signals must not be lost
        if savepoint.is_active:
            savepoint.rollback()
        _log.exception("sensing the arriving signals failed")
        events.record(EventKind.AGENT_FAILED, actor=ACTOR,
                      payload={"error": f"{type(error).__name__}: {error}",
                               "series": {m: sorted(t) for m, t in sorted(series.items())}})
        return SensingRun()
    return run
