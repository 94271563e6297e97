"""The three shapes a statement is returned in: exact (as stored), ids (agents, groups,
activities and verbs by identifier only) and canonical (one language per language map)."""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["FORMATS", "formatted"]

FORMATS = ("exact", "ids", "canonical")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_LANGUAGE_MAPS = ("display", "name", "description")


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    kept = {key: agent[key] for key in ("objectType", *_IFIS) if key in agent}
    if "member" in agent and not any(ifi in agent for ifi in _IFIS):
        kept["member"] = [_agent_ids(member) for member in agent["member"]]
    return kept


def _activity_ids(activity: dict[str, Any]) -> dict[str, Any]:
    """The id alone: "Activity" is an object's default objectType (Communication 2.1.3)."""
    return {"id": activity["id"]}


def _ids(statement: dict[str, Any]) -> dict[str, Any]:
    result = dict(statement)
    result["actor"] = _agent_ids(statement["actor"])
    result["verb"] = {"id": statement["verb"]["id"]}
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        result["object"] = _activity_ids(target)
    elif kind in ("Agent", "Group"):
        result["object"] = _agent_ids(target)
    elif kind == "SubStatement":
        result["object"] = _ids(target)
    if "authority" in statement:
        result["authority"] = _agent_ids(statement["authority"])
    if "context" in statement:
        context = dict(statement["context"])
        for role in ("instructor", "team"):
            if role in context:
                context[role] = _agent_ids(context[role])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: ([_activity_ids(item) for item in value] if isinstance(value, list)
                      else _activity_ids(value))
                for key, value in context["contextActivities"].items()}
        result["context"] = context
    return result


def _pick(language_map: dict[str, str], languages: list[str]) -> dict[str, str]:
    """The entry for the first accepted language that is present (else the first entry)."""
    for wanted in languages:
        for tag, text in language_map.items():
            if tag.lower() == wanted.lower() or tag.lower().split("-")[0] == wanted.lower():
                return {tag: text}
    first = next(iter(language_map.items()), None)
    return dict([first]) if first else {}


def _canonical(value: Any, languages: list[str], *, key: str = "") -> Any:
    if isinstance(value, dict):
        if key in _LANGUAGE_MAPS and all(isinstance(text, str) for text in value.values()):
            return _pick(value, languages)
        return {name: (item if name == "extensions" else
                       _canonical(item, languages, key=name)) for name, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item, languages, key=key) for item in value]
    return value


def formatted(text: str, chosen: str, *, languages: list[str]) -> str:
    """The stored statement's JSON text in the chosen format (exact: the text itself)."""
    if chosen == "exact":
        return text
    statement = orjson.loads(text)
    shaped = _ids(statement) if chosen == "ids" else _canonical(statement, languages)
    return orjson.dumps(shaped).decode()
