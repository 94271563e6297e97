"""Signals, evidence and pulse imports: streamed rows, derived ids, references, privacy checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from import_support import import_into
from learnloop.config import Settings
from learnloop.domain.signals import signal_key
from learnloop.errors import InputError
from learnloop.store import tables
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
HEADER = "id,metric,subject_type,subject,observed_at,value,source\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _organisation(workspace) -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv")):
        import_into(workspace, kind=kind, path=EXAMPLES / name)


def _problems(workspace, **kwargs) -> list[str]:
    with pytest.raises(InputError) as caught:
        import_into(workspace, **kwargs)
    return [str(problem) for problem in caught.value.problems]


def test_signal_times_are_stored_in_utc_and_reimports_are_unchanged(workspace, tmp_path) -> None:
    _organisation(workspace)
    text = HEADER + (",win_rate,team,sales-emea,2025-03-01,27.5,crm\n"
                     "x1,calls,person,E002,2025-03-01T10:00:00+02:00,4,dialer\n"
                     ",calls,person,E003,2025-03-01T10:00:00,5,dialer\n")
    path = _write(tmp_path, "signals.csv", text)
    first = import_into(workspace, kind="signals", path=path)
    second = import_into(workspace, kind="signals", path=path)
    assert (first.created, second.unchanged, second.created) == (3, 3, 0)
    with workspace.session() as session:
        rows = {row.key: row for row in session.scalars(select(tables.Signal))}
    assert rows["x1"].observed_at == datetime(2025, 3, 1, 8, tzinfo=UTC)
    assert rows["dialer|calls|p:E003|1740823200"].value == 5.0
    assert signal_key(source="dialer", metric="calls", subject_type="person", subject_key="E003",
                      observed_at=datetime(2025, 3, 1, 10, tzinfo=UTC)) in rows
    assert rows["crm|win_rate|t:sales-emea|1740787200"].subject_type == "team"


def test_a_changed_value_updates_the_signal(workspace, tmp_path) -> None:
    _organisation(workspace)
    import_into(workspace, kind="signals", path=EXAMPLES / "signals.csv")
    changed = (EXAMPLES / "signals.csv").read_text().replace("27.5", "28.0")
    result = import_into(workspace, kind="signals", path=_write(tmp_path, "signals.csv", changed),
                         )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)


def test_signal_problems_are_listed_row_by_row(workspace, tmp_path) -> None:
    _organisation(workspace)
    text = HEADER + ("a,m,person,NOBODY,2025-01-01,1,crm\n"
                     "b,m,team,sales-emea,yesterday,1,crm\n"
                     "c,m,planet,mars,2025-01-01,x,crm\n"
                     "a,m,organisation,,2025-01-01,1,crm\n")
    assert _problems(workspace, kind="signals", path=_write(tmp_path, "s.csv", text)) == [
        "s.csv:2:subject: no person with id 'NOBODY'",
        "s.csv:3:observed_at: 'yesterday' is not an ISO 8601 time",
        "s.csv:4:subject_type: 'planet' is not one of person, team, organisation",
        "s.csv:4:value: 'x' is not a number"]


def test_repeated_ids_are_caught_across_batches(tmp_path) -> None:
    workspace = Workspace.open(Settings(home=tmp_path / "home", import_batch_size=2))
    rows = "".join(f"k{n},m,organisation,,2025-01-0{n + 1},1,crm\n" for n in range(5))
    path = _write(tmp_path, "s.csv", HEADER + rows + "k1,m,organisation,,2025-02-01,2,crm\n")
    assert _problems(workspace, kind="signals", path=path) == [
        "s.csv:7:id: signal id 'k1' appears more than once in this file"]
    import_into(workspace, kind="signals", path=_write(tmp_path, "ok.csv", HEADER + rows))
    again = _write(tmp_path, "again.csv", HEADER + rows + "k0,m,organisation,,2025-02-01,2,crm\n")
    assert _problems(workspace, kind="signals", path=again) == [
        "again.csv:7:id: signal id 'k0' appears more than once in this file"]
    workspace.close()


def test_thousands_of_signals_are_counted_exactly_across_batches(workspace, tmp_path) -> None:
    _organisation(workspace)
    rows = [f",calls,team,sales-emea,2025-01-01T00:00:{n % 60:02d}+00:00,{n},s{n // 60}\n"
            for n in range(9000)]
    path = _write(tmp_path, "s.csv", HEADER + "".join(rows))
    first = import_into(workspace, kind="signals", path=path)
    rows[8500] = rows[8500].replace(",8500,", ",8500.5,")
    again = import_into(workspace, kind="signals", path=_write(tmp_path, "s.csv",
                                                                HEADER + "".join(rows)))
    assert (first.created, again.created, again.updated, again.unchanged) == (9000, 0, 1, 8999)
    with workspace.session() as session:
        assert session.scalar(select(tables.Signal.value).where(
            tables.Signal.key == "s141|calls|t:sales-emea|1735689640")) == 8500.5
    repeated = _write(tmp_path, "r.csv", HEADER + "".join(rows) + rows[3])
    assert _problems(workspace, kind="signals", path=repeated) == [
        "r.csv:9002:id: signal id 's0|calls|t:sales-emea|1735689603' appears "
        "more than once in this file"]


def test_signals_arrive_as_json_and_json_lines(workspace, tmp_path) -> None:
    _organisation(workspace)
    assert import_into(workspace, kind="signals", path=EXAMPLES / "signals.json").created == 2
    lines = [{"metric": "m", "subject_type": "organisation", "observed_at": "2025-01-01",
              "value": 1, "source": "s"},
             {"metric": "m", "subject_type": "team", "subject": "sales-emea",
              "observed_at": "2025-01-01", "value": "2.5", "source": "s"}]
    path = _write(tmp_path, "s.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    assert import_into(workspace, kind="signals", path=path).created == 2
    bad = _write(tmp_path, "bad.jsonl", '{"metric": "m", "colour": 1}\nnot json\n')
    problems = _problems(workspace, kind="signals", path=bad)
    assert problems[0].startswith("bad.jsonl:1:colour: unknown key")
    assert "bad.jsonl:2: not valid JSON: Expecting value" in problems


def test_evidence_refers_to_known_people_and_skills(workspace, tmp_path) -> None:
    _organisation(workspace)
    result = import_into(workspace, kind="evidence", path=EXAMPLES / "evidence.csv")
    assert (result.created, import_into(workspace, kind="evidence",
                                        path=EXAMPLES / "evidence.csv").unchanged) == (3, 3)
    text = ("person,skill,kind,level,date,source\n"
            "E404,negotiation,assessment,2,2025-01-01,lms\n"
            "E002,juggling,gossip,4.5,2025-01-01,lms\n")
    assert _problems(workspace, kind="evidence", path=_write(tmp_path, "e.csv", text)) == [
        "e.csv:2:person: no person with id 'E404'",
        "e.csv:3:kind: 'gossip' is not one of manager_rating, self_assessment, assessment",
        "e.csv:3:level: '4.5' is outside 0–4",
        "e.csv:3:skill: no skill 'juggling' in the taxonomy"]


def test_pulse_refuses_groups_too_small_to_stay_anonymous(workspace, tmp_path) -> None:
    _organisation(workspace)
    assert import_into(workspace, kind="pulse", path=EXAMPLES / "pulse.csv").created == 2
    text = ("survey,team,question,period,score,responses\n"
            "q,sales-emea,Q1,2025-01-01,4,2\n"
            "q,ghosts,Q1,2025-01-01,4,10\n")
    assert _problems(workspace, kind="pulse", path=_write(tmp_path, "p.csv", text)) == [
        "p.csv:2:responses: 2 answers is fewer than 3: too few to keep anonymous",
        "p.csv:3:team: no team 'ghosts' (teams come from the people import)"]


# Untidy but valid rows and rows with one fault each: a CSV row is checked by quick tests first,
# a JSON Lines row always by the full check; both must store and report the same.
UNTIDY_ROWS = [
    ["", " m ", " Person ", " E002 ", " 2025-03-01T10:00:00+02:00 ", " 4 ", " crm "],
    [" k1 ", "m", "ORGANISATION", "", "2025-03-01", "1_000", "crm"],
    ["", "m", "team", "sales-emea", "2025-03-02", "-0.5e3", "crm"],
]
FAULTY_ROWS = [
    ["", "", "person", "E002", "2025-03-01", "1", "crm"],
    ["", "m", "person", "E002", "2025-03-01", "1", "s" * 129],
    ["", "m", "organisation", "E002", "2025-03-01", "1", "crm"],
    ["", "m", "team", "", "2025-03-01", "1", "crm"],
    ["", "m", "person", "E002", "2025-03-01", "nan", "crm"],
    ["", "m", "person", "E002", "2025-03-01", "inf", "crm"],
    ["", "m", "person", "E002", "", "1", "crm"],
    ["k" * 301, "m", "person", "E002", "2025-03-01", "1", "crm"],
    ["", "m" * 100, "person", "E002", "2025-03-01", "1", "s" * 100 + "t" * 100],
]


def _as_csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    return _write(tmp_path, "s.csv", HEADER + "".join(",".join(row) + "\n" for row in rows))


def _as_json_lines(tmp_path: Path, rows: list[list[str]]) -> Path:
    names = HEADER.strip().split(",")
    items = [dict(zip(names, row, strict=True)) for row in rows]
    return _write(tmp_path, "s.jsonl", "".join(json.dumps(item) + "\n" for item in items))


def _stored(workspace) -> list[tuple]:
    with workspace.session() as session:
        return sorted((row.key, row.metric, row.subject_type, row.subject_id, row.observed_at,
                       row.value, row.source) for row in session.scalars(select(tables.Signal)))


def test_untidy_csv_rows_are_stored_as_the_full_check_would(workspace, tmp_path) -> None:
    _organisation(workspace)
    from_csv = import_into(workspace, kind="signals", path=_as_csv(tmp_path, UNTIDY_ROWS))
    stored = _stored(workspace)
    assert from_csv.created == 3 and len(stored) == 3
    again = import_into(workspace, kind="signals", path=_as_json_lines(tmp_path, UNTIDY_ROWS))
    assert (again.created, again.unchanged) == (0, 3)
    assert _stored(workspace) == stored
    assert "crm|m|p:E002|1740816000" in {row[0] for row in stored}


def test_each_faulty_csv_row_is_reported_as_the_full_check_would(workspace, tmp_path) -> None:
    _organisation(workspace)
    from_csv = _problems(workspace, kind="signals", path=_as_csv(tmp_path, FAULTY_ROWS))
    from_lines = _problems(workspace, kind="signals",
                           path=_as_json_lines(tmp_path, FAULTY_ROWS))
    # a CSV's header is row 1, so its rows are numbered one more than the lines'
    assert len(from_csv) == len(FAULTY_ROWS)
    assert [problem.split(":", 2)[2] for problem in from_csv] == [
        problem.split(":", 2)[2] for problem in from_lines]
    assert [int(problem.split(":")[1]) for problem in from_csv] == list(
        range(2, 2 + len(FAULTY_ROWS)))
    assert _stored(workspace) == []


def test_derived_keys_are_exact_to_the_microsecond_and_tell_subject_kinds_apart() -> None:
    from learnloop.domain.signals import compact_time

    moment = datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert compact_time(moment) == "1740823200"
    assert compact_time(moment.replace(microsecond=5)) == "1740823200.000005"
    keys = {signal_key(source="crm", metric="m", subject_type=kind, subject_key="x",
                       observed_at=moment) for kind in ("person", "team")}
    assert len(keys) == 2
    with pytest.raises(ValueError, match="aware"):
        compact_time(datetime(2025, 3, 1))


def test_keys_derived_a_batch_at_a_time_are_each_rows_own_key() -> None:
    from learnloop.domain.signals import derived_signal_key, derived_signal_keys

    rows = [("crm", "calls", "person", "E1", "1740823200"),
            ("crm", "calls", "person", "E2", "1740823200"),
            ("desk", "calls", "team", "sales|emea", "1740823200.000005"),
            ("crm", "calls", "organisation", "", "1740823200"),
            ("crm", "größe", "person", "Zoë", "1740909600"),
            ("crm", "calls", "person", "E1", "1740823200")]
    expected = [derived_signal_key(source=source, metric=metric, subject_type=kind,
                                   subject_key=subject or None, moment=moment)
                for source, metric, kind, subject, moment in rows]
    sources, metrics, kinds, subjects, moments = (list(column) for column in zip(*rows,
                                                                                 strict=True))
    assert derived_signal_keys(sources=sources, metrics=metrics,
                               initials=[kind[0] for kind in kinds], subject_keys=subjects,
                               moments=moments) == expected
    assert expected[3] == "crm|calls|o:-|1740823200"
