"""A `learnloop worker` SIGKILLed while its peer holds the message: the next worker settles the
open attempt at start and the message is not delivered a second time. SMTP cannot drop a repeat,
so the delivery is left in doubt for an admin; the webhook peer drops a repeated Idempotency-Key,
so it is resent with the same key and still arrives once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from delivery_peers import SmtpPeer, WebhookPeer
from delivery_support import MESSAGE, WHY, delivery_workspace, status_of, wait_for
from learnloop.delivery.outbox import Addressed, queue_messages
from learnloop.jobs import JobQueue


def _start_worker(home: Path, **settings: str) -> subprocess.Popen:
    env = {**os.environ, "LEARNLOOP_HOME": str(home),
           "LEARNLOOP_SECRET_KEY": "test-secret-key-for-links",
           **{f"LEARNLOOP_{name.upper()}": value for name, value in settings.items()}}
    log = (home.parent / "worker.log").open("a")
    process = subprocess.Popen([sys.executable, "-m", "learnloop.cli", "worker", "--workers", "1"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return process


def _queue_one(workspace, key: str) -> int:
    jobs = JobQueue(workspace)
    with workspace.session() as session:
        org = workspace.organisation(session)
        found = queue_messages(session, organisation_id=org.id, settings=workspace.settings,
                               kind="nudge", messages=[Addressed(person_key="leo", key=key,
                                                                 message=MESSAGE, why=WHY)])
        jobs.enqueue_deliveries(session, found)
    return found[0][0]


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_a_worker_killed_mid_smtp_send_does_not_send_twice(tmp_path) -> None:
    home = tmp_path / "home"
    with SmtpPeer() as peer:
        settings = {"smtp_host": "127.0.0.1", "smtp_port": str(peer.port)}
        workspace = delivery_workspace(home, smtp_host="127.0.0.1", smtp_port=peer.port)
        peer.script.answers = ["hang"]
        delivery_id = _queue_one(workspace, "kill-smtp")
        first = _start_worker(home, **settings)
        try:
            assert peer.script.received.wait(60), (home.parent / "worker.log").read_text()
            assert status_of(workspace, delivery_id).status == "sending"
            _kill(first)
        finally:
            if first.poll() is None:
                _kill(first)
        second = _start_worker(home, **settings)
        try:
            assert wait_for(lambda: status_of(workspace, delivery_id).status == "in_doubt",
                            seconds=60), (home.parent / "worker.log").read_text()
            time.sleep(1.5)  # a worker that wrongly resent would have done so by now
        finally:
            second.terminate()
            second.wait(timeout=60)
        assert len(peer.in_doubt) == 1 and peer.messages == []  # the peer saw it once
        found = status_of(workspace, delivery_id)
        assert (found.status, found.attempts) == ("in_doubt", 1)
        assert "stopped mid-send" in found.last_error
        workspace.close()


def test_a_worker_killed_mid_webhook_send_resends_with_the_same_key(tmp_path) -> None:
    home = tmp_path / "home"
    with WebhookPeer() as peer:
        settings = {"webhook_url": f"{peer.url}/in", "delivery_channels": "webhook"}
        workspace = delivery_workspace(home, webhook_url=f"{peer.url}/in",
                                       delivery_channels="webhook")
        peer.script.answers = ["hang"]
        delivery_id = _queue_one(workspace, "kill-hook")
        first = _start_worker(home, **settings)
        try:
            assert peer.script.received.wait(60), (home.parent / "worker.log").read_text()
            _kill(first)
        finally:
            if first.poll() is None:
                _kill(first)
        second = _start_worker(home, **settings)
        try:
            assert wait_for(lambda: status_of(workspace, delivery_id).status == "sent",
                            seconds=60), (home.parent / "worker.log").read_text()
        finally:
            second.terminate()
            second.wait(timeout=60)
        keys = [request["headers"].get("Idempotency-Key") for request in peer.requests]
        assert keys == ["kill-hook", "kill-hook"]  # two requests, one key
        assert list(peer.accepted) == ["kill-hook"]  # delivered once
        assert status_of(workspace, delivery_id).attempts == 2
        workspace.close()
