"""A busy integration against a real server process, on SQLite and PostgreSQL: 200 writers at once
(webhook posts and file uploads) get no 5xx, nothing acknowledged is lost or doubled, and reads
keep answering meanwhile; 50 posts of the same id each account for their record."""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from learnloop.config import Settings
from learnloop.domain.events import EventKind
from learnloop.store.tables import Event, Signal
from learnloop.workspace import Workspace
from load_support import Outcome, create_token, crowd, send, serving, signal_batch, signals_csv

WRITERS = 200
UPLOADS = 40  # of the writers; the rest post to the webhook


def _stored(tmp_path: Path, database_url: str) -> tuple[Counter[str], int]:
    """Every stored signal key with how often it is stored, and the signals.received events."""
    workspace = Workspace.open(Settings(home=tmp_path / "reader", database_url=database_url))
    try:
        with workspace.session() as session:
            keys = Counter(session.scalars(select(Signal.key)))
            events = session.scalar(select(func.count()).select_from(Event)
                                    .where(Event.kind == EventKind.SIGNALS_RECEIVED))
    finally:
        workspace.close()
    return keys, events or 0


def _post(base: str, secret: str, *ids: str, client: httpx.Client) -> Outcome:
    return send(client, "POST", f"{base}/api/signals", json=signal_batch(*ids),
                headers={"Authorization": f"Bearer {secret}"})


def _upload(base: str, secret: str, *ids: str, client: httpx.Client) -> Outcome:
    return send(client, "POST", f"{base}/api/imports/signals",
                files={"file": ("kpis.csv", signals_csv(*ids), "text/csv")},
                headers={"Authorization": f"Bearer {secret}"})


def _read(base: str, secret: str, path: str, *, client: httpx.Client) -> Outcome:
    return send(client, "GET", f"{base}{path}", headers={"Authorization": f"Bearer {secret}"})


def test_two_hundred_concurrent_writers_get_no_5xx_and_lose_or_double_nothing(
        tmp_path: Path, database_url: str) -> None:
    home = tmp_path / "home"
    writer = create_token(home, database_url=database_url, role="integration")
    reader = create_token(home, database_url=database_url, role="ld")
    with serving(home, database_url=database_url) as server:
        writes = [partial(_upload, server.base, writer, f"u{n}-a", f"u{n}-b") if n < UPLOADS
                  else partial(_post, server.base, writer, f"w{n}-a", f"w{n}-b")
                  for n in range(WRITERS)]
        reads = [partial(_read, server.base, reader, path)
                 for path in ("/api/health", "/api/status", "/api/events?limit=5") * 4]
        outcomes = crowd(writes + reads)
    written, read = outcomes[:WRITERS], outcomes[WRITERS:]

    statuses = Counter(outcome.status for outcome in outcomes)
    assert statuses == {200: WRITERS + len(reads)}, (statuses, server.log())
    assert max(outcome.seconds for outcome in read) < 15, [o.seconds for o in read]
    assert all(outcome.body["created"] == 2 for outcome in written)
    keys, events = _stored(tmp_path, database_url)
    acknowledged = {f"{'u' if n < UPLOADS else 'w'}{n}-{end}" for n in range(WRITERS)
                    for end in "ab"}
    assert set(keys) == acknowledged and set(keys.values()) == {1}
    assert events == WRITERS - UPLOADS  # one per webhook batch


def test_concurrent_posts_of_one_id_each_account_for_their_record(
        tmp_path: Path, database_url: str) -> None:
    home = tmp_path / "home"
    writer = create_token(home, database_url=database_url, role="integration")
    with serving(home, database_url=database_url) as server:
        outcomes = crowd([partial(_post, server.base, writer, "same") for _ in range(50)])
    assert Counter(outcome.status for outcome in outcomes) == {200: 50}, server.log()
    for outcome in outcomes:
        counts = outcome.body
        assert counts["created"] + counts["updated"] + counts["unchanged"] == counts["received"]
    assert sum(outcome.body["created"] for outcome in outcomes) == 1
    assert sum(outcome.body["unchanged"] for outcome in outcomes) == 49
    keys, _events = _stored(tmp_path, database_url)
    assert keys == {"same": 1}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_server_past_its_queue_answers_503_with_retry_after_at_once(
        tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # one write at a time and nobody may wait: the rest of a crowd is turned away quickly
    monkeypatch.setenv("LEARNLOOP_CONCURRENT_WRITES", "1")
    monkeypatch.setenv("LEARNLOOP_WAITING_REQUESTS", "0")
    home = tmp_path / "home"
    writer = create_token(home, database_url=database_url, role="integration")
    with serving(home, database_url=database_url) as server:
        outcomes = crowd([partial(_post, server.base, writer, f"x{n}") for n in range(40)])
    statuses = Counter(outcome.status for outcome in outcomes)
    assert set(statuses) <= {200, 503} and statuses[503] > 0, statuses
    for refused in (outcome for outcome in outcomes if outcome.status == 503):
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.body["error"]["type"] == "service_unavailable"
        assert refused.seconds < 5
    keys, _events = _stored(tmp_path, database_url)
    assert len(keys) == statuses[200]
