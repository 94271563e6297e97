"""Engines and sessions: one `Database` per process, opened from the settings' URL.

SQLite gets WAL, foreign keys and a busy timeout so the API, CLI and worker can share a file.
A bounded pool and, on SQLite, one write gate per process keep concurrent requests in line;
what waits too long becomes a ServiceUnavailableError (503), never a hung thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, QueuePool, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from learnloop.config import mask_url
from learnloop.errors import ConfigError, ServiceUnavailableError
from learnloop.store.idle_ping import ping_rested_connections
from learnloop.store.writer_turns import WriterTurns

__all__ = ["CHECKPOINT_SECONDS", "RESERVED_CONNECTIONS", "Database", "serialise_imports"]

# connections beyond the admitted requests': /api/health, the in-process job consumer, after-tasks
RESERVED_CONNECTIONS = 4
# how often a server copies SQLite's write-ahead log into the database file (Database
# .checkpoint_in_background)
CHECKPOINT_SECONDS = 0.5
# the write-ahead log's pages past which the checkpoint thread makes the log start over (4,096
# pages of 4 KiB: 16 MiB)
CHECKPOINT_RESTART_PAGES = 4096
# statements that make Python's sqlite3 open a transaction (or that only a transaction may run)
_SQLITE_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


def _sqlite_tuning(*, wait_seconds: float):  # noqa: ANN202 - a DBAPI `connect` callback
    def tune(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # another process's write lock is waited for as long as this process's write gate
        cursor.execute(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    return tune


def _busy(what: str, *, wait_seconds: float) -> ServiceUnavailableError:
    return ServiceUnavailableError(
        f"the server is busy: {what} for {wait_seconds:g} s; nothing was written, send it again",
        retry_after=max(1, round(wait_seconds / 4)))


class _BoundedPool(QueuePool):
    """A QueuePool whose exhaustion is a 503 to retry, not an internal error."""

    def _do_get(self):  # type: ignore[no-untyped-def]  # noqa: ANN202 - SQLAlchemy's hook
        try:
            return super()._do_get()
        except PoolTimeout as error:
            raise _busy("no database connection came free",
                        wait_seconds=self.timeout()) from error


class _WriteGate:
    """One SQLite writer at a time, queued in Python within a process and by the kernel among
    processes.

    SQLite has one write lock per file; writers that ask for it at once spin in its busy handler
    (unfairly, some for the whole busy timeout). Taking this lock first lines the process's
    writers up; a flock beside the file (WriterTurns) then lines up the processes that write it
    (server processes, CLI, worker), SQLite's own lock still guarding the file. The gate is
    taken before a connection's first write (its BEGIN IMMEDIATE) and given back when the
    connection returns to the pool, after its commit or rollback.
    """

    def __init__(self, *, wait_seconds: float, database_file: str | None = None) -> None:
        self._lock = threading.Lock()  # not an RLock: a request may commit on another thread
        # other processes' writers of the file, lined up by the kernel (store/writer_turns.py)
        self._files = (WriterTurns(database_file)
                       if database_file is not None and WriterTurns.available else None)
        self._holder: object | None = None  # the pool's record of the connection holding it
        self.wait_seconds = wait_seconds

    def take(self, timeout: float) -> str | None:
        """Keep the process's writers, then the other processes' (those taking the same file
        turn), out; None once they are, else who held the turn past `timeout` seconds. Given
        back with `release()`."""
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            return "another request held the write lock"
        try:
            if self._files is None or self._files.take(max(0.0, deadline - time.monotonic())):
                return None
        except BaseException:  # flock itself failed: the process's lock goes back too
            self._lock.release()
            raise
        self._lock.release()
        return "another process held the database's write lock"

    def release(self) -> None:
        if self._files is not None:
            self._files.give_back()
        self._lock.release()

    def before_write(self, connection, _cursor, statement, *_rest) -> None:  # noqa: ANN001
        """Engine `before_cursor_execute`: open the write transaction behind the gate."""
        driver = connection.connection.driver_connection
        if driver.in_transaction or not statement.lstrip()[:9].upper().startswith(_SQLITE_WRITES):
            return
        record = connection.connection._connection_record  # noqa: SLF001 - what checkin names
        if self._holder is not record:
            refused = self.take(self.wait_seconds)
            if refused is not None:
                raise _busy(refused, wait_seconds=self.wait_seconds)
            self._holder = record
        try:
            # IMMEDIATE: wait for the file's write lock now (busy timeout, other processes)
            # rather than fail to upgrade a read snapshot later. Python's sqlite3 opens a
            # transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT opened first would be
            # the outermost one and releasing it would commit the caller's work.
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            self.give_back(None, record)
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            raise _busy("another process held the database's write lock",
                        wait_seconds=self.wait_seconds) from error

    def give_back(self, _dbapi_connection, record, *_rest) -> None:  # noqa: ANN001 - pool event
        """Pool `checkin` and `invalidate`: the connection's transaction is over."""
        if record is not None and self._holder is record:
            self._holder = None
            self.release()


class _Checkpointer:
    """SQLite's write-ahead log copied back into the database file by a thread of its own.

    Left to SQLite, the connection whose commit grows the log past 1,000 pages copies it back
    (and syncs the file) inside that commit, holding the write gate: with 100,000 statements
    stored, a batch of 100 waited 25 ms of its 45 for the copy. A server turns that off on its
    own connections and runs a PASSIVE checkpoint every CHECKPOINT_SECONDS on a connection of
    its own, which neither waits for nor blocks readers and writers (the file lock still lets
    other processes, CLI and worker, checkpoint as usual).

    A PASSIVE checkpoint alone never lets the log start over under a steady write load: the log
    restarts only when a writer finds every page copied back, and new commits land while each
    copy runs. With a million statements stored (each batch touching a few hundred scattered
    index pages), it grew by 55 MB a second, and every page read searched a longer log index.
    So when a PASSIVE checkpoint leaves more than CHECKPOINT_RESTART_PAGES in the log, a RESTART
    checkpoint follows: it waits for the current writer, keeps new ones out while it copies the
    few pages the PASSIVE one left (and syncs), and the next commit writes the log from its
    start. It takes its turn at this process's write gate first (`turn`), in line with the
    process's writers: left to SQLite's busy handler it lost to back-to-back commits for up to
    its whole wait while the log grew. Its connection waits at most a second for readers and
    other processes; failing, the next round tries.
    """

    def __init__(self, path: str, *, every: float, gate: _WriteGate | None = None) -> None:
        self._path = path
        self._every = every
        self._gate = gate
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, check_same_thread=False, timeout=1.0)
        try:
            while not self._stop.wait(self._every):
                self._checkpoint(connection)
            self._checkpoint(connection)
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        # on an error the next round tries again; SQLite's own log stays consistent
        with contextlib.suppress(sqlite3.Error):
            _busy, pages, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if pages <= CHECKPOINT_RESTART_PAGES:
                return
            if self._gate is None:
                connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
            elif self._gate.take(1.0) is None:
                try:
                    connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
                finally:
                    self._gate.release()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


_Result = TypeVar("_Result")


class _Ticket:
    """One thread's work waiting for a group commit: its outcome, and whether it leads."""

    __slots__ = ("done", "error", "leads", "result", "woken", "work")

    def __init__(self, work: Callable[[Session], Any]) -> None:
        self.work = work
        self.woken = threading.Event()
        self.leads = False
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class _GroupCommit:
    """Writes from several threads, each committed in one transaction with those that waited
    beside it (SQLite: one write lock, so a commit per request kept each waiting for all the
    commits before it).

    The first thread to arrive leads: it takes every work waiting, runs each in a savepoint of
    one transaction (a work that fails rolls back its own savepoint and raises in its own thread
    only; a lone work needs no savepoint), commits, and only then hands every thread its
    outcome; the next thread waiting leads the next group. A failed commit fails every work of
    its group: nothing is acknowledged that was not committed.
    """

    def __init__(self, sessions: Callable[[], Any]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._queue: list[_Ticket] = []
        self._leading = False

    def run(self, work: Callable[[Session], _Result]) -> _Result:
        ticket = _Ticket(work)
        with self._lock:
            self._queue.append(ticket)
            if not self._leading:
                self._leading = ticket.leads = True
        if not ticket.leads:
            ticket.woken.wait()  # done by a leader, or made the next leader
        if not ticket.done:
            self._lead()
        if ticket.error is not None:
            raise ticket.error
        return ticket.result

    def _lead(self) -> None:
        with self._lock:
            group, self._queue = self._queue, []
        try:
            self._commit(group)
        finally:
            for ticket in group:
                ticket.done = True
                ticket.woken.set()
            with self._lock:
                if self._queue:
                    following = self._queue[0]
                    following.leads = True
                    following.woken.set()
                else:
                    self._leading = False

    def _commit(self, group: list[_Ticket]) -> None:
        try:
            with self._sessions() as session:
                if len(group) == 1:
                    group[0].result = group[0].work(session)
                    return
                for ticket in group:
                    try:
                        with session.begin_nested():
                            ticket.result = ticket.work(session)
                    except Exception as error:  # noqa: BLE001 - its own thread raises it
                        ticket.error = error
        except BaseException as error:  # the commit (or a lone work) failed: all of them did
            for ticket in group:
                ticket.error = ticket.error or error
            if not isinstance(error, Exception):
                raise


class Database:
    """An engine and its session factory; `session()` is one transaction.

    `connections` bounds the pool (the server sizes it to the requests it admits at once);
    waiting longer than `wait_seconds` for a connection or SQLite's write gate raises
    ServiceUnavailableError.
    """

    def __init__(self, url: str, *, echo: bool = False, connections: int = 20,
                 wait_seconds: float = 20.0) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as error:
            raise ConfigError(f"LEARNLOOP_DATABASE_URL is not a database URL: {url!r}") from error
        self.url = url
        self.dialect = parsed.get_backend_name()
        in_memory = parsed.database in (None, "", ":memory:")
        if self.dialect == "sqlite" and not in_memory:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, object] = {"echo": echo, "future": True}
        if self.dialect == "postgresql" or (self.dialect == "sqlite" and not in_memory):
            kwargs.update(poolclass=_BoundedPool, pool_size=connections, max_overflow=0,
                          pool_timeout=wait_seconds)
        self.engine: Engine = create_engine(url, **kwargs)
        if self.dialect == "postgresql":
            ping_rested_connections(self.engine)
        self._file = None if in_memory else parsed.database
        if self.dialect == "sqlite":
            gate = self._gate = _WriteGate(wait_seconds=wait_seconds, database_file=self._file)
            event.listen(self.engine, "connect", _sqlite_tuning(wait_seconds=wait_seconds))
            event.listen(self.engine, "before_cursor_execute", gate.before_write)
            event.listen(self.engine.pool, "checkin", gate.give_back)
            event.listen(self.engine.pool, "invalidate", gate.give_back)
            event.listen(self.engine.pool, "checkout", self._no_autocheckpoint)
        self._checkpointer: _Checkpointer | None = None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._group = _GroupCommit(self.session) if self.dialect == "sqlite" else None

    @classmethod
    def reachable(cls, url: str, **options: float) -> Database:
        """The database at `url` (`options` as for the constructor), once it has answered; a
        ConfigError naming the URL (password masked) when its driver is missing or it cannot be
        reached, so no command starts half-way."""
        try:
            database = cls(url, **options)
        except (ImportError, NoSuchModuleError) as error:
            raise ConfigError(f"no driver installed for LEARNLOOP_DATABASE_URL {mask_url(url)}: "
                              f"{error}") from error
        except OSError as error:  # the folder of a SQLite file could not be created
            raise ConfigError(f"cannot open the database at {mask_url(url)}: "
                              f"{error.strerror or error}: {error.filename}") from error
        try:
            with database.engine.connect():
                pass
        except OperationalError as error:
            database.dispose()
            reason = str(error.orig or error).strip().splitlines()[0]
            raise ConfigError(f"cannot reach the database at {mask_url(url)}: {reason}") from error
        return database

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def write_grouped(self, work: Callable[[Session], _Result]) -> _Result:
        """`work(session)` committed before this returns, its result or its exception.

        On SQLite, works that several threads hand in at once share one transaction and its
        commit, each in a savepoint of its own (_GroupCommit); elsewhere each gets its own
        transaction, PostgreSQL already letting concurrent writers commit side by side."""
        if self._group is not None:
            return self._group.run(work)
        with self.session() as session:
            return work(session)

    def checkpoint_in_background(self, every: float = CHECKPOINT_SECONDS) -> None:
        """On an SQLite file: from now on, copy the write-ahead log into the database from a
        thread of this process (see _Checkpointer), never inside a commit; until
        `stop_checkpoints()`. Nothing to do on PostgreSQL."""
        if self.dialect != "sqlite" or self._file is None or self._checkpointer is not None:
            return
        self._checkpointer = _Checkpointer(self._file, every=every, gate=self._gate)
        self._checkpointer.start()

    def stop_checkpoints(self) -> None:
        """End the checkpoint thread (after a last checkpoint); commits checkpoint as before."""
        checkpointer, self._checkpointer = self._checkpointer, None
        if checkpointer is not None:
            checkpointer.stop()

    def _no_autocheckpoint(self, dbapi_connection, record, _proxy) -> None:  # noqa: ANN001
        """Pool `checkout`: a connection's commits checkpoint (SQLite's default) unless the
        checkpoint thread runs."""
        wanted = 0 if self._checkpointer is not None else 1000
        if record.info.get("autocheckpoint", 1000) != wanted:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={wanted}")
            record.info["autocheckpoint"] = wanted

    def dispose(self) -> None:
        self.stop_checkpoints()
        self.engine.dispose()


def serialise_imports(session: Session, *, organisation_id: int, kind: str,
                      wait_seconds: float) -> None:
    """Wait until no other transaction imports `kind` into the organisation, then hold that
    turn until this transaction ends, so each import sees the rows the one before committed
    (and counts them as unchanged or updated, never as nothing).

    SQLite needs nothing more: its writers already take turns (the write gate and BEGIN
    IMMEDIATE). PostgreSQL takes a transaction-level advisory lock, keyed by organisation and
    kind; waiting longer than `wait_seconds` raises ServiceUnavailableError.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(f"learnloop import {organisation_id} {kind}".encode(),
                             digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    previous = session.execute(text("SELECT current_setting('lock_timeout')")).scalar_one()
    session.execute(text("SELECT set_config('lock_timeout', :wait, true)"),
                    {"wait": f"{int(wait_seconds * 1000)}ms"})
    try:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        raise _busy(f"another {kind} import in this organisation held its turn",
                    wait_seconds=wait_seconds) from error
    session.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": previous})
