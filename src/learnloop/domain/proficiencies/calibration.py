"""Calibrates each evidence kind's bias and noise from the organisation's own overlapping data.

Assessments are the yardstick (unbiased by design); the other kinds are regressed on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiencies.arrays import EvidenceArrays, by_pair_and_day
from learnloop.domain.proficiencies.sources import (
    DOCUMENTED_SOURCES,
    KINDS,
    EstimationSettings,
    SourceModel,
)

__all__ = ["Calibration", "SourceCalibration", "calibrate_sources"]

_ASSESSMENT = KINDS.index(EvidenceKind.ASSESSMENT)
# what a calibrated slope and noise may be before we distrust the data behind them
_SLOPES = (0.2, 1.5)
_NOISE_SDS = (0.05, 2.0)


@dataclass(frozen=True, slots=True)
class SourceCalibration:
    """One kind's model as used, the pairs behind it, and whether the data set it (`calibrated`)
    or the documented default stands (`note` says why)."""

    model: SourceModel
    default: SourceModel
    pairs: int
    calibrated: bool
    note: str


@dataclass(frozen=True, slots=True)
class Calibration:
    """Every kind's calibration and the population prior the data implies."""

    sources: tuple[SourceCalibration, ...]
    settings: EstimationSettings

    @property
    def models(self) -> Mapping[EvidenceKind, SourceModel]:
        return {line.model.kind: line.model for line in self.sources}


def _latest(evidence: EvidenceArrays,
            keep: np.ndarray) -> dict[int, tuple[np.ndarray, ...]]:
    """Per kind: (pair, level, day) of each pair's latest entry of that kind."""
    index = by_pair_and_day(evidence, keep)
    pair, kind = evidence.pair()[index], evidence.kind[index]
    found = {}
    for code in range(len(KINDS)):
        # one kind's entries keep the pair, then day order: the last of each pair is where
        # the pair changes
        mine = np.flatnonzero(kind == code)
        last = mine[np.r_[pair[mine[1:]] != pair[mine[:-1]], True]] if len(mine) else mine
        found[code] = (pair[last], evidence.level[index[last]], evidence.day[index[last]])
    return found


def _assessment_noise(evidence: EvidenceArrays, keep: np.ndarray,
                      settings: EstimationSettings) -> tuple[float, int]:
    """The assessment noise variance from pairs assessed twice: consecutive differences have
    variance 2·noise² plus the true change between the sittings (the drift)."""
    index = by_pair_and_day(evidence, keep & (evidence.kind == _ASSESSMENT))
    pair, day, level = evidence.pair()[index], evidence.day[index], evidence.level[index]
    repeat = pair[1:] == pair[:-1]
    gaps = np.diff(level)[repeat]
    days = np.diff(day)[repeat]
    if len(gaps) == 0:
        return float("nan"), 0
    variance = (np.mean(gaps ** 2) - settings.drift_variance_per_day * np.mean(days)) / 2
    # pairs assessed more than once: where a run of repeats begins
    return float(variance), int(np.sum(repeat & ~np.r_[False, repeat[:-1]]))


def calibrate_sources(evidence: EvidenceArrays, *, as_of: int,
                      defaults: Mapping[EvidenceKind, SourceModel] = DOCUMENTED_SOURCES,
                      settings: EstimationSettings | None = None,
                      min_pairs: int = 50) -> Calibration:
    """Each kind's intercept, slope and noise where at least `min_pairs` pairs overlap with an
    assessment; the documented default otherwise.

    Assessments are noisy, so plain least squares would flatten the slope (errors in the
    regressor): the slope is cov(kind, assessment) / var(true level), where var(true level) =
    var(assessment) − assessment noise², the noise measured from pairs assessed twice. The
    population prior (mean, SD of the true level) comes from the same moments."""
    settings = settings or EstimationSettings()
    keep = evidence.day <= as_of
    latest = _latest(evidence, keep)
    noise_var, repeats = _assessment_noise(evidence, keep, settings)
    default_assessment = defaults[EvidenceKind.ASSESSMENT]
    assessment_pairs, assessed, _ = latest[_ASSESSMENT]
    lines: list[SourceCalibration] = []
    if repeats >= min_pairs and _NOISE_SDS[0] ** 2 <= noise_var <= _NOISE_SDS[1] ** 2:
        assessment = replace(default_assessment, noise_sd=float(np.sqrt(noise_var)))
        lines.append(SourceCalibration(assessment, default_assessment, repeats, True,
                                       "noise from pairs assessed twice"))
    else:
        assessment = default_assessment
        lines.append(SourceCalibration(assessment, default_assessment, repeats, False,
                                       f"{repeats} pairs assessed twice; {min_pairs} needed"))
    true_var = float(np.var(assessed)) - assessment.noise_sd ** 2 if len(assessed) else 0.0
    if len(assessed) >= min_pairs and true_var > 0.05:
        settings = replace(settings, prior_mean=float(np.mean(assessed)),
                           prior_sd=float(np.sqrt(true_var)))
    for code, kind in enumerate(KINDS):
        if code == _ASSESSMENT:
            continue
        lines.insert(code, _calibrated_kind(
            defaults[kind], latest[code], (assessment_pairs, assessed),
            true_var=true_var, min_pairs=min_pairs))
    return Calibration(sources=tuple(lines), settings=settings)


def _calibrated_kind(default: SourceModel, latest: tuple[np.ndarray, ...],
                     assessments: tuple[np.ndarray, np.ndarray], *, true_var: float,
                     min_pairs: int) -> SourceCalibration:
    pair, level, _ = latest
    both, mine, theirs = np.intersect1d(pair, assessments[0], assume_unique=True,
                                        return_indices=True)
    if len(both) < min_pairs or true_var <= 0.05:
        return SourceCalibration(default, default, len(both), False,
                                 f"{len(both)} pairs overlap an assessment; {min_pairs} needed")
    y, x = level[mine], assessments[1][theirs]
    slope = float(np.mean((y - y.mean()) * (x - x.mean())) / true_var)
    intercept = float(y.mean() - slope * x.mean())
    noise_var = float(np.var(y) - slope * slope * true_var)
    if not (_SLOPES[0] <= slope <= _SLOPES[1]) or not (
            _NOISE_SDS[0] ** 2 <= noise_var <= _NOISE_SDS[1] ** 2):
        return SourceCalibration(default, default, len(both), False,
                                 f"implausible fit (slope {slope:.2f}); default kept")
    model = SourceModel(default.kind, intercept=intercept, slope=slope,
                        noise_sd=float(np.sqrt(noise_var)))
    return SourceCalibration(model, default, len(both), True,
                             "regressed on the latest assessment of the same person and skill")
