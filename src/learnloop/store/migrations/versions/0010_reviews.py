"""Govern: component reviews (state, tier, authors, stale passages), decisions and comments.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('component_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('component_key', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('tier', sa.String(length=64), nullable=False),
    sa.Column('tier_reasons', _json(), nullable=False),
    sa.Column('authors', _json(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('replaces_component_id', sa.Integer(), nullable=True),
    sa.Column('stale_chunks', _json(), nullable=False),
    sa.Column('stale_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['content_components.id'], name=op.f('fk_component_reviews_component_id_content_components'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_component_reviews_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaces_component_id'], ['content_components.id'], name=op.f('fk_component_reviews_replaces_component_id_content_components'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component_reviews')),
    sa.UniqueConstraint('component_id', name=op.f('uq_component_reviews_component_id'))
    )
    with op.batch_alter_table('component_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_component_reviews_component_key'), ['component_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_component_reviews_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_component_reviews_state', ['organisation_id', 'state'], unique=False)

    op.create_table('component_review_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_component_review_decisions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['component_reviews.id'], name=op.f('fk_component_review_decisions_review_id_component_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component_review_decisions'))
    )
    with op.batch_alter_table('component_review_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_component_review_decisions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_component_review_decisions_review_id'), ['review_id'], unique=False)

    op.create_table('component_review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('anchor', _json(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_component_review_comments_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['component_reviews.id'], name=op.f('fk_component_review_comments_review_id_component_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component_review_comments'))
    )
    with op.batch_alter_table('component_review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_component_review_comments_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_component_review_comments_review_id'), ['review_id'], unique=False)


def downgrade() -> None:
    op.drop_table('component_review_comments')
    op.drop_table('component_review_decisions')
    op.drop_table('component_reviews')
