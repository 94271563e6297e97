"""The role-play scenario written offline: a template filled from the source and the need.

The situation, counterpart brief and goal are framing; the facts the scenario turns on and the
rubric the learner is scored on are the source's own sentences, each cited.
"""

from __future__ import annotations

import re
from collections import Counter

from learnloop.domain.content.components import RolePlayBody, RubricCriterion, Statement
from learnloop.llm.offline.material import Material

__all__ = ["role_play"]

_COUNTERPARTS = ("customer", "client", "caller", "patient", "guest", "supplier", "colleague",
                 "employee", "candidate", "shipper", "consignee", "driver", "manager", "buyer")
_RUBRIC = re.compile(r"\b(must|never|always|do not|don't|only|tell|say|explain|confirm|ask|"
                     r"record|check|apply|offer|within|before)\b", re.IGNORECASE)


def role_play(source: Material) -> RolePlayBody:
    counterpart = _counterpart(source)
    facts = _pick(source, [index for index in range(len(source.items))
                           if not source.items[index].text.endswith("?")], count=4)
    rubric_pool = [index for index, item in enumerate(source.items)
                   if _RUBRIC.search(item.text) and index not in facts
                   and not item.text.endswith("?")]
    rubric = _pick(source, rubric_pool, count=4) or facts[:2]
    topic = source.topic
    return RolePlayBody(
        title=f"Role-play: {topic}",
        situation=(f"A {counterpart} contacts you with a question on “{topic}”. They want a "
                   f"clear answer now. Use what “{source.title}” says; the facts below are "
                   "the ones this conversation turns on."),
        counterpart_brief=(f"You play the {counterpart}. Open with your problem in your own "
                           "words, ask what happens next and push back once if the answer is "
                           "vague. Accept an answer that is specific and follows the source; "
                           "do not accept promises the source does not support."),
        learner_goal=(f"Resolve the {counterpart}'s question in one conversation: apply the "
                      "rules below, say exactly what happens next, and stay within what the "
                      "source allows."),
        facts=[Statement(text=source.items[index].text, citations=source.items[index].citations)
               for index in sorted(facts, key=lambda i: source.items[i].order)],
        rubric=[RubricCriterion(
            criterion=source.items[index].text,
            points=3 if re.search(r"\b(must|never|always|do not|only)\b",
                                  source.items[index].text, re.IGNORECASE) else 2,
            citations=source.items[index].citations) for index in rubric])


def _counterpart(source: Material) -> str:
    counts = Counter(word for item in source.items for word in item.words
                     if word in _COUNTERPARTS)
    return counts.most_common(1)[0][0] if counts else "customer"


def _pick(source: Material, pool: list[int], *, count: int) -> list[int]:
    picked: list[int] = []
    for index in source.best(pool):
        if all(source.similarity[index, other] <= 0.45 for other in picked):
            picked.append(index)
        if len(picked) == count:
            break
    return picked

