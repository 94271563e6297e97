"""L&D steering the needs: moving a need through its lifecycle and editing priorities and weights,
each change an event (who, when, old and new values), the queue re-ranked at once.

Used by the CLI (`learnloop needs status`, `learnloop priorities set`), the API and the console;
it takes the caller's transaction and never commits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from learnloop.domain.events import Event, utcnow
from learnloop.domain.needs import Need, NeedEvent, NeedStatus
from learnloop.domain.needs_lifecycle import as_changed, basis_of, status_problem
from learnloop.domain.needs_ranking import rank_needs
from learnloop.domain.objectives import Objective
from learnloop.errors import InputError, NotFoundError, Problem
from learnloop.store import Session
from learnloop.store.catalogue import objective_list
from learnloop.store.event_log import EventLog
from learnloop.store.needs import need, needs, save_needs, set_status
from learnloop.store.objectives import set_objective_priority

__all__ = ["change_need_status", "change_priority", "history_json", "parse_status",
           "priority_history", "priority_json", "rerank"]

_REASON_LIMIT = 2000
# the words for two statuses, accepted as typed (stored and shown as the status itself)
_STATUS_WORDS = {"addressed": NeedStatus.IN_PROGRESS, "closed": NeedStatus.RESOLVED}


def _reason_problem(reason: str) -> Problem | None:
    if len(reason) > _REASON_LIMIT:
        return Problem(f"at most {_REASON_LIMIT} characters", field="reason")
    if "\x00" in reason:  # no database text holds one (PostgreSQL refuses it)
        return Problem("holds a NUL character, which text cannot hold", field="reason")
    return None


def parse_status(value: str) -> NeedStatus:
    """A status as typed ("addressed" and "closed" too); an InputError listing them otherwise."""
    try:
        return _STATUS_WORDS.get(value.strip().lower()) or NeedStatus(value.strip().lower())
    except ValueError:
        allowed = ", ".join([s.value for s in NeedStatus] + list(_STATUS_WORDS))
        raise InputError(f"unknown status {value!r}", [Problem(
            f"status must be one of {allowed}", field="status")]) from None


def change_need_status(session: Session, *, organisation_id: int, need_id: int, status: str,
                       reason: str, actor: str, now: datetime | None = None) -> Need:
    """Move one need (a dismissal needs a reason); records `need.status_changed`."""
    wanted = parse_status(status)
    problem = _reason_problem(reason)
    if problem is not None:
        raise InputError("reason not accepted", [problem])
    current = need(session, organisation_id=organisation_id, need_id=need_id)
    if wanted == current.status and reason.strip() == current.status_reason:
        return current  # a retried request: nothing changes, nothing is recorded twice
    problem = status_problem(current.status, wanted, reason)
    if problem is not None:
        raise InputError(f"need {need_id} cannot become {wanted.value}",
                         [Problem(problem, field="status")])
    at = now or utcnow()
    set_status(session, organisation_id=organisation_id, need_id=need_id,
                status=wanted, reason=reason.strip(), basis=basis_of(current), at=at)
    EventLog(session, organisation_id).append(Event(
        kind=NeedEvent.STATUS_CHANGED, actor=actor, subject_type="need", subject_id=str(need_id),
        occurred_at=at, payload={"need": need_id, "key": current.key, "title": current.title,
                                 "from": current.status.value, "to": wanted.value,
                                 "reason": reason.strip()}))
    rerank(session, organisation_id=organisation_id, now=at)
    return need(session, organisation_id=organisation_id, need_id=need_id)


def rerank(session: Session, *, organisation_id: int,
           now: datetime | None = None) -> list[Need]:
    """Re-weigh and re-rank the stored needs by the current priorities (no new evidence read);
    a need that moves is written with `updated_at` `now`, the others are left alone."""
    objectives = objective_list(session, organisation_id=organisation_id)
    stored = needs(session, organisation_id=organisation_id)
    at = now or utcnow()
    ranked = as_changed(stored, [replace(n, updated_at=at)
                                 for n in rank_needs(stored, objectives)])
    return save_needs(session, organisation_id=organisation_id, needs=ranked, stored=stored)


def change_priority(session: Session, *, organisation_id: int, objective_key: str,
                    priority: bool | None = None, weight: float | None = None,
                    reason: str | None = None, actor: str) -> Objective:
    """Edit an objective's priority flag, weight or reason; records
    `objective.priority_changed` with the old and new values and re-ranks the needs."""
    problems = []
    if weight is not None and not 0.0 <= weight <= 1.0:
        problems.append(Problem("weight must be between 0 and 1", field="weight"))
    if reason is not None and (problem := _reason_problem(reason)) is not None:
        problems.append(problem)
    if priority is None and weight is None and reason is None:
        problems.append(Problem("name a priority, a weight or a reason to change"))
    if problems:
        raise InputError(f"cannot change the priority of {objective_key!r}", problems)
    before = {o.key: o for o in objective_list(session, organisation_id=organisation_id)}
    if objective_key not in before:
        raise NotFoundError(f"no objective {objective_key!r}")
    old = before[objective_key]
    # a priority with no weight would never rank anything; a non-priority carries weight 0
    new_priority = old.priority if priority is None else priority
    new_weight = (0.0 if not new_priority else old.weight) if weight is None else weight
    if not new_priority:
        new_weight = 0.0
    elif new_weight <= 0.0:
        raise InputError(f"cannot change the priority of {objective_key!r}", [Problem(
            "a priority needs a weight above 0", field="weight")])
    new_reason = old.reason if reason is None else reason.strip()
    if (new_priority, new_weight, new_reason) == (old.priority, old.weight, old.reason):
        return old  # a retried edit: nothing changes, nothing is recorded twice
    changed = set_objective_priority(session, organisation_id=organisation_id,
                                     objective_key=objective_key, priority=new_priority,
                                     weight=new_weight, reason=new_reason)
    EventLog(session, organisation_id).append(Event(
        kind=NeedEvent.PRIORITY_CHANGED, actor=actor, subject_type="objective",
        subject_id=objective_key, payload={
            "objective": objective_key, "title": old.title,
            "old": {"priority": old.priority, "weight": old.weight, "reason": old.reason},
            "new": {"priority": new_priority, "weight": new_weight, "reason": new_reason}}))
    rerank(session, organisation_id=organisation_id)
    return changed


def priority_history(session: Session, *, organisation_id: int,
                     objective_key: str | None = None, limit: int = 200) -> list[Event]:
    """Every priority edit (or one objective's), newest first: who changed what, and when."""
    log = EventLog(session, organisation_id)
    if objective_key is not None and "\x00" in objective_key:
        return []  # no key holds one, and PostgreSQL would refuse to compare it
    if objective_key is not None:
        return list(reversed(log.about("objective", objective_key,
                                       kinds=[NeedEvent.PRIORITY_CHANGED])))[:limit]
    return log.recent(limit=limit, kinds=[NeedEvent.PRIORITY_CHANGED])


def priority_json(objective: Objective) -> dict[str, Any]:
    """An objective as the priorities list shows it (CLI `--json` and the API)."""
    return {"objective": objective.key, "title": objective.title,
            "priority": objective.priority, "weight": objective.weight,
            "reason": objective.reason, "owner": objective.owner,
            "skills": list(objective.skill_keys), "teams": list(objective.team_keys),
            "kpis": [kpi.metric for kpi in objective.kpis]}


def history_json(event: Event) -> dict[str, Any]:
    """One priority edit: who, when, which objective, the old and the new values."""
    return {"event": event.id, "at": event.occurred_at.isoformat() if event.occurred_at else None,
            "actor": event.actor, "objective": event.payload.get("objective"),
            "title": event.payload.get("title"), "old": event.payload.get("old", {}),
            "new": event.payload.get("new", {})}
