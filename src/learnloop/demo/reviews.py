"""The demo's review history: a learning designer has a pack written from each demo source over
the last two weeks, and named reviewers work through them with the review service — approving,
sending back, commenting and publishing — so the console shows a live queue and real review
cycle times. Seeded: the same seed gives the same history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from learnloop.config import Settings
from learnloop.domain.events import utcnow
from learnloop.domain.govern.records import Anchor
from learnloop.domain.govern.states import ReviewState
from learnloop.generation import generate_pack
from learnloop.governance import reviews
from learnloop.governance.policy_file import load_policy
from learnloop.llm.offline import OfflineEngine
from learnloop.store import Session
from learnloop.store.content import current_sources
from learnloop.store.content import packs as stored_packs

__all__ = ["DESIGNER", "REVIEWERS", "DemoReviews", "publish_for_delivery", "run_demo_reviews"]

DESIGNER = "demo:lena.park (learning designer)"
# who reviews what: legal and the subject-matter expert review, L&D signs off and publishes
REVIEWERS = {"legal": ("demo:priya.nair (legal)", "reviewer"),
             "sme": ("demo:sam.ortiz (ColdChain SME)", "reviewer"),
             "ld": ("demo:tom.berg (L&D lead)", "ld")}
_DAYS = 14


@dataclass(frozen=True, slots=True)
class DemoReviews:
    packs: int
    published: int
    waiting: int


def run_demo_reviews(session: Session, *, organisation_id: int, settings: Settings,
                     seed: int = 7, now: datetime | None = None) -> DemoReviews:
    """One pack per demo source, opened `_DAYS` days ago, reviewed since; a few reviews are
    left open (in review, or sent back) so the queue has work in it."""
    rng = random.Random(seed)
    now = now or utcnow()
    policy = load_policy(settings)
    engine = OfflineEngine()
    packs = published = waiting = 0
    sources = current_sources(session, organisation_id=organisation_id)
    done = {(pack.source_key, pack.source_version) for pack in stored_packs(
        session, organisation_id=organisation_id) if pack.created_by == DESIGNER}
    for index, source in enumerate(sorted(sources)):
        if (source, sources[source][0]) in done:  # a re-run of the demo adds no second history
            continue
        opened = now - timedelta(days=_DAYS - 3 * index, hours=rng.uniform(0, 6))
        pack = generate_pack(session, organisation_id=organisation_id, source=source,
                             engine=engine, actor=DESIGNER, settings=settings, at=opened).pack
        packs += 1
        for position, component in enumerate(pack.components):
            clock = _Clock(opened, rng, now=now)
            outcome = _review(session, organisation_id=organisation_id,
                              component_id=component.id, policy=policy, clock=clock,
                              leave_open=position >= len(pack.components) - 2 and index == 1,
                              send_back=position == 2)
            published += outcome == ReviewState.PUBLISHED
            waiting += outcome in (ReviewState.IN_REVIEW, ReviewState.CHANGES_REQUESTED)
    return DemoReviews(packs=packs, published=published, waiting=waiting)


def publish_for_delivery(session: Session, *, organisation_id: int, settings: Settings,
                         component_ids: list[int], seed: int = 7,
                         now: datetime | None = None) -> list[int]:
    """The demo's reviewers take the components a delivery will carry through their gate over
    the last five days (submitted, approved by whom the tier asks, published by L&D), as people
    would before anything reaches learners; returns the ids that are published."""
    rng = random.Random(seed)
    now = now or utcnow()
    policy = load_policy(settings)
    published = []
    for component_id in component_ids:
        clock = _Clock(now - timedelta(days=5), rng, now=now)
        state = _review(session, organisation_id=organisation_id, component_id=component_id,
                        policy=policy, clock=clock, leave_open=False, send_back=False)
        if state == ReviewState.PUBLISHED:
            published.append(component_id)
    return published


class _Clock:
    """Moves a review's time on by a random number of working hours, never past now."""

    def __init__(self, start: datetime, rng: random.Random, *, now: datetime) -> None:
        self.at, self._rng, self._now = start, rng, now

    def after(self, low: float, high: float) -> datetime | None:
        moved = self.at + timedelta(hours=self._rng.uniform(low, high))
        if moved >= self._now:
            return None  # not happened yet: the review stays where it is
        self.at = moved
        return moved


def _review(session: Session, *, organisation_id: int, component_id: int,
            policy: object, clock: _Clock, leave_open: bool, send_back: bool) -> str:
    act = lambda action, who, at, **more: getattr(reviews, action)(  # noqa: E731
        session, organisation_id=organisation_id, component_id=component_id,
        actor=REVIEWERS[who][0] if who != "designer" else DESIGNER,
        role=REVIEWERS[who][1] if who != "designer" else "ld", policy=policy, at=at, **more)
    view = reviews.review_view(session, organisation_id=organisation_id,
                               component_id=component_id, policy=policy)
    if view.review.state != ReviewState.DRAFT:  # auto-published, or reviewed on a re-run
        return view.review.state
    tier = view.review.tier
    first = "legal" if tier == "compliance" else "sme"
    steps: list[tuple[str, str, float, float, dict]] = [("submit", "designer", 1, 6, {})]
    if send_back:
        steps += [("comment", first, 4, 30, {"text": "Name the exact deadline here.",
                                             "anchor": Anchor(item=0)}),
                  ("request_changes", first, 0.1, 1, {"note": "The first item needs the "
                                                              "deadline from the policy."}),
                  ("submit", "designer", 6, 40, {})]
    if not leave_open:
        steps += [("approve", first, 3, 48, {"note": "Matches the source."})]
        if tier == "compliance":
            steps += [("approve", "ld", 2, 30, {})]
        steps += [("publish", "ld", 0.5, 6, {})]
    for action, who, low, high, more in steps:
        at = clock.after(low, high)
        if at is None:
            break
        view = act(action, who, at, **more)
    return view.review.state
