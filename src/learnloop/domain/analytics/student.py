"""Student's t distribution (CDF and quantiles, real degrees of freedom) without SciPy.

Small-sample intervals need t quantiles at fractional degrees of freedom; the core stays NumPy-only.
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["t_cdf", "t_quantile", "t_two_sided_p"]


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularised incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 400):
        m2 = 2 * m
        step = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2))
        d = 1.0 + step * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + step / c if abs(c) > tiny else tiny
        result *= d * c
        step = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0))
        d = 1.0 + step * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + step / c
        c = c if abs(c) > tiny else tiny
        change = d * c
        result *= change
        if abs(change - 1.0) < 1e-14:
            break
    return result


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(x: float, df: float) -> float:
    """P(T <= x) for Student's t with `df` (> 0, may be fractional) degrees of freedom."""
    if math.isinf(df):
        return 0.5 * math.erfc(-x / math.sqrt(2.0))
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + x * x))
    return 1.0 - tail if x > 0 else tail


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p-value of a t statistic."""
    if math.isnan(t):
        return math.nan
    if math.isinf(df):
        return math.erfc(abs(t) / math.sqrt(2.0))
    return _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))


def _density(x: float, df: float) -> float:
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_norm - (df + 1) / 2 * math.log1p(x * x / df))


@lru_cache(maxsize=4096)
def _quantile(p: float, df: float) -> float:
    # Newton from the normal quantile with Cornish-Fisher terms, kept inside a bisection bracket
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -_quantile(1.0 - p, df)
    from statistics import NormalDist

    z = NormalDist().inv_cdf(p)
    x = z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
    low, high = 0.0, max(2.0 * x, 1.0)
    while t_cdf(high, df) < p:
        high *= 2.0
    x = min(max(x, low), high)
    for _ in range(100):
        error = t_cdf(x, df) - p
        if abs(error) < 1e-13:
            break
        if error < 0:
            low = x
        else:
            high = x
        step = x - error / _density(x, df)
        x = step if low < step < high else 0.5 * (low + high)
        if high - low < 1e-12 * max(1.0, high):
            break
    return x


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t; df is rounded to 1/1000 so repeated calls hit a cache."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"a quantile needs 0 < p < 1, got {p}")
    if math.isinf(df) or df > 1e7:
        from statistics import NormalDist

        return NormalDist().inv_cdf(p)
    return _quantile(p, round(max(df, 1e-3), 3))
