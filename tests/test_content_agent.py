"""The content agent: packs for the top open training needs that a source can teach, once per
need and source version; needs no source covers are reported, not guessed."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from content_support import DEMO_SOURCES, TEXTS
from import_support import import_into
from learnloop.agents.base import AgentContext
from learnloop.agents.content import ContentAgent
from learnloop.agents.registry import registered_agents
from learnloop.domain.content.matching import match_source
from learnloop.domain.needs import NeedKind, NeedNature, NeedStatus, draft_need
from learnloop.store.content import packs
from learnloop.store.event_log import EventLog
from learnloop.store.needs import save_needs
from learnloop.workspace import Workspace


def _run(workspace: Workspace):
    with workspace.session() as session:
        org = workspace.organisation(session).id
        return ContentAgent().run(AgentContext(
            organisation_id=org, session=session, events=EventLog(session, org),
            now=datetime.now(UTC), actor="agent:content"))


def test_matching_prefers_the_source_with_the_needs_distinctive_words() -> None:
    sources = {key: (TEXTS / f"{key}.md").read_text(encoding="utf-8") for key in DEMO_SOURCES}
    refunds = match_source("Service credit approvals refund limits", sources)
    assert refunds is not None and refunds.key == "refunds-and-credits-policy"
    logger = match_source("TW-Sense logger alarms temperature bands", sources)
    assert logger is not None and logger.key == "coldchain-product-sheet"
    assert match_source("Negotiation with procurement teams", sources) is None
    assert match_source("", sources) is None


def test_the_agent_writes_one_pack_per_need_and_source_version(workspace: Workspace,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    for key in DEMO_SOURCES:
        shutil.copy(TEXTS / f"{key}.md", folder / f"{key}.md")
    import_into(workspace, kind="sources", path=folder)
    with workspace.session() as session:
        org = workspace.organisation(session).id
        save_needs(session, organisation_id=org, needs=[
            draft_need("excursions", "ColdChain excursion credits at first contact", rank=1,
                       nature=NeedNature.INTERPERSONAL, urgency=0.9, risk="high",
                       skill_key="coldchain_excursions"),
            draft_need("negotiation", "Negotiation with procurement", rank=2),
            draft_need("tooling", "Fix the ticket tool", rank=3, kind=NeedKind.INVESTIGATE),
            draft_need("closed", "Refund limits", rank=4, status=NeedStatus.DISMISSED)])
    first = _run(workspace)
    assert len(first.details["packs"]) == 1 and first.details["unmatched"] == ["negotiation"]
    again = _run(workspace)
    assert again.details["packs"] == []
    with workspace.session() as session:
        org = workspace.organisation(session).id
        made, = packs(session, organisation_id=org)
        assert made.need_key == "excursions" and made.created_by == "agent:content"
        assert "practice" in made.modality["mix"]
    assert "content" in [agent.name for agent in registered_agents()]


def test_the_loop_gives_the_agent_the_configured_engine(workspace: Workspace,
                                                        tmp_path: Path) -> None:
    from learnloop.agents import agent_options

    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(TEXTS / "refunds-and-credits-policy.md", folder / "policy.md")
    import_into(workspace, kind="sources", path=folder)
    with workspace.session() as session:
        org = workspace.organisation(session).id
        save_needs(session, organisation_id=org, needs=[
            draft_need("refunds", "Refunds and service credits policy", rank=1)])
        options = agent_options(workspace.settings)["content"]
        assert options["settings"].llm_engine == "offline"
        report = ContentAgent().run(AgentContext(
            organisation_id=org, session=session, events=EventLog(session, org),
            now=datetime.now(UTC), actor="agent:content", options=options))
        made, = packs(session, organisation_id=org)
    assert report.details["packs"] == [made.id] and made.engine == "offline"
