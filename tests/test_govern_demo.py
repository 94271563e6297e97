"""The demo's review history: named reviewers approve, send back and publish over two weeks
through the review service, so review cycle times are real; a re-run adds nothing."""

from __future__ import annotations

from pathlib import Path

from govern_support import demo_sources
from import_support import import_into
from learnloop.demo.reviews import DESIGNER, REVIEWERS, run_demo_reviews
from learnloop.governance.queue import review_cycle_times
from learnloop.workspace import Workspace


def test_demo_reviews_give_cycle_times_per_tier_and_reviewer(sqlite_workspace: Workspace,
                                                              tmp_path: Path) -> None:
    import_into(sqlite_workspace, kind="sources", path=demo_sources(tmp_path / "sources"))
    with sqlite_workspace.session() as session:
        org = sqlite_workspace.organisation(session).id
        made = run_demo_reviews(session, organisation_id=org,
                                settings=sqlite_workspace.settings, seed=7)
        assert made.packs == 3 and made.published >= 14 and made.waiting >= 2
        again = run_demo_reviews(session, organisation_id=org,
                                 settings=sqlite_workspace.settings, seed=7)
        assert again.packs == 0
        times = review_cycle_times(session, organisation_id=org).to_dict()
    for tier in ("compliance", "customer_facing"):
        states = {span["state"]: span for span in times["tiers"][tier]["states"]}
        assert states["in_review"]["median_hours"] > 1
        assert times["tiers"][tier]["to_publish"]["median_hours"] > 2
    assert times["tiers"]["internal_tip"]["to_publish"]["median_hours"] == 0
    reviewers = times["reviewers"]
    assert {name for name, _ in REVIEWERS.values()} <= set(reviewers)
    assert reviewers[REVIEWERS["legal"][0]]["changes_requested"] >= 1
    assert DESIGNER not in reviewers  # the designer decides nothing on their own work
