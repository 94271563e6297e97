"""Data in over HTTP: the signals webhook (idempotent, all or nothing) and file uploads."""

from __future__ import annotations

import tempfile

import pytest

from api_support import api_client, bearer, build_org, secret_for
from learnloop.store.event_log import EventLog
from learnloop.store.overview import organisation_counts
from learnloop.workspace import Workspace

BATCH = {"signals": [
    {"id": "s1", "metric": "renewal_rate", "subject_type": "team", "subject": "sales",
     "observed_at": "2025-03-01", "value": 91.5, "source": "crm"},
    {"metric": "tickets_reopened", "subject_type": "person", "subject": "leo",
     "observed_at": "2025-03-01T09:30:00+01:00", "value": "3", "source": "helpdesk"},
    {"metric": "nps", "subject_type": "organisation", "observed_at": "2025-03-01", "value": 41,
     "source": "survey"},
]}


def _counts(workspace) -> dict[str, int]:
    with workspace.session() as session:
        return organisation_counts(session, workspace.organisation(session).id)


@pytest.fixture
def org(workspace):
    build_org(workspace)
    return workspace


def test_webhook_is_idempotent(org) -> None:
    client = api_client(org)
    integration = bearer(secret_for(org, "integration"))
    first = client.post("/api/signals", headers=integration, json=BATCH)
    assert first.status_code == 200
    assert first.json() == {"received": 3, "created": 3, "updated": 0, "unchanged": 0}
    again = client.post("/api/signals", headers=integration, json=BATCH).json()
    assert again == {"received": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert _counts(org)["signals"] == 3
    changed = {"signals": [dict(BATCH["signals"][0], value=80)]}
    assert client.post("/api/signals", headers=integration, json=changed).json()["updated"] == 1
    with org.session() as session:
        log = EventLog(session, org.organisation(session).id)
        received = log.recent(kinds=["signals.received"])
    assert len(received) == 3 and received[-1].payload["created"] == 3
    assert received[0].actor == "token:integration"


def test_webhook_writes_one_event_and_no_temporary_file(org, tmp_path, monkeypatch) -> None:
    # a temporary folder that does not exist: a webhook that wrote a temp file would fail here
    nowhere = tmp_path / "no-temporary-files"
    monkeypatch.setattr(tempfile, "tempdir", str(nowhere))
    client = api_client(org)
    integration = bearer(secret_for(org, "integration"))
    response = client.post("/api/signals", headers=integration, json=BATCH)
    assert response.status_code == 200 and response.json()["created"] == 3
    assert not nowhere.exists()
    with org.session() as session:
        log = EventLog(session, org.organisation(session).id)
        assert (log.count("signals.received"), log.count("import.completed")) == (1, 0)
        (received,) = log.recent(kinds=["signals.received"])
    assert received.payload["created"] == 3 and received.payload["origin"] == "webhook"


def test_bad_webhook_batch_is_422_with_problems_and_stores_nothing(org) -> None:
    client = api_client(org)
    integration = bearer(secret_for(org, "integration"))
    bad = {"signals": [BATCH["signals"][0],
                       dict(BATCH["signals"][1], subject="nobody"),
                       dict(BATCH["signals"][2], value="lots", colour="red")]}
    response = client.post("/api/signals", headers=integration, json=bad)
    assert response.status_code == 422
    problems = {(p["row"], p["field"]) for p in response.json()["error"]["problems"]}
    assert problems == {(2, "subject"), (3, "value"), (3, "colour")}
    assert _counts(org)["signals"] == 0
    not_a_batch = client.post("/api/signals", headers=integration, json={"signal": []})
    assert not_a_batch.status_code == 422
    assert not_a_batch.json()["error"]["problems"][0]["field"] == "signals"


def test_webhook_admits_integration_and_admin_only(org) -> None:
    client = api_client(org)
    ld = bearer(secret_for(org, "ld"))
    assert client.post("/api/signals", headers=ld, json=BATCH).status_code == 403


CSV = ("id,metric,subject_type,subject,observed_at,value,source\n"
       "c1,renewal_rate,team,sales,2025-04-01,90,crm\n"
       "c2,renewal_rate,team,ops,2025-04-01,85,crm\n")


def test_upload_import_through_the_api(org) -> None:
    client = api_client(org)
    ld = bearer(secret_for(org, "ld"))
    files = {"file": ("kpis.csv", CSV.encode(), "text/csv")}
    dry = client.post("/api/imports/signals", headers=ld, files=files, params={"dry_run": True})
    assert dry.status_code == 200 and dry.json()["created"] == 2 and dry.json()["dry_run"]
    assert _counts(org)["signals"] == 0
    done = client.post("/api/imports/signals", headers=ld, files=files)
    assert done.json() == {"kind": "signals", "file": "kpis.csv", "dry_run": False, "rows": 2,
                           "created": 2, "updated": 0, "unchanged": 0}
    assert _counts(org)["signals"] == 2


def test_rejected_upload_names_the_uploaded_file(org) -> None:
    client = api_client(org)
    admin = bearer(secret_for(org, "admin"))
    broken = CSV.replace("ops", "nowhere")
    response = client.post("/api/imports/signals", headers=admin,
                           files={"file": ("kpis.csv", broken.encode(), "text/csv")})
    assert response.status_code == 422
    assert response.json()["error"]["problems"] == [
        {"file": "kpis.csv", "row": 3, "field": "subject", "message": "no team with key 'nowhere'"}]
    unknown = client.post("/api/imports/wizards", headers=admin,
                          files={"file": ("x.csv", b"a\n", "text/csv")})
    assert unknown.status_code == 422
    assert "unknown import kind" in unknown.json()["error"]["message"]
    assert _counts(org)["signals"] == 0


def test_a_job_the_queue_refuses_answers_502_and_leaves_no_job(sqlite_workspace) -> None:
    # nothing listens on port 1: the queue refuses every job
    settings = sqlite_workspace.settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    workspace = Workspace(settings=settings, database=sqlite_workspace.database)
    client = api_client(workspace)
    ld = bearer(secret_for(workspace, "ld"))
    refused = client.post("/api/loop/run", headers=ld)
    assert refused.status_code == 502 and refused.json()["error"]["type"] == "provider"
    upload = client.post("/api/imports/signals", headers=ld, params={"background": True},
                         files={"file": ("kpis.csv", CSV.encode(), "text/csv")})
    assert upload.status_code == 502
    assert not any((settings.workspace / "uploads").glob("*/*"))  # the copy went with the job
    with workspace.session() as session:
        assert EventLog(session, workspace.organisation(session).id).count("job.queued") == 0


SIGNALS_CSV = ("id,metric,subject_type,subject,observed_at,value,source\n"
               "c1,renewal_rate,team,sales,2025-04-01,90,crm\n")


def test_an_uploads_name_is_echoed_without_path_or_control_characters(org) -> None:
    client = api_client(org)
    integration = bearer(secret_for(org, "integration"))
    sneaky = "../../reports/\x1b[31mkpis\u202e.csv"
    good = client.post("/api/imports/signals", headers=integration,
                       files={"file": (sneaky, SIGNALS_CSV.encode(), "text/csv")})
    assert good.status_code == 200, good.text
    assert good.json()["file"] == "[31mkpis.csv"
    bad = client.post("/api/imports/signals", headers=integration,
                      files={"file": ("..\\..\\bad\u202e.csv",
                                      SIGNALS_CSV.replace("sales", "x").encode())})
    assert bad.status_code == 422
    assert {problem["file"] for problem in bad.json()["error"]["problems"]} == {"bad.csv"}
    with org.session() as session:
        completed = EventLog(session, org.organisation(session).id).recent(
            kinds=["import.completed"])
    assert completed[0].payload["file"] == "[31mkpis.csv"
