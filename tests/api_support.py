"""A small organisation and API clients for the API, token and job tests.

Rows are written straight through the tables so these tests depend on no importer.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from learnloop.config import Settings
from learnloop.domain.events import utcnow
from learnloop.serving.app import create_app
from learnloop.store import tables
from learnloop.tokens import issue_token
from learnloop.workspace import Workspace

# ceo → mia (manager) → leo, lea ; ceo → max (manager) → ola
CHAIN = {"ceo": None, "mia": "ceo", "leo": "mia", "lea": "mia", "max": "ceo", "ola": "max",
         "ivy": "leo"}


def build_org(workspace: Workspace) -> None:
    with workspace.session() as session:
        org = workspace.organisation(session)
        sales = tables.Team(organisation_id=org.id, key="sales", name="Sales", department="Revenue")
        ops = tables.Team(organisation_id=org.id, key="ops", name="Operations", department="Ops")
        role = tables.Role(organisation_id=org.id, key="ae", name="Account executive",
                           description="Sells")
        skill = tables.Skill(organisation_id=org.id, key="negotiation", name="Negotiation",
                             category="Customer", description="")
        session.add_all([sales, ops, role, skill])
        session.flush()
        session.add(tables.RoleRequirement(role_id=role.id, skill_id=skill.id, level=3,
                                           criticality="high"))
        people: dict[str, tables.Person] = {}
        for key, manager in CHAIN.items():
            person = tables.Person(
                organisation_id=org.id, key=key, name=key.title(), email=f"{key}@example.com",
                team_id=(ops if key in ("max", "ola") else sales).id, role_id=role.id,
                manager_id=people[manager].id if manager else None, location=None,
                time_zone="UTC", hire_date=date(2020, 1, 1), status="active")
            session.add(person)
            session.flush()
            people[key] = person
        session.add(tables.SkillEvidence(
            organisation_id=org.id, key="e1", person_id=people["leo"].id, skill_id=skill.id,
            kind="manager_rating", level=2.0, observed_on=date(2025, 1, 1), source="review"))
        objective = tables.Objective(organisation_id=org.id, key="renewals", title="Renewals",
                                     description="", owner="cro", priority=True, weight=0.7,
                                     reason=None, team_keys=["sales"])
        session.add(objective)
        session.flush()
        session.add_all([
            tables.Kpi(objective_id=objective.id, metric="renewal_rate", direction="up",
                       unit="%", target=92.0),
            tables.ObjectiveSkill(objective_id=objective.id, skill_id=skill.id),
        ])


def private_workspace(home: Path, database_url: str | None = None) -> Workspace:
    """A workspace on its own SQLite file (or the given database) whatever LEARNLOOP_* says, for
    module-wide fixtures (they start before the per-test fixture that clears the environment)."""
    return Workspace.open(Settings(home=home, database_url=database_url, redis_url=None,
                                   environment="development", secret_key=None))


def secret_for(workspace: Workspace, role: str, person: str | None = None) -> str:
    with workspace.session() as session:
        org = workspace.organisation(session)
        return issue_token(session, organisation_id=org.id, role=role, name=None,
                           person_key=person, actor="test").secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def api_client(workspace: Workspace, **options: bool) -> TestClient:
    """A client that sees 500 answers as a browser would, instead of raising the server's error."""
    return TestClient(create_app(workspace, **options), raise_server_exceptions=False)


def flat_routes(routes: list) -> list:
    """Routes of included routers too (FastAPI keeps an included router as one entry)."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found.extend(flat_routes(inner.routes) if inner is not None else [route])
    return found


def csrf_of(page: str) -> str:
    """The CSRF token a console page put into its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, token: str, next_path: str | None = None):
    """Sign in as a browser does: open the sign-in page, post its form with the token."""
    form = {"token": token, "csrf_token": csrf_of(client.get("/login").text)}
    if next_path is not None:
        form["next"] = next_path
    return client.post("/login", data=form, follow_redirects=False)


def now_iso() -> str:
    return utcnow().isoformat()
