"""The standard normal distribution's CDF and quantiles, vectorised, without SciPy.

Enough precision for probabilities shown to a reader (absolute error below 1e-7).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["normal_cdf", "normal_quantile", "t_quantile"]


def normal_cdf(z: np.ndarray | float) -> np.ndarray:
    """P(Z <= z), by Abramowitz and Stegun 7.1.26 applied to erf."""
    z = np.asarray(z, dtype=float)
    x = np.abs(z) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-x * x)
    return 0.5 * (1.0 + np.sign(z) * erf)


def normal_quantile(p: float) -> float:
    """The z with P(Z <= z) = p, by bisection on the CDF (called once per interval width)."""
    lo, hi = -10.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if float(normal_cdf(mid)) < p else (lo, mid)
    return (lo + hi) / 2


def t_quantile(p: float, df: float) -> float:
    """Student's t quantile by the Cornish–Fisher expansion: close enough from 5 degrees up."""
    z = normal_quantile(p)
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)
