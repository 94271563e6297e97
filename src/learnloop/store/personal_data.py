"""Where a person's data lives, and the SQL that finds, deletes or rewrites it for their rights.

Generic by design: every foreign key to `people.id` has a declared policy (a test fails for one
without), and every text and JSON column of every organisation's table is searched for the
person's key, name and email, so a table added later cannot silently keep them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Engine,
    MetaData,
    Select,
    String,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from learnloop.store import tables
from learnloop.store.team_weeks import cells_of_rows, recompute_cells

__all__ = [
    "PERSON_REFERENCES",
    "PLACEHOLDER",
    "Mention",
    "Policy",
    "clear_person_references",
    "delete_person",
    "needs_of",
    "proficiencies_of",
    "zeroing_deleted_content",
    "delete_person_signals",
    "demographics_of",
    "evidence_of",
    "forget_erased_pages",
    "groups_of",
    "named_row",
    "person_by_key",
    "person_reference_columns",
    "person_signal_rows",
    "rows_mentioning",
    "scrub_mentions",
    "searched_columns",
    "tokens_of",
    "unscoped_tables",
]

PLACEHOLDER = "[erased]"


class Policy(StrEnum):
    """What erasing a person does to a row that refers to them by `people.id`."""

    DELETE = "delete"  # the row is about the person: it goes with them
    NULL = "null"  # the row is someone else's: it stays, without the reference


PERSON_REFERENCES: dict[str, Policy] = {
    "people.manager_id": Policy.NULL,  # their reports stay, with no manager
    "skill_evidence.person_id": Policy.DELETE,
    "evidence_packs.person_id": Policy.DELETE,  # their evidence, packed for the skills agent
    "proficiencies.person_id": Policy.DELETE,  # the skills agent's belief about them
    "api_tokens.person_id": Policy.DELETE,
    "deliveries.person_id": Policy.DELETE,  # messages to them, with their answers
    "review_items.person_id": Policy.DELETE,  # their review schedule
    "delivery_preferences.person_id": Policy.DELETE,
    "practice_attempts.person_id": Policy.DELETE,  # their role-play transcripts
    "intervention_assignments.person_id": Policy.DELETE,  # their group in an intervention
    "demographics.person_id": Policy.DELETE,  # their demographic attributes
}

# A row whose own identifying key names the person is about them: deleted, not rewritten
# (a person-level signal's derived key reads like `crm|metric|p:TW1002|…`). The detections in a
# person's own series go by their subject (store/sensing_series.delete_person_detections);
# a team detection that names them among who moved is rewritten like any other mention.
_DELETED_WHEN_NAMED = {"signals": "key"}

# Never searched: hashed secrets, and closed vocabularies (a person keyed `admin` must not turn
# every admin token's role into "[erased]").
_UNSEARCHED = frozenset({
    "api_tokens.secret_hash", "api_tokens.prefix", "api_tokens.role", "events.kind",
    "events.subject_type", "kpis.direction", "role_requirements.criticality",
    "signals.subject_type", "skill_evidence.kind", "source_documents.kind",
    "source_versions.content_hash", "source_versions.format",
    "intervention_assignments.arm", "interventions.source", "demographics.attribute",
})
# Never rewritten: the erased person's own row goes whole, and another person's record is their
# own data even when it shares a name; the organisation is not a person's.
_UNSEARCHED_TABLES = frozenset({"people", "organisations"})


def person_reference_columns(metadata: MetaData = tables.Base.metadata) -> list[str]:
    """Every `table.column` holding a foreign key to `people.id`."""
    return sorted(f"{table.name}.{key.parent.name}" for table in metadata.tables.values()
                  for key in table.foreign_keys if key.column.table.name == "people")


def searched_columns(table: Table) -> list[Any]:
    """The text and JSON columns of `table` that may hold a person's key, name or email."""
    if table.name in _UNSEARCHED_TABLES:
        return []
    return [column for column in table.columns
            if isinstance(column.type, String | JSON)
            and f"{table.name}.{column.name}" not in _UNSEARCHED]


def _scope(table: Table, organisation_id: int) -> ColumnElement[bool] | None:
    """Rows of one organisation: by its own column, or through the parent it belongs to."""
    if "organisation_id" in table.c:
        return table.c.organisation_id == organisation_id
    for key in table.foreign_keys:
        parent = key.column.table
        if "organisation_id" in parent.c:
            owned = select(key.column).where(parent.c.organisation_id == organisation_id)
            return key.parent.in_(owned)
    return None


def unscoped_tables(metadata: MetaData = tables.Base.metadata) -> list[str]:
    """Tables with searchable text that no organisation scope reaches (a test keeps it empty)."""
    return sorted(table.name for table in metadata.tables.values()
                  if searched_columns(table) and _scope(table, 0) is None)


@dataclass(frozen=True, slots=True)
class Mention:
    """How a person is written down: their key, name and email, as whole words in any case."""

    terms: tuple[str, ...]

    @classmethod
    def of(cls, *terms: str | None) -> Mention:
        found = {term.strip() for term in terms if term and term.strip()}
        # longest first, so an email wins over a key it contains
        return cls(tuple(sorted(found, key=lambda term: (-len(term), term))))

    @property
    def _pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(term) for term in self.terms)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def needles(self) -> set[str]:
        """What to look for in the stored text: each term, and as JSON escapes it."""
        return {form for term in self.terms for form in (term, json.dumps(term)[1:-1])}

    def found_in(self, value: Any) -> bool:
        return self.scrubbed(value) != value

    def scrubbed(self, value: Any) -> Any:
        """`value` with every mention replaced by the placeholder, inside JSON documents too."""
        if isinstance(value, str):
            return self._pattern.sub(PLACEHOLDER, value)
        if isinstance(value, dict):
            return {self.scrubbed(key): self.scrubbed(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.scrubbed(item) for item in value]
        return value


def person_by_key(session: Session, *, organisation_id: int, key: str) -> tables.Person | None:
    return session.scalar(select(tables.Person).where(
        tables.Person.organisation_id == organisation_id, tables.Person.key == key))


def named_row(session: Session, table: type[Any], row_id: int | None) -> dict[str, str] | None:
    """A team's, role's or person's key and name, by id."""
    row = None if row_id is None else session.get(table, row_id)
    return None if row is None else {"key": row.key, "name": row.name}


def evidence_of(session: Session, *, person_id: int) -> list[tuple[tables.SkillEvidence, str]]:
    """The person's skill evidence with each skill's key, oldest first."""
    rows = session.execute(
        select(tables.SkillEvidence, tables.Skill.key)
        .join(tables.Skill, tables.Skill.id == tables.SkillEvidence.skill_id)
        .where(tables.SkillEvidence.person_id == person_id)
        .order_by(tables.SkillEvidence.observed_on, tables.SkillEvidence.id))
    return [(evidence, skill) for evidence, skill in rows]


def demographics_of(session: Session, *, person_id: int) -> dict[str, str]:
    """The person's demographic attributes (attribute → value)."""
    return dict(session.execute(select(tables.Demographic.attribute, tables.Demographic.value)
                                .where(tables.Demographic.person_id == person_id)
                                .order_by(tables.Demographic.attribute)).all())


def groups_of(session: Session, *, person_id: int) -> list[tuple[int, str]]:
    """(intervention id, group) of every intervention the person was assigned in."""
    table = tables.InterventionAssignment
    return [(intervention_id, arm) for intervention_id, arm in session.execute(
        select(table.intervention_id, table.arm).where(table.person_id == person_id)
        .order_by(table.intervention_id))]
def proficiencies_of(session: Session, *, person_id: int) -> list[dict[str, Any]]:
    """The skills agent's estimates of the person's levels, by skill key."""
    row = tables.Proficiency
    return [dict(found) for found in session.execute(
        select(tables.Skill.key.label("skill"), row.level, row.lower, row.upper,
               row.evidence, row.as_of)
        .join(tables.Skill, tables.Skill.id == row.skill_id)
        .where(row.person_id == person_id).order_by(tables.Skill.key)).mappings()]


def needs_of(session: Session, *, organisation_id: int, mention: Mention,
             key: str) -> list[dict[str, Any]]:
    """The learning needs whose population names the person, in rank order."""
    rows = rows_mentioning(session, tables.Need.__table__, organisation_id=organisation_id,
                           mention=mention)
    return sorted((row for row in rows if key in (row["person_keys"] or [])),
                  key=lambda row: (row["rank"], row["id"]))


def tokens_of(session: Session, *, person_id: int) -> list[tables.ApiToken]:
    return list(session.scalars(select(tables.ApiToken).where(
        tables.ApiToken.person_id == person_id).order_by(tables.ApiToken.id)))


def delete_person(session: Session, person: tables.Person) -> None:
    session.delete(person)
    session.flush()


@contextmanager
def zeroing_deleted_content(session: Session) -> Iterator[None]:
    """On SQLite, overwrite deleted content with zeros rather than leave it in free pages
    (`PRAGMA secure_delete`, this connection only); PostgreSQL's VACUUM does the same later."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA secure_delete = OFF")


def forget_erased_pages(engine: Engine) -> None:
    """After an erasure has committed: on SQLite, copy the write-ahead log into the database and
    empty it, so the old page images that still held the person are gone from disk too."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _candidates(table: Table, *, organisation_id: int, mention: Mention) -> Select[Any] | None:
    """Rows of `table` whose text may mention the person (the database's coarse, index-free
    filter; `Mention.found_in` decides)."""
    columns = searched_columns(table)
    scope = _scope(table, organisation_id)
    if not columns or scope is None or not mention.terms:
        return None
    # one haystack per row, so each needle is one comparison (a newline never joins a match)
    texts = [func.coalesce(cast(column, Text) if isinstance(column.type, JSON) else column, "")
             for column in columns]
    haystack = texts[0]
    for more in texts[1:]:
        haystack = haystack + "\n" + more
    contains = [haystack.icontains(needle, autoescape=True) for needle in sorted(mention.needles())]
    return select(table).where(scope, or_(*contains))


def rows_mentioning(session: Session, table: Table, *, organisation_id: int,
                    mention: Mention) -> list[dict[str, Any]]:
    """Every row of one organisation in `table` whose text mentions the person."""
    query = _candidates(table, organisation_id=organisation_id, mention=mention)
    if query is None:
        return []
    columns = searched_columns(table)
    return [dict(row) for row in session.execute(query).mappings()
            if any(mention.found_in(row[column.name]) for column in columns)]


def clear_person_references(session: Session, *, person_id: int) -> dict[str, int]:
    """Apply each declared policy to the rows referring to the person; counts by `table.column`."""
    metadata = tables.Base.metadata
    counts: dict[str, int] = {}
    for reference in person_reference_columns(metadata):
        table_name, column_name = reference.split(".")
        table = metadata.tables[table_name]
        column = table.c[column_name]
        policy = PERSON_REFERENCES[reference]  # KeyError: a reference without a policy
        if policy is Policy.DELETE:
            statement = delete(table).where(column == person_id)
        else:
            statement = update(table).where(column == person_id).values({column_name: None})
        counts[reference] = session.execute(statement).rowcount or 0
    return counts


def person_signal_rows(session: Session, *, organisation_id: int, person_id: int,
                       mention: Mention) -> list[dict[str, Any]]:
    """The person's own signals: about them as subject, or keyed by their key."""
    signals = tables.Signal.__table__
    about = session.execute(select(signals).where(
        signals.c.organisation_id == organisation_id, signals.c.subject_type == "person",
        signals.c.subject_id == person_id)).mappings()
    found = {row["id"]: dict(row) for row in about}
    for row in rows_mentioning(session, signals, organisation_id=organisation_id,
                               mention=mention):
        if mention.found_in(row["key"]):
            found.setdefault(row["id"], row)
    return [found[key] for key in sorted(found)]


def delete_person_signals(session: Session, *, organisation_id: int, person_id: int,
                          mention: Mention) -> int:
    ids = [row["id"] for row in person_signal_rows(
        session, organisation_id=organisation_id, person_id=person_id, mention=mention)]
    cells = cells_of_rows(session, organisation_id=organisation_id, signal_ids=ids)
    for start in range(0, len(ids), 500):
        session.execute(delete(tables.Signal).where(tables.Signal.id.in_(ids[start:start + 500])))
    recompute_cells(session, organisation_id=organisation_id, cells=cells)
    return len(ids)


@contextmanager
def _event_scrub_permit(session: Session, organisation_id: int) -> Iterator[None]:
    """The one way past the event log's triggers: a permit row that never outlives the
    transaction that wrote it (see migration 0005). In a savepoint, so a failure takes the
    permit with it even if the caller carries on; a second erasure in the same organisation
    waits on the permit's primary key until the first one's transaction ends."""
    permits = tables.EventScrubPermit.__table__
    with session.begin_nested():
        session.execute(insert(permits).values(organisation_id=organisation_id))
        yield
        session.execute(delete(permits).where(permits.c.organisation_id == organisation_id))


def _rewrite(session: Session, table: Table, rows: list[dict[str, Any]],
             mention: Mention) -> int:
    """Replace the mentions in `rows`' text columns, row by primary key, in one executemany."""
    if not rows:
        return 0
    keys = [column.name for column in table.primary_key.columns]
    names = [column.name for column in searched_columns(table)]
    statement = (update(table)
                 .where(*(table.c[key] == bindparam(f"old_{key}") for key in keys))
                 .values({name: bindparam(f"new_{name}") for name in names}))
    parameters = [{**{f"old_{key}": row[key] for key in keys},
                   **{f"new_{name}": mention.scrubbed(row[name]) for name in names}}
                  for row in rows]
    session.connection().execute(statement, parameters)
    return len(rows)


def scrub_mentions(session: Session, *, organisation_id: int,
                   mention: Mention) -> dict[str, int]:
    """Rewrite every mention of the person in the organisation's rows, the event log included;
    rows named after the person are deleted instead. Counts of rows changed, by table."""
    counts: dict[str, int] = {}
    for table in tables.Base.metadata.sorted_tables:
        rows = rows_mentioning(session, table, organisation_id=organisation_id, mention=mention)
        if not rows:
            continue
        named_by = _DELETED_WHEN_NAMED.get(table.name)
        if named_by is not None:
            doomed = {row["id"] for row in rows if mention.found_in(row[named_by])}
            session.execute(delete(table).where(table.c.id.in_(sorted(doomed))))
            rows = [row for row in rows if row["id"] not in doomed]
        if table.name == tables.Event.__tablename__:
            with _event_scrub_permit(session, organisation_id):
                counts[table.name] = _rewrite(session, table, rows, mention)
        else:
            counts[table.name] = _rewrite(session, table, rows, mention)
    return {name: count for name, count in counts.items() if count}
