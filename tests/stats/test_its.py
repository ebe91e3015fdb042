"""Interrupted time series on data with known effects, warnings, errors, the tidy
frame path and the chart's numbers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from evaltools import plots  # noqa: E402
from evaltools.stats import before_after, its  # noqa: E402
from evaltools.stats import difference as difference_result  # noqa: E402


def _ols_series(n_pre=24, n_post=12, level=-5.0, slope=-0.5, sd=1.0, seed=1):
    rng = np.random.default_rng(seed)
    t = np.arange(1, n_pre + n_post + 1)
    post = t > n_pre
    y = 50 + 0.3 * t + level * post + slope * np.where(post, t - n_pre - 1, 0) + rng.normal(0, sd, t.size)
    return pd.DataFrame({"time": t, "value": y})


def test_a_named_time_column_beside_one_called_time_is_the_one_used():
    """time="period" on a frame that also has a column called time (an index of months)
    gave two time columns and a misleading error."""
    df = _ols_series(sd=0.001).rename(columns={"time": "period"}).assign(time=lambda d: d["period"] * 100)
    res = its(df, 25, time="period")
    assert res.estimate == pytest.approx(-5.0, abs=0.02) and list(res.series["time"])[:2] == [1, 2]


def test_ols_recovers_level_and_slope_and_counterfactual():
    res = its(_ols_series(sd=0.001), 25)
    assert res.model == "ols"
    assert res.estimate == pytest.approx(-5.0, abs=0.02)
    assert res.effect("slope")["estimate"] == pytest.approx(-0.5, abs=0.002)
    assert res.effect("trend")["estimate"] == pytest.approx(0.3, abs=0.002)
    s = res.series
    post = s[s["after"]]
    # counterfactual = the pre-trend continued; fitted - counterfactual at the end = level + slope*11
    assert post["counterfactual"].iloc[-1] == pytest.approx(50 + 0.3 * 36, abs=0.05)
    assert res.effect("effect_at_end")["estimate"] == pytest.approx(-5.0 - 0.5 * 11, abs=0.05)
    assert s.loc[~s["after"], "counterfactual"].isna().all()
    assert (post["counterfactual_low"] < post["counterfactual"]).all()


def test_no_effect_interval_covers_zero_and_no_warnings():
    # white noise: no Ljung-Box warning (it has a 5% false-alarm rate, so one seed)
    res = its(_ols_series(level=0, slope=0, seed=3), 25)
    assert res.ci[0] < 0 < res.ci[1]
    assert res.warnings == []
    assert "would usually not be told from noise" in res.summary()


def test_short_pre_period_warns():
    res = its(_ols_series(n_pre=5, n_post=5), 6)
    assert any("fewer than 8" in w for w in res.warnings)


def test_autocorrelated_residuals_warn():
    rng = np.random.default_rng(7)
    e = np.zeros(40)
    for i in range(1, 40):
        e[i] = 0.9 * e[i - 1] + rng.normal()
    series = pd.DataFrame({"time": range(1, 41), "value": 10 + e})
    res = its(series, 21, errors="iid")
    assert any("Ljung-Box" in w for w in res.warnings)
    # the default AR(1) error model takes the autocorrelation in and leaves white noise
    ar1 = its(series, 21)
    assert ar1.diagnostics["errors"] == "ar1" and ar1.fit.rho > 0.3
    assert not any("Ljung-Box" in w for w in ar1.warnings)
    assert ar1.effect("level")["se"] > res.effect("level")["se"]


def test_newey_west_warns_in_short_series_and_iid_below_16_points():
    res = its(_ols_series(), 25, errors="newey-west")
    assert any("Newey-West intervals are too narrow" in w for w in res.warnings)
    short = its(_ols_series(n_pre=8, n_post=6), 9)
    assert short.diagnostics["errors"] == "iid" and "too few points" in short.method


def test_binomial_with_counts_and_denominator_change_warning():
    rng = np.random.default_rng(2)
    n = np.r_[np.full(10, 100), np.full(6, 160)]
    p = np.r_[np.full(10, 0.40), np.full(6, 0.50)]
    x = rng.binomial(n, p)
    df = pd.DataFrame({"time": range(2010, 2026), "numerator": x, "denominator": n, "value": 100 * x / n})
    res = its(df, 2020, model="binomial", slope_change=False)
    assert res.model == "binomial"
    assert res.estimate > 1          # odds ratio of the level change
    assert any("larger after the intervention" in w for w in res.warnings)
    assert res.series["observed"].iloc[0] == pytest.approx(100 * x[0] / 100)


def _monthly_share(rho, n=48, den=355, seed=5, sd=0.4):
    """Months of a percentage of ``den`` children whose log odds wander (AR(1), ``sd``)."""
    rng = np.random.default_rng(seed)
    e = np.zeros(n)
    e[0] = rng.normal(0, sd)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0, sd * np.sqrt(1 - rho ** 2))
    x = rng.binomial(den, 1 / (1 + np.exp(-(np.log(0.042 / 0.958) + e))))
    return pd.DataFrame({"time": pd.date_range("2020-04-30", periods=n, freq="ME"), "numerator": x,
                         "denominator": den, "value": 100 * x / den})


def _reml_by_hand(z, X, D, lam, rho):
    """-2 x the restricted log-likelihood of Sigma = phi (D + lam V(rho)), phi profiled
    out, written out with dense matrices (independent of the module's Cholesky form)."""
    n, k = X.shape
    V = rho ** np.abs(np.subtract.outer(np.arange(n), np.arange(n))) / (1 - rho ** 2)
    S = np.diag(D) + lam * V
    Si = np.linalg.inv(S)
    A = X.T @ Si @ X
    beta = np.linalg.solve(A, X.T @ Si @ z)
    e = z - X @ beta
    return (n - k) * np.log(e @ Si @ e / (n - k)) + np.linalg.slogdet(S)[1] + np.linalg.slogdet(A)[1], beta


def test_a_count_series_of_16_points_or_more_models_a_drift_beside_its_sampling_noise():
    """A quasi-binomial GLM takes the months as independent: on simulated null series
    with a drift of AR(1) rho 0.7 it found a level change in 15% of them; an AR(1) on
    the log odds alone, which the binomial noise made look less persistent than it was,
    in 8%. The model now has both: each month's binomial variance (up to a factor, by
    REML) plus an AR(1) drift (docs/validation.md)."""
    from evaltools.stats.timeseries import _design

    df = _monthly_share(0.7)
    res = its(df, "2022-04-01", model="binomial")
    assert res.model == "binomial" and res.diagnostics["errors"] == "ar1"
    assert res.method.startswith("segmented regression on the log odds: ")
    # the split between the drift and the sampling noise is given only where the drift is
    # clear (restricted likelihood ratio 2.71 or more, rho inside ±0.95)
    if res.fit.clear_drift:
        assert "an AR(1) drift (REML, rho " in res.method and "sampling variance (times " in res.method
    else:
        assert "a slight AR(1) drift, both by REML (the series does not clearly show the drift)" in res.method
    x, n = df["numerator"].to_numpy(float), df["denominator"].to_numpy(float)
    z = np.log((x + 0.5) / (n - x + 0.5))
    D = 1 / (x + 0.5) + 1 / (n - x + 0.5)
    X = _design(24, 48, "first_post", True).to_numpy(float)
    fit = res.fit
    assert fit.drift and fit.rho > 0.5
    # the estimates minimise the restricted likelihood, checked on a fine grid by hand
    at, beta = _reml_by_hand(z, X, D, fit.sigma2 / fit.dispersion, fit.rho)
    grid = min(_reml_by_hand(z, X, D, lam, r)[0] for lam in np.geomspace(1e-4, 10, 60)
               for r in np.linspace(-0.95, 0.98, 80))
    assert at <= grid + 1e-6
    # the coefficients are GLS at them, the level change an odds ratio
    assert res.effect("level")["coef"] == pytest.approx(beta[2])        # const, trend, level, slope
    assert res.estimate == pytest.approx(np.exp(beta[2]))
    end = res.effect("effect_at_end")
    assert end["ci_low"] < end["estimate"] < end["ci_high"]
    iid = its(df, "2022-04-01", model="binomial", errors="iid")
    assert iid.diagnostics["errors"] == "iid" and iid.method.startswith("segmented quasi-binomial GLM")
    assert res.effect("level")["se"] > iid.effect("level")["se"]
    # fewer than 16 points: too few to model autocorrelation, the quasi-GLM as before
    short = its(df.iloc[:14], "2021-02-01", model="binomial")
    assert short.diagnostics["errors"] == "iid" and "too few points, 14, to model autocorrelation" in short.method
    # a dispersion fixed at 1 asks for the GLM itself
    assert its(df, "2022-04-01", model="binomial", dispersion="fixed").diagnostics["errors"] == "iid"


def test_a_count_series_without_a_drift_is_weighted_least_squares_on_its_sampling_variances():
    """Where REML puts the drift at 0, the model is each month's sampling variance up to
    a factor: statsmodels' WLS with weights 1/D, its scale estimated, t on n - k."""
    import statsmodels.api as sm

    from evaltools.stats.timeseries import _design

    rng = np.random.default_rng(6)        # one of the null series where REML finds no drift
    n = rng.poisson(355, 48).astype(float)
    x = rng.binomial(n.astype(int), 0.042).astype(float)
    df = pd.DataFrame({"time": pd.date_range("2020-04-30", periods=48, freq="ME"), "numerator": x,
                       "denominator": n})
    res = its(df, "2022-04-01", model="binomial")
    assert not res.fit.drift and "with no drift beyond it (REML); weighted least squares" in res.method
    z = np.log((x + 0.5) / (n - x + 0.5))
    D = 1 / (x + 0.5) + 1 / (n - x + 0.5)
    wls = sm.WLS(z, _design(24, 48, "first_post", True), weights=1 / D).fit()
    assert res.effect("level")["coef"] == pytest.approx(wls.params["level"])
    assert res.effect("level")["se"] == pytest.approx(wls.bse["level"])
    assert res.fit.df_resid == wls.df_resid == 44
    assert res.p_value == pytest.approx(float(wls.pvalues["level"]))
    assert res.fit.dispersion == pytest.approx(wls.scale)
    assert not any(w.startswith("few events a month") for w in res.warnings)     # about 15 a month
    # about 2 events a month: each month's variance, read from its own count, is rough
    small = df.assign(numerator=rng.binomial(40, 0.042, 48), denominator=40)
    assert "few events a month (fewer than 5 in a typical month): each month's sampling variance is read " \
        "from its own count, which is rough at this size, so the intervals may be a little too narrow" \
        in its(small, "2022-04-01", model="binomial").warnings


def test_composition_change_warns():
    df = _ols_series()
    comp = pd.DataFrame({"uasc": np.r_[np.full(24, 5), np.full(12, 30)], "other": 95}, index=df["time"])
    res = its(df, 25, composition=comp)
    assert any("make-up of the cohort changed" in w and "uasc" in w for w in res.warnings)


@pytest.mark.parametrize("kwargs,match", [
    (dict(intervention=100), "no points after"),
    (dict(intervention=1), "no points before"),
    (dict(intervention=35), "at least 3 before and 3 after"),
    (dict(intervention=25, model="poisson"), "needs counts"),
    (dict(intervention=25, model="arima"), "not one of"),
])
def test_user_mistakes_give_one_clear_line(kwargs, match):
    with pytest.raises(ValueError, match=match) as err:
        its(_ols_series(), **kwargs)
    assert "\n" not in str(err.value)


def test_tidy_frame_path_drops_suppressed_periods(indicators):
    # DfE's EES years, which carry counts (LAIT's 2016-17 give the percentage alone)
    sub = indicators[(indicators["measure"] == "care_leavers_eet_19_21") & (indicators["area_code"] == "884")
                     & (indicators["period"] >= 2018)].copy()
    sub.loc[sub["period"] == 2019, ["value", "numerator"]] = np.nan
    sub.loc[sub["period"] == 2019, "status"] = "c"
    res = its(sub, 2022)
    assert res.model == "binomial"            # a percentage with counts
    assert res.diagnostics["n"] == 7
    assert any("2019" in w and "not read as 0" in w for w in res.warnings)
    assert 2019 not in set(res.series["time"])


def test_its_chart_draws_the_result():
    res = its(_ols_series(sd=0.5), 25)
    fig = plots.its_chart(res, title="Test")
    ax = fig.axes[0]
    lines = {l.get_label(): l for l in ax.get_lines()}
    x, y = lines["Counterfactual: earlier trend continued"].get_data()
    # plotted to 3 significant figures of the series (a reader sees no more; an SVG keeps 15 digits)
    top = np.abs(res.series["observed"]).max()
    tol = 0.5 * 10 ** (np.floor(np.log10(top)) - 2)
    np.testing.assert_allclose(y, res.series.loc[res.series["after"], "counterfactual"], atol=tol)
    np.testing.assert_allclose(lines["Observed"].get_data()[1], res.series["observed"], atol=tol)
    assert "level change" in fig.alt_text.lower()

    # the "Intervention (...)" label sits above the highest point, not across it, when
    # the points right after the intervention are the highest of the chart
    up = its(_ols_series(level=5.0, slope=0.5, sd=0.5), 25)
    fig = plots.its_chart(up, title="Test")
    ax = fig.axes[0]
    fig.canvas.draw()
    (label,) = [t for t in ax.texts if t.get_text().startswith("Intervention (")]
    top = ax.transData.transform([[0, np.nanmax(up.series["observed"])]])[0, 1]
    assert label.get_window_extent().y0 > top + 3


def test_a_late_intervention_is_labelled_inside_the_chart():
    """An intervention near the end of the series (a monitoring visit five months before
    the data end) is labelled to the left of its line: to the right, the label ran past
    the axes into the legend's "Observed"."""
    res = its(_ols_series(n_pre=30, n_post=6), 31)
    fig = plots.its_chart(res, title="Test")
    ax = fig.axes[0]
    fig.canvas.draw()
    (label,) = [t for t in ax.texts if t.get_text().startswith("Intervention (")]
    box, axes = label.get_window_extent(), ax.get_window_extent()
    assert axes.x0 <= box.x0 and box.x1 <= axes.x1
    line = ax.transData.transform([[31, 0]])[0, 0]
    assert box.x1 <= line                      # to the left of the intervention's line
    early = plots.its_chart(its(_ols_series(n_pre=12, n_post=24), 13), title="Test")
    early.canvas.draw()
    (label,) = [t for t in early.axes[0].texts if t.get_text().startswith("Intervention (")]
    assert label.get_window_extent().x0 >= early.axes[0].transData.transform([[13, 0]])[0, 0]
    matplotlib.pyplot.close(fig)
    matplotlib.pyplot.close(early)


def test_before_after_in_words(indicators):
    res = before_after(indicators, 2022, 2025, measure="care_leavers_eet_19_21", area="884")
    d = res.diagnostics
    assert d["verdict"] == "no detectable change"
    assert res.diagnostics["x1"] == 64 and res.diagnostics["n1"] == 117        # 2025: 64 of 117
    assert 10 < d["mde"] < 25            # percentage points
    with pytest.raises(ValueError, match="not a percentage"):
        before_after(indicators, 2022, 2025, measure="cla_rate_per_10k", area="884")


def test_before_after_chart_labels_pass_the_policy(indicators):
    res = before_after(indicators, 2022, 2025, measure="care_leavers_eet_19_21", area="884")
    fig = plots.before_after_chart(res)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["48.0%", "54.7%"]    # 47 of 98 and 64 of 117, to one decimal under every policy (E11e)
    assert "no detectable change" in fig.alt_text
    small = difference_result(4, 20, 9, 20)
    fig2 = plots.before_after_chart(small)
    assert "c" in [t.get_text() for t in fig2.axes[0].texts]
    assert "Change not shown" in fig2.alt_text
    internal = plots.before_after_chart(small, policy="internal")
    assert "c" not in [t.get_text() for t in internal.axes[0].texts]


def test_small_numbers_for_a_rate_are_few_events_not_a_small_exposure():
    # placement moves per child-year: about 25 child-years of care a month is not "25
    # children"; 20 moves a month is not a small number, 3 is
    rng = np.random.default_rng(5)
    def series(rate):
        return pd.DataFrame({"time": np.arange(1, 49), "denominator": 25.0,
                             "numerator": rng.poisson(rate * 25, 48).astype(float)})
    many = its(series(0.8), 25, model="poisson")
    assert not any(w.startswith("small numbers") for w in many.warnings)
    few = its(series(0.12), 25, model="poisson")
    assert any(w.startswith("small numbers") and "events" in w for w in few.warnings)


def test_an_all_suppressed_series_says_so():
    """It raised an IndexError from inside its own error message."""
    import pandas as pd
    df = pd.DataFrame({"area_code": "884", "period": range(2016, 2024), "measure": "m", "value": float("nan"),
                       "numerator": float("nan"), "denominator": float("nan"), "status": "c"})
    with pytest.raises(ValueError, match="every period is suppressed"):
        its(df, 2020)


def test_rolling_12_month_figures_are_refused_by_time_series_and_control_charts():
    """`measures.compute(..., frequency="monthly")` gives rolling 12-month figures: fed
    to its() (as the README's example led an evaluator to do) moves per child-year gave
    a level ratio of 1.15, p = 3e-9, on the synthetic sample, where the calendar-month
    series gives no detectable change. Points sharing 11 months are refused, by name."""
    from evaltools.errors import SchemaError
    from evaltools.measures import ROLLING_SOURCE, SOURCE
    from evaltools.stats import spc
    rng = np.random.default_rng(3)
    ends = pd.date_range("2019-04-30", periods=48, freq="ME")
    num = rng.poisson(20, 48).astype(float)
    frame = pd.DataFrame({"area_code": "884", "area_name": "Herefordshire, County of",
                          "measure": "placement_moves_per_child_year", "period": [d.year for d in ends],
                          "period_end": ends, "numerator": num, "denominator": 30.0, "value": num / 30,
                          "status": "ok", "source": ROLLING_SOURCE})
    for fit in (lambda f: its(f, pd.Timestamp("2021-04-30"), measure="placement_moves_per_child_year"),
                lambda f: spc.xmr(f, measure="placement_moves_per_child_year")):
        with pytest.raises(SchemaError, match=r"rolling 12-month figures.*frequency=\"month\""):
            fit(frame)
        assert fit(frame.assign(source=SOURCE)) is not None        # calendar months: fitted
