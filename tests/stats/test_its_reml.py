"""The hand-written AR(1) REML fit with Kenward-Roger inference (``_AR1Fit``) against
an independent implementation written from the textbook formulas.

No published dataset with REML AR(1) results and Kenward-Roger intervals was found
(reference/REFERENCES.md), so this is the next-best check: the same quantities computed
a second, slower way that shares no code with the fitter. The restricted likelihood is
maximised on the dense covariance matrix (no Prais-Winsten transform), and the
Kenward-Roger "linear" adjustment (Kenward & Roger 1997, without the second-derivative
term R, as R's mmrm "Kenward-Roger-Linear") and its degrees of freedom are computed with
numerical derivatives of the covariance instead of the fitter's analytic ones. The
interval coverage of the whole method is checked by simulation in
benchmarks/simulation_study.py (docs/validation.md)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from evaltools.stats.timeseries import _AR1Fit, _design


def _sigma(theta, n):
    s2, rho = theta
    d = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    return s2 * rho ** d / (1 - rho ** 2)


def _gls(y, X, S):
    Si = np.linalg.inv(S)
    phi = np.linalg.inv(X.T @ Si @ X)
    return phi @ X.T @ Si @ y, phi, Si


def _neg_reml(rho, y, X):
    """-log L_REML profiled over sigma², constants dropped, from the dense matrices."""
    n, k = X.shape
    V = _sigma((1.0, rho), n)
    beta, _, Vi = _gls(y, X, V)
    r = y - X @ beta
    s2 = float(r @ Vi @ r) / (n - k)
    return 0.5 * ((n - k) * np.log(s2) + np.linalg.slogdet(V)[1] + np.linalg.slogdet(X.T @ Vi @ X)[1])


def _independent(y, X, c):
    """(rho, sigma², beta, KR covariance, KR df of contrast c), the slow way."""
    n, k = X.shape
    grid = np.linspace(-0.95, 0.95, 191)
    start = grid[np.argmin([_neg_reml(r, y, X) for r in grid])]
    rho = optimize.minimize_scalar(_neg_reml, bounds=(max(-0.99, start - 0.02), min(0.99, start + 0.02)),
                                   args=(y, X), method="bounded", options={"xatol": 1e-10}).x
    V = _sigma((1.0, rho), n)
    beta, _, Vi = _gls(y, X, V)
    r = y - X @ beta
    s2 = float(r @ Vi @ r) / (n - k)
    theta = np.array([s2, rho])
    S = _sigma(theta, n)
    _, phi, Si = _gls(y, X, S)
    h = np.array([1e-6 * s2, 1e-6])
    dS = []
    for i in range(2):
        e = np.zeros(2)
        e[i] = h[i]
        dS.append((_sigma(theta + e, n) - _sigma(theta - e, n)) / (2 * h[i]))
    dSi = [-Si @ D @ Si for D in dS]                                   # d Sigma^-1 / d theta_i
    proj = Si - Si @ X @ phi @ X.T @ Si
    info = np.array([[0.5 * np.trace(proj @ dS[i] @ proj @ dS[j]) for j in range(2)] for i in range(2)])
    W = np.linalg.inv(info)
    P = [X.T @ dSi[i] @ X for i in range(2)]
    Q = [[X.T @ dSi[i] @ S @ dSi[j] @ X for j in range(2)] for i in range(2)]
    lam = sum(W[i, j] * (Q[i][j] - P[i] @ phi @ P[j]) for i in range(2) for j in range(2))
    cov = phi + 2 * phi @ lam @ phi
    g = np.array([c @ (-phi @ P[i] @ phi) @ c for i in range(2)])      # c' (d phi / d theta_i) c
    df = 2 * float(c @ phi @ c) ** 2 / float(g @ W @ g)
    return rho, s2, beta, cov, df


@pytest.mark.parametrize("n_pre, n_post, rho_true, seed", [(24, 24, 0.5, 1), (30, 12, 0.2, 2),
                                                           (12, 12, -0.3, 3), (40, 20, 0.8, 4)])
def test_reml_ar1_and_kenward_roger_match_an_independent_computation(n_pre, n_post, rho_true, seed):
    rng = np.random.default_rng(seed)
    n = n_pre + n_post
    X = _design(n_pre, n, "first_post", True)
    e = np.empty(n)
    e[0] = rng.normal(0, 1 / np.sqrt(1 - rho_true ** 2))
    for t in range(1, n):
        e[t] = rho_true * e[t - 1] + rng.normal()
    y = X.to_numpy() @ np.array([40.0, 0.1, 3.0, -0.2]) + 2.0 * e
    level = X.columns.get_loc("level")
    fit = _AR1Fit(y, X, level)
    c = np.eye(X.shape[1])[level]
    rho, s2, beta, cov, df = _independent(y, X.to_numpy(), c)
    assert fit.rho == pytest.approx(rho, abs=2e-5)
    assert float(fit.full.scale) == pytest.approx(s2, rel=1e-4)
    assert fit.params.to_numpy() == pytest.approx(beta, rel=1e-5, abs=1e-6)
    assert np.asarray(fit.cov_params()) == pytest.approx(cov, rel=1e-5)
    assert fit.bse.to_numpy() == pytest.approx(np.sqrt(np.diag(cov)), rel=1e-5)
    assert fit.df_resid == pytest.approx(df, rel=1e-5)
    # the adjustment only widens: the estimated rho and sigma² add uncertainty
    assert fit.bse["level"] >= np.sqrt(np.asarray(fit.full.cov_params())[level, level])
