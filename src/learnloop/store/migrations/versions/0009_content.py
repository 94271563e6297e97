"""Content: source chunks per version and what each version changed, components, packs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('content_components',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.Column('body', _json(), nullable=False),
    sa.Column('engine', sa.String(length=32), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('prompt_version', sa.String(length=100), nullable=False),
    sa.Column('chunk_keys', _json(), nullable=False),
    sa.Column('input_tokens', sa.Integer(), nullable=False),
    sa.Column('output_tokens', sa.Integer(), nullable=False),
    sa.Column('cost_usd', sa.Float(), nullable=False),
    sa.Column('cached', sa.Boolean(), nullable=False),
    sa.Column('checks', _json(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['source_documents.id'], name=op.f('fk_content_components_document_id_source_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_content_components_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_components')),
    sa.UniqueConstraint('organisation_id', 'key', 'version', name=op.f('uq_content_components_organisation_id'))
    )
    with op.batch_alter_table('content_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_components_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_components_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('content_packs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('need_key', sa.String(length=300), nullable=True),
    sa.Column('engine', sa.String(length=32), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('modality', _json(), nullable=False),
    sa.Column('input_tokens', sa.Integer(), nullable=False),
    sa.Column('output_tokens', sa.Integer(), nullable=False),
    sa.Column('cost_usd', sa.Float(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['source_documents.id'], name=op.f('fk_content_packs_document_id_source_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_content_packs_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_packs'))
    )
    with op.batch_alter_table('content_packs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_packs_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_packs_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('source_chunk_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=16), nullable=False),
    sa.Column('chunk_key', sa.String(length=64), nullable=True),
    sa.Column('previous_chunk_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['source_documents.id'], name=op.f('fk_source_chunk_changes_document_id_source_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_source_chunk_changes_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_chunk_changes'))
    )
    with op.batch_alter_table('source_chunk_changes', schema=None) as batch_op:
        batch_op.create_index('ix_source_chunk_changes_document', ['document_id', 'version'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_chunk_changes_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('content_pack_components',
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['content_components.id'], name=op.f('fk_content_pack_components_component_id_content_components'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pack_id'], ['content_packs.id'], name=op.f('fk_content_pack_components_pack_id_content_packs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pack_id', 'component_id', name=op.f('pk_content_pack_components'))
    )
    with op.batch_alter_table('content_pack_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_pack_components_component_id'), ['component_id'], unique=False)

    op.create_table('source_chunks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('chunk_key', sa.String(length=64), nullable=False),
    sa.Column('heading', sa.String(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('block', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['source_documents.id'], name=op.f('fk_source_chunks_document_id_source_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_source_chunks_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['source_versions.id'], name=op.f('fk_source_chunks_version_id_source_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_chunks')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_source_chunks_version_id'))
    )
    with op.batch_alter_table('source_chunks', schema=None) as batch_op:
        batch_op.create_index('ix_source_chunks_document_key', ['document_id', 'chunk_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_chunks_organisation_id'), ['organisation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('source_chunks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_chunks_organisation_id'))
        batch_op.drop_index('ix_source_chunks_document_key')

    op.drop_table('source_chunks')
    with op.batch_alter_table('content_pack_components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_pack_components_component_id'))

    op.drop_table('content_pack_components')
    with op.batch_alter_table('source_chunk_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_chunk_changes_organisation_id'))
        batch_op.drop_index('ix_source_chunk_changes_document')

    op.drop_table('source_chunk_changes')
    with op.batch_alter_table('content_packs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_packs_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_content_packs_document_id'))

    op.drop_table('content_packs')
    with op.batch_alter_table('content_components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_components_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_content_components_document_id'))

    op.drop_table('content_components')
