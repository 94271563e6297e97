"""Signals and skill evidence keep organisation_id without a foreign key (bulk import speed).

A foreign key costs PostgreSQL one trigger call per inserted row, over a third of a signals
import; organisations are never deleted, and rows are only written for an organisation in hand.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 07:05:00
"""

from __future__ import annotations

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_TABLES = ('signals', 'skill_evidence')


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_organisation_id_organisations',
                                     type_='foreignkey')


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(f'fk_{table}_organisation_id_organisations',
                                        'organisations', ['organisation_id'], ['id'],
                                        ondelete='CASCADE')
