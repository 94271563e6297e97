"""Scores a needs queue against a simulated company's truth: is the skill-gap dip the top need,
is the process dip "investigate before training", do the skills no priority names stay quiet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from learnloop.domain.needs import Need, NeedKind
from learnloop.domain.needs_ranking import pushed

__all__ = ["NeedsScore", "score_queue"]


@dataclass(frozen=True, slots=True)
class NeedsScore:
    top_need: bool            # the first need is training for the dip's team and one of its skills
    top_training_need: bool   # the first training need is
    process_investigated: bool  # the process dip is an investigate need, and no training need
                                # carries its detection
    quiet_needs: int          # needs about skills no priority names
    quiet_kept_quiet: bool    # every one of them is unpushed and below every pushed need
    quiet_found: int          # planted gaps in those skills that appear (unpushed) in the queue


def _is_dip(need: Need, dip: dict[str, Any]) -> bool:
    return (need.kind is NeedKind.TRAINING and need.team_keys == (dip["team"],)
            and need.skill_key in dip["skills"])


def score_queue(queue: Sequence[Need], truth: dict[str, Any]) -> NeedsScore:
    dip, process, quiet = truth["dip"], truth["process_change"], truth["quiet"]
    ordered = sorted(queue, key=lambda n: n.rank)
    training = [n for n in ordered if n.kind is NeedKind.TRAINING]
    investigated = [n for n in ordered if n.kind is NeedKind.INVESTIGATE
                    and n.team_keys == (process["team"],) and n.kpi_metric == process["metric"]]
    detections = {n.detection_id for n in investigated}
    misled = [n for n in training if n.detection_id is not None and n.detection_id in detections]
    quiet_needs = [n for n in ordered if n.skill_key in quiet]
    lowest_pushed = max((n.rank for n in ordered if pushed(n)), default=0)
    return NeedsScore(
        top_need=bool(ordered) and _is_dip(ordered[0], dip),
        top_training_need=bool(training) and _is_dip(training[0], dip),
        process_investigated=bool(investigated) and not misled,
        quiet_needs=len(quiet_needs),
        quiet_kept_quiet=all(not pushed(n) and n.rank > lowest_pushed for n in quiet_needs),
        quiet_found=sum(1 for skill, team in quiet.items()
                        if any(n.skill_key == skill and team in n.team_keys
                               for n in quiet_needs)))
