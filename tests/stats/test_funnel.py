"""Funnel plots: exact limits, overdispersion (φ, τ², trimming), the tidy-frame path
with suppressed councils, flags worded by polarity, warnings, errors and the chart's
plotted numbers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats as sps  # noqa: E402

from evaltools import plots  # noqa: E402
from evaltools.stats import funnel  # noqa: E402
from evaltools.stats.funnels import binomial_limits, dispersion  # noqa: E402


def _units(n_units=30, p=0.3, spread=0.0, seed=2):
    rng = np.random.default_rng(seed)
    n = rng.integers(40, 600, n_units)
    theta = np.clip(p + rng.normal(0, spread, n_units), 0.01, 0.99)
    return pd.DataFrame({"unit": [f"LA{i:02d}" for i in range(n_units)], "numerator": rng.binomial(n, theta),
                         "denominator": n})


# ------------------------------------------------------------------ limits

def test_binomial_limits_are_close_to_the_normal_ones_for_large_n_and_narrow_with_n():
    lo, hi = binomial_limits([2000], 0.3, 0.95)
    half = 1.959964 * np.sqrt(0.3 * 0.7 / 2000)
    assert lo[0] == pytest.approx(0.3 - half, abs=1e-3) and hi[0] == pytest.approx(0.3 + half, abs=1e-3)
    lo, hi = binomial_limits([20, 50, 100, 400], 0.3, 0.998)
    assert (np.diff(hi) < 0).all() and (np.diff(lo) > 0).all()
    lo95, hi95 = binomial_limits([20, 50, 100, 400], 0.3, 0.95)
    assert (lo < lo95).all() and (hi95 < hi).all()


def test_binomial_limits_interpolate_between_the_discrete_quantiles():
    """Spiegelhalter (2005) A.1.1: limit = (r - α)/n with r the smallest count whose
    cdf reaches p and α = (F(r) - p)/P(X = r); so F(r - 1) < p <= F(r)."""
    n, theta, q = 60, 0.25, 0.975
    _, hi = binomial_limits([n], theta, 0.95)
    r = np.ceil(hi[0] * n)
    assert sps.binom.cdf(r - 1, n, theta) < q <= sps.binom.cdf(r, n, theta)
    alpha = (sps.binom.cdf(r, n, theta) - q) / sps.binom.pmf(r, n, theta)
    assert hi[0] == pytest.approx((r - alpha) / n)


def test_all_of_a_few_children_is_not_beyond_the_limits_when_it_happens_by_chance():
    """Rutland's 7 of 7 care leavers in EET at 17-18 (England 64%) was "better than
    expected (beyond the 99.8% limit)": 7 of 7 happens 4% of the time by chance. The
    interpolated upper limit was (n - alpha)/n, just under 100%, for any n where all n
    is not rare; it is 100% there, and a 100% that is rare stays beyond it."""
    for n, theta in ((7, 0.64), (9, 0.685), (3, 0.9)):
        assert sps.binom.pmf(n, n, theta) > 0.001
        _, hi = binomial_limits([n], theta, 0.998)
        assert hi[0] == 1.0
    n, theta = 40, 0.6                               # 40 of 40 at 60%: 1 in 10^9
    _, hi = binomial_limits([n], theta, 0.998)
    assert hi[0] < 1.0
    df = pd.DataFrame({"unit": ["small", *[f"LA{i}" for i in range(30)]],
                       "numerator": [7, *[64] * 30], "denominator": [7, *[100] * 30]})
    row = funnel(df, target=64).table.set_index("unit").loc["small"]
    assert row["value"] == 100 and row["upper_998"] == 100 and row["flag"] == "within"


def test_target_defaults_to_the_pooled_proportion_and_can_be_given():
    df = _units()
    res = funnel(df)
    assert res.estimate == pytest.approx(100 * df["numerator"].sum() / df["denominator"].sum())  # percent
    assert (res.series["target"] == res.estimate).all()
    assert funnel(df, target=25).estimate == 25
    t = res.table
    assert t["lower_998"].tolist() == pytest.approx(
        list(100 * binomial_limits(t["denominator"], res.estimate / 100, 0.998)[0]))
    assert t["value"].tolist() == pytest.approx(list(100 * t["numerator"] / t["denominator"]))


def test_binomial_data_show_no_overdispersion():
    res = funnel(_units(n_units=60, seed=4), overdispersion="additive")
    d = res.diagnostics
    assert d["tau2"] == 0 and not res.adjusted
    assert any("no overdispersion" in n for n in d["notes"])
    assert "z_adjusted" not in res.table and not any("too narrow" in w for w in res.warnings)


def test_overdispersed_data_warn_unless_adjusted_and_adjustment_widens_the_limits():
    df = _units(n_units=60, spread=0.08, seed=7)
    plain = funnel(df)
    assert plain.diagnostics["phi"] > 2
    assert any("too narrow" in w and "overdispersion='additive'" in w for w in plain.warnings)
    adj = funnel(df, overdispersion="additive")
    assert adj.adjusted and adj.diagnostics["tau2"] > 0 and not any("too narrow" in w for w in adj.warnings)
    assert (adj.table["upper_998"] > plain.table["upper_998"]).all()
    assert adj.diagnostics["n_outside_998"] < plain.diagnostics["n_outside_998"]
    assert "Limits widened for overdispersion" in adj.summary()
    # arcsine scale, as FunnelPlotR: limits sin²(asin√θ ± z√(1/(4n) + τ²))
    n, tau2, theta = adj.table["denominator"], adj.diagnostics["tau2"], adj.estimate / 100
    want = 100 * np.sin(np.arcsin(np.sqrt(theta)) + 3.090232 * np.sqrt(1 / (4 * n) + tau2)) ** 2
    assert adj.table["upper_998"].tolist() == pytest.approx(list(want), abs=1e-4)


def test_tau2_formula_and_truncation_by_rank():
    z = np.arange(1.0, 21.0)
    s = np.full(20, 0.1)
    phi, tau2, n = dispersion(z, s, trim="truncate", fraction=0.1)
    kept = z[2:18]                      # ranks 3..18: 0.1·21 <= r < 0.9·21
    assert n == 16 and phi == pytest.approx(np.mean(kept ** 2))
    w = 1 / s[:16] ** 2
    assert tau2 == pytest.approx((16 * phi - 15) / (w.sum() - (w ** 2).sum() / w.sum()))
    phi_w, _, n_w = dispersion(z, s, trim="winsorise", fraction=0.1)
    assert n_w == 20 and phi_w == pytest.approx(np.mean(np.clip(z, *np.quantile(z, [0.1, 0.9])) ** 2))
    assert dispersion(np.zeros(5), np.ones(5), trim=None) == (0.0, 0.0, 5)


def test_ratio_kind_log_and_sqrt_scales():
    df = pd.DataFrame({"unit": list("abcdefghijkl"), "observed": [5, 9, 14, 22, 30, 41, 50, 64, 80, 95, 120, 150],
                       "expected": [6.0, 8, 15, 20, 33, 38, 55, 60, 85, 90, 125, 140]})
    res = funnel(df, kind="ratio")
    t = res.table
    assert res.estimate == 1.0
    assert t["z"].tolist() == pytest.approx(list(np.sqrt(t["denominator"]) * np.log(t["value"])))
    sq = funnel(df, kind="ratio", scale="sqrt")
    assert sq.table["z"].tolist() == pytest.approx(list(2 * (np.sqrt(df["observed"]) - np.sqrt(df["expected"]))))


# ------------------------------------------------------------------ flags and polarity

def test_flags_and_polarity_wording():
    df = pd.DataFrame({"unit": [f"u{i}" for i in range(12)], "numerator": [30] * 10 + [60, 5],
                       "denominator": [100] * 12})
    res = funnel(df, target=30, polarity="high", highlight="u10")
    t = res.table.set_index("unit")
    assert t.loc["u10", "flag"] == "above 99.8%" and t.loc["u11", "flag"] == "below 99.8%"
    assert t.loc["u10", "assessment"].startswith("better than expected")
    assert t.loc["u11", "assessment"].startswith("worse than expected")
    assert t.loc["u0", "assessment"].startswith("as expected")
    assert res.diagnostics["n_above_998"] == 1 and res.diagnostics["n_below_998"] == 1
    assert t["highlight"].sum() == 1 and t.loc["u10", "highlight"]
    assert "u10: 60.0% (denominator 100), above 99.8%: better than expected" in res.summary()
    low = funnel(df, target=30, polarity="low").table.set_index("unit")
    assert low.loc["u10", "assessment"].startswith("worse")
    none = funnel(df, target=0.3).table.set_index("unit")
    assert none.loc["u10", "assessment"].startswith("higher than expected")
    # 38/100 is beyond the 95% limit only
    mid = funnel(df.assign(numerator=[30] * 10 + [40, 30]), target=30, polarity="high").table.set_index("unit")
    assert mid.loc["u10", "flag"] == "above 95%" and mid.loc["u10", "assessment"].startswith("possibly better")
    # 1 unit in 20 beyond one of the two 95% limits, not 1 in 20 beyond this one
    assert mid.loc["u10", "assessment"] == ("possibly better (beyond the 95% limit only: by chance alone, 1 unit "
                                           "in 20 falls beyond one of them, above or below)")


# ------------------------------------------------------------------ tidy indicator frames

def _tidy():
    rng = np.random.default_rng(11)
    rows = []
    for i in range(14):
        for year in (2024, 2025):
            n = int(rng.integers(80, 700))
            x = int(rng.binomial(n, 0.1))
            rows.append({"area_code": str(800 + i), "area_name": f"Council {i}", "ons_code": "",
                         "geographic_level": "Local authority", "period": year, "measure": "cla_3plus_placements",
                         "numerator": x, "denominator": n, "value": 100 * x / n, "status": "ok", "source": "t"})
    df = pd.DataFrame(rows)
    hide = (df["area_code"] == "803") & (df["period"] == 2025)
    df.loc[hide, ["numerator", "value"]] = np.nan
    df.loc[hide, "status"] = "c"
    england = df.iloc[[0]].assign(area_code="E92000001", area_name="England", geographic_level="National")
    return pd.concat([df, england], ignore_index=True)


def test_tidy_frame_uses_the_latest_period_drops_suppressed_councils_and_reads_polarity():
    res = funnel(_tidy(), highlight="801")
    assert res.period == 2025 and len(res.table) == 13 and "England" not in set(res.table["unit"])
    assert any("Council 3 (c)" in w and "not read as 0" in w for w in res.warnings)
    assert res.polarity == "low" and res.label
    assert res.table.loc[res.table["highlight"], "unit"].tolist() == ["Council 1"]
    assert "latest period used: 2025" in res.diagnostics["notes"]
    assert len(funnel(_tidy(), period=2024).table) == 14


def test_ratio_from_a_tidy_frame_compares_with_the_all_council_rate():
    res = funnel(_tidy(), kind="ratio", period=2024)
    t = res.table
    assert t["denominator"].sum() == pytest.approx(t["numerator"].sum())
    assert res.estimate == 1.0


def test_few_units_warn():
    res = funnel(_units(n_units=6))
    assert any("only 6 units, fewer than 10" in w for w in res.warnings)


@pytest.mark.parametrize("kwargs, match", [
    (dict(kind="rate"), "kind 'rate'"),
    (dict(scale="log"), "does not suit kind 'proportion'"),
    (dict(trim="cut"), "trim 'cut'"),
    (dict(overdispersion="multiplicative"), "overdispersion 'multiplicative'"),
    (dict(limits=(0.95,)), "must be two levels"),
    (dict(highlight="Nowhere"), "highlight 'Nowhere' is not one of the units"),
])
def test_mistakes_raise_one_clear_line(kwargs, match):
    with pytest.raises(ValueError, match=match):
        funnel(_units(), **kwargs)


def test_proportions_need_whole_counts_and_a_unit_column():
    with pytest.raises(ValueError, match="whole numbers"):
        funnel(pd.DataFrame({"unit": ["a", "b"], "numerator": [5, 12], "denominator": [10, 10]}))
    with pytest.raises(ValueError, match="needs a unit column"):
        funnel(pd.DataFrame({"numerator": [5, 2], "denominator": [10, 10]}))
    with pytest.raises(ValueError, match="period 2019 is not in the frame"):
        funnel(_tidy(), period=2019)


# ------------------------------------------------------------------ the chart

def test_funnel_chart_plots_points_limits_target_and_labels_the_highlight():
    n = [100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 100, 100]
    df = pd.DataFrame({"unit": [f"u{i}" for i in range(12)], "numerator": [3 * k // 10 for k in n[:10]] + [60, 5],
                       "denominator": n})
    res = funnel(df, target=30, polarity="high", highlight="u10", label="Stable placements")
    fig = plots.funnel_chart(res)
    ax = fig.axes[0]
    lines = {ln.get_gid(): ln for ln in ax.get_lines()}
    assert lines["target"].get_ydata()[0] == pytest.approx(30)
    for col in ("lower_95", "upper_95", "lower_998", "upper_998"):
        assert list(lines[col].get_xdata()) == list(res.series["denominator"])
        assert list(lines[col].get_ydata()) == pytest.approx(list(res.series[col]))
    assert lines["lower_95"].get_linestyle() != lines["lower_998"].get_linestyle()
    pts = {c.get_gid(): np.asarray(c.get_offsets()) for c in ax.collections}
    assert pts["better"].tolist() == [[100, 60]] and pts["worse"].tolist() == [[100, 5]]
    assert len(pts["as"]) == 10 and pts["highlight"].tolist() == [[100, 60]]
    assert [t.get_text() for t in ax.texts if t.get_text() == "u10"] == ["u10"]
    assert ax.get_xlabel().startswith("Number of children") and ax.get_ylabel() == "% of children"
    assert fig.alt_text.startswith("Funnel plot of Stable placements") and "; u10 60.0%, better than expected." \
        in fig.alt_text, fig.alt_text
    plt.close(fig)
    fig = plots.funnel_chart(res, highlight="u11", policy="internal")   # 5 of 100: only inside the council
    assert np.asarray([c for c in fig.axes[0].collections if c.get_gid() == "highlight"][0].get_offsets()).tolist() \
        == [[100, 5]]
    plt.close(fig)


def test_a_council_near_the_top_is_labelled_below_its_point_by_the_name_reports_use(indicators):
    """Herefordshire's health assessments (95.4%, 2025) sit near 100%, where the limit
    lines run together: its label goes below the point, on an opaque box, and reads
    "Herefordshire", as the chart's title does, not DfE's "Herefordshire, County of"."""
    res = funnel(indicators, measure="oc2_health_assessments", period=2025, highlight="884",
                 overdispersion="additive")
    fig = plots.funnel_chart(res)
    ax = fig.axes[0]
    (label,) = [t for t in ax.texts if "Herefordshire" in t.get_text()]
    assert label.get_text() == "Herefordshire"
    assert label.get_va() == "top" and label.xyann[1] < 0            # below the point
    assert label.get_bbox_patch().get_alpha() == 1.0
    # where the council falls, in the alt text as in the title; the centre line is all
    # councils' figure, not a target (none was set)
    assert "; Herefordshire 95.4%, " in fig.alt_text and "County of" not in fig.alt_text, fig.alt_text
    assert "target" not in fig.alt_text and "all councils " in fig.alt_text
    plt.close(fig)


def test_the_centre_line_is_named_for_what_it_is():
    from evaltools.plots import funnel_chart
    df = pd.DataFrame({"unit": [f"u{i}" for i in range(30)], "numerator": [10 + i % 7 for i in range(30)],
                       "denominator": [100 + 5 * i for i in range(30)]})
    labels = lambda r: [t.get_text() for t in funnel_chart(r).axes[0].get_legend().get_texts()]  # noqa: E731
    pooled = funnel(df, kind="proportion")
    assert any(t.startswith("All councils (") for t in labels(pooled))
    given = funnel(df, kind="proportion", target=10)
    assert any(t.startswith("Target (") for t in labels(given))
