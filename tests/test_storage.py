"""Storage: migrations build exactly the declared schema, and the event log is append-only."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from learnloop.domain.jobs import JobEventKind
from learnloop.store.event_log import EventLog
from learnloop.store.migrate import current_revision, head_revision, upgrade
from learnloop.store.tables import Base
from learnloop.workspace import Workspace


def test_migrations_build_exactly_the_declared_schema(workspace: Workspace) -> None:
    with workspace.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(workspace.database) == head_revision()


def test_upgrade_twice_is_harmless(workspace: Workspace) -> None:
    assert upgrade(workspace.database) == head_revision()


def test_event_log_reads_back_in_order(workspace: Workspace) -> None:
    with workspace.session() as session:
        log = EventLog(session, workspace.organisation(session).id)
        for number in range(5):
            log.record(
                JobEventKind.COMPLETED, actor="test", payload={"n": number, "nested": {"a": [1]}}
            )
    with workspace.session() as session:
        log = EventLog(session, workspace.organisation(session).id)
        newest = log.recent(limit=3)
        assert [event.payload["n"] for event in newest] == [4, 3, 2]
        assert [e.payload["n"] for e in log.recent(limit=3, before_id=newest[-1].id)] == [1, 0]
        assert [e.payload["n"] for e in log.since(newest[1].id)] == [4]
        assert newest[0].occurred_at.tzinfo is not None
        assert newest[0].payload["nested"] == {"a": [1]}
        assert log.count(JobEventKind.COMPLETED) == 5


@pytest.mark.parametrize("statement", ["UPDATE events SET actor = 'forger'", "DELETE FROM events"])
def test_database_refuses_to_rewrite_the_event_log(workspace: Workspace, statement: str) -> None:
    with workspace.session() as session:
        EventLog(session, workspace.organisation(session).id).record("test.happened", actor="test")
    with pytest.raises(DBAPIError, match="append-only"), workspace.session() as session:
        session.execute(text(statement))
    with workspace.session() as session:
        assert session.execute(text("SELECT actor FROM events")).scalars().all() == ["test"]


def test_events_of_one_organisation_are_invisible_to_another(workspace: Workspace) -> None:
    with workspace.session() as session:
        EventLog(session, workspace.organisation(session, "acme").id).record("x.y", actor="a")
        other = EventLog(session, workspace.organisation(session, "globex").id)
        assert other.recent() == [] and other.count() == 0
