"""Agent cursors: the last event each agent has processed, so agents run incrementally.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent_cursors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('agent', sa.String(length=128), nullable=False),
    sa.Column('last_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_agent_cursors_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_cursors')),
    sa.UniqueConstraint('organisation_id', 'agent', name=op.f('uq_agent_cursors_organisation_id'))
    )


def downgrade() -> None:
    op.drop_table('agent_cursors')
