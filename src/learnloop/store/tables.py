"""The database schema as SQLAlchemy 2 declarative tables; migrations create exactly this.

Every organisational row carries `organisation_id` and the organisation's own `key`,
unique per organisation, which is what re-imports upsert on.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from learnloop.store.types import BigId, JsonDoc, UtcDateTime

__all__ = [
    "AgentCursor",
    "ApiToken",
    "Base",
    "ChangeLogEntry",
    "ComponentReview",
    "ComponentReviewComment",
    "ComponentReviewDecision",
    "ConsoleSession",
    "ContentComponent",
    "ContentPack",
    "ContentPackComponent",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryPlan",
    "DeliveryPreference",
    "DeliveryRule",
    "Demographic",
    "Detection",
    "Event",
    "EventScrubPermit",
    "ImpactResult",
    "Intervention",
    "InterventionAssignment",
    "Kpi",
    "Need",
    "Objective",
    "ObjectiveSkill",
    "Organisation",
    "Person",
    "PracticeAttempt",
    "Proficiency",
    "PulseResult",
    "Role",
    "ReviewItem",
    "RoleRequirement",
    "SensingState",
    "Signal",
    "Skill",
    "SkillEvidence",
    "SkillHealth",
    "SourceChunk",
    "SourceChunkChange",
    "SourceDocument",
    "SourceVersion",
    "Team",
    "XapiAttachment",
    "XapiClient",
    "XapiDocument",
    "XapiForward",
    "XapiStatement",
    "XapiStatementRef",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JsonDoc}


def _org_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)


def _bulk_org_id(*, index: bool = False) -> Mapped[int]:
    """organisation_id of the tables imports fill by the million (signals, skill evidence).

    No foreign key: on PostgreSQL it costs a trigger call per inserted row, over a third of a
    signals import. Organisations are never deleted, and these rows are only written for the
    organisation the caller's session holds.
    """
    return mapped_column(Integer, index=index)


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200))


class Role(Base):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    hire_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")


class Skill(Base):
    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class RoleRequirement(Base):
    __tablename__ = "role_requirements"
    __table_args__ = (UniqueConstraint("role_id", "skill_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    criticality: Mapped[str] = mapped_column(String(16))


class Objective(Base):
    __tablename__ = "objectives"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str | None] = mapped_column(String(200))
    priority: Mapped[bool] = mapped_column(Boolean)
    weight: Mapped[float] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)
    team_keys: Mapped[list[str]] = mapped_column(JsonDoc, default=list)


class Kpi(Base):
    __tablename__ = "kpis"
    __table_args__ = (UniqueConstraint("objective_id", "metric"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    metric: Mapped[str] = mapped_column(String(128), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str] = mapped_column(String(32), default="")
    target: Mapped[float | None] = mapped_column(Float)


class ObjectiveSkill(Base):
    __tablename__ = "objective_skills"
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True
    )


class Signal(Base):
    __tablename__ = "signals"
    __table_args__ = (
        UniqueConstraint("organisation_id", "key"),
        # value and volume too, so a subject's series is read from the index alone
        Index(
            "ix_signals_series",
            "organisation_id",
            "metric",
            "subject_type",
            "subject_id",
            "observed_at",
            "value",
            "volume",
        ),
        # the sensing agent reads one metric's newest weeks, whatever the subject
        Index("ix_signals_metric_time", "organisation_id", "metric", "observed_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # no foreign key: see _bulk_org_id
    organisation_id: Mapped[int] = _bulk_org_id()
    key: Mapped[str] = mapped_column(String(300))
    metric: Mapped[str] = mapped_column(String(128))
    subject_type: Mapped[str] = mapped_column(String(16))
    # people.id or teams.id by subject_type; NULL for the whole organisation
    subject_id: Mapped[int | None] = mapped_column(Integer)
    observed_at: Mapped[datetime]
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(128))
    # events behind the value (tickets, answers); NULL when the source does not say
    volume: Mapped[float | None] = mapped_column(Float)


class TeamWeek(Base):
    """One team's week of one metric, summed from its signals (`store/team_weeks.py`): kept by
    the signals writer as rows arrive, so the sensing agent reads a team-week, not its rows.

    `subject_type` says whose rows: the team's own (`team`) or its people's (`person`, by the
    team they are in now). Week numbers are `domain.sensing.weeks`'."""

    __tablename__ = "team_weeks"
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    metric: Mapped[str] = mapped_column(String(128), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"),
                                         primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    weighted: Mapped[float] = mapped_column(Float)      # sum of value x weight
    weight: Mapped[float] = mapped_column(Float)        # sum of volume, 1 where it is missing
    volume: Mapped[float | None] = mapped_column(Float)  # sum of the volumes given (NULL: none)
    row_count: Mapped[int] = mapped_column(Integer)


class SkillEvidence(Base):
    __tablename__ = "skill_evidence"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = _bulk_org_id(index=True)
    key: Mapped[str] = mapped_column(String(300))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[float] = mapped_column(Float)
    observed_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(128))


class EvidencePack(Base):
    """One person's evidence packed into one value (`store/evidence_packs.py`): kept by the
    evidence writer, so the skills agent reads a row per person, not per piece of evidence."""

    __tablename__ = "evidence_packs"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    packed: Mapped[bytes] = mapped_column(LargeBinary)


class EvidencePackState(Base):
    """What an organisation's evidence packs hold: their format and the highest evidence id
    they were built with (evidence written some other way shows as a different highest id)."""

    __tablename__ = "evidence_pack_states"
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    format: Mapped[str] = mapped_column(String(200))
    evidence_max_id: Mapped[int] = mapped_column(BigInteger)


class PulseResult(Base):
    __tablename__ = "pulse_results"
    __table_args__ = (
        UniqueConstraint("organisation_id", "survey", "team_id", "question", "period"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    survey: Mapped[str] = mapped_column(String(128))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    period: Mapped[date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)
    responses: Mapped[int] = mapped_column(Integer)


class SourceDocument(Base):
    __tablename__ = "source_documents"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(String(200))
    current_version: Mapped[int] = mapped_column(Integer, default=1)


class SourceVersion(Base):
    __tablename__ = "source_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("source_documents.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]


class Event(Base):
    """Append-only: triggers in the migration refuse UPDATE and DELETE."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_org_kind", "organisation_id", "kind", "id"),
        # what happened to one job, import or person: EventLog.about
        Index("ix_events_subject", "organisation_id", "subject_type", "subject_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100))
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)


class ApiToken(Base):
    """Only a sha256 of the secret is kept; the secret is shown once, at creation."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # what the token may change, space-separated (learnloop.domain.scopes); '' for nothing
    scopes: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AgentCursor(Base):
    """The last event an agent has processed, so its next run starts after it."""

    __tablename__ = "agent_cursors"
    __table_args__ = (UniqueConstraint("organisation_id", "agent"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    agent: Mapped[str] = mapped_column(String(128))
    last_event_id: Mapped[int] = mapped_column(BigId)
    updated_at: Mapped[datetime]


class ConsoleSession(Base):
    """A signed-in console browser. The cookie holds a random id; only its sha256 is kept here,
    and deleting the row (sign-out, token revoked) ends the session for good."""

    __tablename__ = "console_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"),
                                          index=True)
    created_at: Mapped[datetime]


class EventScrubPermit(Base):
    """While the erasing transaction holds a row here, the event log's triggers let it rewrite the
    text of that organisation's events (never their kind, time or existence); see learnloop.privacy.
    """

    __tablename__ = "event_scrub_permits"
    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class Proficiency(Base):
    """The skills agent's belief about a person's level in a skill on `as_of`: the level (0-4)
    and its interval; replaced whole on every run."""

    __tablename__ = "proficiencies"
    # half of each page kept free on PostgreSQL: a day's update of every row then stays on its
    # page (store/proficiency_rows.write_proficiencies)
    __table_args__ = (UniqueConstraint("organisation_id", "person_id", "skill_id"),
                      {"postgresql_with": {"fillfactor": 50}})
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    level: Mapped[float] = mapped_column(Float)
    lower: Mapped[float] = mapped_column(Float)
    upper: Mapped[float] = mapped_column(Float)
    evidence: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)


class ProficiencyState(Base):
    """What the skills agent last wrote for an organisation (`store/proficiency_rows.py`): the
    day, the row counts and a digest of its proficiencies and its skill health, so a run that
    computes the very same results knows it without reading 1.5 million rows back."""

    __tablename__ = "proficiency_states"
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(BigInteger)
    max_id: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str] = mapped_column(String(64))
    health_rows: Mapped[int | None] = mapped_column(Integer, nullable=True)
    health_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SkillHealth(Base):
    """Skill health of one team, role and skill on `as_of` (see domain.proficiencies.health):
    people meeting the requirement with its interval, the chance exactly one person in the team
    holds a critical skill, and the change since `trend_from`; replaced whole on every run."""

    __tablename__ = "skill_health"
    __table_args__ = (UniqueConstraint("organisation_id", "team_id", "role_id", "skill_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    required_level: Mapped[float] = mapped_column(Float)
    people: Mapped[int] = mapped_column(Integer)
    meeting: Mapped[float] = mapped_column(Float)
    lower: Mapped[float] = mapped_column(Float)
    upper: Mapped[float] = mapped_column(Float)
    single_point: Mapped[float | None] = mapped_column(Float, nullable=True)
    change: Mapped[float | None] = mapped_column(Float, nullable=True)
    change_lower: Mapped[float | None] = mapped_column(Float, nullable=True)
    change_upper: Mapped[float | None] = mapped_column(Float, nullable=True)
    as_of: Mapped[date] = mapped_column(Date)
    trend_from: Mapped[date] = mapped_column(Date)


class ChangeLogEntry(Base):
    """What happened in the organisation and when (a process change, an outage, a holiday);
    no team means organisation-wide. The sensing agent uses it to explain and to discount."""

    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"),
                                                index=True)
    description: Mapped[str] = mapped_column(Text, default="")


class Detection(Base):
    """A sustained change the sensing agent found in one series, with its evidence and cause."""

    __tablename__ = "detections"
    __table_args__ = (UniqueConstraint("organisation_id", "subject_type", "subject_key", "metric",
                                       "change_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_key: Mapped[str] = mapped_column(String(128))
    metric: Mapped[str] = mapped_column(String(128))
    direction: Mapped[str] = mapped_column(String(8))
    change_start: Mapped[date] = mapped_column(Date)
    detected_at: Mapped[date] = mapped_column(Date)
    effect: Mapped[float] = mapped_column(Float)
    effect_sd: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    cause: Mapped[str] = mapped_column(String(16))
    skill: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime]


class SensingState(Base):
    """The sensing detector's state for one team's series of one metric, so a new week is
    evaluated without recomputing history; `inputs` fingerprints what the state was built on."""

    __tablename__ = "sensing_states"
    __table_args__ = (UniqueConstraint("organisation_id", "metric", "subject_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    metric: Mapped[str] = mapped_column(String(128))
    subject_key: Mapped[str] = mapped_column(String(128))
    next_week: Mapped[date] = mapped_column(Date)
    inputs: Mapped[str] = mapped_column(String(64))
    state: Mapped[bytes] = mapped_column(LargeBinary)


class Delivery(Base):
    """One message to one person through one channel; `key` is its idempotency key (the same
    delivery asked for twice is one row). `status`: pending → sending → sent, or retrying, dead
    (in the dead-letter list) or in_doubt (a worker stopped mid-send: never resent blindly)."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),
                      Index("ix_deliveries_due", "status", "next_attempt_at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    plan_key: Mapped[str | None] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    why: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    send_after: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    not_relevant_at: Mapped[datetime | None]


class DeliveryAttempt(Base):
    """One try at sending a delivery, recorded (and committed) before the channel is called, so a
    worker that dies mid-send leaves an attempt with no outcome: the delivery is in doubt."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)


class DeliveryPlan(Base):
    """A plan to deliver a pack to a need's population: the hold-out and the schedule, as last
    adjusted; each change is also an event (`delivery.plan_*`)."""

    __tablename__ = "delivery_plans"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    need_key: Mapped[str | None] = mapped_column(String(128))
    pack_key: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    holdout_fraction: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(Integer)
    message: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    assignment: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    schedule: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(200))


class DeliveryRule(Base):
    """A moment-of-need rule: a signal of `metric` crossing `threshold` (or a new detection of
    it) delivers `message` to the people it concerns at once."""

    __tablename__ = "delivery_rules"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(128))
    metric: Mapped[str] = mapped_column(String(128), index=True)
    trigger: Mapped[str] = mapped_column(String(16))
    threshold: Mapped[float | None] = mapped_column(Float)
    message: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class ReviewItem(Base):
    """A flashcard or knowledge-check item one person reviews on an FSRS schedule; `card` is the
    scheduler's state (stability, difficulty, step), `due` when it is next due."""

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("organisation_id", "person_id", "key"),
                      Index("ix_review_items_due", "organisation_id", "due"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    card: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    due: Mapped[datetime]
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    last_rating: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


class DeliveryPreference(Base):
    """How one person wants to be reached: channels in order of preference, a Slack user id, a
    weekly cap on nudges and quiet hours (in their own time zone); unset means the defaults."""

    __tablename__ = "delivery_preferences"
    __table_args__ = (UniqueConstraint("organisation_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channels: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    slack_user: Mapped[str | None] = mapped_column(String(64))
    weekly_cap: Mapped[int | None] = mapped_column(Integer)
    quiet_hours: Mapped[str | None] = mapped_column(String(16))


class PracticeAttempt(Base):
    """One go at a role-play from a delivery: the transcript (counterpart and learner turns) and,
    once finished, the rubric feedback; a learner may start again as often as they like."""

    __tablename__ = "practice_attempts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"),
                                             index=True)
    turns: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    feedback: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class XapiClient(Base):
    """An LRS client: HTTP Basic credentials (the password kept as its sha256) and xAPI scopes."""

    __tablename__ = "xapi_clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class XapiStatement(Base):
    """One xAPI statement, stored once in full (`document`, JSONB on PostgreSQL), with the
    columns the Statements resource filters and pages on; `seq` is the order of storing."""

    __tablename__ = "xapi_statements"
    __table_args__ = (
        UniqueConstraint("organisation_id", "statement_id"),
        Index("ix_xapi_statements_verb", "organisation_id", "verb_id", "seq"),
        Index("ix_xapi_statements_registration", "organisation_id", "registration", "seq"),
        Index("ix_xapi_statements_stored", "organisation_id", "stored"),
        # only the statements whose object is a StatementRef, in seq order: where the
        # StatementRef filter rule (Communication 2.1.3) starts its walk, an empty probe when
        # there are none (a full index would make some planners prefer other indexes)
        Index("ix_xapi_statements_targeting", "organisation_id", "seq", "statement_ref",
              sqlite_where=text("statement_ref IS NOT NULL"),
              postgresql_where=text("statement_ref IS NOT NULL")),
    )
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(36))
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("xapi_clients.id", ondelete="SET NULL"))
    verb_id: Mapped[str] = mapped_column(Text)
    registration: Mapped[str | None] = mapped_column(String(36))
    voids: Mapped[str | None] = mapped_column(String(36))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    stored: Mapped[datetime]
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    # the id of the statement this one's object refers to (objectType StatementRef), else NULL
    statement_ref: Mapped[str | None] = mapped_column(String(36))


class XapiAttachment(Base):
    """The content of a statement attachment sent as a multipart part, by its SHA-256."""

    __tablename__ = "xapi_attachments"
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    sha2: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class XapiStatementRef(Base):
    """An agent or activity a statement names (`refs.statement_refs`): what the agent, activity
    and related_* filters read, newest first, from the primary key alone.

    `ref` is the key's 64-bit hash (`xapi_statements.ref_hash`), not its text: a row is four
    integers, and on SQLite the table is its primary key (WITHOUT ROWID), one B-tree written per
    ref instead of a table and two text indexes. No foreign key (a check per row on every
    insert): `delete_statements` removes a statement's refs with it."""

    __tablename__ = "xapi_statement_refs"
    __table_args__ = (
        # `direct` in the key too: the agent and activity filters read nothing else
        PrimaryKeyConstraint("organisation_id", "ref", "statement_seq", "direct"),
        {"sqlite_with_rowid": False},
    )
    organisation_id: Mapped[int] = mapped_column(Integer)
    ref: Mapped[int] = mapped_column(BigInteger)
    statement_seq: Mapped[int] = mapped_column(BigInteger)
    direct: Mapped[bool] = mapped_column(Boolean)


class XapiDocument(Base):
    """A State, Activity Profile or Agent Profile document; parts a kind lacks are ''."""

    __tablename__ = "xapi_documents"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "activity_id", "agent",
                                       "registration", "document_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    kind: Mapped[str] = mapped_column(String(16))
    activity_id: Mapped[str] = mapped_column(String(1000))
    agent: Mapped[str] = mapped_column(String(1000))
    registration: Mapped[str] = mapped_column(String(36))
    document_id: Mapped[str] = mapped_column(String(1000))
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(40))
    updated: Mapped[datetime]


class XapiForward(Base):
    """An external LRS learnloop forwards its statements to: how far it got (`sent_seq`, the
    last statement the external LRS acknowledged) and how the last attempt went."""

    __tablename__ = "xapi_forwards"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    name: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str] = mapped_column(String(1000))
    username: Mapped[str] = mapped_column(String(200))
    password: Mapped[str] = mapped_column(String(400))
    sent_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                          default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Intervention(Base):
    """What was done for a need (delivered by learnloop or elsewhere), for whom and from when;
    `seed` re-draws the hold-out (NULL when the assignment was imported)."""

    __tablename__ = "interventions"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    # the organisation's own id for an imported intervention (re-imports upsert on it); NULL
    # for one created by the CLI or the delivery agent
    key: Mapped[str | None] = mapped_column(String(128))
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    delivered: Mapped[str] = mapped_column(Text, default="")
    population: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    start: Mapped[date] = mapped_column(Date)
    holdout: Mapped[float] = mapped_column(Float)
    seed: Mapped[int | None] = mapped_column(BigId)
    source: Mapped[str] = mapped_column(String(16))
    # what it should move, when not the need's (or when no need is linked yet)
    kpi_metric: Mapped[str | None] = mapped_column(String(128))
    kpi_direction: Mapped[str | None] = mapped_column(String(8))
    behaviour_metrics: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    skill_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))


class InterventionAssignment(Base):
    """One person's group in one intervention: `treated` or `holdout`."""

    __tablename__ = "intervention_assignments"
    __table_args__ = (UniqueConstraint("intervention_id", "person_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    arm: Mapped[str] = mapped_column(String(8))


class Demographic(Base):
    """One demographic attribute of a person (a separate import, for the fairness audit only:
    read by admin and ld, never an input to recommendations)."""

    __tablename__ = "demographics"
    __table_args__ = (UniqueConstraint("organisation_id", "person_id", "attribute"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    attribute: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(200))


class ImpactResult(Base):
    """The analytics agent's latest measurement of one intervention (Kirkpatrick levels 1-4 and
    the KPI effect against the hold-out); replaced on every run."""

    __tablename__ = "impact_results"
    __table_args__ = (UniqueConstraint("intervention_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"))
    kpi: Mapped[str | None] = mapped_column(String(128))
    estimate: Mapped[float | None] = mapped_column(Float)
    lower: Mapped[float | None] = mapped_column(Float)
    upper: Mapped[float | None] = mapped_column(Float)
    n_treated: Mapped[int] = mapped_column(Integer)
    n_holdout: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(Text)
    report: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    computed_at: Mapped[datetime]


class Need(Base):
    """A ranked learning need (see domain.needs): kept across the needs agent's runs, so the
    status L&D set survives a re-run while its evidence and rank are refreshed."""

    __tablename__ = "needs"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    nature: Mapped[str] = mapped_column(String(16))
    skill_key: Mapped[str | None] = mapped_column(String(128))
    objective_key: Mapped[str | None] = mapped_column(String(128))
    kpi_metric: Mapped[str | None] = mapped_column(String(128))
    kpi_direction: Mapped[str | None] = mapped_column(String(8))
    behaviour_metrics: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    team_keys: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    role_keys: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    person_keys: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    urgency: Mapped[float] = mapped_column(Float)
    risk: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    gap: Mapped[float | None] = mapped_column(Float)
    gap_lower: Mapped[float | None] = mapped_column(Float)
    gap_upper: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    detection_id: Mapped[int | None] = mapped_column(
        ForeignKey("detections.id", ondelete="SET NULL"), index=True)
    detected_at: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None]
    status_basis: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SourceChunk(Base):
    """One chunk of one source version (domain.content.chunks): `chunk_key` is the chunk's
    stable id, the same in every version whose text at that place did not change."""

    __tablename__ = "source_chunks"
    __table_args__ = (UniqueConstraint("version_id", "position"),
                      Index("ix_source_chunks_document_key", "document_id", "chunk_key"))
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    document_id: Mapped[int] = mapped_column(
        ForeignKey("source_documents.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("source_versions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    chunk_key: Mapped[str] = mapped_column(String(64))
    heading: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer)
    block: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class SourceChunkChange(Base):
    """What a new source version changed, chunk by chunk: added, removed or edited (with the
    chunk it replaced), so content citing a changed chunk can be marked stale."""

    __tablename__ = "source_chunk_changes"
    __table_args__ = (Index("ix_source_chunk_changes_document", "document_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    document_id: Mapped[int] = mapped_column(
        ForeignKey("source_documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)  # the new version
    change: Mapped[str] = mapped_column(String(16))  # added | removed | edited
    chunk_key: Mapped[str | None] = mapped_column(String(64))  # in the new version
    previous_chunk_key: Mapped[str | None] = mapped_column(String(64))  # in the old one


class ContentComponent(Base):
    """One version of one learning component: its body, where it came from and its checks.

    Components are reused across packs; regenerating one adds a version under the same key.
    """

    __tablename__ = "content_components"
    __table_args__ = (UniqueConstraint("organisation_id", "key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("source_documents.id", ondelete="CASCADE"), index=True)
    source_version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200))
    prompt_version: Mapped[str] = mapped_column(String(100))
    chunk_keys: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    checks: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)  # None: not checked yet
    created_at: Mapped[datetime]


class ContentPack(Base):
    """A set of components made from one source version for a need, with the proposed
    modality mix (and L&D's override) and the pack's total token use and cost."""

    __tablename__ = "content_packs"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    title: Mapped[str] = mapped_column(String(300))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("source_documents.id", ondelete="CASCADE"), index=True)
    source_version: Mapped[int] = mapped_column(Integer)
    need_id: Mapped[int | None] = mapped_column(Integer)  # the need's id; no FK: needs come and go
    need_key: Mapped[str | None] = mapped_column(String(300))
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200))
    modality: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class ContentPackComponent(Base):
    __tablename__ = "content_pack_components"
    pack_id: Mapped[int] = mapped_column(
        ForeignKey("content_packs.id", ondelete="CASCADE"), primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("content_components.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class ComponentReview(Base):
    """The review of one component version (domain.govern): its state, risk tier and why, who
    wrote it (nobody approves their own work), the published version it would replace, and
    whether a newer source version has changed passages it cites (stale)."""

    __tablename__ = "component_reviews"
    __table_args__ = (Index("ix_component_reviews_state", "organisation_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    component_id: Mapped[int] = mapped_column(
        ForeignKey("content_components.id", ondelete="CASCADE"), unique=True)
    component_key: Mapped[str] = mapped_column(String(200), index=True)
    state: Mapped[str] = mapped_column(String(24))
    tier: Mapped[str] = mapped_column(String(64))
    tier_reasons: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    authors: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    round: Mapped[int] = mapped_column(Integer, default=0)  # times submitted for review
    replaces_component_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_components.id", ondelete="SET NULL"))
    stale_chunks: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    stale_since: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")  # the last transition's reason
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ComponentReviewDecision(Base):
    """One reviewer's approval or change request in one review round (a resubmission starts a
    new round: earlier approvals no longer count)."""

    __tablename__ = "component_review_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    review_id: Mapped[int] = mapped_column(
        ForeignKey("component_reviews.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(24))  # approve | request_changes
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class ComponentReviewComment(Base):
    """A reviewer's comment anchored to a part of the component: an item (index into its
    items), a field (a body path such as questions[0].options[1]) and a span of its text."""

    __tablename__ = "component_review_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    review_id: Mapped[int] = mapped_column(
        ForeignKey("component_reviews.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    anchor: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class TaxonomySkill(Base):
    """A skill or skill group of a standard taxonomy (ESCO), keyed by its concept URI."""

    __tablename__ = "taxonomy_skills"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16))
    alt_labels: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")


class TaxonomyBroader(Base):
    """One broader/narrower edge of the taxonomy's hierarchy."""

    __tablename__ = "taxonomy_broader"
    __table_args__ = (UniqueConstraint("narrower_id", "broader_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    narrower_id: Mapped[int] = mapped_column(
        ForeignKey("taxonomy_skills.id", ondelete="CASCADE"), index=True)
    broader_id: Mapped[int] = mapped_column(
        ForeignKey("taxonomy_skills.id", ondelete="CASCADE"), index=True)


class SkillTaxonomyLink(Base):
    """An organisation skill linked to the standard taxonomy skill it corresponds to."""

    __tablename__ = "skill_taxonomy_links"
    __table_args__ = (UniqueConstraint("skill_id", "taxonomy_skill_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    taxonomy_skill_id: Mapped[int] = mapped_column(
        ForeignKey("taxonomy_skills.id", ondelete="CASCADE"), index=True)
