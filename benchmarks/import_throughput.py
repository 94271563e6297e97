"""Import throughput: learnloop's imports beside a raw write of the same rows, on both databases.

For each database, in one run: people (first import, re-import), then a raw write of the signal
rows (SQLite: plain executemany; PostgreSQL: plain COPY, text and binary, into a fresh table with
the same columns and unique key; on both, also into a copy of learnloop's own signals table with
its indexes: what its schema costs) immediately before learnloop's signals import, re-import and
partial update (every tenth value changed). The raw writes and learnloop's first import are
repeated (--repeats, default 3) in turn, raw then learnloop, each round from the database as the
people import left it (restored from a snapshot), so a change in the machine's speed during the
run falls on both sides of a ratio alike. Prints rows/s, peak memory (max RSS of the child
process of each run), what the machine did during each timed write (machine_load.py: busy,
idle, waiting for disk, MB/s read and written) and the ratio of learnloop's first import to each raw
figure: the median of the rounds' ratios, with their range. Defaults: 100,000 people,
1,000,000 signal rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine_load import MachineSampler

POSTGRES_URL = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# the scratch database's name starts with this (it is dropped after the run)
DATABASE_PREFIX = os.environ.get("LEARNLOOP_BENCH_DATABASE_PREFIX", "learnloop_bench")
METRICS = ("calls_made", "deals_closed", "tickets_resolved", "csat", "handle_time")
SIGNAL_COLUMNS = ("organisation_id", "key", "metric", "subject_type", "subject_id",
                  "observed_at", "value", "source")
RAW_TABLE = ("id {id} PRIMARY KEY, organisation_id INTEGER NOT NULL, key VARCHAR(300) NOT NULL, "
             "metric VARCHAR(128) NOT NULL, subject_type VARCHAR(16) NOT NULL, subject_id INTEGER, "
             "observed_at {time} NOT NULL, value {float} NOT NULL, source VARCHAR(128) NOT NULL, "
             "UNIQUE (organisation_id, key)")


def generate(folder: Path, *, people: int, signals: int) -> dict[str, Path]:
    teams = max(people // 12, 1)
    paths = {"people": folder / "people.csv", "signals": folder / "signals.csv",
             "changed": folder / "signals-changed.csv"}
    with paths["people"].open("w", encoding="utf-8") as out:
        out.write("id,name,email,team,department,manager_id,time_zone,hire_date\n")
        for n in range(people):
            team = n % teams
            # the first person of each team leads it
            manager = "" if n < teams else f"P{n % teams:07d}"
            out.write(f"P{n:07d},Person {n},p{n}@example.com,T{team:05d},Dept {team % 20},"
                      f"{manager},Europe/Berlin,2020-01-{1 + n % 28:02d}\n")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    header = "metric,subject_type,subject,observed_at,value,source\n"
    with paths["signals"].open("w", encoding="utf-8") as out, \
            paths["changed"].open("w", encoding="utf-8") as changed:
        out.write(header)
        changed.write(header)
        lines, edited = [], []
        for n in range(signals):
            # a daily export: every person's metrics for one day, then the next day
            person, day = n % people, n // people
            when = (start + timedelta(days=day // len(METRICS))).date().isoformat()
            line = f"{METRICS[day % len(METRICS)]},person,P{person:07d},{when},"
            lines.append(f"{line}{(n * 7919) % 1000 / 10},crm\n")
            # the same export a day later, with every tenth value corrected
            edited.append(f"{line}{(n * 7919) % 1000 / 10 + (n % 10 == 0)},crm\n")
            if len(lines) == 100_000:
                out.writelines(lines)
                changed.writelines(edited)
                lines.clear()
                edited.clear()
        out.writelines(lines)
        changed.writelines(edited)
    return paths


def child(url: str, home: str, kind: str, path: str) -> None:
    """One import in a fresh process, so max RSS is this import's own peak."""
    from learnloop.config import Settings
    from learnloop.connectors.importers.registry import importers
    from learnloop.importing import import_file
    from learnloop.workspace import Workspace

    workspace = Workspace.open(Settings(home=Path(home), database_url=url))
    importers()  # loading the plugins (numpy among them) is start-up, not import throughput
    began = time.monotonic()
    with workspace.session() as session:
        result = import_file(session, organisation_id=workspace.organisation(session).id,
                             kind=kind, path=Path(path), actor="benchmark")
    ended = time.monotonic()
    workspace.close()
    print(json.dumps({"rows": result.rows, "created": result.created, "updated": result.updated,
                      "unchanged": result.unchanged, "seconds": ended - began, "began": began,
                      "ended": ended, "peak_mb": _peak_mb()}))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_rows(path: Path) -> list[tuple]:
    """The signal rows as learnloop stores them (derived key, person id, UTC time), untimed."""
    from learnloop.domain.signals import compact_time, derived_signal_key

    rows, times = [], {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for metric, subject_type, subject, observed_at, value, source in reader:
            time_ = times.get(observed_at)
            if time_ is None:
                when = datetime.fromisoformat(observed_at).replace(tzinfo=UTC)
                time_ = times[observed_at] = (when, compact_time(when))
            key = derived_signal_key(source=source, metric=metric, subject_type=subject_type,
                                     subject_key=subject, moment=time_[1])
            rows.append((1, key, metric, subject_type, int(subject[1:]) + 1, time_[0],
                         float(value), source))
    return rows


def raw_child(url: str, mode: str, path: str) -> None:
    """The raw write of the same rows into a fresh table; only the write and commit are timed."""
    rows = raw_rows(Path(path))
    names = ", ".join(SIGNAL_COLUMNS)
    if mode in SQLITE_RAW_TABLES:
        connection, drop = SQLITE_RAW_TABLES[mode](url)
        rows = [(*row[:5], row[5].replace(tzinfo=None).isoformat(" "), *row[6:]) for row in rows]
        began = time.monotonic()
        connection.executemany(f"INSERT INTO raw_signals ({names}) VALUES "
                               f"({', '.join('?' * len(SIGNAL_COLUMNS))})", rows)
        connection.commit()
        ended = time.monotonic()
        drop(connection)
    else:
        import psycopg

        connection = psycopg.connect(libpq_url(url))
        connection.execute("DROP TABLE IF EXISTS raw_signals")
        if mode == "copy into signals' schema":
            # learnloop's own table (it has no foreign key): its indexes cost what they cost
            connection.execute("CREATE TABLE raw_signals (LIKE signals INCLUDING ALL)")
        else:
            columns = RAW_TABLE.format(id="BIGSERIAL", time="TIMESTAMPTZ",
                                       float="DOUBLE PRECISION")
            connection.execute(f"CREATE TABLE raw_signals ({columns})")
        connection.commit()
        binary = mode != "copy (text)"
        began = time.monotonic()
        with connection.cursor() as cursor, cursor.copy(
                f"COPY raw_signals ({names}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
        ) as copy:
            if binary:
                copy.set_types(["int4", "text", "text", "text", "int4", "timestamptz", "float8",
                                "text"])
            for row in rows:
                copy.write_row(row)
        connection.commit()
        ended = time.monotonic()
        connection.execute("DROP TABLE raw_signals")
        connection.commit()
        connection.close()
    print(json.dumps({"rows": len(rows), "seconds": ended - began, "began": began,
                      "ended": ended, "peak_mb": _peak_mb()}))


Dropper = Callable[[sqlite3.Connection], None]


def _sqlite_raw_table(url: str) -> tuple[sqlite3.Connection, Dropper]:
    """A fresh table with the signals' columns and unique key, in a database file of its own
    (SQLite's defaults: rollback journal, 2 MB page cache)."""
    database = Path(url.removeprefix("sqlite:///")).with_name("raw.db")
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    connection.execute(f"CREATE TABLE raw_signals ("
                       f"{RAW_TABLE.format(id='INTEGER', time='DATETIME', float='FLOAT')})")

    def drop(connection: sqlite3.Connection) -> None:
        connection.close()
        database.unlink()

    return connection, drop


def _sqlite_signals_copy(url: str) -> tuple[sqlite3.Connection, Dropper]:
    """A copy of learnloop's own signals table (its unique key and secondary indexes) in
    learnloop's database, written as learnloop's loads write it (WAL, the page cache of
    `store/bulk.py`): what the schema costs, as PostgreSQL's "copy into signals' schema"."""
    from learnloop.store.bulk import SQLITE_CACHE_KIB

    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    connection.execute("DROP TABLE IF EXISTS raw_signals")
    for (sql,) in connection.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'signals' "
                                     "AND sql IS NOT NULL ORDER BY type DESC").fetchall():
        connection.execute(re.sub(r"\bsignals\b", "raw_signals",
                                  sql.replace("ix_signals_", "ix_raw_signals_")))
    connection.commit()

    def drop(connection: sqlite3.Connection) -> None:
        connection.execute("DROP TABLE raw_signals")
        connection.commit()
        connection.execute("VACUUM")  # learnloop's import finds the file as it was
        connection.close()

    return connection, drop


# SQLite's raw writes by name: where each one's table is made (and dropped after the timing)
SQLITE_RAW_TABLES: dict[str, Callable[[str], tuple[sqlite3.Connection, Dropper]]] = {
    "executemany": _sqlite_raw_table,
    "executemany into signals' schema": _sqlite_signals_copy,
}


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL of PostgreSQL as psycopg's own `connect` takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def checkpoint(url: str) -> None:
    """Flush the previous run's writes now, so its checkpoint does not land in the next run."""
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), autocommit=True) as connection:
            connection.execute("CHECKPOINT")
    except psycopg.Error:
        pass  # not a superuser (or pg_checkpoint): figures are noisier, nothing more


def run_child(*arguments: str) -> dict:
    url = arguments[1]
    if url.startswith("postgresql"):
        checkpoint(url)
    with MachineSampler() as machine:
        done = subprocess.run([sys.executable, __file__, *arguments],
                              check=True, capture_output=True, text=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    # the child's clock is the machine's (CLOCK_MONOTONIC): its window, without its start-up
    return {**figures, "machine": machine.load(figures["began"], figures["ended"])}


def postgres_database() -> tuple[str, object] | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            name = f"{DATABASE_PREFIX}_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - no server: report and skip
        print(f"PostgreSQL: skipped ({type(error).__name__} at {POSTGRES_URL})")
        return None

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def line(database: str, what: str, figures: dict) -> float:
    rate = figures["rows"] / figures["seconds"]
    counts = ""
    if "created" in figures:
        counts = (f"  {figures['created']:,} new, {figures['updated']:,} updated, "
                  f"{figures['unchanged']:,} unchanged")
    machine = f"  ({figures['machine']})" if figures.get("machine") else ""
    print(f"{database:<10} {what:<44} {figures['rows']:>10,} rows {figures['seconds']:>6.1f}s "
          f"{rate:>9,.0f} rows/s  peak {figures['peak_mb']:>5.0f} MB{counts}{machine}",
          flush=True)
    return rate


class Snapshot:
    """The database as the people import left it, put back before each round of signal writes:
    SQLite's file copied by its backup API, PostgreSQL's database cloned as a template."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._sqlite = url.startswith("sqlite")
        if self._sqlite:
            self._file = Path(url.removeprefix("sqlite:///"))
            self._copy = self._file.with_name(f"{self._file.stem}-snapshot.db")
            source, copy = sqlite3.connect(self._file), sqlite3.connect(self._copy)
            source.backup(copy)
            source.close()
            copy.close()
        else:
            self._name = self.url.rsplit("/", 1)[1]
            self._template = f"{self._name}_snapshot"
            self._admin(f'CREATE DATABASE "{self._template}" TEMPLATE "{self._name}"')

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(libpq_url(POSTGRES_URL), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def restore(self) -> None:
        if self._sqlite:
            for suffix in ("-wal", "-shm"):
                self._file.with_name(self._file.name + suffix).unlink(missing_ok=True)
            shutil.copyfile(self._copy, self._file)
        else:
            self._admin(f'DROP DATABASE "{self._name}" WITH (FORCE)',
                        f'CREATE DATABASE "{self._name}" TEMPLATE "{self._template}"')

    def drop(self) -> None:
        if self._sqlite:
            self._copy.unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self._template}"')


def measure(database: str, url: str, home: Path, files: dict[str, Path], *,
            repeats: int = 1) -> None:
    for what, kind in (("people import", "people"), ("people re-import", "people")):
        line(database, what, run_child("--child", url, str(home), kind, str(files[kind])))
    raws = (list(SQLITE_RAW_TABLES) if database == "sqlite"
            else ["copy (text)", "copy (binary)", "copy into signals' schema"])
    ratios: dict[str, list[float]] = {mode: [] for mode in raws}
    snapshot = Snapshot(url) if repeats > 1 else None
    try:
        for round_ in range(repeats):
            if snapshot is not None and round_:
                snapshot.restore()
            label = f" ({round_ + 1}/{repeats})" if repeats > 1 else ""
            raw_rates = {mode: line(database, f"raw {mode}{label}", run_child(
                "--raw", url, mode, str(files["signals"]))) for mode in raws}
            rate = line(database, f"signals import{label}", run_child(
                "--child", url, str(home), "signals", str(files["signals"])))
            for mode, raw in raw_rates.items():
                ratios[mode].append(rate / raw)
    finally:
        if snapshot is not None:
            snapshot.drop()
    for what, kind in (("signals re-import", "signals"), ("signals 10% changed", "changed")):
        line(database, what, run_child("--child", url, str(home), "signals", str(files[kind])))
    for mode, each in ratios.items():
        spread = (f" (median of {len(each)} rounds, {min(each):.2f}-{max(each):.2f})"
                  if len(each) > 1 else "")
        print(f"{database:<10} ratio: signals import / raw {mode} = "
              f"{statistics.median(each):.2f}{spread}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--repeats", type=int, default=3,
                        help="rounds of raw writes and learnloop's first signals import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="learnloop-bench-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        files = generate(folder, people=args.people, signals=args.signals)
        print(f"generated {args.people:,} people and {args.signals:,} signals "
              f"in {time.perf_counter() - started:.1f}s")
        backends = [("sqlite", f"sqlite:///{folder / 'bench.db'}", None)]
        if not args.sqlite_only and (found := postgres_database()) is not None:
            backends.append(("postgresql", found[0], found[1]))
        for name, url, drop in backends:
            try:
                measure(name, url, folder / f"home-{name}", files,
                        repeats=max(args.repeats, 1))
            finally:
                if drop is not None:
                    drop()


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "--raw":
        raw_child(*sys.argv[2:])
    else:
        main()
