"""GET /api/detections a page at a time: newest detected first, a cursor that names the last
detection listed, so pages neither repeat nor skip when detections are raised in between."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api_support import api_client, bearer, secret_for
from learnloop.domain.sensing import Cause, Diagnosis
from learnloop.domain.sensing.teams import Detection
from learnloop.domain.signals import SubjectType
from learnloop.store.detections import add_detection
from learnloop.workspace import Workspace


def _detect(workspace: Workspace, *, team: str, detected_at: date,
            metric: str = "renewal_rate") -> int:
    detection = Detection(
        subject_type=SubjectType.TEAM, subject_key=team, metric=metric, direction="dip",
        baseline_level=90.0, baseline_sd=1.5, baseline_from=date(2025, 1, 6),
        baseline_to=date(2025, 3, 31), observed_level=84.0, effect=-6.0, effect_sd=4.0,
        confidence=0.99, change_start=detected_at - timedelta(weeks=1), detected_at=detected_at,
        statistic=5.0, change_week=0, detected_week=1)
    diagnosis = Diagnosis(cause=Cause.UNKNOWN, reason="Not known.", skill=None, moved=(),
                          steady=(), dip_below=float("nan"), dip_proficient=float("nan"),
                          split_z=float("nan"))
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        return add_detection(session, organisation_id=organisation.id, detection=detection,
                             diagnosis=diagnosis, evidence={"nearby_changes": []},
                             created_at=datetime(2025, 5, 1, tzinfo=UTC)).id


def _pages(client, secret: str, *, limit: int) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        answer = client.get("/api/detections", params=params, headers=bearer(secret))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["limit"] == limit
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_pages_list_every_detection_once_newest_first(workspace: Workspace) -> None:
    monday = date(2025, 4, 14)
    for week, teams in enumerate((["sales", "ops"], ["ops", "hr", "sales"], ["it"])):
        for team in teams:
            _detect(workspace, team=team, detected_at=monday + timedelta(weeks=week))
    _detect(workspace, team="ops", detected_at=monday, metric="churn")
    secret = secret_for(workspace, "ld")
    with api_client(workspace) as client:
        whole = client.get("/api/detections", headers=bearer(secret)).json()
        pages = _pages(client, secret, limit=2)
    assert whole["next_cursor"] is None and len(whole["items"]) == 7
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    listed = [(d["detected_at"], d["team"], d["metric"]) for page in pages for d in page]
    assert listed == [(d["detected_at"], d["team"], d["metric"]) for d in whole["items"]]
    assert listed[0] == ("2025-04-28", "it", "renewal_rate")
    assert listed[-3:] == [("2025-04-14", "ops", "churn"), ("2025-04-14", "ops", "renewal_rate"),
                           ("2025-04-14", "sales", "renewal_rate")]


def test_a_detection_raised_between_pages_shifts_nothing(workspace: Workspace) -> None:
    for team in ("a", "b", "c", "d"):
        _detect(workspace, team=team, detected_at=date(2025, 4, 14))
    secret = secret_for(workspace, "ld")
    with api_client(workspace) as client:
        first = client.get("/api/detections", params={"limit": 2},
                           headers=bearer(secret)).json()
        _detect(workspace, team="0-new", detected_at=date(2025, 5, 5))   # before the cursor
        second = client.get("/api/detections", params={"limit": 2, "cursor": first["next_cursor"]},
                            headers=bearer(secret)).json()
    assert [d["team"] for d in first["items"]] == ["a", "b"]
    assert [d["team"] for d in second["items"]] == ["c", "d"]
    assert second["next_cursor"] is None


def test_a_made_up_cursor_or_limit_is_refused(sqlite_workspace: Workspace) -> None:
    secret = secret_for(sqlite_workspace, "ld")
    with api_client(sqlite_workspace) as client:
        for params in ({"cursor": "bm90LWEtY3Vyc29y"}, {"cursor": "!!"}, {"limit": 0},
                       {"limit": 501}):
            answer = client.get("/api/detections", params=params, headers=bearer(secret))
            assert answer.status_code == 422, params
        answer = client.get("/api/detections", params={"cursor": "e30"}, headers=bearer(secret))
    assert answer.status_code == 422
    assert "cursor" in answer.text
