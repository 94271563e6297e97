"""xAPI statement refs kept in one B-tree: the primary key becomes what the filters walk
(organisation_id, ref, statement_seq), WITHOUT ROWID on SQLite and with `direct` INCLUDEd on
PostgreSQL; the (statement_seq, ref) key, the separate filter index and the cascading foreign
key go (a ref row was written into three B-trees on SQLite, two on PostgreSQL). The rows are
copied as they are.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

_COLUMNS = "organisation_id, ref, statement_seq, direct"
_SEQ = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _set_aside() -> None:
    """The table renamed out of the way, its key's and index's names freed (on PostgreSQL both
    are names in the schema; on SQLite the index is)."""
    op.drop_index('ix_xapi_statement_refs_ref', table_name='xapi_statement_refs',
                  if_exists=True)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE xapi_statement_refs RENAME CONSTRAINT pk_xapi_statement_refs "
                   "TO pk_xapi_statement_refs_old")
    op.rename_table('xapi_statement_refs', 'xapi_statement_refs_old')


def _copy_back() -> None:
    op.execute(f"INSERT INTO xapi_statement_refs ({_COLUMNS}) "
               f"SELECT {_COLUMNS} FROM xapi_statement_refs_old")
    op.drop_table('xapi_statement_refs_old')


def upgrade() -> None:
    _set_aside()
    op.create_table(
        'xapi_statement_refs',
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('ref', sa.Text(), nullable=False),
        sa.Column('statement_seq', _SEQ, nullable=False),
        sa.Column('direct', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('organisation_id', 'ref', 'statement_seq',
                                name=op.f('pk_xapi_statement_refs'),
                                postgresql_include=['direct']),
        sqlite_with_rowid=False)
    _copy_back()


def downgrade() -> None:
    op.execute("ALTER TABLE xapi_statement_refs RENAME TO xapi_statement_refs_old")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE xapi_statement_refs_old RENAME CONSTRAINT "
                   "pk_xapi_statement_refs TO pk_xapi_statement_refs_old")
    op.create_table(
        'xapi_statement_refs',
        sa.Column('statement_seq', _SEQ, nullable=False),
        sa.Column('ref', sa.Text(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('direct', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['statement_seq'], ['xapi_statements.seq'],
                                name=op.f('fk_xapi_statement_refs_statement_seq_xapi_statements'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('statement_seq', 'ref', name=op.f('pk_xapi_statement_refs')))
    _copy_back()
    op.create_index('ix_xapi_statement_refs_ref', 'xapi_statement_refs',
                    ['organisation_id', 'ref', 'statement_seq', 'direct'], unique=False)
