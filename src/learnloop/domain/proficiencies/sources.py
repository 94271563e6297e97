"""How each kind of evidence relates to true proficiency: a documented bias and noise per kind.

The estimator and the calibration share these models, so a calibrated model replaces a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from learnloop.domain.evidence import EvidenceKind

__all__ = ["DOCUMENTED_SOURCES", "KINDS", "EstimationSettings", "SourceModel"]

# kind codes used by the arrays: the index of the kind in this tuple
KINDS: tuple[EvidenceKind, ...] = tuple(EvidenceKind)


@dataclass(frozen=True, slots=True)
class SourceModel:
    """A source kind as a measuring instrument: observed = intercept + slope·true + noise, with
    noise ~ N(0, noise_sd²). A slope below 1 compresses the scale; an intercept above 0 with a
    slope below 1 inflates low levels most (leniency, overconfidence)."""

    kind: EvidenceKind
    intercept: float
    slope: float
    noise_sd: float


# What the literature on ratings reports, and our defaults until the organisation's own data
# overlaps enough to calibrate: managers rate leniently and bunch ratings in the middle-to-high
# range; people who know least overrate themselves most (Dunning–Kruger); a scored assessment
# is unbiased but noisy (one sitting, a handful of items).
DOCUMENTED_SOURCES: Mapping[EvidenceKind, SourceModel] = {
    EvidenceKind.MANAGER_RATING: SourceModel(EvidenceKind.MANAGER_RATING, intercept=1.1,
                                             slope=0.6, noise_sd=0.5),
    EvidenceKind.SELF_ASSESSMENT: SourceModel(EvidenceKind.SELF_ASSESSMENT, intercept=1.0,
                                              slope=0.75, noise_sd=0.6),
    EvidenceKind.ASSESSMENT: SourceModel(EvidenceKind.ASSESSMENT, intercept=0.0, slope=1.0,
                                         noise_sd=0.5),
}


@dataclass(frozen=True, slots=True)
class EstimationSettings:
    """The prior a person starts from on a skill with no evidence, how fast certainty fades
    without fresh evidence (a random walk: `drift_sd_per_year` of true change a year), and the
    width of the interval reported."""

    prior_mean: float = 2.0
    prior_sd: float = 1.0
    drift_sd_per_year: float = 0.3
    interval: float = 0.90

    @property
    def drift_variance_per_day(self) -> float:
        return self.drift_sd_per_year ** 2 / 365.25
