"""Pulling statements from an external LRS (`since` + `more`) into learnloop's, through the
same writer as every other statement: ids make a second pull of the same page a no-op."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from learnloop.store import Session
from learnloop.xapi.remote import RemoteLrs
from learnloop.xapi.statements import record_statements

__all__ = ["PullReport", "pull_statements", "puller_authority"]

PAGE = 500


@dataclass(frozen=True, slots=True)
class PullReport:
    statements: int
    pages: int


def puller_authority(endpoint: str) -> dict[str, Any]:
    """Who vouches for pulled statements in learnloop's LRS: the pull from that endpoint."""
    return {"objectType": "Agent", "name": "learnloop pull",
            "account": {"homePage": endpoint, "name": "learnloop-pull"}}


def pull_statements(session: Session, *, organisation_id: int, remote: RemoteLrs,
                    since: str | None, page_size: int = PAGE) -> PullReport:
    """Every statement the external LRS stored after `since`, recorded in the caller's
    transaction; a statement learnloop holds already is left as it is."""
    count = pages = 0
    for page in remote.pages(since=since, limit=page_size):
        pages += 1
        if page:
            count += len(record_statements(session, organisation_id=organisation_id,
                                           statements=page,
                                           authority=puller_authority(remote.endpoint)))
    return PullReport(statements=count, pages=pages)
