"""The Activities and Agents resources: an activity's definition gathered from its statements,
and the Person an agent is known as (learnloop links no identities, so one agent is one Person)."""

from __future__ import annotations

import json
from typing import Any

from learnloop.store import Session
from learnloop.store.xapi_statements import documents_naming
from learnloop.xapi.refs import activity_key

__all__ = ["activity_object", "person_object"]


# how many of the newest statements about an activity make up its definition: bounds the cost
# of one GET /activities for an activity named by very many statements
DEFINITION_STATEMENTS = 1000
_LANGUAGE_MAPS = ("name", "description")


def activity_object(session: Session, *, organisation_id: int,
                    activity_id: str) -> dict[str, Any]:
    """The Activity with all the definition its statements gave (Communication 2.5): newer
    statements win, and language maps gather every language stated (just the id when no
    statement names it as object)."""
    texts = documents_naming(session, organisation_id=organisation_id,
                             key=activity_key(activity_id), limit=DEFINITION_STATEMENTS)
    found: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    definition: dict[str, Any] = {}
    for text in reversed(texts):  # oldest first, so that newer statements overwrite
        target = json.loads(text)["object"]
        if target.get("id") != activity_id or not isinstance(target.get("definition"), dict):
            continue
        for key, value in target["definition"].items():
            if key in _LANGUAGE_MAPS and isinstance(definition.get(key), dict):
                definition[key] = {**definition[key], **value}
            else:
                definition[key] = value
    if definition:
        found["definition"] = definition
    return found


def person_object(agent: dict[str, Any]) -> dict[str, Any]:
    """The Person object for an agent: each property a list."""
    person: dict[str, Any] = {"objectType": "Person"}
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return person
