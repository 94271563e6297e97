"""The sensing inputs: signal volumes (CSV, JSON, webhook records) and the change-log import."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from import_support import import_into
from learnloop.domain.events import EventKind
from learnloop.domain.sensing import ChangeKind
from learnloop.errors import InputError
from learnloop.importing import ImportLimits, import_records
from learnloop.store import tables
from learnloop.store.imports.changes import change_log

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
HEADER = "id,metric,subject_type,subject,observed_at,value,source,volume\n"


def _organisation(workspace) -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv")):
        import_into(workspace, kind=kind, path=EXAMPLES / name)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(workspace, **kwargs) -> list[str]:
    with pytest.raises(InputError) as caught:
        import_into(workspace, **kwargs)
    return [str(problem) for problem in caught.value.problems]


def _volumes(workspace) -> dict[str, float | None]:
    with workspace.session() as session:
        return dict(session.execute(select(tables.Signal.key, tables.Signal.volume)).all())


def test_a_signal_keeps_the_number_of_events_behind_it(workspace, tmp_path) -> None:
    _organisation(workspace)
    path = _write(tmp_path, "s.csv", HEADER + "a,fcr,team,sales-emea,2025-03-03,78,desk,312\n"
                                              "b,fcr,team,sales-emea,2025-03-10,77,desk,\n")
    import_into(workspace, kind="signals", path=path)
    assert _volumes(workspace) == {"a": 312.0, "b": None}


def test_json_signals_and_the_webhook_carry_volumes_too(workspace, tmp_path) -> None:
    _organisation(workspace)
    item = {"id": "j", "metric": "fcr", "subject_type": "team", "subject": "sales-emea",
            "observed_at": "2025-03-03", "value": 78, "source": "desk", "volume": 40}
    import_into(workspace, kind="signals",
                path=_write(tmp_path, "s.json", json.dumps({"signals": [item]})))
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        import_records(session, organisation_id=organisation.id, kind="signals",
                       records=[{**item, "id": "w", "volume": "7"}], origin="webhook",
                       event_kind=EventKind.SIGNALS_RECEIVED, actor="test",
                       limits=ImportLimits.from_settings(workspace.settings))
    assert _volumes(workspace) == {"j": 40.0, "w": 7.0}


def test_a_negative_or_unreadable_volume_is_refused_with_its_row(workspace, tmp_path) -> None:
    _organisation(workspace)
    path = _write(tmp_path, "s.csv", HEADER + "a,fcr,team,sales-emea,2025-03-03,78,desk,-1\n"
                                              "b,fcr,team,sales-emea,2025-03-10,77,desk,many\n")
    assert _problems(workspace, kind="signals", path=path) == [
        "s.csv:2:volume: '-1' is not a non-negative number of events",
        "s.csv:3:volume: 'many' is not a non-negative number of events"]
    assert _volumes(workspace) == {}


def test_the_change_log_example_imports_with_organisation_wide_entries(workspace) -> None:
    _organisation(workspace)
    result = import_into(workspace, kind="changes", path=EXAMPLES / "changes.csv")
    assert result.created == 3
    with workspace.session() as session:
        log = change_log(session, organisation_id=workspace.organisation(session).id)
    assert [(c.kind, c.starts, c.ends, c.team) for c in log] == [
        (ChangeKind.PROCESS_CHANGE, date(2025, 3, 10), date(2025, 3, 10), "sales-emea"),
        (ChangeKind.SYSTEM_OUTAGE, date(2025, 3, 18), date(2025, 3, 19), None),
        (ChangeKind.HOLIDAY, date(2025, 4, 18), date(2025, 4, 21), None)]
    again = import_into(workspace, kind="changes", path=EXAMPLES / "changes.csv")
    assert again.unchanged == 3


def test_a_bad_change_log_is_refused_whole_with_every_problem(workspace, tmp_path) -> None:
    _organisation(workspace)
    path = _write(tmp_path, "c.csv", "id,kind,start,end,team,description\n"
                                     "A,process_change,2025-03-10,,sales-emea,fine\n"
                                     "B,meteor,2025-03-10,,,\n"
                                     "C,holiday,2025-04-10,2025-04-01,,\n"
                                     "D,holiday,2025-04-10,,nowhere,\n"
                                     "A,other,2025-05-01,,,\n")
    assert _problems(workspace, kind="changes", path=path) == [
        "c.csv:3:kind: 'meteor' is not one of process_change, system_change, system_outage, "
        "product_launch, reorganisation, holiday, other",
        "c.csv:4:end: 2025-04-01 is before the start 2025-04-10",
        "c.csv:5:team: no team 'nowhere' (teams come from the people import)",
        "c.csv:6:id: same id as row 2"]
    with workspace.session() as session:
        assert change_log(session, organisation_id=workspace.organisation(session).id) == []
