"""Difference-in-differences on panels with known effects: estimates, inference
choice, pre-trend warning, analysis sample, errors and the charts' numbers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from evaltools import plots  # noqa: E402
from evaltools.stats import did  # noqa: E402

from ..conftest import fits_canvas  # noqa: E402


def _panel(n_units=11, years=range(2016, 2026), effect=0.0, sd=1.0, trend_gap=0.0, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_units):
        base = rng.normal(50, 5)
        for y in years:
            treated = u == 0
            v = base + 0.5 * (y - 2016) + rng.normal(0, sd)
            if treated:
                v += trend_gap * (y - 2016) + (effect if y >= 2022 else 0)
            rows.append({"unit": f"LA{u:02d}", "year": y, "value": v})
    return pd.DataFrame(rows)


ARGS = dict(unit="unit", time="year")


def test_recovers_injected_effect_with_placebo_inference():
    res = did(_panel(effect=-4, sd=0.01), "LA00", 2022, **ARGS)
    assert res.estimate == pytest.approx(-4, abs=0.02)
    assert res.diagnostics["inference"] == "placebo"          # one treated unit
    assert len(res.diagnostics["placebo_estimates"]) == 10
    assert res.ci[1] < 0 and res.p_value < 0.01
    es = res.table.set_index("relative_period")
    assert es.loc[0, "estimate"] == pytest.approx(-4, abs=0.05)
    assert es.loc[-3, "estimate"] == pytest.approx(0, abs=0.05)
    assert es.loc[-1, "estimate"] == 0                        # the reference period


def test_placebo_rank_counts_the_comparison_units_that_changed_less():
    """A clear effect (-4 against noise of 0.01) is larger than all 10 placebos, the
    smallest rank p-value 10 placebos allow (1/11); with no effect some placebos are as
    large, and the rank agrees with the rank p-value in the diagnostics."""
    from evaltools.topics import placebo_words
    res = did(_panel(effect=-4, sd=0.01), "LA00", 2022, **ARGS)
    assert res.placebo_rank == (10, 10) and res.diagnostics["rank_p"] == pytest.approx(1 / 11)
    assert "Placebos: 10 of 10 smaller in size than the effect (rank p = 0.0909)" in res.summary()
    assert placebo_words(res).startswith("It was larger than each of the 10 neighbours' own changes")
    assert placebo_words(res).endswith("would still happen by chance 1 time in 11.")
    null = did(_panel(seed=1), "LA00", 2022, **ARGS)
    k, j = null.placebo_rank
    plac = np.abs(null.diagnostics["placebo_estimates"])
    assert j == 10 and k == int((plac < abs(null.estimate)).sum()) < 10
    assert null.diagnostics["rank_p"] == pytest.approx((1 + j - k) / (j + 1))
    assert placebo_words(null).startswith(f"{j - k} of the 10 neighbours changed by as much or more")
    # a neighbour the balanced sample leaves out (no figures before 2021) is said, beside a
    # glossary of 10 neighbours: "the 9 neighbours" alone read as a mistake
    short = _panel(effect=-4, sd=0.01)
    short = short[~((short["unit"] == short["unit"].unique()[-1]) & (short["year"] < 2021))]
    nine = did(short, "LA00", 2022, **ARGS)
    assert nine.placebo_rank == (9, 9)
    assert placebo_words(nine).startswith("It was larger than the change of each of the 9 neighbours with "
                                          "figures for every year (1 more lacks some or all) over the same years")
    cluster = did(pd.concat([_panel(), _panel(seed=9).assign(unit=lambda d: "B" + d["unit"])]),
                  ["LA00", "LA01", "LA02", "BLA00", "BLA01", "BLA02"], 2022, **ARGS)
    assert cluster.diagnostics["inference"] == "cluster" and cluster.placebo_rank is None
    assert placebo_words(cluster) == ""


def test_a_unit_far_noisier_than_its_comparators_gets_a_wider_interval():
    """Placebo inference takes the comparison units' chance variation for the treated
    unit's. A council of 14 children against neighbours of 200 swings far more, and its
    review called a change "worsened beyond noise" that its own past swings match."""
    rng = np.random.default_rng(11)
    rows = [{"unit": f"LA{u:02d}", "year": y,
             "value": 50 + 0.5 * (y - 2016) + rng.normal(0, 4.0 if u == 0 else 1.0) + (3 if u == 0 and y >= 2022 else 0)}
            for u in range(11) for y in range(2016, 2026)]
    res = did(pd.DataFrame(rows), "LA00", 2022, **ARGS)
    ratio = res.diagnostics["noise_ratio"]
    assert ratio >= 2
    plac = res.diagnostics["placebo_estimates"]
    assert res.diagnostics["se"] == pytest.approx(ratio * np.std(plac, ddof=1), rel=0.2)
    assert any(w.startswith("before the intervention the treated unit's figures swung") and
               f"widened {ratio:.1f} times" in w for w in res.warnings)
    # like noise: not widened, no warning
    same = did(_panel(effect=-4, sd=1.0), "LA00", 2022, **ARGS)
    assert same.diagnostics["noise_ratio"] < 2 and not any("swung" in w for w in same.warnings)


def test_no_effect_covers_zero_and_few_comparators_warn():
    res = did(_panel(seed=4, n_units=6), "LA00", 2022, **ARGS)
    assert res.ci[0] < 0 < res.ci[1]
    assert any("rank p-value cannot go below" in w for w in res.warnings)


def test_diverging_pre_trends_warn():
    res = did(_panel(trend_gap=1.0, sd=0.3, seed=2), "LA00", 2022, **ARGS)
    assert res.diagnostics["pretrend"] == pytest.approx(1.0, abs=0.2)
    assert any("pre-trends are not parallel" in w for w in res.warnings)


def test_a_pre_trend_too_noisy_to_test_but_big_enough_to_explain_the_effect_warns():
    """No effect injected, only a treated trend 0.4 a year steeper: the DiD estimate
    (+2.6) is mostly that trend run on. The pre-trend test cannot reject parallel
    trends (p = 0.11), yet carried on the trend alone gives at least half the effect,
    so the result must say the effect may be an existing trend."""
    res = did(_panel(trend_gap=0.4, sd=1.2, seed=6), "LA00", 2022, **ARGS)
    d = res.diagnostics
    assert d["pretrend_p"] >= 0.10 and not any("not parallel" in w for w in res.warnings)
    carried = d["pretrend"] * (4 + 1) / 2                       # 4 periods after the change
    assert abs(carried) >= 0.5 * abs(res.estimate)
    assert any("already moving" in w and "existing trend" in w for w in res.warnings)
    # the warning says how much of the effect the trend would give: half, or all of it
    share = "as much as the whole" if abs(carried) >= abs(res.estimate) else "at least half of the"
    assert any(f"{share} estimated effect" in w for w in res.warnings)
    # with no pre-trend at all, no such warning
    flat = did(_panel(trend_gap=0.0, sd=1.2, seed=6, effect=3.0), "LA00", 2022, **ARGS)
    assert not any("already moving" in w for w in flat.warnings)


def test_cluster_inference_with_many_treated_units():
    p = _panel(n_units=60, effect=0, seed=5)
    treated = [f"LA{u:02d}" for u in range(30)]
    p.loc[p["unit"].isin(treated) & (p["year"] >= 2022), "value"] += 2.0
    res = did(p, treated, 2022, **ARGS)
    assert res.diagnostics["inference"] == "cluster"
    assert res.diagnostics["n_treated"] == 30
    assert res.ci[0] < 2.0 < res.ci[1]
    assert "clustered by unit (60 clusters)" in res.method


def test_balanced_sample_is_explicit():
    p = _panel()
    p = p[~((p["unit"] == "LA03") & (p["year"] == 2018))]
    res = did(p, "LA00", 2022, **ARGS)
    s = res.sample.set_index("unit")
    assert not s.loc["LA03", "used"] and s.loc["LA03", "reason"] == "not observed in every period"
    assert res.diagnostics["n_comparators"] == 9
    res_all = did(p, "LA00", 2022, sample="all", **ARGS)
    assert res_all.diagnostics["n_comparators"] == 10


@pytest.mark.parametrize("kwargs,match", [
    (dict(treated="LA99", intervention=2022), "not in column"),
    (dict(treated="LA00", intervention=2030), "must fall inside"),
    (dict(treated="LA00", intervention=2022, sample="some"), "balanced"),
    (dict(treated="LA00", intervention=2022, inference="bootstrap"), "inference is"),
])
def test_user_mistakes(kwargs, match):
    with pytest.raises(ValueError, match=match) as err:
        did(_panel(), **kwargs, **ARGS)
    assert "\n" not in str(err.value)


def test_tidy_frame_against_statistical_neighbours(indicators):
    res = did(indicators, "884", 2022, measure="care_leavers_eet_19_21", comparators="statistical_neighbours")
    used = res.sample[res.sample["used"]]
    assert (used["role"] == "treated").sum() == 1 and 8 <= (used["role"] == "comparison").sum() <= 10
    assert res.diagnostics["inference"] == "placebo"
    assert "would usually not be told from noise" in res.summary()
    assert res.diagnostics["n_pre"] + res.diagnostics["n_post"] == 10


def test_charts_draw_the_result():
    res = did(_panel(effect=-4, sd=0.3), "LA00", 2022, **ARGS)
    fig = plots.did_chart(res)
    lines = {l.get_label(): l for l in fig.axes[0].get_lines()}
    np.testing.assert_allclose(lines["Treated"].get_data()[1], res.series["treated"])
    cf = res.series["counterfactual"].dropna()
    np.testing.assert_allclose(lines["Treated if it had followed the comparators"].get_data()[1], cf)
    fig2 = plots.event_study_chart(res)
    ax = fig2.axes[0]
    drawn = np.concatenate([np.asarray(l.get_data()[1], dtype=float) for l in ax.get_lines()
                            if l.get_marker() in ("s", "o")])
    es = res.table[res.table["relative_period"].notna()]
    np.testing.assert_allclose(np.sort(drawn), np.sort(es["estimate"].to_numpy(dtype=float)))
    assert "event-study" in fig2.alt_text.lower()


def test_one_period_after_still_shows_the_counterfactual_and_long_titles_fit_the_figure():
    import io
    import re

    res = did(_panel(effect=-4, sd=0.3), "LA00", 2025, **ARGS)
    title = "3+ placements in the year: no detectable change against the statistical neighbours"
    fig = plots.did_chart(res, title=title)
    cf = {l.get_label(): l for l in fig.axes[0].get_lines()}["Treated if it had followed the comparators"]
    assert len(cf.get_xdata()) == 1 and cf.get_marker() == "o"     # a point, not an empty line
    shown = fig.axes[0].get_title(loc="left")
    assert shown.count("\n") == 1 and shown.replace("\n", " ") == title       # wrapped, not cut
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    width_pt = float(re.search(r'width="([0-9.]+)pt"', buf.getvalue()).group(1))
    assert width_pt <= fig.get_figwidth() * 72                     # the title did not widen it
    assert fits_canvas(fig)                                         # nor is it cut off


def test_tidy_frame_takes_la_names_as_well_as_numbers(indicators):
    """Users type 'Herefordshire', not 884; both give the same analysis."""
    by_code = did(indicators, "884", 2022, measure="cla_3plus_placements", comparators="statistical_neighbours")
    by_name = did(indicators, "Herefordshire", 2022, measure="cla_3plus_placements",
                  comparators="statistical_neighbours")
    assert by_name.estimate == by_code.estimate and by_name.ci == by_code.ci
    assert set(by_name.sample.loc[by_name.sample["used"], "unit"]) == set(by_code.sample.loc[by_code.sample["used"], "unit"])
    with pytest.raises(ValueError, match="not an LA DfE publishes"):
        did(indicators, "Atlantis", 2022, measure="cla_3plus_placements")


def test_warnings_name_the_councils_left_out(indicators):
    # Westmorland and Furness (943), a 2025 neighbour of Herefordshire, was created in
    # April 2023: a reader is told its name, not just "943", and that its earlier years
    # are missing because it did not exist, not because they were suppressed
    res = did(indicators, "884", 2025, measure="cla_rate_per_10k", comparators="statistical_neighbours")
    text = " | ".join(res.warnings)
    assert ("formed in a reorganisation, so with no figures for earlier years: Westmorland and Furness (943) "
            "before 2024 (the council did not exist; these are not missing figures)") in text
    assert "suppressed or not available (Westmorland" not in text
    assert "left out of the analysis sample (balanced): Westmorland and Furness (943)" in text


def test_reference_last_does_not_credit_a_fall_already_under_way():
    # the treated unit falls by 1 a year from the start; 12 comparators are flat with
    # noise. Against the mean of every year before, the years after look 3 lower (an
    # "effect" that is only the old trend); against the last year before, 1.5 lower.
    rng = np.random.default_rng(3)
    rows = []
    for u in range(13):
        for t in range(6):
            y = 10.0 - t if u == 0 else 5.0 + rng.normal(0, 0.3)
            rows.append({"unit": f"u{u}", "time": 2020 + t, "y": y})
    df = pd.DataFrame(rows)
    mean = did(df, "u0", 2024, outcome="y", unit="unit")
    last = did(df, "u0", 2024, outcome="y", unit="unit", reference="last")
    comp = df[df["unit"] != "u0"].groupby("time")["y"].mean()
    by_hand = (5.5 - 7.0) - (comp.loc[[2024, 2025]].mean() - comp.loc[2023])
    assert last.estimate == pytest.approx(by_hand, abs=1e-9)
    by_hand_mean = (5.5 - 8.5) - (comp.loc[[2024, 2025]].mean() - comp.loc[2020:2023].mean())
    assert mean.estimate == pytest.approx(by_hand_mean, abs=1e-9)
    assert last.diagnostics["reference_period"] == 2023 and mean.diagnostics["reference_period"] is None
    assert "against 2023" in last.method
    # the counterfactual on the chart starts from the last year's gap
    s = last.series.set_index("time")
    assert s.loc[2024, "counterfactual"] == pytest.approx(s.loc[2024, "comparison"] + 7.0 - comp.loc[2023])
    # the earlier years still test the pre-trends: the steady fall is flagged
    assert last.diagnostics["pretrend_p"] is not None and last.diagnostics["pretrend_p"] < 0.05
    with pytest.raises(ValueError, match="reference"):
        did(df, "u0", 2024, outcome="y", unit="unit", reference="first")


def _rising_then_dropping(seed):
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(12):
        for t in range(8):
            y = ((0.4 * t if t < 5 else 0.4 * 4 - 0.6) if u == 0 else 0.0) + rng.normal(0, 0.6)
            rows.append({"unit": f"u{u}", "time": 2016 + t, "y": y})
    return did(pd.DataFrame(rows), "u0", 2021, outcome="y", unit="unit")


def test_an_existing_trend_is_blamed_only_when_it_runs_the_way_of_the_effect():
    # seed 27: rising before (+0.28 a year, p 0.25), effect below 0: a trend carried on
    # would have pushed the other way, so it cannot explain the effect
    r = _rising_then_dropping(27)
    assert r.estimate < 0 < r.diagnostics["pretrend"] and r.diagnostics["pretrend_p"] >= 0.10
    assert not any("existing trend" in w for w in r.warnings)
    # seed 29: rising before, effect above 0: the trend may be all there is, said of one council
    r = _rising_then_dropping(29)
    assert r.estimate > 0 and r.diagnostics["pretrend"] > 0 and r.diagnostics["pretrend_p"] >= 0.10
    assert any(w.startswith("the treated unit was already moving") and "existing trend" in w for w in r.warnings)


def _late_turn(drop_before: float, seed: int = 5):
    """12 flat comparators with noise; the treated unit level for 6 years, then
    ``drop_before`` lower in the baseline year (2023) and 10 lower still after."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(13):
        for t in range(9):
            year = 2017 + t
            y = 50.0 + rng.normal(0, 0.3)
            if u == 0:
                y = 60.0 - (drop_before if year >= 2023 else 0.0) - (10.0 if year >= 2024 else 0.0)
            rows.append({"unit": f"u{u}", "time": year, "y": y})
    return did(pd.DataFrame(rows), "u0", 2024, outcome="y", unit="unit", reference="last")


def test_a_change_that_began_the_year_before_the_baseline_is_named():
    """A fall that starts one year before the baseline is invisible to the linear
    pre-trend test (six level years, one step) and not subtracted with the baseline year
    as the reference: the result says it was already under way. Herefordshire's CLA rate
    fell 8.8 against its neighbours from 2023 to 2024, then 13.6 after the 2024 baseline."""
    r = _late_turn(drop_before=8.0)
    assert r.estimate == pytest.approx(-10.0, abs=0.5)
    assert r.diagnostics["recent_change"] == pytest.approx(-8.0, abs=0.5)
    assert any(w.startswith("already under way") and "the same way as the effect" in w for w in r.warnings)
    # a step the other way, or too small to matter beside the effect, is not named
    for drop in (-8.0, 2.0):
        r = _late_turn(drop_before=drop)
        assert not any(w.startswith("already under way") for w in r.warnings)


def test_a_council_formed_in_2019_is_not_called_suppressed_for_its_earlier_years(indicators):
    """Dorset (838), formed April 2019, was listed as 'suppressed or not available' for 2016-19."""
    res = did(indicators, "884", 2022, measure="cla_3plus_placements", comparators=["838", "893", "919", "885", "860", "865"])
    text = " | ".join(res.warnings)
    assert "Dorset (838) before 2020" in text and "suppressed or not available (Dorset" not in text


def test_a_treated_council_missing_a_year_is_named_with_the_way_round_it(indicators):
    """Rutland's 2020 EET figure is suppressed, so the balanced sample dropped it and the
    error said "0 treated and 10 comparison units ... check sample= and the comparators"."""
    with pytest.raises(ValueError, match=r"did: Rutland \(857\) has no figure for 2020 \(suppressed or not "
                                         r"available\).*pass sample='all'"):
        did(indicators, "Rutland", 2023, measure="care_leavers_eet_19_21", comparators="statistical_neighbours")
    res = did(indicators, "Rutland", 2023, measure="care_leavers_eet_19_21", comparators="statistical_neighbours",
              sample="all")
    assert res.diagnostics["n_treated"] == 1


def test_warnings_round_an_effect_as_the_verdict_does():
    """Herefordshire's Attainment 8 gap: an effect of -3.7499999999999 (a float's -3.75)
    read "-3.8 points" in the verdict and "the same way as the effect (-3.7)" in its
    warning, which used Python's +.2g (virtual school head's review)."""
    from evaltools.sdc import signed
    from evaltools.stats.diffindiff import _signed
    assert _signed(-3.7499999999999) == signed(-3.7499999999999) == "-3.8"
    assert (_signed(2.25), _signed(-13.6), _signed(1.25, 3), _signed(0.0123)) == ("+2.3", "-14", "+1.25", "+0.012")
