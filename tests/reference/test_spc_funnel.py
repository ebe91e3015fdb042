"""SPC and funnel plots against the published and documented results (REFERENCES.md
section 4): FunnelPlotR's medpar example and Poisson-limit tests, NHSRplotthedots'
XmR snapshots, Montgomery's Example 7.1 p-chart, and the NHS A&E data of Mohammed et
al. (2013) for Laney's p′ chart. Every spc/funnel row of expected_values.csv is
reproduced through the public API; the expected numbers are read from the CSV."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from evaltools import stats

from ._expected import DATA, rows

SF = DATA / "spc_funnel"


def _numbers(text: str) -> list[float]:
    """Every number in an expected cell ("a / b / c", "a b c ; d e f", "x / 16 of 20")."""
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", str(text))]


def _printed_tolerance(text: str, tolerance: float) -> float:
    """A printed number stands for everything that rounds to it: never demand more than
    half a unit in its last printed digit (tolerance 0 on "0.9529" means 4 dp)."""
    decimals = max((len(v.split(".")[1]) if "." in v else 0) for v in re.findall(r"-?\d+(?:\.\d+)?", text))
    return max(tolerance, 0.5 * 10 ** -decimals) + 1e-12


# ------------------------------------------------------------------ FunnelPlotR medpar

def _medpar():
    m = pd.read_csv(SF / "medpar.csv")
    m["type"] = m["type1"] + 2 * m["type2"] + 3 * m["type3"]     # the file has dummies, not R's factor
    fit = smf.glm("los ~ hmo + died + age80 + C(type)", data=m, family=sm.families.Poisson()).fit()
    m["expected"] = fit.fittedvalues
    agg = (m.groupby("provnum").agg(observed=("los", "sum"), expected=("expected", "sum")).reset_index()
           .rename(columns={"provnum": "unit"}))
    return fit, agg


FIT, MEDPAR = _medpar()


def _poisson_limits(side: str, tag: str):
    # three units with O = E at E = 15, 20, 30: the table carries the limits at each E
    res = stats.funnel(pd.DataFrame({"unit": ["a", "b", "c"], "observed": [15, 20, 30],
                                     "expected": [15.0, 20.0, 30.0]}), kind="ratio")
    return list(res.table[f"{side}_{tag}"])


FUNNEL = {
    "funnelplotr_medpar_glm": lambda q: (
        [FIT.params[k] for k in ("Intercept", "hmo", "died", "age80", "C(type)[T.2]", "C(type)[T.3]")]
        if q.startswith("Intercept") else [FIT.pearson_chi2 / FIT.df_resid]),
    "funnelplotr_medpar_unadj": lambda q: [stats.funnel(MEDPAR, kind="ratio").diagnostics["n_outside_998"]],
    "funnelplotr_medpar_shmi": lambda q: [
        stats.funnel(MEDPAR, kind="ratio", overdispersion="additive").diagnostics["n_outside_998"]],
    "funnelplotr_poisson_limits": lambda q: _poisson_limits(
        "lower" if " ll" in q else "upper", "998" if q.endswith("99.8") else "95"),
}


@pytest.mark.parametrize("row", list(rows("funnel").itertuples()), ids=lambda r: f"{r.case}:{r.quantity}")
def test_funnelplotr(row):
    want = _numbers(row.expected)
    got = FUNNEL[row.case](row.quantity)
    tol = _printed_tolerance(row.expected, float(row.tolerance))
    assert len(got) == len(want)
    assert all(abs(g - w) <= tol for g, w in zip(got, want)), (got, want)


def test_medpar_shmi_phi_and_tau2_and_truncation():
    """REFERENCES.md 4a (computed with FunnelPlotR's formulas): 44 of 54 z-scores kept
    after truncating 10% per tail, φ = 8.5321, τ² = 0.028407."""
    d = stats.funnel(MEDPAR, kind="ratio", overdispersion="additive").diagnostics
    assert d["n_used_for_phi"] == 44
    assert abs(d["phi"] - 8.5321) < 5e-5 and abs(d["tau2"] - 0.028407) < 5e-7


def test_medpar_cqc_variant_phi_and_tau2():
    """REFERENCES.md 4a, Spiegelhalter/CQC variant (√ scale, 10% Winsorised; computed
    only): φ 9.3025, τ² 0.007863. REFERENCES also says 17 outliers; that count compares
    O/E with 1 ± z√(s² + τ²) without squaring back from the √ scale. On the ratio scale
    the limits are (1 ± z√(s² + τ²))², and a unit is outside them exactly when √(O/E)
    is outside 1 ± z√(s² + τ²): 2 units, checked here on the transformed scale."""
    res = stats.funnel(MEDPAR, kind="ratio", overdispersion="additive", scale="sqrt", trim="winsorise")
    d, t = res.diagnostics, res.table
    assert abs(d["phi"] - 9.3025) < 5e-5 and abs(d["tau2"] - 0.007863) < 5e-7
    half = 3.090232 * ((1 / (4 * t["denominator"]) + d["tau2"]) ** 0.5)
    outside_on_sqrt_scale = ((t["value"] ** 0.5 - 1).abs() > half).sum()
    assert d["n_outside_998"] == outside_on_sqrt_scale == 2


# ------------------------------------------------------------------ NHSRplotthedots XmR

PTD = pd.read_csv(SF / "ptd_rnorm20_seed123.csv", parse_dates=["x"])


def _ptd_y15():
    y = PTD["y"].copy()
    y.iloc[14] = 10          # R's y[15] (1-based); y.iloc[15] = 10 gives mean 0.5523, not the snapshot
    return pd.Series(y.to_numpy(), index=PTD["x"])


def _limits(res):
    return [res.estimate, res.ci[0], res.ci[1]]


SPC = {
    "ptd_xmr_r1": lambda: _limits(stats.xmr(PTD[["x", "y"]])),
    "ptd_xmr_r2_screened": lambda: _limits(stats.xmr(_ptd_y15())),
    "ptd_xmr_r3_unscreened": lambda: _limits(stats.xmr(_ptd_y15(), screen=False)),
    "ptd_xmr_facets": lambda: sum((_limits(stats.xmr(g[["x", "y"]])) for _, g in PTD.groupby("facet")), []),
}


def _montgomery(phase1_only=True, **kw):
    m = pd.read_csv(SF / "montgomery_tbl_07.03.csv").rename(
        columns={"sample": "x", "size": "denominator", "count": "numerator"})
    return stats.p_chart(m[m["phase"] == 1] if phase1_only else m, **kw)


NHS = pd.read_csv(SF / "nhs_accidents.csv")


def _nhs(**kw):
    return stats.p_chart(numerator=NHS["r"], denominator=NHS["n"], x=NHS["i"], **kw)


def _as_fraction(values):
    """p-charts report percentages (0-100), like every result; the references print proportions."""
    return [v / 100 for v in values]


SPC.update({
    "montgomery_ex7_1_pchart": lambda: _as_fraction(_limits(_montgomery())),
    "nhs_accidents_pchart": lambda: [(r := _nhs()).diagnostics["pbar"] / 100, r.diagnostics["n_outside"],
                                     len(r.series)],
    "nhs_accidents_pprime": lambda: [(r := _nhs(laney=True)).diagnostics["sigma_z"], r.diagnostics["n_outside"]],
})


@pytest.mark.parametrize("row", list(rows("spc").itertuples()), ids=lambda r: r.case)
def test_spc(row):
    want = _numbers(row.expected)
    got = SPC[row.case]()
    tol = _printed_tolerance(row.expected, float(row.tolerance))
    assert len(got) == len(want)
    assert all(abs(g - w) <= tol for g, w in zip(got, want)), (got, want)


def test_montgomery_revised_limits_held_back():
    """Held back in expected_values.csv: Montgomery, Introduction to Statistical Quality
    Control, Example 7.1, revised trial limits after dropping samples 15 (new batch of
    material) and 23 (inexperienced operator): p̄ = 0.2150, UCL = 0.3893, LCL = 0.0407."""
    centre, lcl, ucl = _as_fraction(_limits(_montgomery(exclude=[15, 23])))
    res = _montgomery(exclude=[15, 23])
    assert abs(centre - 0.2150) < 5e-5
    assert abs(ucl - 0.3893) < 5e-5 and abs(lcl - 0.0407) < 5e-5
    assert res.series["excluded"].sum() == 2


def test_nhs_accidents_week1_p_prime_limits_and_i_chart():
    """REFERENCES.md 4d computed anchors: week-1 p′ limits 0.94013 to 0.96567; the
    I-chart on the weekly proportions has CL 0.95297 and limits 0.94012 to 0.96582."""
    first = _nhs(laney=True).series.iloc[0]
    assert abs(first["lpl"] / 100 - 0.94013) < 5e-6 and abs(first["upl"] / 100 - 0.96567) < 5e-6
    i_chart = stats.xmr((NHS["r"] / NHS["n"]).to_numpy(), x=NHS["i"])
    assert abs(i_chart.estimate - 0.95297) < 5e-6
    assert abs(i_chart.ci[0] - 0.94012) < 5e-6 and abs(i_chart.ci[1] - 0.96582) < 5e-6


# ------------------------------------------- NHSRplotthedots: which points are special causes
#
# The package's own tests pin its rules on small inputs
# (tests/testthat/test-ptd_calculate_point_type.R, github nhs-r-community/NHSRplotthedots,
# commit 0b49a46faa87622267a3792ae3a90156090c8add, MIT), and its snapshot
# (_snaps/ptd_spc.md, commit 174380d653d7a169a76f99deebb9fc21ed5fbbd6) counts the
# special causes on R's rnorm(20). The package flags every point of a run or trend (its
# "part of" functions), and of two-in-three only the points close to a limit. Here each
# input is turned into a series (around a centre of 0, limits ±3, 2-sigma lines ±2) that
# gives the package's own intermediate values, and the flags are compared.

def _flags(y, rule):
    n = len(y)
    return stats.spc.special_causes(y, np.zeros(n), np.full(n, -3.0), np.full(n, 3.0),
                                    np.full(n, -2.0), np.full(n, 2.0))[rule].astype(int).tolist()


@pytest.mark.parametrize("sides, flagged", [
    # ptd_seven_point_one_side_mean: rep(1, 6); c(rep(1, 6), -1); c(rep(1, 8), -1);
    # c(rep(-1, 8), 1). It marks the 7th point of a run on and the "part of" step the
    # whole run, so 8 on one side flag all 8.
    ([1] * 6, [0] * 6),
    ([1] * 6 + [-1], [0] * 7),
    ([1] * 8 + [-1], [1] * 8 + [0]),
    ([-1] * 8 + [1], [1] * 8 + [0]),
])
def test_nhsrplotthedots_run_of_seven_on_one_side(sides, flagged):
    assert _flags(np.asarray(sides, float) * 0.5, "shift") == flagged


@pytest.mark.parametrize("y, flagged, way", [
    # ptd_seven_point_trend: 1:6 none; c(1:3, 3:6) none (a tie breaks it); 1:7 up at the
    # 7th point; c(2, 1:7, 3) up at the 8th; 7:1 and c(2, 7:1, 3) down. The "part of"
    # step flags the 7 points ending there.
    (range(1, 7), [0] * 6, 0),
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7, 0),
    (range(1, 8), [1] * 7, 1),
    ([2, *range(1, 8), 3], [0] + [1] * 7 + [0], 1),
    (range(7, 0, -1), [1] * 7, -1),
    ([2, *range(7, 0, -1), 3], [0] + [1] * 7 + [0], -1),
])
def test_nhsrplotthedots_trend_of_seven(y, flagged, way):
    # far inside the limits, centred on the median (no run of 7 on one side): only the
    # trend rule can fire
    y = np.asarray(list(y), float)
    n = len(y)
    got = stats.spc.special_causes(y, np.full(n, np.median(y)), np.full(n, -1e3), np.full(n, 1e3),
                                   np.full(n, -1e3), np.full(n, 1e3))
    assert got["trend"].astype(int).tolist() == flagged
    assert set(got.loc[got["trend"], "direction"]) == ({way} if way else set())


@pytest.mark.parametrize("close, flagged", [
    # ptd_two_in_three then ptd_part_of_two_in_three: numeric(3); c(1, 0, 1), c(0, 1, 1),
    # c(1, 1, 0) flag the close points; c(0, 0, 1, 0, 1, 0, 0) and c(0, 0, 1, 1, 0, 0, 0)
    # flag the two close points; c(1, 0, 0, 1) none; c(1, 0, 0, 1, 1) the last two
    ([0, 0, 0], [0, 0, 0]),
    ([1, 0, 1], [1, 0, 1]),
    ([0, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
    ([1, 0, 0, 1], [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
])
def test_nhsrplotthedots_two_of_three_close_to_a_limit(close, flagged):
    # a close point between the 2-sigma line and the limit, the others just below the
    # centre (so no run of seven on one side forms)
    y = np.where(np.asarray(close) == 1, 2.5, -0.5)
    assert _flags(y, "two_of_three") == flagged
    assert _flags(y, "special_cause") == flagged


def test_nhsrplotthedots_rnorm20_is_common_cause_throughout():
    """_snaps/ptd_spc.md: on rnorm(20) (seed 123) all 20 points are common cause, none a
    special cause improving or concerning, on one chart and on each facet of 10."""
    assert stats.xmr(PTD[["x", "y"]], polarity="high").series["special_cause"].sum() == 0
    for _, g in PTD.groupby("facet"):
        s = stats.xmr(g[["x", "y"]], polarity="high").series
        assert len(s) == 10 and s["special_cause"].sum() == 0
