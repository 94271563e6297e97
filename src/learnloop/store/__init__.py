"""Storage: SQLAlchemy tables, repositories and Alembic migrations (SQLite or PostgreSQL).

Nothing outside this package writes SQL.
"""
