"""Synthetic control: the weight solver, known answers, placebo inference, warnings,
errors, the tidy indicator frame path and the charts' numbers."""

from __future__ import annotations

import math
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from evaltools.errors import SchemaError  # noqa: E402
from evaltools.plots.synth import synth_chart, synth_placebo_chart  # noqa: E402
from evaltools.stats.synth import placebo_p_value, simplex_weights, synthetic_control  # noqa: E402

YEARS = list(range(2016, 2026))           # ten annual periods; the change starts in 2021


def _panel(n_donors=24, seed=0, years=YEARS, noise=0.0, effect=0.0, start=2021,
           true_w=(0.5, 0.3, 0.2)):
    """Long unit/year/y table: donors D01..Dnn are random walks around different levels;
    T is an exact convex combination of D01..D03 (plus noise) with ``effect`` added
    from ``start``."""
    rng = np.random.default_rng(seed)
    T = len(years)
    donors = 8 + rng.uniform(0, 8, n_donors)[None, :] + rng.normal(0, 0.6, (T, n_donors)).cumsum(0)
    treated = donors[:, :len(true_w)] @ np.array(true_w) + rng.normal(0, noise, T)
    treated = treated + effect * (np.array(years) >= start)
    rows = [(f"D{j + 1:02d}", y, donors[i, j]) for i, y in enumerate(years) for j in range(n_donors)]
    rows += [("T", y, treated[i]) for i, y in enumerate(years)]
    return pd.DataFrame(rows, columns=["la", "year", "y"])


ARGS = dict(unit="la", time="year", outcome="y")


# ------------------------------------------------------------------- the weight solver

@settings(max_examples=40, deadline=None)
@given(T=st.integers(2, 12), J=st.integers(2, 40), seed=st.integers(0, 10_000))
def test_simplex_weights_are_on_the_simplex_and_optimal(T, J, seed):
    """Non-negative, sum to 1, and satisfy the KKT conditions of the constrained least
    squares problem: the gradient is equal on the chosen donors and no smaller off them."""
    rng = np.random.default_rng(seed)
    A = rng.normal(10, 3, (T, J)).cumsum(0)
    b = rng.normal(10, 3, T).cumsum(0)
    w = simplex_weights(A, b)
    assert (w >= 0).all() and w.sum() == pytest.approx(1, abs=1e-12)
    g = 2 * A.T @ (A @ w - b)
    on = w > 1e-9
    lam = g[on].mean()
    scale = 1 + np.abs(g).max()
    assert np.all(np.abs(g[on] - lam) <= 1e-5 * scale)
    assert np.all(g[~on] >= lam - 1e-5 * scale)


def test_exact_convex_combination_recovers_weights_and_zero_gap():
    res = synthetic_control(_panel(n_donors=6), "T", 2021, **ARGS, placebos=False)
    w = res.weights
    assert w[["D01", "D02", "D03"]].to_numpy() == pytest.approx([0.5, 0.3, 0.2], abs=1e-6)
    assert w.drop(["D01", "D02", "D03"]).abs().max() < 1e-6
    assert np.abs(res.series["gap"]).max() < 1e-6
    assert res.estimate == pytest.approx(0, abs=1e-6)
    assert res.diagnostics["pre_rmspe"] < 1e-6
    assert list(res.table.columns) == ["unit", "name", "weight"]
    assert res.table["unit"].iloc[:3].tolist() == ["D01", "D02", "D03"]
    assert math.isnan(res.ci[0]) and math.isnan(res.ci[1]) and res.p_value is None


LONG = list(range(2006, 2026))            # 15 pre-periods: more than enough to stop over-fitting


def test_injected_effect_is_recovered_and_ranks_first():
    res = synthetic_control(_panel(n_donors=24, effect=-3.0, noise=0.05, years=LONG), "T", 2021, **ARGS)
    assert res.estimate == pytest.approx(-3.0, abs=0.15)
    post = res.series[res.series["post"]]
    assert post["gap"].to_numpy() == pytest.approx(np.full(5, -3.0), abs=0.3)
    d = res.diagnostics
    assert d["p_value_statistic"] == "post/pre MSPE ratio" and d["n_placebos_exact_fit"] == 0
    assert d["rank"] == 1 and res.p_value == pytest.approx(1 / 25)
    assert d["n_placebos"] == 24 and d["n_pre"] == 15 and d["n_post"] == 5
    assert d["mspe_ratio"] == pytest.approx(d["post_mspe"] / d["pre_mspe"])
    assert d["pre_rmspe"] == pytest.approx(math.sqrt(d["pre_mspe"]))
    # the placebo table: treated first, one row per donor, ranks consistent with ratios
    plc = res.placebos
    assert plc["unit"].iloc[0] == "T" and not plc["placebo"].iloc[0] and len(plc) == 25
    assert plc.sort_values("ratio", ascending=False)["rank"].is_monotonic_increasing
    # placebo gaps are in the series, one column per donor, pre-period gaps small
    cols = [c for c in res.series.columns if c.startswith("placebo_gap:")]
    assert len(cols) == 24
    # excluding poorly fitting placebos never makes the p-value smaller than 1 / (kept + 1)
    assert d["p_value_excl_5x"] == pytest.approx(1 / (d["n_placebos_kept_5x"] + 1))
    assert placebo_p_value(res, exclude=5) == d["p_value_excl_5x"]
    assert "No confidence interval" in res.summary() and "p = 0.04" in res.summary()
    assert res.to_frame()["p_value"].iloc[0] == res.p_value


def test_no_effect_gives_unremarkable_p_value():
    res = synthetic_control(_panel(n_donors=30, noise=0.6, seed=4), "T", 2021, **ARGS)
    assert abs(res.estimate) < 1.5
    assert res.p_value > 0.1


def test_placebo_p_value_counts_ties_and_exclusions():
    table = pd.DataFrame({"unit": ["T", "A", "B", "C", "D"], "placebo": [False, True, True, True, True],
                          "ratio": [10.0, 10.0, 30.0, 2.0, 50.0], "att": [-2.0, 1.0, 2.5, -3.0, 0.5],
                          "pre_mspe_multiple": [1.0, 1.0, 8.0, 1.0, 30.0]})
    assert placebo_p_value(table) == pytest.approx(4 / 5)              # T, A (tie), B, D
    assert placebo_p_value(table, exclude=5) == pytest.approx(2 / 3)   # T, A of T, A, C
    assert placebo_p_value(table, exclude=20) == pytest.approx(3 / 4)
    assert placebo_p_value(table, statistic="gap") == pytest.approx(3 / 5)   # |att|: T, B, C
    with pytest.raises(ValueError, match="must be 'ratio' or 'gap'"):
        placebo_p_value(table, statistic="rmspe")


def test_over_fitting_with_many_donors_and_few_pre_periods_is_flagged():
    """150 donors, 5 pre-periods: the treated series (noise included) is matched exactly,
    so the MSPE ratio divides by about 0; the p-value ranks the mean gap instead."""
    res = synthetic_control(_panel(n_donors=150, noise=0.3, seed=7, effect=-2), "T", 2021, **ARGS)
    d = res.diagnostics
    assert d["treated_exact_fit"] and d["pre_rmspe"] < 1e-6
    assert d["p_value_statistic"] == "mean post-period gap"
    assert res.p_value == d["p_value_gap"] == pytest.approx((d["rank"]) / 151)
    assert d["n_placebos_exact_fit"] > 75
    assert any("matched exactly (RMSPE about 0)" in w and "over-fitting" in w for w in res.warnings)
    assert "mean post-period gap ranks" in res.summary()
    # "5 times worse than an exact fit" means nothing: no exclusion, in numbers or chart
    assert math.isnan(d["p_value_excl_5x"])
    fig = synth_placebo_chart(res)
    grey = [ln for ln in fig.axes[0].lines if ln.get_color() == "#999999" and ln.get_linewidth() < 1]
    assert len(grey) == 150
    plt.close(fig)


# ------------------------------------------------------------------------ warnings

def test_warning_few_donors_says_the_smallest_p_value():
    res = synthetic_control(_panel(n_donors=10, effect=-3), "T", 2021, **ARGS)
    assert res.diagnostics["smallest_possible_p"] == pytest.approx(1 / 11)
    assert any("with 10 donors the smallest possible placebo p-value is 0.091" in w
               and "never be significant at 5%" in w for w in res.warnings)


def test_warning_few_pre_periods():
    res = synthetic_control(_panel(n_donors=20), "T", 2019, **ARGS, placebos=False)
    assert res.diagnostics["n_pre"] == 3
    assert any("only 3 period(s) before the change: fewer than 5" in w for w in res.warnings)


def test_warning_poor_fit_and_outside_donor_range():
    df = _panel(n_donors=20)
    df.loc[df["la"] == "T", "y"] += 30 + np.arange(10) * 0.0     # far above every donor
    res = synthetic_control(df, "T", 2021, **ARGS, placebos=False)
    text = " ".join(res.warnings)
    assert "poor pre-period fit" in text
    assert "above every donor in 5 of 5 pre-periods" in text
    assert res.diagnostics["n_pre_outside_donor_range"] == 5


def test_warning_weight_concentrated_on_one_donor():
    res = synthetic_control(_panel(n_donors=12, true_w=(1.0,)), "T", 2021, **ARGS, placebos=False)
    assert res.weights["D01"] == pytest.approx(1.0, abs=1e-6)
    assert any("is 100% D01" in w for w in res.warnings)
    assert res.diagnostics["effective_donors"] == pytest.approx(1.0, abs=1e-5)


def test_donors_with_missing_periods_are_dropped_and_named():
    df = _panel(n_donors=12)
    df = df[~((df["la"] == "D05") & (df["year"] == 2018))]                 # row missing
    df.loc[(df["la"] == "D07") & (df["year"] == 2024), "y"] = np.nan        # value missing
    res = synthetic_control(df, "T", 2021, **ARGS, placebos=False)
    assert res.diagnostics["n_donors"] == 10
    assert "D05" not in res.weights.index and "D07" not in res.weights.index
    assert any("2 donor(s) left out because they lack a value" in w and "D05" in w and "D07" in w
               for w in res.warnings)


def test_treated_missing_period_is_left_out_of_fit_and_average():
    df = _panel(n_donors=12, effect=-2)
    df.loc[(df["la"] == "T") & (df["year"] == 2023), "y"] = np.nan
    res = synthetic_control(df, "T", 2021, **ARGS, placebos=False)
    assert res.diagnostics["n_post"] == 4
    assert res.estimate == pytest.approx(-2, abs=1e-6)
    assert any("T has no value for 2023" in w for w in res.warnings)


# -------------------------------------------------------------------------- errors

@pytest.mark.parametrize("kwargs, message", [
    (dict(treated="Nowhere"), "treated unit 'Nowhere' is not in the data"),
    (dict(intervention=2030), "after the last period"),
    (dict(intervention=2016), "no pre-intervention periods"),
    (dict(intervention="2021"), "cannot be compared with the time values"),
    (dict(donors=["T", "D01"]), "includes the treated unit"),
    (dict(donors=["D01", "D99"]), "donor 'D99' is not in the data"),
    (dict(donors=["D01"]), "only 1 usable donor"),
    (dict(weights={"D01": 0.5, "D02": 0.2}), "add up to 0.7, not 1"),
    (dict(weights={"D01": 1.2, "D02": -0.2}), "must be non-negative"),
    (dict(predictors=[("y", [2022])]), "on or after the intervention"),
    (dict(predictors=["income"]), "predictor column 'income' is not in the data"),
    (dict(predictors=[("y", [2017], "mode")]), "aggregation 'mode'"),
    (dict(outcome="rate"), "column(s) rate not in the data"),
    (dict(level=95), "level must be between 0 and 1"),
])
def test_bad_input_raises_one_clear_line(kwargs, message):
    args = dict(data=_panel(n_donors=6), treated="T", intervention=2021, **ARGS)
    args.update(kwargs)
    with pytest.raises(ValueError) as err:
        synthetic_control(**args)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_treated_without_pre_period_values_is_an_error():
    df = _panel(n_donors=6)
    df = df[~((df["la"] == "T") & (df["year"] < 2021))]
    with pytest.raises(ValueError, match="no outcome value before 2021"):
        synthetic_control(df, "T", 2021, **ARGS)


def test_duplicate_rows_are_an_error():
    df = _panel(n_donors=6)
    with pytest.raises(ValueError, match="more than one row for unit"):
        synthetic_control(pd.concat([df, df.iloc[:1]]), "T", 2021, **ARGS)


# ------------------------------------------------------------ the tidy indicator frame

LAS = [("202", "Camden"), ("203", "Greenwich"), ("204", "Hackney"), ("205", "Hammersmith and Fulham"),
       ("206", "Islington"), ("207", "Kensington and Chelsea"), ("208", "Lambeth"), ("209", "Lewisham"),
       ("210", "Southwark"), ("211", "Tower Hamlets"), ("212", "Wandsworth"), ("213", "Westminster"),
       ("301", "Barking and Dagenham"), ("302", "Barnet"), ("303", "Bexley"), ("304", "Brent"),
       ("305", "Bromley"), ("306", "Croydon"), ("307", "Ealing"), ("308", "Enfield"), ("309", "Haringey"),
       ("310", "Harrow"), ("311", "Havering"), ("312", "Hillingdon")]


def _tidy(effect=-4.0, seed=2):
    """3+ placements (% of children looked after) for 24 London LAs, 2016-2025;
    Camden (202) is 0.4 Greenwich + 0.35 Hackney + 0.25 Islington, 4 points lower
    from 2021; Lambeth's 2019 figure is suppressed."""
    rng = np.random.default_rng(seed)
    vals = 10 + rng.uniform(-3, 3, len(LAS))[None, :] + rng.normal(0, 0.5, (10, len(LAS))).cumsum(0)
    vals[:, 0] = vals[:, [1, 2, 4]] @ np.array([0.4, 0.35, 0.25]) + effect * (np.array(YEARS) >= 2021)
    rows = []
    for i, y in enumerate(YEARS):
        for j, (code, name) in enumerate(LAS):
            den = 300 + 10 * j
            status = "c" if (code == "208" and y == 2019) else "ok"
            v = vals[i, j] if status == "ok" else np.nan
            rows.append(dict(area_code=code, area_name=name, ons_code="", geographic_level="Local authority",
                             period=y, measure="cla_3plus_placements", numerator=np.nan, denominator=den,
                             value=v, status=status, source="test"))
    return pd.DataFrame(rows)


def test_tidy_indicator_frame_by_name_with_suppressed_donor():
    res = synthetic_control(_tidy(), "Camden", 2021)
    assert res.treated == "202" and res.treated_name == "Camden"
    assert res.estimate == pytest.approx(-4.0, abs=1e-6)
    assert res.weights[["203", "204", "206"]].to_numpy() == pytest.approx([0.4, 0.35, 0.25], abs=1e-6)
    assert "208" not in res.weights.index
    text = " ".join(res.warnings)
    assert "1 figure(s) were suppressed or unavailable and left out, not read as 0: 208 2019 (c)" in text
    assert "1 donor(s) left out because they lack a value in a period used: Lambeth" in text
    assert res.measure_unit == "percent" and res.outcome_name == "3+ placements in the year"
    assert res.table.loc[0, "name"] == "Greenwich"
    assert "Weights: Greenwich 0.400, Hackney 0.350, Islington 0.250" in res.summary()


def test_tidy_frame_with_statistical_neighbours_and_codes():
    res = synthetic_control(_tidy(), 202, 2021, donors=["203", "Hackney", "206", "209", "210"], placebos=True)
    assert sorted(res.weights.index) == ["203", "204", "206", "209", "210"]
    assert res.diagnostics["n_placebos"] == 5
    assert res.p_value >= 1 / 6


def test_tidy_frame_without_the_area_is_a_schema_error():
    with pytest.raises(SchemaError):
        synthetic_control(_tidy(), "202", 2021, donors=["999"])


def test_predictors_give_balance_table_and_v_on_the_simplex():
    res = synthetic_control(_tidy(effect=0), "202", 2021, placebos=False,
                            predictors=[("value", [2016]), ("value", [2018]), ("value", [2020]), "denominator"])
    bal = res.balance
    assert list(bal.index) == ["value 2016", "value 2018", "value 2020", "denominator 2016-2020"]
    assert list(bal.columns) == ["treated", "synthetic", "donor_mean", "v"]
    assert res.v.sum() == pytest.approx(1) and (res.v >= 0).all()
    assert bal.loc["denominator 2016-2020", "treated"] == 300
    assert res.weights.sum() == pytest.approx(1) and (res.weights >= 0).all()
    assert bal["synthetic"].to_numpy() == pytest.approx(
        res.weights.to_numpy() @ _pred_matrix(res, bal.index), rel=1e-9)


def _pred_matrix(res, labels):
    df = _tidy(effect=0).set_index(["area_code", "period"])
    cols = []
    for u in res.weights.index:
        cols.append([df.loc[(u, 2016), "value"], df.loc[(u, 2018), "value"], df.loc[(u, 2020), "value"],
                     np.mean([df.loc[(u, y), "denominator"] for y in range(2016, 2021)])])
    return np.array(cols)


def test_given_weights_are_used_as_given_and_placebos_fitted():
    res = synthetic_control(_panel(n_donors=8, effect=-1), "T", 2021, **ARGS,
                            weights={"D01": 0.5, "D02": 0.3, "D03": 0.2})
    assert res.estimate == pytest.approx(-1, abs=1e-9)
    assert res.diagnostics["weights_source"] == "given"
    assert any("each placebo's weights are fitted" in n for n in res.diagnostics["notes"])


# ----------------------------------------------------------------------- performance

def test_150_donors_10_periods_with_placebos_is_fast():
    t0 = time.perf_counter()
    res = synthetic_control(_panel(n_donors=150, noise=0.3, seed=7), "T", 2021, **ARGS)
    elapsed = time.perf_counter() - t0
    assert res.diagnostics["n_placebos"] == 150
    assert elapsed < 5, f"{elapsed:.1f}s"      # measured 0.05-0.1 s on the 2-CPU dev machine


# ---------------------------------------------------------------------------- charts

def test_synth_chart_numbers():
    res = synthetic_control(_panel(n_donors=12, effect=-3), "T", 2021, **ARGS)
    fig = synth_chart(res)
    ax = fig.axes[0]
    treated, synthetic = ax.lines[0], ax.lines[1]
    assert treated.get_xdata().tolist() == YEARS
    assert treated.get_ydata() == pytest.approx(res.series["treated"].to_numpy())
    assert synthetic.get_ydata() == pytest.approx(res.series["synthetic"].to_numpy())
    assert synthetic.get_linestyle() == "--" and treated.get_marker() == "o" and synthetic.get_marker() == "s"
    vline = ax.lines[2]
    assert list(vline.get_xdata()) == [2021, 2021]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["T", "Synthetic T"]
    assert "Synthetic T = 50% D01 + 30% D02 + 20% D03" in [t.get_text() for t in ax.texts]
    assert fig.alt_text.startswith("Line chart of y for T") and "3 below" in fig.alt_text
    plt.close(fig)


def test_synth_placebo_chart_numbers_and_exclusion():
    res = synthetic_control(_panel(n_donors=12, effect=-3, noise=0.2, seed=3, years=LONG), "T", 2021, **ARGS)
    assert not res.diagnostics["treated_exact_fit"]
    plc = res.placebos[res.placebos["placebo"]]
    fig = synth_placebo_chart(res, exclude=None)
    ax = fig.axes[0]
    grey = [ln for ln in ax.lines if ln.get_color() == "#999999" and ln.get_linewidth() < 1]
    assert len(grey) == 12
    first = plc["unit"].iloc[0]
    assert grey[0].get_ydata() == pytest.approx(res.series[f"placebo_gap:{first}"].to_numpy())
    bold = [ln for ln in ax.lines if ln.get_label() == "T"][0]
    assert bold.get_ydata() == pytest.approx(res.series["gap"].to_numpy())
    zero = [ln for ln in ax.lines if ln.get_label() == "No gap"][0]
    assert list(zero.get_ydata()) == [0, 0]
    plt.close(fig)
    fig = synth_placebo_chart(res, exclude=1)          # hide those fitted worse than T
    kept = int((plc["pre_mspe_multiple"] <= 1).sum())
    grey = [ln for ln in fig.axes[0].lines if ln.get_color() == "#999999" and ln.get_linewidth() < 1]
    assert len(grey) == kept < 12
    assert f"against {kept} area" in fig.axes[0].get_title(loc="left")
    assert f"{12 - kept} area(s) not shown" in " ".join(fig.texts[0].get_text().split())
    assert fig.alt_text and "placebo areas" in fig.alt_text
    plt.close(fig)


def test_placebo_chart_needs_placebos():
    res = synthetic_control(_panel(n_donors=6), "T", 2021, **ARGS, placebos=False)
    with pytest.raises(ValueError, match="no placebo runs"):
        synth_placebo_chart(res)


def test_tidy_frame_with_statistical_neighbours_as_donors_and_an_la_name(indicators):
    """The same words as did(): donors="statistical_neighbours", the LA by name."""
    from evaltools import comparators
    res = synthetic_control(indicators, "Herefordshire", 2022, measure="cla_3plus_placements",
                            donors="statistical_neighbours")
    sn = set(comparators.comparator_codes("884", int(indicators["period"].max()), "statistical_neighbours"))
    assert str(res.treated) == "884"
    pool = set(res.weights.index.astype(str))
    assert pool <= sn and len(pool) >= 8                  # neighbours with a full series
    assert res.weights.sum() == pytest.approx(1.0)
