"""The sensitivity settings of the sensing detector, with the reasons for their defaults.

`false_alarms_per_year` is the one most people tune; the others shape what counts as a change.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DetectorSettings"]


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    # expected false alarms per monitored series (team x metric) per year of weekly data
    false_alarms_per_year: float = 0.05
    # expected false alarms per harmless logged change, when its start is tested on its own
    false_alarms_per_logged_change: float = 0.02
    # weeks a baseline looks back: the baseline's own noise limits how small a change can be seen
    baseline_weeks: int = 40
    # how far back a change may have started and still be tested as one step
    longest_run: int = 10
    # minimum data: weeks of baseline before any test
    minimum_baseline: int = 8
    # a single week is never a change
    shortest_run: int = 2
    # minimum effect, in baseline SDs, and the effect that must remain without the worst week
    minimum_effect_sd: float = 1.0
    sustained_effect_sd: float = 0.5
    # one week's standardised score is clipped here, so an outage moves the test a bounded amount
    clip_sd: float = 3.0
    # share of a typical week's variance that comes from sampling (falls with volume)
    sampling_share: float = 0.5
    # also raise detections for sustained improvements
    watch_rises: bool = False
    # week-to-week correlation of the noise: the test allows for it, and the threshold is
    # calibrated on no-change years with it (business series are mildly autocorrelated)
    noise_autocorrelation: float = 0.1
    # size of that calibration (series-years) and its seed, so every run gets the same threshold
    calibration_years: int = 4_000
    calibration_seed: int = 20_240_101
