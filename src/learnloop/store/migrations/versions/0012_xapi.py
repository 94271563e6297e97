"""The xAPI Learning Record Store: clients, statements and the agents and activities they name,
State/Activity Profile/Agent Profile documents, and forwarding targets.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 05:50:56
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('xapi_attachments',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('sha2', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_xapi_attachments_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'sha2', name=op.f('pk_xapi_attachments'))
    )

    op.create_table('xapi_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_xapi_clients_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_clients')),
    sa.UniqueConstraint('username', name=op.f('uq_xapi_clients_username'))
    )
    with op.batch_alter_table('xapi_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_clients_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('xapi_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('activity_id', sa.String(length=1000), nullable=False),
    sa.Column('agent', sa.String(length=1000), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=1000), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('etag', sa.String(length=40), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_xapi_documents_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_documents')),
    sa.UniqueConstraint('organisation_id', 'kind', 'activity_id', 'agent', 'registration', 'document_id', name=op.f('uq_xapi_documents_organisation_id'))
    )
    with op.batch_alter_table('xapi_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_documents_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('xapi_forwards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('password', sa.String(length=400), nullable=False),
    sa.Column('sent_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_xapi_forwards_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_forwards')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_xapi_forwards_organisation_id'))
    )
    with op.batch_alter_table('xapi_forwards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_forwards_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('xapi_statements',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('verb_id', sa.Text(), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=True),
    sa.Column('voids', sa.String(length=36), nullable=True),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('stored', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['xapi_clients.id'], name=op.f('fk_xapi_statements_client_id_xapi_clients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_xapi_statements_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_xapi_statements')),
    sa.UniqueConstraint('organisation_id', 'statement_id', name=op.f('uq_xapi_statements_organisation_id'))
    )
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_statements_registration', ['organisation_id', 'registration', 'seq'], unique=False)
        batch_op.create_index('ix_xapi_statements_stored', ['organisation_id', 'stored'], unique=False)
        batch_op.create_index('ix_xapi_statements_verb', ['organisation_id', 'verb_id', 'seq'], unique=False)

    op.create_table('xapi_statement_refs',
    sa.Column('statement_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ref', sa.Text(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('direct', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['statement_seq'], ['xapi_statements.seq'], name=op.f('fk_xapi_statement_refs_statement_seq_xapi_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_seq', 'ref', name=op.f('pk_xapi_statement_refs'))
    )
    with op.batch_alter_table('xapi_statement_refs', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_statement_refs_ref', ['organisation_id', 'ref', 'statement_seq'], unique=False)



def downgrade() -> None:
    op.drop_table('xapi_attachments')
    with op.batch_alter_table('xapi_statement_refs', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statement_refs_ref')

    op.drop_table('xapi_statement_refs')
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statements_verb')
        batch_op.drop_index('ix_xapi_statements_stored')
        batch_op.drop_index('ix_xapi_statements_registration')

    op.drop_table('xapi_statements')
    with op.batch_alter_table('xapi_forwards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_forwards_organisation_id'))

    op.drop_table('xapi_forwards')
    with op.batch_alter_table('xapi_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_documents_organisation_id'))

    op.drop_table('xapi_documents')
    with op.batch_alter_table('xapi_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_clients_organisation_id'))

    op.drop_table('xapi_clients')
