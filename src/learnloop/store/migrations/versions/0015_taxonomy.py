"""The standard skills taxonomy (ESCO): its skills and groups, their hierarchy, and links from
organisation skills.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 07:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('taxonomy_skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('label', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('alt_labels', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_taxonomy_skills_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taxonomy_skills')),
    sa.UniqueConstraint('organisation_id', 'key', name=op.f('uq_taxonomy_skills_organisation_id'))
    )
    op.create_index(op.f('ix_taxonomy_skills_organisation_id'), 'taxonomy_skills', ['organisation_id'], unique=False)
    op.create_table('taxonomy_broader',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('narrower_id', sa.Integer(), nullable=False),
    sa.Column('broader_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['broader_id'], ['taxonomy_skills.id'], name=op.f('fk_taxonomy_broader_broader_id_taxonomy_skills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['narrower_id'], ['taxonomy_skills.id'], name=op.f('fk_taxonomy_broader_narrower_id_taxonomy_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taxonomy_broader')),
    sa.UniqueConstraint('narrower_id', 'broader_id', name=op.f('uq_taxonomy_broader_narrower_id'))
    )
    op.create_index(op.f('ix_taxonomy_broader_broader_id'), 'taxonomy_broader', ['broader_id'], unique=False)
    op.create_index(op.f('ix_taxonomy_broader_narrower_id'), 'taxonomy_broader', ['narrower_id'], unique=False)
    op.create_table('skill_taxonomy_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('taxonomy_skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_skill_taxonomy_links_skill_id_skills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['taxonomy_skill_id'], ['taxonomy_skills.id'], name=op.f('fk_skill_taxonomy_links_taxonomy_skill_id_taxonomy_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_taxonomy_links')),
    sa.UniqueConstraint('skill_id', 'taxonomy_skill_id', name=op.f('uq_skill_taxonomy_links_skill_id'))
    )
    op.create_index(op.f('ix_skill_taxonomy_links_skill_id'), 'skill_taxonomy_links', ['skill_id'], unique=False)
    op.create_index(op.f('ix_skill_taxonomy_links_taxonomy_skill_id'), 'skill_taxonomy_links', ['taxonomy_skill_id'], unique=False)


def downgrade() -> None:
    op.drop_table('skill_taxonomy_links')
    op.drop_table('taxonomy_broader')
    op.drop_table('taxonomy_skills')
