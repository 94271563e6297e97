"""The OpenAI-compatible and Anthropic providers against real HTTP servers on 127.0.0.1:
structured answers validated, malformed JSON, 429, 5xx and timeouts retried, then a clear
ProviderError; token costs counted; identical requests answered from the workspace cache.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from learnloop.config import load_settings
from learnloop.errors import ProviderError
from learnloop.llm.anthropic import AnthropicModel
from learnloop.llm.cache import AnswerCache
from learnloop.llm.chat import Prices, Usage, json_schema_of
from learnloop.llm.http_chat import HttpChatModel
from learnloop.llm.openai_compatible import OpenAICompatibleModel
from learnloop.llm.redaction import Directory, Redactor
from learnloop.llm.retry import RetryPolicy
from llm_servers import Answer, ModelServer, Stall, Status, prompt_of, schema_of, system_of

KINDS = ["openai", "anthropic"]


class Step(BaseModel):
    text: str
    owner: str = Field(description="who does it")


class Guide(BaseModel):
    title: str
    steps: list[Step]


GOOD = {"title": "Refunds", "steps": [{"text": "Check the receipt", "owner": "agent"}]}


def model_for(kind: str, server: ModelServer, **settings: Any) -> tuple[HttpChatModel,
                                                                          list[float]]:
    """A provider pointed at `server`; waits are recorded instead of slept."""
    slept: list[float] = []
    settings = {"retry": RetryPolicy(retries=2, backoff_seconds=0.01), "sleep": slept.append,
                **settings}
    cls = OpenAICompatibleModel if kind == "openai" else AnthropicModel
    return cls(base_url=server.url, model="test-model", **settings), slept


def ask(model: HttpChatModel, prompt: str = "Write the guide.") -> Any:
    return model.complete_json(system="You write guides.", prompt=prompt, schema=Guide,
                               purpose="job aid")


@pytest.mark.parametrize("kind", KINDS)
def test_a_valid_answer_is_validated_and_costed(kind: str) -> None:
    with ModelServer(kind, script=[Answer(GOOD)], api_key="sk-test") as server:
        model, _ = model_for(kind, server, api_key="sk-test",
                             prices=Prices({"test-model": (2.0, 8.0)}))
        result = ask(model)
    assert result.value == Guide.model_validate(GOOD)
    assert (result.attempts, result.cached, result.model) == (1, False, "test-model")
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0
    expected = (result.usage.input_tokens * 2 + result.usage.output_tokens * 8) / 1e6
    assert result.usage.cost_usd == pytest.approx(expected)
    body = server.requests[0].body
    assert system_of(body) == "You write guides."
    assert prompt_of(body) == "Write the guide."
    assert schema_of(body) == json_schema_of(Guide)
    assert "$ref" not in str(schema_of(body))  # references written out for simple servers


@pytest.mark.parametrize("kind", KINDS)
def test_malformed_json_is_asked_again_with_the_reason(kind: str) -> None:
    script = [Answer(text='{"title": "Refunds", "steps": [oops'),
              Answer({"title": "Refunds"}),  # valid JSON, but missing steps
              Answer(GOOD)]
    with ModelServer(kind, script=script) as server:
        model, slept = model_for(kind, server)
        result = ask(model)
    assert result.attempts == 3 and result.value.title == "Refunds"
    assert slept == []  # an invalid answer is asked again at once
    second, third = (str(r.body["messages"]) for r in server.requests[1:])
    assert "not valid JSON" in second
    assert "steps" in third and "does not fit the schema" in third
    # the tokens of the failed attempts count too
    assert result.usage.input_tokens > 0


@pytest.mark.parametrize("kind", KINDS)
def test_429_waits_as_long_as_retry_after_says(kind: str) -> None:
    script = [Status(429, headers={"Retry-After": "7"}), Status(503), Answer(GOOD)]
    with ModelServer(kind, script=script) as server:
        model, slept = model_for(kind, server)
        result = ask(model)
    assert result.attempts == 3 and len(server.requests) == 3
    assert slept[0] == 7  # the server's word, not our backoff
    assert 0 < slept[1] <= 0.02  # exponential backoff after the 503: 0.01 · 2¹ with jitter


@pytest.mark.parametrize("kind", KINDS)
def test_a_timeout_is_retried(kind: str) -> None:
    with ModelServer(kind, script=[Stall(3), Answer(GOOD)]) as server:
        model, slept = model_for(kind, server, timeout_seconds=0.3)
        result = ask(model)
    assert result.attempts == 2 and len(slept) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_retries_end_in_a_clear_provider_error(kind: str) -> None:
    script = [Status(500), Status(429, headers={"Retry-After": "0"}), Status(502)]
    with ModelServer(kind, script=script) as server:
        model, _ = model_for(kind, server)
        with pytest.raises(ProviderError, match=r"gave no valid job aid after 3 attempts: "
                                                r"the server answered 502"):
            ask(model)
    assert len(server.requests) == 3


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_key_fails_at_once_without_retrying(kind: str) -> None:
    with ModelServer(kind, api_key="right") as server:
        model, _ = model_for(kind, server, api_key="wrong")
        with pytest.raises(ProviderError, match=r"refused the request \(401\): invalid api key"):
            ask(model)
    assert len(server.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_an_answer_cut_off_at_the_token_limit_is_asked_again(kind: str) -> None:
    with ModelServer(kind, script=[Answer(GOOD, truncated=True), Answer(GOOD)]) as server:
        model, _ = model_for(kind, server)
        assert ask(model).attempts == 2
    assert "cut off" in str(server.requests[1].body["messages"])


def test_an_unreachable_server_is_a_provider_error() -> None:
    with ModelServer("openai") as server:
        url = server.url
    model = OpenAICompatibleModel(base_url=url, model="m", sleep=lambda _: None,
                                  retry=RetryPolicy(retries=1))
    with pytest.raises(ProviderError, match="could not reach the server"):
        ask(model)


@pytest.mark.parametrize("kind", KINDS)
def test_identical_requests_are_answered_from_the_cache(kind: str, tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "llm-cache.sqlite3", max_age_days=30)
    with ModelServer(kind, script=[Answer(GOOD), Answer(GOOD)]) as server:
        model, _ = model_for(kind, server, cache=cache)
        first = ask(model)
        again = ask(model)
        other = ask(model, prompt="Write another guide.")
    assert len(server.requests) == 2  # the repeat never reached the server
    assert (again.cached, again.attempts, again.usage) == (True, 0, Usage(cached=True))
    assert again.value == first.value and not other.cached
    # an expired answer is not used
    stale = AnswerCache(tmp_path / "llm-cache.sqlite3", max_age_days=0)
    assert stale.get("anything") is None


@pytest.mark.parametrize("kind", KINDS)
def test_personal_data_never_reaches_the_server_and_comes_back_in_the_answer(
        kind: str, tmp_path: Path) -> None:
    directory = Directory(names=frozenset({"Priya Shah", "Tomás O'Neill"}),
                          keys=frozenset({"TW1042"}), emails=frozenset())
    prompt = ("Escalations go to Priya Shah (priya.shah@example.com, +44 20 7946 0958). "
              "Tomás O'Neill, employee TW1042, approves refunds over 250 EUR since 2024-03-01.")
    personal = ["Priya", "Shah", "priya.shah@example.com", "7946", "Tomás", "O'Neill", "TW1042"]

    def answer_with_placeholders(body: dict[str, Any]) -> Answer:
        sent = prompt_of(body)
        assert "[PERSON_1]" in sent and "[EMAIL_1]" in sent
        return Answer({"title": "Escalate to [PERSON_1]", "steps": [
            {"text": "Mail [EMAIL_1] or call [PHONE_1]", "owner": "[PERSON_2] ([ID_1])"}]})

    cache = AnswerCache(tmp_path / "cache.sqlite3", max_age_days=30)
    with ModelServer(kind, responder=answer_with_placeholders) as server:
        model, _ = model_for(kind, server, redactor=Redactor(directory), cache=cache)
        result = ask(model, prompt)
    raw = str(server.requests[0].body)
    assert [word for word in personal if word in raw] == []
    assert "250 EUR" in raw and "2024-03-01" in raw  # ordinary figures are left alone
    assert result.value.title == "Escalate to Priya Shah"
    assert result.value.steps[0].text == \
        "Mail priya.shah@example.com or call +44 20 7946 0958"
    assert result.value.steps[0].owner == "Tomás O'Neill (TW1042)"
    # the cache holds the redacted answer only
    stored = (tmp_path / "cache.sqlite3").read_bytes()
    assert b"Priya" not in stored and b"TW1042" not in stored


def test_azure_sends_the_key_in_its_header_and_the_api_version() -> None:
    with ModelServer("openai", script=[Answer(GOOD)], api_key="azure-key") as server:
        model, _ = model_for("openai", server, api_key="azure-key",
                             azure_api_version="2024-10-21")
        ask(model)
    recorded = server.requests[0]
    assert recorded.query == "api-version=2024-10-21"
    assert recorded.headers["api-key"] == "azure-key" and "authorization" not in recorded.headers


def test_anthropic_is_asked_for_its_version_and_a_forced_tool() -> None:
    with ModelServer("anthropic", script=[Answer(GOOD)], api_key="k") as server:
        model, _ = model_for("anthropic", server, api_key="k")
        ask(model)
    recorded = server.requests[0]
    assert recorded.headers["anthropic-version"] == "2023-06-01"
    assert recorded.body["tool_choice"] == {"type": "tool", "name": "record_answer"}


def test_the_api_key_is_never_printed_and_prices_read_from_json(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_LLM_API_KEY", "sk-do-not-print")
    monkeypatch.setenv("LEARNLOOP_LLM_BASE_URL", "https://user:hunter2@llm.internal/v1")
    monkeypatch.setenv("LEARNLOOP_LLM_PRICES", '{"gpt-4o-mini": [0.15, 0.6]}')
    settings = load_settings()
    described = str(settings.described())
    assert "sk-do-not-print" not in described and "hunter2" not in described
    assert settings.llm_prices == {"gpt-4o-mini": (0.15, 0.6)}
    assert Prices(settings.llm_prices).cost("gpt-4o-mini", input_tokens=1_000_000,
                                            output_tokens=500_000) == pytest.approx(0.45)
    assert settings.llm_redaction is True and settings.llm_engine == "offline"


@pytest.mark.parametrize("text", [
    "```json\n" + json.dumps(GOOD) + "\n```",
    "<think>The user wants a guide; keep it short.</think>\n" + json.dumps(GOOD),
    "Sure! Here is the guide:\n" + json.dumps(GOOD) + "\nHope this helps.",
])
def test_json_is_read_from_fences_reasoning_and_chatter(text: str) -> None:
    with ModelServer("openai", script=[Answer(text=text)]) as server:
        model, _ = model_for("openai", server)
        result = ask(model)
    assert result.attempts == 1 and result.value == Guide.model_validate(GOOD)
