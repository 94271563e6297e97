"""Signals arriving by webhook are sensed at once, against their series' stored state, in the
request's transaction: the detection they raise is the one a full recompute raises."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np

from api_support import api_client, bearer, secret_for
from conftest import make_settings
from import_support import import_into
from learnloop.agents.sensing import sense
from learnloop.domain.events import utcnow
from learnloop.importing import import_file
from learnloop.store.detections import detection_list, drop_detections
from learnloop.store.event_log import EventLog
from learnloop.store.sensing import drop_states
from learnloop.workspace import Workspace

FIRST = date(2025, 1, 6)
PEOPLE = 16
DIP_WEEK = 20


def _organisation(workspace: Workspace, tmp_path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id,name,email,team,department,role,manager_id,location,time_zone,"
                      "hire_date,status\n" + "".join(
                          f"P{n:02d},P {n},p{n}@example.com,support,Support,,,Paris,"
                          f"Europe/Paris,2020-01-01,active\n" for n in range(PEOPLE)),
                      encoding="utf-8")
    import_into(workspace, kind="people", path=people)
    objectives = tmp_path / "objectives.yaml"
    objectives.write_text("objectives:\n  - id: resolve\n    title: Resolve on first contact\n"
                          "    description: More first-contact resolution.\n    weight: 1\n"
                          "    kpis:\n      - metric: fcr\n        direction: up\n"
                          "        unit: \"%\"\n    skills: []\n    teams: [support]\n",
                          encoding="utf-8")
    import_into(workspace, kind="objectives", path=objectives)


def _week(week: int, rng: np.random.Generator) -> list[dict]:
    """Every person's first-contact resolution in one week; from DIP_WEEK on it falls."""
    day = FIRST + timedelta(weeks=week)
    level = 0.80 - (0.08 if week >= DIP_WEEK else 0.0)
    return [{"id": f"fcr-{n}-{week}", "metric": "fcr", "subject_type": "person",
             "subject": f"P{n:02d}", "observed_at": day.isoformat(),
             "value": round(float(level + rng.normal(0, 0.03)), 4), "source": "desk",
             "volume": 40} for n in range(PEOPLE)]


def _facts(records) -> list[tuple]:
    return sorted((r.detection.subject_key, r.detection.metric, r.detection.change_start,
                   r.detection.detected_at, round(r.detection.effect, 9), r.cause.value)
                  for r in records)


def test_a_webhook_signal_raises_what_a_full_run_raises(workspace: Workspace,
                                                         tmp_path) -> None:
    _organisation(workspace, tmp_path)
    rng = np.random.default_rng(3)
    history = tmp_path / "history.jsonl"
    history.write_text("".join(f"{json.dumps(item)}\n"
                               for week in range(DIP_WEEK) for item in _week(week, rng)),
                       encoding="utf-8")
    import_into(workspace, kind="signals", path=history)
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        quiet = sense(session, organisation_id=organisation_id, now=utcnow())
    assert quiet.detections == [] and quiet.recomputed == 1

    secret = secret_for(workspace, "integration")
    with api_client(workspace) as client:
        for week in range(DIP_WEEK, DIP_WEEK + 6):
            answer = client.post("/api/signals", json={"signals": _week(week, rng)},
                                 headers=bearer(secret))
            assert answer.status_code == 200, answer.text
    with workspace.session() as session:
        arrived = detection_list(session, organisation_id=organisation_id)
        logged = EventLog(session, organisation_id).recent(limit=500, kinds=["sensing.detected"])
        # the same data from scratch: every state and detection dropped, one full run
        savepoint = session.begin_nested()
        drop_states(session, organisation_id=organisation_id)
        drop_detections(session, organisation_id=organisation_id)
        full = sense(session, organisation_id=organisation_id, now=utcnow()).detections
        savepoint.rollback()
    assert len(arrived) == 1 and arrived[0].detection.subject_key == "support"
    assert arrived[0].detection.change_start >= FIRST + timedelta(weeks=DIP_WEEK - 1)
    assert [event.actor for event in logged] == ["agent:sensing"]
    assert _facts(arrived) == _facts(full)


def test_signals_about_no_monitored_series_are_only_stored(sqlite_workspace: Workspace,
                                                           tmp_path) -> None:
    _organisation(sqlite_workspace, tmp_path)
    secret = secret_for(sqlite_workspace, "integration")
    with api_client(sqlite_workspace) as client:
        answer = client.post("/api/signals", headers=bearer(secret), json={"signals": [
            {"id": "o1", "metric": "fcr", "subject_type": "organisation",
             "observed_at": "2025-01-06", "value": 0.8, "source": "desk"},
            {"id": "x1", "metric": "nps", "subject_type": "person", "subject": "P01",
             "observed_at": "2025-01-06", "value": 30, "source": "survey"}]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": 2, "created": 2, "updated": 0, "unchanged": 0}
    with sqlite_workspace.session() as session:
        organisation_id = sqlite_workspace.organisation(session).id
        assert EventLog(session, organisation_id).recent(limit=50, kinds=["agent.failed"]) == []


def test_a_signals_file_import_raises_what_a_full_run_raises(workspace: Workspace,
                                                             tmp_path) -> None:
    _organisation(workspace, tmp_path)
    rng = np.random.default_rng(5)
    history = tmp_path / "history.jsonl"
    history.write_text("".join(f"{json.dumps(item)}\n"
                               for week in range(DIP_WEEK) for item in _week(week, rng)),
                       encoding="utf-8")
    import_into(workspace, kind="signals", path=history)
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        assert sense(session, organisation_id=organisation_id, now=utcnow()).detections == []
    dips = "".join(f"{json.dumps(item)}\n"
                   for week in range(DIP_WEEK, DIP_WEEK + 6) for item in _week(week, rng))
    secret = secret_for(workspace, "integration")
    with api_client(workspace) as client:
        checked = client.post("/api/imports/signals?dry_run=true", headers=bearer(secret),
                              files={"file": ("dips.jsonl", dips.encode(), "text/plain")})
        assert checked.status_code == 200, checked.text
        with workspace.session() as session:  # a dry run writes nothing and senses nothing
            assert detection_list(session, organisation_id=organisation_id) == []
        answer = client.post("/api/imports/signals", headers=bearer(secret),
                             files={"file": ("dips.jsonl", dips.encode(), "text/plain")})
        assert answer.status_code == 200, answer.text
    with workspace.session() as session:
        arrived = detection_list(session, organisation_id=organisation_id)
        savepoint = session.begin_nested()
        drop_states(session, organisation_id=organisation_id)
        drop_detections(session, organisation_id=organisation_id)
        full = sense(session, organisation_id=organisation_id, now=utcnow()).detections
        savepoint.rollback()
    assert len(arrived) == 1 and arrived[0].detection.subject_key == "support"
    assert _facts(arrived) == _facts(full)


def test_a_large_signals_import_leaves_sensing_to_the_loop(tmp_path) -> None:
    from learnloop.agents.sensing_arrivals import sense_after_import

    workspace = Workspace.open(make_settings(tmp_path))
    try:
        _organisation(workspace, tmp_path)
        rng = np.random.default_rng(5)
        signals = tmp_path / "signals.jsonl"
        signals.write_text("".join(f"{json.dumps(item)}\n" for week in range(DIP_WEEK + 6)
                                   for item in _week(week, rng)), encoding="utf-8")
        with workspace.session() as session:
            organisation_id = workspace.organisation(session).id
            result, sensed = sense_after_import(
                session, organisation_id=organisation_id, kind="signals", dry_run=False,
                run=lambda: import_file(session, organisation_id=organisation_id,
                                        kind="signals", path=signals),
                settings=workspace.settings.model_copy(
                    update={"sensing_on_import_max_series": 0}))
            assert result.created == PEOPLE * (DIP_WEEK + 6) and sensed is None
            assert detection_list(session, organisation_id=organisation_id) == []
            _, sensed = sense_after_import(
                session, organisation_id=organisation_id, kind="people", dry_run=False,
                run=lambda: None, settings=workspace.settings)
            assert sensed is None  # only signals imports are sensed
    finally:
        workspace.close()
