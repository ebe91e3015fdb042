"""SPC charts: the Making Data Count rules on series built to trigger (or just miss)
each one, phases, screening, p and p′ charts, the tidy-frame path, warnings, errors,
and the chart's plotted numbers (NHSRplotthedots-style snapshots)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from evaltools import plots  # noqa: E402
from evaltools.stats import p_chart, p_prime_chart, u_chart, u_prime_chart, xmr  # noqa: E402
from evaltools.stats.spc import special_causes  # noqa: E402

WIDE = dict(lpl=-100.0, upl=100.0, lo2=-50.0, hi2=50.0)


def _rules(y, centre=0.0, **limits):
    lim = {**WIDE, **limits}
    n = len(y)
    return special_causes(np.asarray(y, float), np.full(n, centre), np.full(n, lim["lpl"]), np.full(n, lim["upl"]),
                          np.full(n, lim["lo2"]), np.full(n, lim["hi2"]))


# ------------------------------------------------------------------ the four rules

def test_run_of_seven_on_one_side_is_flagged_six_is_not():
    assert _rules([-1] + [1] * 7 + [-1])["shift"].tolist() == [False] + [True] * 7 + [False]
    assert not _rules([-1] + [1] * 6 + [-1])["shift"].any()
    # a point exactly on the centre line breaks the run
    assert not _rules([1, 1, 1, 0, 1, 1, 1, 1])["shift"].any()


def test_trend_of_seven_rising_or_falling_is_flagged_six_is_not():
    up = _rules([5, 0, 1, 2, 3, 4, 5, 6, 2], centre=3)
    assert up["trend"].tolist() == [False] + [True] * 7 + [False]
    assert (up.loc[up["trend"] & ~up["shift"], "direction"] == 1).all()
    down = _rules([6, 5, 4, 3, 2, 1, 0], centre=3)
    assert down["trend"].all() and down.loc[3, "direction"] == -1     # on the centre: trend direction
    assert not _rules([0, 1, 2, 3, 4, 5], centre=3)["trend"].any()
    assert not _rules([0, 1, 2, 2, 3, 4, 5], centre=3)["trend"].any()   # a tie breaks it


def test_point_outside_the_limits():
    r = _rules([0, 0, 3.5, 0, -3.2], lpl=-3, upl=3, lo2=-2, hi2=2)
    assert r["outside"].tolist() == [False, False, True, False, True]
    assert r["direction"].tolist() == [0, 0, 1, 0, -1]


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    r = _rules([0, 2.5, 0, 2.5, 0], lpl=-3, upl=3, lo2=-2, hi2=2)
    assert r["two_of_three"].tolist() == [False, True, False, True, False]
    assert not _rules([0, 2.5, -2.5, 0], lpl=-3, upl=3, lo2=-2, hi2=2)["two_of_three"].any()
    assert not _rules([2.5, 0, 0, 2.5], lpl=-3, upl=3, lo2=-2, hi2=2)["two_of_three"].any()


# ------------------------------------------------------------------ xmr

def _shift_series():
    # 12 points alternating 11, 9 then 8 points at 11.5/12.5: mean 10.8, the last 8 above it
    return np.r_[[11, 9] * 6, [11.5, 12.5] * 4]


def test_xmr_limits_and_story_for_a_run_above_the_mean():
    res = xmr(_shift_series(), polarity="high")
    mr = (2 * 11 + 2.5 + 7 * 1) / 19
    assert res.estimate == pytest.approx(10.8)
    assert res.ci == pytest.approx((10.8 - 2.66 * mr, 10.8 + 2.66 * mr))
    s = res.series
    assert s["shift"].tolist() == [False] * 12 + [True] * 8
    assert not (s["outside"] | s["trend"] | s["two_of_three"]).any()
    assert (s["variation"].iloc[-8:] == "improvement").all() and (s["variation"].iloc[:12] == "common").all()
    assert "The last 8 points are all above the mean: special cause improving variation" in res.summary()
    assert res.variation == "special cause improving variation"
    assert s["upper_2s"].iloc[0] == pytest.approx(10.8 + 2 / 3 * 2.66 * mr)
    assert xmr(_shift_series(), polarity="low").variation == "special cause concerning variation"
    assert "neither improving nor concerning" in xmr(_shift_series()).variation
    assert res.p_value is None and len(res.to_frame()) == 1


def test_common_cause_series():
    res = xmr(np.array([10, 12] * 8, float), polarity="high")
    assert not res.series["special_cause"].any()
    assert res.variation == "common cause variation"
    assert "common cause variation" in res.summary()
    assert res.diagnostics["n_special_cause"] == 0


def test_rebase_gives_each_phase_its_own_limits():
    y = _shift_series()
    res = xmr(y, x=np.arange(2001, 2021), rebase=[2013])
    first, second = xmr(y[:12]), xmr(y[12:])
    s = res.series
    assert s["phase"].tolist() == [1] * 12 + [2] * 8
    assert s.loc[0, ["centre", "lpl", "upl"]].tolist() == pytest.approx([first.estimate, *first.ci])
    assert (res.estimate, *res.ci) == pytest.approx((second.estimate, *second.ci))
    # each phase is tested on its own: after rebasing the run above the old mean is gone
    assert not s["shift"].any()
    assert any("phase 2 (from 2013) has only 8 points" in w for w in res.warnings)


def test_a_baseline_takes_the_limits_from_before_it_and_extends_them():
    """Fix and extend: the limits of the 12 points before 2013 (mean 10, mean moving
    range 2), drawn unchanged over the 8 after; the run of 8 above the old mean is a
    shift, where limits recalculated at 2013 (the rebase test above) hide it."""
    y = _shift_series()
    res = xmr(y, x=np.arange(2001, 2021), baseline=2013, polarity="high")
    before = xmr(y[:12])
    s = res.series
    assert s["phase"].nunique() == 1
    assert (res.estimate, *res.ci) == pytest.approx((10.0, 10 - 2.66 * 2, 10 + 2.66 * 2))
    assert (res.estimate, *res.ci) == pytest.approx((before.estimate, *before.ci))
    assert s["shift"].tolist() == [False] * 12 + [True] * 8
    assert res.variation == "special cause improving variation"
    assert "Since 2013, against the limits from before, 7 earlier points showed special causes (7 improving)." \
        in res.story
    assert res.diagnostics["baseline"] == {"limits_from": 2001, "limits_to": 2012, "n_limits": 12,
                                           "extended_from": 2013, "n_extended": 8}
    assert "limits from the 12 points 2001 to 2012, extended unchanged over the 8 from 2013" in res.summary()
    assert not any("provisional" in w for w in res.warnings)       # 12 points give the limits
    short = xmr(y, x=np.arange(2001, 2021), baseline=2009)
    assert any("the limits come from only 8 points before 2009, fewer than 12" in w for w in short.warnings)


def test_a_p_chart_baseline_takes_p_bar_and_sigma_z_from_before_it():
    months = pd.date_range("2020-01-31", periods=24, freq="ME")
    num = np.r_[[20, 24, 18, 22] * 3, [10, 12, 9, 11] * 3]
    den = np.full(24, 200)
    res = p_chart(numerator=num, denominator=den, x=months, baseline="2021-01-01", polarity="low")
    assert res.diagnostics["pbar"] == pytest.approx(100 * num[:12].sum() / den[:12].sum())
    assert res.estimate == pytest.approx(10.5)
    assert res.series["special_cause"].iloc[12:].all()            # every month after is below the limits
    assert res.variation == "special cause improving variation"
    lp = p_prime_chart(numerator=num, denominator=den, x=months, baseline="2021-01-01")
    z = (num[:12] / 200 - 0.105) / np.sqrt(0.105 * 0.895 / 200)
    assert lp.diagnostics["sigma_z"] == pytest.approx(np.abs(np.diff(z)).mean() / 1.128)
    rebased = p_chart(numerator=num, denominator=den, x=months, rebase="2021-01-01", polarity="low")
    assert not rebased.series["special_cause"].iloc[12:].any()    # what recalculating hid
    fig = plots.spc_chart(res)
    assert [line for line in fig.axes[0].get_lines() if line.get_gid() == "baseline"]
    assert any(t.get_text() == "Limits from before, extended" for t in fig.axes[0].texts)


def test_screening_drops_the_big_moving_ranges():
    y = np.r_[[10, 11] * 8, 30, [10, 11] * 4]
    screened, raw = xmr(y), xmr(y, screen=False)
    assert screened.diagnostics["phases"][1]["moving_ranges_screened"] == 2
    assert screened.diagnostics["mean_moving_range"] == pytest.approx(1.0)
    assert raw.ci[1] - raw.ci[0] > 2 * (screened.ci[1] - screened.ci[0])
    assert screened.series["outside"].sum() == 1
    assert "left out of the limit calculation" in screened.summary()


def test_assurance_against_a_target():
    y = np.array([50, 52] * 8, float)          # limits 51 ± 5.32
    assert xmr(y, polarity="high", target=40).assurance.startswith("consistently passing")
    assert xmr(y, polarity="high", target=60).assurance.startswith("consistently failing")
    assert xmr(y, polarity="low", target=40).assurance.startswith("consistently failing")
    assert xmr(y, polarity="high", target=51).assurance.startswith("hit and miss")
    assert "Target 51: hit and miss" in xmr(y, polarity="high", target=51).summary()


def test_few_points_warn_that_limits_are_provisional():
    res = xmr([1.0, 2.0, 1.5, 1.8, 1.2])
    assert any("only 5 points, fewer than 12" in w and "provisional" in w for w in res.warnings)
    assert not xmr(np.array([10, 12] * 8, float)).warnings


def test_series_input_keeps_its_index_and_missing_values_are_dropped():
    ser = pd.Series([1.0, np.nan, 2.0, 1.5] * 4, index=pd.period_range("2024-01", periods=16, freq="M"))
    res = xmr(ser)
    assert len(res.series) == 12 and res.series["x"].iloc[0] == pd.Period("2024-01", "M")
    assert any("4 point(s) with no value were left out" in w for w in res.warnings)


@pytest.mark.parametrize("kwargs, match", [
    (dict(rebase=[1999]), "rebase period 1999 is not one of the chart's periods"),
    (dict(rebase=[2001]), "is the first point"),
    (dict(rebase=[2020]), "phase 2 has only 1 point"),
    (dict(rebase=[2013], baseline=2013), "give rebase= .* or baseline= .*, not both"),
    (dict(baseline=2002), "baseline 2002 leaves 1 point"),
    (dict(polarity="up"), "polarity 'up'"),
])
def test_xmr_mistakes_raise_one_clear_line(kwargs, match):
    with pytest.raises(ValueError, match=match):
        xmr(_shift_series(), x=np.arange(2001, 2021), **kwargs)


def test_xmr_needs_two_points_and_a_value_column():
    with pytest.raises(ValueError, match="at least 2"):
        xmr([1.0])
    with pytest.raises(ValueError, match="no 'y' or 'value' column"):
        xmr(pd.DataFrame({"rate": [1, 2, 3]}))


# ------------------------------------------------------------------ p-chart and p′

def test_p_chart_limits_follow_each_denominator_and_are_clipped():
    num, den = np.array([2, 30, 1, 10] * 4), np.array([20, 300, 10, 100] * 4)
    res = p_chart(numerator=num, denominator=den)
    s = res.series
    pbar = num.sum() / den.sum()
    assert res.estimate == pytest.approx(100 * pbar)             # percentages, like every result
    assert s["upl"].tolist() == pytest.approx(list(100 * (pbar + 3 * np.sqrt(pbar * (1 - pbar) / den))))
    assert (s["lpl"] == 0).sum() == 8            # n = 10 and 20: p̄ - 3σ < 0, clipped
    assert s.loc[1, "upl"] < s.loc[3, "upl"] < s.loc[0, "upl"]
    assert res.unit == "%" and "p-chart" in res.method


def test_p_chart_exclude_recomputes_the_centre_without_those_points():
    num = np.array([10] * 14 + [40] + [10] * 5)
    res = p_chart(pd.DataFrame({"period": range(1, 21), "numerator": num, "denominator": 100}), exclude=[15])
    assert res.estimate == pytest.approx(10.0)
    assert res.series["excluded"].sum() == 1 and res.series.loc[14, "outside"]
    assert res.diagnostics["phases"][1]["n_excluded"] == 1


def test_laney_p_prime_widens_limits_for_large_overdispersed_denominators():
    rng = np.random.default_rng(3)
    n = np.full(20, 100_000)
    num = rng.binomial(n, 0.5 + rng.normal(0, 0.01, 20))
    p = p_chart(numerator=num, denominator=n, polarity="high")
    assert p.diagnostics["sigma_z"] > 5
    assert any("laney=True" in w for w in p.warnings)
    pp = p_prime_chart(numerator=num, denominator=n, polarity="high")
    assert pp.diagnostics["laney"] and pp.diagnostics["sigma_z"] == pytest.approx(p.diagnostics["sigma_z"])
    assert (pp.ci[1] - pp.estimate) == pytest.approx((p.ci[1] - p.estimate) * p.diagnostics["sigma_z"])
    assert pp.diagnostics["n_outside"] < p.diagnostics["n_outside"]
    assert not any("laney" in w for w in pp.warnings)


def test_binomial_data_with_small_denominators_do_not_warn_about_overdispersion():
    rng = np.random.default_rng(5)
    n = rng.integers(150, 300, 24)
    res = p_chart(numerator=rng.binomial(n, 0.3), denominator=n)
    assert res.diagnostics["sigma_z"] < 1.5
    assert not any("laney" in w for w in res.warnings)


@pytest.mark.parametrize("kwargs, match", [
    (dict(numerator=[5, 12], denominator=[10, 10]), "are not a proportion"),
    (dict(numerator=[5, 2], denominator=[10, 0]), "are not a proportion"),
    (dict(numerator=[1, 2], denominator=[10, 10], target=160), "give a percentage"),
    (dict(numerator=[1, 2, 3], denominator=[10, 10, 10], exclude=[1, 2]), "fewer than 2 points left"),
])
def test_p_chart_mistakes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        p_chart(**kwargs)


# ------------------------------------------------------------------ u-chart and u′

def test_u_chart_limits_follow_each_exposure_worked_by_hand():
    # 12 months of incidents over children who went missing; worked with the textbook
    # formulae (Montgomery 7.3): u-bar = sum x / sum n, limits u-bar +- 3 sqrt(u-bar / n)
    x = np.array([30, 41, 25, 38, 52, 33, 29, 47, 36, 40, 31, 44])
    n = np.array([10, 14, 9, 12, 15, 11, 10, 13, 12, 12, 11, 14])
    res = u_chart(numerator=x, denominator=n)
    s = res.series
    ubar = 446 / 143
    assert res.estimate == pytest.approx(ubar) and res.diagnostics["ubar"] == pytest.approx(ubar)
    assert s["upl"].tolist() == pytest.approx(list(ubar + 3 * np.sqrt(ubar / n)))
    assert s["lpl"].tolist() == pytest.approx(list(ubar - 3 * np.sqrt(ubar / n)))
    assert s["upper_2s"].tolist() == pytest.approx(list(ubar + 2 * np.sqrt(ubar / n)))
    assert s["y"].tolist() == pytest.approx(list(x / n))          # the rate itself, not a percentage
    assert res.chart == "u-chart" and "ū ± 3√(ū/n)" in res.method and res.unit == ""
    # Laney's u': the same limits scaled by sigma_z, from the z-scores' moving ranges
    z = (x / n - ubar) / np.sqrt(ubar / n)
    sigma_z = np.abs(np.diff(z)).mean() / 1.128
    up = u_prime_chart(numerator=x, denominator=n)
    assert up.chart == "u′ chart" and up.diagnostics["sigma_z"] == pytest.approx(sigma_z)
    assert up.series["upl"].tolist() == pytest.approx(list(ubar + 3 * sigma_z * np.sqrt(ubar / n)))


def test_u_chart_takes_rates_above_one_floors_the_lower_limit_and_refuses_negatives():
    res = u_chart(numerator=[0, 1, 0, 2, 1, 0], denominator=[2, 3, 2, 4, 3, 2])   # ū = 0.25
    assert (res.series["lpl"] == 0).all() and (res.series["upl"] > 1).any()
    assert u_chart(numerator=[30, 25], denominator=[10, 10]).estimate == pytest.approx(2.75)   # x > n is fine
    with pytest.raises(ValueError, match="are not a rate; each needs numerator >= 0 and denominator > 0"):
        u_chart(numerator=[3, -1], denominator=[2, 2])
    with pytest.raises(ValueError, match="are not a rate"):
        u_chart(numerator=[3, 1], denominator=[2, 0])


def test_tidy_frame_u_chart_of_a_rate_measure_in_its_own_units():
    years = np.arange(2010, 2026)
    den = np.linspace(20, 40, len(years))
    num = np.round(den * 3)
    df = pd.DataFrame({"area_code": "999", "area_name": "Exampleshire", "ons_code": "",
                       "geographic_level": "Local authority", "period": years,
                       "measure": "missing_incidents_per_child", "numerator": num, "denominator": den,
                       "value": num / den, "status": "ok", "source": "test"})
    res = u_chart(df, area="999", laney=True)
    assert res.unit == "per child" and res.polarity == "none"
    assert res.series["y"].tolist() == pytest.approx(list(num / den))
    assert any("use u_chart" in w for w in xmr(df, area="999").warnings)   # not "p_chart" for a rate


# ------------------------------------------------------------------ tidy indicator frames

def _tidy(measure="cla_3plus_placements", denominators=None, suppressed=(2016,)):
    years = np.arange(2010, 2026)
    den = np.full(len(years), 400.0) if denominators is None else np.asarray(denominators, float)
    num = np.round(den * np.r_[[0.10, 0.12] * 6, [0.19, 0.20, 0.19, 0.20]])
    df = pd.DataFrame({"area_code": "999", "area_name": "Exampleshire", "ons_code": "", "geographic_level":
                       "Local authority", "period": years, "measure": measure, "numerator": num,
                       "denominator": den, "value": 100 * num / den, "status": "ok", "source": "test"})
    hide = df["period"].isin(suppressed)
    df.loc[hide, ["numerator", "value"]] = np.nan
    df.loc[hide, "status"] = "c"
    other = df.assign(area_code="998", area_name="Otherton")
    return pd.concat([df, other], ignore_index=True)


def test_tidy_frame_p_chart_takes_polarity_and_label_from_the_registry_and_warns_about_suppression():
    res = p_chart(_tidy(), area="999")
    assert res.polarity == "low"                      # cla_3plus_placements: lower is better
    assert len(res.series) == 15 and 2016 not in set(res.series["x"])
    assert "Exampleshire" in res.label
    assert any("2016 (c)" in w and "not read as 0" in w for w in res.warnings)
    assert res.series["variation"].iloc[-1] == "concern"       # the last 4 are above the limit: worse for "low"


def test_tidy_frame_xmr_charts_a_percentage_in_percent_like_the_p_chart():
    res = xmr(_tidy(), area="Exampleshire", target=12)
    frame = _tidy()
    ok = frame[(frame["area_code"] == "999") & (frame["status"] == "ok")]
    assert res.series["y"].tolist() == pytest.approx(list(ok["value"]))
    assert res.unit == "%" and res.diagnostics["measure"] == "cla_3plus_placements"
    pc = p_chart(_tidy(), area="999")
    assert pc.series["y"].tolist() == pytest.approx(res.series["y"].tolist())
    with pytest.raises(ValueError, match="give a percentage"):
        xmr(_tidy(), area="999", target=120)


def test_xmr_on_a_rate_with_varying_denominators_suggests_a_p_chart():
    res = xmr(_tidy(denominators=np.linspace(150, 450, 16)), area="999")
    assert any("use p_chart" in w for w in res.warnings)


# ------------------------------------------------------------------ properties

@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=40))
def test_xmr_limits_bracket_the_centre_and_flags_agree_with_the_limits(ys):
    s = xmr(ys).series
    assert (s["lpl"] <= s["centre"] + 1e-9).all() and (s["centre"] <= s["upl"] + 1e-9).all()
    assert ((s["y"] > s["upl"]) | (s["y"] < s["lpl"])).tolist() == s["outside"].tolist()
    assert (s["special_cause"] == (s["outside"] | s["shift"] | s["trend"] | s["two_of_three"])).all()
    assert set(s["variation"]) <= {"common", "neither"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 50)), min_size=2, max_size=30))
def test_p_chart_limits_stay_within_zero_and_one(pairs):
    num = [min(a, b) for a, b in pairs]
    den = [b for _, b in pairs]
    s = p_chart(numerator=num, denominator=den).series
    assert (s["lpl"] >= 0).all() and (s["upl"] <= 100).all() and (s["lpl"] <= s["upl"]).all()


# ------------------------------------------------------------------ the chart

def _by_gid(ax, gid):
    return [ln for ln in ax.get_lines() if ln.get_gid() == gid]


def test_spc_chart_plots_the_series_limits_special_causes_and_target():
    res = xmr(_shift_series(), x=np.arange(2001, 2021), rebase=[2013], polarity="high", target=11)
    whole = xmr(_shift_series(), x=np.arange(2001, 2021), polarity="high", target=11)
    fig = plots.spc_chart(res)
    ax = fig.axes[0]
    s = res.series
    # plotted at the precision a reader sees (3 significant figures): see test_p_chart_plot...
    assert list(_by_gid(ax, "data")[0].get_ydata()) == pytest.approx(list(s["y"]), abs=0.05)
    centres = _by_gid(ax, "centre")
    assert len(centres) == 2                                  # stepped at the rebase
    assert [c.get_ydata()[0] for c in centres] == pytest.approx(list(s.groupby("phase")["centre"].first()), abs=0.05)
    assert list(centres[1].get_xdata()) == list(range(2013, 2021))
    upl = np.concatenate([ln.get_ydata() for ln in _by_gid(ax, "upl")])
    assert list(upl) == pytest.approx(list(s["upl"]), abs=0.05)
    assert _by_gid(ax, "target")[0].get_ydata()[0] == 11
    assert fig.alt_text.startswith("XmR chart of") and "process limits" in fig.alt_text
    # the "Phase 2" label sits above every point and limit line, not across them
    fig.canvas.draw()
    (label,) = [t for t in ax.texts if t.get_text() == "Phase 2"]
    bottom = label.get_window_extent().y0
    drawn = np.concatenate([ln.get_ydata() for ln in ax.get_lines() if ln.get_gid() in ("data", "upl")])
    top = ax.transData.transform([[2013, np.nanmax(drawn)]])[0, 1]
    assert bottom > top + 3                                    # points, with room for a marker
    plt.close(fig)
    # without the rebase the run above the mean shows as blue improvement squares
    fig = plots.spc_chart(whole)
    ax = fig.axes[0]
    pts = {c.get_gid(): c.get_offsets() for c in ax.collections}
    assert np.asarray(pts["improvement"])[:, 1].tolist() == pytest.approx(list(whole.series["y"].iloc[-8:]), abs=0.05)
    assert "concern" not in pts
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Special cause: improvement" in labels and "Process limits" in labels and "Target" in labels
    assert "special cause improving variation" in fig.alt_text
    plt.close(fig)


def test_p_chart_plot_is_in_percent_with_limits_per_point():
    num, den = np.array([2, 30, 1, 10] * 4), np.array([20, 300, 10, 100] * 4)
    res = p_chart(numerator=num, denominator=den)
    fig = plots.spc_chart(res, policy="internal")       # 2 of 20, 1 of 10: only inside the council
    ax = fig.axes[0]
    assert list(_by_gid(ax, "upl")[0].get_ydata()) == pytest.approx(list(res.series["upl"]), abs=0.05)
    assert _by_gid(ax, "upl")[0].get_drawstyle() == "steps-mid"
    # no coordinate finer than 0.1 point: an SVG keeps 15 digits, and a month's exact
    # share (5.044510393% = 17/337) or its limits (which follow the denominator) gave
    # the counts back
    for gid in ("data", "centre", "upl", "lpl"):
        y = np.concatenate([ln.get_ydata() for ln in _by_gid(ax, gid)])
        assert np.allclose(y * 10, np.round(y * 10)), gid
    assert ax.get_ylabel() == "%"
    plt.close(fig)


def test_spc_alt_text_gives_no_more_digits_than_the_chart():
    """Alt text is the chart read aloud: a rate plotted to 3 significant figures of its
    largest plotted value (here the upper limit, 1.03) is described to the same two
    places (0.86, not 0.8571), so the words give back nothing the points do not."""
    import re
    ys = [0.8643, 0.912, 0.7781, 0.8333, 0.9017, 0.8125, 0.8571, 0.8889] * 2
    fig = plots.spc_chart(xmr(ys, x=np.arange(2001, 2017)))
    assert max(_by_gid(fig.axes[0], "upl")[0].get_ydata()) == pytest.approx(1.03)
    figures = re.findall(r"\d+\.\d+", fig.alt_text)
    assert len(figures) == 4 and all(len(f.split(".")[1]) == 2 for f in figures), fig.alt_text
    assert "latest 0.89, centre line 0.86," in fig.alt_text
    plt.close(fig)


def test_xmr_of_a_count_measure_keeps_points_without_a_denominator():
    """Counts (children starting care each month) have no denominator; every point is
    charted, none dropped as 'no value'."""
    import pandas as pd
    from evaltools.stats import xmr
    f = pd.DataFrame({"area_code": "884", "area_name": "Herefordshire", "measure": "cla_starts",
                      "period": 2024, "period_end": pd.date_range("2023-04-30", periods=12, freq="ME"),
                      "numerator": [9, 14, 11, 8, 12, 10, 13, 9, 11, 10, 12, 14], "denominator": float("nan"),
                      "value": [9, 14, 11, 8, 12, 10, 13, 9, 11, 10, 12, 14], "status": "ok"})
    r = xmr(f, measure="cla_starts", area="884")
    assert len(r.series) == 12 and not any("left out" in w for w in r.warnings)
    assert abs(r.estimate - sum(f["value"]) / 12) < 1e-12


def test_a_series_that_never_varies_says_its_limits_have_no_width():
    """No away incident in any month, or the same figure every month: the limits are the
    centre itself. The XmR chart said 23 "unusually large" moving ranges of 0 were
    screened out, and every chart called the flat line "common cause variation (the usual
    ups and downs)" with nothing to say nothing had varied."""
    flat = xmr(np.full(24, 3.0))
    assert flat.ci == (3.0, 3.0) and flat.diagnostics["notes"] == []
    assert flat.diagnostics["phases"][1]["moving_ranges_screened"] == 0
    said = ("the limits have no width: the points they come from do not vary (centre {}), so any change at all "
            "falls outside them, and inside them means only that nothing moved")
    assert said.format("3") in flat.warnings
    none = p_chart(numerator=np.zeros(24), denominator=np.full(24, 20.0))
    assert none.ci == (0.0, 0.0) and said.format("0%") in none.warnings
    varied = xmr(np.arange(24.0) % 5)
    assert not any(w.startswith("the limits have no width") for w in varied.warnings)
    # 23 months at 3 and one at 10: screening the two large moving ranges would leave
    # only ranges of 0, limits of no width and a chart that says nothing varied
    jump = xmr(np.r_[np.full(23, 3.0), 10.0])
    assert jump.ci[1] - jump.ci[0] > 1 and jump.diagnostics["phases"][1]["moving_ranges_screened"] == 0
    assert not any(w.startswith("the limits have no width") for w in jump.warnings)
