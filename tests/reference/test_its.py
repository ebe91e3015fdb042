"""Interrupted time series against the published and documented results
(REFERENCES.md section 1): Lopez Bernal et al. (2017) Sicily smoking ban, the
Newey-West anchors, and Linden (2015) Stata ``itsa`` on California cigarette sales."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evaltools.stats import its

from ._expected import DATA, expected, rows

SICILY = pd.read_csv(DATA / "its" / "sicily.csv")


def _fit(**kw):
    # the paper's Wald intervals (Epi::ci.exp): normal theory, so small_sample=False; its
    # GLMs take the months as independent (errors="iid"), where the default from 16
    # points models their autocorrelation
    return its(SICILY, 37, time="time", model="poisson", numerator="aces", denominator="stdpop",
               small_sample=False, **({} if "maxlags" in kw else {"errors": "iid"}), **kw)


MODELS = {
    "sicily_m1_poisson": dict(slope_change=False, dispersion="fixed"),
    "sicily_m2_quasipoisson": dict(slope_change=False),
    "sicily_m3_quasipoisson_harmonic2": dict(slope_change=False, seasonality=2, season="month"),
    "sicily_m4_slope_change": dict(seasonality=2, season="month", slope_origin="last_pre"),
}


def _quantity(res, quantity):
    return {
        "RR smokban": lambda: res.effect("level")["estimate"],
        "RR smokban 95% lower": lambda: res.effect("level")["ci_low"],
        "RR smokban 95% upper": lambda: res.effect("level")["ci_high"],
        "dispersion (Pearson X2/df)": lambda: res.diagnostics["dispersion"],
        "dispersion": lambda: res.diagnostics["dispersion"],
        "annual trend RR exp(12*b_time)": lambda: math.exp(12 * res.effect("trend")["coef"]),
        "RR slope change per month": lambda: res.effect("slope")["estimate"],
    }[quantity]()


@pytest.mark.parametrize("row", list(rows("its").itertuples()), ids=lambda r: f"{r.case}:{r.quantity}")
def test_sicily(row):
    res = _fit(**MODELS[row.case])
    (want,), tol = expected("its", row.case, row.quantity)
    assert abs(_quantity(res, row.quantity) - want) <= tol + 1e-12


def test_sicily_m4_intervals_and_dispersion_as_published():
    """REFERENCES.md gives M4's intervals and dispersion beside its estimates (not rows
    of expected_values.csv): level 0.8765 (0.8268-0.9292), slope RR per month 1.0015
    (0.9978-1.0051), dispersion 2.2746, each to 4 decimals."""
    res = _fit(**MODELS["sicily_m4_slope_change"])
    level, slope = res.effect("level"), res.effect("slope")
    for got, want in ((level["ci_low"], 0.8268), (level["ci_high"], 0.9292), (slope["ci_low"], 0.9978),
                      (slope["ci_high"], 1.0051), (res.diagnostics["dispersion"], 2.2746)):
        assert got == pytest.approx(want, abs=0.00005 + 1e-12), (got, want)


def test_every_its_row_is_covered():
    assert set(rows("its")["case"]) == set(MODELS)


@pytest.mark.parametrize("lags,se", [(1, 0.021634), (2, 0.022927), (3, 0.021768), (6, 0.020530),
                                     (12, 0.015391)])
def test_sicily_newey_west_anchor(lags, se):
    """REFERENCES.md 1a: M3 with plain Poisson and HAC (Bartlett, no small-sample
    correction) errors; the coefficient stays -0.122087."""
    res = _fit(slope_change=False, seasonality=2, season="month", maxlags=lags)
    level = res.effect("level")
    assert abs(level["coef"] - -0.122087) < 5e-7
    assert abs(level["se"] - se) < 5e-7


def test_sicily_quasi_uses_t_by_default():
    """Without small_sample=False the quasi-Poisson interval uses t(56): wider than
    the Wald interval the paper quotes."""
    wald = _fit(slope_change=False)
    t_based = its(SICILY, 37, time="time", model="poisson", numerator="aces", denominator="stdpop",
                  slope_change=False, errors="iid")
    assert t_based.ci[0] < wald.ci[0] and t_based.ci[1] > wald.ci[1]
    assert t_based.estimate == pytest.approx(wald.estimate)


def test_linden_2015_itsa_california():
    """Linden (2015), Stata Journal 15(2) Table 1 (held back in REFERENCES.md; checked
    against the article): ``itsa cigsale, single trperiod(1989) lag(1) posttrend``
    gives _t -1.779, _x1989 -20.058, _x_t1989 -1.495 and a post-intervention trend of
    -3.274 packs per year."""
    smoking = pd.read_csv(DATA / "synth" / "smoking.csv")
    cal = smoking[smoking["state"] == "California"]
    res = its(cal, 1989, time="year", outcome="cigsale", maxlags=1)
    assert res.model == "ols"
    assert res.effect("trend")["estimate"] == pytest.approx(-1.779, abs=5e-4)
    assert res.effect("level")["estimate"] == pytest.approx(-20.058, abs=5e-4)
    assert res.effect("slope")["estimate"] == pytest.approx(-1.495, abs=5e-4)
    assert res.effect("trend_after")["estimate"] == pytest.approx(-3.274, abs=5e-4)
    # Newey-West with Stata's n/(n-k) correction and t(27): computed anchors
    assert res.effect("level")["se"] == pytest.approx(4.7243, abs=5e-4)
    assert res.diagnostics["newey_west_lags"] == 1
