"""What the agents read: signal series, evidence, pulse series, people and their requirements,
as domain records and columns, on SQLite and PostgreSQL, from the documented example files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from import_support import import_into
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.org import KeyName
from learnloop.domain.proficiency import Criticality
from learnloop.domain.signals import SubjectType
from learnloop.store.evidence import evidence_columns, skill_evidence
from learnloop.store.people import people, person_id_by_key, person_record, requirements_by_person
from learnloop.store.series import pulse_series, signal_columns, signal_series
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"

WEEKLY_HANDLE_TIME = """id,metric,subject_type,subject,observed_at,value,source
,handle_time,person,E003,2025-03-10,7.5,helpdesk
,handle_time,person,E002,2025-03-03,6.0,helpdesk
,handle_time,person,E002,2025-03-10,6.5,telephony
,handle_time,person,E002,2025-03-17,9.0,helpdesk
,handle_time,person,E003,2025-03-17,8.0,helpdesk
,handle_time,team,sales-emea,2025-03-10,7.0,helpdesk
"""


@pytest.fixture
def organisation(workspace: Workspace, tmp_path: Path) -> Workspace:
    for kind, name in [("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv"), ("signals", "signals.csv"),
                       ("evidence", "evidence.csv"), ("pulse", "pulse.csv")]:
        import_into(workspace, kind=kind, path=EXAMPLES / name)
    weekly = tmp_path / "handle_time.csv"
    weekly.write_text(WEEKLY_HANDLE_TIME)
    import_into(workspace, kind="signals", path=weekly)
    return workspace


def _at(day: int) -> datetime:
    return datetime(2025, 3, day, tzinfo=UTC)


def test_a_signal_series_holds_every_value_with_its_time_and_source(
    organisation: Workspace,
) -> None:
    with organisation.session() as session:
        org = organisation.organisation(session).id
        series = signal_series(session, organisation_id=org, metric="handle_time",
                               subject_type="person")
    by_person = {one.subject_key: one for one in series}
    assert set(by_person) == {"E002", "E003"}
    e002 = by_person["E002"]
    assert e002.subject_type is SubjectType.PERSON and e002.metric == "handle_time"
    assert e002.times == (_at(3), _at(10), _at(17))
    assert all(moment.tzinfo is UTC for moment in e002.times)
    assert e002.values == (6.0, 6.5, 9.0)
    assert [s.source for s in e002.signals] == ["helpdesk", "telephony", "helpdesk"]
    assert all(s.key.startswith("helpdesk|") or s.key.startswith("telephony|")
               for s in e002.signals)


def test_a_window_and_chosen_subjects_narrow_the_series(organisation: Workspace) -> None:
    with organisation.session() as session:
        org = organisation.organisation(session).id
        series = signal_series(session, organisation_id=org, metric="handle_time",
                               subject_type=SubjectType.PERSON, subject_keys=["E002"],
                               start=_at(10), end=_at(17))
        team = signal_series(session, organisation_id=org, metric="win_rate",
                             subject_type="team")
        whole = signal_series(session, organisation_id=org, metric="revenue",
                              subject_type="organisation")
    assert [(one.subject_key, one.values) for one in series] == [("E002", (6.5,))]
    assert [(one.subject_key, one.values) for one in team] == [("sales-emea", (27.5, 24.0))]
    assert [(one.subject_key, one.values) for one in whole] == [(None, (1250000.0,))]


def test_columns_carry_many_subjects_contiguously_with_subject_codes(
    organisation: Workspace,
) -> None:
    with organisation.session() as session:
        org = organisation.organisation(session).id
        columns = signal_columns(session, organisation_id=org, metric="handle_time",
                                 subject_type="person")
        none = signal_columns(session, organisation_id=org, metric="handle_time",
                              subject_type="person", subject_keys=["E001"])
    assert len(columns) == 5
    keyed = [(columns.subjects[code], time, value, source) for code, time, value, source in zip(
        columns.subject_index, columns.observed_at, columns.values, columns.sources, strict=True)]
    assert sorted(keyed) == sorted([
        ("E002", _at(3), 6.0, "helpdesk"), ("E002", _at(10), 6.5, "telephony"),
        ("E002", _at(17), 9.0, "helpdesk"), ("E003", _at(10), 7.5, "helpdesk"),
        ("E003", _at(17), 8.0, "helpdesk")])
    assert list(columns.subject_index) == sorted(columns.subject_index)
    assert columns.of("E003").values == (7.5, 8.0)
    assert columns.of("E003").observed_at == (_at(10), _at(17))
    assert {moment.tzinfo for moment in columns.observed_at} == {UTC}
    assert len(columns.of("E001")) == 0 and len(none) == 0 and none.subjects == ()


def test_evidence_per_person_and_skill_as_records_and_columns(organisation: Workspace) -> None:
    with organisation.session() as session:
        org = organisation.organisation(session).id
        everything = skill_evidence(session, organisation_id=org)
        negotiation = skill_evidence(session, organisation_id=org, skill_keys=["negotiation"])
        e003 = skill_evidence(session, organisation_id=org, person_keys=["E003"],
                              start=date(2025, 2, 1), end=date(2025, 3, 1))
        columns = evidence_columns(session, organisation_id=org)
    assert [(e.person_key, e.skill_key, e.kind, e.level) for e in everything] == [
        ("E002", "negotiation", EvidenceKind.SELF_ASSESSMENT, 3.0),
        ("E002", "negotiation", EvidenceKind.MANAGER_RATING, 2.0),
        ("E003", "discovery", EvidenceKind.ASSESSMENT, 2.5),
    ]
    assert [e.observed_on for e in everything][:2] == [date(2025, 1, 10), date(2025, 1, 15)]
    assert {e.person_key for e in negotiation} == {"E002"}
    assert [(e.skill_key, e.source) for e in e003] == [("discovery", "lms")]
    assert len(columns) == 3
    assert [(columns.people[p], columns.skills[s], kind, level, day, source)
            for p, s, kind, level, day, source in zip(
                columns.person_index, columns.skill_index, columns.kinds, columns.levels,
                columns.observed_on, columns.sources, strict=True)] == [
        (e.person_key, e.skill_key, e.kind, e.level, e.observed_on, e.source) for e in everything]


def test_pulse_series_per_team_and_question(organisation: Workspace) -> None:
    with organisation.session() as session:
        org = organisation.organisation(session).id
        series = pulse_series(session, organisation_id=org)
        one = pulse_series(session, organisation_id=org, team_keys=["sales-emea"],
                           questions=["I know what is expected of me"])
        later = pulse_series(session, organisation_id=org, start=date(2025, 5, 1))
    assert [(s.team_key, s.question, s.scores) for s in series] == [
        ("sales-emea", "I have the skills my role needs", (3.4,)),
        ("sales-emea", "I know what is expected of me", (4.1,)),
    ]
    assert one[0].periods == (date(2025, 4, 1),) and one[0].results[0].responses == 3
    assert later == []


def test_requirements_for_many_people_at_once(organisation: Workspace) -> None:
    with organisation.session() as session:
        org = organisation.organisation(session).id
        everyone = requirements_by_person(session, organisation_id=org)
        some = requirements_by_person(session, organisation_id=org, person_keys=["E001", "E404"])
    assert set(everyone) == {"E001", "E002", "E003"}
    assert [(r.skill_key, r.level, r.criticality) for r in everyone["E002"]] == [
        ("discovery", 3, Criticality.CRITICAL), ("negotiation", 3, Criticality.HIGH)]
    # people of one role share their requirements
    assert everyone["E002"] is everyone["E003"]
    assert [r.skill_key for r in some["E001"]] == ["negotiation", "spreadsheet-analysis"]
    assert set(some) == {"E001"}


def test_a_person_has_one_shape_with_team_and_role_by_key_and_name(
    organisation: Workspace,
) -> None:
    with organisation.session() as session:
        org = organisation.organisation(session).id
        everyone = people(session, organisation_id=org)
        in_team = people(session, organisation_id=org, team_keys=["sales-emea"])
        record = person_record(session, organisation_id=org, person_id=person_id_by_key(
            session, organisation_id=org, key="E002"))
    assert [p.key for p in everyone] == ["E001", "E002", "E003"] == [p.key for p in in_team]
    ben = everyone[1]
    assert ben.team == KeyName("sales-emea", "sales-emea")  # no team_name column: the key
    assert ben.role == KeyName("account-executive", "Account Executive")
    assert (ben.team_key, ben.role_key, ben.manager_key) == ("sales-emea", "account-executive",
                                                             "E001")
    assert record.person == ben
    assert [(e.observed_on, e.kind) for e in record.evidence] == [
        (date(2025, 1, 15), EvidenceKind.MANAGER_RATING),
        (date(2025, 1, 10), EvidenceKind.SELF_ASSESSMENT)]
    assert record.skill_names == {"negotiation": "Negotiation"}
