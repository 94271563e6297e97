"""Interoperability with a real external LRS: Ralph 5.1.0 (file-system backend) on 127.0.0.1.
learnloop forwards its statements to Ralph (batches, a lost acknowledgement resent, an
unreachable LRS retried) and pulls Ralph's back (since + more): none lost, none duplicated.

What Ralph's file-system backend gets wrong, and how this test copes:
- every write after the first to its store fails (it creates the file; see
  ralph_support.APPEND_PATCH): Ralph runs with that one line patched to append;
- it calls a resent identical statement "differing" (409), having stamped it anew: learnloop's
  forwarder then asks for each id and sends only what Ralph lacks;
- verb and activity filters return nothing and it lists oldest first: the test reads Ralph
  back only by `since`, `limit` and `more`, and compares sets of ids.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from learnloop.config import Settings
from learnloop.errors import ProviderError
from learnloop.jobs import forward_pending
from learnloop.store.tables import XapiForward, XapiStatement
from learnloop.workspace import Workspace
from learnloop.xapi.forwarding import forward_health, save_forward
from learnloop.xapi.pulling import pull_statements
from learnloop.xapi.remote import RemoteLrs
from learnloop.xapi.statements import record_statements
from ralph_support import ralph_python, ralph_server
from server_support import free_port
from xapi_support import statement

AUTHORITY = {"objectType": "Agent", "name": "test",
             "account": {"homePage": "https://learnloop.example", "name": "test"}}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def ralph_command() -> Path:
    command, why = ralph_python()
    if command is None:
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)
    return command


def _ralph_ids(remote: RemoteLrs) -> Counter:
    return Counter(item["id"] for page in remote.pages(since=None, limit=100) for item in page)


def _learnloop_ids(workspace: Workspace) -> Counter:
    with workspace.session() as session:
        return Counter(session.scalars(select(XapiStatement.statement_id)))


def test_forward_to_ralph_and_pull_back_lose_and_duplicate_nothing(
        ralph_command, tmp_path, database_url) -> None:
    workspace = Workspace.open(Settings(home=tmp_path / "home", database_url=database_url,
                                        lrs_forward_batch=100, lrs_forward_attempts=2))
    try:
        with ralph_server(ralph_command, tmp_path / "ralph") as ralph:
            endpoint = f"{ralph.base}/xAPI/"
            remote = RemoteLrs(endpoint=endpoint, username=ralph.username,
                               password=ralph.password)
            ours = [statement(learner=n % 7, activity=n % 5) for n in range(250)]
            with workspace.session() as session:
                organisation = workspace.organisation(session)
                key, organisation_id = organisation.key, organisation.id
                record_statements(session, organisation_id=organisation_id, statements=ours,
                                  authority=AUTHORITY)
                save_forward(session, organisation_id=organisation_id, name="ralph",
                             endpoint=endpoint, username=ralph.username,
                             password=ralph.password)
            result = forward_pending(workspace, organisation_key=key, name="ralph")
            assert result == {"forward": "ralph", "sent": 250, "batches": 3}
            assert _ralph_ids(remote) == Counter({item["id"]: 1 for item in ours})

            # the acknowledgements were lost (a crash before the commit): all is sent again,
            # Ralph answers 409, and nothing is stored twice
            with workspace.session() as session:
                session.execute(update(XapiForward).values(sent_seq=0))
            assert forward_pending(workspace, organisation_key=key, name="ralph")["sent"] == 250
            assert _ralph_ids(remote) == Counter({item["id"]: 1 for item in ours})

            # Ralph's own statements come back by pulling (since + more), once each
            theirs = [statement(learner=50 + n) for n in range(120)]
            answer = httpx.post(f"{endpoint}statements", json=theirs, headers=ralph.headers)
            assert answer.status_code == 200, answer.text
            for _ in range(2):  # pulling twice changes nothing the second time
                with workspace.session() as session:
                    report = pull_statements(session, organisation_id=organisation_id,
                                             remote=remote, since=None, page_size=100)
                assert report.statements == 370 and report.pages >= 4
            held = _learnloop_ids(workspace)
            assert held == Counter({item["id"]: 1 for item in ours + theirs})
            remote.close()
            with workspace.session() as session:
                health = forward_health(session, organisation_id=organisation_id)
            assert [(item.name, item.waiting, item.failures) for item in health] == [
                ("ralph", 120, 0)]
    finally:
        workspace.close()


def test_an_unreachable_lrs_is_retried_then_recorded_and_nothing_is_skipped(
        tmp_path, sqlite_workspace) -> None:
    workspace = Workspace.open(Settings(home=tmp_path / "other", lrs_forward_attempts=2))
    try:
        with workspace.session() as session:
            organisation = workspace.organisation(session)
            record_statements(session, organisation_id=organisation.id,
                              statements=[statement()], authority=AUTHORITY)
            save_forward(session, organisation_id=organisation.id, name="down",
                         endpoint=f"http://127.0.0.1:{free_port()}/xAPI/", username="u",
                         password="p")
        with pytest.raises(ProviderError):
            forward_pending(workspace, organisation_key=organisation.key, name="down")
        with workspace.session() as session:
            [health] = forward_health(session, organisation_id=organisation.id)
        assert health.failures == 1 and health.waiting == 1 and health.sent == 0
        assert "did not answer" in health.last_error
    finally:
        workspace.close()
