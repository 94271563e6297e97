"""Skills, roles and objectives imports: YAML and CSV forms, key-path problems, new children."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from import_support import import_into
from learnloop.errors import InputError
from learnloop.store import tables

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(workspace, **kwargs) -> list[str]:
    with pytest.raises(InputError) as caught:
        import_into(workspace, **kwargs)
    return [str(problem) for problem in caught.value.problems]


def test_skills_csv_and_yaml_describe_the_same_taxonomy(workspace, tmp_path) -> None:
    csv_text = ("id,name,category,description\n"
                "negotiation,Negotiation,Customer,Reaching agreements that hold for both sides.\n"
                "discovery,Discovery questioning,Customer,Finding the customer's real problem "
                "before proposing.\nspreadsheet-analysis,Spreadsheet analysis,Data,\n")
    first = import_into(workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    csv_path = _write(tmp_path, "skills.csv", csv_text)
    second = import_into(workspace, kind="skills", path=csv_path)
    assert (first.created, second.unchanged) == (3, 3)


def test_skill_problems_name_the_key_path(workspace, tmp_path) -> None:
    text = ("categories:\n  - name: A\n    skills:\n      - id: x\n        name: X\n"
            "      - id: x\n        nmae: Y\n")
    assert _problems(workspace, kind="skills", path=_write(tmp_path, "s.yaml", text)) == [
        "s.yaml:1:categories[1].skills[2].nmae: unknown key; did you mean 'name'? "
        "expected description, id, name",
        "s.yaml:1:categories[1].skills[2].name: is required",
        "s.yaml:1:categories[1].skills[2].id: skill 'x' appears more than once "
        "(also row 1, categories[1].skills[1])"]


def test_roles_refuse_unknown_skills_and_levels_off_the_scale(workspace, tmp_path) -> None:
    import_into(workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    text = ("roles:\n  - id: ok\n    name: OK\n  - id: r\n    name: R\n    requirements:\n"
            "      - {skill: negotiation, level: 5, criticality: high}\n"
            "      - {skill: juggling, level: 2, criticality: low}\n"
            "      - {skill: discovery, level: 2, criticality: urgent}\n")
    assert _problems(workspace, kind="roles", path=_write(tmp_path, "roles.yaml", text)) == [
        "roles.yaml:2:roles[2].requirements[1].level: 5 must be 0–4",
        "roles.yaml:2:roles[2].requirements[2].skill: no skill 'juggling' in the taxonomy "
        "(import skills first)",
        "roles.yaml:2:roles[2].requirements[3].criticality: 'urgent' is not one of low, medium, "
        "high, critical"]


def test_role_requirements_are_replaced_by_the_new_file(workspace, tmp_path) -> None:
    import_into(workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    import_into(workspace, kind="roles", path=EXAMPLES / "roles.yaml")
    csv_text = ("role,name,description,skill,level,criticality\n"
                "account-executive,Account Executive,Owns new business from first call to "
                "signature.,negotiation,4,high\n"
                "sales-manager,Sales Manager,,negotiation,4,high\n"
                "sales-manager,Sales Manager,,spreadsheet-analysis,2,medium\n")
    result = import_into(workspace, kind="roles", path=_write(tmp_path, "roles.csv", csv_text))
    assert (result.rows, result.updated, result.unchanged) == (2, 1, 1)
    with workspace.session() as session:
        levels = session.execute(
            select(tables.Skill.key, tables.RoleRequirement.level)
            .join(tables.RoleRequirement, tables.RoleRequirement.skill_id == tables.Skill.id)
            .join(tables.Role, tables.Role.id == tables.RoleRequirement.role_id)
            .where(tables.Role.key == "account-executive")).all()
    assert [tuple(row) for row in levels] == [("negotiation", 4)]


def test_objectives_keep_not_priorities_with_their_reason(workspace) -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv")):
        import_into(workspace, kind=kind, path=EXAMPLES / name)
    result = import_into(workspace, kind="objectives", path=EXAMPLES / "objectives.yaml")
    assert result.created == 2
    with workspace.session() as session:
        quiet = session.scalar(select(tables.Objective).where(tables.Objective.key == "dashboards"))
        kpis = session.scalars(select(tables.Kpi.metric)).all()
    assert (quiet.priority, quiet.weight, quiet.reason) == (
        False, 0.0, "The data team owns reporting this year.")
    assert kpis == ["win_rate"]


def test_objectives_refuse_unknown_skills_teams_and_bad_weights(workspace, tmp_path) -> None:
    import_into(workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    text = ("objectives:\n  - id: o\n    title: T\n    weight: 1.5\n    skills: [negotiation, x]\n"
            "    teams: [nowhere]\n    kpis:\n      - {metric: m, direction: sideways}\n"
            "not_priorities:\n  - id: q\n    title: Q\n")
    assert _problems(workspace, kind="objectives", path=_write(tmp_path, "o.yaml", text)) == [
        "o.yaml:1:objectives[1].weight: 1.5 is outside 0–1",
        "o.yaml:1:objectives[1].kpis[1].direction: 'sideways' is not one of up, down",
        "o.yaml:1:objectives[1].skills[2]: no skill 'x' in the taxonomy (import skills first)",
        "o.yaml:1:objectives[1].teams[1]: no team 'nowhere' (teams come from the people import)",
        "o.yaml:1:not_priorities[1].reason: is required"]


def test_broken_yaml_says_where(workspace, tmp_path) -> None:
    assert _problems(workspace, kind="skills",
                     path=_write(tmp_path, "s.yaml", "categories:\n  - name: [A\n")) == [
        "s.yaml:3: not valid YAML: expected ',' or ']', but got '<stream end>'"]


def test_a_skills_csv_without_descriptions_keeps_them(workspace, tmp_path) -> None:
    import_into(workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    bare = ("id,name,category\nnegotiation,Negotiation,Customer\n"
            "discovery,Discovery questioning,Customer\n"
            "spreadsheet-analysis,Spreadsheet analysis,Data\n")
    result = import_into(workspace, kind="skills", path=_write(tmp_path, "bare.csv", bare))
    assert (result.updated, result.unchanged) == (0, 3)
    with workspace.session() as session:
        description = session.scalar(select(tables.Skill.description)
                                     .where(tables.Skill.key == "negotiation"))
    assert description.startswith("Reaching agreements")


def test_a_roles_csv_without_skill_or_description_columns_keeps_them(workspace,
                                                                      tmp_path) -> None:
    import_into(workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    import_into(workspace, kind="roles", path=EXAMPLES / "roles.yaml")
    with workspace.session() as session:
        before = session.execute(select(tables.Role.key, tables.Role.description)).all()
        needs = session.scalar(select(tables.RoleRequirement.id).limit(1))
    assert needs is not None
    names = "role,name\n" + "".join(
        f"{key},{name}\n" for key, name in
        ((key, _role_name(workspace, key)) for key, _description in before))
    result = import_into(workspace, kind="roles", path=_write(tmp_path, "names.csv", names))
    assert (result.updated, result.unchanged) == (0, len(before))
    with workspace.session() as session:
        assert session.execute(select(tables.Role.key, tables.Role.description)).all() == before
        assert session.scalar(select(tables.RoleRequirement.id).limit(1)) is not None


def _role_name(workspace, key: str) -> str:
    with workspace.session() as session:
        return session.scalar(select(tables.Role.name).where(tables.Role.key == key))
