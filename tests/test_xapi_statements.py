"""The Statements resource as xAPI 1.0.3 describes it, on SQLite and PostgreSQL: writing (PUT,
POST single and batch, immutability), every GET filter, formats, voiding, paging while others
write, the version and consistency headers, and the client scopes."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid

import pytest
from sqlalchemy import text

from learnloop.xapi.multipart import boundary_of, read_multipart
from learnloop.xapi.validation import VOIDED_VERB
from xapi_support import (
    VERBS,
    VERSION,
    activity_id,
    agent,
    basic,
    client_headers,
    lrs,
    statement,
)


@pytest.fixture
def setup(workspace):
    client = lrs(workspace)
    return client, client_headers(workspace, "all"), workspace


def _post(client, headers, body):
    response = client.post("/xapi/statements", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(client, headers, **params) -> list[str]:
    response = client.get("/xapi/statements", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["statements"]]


def test_post_single_and_batch_return_ids_and_the_lrs_sets_stored_authority_version(
        setup) -> None:
    client, headers, _ = setup
    one = statement()
    assert _post(client, headers, one) == [one["id"]]
    no_id = statement()
    del no_id["id"]
    batch = [statement(learner=2), no_id, statement(learner=3)]
    ids = _post(client, headers, batch)
    assert len(ids) == 3 and ids[0] == batch[0]["id"] and uuid.UUID(ids[1])
    stored = client.get("/xapi/statements", params={"statementId": ids[1]},
                        headers=headers).json()
    assert stored["stored"].endswith("Z") and stored["timestamp"] == stored["stored"]
    assert stored["authority"]["account"]["name"].startswith("lrs_")
    assert stored["version"] == "1.0.0"


def test_authority_sent_by_the_client_is_replaced_by_its_credentials(setup) -> None:
    client, headers, _ = setup
    forged = statement(authority={"objectType": "Agent", "mbox": "mailto:boss@example.com"})
    _post(client, headers, forged)
    stored = client.get("/xapi/statements", params={"statementId": forged["id"]},
                        headers=headers).json()
    assert "mbox" not in stored["authority"]


def test_put_stores_under_the_statement_id_and_refuses_a_mismatch(setup) -> None:
    client, headers, _ = setup
    body = statement()
    given = body.pop("id")
    response = client.put("/xapi/statements", params={"statementId": given}, json=body,
                          headers=headers)
    assert response.status_code == 204
    assert _ids(client, headers) == [given]
    other = client.put("/xapi/statements", params={"statementId": str(uuid.uuid4())},
                       json={**body, "id": given}, headers=headers)
    assert other.status_code == 400
    assert client.put("/xapi/statements", json=body, headers=headers).status_code == 400


def test_the_same_id_again_unchanged_is_no_error_and_different_is_a_conflict(setup) -> None:
    client, headers, _ = setup
    body = statement()
    _post(client, headers, body)
    assert _post(client, headers, body) == [body["id"]]
    put = client.put("/xapi/statements", params={"statementId": body["id"]}, json=body,
                     headers=headers)
    assert put.status_code == 204
    changed = {**body, "verb": {"id": VERBS[1]}}
    assert client.post("/xapi/statements", json=changed, headers=headers).status_code == 409
    batch = [statement(), changed]
    assert client.post("/xapi/statements", json=batch, headers=headers).status_code == 409
    assert _ids(client, headers) == [body["id"]], "a refused batch stores nothing"


def test_a_batch_with_one_bad_statement_stores_nothing_and_says_why(setup) -> None:
    client, headers, _ = setup
    bad = statement()
    bad["actor"] = {"mbox": "learner@example.com"}
    response = client.post("/xapi/statements", json=[statement(), bad], headers=headers)
    assert response.status_code == 400
    assert "statement 1" in response.json()["error"]["message"]
    assert "mailto" in response.json()["error"]["message"]
    assert _ids(client, headers) == []


def test_version_header_is_required_and_always_answered(setup) -> None:
    client, headers, _ = setup
    without = {key: value for key, value in headers.items() if key != "X-Experience-API-Version"}
    response = client.get("/xapi/statements", headers=without)
    assert response.status_code == 400 and response.headers["X-Experience-API-Version"] == "1.0.3"
    wrong = client.get("/xapi/statements", headers={**headers, "X-Experience-API-Version": "0.9"})
    assert wrong.status_code == 400
    assert client.get("/xapi/statements", headers={**headers, "X-Experience-API-Version":
                                                   "1.0.1"}).status_code == 200
    about = client.get("/xapi/about")
    assert about.status_code == 200 and "1.0.3" in about.json()["version"]
    assert about.headers["X-Experience-API-Version"] == "1.0.3"


def test_every_filter(setup) -> None:
    client, headers, _ = setup
    registration = str(uuid.uuid4())
    a = statement(learner=1, verb=VERBS[0], activity=1)
    b = statement(learner=2, verb=VERBS[1], activity=2,
                  context={"registration": registration,
                           "contextActivities": {"parent": [{"id": activity_id(1)}]},
                           "instructor": agent(1)})
    c = statement(learner=3, verb=VERBS[0], activity=3)
    c["object"] = {"objectType": "Agent", "mbox": "mailto:learner1@example.com"}
    for item in (a, b, c):
        _post(client, headers, item)
        time.sleep(0.01)
    learner1 = json.dumps(agent(1))
    assert _ids(client, headers, agent=learner1) == [c["id"], a["id"]]
    assert _ids(client, headers, agent=learner1, related_agents="true") == [
        c["id"], b["id"], a["id"]]
    assert _ids(client, headers, verb=VERBS[0]) == [c["id"], a["id"]]
    assert _ids(client, headers, activity=activity_id(1)) == [a["id"]]
    assert _ids(client, headers, activity=activity_id(1), related_activities="true") == [
        b["id"], a["id"]]
    assert _ids(client, headers, registration=registration) == [b["id"]]
    assert _ids(client, headers, agent=learner1, verb=VERBS[0],
                activity=activity_id(1)) == [a["id"]]
    stored_b = client.get("/xapi/statements", params={"statementId": b["id"]},
                          headers=headers).json()["stored"]
    assert _ids(client, headers, since=stored_b) == [c["id"]]
    assert _ids(client, headers, until=stored_b) == [b["id"], a["id"]]
    assert _ids(client, headers, ascending="true") == [a["id"], b["id"], c["id"]]
    assert _ids(client, headers, limit="1") == [c["id"]]
    for bad in ({"agent": "{not json"}, {"verb": "completed"}, {"registration": "x"},
                {"since": "yesterday"}, {"limit": "-1"}, {"ascending": "yes"},
                {"format": "short"}, {"colour": "blue"}):
        response = client.get("/xapi/statements", params=bad, headers=headers)
        assert response.status_code == 400, bad


def test_formats_ids_and_canonical(setup) -> None:
    client, headers, _ = setup
    body = statement()
    body["verb"]["display"] = {"en-US": "completed", "fr-FR": "a terminé"}
    _post(client, headers, body)
    ids = client.get("/xapi/statements", params={"statementId": body["id"], "format": "ids"},
                     headers=headers).json()
    assert ids["actor"] == {"objectType": "Agent", "mbox": "mailto:learner1@example.com"}
    assert ids["verb"] == {"id": VERBS[0]} and "definition" not in ids["object"]
    canonical = client.get("/xapi/statements", params={"format": "canonical"},
                           headers={**headers, "Accept-Language": "fr-FR"}).json()
    assert canonical["statements"][0]["verb"]["display"] == {"fr-FR": "a terminé"}
    exact = client.get("/xapi/statements", params={"statementId": body["id"]},
                       headers=headers).json()
    assert exact["verb"]["display"] == body["verb"]["display"]


def test_voiding_hides_the_target_from_queries_but_not_from_voidedStatementId(setup) -> None:
    client, headers, _ = setup
    target = statement()
    _post(client, headers, target)
    voiding = statement(verb=VOIDED_VERB)
    voiding["object"] = {"objectType": "StatementRef", "id": target["id"]}
    _post(client, headers, voiding)
    assert _ids(client, headers) == [voiding["id"]]
    one = client.get("/xapi/statements", params={"statementId": target["id"]}, headers=headers)
    assert one.status_code == 404
    voided = client.get("/xapi/statements", params={"voidedStatementId": target["id"]},
                        headers=headers)
    assert voided.status_code == 200 and voided.json()["id"] == target["id"]
    live = client.get("/xapi/statements", params={"voidedStatementId": voiding["id"]},
                      headers=headers)
    assert live.status_code == 404
    # a voiding statement is never voided itself
    again = statement(verb=VOIDED_VERB)
    again["object"] = {"objectType": "StatementRef", "id": voiding["id"]}
    _post(client, headers, again)
    assert voiding["id"] in _ids(client, headers)
    both = client.get("/xapi/statements", params={"statementId": target["id"],
                                                  "voidedStatementId": target["id"]},
                      headers=headers)
    assert both.status_code == 400
    with_filter = client.get("/xapi/statements", params={"statementId": target["id"],
                                                         "verb": VERBS[0]}, headers=headers)
    assert with_filter.status_code == 400


def test_more_pages_see_every_statement_once_while_others_write(setup) -> None:
    client, headers, workspace = setup
    first = [statement(learner=n) for n in range(45)]
    _post(client, headers, first)
    stop = threading.Event()

    def write() -> None:
        writer = lrs(workspace)
        while not stop.is_set():
            writer.post("/xapi/statements", json=[statement(learner=99)], headers=headers)

    for ascending in ("false", "true"):
        thread = threading.Thread(target=write)
        thread.start()
        try:
            seen: list[str] = []
            page = client.get("/xapi/statements", params={"limit": 10, "ascending": ascending},
                              headers=headers)
            assert page.headers["X-Experience-API-Consistent-Through"].endswith("Z")
            while True:
                body = page.json()
                seen.extend(item["id"] for item in body["statements"])
                if not body["more"]:
                    break
                time.sleep(0.02)
                page = client.get(body["more"], headers=headers)
                assert page.status_code == 200
        finally:
            stop.set()
            thread.join()
            stop.clear()
        assert len(seen) == len(set(seen)), "no statement twice"
        assert {item["id"] for item in first} <= set(seen), "none stored before is missed"


def test_scopes_are_enforced(setup) -> None:
    client, headers, workspace = setup
    writer = client_headers(workspace, "statements/write", name="writer")
    mine = client_headers(workspace, "statements/write", "statements/read/mine", name="mine")
    reader = client_headers(workspace, "statements/read", name="reader")
    own = statement()
    _post(client, mine, own)
    _post(client, writer, statement())
    assert client.get("/xapi/statements", headers=writer).status_code == 403
    assert _ids(client, mine) == [own["id"]]
    assert len(_ids(client, reader)) == 2
    assert client.post("/xapi/statements", json=statement(), headers=reader).status_code == 403
    state = client.get("/xapi/activities/state", headers=reader,
                       params={"activityId": activity_id(1), "agent": json.dumps(agent(1))})
    assert state.status_code == 403


def test_wrong_or_revoked_credentials_are_refused(setup) -> None:
    client, headers, workspace = setup
    assert client.get("/xapi/statements", headers=VERSION).status_code == 401
    wrong = basic("lrs_nobody", "secret")
    answer = client.get("/xapi/statements", headers=wrong)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Basic")
    from learnloop.xapi.clients import revoke_client

    username = _username(headers)
    with workspace.session() as session:
        revoke_client(session, organisation_id=workspace.organisation(session).id,
                      username=username)
    assert client.get("/xapi/statements", headers=headers).status_code == 401


def test_a_revoke_by_another_process_holds_once_the_remembered_header_expires(
        setup, monkeypatch) -> None:
    from learnloop.domain.events import utcnow
    from learnloop.store.xapi_clients import mark_client_revoked
    from learnloop.xapi import clients

    client, headers, workspace = setup
    assert client.get("/xapi/statements", headers=headers).status_code == 200
    with workspace.session() as session:  # what `lrs client revoke` in another process does
        mark_client_revoked(session, organisation_id=workspace.organisation(session).id,
                            username=_username(headers), at=utcnow())
    assert client.get("/xapi/statements", headers=headers).status_code == 200
    later = clients._verified.clock() + clients.VERIFIED_SECONDS + 1
    monkeypatch.setattr(clients._verified, "clock", lambda: later)
    assert client.get("/xapi/statements", headers=headers).status_code == 401



def test_a_remembered_client_is_known_without_a_session_and_its_version_header_still_holds(
        setup, monkeypatch) -> None:
    client, headers, workspace = setup
    assert client.post("/xapi/statements", json=statement(), headers=headers).status_code == 200
    opened = []
    real = workspace.session
    monkeypatch.setattr(workspace, "session", lambda: opened.append(1) or real())
    assert client.post("/xapi/statements", json=statement(), headers=headers).status_code == 200
    assert opened == [], "the caller was read again"
    old = client.post("/xapi/statements", json=statement(),
                      headers={**headers, "X-Experience-API-Version": "0.95"})
    assert old.status_code == 400 and "0.95" in old.text
    unknown = basic("lrs_nobody", "secret")
    assert client.post("/xapi/statements", json=statement(), headers=unknown).status_code == 401
    assert opened == [1], "a header not remembered is checked against the stored clients"

def _username(headers: dict[str, str]) -> str:
    import base64

    return base64.b64decode(headers["Authorization"].split()[1]).decode().split(":")[0]


def test_record_statements_writes_learnloops_own_interactions_in_the_callers_transaction(
        setup) -> None:
    from learnloop.xapi.statements import record_statements

    client, headers, workspace = setup
    authority = {"objectType": "Agent", "name": "learnloop",
                 "account": {"homePage": "https://learnloop.example", "name": "delivery"}}
    body = statement()
    with pytest.raises(RuntimeError), workspace.session() as session:
        record_statements(session, organisation_id=workspace.organisation(session).id,
                          statements=[body], authority=authority)
        raise RuntimeError("the caller fails: nothing is stored")
    assert _ids(client, headers) == []
    with workspace.session() as session:
        ids = record_statements(session, organisation_id=workspace.organisation(session).id,
                                statements=[body], authority=authority)
    assert ids == [body["id"]] and _ids(client, headers) == ids


def test_a_batch_whose_ids_another_transaction_stored_first_writes_only_the_new_ones(
        setup) -> None:
    """What a race between two writers leaves: insert_statements skips the ids stored in the
    meantime, says which they were, and gives refs only to the statements it wrote."""
    from learnloop.domain.events import utcnow
    from learnloop.store.xapi_statements import insert_statements
    from learnloop.xapi.statements import prepare_statements

    client, headers, workspace = setup
    authority = {"objectType": "Agent", "name": "learnloop",
                 "account": {"homePage": "https://learnloop.example", "name": "race"}}
    first, second = ([statement(learner=n, activity=n) for n in (1, 2)],
                     [statement(learner=n, activity=n) for n in (3, 4)])
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        early = prepare_statements(first, authority=authority, stored=utcnow())
        assert insert_statements(session, organisation_id=organisation_id, client_id=None,
                                 statements=early) == set()
    late = prepare_statements([first[1], *second, first[0]], authority=authority,
                              stored=utcnow())
    raced = {item["id"] for item in first}
    # some stored already, then all of them
    for batch in (late, [late[0], late[-1]]):
        with workspace.session() as session:
            assert insert_statements(session, organisation_id=organisation_id, client_id=None,
                                     statements=batch) == raced
    assert sorted(_ids(client, headers)) == sorted(item["id"] for item in first + second)
    for n, item in enumerate(first + second, start=1):
        assert _ids(client, headers, agent=json.dumps(agent(n))) == [item["id"]]
        assert _ids(client, headers, activity=activity_id(n)) == [item["id"]]


def test_a_conflicting_batch_leaves_nothing_even_for_a_caller_that_goes_on(setup) -> None:
    from learnloop.errors import ConflictError
    from learnloop.xapi.statements import record_statements

    client, headers, workspace = setup
    authority = {"objectType": "Agent", "name": "learnloop",
                 "account": {"homePage": "https://learnloop.example", "name": "conflict"}}
    kept = statement(learner=1)
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        record_statements(session, organisation_id=organisation_id, statements=[kept],
                          authority=authority)
    refs = text("SELECT count(*) FROM xapi_statement_refs")
    with workspace.session() as session:
        kept_refs = session.scalar(refs)
    with workspace.session() as session, pytest.raises(ConflictError):
        record_statements(session, organisation_id=organisation_id, authority=authority,
                          statements=[statement(learner=2), {**kept, "result": {
                              "completion": True}}])
    with workspace.session() as session:
        # the undone statement's refs went with it (the refs table has no cascading key)
        assert session.scalar(refs) == kept_refs
    assert _ids(client, headers) == [kept["id"]]
    assert _ids(client, headers, agent=json.dumps(agent(2))) == []


def _multipart(statements, parts: list[bytes]) -> tuple[bytes, str]:
    boundary = "learnloop-test-boundary"
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
              json.dumps(statements).encode(), b"\r\n"]
    for content in parts:
        chunks += [f"--{boundary}\r\nContent-Type: text/plain\r\n"
                   "Content-Transfer-Encoding: binary\r\n"
                   f"X-Experience-API-Hash: {hashlib.sha256(content).hexdigest()}\r\n\r\n"
                   .encode(), content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def test_attachments_sent_as_parts_are_kept_and_returned(setup) -> None:
    client, headers, _ = setup
    content = b"certificate of completion"
    body = statement(attachments=[{
        "usageType": "http://adlnet.gov/expapi/attachments/certificate",
        "display": {"en-US": "Certificate"}, "contentType": "text/plain",
        "length": len(content), "sha2": hashlib.sha256(content).hexdigest()}])
    without = client.post("/xapi/statements", json=body, headers=headers)
    assert without.status_code == 400 and "no fileUrl" in without.text
    wrong, kind = _multipart([body], [b"something else"])
    assert client.post("/xapi/statements", content=wrong,
                       headers={**headers, "Content-Type": kind}).status_code == 400
    sent, kind = _multipart([body], [content])
    answer = client.post("/xapi/statements", content=sent, headers={**headers,
                                                                    "Content-Type": kind})
    assert answer.status_code == 200, answer.text
    got = client.get("/xapi/statements", params={"statementId": body["id"],
                                                 "attachments": "true"}, headers=headers)
    assert got.headers["content-type"].startswith("multipart/mixed")
    assert content in got.content and body["id"].encode() in got.content
    plain = client.get("/xapi/statements", params={"statementId": body["id"]}, headers=headers)
    assert plain.headers["content-type"] == "application/json"


def test_more_pages_of_a_query_with_attachments_carry_the_attachments_too(setup) -> None:
    client, headers, _ = setup
    contents = [b"first certificate", b"second certificate"]
    bodies = [statement(attachments=[{
        "usageType": "http://adlnet.gov/expapi/attachments/certificate",
        "display": {"en-US": "Certificate"}, "contentType": "text/plain",
        "length": len(content), "sha2": hashlib.sha256(content).hexdigest()}])
        for content in contents]
    sent, kind = _multipart(bodies, contents)
    answer = client.post("/xapi/statements", content=sent,
                         headers={**headers, "Content-Type": kind})
    assert answer.status_code == 200, answer.text
    first = client.get("/xapi/statements", params={"limit": 1, "attachments": "true"},
                       headers=headers)
    assert first.headers["content-type"].startswith("multipart/mixed")
    page, _ = read_multipart(first.content, boundary=boundary_of(first.headers["content-type"]))
    more = json.loads(page)["more"]
    assert more
    second = client.get(more, headers=headers)
    assert second.status_code == 200
    assert second.headers["content-type"].startswith("multipart/mixed")
    assert contents[0] in second.content and bodies[0]["id"].encode() in second.content


def test_refused_statement_reads_still_say_consistent_through(setup) -> None:
    """Regression (ADL conformance suite, XAPI-00150/00151/00153): the header comes with 400s
    and 404s of GET /statements too."""
    client, headers, _ = setup
    for params in ({"statementId": str(uuid.uuid4()), "verb": VERBS[0]},
                   {"statementId": str(uuid.uuid4())}, {"limit": "-1"}):
        response = client.get("/xapi/statements", params=params, headers=headers)
        assert response.status_code in (400, 404), response.text
        assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")


def test_head_answers_like_get_without_a_body(setup) -> None:
    """Regression (ADL conformance suite, XAPI-00125/00126): HEAD on every resource."""
    client, headers, _ = setup
    one = statement()
    _post(client, headers, one)
    person = json.dumps(one["actor"])
    for path, params in (("/xapi/statements", {}), ("/xapi/activities",
                         {"activityId": one["object"]["id"]}), ("/xapi/agents", {"agent": person}),
                         ("/xapi/agents/profile", {"agent": person}),
                         ("/xapi/activities/profile", {"activityId": one["object"]["id"]}),
                         ("/xapi/activities/state", {"activityId": one["object"]["id"],
                                                     "agent": person})):
        response = client.head(path, params=params, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        assert response.content == b""
        assert response.headers["X-Experience-API-Version"] == VERSION["X-Experience-API-Version"]


def test_a_context_activity_sent_alone_is_returned_in_a_list(setup) -> None:
    """Regression (ADL conformance suite, XAPI-00096), in a sub-statement too."""
    client, headers, _ = setup
    parent = {"objectType": "Activity", "id": activity_id(7)}
    inner = statement(learner=5)
    del inner["id"]
    inner = {**inner, "objectType": "SubStatement",
             "context": {"contextActivities": {"grouping": parent}}}
    one = {**statement(), "context": {"contextActivities": {"parent": parent,
                                                            "other": [parent]}},
           "object": inner}
    _post(client, headers, one)
    _post(client, headers, one)  # the same statement again is no conflict
    stored = client.get("/xapi/statements", params={"statementId": one["id"]},
                        headers=headers).json()
    assert stored["context"]["contextActivities"] == {"parent": [parent], "other": [parent]}
    assert stored["object"]["context"]["contextActivities"] == {"grouping": [parent]}


def test_format_ids_gives_an_activity_by_its_id_alone(setup) -> None:
    """Regression (ADL conformance suite, XAPI-00171): in a sub-statement too."""
    client, headers, _ = setup
    inner = statement(learner=4)
    del inner["id"]
    inner["object"] = {"objectType": "Activity", "id": activity_id(3),
                       "definition": {"name": {"en": "three"}}}
    body = {**statement(), "object": {**inner, "objectType": "SubStatement"}}
    _post(client, headers, body)
    ids = client.get("/xapi/statements", params={"statementId": body["id"], "format": "ids"},
                     headers=headers).json()
    assert ids["object"]["objectType"] == "SubStatement"
    assert ids["object"]["object"] == {"id": activity_id(3)}


def test_the_alternate_request_syntax_puts_gets_and_refuses_extra_url_parameters(setup) -> None:
    """Regression (ADL conformance suite, Communication 1.3, XAPI-00336 and XAPI-00148): a POST
    with ?method= whose form carries headers, parameters and content."""
    client, headers, _ = setup
    one = statement()
    form = {"statementId": one["id"], "content": json.dumps(one),
            "Authorization": headers["Authorization"], "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json"}
    put = client.post("/xapi/statements", params={"method": "PUT"}, data=form)
    assert put.status_code == 204, put.text
    got = client.post("/xapi/statements", params={"method": "GET"},
                      data={"statementId": one["id"], **{key: form[key] for key in (
                          "Authorization", "X-Experience-API-Version")}})
    assert got.status_code == 200 and got.json()["id"] == one["id"]
    assert got.headers["X-Experience-API-Consistent-Through"].endswith("Z")
    extra = client.post("/xapi/statements", params={"method": "PUT", "statementId": one["id"]},
                        data=form)
    assert extra.status_code == 400
    old = client.post("/xapi/statements", params={"method": "PUT"},
                      data={**form, "X-Experience-API-Version": "0.8"})
    assert old.status_code == 400


def test_attachment_parts_must_be_binary_and_statements_with_attachments_json_or_mixed(
        setup) -> None:
    """Regression (ADL conformance suite, Data 2.4.11, XAPI-00135 and XAPI-00127)."""
    client, headers, _ = setup
    content = b"certificate"
    body = statement(attachments=[{
        "usageType": "http://adlnet.gov/expapi/attachments/certificate",
        "display": {"en-US": "Certificate"}, "contentType": "text/plain",
        "length": len(content), "sha2": hashlib.sha256(content).hexdigest()}])
    sent, kind = _multipart([body], [content])
    not_binary = sent.replace(b"Content-Transfer-Encoding: binary\r\n", b"")
    answer = client.post("/xapi/statements", content=not_binary,
                         headers={**headers, "Content-Type": kind})
    assert answer.status_code == 400 and "binary" in answer.text
    linked = statement(attachments=[{**body["attachments"][0],
                                     "fileUrl": "https://example.com/c.txt"}])
    as_form = client.post("/xapi/statements", content=json.dumps(linked),
                          headers={**headers, "Content-Type": "multipart/form-data"})
    assert as_form.status_code == 400 and "multipart/mixed" in as_form.text
    assert client.get("/xapi/statements", params={"statementId": linked["id"]},
                      headers=headers).status_code == 404
    assert client.post("/xapi/statements", json=linked, headers=headers).status_code == 200
