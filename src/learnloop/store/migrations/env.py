"""Alembic environment: runs migrations on the connection learnloop hands it.

learnloop always passes a live connection in `config.attributes`, so there is no ini file.
"""

from __future__ import annotations

from alembic import context

from learnloop.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - learnloop never runs alembic without a connection
    raise RuntimeError("run migrations through `learnloop db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
