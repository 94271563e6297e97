"""Delivery speed: webhook signal → delivered nudge, and deliveries per second to an SMTP peer.

1. `learnloop serve --no-worker` and one `learnloop worker` (Redis queue when one answers at
   127.0.0.1:6379, else the SQLite queue, which polls) on 127.0.0.1: one signal at a time trips a
   moment-of-need rule; the time from the POST to the delivery's `sent_at` (in-app inbox), p50/p99.
2. Deliveries per second from one process to a local aiosmtpd server (a connection per message).
`--signals N --emails N` scale it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here.parent / "tests"))

import httpx  # noqa: E402

from api_support import secret_for  # noqa: E402
from delivery_peers import SmtpPeer  # noqa: E402
from delivery_support import delivery_workspace, queue  # noqa: E402
from learnloop.jobs import JobQueue  # noqa: E402
from learnloop.store.deliveries import delivery_by_key  # noqa: E402
from load_support import serving  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own: no other queue shares it


def _redis_answers() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001 - no Redis: the SQLite queue is measured instead
        return False


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def signal_latency(*, signals: int, redis_url: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="learnloop-delivery-") as scratch:
        home = Path(scratch) / "home"
        if redis_url:
            os.environ["LEARNLOOP_REDIS_URL"] = redis_url
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        os.environ["LEARNLOOP_SECRET_KEY"] = "test-secret-key-for-links"
        workspace = delivery_workspace(home, redis_url=redis_url)
        secret = secret_for(workspace, "admin")
        log = (home.parent / "worker.log").open("a")
        worker = subprocess.Popen([sys.executable, "-m", "learnloop.cli", "worker", "--workers",
                                   "2"], env={**os.environ, "LEARNLOOP_HOME": str(home)},
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            with serving(home, database_url=None) as server, httpx.Client() as client:
                headers = {"Authorization": f"Bearer {secret}"}
                client.post(f"{server.base}/api/delivery-rules", headers=headers, json={
                    "key": "low", "metric": "csat", "trigger": "below", "threshold": 3,
                    "title": "After a hard call"}).raise_for_status()
                latencies = []
                for n in range(signals + 5):
                    started = time.time()
                    client.post(f"{server.base}/api/signals", headers=headers, json={"signals": [
                        {"id": f"s{n}", "metric": "csat", "subject_type": "person",
                         "subject": "leo", "observed_at": "2026-01-05T09:00:00Z", "value": 1,
                         "source": "bench"}]}).raise_for_status()
                    key = f"rule:low:s{n}:leo"
                    while True:
                        with workspace.session() as session:
                            found = delivery_by_key(session, key=key, organisation_id=
                                                    workspace.organisation(session).id)
                        if found is not None and found.sent_at is not None:
                            break
                        if time.time() - started > 30:
                            raise SystemExit(f"signal {n} not delivered in 30 s")
                        time.sleep(0.002)
                    if n >= 5:  # the first few warm the worker up
                        latencies.append(found.sent_at.timestamp() - started)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            log.close()
            workspace.close()
            os.environ.pop("LEARNLOOP_REDIS_URL", None)
        queue_name = "Redis" if redis_url else "SQLite queue"
        print(f"webhook signal → delivered nudge ({queue_name}, {len(latencies)} signals): "
              f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p99 {_percentile(latencies, 0.99) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms", flush=True)


def smtp_throughput(*, emails: int) -> None:
    with tempfile.TemporaryDirectory(prefix="learnloop-smtp-") as scratch, SmtpPeer() as peer:
        workspace = delivery_workspace(Path(scratch) / "home", smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        ids = [queue(workspace, key=f"bench-{n}", person="leo")[0] for n in range(emails)]
        jobs = JobQueue(workspace)
        started = time.perf_counter()
        sent = jobs.deliver(ids)
        seconds = time.perf_counter() - started
        assert sum(one.status == "sent" for one in sent) == emails == len(peer.messages)
        print(f"email to a local SMTP peer: {emails} deliveries in {seconds:.2f} s = "
              f"{emails / seconds:.0f} deliveries/s (one worker thread, attempt recorded "
              "before and outcome after each send)", flush=True)
        workspace.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=200)
    parser.add_argument("--emails", type=int, default=500)
    options = parser.parse_args()
    smtp_throughput(emails=options.emails)
    if _redis_answers():
        signal_latency(signals=options.signals, redis_url=REDIS_URL)
    signal_latency(signals=min(options.signals, 50), redis_url=None)
