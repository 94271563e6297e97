"""Interventions and their hold-out: a stratified, randomised draw that a recorded seed repeats,
stored with the assignment, refused whole when the population names someone unknown."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from import_support import import_into
from learnloop.domain.interventions import Group, assign_holdout
from learnloop.errors import InputError, NotFoundError
from learnloop.store.event_log import EventLog
from learnloop.store.interventions import (
    INTERVENTION_CREATED,
    assignment,
    create_intervention,
    intervention,
    intervention_list,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def _people(teams: int, size: int) -> tuple[list[str], dict[str, str]]:
    keys = [f"P{team:02d}{person:03d}" for team in range(teams) for person in range(size)]
    return keys, {key: f"team-{key[1:3]}" for key in keys}


def test_the_same_seed_draws_the_same_holdout_and_another_seed_another() -> None:
    keys, strata = _people(5, 20)
    first = assign_holdout(keys, strata=strata, fraction=0.2, seed=7)
    assert first == assign_holdout(list(reversed(keys)), strata=strata, fraction=0.2, seed=7)
    assert first != assign_holdout(keys, strata=strata, fraction=0.2, seed=8)
    assert set(first.values()) == {"treated", "holdout"}


def test_each_team_holds_out_its_share() -> None:
    keys, strata = _people(10, 30)
    groups = assign_holdout(keys, strata=strata, fraction=0.2, seed=1)
    held = Counter(strata[key] for key, group in groups.items() if group == "holdout")
    assert all(count == 6 for count in held.values()) and len(held) == 10


def test_small_teams_are_not_all_rounded_to_no_holdout() -> None:
    # teams of 3 at 20%: 0.6 of a person each; about 60% of teams hold one out
    keys, strata = _people(400, 3)
    groups = assign_holdout(keys, strata=strata, fraction=0.2, seed=3)
    share = sum(group == "holdout" for group in groups.values()) / len(keys)
    assert 0.17 < share < 0.23


def test_every_person_has_the_fractions_chance_of_being_held_out() -> None:
    keys, strata = _people(2, 10)
    held = Counter(key for seed in range(2000) for key, group in
                   assign_holdout(keys, strata=strata, fraction=0.3, seed=seed).items()
                   if group == "holdout")
    assert all(0.25 < held[key] / 2000 < 0.35 for key in keys)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_a_holdout_with_nobody_on_one_side_is_refused(fraction: float) -> None:
    with pytest.raises(InputError, match="hold-out fraction"):
        assign_holdout(["a", "b"], strata={}, fraction=fraction, seed=1)


def _organisation(workspace) -> int:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml")):
        import_into(workspace, kind=kind, path=EXAMPLES / name)
    people = Path(workspace.settings.home) / "people.csv"
    people.write_text("id,name,team,department,role\n" + "".join(
        f"E{number:03d},Person {number},{'north' if number % 2 else 'south'},Sales,"
        "account-executive\n" for number in range(1, 13)), encoding="utf-8")
    import_into(workspace, kind="people", path=people)
    with workspace.session() as session:
        return workspace.organisation(session).id


def test_an_intervention_keeps_its_seed_and_assignment(workspace) -> None:
    organisation_id = _organisation(workspace)
    with workspace.session() as session, session.begin():
        made = create_intervention(
            session, organisation_id=organisation_id, need_id=None,
            person_keys=["E001", "E002", "E003", "E004", "E005"], holdout=0.4,
            start=date(2025, 6, 2), source="external", title="Objection handling workshop",
            seed=42, created_by="cli")
    with workspace.session() as session:
        stored = intervention(session, organisation_id=organisation_id,
                              intervention_id=made.id)
        groups = assignment(session, organisation_id=organisation_id,
                            intervention_id=made.id).groups
        events = EventLog(session, organisation_id).recent(kinds=[INTERVENTION_CREATED])
        listed = intervention_list(session, organisation_id=organisation_id)
    assert stored.seed == 42 and stored.source == "external"
    assert stored.treated + stored.held_out == 5 == len(groups)
    assert [item.id for item in listed] == [made.id]
    assert events[0].subject_id == str(made.id)
    # the recorded seed repeats the draw
    from learnloop.store.interventions import people_teams
    with workspace.session() as session:
        teams = people_teams(session, organisation_id=organisation_id, person_keys=groups)
    assert assign_holdout(groups, strata=teams, fraction=0.4, seed=42) == {
        key: value.value for key, value in groups.items()}


def test_an_imported_assignment_is_kept_as_given(workspace) -> None:
    organisation_id = _organisation(workspace)
    given = {"E001": "treated", "E002": "holdout", "E003": "treated", "E004": "treated"}
    with workspace.session() as session, session.begin():
        made = create_intervention(
            session, organisation_id=organisation_id, need_id=None, person_keys=[],
            holdout=0.0, start=date(2025, 6, 2), source="external", groups=given)
    with workspace.session() as session:
        groups = assignment(session, organisation_id=organisation_id, intervention_id=made.id)
    assert {key: value.value for key, value in groups.groups.items()} == given
    assert made.seed is None and made.holdout == pytest.approx(0.25)
    assert groups.people(Group.HOLDOUT) == ["E002"]


def test_unknown_people_refuse_the_whole_intervention(workspace) -> None:
    organisation_id = _organisation(workspace)
    with workspace.session() as session, session.begin():
        with pytest.raises(InputError) as refused:
            create_intervention(session, organisation_id=organisation_id, need_id=None,
                                person_keys=["E001", "NOPE"], holdout=0.2,
                                start=date(2025, 6, 2), source="external")
        assert "NOPE" in str(refused.value.problems[0])
        assert intervention_list(session, organisation_id=organisation_id) == []
        with pytest.raises(NotFoundError):
            intervention(session, organisation_id=organisation_id, intervention_id=99)
