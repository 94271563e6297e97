"""Each person's evidence packed into one row (evidence_packs), kept by the evidence writer, and
what an organisation's packs hold (evidence_pack_states): the skills agent reads a row per
person instead of per piece of evidence. Nothing is filled here: an organisation without a state
row has its packs built from the evidence table by the next run of the skills agent (or the next
evidence import), about 10 s at 7.5 million pieces of evidence.

proficiency_states: what the skills agent last wrote (day, row counts, digests of its
proficiencies and skill health), so a run computing the same results needs no read-back; empty
until the next run.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence_packs',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('packed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_evidence_packs_organisation_id_organisations'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                            name=op.f('fk_evidence_packs_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_evidence_packs'))
    )
    with op.batch_alter_table('evidence_packs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_packs_organisation_id'),
                              ['organisation_id'], unique=False)
    op.create_table('evidence_pack_states',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=200), nullable=False),
    sa.Column('evidence_max_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_evidence_pack_states_organisation_id_organisations'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_evidence_pack_states'))
    )
    op.create_table('proficiency_states',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('rows', sa.BigInteger(), nullable=False),
    sa.Column('max_id', sa.BigInteger(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('health_rows', sa.Integer(), nullable=True),
    sa.Column('health_digest', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_proficiency_states_organisation_id_organisations'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_proficiency_states'))
    )


def downgrade() -> None:
    op.drop_table('proficiency_states')
    op.drop_table('evidence_pack_states')
    with op.batch_alter_table('evidence_packs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_packs_organisation_id'))
    op.drop_table('evidence_packs')
