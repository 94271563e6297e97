"""The content engine over a chat model: one fixed prompt per component kind (translation
included), the source as quoted data, and every citation held to the source's chunks.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from learnloop.domain.content.chunks import Chunk
from learnloop.domain.content.components import (
    ComponentKind,
    TranslatedItem,
    TranslationBody,
    body_model,
    cited_chunk_ids,
)
from learnloop.domain.content.sentences import words
from learnloop.errors import InputError, Problem, ProviderError
from learnloop.llm.chat import ChatModel, json_schema_of
from learnloop.llm.citations import ground_citations
from learnloop.llm.engine import GenerationRequest, GenerationResult, Provenance, Usage
from learnloop.llm.prompts import data_block, prompt_version, system_prompt

__all__ = ["ChatEngine", "TranslationAnswer", "within_budget"]

log = logging.getLogger(__name__)

# what is not text a reader sees: tags, ids and the quoted source stay as they are
_NOT_TRANSLATED = frozenset({"kind", "format", "chunk_id", "quote", "citation", "citations",
                             "title", "base_kind", "language"})
_CLAIM_FIELDS = frozenset({"text", "criterion", "front"})  # the field its item's citations back


class TranslatedText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    index: int = Field(ge=0)
    text: str = Field(min_length=1, max_length=4000)


class TranslationAnswer(BaseModel):
    """What a model returns for a translation: the texts by number (learnloop puts them back
    in place, with the original citations, so a model never touches a citation)."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=300)
    texts: list[TranslatedText]


class ChatEngine:
    """Implements `ContentEngine` over any `ChatModel` (OpenAI-compatible, Anthropic)."""

    kinds = tuple(ComponentKind)

    def __init__(self, chat_model: ChatModel, *, max_source_chars: int = 200_000) -> None:
        self.chat_model = chat_model
        self.name = chat_model.provider
        self.model = chat_model.model
        self.max_source_chars = max_source_chars

    def generate(self, request: GenerationRequest) -> GenerationResult:
        kind = ComponentKind(request.kind)
        if not request.chunks:
            raise InputError(f"the source “{request.source_title}” has no text to write from",
                             [Problem("no chunks", field="source")])
        if kind is ComponentKind.TRANSLATION:
            return self._translate(request)
        schema = body_model(kind)
        result = self.chat_model.complete_json(
            system=system_prompt(kind, json_schema=json_schema_of(schema)),
            prompt=data_block(source_title=request.source_title,
                              chunks=within_budget(request, max_chars=self.max_source_chars),
                              need=request.need),
            schema=schema, purpose=str(kind))
        grounded = ground_citations(result.value, request.chunks)
        for note in grounded.repaired:
            log.info("%s: citation repaired: %s", kind, note)
        for note in grounded.dropped:
            log.warning("%s: citation dropped: %s", kind, note)
        return GenerationResult(
            body=grounded.body,
            provenance=Provenance(engine=self.name, model=result.model,
                                  prompt_version=prompt_version(kind),
                                  chunk_ids=tuple(cited_chunk_ids(grounded.body))),
            usage=result.usage)

    def _translate(self, request: GenerationRequest) -> GenerationResult:
        base, language = request.base, (request.target_language or "").strip()
        problems = []
        if base is None:
            problems.append(Problem("a translation needs the component to translate",
                                    field="base"))
        elif ComponentKind(getattr(base, "kind", "translation")) is ComponentKind.TRANSLATION:
            problems.append(Problem("translate the original component, not a translation",
                                    field="base"))
        if not language:
            problems.append(Problem("a translation needs a target language such as 'de'",
                                    field="target_language"))
        if problems:
            raise InputError("cannot translate", problems)
        assert base is not None
        texts = _translatable(base.model_dump(mode="json"))
        cited = set(cited_chunk_ids(base))
        context = tuple(chunk for chunk in request.chunks if chunk.id in cited)
        schema = TranslationAnswer
        translated: dict[int, str] = {}
        title = ""
        usage = Usage(cached=True)
        model = self.model
        # a model that leaves texts out is asked once more for just those
        for _ in range(2):
            missing = [i for i in range(len(texts)) if i not in translated]
            if not missing:
                break
            result = self.chat_model.complete_json(
                system=system_prompt(ComponentKind.TRANSLATION,
                                     json_schema=json_schema_of(schema)),
                prompt=data_block(
                    source_title=request.source_title, chunks=context, need=request.need,
                    extra={"target_language": language, "title": getattr(base, "title", ""),
                           "texts": [{"index": i, "text": texts[i][0]} for i in missing]}),
                schema=schema, purpose="translation")
            usage, model = usage + result.usage, result.model
            title = title or result.value.title
            translated.update({t.index: t.text for t in result.value.texts
                               if t.index in missing})
        missing = [i for i in range(len(texts)) if i not in translated]
        if missing:
            raise ProviderError(f"the {self.name} model left {len(missing)} of {len(texts)} "
                                f"texts untranslated (numbers {missing[:10]})")
        body = TranslationBody(
            title=title, language=language, base_kind=ComponentKind(base.kind),  # type: ignore[attr-defined]
            items=[TranslatedItem(original=original, text=translated[i], citations=citations)
                   for i, (original, citations) in enumerate(texts)])
        return GenerationResult(
            body=body,
            provenance=Provenance(engine=self.name, model=model,
                                  prompt_version=prompt_version(ComponentKind.TRANSLATION),
                                  chunk_ids=tuple(cited_chunk_ids(base))),
            usage=usage)


def within_budget(request: GenerationRequest, *, max_chars: int) -> tuple[Chunk, ...]:
    """The chunks a model is shown: all of them when they fit `max_chars` (the model's context
    window, LEARNLOOP_LLM_MAX_SOURCE_CHARS); else those nearest the need and the title, by the
    share of their words they mention, kept in reading order. A server would otherwise cut the
    prompt itself, silently, wherever its window ends."""
    chunks = request.chunks
    if sum(len(chunk.text) for chunk in chunks) <= max_chars:
        return chunks
    about = request.source_title if request.need is None else " ".join(
        (request.need.title, request.need.reason, request.need.kpi_metric or ""))
    focus = _stems(about)

    def relevance(chunk: Chunk) -> tuple[float, int]:
        said = _stems(f"{chunk.heading} {chunk.text}", unique=False)
        shared = sum(stem in focus for stem in said) / max(len(said), 1)
        return -shared, chunk.position  # ties: the earlier chunk, where documents put purpose

    kept: list[Chunk] = []
    used = 0
    for chunk in sorted(chunks, key=relevance):
        if used + len(chunk.text) <= max_chars:
            kept.append(chunk)
            used += len(chunk.text)
    log.info("%d of %d chunks fit the model's %d-character budget", len(kept), len(chunks),
             max_chars)
    return tuple(sorted(kept, key=lambda chunk: chunk.position))


def _stems(text: str, *, unique: bool = True) -> Any:
    """Words past three letters cut to five: "approvals" meets "approved", "the" meets nothing."""
    stems = [word[:5] for word in words(text) if len(word) > 3 and word.isalpha()]
    return set(stems) if unique else stems


def _translatable(node: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every text a reader sees in a body, in reading order, with the citations that back it."""
    found: list[tuple[str, list[dict[str, Any]]]] = []

    def walk(value: Any, *, citations: list[dict[str, Any]]) -> None:
        if isinstance(value, str):
            if value.strip():
                found.append((value, citations))
        elif isinstance(value, list):
            for item in value:
                walk(item, citations=citations)
        elif isinstance(value, dict):
            own = value.get("citations") or []
            for key, item in value.items():
                if key not in _NOT_TRANSLATED:
                    walk(item, citations=own if key in _CLAIM_FIELDS else [])

    walk(node, citations=[])
    return found
