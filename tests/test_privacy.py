"""Personal data rights: export everything held about a person, erase them everywhere, keep the
aggregates, and keep the event log append-only except for the one audited scrub."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from api_support import build_org, secret_for
from learnloop.domain.events import EventKind
from learnloop.errors import NotFoundError
from learnloop.privacy import erase_person, export_person
from learnloop.store import tables
from learnloop.store.event_log import EventLog
from learnloop.store.overview import organisation_counts
from learnloop.store.personal_data import (
    PERSON_REFERENCES,
    Mention,
    person_reference_columns,
    unscoped_tables,
)
from learnloop.tokens import authenticate
from learnloop.workspace import Workspace
from privacy_support import (
    Held,
    database_dump,
    demo_with_a_person_held_everywhere,
    mentions,
)


def _erase(workspace: Workspace, key: str) -> dict:
    with workspace.session() as session:
        return erase_person(session, organisation_id=workspace.organisation(session).id, key=key,
                            actor="token:admin console")


def _head_count(workspace: Workspace, team_id: int) -> int:
    with workspace.session() as session:
        return session.scalar(select(func.count()).select_from(tables.Person)
                              .where(tables.Person.team_id == team_id))


def _import_counts(workspace: Workspace) -> list[tuple[str, dict]]:
    with workspace.session() as session:
        log = EventLog(session, workspace.organisation(session).id)
        return [(event.kind, {name: value for name, value in event.payload.items()
                              if isinstance(value, int)})
                for event in log.recent(limit=1000, kinds=[EventKind.IMPORT_COMPLETED,
                                                           EventKind.SIGNALS_RECEIVED])]


def test_an_erased_person_appears_nowhere_in_the_database(workspace: Workspace) -> None:
    held = demo_with_a_person_held_everywhere(workspace)
    for identifier in held.identifiers:
        assert mentions(database_dump(workspace), identifier), identifier
    head_count, imports = _head_count(workspace, held.team_id), _import_counts(workspace)
    with workspace.session() as session:
        before = organisation_counts(session, workspace.organisation(session).id)

    erased = _erase(workspace, held.key)

    dump = database_dump(workspace)
    for identifier in held.identifiers:
        assert mentions(dump, identifier) == [], identifier
    assert "TW9999" in dump  # someone else named beside them is untouched
    assert erased["removed"] == {"evidence": erased["removed"]["evidence"], "signals": 3,
                                 "tokens": 1, "reports_unlinked": held.reports,
                                 "detections": 1,
                                 "demographics": 1,
                                 "intervention_groups": erased["removed"]["intervention_groups"]}
    assert erased["removed"]["intervention_groups"] >= 1
    assert erased["removed"]["evidence"] > 0
    assert _head_count(workspace, held.team_id) == head_count - 1
    assert _import_counts(workspace) == imports  # the counts of every import survive
    with workspace.session() as session:
        after = organisation_counts(session, workspace.organisation(session).id)
        assert after["people"] == before["people"] - 1
        assert after["signals"] == before["signals"] - 3  # team-level signals all survive
        log = EventLog(session, workspace.organisation(session).id)
        [event] = log.recent(limit=1, kinds=[EventKind.PERSON_ERASED])
        assert event.subject_id == str(held.id) and event.payload == erased
        [agent_event] = log.recent(limit=1, kinds=["needs.detected"])
        assert agent_event.payload == {"people": ["[erased]", "TW9999"],
                                       "note": "[erased] <[erased]>",
                                       "by_person": {"[erased]": 2}, "count": 2}
        orphans = session.scalar(select(func.count()).select_from(tables.Person).where(
            tables.Person.manager_id.is_(None)))
        assert orphans == 1 + held.reports  # the chief executive and the reports left behind


def test_export_holds_everything_about_the_person_and_no_secret(workspace: Workspace) -> None:
    held = demo_with_a_person_held_everywhere(workspace)
    with workspace.session() as session:
        document = export_person(session, organisation_id=workspace.organisation(session).id,
                                 key=held.key)
        token = session.scalar(select(tables.ApiToken).where(
            tables.ApiToken.person_id == held.id))
    person = document["person"]
    assert (person["key"], person["name"], person["email"]) == held.identifiers
    assert person["team"]["key"] and person["role"]["key"] and person["manager"]
    assert document["evidence"] and all(item["skill"] for item in document["evidence"])
    assert [signal["value"] for signal in document["signals"]] == [1.0, 2.0, 3.0]
    assert [(item["name"], item["role"]) for item in document["tokens"]] == [
        (f"manager:{held.key}", "manager")]
    assert token.secret_hash not in str(document)
    assert document["demographics"] == {"age_band": "45-54"}
    [detection] = document["detections"]  # the dip in their own series goes with their data
    assert (detection["series_kind"], detection["person"]) == ("person", held.key)
    assert {"intervention", "group"} == set(document["interventions"][-1])
    kinds = {event["kind"] for event in document["events"]}
    assert {"token.created", "token.revoked", "signals.received", "needs.detected"} <= kinds


def test_unknown_person_is_not_found(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError, match="no person with key 'nobody'"):
        _erase(workspace, "nobody")


def test_every_reference_to_a_person_has_an_erasure_policy() -> None:
    """A new table pointing at people.id fails here until it declares delete or null."""
    assert person_reference_columns() == sorted(PERSON_REFERENCES)


def test_every_table_with_text_is_searched_within_one_organisation() -> None:
    assert unscoped_tables() == []


def test_a_key_inside_a_longer_key_is_not_a_mention() -> None:
    mention = Mention.of("TW1002", "Ann Lee", "ann.lee@example.com")
    assert mention.scrubbed(["TW10020", "p:TW1002|x", "ANN LEE", "Ann Leeson"]) == [
        "TW10020", "p:[erased]|x", "[erased]", "Ann Leeson"]
    assert mention.scrubbed("mail ann.lee@example.com") == "mail [erased]"


def _event(workspace: Workspace) -> tuple[int, int]:
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        event = EventLog(session, organisation_id).record("test.happened", actor="someone")
    return organisation_id, event.id


@pytest.mark.parametrize("statement", [
    "UPDATE events SET kind = 'forged'",
    "UPDATE events SET occurred_at = occurred_at",  # allowed only while scrubbing its own org
    "DELETE FROM events",
])
def test_a_scrub_permit_admits_only_rewriting_text(workspace: Workspace, statement: str) -> None:
    organisation_id, _ = _event(workspace)
    permitted = "kind" in statement or "DELETE" in statement
    permit_for = organisation_id if permitted else organisation_id + 1000
    with pytest.raises(DBAPIError, match="append-only"), workspace.session() as session:
        session.execute(insert(tables.EventScrubPermit).values(organisation_id=permit_for))
        session.execute(text(statement))


def test_erasure_leaves_no_permit_behind(workspace: Workspace) -> None:
    held = demo_with_a_person_held_everywhere(workspace)
    _erase(workspace, held.key)
    with workspace.session() as session:
        assert session.scalar(select(func.count()).select_from(tables.EventScrubPermit)) == 0
    with pytest.raises(DBAPIError, match="append-only"), workspace.session() as session:
        session.execute(text("UPDATE events SET actor = 'forger'"))


def test_an_erased_person_is_no_match_for_a_second_erasure(workspace: Workspace) -> None:
    held: Held = demo_with_a_person_held_everywhere(workspace)
    _erase(workspace, held.key)
    with pytest.raises(NotFoundError):
        _erase(workspace, held.key)


def test_someone_else_with_the_same_name_keeps_their_record(workspace: Workspace) -> None:
    build_org(workspace)
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        for key in ("leo", "lea"):
            person = session.scalar(select(tables.Person).where(tables.Person.key == key))
            person.name = "Zoë Ångström"
        EventLog(session, organisation_id).record(
            "needs.detected", actor="agent:needs", payload={"who": "Zoë Ångström and Lea"})
    _erase(workspace, "leo")
    with workspace.session() as session:
        lea = session.scalar(select(tables.Person).where(tables.Person.key == "lea"))
        assert (lea.name, lea.email) == ("Zoë Ångström", "lea@example.com")
        [event] = EventLog(session, organisation_id).recent(limit=1, kinds=["needs.detected"])
        assert event.payload == {"who": "[erased] and Lea"}  # a log cannot tell them apart
    dump = database_dump(workspace)
    assert mentions(dump, "leo") == [] and mentions(dump, "leo@example.com") == []
    assert len(mentions(dump, "Zoë Ångström")) == 1  # Lea's own row


def test_a_failed_erasure_leaves_everything_as_it_was(workspace: Workspace) -> None:
    build_org(workspace)
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        EventLog(session, organisation_id).record("x.y", actor="token:manager:leo")
        # a permit already held makes the erasure's own permit collide, after its deletions
        session.execute(insert(tables.EventScrubPermit).values(organisation_id=organisation_id))
        with pytest.raises(DBAPIError):
            erase_person(session, organisation_id=organisation_id, key="leo", actor="test")
        session.execute(text("DELETE FROM event_scrub_permits"))
    with workspace.session() as session:
        assert session.scalar(select(tables.Person.email).where(tables.Person.key == "leo"))
        assert session.scalar(select(func.count()).select_from(tables.SkillEvidence)) == 1
        assert EventLog(session, organisation_id).recent(limit=1)[0].actor == "token:manager:leo"


def test_migration_0005_downgrades_to_a_log_that_refuses_every_update(
        workspace: Workspace) -> None:
    from alembic import command

    from learnloop.store.migrate import _config, upgrade

    config = _config()
    with workspace.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    _event(workspace)
    with pytest.raises(DBAPIError, match="append-only"), workspace.session() as session:
        session.execute(text("UPDATE events SET actor = 'forger'"))
    upgrade(workspace.database)
    organisation_id, event_id = _event(workspace)
    with workspace.session() as session:  # the permit admits a rewrite of text again
        session.execute(insert(tables.EventScrubPermit).values(organisation_id=organisation_id))
        session.execute(text("UPDATE events SET actor = '[erased]' WHERE id = :id"),
                        {"id": event_id})
        session.execute(text("DELETE FROM event_scrub_permits"))
    with workspace.session() as session:
        assert EventLog(session, organisation_id).recent(limit=1)[0].actor == "[erased]"


def test_a_key_that_is_also_a_role_name_leaves_roles_alone(workspace: Workspace) -> None:
    build_org(workspace)
    with workspace.session() as session:
        person = session.scalar(select(tables.Person).where(tables.Person.key == "leo"))
        person.key = "admin"
    admin = secret_for(workspace, "admin")
    _erase(workspace, "admin")
    with workspace.session() as session:
        assert authenticate(session, admin).role == "admin"
