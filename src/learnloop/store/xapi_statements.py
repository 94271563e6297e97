"""xAPI statements in the database: written in bulk, read by id or through the filter indexes.

One multi-row INSERT per batch (ON CONFLICT DO NOTHING, RETURNING the new `seq`s) and one for the
agents and activities each names; a filtered read walks one index newest (or oldest) first, then
adds the statements that target a match through a StatementRef (Communication 2.1.3).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from psycopg import RawCursor
from sqlalchemy import (
    BindParameter,
    Integer,
    Select,
    Text,
    TextClause,
    and_,
    bindparam,
    cast,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from learnloop.store.tables import XapiStatement, XapiStatementRef

__all__ = ["NewStatement", "StatementFilter", "count_after", "delete_statements",
           "find_statements", "insert_statements",
           "last_seq", "mark_voided", "ref_hash", "statement_document", "stored_documents",
           "statements_after", "documents_naming"]

_STATEMENTS = XapiStatement.__table__
_REFS = XapiStatementRef.__table__


@lru_cache(maxsize=16_384)  # agents and activities recur from statement to statement
def ref_hash(key: str) -> int:
    """What xapi_statement_refs stores for an agent or activity key: the first 8 bytes of its
    MD5, a signed 64-bit integer (migration 0020 computes the same in SQL on PostgreSQL). Two
    keys sharing a hash is a chance of about 1 in 10^10 among a million distinct keys."""
    return int.from_bytes(hashlib.md5(key.encode(), usedforsecurity=False).digest()[:8], "big",
                          signed=True)


@dataclass(frozen=True, slots=True)
class NewStatement:
    """A checked, stamped statement and what its filters need."""

    statement_id: str
    verb_id: str
    registration: str | None
    voids: str | None
    stored: datetime
    document: dict[str, Any]
    refs: dict[str, bool]


@dataclass(frozen=True, slots=True)
class StatementFilter:
    """The Statements resource's query: each field None means 'any'."""

    agent: str | None = None
    related_agents: bool = False
    verb: str | None = None
    activity: str | None = None
    related_activities: bool = False
    registration: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    client_id: int | None = None  # statements/read/mine: only the client's own
    ascending: bool = False
    after_seq: int | None = None  # paging: strictly after this seq in the order asked
    bound_seq: int | None = None  # paging: nothing stored after the first page was read


def stored_documents(session: Session, *, organisation_id: int,
                     statement_ids: Sequence[str]) -> dict[str, str]:
    """The JSON text of each of these ids already stored (usually none: one index probe each)."""
    if not statement_ids:
        return {}
    rows = session.execute(
        select(_STATEMENTS.c.statement_id, cast(_STATEMENTS.c.document, Text))
        .where(_STATEMENTS.c.organisation_id == organisation_id,
               _STATEMENTS.c.statement_id.in_(list(statement_ids))))
    return {statement_id: text for statement_id, text in rows}


# rows per multi-row INSERT: 10 parameters each (refs: 4), well under SQLite's 32,766
_ROWS_PER_INSERT = 500
_REFS_PER_INSERT = 5000
_COLUMNS = ("organisation_id", "statement_id", "client_id", "verb_id", "registration", "voids",
            "voided", "stored", "statement_ref", "document")


def statement_ref_of(document: dict[str, Any]) -> str | None:
    """The id of the statement this one targets: its object's, when that is a StatementRef."""
    target = document["object"]
    return target["id"] if target.get("objectType") == "StatementRef" else None


def _stored_value(moment: datetime, *, sqlite: bool) -> Any:
    # SQLite keeps UtcDateTime as naive UTC text in SQLAlchemy's format, which filters compare
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment


def _statement_rows(statements: Sequence[NewStatement], *, organisation_id: int,
                    client_id: int | None, sqlite: bool) -> list[tuple[Any, ...]]:
    """Each statement's row, its values in _COLUMNS' order (the document as JSON text)."""
    stored_values: dict[datetime, Any] = {}  # a batch shares one `stored`: formatted once
    rows = []
    for item in statements:
        stored = stored_values.get(item.stored)
        if stored is None:
            stored = stored_values[item.stored] = _stored_value(item.stored, sqlite=sqlite)
        rows.append((organisation_id, item.statement_id, client_id, item.verb_id,
                     item.registration, item.voids, False, stored,
                     statement_ref_of(item.document), orjson.dumps(item.document).decode()))
    return rows


def insert_statements(session: Session, *, organisation_id: int, client_id: int | None,
                      statements: Sequence[NewStatement]) -> set[str]:
    """Insert the statements and their refs; return the ids that were already stored (by a
    concurrent transaction that committed first), which were left as they were.

    Like store/bulk.py, this writes through the driver: per-row ORM or Core parameter
    processing would cost more than the database's own work. exec_driver_sql still fires the
    engine's events, so SQLite's write gate and BEGIN IMMEDIATE hold.
    """
    if not statements:
        return set()
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    rows = _statement_rows(statements, organisation_id=organisation_id, client_id=client_id,
                           sqlite=sqlite)
    refs = [(item.statement_id, ref_hash(ref), direct)
            for item in statements for ref, direct in item.refs.items()]
    write = _insert_sqlite if sqlite else _insert_postgresql
    written = write(connection, organisation_id=organisation_id, rows=rows, refs=refs)
    return {item.statement_id for item in statements} - written


def _insert_sqlite(connection: Any, *, organisation_id: int, rows: list[tuple[Any, ...]],
                   refs: list[tuple[str, int, bool]]) -> set[str]:
    """The rows (a multi-row INSERT per 500), then their refs (one per 5,000), each a single
    step; the ids of the rows written (those already stored are skipped).

    Why not INSERT … RETURNING and an executemany: SQLite's write gate is held from the first
    INSERT to the commit, and Python's sqlite3 gives up the GIL at every row it steps through
    (each RETURNING row, each executemany row). With other requests' threads busy, winning the
    GIL back costs up to a switch interval each time, and the gate waits with it.
    """
    row_marks = "(" + ", ".join(["?"] * len(_COLUMNS)) + ")"
    seq_of: dict[str, int] = {}
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start:start + _ROWS_PER_INSERT]
        written = connection.exec_driver_sql(
            f"INSERT INTO xapi_statements ({', '.join(_COLUMNS)}) VALUES "
            + ", ".join([row_marks] * len(chunk))
            + " ON CONFLICT (organisation_id, statement_id) DO NOTHING",
            tuple(value for row in chunk for value in row))
        # the write lock is held (BEGIN IMMEDIATE): the rows inserted took the seqs after the
        # largest one before, in the order given, the last being the last row id SQLite reports
        inserted = written.rowcount
        first = (written.lastrowid or 0) - inserted + 1
        if inserted == len(chunk):
            seq_of.update((row[1], first + index) for index, row in enumerate(chunk))
        elif inserted:  # some were stored already: ask which
            seq_of.update(connection.exec_driver_sql(
                "SELECT statement_id, seq FROM xapi_statements WHERE seq >= ?",
                (first,)).all())
    named = [(organisation_id, ref, seq_of[statement_id], direct)
             for statement_id, ref, direct in refs if statement_id in seq_of]
    for start in range(0, len(named), _REFS_PER_INSERT):
        chunk_refs = named[start:start + _REFS_PER_INSERT]
        connection.exec_driver_sql(
            "INSERT INTO xapi_statement_refs (organisation_id, ref, statement_seq, direct) "
            "VALUES " + ", ".join(["(?, ?, ?, ?)"] * len(chunk_refs)),
            tuple(value for ref_row in chunk_refs for value in ref_row))
    return set(seq_of)


def _insert_postgresql(connection: Any, *, organisation_id: int, rows: list[tuple[Any, ...]],
                       refs: list[tuple[str, int, bool]]) -> set[str]:
    """The rows and their refs in one statement per 500 rows (a data-modifying WITH: the refs
    join the seqs the INSERT returns), one round trip each; the ids of the rows written.

    Sent with PostgreSQL's own `$n` placeholders on a raw cursor (in the connection's
    transaction): psycopg rewrites `%s` placeholders with a regular expression and caches the
    result only for short queries, and a 100-row INSERT's rewrite took a fifth of the server's
    CPU in a batch POST."""
    refs_of: dict[str, list[tuple[int, bool]]] = {}
    for statement_id, ref, direct in refs:
        refs_of.setdefault(statement_id, []).append((ref, direct))
    written: set[str] = set()
    with RawCursor(connection.connection.driver_connection) as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start:start + _ROWS_PER_INSERT]
            chunk_refs = [(row[1], ref, direct) for row in chunk
                          for ref, direct in refs_of.get(row[1], ())]
            parameters = [value for row in chunk for value in row]
            # the refs as three texts split in SQL: psycopg dumps a list element by element in
            # Python (a regular expression per text), ~10 us of a batched statement's CPU
            ids = ",".join([item[0] for item in chunk_refs])
            if ids.count(",") != max(len(chunk_refs) - 1, 0):  # ids are checked UUIDs
                raise ValueError("a statement id holds a comma")
            parameters += [organisation_id, ids, ",".join([str(item[1]) for item in chunk_refs]),
                           "".join(["t" if item[2] else "f" for item in chunk_refs])]
            cursor.execute(_postgresql_insert(len(chunk)), parameters)
            written.update(statement_id for (statement_id,) in cursor.fetchall())
    return written


@lru_cache(maxsize=16)
def _postgresql_insert(rows: int) -> str:
    """_insert_postgresql's statement for `rows` rows, in `$n` placeholders: the rows' values in
    _COLUMNS' order (the document cast to JSONB), then the organisation and the refs' statement
    ids (UUIDs: no commas) and hashes, each joined by commas, and `direct` flags as one letter
    each (t or f)."""
    width = len(_COLUMNS)
    values = ", ".join(
        "(" + ", ".join(f"${row * width + column + 1}" for column in range(width - 1))
        + f", ${row * width + width}::jsonb)" for row in range(rows))
    after = rows * width
    return (f"WITH new AS (INSERT INTO xapi_statements ({', '.join(_COLUMNS)}) VALUES {values}"
            " ON CONFLICT (organisation_id, statement_id) DO NOTHING"
            " RETURNING seq, statement_id), "
            "named AS (INSERT INTO xapi_statement_refs "
            "(statement_seq, ref, organisation_id, direct) "
            f"SELECT new.seq, r.ref, ${after + 1}, r.direct FROM new JOIN unnest("
            f"string_to_array(${after + 2}::text, ','), "
            f"string_to_array(${after + 3}::text, ',')::bigint[], "
            f"string_to_array(${after + 4}::text, NULL)::boolean[]) "
            "AS r(statement_id, ref, direct) ON r.statement_id = new.statement_id) "
            "SELECT statement_id FROM new")


def delete_statements(session: Session, *, organisation_id: int,
                      statements: Sequence[NewStatement]) -> None:
    """Remove these statements and their refs (a batch undone in its own transaction). A ref
    row goes when both its key and its seq are among theirs: only these statements hold those
    seqs."""
    if not statements:
        return
    s = _STATEMENTS.c
    seqs = list(session.scalars(select(s.seq).where(
        s.organisation_id == organisation_id,
        s.statement_id.in_([item.statement_id for item in statements]))))
    if not seqs:
        return
    keys = sorted({ref_hash(key) for item in statements for key in item.refs})
    session.execute(_REFS.delete().where(_REFS.c.organisation_id == organisation_id,
                                         _REFS.c.ref.in_(keys),
                                         _REFS.c.statement_seq.in_(seqs)))
    session.execute(_STATEMENTS.delete().where(s.seq.in_(seqs)))


def mark_voided(session: Session, *, organisation_id: int, statement_ids: Sequence[str]) -> None:
    """Void these statements, unless a target is itself a voiding statement (never voided)."""
    if statement_ids:
        session.execute(update(_STATEMENTS).where(
            _STATEMENTS.c.organisation_id == organisation_id,
            _STATEMENTS.c.statement_id.in_(list(statement_ids)),
            _STATEMENTS.c.voids.is_(None)).values(voided=True))


def statement_document(session: Session, *, organisation_id: int, statement_id: str,
                       voided: bool, client_id: int | None = None) -> str | None:
    """One statement's JSON text: a live one (voided=False) or a voided one (voided=True)."""
    query = select(cast(_STATEMENTS.c.document, Text)).where(
        _STATEMENTS.c.organisation_id == organisation_id,
        _STATEMENTS.c.statement_id == statement_id, _STATEMENTS.c.voided.is_(voided))
    if client_id is not None:
        query = query.where(_STATEMENTS.c.client_id == client_id)
    return session.scalar(query)


_LAST_SEQ = select(func.coalesce(func.max(_STATEMENTS.c.seq), 0))


def last_seq(session: Session) -> int:
    """The newest statement's seq this transaction sees, in any organisation (0 when there is
    none): one step down the primary key, where a per-organisation max would scan an index."""
    return session.connection().execute(_LAST_SEQ).scalar() or 0


def _content_conditions(query: Select, statements: Any, *, organisation_id: int,
                        where: StatementFilter) -> tuple[Select, Any]:
    """The query narrowed to statements matching `where`'s agent, verb, activity and
    registration, and the column to order by: the refs index's seq when one is joined, so the
    database walks that index instead of looking at statements that name others."""
    order = statements.c.seq
    for key, related in ((where.agent, where.related_agents),
                         (where.activity, where.related_activities)):
        if key is None:
            continue
        ref = _REFS.alias()
        if not isinstance(key, BindParameter):  # a page query's key is hashed as it is bound
            key = ref_hash(key)
        condition = and_(ref.c.statement_seq == statements.c.seq,
                         ref.c.organisation_id == organisation_id, ref.c.ref == key)
        if not related:
            condition = and_(condition, ref.c.direct.is_(True))
        query = query.join(ref, condition)
        if order is statements.c.seq:
            order = ref.c.statement_seq
    if where.verb is not None:
        query = query.where(statements.c.verb_id == where.verb)
    if where.registration is not None:
        query = query.where(statements.c.registration == where.registration)
    return query, order


def _seq_range(where: StatementFilter) -> tuple[int | None, int | None]:
    """The seqs a page may hold, (above, up to): after the previous page in the order asked,
    and nothing stored after the first page was read."""
    if where.ascending:
        return where.after_seq, where.bound_seq
    high = where.bound_seq
    if where.after_seq is not None:
        high = where.after_seq - 1 if high is None else min(high, where.after_seq - 1)
    return None, high


def _returned_conditions(query: Select, seq: Any, *, where: StatementFilter,
                         seqs: tuple[int | None, int | None]) -> Select:
    """What applies to a statement returned whatever matched: live, stored in the time asked,
    the client's own (statements/read/mine), its seq in the range (above, up to]."""
    s = _STATEMENTS.c
    query = query.where(s.voided.is_(False))
    if where.since is not None:
        query = query.where(s.stored > where.since)
    if where.until is not None:
        query = query.where(s.stored <= where.until)
    if where.client_id is not None:
        query = query.where(s.client_id == where.client_id)
    above, up_to = seqs
    if above is not None:
        query = query.where(seq > above)
    if up_to is not None:
        query = query.where(seq <= up_to)
    return query


def _has_content_filter(where: StatementFilter) -> bool:
    return any(value is not None for value in (where.agent, where.verb, where.activity,
                                               where.registration))


# statement ids per IN list when checking targets
_IDS_PER_QUERY = 500
_NO_SEQ_ABOVE = 2**62
# whether any statement in a seq range targets another (the partial index
# ix_xapi_statements_targeting); a constant text, so no query is built per request
_ANY_TARGETING = text(
    "SELECT 1 FROM xapi_statements WHERE organisation_id = :organisation_id"
    " AND statement_ref IS NOT NULL AND seq > :above AND seq <= :up_to LIMIT 1")


def _targeting(session: Session, *, organisation_id: int, where: StatementFilter,
               seqs: tuple[int | None, int | None], limit: int) -> list[tuple[int, str]]:
    """Statements whose StatementRef object targets (directly or through other StatementRefs)
    a statement matching `where`'s agent, verb, activity and registration, a voided one
    included (Communication 2.1.3 and 2.1.4).

    The walk starts from the statements in the seq range that target another (the partial
    index ix_xapi_statements_targeting: none, usually, so one empty probe) and follows their targets
    (UNION ends a cycle of references); only then are the statements reached checked against
    the filter, by id. It costs what the targeting statements number, never what the filter
    matches (50,000 statements for one verb at a million)."""
    s = _STATEMENTS.c
    above, up_to = seqs
    if session.connection().execute(_ANY_TARGETING, {
            "organisation_id": organisation_id, "above": -1 if above is None else above,
            "up_to": _NO_SEQ_ABOVE if up_to is None else up_to}).scalar() is None:
        return []  # the usual answer: one probe of an empty partial index
    chain = _returned_conditions(
        select(s.seq.label("seq"), s.statement_ref.label("target"))
        .where(s.organisation_id == organisation_id, s.statement_ref.is_not(None)),
        s.seq, where=where, seqs=seqs).cte("chain", recursive=True)
    hop = _STATEMENTS.alias("hop")
    chain = chain.union(
        select(chain.c.seq, hop.c.statement_ref)
        .join(hop, and_(hop.c.organisation_id == organisation_id,
                        hop.c.statement_id == chain.c.target))
        .where(hop.c.statement_ref.is_not(None)))
    pairs = session.execute(select(chain.c.seq, chain.c.target)).all()
    if not pairs:
        return []
    targets = sorted({target for _, target in pairs})
    targeted = _STATEMENTS.alias("targeted")
    matching: set[str] = set()
    for start in range(0, len(targets), _IDS_PER_QUERY):
        query, _ = _content_conditions(
            select(targeted.c.statement_id).where(
                targeted.c.organisation_id == organisation_id,
                targeted.c.statement_id.in_(targets[start:start + _IDS_PER_QUERY])),
            targeted, organisation_id=organisation_id, where=where)
        matching.update(session.scalars(query))
    found = sorted({seq for seq, target in pairs if target in matching},
                   reverse=not where.ascending)[:limit]
    if not found:
        return []
    return [(seq, text) for seq, text in session.execute(
        select(s.seq, cast(s.document, Text)).where(s.seq.in_(found))
        .order_by(s.seq.asc() if where.ascending else s.seq.desc()))]


# what a query's values are bound as: the filter's fields, the seq range and the limit
_VALUES = ("agent", "verb", "activity", "registration", "since", "until", "client_id")


def _query_shape(where: StatementFilter,
                 seqs: tuple[int | None, int | None]) -> tuple[bool, ...]:
    """What decides the SQL of a page's query: which values are given, and the flags."""
    return (*(getattr(where, name) is not None for name in _VALUES),
            seqs[0] is not None, seqs[1] is not None,
            where.related_agents, where.related_activities, where.ascending)


@lru_cache(maxsize=512)
def _page_query(shape: tuple[bool, ...]) -> Select:
    """The query for one shape of filter, its values bound by name (see _page_values): built
    once per shape, so a request neither builds nor compiles SQL (SQLAlchemy keeps the
    compiled form of the same statement object)."""
    given = dict(zip(_VALUES, shape, strict=False))
    above, up_to, related_agents, related_activities, ascending = shape[len(_VALUES):]
    where = StatementFilter(**{name: bindparam(name) if given[name] else None
                               for name in _VALUES},
                            related_agents=related_agents,
                            related_activities=related_activities, ascending=ascending)
    organisation_id = bindparam("organisation_id")
    s = _STATEMENTS.c
    organisation = s.organisation_id
    if not _has_content_filter(where) and where.since is None and where.until is None:
        # walk the primary key newest (or oldest) first: left to itself, SQLite would read the
        # whole organisation through another index and sort it (a second at 200,000)
        organisation = organisation + 0
    query, order = _content_conditions(
        select(s.seq, cast(s.document, Text)).where(organisation == organisation_id),
        _STATEMENTS, organisation_id=organisation_id, where=where)
    seqs = (bindparam("above") if above else None, bindparam("up_to") if up_to else None)
    return _returned_conditions(query, order, where=where, seqs=seqs).order_by(
        order.asc() if ascending else order.desc()).limit(bindparam("limit", type_=Integer))


def _page_values(where: StatementFilter, seqs: tuple[int | None, int | None], *,
                 organisation_id: int, limit: int) -> dict[str, Any]:
    values = {name: getattr(where, name) for name in _VALUES
              if getattr(where, name) is not None}
    for name in ("agent", "activity"):
        if name in values:
            values[name] = ref_hash(values[name])
    if seqs[0] is not None:
        values["above"] = seqs[0]
    if seqs[1] is not None:
        values["up_to"] = seqs[1]
    return {**values, "organisation_id": organisation_id, "limit": limit}


# PostgreSQL reads the page of a query on one of these alone in two steps, in one round trip:
# its seqs from the filter's index alone, then its statements through xapi_statements_by_seq
# (migration 0022), a bitmap heap scan that has the operating system read their pages side by
# side. A page's ~100 statements lie on ~100 pages spread over the table; read one after the
# other from a disk (a table larger than the cache), they were the whole of a slow GET.
_READ_AHEAD_BY = {
    "agent": ("statement_seq", "xapi_statement_refs", "ref"),
    "activity": ("statement_seq", "xapi_statement_refs", "ref"),
    "verb": ("seq", "xapi_statements", "verb_id"),
    "registration": ("seq", "xapi_statements", "registration"),
}
_MOST_LISTED = 1000  # seqs listed at a time past a stretch of voided statements


def _read_ahead(session: Session, where: StatementFilter) -> str | None:
    """The filter a page is read ahead by (see _READ_AHEAD_BY), or None: on PostgreSQL, one
    content filter with nothing else that only the statement's row knows (since, until, the
    client's own)."""
    given = [name for name in _READ_AHEAD_BY if getattr(where, name) is not None]
    if (len(given) == 1 and where.since is None and where.until is None
            and where.client_id is None and session.connection().dialect.name == "postgresql"):
        return given[0]
    return None


@lru_cache(maxsize=64)
def _read_ahead_query(name: str, *, direct: bool, above: bool, up_to: bool,
                      ascending: bool) -> TextClause:
    """The page's seqs (`limit` of them, voided or not) listed from the filter's index, and
    the live statements among them: one row each, or one row of NULLs when none is live;
    every row also says how many seqs were listed and the last of them. Its values are
    `_page_values`' (the filter's bound by its own name)."""
    seq, table, column = _READ_AHEAD_BY[name]
    listed = ["organisation_id = :organisation_id", f"{column} = :{name}"]
    if direct:
        listed.append("direct IS true")
    if above:
        listed.append(f"{seq} > :above")
    if up_to:
        listed.append(f"{seq} <= :up_to")
    return text(
        f"WITH page AS MATERIALIZED (SELECT ARRAY(SELECT {seq} FROM {table} "
        f"WHERE {' AND '.join(listed)} ORDER BY {seq} {'ASC' if ascending else 'DESC'} "
        "LIMIT :limit) AS seqs) "
        "SELECT found.seq, found.document, cardinality(page.seqs) AS listed, "
        "page.seqs[cardinality(page.seqs)] AS last FROM page "
        "LEFT JOIN LATERAL xapi_statements_by_seq(:organisation_id, page.seqs) AS found ON true")


def _page_read_ahead(session: Session, name: str, *, organisation_id: int,
                     where: StatementFilter, seqs: tuple[int | None, int | None],
                     limit: int) -> list[tuple[int, str]]:
    """The page as `_page_query` reads it, in two steps by the filter `name` (see
    _READ_AHEAD_BY); voided statements among the seqs listed are made up for by listing on
    past the last."""
    related = {"agent": where.related_agents, "activity": where.related_activities}
    direct = name in related and not related[name]
    rows: list[tuple[int, str]] = []
    listing = limit
    while len(rows) < limit:
        found = session.connection().execute(
            _read_ahead_query(name, direct=direct, above=seqs[0] is not None,
                              up_to=seqs[1] is not None, ascending=where.ascending),
            _page_values(where, seqs, organisation_id=organisation_id, limit=listing)).all()
        live = sorted(((seq, document) for seq, document, _, _ in found if seq is not None),
                      reverse=not where.ascending)
        rows.extend(live[:limit - len(rows)])
        listed, last = found[0][2], found[0][3]
        if listed < listing:
            break  # the index holds no more
        # some listed were voided: the page goes on past the last listed
        seqs = (last, seqs[1]) if where.ascending else (seqs[0], last - 1)
        listing = min(listing * 2, max(limit, _MOST_LISTED))  # a long stretch voided: faster
    return rows


def find_statements(session: Session, *, organisation_id: int, where: StatementFilter,
                    limit: int) -> list[tuple[int, str]]:
    """Up to `limit` (seq, JSON text) of live statements matching `where`, in its order: those
    that match themselves (one index range scan), merged with those that target a matching
    statement through a StatementRef (Communication 2.1.3; only when the query filters on more
    than time, as every statement matches otherwise)."""
    seqs = _seq_range(where)
    read_ahead_by = _read_ahead(session, where)
    if read_ahead_by:
        rows = _page_read_ahead(session, read_ahead_by, organisation_id=organisation_id,
                                where=where, seqs=seqs, limit=limit)
    else:
        rows = [(seq, text) for seq, text in session.connection().execute(
            _page_query(_query_shape(where, seqs)),
            _page_values(where, seqs, organisation_id=organisation_id, limit=limit))]
    if not _has_content_filter(where):
        return rows
    if len(rows) == limit:  # a targeting statement past the last direct match is not needed
        above, up_to = seqs
        last = rows[-1][0]
        seqs = (above, last - 1) if where.ascending else (last, up_to)
    extra = _targeting(session, organisation_id=organisation_id, where=where, seqs=seqs,
                       limit=limit)
    if not extra:
        return rows
    merged = dict(rows) | dict(extra)
    return sorted(merged.items(), reverse=not where.ascending)[:limit]


def statements_after(session: Session, *, organisation_id: int, after_seq: int,
                     limit: int) -> list[tuple[int, str]]:
    """Every statement (voided or not) stored after `after_seq`, oldest first: what forwarding
    sends next."""
    s = _STATEMENTS.c
    return [(seq, text) for seq, text in session.execute(
        select(s.seq, cast(s.document, Text))
        .where(s.organisation_id == organisation_id, s.seq > after_seq)
        .order_by(s.seq).limit(limit))]


def documents_naming(session: Session, *, organisation_id: int, key: str,
                     limit: int) -> list[str]:
    """The newest `limit` statements whose actor or object is `key`, newest first."""
    s = _STATEMENTS.c
    ref = _REFS.c
    return list(session.scalars(
        select(cast(s.document, Text))
        .join(_REFS, and_(ref.statement_seq == s.seq, ref.organisation_id == organisation_id,
                          ref.ref == ref_hash(key), ref.direct.is_(True)))
        .where(s.organisation_id == organisation_id)
        .order_by(ref.statement_seq.desc()).limit(limit)))


def count_after(session: Session, *, organisation_id: int, after_seq: int) -> int:
    """How many statements were stored after `after_seq` (what a forward has yet to send)."""
    s = _STATEMENTS.c
    return session.scalar(select(func.count()).select_from(_STATEMENTS).where(
        s.organisation_id == organisation_id, s.seq > after_seq)) or 0
