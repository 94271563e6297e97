"""Reading components written offline: summary, key points and the manager brief.

Each is made of whole source sentences chosen by rank, so each cites the sentence it copies.
"""

from __future__ import annotations

import re

from learnloop.domain.content.components import (
    KeyPointsBody,
    ManagerBriefBody,
    Statement,
    SummaryBody,
)
from learnloop.llm.offline.material import Material
from learnloop.llm.offline.ranking import select

__all__ = ["key_points", "manager_brief", "summary"]

_CHANGE = re.compile(r"\b(new|now|no longer|changed?|changes|replaces?|replaced|launch(?:ed)?|"
                     r"from \d{1,2} \w+ \d{4}|effective|introduc\w+|instead|since)\b",
                     re.IGNORECASE)
_BEHAVIOUR = re.compile(r"\b(must|never|always|do not|don't|only|should|within|tell|record|"
                        r"check|apply|open|transfer|approve|escalate|ask|send|confirm)\b",
                        re.IGNORECASE)


def summary(source: Material) -> SummaryBody:
    """The best sentences of the source, at most one per section, in reading order."""
    chosen = select(source.items, source.scores, count=6, similarity=source.similarity,
                    per_heading=1)
    chosen.sort(key=lambda index: source.items[index].order)
    return SummaryBody(title=f"Summary: {source.title}", sentences=_statements(source, chosen))


def key_points(source: Material) -> KeyPointsBody:
    """The points to remember, most important first: rules, limits and deadlines rank high."""
    chosen = select(source.items, source.scores, count=8, similarity=source.similarity,
                    per_heading=2, redundancy=0.4)
    return KeyPointsBody(title=f"Key points: {source.topic}", points=_statements(source, chosen))


def manager_brief(source: Material) -> ManagerBriefBody:
    """What changed, what to look for in the team's work, and questions to discuss."""
    changes = [index for index, item in enumerate(source.items) if _CHANGE.search(item.text)]
    behaviours = [index for index, item in enumerate(source.items)
                  if _BEHAVIOUR.search(item.text) and index not in changes]
    changed = _top(source, changes or list(range(len(source.items))), count=4)
    look_for = _top(source, [index for index in behaviours if index not in changed]
                    or [index for index in range(len(source.items)) if index not in changed]
                    or changed, count=4)  # a two-sentence source: the same sentences serve
    headings = list(dict.fromkeys(source.items[index].chunk.heading
                                  for index in changed + look_for
                                  if source.items[index].chunk.heading))
    questions = ["Which of these changes will your team meet first, and in what kind of case?",
                 "Where does the team's current practice differ from what the source asks?"]
    questions += [f"How would you know from real cases that the team handles “{heading}” well?"
                  for heading in headings[:2]]
    questions.append("What would make it hard for someone to follow these rules on a busy day?")
    return ManagerBriefBody(
        title=f"Manager brief: {source.topic}",
        what_changed=_statements(source, sorted(changed, key=lambda i: source.items[i].order)),
        what_to_look_for=_statements(source, look_for), discussion_questions=questions[:5])


def _top(source: Material, pool: list[int], *, count: int) -> list[int]:
    picked: list[int] = []
    for index in source.best(pool):
        if source.scores[index] < -0.3:
            break
        if all(source.similarity[index, other] <= 0.5 for other in picked):
            picked.append(index)
        if len(picked) == count:
            break
    return picked or source.best(pool)[:1]


def _statements(source: Material, indices: list[int]) -> list[Statement]:
    return [Statement(text=source.items[index].text, citations=source.items[index].citations)
            for index in indices]
