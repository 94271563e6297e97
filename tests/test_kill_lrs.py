"""The server SIGKILLed three times while LRS clients post statements, on SQLite and
PostgreSQL: every statement acknowledged with 200 is stored exactly once, and a batch is whole
or absent (its statements commit in one transaction)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from load_support import Server, create_lrs_client, stored_statement_ids
from server_support import kill_while_posting
from xapi_support import statement

KILLS = 3
POSTERS = 8
BATCH = 5  # statements per post


def _post_until(stop: threading.Event, server: Server, headers: dict[str, str],
                acknowledged: list[str], refused: list[str]) -> None:
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            batch = [statement(learner=n) for n in range(BATCH)]
            try:
                response = client.post(f"{server.base}/xapi/statements", json=batch,
                                       headers=headers)
            except httpx.TransportError:
                time.sleep(0.05)  # the server is down: send a new batch when it is back
                continue
            if response.status_code == 200:
                assert response.json() == [item["id"] for item in batch]
                acknowledged.extend(item["id"] for item in batch)
            elif response.status_code != 503:
                refused.append(f"{response.status_code} {response.text[:200]}")


def test_sigkill_during_statement_posts_loses_no_acknowledged_statement(
        tmp_path: Path, database_url: str) -> None:
    home = tmp_path / "home"
    headers = create_lrs_client(home, database_url)
    server = Server(home=home, database_url=database_url)
    server.start()
    stop = threading.Event()
    acknowledged: list[list[str]] = [[] for _ in range(POSTERS)]
    refused: list[str] = []
    posters = [threading.Thread(target=_post_until,
                                args=(stop, server, headers, acknowledged[n], refused))
               for n in range(POSTERS)]
    kill_while_posting(server, posters, stop, kills=KILLS)

    stored = stored_statement_ids(tmp_path / "reader", database_url)
    every = [key for keys in acknowledged for key in keys]
    assert len(every) > 0 and refused == []
    assert set(every) <= set(stored), "an acknowledged statement was lost"
    assert set(stored.values()) == {1}, "a statement was stored twice"
    assert len(stored) % BATCH == 0, "a batch was stored in part"
