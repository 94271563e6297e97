"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zones and no BIGINT autoincrement; these types hide both differences.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["BigId", "JsonDoc", "UtcDateTime"]

# BIGINT on PostgreSQL; INTEGER on SQLite, where only that spelling is a rowid alias
BigId = BigInteger().with_variant(Integer(), "sqlite")

JsonDoc = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: learnloop stores UTC-aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if getattr(dialect, "name", "") == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
