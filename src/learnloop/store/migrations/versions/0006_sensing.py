"""Sensing: signal volumes, the change log, detections and the detector's per-series state;
an index on (organisation, metric, time) so the agent reads a metric's newest weeks alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _org(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                   name=op.f(f'fk_{table}_organisation_id_organisations'),
                                   ondelete='CASCADE')


def upgrade() -> None:
    with op.batch_alter_table('signals') as batch:
        batch.add_column(sa.Column('volume', sa.Float(), nullable=True))
    op.create_index('ix_signals_metric_time', 'signals',
                    ['organisation_id', 'metric', 'observed_at'])
    op.create_table('changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('starts', sa.Date(), nullable=False),
    sa.Column('ends', sa.Date(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    _org('changes'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_changes_team_id_teams'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_changes')),
    sa.UniqueConstraint('organisation_id', 'key', name=op.f('uq_changes_organisation_id'))
    )
    op.create_index(op.f('ix_changes_organisation_id'), 'changes', ['organisation_id'])
    op.create_index(op.f('ix_changes_team_id'), 'changes', ['team_id'])
    op.create_table('detections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_key', sa.String(length=128), nullable=False),
    sa.Column('metric', sa.String(length=128), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('change_start', sa.Date(), nullable=False),
    sa.Column('detected_at', sa.Date(), nullable=False),
    sa.Column('effect', sa.Float(), nullable=False),
    sa.Column('effect_sd', sa.Float(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('cause', sa.String(length=16), nullable=False),
    sa.Column('skill', sa.String(length=128), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _org('detections'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_detections')),
    sa.UniqueConstraint('organisation_id', 'subject_type', 'subject_key', 'metric',
                        'change_start', name=op.f('uq_detections_organisation_id'))
    )
    op.create_index(op.f('ix_detections_organisation_id'), 'detections', ['organisation_id'])
    op.create_table('sensing_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=128), nullable=False),
    sa.Column('subject_key', sa.String(length=128), nullable=False),
    sa.Column('next_week', sa.Date(), nullable=False),
    sa.Column('inputs', sa.String(length=64), nullable=False),
    sa.Column('state', sa.LargeBinary(), nullable=False),
    _org('sensing_states'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sensing_states')),
    sa.UniqueConstraint('organisation_id', 'metric', 'subject_key',
                        name=op.f('uq_sensing_states_organisation_id'))
    )
    op.create_index(op.f('ix_sensing_states_organisation_id'), 'sensing_states',
                    ['organisation_id'])


def downgrade() -> None:
    op.drop_table('sensing_states')
    op.drop_table('detections')
    op.drop_table('changes')
    op.drop_index('ix_signals_metric_time', table_name='signals')
    with op.batch_alter_table('signals') as batch:
        batch.drop_column('volume')
