"""Disclosure control: DfE-style suppression, secondary suppression, round half up."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from evaltools import sdc


def test_round_half_up_not_to_even():
    """Python's round(2.5) is 2 and round(0.125, 2) is 0.12; DfE publishes 3 and 0.13."""
    assert sdc.round_half_up(2.5) == 3 and sdc.round_half_up(0.5) == 1
    assert sdc.round_half_up(0.125, 2) == 0.13 and sdc.round_half_up(-2.5) == -3
    assert np.isnan(sdc.round_half_up(float("nan")))


def _frame(rows):
    return pd.DataFrame(rows, columns=["measure", "numerator", "denominator", "value", "status"])


def test_small_counts_and_their_percentages_are_suppressed():
    """3/40 (7.5%): the count is 1-5, so count and percentage become c. 37/40: the 3
    children not meeting it could be worked out, so c too. 20/40 = 50.0%: shown, whole
    number. Internal policy shows everything."""
    f = _frame([("care_leavers_eet_19_21", 3, 40, 7.5, "ok"),
                ("care_leavers_eet_19_21", 37, 40, 92.5, "ok"),
                ("care_leavers_eet_19_21", 20, 40, 50.0, "ok")])
    pub = sdc.apply(f, "published")
    assert list(pub["status"]) == ["c", "c", "ok"] and pub["value"].iloc[2] == 50
    assert pub.loc[pub.status == "c", ["numerator", "value"]].isna().all().all()
    assert list(sdc.apply(f, "internal")["status"]) == ["ok"] * 3
    assert sdc.label(7.5, 3, "published") == "c" and sdc.label(7.5, 3, "internal") == "7.5%"
    assert sdc.label(92.25, 37, "published") == "92.3%"     # half up: Python's round gives 92.2


def test_secondary_suppression_example():
    """Placements by type and age: one 1-5 cell in a row would be recovered from the
    row total, so a second cell in that row and column is hidden too."""
    t = pd.DataFrame({"foster": [40, 3, 25], "residential": [12, 10, 9], "other": [8, 14, 30]},
                     index=["0-9", "10-15", "16+"])
    s = sdc.suppress_table(t)
    hidden = s == "c"
    assert hidden.loc["10-15", "foster"]
    assert not sdc.recoverable(t, hidden).to_numpy().any()
    assert hidden.to_numpy().sum() >= 4       # one cell alone is always recoverable


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5), st.integers(2, 5), st.data())
def test_published_tables_show_no_small_count_and_give_none_away(r, c, data):
    cells = data.draw(st.lists(st.integers(0, 40), min_size=r * c, max_size=r * c))
    t = pd.DataFrame(np.array(cells).reshape(r, c))
    s = sdc.suppress_table(t, "published")
    shown = s[s != "c"].stack()
    assert not ((shown.astype(float) >= 1) & (shown.astype(float) <= 5)).any()
    assert not sdc.recoverable(t, s == "c").to_numpy().any()


def test_label_suppresses_when_the_complement_is_small():
    """37 of 40 in EET reveals the 3 who are not: 'c' under ofsted and published."""
    assert sdc.label(92.5, 37, "published", denominator=40) == "c"
    assert sdc.label(92.5, 37, "ofsted", denominator=40) == "c"
    assert sdc.label(92.5, 37, "internal", denominator=40) == "92.5%"
    assert sdc.label(50.0, 20, "published", denominator=40) == "50.0%"
    assert sdc.label(1234, 1234, "internal", "count") == "1,234"       # counts never print decimals


def test_a_cell_joining_two_hidden_blocks_is_given_away_and_found():
    """Two 2x2 blocks of hidden cells joined by one hidden cell: every row and column
    has two or more hidden cells, yet the joining cell is the difference of two known
    block sums. Counting hidden cells per line misses it; the null-space check does not."""
    t = pd.DataFrame(np.arange(1, 26).reshape(5, 5) + 10)
    hidden = pd.DataFrame(False, index=t.index, columns=t.columns)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        hidden.iloc[i, j] = True
    found = sdc.recoverable(t, hidden)
    assert found.to_numpy().sum() == 1 and found.iloc[1, 2]
    s = sdc.suppress_table(t.where(~hidden, 3))           # the same pattern from small counts
    assert not sdc.recoverable(t, s == "c").to_numpy().any()


def _breakdown(groups, measure="cla_3plus_placements"):
    rows = [("884", "Herefordshire", "E06000019", "Local authority", 2024, measure, n, d,
             100 * n / d if d else np.nan, "ok", "903", "age_band", g) for g, (n, d) in groups.items()]
    return pd.DataFrame(rows, columns=["area_code", "area_name", "ons_code", "geographic_level", "period",
                                       "measure", "numerator", "denominator", "value", "status", "source",
                                       "breakdown", "group"])


def test_apply_hides_a_second_group_when_one_age_band_is_small():
    """3 of 59 five-to-nines had 3+ placements. With the all-children figure published,
    hiding that one band alone gives it away (total minus the other bands), so the
    smallest other non-zero band (7 of 45) goes too: hiding the under-ones' 0 would
    leave the 3 plain to see as the hidden pair's sum."""
    f = _breakdown({"Under 1": (0, 15), "1 to 4": (7, 45), "5 to 9": (3, 59), "10 to 15": (14, 137),
                    "16 and over": (10, 80)})
    original = f.copy()
    out = sdc.apply(f, "published")
    pd.testing.assert_frame_equal(f, original)               # the input is never changed
    hidden = out.set_index("group")["status"].eq("c")
    assert hidden["5 to 9"] and hidden.sum() == 2 and out.attrs["secondary"] == 1
    assert hidden["1 to 4"] and not hidden["Under 1"]
    assert list(sdc.apply(f, "ofsted")["status"]).count("c") == 1     # ofsted: primary only


def _given_away(frame, out):
    rel = sdc.relations(frame)
    hid = (out["status"] != "ok").to_numpy()
    for tot, parts in rel:
        cells = parts + ([tot] if tot is not None else [])
        eq = np.zeros((1, len(cells) + (tot is None)))
        eq[0, :len(parts)] = -1
        eq[0, -1] = 1
        h = np.r_[hid[cells], [False] * (tot is None)]
        if sdc.determined(eq, h).any():
            return True
    return False


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=2, max_size=7))
def test_published_breakdowns_show_no_small_count_and_give_none_away(pairs):
    groups = {f"g{i}": (a, a + b) for i, (a, b) in enumerate(pairs) if a + b > 0}
    if len(groups) < 2:
        return
    f = _breakdown(groups)
    out = sdc.apply(f, "published")
    ok = out[out["status"] == "ok"]
    for col in (ok["numerator"], ok["denominator"], ok["denominator"] - ok["numerator"]):
        assert not sdc.is_small(col).any()
    assert not _given_away(f, out)


def test_an_england_row_and_every_la_in_it_are_a_total():
    las = [(str(800 + i), f"LA {i}", "Local authority", n, 200) for i, n in enumerate([40, 3, 25, 30])]
    eng = [("E92000001", "England", "National", 98, 800)]
    f = pd.DataFrame([(c, nm, "", lvl, 2025, "care_leavers_eet_19_21", n, d, 100 * n / d, "ok", "t")
                      for c, nm, lvl, n, d in las + eng],
                     columns=["area_code", "area_name", "ons_code", "geographic_level", "period", "measure",
                              "numerator", "denominator", "value", "status", "source"])
    assert sdc.relations(f) == [(4, [0, 1, 2, 3])]
    out = sdc.apply(f, "published")
    assert list(out["status"]) == ["ok", "c", "c", "ok", "ok"]        # LA 1 (3) and the next smallest, LA 2
    assert out.loc[4, "value"] == 12.3     # England's 12.25% shown, rounded half up (round() gives 12.2)


def test_rests_on_few_counts_the_children_left_out_too():
    assert sdc.rests_on_few(3) and sdc.rests_on_few(37, 40) and not sdc.rests_on_few(37)
    assert not sdc.rests_on_few(0) and not sdc.rests_on_few(float("nan"), 40)
    assert not sdc.rests_on_few(20, 40) and sdc.rests_on_few([20, 4], [40, 40])


def test_significant_figures_never_in_scientific_notation():
    from evaltools.sdc import significant
    assert [significant(x) for x in (160.4, 155, 48.3, 4.84, 0.0484, 12345, 9.96, -7.25)] == \
        ["160", "160", "48", "4.8", "0.048", "12,000", "10", "-7.3"]     # 155 and -7.25: half up
    assert significant(1.5, 3) == "1.50" and significant(99.6, 3) == "99.6" and significant(0) == "0"


# ------------------------------------------------- the cohort rule (published policy)
EET, NEET, HE = "care_leavers_eet_19_21", "care_leavers_neet_19_21", "care_leavers_he_19_21"


def _cohort(figures, area="999", period=2024, **extra):
    """One area's figures for one year: {measure: (numerator, denominator)}. Area 999 is
    no council, so the rule is decided among the frame's own rows (as for 903 figures)."""
    rows = [dict(area_code=area, area_name="Test", ons_code="", geographic_level="Local authority",
                 period=period, measure=m, numerator=float(n), denominator=float(d),
                 value=100 * n / d, status="ok", source="SSDA903 extract", **extra)
            for m, (n, d) in figures.items()]
    return pd.DataFrame(rows)


def _hidden(out):
    return set(out.loc[out["status"] == "c", "measure"])


def _pinned_small(figures, out):
    """Counts of 1 to 5 that the shown rows pin down, found without the rule's own code:
    the young people are split into higher education (he), other EET, NEET and not known;
    a set of them is pinned down when its indicator is a combination of the shown
    figures' (least squares leaves no residual)."""
    total = next(d for _, d in figures.values())
    he = figures.get(HE, (0, 0))[0]
    eet, neet = figures[EET][0], figures[NEET][0]
    cells = np.array([he, eet - he, neet, total - eet - neet], dtype=float)
    covers = {EET: [1, 1, 0, 0], NEET: [0, 0, 1, 0], HE: [1, 0, 0, 0]}
    shown = list(out.loc[out["status"] == "ok", "measure"])
    if not shown:                    # nothing shown, not even the cohort's size
        return []
    a = np.array([[1, 1, 1, 1]] + [covers[m] for m in shown], dtype=float)
    found = []
    for k in range(1, 16):
        v = np.array([(k >> i) & 1 for i in range(4)], dtype=float)
        coef = np.linalg.lstsq(a.T, v, rcond=None)[0]
        if np.allclose(a.T @ coef, v) and 1 <= v @ cells <= 5:
            found.append(tuple(v))
    return found


def test_cohort_rule_hides_one_more_sibling_only_when_the_rest_is_1_to_5():
    """EET and NEET of one cohort of 100: nothing left (0) or 7 left, both shown; 3 left
    (not known), the smaller of the two is hidden too, and then the 3 are one unknown among
    at least 40 (sdc.determined: no hidden count is pinned down). A sibling already hidden
    as 1 to 5 hides the rest itself: nothing more. Ofsted and internal: no cohort rule."""
    for eet, neet in [(50, 50), (40, 53)]:
        out = sdc.apply(_cohort({EET: (eet, 100), NEET: (neet, 100)}), "published")
        assert _hidden(out) == set() and out.attrs["secondary"] == 0
    f = _cohort({EET: (40, 100), NEET: (57, 100)})
    out = sdc.apply(f, "published")
    assert _hidden(out) == {EET} and out.attrs["secondary"] == 1
    assert out.loc[out["measure"] == EET, ["numerator", "denominator", "value"]].isna().all().all()
    assert sdc.apply(_cohort({EET: (57, 100), NEET: (40, 100)}), "published").pipe(_hidden) == {NEET}
    # cells EET, NEET, not known; the cohort of 100 is published
    total = np.array([[1.0, 1.0, 1.0]])
    assert sdc.determined(total, np.array([False, False, True]))[2]          # before: the 3 given away
    assert not sdc.determined(total, np.array([True, False, True])).any()     # after: neither is
    for pol in ("ofsted", "internal"):
        assert _hidden(sdc.apply(f, pol)) == set()
    out = sdc.apply(_cohort({EET: (3, 100), NEET: (94, 100)}), "published")    # 3 left, EET is 3
    assert _hidden(out) == {EET} and out.attrs["secondary"] == 0


def test_cohort_rule_sees_nested_measures_through_the_tables_parts():
    """Higher education is part of EET: EET 40 and HE 37 leave 3 in other education,
    employment or training though no two names overlap. The smaller, HE, is hidden."""
    figures = {EET: (40, 100), NEET: (45, 100), HE: (37, 100)}
    out = sdc.apply(_cohort(figures), "published")
    assert _hidden(out) == {HE} and not _pinned_small(figures, out)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 60), st.integers(0, 8), st.booleans())
def test_cohort_rule_leaves_no_count_of_1_to_5_to_subtraction(he, other, neet, unknown, with_he):
    figures = {EET: (he + other, 0), NEET: (neet, 0)} | ({HE: (he, 0)} if with_he else {})
    total = he + other + neet + unknown
    if total == 0:
        return
    figures = {m: (n, total) for m, (n, _) in figures.items()}
    out = sdc.apply(_cohort(figures), "published")
    assert not _pinned_small(figures, out)
    ok = out[out["status"] == "ok"]
    assert not sdc.is_small(ok["numerator"]).any() and not sdc.is_small(ok["denominator"] - ok["numerator"]).any()


def test_child_level_siblings_are_decided_within_each_period_end_and_group():
    """903 figures: each rolling window (period end) and breakdown group is a cohort of its
    own; the rule hides NEET where EET, NEET and the 3 not known meet, and nothing else."""
    a = _cohort({EET: (60, 100), NEET: (37, 100)}, period_end="2024-03-31", breakdown="all", group="All children")
    b = _cohort({EET: (60, 100), NEET: (30, 100)}, period_end="2024-02-29", breakdown="all", group="All children")
    out = sdc.apply(pd.concat([a, b], ignore_index=True), "published")
    assert list(out["status"]) == ["ok", "c", "ok", "ok"] and out.attrs["secondary"] == 1


def _years(out, ok=True):
    """(year, measure) of the rows shown (or, ``ok=False``, hidden)."""
    return {(int(p), m) for p, m, s in zip(out["period"], out["measure"], out["status"]) if (s == "ok") == ok}


def _herefordshire(measures):
    from evaltools import published
    f = published.load_indicators(list(measures))
    return f[(f["area_code"] == "884") & f["period"].between(2018, 2025)].reset_index(drop=True)


def test_dfe_figures_are_shown_as_dfe_published_them_and_own_figures_follow_the_rules():
    """DfE's la_care_leavers_activity, Herefordshire, 19 to 21: 2020-2023 leave 3, 2, 3
    and 3 young people whose activity is not known (98 - 47 - 48 in 2022), and DfE
    prints that count itself. DfE's own figures are public, so under every policy both
    EET and NEET are shown in every year. The same counts worked out by evaltools under
    another area code (a 903 extract's) are not DfE's: the cohort rule hides one of them
    where 1 to 5 are left, and a figure leaving 1 to 5 out is hidden (36 of 38)."""
    f = _herefordshire([EET, NEET])
    assert sdc.dfe_published(f).all()
    for pol in ("published", "ofsted"):
        out = sdc.apply(f, pol)
        assert (out["status"] == f["status"]).all() and out.attrs["secondary"] == 0, pol
    own = sdc.apply(f.assign(area_code="999"), "published")
    hidden = _years(own, ok=False) - _years(f, ok=False)
    assert {y for y, _ in hidden} == {2020, 2021, 2022, 2023}
    assert all(len({m for y2, m in hidden if y2 == y}) == 1 for y in range(2020, 2024))
    # the development checks of under-5s, 2025: 36 of 38 (DfE's), shown; 36 of 38 of
    # another area's, hidden; DfE's numerator of 1 to 5 would be hidden either way
    dev = _herefordshire(["oc2_development_assessments"])
    dev = dev[dev["period"] == 2025]
    assert (dev[["numerator", "denominator"]].to_numpy() == [[36, 38]]).all()
    assert not sdc.withheld(dev, "published").any()
    assert sdc.withheld(dev.assign(area_code="999"), "published").all()
    assert sdc.gives_away(3, 38, published=True) and not sdc.gives_away(36, 38, published=True)
    # a rolling 12 months to 30 November with the same counts is not DfE's figure
    rolling = dev.assign(period_end=pd.Timestamp("2024-11-30"),
                         source="SSDA903 extract (evaltools.measures, rolling 12 months)")
    assert not sdc.dfe_published(rolling).any() and sdc.withheld(rolling, "published").all()
    assert sdc.dfe_published(dev.assign(period_end=pd.Timestamp("2025-03-31"))).all()


def test_every_report_shows_dfe_figures_alike_and_benchmarking_agrees():
    """A table of EET alone, one of NEET alone and one of both show the same of DfE's
    figures (all of them), and the benchmarking result (its tables, charts and
    statements) withholds none of Herefordshire's EET years."""
    from evaltools import benchmark
    f = _herefordshire([EET, NEET, HE])
    both = _years(sdc.apply(f, "published"), ok=False)
    alone = set().union(*(_years(sdc.apply(f[f["measure"] == m], "published"), ok=False) for m in (EET, NEET, HE)))
    assert both == alone == _years(f, ok=False)          # DfE's own c (higher education), nothing more
    bm = benchmark.benchmark("884", measures=[EET], comparator="statistical_neighbours").disclosed("published")
    s = bm.series(EET)
    assert not s["la_withheld"].any() and s.loc[s["period"] == 2022, "la_numerator"].iloc[0] == 47
    assert sdc.withheld_because("884", EET, [2022]) == "would reveal 1 to 5 children"


@pytest.mark.parametrize("parts, printed", [
    ([20.0, 20.3, 23.9, 26.8], "22.8"),      # 22.75, which floats hold as 22.749999999999996
    ([22.4, 29.7, 29.8, 29.9], "28.0"),      # 27.949999999999996
    ([20.0, 22.5, 29.8, 29.9], "25.6%"),     # 25.549999999999997
])
def test_a_true_half_is_printed_rounded_up_even_after_float_arithmetic(parts, printed):
    """Averages printed 22.7 for 22.75 (22.749999999999996 in floats) and 25.5% for 25.55."""
    from evaltools import registry
    mean = sum(parts) / len(parts)
    assert f"{mean:.1f}" != printed.rstrip("%")        # what Python's own formatting prints
    m = registry.get("ks4_attainment8" if not printed.endswith("%") else "care_leavers_eet_19_21")
    assert m.format_value(mean) == printed
    assert sdc.round_half_up(0.1 + 0.2 + 0.05, 1) == 0.4


def test_an_interval_end_near_zero_keeps_its_sign_and_digits():
    """'95% CI -10.6 to -0.0' beside 'improved beyond noise': the end was -0.012."""
    assert [sdc.signed(v) for v in (-0.012, 2.45, -10.55, 123.5, 0.0)] == ["-0.012", "+2.5", "-10.6", "+124", "+0.0"]


def test_hidden_cells_whose_sum_is_1_to_5_are_joined_by_another():
    """The data-quality report's 1,552 errors less the rows it showed left 3 for its two
    hidden counts (2 and 1): no cell was determined, but their sum was a small count."""
    size = np.array([1413.0, 62, 10, 2, 1])
    h = sdc._secondary(np.ones((1, 5)), np.array([False, False, False, True, True]), size)
    assert h.tolist() == [False, False, True, True, True]            # the 10 joins them: 13
    h = sdc._secondary(np.ones((1, 4)), np.array([False, False, True, True]), np.array([50.0, 40, 4, 3]))
    assert h.tolist() == [False, False, True, True]                  # 4 + 3 = 7: nothing more


def test_dfe_counts_are_read_again_when_the_published_files_change(monkeypatch):
    """A session that stays open (a warm kernel, a notebook rerun after DfE's files were
    replaced) must not judge figures against the counts it read before: the counts are
    kept per fingerprint of data/public, as the published frames are."""
    from evaltools import published
    sdc._dfe_counts.cache_clear()
    served = {"fp": "before", "num": 36.0}

    def figures(*a, **k):
        return pd.DataFrame({"area_code": ["884"], "period": [2025], "measure": ["m"],
                             "numerator": [served["num"]], "denominator": [38.0], "status": ["ok"]})

    monkeypatch.setattr(published, "load_indicators", figures)
    monkeypatch.setattr(published, "fingerprint", lambda root: served["fp"])
    row = pd.DataFrame({"area_code": ["884"], "period": [2025], "measure": ["m"],
                        "numerator": [36.0], "denominator": [38.0]})
    assert sdc.dfe_published(row).all()
    served["num"] = 35.0                      # DfE revised it, the cache still has 36
    assert sdc.dfe_published(row).all()
    served["fp"] = "after"                    # ... until the files' fingerprint changes
    assert not sdc.dfe_published(row).any()
    sdc._dfe_counts.cache_clear()
