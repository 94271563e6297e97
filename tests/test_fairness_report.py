"""The fairness audit on the demo: a built-in disparity in who was delivered to is flagged with
its counts, a balanced split is not, a small group is suppressed; demographics are imported
apart and read by the audit alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

from analytics_support import measured_demo
from cli_support import succeeded
from import_support import import_into
from learnloop.store.interventions import assignment

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "learnloop"


def _demographics(workspace, tmp_path: Path, groups: dict[str, str]) -> None:
    path = tmp_path / "demographics.csv"
    path.write_text("person,attribute,value\n" + "".join(
        f"{person},band,{value}\n" for person, value in sorted(groups.items())),
        encoding="utf-8")
    import_into(workspace, kind="demographics", path=path)


def _groups_of(workspace, demo) -> tuple[list[str], list[str], list[str]]:
    with workspace.session() as session:
        found = assignment(session, organisation_id=demo["organisation_id"],
                           intervention_id=demo["intervention_id"]).groups
        from learnloop.store.interventions import people_teams
        everyone = sorted(people_teams(session, organisation_id=demo["organisation_id"]))
    treated = sorted(key for key, group in found.items() if group.value == "treated")
    held = sorted(key for key, group in found.items() if group.value == "holdout")
    others = [key for key in everyone if key not in found]
    return treated, held, others


def _delivered(audit: dict) -> list[dict]:
    return [stage for stage in audit["stages"] if stage["stage"] == "delivered"]


def test_a_disparity_in_delivery_is_flagged_with_its_counts(sqlite_workspace, tmp_path) -> None:
    demo = measured_demo(sqlite_workspace)
    treated, held, others = _groups_of(sqlite_workspace, demo)
    # band b: every hold-out and a few treated; band a: the other treated and 30 others
    groups = {key: "b" for key in held + treated[:10]}
    groups |= {key: "a" for key in treated[10:] + others[:30]}
    groups |= {key: "c" for key in others[30:33]}  # too few to report
    _demographics(sqlite_workspace, tmp_path, groups)
    audit = json.loads(succeeded("report", "fairness", "--json").stdout)
    [stage] = _delivered(audit)
    shown = {group["group"]: group for group in stage["groups"]}
    assert set(shown) == {"a", "b"} and stage["suppressed"] == 1
    assert shown["b"]["flagged"] and not shown["a"]["flagged"]
    assert (shown["b"]["selected"], shown["b"]["eligible"]) == (10, 10 + len(held))
    assert any(re.search(r"band = b: delivered rate .*\(10 of 30\)", line)
               for line in audit["findings"])
    assert any("not shown" in line for line in audit["findings"])


def test_a_balanced_split_is_not_flagged(sqlite_workspace, tmp_path) -> None:
    demo = measured_demo(sqlite_workspace)
    treated, held, others = _groups_of(sqlite_workspace, demo)
    groups = {key: "ab"[index % 2] for people in (treated, held, others)
              for index, key in enumerate(people)}
    _demographics(sqlite_workspace, tmp_path, groups)
    audit = json.loads(succeeded("report", "fairness", "--json").stdout)
    [stage] = _delivered(audit)
    assert [group["flagged"] for group in stage["groups"]] == [False, False]
    rates = [group["rate"] for group in stage["groups"]]
    assert abs(rates[0] - rates[1]) < 0.01


def test_demographics_are_read_by_the_fairness_audit_alone() -> None:
    readers = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                     if re.search(r"demographics_by_person|tables\.Demographic\b",
                                  path.read_text(encoding="utf-8")))
    # the store that writes and reads them, erasure/export of a person, and the audit
    assert readers == ["reports/fairness.py", "store/imports/demographics.py",
                       "store/personal_data.py"]
