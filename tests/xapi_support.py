"""An LRS on a workspace, clients with chosen scopes, and statements to send it."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from fastapi.testclient import TestClient

from learnloop.serving.app import create_app
from learnloop.workspace import Workspace
from learnloop.xapi.clients import create_client

VERSION = {"X-Experience-API-Version": "1.0.3"}
VERBS = ("http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/attempted",
         "http://adlnet.gov/expapi/verbs/experienced")


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", **VERSION}


def client_headers(workspace: Workspace, *scopes: str, name: str = "test") -> dict[str, str]:
    """Headers of a new LRS client with these scopes (Basic credentials and the version)."""
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        issued = create_client(session, organisation_id=organisation.id, name=name,
                               scopes=list(scopes))
    return basic(issued.client.username, issued.password)


def lrs(workspace: Workspace) -> TestClient:
    return TestClient(create_app(workspace), raise_server_exceptions=False)


def agent(n: int | str) -> dict[str, Any]:
    return {"objectType": "Agent", "name": f"Learner {n}", "mbox": f"mailto:learner{n}@example.com"}


def activity_id(n: int | str) -> str:
    return f"https://learnloop.example/activities/{n}"


def statement(*, learner: int | str = 1, verb: str = VERBS[0], activity: int | str = 1,
              **extra: Any) -> dict[str, Any]:
    """A valid statement with a new id: learner `learner` did `verb` to activity `activity`."""
    return {"id": str(uuid.uuid4()), "actor": agent(learner),
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
            "object": {"objectType": "Activity", "id": activity_id(activity),
                       "definition": {"name": {"en-US": f"Activity {activity}"}}},
            **extra}
