"""The needs agent's ranked learning needs, kept across runs with the status L&D set.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('nature', sa.String(length=16), nullable=False),
    sa.Column('skill_key', sa.String(length=128), nullable=True),
    sa.Column('objective_key', sa.String(length=128), nullable=True),
    sa.Column('kpi_metric', sa.String(length=128), nullable=True),
    sa.Column('kpi_direction', sa.String(length=8), nullable=True),
    sa.Column('behaviour_metrics', _json(), nullable=False),
    sa.Column('team_keys', _json(), nullable=False),
    sa.Column('role_keys', _json(), nullable=False),
    sa.Column('person_keys', _json(), nullable=False),
    sa.Column('urgency', sa.Float(), nullable=False),
    sa.Column('risk', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('gap', sa.Float(), nullable=True),
    sa.Column('gap_lower', sa.Float(), nullable=True),
    sa.Column('gap_upper', sa.Float(), nullable=True),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', _json(), nullable=False),
    sa.Column('detection_id', sa.Integer(), nullable=True),
    sa.Column('detected_at', sa.Date(), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_basis', _json(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['detection_id'], ['detections.id'], name=op.f('fk_needs_detection_id_detections'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_needs_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs')),
    sa.UniqueConstraint('organisation_id', 'key', name=op.f('uq_needs_organisation_id'))
    )
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_detection_id'), ['detection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_needs_detection_id'))

    op.drop_table('needs')
