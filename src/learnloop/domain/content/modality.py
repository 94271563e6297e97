"""Choosing how a need is best met: micro content, practice or role-play, a cohort session or a
longer course — a proposed mix with the reason, which L&D may override.

Rules, not a model: urgency favours micro content now, interpersonal needs practice, high risk
and complexity a facilitated session, a deep knowledge gap a course; small audiences a cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from learnloop.errors import InputError, Problem

__all__ = ["Modality", "ModalityChoice", "choose_modality", "override_modality"]


class Modality(StrEnum):
    MICRO = "micro_content"
    PRACTICE = "practice"
    COHORT = "cohort_session"
    COURSE = "longer_course"


@dataclass(frozen=True, slots=True)
class ModalityChoice:
    mix: tuple[Modality, ...]  # first is the lead modality
    reasons: tuple[str, ...]
    overridden: bool = False
    overridden_by: str | None = None

    def as_dict(self) -> dict:
        return {"mix": [str(item) for item in self.mix], "reasons": list(self.reasons),
                "overridden": self.overridden, "overridden_by": self.overridden_by}

    @classmethod
    def from_dict(cls, data: dict) -> ModalityChoice:
        return cls(mix=tuple(Modality(item) for item in data.get("mix", [])),
                   reasons=tuple(data.get("reasons", [])),
                   overridden=bool(data.get("overridden")),
                   overridden_by=data.get("overridden_by"))


def choose_modality(*, urgency: float | None, nature: str | None, risk: str | None,
                    complexity: float, audience_size: int) -> ModalityChoice:
    """The proposed mix for a need; `complexity` 0..1 comes from the source (its length, the
    number of rules and steps), the rest from the need. No need: micro content alone."""
    mix: list[Modality] = []
    reasons: list[str] = []

    def add(modality: Modality, reason: str) -> None:
        if modality not in mix:
            mix.append(modality)
        reasons.append(reason)

    if urgency is None and nature is None:
        add(Modality.MICRO, "no need given: short reading and a knowledge check fit any audience")
        if complexity >= 0.7:
            add(Modality.COURSE, f"the source is complex ({complexity:.2f}): a longer course "
                                 "gives room to practise each part")
        return ModalityChoice(mix=tuple(mix), reasons=tuple(reasons))
    if (urgency or 0.0) >= 0.6:
        add(Modality.MICRO, f"urgent ({urgency:.2f}): micro content reaches people this week")
    if nature == "interpersonal":
        add(Modality.PRACTICE, "interpersonal: people learn a conversation by practising it "
                               "(role-play with feedback)")
    elif nature == "procedural":
        add(Modality.MICRO, "procedural: a job aid at the moment of need and a short check")
        add(Modality.PRACTICE, "procedural: practise the steps on realistic cases")
    if risk == "high" or complexity >= 0.7:
        why = "high risk" if risk == "high" else f"complex source ({complexity:.2f})"
        if audience_size == 0:
            add(Modality.COHORT, f"{why}, audience size not known: a facilitated cohort "
                                 "session to discuss edge cases")
        elif audience_size <= 60:
            add(Modality.COHORT, f"{why}, {audience_size} people: a facilitated cohort session "
                                 "to discuss edge cases")
        else:
            add(Modality.COURSE, f"{why}, a large audience ({audience_size}): a longer "
                                 "self-paced course with assessed practice")
    if nature == "knowledge" and complexity >= 0.5:
        add(Modality.COURSE, "a knowledge gap on a long source: a structured course")
    if not mix:
        add(Modality.MICRO, "low urgency, low risk: short reading and a knowledge check")
    return ModalityChoice(mix=tuple(mix), reasons=tuple(reasons))


def override_modality(choice: ModalityChoice, *, mix: list[str], by: str,
                      reason: str) -> ModalityChoice:
    """L&D's own mix replaces the proposal; the proposal's reasons stay beside theirs."""
    problems = [Problem(f"unknown modality {item!r}; use one of "
                        f"{', '.join(str(m) for m in Modality)}", field="mix")
                for item in mix if item not in {str(m) for m in Modality}]
    if not mix:
        problems.append(Problem("give at least one modality", field="mix"))
    if problems:
        raise InputError("; ".join(problem.message for problem in problems), problems)
    return ModalityChoice(mix=tuple(dict.fromkeys(Modality(item) for item in mix)),
                          reasons=(*choice.reasons, f"overridden by {by}: {reason}".rstrip(": ")),
                          overridden=True, overridden_by=by)
