"""Interrupted time series: did the level or the trend change when the intervention began?

Segmented regression (Wagner et al. 2002; Lopez Bernal, Cummins & Gasparrini 2017;
Linden 2015)::

    outcome ~ time + after + time_after [+ Fourier seasonality]

``time`` counts the points 1, 2, ...; ``after`` is 1 from the first point in the
intervention period; ``time_after`` counts the post-intervention points, 0 at the
first of them (Linden's ``itsa`` convention, so ``after`` is the jump at the first
post-intervention point) or 1 (``slope_origin="last_pre"``, the convention of Lopez
Bernal's ``I(time-36):smokban``).

Three models (statsmodels' OLS, GLS and GLM, and the hand-written REML AR(1) below):

* ``"ols"``: linear segmented regression for rates, means and scores. Errors
  (``errors=``):

  - ``"ar1"`` (default from 16 points): regression with AR(1) errors, rho estimated
    by restricted maximum likelihood (REML), the coefficients by GLS at that rho
    (statsmodels ``GLS``), and Kenward-Roger small-sample inference: the coefficients'
    covariance adjusted for rho and sigma² being estimated, and t intervals on
    Kenward-Roger degrees of freedom (Kenward & Roger 1997, Biometrics 53:983-997).
    REML is much less biased for rho than ML or the residual autocorrelation (Cheang
    & Reinsel 2000, JASA 95:1173-1184), and is the method Turner et al. (2021, BMC
    Med Res Methodol 21:181) preferred for interrupted time series of 12 points or
    more. Hand-written (``_AR1Fit``), because statsmodels has no REML AR(1)
    regression and no Kenward-Roger. It replaces Prais-Winsten GLS with a
    bias-corrected lag-1 autocorrelation ((1+3 rho)/n + k/n) and t on n-k-1 df,
    which in our simulations (24+24 and 12+12 points, AR(1) rho 0, 0.3 and 0.6)
    rejected a true null 5.6-11% of the time at the 5% level; REML with
    Kenward-Roger rejected 4.4-5.3% (95% intervals covering 94.7-95.6%), at the cost
    of some power (a level change of 1 SD at 24+24 points, rho 0.3: about 21% against
    27%, most of that 27% coming from the intervals being too narrow). The uncorrected
    estimate of rho (statsmodels ``GLSAR``) covered 88-93% at 48 points;
  - ``"newey-west"`` (default when ``maxlags`` is given): OLS with Newey-West (HAC,
    Bartlett kernel) errors, the ``n/(n-k)`` correction and t inference, as Stata's
    ``newey`` and Linden's ``itsa``. Our simulation study (docs/validation.md) found
    its 95% intervals cover only about 84% of the time in a 48-month series, which
    is why it is not the default;
  - ``"iid"``: plain OLS (the default below 16 points, too few to model
    autocorrelation; the Ljung-Box check still runs).
* ``"poisson"``: a Poisson GLM for counts, with ``log(denominator)`` as offset (rates
  per population or per child), quasi-Poisson dispersion by default (Pearson X²/df,
  R's ``quasipoisson``, Stata's ``scale(x2)``, except that a dispersion below 1 is
  taken as 1); effects are rate ratios.
* ``"binomial"``: a binomial GLM for proportions (numerator of denominator), with
  quasi-binomial dispersion; effects are odds ratios.

  For both count models, ``errors`` says how the months relate: ``"iid"`` is the GLM
  above, which takes them as independent (Lopez Bernal's models); ``"ar1"`` (the
  default from 16 points, with quasi dispersion) fits the linear predictor's scale
  instead, the empirical log odds ``log((x+0.5)/(n-x+0.5))`` or log rate
  ``log((x+0.5)/n)``, with covariance phi D + sigma² V(rho): each point's own sampling
  variance D (``1/(x+0.5) + 1/(n-x+0.5)``, or ``1/(x+0.5)``) up to a factor phi
  (children differ in their risk, so a month's count can vary less than binomial
  chance, or more) plus an AR(1) drift, all three by REML; GLS with Kenward-Roger
  intervals, rho's variance in their expansion capped at a uniform's on (-1, 1) (where
  the drift was weakly identified it ran wider, and the degrees of freedom fell to 4).
  Where REML puts the drift at 0 it is weighted least squares with t on n - k degrees
  of freedom. Effects are still odds or rate ratios and the effect at the
  end is in the measure's own units. In our simulation of a topic report's monthly
  percentage (36+24 months, about 355 children a month at 4.2%, log odds AR(1) 0.7),
  the GLM found a level change in 15% of null series, an AR(1) alone on the log odds
  in 8% (the binomial noise made the drift look shorter-lived than it was) and this
  model in 5.3% (docs/validation.md); ``"newey-west"`` (or ``maxlags``) gives the GLM
  Newey-West errors.

Hand-written here, because no library packages them for this design: the design
matrix, the counterfactual (the fitted model with the intervention terms set to 0)
and its confidence band (delta method on the linear predictor), the "effect at the
end" (fitted minus counterfactual at the last point, delta method), and the
warnings. The Ljung-Box test is statsmodels' ``acorr_ljungbox``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, optimize, stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import GLS, OLS
from statsmodels.stats.diagnostic import acorr_ljungbox

from .. import registry
from ..sdc import significant
from ..wording import count
from . import frames
from .power import detectable, mde_multiplier
from .results import Result, change_unit, shared_decimals

MODELS = ("auto", "ols", "poisson", "binomial")
_SCALE = {"poisson": "rate ratio", "binomial": "odds ratio"}
ERRORS = ("auto", "ar1", "newey-west", "iid")
MIN_PRE = 8
#: fewer points than this and an AR(1) error model is not estimated
MIN_AR1 = 16
#: a count series' AR(1) drift is dropped where REML puts its variance on the boundary
#: (0): its restricted likelihood is then no better than the sampling variance alone.
#: Not a test at 5% (2.71): that left out real drifts too often (9 to 11% false alarms
#: at drift rho 0.7 in 300 to 400 simulated series, against about 5% this way)
DRIFT_LR = 1e-3
#: a drift clear enough for the method line to give its rho and the sampling variance's
#: factor (5% on the boundary); below it the split between them is barely identified
CLEAR_DRIFT_LR = 2.71
#: the drift's variance at most this many times the mean sampling variance (REML's bound)
_LAMBDA_MAX = 1e4
#: rho's variance in Kenward-Roger's expansion at most a uniform's on (-1, 1)
RHO_VAR_CAP = 1 / 3


class _AR1Fit:
    """Regression with AR(1) errors fitted by REML with Kenward-Roger inference, shaped
    like an OLS results object.

    rho maximises the profile restricted (REML) log-likelihood over (-0.99, 0.99); the
    coefficients are GLS at that rho (statsmodels ``GLS``; its scale, the whitened RSS
    over n-k, is the REML sigma²). ``cov_params()`` and ``bse`` are Kenward & Roger's
    (1997, Biometrics 53:983-997) adjusted covariance, which adds the variance that
    comes from rho and sigma² being estimated, with W the inverse expected REML
    information of (sigma², rho); the second-derivative term R of their adjustment is
    left out (the "linear" adjustment, R package mmrm's ``"Kenward-Roger-Linear"``):
    rho enters the covariance non-linearly, and with R the adjustment changes with how
    the covariance is parameterised and can turn negative when rho is near 1, which
    the first-order form cannot. ``df(c)`` is the Kenward-Roger degrees of freedom of
    a contrast: for one contrast their F scale factor is exactly 1 and the df is
    2 (c' phi c)² / (g' W g), g_i = c' (d phi / d theta_i) c, on the unadjusted
    covariance phi (as pbkrtest and mmrm compute it). ``df_resid`` is that of the level
    change; ``resid`` are the whitened residuals (Prais-Winsten; Cholesky of D + lambda V
    for the count models).

    With ``known`` sampling variances D (the count models), Sigma = phi D + sigma² V:
    see :meth:`_fit_known`; Kenward-Roger then runs over (phi, sigma², rho).

    Hand-written, because statsmodels has no REML AR(1) regression and no Kenward-Roger.
    """

    def __init__(self, y, X, level_col: int, known=None):
        y = np.asarray(y, dtype=float)
        Xa = np.asarray(X, dtype=float)
        n, k = Xa.shape
        d = np.abs(np.subtract.outer(np.arange(n), np.arange(n))).astype(float)
        self.known = None if known is None else np.asarray(known, dtype=float)
        if self.known is None:
            self.rho = r = float(optimize.minimize_scalar(
                _reml_deviance, bounds=(-0.99, 0.99), args=(y, Xa), method="bounded",
                options={"xatol": 1e-7}).x)
            g = 1 / (1 - r ** 2)
            V = r ** d * g                                   # corr. structure, Sigma = sigma² V
            self.full = GLS(y, X, sigma=V).fit()
            s2 = float(self.full.scale)
            self.params = self.full.params
            phi = np.asarray(self.full.cov_params())         # (X' Sigma^-1 X)^-1
            L = np.eye(n) - r * np.eye(n, k=-1)              # Prais-Winsten: L'L = V^-1
            L[0, 0] = np.sqrt(1 - r ** 2)
            Si = L.T @ L / s2
            u = np.asarray(self.full.resid)
            self.resid = np.r_[np.sqrt(1 - r ** 2) * u[0], u[1:] - r * u[:-1]]
        else:
            self._fit_known(y, X, Xa, d, level_col)
            return
        self._kenward_roger(Xa, Si, phi, (V, s2 * _dV(r, d)), level_col)
        self.sigma2 = s2

    def _fit_known(self, y, X, Xa, d, level_col) -> None:
        """Sigma = phi D + sigma² V(rho): each point's sampling variance D (known from
        its counts up to a factor phi: children differ in their risk, so a month's count
        can vary less than binomial chance, or more) plus an AR(1) drift, all by REML;
        GLS with Kenward-Roger's adjusted covariance and degrees of freedom, rho's
        variance in their expansion capped at :data:`RHO_VAR_CAP`.
        Where REML puts the drift at 0, Sigma = phi D: weighted least squares with t on
        n - k degrees of freedom (exact; Kenward-Roger's for one scale parameter)."""
        n, k = Xa.shape
        D = self.known
        lam, r, self.lr = _reml_known(y, Xa, D, d)
        # REML puts the drift's variance at 0: nothing to estimate but the scale. Kept in
        # at the boundary, the drift left rho free to wander and Kenward-Roger widened the
        # intervals for parameters that were not there (0.7% false alarms in 150 null
        # series, with the sampling variance's factor fixed at 1)
        self.drift = self.lr >= DRIFT_LR
        if not self.drift:
            lam, r = 0.0, 0.0
        self.rho = r
        V = r ** d / (1 - r ** 2)
        S = np.diag(D) + lam * V                          # Sigma / phi
        C = np.linalg.cholesky(S)
        Xw, yw = np.linalg.solve(C, Xa), np.linalg.solve(C, y)
        inv_xtx = np.linalg.inv(Xw.T @ Xw)
        beta = inv_xtx @ Xw.T @ yw
        e = yw - Xw @ beta
        self.dispersion = float(e @ e) / (n - k)          # phi, the REML scale
        self.sigma2 = lam * self.dispersion
        self.params = pd.Series(beta, index=getattr(X, "columns", None))
        self.resid = e
        phi = self.dispersion * inv_xtx
        if not self.drift:
            names = self.params.index
            self._cov = pd.DataFrame(phi, index=names, columns=names)
            self.bse = pd.Series(np.sqrt(np.diag(phi)), index=names)
            self._phi, self._W, self._dphi, self._df_fixed = phi, None, [], float(n - k)
            self.df_resid = float(n - k)
            return
        Si = np.linalg.inv(self.dispersion * S)
        Si = (Si + Si.T) / 2
        self.clear_drift = self.lr >= CLEAR_DRIFT_LR and abs(r) < 0.95
        # Kenward-Roger over (phi, sigma², rho), with rho's variance in W capped at 1/3,
        # a uniform's on (-1, 1): where the drift is barely there the expansion gave rho a
        # variance wider than its whole range, the degrees of freedom fell to 4 and the
        # sample's interval at the end ran to ±8 points on a 4% measure (reviewer's
        # simulation: intervals up to twice as wide as they need be)
        self._kenward_roger(Xa, Si, phi, (np.diag(D), V, self.sigma2 * _dV(r, d)), level_col, cap=2)

    def _kenward_roger(self, Xa, Si, phi, dS, level_col, cap: int | None = None) -> None:
        """The adjusted covariance and degrees of freedom (see the class docstring) for
        Sigma^-1 = ``Si``, phi = (X' Sigma^-1 X)^-1 and ``dS``, d Sigma / d theta for
        each estimated variance parameter theta."""
        k, m = Xa.shape[1], len(dS)
        XS = Xa.T @ Si                                   # X' Sigma^-1
        proj = Si - XS.T @ phi @ XS                      # the REML projection
        PdS = [proj @ D for D in dS]
        info = np.array([[0.5 * np.sum(PdS[i] * PdS[j].T) for j in range(m)] for i in range(m)])
        W = np.linalg.pinv(info)
        if cap is not None and W[cap, cap] > RHO_VAR_CAP:     # rho's variance, at most a uniform's
            f = np.sqrt(RHO_VAR_CAP / W[cap, cap])
            W[cap, :] *= f
            W[:, cap] *= f
        P = [-XS @ D @ XS.T for D in dS]                 # X' (d Sigma^-1 / d theta_i) X
        lam = np.zeros((k, k))
        for i in range(m):
            for j in range(m):
                Q = XS @ dS[i] @ Si @ dS[j] @ XS.T
                lam += W[i, j] * (Q - P[i] @ phi @ P[j])
        cov = phi + 2 * phi @ lam @ phi
        cov = (cov + cov.T) / 2
        names = self.params.index
        self._cov = pd.DataFrame(cov, index=names, columns=names)
        self.bse = pd.Series(np.sqrt(np.diag(cov)), index=names)
        self._phi, self._W, self._df_fixed = phi, W, None
        self._dphi = [phi @ Pi @ phi for Pi in P]        # -d phi / d theta_i
        self.df_resid = self.df(np.eye(k)[level_col])

    def df(self, C):
        """Kenward-Roger degrees of freedom of a contrast ``C`` (or of each row of ``C``);
        n - k where the only variance parameter is a scale."""
        C = np.atleast_2d(np.asarray(C, dtype=float))
        if self._df_fixed is not None:
            return self._df_fixed if C.shape[0] == 1 else np.full(C.shape[0], self._df_fixed)
        var0 = np.einsum("ij,jk,ik->i", C, self._phi, C)
        grad = np.stack([np.einsum("ij,jk,ik->i", C, D, C) for D in self._dphi], axis=1)
        den = np.einsum("ij,jk,ik->i", grad, self._W, grad)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.clip(np.where(den > 0, 2 * var0 ** 2 / den, 1e6), 1.0, 1e6)
        return float(out[0]) if out.size == 1 else out

    def cov_params(self):
        return self._cov


def _dV(r: float, d: np.ndarray) -> np.ndarray:
    """d V / d rho for the AR(1) covariance V = rho^|i-j| / (1 - rho²)."""
    g = 1 / (1 - r ** 2)
    return np.where(d >= 1, d * r ** np.maximum(d - 1, 0), 0.0) * g + r ** d * 2 * r * g ** 2


def _reml_known(y, X, D, d) -> tuple[float, float, float]:
    """REML estimates for Sigma = phi (D + lambda V(rho)), phi profiled out: -2 x the
    restricted log-likelihood, (n-k) log(RSS/(n-k)) + log|D + lambda V| +
    log|X' (D + lambda V)^-1 X|, minimised over log lambda and rho in (-0.99, 0.99):
    from the best point of a coarse grid, refined by L-BFGS-B. Returns (lambda, rho,
    the restricted likelihood-ratio statistic against lambda = 0: no drift)."""
    n, k = X.shape
    lags = d.astype(np.int64)
    scale = float(np.mean(D))
    bounds = [(np.log(1e-8 * scale), np.log(_LAMBDA_MAX * scale)), (np.arctanh(-0.99), np.arctanh(0.99))]

    def dev(theta):
        lam, r = np.exp(theta[0]), np.tanh(theta[1])
        S = lam / (1 - r ** 2) * (r ** np.arange(n))[lags]
        S[np.diag_indices(n)] += D
        try:
            C = linalg.cholesky(S, lower=True, check_finite=False)
        except linalg.LinAlgError:
            return 1e300
        Xw = linalg.solve_triangular(C, X, lower=True, check_finite=False)
        yw = linalg.solve_triangular(C, y, lower=True, check_finite=False)
        XtX = Xw.T @ Xw
        beta = np.linalg.solve(XtX, Xw.T @ yw)
        e = yw - Xw @ beta
        return ((n - k) * np.log(float(e @ e) / (n - k)) + 2 * np.sum(np.log(np.diag(C)))
                + np.linalg.slogdet(XtX)[1])

    grid = [(a, b) for a in np.linspace(bounds[0][0], bounds[0][1], 9)
            for b in np.arctanh([-0.6, -0.2, 0.2, 0.5, 0.7, 0.85, 0.95])]
    start = min(grid, key=dev)
    best = optimize.minimize(dev, x0=list(start), method="L-BFGS-B", bounds=bounds)
    lr = float(dev([bounds[0][0] - 60, 0.0]) - best.fun)
    return float(np.exp(best.x[0])), float(np.tanh(best.x[1])), lr


def _reml_deviance(rho, y, X):
    """-2 x the profile restricted log-likelihood of rho, constants dropped, through the
    Prais-Winsten transform: (n-k) log(RSS/(n-k)) + log|V| + log|X' V^-1 X|, with
    log|V| = -log(1 - rho²)."""
    n, k = X.shape
    c = np.sqrt(1 - rho ** 2)
    Xs = np.vstack([c * X[:1], X[1:] - rho * X[:-1]])
    ys = np.r_[c * y[0], y[1:] - rho * y[:-1]]
    beta, *_ = np.linalg.lstsq(Xs, ys, rcond=None)
    rss = float(np.sum((ys - Xs @ beta) ** 2))
    return (n - k) * np.log(rss / (n - k)) - np.log(1 - rho ** 2) + np.linalg.slogdet(Xs.T @ Xs)[1]


@dataclass(repr=False)       # Result's repr: its summary
class ITSResult(Result):
    """An interrupted time series fit. ``estimate`` is the level change at the
    intervention (a difference for OLS, a rate ratio for Poisson, an odds ratio for
    binomial); ``table`` holds every term; ``series`` the observed, fitted and
    counterfactual lines with the counterfactual's band."""

    model: str = ""
    fit: object = None

    def summary(self) -> str:
        """The level change, the change in trend, the trend before and after, and
        the gap from the counterfactual at the end, with intervals and warnings."""
        names = {"level": "Change in level at the intervention", "slope": "Change in trend per period",
                 "trend": "Trend per period before", "trend_after": "Trend per period after",
                 "effect_at_end": "Observed minus counterfactual at the last point"}
        ratio = self.model != "ols"
        pct = round(self.level * 100)
        lines = [f"Interrupted time series: {self.method}",
                 f"{self.diagnostics['n_pre']} points before, {self.diagnostics['n_post']} after "
                 f"{_when(self.diagnostics['intervention'])}"]
        for term, name in names.items():
            if term not in set(self.table["term"]):
                continue
            r = self.effect(term)
            if ratio and term != "effect_at_end":       # a ratio, where no change is 1: enough
                # places to show how far from 1 (a monthly trend of 0.998, not 1.00)
                d = max(2, shared_decimals(r["estimate"] - 1, r["ci_low"] - 1, r["ci_high"] - 1, figures=2))
                said = (f" ({_SCALE[self.model]}): {r['estimate']:.{d}f} ({pct}% CI {r['ci_low']:.{d}f} to "
                        f"{r['ci_high']:.{d}f}")
            elif ratio:                                  # on the outcome's own scale, unit unknown here
                d = shared_decimals(r["estimate"], r["ci_low"], r["ci_high"])
                said = f": {r['estimate']:+.{d}f} ({pct}% CI {r['ci_low']:+.{d}f} to {r['ci_high']:+.{d}f}"
            else:
                said = ": " + self._with_interval(r["estimate"], r["ci_low"], r["ci_high"], sign=True)[:-1]
            lines.append(f"{name}{said}; p = {r['p_value']:.3g})")
        lines += [f"Note: {n}" for n in self.diagnostics.get("notes", [])]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def effect(self, term: str) -> pd.Series:
        """One row of ``table`` by term name (``level``, ``slope``, ``trend``,
        ``effect_at_end``...)."""
        return self.table.set_index("term").loc[term]


def _fourier(season: np.ndarray, harmonics: int, period: int) -> pd.DataFrame:
    cols = {}
    for k in range(1, harmonics + 1):
        cols[f"sin{k}"] = np.sin(2 * np.pi * k * season / period)
        cols[f"cos{k}"] = np.cos(2 * np.pi * k * season / period)
    return pd.DataFrame(cols)


def _design(n_pre: int, n: int, slope_origin: str, slope_change: bool) -> pd.DataFrame:
    t = np.arange(1, n + 1, dtype=float)
    after = (t > n_pre).astype(float)
    X = pd.DataFrame({"const": 1.0, "trend": t, "level": after})
    if slope_change:
        start = n_pre + 1 if slope_origin == "first_post" else n_pre
        X["slope"] = np.where(after == 1, t - start, 0.0)
    return X


def _prepare(data, intervention, measure, area, time, outcome, numerator, denominator):
    """A plain frame sorted by time with y / numerator / denominator, and warnings."""
    warns: list[str] = []
    meta = {"measure": measure, "area": area}
    if isinstance(data, pd.DataFrame) and {"measure", "status", "area_code"} <= set(data.columns):
        df = frames.series(data, measure, area, where="its", overlapping=False)
        meta.update(measure=df.attrs["measure"], area=df.attrs["area"])
        if df.attrs["dropped"]:
            gone = ", ".join(f"{t:%B %Y}" if hasattr(t, "strftime") else str(t) for _, t, _ in df.attrs["dropped"])
            warns.append(f"{count(len(df.attrs['dropped']), 'period')} {'has' if len(df.attrs['dropped']) == 1 else 'have'} no figure "
                         f"(suppressed or not available: {gone}) and were left out, not read as 0")
        time = "time"
    elif isinstance(data, pd.DataFrame):
        if time not in data.columns:
            raise ValueError(f"its: no time column {time!r}; name it with time=")
        df = data.sort_values(time).reset_index(drop=True)
    else:
        y = np.asarray(data, dtype=float)
        df = pd.DataFrame({"time": np.arange(1, len(y) + 1), outcome: y})
        time = "time"
    if df[time].duplicated().any():
        raise ValueError(f"its: more than one row per {time}; give one series")
    if time != "time" and "time" in df.columns:     # time="date" beside a column called time
        df = df.drop(columns="time")
    return df.rename(columns={time: "time"}), meta, warns


def _choose_model(model, df, numerator, denominator, unit):
    if model not in MODELS:
        raise ValueError(f"its: model {model!r} is not one of {', '.join(MODELS)}")
    has_counts = numerator in df.columns and df[numerator].notna().all()
    has_den = denominator in df.columns and df[denominator].notna().all() and (df[denominator] > 0).all()
    if model == "auto":
        if has_counts and has_den and unit == "percent":
            return "binomial"
        if has_counts and has_den and unit in ("rate_per_10k", *registry.PER_CHILD_UNITS):
            return "poisson"
        return "ols"
    if model in ("binomial", "poisson") and not has_counts:
        raise ValueError(f"its: model {model!r} needs counts in column {numerator!r} for every period; "
                         "use model='ols' for figures without counts")
    if model == "binomial" and not has_den:
        raise ValueError(f"its: model 'binomial' needs a positive denominator in column {denominator!r}")
    return model


class SeriesDoesNotVary(ValueError):
    """The series is the same in every period: there is no trend or change to estimate."""


def _check_varies(df: pd.DataFrame, model: str, outcome: str, numerator: str, denominator: str) -> None:
    """A series that is the same in every period (0 of its cohort every month, 50% every
    month) has no trend or change to estimate: the fits either fail (a quasi-likelihood
    dispersion of 0, odds that run to infinity) or print an effect of 1e-16 with an
    interval around it. Say so instead."""
    if model == "ols":
        v = df[outcome].to_numpy(dtype=float)
        what = f"{v[0]:g}"
    else:
        x = df[numerator].to_numpy(dtype=float)
        den = df[denominator].to_numpy(dtype=float) if denominator in df.columns else None
        v = x / den if den is not None and np.all(den > 0) else x
        what = (f"{100 * v[0]:g}%" if model == "binomial" else
                f"{v[0]:.3g} a period" if den is None else f"a rate of {v[0]:.3g}")
    if len(v) and np.ptp(v) == 0:
        raise SeriesDoesNotVary(f"its: the series does not vary ({what} in every period), so there is no trend "
                         "or change to estimate; report the figure as it stands")


def its(data, intervention, *, measure: str | None = None, area: str | None = None,
        model: str = "auto", time: str = "time", outcome: str = "value",
        numerator: str = "numerator", denominator: str = "denominator",
        slope_change: bool = True, slope_origin: str = "first_post",
        seasonality: int = 0, period: int = 12, season: str | None = None,
        errors: str = "auto", dispersion: str = "quasi", maxlags: int | None = None,
        small_sample: bool = True, level: float = 0.95,
        composition: pd.DataFrame | None = None, label: str = "") -> ITSResult:
    """Fit a segmented regression and return an :class:`ITSResult`.

    ``data``: a tidy indicator frame (pick the series with ``measure`` and ``area``),
    a DataFrame with ``time`` and ``outcome`` (and ``numerator``/``denominator``)
    columns, or an array of values. ``intervention``: the first period of the
    intervention (a value of ``time``).

    ``model``: ``"auto"`` chooses binomial for percentages with counts, Poisson for
    rates with counts, OLS otherwise. ``seasonality``: number of Fourier harmonics
    (0 = none) of ``period`` points; the season of each point is the ``season``
    column, the month of a date ``time``, or its position. ``dispersion``:
    ``"quasi"`` (Pearson X²/df) or ``"fixed"`` (1) for the GLMs. ``maxlags``: Newey-West
    lags for OLS (default ``floor(4(n/100)^(2/9))``, at least 1); for a GLM, giving
    ``maxlags`` swaps the quasi-likelihood errors for Newey-West errors.
    ``errors``: ``"auto"``, ``"ar1"``, ``"newey-west"`` or ``"iid"``, for the linear
    model and the count models alike (see the module docstring).
    ``small_sample``: intervals and p-values of quasi GLMs use t on the residual
    degrees of freedom (as R's ``summary.glm``); ``False`` gives the normal-theory
    Wald intervals that papers usually quote (``Epi::ci.exp``, Stata ``glm``).
    ``composition``: optional frame of cohort counts by group (rows = time, columns
    = groups) used to warn when who is counted changed.
    """
    if slope_origin not in ("first_post", "last_pre"):
        raise ValueError("its: slope_origin is 'first_post' (Linden) or 'last_pre' (Lopez Bernal)")
    if errors not in ERRORS:
        raise ValueError(f"its: errors {errors!r} is not one of {', '.join(ERRORS)}")
    errors_arg = errors
    if dispersion not in ("quasi", "fixed"):
        raise ValueError("its: dispersion is 'quasi' or 'fixed'")
    df, meta, warns = _prepare(data, intervention, measure, area, time, outcome, numerator, denominator)
    # points a chart would give away 1 to 5 children with (its_chart refuses them outside
    # the internal policy); the statistical small-numbers warning is worked out below
    on_few = frames.on_few(df.get(numerator), df.get(denominator), df)
    unit = ""
    if meta["measure"]:
        try:
            unit = registry.get(meta["measure"]).unit
        except Exception:
            unit = ""
    asked = model
    model = _choose_model(model, df, numerator, denominator, unit)
    if asked == "auto" and model == "ols" and unit in ("percent", "rate_per_10k", *registry.PER_CHILD_UNITS) \
            and numerator in df.columns and df[numerator].notna().any():
        warns.append("some periods have no counts (numerator or denominator), so the series is modelled "
                     "on its published values by linear regression rather than a count model")
    if "source" in df.columns and df["source"].nunique() > 1 and model != "ols":
        warns.append("the counts come from more than one source (" + ", ".join(sorted(df["source"].unique()))
                     + "); older LAIT counts are rounded, so early points may differ from the published "
                     "percentages")
    if model == "ols":
        if outcome not in df.columns:
            raise ValueError(f"its: no outcome column {outcome!r}; name it with outcome=")
        df = df[df[outcome].notna()].reset_index(drop=True)
    tvals = df["time"].to_numpy()
    if not len(tvals):
        raise ValueError("its: the series has no figures to model (every period is suppressed or not "
                         "available); suppressed values are never read as 0")
    if np.issubdtype(tvals.dtype, np.datetime64) and not isinstance(intervention, (np.datetime64, pd.Timestamp)):
        # a date as people write one ("2023-04-01", datetime.date): the series' months are
        # month ends, and any month ending on or after the date counts as after it
        try:
            if isinstance(intervention, str) and not re.fullmatch(r"\s*\d{4}-\d{1,2}(-\d{1,2})?\s*", intervention):
                raise ValueError(intervention)      # "April" would be read as April of year 1
            intervention = pd.Timestamp(intervention)
        except (ValueError, TypeError):
            raise ValueError(f"its: intervention {intervention!r} is not a date; the series is dated "
                             f"({tvals[0]!r}...), so give a date such as '2023-04-01'") from None
    try:
        after_mask = tvals >= intervention
    except TypeError:
        raise ValueError(f"its: intervention {intervention!r} cannot be compared with the time values "
                         f"({tvals[0]!r}...); give it in the same form") from None
    n_pre, n = int((~after_mask).sum()), len(df)
    if not after_mask.any() or n_pre == 0:
        raise ValueError(f"its: intervention {intervention!r} leaves no points "
                         f"{'after' if not after_mask.any() else 'before'} it "
                         f"(series runs {_when(tvals[0])} to {_when(tvals[-1])}); choose a date inside the series")
    if after_mask[:n_pre].any() or not after_mask[n_pre:].all():
        raise ValueError("its: time is not sorted; sort the series by time")
    n_post = n - n_pre
    need_post = 3 if slope_change else 2
    if n_pre < 3 or n_post < need_post:
        raise ValueError(f"its: {n_pre} point(s) before and {n_post} after the intervention; a segmented "
                         f"regression needs at least 3 before and {need_post} after (8 or more before is "
                         "advised)" + ("; or pass slope_change=False" if slope_change and n_post == 2 else ""))
    if n_pre < MIN_PRE:
        warns.append(f"only {n_pre} points before the intervention: fewer than {MIN_PRE}, so the "
                     "pre-intervention trend, and the counterfactual built from it, are poorly estimated")
    if n_post < 5 and slope_change:
        warns.append(f"only {n_post} points after the intervention: the change in trend rests on very "
                     "few points")

    _check_varies(df, model, outcome, numerator, denominator)

    X = _design(n_pre, n, slope_origin, slope_change)
    if seasonality:
        if season is not None:
            s = df[season].to_numpy(dtype=float)
        elif np.issubdtype(df["time"].dtype, np.datetime64):
            s = pd.DatetimeIndex(df["time"]).month.to_numpy(dtype=float)
        else:
            s = (np.arange(n) % period + 1).astype(float)
        X = pd.concat([X, _fourier(s, seasonality, period)], axis=1)
    k = X.shape[1]
    if n - k < 2:
        raise ValueError(f"its: {n} points cannot support {k} parameters; drop seasonality or slope_change")

    lags = maxlags
    if model == "ols":
        y = df[outcome].to_numpy(dtype=float)
        if errors == "auto":
            errors = "newey-west" if maxlags is not None else ("ar1" if n >= MIN_AR1 else "iid")
        if errors == "newey-west":
            if lags is None:
                lags = max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))
            fit = OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True},
                                   use_t=True)
            method = (f"segmented regression, OLS with Newey-West errors ({lags} lag"
                      f"{'s' if lags != 1 else ''})")
            if n < 100:
                warns.append(f"Newey-West intervals are too narrow in short series ({n} points): in our "
                             "simulation study they covered the truth about 84% of the time at 48 points; "
                             "errors='ar1' (the default) is closer to 95%")
        elif errors == "ar1":
            fit = _AR1Fit(y, X, X.columns.get_loc("level"))
            method = (f"segmented regression with AR(1) errors (REML, rho {fit.rho:.2f}; GLS with "
                      "Kenward-Roger intervals)")
        else:
            fit = OLS(y, X).fit()
            method = "segmented regression, OLS"
            if n < MIN_AR1 and errors_arg == "auto":
                method += f" (too few points, {n}, to model autocorrelation)"
        resid = fit.resid
        scale_name, transform = "difference", (lambda b: b)
        dispersion_value = None
    else:
        x_count = df[numerator].to_numpy(dtype=float)
        den = df[denominator].to_numpy(dtype=float) if denominator in df.columns else None
        if model == "poisson":
            offset = np.log(den) if den is not None and np.all(den > 0) else None
            glm = GLM(x_count, X, family=families.Poisson(), offset=offset)
            scale_name = "rate ratio"
        else:
            glm = GLM(np.column_stack([x_count, den - x_count]), X, family=families.Binomial())
            scale_name = "odds ratio"
        base = glm.fit()
        dispersion_value = float(base.pearson_chi2 / base.df_resid)
        if errors == "auto":
            errors = "newey-west" if maxlags is not None else (
                "ar1" if n >= MIN_AR1 and dispersion == "quasi" else "iid")
        if errors == "newey-west" and lags is None:
            lags = max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))
        if errors == "ar1":
            # months of a council's series are not independent: a GLM's intervals, which
            # take them to be, found a level change in 15% of simulated null series (log
            # odds AR(1) rho 0.7; docs/validation.md). The linear predictor's scale (the empirical log odds,
            # or log rate, with 0.5 added to each count) is modelled as the linear series
            # is: AR(1) errors by REML, GLS, Kenward-Roger intervals; sigma² absorbs any
            # variation beyond binomial or Poisson
            # Each month's own sampling variance (from its counts, up to a factor) is a
            # part of the spread beside the AR(1) drift: a month of 8 children weighs less
            # than one of 28, and the binomial noise no longer hides how long a drift lasts
            # (an AR(1) alone took the series for less persistent than it was: 8% false
            # alarms at drift rho 0.7, docs/validation.md)
            if model == "binomial":
                z = np.log((x_count + 0.5) / (den - x_count + 0.5))
                known = 1 / (x_count + 0.5) + 1 / (den - x_count + 0.5)
            else:
                z = np.log((x_count + 0.5) / den) if offset is not None else np.log(x_count + 0.5)
                known = 1 / (x_count + 0.5)
            fit = _AR1Fit(z, X, X.columns.get_loc("level"), known=known)
            events = np.median(np.minimum(x_count, den - x_count) if model == "binomial" else x_count)
            if events < 5:
                # the reviewer's simulation at about 2 events a month: 6.0% false alarms
                # (no count: a typical month of 1 to 5 is not printed under any policy)
                warns.append("few events a month (fewer than 5 in a typical month): each month's sampling "
                             "variance is read from its own count, which is rough at this size, so the "
                             "intervals may be a little too narrow")
            noise = (f"{'binomial' if model == 'binomial' else 'Poisson'} sampling variance (times "
                     f"{fit.dispersion:.2f}, by REML)")
            method = (f"segmented regression on the {'log odds' if model == 'binomial' else 'log rate'}: "
                      + (f"an AR(1) drift (REML, rho {fit.rho:.2f}), which leaves no part of the spread to "
                         f"{noise.split(' (')[0]}; GLS with Kenward-Roger intervals"
                         if fit.drift and fit.clear_drift and fit.dispersion < 0.005 else
                         f"an AR(1) drift (REML, rho {fit.rho:.2f}) plus each point's {noise}; GLS with "
                         "Kenward-Roger intervals" if fit.drift and fit.clear_drift else
                         f"each point's {noise.split(' (')[0]} and a slight AR(1) drift, both by REML (the "
                         "series does not clearly show the drift); GLS with Kenward-Roger intervals"
                         if fit.drift else
                         f"each point's {noise}, with no drift beyond it (REML); weighted least squares"))
        elif errors == "newey-west":
            fit = glm.fit(cov_type="HAC", cov_kwds={"maxlags": lags})
            method = f"segmented {model} GLM with Newey-West errors ({lags} lags)"
        elif dispersion == "quasi":
            # the Pearson scale is passed as a number: statsmodels' scale="X2" ignores the
            # binomial denominators when the outcome is given as (successes, failures).
            # Below 1 it is floored at 1: with a dozen points an estimate under 1 is
            # mostly chance, and shrinking the intervals on it would overstate certainty.
            fit = glm.fit(scale=max(1.0, dispersion_value))
            method = f"segmented quasi-{model} GLM (dispersion {dispersion_value:.3g})"
        else:
            fit = base
            method = f"segmented {model} GLM (dispersion fixed at 1)"
            if dispersion_value > 1.5:
                warns.append(f"the counts vary {dispersion_value:.1f} times more than a {model} model "
                             "allows: with dispersion fixed at 1 the intervals are too narrow; use "
                             "dispersion='quasi'")
        if errors == "iid" and n < MIN_AR1 and errors_arg == "auto":
            method += f" (too few points, {n}, to model autocorrelation)"
        resid = fit.resid if errors == "ar1" else fit.resid_pearson
        transform = np.exp
    if seasonality:         # the seasons are part of the model a reader is told about
        method += (f", with {count(seasonality, 'seasonal harmonic')} of {period} points"
                   if seasonality > 1 else f", with one seasonal harmonic of {period} points")

    # t on the residual degrees of freedom wherever the scale was estimated (OLS, and
    # quasi GLMs when small_sample, as R's summary.glm); normal otherwise (Wald, as
    # Epi::ci.exp and Stata's glm)
    kr = isinstance(fit, _AR1Fit)
    use_t = model == "ols" or kr or (small_sample and dispersion == "quasi" and errors != "newey-west")
    # (AR(1) errors: Kenward-Roger degrees of freedom, one per contrast)
    dist = stats.t(fit.df_resid) if use_t else stats.norm()

    def dist_of(c):
        return stats.t(fit.df(c)) if kr else dist

    z = dist.ppf(0.5 + level / 2)
    params, bse = fit.params, fit.bse
    cov = fit.cov_params()
    rows = []
    for j, term in enumerate(X.columns):
        b, se = float(params[term]), float(bse[term])
        dj = dist_of(np.eye(k)[j])
        zj, pj = float(dj.ppf(0.5 + level / 2)), float(2 * dj.sf(abs(b / se)))
        rows.append({"term": term, "coef": b, "se": se, "estimate": float(transform(b)),
                     "ci_low": float(transform(b - zj * se)), "ci_high": float(transform(b + zj * se)),
                     "p_value": pj, "scale": scale_name if term != "const" else ""})

    if "slope" in X.columns:
        # the trend after the intervention (trend + slope), a linear combination
        g = np.array([1.0 if c in ("trend", "slope") else 0.0 for c in X.columns])
        V0 = np.asarray(fit.cov_params())
        b, se = float(g @ params.to_numpy()), float(np.sqrt(g @ V0 @ g))
        dg = dist_of(g)
        zg = float(dg.ppf(0.5 + level / 2))
        rows.append({"term": "trend_after", "coef": b, "se": se, "estimate": float(transform(b)),
                     "ci_low": float(transform(b - zg * se)), "ci_high": float(transform(b + zg * se)),
                     "p_value": float(2 * dg.sf(abs(b / se))), "scale": scale_name})

    # fitted and counterfactual lines, with the counterfactual's band
    Xa = X.to_numpy()
    Xc = X.copy()
    for term in ("level", "slope"):
        if term in Xc:
            Xc[term] = 0.0
    Xc = Xc.to_numpy()
    beta, V = params.to_numpy(), cov.to_numpy() if hasattr(cov, "to_numpy") else np.asarray(cov)
    eta, eta_c = Xa @ beta, Xc @ beta
    se_c = np.sqrt(np.einsum("ij,jk,ik->i", Xc, V, Xc))
    z_c = stats.t(fit.df(Xc)).ppf(0.5 + level / 2) if kr else z
    per = 1.0
    if model == "ols":
        inv = lambda e: e  # noqa: E731
        dinv = lambda e: np.ones_like(e)  # noqa: E731
    elif model == "poisson":
        # show rates per unit of denominator, in the measure's scale when known
        per = 10000.0 if unit == "rate_per_10k" else (100.0 if unit == "percent" else 1.0)
        inv = lambda e: per * np.exp(e)  # noqa: E731
        dinv = inv
    else:
        per = 100.0 if unit == "percent" or not unit else 1.0
        inv = lambda e: per / (1 + np.exp(-e))  # noqa: E731
        dinv = lambda e: per * np.exp(-e) / (1 + np.exp(-e)) ** 2  # noqa: E731
    if model == "ols":
        observed = df[outcome].to_numpy(dtype=float)
    elif model == "poisson":
        observed = per * x_count / den if den is not None else x_count
    else:
        observed = per * x_count / den
    series = pd.DataFrame({
        "time": df["time"].to_numpy(), "observed": observed, "after": X["level"].to_numpy().astype(bool),
        "fitted": inv(eta), "counterfactual": inv(eta_c),
        "counterfactual_low": inv(eta_c - z_c * se_c), "counterfactual_high": inv(eta_c + z_c * se_c)})
    series.loc[~series["after"], ["counterfactual", "counterfactual_low", "counterfactual_high"]] = np.nan
    # effect at the end of the series: fitted minus counterfactual at the last point (delta method)
    xa, xc = Xa[-1], Xc[-1]
    grad = dinv(eta[-1]) * xa - dinv(eta_c[-1]) * xc
    d_end = float(inv(eta[-1]) - inv(eta_c[-1]))
    se_end = float(np.sqrt(grad @ V @ grad))
    d_e = dist_of(grad) if se_end > 0 else dist
    z_e = float(d_e.ppf(0.5 + level / 2))
    p_end = float(2 * d_e.sf(abs(d_end / se_end))) if se_end > 0 else float("nan")
    rows.append({"term": "effect_at_end", "coef": np.nan, "se": se_end, "estimate": d_end,
                 "ci_low": d_end - z_e * se_end, "ci_high": d_end + z_e * se_end, "p_value": p_end,
                 "scale": "observed minus counterfactual at the last point"})
    table = pd.DataFrame(rows)

    # diagnostics and warnings
    lb_lags = max(1, min(10, n // 5))
    lb = acorr_ljungbox(resid, lags=[lb_lags])
    lb_p = float(lb["lb_pvalue"].iloc[0])
    if lb_p < 0.05:
        seasonal = np.issubdtype(df["time"].dtype, np.datetime64) or n >= 24
        season_tip = "add seasonality, or " if seasonal and not seasonality else ""
        fix = (f"{season_tip}look for a change the model misses" if errors == "ar1"
               else f"{season_tip}use errors='ar1'")
        warns.append(f"the residuals are still autocorrelated (Ljung-Box p = {lb_p:.3f} at {lb_lags} lags): "
                     f"the intervals may be too narrow; {fix}")
    if model != "ols" and den is not None:
        pre_den, post_den = den[:n_pre].mean(), den[n_pre:].mean()
        change = post_den / pre_den - 1
        if abs(change) > 0.2:
            warns.append(f"the cohort is {abs(change):.0%} {'larger' if change > 0 else 'smaller'} after the "
                         "intervention than before: check whether who is counted changed (definitions, "
                         "UASC arrivals) before reading a change in the rate as an effect")
        if model == "binomial" and np.median(den) < 30:
            warns.append(f"small numbers: a typical period has {np.median(den):.0f} children in the cohort, "
                         "so each figure moves a lot by chance")
        elif model == "poisson" and np.median(x_count) < 10:
            # a rate's denominator is exposure (child-years), not children: what is small
            # is the number of events
            warns.append(f"small numbers: a typical period has {np.median(x_count):.0f} events, so each "
                         "figure moves a lot by chance")
    if composition is not None:
        comp = composition.div(composition.sum(axis=1), axis=0)
        post_idx = comp.index >= intervention
        shift = (comp[post_idx].mean() - comp[~post_idx].mean()).abs()
        if (shift > 0.05).any():
            g = shift.idxmax()
            warns.append(f"the make-up of the cohort changed: the share in group {g!r} moved by "
                         f"{100 * shift.max():.0f} percentage points between before and after; part of any "
                         "change may come from who is counted")
    level_row = table.set_index("term").loc["level"]
    # t-based multiplier when the interval uses t (20% larger than 2.80 at 6 df)
    mult = (float(dist.ppf(0.975) + dist.ppf(0.8)) if use_t else mde_multiplier())
    mde = mult * float(level_row["se"])
    if model == "ols":
        est_l, lo_l, hi_l = level_row["estimate"], level_row["ci_low"], level_row["ci_high"]
    else:                                 # ratios: tested on the log scale, where no change is 0
        est_l, lo_l, hi_l = level_row["coef"], np.log(level_row["ci_low"]), np.log(level_row["ci_high"])
    notes = [detectable(_fmt_mde(mde, model), est_l, lo_l, hi_l, mde, what="a change in level")
             + " with this series"]
    diagnostics = {"model": model, "n": n, "n_pre": n_pre, "n_post": n_post, "ljung_box_p": lb_p,
                   "ljung_box_lags": lb_lags, "newey_west_lags": lags, "errors": errors,
                   "dispersion": dispersion_value, "mde_level": mde, "notes": notes,
                   "measure": meta["measure"], "area": meta["area"], "intervention": intervention,
                   "points_on_few": on_few}
    est, lo, hi, p = (float(level_row[c]) for c in ("estimate", "ci_low", "ci_high", "p_value"))
    return ITSResult(method=method, estimate=est, ci=(lo, hi), p_value=p, level=level,
                     label=label or f"level change at {_when(intervention)}" + (f" ({scale_name})" if model != "ols"
                                                                         else ""),
                     unit=_SCALE.get(model, change_unit(meta["measure"])), diagnostics=diagnostics,
                     warnings=warns,
                     table=table, series=series, model=model, fit=fit)


def _when(intervention) -> str:
    """An intervention as a reader writes it: "1 April 2023", not "2023-04-01 00:00:00"."""
    if isinstance(intervention, (pd.Timestamp, np.datetime64)):
        t = pd.Timestamp(intervention)
        return f"{t.day} {t:%B %Y}" if t == t.normalize() else str(t)
    return str(intervention)


def _fmt_mde(mde: float, model: str) -> str:
    if model == "ols":
        return significant(mde, 3)
    return f"a ratio of {math.exp(-mde):.2f} to {math.exp(mde):.2f}"
