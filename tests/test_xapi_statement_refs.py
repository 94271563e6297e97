"""The StatementRef filter rule (xAPI 1.0.3 Communication 2.1.3 "Filter Conditions for
StatementRefs" and 2.1.4 "Voided Statements"), on SQLite and PostgreSQL: a statement whose
object is a StatementRef matches the agent, verb, activity and registration filters when the
statement it targets matches them (recursively), while since, until, limit and paging apply to
the targeting statement itself; a voided statement is never returned, but what targets it is.
Also: migration 0016 backfills the target column of statements stored before it."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import text

from learnloop.store.migrate import downgrade, head_revision, upgrade
from learnloop.xapi.validation import VOIDED_VERB
from xapi_support import VERBS, activity_id, agent, client_headers, lrs, statement

PASSED = "http://adlnet.gov/expapi/verbs/passed"
CONFIRMED = "http://example.com/verbs/confirmed"


@pytest.fixture
def setup(workspace):
    client = lrs(workspace)
    return client, client_headers(workspace, "all"), workspace


def _post(client, headers, *bodies) -> None:
    for body in bodies:
        response = client.post("/xapi/statements", json=body, headers=headers)
        assert response.status_code == 200, response.text
        time.sleep(0.005)  # distinct `stored` milliseconds, for since/until


def _ids(client, headers, **params) -> list[str]:
    response = client.get("/xapi/statements", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["statements"]]


def _referring(target_id: str, *, learner: str = "andrew", verb: str = CONFIRMED, **extra):
    """`learner` `verb` <StatementRef to target_id>."""
    made = statement(learner=learner, verb=verb, **extra)
    made["object"] = {"objectType": "StatementRef", "id": target_id}
    return made


def _stored(client, headers, statement_id: str) -> str:
    return client.get("/xapi/statements", params={"statementId": statement_id},
                      headers=headers).json()["stored"]


def test_a_statement_targeting_a_match_is_returned_with_it(setup) -> None:
    """The specification's example: 'Ben passed explosives training', then 'Andrew confirmed
    <StatementRef to it>': an agent filter of Ben or an activity filter of the training returns
    both, though the second names neither."""
    client, headers, _ = setup
    passed = statement(learner="ben", verb=PASSED, activity="explosives",
                       context={"registration": str(uuid.uuid4())})
    confirmed = _referring(passed["id"])
    unrelated = statement(learner="carla", verb=PASSED, activity="first-aid")
    _post(client, headers, passed, confirmed, unrelated)
    ben = json.dumps(agent("ben"))
    both = [confirmed["id"], passed["id"]]
    assert _ids(client, headers, agent=ben) == both
    assert _ids(client, headers, activity=activity_id("explosives")) == both
    assert _ids(client, headers, registration=passed["context"]["registration"]) == both
    assert _ids(client, headers, verb=PASSED) == [unrelated["id"], *both]
    assert _ids(client, headers, agent=ben, ascending="true") == both[::-1]
    # the targeting statement still matches on its own properties
    assert _ids(client, headers, agent=json.dumps(agent("andrew"))) == [confirmed["id"]]
    assert _ids(client, headers, verb=CONFIRMED) == [confirmed["id"]]


def test_the_filters_are_met_together_by_one_statement_of_the_chain(setup) -> None:
    """Agent Ben and verb confirmed: the confirmation is Andrew's, the statement it targets is
    not a confirmation, so neither matches (ADL's reference LRS reads the rule the same way)."""
    client, headers, _ = setup
    passed = statement(learner="ben", verb=PASSED)
    confirmed = _referring(passed["id"])
    _post(client, headers, passed, confirmed)
    assert _ids(client, headers, agent=json.dumps(agent("ben")), verb=CONFIRMED) == []


def test_the_rule_applies_through_references_to_references(setup) -> None:
    client, headers, _ = setup
    c = statement(learner="ben", activity="explosives")
    b = _referring(c["id"], learner="andrew")
    a = _referring(b["id"], learner="dora", verb=VERBS[1])
    _post(client, headers, c, b, a)
    assert _ids(client, headers, activity=activity_id("explosives")) == [a["id"], b["id"],
                                                                         c["id"]]
    # a filter met by b brings a, not c
    assert _ids(client, headers, agent=json.dumps(agent("andrew"))) == [a["id"], b["id"]]


def test_since_until_and_limit_apply_to_the_targeting_statement(setup) -> None:
    client, headers, _ = setup
    passed = statement(learner="ben")
    _post(client, headers, passed)
    time.sleep(0.02)
    confirmed = _referring(passed["id"])
    _post(client, headers, confirmed)
    ben = json.dumps(agent("ben"))
    stored_passed = _stored(client, headers, passed["id"])
    assert _ids(client, headers, agent=ben, since=stored_passed) == [confirmed["id"]]
    assert _ids(client, headers, agent=ben, until=stored_passed) == [passed["id"]]
    assert _ids(client, headers, agent=ben, limit="1") == [confirmed["id"]]


def test_a_voided_statement_is_hidden_but_what_targets_it_is_returned(setup) -> None:
    """Communication 2.1.4: never the voided statement (except by voidedStatementId), always
    the statements targeting it, the voiding statement included."""
    client, headers, _ = setup
    voided = statement(learner="ben", verb=PASSED, activity="explosives")
    voiding = _referring(voided["id"], learner="admin", verb=VOIDED_VERB)
    remark = _referring(voided["id"], learner="andrew", verb=PASSED)
    _post(client, headers, voided, voiding, remark)
    assert _ids(client, headers, verb=PASSED) == [remark["id"], voiding["id"]]
    assert _ids(client, headers, agent=json.dumps(agent("ben"))) == [remark["id"],
                                                                      voiding["id"]]
    assert _ids(client, headers, activity=activity_id("explosives")) == [remark["id"],
                                                                         voiding["id"]]
    # a single statement by id is not subject to the rule
    one = client.get("/xapi/statements", params={"statementId": voided["id"]}, headers=headers)
    assert one.status_code == 404


def test_a_statement_ref_in_the_context_does_not_count(setup) -> None:
    client, headers, _ = setup
    passed = statement(learner="ben")
    mentions = statement(learner="andrew", context={
        "statement": {"objectType": "StatementRef", "id": passed["id"]}})
    inside = statement(learner="dora")
    inside["object"] = {"objectType": "SubStatement", "actor": agent("eve"),
                        "verb": {"id": VERBS[0]},
                        "object": {"objectType": "StatementRef", "id": passed["id"]}}
    _post(client, headers, passed, mentions, inside)
    assert _ids(client, headers, agent=json.dumps(agent("ben"))) == [passed["id"]]


def test_a_cycle_of_references_ends(setup) -> None:
    client, headers, _ = setup
    first_id, second_id = str(uuid.uuid4()), str(uuid.uuid4())
    first = _referring(second_id, learner="ben")
    first["id"] = first_id
    second = _referring(first_id, learner="andrew")
    second["id"] = second_id
    itself = _referring("", learner="dora")
    itself["object"]["id"] = itself["id"]
    _post(client, headers, first, second, itself)
    assert _ids(client, headers, agent=json.dumps(agent("ben"))) == [second_id, first_id]
    assert _ids(client, headers, agent=json.dumps(agent("dora"))) == [itself["id"]]


def test_more_pages_through_direct_and_targeting_matches_once_each(setup) -> None:
    client, headers, _ = setup
    posted = []
    for n in range(6):
        passed = statement(learner="ben", activity=n)
        posted += [passed, _referring(passed["id"]), statement(learner="carla")]
    _post(client, headers, *posted)
    expected = [item["id"] for item in posted if item["actor"] != agent("carla")][::-1]
    for ascending in ("false", "true"):
        seen: list[str] = []
        page = client.get("/xapi/statements", headers=headers, params={
            "agent": json.dumps(agent("ben")), "limit": 5, "ascending": ascending}).json()
        while True:
            seen.extend(item["id"] for item in page["statements"])
            if not page["more"]:
                break
            page = client.get(page["more"], headers=headers).json()
        assert seen == (expected if ascending == "false" else expected[::-1])


def test_migration_0016_backfills_the_target_of_statements_stored_before(setup) -> None:
    client, headers, workspace = setup
    passed = statement(learner="ben")
    confirmed = _referring(passed["id"])
    voiding = _referring(str(uuid.uuid4()), learner="admin", verb=VOIDED_VERB)
    _post(client, headers, passed, confirmed, voiding)
    database = workspace.database
    assert downgrade(database, "0015") == "0015"
    assert upgrade(database) == head_revision()
    with database.engine.connect() as connection:
        targets = dict(connection.execute(text(
            "SELECT statement_id, statement_ref FROM xapi_statements")).all())
    assert targets == {passed["id"]: None, confirmed["id"]: passed["id"],
                       voiding["id"]: voiding["object"]["id"]}
    assert _ids(client, headers, agent=json.dumps(agent("ben"))) == [confirmed["id"],
                                                                      passed["id"]]
