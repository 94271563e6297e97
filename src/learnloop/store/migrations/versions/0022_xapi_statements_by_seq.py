"""On PostgreSQL, `xapi_statements_by_seq(organisation, seqs)`: the live statements among these
seqs, read by a bitmap heap scan that asks the operating system for their pages ahead
(`effective_io_concurrency`), where an index scan reads one page after the other. A filtered
GET finds a page's seqs in an index alone, then reads the page's statements through it: with
the table out of the cache, the ~100 pages a GET of 100 statements needs are read side by side
(store/xapi_statements.py). Nothing on SQLite, which reads a page at a time whatever it is asked.

The settings live on the function (`SET` clauses), so they hold while it runs and nowhere else.
`effective_io_concurrency` is left out where the platform has no `posix_fadvise` (PostgreSQL
refuses any value but 0 there): the bitmap heap scan alone still reads the pages in the order
they lie in the table.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# pages read ahead: a page of a GET (limit 100) lies on up to 100 table pages
_READ_AHEAD = 100


def _can_read_ahead(bind: Any) -> bool:
    """Whether this server takes a non-zero effective_io_concurrency (it has posix_fadvise)."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql(f"SET LOCAL effective_io_concurrency = {_READ_AHEAD}")
            bind.exec_driver_sql("RESET effective_io_concurrency")
    except Exception:  # noqa: BLE001 - the server says no: read without it
        return False
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    read_ahead = (f" SET effective_io_concurrency = {_READ_AHEAD}"
                  if _can_read_ahead(bind) else "")
    op.execute(
        "CREATE FUNCTION xapi_statements_by_seq(organisation integer, seqs bigint[]) "
        "RETURNS TABLE (seq bigint, document text) LANGUAGE sql STABLE "
        f"SET enable_indexscan = off{read_ahead} AS $$ "
        "SELECT found.seq, found.document::text FROM xapi_statements AS found "
        "WHERE found.organisation_id = organisation AND found.seq = ANY(seqs) "
        "AND found.voided IS false $$")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION xapi_statements_by_seq(integer, bigint[])")
