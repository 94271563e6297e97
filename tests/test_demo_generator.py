"""The demo company generator: deterministic, realistically shaped, carrying the planted story."""

from __future__ import annotations

import filecmp
from collections import Counter, defaultdict
from pathlib import Path
from statistics import mean, stdev

import pytest
import yaml

from learnloop.demo import DemoCompany, generate_company
from learnloop.demo.taxonomy import ROLES
from learnloop.demo.timeline import WEEKS, week_start
from learnloop.demo.writer import IMPORT_ORDER, TRUTH_FILE, write_demo_files
from learnloop.domain.evidence import MIN_PULSE_RESPONSES, EvidenceKind
from learnloop.domain.org import management_cycles
from learnloop.domain.signals import SubjectType
from learnloop.errors import InputError

COMPANY = generate_company(7)
TRUTH = COMPANY.truth


def _written(tmp_path: Path, seed: int, name: str) -> Path:
    directory = tmp_path / name
    write_demo_files(generate_company(seed), directory)
    return directory


def _all_files(directory: Path) -> list[str]:
    return sorted(
        path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()
    )


def test_the_same_seed_writes_identical_files(tmp_path: Path) -> None:
    first, second = _written(tmp_path, 7, "a"), _written(tmp_path, 7, "b")
    names = _all_files(first)
    assert names == _all_files(second)
    assert {"people.csv", "signals.csv", "evidence.csv", TRUTH_FILE, "sources/sources.yaml"} <= set(
        names
    )
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == []


def test_a_different_seed_gives_a_different_company(tmp_path: Path) -> None:
    first, other = _written(tmp_path, 7, "a"), _written(tmp_path, 8, "b")
    for name in ("people.csv", "signals.csv", "evidence.csv", "pulse.csv"):
        assert (first / name).read_bytes() != (other / name).read_bytes(), name


def test_every_import_file_is_written_in_dependency_order(tmp_path: Path) -> None:
    paths = write_demo_files(COMPANY, tmp_path / "demo")
    assert list(paths) == list(IMPORT_ORDER)
    assert all(path.exists() for path in paths.values())


def test_company_has_departments_teams_and_a_real_hierarchy() -> None:
    people = {person.key: person for person in COMPANY.people}
    assert len(people) == 400
    departments = {team.department for team in COMPANY.teams}
    assert len(departments) >= 3 and len(COMPANY.teams) >= 8
    [ceo] = [person for person in COMPANY.people if person.manager_key is None]
    assert management_cycles({key: person.manager_key for key, person in people.items()}) == []
    department_of = {team.key: team.department for team in COMPANY.teams}
    for team in COMPANY.teams:
        members = [person for person in COMPANY.people if person.team_key == team.key]
        managers = Counter(person.manager_key for person in members if person.manager_key)
        [(manager_key, _)] = managers.most_common(1)
        manager = people[manager_key]
        in_team = manager.team_key == team.key
        heads_department = manager.manager_key == ceo.key and manager.team_key == "exec"
        assert in_team or heads_department, team.key
        if in_team and team.key != "exec":
            # the team lead reports to the head of the department, who reports to the CEO
            head = people[manager.manager_key]
            assert (
                head.manager_key == ceo.key and department_of[manager.team_key] == team.department
            )


def test_people_have_unique_emails_time_zones_and_past_hire_dates() -> None:
    emails = [person.email for person in COMPANY.people]
    assert len(set(emails)) == len(emails)
    assert all(person.time_zone.count("/") == 1 for person in COMPANY.people)
    assert all(person.hire_date <= week_start(WEEKS - 1) for person in COMPANY.people)
    assert len({person.location for person in COMPANY.people}) >= 5
    assert len({person.name.split()[0] for person in COMPANY.people}) > 80


def test_taxonomy_roles_and_objectives_are_rich_enough() -> None:
    skill_keys = {skill.key for skill in COMPANY.skills}
    assert len(skill_keys) >= 40 and len({skill.category for skill in COMPANY.skills}) >= 5
    assert len(COMPANY.roles) >= 6
    for role in COMPANY.roles:
        assert role.requirements and all(0 <= need.level <= 4 for need in role.requirements)
        assert {need.skill_key for need in role.requirements} <= skill_keys
    assert abs(sum(objective.weight for objective in COMPANY.objectives) - 1.0) < 1e-9
    assert all(objective.kpis for objective in COMPANY.objectives)
    [request] = COMPANY.not_priorities
    assert not request.priority and request.reason and request.weight == 0
    priority_skills = {key for objective in COMPANY.objectives for key in objective.skill_keys}
    assert not set(request.skill_keys) & priority_skills


def _series(company: DemoCompany) -> dict[tuple[str, str], list[float]]:
    series: dict[tuple[str, str], list[float]] = defaultdict(list)
    for signal in sorted(company.signals, key=lambda signal: signal.observed_at):
        if signal.subject_type is SubjectType.TEAM:  # the past intervention adds person rows
            series[signal.subject_key, signal.metric].append(signal.value)
    return series


def _relative_change(values: list[float], week: int) -> float:
    return mean(values[week:]) / mean(values[:week]) - 1


def _change_in_noise_units(values: list[float], week: int) -> float:
    """How far the mean moved after `week`, in standard deviations of the weeks before it."""
    return (mean(values[week:]) - mean(values[:week])) / stdev(values[:week])


def test_every_team_reports_26_weekly_kpi_values() -> None:
    series = _series(COMPANY)
    assert {team for team, _ in series} == {team.key for team in COMPANY.teams}
    assert all(len(values) == WEEKS == 26 for values in series.values())


@pytest.mark.parametrize("seed", [7, 8, 2025])
def test_the_injected_dip_is_in_the_kpi_and_nowhere_else(seed: int) -> None:
    company = generate_company(seed)
    dip, change = company.truth["dip"], company.truth["process_change"]
    assert dip["week"]["date"] == week_start(dip["week"]["index"]).isoformat()
    for (team, metric), values in _series(company).items():
        if (team, metric) == (dip["team"], dip["metric"]):
            assert _relative_change(values, dip["week"]["index"]) == pytest.approx(
                -dip["size"], abs=0.03
            )
            assert _change_in_noise_units(values, dip["week"]["index"]) < -5
        elif (team, metric) == (change["team"], change["metric"]):
            rise = _relative_change(values, change["week"]["index"])
            assert rise == pytest.approx(change["size"], abs=0.04)
        else:
            assert abs(_change_in_noise_units(values, dip["week"]["index"])) < 3.5, (team, metric)


def _mean_gap(
    team: str, skills: set[str], kind: EvidenceKind = EvidenceKind.MANAGER_RATING
) -> float:
    """Mean of (rating − required level) over the team's staff evidence on these skills."""
    required = {
        (role.key, need.skill_key): need.level for role in ROLES for need in role.requirements
    }
    role_of = {person.key: person.role_key for person in COMPANY.people if person.team_key == team}
    gaps = [
        item.level - required[role_of[item.person_key], item.skill_key]
        for item in COMPANY.evidence
        if item.person_key in role_of and item.skill_key in skills and item.kind is kind
    ]
    assert gaps, f"no evidence for {team} on {sorted(skills)}"
    return mean(gaps)


def test_the_dipped_team_is_below_requirement_on_the_skills_behind_the_dip() -> None:
    gap_skills = set(TRUTH["dip"]["skills"])
    assert _mean_gap(TRUTH["dip"]["team"], gap_skills) <= -1.0
    assert _mean_gap(TRUTH["dip"]["team"], gap_skills, EvidenceKind.ASSESSMENT) <= -1.0
    # on the same skills and the same role, the other region's support team is at requirement
    assert _mean_gap(TRUTH["process_change"]["team"], gap_skills) >= -0.25


def test_the_process_change_team_is_at_requirement_so_training_would_not_help() -> None:
    every_skill = {skill.key for skill in COMPANY.skills}
    assert _mean_gap(TRUTH["process_change"]["team"], every_skill) >= -0.25
    assert TRUTH["process_change"]["cause"].startswith("process change: ")
    assert TRUTH["dip"]["cause"] == "skill gap"


def test_other_teams_are_mostly_at_level() -> None:
    every_skill = {skill.key for skill in COMPANY.skills}
    for team in COMPANY.teams:
        if team.key != TRUTH["dip"]["team"]:
            assert _mean_gap(team.key, every_skill) >= -0.3, team.key


def test_pulse_is_anonymous_and_the_dipped_team_lacks_what_it_needs() -> None:
    assert all(result.responses >= MIN_PULSE_RESPONSES for result in COMPANY.pulse)
    periods = sorted({result.period for result in COMPANY.pulse})
    assert len(periods) == 2
    need = "I have what I need to do my job well"
    score = {(r.team_key, r.period): r.score for r in COMPANY.pulse if r.question == need}
    dip_team = TRUTH["dip"]["team"]
    assert score[dip_team, periods[1]] < score[dip_team, periods[0]] - 0.4


def test_a_smaller_company_keeps_every_team_staffed_and_a_too_small_one_is_refused() -> None:
    small = generate_company(3, people=60)
    assert len(small.people) == 60
    assert min(Counter(person.team_key for person in small.people).values()) >= 3
    with pytest.raises(InputError, match="at least"):
        generate_company(3, people=30)


def test_source_documents_are_substantial_and_agree_on_the_facts_training_needs(
    tmp_path: Path,
) -> None:
    paths = write_demo_files(COMPANY, tmp_path / "demo")
    manifest = yaml.safe_load((paths["sources"] / "sources.yaml").read_text(encoding="utf-8"))
    kinds = {entry["kind"] for entry in manifest["sources"]}
    assert kinds == {"policy", "product", "transcript"}
    texts = {
        entry["kind"]: (paths["sources"] / entry["file"]).read_text(encoding="utf-8")
        for entry in manifest["sources"]
    }
    for kind, text in texts.items():
        assert 1200 <= len(text.split()) <= 2500, kind
    # the agent's own ColdChain credit limit is the fact the dipped team is missing
    for text in texts.values():
        assert "CC-Excursion-Minor" in text
    assert "EUR 1,000" in texts["policy"] and "EUR 1,000" in texts["product"]
    assert "thousand euros" in texts["transcript"]
    assert "more than 30 consecutive minutes" in texts["policy"]
    assert "more than 30 consecutive minutes" in texts["product"]
    assert "**DK:**" in texts["transcript"] and "**PN:**" in texts["transcript"]
