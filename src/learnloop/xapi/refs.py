"""What a statement is about, as the keys the LRS indexes: its agents and activities.

A key is "direct" when the Statements resource's `agent`/`activity` filter matches it without
`related_agents`/`related_activities` (the actor or object), "related" otherwise.
"""

from __future__ import annotations

from typing import Any

__all__ = ["activity_key", "agent_key", "statement_refs"]


def agent_key(agent: dict[str, Any]) -> str | None:
    """The agent's one identifier as a key ('mbox mailto:…', 'account home|name'); None for an
    anonymous group."""
    if "mbox" in agent:
        return f"mbox {agent['mbox']}"
    if "mbox_sha1sum" in agent:
        return f"sha1 {agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid {agent['openid']}"
    if "account" in agent:
        account = agent["account"]
        return f"account {account['homePage']}|{account['name']}"
    return None


def activity_key(activity_id: str) -> str:
    return f"activity {activity_id}"


def _agents(agent: dict[str, Any]) -> list[str]:
    """The agent itself, or a group and its members."""
    key = agent_key(agent)
    if "member" not in agent:
        return [] if key is None else [key]
    keys = [key, *(agent_key(member) for member in agent["member"])]
    return [key for key in keys if key is not None]


def _context_activities(context: dict[str, Any]) -> list[str]:
    found = []
    for item in context.get("contextActivities", {}).values():
        for activity in item if isinstance(item, list) else [item]:
            found.append(activity_key(activity["id"]))
    return found


def _parts(statement: dict[str, Any], *, direct: bool, into: dict[str, bool]) -> None:
    def add(key: str, is_direct: bool) -> None:
        into[key] = into.get(key, False) or is_direct

    actor = statement["actor"]
    actor_key = agent_key(actor)
    for key in _agents(actor):
        # a group actor's members match only `related_agents`
        add(key, direct and key == actor_key)
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        add(activity_key(target["id"]), direct)
    elif kind in ("Agent", "Group"):
        target_key = agent_key(target)
        for key in _agents(target):
            add(key, direct and key == target_key)
    elif kind == "SubStatement":
        _parts(target, direct=False, into=into)
    context = statement.get("context", {})
    for role in ("instructor", "team"):
        if role in context:
            for key in _agents(context[role]):
                add(key, False)
    for key in _context_activities(context):
        add(key, False)


def statement_refs(statement: dict[str, Any]) -> dict[str, bool]:
    """Every agent and activity key the statement names, each with whether it is direct.
    The authority counts as related (xAPI 1.0.3, related_agents)."""
    found: dict[str, bool] = {}
    _parts(statement, direct=True, into=found)
    for key in _agents(statement.get("authority", {})):
        found[key] = found.get(key, False)
    return found
