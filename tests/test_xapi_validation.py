"""The xAPI 1.0.3 statement rules, property-based: every statement built by the rules is
accepted, and breaking any one rule of each family (actor/IFIs, verb, object types, result,
context, timestamps, language maps, extensions, attachments, voiding, nulls, unknown
properties) is refused with the path of the broken property."""

from __future__ import annotations

import copy
import string
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnloop.xapi.validation import StatementInvalid, check_statement

NAME = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=12)
WORD = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8)
IRI = st.builds(lambda host, path: f"https://{host}.example/{path}", WORD, WORD)
LANGUAGE = st.sampled_from(["en", "en-US", "fr-CA", "de", "zh-Hans-CN", "es-419"])
LANGUAGE_MAP = st.dictionaries(LANGUAGE, NAME, min_size=1, max_size=3)
UUID = st.builds(lambda: str(uuid.uuid4()))
EXTENSIONS = st.dictionaries(IRI, st.one_of(st.integers(), NAME, st.none(),
                                            st.lists(st.integers(), max_size=3)), max_size=2)
TIMESTAMP = st.sampled_from(["2025-03-01T12:00:00Z", "2025-03-01T12:00:00.123Z",
                             "2025-03-01T12:00:00+02:00", "2025-03-01T12:00:00.5-05:30",
                             "2025-12-31T23:59:59.999999+0100"])


@st.composite
def ifi(draw) -> dict[str, Any]:
    kind = draw(st.sampled_from(["mbox", "mbox_sha1sum", "openid", "account"]))
    if kind == "mbox":
        return {"mbox": f"mailto:{draw(WORD)}@example.com"}
    if kind == "mbox_sha1sum":
        return {"mbox_sha1sum": draw(st.text(alphabet="0123456789abcdef", min_size=40,
                                             max_size=40))}
    if kind == "openid":
        return {"openid": draw(IRI)}
    return {"account": {"homePage": draw(IRI), "name": draw(WORD)}}


@st.composite
def agents(draw, *, object_type: bool = False) -> dict[str, Any]:
    found = draw(ifi())
    if object_type or draw(st.booleans()):
        found["objectType"] = "Agent"
    if draw(st.booleans()):
        found["name"] = draw(NAME)
    return found


@st.composite
def groups(draw) -> dict[str, Any]:
    found: dict[str, Any] = {"objectType": "Group"}
    identified = draw(st.booleans())
    if identified:
        found.update(draw(ifi()))
    if not identified or draw(st.booleans()):
        found["member"] = draw(st.lists(agents(), min_size=1, max_size=3))
    return found


ACTORS = st.one_of(agents(), groups())


@st.composite
def definitions(draw) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if draw(st.booleans()):
        found["name"] = draw(LANGUAGE_MAP)
    if draw(st.booleans()):
        found["description"] = draw(LANGUAGE_MAP)
    if draw(st.booleans()):
        found["type"] = draw(IRI)
    if draw(st.booleans()):
        found["extensions"] = draw(EXTENSIONS)
    kind = draw(st.sampled_from([None, "choice", "likert", "matching", "performance",
                                 "sequencing", "true-false", "fill-in", "numeric", "other"]))
    if kind is not None:
        found["interactionType"] = kind
        found["correctResponsesPattern"] = draw(st.lists(WORD, max_size=2))
        lists = {"choice": ["choices"], "sequencing": ["choices"], "likert": ["scale"],
                 "matching": ["source", "target"], "performance": ["steps"]}.get(kind, [])
        for key in lists:
            ids = draw(st.lists(WORD, min_size=1, max_size=4, unique=True))
            found[key] = [{"id": item, "description": draw(LANGUAGE_MAP)} for item in ids]
    return found


@st.composite
def activities(draw) -> dict[str, Any]:
    found: dict[str, Any] = {"id": draw(IRI)}
    if draw(st.booleans()):
        found["objectType"] = "Activity"
    if draw(st.booleans()):
        found["definition"] = draw(definitions())
    return found


@st.composite
def results(draw) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if draw(st.booleans()):
        low = draw(st.integers(-100, 100))
        high = draw(st.integers(low, low + 200))
        found["score"] = {"scaled": draw(st.floats(-1, 1)), "min": low, "max": high,
                          "raw": draw(st.integers(low, high))}
    for key in ("success", "completion"):
        if draw(st.booleans()):
            found[key] = draw(st.booleans())
    if draw(st.booleans()):
        found["response"] = draw(NAME)
    if draw(st.booleans()):
        found["duration"] = draw(st.sampled_from(["PT1M30S", "P1DT2H", "PT0.5S", "P2W",
                                                  "P1Y2M3DT4H5M6.7S"]))
    if draw(st.booleans()):
        found["extensions"] = draw(EXTENSIONS)
    return found


@st.composite
def contexts(draw, *, about_activity: bool) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if draw(st.booleans()):
        found["registration"] = draw(UUID)
    if draw(st.booleans()):
        found["instructor"] = draw(ACTORS)
    if draw(st.booleans()):
        found["team"] = draw(groups())
    if draw(st.booleans()):
        found["contextActivities"] = {
            key: draw(st.one_of(activities(), st.lists(activities(), min_size=1, max_size=2)))
            for key in draw(st.lists(st.sampled_from(["parent", "grouping", "category",
                                                      "other"]), unique=True, max_size=4))}
    if about_activity and draw(st.booleans()):
        found["revision"] = draw(WORD)
        found["platform"] = draw(WORD)
    if draw(st.booleans()):
        found["language"] = draw(LANGUAGE)
    if draw(st.booleans()):
        found["statement"] = {"objectType": "StatementRef", "id": draw(UUID)}
    if draw(st.booleans()):
        found["extensions"] = draw(EXTENSIONS)
    return found


ATTACHMENTS = st.lists(st.fixed_dictionaries(
    {"usageType": IRI, "display": LANGUAGE_MAP, "contentType": st.just("text/plain"),
     "length": st.integers(0, 10_000),
     "sha2": st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)},
    optional={"description": LANGUAGE_MAP, "fileUrl": IRI}), min_size=1, max_size=2)


@st.composite
def statement_parts(draw, *, substatement: bool = False) -> dict[str, Any]:
    kinds = ["activity", "agent", "group", "ref"] + ([] if substatement else ["sub"])
    kind = draw(st.sampled_from(kinds))
    target = {"activity": activities, "agent": lambda: agents(object_type=True),
              "group": groups, "ref": lambda: st.fixed_dictionaries(
                  {"objectType": st.just("StatementRef"), "id": UUID}),
              "sub": lambda: statement_parts(substatement=True).map(
                  lambda part: {"objectType": "SubStatement", **part})}[kind]()
    found: dict[str, Any] = {"actor": draw(ACTORS),
                             "verb": {"id": draw(IRI), "display": draw(LANGUAGE_MAP)},
                             "object": draw(target)}
    if draw(st.booleans()):
        found["result"] = draw(results())
    if draw(st.booleans()):
        found["context"] = draw(contexts(about_activity=kind == "activity"))
    if draw(st.booleans()):
        found["timestamp"] = draw(TIMESTAMP)
    if draw(st.booleans()):
        found["attachments"] = draw(ATTACHMENTS)
    return found


@st.composite
def statements(draw) -> dict[str, Any]:
    found = draw(statement_parts())
    if draw(st.booleans()):
        found["id"] = draw(UUID)
    if draw(st.booleans()):
        found["version"] = draw(st.sampled_from(["1.0.0", "1.0.3", "1.0"]))
    return found


def _refused(statement: dict[str, Any], path_part: str = "") -> StatementInvalid:
    with pytest.raises(StatementInvalid) as caught:
        check_statement(statement)
    assert path_part in caught.value.path, caught.value
    return caught.value


@settings(max_examples=300, deadline=None)
@given(statements())
def test_every_statement_built_by_the_rules_is_accepted(statement) -> None:
    assert check_statement(statement) is statement


@settings(max_examples=100, deadline=None)
@given(statements(), st.sampled_from(["actor", "verb", "object"]))
def test_a_statement_without_actor_verb_or_object_is_refused(statement, missing) -> None:
    del statement[missing]
    assert missing in str(_refused(statement))


@settings(max_examples=100, deadline=None)
@given(statements(), st.data())
def test_a_null_property_is_refused(statement, data) -> None:
    key = data.draw(st.sampled_from(sorted(statement)))
    statement[key] = None
    _refused(statement, key)


@settings(max_examples=100, deadline=None)
@given(statements(), WORD)
def test_an_unknown_property_is_refused(statement, name) -> None:
    statement[f"x{name}"] = 1
    assert "does not define" in str(_refused(statement))


@settings(max_examples=100, deadline=None)
@given(statements(), ifi(), ifi())
def test_an_agent_with_two_identifiers_or_none_is_refused(statement, first, second) -> None:
    if set(first) == set(second):
        return
    statement["actor"] = {"objectType": "Agent", **first, **second}
    _refused(copy.deepcopy(statement), "actor")
    statement["actor"] = {"objectType": "Agent", "name": "nobody"}
    _refused(statement, "actor")


@settings(max_examples=50, deadline=None)
@given(statements())
def test_an_anonymous_group_needs_members_that_are_agents(statement) -> None:
    statement["actor"] = {"objectType": "Group", "member": []}
    _refused(copy.deepcopy(statement), "actor.member")
    statement["actor"] = {"objectType": "Group",
                          "member": [{"objectType": "Group", "member": []}]}
    _refused(statement, "actor.member[0]")


@pytest.mark.parametrize(("change", "path"), [
    ({"mbox": "learner@example.com"}, "actor.mbox"),  # no mailto:
    ({"mbox_sha1sum": "abc"}, "actor.mbox_sha1sum"),
    ({"openid": "not an iri"}, "actor.openid"),
    ({"account": {"homePage": "https://x.example"}}, "actor.account"),
    ({"account": {"homePage": "nope", "name": "n"}}, "actor.account.homePage"),
])
def test_each_kind_of_identifier_has_its_rule(change, path) -> None:
    statement = {"actor": change, "verb": {"id": "https://v.example/v"},
                 "object": {"id": "https://a.example/a"}}
    _refused(statement, path)


@settings(max_examples=100, deadline=None)
@given(statements(), st.sampled_from(["en_US", "english-language-tag", "", "12"]))
def test_a_language_map_key_must_be_a_language_tag(statement, tag) -> None:
    statement["verb"]["display"] = {tag: "did"}
    _refused(statement, "verb.display")


@settings(max_examples=50, deadline=None)
@given(statements(), st.sampled_from(["verb", "openid"]))
def test_a_verb_id_must_be_an_iri(statement, _unused) -> None:
    statement["verb"] = {"id": "completed"}
    _refused(copy.deepcopy(statement), "verb.id")
    statement["verb"] = {"display": {"en": "x"}}
    _refused(statement, "verb")


@pytest.mark.parametrize(("target", "path"), [
    ({"objectType": "Activity"}, "object"),  # no id
    ({"objectType": "activity", "id": "https://a.example/a"}, "object.objectType"),
    ({"objectType": "Agent"}, "object"),
    ({"mbox": "mailto:a@example.com"}, "object"),  # an agent as object names its objectType
    ({"objectType": "StatementRef", "id": "not-a-uuid"}, "object.id"),
    ({"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.com"},
      "verb": {"id": "https://v.example/v"}, "object": {"id": "https://a.example/a"},
      "id": str(uuid.uuid4())}, "object"),
    ({"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.com"},
      "verb": {"id": "https://v.example/v"},
      "object": {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.com"},
                 "verb": {"id": "https://v.example/v"}, "object": {"id": "https://a.example/"}}},
     "object.object"),
    ({"id": "https://a.example/a", "definition": {"interactionType": "essay"}},
     "object.definition.interactionType"),
    ({"id": "https://a.example/a", "definition": {"interactionType": "likert",
                                                   "choices": [{"id": "a"}]}},
     "object.definition"),
    ({"id": "https://a.example/a", "definition": {"interactionType": "choice",
                                                   "choices": [{"id": "a"}, {"id": "a"}]}},
     "object.definition.choices[1].id"),
    ({"id": "https://a.example/a", "definition": {"moreInfo": "no iri"}},
     "object.definition.moreInfo"),
])
def test_object_types_and_activity_definitions_have_their_rules(target, path) -> None:
    _refused({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "https://v.example/v"},
              "object": target}, path)


@pytest.mark.parametrize(("result", "path"), [
    ({"score": {"scaled": 1.5}}, "result.score.scaled"),
    ({"score": {"raw": 11, "min": 0, "max": 10}}, "result.score.raw"),
    ({"score": {"min": 5, "max": 1}}, "result.score"),
    ({"score": {"raw": "10"}}, "result.score.raw"),
    ({"success": "yes"}, "result.success"),
    ({"duration": "90 seconds"}, "result.duration"),
    ({"duration": "PT"}, "result.duration"),
    ({"extensions": {"not an iri": 1}}, "result.extensions"),
])
def test_result_rules(result, path) -> None:
    _refused({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "https://v.example/v"},
              "object": {"id": "https://a.example/a"}, "result": result}, path)


@pytest.mark.parametrize(("context", "target", "path"), [
    ({"registration": "abc"}, None, "context.registration"),
    ({"team": {"mbox": "mailto:a@example.com"}}, None, "context.team"),
    ({"revision": "2"}, {"objectType": "Agent", "mbox": "mailto:b@example.com"},
     "context.revision"),
    ({"platform": "web"}, {"objectType": "Agent", "mbox": "mailto:b@example.com"},
     "context.platform"),
    ({"language": "en_GB"}, None, "context.language"),
    ({"contextActivities": {"parent": {"id": "nope"}}}, None, "context.contextActivities"),
    ({"contextActivities": {"sibling": []}}, None, "context.contextActivities"),
    ({"statement": {"id": str(uuid.uuid4())}}, None, "context.statement"),
])
def test_context_rules(context, target, path) -> None:
    _refused({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "https://v.example/v"},
              "object": target or {"id": "https://a.example/a"}, "context": context}, path)


@settings(max_examples=100, deadline=None)
@given(statements(), st.sampled_from(["2025-03-01T12:00:00", "2025-03-01", "yesterday",
                                      "2025-03-01T12:00:00-00:00", "2025-13-01T12:00:00Z"]))
def test_a_timestamp_needs_iso_8601_with_a_time_zone(statement, timestamp) -> None:
    statement["timestamp"] = timestamp
    _refused(statement, "timestamp")


@pytest.mark.parametrize(("attachment", "path"), [
    ({"display": {"en": "a"}, "contentType": "text/plain", "length": 1,
      "sha2": "ab" * 32}, "attachments[0]"),  # no usageType
    ({"usageType": "https://u.example/", "display": {"en": "a"}, "contentType": "text/plain",
      "length": -1, "sha2": "ab" * 32}, "attachments[0].length"),
    ({"usageType": "https://u.example/", "display": {"en": "a"}, "contentType": "text/plain",
      "length": 1, "sha2": "xyz"}, "attachments[0].sha2"),
    ({"usageType": "https://u.example/", "display": "a", "contentType": "text/plain",
      "length": 1, "sha2": "ab" * 32}, "attachments[0].display"),
])
def test_attachment_metadata_rules(attachment, path) -> None:
    _refused({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "https://v.example/v"},
              "object": {"id": "https://a.example/a"}, "attachments": [attachment]}, path)


@settings(max_examples=50, deadline=None)
@given(statements())
def test_a_voiding_statement_must_point_at_a_statement(statement) -> None:
    statement["verb"] = {"id": "http://adlnet.gov/expapi/verbs/voided"}
    if statement["object"].get("objectType") == "StatementRef":
        check_statement(statement)
    else:
        _refused(statement, "object")


@pytest.mark.parametrize(("change", "path"), [
    ({"id": "1234"}, "id"),
    ({"version": "2.0.0"}, "version"),
    ({"authority": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]}},
     "authority"),
    ({"stored": "now"}, "stored"),
])
def test_statement_level_properties(change, path) -> None:
    _refused({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "https://v.example/v"},
              "object": {"id": "https://a.example/a"}, **change}, path)


def _about(definition: dict[str, Any]) -> dict[str, Any]:
    return {"actor": {"mbox": "mailto:a@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": "https://learnloop.example/q/1", "definition": definition}}


def test_an_interaction_type_that_is_not_a_string_or_a_missing_one_is_refused() -> None:
    """Regression (ADL conformance suite, XAPI-00049 and XAPI-00064): an object as
    interactionType was a server error; correctResponsesPattern alone was accepted."""
    for bad in ({"interactionType": {"kind": "choice"}}, {"interactionType": ["choice"]},
                {"interactionType": "multiple-choice"},
                {"correctResponsesPattern": ["true"]}):
        _refused(_about(bad), "object.definition")
    assert check_statement(_about({"interactionType": "true-false",
                                   "correctResponsesPattern": ["true"]}))


def test_an_identified_group_is_no_authority() -> None:
    """Regression (ADL conformance suite, XAPI-00024 and XAPI-00100): only an anonymous pair."""
    pair = [{"mbox": "mailto:app@example.com"}, {"mbox": "mailto:user@example.com"}]
    statement = _about({})
    for identifier in ({"mbox": "mailto:g@example.com"}, {"openid": "https://example.com/g"},
                       {"account": {"homePage": "https://example.com", "name": "g"}}):
        _refused({**statement, "authority": {"objectType": "Group", "member": pair,
                                             **identifier}}, "authority")
    assert check_statement({**statement, "authority": {"objectType": "Group", "member": pair}})


def test_weeks_in_a_duration_stand_alone() -> None:
    """Regression (ADL conformance suite, XAPI-00124): ISO 8601 has PnW or PnYnMnDTnHnMnS."""
    for good in ("P4W", "P3D", "PT1M30S", "P1Y2M3DT4H5M6.5S"):
        assert check_statement({**_about({}), "result": {"duration": good}})
    for bad in ("P4W1D", "P1Y4W", "P4WT1H", "P", "PT"):
        _refused({**_about({}), "result": {"duration": bad}}, "result.duration")
