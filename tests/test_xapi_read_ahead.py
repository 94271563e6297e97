"""A filtered page read ahead on PostgreSQL (migration 0022, store/xapi_statements.py): the seqs
from the filter's index, then the statements through xapi_statements_by_seq. It must answer
exactly as the one query it replaces, voided statements among the seqs listed included, in
both orders, with paging bounds; and it is taken only for the shapes it serves."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from conftest import make_settings
from database_support import IN_CI, empty_postgres
from learnloop.store import xapi_statements as store
from learnloop.store.xapi_statements import StatementFilter, find_statements
from learnloop.workspace import Workspace
from learnloop.xapi.refs import activity_key, agent_key
from learnloop.xapi.statements import record_statements
from learnloop.xapi.validation import VOIDED_VERB
from xapi_support import VERBS, activity_id, agent, client_headers, lrs, statement

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "https://example.com", "name": "t"}}


def _store(workspace, statements: list[dict]) -> int:
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        record_statements(session, organisation_id=organisation_id, statements=statements,
                          authority=AUTHORITY)
    return organisation_id


def _ids(client, headers, **params) -> list[str]:
    """Every statement the query returns, page after page (limit 3: many `more` links)."""
    found: list[str] = []
    response = client.get("/xapi/statements", params={**params, "limit": 3}, headers=headers)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        found.extend(item["id"] for item in body["statements"])
        if not body["more"]:
            return found
        response = client.get(body["more"], headers=headers)


def test_pages_skip_a_stretch_of_voided_statements_longer_than_a_page(workspace) -> None:
    """Statements 4-11 of 16 voided (by another agent's voiding statements, which the filters
    return through their StatementRef): pages of 3 cross the stretch in both orders."""
    client, headers = lrs(workspace), client_headers(workspace, "all")
    registration = str(uuid.uuid4())
    mine = [statement(learner=1, verb=VERBS[n % 2], activity=1 + n % 2,
                      context={"registration": registration}) for n in range(16)]
    voiding = [statement(learner="admin", verb=VOIDED_VERB) for _ in range(4, 12)]
    for body, target in zip(voiding, mine[4:12], strict=True):
        body["object"] = {"objectType": "StatementRef", "id": target["id"]}
    _store(workspace, mine)
    _store(workspace, voiding)
    order = [item["id"] for item in mine + voiding]  # the order of storing
    targets = {body["id"]: target for body, target in zip(voiding, mine[4:12], strict=True)}
    voided = {target["id"] for target in targets.values()}

    def newest_first(matches) -> list[str]:
        """The live statements that match, and the voiding statements whose target does."""
        returned = {item["id"] for item in mine if item["id"] not in voided and matches(item)}
        returned |= {key for key, target in targets.items() if matches(target)}
        return [key for key in reversed(order) if key in returned]

    def on_activity_two(item) -> bool:
        return item["object"]["id"] == activity_id(2)

    assert _ids(client, headers, agent=json.dumps(agent(1))) == newest_first(lambda _: True)
    assert _ids(client, headers, agent=json.dumps(agent(1)),
                ascending="true") == newest_first(lambda _: True)[::-1]
    assert _ids(client, headers, registration=registration) == newest_first(lambda _: True)
    assert _ids(client, headers, verb=VERBS[0]) == newest_first(
        lambda item: item["verb"]["id"] == VERBS[0])
    assert _ids(client, headers, activity=activity_id(2),
                ascending="true") == newest_first(on_activity_two)[::-1]


@pytest.fixture
def postgres_workspace(tmp_path, postgres_url) -> Iterator[Workspace]:
    """A migrated, emptied PostgreSQL workspace: the read-ahead is PostgreSQL's (SQLite reads a
    page at a time, whatever it is asked)."""
    if postgres_url is None:
        reason = getattr(pytest, "postgres_unavailable", "PostgreSQL is not reachable")
        if IN_CI:
            pytest.fail(f"{reason} (CI has PostgreSQL)")
        pytest.skip(reason)
    empty_postgres(postgres_url)
    opened = Workspace.open(make_settings(tmp_path, postgres_url))
    yield opened
    opened.close()


def _one_query(monkeypatch: pytest.MonkeyPatch, session, **arguments):
    """find_statements as the one query reads it, the read-ahead turned off."""
    with monkeypatch.context() as patched:
        patched.setattr(store, "_read_ahead", lambda _session, _where: False)
        return find_statements(session, **arguments)


def test_read_ahead_answers_as_the_one_query_does(postgres_workspace, monkeypatch) -> None:
    """300 statements over 6 agents, 4 verbs, 5 activities and 3 registrations, a third of them
    voided at random: every filter of one value, both orders, related or not, with and without
    a seq range, limits 1 to 40, gives the same page both ways."""
    workspace = postgres_workspace
    rng = random.Random(11)
    registrations = [str(uuid.uuid4()) for _ in range(3)]
    verbs = [*VERBS, "http://example.com/verbs/reviewed"]
    bodies = []
    for _ in range(300):
        body = statement(learner=rng.randrange(6), verb=rng.choice(verbs),
                         activity=rng.randrange(5))
        if rng.random() < 0.5:
            body["context"] = {"registration": rng.choice(registrations),
                               "instructor": agent(rng.randrange(6)),
                               "contextActivities": {"parent": [
                                   {"id": activity_id(rng.randrange(5))}]}}
        bodies.append(body)
    organisation_id = _store(workspace, bodies)
    voiding = []
    for target in rng.sample(bodies, 100):
        body = statement(learner="admin", verb=VOIDED_VERB)
        body["object"] = {"objectType": "StatementRef", "id": target["id"]}
        voiding.append(body)
    _store(workspace, voiding)
    filters = ([{"agent": agent_key(agent(n))} for n in range(6)]
               + [{"agent": agent_key(agent(n)), "related_agents": True} for n in range(6)]
               + [{"activity": activity_key(activity_id(n))} for n in range(5)]
               + [{"activity": activity_key(activity_id(n)), "related_activities": True}
                  for n in range(5)]
               + [{"verb": verb} for verb in verbs]
               + [{"registration": value} for value in registrations])
    compared = 0
    with workspace.session() as session:
        for given in filters:
            for ascending in (False, True):
                for limit in (1, 3, 40):
                    for after_seq, bound_seq in ((None, None), (150, None), (None, 350),
                                                 (120, 330)):
                        where = StatementFilter(**given, ascending=ascending,
                                                after_seq=after_seq, bound_seq=bound_seq)
                        arguments = {"organisation_id": organisation_id, "where": where,
                                     "limit": limit}
                        assert store._read_ahead(session, where)
                        read_ahead = find_statements(session, **arguments)
                        assert read_ahead == _one_query(monkeypatch, session, **arguments), where
                        compared += bool(read_ahead)
    assert compared > 500  # the pages compared are not empty ones


def test_the_read_ahead_is_taken_only_for_one_filter_without_row_conditions(
        postgres_workspace) -> None:
    workspace = postgres_workspace
    organisation_id = _store(workspace, [statement()])
    sent: list[str] = []

    def remember(_connection, _cursor, sql, *_args) -> None:
        sent.append(sql)

    event.listen(workspace.database.engine, "before_cursor_execute", remember)
    try:
        with workspace.session() as session:
            for where, expected in (
                    (StatementFilter(agent=agent_key(agent(1))), True),
                    (StatementFilter(verb=VERBS[0]), True),
                    (StatementFilter(activity=activity_key(activity_id(1))), True),
                    (StatementFilter(), False),
                    (StatementFilter(verb=VERBS[0], agent=agent_key(agent(1))), False),
                    (StatementFilter(verb=VERBS[0], client_id=1), False),
                    (StatementFilter(agent=agent_key(agent(1)),
                                     since=datetime(2020, 1, 1, tzinfo=UTC)),
                     False)):
                sent.clear()
                found = find_statements(session, organisation_id=organisation_id,
                                        where=where, limit=10)
                assert len(found) == (where.client_id is None)  # the statement has no client
                assert any("xapi_statements_by_seq" in sql for sql in sent) is expected, where
    finally:
        event.remove(workspace.database.engine, "before_cursor_execute", remember)
