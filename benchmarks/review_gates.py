"""How fast the review gates answer: cycle times from many transition events (pure), the review
queue over many component versions, one approval and one publish through the service, and a
living-components refresh after a changed source is imported (SQLite).

Prints the figures; asserts nothing (they depend on the machine and its load).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from learnloop.config import Settings
from learnloop.demo.writer import SOURCE_DOCUMENTS
from learnloop.domain.govern.cycle_times import Decision, Transition, cycle_times
from learnloop.generation import generate_pack
from learnloop.governance import reviews
from learnloop.governance.policy_file import load_policy
from learnloop.governance.queue import review_cycle_times, review_queue
from learnloop.importing import ImportLimits, import_file
from learnloop.llm.offline import OfflineEngine
from learnloop.store import content as content_store
from learnloop.store.event_log import EventLog
from learnloop.workspace import Workspace

TEXTS = Path(__file__).resolve().parents[1] / "src" / "learnloop" / "demo" / "texts"
POLICY_SOURCE = "refunds-and-credits-policy"


def _timed(label: str, work):  # noqa: ANN001, ANN202
    start = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - start:.3f} s", flush=True)
    return result


def pure_cycle_times(components: int) -> None:
    rng = random.Random(1)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    moves, decisions = [], []
    for number in range(components):
        at = start + timedelta(hours=rng.uniform(0, 2000))
        for before, after in ((None, "draft"), ("draft", "in_review"),
                              ("in_review", "approved"), ("approved", "published")):
            at += timedelta(hours=rng.uniform(0.5, 40))
            moves.append(Transition(number, rng.choice(("compliance", "customer_facing")),
                                    before, after, "someone", at))
        decisions.append(Decision(number, f"reviewer-{number % 12}", "approve", at))
    _timed(f"cycle times from {len(moves):,} transitions and {len(decisions):,} decisions",
           lambda: cycle_times(moves, decisions, now=start + timedelta(days=400)))


def _sources(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file_name in SOURCE_DOCUMENTS:
        shutil.copy(TEXTS / file_name, folder / file_name)
    (folder / "sources.yaml").write_text(yaml.safe_dump({"sources": [
        {**entry, "file": name} for name, entry in SOURCE_DOCUMENTS.items()]}), "utf-8")
    return folder


def database(copies: int) -> None:
    home = Path(tempfile.mkdtemp())
    workspace = Workspace.open(Settings(home=home))
    policy = load_policy()
    folder = _sources(home / "sources")
    with workspace.session() as session:
        org = workspace.organisation(session).id
        import_file(session, organisation_id=org, kind="sources", path=folder, actor="bench",
                    limits=ImportLimits())
        pack = generate_pack(session, organisation_id=org, source=POLICY_SOURCE,
                             engine=OfflineEngine(), actor="bench:author").pack
        first = pack.components[0]
        # many versions of the pack's components, each with its review
        for copy in range(copies):
            for item in pack.components:
                body = {**item.body, "title": f"{item.title} #{copy}"}
                new = content_store.save_component(
                    session, organisation_id=org, document_id=content_store.source_chunks(
                        session, organisation_id=org, source=POLICY_SOURCE).document_id,
                    source_key=item.source_key, source_version=item.source_version,
                    kind=item.kind, title=body["title"], body=body, engine=item.engine,
                    model=item.model, prompt_version=item.prompt_version,
                    chunk_ids=item.chunk_ids, input_tokens=0, output_tokens=0, cost_usd=0.0,
                    cached=False, checks=item.checks)
                reviews.open_review(session, organisation_id=org, component_id=new,
                                    author="bench:author", policy=policy)
        count = copies * len(pack.components) + len(pack.components)
        rows = _timed(f"review queue over {count:,} component versions",
                      lambda: review_queue(session, organisation_id=org, policy=policy))
        print(f"  ({len(rows):,} rows)")
        reviews.submit(session, organisation_id=org, component_id=first.id, actor="bench:ld",
                       role="ld", policy=policy)
        _timed("one approval through the service (gate, events, the review document)",
               lambda: reviews.approve(session, organisation_id=org, component_id=first.id,
                                       actor="bench:sme", role="reviewer", policy=policy))
        reviews.approve(session, organisation_id=org, component_id=first.id,
                        actor="bench:ld2", role="ld", policy=policy)
        _timed("one publish", lambda: reviews.publish(
            session, organisation_id=org, component_id=first.id, actor="bench:ld2", role="ld",
            policy=policy))
        for item in pack.components[1:]:
            for action, actor, role in (("submit", "bench:ld", "ld"),
                                        ("approve", "bench:sme", "reviewer"),
                                        ("approve", "bench:ld2", "ld"),
                                        ("publish", "bench:ld2", "ld")):
                getattr(reviews, action)(session, organisation_id=org, component_id=item.id,
                                         actor=actor, role=role, policy=policy)
        _timed("review cycle times from the event log",
               lambda: review_cycle_times(session, organisation_id=org))
    path = folder / f"{POLICY_SOURCE}.md"
    path.write_text(path.read_text("utf-8").replace("within **5 business days**",
                                                    "within **7 business days**"), "utf-8")
    with workspace.session() as session:
        org = workspace.organisation(session).id
        _timed("re-import of the changed source with its living-components refresh "
               "(stale marked, redrafted, checked, submitted)",
               lambda: import_file(session, organisation_id=org, kind="sources", path=folder,
                                   actor="bench", limits=ImportLimits()))
        stale = EventLog(session, org).count("component.stale")
        redrafts = len(review_queue(session, organisation_id=org, policy=load_policy(),
                                    states=["in_review"]))
        print(f"  ({stale} published component(s) stale, {redrafts} redraft(s) in review)")
    workspace.close()
    shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--components", type=int, default=100_000,
                        help="component histories for the pure cycle-time computation")
    parser.add_argument("--copies", type=int, default=300,
                        help="extra versions of each of the pack's 7 components")
    arguments = parser.parse_args(argv)
    pure_cycle_times(arguments.components)
    database(arguments.copies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
