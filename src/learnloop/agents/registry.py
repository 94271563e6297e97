"""Finds agents through the `learnloop.agents` entry point group, the same way plugins add theirs.

A broken agent fails loudly at discovery: a loop that silently skips a stage would mislead.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

from learnloop.agents.base import STAGES, Agent
from learnloop.errors import ConfigError
from learnloop.plugins import load_entry_point

if TYPE_CHECKING:
    from learnloop.config import Settings

__all__ = ["AGENT_ENTRY_POINT_GROUP", "agent_options", "load_agents", "registered_agents"]

AGENT_ENTRY_POINT_GROUP = "learnloop.agents"


def load_agents(points: list[EntryPoint]) -> list[Agent]:
    """Instantiate agents from entry points, checked and ordered by loop stage, then name."""
    agents: list[Agent] = []
    for point in points:
        agent = load_entry_point(point, what="agent", call=True)
        if not isinstance(agent, Agent):
            raise ConfigError(
                f"agent {point.name!r} ({point.value}) lacks name, stage, description or run()"
            )
        if agent.stage not in STAGES:
            raise ConfigError(
                f"agent {agent.name!r} has unknown stage {agent.stage!r}; "
                f"stages: {', '.join(STAGES)}"
            )
        agents.append(agent)
    names = [agent.name for agent in agents]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(f"more than one agent is registered as {', '.join(duplicates)}")
    return _in_order(agents)


def _in_order(agents: list[Agent]) -> list[Agent]:
    """By stage, then name, except that an agent naming others in `runs_after` (same stage) runs
    after them: the needs agent reads what the skills agent wrote in the same pass."""
    ordered = sorted(agents, key=lambda agent: (STAGES.index(agent.stage), agent.name))
    placed: list[Agent] = []
    waiting = list(ordered)
    while waiting:
        names = {agent.name for agent in waiting}
        ready = next((agent for agent in waiting
                      if not names & set(getattr(agent, "runs_after", ()))), waiting[0])
        # an agent only waits for agents of its own stage; a cycle falls back to name order
        if STAGES.index(ready.stage) > STAGES.index(waiting[0].stage):
            ready = waiting[0]
        waiting.remove(ready)
        placed.append(ready)
    return placed


def registered_agents() -> list[Agent]:
    return load_agents(list(entry_points(group=AGENT_ENTRY_POINT_GROUP)))


def agent_options(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each built-in agent's options from the deployment's settings (run_loop's `options`)."""
    return {"sensing": {"false_alarms_per_year": settings.sensing_false_alarms_per_year,
                        "person_series_limit": settings.sensing_person_series_limit},
            # the engine (LEARNLOOP_LLM_ENGINE), the checks' model and the link allow-list
            "content": {"settings": settings},
            "analytics": {"manual_baseline_hours": settings.analytics_manual_baseline_hours,
                          "reaction_metric": settings.analytics_reaction_metric,
                          "knowledge_metric": settings.analytics_knowledge_metric,
                          "minimum_group_size": settings.analytics_minimum_group_size}}
