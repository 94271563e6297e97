"""The offline engine: every component kind but translation, with no model server at all.

Extractive and rule-based: it copies whole source sentences (so numbers, negations and
conditions stay as written) and cites each one; provenance labels the output "offline".
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from learnloop.domain.content.checks.component import readable_texts
from learnloop.domain.content.checks.readability import LENGTH_BUDGETS, word_count
from learnloop.domain.content.components import ComponentKind, cited_chunk_ids
from learnloop.errors import InputError, Problem, ProviderError
from learnloop.llm.engine import GenerationRequest, GenerationResult, Provenance, Usage
from learnloop.llm.offline.material import Material, material
from learnloop.llm.offline.procedures import job_aid
from learnloop.llm.offline.questions import flashcards, knowledge_check
from learnloop.llm.offline.reading import key_points, manager_brief, summary
from learnloop.llm.offline.scenarios import role_play

__all__ = ["OFFLINE_MODEL", "OfflineEngine"]

OFFLINE_MODEL = "extractive-1"
_PROMPT_VERSION = "offline-1"  # bump when a writer's rules change what it produces

_WRITERS: dict[ComponentKind, Callable[[Material], BaseModel]] = {
    ComponentKind.SUMMARY: summary,
    ComponentKind.KEY_POINTS: key_points,
    ComponentKind.JOB_AID: job_aid,
    ComponentKind.KNOWLEDGE_CHECK: knowledge_check,
    ComponentKind.FLASHCARDS: flashcards,
    ComponentKind.ROLE_PLAY: role_play,
    ComponentKind.MANAGER_BRIEF: manager_brief,
}


# the lists a long component gives items up from (the last, least important, first)
_TRIMMABLE = ("points", "sentences", "steps", "questions", "cards", "facts", "rubric",
              "what_to_look_for", "what_changed")


def _within_budget(kind: ComponentKind, body: BaseModel) -> BaseModel:
    """The body shortened, item by item, to the length its kind may have (the checks' budget):
    a learner reads a summary in a minute, not five."""
    budget = LENGTH_BUDGETS.get(str(kind), 500)
    data = body.model_dump()
    while word_count(" ".join(readable_texts(data))) > budget:
        longest = max((name for name in _TRIMMABLE if len(data.get(name) or []) > 1),
                      key=lambda name: len(data[name]), default=None)
        if longest is None:
            break
        data[longest] = data[longest][:-1]
    return type(body).model_validate(data)




class OfflineEngine:
    """Implements `ContentEngine`; keeps the last source's reading so a pack reads it once."""

    name = "offline"
    model = OFFLINE_MODEL
    kinds = tuple(_WRITERS)

    def __init__(self) -> None:
        self._last: tuple[tuple[str, tuple[str, ...], object], Material] | None = None

    def generate(self, request: GenerationRequest) -> GenerationResult:
        kind = ComponentKind(request.kind)
        if kind is ComponentKind.TRANSLATION:
            raise ProviderError(
                "the offline engine cannot translate: choose an LLM engine "
                "(--engine openai or --engine anthropic) for translations")
        source = self._material(request)
        if not source.items:
            message = f"the source “{request.source_title}” has no sentences to write from"
            raise InputError(message, [Problem(message, field="source")])
        try:
            body = _within_budget(kind, _WRITERS[kind](source))
        except ValueError as error:
            message = f"{kind}: {error}"
            raise InputError(message, [Problem(message, field="source")]) from error
        return GenerationResult(
            body=body,
            provenance=Provenance(engine=self.name, model=self.model,
                                  prompt_version=f"{_PROMPT_VERSION}/{kind}",
                                  chunk_ids=tuple(cited_chunk_ids(body))),
            usage=Usage())

    def _material(self, request: GenerationRequest) -> Material:
        key = (request.source_title, tuple(chunk.id for chunk in request.chunks), request.need)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        made = material(title=request.source_title, chunks=request.chunks, need=request.need)
        self._last = (key, made)
        return made
