"""Statistical neighbours, quartile bands and the benchmark result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltools import benchmark, comparators, registry

from .conftest import row


def test_herefordshire_neighbours_switch_model_in_2025():
    # New_Statistical_Neighbour_Groupings_April_2021.csv, row 884
    assert comparators.statistical_neighbours("884", 2024) == [
        "893", "878", "908", "933", "838", "865", "935", "926", "916", "909"]
    # sn_model_2025_wide.csv, row 884
    assert comparators.statistical_neighbours("884", 2025) == [
        "943", "860", "925", "893", "933", "888", "935", "811", "815", "830"]
    assert comparators.neighbour_model(2024) == "2021"
    assert comparators.neighbour_model(2025) == "2025"


def test_region_comparator_is_the_rest_of_the_region():
    codes = comparators.comparator_codes("884", 2025, "region")
    assert "884" not in codes and "330" in codes          # Birmingham, West Midlands
    assert len(codes) == 13


def _frame(values, measure):
    return pd.DataFrame({
        "area_code": [str(100 + i) for i in range(len(values))],
        "geographic_level": "Local authority", "period": 2025, "measure": measure,
        "value": values, "status": ["ok" if np.isfinite(v) else "c" for v in values],
    })


def test_quartile_bands_respect_polarity():
    vals = [1.0, 2, 3, 4, 5, 6, 7, 8, np.nan]
    low = comparators.quartile_bands(_frame(vals, "cla_3plus_placements"))     # lower better
    high = comparators.quartile_bands(_frame(vals, "care_leavers_eet_19_21"))  # higher better
    none = comparators.quartile_bands(_frame(vals, "cla_rate_per_10k"))        # no polarity
    # cut points (type 7) of 1..8: 2.75, 4.5, 6.25
    assert list(low.band) == ["A", "A", "B", "B", "C", "C", "D", "D"]
    assert list(high.band) == ["D", "D", "C", "C", "B", "B", "A", "A"]
    assert list(none.band) == ["Q1", "Q1", "Q2", "Q2", "Q3", "Q3", "Q4", "Q4"]
    assert list(low["rank"]) == list(range(1, 9)) and list(high["rank"]) == list(range(8, 0, -1))
    assert (low.n_las == 8).all()                   # the suppressed LA is not banded


def test_value_on_a_cut_point_falls_in_the_lower_quarter_by_value_as_in_lait():
    """LAIT's calculate_quartile_band closes each quarter above: (q1, q2] and so on. A
    "higher is better" value on a cut point was put in the better band, so Herefordshire's
    staying put at 19-20 in 2021 (6/24 = 25.0%, the lower quartile) showed C where LAIT
    shows D, and 6 other rows of its benchmarking report were a band too good."""
    vals = [1.0, 2, 3, 4, 5]        # quartiles of 1..5 are exactly 2, 3, 4
    assert list(comparators.quartile_bands(_frame(vals, "cla_3plus_placements")).band) == ["A", "A", "B", "C", "D"]
    assert list(comparators.quartile_bands(_frame(vals, "care_leavers_eet_19_21")).band) == ["D", "D", "C", "B", "A"]
    assert list(comparators.quartile_bands(_frame(vals, "cla_rate_per_10k")).band) == ["Q1", "Q1", "Q2", "Q3", "Q4"]


@pytest.fixture(scope="module")
def bm():
    return benchmark.benchmark("884", ["cla_3plus_placements", "care_leavers_eet_19_21",
                                       "cla_rate_per_10k", "oc2_convictions"])


def test_neighbour_average_is_the_mean_of_neighbours_with_a_figure(bm, indicators):
    r = bm.series("care_leavers_eet_19_21").set_index("period").loc[2024]
    sn = comparators.statistical_neighbours("884", 2024)
    vals = [row(indicators, c, 2024, "care_leavers_eet_19_21") for c in sn
            if ((indicators.area_code == c) & (indicators.period == 2024)).any()]
    ok = [v.value for v in vals if v.status == "ok"]
    assert r.comparator_mean == pytest.approx(np.mean(ok))
    # of DfE's 10, Cumbria (909) was abolished in 2023: 9 neighbours in 2024
    assert r.comparator_n == len(ok) and r.comparator_size == 9 and "909" in sn
    assert r.comparator_min == min(ok) and r.comparator_max == max(ok)


def test_cumbria_is_gone_after_2023_and_the_average_says_so(bm):
    # Cumbria (909) is a 2021 neighbour of Herefordshire but was abolished in April 2023
    r = bm.series("cla_3plus_placements").set_index("period").loc[2024]
    assert r.comparator_n == 9


def test_la_row_carries_counts_interval_band_region_england(bm):
    r = bm.series("cla_3plus_placements").set_index("period").loc[2024]
    assert (r.la_numerator, r.la_denominator) == (42, 387)
    assert r.la_ci_low < r.la_value < r.la_ci_high
    assert r.band in {"A", "B", "C", "D"} and 1 <= r["rank"] <= r.n_las
    assert np.isfinite(r.region_value) and np.isfinite(r.england_value)


def test_statement_says_when_a_gap_is_noise(bm):
    s = bm.statement("care_leavers_eet_19_21")
    assert "54.7% (64 of 117)" in s and "in line with its statistical neighbours" in s
    assert bm.verdict("care_leavers_eet_19_21") == "in line"
    assert bm.headline("care_leavers_eet_19_21").startswith("Herefordshire: 54.7% in 2025")


def test_statement_on_a_clear_gap_without_polarity(bm):
    # Herefordshire's CLA rate (99.9) is far above its neighbours (66.7): a real gap,
    # reported as higher, not better or worse (DfE gives the rate no polarity)
    assert bm.verdict("cla_rate_per_10k") == "higher"
    text = bm.statement("cla_rate_per_10k")
    assert "higher than its statistical neighbours: their average lies outside Herefordshire's 95% interval" in text
    # a rate's denominator is the child population, not a cohort
    assert "a population of 34,439 children" in text and "cohort" not in text


def test_a_count_is_not_judged_against_other_councils():
    # Herefordshire looked after 344 children in 2025 and its neighbours 828 on average:
    # they are bigger councils. The rate (99.9 against 66.7 per 10,000) is the comparison.
    counts = benchmark.benchmark("884", ["cla_count", "foster_places"])
    assert counts.verdict("cla_count") is None
    assert counts.headline("cla_count") == "Herefordshire: 344 in 2025, down from 387 in 2024"
    s = counts.statement("cla_count")
    assert "averaged 828" in s and "not judged against other councils" in s
    assert "lower than" not in s and "quarter of LAs" not in s
    last = counts.latest("foster_places")
    assert pd.isna(last["band"]) and pd.isna(last["n_las"])      # no league table of sizes
    assert counts.headline("foster_places").startswith("Herefordshire: 175 places in 2025, down from")


def test_to_frame_and_summary(bm):
    f = bm.to_frame()
    assert {"measure", "period", "la_value", "comparator_mean", "band"} <= set(f.columns)
    assert "Care leavers aged 19 to 21" in bm.summary()


def test_councils_created_in_2023_take_their_neighbours_from_the_2025_model():
    from evaltools import benchmark
    from evaltools.comparators import neighbour_model_for, statistical_neighbours
    assert neighbour_model_for("942", 2023) == "2025"          # Cumberland: not in the 2021 model
    assert neighbour_model_for("884", 2023) == "2021"          # everyone else: the year's own model
    assert statistical_neighbours("942", 2023) == statistical_neighbours("942", 2025)
    assert len(statistical_neighbours("943", 2024)) == 10
    bm = benchmark.benchmark("942", ["cla_3plus_placements"])
    t = bm.table.set_index("period")
    assert set(t["comparator_model"]) == {"2025"} and (t["comparator_n"] > 0).all()


def test_workforce_figures_are_named_by_their_census_not_the_year_holding_it():
    """The September 2025 census counts in the year ending 31 March 2026 (assumption E9)
    but is DfE's "2025" figure: statements, tables and charts say "Sep 2025"."""
    import matplotlib.pyplot as plt

    from evaltools import plots, report

    wf = benchmark.benchmark("884", ["social_worker_turnover", "care_leavers_eet_19_21"])
    assert wf.latest("social_worker_turnover")["period"] == 2026
    assert wf.statement("social_worker_turnover").startswith("At 30 September 2025, Herefordshire: ")
    assert "The year before (Sep 2024)" in wf.statement("social_worker_turnover")
    assert " in Sep 2025" in wf.headline("social_worker_turnover")
    assert list(report.trend_table(wf, "social_worker_turnover")["Year"])[-1] == "Sep\u00a02025"
    assert dict(zip(report.latest_table(wf)["Measure"], report.latest_table(wf)["Year"])) == {
        "Social worker turnover": "Sep\u00a02025", "EET, aged 19-21": 2025}
    assert report.years_covered(wf) == ("the years ending 31 March 2016 to 2025 and census "
                                        "figures from Sep 2016 to Sep 2025")
    fig = plots.benchmark_chart(wf, "social_worker_turnover")
    x, _ = next(l for l in fig.axes[0].get_lines() if l.get_label() == "Herefordshire").get_data()
    assert max(x) == 2025 and fig.axes[0].get_xlabel() == "Census at 30 September"
    assert "to Sep 2025" in fig.alt_text
    plt.close(fig)


def test_education_figures_are_named_by_their_academic_year():
    """LAIT's "2025" Attainment 8 is the 2024/25 academic year, stored as period 2025
    (assumption E17): statements, tables, intros and charts say "2024/25", not "2025
    (year ending 31 March)"."""
    import matplotlib.pyplot as plt

    from evaltools import plots, report

    ed = benchmark.benchmark("884", ["ks4_attainment8", "care_leavers_eet_19_21"])
    assert ed.latest("ks4_attainment8")["period"] == 2025
    st = ed.statement("ks4_attainment8")
    assert st.startswith("In the 2024/25 academic year, Herefordshire: ") and "year ending 31 March" not in st
    assert "The year before (2023/24)" in st
    assert " in 2024/25" in ed.headline("ks4_attainment8")
    assert list(report.trend_table(ed, "ks4_attainment8")["Year"])[-2:] == ["2023/24", "2024/25"]
    assert dict(zip(report.latest_table(ed)["Measure"], report.latest_table(ed)["Year"])) == {
        "KS4 Attainment 8": "2024/25", "EET, aged 19-21": 2025}
    assert report.years_covered(ed) == ("the years ending 31 March 2016 to 2025 and the academic "
                                        "years 2016/17 to 2024/25")
    assert report.years_covered(benchmark.benchmark("884", ["ks4_attainment8"])) == \
        "the academic years 2016/17 to 2024/25"
    fig = plots.benchmark_chart(ed, "ks4_attainment8")
    ax = fig.axes[0]
    x, _ = next(l for l in ax.get_lines() if l.get_label() == "Herefordshire").get_data()
    assert max(x) == 2025 and ax.get_xlabel() == "Academic year"
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "2024/25" and len(ticks) <= 6 and all("/" in t for t in ticks)
    assert "to 2024/25" in fig.alt_text and "DfE LAIT (2016/17 to 2024/25)" in plots.benchmark.source_note(
        ed, "ks4_attainment8")
    plt.close(fig)


def test_a_year_range_takes_census_figures_by_their_census_year():
    """benchmarking's years: [2016, 2025] must not drop the September 2025 workforce
    census (period 2026): the ILACS pack showed it while benchmarking stopped at Sep 2024."""
    bm = benchmark.benchmark("884", ["social_worker_agency_rate", "cla_3plus_placements"], periods=(2016, 2025))
    assert list(bm.series("social_worker_agency_rate")["period"].agg(["min", "max"])) == [2017, 2026]
    assert list(bm.series("cla_3plus_placements")["period"].agg(["min", "max"])) == [2016, 2025]


def test_a_lait_whole_number_within_rounding_is_in_line_and_its_trend_is_not_a_change():
    """LAIT gives Herefordshire's 2025 share placed outside the LA and over 20 miles as
    20 (a whole number) against its neighbours' 20.3: not 'better'. Its 2025 missing
    figure, LAIT's 7, against EES's exact 7.3% in 2024 is not a fall."""
    from evaltools import briefing
    bm = benchmark.benchmark("884", ["cla_placed_outside_la_over_20_miles", "cla_missing_incident"])
    assert bm.verdict("cla_placed_outside_la_over_20_miles") == "in line"
    text = bm.statement("cla_placed_outside_la_over_20_miles")
    assert "half a point or less may be rounding" in text
    # LAIT's whole numbers print as given (20%, not 20.0%); the neighbours' average keeps its decimal
    assert "Herefordshire: 20%." in text and "averaged 20.3%" in text and "England 18%" in text
    assert "20.0%" not in text and "  " not in text
    b = briefing.scorecard("884", strategy="herefordshire_2025_27")
    row = b.table.set_index("Measure").loc["Had a missing incident"]
    assert row["Trend"] == "→ no change beyond rounding"


def test_neighbours_at_zero_of_a_sizeable_cohort_are_flagged():
    """Development assessments 2025: Shropshire 0 of 92 and Lancashire 0 of 102 pull the
    neighbours' average down to 75.0%; the statement names them and gives the average
    without them."""
    bm = benchmark.benchmark("884", ["oc2_development_assessments", "oc2_convictions"])
    text = bm.statement("oc2_development_assessments", policy="internal")   # Herefordshire's 36 of 38 shown
    assert "2 neighbours report 0% (Shropshire 0 of 92; Lancashire 0 of 102)" in text
    assert "without them the neighbours averaged 93.7%" in text
    # where lower is better, 0% is a good result, not a gap
    assert "report 0%" not in bm.statement("oc2_convictions")


def _latest(value, lo=np.nan, hi=np.nan, decimals=np.nan, status="ok"):
    """A council's latest row of a benchmark table, as :func:`benchmark.compare` reads it."""
    return pd.Series({"la_status": status, "la_value": value, "la_ci_low": lo, "la_ci_high": hi,
                      "la_decimals": decimals})


def test_compare_is_the_one_rule_for_verdicts_and_the_briefing():
    """One comparison behind the benchmark's verdicts and statements and the briefing's
    RAG ratings: EET 19-21 (higher is better), 3+ placements (lower is better), the CLA
    rate (no polarity), against a reference of 45, 55 or 65."""
    from evaltools import registry
    eet, moves, rate = (registry.get(m) for m in ("care_leavers_eet_19_21", "cla_3plus_placements",
                                                  "cla_rate_per_10k"))
    tested = _latest(55.0, lo=50.0, hi=60.0)
    # the council's 95% interval holds the reference: in line, whatever the polarity
    for m in (eet, moves, rate):
        assert benchmark.compare(m, tested, 55.0) == "in line"
        assert benchmark.compare(m, tested, 59.9, tested_only=True) == "in line"
    # the interval clears the reference: the polarity says which way is better
    assert benchmark.compare(eet, tested, 45.0) == "better" and benchmark.compare(eet, tested, 65.0) == "worse"
    assert benchmark.compare(moves, tested, 45.0) == "worse" and benchmark.compare(moves, tested, 65.0) == "better"
    assert benchmark.compare(eet, tested, 45.0, tested_only=True) == "better"
    # no polarity: only higher or lower
    assert benchmark.compare(rate, tested, 45.0) == "higher" and benchmark.compare(rate, tested, 65.0) == "lower"
    # no interval (LAIT's figures without counts): compared as they stand, unless only
    # what is beyond noise may be said (the briefing), when there is nothing to say
    plain = _latest(25.5)
    assert benchmark.compare(eet, plain, 17.4) == "better" and benchmark.compare(moves, plain, 17.4) == "worse"
    assert benchmark.compare(rate, plain, 17.4) == "higher"
    assert benchmark.compare(eet, plain, 25.5) == "in line"
    assert benchmark.compare(eet, plain, 17.4, tested_only=True) is None
    # a whole number DfE published (LAIT's 20) within half a point is in line; the same
    # 20.0 from a column published to one decimal is a figure to the tenth, so it is not
    assert benchmark.compare(eet, _latest(20.0, decimals=0), 20.3) == "in line"
    assert benchmark.compare(eet, _latest(20.0, decimals=0), 19.5) == "in line"
    assert benchmark.compare(eet, _latest(20.0, decimals=0), 20.6) == "worse"
    assert benchmark.compare(eet, _latest(20.0, decimals=1), 20.3) == "worse"
    assert benchmark.compare(eet, _latest(20.0), 20.3) == "worse"           # worked out from counts
    assert benchmark.compare(eet, _latest(20.0, decimals=0), 20.3, tested_only=True) is None
    # nothing to compare: no reference, no council figure, a count
    assert benchmark.compare(eet, tested, np.nan) is None
    assert benchmark.compare(eet, _latest(np.nan, status="c"), 45.0) is None
    assert benchmark.compare(registry.get("cla_count"), _latest(344.0), 828.0) is None


def test_a_one_decimal_lait_figure_keeps_its_decimal_and_a_whole_one_does_not():
    """LAIT publishes absence to one decimal (Herefordshire 6.5%, England 9.0% in
    2024/25), so England's 9.0 prints 9.0%, not 9%; it publishes the share placed over
    20 miles away in whole numbers (England 18), so 18 prints 18%, not 18.0%."""
    from evaltools import registry, report
    absence, away = registry.get("absence_overall"), registry.get("cla_placed_outside_la_over_20_miles")
    assert benchmark.as_printed(absence, 9.0, 1) == "9.0%"
    assert benchmark.as_printed(away, 20.0, 0) == "20%"
    assert benchmark.as_printed(away, 20.0) == "20.0%"          # an average, or from counts
    bm = benchmark.benchmark("884", ["absence_overall", "cla_placed_outside_la_over_20_miles"])
    last = bm.latest("absence_overall")
    assert last["england_value"] == 9.0 and last["england_decimals"] == 1 and last["la_decimals"] == 1
    text = bm.statement("absence_overall")
    assert "England 9.0%." in text and "range 6.0% to 12.9%" in text and "England 9%" not in text
    t = report.latest_table(bm).set_index("Measure")
    assert t.loc["Overall absence", "England"] == "9.0%"
    assert t.loc[away.short, "England"] == "18%" and t.loc[away.short, "Herefordshire"] == "20%"


def test_englands_figure_is_printed_to_its_own_precision_not_the_councils(indicators):
    """England's figure beside the council's follows England's own row: with no figure
    for Herefordshire in 2025, England's LAIT 18 (a whole-number column) is still 18%."""
    from evaltools import registry, report
    mid = "cla_placed_outside_la_over_20_miles"
    f = indicators[(indicators.measure == mid) & ~((indicators.area_code == "884") & (indicators.period == 2025))]
    bm = benchmark.benchmark("884", [mid], indicators=f)
    last = bm.series(mid).iloc[-1]
    assert last["period"] == 2025 and last["la_status"] == "x" and last["la_source"] == ""
    assert report.latest_table(bm).set_index("Measure").loc[registry.get(mid).short, "England"] == "18%"


def test_a_neighbour_whose_figure_rests_on_a_recording_gap_is_left_out_and_named(indicators):
    """Hampshire, a Hertfordshire neighbour, records no information for 66% of its care
    leavers aged 17-18 in 2025; its 20.2% in education, employment or training would pull
    the neighbours' average from 70.1% to 65.1% and make Hertfordshire's 75.0% look
    better than its neighbours. It is left out, named, and the average with it given."""
    gaps = benchmark.recording_gaps()
    assert gaps[("850", 2025, "care_leavers_eet_17_18")] == pytest.approx(100 * 245 / 371)
    assert min(gaps.values()) >= benchmark.COMPARATOR_UNKNOWN_SHARE
    bm = benchmark.benchmark("919", ["care_leavers_eet_17_18"])
    r = bm.series("care_leavers_eet_17_18").set_index("period").loc[2025]
    sn = comparators.statistical_neighbours("919", 2025)
    assert "850" in sn
    others = [row(indicators, c, 2025, "care_leavers_eet_17_18").value for c in sn if c != "850"]
    assert r.comparator_mean == pytest.approx(np.mean(others)) and r.comparator_n == 9
    assert [c for c, *_ in r.comparator_unknown] == ["850"]
    hants = row(indicators, "850", 2025, "care_leavers_eet_17_18").value
    text = bm.statement("care_leavers_eet_17_18", "published")
    assert ("One neighbour is left out of the average because its figure reflects recording more than young "
            "people's lives: Hampshire (20.2%, with no information for 66% of the young people); with it the "
            f"average would be {np.mean(others + [hants]):.1f}%.") in text
    assert "in line with its statistical neighbours" in text     # not "better", as with Hampshire
    # a figure from anywhere but DfE's tables is not DfE's, whatever its council
    local = indicators[indicators["measure"] == "care_leavers_eet_17_18"].assign(source="council's own CSV")
    mine = benchmark.benchmark("919", ["care_leavers_eet_17_18"], indicators=local)
    assert mine.series("care_leavers_eet_17_18").set_index("period").loc[2025].comparator_n == 10


def test_a_test_against_the_neighbours_leaves_out_one_with_a_recording_gap_whole(indicators):
    """A difference-in-differences needs every year from each neighbour, so Hampshire is
    left out of Hertfordshire's comparison on suitable accommodation altogether, and the
    caveat says which of its years put it out."""
    from evaltools.stats.diffindiff import did
    f = indicators[indicators["measure"] == "care_leavers_suitable_accommodation_19_21"]
    frame, against, left = benchmark.set_aside(f, "919", "statistical_neighbours")
    sn = comparators.comparator_codes("919", int(f["period"].max()))
    assert against == [c for c in sn if c != "850"] and frame is f
    assert [(a, p) for a, p, _ in left] == [("850", 2019), ("850", 2023), ("850", 2024), ("850", 2025)]
    res = did(frame, "919", 2022, measure="care_leavers_suitable_accommodation_19_21", comparators=against)
    assert res.diagnostics["n_comparators"] == len(against) and not any("Hampshire" in w for w in res.warnings)
    words = benchmark.gaps_words(left)
    assert words.startswith("left out of the comparison: Hampshire, where DfE records no information for "
                            "27%, 25%, 64% and 51% of the young people in 2019, 2023, 2024 and 2025")
    # against every other LA, the frame comes back without the LAs left out
    frame, against, left = benchmark.set_aside(f, "919", None)
    assert against is None and not frame["area_code"].astype(str).isin({a for a, *_ in left}).any()
    assert "850" in {a for a, *_ in left} and (frame["area_code"].astype(str) == "919").any()
    # the council's own figures are never set aside
    assert "850" not in {a for a, *_ in benchmark.set_aside(f, "850", "statistical_neighbours")[2]}


def test_neighbours_suppressed_for_few_children_are_counted_as_the_range_they_can_be(indicators):
    """Hertfordshire's convictions 2025, 2.3% (12 of 521): the 5 neighbours with a figure
    average 1.2% (three at 0), and the other 5 are DfE's c. England's count bears out that
    a convictions c is 1 to 5 children, so the whole set's average lies between counting
    each at 1 and at 5: 1.0% to 2.6%, which reaches into Hertfordshire's interval. It was
    "worse than statistical neighbours"; it is in line."""
    few = benchmark.c_means_few(indicators)
    assert ("oc2_convictions", 2025) in few
    assert ("new_placements_over_20_miles", 2025) not in few     # a c there hides about 77 children
    bm = benchmark.benchmark("919", ["oc2_convictions"])
    last = bm.latest("oc2_convictions")
    sn = comparators.statistical_neighbours("919", 2025)
    rows = [row(indicators, c, 2025, "oc2_convictions") for c in sn]
    shown = [r.value for r in rows if r.status == "ok"]
    hidden = [r.denominator for r in rows if r.status == "c"]
    assert len(hidden) == 5 and last.comparator_mean == pytest.approx(np.mean(shown))
    for k, col in ((1, "comparator_low"), (5, "comparator_high")):
        assert last[col] == pytest.approx((sum(shown) + sum(100 * k / d for d in hidden)) / 10)
    assert benchmark.comparator_ref(last) == (last.comparator_low, last.comparator_high)
    assert bm.verdict("oc2_convictions") == "in line"
    assert benchmark.compare(registry.get("oc2_convictions"), last, last.comparator_mean) == "worse"
    text = bm.statement("oc2_convictions", "published")
    assert ("5 more are suppressed (DfE's c: 1 to 5 children each, in cohorts of 67 to 403): counted at 1 and "
            "at 5, the average of all 10 is 1.0% to 2.6%. That is in line with its statistical neighbours: the "
            "average of all 10 (1.0% to 2.6%) reaches into Hertfordshire's 95% interval") in text
    # a range the council clears on one side is a difference
    clear = last.copy()
    clear["la_ci_low"], clear["la_ci_high"] = 2.7, 4.0
    assert benchmark.compare(registry.get("oc2_convictions"), clear, benchmark.comparator_ref(last)) == "worse"


def test_briefing_quotes_the_range_a_council_was_found_worse_than():
    """Where the neighbours' average is a range (some of them DfE's c for a few
    children), the briefing's other measures and its key message give that range, not
    only the average of those with a figure."""
    from evaltools import briefing
    bm = benchmark.benchmark("919", ["oc2_convictions"])
    t = bm.table.copy()
    at = t.index[t["period"] == bm.latest("oc2_convictions")["period"]]
    t.loc[at, ["la_ci_low", "la_ci_high"]] = [2.7, 4.0]        # clears 1.0% to 2.6%
    worse = benchmark.BenchmarkResult(bm.la, bm.comparator, t, bm.indicators)
    others, _ = briefing._others(worse, ["oc2_convictions"], "published")
    (row,) = others.to_dict("records")
    assert row["sides"]["Neighbours"] == "worse"
    assert row["Neighbours"] == "1.2% (1.0% to 2.6% with the neighbours DfE shows as c counted)"


def test_an_open_year_range_runs_to_the_latest_year_published():
    """Evaluations said years: [2016, 2025]; next year's rerun kept benchmarking on 2025
    while the briefing showed 2026. [2016, null] follows the data."""
    from evaltools import published, runner
    from evaltools.paths import REPO_ROOT
    f = published.load_indicators(["cla_3plus_placements"])
    f = pd.concat([f, f[f["period"] == 2025].assign(period=2026)], ignore_index=True)   # next year's release
    def last(periods):
        bm = benchmark.benchmark("884", ["cla_3plus_placements"], periods=periods, indicators=f)
        return int(bm.series("cla_3plus_placements")["period"].max())
    assert (last((2016, 2025)), last((2016, None)), last(None)) == (2025, 2026, 2026)
    assert runner._check_parameters({"years": [2016, None]}, "e.yaml", "benchmarking",
                                    runner.notebook_parameters("benchmarking")) == {"years": [2016, None]}
    for ev in ("herefordshire", "hertfordshire", "st_helens", "england_benchmarking"):
        assert "years: [2016, null]" in (REPO_ROOT / "evaluations" / f"{ev}.yaml").read_text()


def test_a_list_of_comparators_is_taken_once_each_without_the_council():
    """[884, 893, 893, 919] for 884 averaged in Herefordshire's own figure and Shropshire twice."""
    assert comparators.comparator_codes("884", 2025, ["884", "893", "893", "Hertfordshire"]) == ["893", "919"]


def test_the_region_is_its_councils_of_that_year():
    """BCP's region counted Bournemouth and Poole (abolished 2019) beside BCP's own years."""
    from evaltools.areas import local_authorities
    las = local_authorities().set_index("area_code")
    for year in (2018, 2025):
        codes = comparators.comparator_codes("839", year, "region")
        assert all(las.loc[c, "first_period"] <= year <= las.loc[c, "last_period"] for c in codes)
    assert len(comparators.comparator_codes("839", 2025, "region")) == 14


def test_neighbours_and_region_are_the_councils_that_existed_that_year():
    """DfE's 2021 groups name today's councils for every year they are used, from 2016:
    Dorset (838, from April 2019) is one of Herefordshire's, Cumbria (909, gone in
    April 2023) too, and North Northamptonshire (940, from April 2021) is one of
    Derbyshire's. A year counts only those there were; a region's councils likewise,
    in 2016 and 2017 too (DfE's tables start in 2018, LAIT's in 2016)."""
    hf = comparators.statistical_neighbours("884", 2019)
    assert {"838", "909"} <= set(hf)
    assert "838" not in comparators.comparator_codes("884", 2019) and "909" in comparators.comparator_codes("884", 2019)
    assert "838" in comparators.comparator_codes("884", 2020)
    assert "909" not in comparators.comparator_codes("884", 2024)
    assert "940" in comparators.statistical_neighbours("830", 2019)
    assert "940" not in comparators.comparator_codes("830", 2019) and "940" in comparators.comparator_codes("830", 2022)
    west_midlands = comparators.comparator_codes("884", 2016, "region")
    assert len(west_midlands) == len(comparators.comparator_codes("884", 2019, "region")) == 13
    east = comparators.comparator_codes("940", 2019, "region")
    assert "928" in east and "940" not in east and "941" not in east
    assert "928" not in comparators.comparator_codes("940", 2022, "region")


def test_a_name_two_councils_have_had_is_todays_council():
    """"Dorset" is the council of today (838), not the county council before April 2019
    (835); its number still finds the old one."""
    from evaltools.areas import resolve_la
    assert resolve_la("Dorset").area_code == "838"
    assert resolve_la("835").area_name == "Dorset" and resolve_la("835").last_period == 2019


def test_a_councils_trend_starts_when_it_was_formed_and_ends_when_it_went():
    """Cumberland (942, from April 2023) had 2016 to 2023 charted as gaps marked "x = not
    available", and Northamptonshire (928, to March 2021) "later figures (2022 to 2025)
    are suppressed or not available": neither council existed then."""
    from evaltools import benchmark
    new = benchmark.benchmark("942", ["cla_3plus_placements"])
    assert list(new.series("cla_3plus_placements")["period"]) == [2024, 2025]
    assert "not available" not in new.statement("cla_3plus_placements", policy="published")
    old = benchmark.benchmark("928", ["cla_3plus_placements"])
    assert old.series("cla_3plus_placements")["period"].max() == 2021
    assert "suppressed or not available" not in old.statement("cla_3plus_placements", policy="published")


def test_a_council_with_no_close_neighbours_is_told_the_comparison_says_little():
    """DfE rates every neighbour of City of London and the Isles of Scilly "not close"
    (both models): their statements say so rather than judging against them as if they
    were like the council; Herefordshire's are "extremely" or "very close"."""
    from evaltools import benchmark
    from evaltools.comparators import none_close
    assert none_close("201", 2024) and none_close("420", 2025)
    assert not none_close("884", 2024) and not none_close("202", 2025)    # Camden: some not close
    # (its placement figures are all withheld or over no children: its caseloads have a figure)
    text = benchmark.benchmark("420", ["social_worker_caseload"]).statement("social_worker_caseload",
                                                                         policy="published")
    assert "DfE rates none of them as close to Isles of Scilly (all 'not close')" in text
    text = benchmark.benchmark("884", ["cla_3plus_placements"]).statement("cla_3plus_placements", policy="published")
    assert "not close" not in text


def test_a_council_with_half_its_neighbours_not_close_is_told_so():
    """Camden's 2021 group has 5 of 10 neighbours DfE rates "not close": its statement
    judged against their average as if they were all like it."""
    from evaltools import benchmark
    from evaltools.comparators import not_close
    assert not_close("202", 2024) == (5, 10) and not_close("884", 2024)[0] == 0
    text = benchmark.benchmark("202", ["cla_3plus_placements"], periods=(2016, 2024)).statement(
        "cla_3plus_placements", policy="published")
    assert "DfE rates 5 of these 10 neighbours 'not close' to Camden, so their average is a loose guide" in text
    # 1 of 10 in the 2025 model: no sentence
    assert not_close("202", 2025)[0] == 1
    text = benchmark.benchmark("202", ["cla_3plus_placements"]).statement("cla_3plus_placements", policy="published")
    assert "not close" not in text


def test_a_statement_is_written_under_the_published_policy_unless_told(not_dfe):
    """The README's own example, bm.statement(id), printed "94.7% (36 of 38)": 2 children
    not assessed, under a default of internal. A disclosed result's statement named the
    wrong policy ("not shown under the internal policy")."""
    bm = benchmark.benchmark("884", ["oc2_development_assessments"])
    mid = "oc2_development_assessments"
    assert "36 of 38" not in bm.statement(mid) and "36 of 38" not in bm.summary()
    assert "published policy" in bm.statement(mid)
    assert "36 of 38" in bm.statement(mid, policy="internal")
    assert "under the ofsted policy" in bm.disclosed("ofsted").statement(mid)


def test_a_year_the_policy_withholds_is_not_called_suppressed_by_dfe(not_dfe):
    """Herefordshire's staying put at 18: 2022 (9 of 13, 4 not staying) is withheld by
    the published policy, 2023 and 2024 by DfE. The statement called all three
    "suppressed or not available", where the tables say the policy withheld 2022."""
    from evaltools import benchmark
    bm = benchmark.benchmark("884", ["staying_put_18"])
    text = bm.statement("staying_put_18", policy="published")
    assert ("Later figures: 2022 is withheld under the published policy, as it would reveal 1 to 5 children; "
            "2023 to 2024 are suppressed or not available.") in text
    assert "Later figures (2023 to 2024) are suppressed or not available." in bm.statement("staying_put_18",
                                                                                         policy="internal")
