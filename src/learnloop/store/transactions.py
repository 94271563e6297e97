"""Work to do once the caller's transaction commits (hand a job to the queue): a job that ran
before the commit would not see the rows it is about; one after a rollback would have none."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["after_commit"]


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Call `callback` once the session's outermost transaction commits. After a rollback it
    may still run at a later commit of the same session: callbacks find their rows or do nothing.
    """

    def committed(_session: Session) -> None:
        callback()

    event.listen(session, "after_commit", committed, once=True)
