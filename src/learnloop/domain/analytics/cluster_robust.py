"""Least squares within teams with cluster-robust CR2 errors and Bell–McCaffrey degrees of freedom.

Few teams make plain cluster-robust errors too small; CR2 with Satterthwaite-style df keeps 95% honest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ClusteredFit", "fit_within_clusters", "group_means"]


@dataclass(frozen=True, slots=True)
class ClusteredFit:
    """The first coefficient of a within-cluster fit, its CR2 standard error and df."""

    coefficient: float
    se: float
    df: float
    coefficients: np.ndarray
    residual_variance: float


def group_means(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Mean of each column of `values` (n, k) per group code 0..count-1."""
    sizes = np.bincount(groups, minlength=count).astype(float)
    sums = np.stack([np.bincount(groups, weights=column, minlength=count) for column in values.T], 1)
    return sums / np.maximum(sizes, 1.0)[:, None]


def _grouped_sum(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Per-group sums of the rows of values (n, ...) -> (count, ...)."""
    out = np.zeros((count, *values.shape[1:]))
    np.add.at(out, groups, values)
    return out


def fit_within_clusters(y: np.ndarray, x: np.ndarray, cluster: np.ndarray) -> ClusteredFit:
    """Regress y on x (n, k) with one intercept per cluster; CR2 and Bell–McCaffrey df for x[:, 0].

    `cluster` holds codes 0..G-1. The cluster intercepts are absorbed by demeaning; Pustejovsky &
    Tipton (2018) show CR2 can then be computed from the demeaned design alone, because residuals
    are orthogonal to each cluster's constant.
    """
    count = int(cluster.max()) + 1
    sizes = np.bincount(cluster, minlength=count).astype(float)
    design = np.column_stack([y, x])
    demeaned = design - group_means(design, cluster, count)[cluster]
    y_w, x_w = demeaned[:, 0], demeaned[:, 1:]
    k = x_w.shape[1]
    bread = np.linalg.pinv(x_w.T @ x_w)
    coefficients = bread @ (x_w.T @ y_w)
    residuals = y_w - x_w @ coefficients
    contrast = bread[:, 0]
    weights = x_w @ contrast                       # coefficient 0 = sum(weights * y)

    # the adjustment A_g = (I - Xg M Xg')^{-1/2} through its rank-k part, batched over clusters
    root = np.linalg.cholesky(bread + 1e-14 * np.eye(k)) if k else np.zeros((0, 0))
    z = x_w @ root                                 # H_gg = Zg Zg'
    zz = _grouped_sum(z[:, :, None] * z[:, None, :], cluster, count)
    eigenvalues, vectors = np.linalg.eigh(zz)
    eigenvalues = np.clip(eigenvalues, 0.0, 1.0 - 1e-6)
    safe = np.where(eigenvalues > 1e-12, eigenvalues, 1.0)
    factor = np.where(eigenvalues > 1e-12, (1.0 / np.sqrt(1.0 - eigenvalues) - 1.0) / safe, 0.5)
    kernel = np.einsum("gij,gj,glj->gil", vectors, factor, vectors)   # A_g = I + Zg K_g Zg'
    zw = _grouped_sum(z * weights[:, None], cluster, count)
    adjusted = weights + np.einsum("ni,ni->n", z, np.einsum("gij,gj->gi", kernel, zw)[cluster])
    scores = np.bincount(cluster, weights=adjusted * residuals, minlength=count)
    variance = float(np.sum(scores**2))

    # Bell–McCaffrey: df of sum_g (q_g'e)^2 under a homoskedastic working model, Omega = Q'(I-H)Q
    diagonal = (np.bincount(cluster, weights=adjusted**2, minlength=count)
                - np.bincount(cluster, weights=adjusted, minlength=count) ** 2 / np.maximum(sizes, 1))
    u = _grouped_sum(x_w * adjusted[:, None], cluster, count)
    low_rank = u @ bread @ u.T
    omega = np.diag(diagonal) - low_rank
    trace = float(np.trace(omega))
    df = trace**2 / float(np.sum(omega * omega)) if trace > 0 else float("nan")
    dof = max(len(y) - count - k, 1)
    return ClusteredFit(
        coefficient=float(coefficients[0]),
        se=float(np.sqrt(variance)),
        df=float(df),
        coefficients=coefficients,
        residual_variance=float(residuals @ residuals / dof),
    )
