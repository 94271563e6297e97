"""Sensing whole teams from person rows: detections with their evidence, diagnosed, raised once."""

from __future__ import annotations

import numpy as np

from learnloop.domain.sensing import DetectorSettings
from learnloop.domain.sensing.teams import sense_teams
from learnloop.simulation import SimulationSettings, simulate_organisation


def first_after_start(organisation, findings):
    """Per team, the first finding at or after its true start (earlier ones are false alarms)."""
    first = {}
    for finding in sorted(findings, key=lambda f: f.detection.detected_week):
        truth = organisation.truth[finding.team]
        if finding.detection.detected_week >= truth.start_week:
            first.setdefault(finding.team, finding)
    return first


def sensed(organisation):
    below = {skill: organisation.below_required
             & (np.array(organisation.skill)[organisation.person_team] == skill)
             for skill in set(organisation.skill)}
    return sense_teams(
        organisation.person_values, organisation.person_volumes,
        team_of=organisation.person_team, teams=organisation.teams,
        metrics=[t.metric for t in organisation.truth], signs=organisation.signs,
        weeks=organisation.weeks, changes=organisation.changes, below_required=below,
        settings=DetectorSettings(), linked_skills=[[skill] for skill in organisation.skill])


def test_a_skill_dip_is_raised_once_with_its_evidence_and_the_skill_named() -> None:
    org = simulate_organisation(21, SimulationSettings(teams=12, dip_share=1.0, skill_share=1.0,
                                                       dip_sd=(3.0, 3.5)))
    findings = sensed(org)
    by_team = first_after_start(org, findings)
    assert len(by_team) >= 10
    for team, finding in by_team.items():
        # the team and its part below the level see the same change: it is raised once
        same = [f for f in findings if f.team == team
                and abs(f.detection.change_week - finding.detection.change_week) <= 4]
        assert same == [finding]
        truth, detection = org.truth[team], finding.detection
        assert detection.subject_key == truth.team and detection.metric == truth.metric
        assert detection.direction == "dip"
        assert 0 <= detection.detected_week - truth.start_week <= 8
        assert detection.baseline_from <= detection.baseline_to < detection.change_start
        assert detection.detected_at == org.weeks[detection.detected_week]
        assert detection.effect_sd >= 1.0 and 0.5 < detection.confidence <= 1.0
        assert finding.diagnosis.cause != "process"
    called_skill = [f for f in by_team.values() if f.diagnosis.cause == "skill"]
    assert len(called_skill) >= 10
    assert all(f.diagnosis.skill == org.skill[f.team] for f in called_skill)


def test_a_process_dip_in_handle_time_is_a_rise_called_process() -> None:
    org = simulate_organisation(22, SimulationSettings(teams=12, dip_share=1.0, skill_share=0.0,
                                                       dip_sd=(3.0, 3.5), process_logged=1.0))
    first = first_after_start(org, sensed(org))
    findings = [f for f in first.values() if org.truth[f.team].metric == "handle_time"]
    assert len(findings) >= 5
    for finding in findings:
        assert finding.detection.effect > 0          # handle time went up: a dip
        assert finding.diagnosis.cause == "process"
        assert finding.nearby_changes and "Training will not fix this" in finding.diagnosis.reason


def test_teams_without_a_change_raise_nothing() -> None:
    org = simulate_organisation(23, SimulationSettings(teams=30, dip_share=0.0))
    assert len(sensed(org)) <= 2


def test_series_given_directly_are_sensed_with_their_change_log() -> None:
    from datetime import date, timedelta

    from learnloop.domain.objectives import Direction
    from learnloop.domain.sensing import ChangeEntry, ChangeKind, WeeklySeries, sense_series
    from learnloop.domain.signals import SubjectType

    weeks = tuple(date(2025, 1, 6) + timedelta(weeks=k) for k in range(40))
    rng = np.random.default_rng(30)
    handle_time = 8.0 + rng.normal(0, 0.2, 40)
    handle_time[26:] += 0.8                          # the routing change makes calls longer
    quiet = 8.0 + rng.normal(0, 0.2, 40)
    routing = ChangeEntry(ChangeKind.PROCESS_CHANGE, weeks[26], weeks[26], team="support-na",
                          description="new routing")
    found = sense_series(
        [WeeklySeries(SubjectType.TEAM, "support-na", "handle_time", Direction.DOWN, weeks,
                      tuple(handle_time), (300.0,) * 40),
         WeeklySeries(SubjectType.TEAM, "sales", "handle_time", Direction.DOWN, weeks,
                      tuple(quiet), (300.0,) * 40)],
        changes=[routing], settings=DetectorSettings())
    assert [(d.subject_key, d.direction, d.change_start) for d in found] == [
        ("support-na", "dip", weeks[26])]
    assert found[0].detected_at <= weeks[28] and found[0].effect > 0.5
