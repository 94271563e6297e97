"""The refs of xAPI statements keep each agent or activity key as its 64-bit hash instead of its
text, and the table is its primary key: (organisation_id, ref, statement_seq, direct), WITHOUT
ROWID on SQLite, no foreign key. A ref row was a table row and two text indexes (about 100
bytes a key, written twice); it is four integers written once, so storing a statement costs less
and the filters' index is a quarter of the size at a million statements.

The upgrade hashes the stored keys (on PostgreSQL in SQL, on SQLite through a function given to
the connection); the downgrade cannot turn hashes back into keys, so it derives the keys again
from the stored documents, with the rules of refs.statement_refs as they were at this revision
(copied here: a migration must not change with the code after it).

Revision ID: 0020
Revises: 0018
Create Date: 2026-11-30 18:30:00
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None

_ROWS_PER_STEP = 5000


def _ref_hash(key: str) -> int:
    """store.xapi_statements.ref_hash at this revision."""
    return int.from_bytes(hashlib.md5(key.encode(), usedforsecurity=False).digest()[:8], "big",
                          signed=True)


# the same hash in SQL: the first 16 hex digits of the MD5 as a signed 64-bit integer
_PG_HASH = "('x' || substr(md5(ref), 1, 16))::bit(64)::bigint"


def _rename_old(bind: Any) -> None:
    """The old table out of the way of the new one's names."""
    op.drop_index('ix_xapi_statement_refs_ref', table_name='xapi_statement_refs')
    op.rename_table('xapi_statement_refs', 'xapi_statement_refs_old')
    if bind.dialect.name == 'postgresql':
        op.execute("ALTER TABLE xapi_statement_refs_old "
                   "RENAME CONSTRAINT pk_xapi_statement_refs TO pk_xapi_statement_refs_old")


def upgrade() -> None:
    bind = op.get_bind()
    _rename_old(bind)
    op.create_table(
        'xapi_statement_refs',
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('ref', sa.BigInteger(), nullable=False),
        sa.Column('statement_seq', sa.BigInteger(), nullable=False),
        sa.Column('direct', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('organisation_id', 'ref', 'statement_seq', 'direct',
                                name=op.f('pk_xapi_statement_refs')),
        sqlite_with_rowid=False)
    if bind.dialect.name == 'postgresql':
        hashed = _PG_HASH
    else:
        bind.connection.driver_connection.create_function(
            'learnloop_ref_hash', 1, _ref_hash, deterministic=True)
        hashed = "learnloop_ref_hash(ref)"
    # ORDER BY: the new key's order, so the B-tree is written front to back
    op.execute("INSERT INTO xapi_statement_refs (organisation_id, ref, statement_seq, direct) "
               f"SELECT organisation_id, {hashed} AS hashed, statement_seq, direct "
               "FROM xapi_statement_refs_old ORDER BY organisation_id, hashed, statement_seq")
    op.drop_table('xapi_statement_refs_old')


def downgrade() -> None:
    bind = op.get_bind()
    op.rename_table('xapi_statement_refs', 'xapi_statement_refs_new')
    if bind.dialect.name == 'postgresql':
        op.execute("ALTER TABLE xapi_statement_refs_new "
                   "RENAME CONSTRAINT pk_xapi_statement_refs TO pk_xapi_statement_refs_new")
    op.create_table(
        'xapi_statement_refs',
        sa.Column('statement_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  nullable=False),
        sa.Column('ref', sa.Text(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('direct', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ['statement_seq'], ['xapi_statements.seq'],
            name=op.f('fk_xapi_statement_refs_statement_seq_xapi_statements'),
            ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('statement_seq', 'ref', name=op.f('pk_xapi_statement_refs')))
    op.create_index('ix_xapi_statement_refs_ref', 'xapi_statement_refs',
                    ['organisation_id', 'ref', 'statement_seq', 'direct'], unique=False)
    op.drop_table('xapi_statement_refs_new')
    after = 0
    insert = sa.text("INSERT INTO xapi_statement_refs (statement_seq, ref, organisation_id, "
                     "direct) VALUES (:seq, :ref, :organisation_id, :direct)")
    while True:
        rows = bind.execute(sa.text(
            "SELECT seq, organisation_id, document FROM xapi_statements WHERE seq > :after "
            "ORDER BY seq LIMIT :size"), {"after": after, "size": _ROWS_PER_STEP}).all()
        if not rows:
            return
        named = [{"seq": seq, "ref": key, "organisation_id": organisation_id, "direct": direct}
                 for seq, organisation_id, document in rows
                 for key, direct in _statement_refs(
                     json.loads(document) if isinstance(document, str) else document).items()]
        if named:
            bind.execute(insert, named)
        after = rows[-1][0]


# ---- refs.statement_refs as it was at this revision ---------------------------------------

def _agent_key(agent: dict[str, Any]) -> str | None:
    if "mbox" in agent:
        return f"mbox {agent['mbox']}"
    if "mbox_sha1sum" in agent:
        return f"sha1 {agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid {agent['openid']}"
    if "account" in agent:
        account = agent["account"]
        return f"account {account['homePage']}|{account['name']}"
    return None


def _agents(agent: dict[str, Any]) -> list[str]:
    key = _agent_key(agent)
    if "member" not in agent:
        return [] if key is None else [key]
    keys = [key, *(_agent_key(member) for member in agent["member"])]
    return [key for key in keys if key is not None]


def _parts(statement: dict[str, Any], *, direct: bool, into: dict[str, bool]) -> None:
    def add(key: str, is_direct: bool) -> None:
        into[key] = into.get(key, False) or is_direct

    actor = statement["actor"]
    actor_key = _agent_key(actor)
    for key in _agents(actor):
        add(key, direct and key == actor_key)
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        add(f"activity {target['id']}", direct)
    elif kind in ("Agent", "Group"):
        target_key = _agent_key(target)
        for key in _agents(target):
            add(key, direct and key == target_key)
    elif kind == "SubStatement":
        _parts(target, direct=False, into=into)
    context = statement.get("context", {})
    for role in ("instructor", "team"):
        if role in context:
            for key in _agents(context[role]):
                add(key, False)
    for item in context.get("contextActivities", {}).values():
        for activity in item if isinstance(item, list) else [item]:
            add(f"activity {activity['id']}", False)


def _statement_refs(statement: dict[str, Any]) -> dict[str, bool]:
    found: dict[str, bool] = {}
    _parts(statement, direct=True, into=found)
    for key in _agents(statement.get("authority", {})):
        found[key] = found.get(key, False)
    return found
