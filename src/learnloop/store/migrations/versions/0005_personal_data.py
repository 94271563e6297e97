"""Personal data: the event log admits one narrow rewrite, the scrub of an erased person.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 03:50:00

The log stays append-only: DELETE is always refused, and an UPDATE passes only while the
updating transaction holds a row in `event_scrub_permits` for the event's organisation, and only
if it leaves id, organisation, kind, time and subject type as they were. `erase_person`
(learnloop.privacy) inserts that row and deletes it again inside the erasure's own transaction,
so no other transaction ever sees it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_REFUSE = "SELECT RAISE(ABORT, 'events are append-only');"

_SQLITE_UPDATE_ALWAYS_REFUSED = (
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
    f"BEGIN {_REFUSE} END"
)
_SQLITE_UPDATE_ONLY_SCRUBS = (
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
    "WHEN NOT EXISTS (SELECT 1 FROM event_scrub_permits "
    "                 WHERE organisation_id = OLD.organisation_id) "
    "OR NEW.id IS NOT OLD.id OR NEW.organisation_id IS NOT OLD.organisation_id "
    "OR NEW.kind IS NOT OLD.kind OR NEW.occurred_at IS NOT OLD.occurred_at "
    "OR NEW.subject_type IS NOT OLD.subject_type "
    f"BEGIN {_REFUSE} END"
)
_POSTGRES_ALWAYS_REFUSED = (
    "CREATE OR REPLACE FUNCTION learnloop_events_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'events are append-only'; END $$"
)
_POSTGRES_ONLY_SCRUBS = """
CREATE OR REPLACE FUNCTION learnloop_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.organisation_id = OLD.organisation_id
       AND NEW.kind = OLD.kind AND NEW.occurred_at = OLD.occurred_at
       AND NEW.subject_type IS NOT DISTINCT FROM OLD.subject_type
       AND EXISTS (SELECT 1 FROM event_scrub_permits
                   WHERE organisation_id = OLD.organisation_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'events are append-only';
END $$
"""


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table('event_scrub_permits',
    sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_event_scrub_permits'))
    )
    if _postgres():
        op.execute(_POSTGRES_ONLY_SCRUBS)
    else:
        op.execute("DROP TRIGGER events_append_only_update")
        op.execute(_SQLITE_UPDATE_ONLY_SCRUBS)


def downgrade() -> None:
    if _postgres():
        op.execute(_POSTGRES_ALWAYS_REFUSED)
    else:
        op.execute("DROP TRIGGER events_append_only_update")
        op.execute(_SQLITE_UPDATE_ALWAYS_REFUSED)
    op.drop_table('event_scrub_permits')
