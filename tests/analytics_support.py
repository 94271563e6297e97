"""The demo company after a loop run, for the analytics tests: its truth, and its intervention."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from learnloop.agents import agent_options, registered_agents, run_loop
from learnloop.demo import build_demo
from learnloop.store import tables
from learnloop.workspace import Workspace


def measured_demo(workspace: Workspace, *, people: int = 400,
                  needs: tuple = ()) -> dict[str, Any]:
    """Build the demo (and save `needs`, drafted), run the loop once; the truth file and the
    demo intervention's id."""
    from learnloop.store.needs import save_needs

    with workspace.session() as session:
        organisation = workspace.organisation(session)
        summary = build_demo(session, organisation=organisation, settings=workspace.settings,
                             people=people)
        save_needs(session, organisation_id=organisation.id, needs=list(needs))
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        run_loop(session, organisation_id=organisation.id, agents=registered_agents(),
                 options=agent_options(workspace.settings))
    truth = json.loads((summary.directory / "truth.json").read_text(encoding="utf-8"))
    with workspace.session() as session:
        intervention_id = session.scalar(select(tables.Intervention.id).where(
            tables.Intervention.key == truth["intervention"]["key"]))
        organisation_id = workspace.organisation(session).id
    return {"truth": truth, "intervention_id": intervention_id,
            "organisation_id": organisation_id, "directory": summary.directory}


def add_sample_intervention(workspace: Workspace, person_keys: list[str]) -> int:
    """One intervention over `person_keys` (half held out), for route tests; its id."""
    from datetime import date

    from learnloop.store.interventions import create_intervention

    with workspace.session() as session:
        organisation = workspace.organisation(session)
        made = create_intervention(session, organisation_id=organisation.id, need_id=None,
                                   person_keys=person_keys, holdout=0.5,
                                   start=date(2025, 6, 2), source="external", seed=1,
                                   title="Negotiation clinic", kpi_metric="renewal_rate")
    return made.id
