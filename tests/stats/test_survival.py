"""Survival analysis: Kaplan-Meier with left truncation, R's median rule, log-rank,
Cox with the proportional-hazards check, the SSDA903 placement adapter and the chart.

Reference reproductions (lung, rossi) are in tests/reference/test_survival.py."""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from evaltools.errors import SchemaError  # noqa: E402
from evaltools.paths import data_dir  # noqa: E402
from evaltools.plots import hazard_ratio_chart  # noqa: E402

from ..conftest import fits_canvas  # noqa: E402
from evaltools.plots.survival import km_chart  # noqa: E402
from evaltools.stats import survival as sv  # noqa: E402

Z = 1.959963984540054

# a hand-worked left-truncated sample: (entry, time, event); at risk at t if entry < t <= time
#   t=2: A B D E at risk (C enters at 3), A ends        -> n 4, d 1, S = 3/4
#   t=3: B D E at risk,                     E ends        -> n 3, d 1, S = 1/2
#   t=5: C D at risk (B censored at 4),     C ends        -> n 2, d 1, S = 1/4
#   t=6: D alone,                           D ends        -> n 1, d 1, S = 0
# Ignoring the late entries, C and D count as at risk from 0:
#   n = 5, 4, 2, 1 and S = 4/5, 3/5, 3/10, 0: every value too high.
HAND = pd.DataFrame({"id": list("ABCDE"), "entry": [0, 0, 3, 1, 0], "time": [2, 4, 5, 6, 3],
                     "event": [1, 0, 1, 1, 1]})


def _curve(res, group=None):
    s = res.series
    s = s[s["group"].isna()] if group is None else s[s["group"] == group]
    return s[s["events"] > 0].reset_index(drop=True)


# ------------------------------------------------------------------ Kaplan-Meier
def test_left_truncation_reproduces_the_hand_worked_example():
    res = sv.kaplan_meier(HAND, duration="time", event="event", entry="entry")
    c = _curve(res)
    assert c["time"].tolist() == [2, 3, 5, 6]
    assert c["n_risk"].tolist() == [4, 3, 2, 1]
    np.testing.assert_allclose(c["survival"], [0.75, 0.5, 0.25, 0.0], atol=1e-12)
    # Greenwood se of log S at t=3: sqrt(1/(4*3) + 1/(3*2)) = 0.5; log interval
    lo, hi = 0.5 * math.exp(-Z * 0.5), min(1.0, 0.5 * math.exp(Z * 0.5))
    assert c.loc[1, "ci_low"] == pytest.approx(lo, abs=1e-12)
    assert c.loc[1, "ci_high"] == pytest.approx(hi, abs=1e-12)
    # the curve is flat at exactly 0.5 from 3 to 5: R's rule takes the midpoint
    assert res.estimate == 4.0
    assert res.diagnostics["left_truncated"]
    # at the origin only those who entered at 0 are at risk
    assert res.series["n_risk"].iat[0] == 3


def test_ignoring_left_truncation_biases_survival_upwards():
    naive = _curve(sv.kaplan_meier(HAND, duration="time", event="event"))
    np.testing.assert_allclose(naive["survival"], [0.8, 0.6, 0.3, 0.0], atol=1e-12)
    assert naive["n_risk"].tolist() == [5, 4, 2, 1]
    # on a simulated cohort: exponential durations (rate 0.1), seen only if they last past
    # a random entry time; with entry= the curve recovers exp(-0.1 t), without it the
    # short durations that were never seen make survival look far better
    rng = np.random.default_rng(7)
    t = rng.exponential(10, 20000)
    e = rng.uniform(0, 15, 20000)
    seen = t > e
    df = pd.DataFrame({"time": t[seen], "entry": e[seen], "event": 1})
    right = sv.kaplan_meier(df, duration="time", event="event", entry="entry", times=(5, 10))
    wrong = sv.kaplan_meier(df, duration="time", event="event", times=(5, 10))
    for t0 in (5, 10):
        truth = math.exp(-0.1 * t0)
        got = right.table[f"surv_{t0}"].iat[0]
        assert abs(got - truth) < 0.02
        assert right.table[f"surv_{t0}_low"].iat[0] < truth < right.table[f"surv_{t0}_high"].iat[0]
        assert wrong.table[f"surv_{t0}"].iat[0] > truth + 0.15


def test_greenwood_matches_statsmodels_and_the_three_interval_types():
    from statsmodels.duration.survfunc import SurvfuncRight
    rng = np.random.default_rng(3)
    t = np.round(rng.exponential(20, 80))
    ev = (rng.random(80) < 0.7).astype(int)
    sf = SurvfuncRight(t, ev)
    res = {ct: sv.kaplan_meier(duration=t, event=ev, conf_type=ct) for ct in sv.CONF_TYPES}
    c = _curve(res["log"])
    S, lo, hi = c["survival"].to_numpy(), c["ci_low"].to_numpy(), c["ci_high"].to_numpy()
    ok = S > 0
    se_log = np.log(S[ok] / lo[ok]) / Z               # recover se(log S) from the band
    np.testing.assert_allclose(S[ok] * se_log, np.asarray(sf.surv_prob_se)[ok], rtol=1e-9)
    np.testing.assert_allclose(hi[ok], np.minimum(S[ok] * np.exp(Z * se_log), 1), rtol=1e-9)
    p = _curve(res["plain"])
    np.testing.assert_allclose(p["ci_low"][ok], np.maximum(S[ok] - Z * S[ok] * se_log, 0), rtol=1e-9)
    ll = _curve(res["log-log"])
    m = ok & (S < 1)
    s2 = se_log[m[ok]] / np.abs(np.log(S[m]))
    np.testing.assert_allclose(ll["ci_low"][m], np.exp(-np.exp(np.log(-np.log(S[m])) + Z * s2)), rtol=1e-9)
    assert (ll["ci_low"][m] <= S[m]).all() and (ll["ci_high"][m] >= S[m]).all()


@pytest.mark.parametrize("time, event, median", [
    (np.arange(1, 11), np.ones(10), 5.5),        # S = 0.5 exactly on [5, 6): midpoint
    ([1, 2, 3, 4], [1, 1, 0, 0], 3.0),           # flat at 0.5 to the end (4): (2 + 4) / 2
    ([1, 2, 3, 4, 5], [1, 1, 1, 0, 0], 3.0),     # first time S <= 0.5
])
def test_median_follows_rs_quantile_rule(time, event, median):
    assert sv.kaplan_meier(duration=time, event=event).estimate == median


def test_survival_at_times_and_the_at_headline():
    res = sv.kaplan_meier(HAND, duration="time", event="event", entry="entry", times=(2.5, 5, 9), at=3)
    row = res.table.iloc[0]
    assert row["surv_2_5"] == pytest.approx(0.75) and row["surv_5"] == pytest.approx(0.25)
    assert row["n_risk_2_5"] == 3          # B, D, E (A ended at 2; C enters at 3)
    assert math.isnan(row["surv_9"])       # beyond the longest follow-up (6)
    assert any("cannot be estimated" in w for w in res.warnings)
    assert res.estimate == pytest.approx(50) and res.unit == "%"     # percent; the surv_ columns are 0-1
    assert res.label == "share without the event at 3 time units"
    assert res.to_frame()["estimate"].iat[0] == pytest.approx(50)


def test_groups_keep_categorical_order_and_summary_reads():
    df = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6, 7, 8], "e": [1, 1, 1, 0, 0, 1, 0, 0],
                       "g": pd.Categorical(list("bbbbaaaa"), categories=["b", "a"])})
    res = sv.kaplan_meier(df, duration="t", event="e", group="g", time_unit="months")
    assert res.table["group"].tolist() == ["b", "a"]
    assert res.estimate == res.table["median"].iat[0]
    text = res.summary()
    assert text.splitlines()[0].startswith("b: 4 subjects, 3 events; median 2.5 months")
    assert "a: 4 subjects, 1 event; median not reached" in text
    assert "only 3 events" in " ".join(res.warnings)
    f = res.to_frame()
    assert f["estimate"].iat[0] == res.estimate


def test_km_to_frame_has_one_row_per_group():
    df = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
                       "e": [1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0],
                       "g": ["x"] * 6 + ["y"] * 6})
    res = sv.kaplan_meier(df, duration="t", event="e", group="g", times=(3, 8), time_unit="months")
    f = res.to_frame()
    assert f["group"].tolist() == ["x", "y"]
    assert f["n"].tolist() == [6, 6] and f["events"].tolist() == [4, 2]
    assert f["censored"].tolist() == [2, 4]
    # x: S = 5/6 at 1, 2/3 at 2, (3 censored), 2/3 * 2/3 = 4/9 at 4: median 4
    # y: S = 5/6 at 7, (8, 9 censored), 5/6 * 2/3 = 5/9 at 10, then flat: median not reached
    assert f["median"].iat[0] == 4 and math.isnan(f["median"].iat[1])
    for c in ("median", "median_ci_low", "median_ci_high", "surv_3", "surv_3_low", "surv_3_high",
              "n_risk_3", "surv_8", "n_risk_8", "max_followup"):
        np.testing.assert_array_equal(f[c].to_numpy(float), res.table[c].to_numpy(float), err_msg=c)
    assert f["surv_3"].tolist() == pytest.approx([4 / 6, 1.0])
    assert f["surv_8"].iat[0] != f["surv_8"].iat[0] and f["surv_8"].iat[1] == pytest.approx(5 / 6)
    assert f["n_risk_8"].tolist() == [0, 5]
    # the first row keeps the one-row frame's columns and headline
    np.testing.assert_array_equal([f["estimate"].iat[0], f["ci_low"].iat[0], f["ci_high"].iat[0]],
                                  [res.estimate, *res.ci])
    np.testing.assert_array_equal(f["estimate"], res.table["median"])
    assert f["label"].tolist() == ["median time to the event, x", "median time to the event, y"]
    assert (f["method"] == res.method).all() and (f["unit"] == "months").all()
    assert {"level", "p_value", "conf_type", "left_truncated"} <= set(f.columns)
    # each row carries its own group's warnings, not the other's
    assert "y: the median was not reached" in f["warnings"].iat[1]
    assert "y:" not in f["warnings"].iat[0] and "x:" not in f["warnings"].iat[1]
    assert "x: only 4 events" in f["warnings"].iat[0]
    # a user label is kept on every row; one curve gives one row
    lab = sv.kaplan_meier(df, duration="t", event="e", group="g", label="Time to a move").to_frame()
    assert lab["label"].tolist() == ["Time to a move"] * 2
    one = sv.kaplan_meier(df, duration="t", event="e").to_frame()
    assert len(one) == 1 and one["n"].iat[0] == 12 and one["events"].iat[0] == 6


def test_warnings_name_small_risk_sets_censoring_and_unreached_medians():
    rng = np.random.default_rng(1)
    t = rng.exponential(10, 60)
    ev = (rng.random(60) < 0.3).astype(int)
    res = sv.kaplan_meier(duration=t, event=ev, time_unit="months")
    w = " ".join(res.warnings)
    assert "fewer than 20" in w
    assert "were censored" in w
    assert "rests on fewer than 10 subjects at risk" in w
    never = sv.kaplan_meier(duration=[5, 6, 7, 8, 9, 10], event=[1, 0, 0, 0, 0, 0])
    assert math.isnan(never.estimate)
    assert any("median was not reached" in x for x in never.warnings)
    assert "median not reached" in never.summary()


def test_user_mistakes_get_one_clear_line():
    with pytest.raises(ValueError, match="R's coding"):
        sv.kaplan_meier(duration=[1, 2, 3], event=[1, 2, 2])
    with pytest.raises(ValueError, match="entry < 0 or entry >= duration"):
        sv.kaplan_meier(duration=[1, 2], event=[1, 1], entry=[0, 2])
    with pytest.raises(SchemaError, match="'days' is not in the data"):
        sv.kaplan_meier(HAND, duration="days", event="event")
    with pytest.raises(ValueError, match="conf_type"):
        sv.kaplan_meier(HAND, duration="time", event="event", conf_type="arcsine")
    with pytest.raises(ValueError, match="negative"):
        sv.kaplan_meier(duration=[-1, 2], event=[1, 1])
    with pytest.raises(ValueError, match="two or more groups"):
        sv.log_rank(HAND.assign(g=1), duration="time", event="event", group="g")
    with pytest.raises(ValueError, match="term 'x' is not in the model"):
        sv.cox(HAND.assign(g=[0, 1, 0, 1, 0]), "time", "event", ["g"], term="x")
    res = sv.kaplan_meier(duration=[1, 2, np.nan], event=[1, 1, 1])
    assert res.diagnostics["n"] == 2 and "1 of 3 rows" in res.warnings[0]


# ---------------------------------------------------------------------- log-rank
def test_log_rank_observed_expected_and_strata():
    rng = np.random.default_rng(5)
    n = 300
    g = rng.choice(["x", "y", "z"], n)
    t = rng.exponential(np.where(g == "x", 5, np.where(g == "y", 8, 12)))
    df = pd.DataFrame({"t": t, "e": (rng.random(n) < 0.8).astype(int), "g": g,
                       "s": rng.choice(["s1", "s2"], n)})
    res = sv.log_rank(df, duration="t", event="e", group="g")
    tab = res.table
    assert tab["group"].tolist() == ["x", "y", "z"]
    assert tab["observed"].sum() == df["e"].sum()
    assert tab["expected"].sum() == pytest.approx(df["e"].sum())
    assert tab["observed"].tolist() == [df.loc[df["g"] == k, "e"].sum() for k in "xyz"]
    assert res.diagnostics["df"] == 2 and res.p_value < 0.001
    assert tab.loc[0, "o_e_ratio"] > 1 > tab.loc[2, "o_e_ratio"]
    strat = sv.log_rank(df, duration="t", event="e", group="g", strata="s")
    assert strat.estimate != res.estimate and "stratified" in strat.method
    assert strat.table["expected"].sum() == pytest.approx(df["e"].sum())
    assert "chi-square" in res.summary()


def test_log_rank_with_entry_uses_the_late_entry_risk_sets():
    df = pd.concat([HAND.assign(g="a"), HAND.assign(g="b", time=HAND["time"] + 1)], ignore_index=True)
    res = sv.log_rank(df, duration="time", event="event", group="g", entry="entry")
    # at risk if entry < t <= time; events d, at risk in a / b, E_a += d * n_a / n:
    #   t=2: d 1, 4/4 -> 0.5      t=3: d 2, 3/4 -> 6/7     t=4: d 1, 3/4 -> 3/7
    #   t=5: d 1, 2/3 -> 0.4      t=6: d 2, 1/2 -> 2/3     t=7: d 1, 0/1 -> 0
    e_a = 0.5 + 6 / 7 + 3 / 7 + 0.4 + 2 / 3
    assert res.table["observed"].tolist() == [4, 4]
    assert res.table["expected"].tolist() == pytest.approx([e_a, 8 - e_a])


# --------------------------------------------------------------------------- Cox
def _ph_data(seed=2, n=600, crossing=False):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n)
    if crossing:     # group 1: high hazard early, low late -> non-proportional
        t = np.where(x == 1, rng.weibull(0.5, n) * 5, rng.weibull(2.0, n) * 5)
    else:
        t = rng.exponential(np.where(x == 1, 5, 10))
    c = rng.uniform(0, 20, n)
    return pd.DataFrame({"time": np.minimum(t, c), "event": (t <= c).astype(int), "x": x,
                         "grp": np.where(x == 1, "treated", "control"),
                         "age": rng.normal(10, 3, n)})


def test_cox_list_and_formula_agree_and_name_levels():
    df = _ph_data()
    a = sv.cox(df, "time", "event", ["grp", "age"])
    b = sv.cox(df, "time", "event", "C(grp) + age")
    assert a.table["term"].tolist() == ["grp[treated]", "age"]
    np.testing.assert_allclose(a.table["coef"], b.table["coef"], rtol=1e-8)
    assert a.estimate == pytest.approx(math.exp(a.table["coef"].iat[0]))
    assert a.table["hr"].iat[0] == a.table["estimate"].iat[0]
    assert 1.5 < a.estimate < 2.7           # true hazard ratio 2 (mean 5 against 10)
    d = a.diagnostics
    assert d["lr_df"] == 2 and d["lr_stat"] == pytest.approx(2 * (d["loglik"] - d["loglik_null"]))
    assert a.ci[0] < a.estimate < a.ci[1]
    assert "hazard ratio" in a.summary() and "likelihood ratio test" in a.summary()
    age = sv.cox(df, "time", "event", ["grp", "age"], term="age")
    assert age.estimate == pytest.approx(a.table["hr"].iat[1])


def test_cox_proportional_hazards_check_flags_crossing_hazards():
    ok = sv.cox(_ph_data(), "time", "event", ["x"])
    assert ok.table["ph_p_value"].iat[0] > 0.05
    assert not any("proportional-hazards test" in w for w in ok.warnings)
    bad = sv.cox(_ph_data(crossing=True), "time", "event", ["x"])
    assert bad.table["ph_p_value"].iat[0] < 0.001
    assert any("effect seems to change with time" in w for w in bad.warnings)
    for tr in ("km", "identity"):
        assert sv.cox(_ph_data(crossing=True), "time", "event", ["x"], ph_transform=tr
                      ).table["ph_p_value"].iat[0] < 0.01


def test_cox_warns_about_too_few_events_per_coefficient_and_supports_entry_and_strata():
    df = _ph_data(n=60)
    res = sv.cox(df.iloc[:25], "time", "event", ["x", "age"])
    assert any("per coefficient" in w for w in res.warnings)
    df = df.assign(entry=np.minimum(df["time"] / 2, 1.0), s=np.arange(len(df)) % 2)
    a = sv.cox(df, "time", "event", ["x"], entry="entry")
    b = sv.cox(df, "time", "event", ["x"])
    assert a.table["coef"].iat[0] != b.table["coef"].iat[0]
    st = sv.cox(df, "time", "event", ["x"], strata="s")
    assert "stratified" in st.method
    missing = df.assign(age=df["age"].where(df.index > 2))
    r = sv.cox(missing, "time", "event", ["x", "age"])
    assert r.diagnostics["n"] == len(df) - 3 and any("lack a covariate" in w for w in r.warnings)


# ------------------------------------------------------------------- placements
EP = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "REASON_PLACE_CHANGE"]
EPISODES = pd.DataFrame([
    # A: unplanned move (carer asked, behaviour), planned move, then leaves care after the window
    ("A", "01/04/2020", "S", "C2", "U4", "01/10/2020", "X1", "CREQB"),
    ("A", "01/10/2020", "P", "C2", "U4", "01/01/2021", "X1", "CARPL"),
    ("A", "01/01/2021", "P", "C2", "U1", "01/06/2021", "E13", None),
    # B: placed before the window (left truncation), moves at the child's request, then open
    ("B", "01/01/2019", "S", "C2", "U4", "15/06/2020", "X1", "CHILD"),
    ("B", "15/06/2020", "P", "C2", "K2", None, None, None),
    # C: a legal-status change (L) inside the first placement, which ends after an
    #    allegation; a move with no reason recorded; then open
    ("C", "01/05/2020", "S", "C1", "U4", "01/07/2020", "X1", None),
    ("C", "01/07/2020", "L", "C2", "U4", "01/09/2020", "X1", "ALLEG"),
    ("C", "01/09/2020", "P", "C2", "R1", "01/02/2021", "X1", None),
    ("C", "01/02/2021", "P", "C2", "U6", None, None, None),
], columns=EP)
HEADER = pd.DataFrame({"CHILD": ["A", "B", "C"],
                       "DOB": pd.to_datetime(["2010-04-01", "2005-01-01", "2012-05-01"]),
                       "SEX": ["1", "2", "1"]})


def _days(a, b):
    return (pd.Timestamp(b) - pd.Timestamp(a)).days


def test_placement_spells_hand_worked():
    sp = sv.placement_spells(EPISODES, "2020-04-01", "2021-03-31", unit="days", header=HEADER)
    got = sp[["start", "entry", "duration", "event", "ending", "reason"]]
    want = pd.DataFrame([
        ("2020-04-01", 0, _days("2020-04-01", "2020-10-01"), 1, "unplanned ending", "CREQB"),
        ("2020-10-01", 0, _days("2020-10-01", "2021-01-01"), 0, "planned or other move", "CARPL"),
        ("2021-01-01", 0, _days("2021-01-01", "2021-03-31"), 0, "still going at the end of the window", None),
        ("2019-01-01", _days("2019-01-01", "2020-03-31"), _days("2019-01-01", "2020-06-15"), 1,
         "unplanned ending", "CHILD"),
        ("2020-06-15", 0, _days("2020-06-15", "2021-03-31"), 0, "still going at the end of the window", None),
        ("2020-05-01", 0, _days("2020-05-01", "2020-09-01"), 1, "unplanned ending", "ALLEG"),
        ("2020-09-01", 0, _days("2020-09-01", "2021-02-01"), 0, "move, no reason recorded", None),
        ("2021-02-01", 0, _days("2021-02-01", "2021-03-31"), 0, "still going at the end of the window", None),
    ], columns=got.columns)
    want["start"] = pd.to_datetime(want["start"])
    pd.testing.assert_frame_equal(got.astype({"entry": float, "duration": float}),
                                  want.astype({"entry": float, "duration": float}), check_dtype=False)
    assert sp["age_at_start"].iat[0] == pytest.approx(_days("2010-04-01", "2020-04-01") / 365.25)
    assert sp["sex"].tolist()[:3] == ["1"] * 3
    assert any("1 of 5 moves in the window have no REASON_PLACE_CHANGE" in w for w in sp.attrs["warnings"])
    assert sp.attrs["time_unit"] == "days" and sp.attrs["event_label"] == "unplanned endings"
    # in months, the same records
    m = sv.placement_spells(EPISODES, "2020-04-01", "2021-03-31", header=HEADER)
    np.testing.assert_allclose(m["duration"] * 365.25 / 12, sp["duration"])


def test_placement_spells_before_and_after_the_change():
    iv = "2020-10-01"
    sp = sv.placement_spells(EPISODES, "2020-04-01", "2021-03-31", intervention=iv, unit="days")
    assert list(sp["period"].cat.categories) == ["before", "after"]
    before = sp[sp["period"] == "before"].set_index("start")
    # A's first placement ended ON the day the change began: censored the day before
    a1 = before.loc[pd.Timestamp("2020-04-01")]
    assert (a1["event"], a1["duration"], a1["ending"]) == (0, _days("2020-04-01", "2020-09-30"),
                                                          "still going when the change began")
    assert before.loc[pd.Timestamp("2019-01-01"), "event"] == 1           # B ended before it
    assert before.loc[pd.Timestamp("2020-06-15"), "duration"] == _days("2020-06-15", "2020-09-30")
    after = sp[sp["period"] == "after"]
    assert sorted(after["start"].dt.strftime("%Y-%m-%d")) == ["2020-10-01", "2021-01-01", "2021-02-01"]
    # calendar split: the time after the change joins "after", entering late
    cal = sv.placement_spells(EPISODES, "2020-04-01", "2021-03-31", intervention=iv, split="calendar",
                              unit="days")
    late = cal[(cal["period"] == "after") & (cal["entry"] > 0)].set_index("start")
    assert len(late) == 3      # A1, B2 and C2 were open when the change began
    a1 = late.loc[pd.Timestamp("2020-04-01")]
    assert (a1["entry"], a1["duration"], a1["event"]) == (_days("2020-04-01", "2020-09-30"),
                                                          _days("2020-04-01", "2020-10-01"), 1)


def test_placement_spells_refuses_bad_windows_and_tables():
    with pytest.raises(SchemaError, match="lacks column"):
        sv.placement_spells(EPISODES.drop(columns="REASON_PLACE_CHANGE"))
    with pytest.raises(ValueError, match="outside the window"):
        sv.placement_spells(EPISODES, "2020-04-01", "2021-03-31", intervention="2022-01-01")
    with pytest.raises(ValueError, match="is not before window_end"):
        sv.placement_spells(EPISODES, "2021-04-01", "2021-03-31")
    with pytest.raises(ValueError, match="split"):
        sv.placement_spells(EPISODES, intervention="2020-10-01", split="calendar-ish")
    yearly = EPISODES.assign(YEAR=2021)
    with pytest.raises(ValueError, match="before the extract begins"):
        sv.placement_spells(yearly, "2019-04-01", "2021-03-31")


@pytest.fixture(scope="module")
def sample():
    from evaltools import ssda903
    ex = ssda903.read_extract(data_dir() / "sample", salt="survival-test-salt-0123", compute_distance=False)
    truth = json.loads((data_dir() / "sample" / "truth.json").read_text())
    return ex, truth


def test_sample_data_recovers_the_injected_hazard_ratio(sample):
    """The bundled synthetic council has a foster-carer support service from 1 April 2022
    that multiplies the hazard of unplanned moves by 0.7 (truth.json: 0.68 realised
    within duration bands, 108 unplanned moves after the start)."""
    ex, truth = sample
    real = truth["realised"]["Foster carer support service"]
    sp = sv.placement_spells(ex, "2017-04-01", "2025-03-31", intervention="2022-04-01", split="calendar")
    assert int(sp.loc[sp["period"] == "after", "event"].sum()) == real["unplanned_moves_after"]
    assert set(sp.loc[sp["event"] == 1, "reason"]) <= set(sv.UNPLANNED_REASONS)
    res = sv.cox(sp, "duration", "event", ["period", "age_at_start"], entry="entry")
    assert res.table["term"].tolist() == ["period[after]", "age_at_start"]
    assert res.ci[0] < real["hazard_ratio_within_duration_bands"] < res.ci[1] < 1
    lr = sv.log_rank(sp, duration="duration", event="event", entry="entry", group="period")
    assert lr.p_value < 0.05 and lr.table.loc[1, "o_e_ratio"] < 1
    km = sv.kaplan_meier(sp, duration="duration", event="event", entry="entry", group="period",
                         times=(6, 12, 24))
    assert (km.table["surv_12"] < km.table["surv_6"]).all()
    by = km.table.set_index("group")
    assert by.loc["after", "surv_12"] > by.loc["before", "surv_12"]
    assert km.diagnostics["time_unit"] == "months"
    assert any("1 - S overstates" in n for n in km.diagnostics["notes"])
    # "start" split: the before curve stops at the change; same direction, fewer events after
    st = sv.placement_spells(ex, "2017-04-01", "2025-03-31", intervention="2022-04-01")
    assert st.loc[st["period"] == "after", "event"].sum() < real["unplanned_moves_after"]
    assert sv.cox(st, "duration", "event", ["period"], entry="entry").estimate < 1


# ------------------------------------------------------------------------ chart
def test_km_chart_plots_the_series_and_numbers_at_risk():
    df = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "e": [1, 0, 1, 1, 0, 1, 1, 0, 1, 0],
                       "g": ["before"] * 5 + ["after"] * 5})
    res = sv.kaplan_meier(df, duration="t", event="e", group="g", time_unit="months")
    fig = km_chart(res, title="Test chart", policy="internal")      # groups of 5: every count shown
    ax, ax_t = fig.axes
    steps = [ln for ln in ax.get_lines() if ln.get_drawstyle() == "steps-post"]
    assert len(steps) == 2
    for line, g in zip(steps, ["after", "before"]):
        s = res.series[res.series["group"] == g]
        np.testing.assert_allclose(line.get_xdata(), s["time"])
        np.testing.assert_allclose(line.get_ydata(), 100 * s["survival"])
    assert steps[0].get_linestyle() != steps[1].get_linestyle()
    assert steps[0].get_color() != steps[1].get_color()
    # shaded intervals, one per group, spanning the interval limits (in %)
    bands = ax.collections[:2] if len(ax.collections) >= 2 else ax.collections
    assert len([c for c in ax.collections if c.get_alpha() == pytest.approx(0.18)]) == 2
    for band, g in zip(bands, ["after", "before"]):
        s = res.series[res.series["group"] == g]
        ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
        assert ys.min() == pytest.approx(100 * s["ci_low"].min())
        assert ys.max() == pytest.approx(100 * s["ci_high"].max())
    # censoring ticks where records were censored
    ticks = [ln for ln in ax.get_lines() if ln.get_marker() == "|"]
    assert sorted(np.concatenate([t.get_xdata() for t in ticks]).tolist()) == [2, 5, 8, 10]
    # numbers at risk: one text per group per x tick, equal to the series' n_risk
    texts = {(t.get_position()[0], t.get_color()): t.get_text() for t in ax_t.texts}
    at0 = sorted(int(v.replace(",", "")) for (x, _), v in texts.items() if x == 0)
    assert at0 == [5, 5]
    at4 = {int(v) for (x, _), v in texts.items() if x == 4}
    assert at4 == {2, 5}         # before: 4 and 5 still at risk; after: all 5
    assert ax.get_ylim() == (0, 102)
    assert ax.get_ylabel() == "Share without the event (%)"
    assert ax.get_xlabel() == "Time from the start (months)"
    assert ax.get_title(loc="left") == "Test chart"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["after (5 subjects, 3 events)", "before (5 subjects, 3 events)"]
    assert fig.alt_text.startswith("Kaplan-Meier step chart") and "after: median" in fig.alt_text
    plt.close(fig)


def test_km_chart_for_placements_uses_plain_english_and_cuts_the_axis():
    sp = sv.placement_spells(EPISODES, "2020-04-01", "2021-03-31", intervention="2020-10-01")
    res = sv.kaplan_meier(sp, duration="duration", event="event", entry="entry", group="period")
    fig = km_chart(res, xmax=6, at_risk=False, show_censors=False, policy="internal")
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    assert ax.get_ylabel() == "Placements still going (%)"
    assert ax.get_xlabel() == "Months since the placement began"
    assert ax.get_xlim()[1] == 6
    assert not [ln for ln in ax.get_lines() if ln.get_marker() == "|"]
    assert "placements without unplanned endings" in fig.alt_text
    plt.close(fig)


# a group whose numbers at risk fall to 1-5, a group with 1 placement left without an
# event (11 of 12: the 11 would reveal the 1), and a group of 4
SMALL = pd.DataFrame({
    "t": list(range(1, 13)) + list(range(2, 25, 2)) + [3, 6, 9, 12],
    "e": [1] * 5 + [0] + [1] * 6 + [1, 0] * 6 + [1, 0, 1, 0],
    "g": ["a"] * 12 + ["b"] * 12 + ["z"] * 4})


def _at_risk_texts(fig):
    """{(group, x): text} from the numbers-at-risk axis (rows top to bottom a, b, z)."""
    ax_t = fig.axes[1]
    names = ["z", "b", "a"]
    return {(names[round(t.get_position()[1])], t.get_position()[0]): t.get_text() for t in ax_t.texts}


def test_km_chart_counts_pass_the_disclosure_policy():
    res = sv.kaplan_meier(SMALL, duration="t", event="e", group="g", time_unit="months")
    figs = {p: km_chart(res, policy=p) for p in ("internal", "ofsted", "published")}
    assert km_chart.__kwdefaults__["policy"] == "published"
    inside, public = _at_risk_texts(figs["internal"]), _at_risk_texts(figs["published"])
    assert inside.keys() == public.keys() and len(inside) >= 9
    small_seen = 0
    for (g, x), text in inside.items():
        times = SMALL.loc[SMALL["g"] == g, "t"]
        n = int((times >= x).sum())          # no late entry: at risk at x = still followed at x
        assert text == str(n), (g, x)
        assert public[(g, x)] == ("c" if 1 <= n <= 5 else str(n)), (g, x)
        small_seen += 1 <= n <= 5
    assert small_seen >= 3
    assert _at_risk_texts(figs["ofsted"]) == public
    # a's at-risk count falls through 1-5 (t = 10: 3 left): "c" when published, 3 inside
    x10 = [x for (g, x) in inside if g == "a" and 8 <= x <= 10]
    assert x10 and all(public[("a", x)] == "c" for x in x10)

    def legend(fig):
        return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend(figs["internal"]) == ["a (12 subjects, 11 events)", "b (12 subjects, 6 events)",
                                        "z (4 subjects, 2 events)"]
    assert legend(figs["published"]) == ["a (12 subjects, c events)", "b (12 subjects, 6 events)",
                                         "z (c subjects): curve not shown"]

    def steps(fig):
        return [ln for ln in fig.axes[0].get_lines() if ln.get_drawstyle() == "steps-post"]
    assert len(steps(figs["internal"])) == 3
    assert len(steps(figs["published"])) == 2          # the group of 4 is not drawn
    np.testing.assert_allclose(steps(figs["published"])[1].get_ydata(),
                               100 * res.series.loc[res.series["group"] == "b", "survival"])
    note = " ".join(figs["published"].texts[0].get_text().split())
    assert "c: 1 to 5 subjects" in note and "A group of 1 to 5 subjects is not drawn" in note
    assert "c: 1 to 5" not in " ".join(figs["internal"].texts[0].get_text().split())
    assert "z: curve not shown" in figs["published"].alt_text
    for f in figs.values():
        plt.close(f)


def test_km_chart_writes_the_log_rank_test_in_the_footnote():
    sp = SMALL[SMALL["g"] != "z"]
    res = sv.kaplan_meier(sp, duration="t", event="e", group="g")
    lr = sv.log_rank(sp, duration="t", event="e", group="g")
    fig = km_chart(res, test=lr)
    note = " ".join(fig.texts[0].get_text().split())
    assert lr.p_value < 0.001
    assert note.startswith(f"Log-rank test: chi-square {lr.diagnostics['chisq']:.2f} on 1 df, p < 0.001: ")
    assert lr.p_value < 0.05 and "differ by more than chance alone would readily explain" in note
    assert "Shaded: 95% confidence interval" in note and "Log-rank test" in fig.alt_text
    plt.close(fig)
    # no clear difference: said in words, without claiming the groups are the same
    rng = np.random.default_rng(11)
    same = pd.DataFrame({"t": rng.exponential(10, 200), "e": 1, "g": np.repeat(["p", "q"], 100)})
    lr2 = sv.log_rank(same, duration="t", event="e", group="g")
    assert lr2.p_value > 0.05
    fig = km_chart(sv.kaplan_meier(same, duration="t", event="e", group="g"), test=lr2)
    assert "no clear evidence that the groups' rates of events differ (which is not evidence" \
        in " ".join(fig.texts[0].get_text().split())
    plt.close(fig)
    with pytest.raises(ValueError, match="compares a, b, z but the chart shows a, b"):
        km_chart(res, test=sv.log_rank(SMALL, duration="t", event="e", group="g"))
    with pytest.raises(ValueError, match="used 23 records but the curves 24"):
        km_chart(res, test=sv.log_rank(sp.iloc[1:], duration="t", event="e", group="g"))


def _forest(fig):
    """{term: (x of the point, y, (bar from, bar to))} read back from the chart."""
    ax = fig.axes[0]
    pts = {ln.get_gid()[3:]: (ln.get_xdata()[0], ln.get_ydata()[0]) for ln in ax.get_lines()
           if (ln.get_gid() or "").startswith("hr:")}
    bars = {c.get_gid()[3:]: c.get_segments()[0] for c in ax.collections
            if (c.get_gid() or "").startswith("ci:")}
    assert pts.keys() == bars.keys()
    return {k: (pts[k][0], pts[k][1], (bars[k][0, 0], bars[k][1, 0]), (bars[k][0, 1], bars[k][1, 1]))
            for k in pts}


def test_hazard_ratio_chart_plots_the_table_on_a_log_axis():
    df = _ph_data()
    res = sv.cox(df, "time", "event", ["grp", "age"])
    fig = hazard_ratio_chart(res)
    ax, side = fig.axes
    got = _forest(fig)
    assert list(got) == ["grp[treated]", "age"]
    for i, r in enumerate(res.table.itertuples()):
        x, y, (lo, hi), (y0, y1) = got[r.term]
        assert x == pytest.approx(r.hr, rel=1e-12) and y == 1 - i == y0 == y1   # first term on top
        assert (lo, hi) == (pytest.approx(r.ci_low, rel=1e-12), pytest.approx(r.ci_high, rel=1e-12))
    assert ax.get_xscale() == "log"
    ref = [ln for ln in ax.get_lines() if ln.get_gid() == "no_difference"]
    assert len(ref) == 1 and list(ref[0].get_xdata()) == [1, 1]
    lo_x, hi_x = ax.get_xlim()
    assert lo_x < min(1, res.table["ci_low"].min()) and hi_x > res.table["ci_high"].max()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["age", "grp = treated"]
    texts = [t.get_text() for t in side.texts]
    t0 = res.table.iloc[0]
    assert f"{t0.hr:.2f} ({t0.ci_low:.2f} to {t0.ci_high:.2f})" in texts
    assert f"{res.table['ph_p_value'].iat[1]:.2g}" in texts and "PH test p" in texts
    assert ax.get_title(loc="left") == "Hazard ratios for events, with 95% confidence intervals"
    assert " ".join(fig.texts[0].get_text().split()).startswith(
        f"{res.diagnostics['n']:,} subjects, {res.diagnostics['events']:,} events. Cox model")
    plt.close(fig)
    # named term: the finding in words, the term in its own colour and marker
    fig = hazard_ratio_chart(res, term="grp[treated]", term_label="Placements after the change")
    ax = fig.axes[0]
    assert ax.get_title(loc="left").replace("\n", " ") == \
        f"Placements after the change had events more often (HR {t0.hr:.2f})"
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "Placements after the change"
    mine = [ln for ln in ax.get_lines() if ln.get_gid() == "hr:grp[treated]"][0]
    other = [ln for ln in ax.get_lines() if ln.get_gid() == "hr:age"][0]
    assert mine.get_marker() == "D" and mine.get_color() != other.get_color()
    plt.close(fig)
    # an interval across 1: no direction claimed
    fig = hazard_ratio_chart(res, term="age", policy="internal")
    a = res.table.iloc[1]
    assert a.ci_low < 1 < a.ci_high
    assert fig.axes[0].get_title(loc="left").replace("\n", " ") == (
        f"No clear link between age and events (HR {a.hr:.2f} per unit, 95% CI {a.ci_low:.2f} to "
        f"{a.ci_high:.2f})")
    plt.close(fig)
    with pytest.raises(ValueError, match="term 'period' is not in the model"):
        hazard_ratio_chart(res, term="period")
    with pytest.raises(ValueError, match="pass a result of evaltools.stats.survival.cox"):
        hazard_ratio_chart(sv.kaplan_meier(df, duration="time", event="event"))


def test_hazard_ratio_chart_hides_ratios_resting_on_few_children():
    df = _ph_data()
    df["place"] = np.where(np.arange(len(df)) % 7 == 0, "resi", "foster")
    df.loc[df.index[:4], "place"] = "secure"
    res = sv.cox(df, "time", "event", ["grp", "place"])
    t = res.table.set_index("term")
    sec = df["place"] == "secure"
    assert t.loc["place[secure]", "n_level"] == 4
    assert t.loc["place[secure]", "events_level"] == df.loc[sec, "event"].sum()
    assert t.loc["grp[treated]", "n_level"] == (df["grp"] == "treated").sum()
    assert sv.cox(df, "time", "event", ["age"]).table["n_level"].isna().all()
    public, inside = hazard_ratio_chart(res), hazard_ratio_chart(res, policy="internal")
    assert set(_forest(public)) == {"grp[treated]", "place[resi]"}
    assert set(_forest(inside)) == {"grp[treated]", "place[resi]", "place[secure]"}
    x, y, (lo, hi), _ = _forest(inside)["place[secure]"]
    assert (x, lo, hi) == pytest.approx(tuple(t.loc["place[secure]", ["hr", "ci_low", "ci_high"]]))
    c_rows = [tx for tx in public.axes[1].texts if tx.get_text() == "c"]
    assert len(c_rows) == 1 and c_rows[0].get_position()[1] == 0        # the last row
    assert "c" not in [tx.get_text() for tx in inside.axes[1].texts]
    assert "c: rests on 1 to 5 subjects" in " ".join(public.texts[0].get_text().split())
    assert "place = secure" not in public.alt_text and "place = secure" in inside.alt_text
    for f in (public, inside):
        plt.close(f)


def test_hazard_ratio_chart_cautions_when_the_named_term_fails_the_ph_check():
    res = sv.cox(_ph_data(crossing=True), "time", "event", ["x"])
    r = res.table.iloc[0]
    assert r.ph_p_value < 0.001 and r.ci_low < 1 < r.ci_high
    fig = hazard_ratio_chart(res, term="x", term_label="Children in the new service")
    # a 0/1 column reads as with against without, not "per unit"
    assert fig.axes[0].get_title(loc="left").replace("\n", " ") == (
        f"No clear difference in events for children in the new service (HR {r.hr:.2f}, 95% CI "
        f"{r.ci_low:.2f} to {r.ci_high:.2f})")
    assert ("The hazard ratio for children in the new service is an average over follow-up: its effect "
            "seems to change with time (p < 0.001)") in " ".join(fig.texts[0].get_text().split())
    flagged = [t for t in fig.axes[1].texts if t.get_text() == "p < 0.001"]
    assert len(flagged) == 1 and flagged[0].get_fontweight() == "bold"
    assert fits_canvas(fig)      # the long y label pushes the title right; it is wrapped again
    plt.close(fig)
