"""Token scopes: what each API token may change; existing tokens get their role's defaults.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# the role defaults of learnloop.domain.scopes when this revision was written, copied so the
# migration means the same thing whatever later versions change; other roles get none
_DEFAULTS = {
    'admin': 'imports:* loop:run people:erase signals:write tokens:write',
    'ld': 'imports:* loop:run',
    'integration': 'imports:evidence imports:pulse imports:signals signals:write',
}


def upgrade() -> None:
    op.add_column('api_tokens', sa.Column('scopes', sa.Text(), server_default='',
                                          nullable=False))
    tokens = sa.table('api_tokens', sa.column('role', sa.String), sa.column('scopes', sa.Text))
    for role, scopes in _DEFAULTS.items():
        op.execute(tokens.update().where(tokens.c.role == role).values(scopes=scopes))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('scopes')
