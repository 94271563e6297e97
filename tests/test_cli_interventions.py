"""`learnloop intervention create | import | assignment | list`, run as L&D would: a hold-out
drawn and exported, an assignment made elsewhere imported from the documented example."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cli_support import EXAMPLES, learnloop, succeeded


def _company(tmp_path: Path) -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml")):
        succeeded("import", kind, str(EXAMPLES / name))
    people = tmp_path / "people.csv"
    people.write_text("id,name,team,department,role\n" + "".join(
        f"E{number:03d},Person {number},{'north' if number % 2 else 'south'},Sales,"
        "account-executive\n" for number in range(1, 21)), encoding="utf-8")
    succeeded("import", "people", str(people))


def test_create_draws_a_holdout_and_the_assignment_exports_it(tmp_path: Path) -> None:
    _company(tmp_path)
    made = json.loads(succeeded("intervention", "create", "--population", "north,south",
                                "--holdout", "0.2", "--start", "2025-06-02", "--seed", "11",
                                "--json").stdout)
    assert made["treated"] + made["held_out"] == 20 and made["held_out"] == 4
    target = tmp_path / "assignment.csv"
    assert "wrote 20 people" in succeeded("intervention", "assignment", str(made["id"]),
                                          str(target)).stderr
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert set(rows[0]) == {"person", "group"}
    assert sorted(row["group"] for row in rows).count("holdout") == 4
    # the recorded seed draws the same people again
    again = json.loads(succeeded("intervention", "create", "--population", "north,south",
                                 "--start", "2025-06-02", "--seed", "11", "--json").stdout)
    second = tmp_path / "again.csv"
    succeeded("intervention", "assignment", str(again["id"]), str(second))
    assert second.read_text(encoding="utf-8") == target.read_text(encoding="utf-8")
    listed = [json.loads(line) for line in succeeded("intervention", "list", "--json")
              .stdout.splitlines()]
    assert {item["id"] for item in listed} == {made["id"], again["id"]}


def test_the_documented_assignment_example_imports(tmp_path: Path) -> None:
    _company(tmp_path)
    made = json.loads(succeeded("intervention", "import", str(EXAMPLES / "assignment.csv"),
                                "--start", "2025-06-02", "--title", "Cohort", "--json").stdout)
    assert (made["treated"], made["held_out"], made["seed"]) == (2, 1, None)
    target = tmp_path / "out.csv"
    succeeded("intervention", "assignment", str(made["id"]), str(target))
    assert target.read_text(encoding="utf-8") == (
        EXAMPLES / "assignment.csv").read_text(encoding="utf-8")


def test_bad_input_is_refused_with_its_place_and_nothing_is_written(tmp_path: Path) -> None:
    _company(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("person,group\nE001,treated\nE002,control\nE001,holdout\n", encoding="utf-8")
    result = learnloop("intervention", "import", str(bad), "--start", "2025-06-02")
    assert result.exit_code == 1
    assert "bad.csv:3:group: must be 'treated' or 'holdout', not 'control'" in result.stderr
    assert "bad.csv:4:person: 'E001' is listed twice" in result.stderr
    unknown = learnloop("intervention", "create", "--population", "north,nowhere",
                        "--start", "2025-06-02")
    assert unknown.exit_code == 1 and "no team or person with key 'nowhere'" in unknown.stderr
    assert learnloop("intervention", "create", "--population", "north", "--start",
                     "June").exit_code == 1
    assert learnloop("intervention", "create", "--population", "north", "--holdout", "1",
                     "--start", "2025-06-02").exit_code == 1
    missing = learnloop("intervention", "assignment", "7", str(tmp_path / "x.csv"))
    assert missing.exit_code == 1 and "no intervention 7" in missing.stderr
    assert succeeded("intervention", "list", "--json").stdout.strip() == ""


def test_create_for_a_need_takes_its_teams_and_what_it_should_move(tmp_path: Path,
                                                                   sqlite_workspace) -> None:
    from learnloop.domain.needs import draft_need
    from learnloop.store.needs import save_needs

    _company(tmp_path)
    with sqlite_workspace.session() as session:
        [need] = save_needs(session, organisation_id=sqlite_workspace.organisation(session).id,
                            needs=[draft_need("win-rate-north", "Discovery calls in the north",
                                              team_keys=("north",), kpi_metric="win_rate",
                                              kpi_direction="up", skill_key="discovery",
                                              behaviour_metrics=("discovery_calls",))])
    made = json.loads(succeeded("intervention", "create", "--need", str(need.id), "--holdout",
                                "0.2", "--start", "2025-06-02", "--json").stdout)
    assert made["need_id"] == need.id and made["treated"] + made["held_out"] == 10
    with sqlite_workspace.session() as session:
        from learnloop.store.interventions import intervention

        stored = intervention(session, organisation_id=sqlite_workspace.organisation(session).id,
                              intervention_id=made["id"])
    assert (stored.title, stored.kpi_metric, stored.skill_key, stored.behaviour_metrics) == (
        "Discovery calls in the north", "win_rate", "discovery", ("discovery_calls",))
    assert learnloop("intervention", "create", "--need", "999", "--start",
                     "2025-06-02").exit_code == 1
