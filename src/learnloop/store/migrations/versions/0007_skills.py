"""The skills agent's results: proficiencies (level and interval per person and skill) and
skill health (per team, role and skill), each replaced whole on every run.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:20:58
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('skill_health',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('required_level', sa.Float(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('meeting', sa.Float(), nullable=False),
    sa.Column('lower', sa.Float(), nullable=False),
    sa.Column('upper', sa.Float(), nullable=False),
    sa.Column('single_point', sa.Float(), nullable=True),
    sa.Column('change', sa.Float(), nullable=True),
    sa.Column('change_lower', sa.Float(), nullable=True),
    sa.Column('change_upper', sa.Float(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('trend_from', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_skill_health_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_skill_health_role_id_roles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_skill_health_skill_id_skills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_skill_health_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_health')),
    sa.UniqueConstraint('organisation_id', 'team_id', 'role_id', 'skill_id', name=op.f('uq_skill_health_organisation_id'))
    )
    with op.batch_alter_table('skill_health', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_health_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_skill_health_role_id'), ['role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_skill_health_skill_id'), ['skill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_skill_health_team_id'), ['team_id'], unique=False)

    op.create_table('proficiencies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Float(), nullable=False),
    sa.Column('lower', sa.Float(), nullable=False),
    sa.Column('upper', sa.Float(), nullable=False),
    sa.Column('evidence', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_proficiencies_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_proficiencies_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_proficiencies_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proficiencies')),
    sa.UniqueConstraint('organisation_id', 'person_id', 'skill_id', name=op.f('uq_proficiencies_organisation_id'))
    )
    with op.batch_alter_table('proficiencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proficiencies_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proficiencies_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proficiencies_skill_id'), ['skill_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('proficiencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proficiencies_skill_id'))
        batch_op.drop_index(batch_op.f('ix_proficiencies_person_id'))
        batch_op.drop_index(batch_op.f('ix_proficiencies_organisation_id'))

    op.drop_table('proficiencies')
    with op.batch_alter_table('skill_health', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_health_team_id'))
        batch_op.drop_index(batch_op.f('ix_skill_health_skill_id'))
        batch_op.drop_index(batch_op.f('ix_skill_health_role_id'))
        batch_op.drop_index(batch_op.f('ix_skill_health_organisation_id'))

    op.drop_table('skill_health')
