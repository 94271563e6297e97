"""`learnloop loop`: run every registered agent once, in loop order, in one transaction.

`run_agents` is shared with `learnloop demo`, which runs the loop after building the company.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import typer

from learnloop.cli.context import OrgOption, err, organisation_session, out, progress_bar

if TYPE_CHECKING:
    from learnloop.agents import Agent, LoopReport
    from learnloop.store import Session

__all__ = ["loop", "run_agents"]


def loop(org: OrgOption = None) -> None:
    """Run every registered agent once, in loop order (sense, decide, … measure)."""
    from learnloop.agents import agent_options, registered_agents

    agents = registered_agents()
    with organisation_session(org) as (workspace, session, organisation):
        report = run_agents(session, organisation_id=organisation.id, agents=agents,
                            options=agent_options(workspace.settings))
    for line in report.reports:
        out.print(f"{line.agent}: {line.summary}")
    for name, failure in report.failures.items():
        err.print(f"[bold red]{name} failed:[/] {failure}", highlight=False)
    if not agents:
        out.print("no agents registered yet: the loop recorded its run and did nothing else")
    if not report.ok:
        raise typer.Exit(1)


def run_agents(session: Session, *, organisation_id: int, agents: Sequence[Agent],
               options: Mapping[str, Mapping[str, Any]] | None = None) -> LoopReport:
    """`run_loop` in the caller's transaction, showing which agent runs on a progress bar."""
    from learnloop.agents import run_loop

    with progress_bar() as progress:
        task = progress.add_task("running the loop", total=len(agents))
        report = run_loop(
            session,
            organisation_id=organisation_id,
            agents=agents,
            actor="cli",
            options=options,
            on_agent=lambda agent: progress.update(
                task, advance=1, description=f"{agent.stage}: {agent.name}"
            ),
        )
        progress.update(task, completed=len(agents), description="loop done")
    return report
