"""`learnloop needs` and `learnloop priorities`, run as L&D would on the demo company."""

from __future__ import annotations

import json

from cli_support import learnloop, row, succeeded


def test_needs_before_the_loop_has_run_says_so() -> None:
    assert "no needs yet: run `learnloop loop` first" in succeeded("needs").stdout
    assert json.loads(succeeded("needs", "--json").stdout) == []


def test_the_queue_lists_explains_and_takes_decisions() -> None:
    succeeded("demo", "--no-serve")
    listed = json.loads(succeeded("needs", "--json").stdout)
    assert [n["rank"] for n in listed] == sorted(n["rank"] for n in listed)
    top = listed[0]
    assert {"id", "title", "kind", "reason", "evidence", "person_keys"} <= top.keys()
    assert top["team_keys"] == ["support-emea"] and top["kind"] == "training"
    assert row(succeeded("needs").stdout, "1")[1] == str(top["id"])
    shown = succeeded("needs", "show", str(top["id"])).stdout
    assert "first_contact_resolution" in shown and "levels short" in shown

    refused = learnloop("needs", "status", str(top["id"]), "dismissed")
    assert refused.exit_code != 0 and "dismissing a need needs a reason" in refused.output
    assert "now dismissed" in succeeded("needs", "status", str(top["id"]), "dismissed",
                                        "--reason", "Launch kit covers it").stdout
    dismissed = json.loads(succeeded("needs", "--json", "--status", "dismissed").stdout)
    assert [n["id"] for n in dismissed] == [top["id"]]
    assert dismissed[0]["status_reason"] == "Launch kit covers it"
    bad = learnloop("needs", "--status", "closed")
    assert bad.exit_code != 0 and "status must be one of" in bad.output
    assert learnloop("needs", "show", "99999").exit_code != 0


def test_priorities_are_listed_changed_and_their_history_kept() -> None:
    succeeded("demo", "--no-serve")
    before = {p["objective"]: p for p in json.loads(succeeded("priorities", "--json").stdout)}
    assert before["spreadsheet-macros-for-everyone"]["priority"] is False
    assert "weight 0.05" in succeeded("priorities", "set", "win-mid-market", "--weight",
                                      "0.05", "--reason", "Hiring freeze").stdout
    refused = learnloop("priorities", "set", "win-mid-market", "--weight", "2")
    assert refused.exit_code != 0 and "between 0 and 1" in refused.output
    [edit] = json.loads(succeeded("priorities", "history", "--json").stdout)
    assert edit["objective"] == "win-mid-market" and edit["actor"] == "cli"
    assert (edit["old"]["weight"], edit["new"]["weight"]) == (0.12, 0.05)
    assert edit["new"]["reason"] == "Hiring freeze"
    assert row(succeeded("priorities", "history").stdout, edit["at"])[2] == "win-mid-market"
