"""The detection threshold that meets a false-alarm budget, found on simulated no-change years.

Calibration is seeded and cached, so every run with the same settings gets the same threshold.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from learnloop.domain.sensing.detection import Detector
from learnloop.domain.sensing.settings import DetectorSettings

__all__ = ["calibrated_detector", "null_years"]

WEEKS_PER_YEAR = 52


def null_years(settings: DetectorSettings) -> np.ndarray:
    """Years of weekly noise with no change: autocorrelated, heavy-tailed, with missing weeks."""
    rng = np.random.default_rng(settings.calibration_seed)
    years, weeks = settings.calibration_years, WEEKS_PER_YEAR
    phi = settings.noise_autocorrelation
    # Student-t (6 degrees of freedom) innovations, scaled to unit variance
    shocks = rng.standard_t(6, size=(years, weeks)) / np.sqrt(1.5)
    noise = np.empty_like(shocks)
    noise[:, 0] = shocks[:, 0]
    for t in range(1, weeks):
        noise[:, t] = phi * noise[:, t - 1] + np.sqrt(1 - phi * phi) * shocks[:, t]
    return np.where(rng.random((years, weeks)) < 0.03, np.nan, noise)


@lru_cache(maxsize=32)
def calibrated_detector(settings: DetectorSettings | None = None) -> Detector:
    """A detector whose threshold lets `false_alarms_per_year` of no-change years alarm."""
    settings = settings or DetectorSettings()
    probe = Detector(settings=settings, threshold=np.inf, null_maxima=np.empty(0))
    _, weeks = probe.run(null_years(settings))
    maxima = np.sort(np.max([week.statistic for week in weeks], axis=0))
    budget = min(max(settings.false_alarms_per_year, 1.0 / len(maxima)), 1.0)
    threshold = float(np.quantile(maxima, 1.0 - budget))
    return Detector(settings=settings, threshold=threshold, null_maxima=maxima)
