"""Shapes of the API's answers, so /docs shows every field a client can rely on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from learnloop.domain.org import PersonRecord
from learnloop.domain.sensing.records import DetectionRecord

__all__ = [
    "DetectionDetail", "DetectionOut", "EventPage", "Health", "ImportResult", "IssuedTokenOut",
    "JobAccepted", "JobOut", "Objective",
    "PersonDetail", "PersonPage", "Role", "SignalBatch", "SignalsResult", "Skill", "Team",
    "TokenOut",
]

MAX_SIGNAL_BATCH = 10_000


class Health(BaseModel):
    status: str
    database: str
    schema_revision: str | None
    version: str


class KeyName(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    name: str


class PersonSummary(BaseModel):
    """Validates from a `domain.org.Person` record, the one shape of a person."""

    model_config = ConfigDict(from_attributes=True)

    key: str
    name: str
    email: str | None
    team: KeyName
    role: KeyName | None
    manager_key: str | None
    location: str | None
    time_zone: str
    hire_date: date | None
    status: str


class PersonPage(BaseModel):
    items: list[PersonSummary]
    total: int
    limit: int
    offset: int


class Evidence(BaseModel):
    skill_key: str
    skill_name: str
    kind: str
    level: float
    observed_on: date
    source: str


class PersonDetail(PersonSummary):
    evidence: list[Evidence]

    @classmethod
    def from_record(cls, record: PersonRecord) -> PersonDetail:
        evidence = [
            Evidence(skill_key=e.skill_key, skill_name=record.skill_names[e.skill_key],
                     kind=e.kind.value, level=e.level, observed_on=e.observed_on,
                     source=e.source)
            for e in record.evidence
        ]
        return cls(**dict(PersonSummary.model_validate(record.person)), evidence=evidence)


class Team(BaseModel):
    key: str
    name: str
    department: str
    people: int
    manager_name: str | None = Field(
        None, description="The person most of the team reports to.")


class Skill(BaseModel):
    key: str
    name: str
    category: str
    description: str


class Requirement(BaseModel):
    skill: str = Field(validation_alias="skill_key")
    level: int
    criticality: str


class Role(BaseModel):
    key: str
    name: str
    description: str
    requirements: list[Requirement]


class Kpi(BaseModel):
    metric: str
    direction: str
    unit: str
    target: float | None


class Objective(BaseModel):
    key: str
    title: str
    description: str
    owner: str | None
    priority: bool
    weight: float
    reason: str | None
    teams: list[str] = Field(validation_alias="team_keys")
    kpis: list[Kpi]
    skills: list[str] = Field(validation_alias="skill_keys")


class EventOut(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    kind: str
    subject_type: str | None
    subject_id: str | None
    payload: dict[str, Any]


class EventPage(BaseModel):
    items: list[EventOut]
    next_before_id: int | None


class SignalBatch(BaseModel):
    """A batch in the documented signals JSON format; each item is checked by the importer."""

    signals: list[dict[str, Any]] = Field(max_length=MAX_SIGNAL_BATCH)


class ImportResult(BaseModel):
    kind: str
    file: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int


class SignalsResult(BaseModel):
    received: int
    created: int
    updated: int
    unchanged: int


class JobAccepted(BaseModel):
    job_id: str
    status_url: str


class JobOut(BaseModel):
    id: str
    task: str
    state: str
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    worker: dict[str, Any]


class TokenRequest(BaseModel):
    role: str
    name: str | None = None
    person: str | None = None
    scopes: list[str] | None = Field(
        default=None, description="What the token may change, e.g. `imports:signals`; omitted: "
                                  "its role's defaults; `[]`: nothing.")


class IssuedTokenOut(BaseModel):
    id: int
    name: str
    role: str
    scopes: list[str]
    secret: str


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    person_key: str | None
    scopes: list[str]
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class DetectionOut(BaseModel):
    """A sustained change the sensing agent found in a team's KPI, a team's pulse score or a
    person's own KPI, and its cause."""

    id: int
    team: str = Field(description="The team; for a person's own series, the person's team")
    metric: str = Field(description="The KPI, or `pulse:` and the question for a pulse score")
    series_kind: str = Field(description="`team_metric`, `pulse_question` or `person`")
    person: str | None = Field(description="The person, for a detection in their own series")
    question: str | None = Field(description="The pulse question, for a pulse detection")
    direction: str = Field(description="`dip` or `rise`, in the KPI's sense (a rise in handle "
                                       "time is a dip)")
    change_start: date = Field(description="Estimated first week of the change (its Monday)")
    detected_at: date = Field(description="Week of the newest observation the detection used")
    baseline_level: float
    observed_level: float
    effect: float = Field(description="observed − baseline, in the KPI's units")
    effect_sd: float = Field(description="The effect in baseline standard deviations")
    confidence: float = Field(description="Share of no-change series-years with less evidence")
    cause: str = Field(description="`skill`, `process` or `unknown`")
    skill: str | None = Field(description="The linked skill whose gap explains the dip")
    reason: str
    created_at: datetime

    @classmethod
    def from_record(cls, record: DetectionRecord) -> DetectionOut:
        d = record.detection
        return cls(id=record.id, team=record.team or "", metric=d.metric,
                   series_kind=record.series_kind.value, person=record.person,
                   question=record.question, direction=d.direction, change_start=d.change_start,
                   detected_at=d.detected_at, baseline_level=d.baseline_level,
                   observed_level=d.observed_level, effect=d.effect, effect_sd=d.effect_sd,
                   confidence=d.confidence, cause=record.cause.value, skill=record.skill,
                   reason=record.reason, created_at=record.created_at)


class DetectionPageOut(BaseModel):
    """One page of detections, newest detected first."""

    items: list[DetectionOut]
    limit: int
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page; null "
                                                "on the last page")


class DetectionDetail(DetectionOut):
    evidence: dict[str, Any] = Field(description="Everything the `sensing.detected` event "
                                                 "carries: baseline window, affected people, "
                                                 "nearby change-log entries, standing")

    @classmethod
    def from_record(cls, record: DetectionRecord) -> DetectionDetail:
        return cls(**DetectionOut.from_record(record).model_dump(), evidence=record.evidence)


class CitationOut(BaseModel):
    chunk_id: str = Field(description="The cited chunk's stable id (same text, same id)")
    quote: str = Field(description="The passage quoted from the chunk, verbatim")


class ComponentItemOut(BaseModel):
    text: str = Field(description="One claim-bearing sentence: a point, a step, a question "
                                  "with its answer, a card with its answer")
    citations: list[CitationOut]


class ComponentOut(BaseModel):
    """One version of one component with where it came from, what it cost and its checks."""

    id: int
    key: str = Field(description="`<source>.<kind>`; each regeneration adds a version")
    version: int
    kind: str
    title: str
    provenance: dict[str, Any] = Field(description="engine, model, prompt_version, chunk_ids, "
                                                   "source, source_version")
    usage: dict[str, Any] = Field(description="input_tokens, output_tokens, cost_usd, cached")
    body: dict[str, Any] = Field(description="The component as its kind's model validates it")
    items: list[ComponentItemOut]
    checks: dict[str, Any] | None = Field(description="The quality checks stored with it; "
                                                      "null when none were run")


class PackOut(BaseModel):
    """A content pack: components from one source version for a need, and the modality mix."""

    id: int
    title: str
    source: dict[str, Any] = Field(description="key, title, version")
    need: dict[str, Any] | None = Field(description="id and key of the need it serves")
    engine: str = Field(description="`offline` (extractive, no model), `openai` or `anthropic`")
    model: str
    offline: bool
    modality: dict[str, Any] = Field(description="mix (lead first), reasons, overridden, "
                                                 "overridden_by")
    usage: dict[str, Any] = Field(description="The pack's total input_tokens, output_tokens, "
                                              "cost_usd")
    created_by: str
    created_at: datetime


class PackDetail(PackOut):
    components: list[ComponentOut]


class GeneratePack(BaseModel):
    source: str = Field(min_length=1, max_length=128, description="The source's key")
    need_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    engine: Literal["offline", "openai", "anthropic"] | None = Field(
        default=None, description="Default: the configured engine, else offline")


class GeneratedPackOut(BaseModel):
    pack_id: int
    summary: dict[str, Any]
    skipped: dict[str, str] = Field(description="Kinds the engine could not write, and why")


class ModalityOverride(BaseModel):
    mix: list[str] = Field(min_length=1, max_length=4, description="micro_content, practice, "
                                                                   "cohort_session, longer_course")
    reason: str = Field(default="", max_length=1000, pattern=r"^[^\x00]*$")
