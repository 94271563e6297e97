"""The sensing tests' shared steps: the demo company built once per database, and agent runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from learnloop.agents import agent_options, run_loop
from learnloop.agents.sensing import SensingAgent
from learnloop.demo import build_demo
from learnloop.workspace import Workspace


def build(workspace: Workspace, *, people: int = 400) -> dict[str, Any]:
    """The demo company in the workspace; returns its truth.json."""
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        summary = build_demo(session, organisation=organisation, settings=workspace.settings,
                             seed=7, people=people)
    return json.loads((summary.directory / "truth.json").read_text())


def sense_as_of(workspace: Workspace, as_of: datetime | None = None, **options: Any):
    """One run of the sensing agent through the loop, as at `as_of` (default: now)."""
    settings = agent_options(workspace.settings)["sensing"]
    if as_of is not None:
        settings["as_of"] = as_of.astimezone(UTC)
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        report = run_loop(session, organisation_id=organisation.id, agents=[SensingAgent()],
                          options={"sensing": {**settings, **options}})
    assert report.ok, report.failures
    return report.reports[0]


def add_sample_detection(workspace: Workspace, *, team: str = "sales") -> int:
    """One stored detection (a dip in renewal_rate), for tests of the surfaces; returns its id."""
    from datetime import date

    from learnloop.domain.sensing import Cause, Diagnosis
    from learnloop.domain.sensing.teams import Detection
    from learnloop.domain.signals import SubjectType
    from learnloop.store.detections import add_detection

    detection = Detection(
        subject_type=SubjectType.TEAM, subject_key=team, metric="renewal_rate", direction="dip",
        baseline_level=90.0, baseline_sd=1.5, baseline_from=date(2025, 1, 6),
        baseline_to=date(2025, 3, 31), observed_level=84.0, effect=-6.0, effect_sd=4.0,
        confidence=0.99, change_start=date(2025, 4, 7), detected_at=date(2025, 4, 14),
        statistic=5.0, change_week=0, detected_week=1)
    diagnosis = Diagnosis(cause=Cause.SKILL, reason="Most of the team is below negotiation.",
                          skill="negotiation", moved=(), steady=(), dip_below=float("nan"),
                          dip_proficient=float("nan"), split_z=float("nan"))
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        record = add_detection(session, organisation_id=organisation.id, detection=detection,
                               diagnosis=diagnosis, evidence={"nearby_changes": []},
                               created_at=datetime(2025, 4, 15, tzinfo=UTC))
    return record.id


def add_sample_need(workspace: Workspace, *, team: str = "sales") -> int:
    """One stored open training need (negotiation in `team`), for tests of the surfaces."""
    from learnloop.domain.needs import draft_need
    from learnloop.store.needs import save_needs

    with workspace.session() as session:
        organisation = workspace.organisation(session)
        stored, = save_needs(session, organisation_id=organisation.id, needs=[draft_need(
            f"training:{team}:negotiation", f"Negotiation for {team}", skill_key="negotiation",
            team_keys=(team,), person_keys=("leo",), rank=1, reason="Most are below level 3.",
            evidence={"serves": ["renewals"], "base": 1.0, "people_affected": 1.0})])
    return stored.id
