"""Analytics: interventions and their assignments (treated or held out), demographics for the
fairness audit, and the analytics agent's impact results.

Revision ID: 0013
Revises: 0007
Create Date: 2026-11-30 05:50:12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0013'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('interventions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('delivered', sa.Text(), nullable=False),
    sa.Column('population', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('holdout', sa.Float(), nullable=False),
    sa.Column('seed', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_interventions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions'))
    )
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('impact_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('kpi', sa.String(length=128), nullable=True),
    sa.Column('estimate', sa.Float(), nullable=True),
    sa.Column('lower', sa.Float(), nullable=True),
    sa.Column('upper', sa.Float(), nullable=True),
    sa.Column('n_treated', sa.Integer(), nullable=False),
    sa.Column('n_holdout', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.Text(), nullable=False),
    sa.Column('report', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_impact_results_intervention_id_interventions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_impact_results_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_results')),
    sa.UniqueConstraint('intervention_id', name=op.f('uq_impact_results_intervention_id'))
    )
    with op.batch_alter_table('impact_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_results_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('demographics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('attribute', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_demographics_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_demographics_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demographics')),
    sa.UniqueConstraint('organisation_id', 'person_id', 'attribute', name=op.f('uq_demographics_organisation_id'))
    )
    with op.batch_alter_table('demographics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demographics_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demographics_person_id'), ['person_id'], unique=False)

    op.create_table('intervention_assignments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('arm', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_intervention_assignments_intervention_id_interventions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_intervention_assignments_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention_assignments')),
    sa.UniqueConstraint('intervention_id', 'person_id', name=op.f('uq_intervention_assignments_intervention_id'))
    )
    with op.batch_alter_table('intervention_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intervention_assignments_intervention_id'), ['intervention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_intervention_assignments_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('intervention_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intervention_assignments_person_id'))
        batch_op.drop_index(batch_op.f('ix_intervention_assignments_intervention_id'))

    op.drop_table('intervention_assignments')
    with op.batch_alter_table('demographics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demographics_person_id'))
        batch_op.drop_index(batch_op.f('ix_demographics_organisation_id'))

    op.drop_table('demographics')
    with op.batch_alter_table('impact_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_results_organisation_id'))

    op.drop_table('impact_results')
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_interventions_need_id'))

    op.drop_table('interventions')
