"""Sensing as signals arrive: the team series a webhook call or a signals file import wrote to
are evaluated at once against their stored state, in the caller's transaction, without the rest
of the organisation.

What this raises is what the next full run would have raised: the same detector, state and
weeks (`sense(only=...)`); a week is evaluated once it is over, whichever path gets there first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from learnloop.agents.registry import agent_options
from learnloop.agents.sensing import SensingRun, sense, sensing_settings
from learnloop.config import Settings
from learnloop.domain.events import EventKind, utcnow
from learnloop.store import Session
from learnloop.store.event_log import EventLog
from learnloop.store.sensing import arriving_series, imported_series, newest_signal_id

__all__ = ["ACTOR", "sense_after_import", "sense_arrivals", "sense_imported", "signal_subjects"]

ACTOR = "agent:sensing"
_log = logging.getLogger(__name__)
R = TypeVar("R")


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
    return _sense_series(session, organisation_id=organisation_id, series=series, now=now,
                         options=options)


def sense_imported(session: Session, *, organisation_id: int, after_id: int, now: datetime,
                   options: Mapping[str, Any], max_series: int) -> SensingRun | None:
    """After a signals file import: the team series its new rows (ids after `after_id`, from
    `newest_signal_id` before the import) count in, as `sense_arrivals` does; None, sensing
    nothing, when they are more than `max_series` (the next loop run senses them)."""
    if max_series <= 0:
        return None
    series = imported_series(session, organisation_id=organisation_id, after_id=after_id)
    if sum(len(teams) for teams in series.values()) > max_series:
        return None
    return _sense_series(session, organisation_id=organisation_id, series=series, now=now,
                         options=options)


def sense_after_import(session: Session, *, organisation_id: int, kind: str, dry_run: bool,
                       run: Callable[[], R], settings: Settings) -> tuple[R, SensingRun | None]:
    """`run()` (an import of `kind`, in the caller's transaction) and, for a signals import that
    wrote, `sense_imported` over its new rows with the deployment's sensing options and
    LEARNLOOP_SENSING_ON_IMPORT_MAX_SERIES: (the import's result, what sensing raised or None
    when nothing was sensed)."""
    max_series = settings.sensing_on_import_max_series
    if kind != "signals" or dry_run or max_series <= 0:
        return run(), None
    after_id = newest_signal_id(session)
    result = run()
    return result, sense_imported(session, organisation_id=organisation_id, after_id=after_id,
                                  now=utcnow(), options=agent_options(settings)["sensing"],
                                  max_series=max_series)


def _sense_series(session: Session, *, organisation_id: int, series: dict[str, set[str]],
                  now: datetime, options: Mapping[str, Any]) -> SensingRun:
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
