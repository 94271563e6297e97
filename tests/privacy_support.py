"""A realistic organisation with one person held everywhere, and the database dump tests grep."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, text

from learnloop.demo import build_demo
from learnloop.importing import ImportLimits, import_records
from learnloop.store import tables
from learnloop.store.event_log import EventLog
from learnloop.store.interventions import create_intervention
from learnloop.tokens import authenticate, issue_token, revoke_token
from learnloop.workspace import Workspace

PEOPLE = 60


@dataclass(frozen=True, slots=True)
class Held:
    """The person the tests erase, as the organisation knew them."""

    id: int
    key: str
    name: str
    email: str
    team_id: int
    reports: int

    @property
    def identifiers(self) -> tuple[str, str, str]:
        return (self.key, self.name, self.email)


def demo_with_a_person_held_everywhere(workspace: Workspace) -> Held:
    """The demo company, and a manager whose key, name and email reach every place learnloop
    writes them: their own token (its default label names them) acting as them, person-level
    signals keyed by them, an objective they own, an agent's event about them, a demographic
    attribute and a group in an intervention."""
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        build_demo(session, organisation=organisation, settings=workspace.settings,
                   people=PEOPLE)
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        manager_id, reports = session.execute(
            select(tables.Person.manager_id, func.count())
            .where(tables.Person.manager_id.is_not(None), tables.Person.manager_id != 1)
            .group_by(tables.Person.manager_id).order_by(func.count().desc(),
                                                         tables.Person.manager_id)).first()
        person = session.get(tables.Person, manager_id)
        held = Held(id=person.id, key=person.key, name=person.name, email=person.email,
                    team_id=person.team_id, reports=reports)
        issued = issue_token(session, organisation_id=organisation.id, role="manager", name=None,
                             person_key=held.key, actor="token:demo console")
        actor = authenticate(session, issued.secret).actor
        records = [{"id": f"crm|calls|p:{held.key}|2025-01-0{day}", "metric": "calls",
                    "subject_type": "person", "subject": held.key,
                    "observed_at": f"2025-01-0{day}T00:00:00Z", "value": day, "source": "crm"}
                   for day in (1, 2, 3)]
        import_records(session, organisation_id=organisation.id, kind="signals", records=records,
                       origin="webhook", event_kind="signals.received", actor=actor,
                       limits=ImportLimits.from_settings(workspace.settings))
        objective = session.scalar(select(tables.Objective).order_by(tables.Objective.id))
        objective.owner = held.name
        EventLog(session, organisation.id).record(
            "needs.detected", actor="agent:needs", subject_type="team", subject_id="ops",
            payload={"people": [held.key, "TW9999"], "note": f"{held.name} <{held.email}>",
                     "by_person": {held.key: 2}, "count": 2})
        session.add(tables.Demographic(organisation_id=organisation.id, person_id=held.id,
                                       attribute="age_band", value="45-54"))
        create_intervention(session, organisation_id=organisation.id, need_id=None,
                            person_keys=[held.key], holdout=0.5, start=date(2025, 1, 6),
                            source="external", seed=1)
        revoke_token(session, organisation_id=organisation.id, token_id=issued.id,
                     actor="token:demo console")
        add_person_detection(session, organisation_id=organisation.id, person_key=held.key)
    return held


def add_person_detection(session, *, organisation_id: int, person_key: str,
                         team: str = "ops") -> int:
    """A detection in one person's own series of `calls` (a stand-alone dip of theirs)."""
    from datetime import UTC, datetime

    from learnloop.domain.sensing import Cause, Diagnosis
    from learnloop.domain.sensing.teams import Detection
    from learnloop.domain.signals import SubjectType
    from learnloop.store.detections import add_detection

    detection = Detection(
        subject_type=SubjectType.PERSON, subject_key=person_key, metric="calls",
        direction="dip", baseline_level=30.0, baseline_sd=3.0, baseline_from=date(2025, 1, 6),
        baseline_to=date(2025, 3, 31), observed_level=20.0, effect=-10.0, effect_sd=3.3,
        confidence=0.99, change_start=date(2025, 4, 7), detected_at=date(2025, 4, 14),
        statistic=5.0, change_week=0, detected_week=1)
    diagnosis = Diagnosis(cause=Cause.UNKNOWN, reason="Their own calls fell; the team held.",
                          skill=None, moved=(), steady=(), dip_below=float("nan"),
                          dip_proficient=float("nan"), split_z=float("nan"))
    record = add_detection(session, organisation_id=organisation_id, detection=detection,
                           diagnosis=diagnosis, evidence={"series": {
                               "kind": "person", "subject_type": "person", "person": person_key,
                               "team": team, "metric": "calls"}},
                           created_at=datetime(2025, 4, 15, tzinfo=UTC))
    return record.id


def database_dump(workspace: Workspace) -> str:
    """Every row of every table as text: SQLite's own dump, or each PostgreSQL row cast to text."""
    engine = workspace.database.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            return "\n".join(raw.driver_connection.iterdump())
        finally:
            raw.close()
    with engine.connect() as connection:
        names = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars().all()
        return "\n".join(str(row) for name in names
                         for row in connection.execute(text(f'SELECT t::text FROM "{name}" t'))
                         .scalars())


def mentions(dump: str, identifier: str) -> list[str]:
    """Where `identifier` stands in `dump` as a whole word, in any case or JSON-escaped."""
    found = []
    for form in {identifier, json.dumps(identifier)[1:-1]}:
        pattern = re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE)
        found += [dump[max(0, hit.start() - 60):hit.end() + 20] for hit in pattern.finditer(dump)]
    return found
