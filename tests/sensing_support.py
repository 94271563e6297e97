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
