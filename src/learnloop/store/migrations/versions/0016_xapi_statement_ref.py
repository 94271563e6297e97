"""xAPI statements keep the id their StatementRef object targets (`statement_ref`, with a
partial index of those that have one), so a filtered read also returns the statements that
target a matching one (Communication 2.1.3); statements stored before are backfilled from their
documents. The refs index also holds
`direct`, so the agent and activity filters are read from the index alone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_BACKFILL = {
    "sqlite": "UPDATE xapi_statements SET statement_ref = json_extract(document, '$.object.id') "
              "WHERE json_extract(document, '$.object.objectType') = 'StatementRef'",
    "postgresql": "UPDATE xapi_statements SET statement_ref = document->'object'->>'id' "
                  "WHERE document->'object'->>'objectType' = 'StatementRef'",
}


def upgrade() -> None:
    op.add_column('xapi_statements', sa.Column('statement_ref', sa.String(length=36),
                                               nullable=True))
    op.execute(_BACKFILL[op.get_bind().dialect.name])
    op.create_index('ix_xapi_statements_targeting', 'xapi_statements',
                    ['organisation_id', 'seq', 'statement_ref'], unique=False,
                    sqlite_where=sa.text('statement_ref IS NOT NULL'),
                    postgresql_where=sa.text('statement_ref IS NOT NULL'))
    op.drop_index('ix_xapi_statement_refs_ref', table_name='xapi_statement_refs')
    op.create_index('ix_xapi_statement_refs_ref', 'xapi_statement_refs',
                    ['organisation_id', 'ref', 'statement_seq', 'direct'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_xapi_statement_refs_ref', table_name='xapi_statement_refs')
    op.create_index('ix_xapi_statement_refs_ref', 'xapi_statement_refs',
                    ['organisation_id', 'ref', 'statement_seq'], unique=False)
    op.drop_index('ix_xapi_statements_targeting', table_name='xapi_statements')
    # ALTER TABLE … DROP COLUMN in place (SQLite 3.35+): a batch copy would drop the table and
    # with it, through ON DELETE CASCADE, every row of xapi_statement_refs
    op.drop_column('xapi_statements', 'statement_ref')
