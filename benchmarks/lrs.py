"""The xAPI LRS under load over HTTP on 127.0.0.1, against Ralph 5.1.0 under the same load.

For SQLite and PostgreSQL: statements/s for POST in batches of 1 and of 100 (several client
processes) with 1,000 and with 1,000,000 statements stored (the million bulk-loaded straight
through the store), GET p50/p99 for the agent, verb and activity filters (limit 100) at the
million (each GET client's first request, which opens its connection, untimed; each filter's
GETs twice, the second time the same queries, read from cached pages), and the
server's memory. The POST clients build their bodies (up to PREBUILT_RATE statements/s for the
time asked) before the clock starts and start together, so on a small machine they take little
CPU from the server under test, for Ralph as for learnloop. Ralph (file-system backend, in a
virtual environment of its own, see tests/ralph_support.py) gets the same POST load at 1,000
stored and the same GETs at the largest store it can answer in time; learnloop's figures are
printed as ratios of Ralph's. learnloop is measured as `learnloop serve` with each number of
`--processes` asked in turn (default 1 and 2; Ralph's `runserver` is one process, its file
backend appending to one file), its CPU and memory summed over its processes. Each POST figure
also says what the whole machine did while the clients posted, and each GET figure while the
clients read (machine_load.py: reads from disk among it).

    python benchmarks/lrs.py [--stored 1000000] [--seconds 10] [--clients 4] [--no-ralph]
                             [--processes 1,2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here))
sys.path.insert(0, str(here.parent / "tests"))
from import_throughput import postgres_database  # noqa: E402
from machine_load import MachineLoad, MachineSampler  # noqa: E402

from learnloop.config import Settings  # noqa: E402
from learnloop.store.xapi_statements import last_seq  # noqa: E402
from learnloop.workspace import Workspace  # noqa: E402
from learnloop.xapi.clients import create_client  # noqa: E402
from learnloop.xapi.statements import record_statements  # noqa: E402
from load_support import Server  # noqa: E402
from ralph_support import ralph_python, ralph_server  # noqa: E402

AGENTS, VERBS, ACTIVITIES = 10_000, 20, 2_000
LOAD_BATCH = 5_000


def _statement(rng: random.Random) -> dict:
    """A realistic statement: one of AGENTS learners, VERBS verbs, ACTIVITIES activities."""
    learner = rng.randrange(AGENTS)
    activity = rng.randrange(ACTIVITIES)
    found = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
             "actor": {"objectType": "Agent", "name": f"Learner {learner}",
                       "mbox": f"mailto:learner{learner}@example.com"},
             "verb": {"id": f"https://learnloop.example/verbs/{rng.randrange(VERBS)}",
                      "display": {"en-US": "did"}},
             "object": {"objectType": "Activity",
                        "id": f"https://learnloop.example/activities/{activity}",
                        "definition": {"name": {"en-US": f"Activity {activity}"}}},
             "result": {"score": {"scaled": round(rng.random(), 2)}, "completion": True},
             "timestamp": "2026-11-01T10:00:00.000Z"}
    if rng.random() < 0.3:
        found["context"] = {"registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            "contextActivities": {"parent": [
                                {"id": f"https://learnloop.example/courses/{activity % 50}"}]}}
    return found


def _basic(username: str, password: str) -> dict[str, str]:
    import base64

    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


# statements/s the POST clients build bodies for before the clock starts (beyond it they build
# them as they go): on two cores, building them under the clock took CPU from the server
PREBUILT_RATE = {1: 5_000, 100: 40_000}


def _body(rng: random.Random, batch: int) -> bytes:
    body = [_statement(rng) for _ in range(batch)]
    return json.dumps(body if batch > 1 else body[0]).encode()


def _poster(url: str, headers: dict, batch: int, seconds: float, seed: int,
            start: Any) -> tuple[int, int, str, float, float]:
    """One client process: build its bodies, wait at `start` (a barrier) for the others, then
    POST batches of new statements until the time is up; (stored, errors, the first error,
    when it started, when it ended)."""
    rng = random.Random(seed)
    bodies = [_body(rng, batch) for _ in range(
        int(PREBUILT_RATE.get(batch, 40_000) * seconds / max(start.parties, 1) / batch) + 1)]
    bodies.reverse()
    stored = errors = 0
    first = ""
    headers = {**headers, "Content-Type": "application/json"}
    with httpx.Client(timeout=60, headers=headers) as client:
        start.wait()
        began = time.monotonic()
        deadline = began + seconds
        while time.monotonic() < deadline:
            body = bodies.pop() if bodies else _body(rng, batch)
            try:
                response = client.post(url, content=body)
            except httpx.TransportError as error:
                errors += 1
                first = first or repr(error)
                continue
            if response.status_code in (200, 204):
                stored += batch
            else:
                errors += 1
                first = first or f"{response.status_code} {response.text[:200]}"
    return stored, errors, first, began, time.monotonic()


def _getter(url: str, headers: dict, params: list[dict],
            seed: int) -> tuple[list[float], float, float]:
    """One client process: the GETs given, each timed (seconds), after one untimed GET that
    opens the connection (and warms the server's query cache for this filter); and when the
    timed GETs began and ended (time.monotonic)."""
    timings = []
    with httpx.Client(timeout=60, headers=headers) as client:
        client.get(url, params={**params[0], "limit": 1}).raise_for_status()
        began = time.monotonic()
        for query in params:
            started = time.perf_counter()
            response = client.get(url, params=query)
            timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"GET {query} answered {response.status_code}: "
                                 f"{response.text[:200]}")
    return timings, began, time.monotonic()


def warm_up(url: str, headers: dict) -> None:
    """A few POSTs before the timing, as Ralph gets its 1,000 through HTTP: a fresh server builds
    its route table and connections on its first requests."""
    rng = random.Random(4)
    for batch in (1, 100, 1):
        body = [_statement(rng) for _ in range(batch)]
        httpx.post(url, json=body if batch > 1 else body[0], headers=headers,
                   timeout=120).raise_for_status()


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU seconds so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def post_rate(url: str, headers: dict, *, batch: int, clients: int, seconds: float,
              pid: list[int] | None = None) -> str:
    """Statements/s, then (given the server's pid) its CPU microseconds per statement, and
    what the machine did while the clients posted (see machine_load.py). The clients build their
    bodies first and start together (the server's CPU counts from before, when it is idle)."""
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager, spawn.Pool(clients) as pool, MachineSampler() as machine:
        start = manager.Barrier(clients)
        cpu = sum(map(cpu_seconds, pid)) if pid else 0.0
        results = pool.starmap(_poster, [(url, headers, batch, seconds, random.randrange(2**32),
                                          start) for _ in range(clients)])
        cpu = sum(map(cpu_seconds, pid)) - cpu if pid else 0.0
    began, ended = min(item[3] for item in results), max(item[4] for item in results)
    stored = sum(item[0] for item in results)
    errors = sum(item[1] for item in results)
    first = next((item[2] for item in results if item[2]), "")
    server = f"server {cpu * 1e6 / max(stored, 1):,.0f} CPU us/statement" if pid else ""
    load = machine.load(began, ended)
    notes = "; ".join(str(part) for part in (server, load) if part)
    return f"{stored / min(ended - began, seconds + 1):,.0f}" + (f" ({notes})" if notes else "") + (
        f" ({errors} errors, first: {first})" if errors else "")


def _rate(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


def get_latency(url: str, headers: dict, *, kind: str, clients: int, each: int,
                seed: int = 7) -> tuple[float, float, MachineLoad | None]:
    """p50 and p99 (ms) of `clients` processes each making `each` GETs with the `kind` filter,
    and what the machine did while they did (reads from disk among it)."""
    rng = random.Random(seed)
    queries = []
    for _ in range(clients * each):
        if kind == "agent":
            learner = rng.randrange(AGENTS)
            value = json.dumps({"mbox": f"mailto:learner{learner}@example.com"})
        elif kind == "verb":
            value = f"https://learnloop.example/verbs/{rng.randrange(VERBS)}"
        else:
            value = f"https://learnloop.example/activities/{rng.randrange(ACTIVITIES)}"
        queries.append({kind: value, "limit": 100})
    shares = [queries[n::clients] for n in range(clients)]
    with multiprocessing.get_context("spawn").Pool(clients) as pool, MachineSampler() as machine:
        parts = pool.starmap(_getter, [(url, headers, share, n)
                                       for n, share in enumerate(shares)])
    timings = sorted(t for part, _began, _ended in parts for t in part)
    load = machine.load(min(part[1] for part in parts), max(part[2] for part in parts))
    return (statistics.median(timings) * 1000,
            timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000, load)


def bulk_load(workspace: Workspace, *, total: int, seed: int) -> float:
    """Store `total` statements straight through the store; statements/s."""
    rng = random.Random(seed)
    authority = {"objectType": "Agent", "name": "bulk",
                 "account": {"homePage": "https://learnloop.example", "name": "bulk"}}
    started = time.monotonic()
    done = 0
    while done < total:
        size = min(LOAD_BATCH, total - done)
        with workspace.session() as session:
            organisation_id = workspace.organisation(session).id
            record_statements(session, organisation_id=organisation_id,
                              statements=[_statement(rng) for _ in range(size)],
                              authority=authority)
        done += size
    took = time.monotonic() - started
    if workspace.database.dialect == "postgresql":
        # what autovacuum does to an insert-only table after its first 20% of new rows: the
        # planner's statistics, and the visibility map, without which the refs index's index-only
        # scan (the agent and activity filters) visits the table for every entry
        with workspace.database.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE) xapi_statements")
            connection.exec_driver_sql("VACUUM (ANALYZE) xapi_statement_refs")
    return total / took if took else 0.0


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, MB."""
    fields = {}
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = text.partition(":")
        fields[name] = value.strip()
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def run_learnloop(database: str, url: str | None, args, folder: Path) -> dict:
    home = folder / f"learnloop-{database}"
    settings = Settings(home=home, database_url=url)
    workspace = Workspace.open(settings)
    with workspace.session() as session:
        issued = create_client(session, organisation_id=workspace.organisation(session).id,
                               name="bench", scopes=["all"])
    headers = _basic(issued.client.username, issued.password)
    figures: dict = {}
    with workspace.session() as session:
        held = last_seq(session)
    if held == 0:
        bulk_load(workspace, total=1_000, seed=1)
        for processes in args.processes:
            with _serving(home, url, processes, headers) as (_server, endpoint, pids):
                _posts(figures, args, database, processes, endpoint, headers, pids,
                       at="1k", stored="1,000")
    else:  # a kept workspace (--folder): its small-store figures were printed by its first run
        print(f"{database}: reusing {held:,} statements stored in {home}", flush=True)
    more = max(0, args.stored - held)
    rate = bulk_load(workspace, total=more, seed=2 + held)
    print(f"{database}: bulk-loaded {more:,} statements through the store at "
          f"{rate:,.0f}/s", flush=True)
    workspace.close()
    label = f"{args.stored // 1000:,}k" if args.stored < 1_000_000 else \
        f"{args.stored / 1e6:g}M"
    for processes in args.processes:
        with _serving(home, url, processes, headers) as (_server, endpoint, pids):
            _posts(figures, args, database, processes, endpoint, headers, pids,
                   at="big", stored=label)
            for kind in ("agent", "verb", "activity"):
                # queries of their own for each number of processes, so no run finds the pages
                # an earlier one read in the cache; then the same queries again, cached
                passes = [get_latency(endpoint, headers, kind=kind, clients=args.clients,
                                      each=args.gets, seed=6 + processes) for _ in range(2)]
                figures[_key(f"get-{kind}", processes)] = passes[0][:2]
                print(f"{database}{_label(processes)}: GET {kind} filter, limit 100, ~{label} "
                      f"stored: " + "; again: ".join(
                          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms" + (f" ({load})" if load else "")
                          for p50, p99, load in passes), flush=True)
            now, peak = (sum(values) for values in zip(*map(memory_mb, pids), strict=True))
            figures[_key("memory", processes)] = (now, peak)
            print(f"{database}{_label(processes)}: server memory {now:.0f} MB resident, "
                  f"{peak:.0f} MB peak", flush=True)
    return figures


def _posts(figures: dict, args, database: str, processes: int, endpoint: str,  # noqa: ANN001
           headers: dict, pids: list[int], *, at: str, stored: str) -> None:
    """POST in batches of 1 and of 100 against a server of `processes`, into `figures`."""
    for batch in (1, 100):
        key = _key(f"post{batch}@{at}", processes)
        figures[key] = post_rate(endpoint, headers, batch=batch, clients=args.clients,
                                 seconds=args.seconds, pid=pids)
        print(f"{database}{_label(processes)}: POST batch {batch:>3} with ~{stored} stored: "
              f"{figures[key]} statements/s", flush=True)


def _key(name: str, processes: int) -> str:
    """A figure's name; a server of several processes adds their count."""
    return name if processes == 1 else f"{name}/{processes}p"


def _label(processes: int) -> str:
    return "" if processes == 1 else f" ({processes} server processes)"


@contextmanager
def _serving(home: Path, url: str | None, processes: int, headers: dict
             ) -> Iterator[tuple[Server, str, list[int]]]:
    """`learnloop serve --processes`, warmed up; yields it, its statements endpoint and the pids
    that serve (with several processes, uvicorn's workers: all of them once each has started,
    so their CPU and memory count)."""
    server = Server(home=home, database_url=url, processes=processes)
    server.start()
    try:
        endpoint = f"{server.base}/xapi/statements"
        deadline = time.monotonic() + 60
        while processes > 1 and server.log().count("Application startup complete.") < processes:
            if time.monotonic() > deadline:
                raise SystemExit(f"{processes} server processes did not start:\n{server.log()}")
            time.sleep(0.1)
        pids = [server.process.pid] if processes == 1 else _workers(server.process.pid)
        warm_up(endpoint, headers)
        yield server, endpoint, pids
    finally:
        server.stop()


def _workers(pid: int) -> list[int]:
    """uvicorn's worker processes under its supervisor `pid` (not multiprocessing's tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children
            if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()]


def run_ralph(args, folder: Path) -> dict:
    command, why = ralph_python()
    if command is None:
        print(f"Ralph: skipped ({why})")
        return {}
    figures: dict = {}
    with ralph_server(command, folder / "ralph") as ralph:
        endpoint = f"{ralph.base}/xAPI/statements"
        rng = random.Random(3)
        for _ in range(10):  # 1,000 stored before the load, as for learnloop
            httpx.post(endpoint, json=[_statement(rng) for _ in range(100)],
                       headers=ralph.headers, timeout=120).raise_for_status()
        for batch in (1, 100):
            figures[f"post{batch}@1k"] = post_rate(endpoint, ralph.headers, batch=batch,
                                                   clients=args.clients, seconds=args.seconds)
            print(f"Ralph: POST batch {batch:>3} with ~1,000 stored: "
                  f"{figures[f'post{batch}@1k']} statements/s", flush=True)
        stored = sum(1 for _ in (folder / "ralph" / "data" / "fs_lrs.jsonl").open())
        for kind in ("agent",):  # Ralph's FS backend ignores verb and activity filters
            p50, p99, _load = get_latency(endpoint, ralph.headers, kind=kind,
                                          clients=args.clients, each=max(5, args.gets // 10))
            figures[f"get-{kind}"] = (p50, p99)
            print(f"Ralph: GET {kind} filter, limit 100, {stored:,} stored: p50 {p50:.1f} ms, "
                  f"p99 {p99:.1f} ms", flush=True)
        now, peak = memory_mb(ralph.process.pid)
        print(f"Ralph: server memory {now:.0f} MB resident, {peak:.0f} MB peak", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--gets", type=int, default=100, help="GETs per client per filter")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--no-ralph", action="store_true")
    parser.add_argument("--processes", type=lambda text: [int(n) for n in text.split(",")],
                        default=[1, 2], help="learnloop server processes to measure, each in "
                        "turn (`learnloop serve --processes`; Ralph's `runserver` is one)")
    parser.add_argument("--folder", type=Path, help="keep the workspaces here and reuse what "
                        "they hold (SQLite only: PostgreSQL databases are dropped after)")
    args = parser.parse_args()
    (here / ".work").mkdir(exist_ok=True)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="lrs-bench-", dir=here / ".work"))
    ralph = {} if args.no_ralph else run_ralph(args, folder)
    for database in args.databases.split(","):
        url, drop = None, None
        if database == "postgresql":
            found = postgres_database()
            if found is None:
                continue
            url, drop = found
        try:
            ours = run_learnloop(database, url, args, folder)
        finally:
            if drop is not None:
                drop()
        if ralph and _key("post1@1k", args.processes[0]) in ours:
            for processes in args.processes:
                for batch in (1, 100):
                    for at in ("1k", "big"):
                        ratio = _rate(ours[_key(f"post{batch}@{at}", processes)]) / max(
                            _rate(ralph[f"post{batch}@1k"]), 1e-9)
                        print(f"{database}{_label(processes)}: POST batch {batch} at {at} "
                              f"stored = {ratio:,.1f}x Ralph's at 1k", flush=True)
                ratio = ralph["get-agent"][1] / max(ours[_key("get-agent", processes)][1], 1e-9)
                print(f"{database}{_label(processes)}: GET agent p99 at {args.stored:,} stored "
                      f"is {ratio:,.1f}x faster than Ralph's at its store", flush=True)


if __name__ == "__main__":
    main()
