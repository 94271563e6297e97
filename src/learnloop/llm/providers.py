"""The content engine the configuration asks for: offline by default, or a chat engine over an
OpenAI-compatible or Anthropic server with redaction, retries, prices and the answer cache.
"""

from __future__ import annotations

from learnloop.config import Settings
from learnloop.errors import ConfigError, InputError, Problem
from learnloop.llm.anthropic import ANTHROPIC_BASE_URL, AnthropicModel
from learnloop.llm.cache import AnswerCache
from learnloop.llm.chat import ChatModel, Prices
from learnloop.llm.chat_engine import ChatEngine
from learnloop.llm.engine import ContentEngine
from learnloop.llm.http_chat import HttpChatModel
from learnloop.llm.offline import OfflineEngine
from learnloop.llm.openai_compatible import OPENAI_BASE_URL, OpenAICompatibleModel
from learnloop.llm.redaction import Directory, Redactor
from learnloop.llm.retry import RetryPolicy

__all__ = ["ENGINES", "CACHE_FILE", "chat_model_from_settings", "engine_from_settings"]

ENGINES = ("offline", "openai", "anthropic")
CACHE_FILE = "llm-cache.sqlite3"
_PUBLIC = {"openai": OPENAI_BASE_URL, "anthropic": ANTHROPIC_BASE_URL}


def engine_from_settings(settings: Settings, *, engine: str | None = None,
                         directory: Directory | None = None) -> ContentEngine:
    """`engine` (a command's --engine) or LEARNLOOP_LLM_ENGINE. `directory` is the
    organisation's people (`Directory.from_people(store.people.people(...))`): without it only
    emails and phone numbers are redacted, not names or employee keys."""
    chosen = engine or settings.llm_engine
    if chosen == "offline":
        return OfflineEngine()
    return ChatEngine(chat_model_from_settings(settings, engine=chosen, directory=directory),
                      max_source_chars=settings.llm_max_source_chars)


def chat_model_from_settings(settings: Settings, *, engine: str,
                             directory: Directory | None = None) -> ChatModel:
    if engine not in _PUBLIC:
        raise InputError(f"unknown engine {engine!r}", [Problem(
            f"choose one of {', '.join(ENGINES)}", field="engine")])
    if not settings.llm_model:
        raise ConfigError(f"LEARNLOOP_LLM_MODEL must name the model for the {engine} engine")
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if settings.llm_base_url is None and not api_key:
        raise ConfigError(
            f"LEARNLOOP_LLM_API_KEY must be set for the public {engine} API "
            f"({_PUBLIC[engine]}), or LEARNLOOP_LLM_BASE_URL must point at your own server")
    if settings.llm_azure_api_version and engine != "openai":
        raise ConfigError("LEARNLOOP_LLM_AZURE_API_VERSION applies to the openai engine only")
    cache = None
    if settings.llm_cache_days:
        cache = AnswerCache(settings.workspace / CACHE_FILE,
                            max_age_days=settings.llm_cache_days)
    common = {
        "base_url": settings.llm_base_url or _PUBLIC[engine],
        "model": settings.llm_model,
        "api_key": api_key,
        "timeout_seconds": settings.llm_timeout_seconds,
        "retry": RetryPolicy(retries=settings.llm_retries),
        "max_output_tokens": settings.llm_max_output_tokens,
        "prices": Prices(dict(settings.llm_prices)),
        "redactor": Redactor(directory) if settings.llm_redaction else None,
        "cache": cache,
    }
    model: HttpChatModel
    if engine == "openai":
        model = OpenAICompatibleModel(azure_api_version=settings.llm_azure_api_version, **common)
    else:
        model = AnthropicModel(**common)
    return model
