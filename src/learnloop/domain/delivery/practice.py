"""Practice with a role-play: a scripted counterpart (it opens from its brief, then raises the
scenario's facts one turn at a time) and feedback against the rubric, criterion by criterion,
quoting the learner's own words and the source the criterion rests on. Pure; no model needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from learnloop.domain.content.components import RolePlayBody

__all__ = ["CriterionFeedback", "Turn", "counterpart_reply", "opening", "rubric_feedback"]

_WORD = re.compile(r"[a-z][a-z'-]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_STOP_WORDS = """
a an and are as at be by for from has have how i in is it its of on or our so that the their
them they this to was we what when where which who will with you your about into than then
there these those does did can could would should been being very also just asks ask learner
"""
_STOP = frozenset(_STOP_WORDS.split())  # noqa: SIM905 - one word list, read as prose


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str  # "counterpart" | "learner"
    text: str


@dataclass(frozen=True, slots=True)
class CriterionFeedback:
    criterion: str
    points: int
    earned: int
    met: bool
    learner_quote: str | None  # the learner's sentence it is based on
    source_quote: str  # what the source says, from the criterion's citation
    comment: str


def _words(text: str) -> set[str]:
    return {word.strip("'-") for word in _WORD.findall(text.lower())
            if len(word) > 3 and word not in _STOP}


def _first_sentence(text: str) -> str:
    return _SENTENCE.split(text.strip(), maxsplit=1)[0]


def opening(scenario: RolePlayBody) -> str:
    """The counterpart's first line, in character from its brief."""
    return _first_sentence(scenario.counterpart_brief)


def counterpart_reply(scenario: RolePlayBody, *, learner_turns: int) -> str | None:
    """The counterpart's answer after the learner's n-th turn: the n-th fact raised as a
    question or objection; None once every fact has come up (the conversation ends)."""
    if learner_turns < 1 or learner_turns > len(scenario.facts):
        return None
    fact = scenario.facts[learner_turns - 1].text.rstrip(".")
    lead = ("I hear you, but", "Fine, and yet", "One more thing:")[(learner_turns - 1) % 3]
    return f"{lead} {fact[0].lower()}{fact[1:]}. How do you deal with that?"


def rubric_feedback(scenario: RolePlayBody, learner_texts: list[str]) -> list[CriterionFeedback]:
    """Each criterion met when one of the learner's sentences shares enough of its words (a
    third of them, and at least two); the best such sentence is quoted either way."""
    sentences = [s.strip() for text in learner_texts for s in _SENTENCE.split(text)
                 if s.strip()]
    found = []
    for item in scenario.rubric:
        wanted = _words(item.criterion)
        best, overlap = None, 0
        for sentence in sentences:
            shared = len(wanted & _words(sentence))
            if shared > overlap:
                best, overlap = sentence, shared
        met = bool(wanted) and overlap >= max(2, -(-len(wanted) // 3))
        source = item.citations[0].quote
        asked = item.criterion.rstrip(".")
        if met:
            comment = f'You did this: "{best}".'
        elif best:
            comment = f'Closest you came: "{best}". The scenario asks: {asked}.'
        else:
            comment = f"Not in your answers: {asked}."
        found.append(CriterionFeedback(item.criterion, item.points, item.points if met else 0,
                                       met, best, source, comment))
    return found
