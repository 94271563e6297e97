"""Living components: a new version of a source that changes one number in one section marks
exactly the published components citing that passage stale, redrafts them for review with a
diff that shows the change, and leaves the others published."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from govern_support import AUTHOR, demo_sources, packs_for_demo_sources
from import_support import import_into
from learnloop.domain.content.components import body_model, claims
from learnloop.governance import reviews
from learnloop.governance.policy_file import load_policy
from learnloop.store.content import component, source_chunks
from learnloop.store.event_log import EventLog
from learnloop.store.reviews import review_of
from learnloop.store.reviews import reviews as stored_reviews
from learnloop.workspace import Workspace

POLICY = load_policy()
POLICY_SOURCE = "refunds-and-credits-policy"


def _publish(session, org, component_id) -> None:
    for action, actor, role in (("submit", AUTHOR, "ld"),
                                ("approve", "token:sam-sme", "reviewer"),
                                ("approve", "token:lee-ld", "ld"), ("publish", "token:lee-ld",
                                                                     "ld")):
        getattr(reviews, action)(session, organisation_id=org, component_id=component_id,
                                 actor=actor, role=role, policy=POLICY)


def _a_cited_number(session, org, component_ids) -> tuple[str, str, set[int]]:
    """A chunk cited by some but not all components whose number one of them repeats: the
    chunk id, the number, and the components citing the chunk."""
    found = [component(session, organisation_id=org, component_id=item)
             for item in component_ids]
    for chunk in source_chunks(session, organisation_id=org, source=POLICY_SOURCE).chunks:
        citing = {item.id for item in found if chunk.id in item.chunk_ids}
        if not 0 < len(citing) < len(found):
            continue
        for number in re.findall(r"(?<![\d.,])\d{2,3}(?![\d.,%])", chunk.text):
            said = [text for item in found if item.id in citing
                    for text, cited in claims(body_model(item.kind).model_validate(item.body))
                    if number in text and any(c.chunk_id == chunk.id for c in cited)]
            if said and chunk.text.count(number) == 1:
                return chunk.id, number, citing
    raise AssertionError("no cited number to change")


def test_a_changed_number_redrafts_exactly_the_components_citing_it(
        workspace: Workspace, tmp_path: Path) -> None:  # on SQLite and PostgreSQL
    made = packs_for_demo_sources(workspace, tmp_path / "sources")
    with workspace.session() as session:
        org = workspace.organisation(session, None).id
        for component_id in made[POLICY_SOURCE]:
            _publish(session, org, component_id)
        chunk_id, number, citing = _a_cited_number(session, org, made[POLICY_SOURCE])
        chunk_text = next(chunk.text for chunk in source_chunks(
            session, organisation_id=org, source=POLICY_SOURCE).chunks if chunk.id == chunk_id)
    changed = str(int(number) + 7)
    folder = demo_sources(tmp_path / "edited")
    path = folder / f"{POLICY_SOURCE}.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(chunk_text.splitlines()[0]) >= 1
    edited_chunk = re.sub(rf"(?<![\d.,]){number}(?![\d.,%])", changed, chunk_text, count=1)
    path.write_text(text.replace(chunk_text, edited_chunk, 1), encoding="utf-8")
    shutil.rmtree(tmp_path / "sources")

    import_into(workspace, kind="sources", path=folder, actor="token:ivy-importer")

    with workspace.session() as session:
        org = workspace.organisation(session, None).id
        log = EventLog(session, org)
        stale_events = {int(event.payload["component_id"])
                        for event in log.recent(kinds=["component.stale"], limit=100)}
        assert stale_events == citing
        for component_id in made[POLICY_SOURCE]:
            review = review_of(session, organisation_id=org, component_id=component_id)
            assert review.state == "published"  # the old version stays until its redraft is
            assert review.stale is (component_id in citing)
        for component_id in made["sme-interview-excursion-cases"]:
            review = review_of(session, organisation_id=org, component_id=component_id)
            assert review.state == "published" and not review.stale
        redrafts = {}
        for review in stored_reviews(session, organisation_id=org, states=["in_review"]):
            redrafts[review.replaces_component_id] = review.component_id
        assert set(redrafts) == citing
        print(f"changed {number} → {changed} in chunk {chunk_id}: {len(citing)} of "
              f"{len(made[POLICY_SOURCE])} components stale and redrafted")
        shown = False
        for old, new in redrafts.items():
            view = reviews.review_view(session, organisation_id=org, component_id=new,
                                       policy=POLICY)
            assert view.compared_with.id == old and view.review.authors == (
                "token:ivy-importer",)
            assert view.component.source_version == 2
            for change in view.changes:
                words = {(word.op, word.text) for word in change.words}
                shown |= ("removed", number) in words and ("added", changed) in words
        assert shown, "no redraft's diff shows the changed number"
        # approving the redraft publishes it in place of the old version and queues its readers
        old, new = next(iter(redrafts.items()))
        for action, actor, role in (("approve", "token:sam-sme", "reviewer"),
                                    ("approve", "token:lee-ld", "ld"),
                                    ("publish", "token:lee-ld", "ld")):
            getattr(reviews, action)(session, organisation_id=org, component_id=new,
                                     actor=actor, role=role, policy=POLICY)
        assert review_of(session, organisation_id=org, component_id=old).state == "retired"
        due = log.recent(kinds=["component.update_due"], limit=5)
        assert [(event.payload["component_id"], event.payload["replaces_component_id"])
                for event in due] == [(new, old)]



def test_the_import_command_says_which_components_went_stale(sqlite_workspace: Workspace,
                                                            tmp_path: Path) -> None:
    from cli_support import succeeded

    folder = demo_sources(tmp_path / "sources")
    succeeded("import", "sources", str(folder))
    transcript = "sme-interview-excursion-cases"
    made = json.loads(succeeded("generate", "--source", transcript, "--json").stdout)
    assert made["summary"]["components"]  # an internal tip: auto-published
    path = folder / f"{transcript}.md"
    text = path.read_text(encoding="utf-8")
    numbers = re.findall(r"(?<![\d.,])\d{2,3}(?![\d.,%])", text)
    # change every number: whatever the components cite, something they cite changed
    path.write_text(re.sub(r"(?<![\d.,])(\d{2,3})(?![\d.,%])",
                           lambda found: str(int(found.group(1)) + 1), text), encoding="utf-8")
    assert numbers
    said = succeeded("import", "sources", str(folder)).stdout
    assert "published component(s) cite passages this import changed" in said
