"""The detection threshold that meets a false-alarm budget, found on simulated no-change years.

Calibration is seeded and cached, so every run with the same settings gets the same threshold.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from learnloop.domain.sensing.detection import Detector
from learnloop.domain.sensing.settings import DetectorSettings

__all__ = ["calibrated_detector", "null_years", "quantile_of"]

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
    noise = null_years(settings)
    # one harmless change logged per year, somewhere a baseline has had time to form
    rng = np.random.default_rng(settings.calibration_seed + 1)
    logged = np.zeros(noise.shape, dtype=bool)
    first = min(2 * settings.minimum_baseline, WEEKS_PER_YEAR - settings.longest_run - 1)
    logged[np.arange(len(noise)),
           rng.integers(first, WEEKS_PER_YEAR - settings.longest_run, len(noise))] = True
    _, weeks = probe.run(noise, logged=logged)
    maxima = np.sort(np.max([week.statistic for week in weeks], axis=0))
    logged_maxima = np.sort(np.max([week.logged_statistic for week in weeks], axis=0))
    return Detector(settings=settings,
                    threshold=quantile_of(maxima, settings.false_alarms_per_year),
                    null_maxima=maxima,
                    logged_threshold=quantile_of(logged_maxima,
                                               settings.false_alarms_per_logged_change),
                    logged_null_maxima=logged_maxima)


def quantile_of(maxima: np.ndarray, budget: float) -> float:
    """The level that `budget` of the maxima exceed (every one, for a budget of 1 or more)."""
    share = min(max(budget, 1.0 / len(maxima)), 1.0)
    return float(np.quantile(maxima, 1.0 - share))
