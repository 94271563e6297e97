"""The needs agent measured on simulated companies with known truth (seeds 1-6, each through the
real importers and the whole loop: sensing, skills, needs), against stated thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from api_support import private_workspace
from learnloop.agents import registered_agents, run_loop
from learnloop.demo.build import import_company
from learnloop.simulation.needs import simulate_needs_company
from learnloop.simulation.needs_scoring import NeedsScore, score_queue
from learnloop.store.needs import needs

SEEDS = range(1, 7)


def _scored(home: Path, seed: int) -> NeedsScore:
    workspace = private_workspace(home)
    company = simulate_needs_company(seed)
    try:
        with workspace.session() as session:
            organisation = workspace.organisation(session)
            import_company(session, company, organisation=organisation,
                           directory=home / "files", settings=workspace.settings)
        with workspace.session() as session:
            organisation_id = workspace.organisation(session).id
            report = run_loop(session, organisation_id=organisation_id,
                              agents=registered_agents())
            assert report.ok, report.failures
            return score_queue(needs(session, organisation_id=organisation_id), company.truth)
    finally:
        workspace.close()


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> list[NeedsScore]:
    return [_scored(tmp_path_factory.mktemp(f"seed{seed}"), seed) for seed in SEEDS]


def test_the_skill_gap_dip_is_the_top_training_need(scores: list[NeedsScore]) -> None:
    # threshold: 5 of 6 seeds (measured: 6 of 6; seeds 1-12 all hit)
    assert sum(s.top_training_need for s in scores) >= 5
    # an investigate need may outrank it (a large process dip): still at least half the seeds
    assert sum(s.top_need for s in scores) >= 3


def test_the_process_dip_is_flagged_investigate_before_training(
        scores: list[NeedsScore]) -> None:
    # threshold: 5 of 6 seeds (measured: 6 of 6)
    assert sum(s.process_investigated for s in scores) >= 5


def test_skills_no_priority_names_are_kept_quiet(scores: list[NeedsScore]) -> None:
    # every seed, every need about such a skill: never pushed, below every pushed need
    assert all(s.quiet_kept_quiet for s in scores)
    # and the planted gaps are seen, not hidden: at least 8 of the 12 (2 per seed)
    assert sum(s.quiet_found for s in scores) >= 8
