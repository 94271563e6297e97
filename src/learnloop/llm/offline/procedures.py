"""The job aid written offline: a source's procedure as a step guide, or its rules as a checklist.

A numbered list is a step guide as written; without one, the source's instructions (sentences
that tell the reader what to do) become a checklist in reading order.
"""

from __future__ import annotations

import re
from collections import defaultdict

from learnloop.domain.content.components import Citation, JobAidBody, Statement
from learnloop.domain.content.sentences import words
from learnloop.llm.offline.material import Material
from learnloop.llm.offline.passages import clean

__all__ = ["job_aid"]

_PROCEDURE_HEADING = re.compile(r"\b(step|steps|how to|process|procedure|what to do|when an?|"
                                r"checklist|before|after)\b", re.IGNORECASE)
_IMPERATIVE = re.compile(
    r"^(do not|don't|never|always|open|check|confirm|record|apply|tell|call|ask|send|attach|"
    r"enter|select|choose|note|log|escalate|transfer|use|give|read|write|keep|make|take|"
    r"follow|review|approve|reject|close|update|add|set|find|look|say|explain|offer|refer|"
    r"acknowledge|contact|create|request|verify|compare|book|file|complete|submit)\b",
    re.IGNORECASE)
_RULE = re.compile(r"\b(must|never|always|do not|only|may not|cannot|should)\b", re.IGNORECASE)
_MAX_STEPS = 12
_ITEM_WORDS = 60


def job_aid(source: Material) -> JobAidBody:
    steps = _numbered_procedure(source)
    if steps:
        heading = source.items[steps[0]].chunk.heading or source.title
        return JobAidBody(title=f"Step guide: {heading}", format="step_guide",
                          steps=_whole_items(source, steps))
    checklist = _instructions(source)
    return JobAidBody(title=f"Checklist: {source.topic}", format="checklist",
                      steps=_statements(source, checklist))


def _numbered_procedure(source: Material) -> list[int]:
    """The numbered list that best reads as a procedure (a procedure-like heading, imperative
    items, the need's words), one step per item (its first sentence carries the action)."""
    lists: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(source.items):
        if item.numbered:
            lists[item.chunk.id].append(index)
    best: tuple[float, list[int]] | None = None
    for indices in lists.values():
        if len(indices) < 3:
            continue
        chunk = source.items[indices[0]].chunk
        imperative = sum(bool(_IMPERATIVE.match(source.items[i].text)) for i in indices)
        score = (float(sum(source.scores[i] for i in indices)) / len(indices)
                 + (1.0 if _PROCEDURE_HEADING.search(chunk.heading) else 0.0)
                 + imperative / len(indices) + min(len(indices), 8) * 0.05)
        if best is None or score > best[0]:
            best = (score, indices)
    return best[1][:_MAX_STEPS] if best else []


def _whole_items(source: Material, indices: list[int]) -> list[Statement]:
    """Each step as its whole list item (the action and its "do not" together), quoted from
    the chunk's line; an item too long to scan stays its first sentence."""
    steps: list[Statement] = []
    for index in indices:
        item = source.items[index]
        line = next((line for line in item.chunk.text.splitlines()
                     if line.startswith(item.quote)), None)
        if line is not None and len(words(line)) <= _ITEM_WORDS:
            steps.append(Statement(text=clean(line),
                                   citations=[Citation(chunk_id=item.chunk.id, quote=line)]))
        else:
            steps.append(Statement(text=item.text, citations=item.citations))
    return steps


def _instructions(source: Material) -> list[int]:
    """Sentences telling the reader what to do, the best of them kept in reading order."""
    candidates = [index for index, item in enumerate(source.items)
                  if (_IMPERATIVE.match(item.text) or _RULE.search(item.text))
                  and not item.text.endswith("?") and 5 <= len(words(item.text)) <= 45]
    if len(candidates) < 3:
        candidates = [index for index in range(len(source.items))
                      if not source.items[index].text.endswith("?")]
    picked: list[int] = []
    for index in source.best(candidates):
        if all(source.similarity[index, other] <= 0.5 for other in picked):
            picked.append(index)
        if len(picked) == 8:
            break
    return sorted(picked, key=lambda index: source.items[index].order)


def _statements(source: Material, indices: list[int]) -> list[Statement]:
    return [Statement(text=source.items[index].text, citations=source.items[index].citations)
            for index in indices]
