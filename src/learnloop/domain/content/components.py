"""The kinds of learning component and the validated body of each, with its citations.

Every claim-bearing item cites the chunks that support it (chunk id + the quoted passage);
framing text (a role-play situation, a discussion question) makes no claim about the source.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "BODY_MODELS",
    "CLOZE_BLANK",
    "Citation",
    "ComponentKind",
    "Flashcard",
    "FlashcardsBody",
    "JobAidBody",
    "KeyPointsBody",
    "KnowledgeCheckBody",
    "ManagerBriefBody",
    "Question",
    "RolePlayBody",
    "RubricCriterion",
    "Statement",
    "SummaryBody",
    "TranslatedItem",
    "TranslationBody",
    "body_model",
    "claims",
    "cited_chunk_ids",
]


CLOZE_BLANK = "_____"  # where a flashcard's front hides its answer


class ComponentKind(StrEnum):
    SUMMARY = "summary"
    KEY_POINTS = "key_points"
    JOB_AID = "job_aid"
    KNOWLEDGE_CHECK = "knowledge_check"
    FLASHCARDS = "flashcards"
    ROLE_PLAY = "role_play"
    MANAGER_BRIEF = "manager_brief"
    TRANSLATION = "translation"


class _Body(BaseModel):
    # a model's JSON with an unknown field is a wrong answer, not extra information
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Body):
    chunk_id: str = Field(min_length=1, max_length=64)
    quote: str = Field(min_length=1, max_length=2000)


class Statement(_Body):
    """One sentence that claims something about the source, and where the source says it."""

    text: str = Field(min_length=1, max_length=1000)
    citations: list[Citation] = Field(min_length=1)


class SummaryBody(_Body):
    kind: Literal["summary"] = "summary"
    title: str = Field(max_length=300)
    sentences: list[Statement] = Field(min_length=1, max_length=12)


class KeyPointsBody(_Body):
    kind: Literal["key_points"] = "key_points"
    title: str = Field(max_length=300)
    points: list[Statement] = Field(min_length=1, max_length=12)


class JobAidBody(_Body):
    kind: Literal["job_aid"] = "job_aid"
    title: str = Field(max_length=300)
    format: Literal["checklist", "step_guide"]
    steps: list[Statement] = Field(min_length=1, max_length=30)


class Question(_Body):
    stem: str = Field(min_length=1, max_length=1000)
    options: list[str] = Field(min_length=2, max_length=6)
    answer: int = Field(ge=0)
    rationale: str = Field(min_length=1, max_length=1000)
    citation: Citation

    @model_validator(mode="after")
    def _one_correct_answer(self) -> Question:
        if self.answer >= len(self.options):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.options)} options")
        if len({option.strip().lower() for option in self.options}) != len(self.options):
            raise ValueError("options must differ, so exactly one is correct")
        return self

    @property
    def citations(self) -> list[Citation]:
        return [self.citation]


class KnowledgeCheckBody(_Body):
    kind: Literal["knowledge_check"] = "knowledge_check"
    title: str = Field(max_length=300)
    questions: list[Question] = Field(min_length=1, max_length=20)


class Flashcard(_Body):
    front: str = Field(min_length=1, max_length=500)  # a cloze prompt: the key term blanked
    back: str = Field(min_length=1, max_length=500)  # the answer
    citations: list[Citation] = Field(min_length=1)


class FlashcardsBody(_Body):
    kind: Literal["flashcards"] = "flashcards"
    title: str = Field(max_length=300)
    cards: list[Flashcard] = Field(min_length=1, max_length=40)


class RubricCriterion(_Body):
    criterion: str = Field(min_length=1, max_length=500)  # what the learner does or says
    points: int = Field(ge=1, le=5)
    citations: list[Citation] = Field(min_length=1)


class RolePlayBody(_Body):
    kind: Literal["role_play"] = "role_play"
    title: str = Field(max_length=300)
    situation: str = Field(min_length=1, max_length=2000)
    counterpart_brief: str = Field(min_length=1, max_length=2000)
    learner_goal: str = Field(min_length=1, max_length=1000)
    facts: list[Statement] = Field(min_length=1, max_length=10)  # what the scenario turns on
    rubric: list[RubricCriterion] = Field(min_length=1, max_length=10)


class ManagerBriefBody(_Body):
    kind: Literal["manager_brief"] = "manager_brief"
    title: str = Field(max_length=300)
    what_changed: list[Statement] = Field(min_length=1, max_length=10)
    what_to_look_for: list[Statement] = Field(min_length=1, max_length=10)
    discussion_questions: list[str] = Field(min_length=1, max_length=8)


class TranslatedItem(_Body):
    original: str = Field(min_length=1, max_length=2000)
    text: str = Field(min_length=1, max_length=4000)
    citations: list[Citation] = Field(default_factory=list)


class TranslationBody(_Body):
    kind: Literal["translation"] = "translation"
    title: str = Field(max_length=300)
    language: str = Field(min_length=2, max_length=35)  # BCP 47, e.g. "de", "pl", "fr-CA"
    base_kind: ComponentKind
    items: list[TranslatedItem] = Field(min_length=1)


BODY_MODELS: dict[ComponentKind, type[BaseModel]] = {
    ComponentKind.SUMMARY: SummaryBody,
    ComponentKind.KEY_POINTS: KeyPointsBody,
    ComponentKind.JOB_AID: JobAidBody,
    ComponentKind.KNOWLEDGE_CHECK: KnowledgeCheckBody,
    ComponentKind.FLASHCARDS: FlashcardsBody,
    ComponentKind.ROLE_PLAY: RolePlayBody,
    ComponentKind.MANAGER_BRIEF: ManagerBriefBody,
    ComponentKind.TRANSLATION: TranslationBody,
}


def body_model(kind: ComponentKind | str) -> type[BaseModel]:
    return BODY_MODELS[ComponentKind(kind)]


def claims(body: BaseModel) -> list[tuple[str, list[Citation]]]:
    """Every claim-bearing sentence of a body with the citations that should support it.

    A question's claim is its correct answer in the context of its stem; a flashcard's is its
    front with the blank filled in.
    """
    found: list[tuple[str, list[Citation]]] = []
    match body:
        case SummaryBody(sentences=items) | KeyPointsBody(points=items) | JobAidBody(steps=items):
            found.extend((item.text, list(item.citations)) for item in items)
        case KnowledgeCheckBody(questions=questions):
            for question in questions:
                found.append((f"{question.stem} {question.options[question.answer]}",
                              [question.citation]))
        case FlashcardsBody(cards=cards):
            for card in cards:
                found.append((card.front.replace(CLOZE_BLANK, card.back), list(card.citations)))
        case RolePlayBody(facts=facts, rubric=rubric):
            found.extend((fact.text, list(fact.citations)) for fact in facts)
            found.extend((item.criterion, list(item.citations)) for item in rubric)
        case ManagerBriefBody(what_changed=changed, what_to_look_for=look_for):
            found.extend((item.text, list(item.citations)) for item in changed + look_for)
        case TranslationBody(items=items):
            found.extend((item.text, list(item.citations)) for item in items if item.citations)
    return found


def cited_chunk_ids(body: BaseModel) -> list[str]:
    """The chunk ids a body cites, in first-cited order without repeats."""
    seen: dict[str, None] = {}
    for _, citations in claims(body):
        for citation in citations:
            seen.setdefault(citation.chunk_id, None)
    return list(seen)
