"""`learnloop lrs client create|list|revoke` and `lrs forward|pull` as a person types them:
the JSON contract (`username`, `password`), the scopes refused by name, a revoked client locked
out, a forward queued or failed with a clear message."""

from __future__ import annotations

import json

from cli_support import learnloop, row, succeeded
from server_support import free_port
from xapi_support import basic, lrs


def test_client_create_json_list_and_revoke(tmp_path) -> None:
    created = json.loads(succeeded("lrs", "client", "create", "--name", "Moodle", "--scope",
                                   "statements/write,statements/read/mine", "--json").stdout)
    assert created["username"].startswith("lrs_") and len(created["password"]) >= 40
    assert created["scopes"] == ["statements/read/mine", "statements/write"]
    listed = succeeded("lrs", "client", "list").stdout
    cells = row(listed, created["username"])
    assert cells[1] == "Moodle" and cells[-1] == "" and created["password"] not in listed

    from learnloop.config import load_settings
    from learnloop.workspace import Workspace

    workspace = Workspace.open(load_settings())
    try:
        client = lrs(workspace)
        headers = basic(created["username"], created["password"])
        assert client.get("/xapi/statements", headers=headers).status_code == 200
        succeeded("lrs", "client", "revoke", created["username"])
        assert client.get("/xapi/statements", headers=headers).status_code == 401
    finally:
        workspace.close()
    assert row(succeeded("lrs", "client", "list").stdout, created["username"])[-1] != ""


def test_bad_scopes_and_unknown_clients_are_refused_by_name() -> None:
    bad = learnloop("lrs", "client", "create", "--name", "x", "--scope", "statements/delete")
    assert bad.exit_code == 1 and "unknown scope statements/delete" in bad.output
    missing = learnloop("lrs", "client", "revoke", "lrs_nobody")
    assert missing.exit_code == 1 and "no LRS client 'lrs_nobody'" in missing.output


def test_forward_is_queued_and_an_unreachable_lrs_fails_clearly() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/xAPI/"
    queued = succeeded("lrs", "forward", "--name", "other", "--endpoint", endpoint,
                       "--username", "u", "--password", "p")
    assert "queued as job" in queued.stdout
    assert "forwarded 0 statements" in succeeded("lrs", "forward", "--name", "other",
                                                 "--wait").stdout
    pulled = learnloop("lrs", "pull", "--endpoint", endpoint, "--username", "u",
                       "--password", "p")
    assert pulled.exit_code == 1 and "did not answer" in pulled.output
    unknown = learnloop("lrs", "forward", "--name", "nowhere", "--wait")
    assert unknown.exit_code == 1 and "no forwarding target 'nowhere'" in unknown.output
