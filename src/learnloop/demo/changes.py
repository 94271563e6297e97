"""The demo company's change log: support-na's routing change plus harmless changes and outages.

Each entry has the id a change calendar or incident list would give it; dates follow the timeline.
"""

from __future__ import annotations

from datetime import timedelta

from learnloop.demo.people import PROCESS_CHANGE_TEAM
from learnloop.demo.timeline import PROCESS_CHANGE_WEEK, week_start
from learnloop.domain.sensing.series import ChangeEntry, ChangeKind

__all__ = ["ROUTING_CHANGE_ID", "generate_changes"]

ROUTING_CHANGE_ID = "CHG-0412"


def _entry(kind: ChangeKind, week: int, *, team: str | None, description: str,
           days: int = 1, weekday: int = 0) -> ChangeEntry:
    starts = week_start(week) + timedelta(days=weekday)
    return ChangeEntry(kind=kind, starts=starts, ends=starts + timedelta(days=days - 1),
                       team=team, description=description)


def generate_changes() -> tuple[tuple[str, ChangeEntry], ...]:
    """(id, entry) pairs, oldest first: the one that moved a KPI and several that did not."""
    return (
        ("HOL-0217", _entry(ChangeKind.HOLIDAY, 6, team=PROCESS_CHANGE_TEAM,
                            description="Presidents' Day: North American offices closed")),
        ("CHG-0305", _entry(ChangeKind.PROCESS_CHANGE, 8, team="ops-carriers", weekday=2,
                            description="New carrier scorecard template in the monthly review")),
        ("INC-0311", _entry(ChangeKind.SYSTEM_OUTAGE, 9, team=None, weekday=1,
                            description="Tidewell Desk read-only for four hours (database "
                                        "failover)")),
        ("CHG-0324", _entry(ChangeKind.PROCESS_CHANGE, 11, team="finance",
                            description="Invoice approvals move to a two-step workflow")),
        (ROUTING_CHANGE_ID, _entry(
            ChangeKind.PROCESS_CHANGE, PROCESS_CHANGE_WEEK, team=PROCESS_CHANGE_TEAM,
            description="Skills-based ticket routing goes live in Tidewell Desk: phone and chat "
                        "queues interleaved")),
        ("REL-0428", _entry(ChangeKind.SYSTEM_CHANGE, 16, team="eng-tracking", weekday=1,
                            description="Tracking app release train moves to a new CI runner")),
        ("INC-0603", _entry(ChangeKind.SYSTEM_OUTAGE, 22, team="ops-freight", weekday=1,
                            days=2, description="Carrier EDI feed delayed for two days")),
    )
