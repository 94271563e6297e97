"""xAPI 1.0.3 statement rules: whether a statement (or an agent, an activity) may be stored.

Pure functions over parsed JSON. Each rule failure raises `StatementInvalid` naming the property
path and the rule, which the LRS answers as 400 with that reason.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

__all__ = [
    "INTERACTION_TYPES", "StatementInvalid", "VERSION_HEADER_PATTERN", "VOIDED_VERB",
    "check_agent", "check_document_agent", "check_iri", "check_language_tag", "check_statement",
    "check_uuid", "check_version",
    "is_uuid", "parse_timestamp",
]

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

INTERACTION_TYPES = frozenset({"true-false", "choice", "fill-in", "long-fill-in", "matching",
                               "performance", "sequencing", "likert", "numeric", "other"})
# which interaction component lists each interaction type may carry
_COMPONENTS = {"choice": {"choices"}, "sequencing": {"choices"}, "likert": {"scale"},
               "matching": {"source", "target"}, "performance": {"steps"}}
_COMPONENT_LISTS = frozenset({"choices", "scale", "source", "target", "steps"})

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[89abAB][0-9a-fA-F]{3}-"
                   r"[0-9a-fA-F]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56,128}$")
_VERSION = re.compile(r"^1\.0(\.\d+)?$")
# the X-Experience-API-Version header a 1.0.3 LRS accepts
VERSION_HEADER_PATTERN = _VERSION
# RFC 5646 language tags (langtag, private use and the grandfathered forms people still send)
_LANGUAGE = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*"
    r"(?:-[\dA-WY-Za-wy-z](?:-[A-Za-z\d]{2,8})+)*(?:-[xX](?:-[A-Za-z\d]{1,8})+)?"
    r"|[xX](?:-[A-Za-z\d]{1,8})+|[iI]-[A-Za-z]{2,8}|[A-Za-z]{2}-[A-Za-z]{2,3}-[A-Za-z]{2,8})$")
_OFFSET_WITHOUT_COLON = re.compile(r"[+-]\d{4}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$")
# ISO 8601:2004 4.4.3.2: PnYnMnDTnHnMnS, or weeks alone (PnW): weeks mix with nothing
_DURATION = re.compile(r"^P(?:\d+(?:[.,]\d+)?W$|(?=\d|T\d))(?:\d+(?:[.,]\d+)?Y)?"
                       r"(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
                       r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?"
                       r"(?:\d+(?:[.,]\d+)?S)?)?$")

_STATEMENT_KEYS = frozenset({"id", "actor", "verb", "object", "result", "context", "timestamp",
                             "stored", "authority", "version", "attachments"})
_SUBSTATEMENT_KEYS = frozenset({"objectType", "actor", "verb", "object", "result", "context",
                                "timestamp", "attachments"})
_AGENT_KEYS = frozenset({"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
_GROUP_KEYS = _AGENT_KEYS | {"member"}
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_VERB_KEYS = frozenset({"id", "display"})
_ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
_DEFINITION_KEYS = frozenset({"name", "description", "type", "moreInfo", "extensions",
                              "interactionType", "correctResponsesPattern"}) | _COMPONENT_LISTS
_RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration",
                          "extensions"})
_SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
_CONTEXT_KEYS = frozenset({"registration", "instructor", "team", "contextActivities",
                           "revision", "platform", "language", "statement", "extensions"})
_CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
_ATTACHMENT_KEYS = frozenset({"usageType", "display", "description", "contentType", "length",
                              "sha2", "fileUrl"})


class StatementInvalid(ValueError):
    """A statement breaks a rule of the specification; `path` says where."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.reason = message


def _object(value: Any, path: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StatementInvalid(path, "must be a JSON object")
    if not allowed.issuperset(value):
        unknown = sorted(set(value) - allowed)
        raise StatementInvalid(path, f"has properties the specification does not define: "
                                     f"{', '.join(unknown)}")
    if None in value.values():  # one pass in C; JSON values never equal None otherwise
        key = next(key for key, item in value.items() if item is None)
        raise StatementInvalid(f"{path}.{key}", "must not be null")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise StatementInvalid(path, "must be a string")
    return value


def _boolean(value: Any, path: str) -> None:
    if not isinstance(value, bool):
        raise StatementInvalid(path, "must be true or false")


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatementInvalid(path, "must be a number")
    return float(value)


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


def check_uuid(value: Any, path: str) -> str:
    if not is_uuid(value):
        raise StatementInvalid(path, "must be a UUID (RFC 4122, e.g. "
                                     "'3fa85f64-5717-4562-b3fc-2c963f66afa6')")
    return value


def check_iri(value: Any, path: str) -> str:
    if not isinstance(value, str) or _IRI.match(value) is None:
        raise StatementInvalid(path, "must be an absolute IRI (scheme:..., no spaces)")
    return value


# language tags seen to be good: statements repeat a handful ('en-US'), and the RFC 5646
# pattern is the slowest one here; bounded, so odd tags cannot grow it without end
_GOOD_TAGS: set[str] = set()
_GOOD_TAGS_KEPT = 1000


def _good_tag(value: Any) -> bool:
    if isinstance(value, str) and value in _GOOD_TAGS:
        return True
    if not isinstance(value, str) or _LANGUAGE.match(value) is None:
        return False
    if len(_GOOD_TAGS) < _GOOD_TAGS_KEPT:
        _GOOD_TAGS.add(value)
    return True


def check_language_tag(value: Any, path: str) -> str:
    if not _good_tag(value):
        raise StatementInvalid(path, f"{value!r} is not an RFC 5646 language tag")
    return value


def check_version(value: Any, path: str) -> str:
    if not isinstance(value, str) or _VERSION.match(value) is None:
        raise StatementInvalid(path, "must be an xAPI 1.0.x version, e.g. '1.0.3'")
    return value


def _language_map(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise StatementInvalid(path, "must be a language map (a JSON object)")
    for tag, text in value.items():  # the path is spelt out only for a failure
        if not _good_tag(tag):
            check_language_tag(tag, f"{path}.{tag}")
        if not isinstance(text, str):
            _string(text, f"{path}.{tag}")


def _extensions(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise StatementInvalid(path, "must be a JSON object")
    for key in value:  # values may be anything, null included
        check_iri(key, f"{path}[{key!r}]")


def parse_timestamp(value: Any, path: str) -> datetime:
    """An ISO 8601 time with a time zone; '-00:00' (unknown offset) is refused as RFC 3339 says."""
    if not isinstance(value, str) or _TIMESTAMP.match(value) is None:
        raise StatementInvalid(path, "must be an ISO 8601 timestamp with a time zone, e.g. "
                                     "'2025-03-01T12:00:00.000Z'")
    if value.endswith("Z"):
        text = value[:-1] + "+00:00"
    else:
        if value.endswith(("-00:00", "-0000")):
            raise StatementInvalid(path, "'-00:00' is not a time zone (RFC 3339)")
        text = value
        if _OFFSET_WITHOUT_COLON.search(text):
            text = f"{text[:-2]}:{text[-2:]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise StatementInvalid(path, f"is not a valid time: {error}") from None


def _account(value: Any, path: str) -> None:
    account = _object(value, path, frozenset({"homePage", "name"}))
    if "homePage" not in account or "name" not in account:
        raise StatementInvalid(path, "an account needs both homePage and name")
    check_iri(account["homePage"], f"{path}.homePage")
    _string(account["name"], f"{path}.name")


def _ifis(agent: dict[str, Any], path: str) -> int:
    """Check each inverse functional identifier present; return how many there are."""
    count = 0
    for ifi in _IFIS:
        if ifi not in agent:
            continue
        count += 1
        value = agent[ifi]
        where = f"{path}.{ifi}"
        if ifi == "mbox":
            if not isinstance(value, str) or not value.startswith("mailto:") or "@" not in value:
                raise StatementInvalid(where, "must be a 'mailto:' IRI with an email address")
        elif ifi == "mbox_sha1sum":
            if not isinstance(value, str) or _SHA1.match(value) is None:
                raise StatementInvalid(where, "must be the hex SHA1 of a mailto IRI")
        elif ifi == "openid":
            check_iri(value, where)
        else:
            _account(value, where)
    return count


def check_agent(value: Any, path: str, *, group_allowed: bool = True,
                object_type_required: bool = False) -> dict[str, Any]:
    """An Agent or (if allowed) a Group: exactly one identifier, or an anonymous group's members."""
    if not isinstance(value, dict):
        raise StatementInvalid(path, "must be a JSON object (an Agent or a Group)")
    kind = value.get("objectType", None if not object_type_required else "")
    if kind == "Group":
        if not group_allowed:
            raise StatementInvalid(path, "must be an Agent, not a Group")
        group = _object(value, path, _GROUP_KEYS)
        if "name" in group:
            _string(group["name"], f"{path}.name")
        count = _ifis(group, path)
        if count > 1:
            raise StatementInvalid(path, "an identified Group has exactly one identifier")
        if "member" in group or count == 0:
            members = group.get("member")
            if not isinstance(members, list):
                raise StatementInvalid(f"{path}.member", "an anonymous Group needs a member list")
            if count == 0 and not members:
                raise StatementInvalid(f"{path}.member", "an anonymous Group needs members")
            for index, member in enumerate(members):
                check_agent(member, f"{path}.member[{index}]", group_allowed=False)
        return group
    if kind not in (None, "Agent"):
        raise StatementInvalid(f"{path}.objectType", "must be 'Agent' or 'Group'"
                               if group_allowed else "must be 'Agent'")
    agent = _object(value, path, _AGENT_KEYS)
    if "name" in agent:
        _string(agent["name"], f"{path}.name")
    if _ifis(agent, path) != 1:
        raise StatementInvalid(path, "an Agent has exactly one identifier: mbox, mbox_sha1sum, "
                                     "openid or account")
    return agent


def check_document_agent(value: Any, path: str = "agent") -> dict[str, Any]:
    """The agent of a State or Agent Profile request: an Agent (identified Groups allowed)."""
    return check_agent(value, path)


def _verb(value: Any, path: str) -> None:
    verb = _object(value, path, _VERB_KEYS)
    if "id" not in verb:
        raise StatementInvalid(path, "a verb needs an id")
    check_iri(verb["id"], f"{path}.id")
    if "display" in verb:
        _language_map(verb["display"], f"{path}.display")


def _components(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise StatementInvalid(path, "must be a list of interaction components")
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        component = _object(item, where, frozenset({"id", "description"}))
        if "id" not in component:
            raise StatementInvalid(where, "an interaction component needs an id")
        key = _string(component["id"], f"{where}.id")
        if not key.strip():
            raise StatementInvalid(f"{where}.id", "must not be empty")
        if key in seen:
            raise StatementInvalid(f"{where}.id", f"{key!r} appears twice in one list")
        seen.add(key)
        if "description" in component:
            _language_map(component["description"], f"{where}.description")


def _definition(value: Any, path: str) -> None:
    definition = _object(value, path, _DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in definition:
            _language_map(definition[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in definition:
            check_iri(definition[key], f"{path}.{key}")
    if "extensions" in definition:
        _extensions(definition["extensions"], f"{path}.extensions")
    kind = definition.get("interactionType")
    if kind is not None and (not isinstance(kind, str) or kind not in INTERACTION_TYPES):
        raise StatementInvalid(f"{path}.interactionType",
                               f"must be one of {', '.join(sorted(INTERACTION_TYPES))}")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(item, str) for item in pattern):
            raise StatementInvalid(f"{path}.correctResponsesPattern", "must be a list of strings")
        if kind is None:  # Data 2.4.4.1.s8: these properties belong to an interaction
            raise StatementInvalid(path, "correctResponsesPattern needs an interactionType")
    present = _COMPONENT_LISTS & set(definition)
    if present:
        if kind is None:
            raise StatementInvalid(path, "interaction components need an interactionType")
        wrong = sorted(present - _COMPONENTS.get(kind, set()))
        if wrong:
            raise StatementInvalid(path, f"a {kind!r} interaction has no {', '.join(wrong)}")
        for key in sorted(present):
            _components(definition[key], f"{path}.{key}")


def _activity(value: Any, path: str) -> None:
    activity = _object(value, path, _ACTIVITY_KEYS)
    if activity.get("objectType", "Activity") != "Activity":
        raise StatementInvalid(f"{path}.objectType", "must be 'Activity'")
    if "id" not in activity:
        raise StatementInvalid(path, "an Activity needs an id")
    check_iri(activity["id"], f"{path}.id")
    if "definition" in activity:
        _definition(activity["definition"], f"{path}.definition")


def _statement_ref(value: Any, path: str) -> None:
    ref = _object(value, path, frozenset({"objectType", "id"}))
    if ref.get("objectType") != "StatementRef":
        raise StatementInvalid(f"{path}.objectType", "must be 'StatementRef'")
    if "id" not in ref:
        raise StatementInvalid(path, "a StatementRef needs an id")
    check_uuid(ref["id"], f"{path}.id")


def _object_of(value: Any, path: str, *, inside_substatement: bool) -> str:
    """Check a statement's object; return its objectType."""
    if not isinstance(value, dict):
        raise StatementInvalid(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _activity(value, path)
    elif kind in ("Agent", "Group"):
        check_agent(value, path, object_type_required=True)
    elif kind == "StatementRef":
        _statement_ref(value, path)
    elif kind == "SubStatement":
        if inside_substatement:
            raise StatementInvalid(path, "a SubStatement cannot hold another SubStatement")
        _substatement(value, path)
    else:
        raise StatementInvalid(f"{path}.objectType", "must be Activity, Agent, Group, "
                                                      "StatementRef or SubStatement")
    return kind


def _result(value: Any, path: str) -> None:
    result = _object(value, path, _RESULT_KEYS)
    if "score" in result:
        score = _object(result["score"], f"{path}.score", _SCORE_KEYS)
        numbers = {key: _number(score[key], f"{path}.score.{key}") for key in score}
        if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
            raise StatementInvalid(f"{path}.score.scaled", "must be between -1 and 1")
        low, high = numbers.get("min"), numbers.get("max")
        if low is not None and high is not None and low > high:
            raise StatementInvalid(f"{path}.score", "min must not be greater than max")
        raw = numbers.get("raw")
        if raw is not None and ((low is not None and raw < low) or
                                (high is not None and raw > high)):
            raise StatementInvalid(f"{path}.score.raw", "must lie between min and max")
    for key in ("success", "completion"):
        if key in result:
            _boolean(result[key], f"{path}.{key}")
    if "response" in result:
        _string(result["response"], f"{path}.response")
    if "duration" in result:
        duration = result["duration"]
        if not isinstance(duration, str) or _DURATION.match(duration) is None:
            raise StatementInvalid(f"{path}.duration", "must be an ISO 8601 duration, e.g. PT1M30S")
    if "extensions" in result:
        _extensions(result["extensions"], f"{path}.extensions")


def _context(value: Any, path: str, *, object_type: str) -> None:
    context = _object(value, path, _CONTEXT_KEYS)
    if "registration" in context:
        check_uuid(context["registration"], f"{path}.registration")
    if "instructor" in context:
        check_agent(context["instructor"], f"{path}.instructor")
    if "team" in context:
        team = context["team"]
        if not isinstance(team, dict) or team.get("objectType") != "Group":
            raise StatementInvalid(f"{path}.team", "must be a Group (objectType 'Group')")
        check_agent(team, f"{path}.team")
    if "contextActivities" in context:
        where = f"{path}.contextActivities"
        activities = _object(context["contextActivities"], where, _CONTEXT_ACTIVITY_KEYS)
        for key, item in activities.items():
            for index, activity in enumerate(item if isinstance(item, list) else [item]):
                _activity(activity, f"{where}.{key}[{index}]")
    for key in ("revision", "platform"):
        if key in context:
            _string(context[key], f"{path}.{key}")
            if object_type != "Activity":
                raise StatementInvalid(f"{path}.{key}", "only a statement about an Activity "
                                                         "may have it")
    if "language" in context:
        check_language_tag(context["language"], f"{path}.language")
    if "statement" in context:
        _statement_ref(context["statement"], f"{path}.statement")
    if "extensions" in context:
        _extensions(context["extensions"], f"{path}.extensions")


def _attachments(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise StatementInvalid(path, "must be a list of attachments")
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        attachment = _object(item, where, _ATTACHMENT_KEYS)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in attachment:
                raise StatementInvalid(where, f"an attachment needs {key}")
        check_iri(attachment["usageType"], f"{where}.usageType")
        _language_map(attachment["display"], f"{where}.display")
        if "description" in attachment:
            _language_map(attachment["description"], f"{where}.description")
        _string(attachment["contentType"], f"{where}.contentType")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise StatementInvalid(f"{where}.length", "must be a whole number of bytes")
        if not isinstance(attachment["sha2"], str) or _SHA2.match(attachment["sha2"]) is None:
            raise StatementInvalid(f"{where}.sha2", "must be a hex SHA-2 hash")
        if "fileUrl" in attachment:
            check_iri(attachment["fileUrl"], f"{where}.fileUrl")


def _core(statement: dict[str, Any], path: str, *, inside_substatement: bool) -> None:
    """The parts a statement and a SubStatement share."""
    for key in ("actor", "verb", "object"):
        if key not in statement:
            raise StatementInvalid(path, f"a statement needs {key}")
    check_agent(statement["actor"], f"{path}actor")
    _verb(statement["verb"], f"{path}verb")
    kind = _object_of(statement["object"], f"{path}object",
                      inside_substatement=inside_substatement)
    if "result" in statement:
        _result(statement["result"], f"{path}result")
    if "context" in statement:
        _context(statement["context"], f"{path}context", object_type=kind)
    if "timestamp" in statement:
        parse_timestamp(statement["timestamp"], f"{path}timestamp")
    if "attachments" in statement:
        _attachments(statement["attachments"], f"{path}attachments")
    if statement["verb"]["id"] == VOIDED_VERB and kind != "StatementRef":
        raise StatementInvalid(f"{path}object", "a voiding statement's object must be a "
                                                 "StatementRef to the statement it voids")


def _substatement(value: Any, path: str) -> None:
    substatement = _object(value, path, _SUBSTATEMENT_KEYS)
    _core(substatement, f"{path}.", inside_substatement=True)


def check_statement(value: Any) -> dict[str, Any]:
    """Check one statement as sent to the LRS; return it unchanged, or raise StatementInvalid."""
    statement = _object(value, "statement", _STATEMENT_KEYS)
    if "id" in statement:
        check_uuid(statement["id"], "id")
    _core(statement, "", inside_substatement=False)
    if "stored" in statement:
        parse_timestamp(statement["stored"], "stored")
    if "version" in statement:
        check_version(statement["version"], "version")
    if "authority" in statement:
        authority = statement["authority"]
        check_agent(authority, "authority")
        # Data 2.4.9.s3.b3: a Group authority is an anonymous OAuth pair (client, user)
        if authority.get("objectType") == "Group" and (
                len(authority.get("member", [])) != 2 or _ifis(authority, "authority")):
            raise StatementInvalid("authority", "a Group authority is an OAuth pair: an "
                                                "anonymous Group of exactly two members")
    return statement
