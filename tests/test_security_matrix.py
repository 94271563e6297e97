"""Every route × every caller: the six roles, no token and a bad token, against one table.

The routes come from the OpenAPI document (the API) and the app's console pages; a route with no
entry in EXPECTED fails the suite, so each new route states who may call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from analytics_support import add_sample_intervention
from api_support import (
    api_client,
    bearer,
    build_org,
    csrf_of,
    flat_routes,
    private_workspace,
    secret_for,
    sign_in,
)
from content_support import add_sample_pack
from database_support import database_url_of
from delivery_support import add_matrix_deliveries
from sensing_support import add_sample_detection, add_sample_need

ROLES = ("admin", "ld", "reviewer", "manager", "learner", "integration")
CALLERS = (*ROLES, "no token", "bad token")
PERSON_OF = {"manager": "mia", "learner": "leo"}  # leo reports to mia
BAD_TOKEN = "ll_this-token-was-never-issued-by-this-server-00"

# what a caller is answered: OK is any 2xx or 3xx (a console page may redirect, e.g. to /me);
# SIGN_IN is the console's redirect to its sign-in page
OK, SIGN_IN = "ok", "sign-in"


def _admits(*roles: str, anonymous: str = "401") -> dict[str, str]:
    """Admitted roles get OK, the other roles 403, no token or a bad one `anonymous`."""
    answers = {role: OK if role in roles else "403" for role in ROLES}
    return {**answers, "no token": anonymous, "bad token": anonymous}


def _everyone(*, no_token: str = OK, bad_token: str = OK) -> dict[str, str]:
    return {**{role: OK for role in ROLES}, "no token": no_token, "bad token": bad_token}


def _lrs_clients_only() -> dict[str, str]:
    return dict.fromkeys(CALLERS, "401")


def _page(*roles: str) -> dict[str, str]:
    return _admits(*roles, anonymous=SIGN_IN)


EXPECTED: dict[str, dict[str, str]] = {
    # the API (docs/api.md has the same table)
    "GET /api/health": _everyone(),
    "GET /api/status": _admits("admin", "ld"),
    "GET /api/people": _admits("admin", "ld", "manager"),
    "GET /api/people/{key}": _admits("admin", "ld", "manager", "learner"),
    "GET /api/people/{key}/detections": _admits("admin", "ld", "manager", "learner"),
    "GET /api/people/{key}/export": _admits("admin"),
    "POST /api/people/{key}/erase": _admits("admin"),
    "GET /api/teams": _admits("admin", "ld", "manager"),
    "GET /api/skills": _admits("admin", "ld", "reviewer", "manager"),
    "GET /api/roles": _admits("admin", "ld", "reviewer", "manager"),
    "GET /api/objectives": _admits("admin", "ld"),
    "POST /api/imports/{kind}": _admits("admin", "ld", "integration"),
    "POST /api/signals": _admits("admin", "integration"),
    "GET /api/events": _admits("admin", "ld"),
    "GET /api/detections": _admits("admin", "ld"),
    "GET /api/detections/{detection_id}": _admits("admin", "ld"),
    "GET /api/needs": _admits("admin", "ld"),
    "GET /api/needs/{need_id}": _admits("admin", "ld"),
    "POST /api/needs/{need_id}/status": _admits("admin", "ld"),
    "GET /api/priorities": _admits("admin", "ld"),
    "GET /api/priorities/history": _admits("admin", "ld"),
    "PATCH /api/priorities/{objective_key}": _admits("admin", "ld"),
    "POST /api/loop/run": _admits("admin", "ld"),
    "GET /api/jobs/{job_id}": _admits("admin", "ld", "integration"),
    "GET /api/interventions": _admits("admin", "ld"),
    "GET /api/interventions/{intervention_id}/impact": _admits("admin", "ld"),
    "GET /api/reports/summary": _admits("admin", "ld"),
    "GET /api/reports/fairness": _admits("admin", "ld"),
    "GET /api/tokens": _admits("admin"),
    "POST /api/tokens": _admits("admin"),
    "DELETE /api/tokens/{token_id}": _admits("admin"),
    "GET /api/content/packs": _admits("admin", "ld", "reviewer"),
    "POST /api/content/packs": _admits("admin", "ld"),
    "GET /api/content/packs/{pack_id}": _admits("admin", "ld", "reviewer"),
    "GET /api/content/packs/{pack_id}/export/{format}": _admits("admin", "ld", "reviewer"),
    "PUT /api/content/packs/{pack_id}/modality": _admits("admin", "ld"),
    "GET /api/content/components": _admits("admin", "ld", "reviewer"),
    "POST /api/content/check": _admits("admin", "ld", "reviewer"),
    "GET /api/reviews": _admits("admin", "ld", "reviewer"),
    "GET /api/reviews/times": _admits("admin", "ld"),
    "GET /api/reviews/{component_id}": _admits("admin", "ld", "reviewer"),
    "POST /api/reviews/{component_id}/approve": _admits("admin", "ld", "reviewer"),
    "POST /api/reviews/{component_id}/request-changes": _admits("admin", "ld", "reviewer"),
    "POST /api/reviews/{component_id}/comments": _admits("admin", "ld", "reviewer"),
    "POST /api/reviews/{component_id}/submit": _admits("admin", "ld"),
    "POST /api/reviews/{component_id}/publish": _admits("admin", "ld"),
    "POST /api/reviews/{component_id}/retire": _admits("admin", "ld"),
    # the delivery agent: a person's own inbox (a manager finds no item of leo's: 404) …
    "GET /api/inbox": _admits("learner", "manager"),
    "GET /api/inbox/reviews": _admits("learner", "manager"),
    "GET /api/inbox/preferences": _admits("learner", "manager"),
    "PUT /api/inbox/preferences": _admits("learner", "manager"),
    "POST /api/practice": {**_admits("learner", "manager"), "manager": "404"},
    "GET /api/practice/{attempt_id}": {**_admits("learner", "manager"), "manager": "404"},
    "POST /api/practice/{attempt_id}/turns": {**_admits("learner", "manager"), "manager": "404"},
    "POST /api/practice/{attempt_id}/finish": {**_admits("learner", "manager"),
                                               "manager": "404"},
    "POST /api/inbox/reviews/{item_id}": {**_admits("learner", "manager"), "manager": "404"},
    "POST /api/inbox/{delivery_id}/{action}": {**_admits("learner", "manager"),
                                               "manager": "404"},
    # … and the outbox, plans and rules for staff
    "GET /api/deliveries": _admits("admin", "ld"),
    "GET /api/deliveries/channels": _admits("admin", "ld"),
    "GET /api/deliveries/dead-letter": _admits("admin", "ld"),
    "POST /api/deliveries/{delivery_id}/replay": _admits("admin"),
    "GET /api/delivery-plans": _admits("admin", "ld"),
    "POST /api/delivery-plans": _admits("admin", "ld"),
    "GET /api/delivery-plans/{key}": _admits("admin", "ld"),
    "GET /api/delivery-plans/{key}/status": _admits("admin", "ld"),
    "PATCH /api/delivery-plans/{key}": _admits("admin", "ld"),
    # the first caller approves the plan; the second finds it approved already
    "POST /api/delivery-plans/{key}/approve": {**_admits("admin", "ld"), "ld": "409"},
    "POST /api/delivery-plans/{key}/send": _admits("admin", "ld"),
    "GET /api/delivery-rules": _admits("admin", "ld"),
    "POST /api/delivery-rules": _admits("admin", "ld"),
    # the console
    "GET /static/plotly.min.js": _everyone(),
    "GET /login": _everyone(),
    # posts the sign-in form with the caller's token (none: an empty field)
    "POST /login": _everyone(no_token="422", bad_token="401"),
    "POST /logout": dict.fromkeys(CALLERS, SIGN_IN),  # signed out, back to sign-in
    # managers and learners are sent on to /me; a reviewer or integration has no pages
    "GET /": _page("admin", "ld", "manager", "learner"),
    "GET /people": _page("admin", "ld", "manager"),
    "GET /me": _page("manager", "learner"),  # admin and ld tokens belong to no person
    "GET /people/{key}": _page("admin", "ld", "manager", "learner"),
    "GET /events": _page("admin", "ld"),
    "GET /detections": _page("admin", "ld"),
    "GET /detections/{detection_id}": _page("admin", "ld"),
    "GET /content": _page("admin", "ld", "reviewer"),
    "GET /content/packs/{pack_id}": _page("admin", "ld", "reviewer"),
    "GET /impact": _page("admin", "ld"),
    "GET /impact/{intervention_id}": _page("admin", "ld"),
    "GET /impact/{intervention_id}/numbers.csv": _page("admin", "ld"),
    "GET /impact/{intervention_id}/report.pdf": _page("admin", "ld"),
    "GET /fairness": _page("admin", "ld"),  # the only page that reads demographics
    "GET /skills": _page("admin", "ld"),
    "GET /needs": _page("admin", "ld"),
    "GET /needs/{need_id}": _page("admin", "ld"),
    "POST /needs/{need_id}/status": _page("admin", "ld"),
    "GET /priorities": _page("admin", "ld"),
    "POST /priorities/{objective_key}": _page("admin", "ld"),
    "GET /reviews": _page("admin", "ld", "reviewer"),
    "GET /reviews/{component_id}": _page("admin", "ld", "reviewer"),
    "POST /reviews/{component_id}": _page("admin", "ld", "reviewer"),
    "GET /inbox": _page("learner", "manager"),
    "GET /practice/{attempt_id}": {**_page("learner", "manager"), "manager": "404"},
    "POST /practice": dict.fromkeys(CALLERS, SIGN_IN),
    "POST /practice/{attempt_id}/turns": dict.fromkeys(CALLERS, SIGN_IN),
    "POST /practice/{attempt_id}/finish": dict.fromkeys(CALLERS, SIGN_IN),
    # console forms need a signed-in browser: a form posted without one goes to sign-in
    "POST /inbox/{delivery_id}/{action}": dict.fromkeys(CALLERS, SIGN_IN),
    "POST /inbox/reviews/{item_id}": dict.fromkeys(CALLERS, SIGN_IN),
    # a signed link from a message is its own authority: anyone holding it may use it
    "GET /inbox/links/{token}": _everyone(),
    "POST /inbox/links/{token}": _everyone(),
    "GET /deliveries/plans": _page("admin", "ld"),
    "GET /deliveries/plans/{key}": _page("admin", "ld"),
    "POST /deliveries/plans/{key}/approve": dict.fromkeys(CALLERS, SIGN_IN),
    "POST /deliveries/plans/{key}/adjust": dict.fromkeys(CALLERS, SIGN_IN),
    "GET /deliveries/channels": _page("admin", "ld"),
    "GET /deliveries/dead-letter": _page("admin", "ld"),
    "POST /deliveries/dead-letter/{delivery_id}/replay": dict.fromkeys(CALLERS, SIGN_IN),
    "GET /lrs": _page("admin"),
    # the xAPI LRS: only LRS clients' HTTP Basic credentials open it, never an API token or a
    # console session (tests/test_xapi_scopes.py checks each route against the xAPI scopes)
    "GET /xapi/about": _everyone(),
    **{f"{method} /xapi/{path}": _lrs_clients_only()
       for path in ("statements", "activities/state", "activities/profile", "agents/profile")
       for method in ("GET", "PUT", "POST", *(("DELETE",) if path != "statements" else ()))},
    "GET /xapi/activities": _lrs_clients_only(),
    "GET /xapi/agents": _lrs_clients_only(),
}

SIGNALS_CSV = ("id,metric,subject_type,subject,observed_at,value,source\n"
               "m1,renewal_rate,team,sales,2025-01-01,90,crm\n")


@dataclass
class Call:
    """How to call one route: path values, query, body; `form` routes post the console's form."""

    path_values: dict[str, Any] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    files: dict[str, Any] | None = None
    form: bool = False
    # a console form posted by a signed-in browser: the caller signs in with its token first
    signed_in: dict[str, str] | None = None


def _calls(throwaway_token_id: int, job_id: str, detection_id: int = 1,
           pack_id: int = 1, need_id: int = 1,
           review: dict[str, int] | None = None,
           intervention_id: int = 1,
           delivery: dict[str, Any] | None = None) -> dict[str, Call]:
    review = review or {}
    delivery = delivery or {"sent": 1, "dead": 1, "review": 1, "token": "x", "talk": 1,
                            "end": 1}
    impact = Call({"intervention_id": intervention_id})
    return {
        **{f"POST /api/reviews/{{component_id}}/{action}": Call(
            {"component_id": review.get(action, 1)},
            json={"note": "matrix"} if action in ("approve", "request-changes")
            else {"text": "matrix"} if action == "comments" else {})
           for action in ("approve", "request-changes", "comments", "submit", "publish",
                          "retire")},
        "GET /api/reviews/{component_id}": Call({"component_id": review.get("approve", 1)}),
        "GET /reviews/{component_id}": Call({"component_id": review.get("approve", 1)}),
        "POST /reviews/{component_id}": Call({"component_id": review.get("console", 1)},
                                             signed_in={"action": "comment", "note": "matrix"}),
        "POST /api/content/packs": Call(json={"source": "refunds-and-credits-policy"}),
        "POST /api/content/check": Call(json={"source": "refunds-and-credits-policy",
                                              "text": "Credits appear on the next invoice."}),
        "GET /api/content/packs/{pack_id}": Call({"pack_id": pack_id}),
        "GET /api/content/packs/{pack_id}/export/{format}": Call(
            {"pack_id": pack_id, "format": "scorm"}, params={"unpublished": "true"}),
        "PUT /api/content/packs/{pack_id}/modality": Call(
            {"pack_id": pack_id}, json={"mix": ["practice"], "reason": "matrix"}),
        "GET /content/packs/{pack_id}": Call({"pack_id": pack_id}),
        "GET /api/interventions/{intervention_id}/impact": impact,
        "GET /impact/{intervention_id}": impact,
        "GET /impact/{intervention_id}/numbers.csv": impact,
        "GET /impact/{intervention_id}/report.pdf": impact,
        "POST /api/practice": Call(json={"delivery_id": delivery["sent"]}),
        "GET /api/practice/{attempt_id}": Call({"attempt_id": delivery["talk"]}),
        "POST /api/practice/{attempt_id}/turns": Call({"attempt_id": delivery["talk"]},
                                                      json={"text": "What changed?"}),
        "POST /api/practice/{attempt_id}/finish": Call({"attempt_id": delivery["end"]}),
        "GET /practice/{attempt_id}": Call({"attempt_id": delivery["talk"]}),
        "POST /practice": Call(form=True),
        "POST /practice/{attempt_id}/turns": Call({"attempt_id": delivery["talk"]}, form=True),
        "POST /practice/{attempt_id}/finish": Call({"attempt_id": delivery["end"]}, form=True),
        # the same decision again by a second caller changes nothing (a retry is harmless)
        "GET /api/needs/{need_id}": Call({"need_id": need_id}),
        "GET /needs/{need_id}": Call({"need_id": need_id}),
        "POST /api/needs/{need_id}/status": Call({"need_id": need_id},
                                                 json={"status": "accepted"}),
        "POST /needs/{need_id}/status": Call({"need_id": need_id},
                                             signed_in={"status": "accepted"}),
        "PATCH /api/priorities/{objective_key}": Call({"objective_key": "renewals"},
                                                      json={"weight": 0.7}),
        "POST /priorities/{objective_key}": Call({"objective_key": "renewals"},
                                                 signed_in={"priority": "yes", "weight": "0.7"}),
        "POST /api/inbox/reviews/{item_id}": Call({"item_id": delivery["review"]},
                                                  json={"rating": "good"}),
        "POST /api/inbox/{delivery_id}/{action}": Call(
            {"delivery_id": delivery["sent"], "action": "rate"}, json={"rating": 4}),
        "POST /api/deliveries/{delivery_id}/replay": Call({"delivery_id": delivery["dead"]}),
        "PUT /api/inbox/preferences": Call(json={"channels": ["inbox"], "weekly_cap": 2}),
        "POST /api/delivery-plans": Call(json={"need": "matrix-need", "holdout": 0.3}),
        "GET /api/delivery-plans/{key}": Call({"key": "draft-plan"}),
        "GET /api/delivery-plans/{key}/status": Call({"key": "draft-plan"}),
        "PATCH /api/delivery-plans/{key}": Call({"key": "draft-plan"}, json={"seed": 7}),
        "POST /api/delivery-plans/{key}/approve": Call({"key": "approve-plan"}),
        "POST /api/delivery-plans/{key}/send": Call({"key": "send-plan"}),
        "POST /api/delivery-rules": Call(json={"key": "r1", "metric": "csat",
                                               "trigger": "below", "threshold": 3,
                                               "title": "A tough call?"}),
        "POST /inbox/{delivery_id}/{action}": Call(
            {"delivery_id": delivery["sent"], "action": "complete"}, form=True),
        "POST /inbox/reviews/{item_id}": Call({"item_id": delivery["review"]}, form=True),
        "GET /inbox/links/{token}": Call({"token": delivery["token"]}),
        "POST /inbox/links/{token}": Call({"token": delivery["token"]}, form=True),
        "GET /deliveries/plans/{key}": Call({"key": "draft-plan"}),
        "POST /deliveries/plans/{key}/approve": Call({"key": "draft-plan"}, form=True),
        "POST /deliveries/plans/{key}/adjust": Call({"key": "draft-plan"}, form=True),
        "POST /deliveries/dead-letter/{delivery_id}/replay": Call(
            {"delivery_id": delivery["dead"]}, form=True),
        "GET /api/detections/{detection_id}": Call({"detection_id": detection_id}),
        "GET /detections/{detection_id}": Call({"detection_id": detection_id}),
        "GET /api/people/{key}": Call({"key": "leo"}),
        "GET /people/{key}": Call({"key": "leo"}),
        "GET /api/people/{key}/detections": Call({"key": "leo"}),
        "GET /api/people/{key}/export": Call({"key": "leo"}),
        # the only admitted caller erases ola, whom no other route of the table needs
        "POST /api/people/{key}/erase": Call({"key": "ola"}),
        "POST /api/imports/{kind}": Call({"kind": "signals"}, params={"dry_run": "true"},
                                         files={"file": ("signals.csv", SIGNALS_CSV)}),
        "POST /api/signals": Call(json={"signals": []}),
        "GET /api/jobs/{job_id}": Call({"job_id": job_id}),
        "POST /api/tokens": Call(json={"role": "integration", "name": "matrix"}),
        "DELETE /api/tokens/{token_id}": Call({"token_id": throwaway_token_id}),
        "POST /login": Call(form=True),
        "POST /logout": Call(form=True),
    }


def _review_components(workspace, pack_id: int) -> dict[str, int]:  # noqa: ANN001
    """A component of the sample pack for each review route, in the state its callers need:
    in review (approve, request changes), approved (publish), draft (the rest)."""
    from learnloop.governance import reviews
    from learnloop.governance.policy_file import load_policy
    from learnloop.store.content import pack

    policy = load_policy()
    with workspace.session() as session:
        org = workspace.organisation(session).id
        ids = [item.id for item in pack(session, organisation_id=org, pack_id=pack_id).components]
        chosen = dict(zip(("approve", "request-changes", "publish", "submit", "retire",
                           "comments", "console"), ids, strict=False))
        act = lambda action, key, actor, role: getattr(reviews, action)(  # noqa: E731
            session, organisation_id=org, component_id=chosen[key], actor=actor, role=role,
            policy=policy)
        for key in ("approve", "request-changes", "publish"):
            act("submit", key, "matrix:lee", "ld")
        act("approve", "publish", "matrix:sam", "reviewer")
        act("approve", "publish", "matrix:lee", "ld")
    return chosen


def _routes(client: TestClient) -> set[str]:
    """Every operation: the API's from the OpenAPI document, the console's from the app."""
    document = client.get("/openapi.json").json()
    found = {f"{method.upper()} {path}" for path, operations in document["paths"].items()
             for method in operations}
    for route in flat_routes(client.app.routes):
        if isinstance(route, APIRoute) and not route.include_in_schema:
            found |= {f"{method} {route.path}" for method in route.methods - {"HEAD"}}
    return found


def _answer_class(response) -> str:
    status = response.status_code
    if status == 303 and response.headers["location"].startswith("/login"):
        return SIGN_IN
    return OK if 200 <= status < 400 else str(status)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def organisation(request, tmp_path_factory) -> dict[str, Any]:
    url = database_url_of(request)
    workspace = private_workspace(tmp_path_factory.mktemp("matrix") / "home", url)
    build_org(workspace)
    detection_id = add_sample_detection(workspace)
    pack_id = add_sample_pack(workspace)
    intervention_id = add_sample_intervention(workspace, ["leo", "mia", "max", "ola"])
    delivery = add_matrix_deliveries(workspace)
    need_id = add_sample_need(workspace)
    review = _review_components(workspace, pack_id)
    secrets = {role: secret_for(workspace, role, PERSON_OF.get(role)) for role in ROLES}
    client = api_client(workspace)
    admin = bearer(secrets["admin"])
    job_id = client.post("/api/loop/run", headers=admin).json()["job_id"]
    throwaway = client.post("/api/tokens", headers=admin, json={"role": "integration"}).json()
    yield {"workspace": workspace, "secrets": secrets, "app": client.app, "job_id": job_id,
           "throwaway": throwaway["id"], "detection_id": detection_id, "pack_id": pack_id,
           "need_id": need_id, "review": review, "intervention_id": intervention_id,
           "delivery": delivery}
    workspace.close()


def test_every_route_has_an_entry_in_the_table(organisation) -> None:
    found = _routes(TestClient(organisation["app"]))
    assert found - EXPECTED.keys() == set(), "new routes: say in EXPECTED who may call them"
    assert EXPECTED.keys() - found == set(), "EXPECTED names routes the app no longer has"


@pytest.mark.parametrize("operation", sorted(EXPECTED))
def test_each_caller_gets_the_answer_the_table_states(organisation, operation) -> None:
    method, path = operation.split(" ", 1)
    call = _calls(organisation["throwaway"], organisation["job_id"],
                  organisation["detection_id"], organisation["pack_id"],
                  organisation["need_id"], organisation["review"],
                  organisation["intervention_id"], organisation["delivery"]).get(operation,
                                                                                Call())
    url = path.format(**call.path_values)
    got = {}
    for caller in CALLERS:
        secret = organisation["secrets"].get(caller, BAD_TOKEN if caller == "bad token" else "")
        client = TestClient(organisation["app"], raise_server_exceptions=False)
        headers = bearer(secret) if secret and not (call.form or call.signed_in) else {}
        data = None
        if call.form:
            data = {"csrf_token": csrf_of(client.get("/login").text), "token": secret}
        if call.signed_in is not None:
            if secret:
                sign_in(client, secret)
            data = {**call.signed_in, "csrf_token": csrf_of(client.get("/login").text)}
        response = client.request(method, url, headers=headers, params=call.params,
                                  json=call.json, files=call.files, data=data,
                                  follow_redirects=False)
        got[caller] = _answer_class(response)
    assert got == EXPECTED[operation]
