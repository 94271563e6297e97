"""A pooled server connection is pinged before it is handed out only when it has rested.

SQLAlchemy's `pool_pre_ping` pings at every checkout: on PostgreSQL one more round trip per
request (a twelfth of a single statement's POST in the server's CPU, plus the database's own
work). A connection handed back a moment ago was alive a moment ago; one that rested for
`IDLE_PING_SECONDS` may have outlived its server (a restart, an idle timeout, a failover) and is
pinged, and replaced when the ping finds it dead. A server that goes away under load fails the
requests on the connections in use, as it would anyway; the pool then renews every connection
(SQLAlchemy invalidates the whole pool on a disconnect).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

__all__ = ["IDLE_PING_SECONDS", "ping_rested_connections"]

# how long a connection may rest in the pool and still be handed out without a ping
IDLE_PING_SECONDS = 1.0
_RESTING_SINCE = "learnloop_resting_since"


def ping_rested_connections(engine: Engine) -> None:
    """Ping each connection of the engine's pool at checkout once it has rested longer than
    IDLE_PING_SECONDS; a dead one is replaced before anyone uses it (DisconnectionError makes
    the pool connect afresh and check out again)."""
    dialect = engine.dialect

    def rested_from_now(_dbapi_connection: Any, record: Any, *_rest: Any) -> None:
        record.info[_RESTING_SINCE] = time.monotonic()

    def ping_if_rested(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_RESTING_SINCE)
        if since is not None and time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError(f"a pooled connection was dead: {error}") from error
            raise

    event.listen(engine.pool, "connect", rested_from_now)  # new: alive now
    event.listen(engine.pool, "checkin", rested_from_now)
    event.listen(engine.pool, "checkout", ping_if_rested)
