"""A team's standing against the skills an objective links to its KPI, and the cause of a dip
read from it and from the change log when only team-level values exist.

A simple rule until the skills agent lands: a person is below a skill's required level when the
newest evidence about them (assessments and manager ratings before self-assessments) is below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from learnloop.domain.sensing.diagnosis import Cause, Diagnosis, verdict
from learnloop.domain.sensing.series import ChangeEntry

__all__ = ["GAP_SHARE", "SkillStanding", "diagnose_from_standing"]

# a skill gap explains a team-wide dip only when it is wide: a third of the people compared
GAP_SHARE = 1 / 3


@dataclass(frozen=True, slots=True)
class SkillStanding:
    """Who in a team is below, and who at or above, the required level of one linked skill."""

    skill: str
    below: tuple[str, ...]          # person keys
    at_level: tuple[str, ...]
    unknown: tuple[str, ...] = ()   # required by their role, but no evidence yet

    @property
    def share_below(self) -> float:
        compared = len(self.below) + len(self.at_level)
        return len(self.below) / compared if compared else 0.0


def _logged_words(change: ChangeEntry) -> str:
    words = f"{change.kind.value.replace('_', ' ')} logged on {change.starts}"
    return words + (f" ({change.description})" if change.description else "")


def diagnose_from_standing(standings: Sequence[SkillStanding], *,
                           nearby_changes: Sequence[ChangeEntry]) -> Diagnosis:
    """Cause of a dip seen in a team's own KPI rows, where people's own values are not known.

    A wide gap in a linked skill comes first: a logged change that happens to coincide is not
    enough to call a dip `process` when a third or more of the team lacks a skill the KPI needs.
    With the team at requirement, a dip starting with a logged change is `process`.
    """
    gaps = [s for s in standings if len(s.below) >= 2 and s.share_below >= GAP_SHARE]
    worst = max(gaps, key=lambda s: (s.share_below, len(s.below)), default=None)
    logged = list(nearby_changes)

    if worst is not None:
        compared = len(worst.below) + len(worst.at_level)
        tail = (f" A {_logged_words(logged[0])} is nearby, but a gap this wide explains the dip "
                "on its own." if logged else "")
        return verdict(Cause.SKILL, (
            f"{len(worst.below)} of the {compared} people compared are below the required level "
            f"of {worst.skill}, a skill the KPI's objective links to it.{tail} Only team totals "
            "were reported, so who moved could not be checked person by person."), worst.skill)
    compared = ", ".join(s.skill for s in standings if s.below or s.at_level)
    at_requirement = (f"the team is at the required level of {compared}" if compared
                      else "no linked skill could be compared")
    if logged:
        return verdict(Cause.PROCESS, (
            f"The dip starts with the {_logged_words(logged[0])}, and {at_requirement}. "
            "Training will not fix this."))
    return verdict(Cause.UNKNOWN, (
        f"No change was logged near the start and {at_requirement}; the cause is not known."))
