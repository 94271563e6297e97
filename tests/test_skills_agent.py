"""The skills agent in the loop: it reads what was imported, keeps proficiencies and skill health,
shows its calibration and the KPI links in one event, and a second run replaces the first."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, event, select

from import_support import import_into
from learnloop.agents import run_loop
from learnloop.agents.skills import SKILLS_ASSESSED, SkillsAgent
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiencies import KINDS
from learnloop.simulation import SkillSimulationSettings, simulate_skills
from learnloop.store import tables
from learnloop.store.event_log import EventLog
from learnloop.store.proficiencies import proficiency_list, skill_health_list
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
EXAMPLE_ORDER = [("skills", "skills.yaml"), ("roles", "roles.yaml"), ("people", "people.csv"),
                 ("objectives", "objectives.yaml"), ("evidence", "evidence.csv")]


def _run(workspace: Workspace, **options: object):
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        report = run_loop(session, organisation_id=organisation_id, agents=[SkillsAgent()],
                          options={"skills": options})
    assert report.ok, report.failures
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        event, = EventLog(session, organisation_id).recent(limit=1, kinds=[SKILLS_ASSESSED])
        return (report.reports[0], proficiency_list(session, organisation_id=organisation_id),
                skill_health_list(session, organisation_id=organisation_id), event)


def test_the_example_company_gets_proficiencies_and_skill_health(workspace: Workspace) -> None:
    for kind, name in EXAMPLE_ORDER:
        import_into(workspace, kind=kind, path=EXAMPLES / name)
    report, proficiencies, health, event = _run(workspace, as_of="2025-03-01")
    assert [(p.person_key, p.skill_key) for p in proficiencies] == [
        ("E002", "negotiation"), ("E003", "discovery")]
    for proficiency in proficiencies:
        assert 0 <= proficiency.lower < proficiency.level < proficiency.upper <= 4
        assert proficiency.as_of == date(2025, 3, 1)
    keys = {(row.team_key, row.role_key, row.skill_key) for row in health}
    assert keys == {("sales-emea", "account-executive", "negotiation"),
                    ("sales-emea", "account-executive", "discovery"),
                    ("sales-emea", "sales-manager", "negotiation"),
                    ("sales-emea", "sales-manager", "spreadsheet-analysis")}
    discovery = next(row for row in health if row.skill_key == "discovery")
    assert discovery.people == 2 and discovery.single_point is not None  # critical skill
    assert discovery.lower <= discovery.meeting <= discovery.upper
    assert discovery.trend_from == date(2025, 3, 1) - timedelta(days=90)
    # three pieces of evidence cannot calibrate anything: the documented defaults stand, and say so
    sources = event.payload["calibration"]["sources"]
    assert [line["kind"] for line in sources] == [kind.value for kind in KINDS]
    assert not any(line["calibrated"] for line in sources)
    assert "needed" in sources[0]["note"]
    assert "2 proficiencies" in report.summary
    # a second run replaces the first
    _, again, health_again, _ = _run(workspace, as_of="2025-03-01")
    assert again == proficiencies and len(health_again) == len(health)


def test_a_recompute_that_finds_the_same_results_writes_nothing(workspace: Workspace) -> None:
    """The last run's digest stands for the stored rows: the same results are not written
    again, rows an erasure or a cascade took are (the count shows it), and a new day is."""
    for kind, name in EXAMPLE_ORDER:
        import_into(workspace, kind=kind, path=EXAMPLES / name)
    _run(workspace, as_of="2025-03-01")
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(workspace.database.engine, "before_cursor_execute", seen)
    try:
        report, proficiencies, _, assessed = _run(workspace, as_of="2025-03-01",
                                                  recompute=True)
        assert assessed.payload["proficiencies_written"] == 0
        assert not any(s.startswith(("DELETE FROM skill_health", "UPDATE proficiencies"))
                       for s in statements)
        with workspace.session() as session:
            gone = session.scalar(select(tables.Proficiency.id).limit(1))
            session.execute(delete(tables.Proficiency).where(tables.Proficiency.id == gone))
        _, again, _, assessed = _run(workspace, as_of="2025-03-01", recompute=True)
        assert assessed.payload["proficiencies_written"] == 1 and again == proficiencies
        statements.clear()
        _, later, health, assessed = _run(workspace, as_of="2025-03-02")
    finally:
        event.remove(workspace.database.engine, "before_cursor_execute", seen)
    assert assessed.payload["proficiencies_written"] == len(proficiencies)
    assert all(p.as_of == date(2025, 3, 2) for p in later)
    assert all(row.as_of == date(2025, 3, 2) for row in health)
    assert any(s.startswith("DELETE FROM skill_health") for s in statements)


def _write_simulated_company(folder: Path, *, people: int) -> object:
    """A simulated company as the files an organisation would import."""
    simulation = simulate_skills(21, SkillSimulationSettings(people=people, skills=3, teams=8))
    evidence = simulation.evidence
    skills = evidence.skills
    (folder / "skills.yaml").write_text("categories:\n  - name: Work\n    skills:\n" + "".join(
        f"      - id: {skill}\n        name: {skill}\n" for skill in skills))
    (folder / "roles.yaml").write_text(
        "roles:\n  - id: agent\n    name: Agent\n    requirements:\n" + "".join(
            f"      - skill: {skill}\n        level: 2\n        criticality: critical\n"
            for skill in skills))
    with (folder / "people.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "email", "team", "department", "role", "manager_id",
                         "location", "time_zone", "hire_date", "status"])
        for i, key in enumerate(evidence.people):
            writer.writerow([key, f"Person {i}", "", simulation.teams[simulation.person_team[i]],
                             "Support", "agent", "", "", "UTC", "", "active"])
    (folder / "objectives.yaml").write_text(
        "objectives:\n  - id: csat\n    title: Happier customers\n    weight: 1\n"
        "    kpis:\n      - metric: csat\n        direction: up\n"
        f"    skills: [{skills[simulation.driving_skill]}, {skills[simulation.idle_skill]}]\n")
    epoch = date(1970, 1, 1)
    with (folder / "evidence.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "person", "skill", "kind", "level", "date", "source"])
        for i, (person, skill, kind, level, day) in enumerate(zip(
                evidence.person, evidence.skill, evidence.kind, evidence.level, evidence.day,
                strict=True)):
            writer.writerow([f"e{i}", evidence.people[person], skills[skill], KINDS[kind].value,
                             f"{level:g}", (epoch + timedelta(days=int(day))).isoformat(),
                             "simulated"])
    with (folder / "signals.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "metric", "subject_type", "subject", "observed_at", "value",
                         "source"])
        for key, value in zip(evidence.people, simulation.kpi, strict=True):
            writer.writerow(["", "csat", "person", key, "2025-12-01", f"{value:.4f}", "survey"])
    return simulation


def test_a_simulated_company_is_estimated_calibrated_and_its_kpi_links_checked(
        sqlite_workspace: Workspace, tmp_path: Path) -> None:
    simulation = _write_simulated_company(tmp_path, people=600)
    for kind, name in [("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv"), ("objectives", "objectives.yaml"),
                       ("evidence", "evidence.csv"), ("signals", "signals.csv")]:
        import_into(sqlite_workspace, kind=kind, path=tmp_path / name)
    as_of = date(1970, 1, 1) + timedelta(days=int(simulation.as_of))
    _, proficiencies, health, event = _run(sqlite_workspace, as_of=as_of.isoformat())

    people = {key: i for i, key in enumerate(simulation.evidence.people)}
    skills = {key: j for j, key in enumerate(simulation.evidence.skills)}
    truth = np.array([simulation.truth[people[p.person_key], skills[p.skill_key]]
                      for p in proficiencies])
    level = np.array([p.level for p in proficiencies])
    inside = np.array([p.lower <= t <= p.upper for p, t in zip(proficiencies, truth,
                                                               strict=True)])
    assert len(proficiencies) == 600 * 3
    assert np.mean(np.abs(level - truth)) < 0.35
    assert 0.85 <= inside.mean() <= 0.95
    assert len(health) == 8 * 3 and sum(row.people for row in health) == 600 * 3

    manager = event.payload["calibration"]["sources"][KINDS.index(EvidenceKind.MANAGER_RATING)]
    assert manager["calibrated"] and manager["slope"] == pytest.approx(0.55, abs=0.1)
    links = {link["skill"]: link for link in event.payload["kpi_links"]}
    driving = links[simulation.evidence.skills[simulation.driving_skill]]
    idle = links[simulation.evidence.skills[simulation.idle_skill]]
    assert driving["verdict"] == "relates" and not driving["flagged"]
    assert idle["flagged"] and "does not show" in idle["explanation"]


def test_a_mistaken_as_of_option_fails_the_agent_with_a_message(sqlite_workspace) -> None:
    with sqlite_workspace.session() as session:
        report = run_loop(session, organisation_id=sqlite_workspace.organisation(session).id,
                          agents=[SkillsAgent()], options={"skills": {"as_of": "last week"}})
    assert "ConfigError" in report.failures["skills"] and "last week" in report.failures["skills"]
