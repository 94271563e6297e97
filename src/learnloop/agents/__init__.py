"""The agents of the loop: one module per agent, one job each, found through one registry.

See `learnloop.agents.base` for what an agent is and `docs/architecture.md` for how to add one.
"""

from learnloop.agents.base import STAGES, Agent, AgentContext, AgentReport
from learnloop.agents.loop import LoopReport, run_loop
from learnloop.agents.registry import AGENT_ENTRY_POINT_GROUP, agent_options, registered_agents

__all__ = [
    "AGENT_ENTRY_POINT_GROUP",
    "STAGES",
    "Agent",
    "AgentContext",
    "AgentReport",
    "agent_options",
    "LoopReport",
    "registered_agents",
    "run_loop",
]
