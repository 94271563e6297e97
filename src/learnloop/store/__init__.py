"""Storage: SQLAlchemy tables, repositories and Alembic migrations (SQLite or PostgreSQL).

Nothing outside this package imports SQLAlchemy or writes SQL; other layers name the transaction
they pass around as `learnloop.store.Session`.
"""

from sqlalchemy.orm import Session

__all__ = ["Session"]
