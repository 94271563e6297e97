"""Why a detected dip happened: a skill gap, a process change, or not known, in plain words.

Compares people's own before/after levels, split by proficiency in the objective's linked skills.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from learnloop.domain.sensing.series import ChangeEntry

__all__ = ["Cause", "Diagnosis", "diagnose", "verdict"]

# how much better (in log-likelihood, ~ a factor e) one explanation must fit than the other
_MARGIN = 2.0


class Cause(StrEnum):
    SKILL = "skill"
    PROCESS = "process"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    cause: Cause
    reason: str
    skill: str | None               # the linked skill whose gap explains the dip, if any
    moved: tuple[int, ...]          # people (row numbers) whose own level dipped
    steady: tuple[int, ...]         # people compared who did not
    dip_below: float                # mean change of people below the required level (natural)
    dip_proficient: float           # mean change of people at or above it
    split_z: float                  # how clearly the dip concentrates below the level


def verdict(cause: Cause, reason: str, skill: str | None = None) -> Diagnosis:
    """A diagnosis reached without comparing people's own moves (pulse scores, one person)."""
    return Diagnosis(cause=cause, reason=reason, skill=skill, moved=(), steady=(),
                     dip_below=float("nan"), dip_proficient=float("nan"), split_z=float("nan"))


@dataclass(frozen=True, slots=True)
class _Split:
    skill: str
    below: float
    proficient: float
    z: float
    below_count: int
    proficient_count: int
    preference: float               # > 0: "everyone moved" fits better; < 0: "only those below"


def _window_mean(values: np.ndarray, volumes: np.ndarray, weeks: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each person's volume-weighted mean over some weeks, its total volume and its week count."""
    use = weeks[None, :] & ~np.isnan(values)
    weight = np.where(use, volumes, 0.0)
    total = weight.sum(axis=1)
    mean = np.where(total > 0, (weight * np.nan_to_num(values)).sum(axis=1)
                    / np.where(total > 0, total, 1), np.nan)
    return mean, total, use.sum(axis=1)


def _group(shift: np.ndarray, weight: np.ndarray, rows: np.ndarray,
           noise: np.ndarray | None = None) -> tuple[float, float, int]:
    """Weighted mean change of some people and its standard error: the larger of the spread
    between them and (when given) what each person's own noise implies, since a handful of
    people can agree by chance."""
    d, w = shift[rows], weight[rows]
    if len(d) == 0 or w.sum() <= 0:
        return float("nan"), float("inf"), 0
    mean = float((w * d).sum() / w.sum())
    se = float(np.sqrt((w * w * (d - mean) ** 2).sum()) / w.sum()) if len(d) > 1 else np.inf
    if noise is not None:
        se = max(se, float(np.sqrt((w * w * noise[rows] ** 2).sum()) / w.sum()))
    return mean, max(se, 1e-12), len(d)


def _split(skill: str, below: np.ndarray, shift: np.ndarray, weight: np.ndarray, *,
           compared: np.ndarray, noise: np.ndarray, shared_noise: float) -> _Split:
    """Compare two explanations of people's changes: only those below the level moved (skill),
    or the proficient moved like the others (process). Shared weekly noise moves both groups
    alike, so it blurs "the proficient held steady" but not the gap between the groups."""
    low_mean, low_se, low_n = _group(shift, weight, below & compared, noise)
    high_mean, high_se, high_n = _group(shift, weight, ~below & compared, noise)
    gap = (high_mean - low_mean) / np.hypot(low_se, high_se) if low_n and high_n else np.nan
    steady = high_mean / np.hypot(high_se, shared_noise) if high_n else np.nan
    return _Split(skill=skill, below=low_mean, proficient=high_mean, z=float(gap),
                  below_count=low_n, proficient_count=high_n,
                  preference=float(steady * steady - gap * gap))


def _amount(oriented: float) -> str:
    return f"{'worse' if oriented < 0 else 'better'} by {abs(oriented):.3g}"


def diagnose(values: np.ndarray, volumes: np.ndarray | None, *, sign: int, change_start: int,
             detected_week: int, below_required: Mapping[str, np.ndarray],
             nearby_changes: Sequence[ChangeEntry] = (), excluded: np.ndarray | None = None,
             baseline_weeks: int = 26, ramp_weeks: int = 8) -> Diagnosis:
    """Cause of a dip in one team, from its people's values (people, weeks) around the change.

    `below_required` maps each linked skill to who is below its required level; `nearby_changes`
    are the logged changes near the start (see `changes_near`). The split by proficiency comes
    first: a logged change alone never outweighs a dip that sits with people below the level.
    """
    people, weeks = values.shape
    volumes = np.ones_like(values) if volumes is None else np.nan_to_num(volumes)
    keep = np.ones(weeks, dtype=bool) if excluded is None else ~np.asarray(excluded, bool)
    index = np.arange(weeks)
    before_weeks = keep & (index >= change_start - baseline_weeks) & (index < change_start)
    after_weeks = keep & (index >= change_start) & (index <= detected_week)
    before, _, before_count = _window_mean(values, volumes, before_weeks)
    after, after_volume, after_count = _window_mean(values, volumes, after_weeks)
    # each person's own week-to-week spread says how large a move of theirs is real
    use = before_weeks[None, :] & ~np.isnan(values)
    spread = np.sqrt(np.where(use, (np.nan_to_num(values) - np.nan_to_num(before)[:, None]) ** 2,
                              0.0).sum(axis=1) / np.maximum(before_count - 1, 1))
    noise = spread * np.sqrt(1 / np.maximum(after_count, 1) + 1 / np.maximum(before_count, 1))
    seen = ~np.isnan(values)
    first_seen = np.where(seen.any(axis=1), seen.argmax(axis=1), weeks)
    # new hires still ramping up before the change would read as improving, not as comparable
    settled = (first_seen <= first_seen.min()) | (first_seen + ramp_weeks <= change_start - 4)
    compared = settled & np.isfinite(before) & np.isfinite(after)
    shift = np.where(compared, sign * (after - before), 0.0)
    weight = np.where(compared, after_volume, 0.0)
    rows = np.flatnonzero(compared)
    dipped = compared & (shift <= -2.0 * noise) & (shift < 0)
    moved = tuple(int(p) for p in np.flatnonzero(dipped))
    steady = tuple(int(p) for p in np.flatnonzero(compared & ~dipped))

    # the team's shared week-to-week noise, from how its weekly mean wandered before the change
    moves = np.where(before_weeks[None, :] & seen & compared[:, None],
                     sign * (np.nan_to_num(values) - np.nan_to_num(before)[:, None]), 0.0)
    weekly_weight = np.where(before_weeks[None, :] & seen & compared[:, None], volumes, 0.0)
    totals = weekly_weight.sum(axis=0)
    weekly = (weekly_weight * moves).sum(axis=0)[totals > 0] / totals[totals > 0]
    shared = float(np.sqrt(np.mean(weekly ** 2) / max(int(after_weeks.sum()), 1))
                   ) if len(weekly) else 0.0
    splits = [_split(skill, np.asarray(mask, bool), shift, weight, compared=compared,
                     noise=noise, shared_noise=shared) for skill, mask in below_required.items()]
    splits = [s for s in splits if s.below_count >= 2 and s.proficient_count >= 2]
    best = min(splits, key=lambda s: (np.nan_to_num(s.preference, nan=np.inf)), default=None)
    logged = list(nearby_changes)
    logged_words = (f"{logged[0].kind.value.replace('_', ' ')} logged on {logged[0].starts}"
                    + (f" ({logged[0].description})" if logged[0].description else "")
                    if logged else "")
    moved_words = f"{len(moved)} of {len(rows)} people moved"

    def result(cause: Cause, reason: str, skill: str | None = None) -> Diagnosis:
        return Diagnosis(cause=cause, reason=reason, skill=skill, moved=moved, steady=steady,
                         dip_below=float(best.below * sign) if best else float("nan"),
                         dip_proficient=float(best.proficient * sign) if best else float("nan"),
                         split_z=float(best.z) if best else float("nan"))

    if best is not None and best.preference <= -_MARGIN and best.below < 0:
        tail = (f"; the {logged_words} does not explain it, since proficient people did not move"
                if logged else "")
        return result(Cause.SKILL, (
            f"The dip sits with the {best.below_count} people below the required level of "
            f"{best.skill} ({_amount(best.below)}), while the {best.proficient_count} at or "
            f"above it held steady ({_amount(best.proficient)}){tail}."), best.skill)
    if best is not None and best.preference >= _MARGIN and best.proficient < 0:
        tail = f", starting with the {logged_words}" if logged else ""
        return result(Cause.PROCESS, (
            f"People already at the required level of {best.skill} dipped as much as the others "
            f"({_amount(best.proficient)} against {_amount(best.below)}); "
            f"{moved_words} at once{tail}. Training will not fix this."))
    if best is None and logged and len(moved) >= 0.8 * max(len(rows), 1):
        return result(Cause.PROCESS, (
            f"The whole team dipped at once ({moved_words}), starting with the {logged_words}; "
            "proficiency could not be compared."))
    if logged and best is not None and best.preference > 0:
        return result(Cause.PROCESS, (
            f"The dip is spread across proficient and other people alike and starts with the "
            f"{logged_words}, though the split is not clear-cut ({moved_words})."))
    return result(Cause.UNKNOWN, (
        "The dip is neither clearly concentrated in people below a required level nor clearly "
        f"shared by proficient people ({moved_words})"
        + (f"; the {logged_words} may be related." if logged else "; no change was logged.")))
