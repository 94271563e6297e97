"""Analytics agent speed: one intervention's KPI effect on a large population, and the demo's
full measurement and PDF.

Defaults: 20,000 people in 200 teams, 52 weeks of person-level KPI values (1.04 million rows),
20% held out within each team, the start at week 40. Times the pure path the agent takes (the
person-week panel, then the ANCOVA difference in differences with CR2 errors), then builds the
demo company in a temporary workspace and times the analytics agent's run over it (reads,
levels 1-4, storage) and the PDF report; prints the process's max RSS.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from learnloop.domain.analytics import estimate_impact
from learnloop.domain.interventions import assign_holdout
from learnloop.domain.measurement import impact_panel


def panel_timing(*, people: int, teams: int, weeks: int, start: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = [f"P{index:06d}" for index in range(people)]
    team_of = {key: f"T{index % teams:04d}" for index, key in enumerate(keys)}
    groups = assign_holdout(keys, strata=team_of, fraction=0.2, seed=seed)
    treated = np.array([groups[key] == "treated" for key in keys])
    person = np.repeat(np.arange(people), weeks)
    week = np.tile(np.arange(weeks), people)
    value = (70 + rng.normal(0, 3, people)[person] + rng.normal(0, 5, len(person))
             + 2.0 * (treated[person] & (week >= start)))
    keyed = np.asarray(keys, dtype=object)[person].tolist()
    began = time.perf_counter()
    panel = impact_panel(person=keyed, days=((week - start) * 7).tolist(),
                         values=value.tolist(), groups=groups, teams=team_of, kpi="kpi")
    built = time.perf_counter()
    found = estimate_impact(panel)
    done = time.perf_counter()
    print(f"{people:,} people, {teams} teams, {len(value):,} person-weeks: panel "
          f"{built - began:.2f} s, estimate {done - built:.2f} s; effect {found.estimate:.2f} "
          f"({found.lower:.2f} to {found.upper:.2f}, truth 2.00)")


def demo_timing() -> None:
    from learnloop.agents import agent_options, run_loop
    from learnloop.agents.analytics import AnalyticsAgent
    from learnloop.agents.sensing import SensingAgent
    from learnloop.agents.skills import SkillsAgent
    from learnloop.config import Settings
    from learnloop.demo import build_demo
    from learnloop.reports.impact import impact_of
    from learnloop.reports.pdf import impact_pdf
    from learnloop.store.interventions import intervention_list
    from learnloop.workspace import Workspace

    with tempfile.TemporaryDirectory() as home:
        workspace = Workspace.open(Settings(home=Path(home)))
        with workspace.session() as session:
            organisation = workspace.organisation(session)
            build_demo(session, organisation=organisation, settings=workspace.settings)
            run_loop(session, organisation_id=organisation.id,
                     agents=[SensingAgent(), SkillsAgent()],
                     options=agent_options(workspace.settings))
        with workspace.session() as session:
            organisation = workspace.organisation(session)
            began = time.perf_counter()
            run_loop(session, organisation_id=organisation.id, agents=[AnalyticsAgent()],
                     options=agent_options(workspace.settings))
            measured = time.perf_counter()
            [item] = intervention_list(session, organisation_id=organisation.id)
            report = impact_of(session, organisation_id=organisation.id,
                               intervention_id=item.id, settings=workspace.settings)
            pdf_began = time.perf_counter()
            document = impact_pdf(report, organisation=organisation.name)
            pdf_done = time.perf_counter()
        workspace.close()
    print(f"demo (400 people, 96 in the intervention): analytics agent run "
          f"{measured - began:.2f} s (SQLite); PDF {pdf_done - pdf_began:.2f} s, "
          f"{len(document) / 1024:.0f} KiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    panel_timing(people=arguments.people, teams=arguments.teams, weeks=arguments.weeks,
                 start=40, seed=arguments.seed)
    demo_timing()
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
