"""Finds agents through the `learnloop.agents` entry point group, the same way plugins add theirs.

A broken agent fails loudly at discovery: a loop that silently skips a stage would mislead.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from learnloop.agents.base import STAGES, Agent
from learnloop.errors import ConfigError
from learnloop.plugins import load_entry_point

__all__ = ["AGENT_ENTRY_POINT_GROUP", "load_agents", "registered_agents"]

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
    return sorted(agents, key=lambda agent: (STAGES.index(agent.stage), agent.name))


def registered_agents() -> list[Agent]:
    return load_agents(list(entry_points(group=AGENT_ENTRY_POINT_GROUP)))
