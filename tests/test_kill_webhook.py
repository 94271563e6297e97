"""The server SIGKILLed three times while integrations post to the webhook, on SQLite and
PostgreSQL: every acknowledged record is stored once, and every stored batch has its
`signals.received` event (the signals and their event commit in one transaction)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import select

from learnloop.config import Settings
from learnloop.domain.events import EventKind
from learnloop.store.tables import Event, Signal
from learnloop.workspace import Workspace
from load_support import Server, create_token, signal_batch
from server_support import kill_while_posting

KILLS = 3
POSTERS = 8
BATCH = 3  # ids per post


def _post_until(stop: threading.Event, server: Server, secret: str, poster: int,
                acknowledged: list[str], refused: list[str]) -> None:
    """Post batches of new ids until told to stop; remember the ids a 200 acknowledged and any
    answer other than 200 or a busy 503."""
    sent = 0
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            ids = [f"p{poster}-{sent}-{n}" for n in range(BATCH)]
            sent += 1
            try:
                response = client.post(f"{server.base}/api/signals", json=signal_batch(*ids),
                                       headers={"Authorization": f"Bearer {secret}"})
            except httpx.TransportError:
                time.sleep(0.05)  # the server is down: try the next batch when it is back
                continue
            if response.status_code == 200:
                acknowledged.extend(ids)
            elif response.status_code != 503:
                refused.append(f"{response.status_code} {response.text[:200]}")


def test_sigkill_during_webhook_traffic_loses_no_acknowledged_record_or_event(
        tmp_path: Path, database_url: str) -> None:
    home = tmp_path / "home"
    secret = create_token(home, database_url=database_url, role="integration")
    server = Server(home=home, database_url=database_url)
    server.start()
    stop = threading.Event()
    acknowledged: list[list[str]] = [[] for _ in range(POSTERS)]
    refused: list[str] = []
    posters = [threading.Thread(target=_post_until,
                                args=(stop, server, secret, n, acknowledged[n], refused))
               for n in range(POSTERS)]
    kill_while_posting(server, posters, stop, kills=KILLS)

    workspace = Workspace.open(Settings(home=tmp_path / "reader", database_url=database_url))
    try:
        with workspace.session() as session:
            stored = Counter(session.scalars(select(Signal.key)))
            received = session.scalars(select(Event.payload)
                                       .where(Event.kind == EventKind.SIGNALS_RECEIVED)).all()
    finally:
        workspace.close()
    every = [key for keys in acknowledged for key in keys]
    assert len(every) > 0 and refused == []
    assert set(every) <= set(stored) and set(stored.values()) == {1}
    # every batch the database holds (acknowledged or not) has its one event
    assert len(stored) == BATCH * len(received)
    assert all(payload["created"] == BATCH for payload in received)
