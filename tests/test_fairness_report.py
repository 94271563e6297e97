"""The fairness audit on an organisation's records: a built-in disparity in who was delivered to
is flagged with its counts, a balanced split is not, a small group is suppressed; demographics
are imported apart and read by the audit alone."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from cli_support import EXAMPLES, succeeded
from import_support import import_into
from learnloop.store.interventions import create_intervention

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "learnloop"
PEOPLE = [f"E{number:03d}" for number in range(1, 81)]


def _organisation(workspace, tmp_path: Path, *, treated: set[str],
                  band: dict[str, str]) -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml")):
        import_into(workspace, kind=kind, path=EXAMPLES / name)
    people = tmp_path / "people.csv"
    people.write_text("id,name,team,department,role\n" + "".join(
        f"{key},Person {key},{'north' if index % 2 else 'south'},Sales,account-executive\n"
        for index, key in enumerate(PEOPLE)), encoding="utf-8")
    import_into(workspace, kind="people", path=people)
    demographics = tmp_path / "demographics.csv"
    demographics.write_text("person,attribute,value\n" + "".join(
        f"{key},band,{value}\n" for key, value in sorted(band.items())), encoding="utf-8")
    import_into(workspace, kind="demographics", path=demographics)
    with workspace.session() as session:
        create_intervention(
            session, organisation_id=workspace.organisation(session).id, need_id=None,
            person_keys=(), holdout=0.0, start=date(2025, 6, 2), source="external",
            groups={key: "treated" if key in treated else "holdout" for key in PEOPLE})


def _delivered(audit: dict) -> dict:
    [stage] = [stage for stage in audit["stages"] if stage["stage"] == "delivered"]
    return stage


def test_a_disparity_in_delivery_is_flagged_with_its_counts(sqlite_workspace, tmp_path) -> None:
    band = {key: "a" for key in PEOPLE[:40]} | {key: "b" for key in PEOPLE[40:76]}
    band |= {key: "c" for key in PEOPLE[76:]}  # four people: too few to report
    treated = set(PEOPLE[:32]) | set(PEOPLE[40:48])  # a: 32 of 40, b: 8 of 36
    _organisation(sqlite_workspace, tmp_path, treated=treated, band=band)
    audit = json.loads(succeeded("report", "fairness", "--json").stdout)
    stage = _delivered(audit)
    shown = {group["group"]: group for group in stage["groups"]}
    assert set(shown) == {"a", "b"} and stage["suppressed"] == 1
    assert shown["b"]["flagged"] and not shown["a"]["flagged"]
    assert (shown["b"]["selected"], shown["b"]["eligible"]) == (8, 36)
    assert any(re.search(r"band = b: delivered rate .*\(8 of 36\)", line)
               for line in audit["findings"])
    assert any("not shown" in line for line in audit["findings"])
    rows = succeeded("report", "fairness", "--csv", str(tmp_path / "audit.csv"))
    assert "wrote the audit" in rows.stderr
    assert (tmp_path / "audit.csv").read_text(encoding="utf-8").startswith(
        "attribute,stage,group,eligible,selected,rate,ratio,flagged")


def test_a_balanced_split_is_not_flagged(sqlite_workspace, tmp_path) -> None:
    band = {key: "ab"[index % 2] for index, key in enumerate(PEOPLE)}
    treated = {key for index, key in enumerate(PEOPLE) if index % 4 < 2 or index % 8 == 4}
    _organisation(sqlite_workspace, tmp_path, treated=treated, band=band)
    audit = json.loads(succeeded("report", "fairness", "--json").stdout)
    stage = _delivered(audit)
    assert [group["flagged"] for group in stage["groups"]] == [False, False]
    rates = [group["rate"] for group in stage["groups"]]
    assert abs(rates[0] - rates[1]) < 0.05


def test_demographics_are_read_by_the_fairness_audit_alone() -> None:
    readers = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                     if re.search(r"demographics_by_person|tables\.Demographic\b",
                                  path.read_text(encoding="utf-8")))
    # the store that writes and reads them, erasure/export of a person, and the audit
    assert readers == ["reports/fairness.py", "store/imports/demographics.py",
                       "store/personal_data.py"]
