"""Every check on one generated component, as stored with it and shown to reviewers.

Grounding per sentence (against the chunks it cites), answer keys, readability, the length
budget of its kind, personal data, non-inclusive language, text addressed to an AI, and links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from learnloop.domain.content.checks.claims import (
    ClaimVerdict,
    Embedder,
    PassageIndex,
    Verdict,
)
from learnloop.domain.content.checks.hostile import (
    AddressedToAi,
    addressed_to_ai,
    foreign_links,
)
from learnloop.domain.content.checks.language import LanguageFinding, non_inclusive_language
from learnloop.domain.content.checks.passages import ChunkLike
from learnloop.domain.content.checks.personal_data import PersonalData, personal_data
from learnloop.domain.content.checks.readability import (
    LENGTH_BUDGETS,
    Readability,
    readability,
)
from learnloop.domain.content.components import ComponentKind, claims, option_claims
from learnloop.domain.content.sentences import split_sentences

__all__ = ["AnswerKeyCheck", "ComponentChecks", "Detector", "check_component", "readable_texts"]

Detector = Callable[[str], Iterable[PersonalData]]  # more personal data in a text

# body fields that are bookkeeping, not text a learner reads
_NOT_TEXT = frozenset({"kind", "format", "language", "base_kind", "chunk_id", "quote",
                       "original"})


@dataclass(frozen=True, slots=True)
class AnswerKeyCheck:
    """A question's key: its correct option supported by its citation, no distractor supported."""

    question: int
    answer_supported: bool
    supported_distractors: tuple[str, ...]
    reason: str

    @property
    def ok(self) -> bool:
        return self.answer_supported and not self.supported_distractors

    def to_dict(self) -> dict:
        return {"question": self.question, "ok": self.ok,
                "answer_supported": self.answer_supported,
                "supported_distractors": list(self.supported_distractors),
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ComponentChecks:
    """The checks of one component; `problems` lists what a reviewer must look at."""

    kind: str
    grounding: tuple[ClaimVerdict, ...]
    answer_keys: tuple[AnswerKeyCheck, ...]
    readability: Readability
    word_budget: int
    personal_data: tuple[PersonalData, ...]
    inclusive_language: tuple[LanguageFinding, ...]
    addressed_to_ai: tuple[AddressedToAi, ...]
    foreign_links: tuple[str, ...]
    embedding_model: str
    problems: tuple[str, ...] = field(default=())

    @property
    def grounded_share(self) -> float:
        """The share of claim sentences supported by their citations (1.0 with none)."""
        if not self.grounding:
            return 1.0
        return sum(verdict.verdict is Verdict.SUPPORTED for verdict in self.grounding) / len(
            self.grounding)

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            "kind": self.kind, "passed": self.passed, "problems": list(self.problems),
            "grounded_share": round(self.grounded_share, 3),
            "grounding": [verdict.to_dict() for verdict in self.grounding],
            "answer_keys": [check.to_dict() for check in self.answer_keys],
            "readability": self.readability.to_dict(),
            "length": {"words": self.readability.words, "budget": self.word_budget,
                       "within": self.readability.words <= self.word_budget},
            "personal_data": [found.to_dict() for found in self.personal_data],
            "inclusive_language": [found.to_dict() for found in self.inclusive_language],
            "addressed_to_ai": [found.to_dict() for found in self.addressed_to_ai],
            "foreign_links": list(self.foreign_links),
            "embedding_model": self.embedding_model,
        }


def check_component(kind: ComponentKind | str, body: Any, chunks: Iterable[ChunkLike], *,
                    embedder: Embedder, people_names: Iterable[str] = (),
                    allowed_domains: Iterable[str] = (),
                    index: PassageIndex | None = None,
                    detectors: Iterable[Detector] = ()) -> ComponentChecks:
    """All checks of one component body (a model of learnloop.domain.content.components) against
    the source chunks it was made from; pass `index` to reuse one built for these chunks, and
    `detectors` to find more personal data (learnloop.content.presidio)."""
    kind = ComponentKind(kind)
    index = index or PassageIndex(chunks, embedder=embedder)
    grounding = tuple(
        index.check(sentence, chunk_ids=[citation.chunk_id for citation in citations])
        for text, citations in _claims(kind, body) for sentence in split_sentences(text))
    answer_keys = _answer_keys(body, index) if kind is ComponentKind.KNOWLEDGE_CHECK else ()
    # each item its own paragraph, so no sentence runs from one item into the next
    text = "\n\n".join(readable_texts(body.model_dump() if hasattr(body, "model_dump") else body))
    checks = ComponentChecks(
        kind=str(kind), grounding=grounding, answer_keys=answer_keys,
        readability=readability(text), word_budget=LENGTH_BUDGETS.get(str(kind), 500),
        personal_data=_personal_data(text, people_names=people_names, detectors=detectors),
        inclusive_language=tuple(non_inclusive_language(text)),
        addressed_to_ai=tuple(addressed_to_ai(text)),
        foreign_links=tuple(foreign_links(text, allowed_domains=allowed_domains)),
        embedding_model=getattr(embedder, "name", type(embedder).__name__))
    return _with_problems(checks)


def _claims(kind: ComponentKind, body: Any) -> list[tuple[str, list]]:
    """A translation is grounded through the source-language sentence it renders: the
    embedding and the word checks read the source's language."""
    if kind is ComponentKind.TRANSLATION:
        return [(item.original, list(item.citations)) for item in body.items if item.citations]
    return claims(body)


def _personal_data(text: str, *, people_names: Iterable[str],
                   detectors: Iterable[Detector]) -> tuple[PersonalData, ...]:
    found = list(personal_data(text, people_names=people_names))
    for detector in detectors:
        found.extend(detector(text))
    return tuple(dict.fromkeys(found))  # one finding per kind and text


def _answer_keys(body: Any, index: PassageIndex) -> tuple[AnswerKeyCheck, ...]:
    checks: list[AnswerKeyCheck] = []
    for number, question in enumerate(body.questions):
        cited = [question.citation.chunk_id]
        statements = option_claims(question)
        answer = index.check(statements[question.answer], chunk_ids=cited)
        # a distractor the source supports anywhere is a second correct answer
        supported = tuple(
            option for position, (option, statement) in enumerate(
                zip(question.options, statements, strict=True))
            if position != question.answer
            and index.check(statement).verdict is Verdict.SUPPORTED)
        reason = answer.reason if answer.verdict is not Verdict.SUPPORTED else (
            f"the source also supports {', '.join(supported)}" if supported
            else "the answer is supported and no distractor is")
        checks.append(AnswerKeyCheck(number, answer.verdict is Verdict.SUPPORTED, supported,
                                     reason))
    return tuple(checks)


def readable_texts(value: Any, name: str = "") -> list[str]:
    """Every text a learner reads in a component body (a dumped model), in order; bookkeeping
    fields (kind, citations' chunk ids and quotes …) left out."""
    if name in _NOT_TEXT:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in readable_texts(item, key)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in readable_texts(item, name)]
    return []


def _with_problems(checks: ComponentChecks) -> ComponentChecks:
    problems: list[str] = []
    unsupported = [verdict for verdict in checks.grounding
                   if verdict.verdict is not Verdict.SUPPORTED]
    if unsupported:
        problems.append(f"{len(unsupported)} of {len(checks.grounding)} sentences are not "
                        "supported by their citations")
    problems.extend(f"question {check.question + 1}: {check.reason}"
                    for check in checks.answer_keys if not check.ok)
    if checks.readability.words > checks.word_budget:
        problems.append(f"{checks.readability.words} words; a {checks.kind} has at most "
                        f"{checks.word_budget}")
    if checks.personal_data:
        problems.append("personal data: " + ", ".join(sorted({found.kind for found in
                                                               checks.personal_data})))
    if checks.addressed_to_ai:
        problems.append(f"{len(checks.addressed_to_ai)} sentences address an AI")
    if checks.foreign_links:
        problems.append("links outside the allowed domains: " + ", ".join(checks.foreign_links))
    return replace(checks, problems=tuple(problems))
