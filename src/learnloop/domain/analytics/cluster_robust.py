"""Least squares with cluster-robust CR2 errors and Bell–McCaffrey degrees of freedom.

Plain cluster-robust errors are too small with few clusters; CR2 with Satterthwaite-style df keeps
a 95% interval near 95%. Clusters are teams, or people (then CR2 is HC2), as the design requires.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ClusteredFit", "fit_by_person", "fit_clustered", "group_means"]


@dataclass(frozen=True, slots=True)
class ClusteredFit:
    """The first coefficient of a fit, its CR2 standard error and Bell–McCaffrey df."""

    coefficient: float
    se: float
    df: float
    coefficients: np.ndarray
    residual_variance: float


def group_means(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Mean of each column of `values` (n, k) per group code 0..count-1."""
    sizes = np.bincount(groups, minlength=count).astype(float)
    sums = np.stack(
        [np.bincount(groups, weights=column, minlength=count) for column in values.T], 1)
    return sums / np.maximum(sizes, 1.0)[:, None]


def _grouped_sum(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Per-group sums of the rows of values (n, ...) -> (count, ...)."""
    out = np.zeros((count, *values.shape[1:]))
    np.add.at(out, groups, values)
    return out


def _solve(y: np.ndarray, x: np.ndarray):
    bread = np.linalg.pinv(x.T @ x)
    coefficients = bread @ (x.T @ y)
    residuals = y - x @ coefficients
    return bread, coefficients, residuals


def fit_clustered(
    y: np.ndarray, x: np.ndarray, cluster: np.ndarray, *, absorb_intercepts: bool = False
) -> ClusteredFit:
    """Regress y on x (n, k); CR2 errors clustered by `cluster` (codes 0..G-1) for x[:, 0].

    With `absorb_intercepts`, each cluster has its own intercept, absorbed by demeaning;
    Pustejovsky & Tipton (2018) show CR2 can then be computed from the demeaned design alone,
    because the residuals are orthogonal to each cluster's constant. Otherwise x must carry
    whatever intercepts the model needs.
    """
    count = int(cluster.max()) + 1
    sizes = np.bincount(cluster, minlength=count).astype(float)
    if absorb_intercepts:
        design = np.column_stack([y, x])
        design = design - group_means(design, cluster, count)[cluster]
        y, x = design[:, 0], design[:, 1:]
    k = x.shape[1]
    bread, coefficients, residuals = _solve(y, x)
    weights = x @ bread[:, 0]                      # coefficient 0 = sum(weights * y)

    # A_g = (I - Xg M Xg')^{-1/2} through its rank-k part, batched over clusters
    z = x @ np.linalg.cholesky(bread + 1e-12 * np.eye(k))           # H_gg = Zg Zg'
    blocks = _grouped_sum(z[:, :, None] * z[:, None, :], cluster, count)
    eigenvalues, vectors = np.linalg.eigh(blocks)
    eigenvalues = np.clip(eigenvalues, 0.0, 1.0 - 1e-6)
    safe = np.where(eigenvalues > 1e-12, eigenvalues, 1.0)
    factor = np.where(eigenvalues > 1e-12, (1.0 / np.sqrt(1.0 - eigenvalues) - 1.0) / safe, 0.5)
    kernel = np.einsum("gij,gj,glj->gil", vectors, factor, vectors)  # A_g = I + Zg K_g Zg'
    zw = _grouped_sum(z * weights[:, None], cluster, count)
    adjusted = weights + np.einsum("ni,ni->n", z, np.einsum("gij,gj->gi", kernel, zw)[cluster])
    scores = np.bincount(cluster, weights=adjusted * residuals, minlength=count)

    # Bell–McCaffrey: df of sum_g (q_g'e)^2 under a homoskedastic working model, Omega = Q'(I-H)Q
    diagonal = np.bincount(cluster, weights=adjusted**2, minlength=count)
    if absorb_intercepts:
        totals = np.bincount(cluster, weights=adjusted, minlength=count)
        diagonal = diagonal - totals**2 / sizes.clip(1)
    u = _grouped_sum(x * adjusted[:, None], cluster, count)
    omega = np.diag(diagonal) - u @ bread @ u.T
    return _fit(coefficients, residuals, float(np.sum(scores**2)), omega,
                dof=len(y) - k - (count if absorb_intercepts else 0))


def fit_by_person(y: np.ndarray, x: np.ndarray, strata: np.ndarray) -> ClusteredFit:
    """Regress y on x (n, k) with one row per person and one intercept per stratum (codes
    0..S-1); CR2 with one-person clusters (HC2) and Bell–McCaffrey df for x[:, 0].

    For designs randomised person by person within teams (the strata): shocks shared by a team
    cancel between its treated and held-out people. The intercepts are absorbed (Frisch–Waugh);
    the hat matrix is then the strata's averaging plus the demeaned design's, H = A + B, which
    gives each leverage and the df's terms without forming an n x n matrix.
    """
    count = int(strata.max()) + 1
    sizes = np.bincount(strata, minlength=count).astype(float)
    design = np.column_stack([y, x])
    design = design - group_means(design, strata, count)[strata]
    y, x = design[:, 0], design[:, 1:]
    bread, coefficients, residuals = _solve(y, x)
    weights = x @ bread[:, 0]
    z = x @ np.linalg.cholesky(bread + 1e-12 * np.eye(x.shape[1]))    # B = Z Z'
    leverage = np.clip(1.0 / sizes[strata] + np.einsum("ni,ni->n", z, z), 0.0, 1.0 - 1e-6)
    adjusted = weights / np.sqrt(1.0 - leverage)
    # Omega = D^(1/2)(I-H)D^(1/2), D = diag(adjusted^2): trace and squared norm in O(n k^2)
    d = adjusted**2
    trace = float(np.sum(d * (1.0 - leverage)))
    by_stratum = np.bincount(strata, weights=d, minlength=count)
    s = _grouped_sum(z * d[:, None], strata, count)
    cross = z.T @ (z * d[:, None])
    squared_h = (float(np.sum(by_stratum**2 / sizes.clip(1) ** 2))
                 + 2.0 * float(np.sum(np.einsum("gi,gi->g", s, s) / sizes.clip(1)))
                 + float(np.sum(cross * cross)))
    norm = float(np.sum(d**2 * ((1.0 - leverage) ** 2 - leverage**2))) + squared_h
    fit = _fit(coefficients, residuals, float(np.sum(d * residuals**2)), None,
               dof=len(y) - x.shape[1] - count)
    df = trace**2 / norm if norm > 0 else float("nan")
    return ClusteredFit(fit.coefficient, fit.se, df, fit.coefficients, fit.residual_variance)


def _fit(coefficients, residuals, variance, omega, *, dof) -> ClusteredFit:
    df = float("nan")
    if omega is not None:
        trace = float(np.trace(omega))
        df = trace**2 / float(np.sum(omega * omega)) if trace > 0 else float("nan")
    return ClusteredFit(
        coefficient=float(coefficients[0]), se=float(np.sqrt(variance)), df=df,
        coefficients=coefficients,
        residual_variance=float(residuals @ residuals / max(dof, 1)))
