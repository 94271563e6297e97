"""The Activities and Agents resources: an activity's definition as last stated, and the Person
an agent is known as (learnloop links no identities, so one agent is one Person)."""

from __future__ import annotations

import json
from typing import Any

from learnloop.store import Session
from learnloop.store.xapi_statements import latest_document_naming
from learnloop.xapi.refs import activity_key

__all__ = ["activity_object", "person_object"]


def activity_object(session: Session, *, organisation_id: int,
                    activity_id: str) -> dict[str, Any]:
    """The Activity with the definition of the newest statement about it (just its id when no
    statement names it as object)."""
    text = latest_document_naming(session, organisation_id=organisation_id,
                                  key=activity_key(activity_id))
    found: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if text is not None:
        target = json.loads(text)["object"]
        if target.get("id") == activity_id and "definition" in target:
            found["definition"] = target["definition"]
    return found


def person_object(agent: dict[str, Any]) -> dict[str, Any]:
    """The Person object for an agent: each property a list."""
    person: dict[str, Any] = {"objectType": "Person"}
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return person
