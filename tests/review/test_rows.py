"""Review rows from real published figures: baseline, latest, direction, target, verdict, caveats."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from evaltools import local, published, review, strategies, topics, wording

from ..conftest import as_read  # noqa: E402

MEASURES = [
    {"id": "eet", "text": "More care leavers aged 19-21 in EET", "source": "published",
     "measure": "care_leavers_eet_19_21", "direction": "increase", "baseline": {"value": 48, "period": 2022}},
    {"id": "eet_bad", "text": "EET, a baseline matching no year", "source": "published",
     "measure": "care_leavers_eet_19_21", "direction": "increase", "baseline": {"value": 46.8, "period": 2021}},
    {"id": "lts", "text": "Long-term stability", "source": "published", "measure": "long_term_stability",
     "direction": "increase", "baseline": {"value": 71.9, "period": 2018}, "target": {"value": 75}},
    {"id": "rate", "text": "Fewer children in care", "source": "published", "measure": "cla_rate_per_10k",
     "direction": "decrease"},
    {"id": "missing", "text": "Fewer go missing", "source": "published", "measure": "cla_missing_incident",
     "direction": "decrease", "baseline": {"value": 2, "period": 2016}},
    {"id": "pathway", "text": "Pathway plans up to date", "source": "local", "local": "pathway_plans_up_to_date",
     "direction": "increase", "target": {"value": 100}},
]



@pytest.fixture(scope="module")
def table():
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2024}, "measures": MEASURES})
    f = published.load_indicators(sorted({m["measure"] for m in MEASURES if "measure" in m}))
    return review.review_table(s, f).set_index("id")


def test_baseline_latest_and_verdict_from_published_counts(table):
    """Herefordshire EET 19-21: 47/98 (48.0%) in 2022, 64/117 (54.7%) in 2025: up, but
    within noise for about a hundred care leavers. The strategy's 48 is DfE's 48.0
    rounded, so the review starts from DfE's own figure (one year, one figure)."""
    r = table.loc["eet"]
    assert r.baseline_value == pytest.approx(100 * 47 / 98) and r.baseline_period == 2022
    assert r.baseline_from == "published"
    assert r.latest_period == 2025 and r.latest_value == pytest.approx(100 * 64 / 117)
    assert r.direction_met == "yes" and r.verdict == "no detectable change"
    assert "would usually not be told from noise" in r.test and r.caveats == ""


def test_a_baseline_that_matches_no_published_year_is_flagged(table):
    assert "does not match the published 2021 figure (50.0); it matches no published year" in table.loc["eet_bad",
                                                                                                         "caveats"]


def test_target_and_definition_change(table):
    r = table.loc["lts"]
    assert r.target_met == "no" and r.direction_met == "no"
    assert "definition changed from 2019" in r.caveats and "same carer" in r.caveats


def test_a_rate_is_set_against_the_neighbours_from_the_strategy_baseline_year(table):
    """A rate per 10,000 has no counts of children to test, so its change since the
    baseline year is set against the statistical neighbours' (difference-in-differences)."""
    r = table.loc["rate"]
    assert r.baseline_period == 2024 and r.baseline_from == "published"
    assert r.verdict in ("no detectable change", "improved beyond noise", "worsened beyond noise")
    assert "against the statistical neighbours' change since 2024" in r.test and "95% CI" in r.test
    lo, hi = (float(x) for x in r.test.split("95% CI ")[1].split(";")[0].split(" to "))
    assert (r.verdict == "no detectable change") == (lo <= 0 <= hi)


def test_without_comparators_a_rate_is_not_tested():
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2024},
                          "measures": [m for m in MEASURES if m["id"] == "rate"]})
    t = review.review_table(s, published.load_indicators(["cla_rate_per_10k"]), comparators=None)
    assert t.loc[0, "verdict"] == "not tested" and "no counts" in t.loc[0, "test"]


def test_a_recording_jump_is_flagged(table):
    """Herefordshire's missing rate jumps from about 2% to 7-11% after 2017: against a
    2016 baseline (the 2017-20 strategy's), the review must say so."""
    r = table.loc["missing"]
    assert "a sudden rise in 2018" in r.caveats and r.direction_met == "no"
    assert r.verdict == "not tested"          # LAIT gives no counts for 2016


def test_local_measures_show_no_data_until_supplied(table, tmp_path):
    r = table.loc["pathway"]
    assert r.verdict == "no data" and r.caveats == "no local data supplied"
    defs = {"pathway_plans_up_to_date": local.LocalMeasure("pathway_plans_up_to_date", "Pathway plans", "percent",
                                                           "high", "record")}
    p = tmp_path / "l.csv"
    p.write_text("measure,period,numerator,denominator\npathway_plans_up_to_date,2024,120,160\n"
                 "pathway_plans_up_to_date,2025,150,162\n")
    f = local.read(p, la="884", defs=defs)
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2024}, "measures": MEASURES[-1:]})
    r = review.review_table(s, f).iloc[0]
    assert r.baseline_value == pytest.approx(75) and r.latest_value == pytest.approx(100 * 150 / 162)
    assert r.verdict == "improved beyond noise" and r.target_met == "no"


def _local_review(tmp_path, csv: str, measures: list, start: str, end: str, baseline: int):
    """A review of a test strategy of local ``measures`` over the figures of the local
    measures file ``csv`` (Herefordshire's); returns the review and the file as read."""
    p = tmp_path / "l.csv"
    p.write_text(csv)
    f = local.read(p, la="884")
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": start, "end": end,
                                       "baseline_period": baseline}, "measures": measures})
    return review.Review(s, review.review_table(s, f), f, []), f


def test_a_local_baseline_is_checked_against_the_councils_own_file(tmp_path):
    """A local measure is read as a published one is: a strategy baseline (60) that its
    own file does not bear out (140/180 = 77.8% in 2021) is flagged and the review starts
    from the file's figure, as the test does; a figure given as a percentage alone says
    how to make it testable; its figures carry their unit (77.8%, not 77.8)."""
    measures = [{"id": "pp", "text": "Pathway plans", "source": "local", "local": "pathway_plans_up_to_date",
                 "direction": "increase", "baseline": {"value": 60, "period": 2021}},
                {"id": "rhi", "text": "Return home interviews", "source": "local",
                 "local": "return_home_interviews_takeup", "direction": "increase"}]
    rev, _ = _local_review(tmp_path, "measure,period,numerator,denominator,value\n"
                           "pathway_plans_up_to_date,2021,140,180,\npathway_plans_up_to_date,2025,205,214,\n"
                           "return_home_interviews_takeup,2021,,,52\nreturn_home_interviews_takeup,2025,,,74\n",
                           measures, "2021-04-01", "2025-03-31", 2021)
    t = rev.table.set_index("id")
    assert t.loc["pp", "baseline_value"] == pytest.approx(100 * 140 / 180) and t.loc["pp", "baseline_from"] == "local"
    assert ("the strategy's baseline 60 does not match the local 2021 figure (77.8); it matches no local year"
            in t.loc["pp", "caveats"])
    assert t.loc["pp", "test"].startswith("+18.0 points")          # from the same 77.8
    assert t.loc["rhi", "verdict"] == "not tested" and t.loc["rhi", "baseline_from"] == "local"
    assert t.loc["rhi", "test"].startswith("the local 2021 and 2025 figures are given as percentages alone: "
                                           "give the numerator and denominator")
    shown = review.display_table(rev, "internal").set_index("Measure")
    assert list(shown["Baseline"]) == ["77.8% (2021)", "52.0% (2021)"]


def test_a_local_figure_for_the_latest_year_only_says_what_to_add(tmp_path):
    """A survey commitment whose baseline is the strategy's own figure (2021), with the
    local file giving only the latest year's counts, printed the statistics' own message
    in the board paper ("no before figure for 'bright_spots_...' in [2021] (not in the
    frame); choose periods ...")."""
    measures = [{"id": "bs", "text": "Fewer care leavers without a trusted person", "source": "local",
                 "local": "bright_spots_cl_no_trusted_person", "direction": "decrease",
                 "baseline": {"value": 11, "period": 2021}}]
    rev, _ = _local_review(tmp_path, "measure,period,numerator,denominator,value\n"
                           "bright_spots_cl_no_trusted_person,2024,12,150,\n",
                           measures, "2021-04-01", "2025-03-31", 2021)
    row = rev.table.set_index("id").loc["bs"]
    assert row["verdict"] == "not tested"
    assert row["test"].startswith("the local measures file has no 2021 figure")
    assert "add that year's numerator and denominator" in row["test"]
    assert "frame" not in row["test"] and "bright_spots" not in row["test"]


def test_a_review_given_local_measures_draws_its_charts(tmp_path, monkeypatch):
    """A council's local CSV (the README's own example row) made every report of the
    review fail: its rows carry the date each figure ends, DfE's do not, and the charts'
    frame then read every DfE figure as a duplicate of the others."""
    from evaltools import report

    p = tmp_path / "local.csv"
    p.write_text("measure,period,numerator,denominator,value,source_note\n"
                 "pathway_plans_up_to_date,2024,151,163,,Care leavers team tracker\n")
    r = review.evaluate("herefordshire_2025_27", local=p)
    row = r.table.set_index("measure").loc["pathway_plans_up_to_date"]
    assert row.latest_value == pytest.approx(100 * 151 / 163)
    shown = []
    monkeypatch.setattr(report, "display", lambda x, **kw: shown.append(x))
    report.show_review_charts(r, "published")
    assert sum("<img" in getattr(x, "data", "") for x in shown) >= 1


def test_local_measures_that_matter_get_a_chart_and_a_table(tmp_path, monkeypatch):
    """A local measure that improved beyond noise was left out of "the measures that
    matter most" (only DfE's had charts): it now has its own chart, with intervals from
    its counts, and a table by year; a year resting on 1 to 5 children is c in both."""
    from evaltools import report

    measures = [{"id": "pp", "text": "Pathway plans up to date", "source": "local",
                 "local": "pathway_plans_up_to_date", "direction": "increase", "target": {"value": 95}},
                {"id": "rhi", "text": "Return home interviews", "source": "local",
                 "local": "return_home_interviews_takeup", "direction": "increase"}]
    r, f = _local_review(tmp_path, "measure,period,numerator,denominator,value,source_note\n"
                         "pathway_plans_up_to_date,2024,120,160,,tracker\npathway_plans_up_to_date,2025,155,162,,"
                         "tracker\nreturn_home_interviews_takeup,2024,2,4,,log\n"
                         "return_home_interviews_takeup,2025,61,98,,log\n", measures, "2024-04-01", "2027-03-31", 2024)
    assert report.review_chart_measures(r) == [] and [v["id"] for v in report.review_local_rows(r)] == ["pp", "rhi"]
    shown = []
    monkeypatch.setattr(report, "display", lambda x, **kw: shown.append(x))
    report.show_review_charts(r, "published")
    text = [getattr(x, "data", "") for x in shown if not isinstance(x, dict)]
    tables = [x["text/html"] for x in shown if isinstance(x, dict)]
    assert sum("(local measure)" in t for t in text) == 2 and sum("<img" in t for t in text) == 2
    assert "Pathway plans up to date: **95.7% (2025)**, from 75.0% (2024); improved beyond noise." in text
    assert "155 of 162" in tables[0] and "120 of 160" in tables[0] and "91.4% to 97.9%" in tables[0]
    # 2 of 4 in 2024 rests on few: c in the table, and the chart's points leave it out
    assert "<td>c</td>" in tables[1] and "2 of 4" not in tables[1]
    assert "No published measure" not in " ".join(text)
    # the narrative's list of gains gives its figures, as for DfE's measures
    assert "Pathway plans up to date \u2014 from 75.0% in 2024 to 95.7% in 2025" in r.narrative("published")
    from evaltools.plots import local_chart
    from evaltools.stats import frames
    series = frames.series(f[f["measure"] == "return_home_interviews_takeup"], "return_home_interviews_takeup")
    fig = local_chart(series, title="t", what="Return home interviews", unit="percent", name="Herefordshire",
                      policy="published")
    y = fig.axes[0].get_lines()[0].get_ydata()
    assert np.isnan(y[0]) and y[1] == pytest.approx(62.2) and "2024" not in fig.alt_text
    assert "c" in [t.get_text() for t in fig.axes[0].texts]
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_jumps_needs_five_years_and_a_real_outlier():
    s = pd.DataFrame({"time": range(2016, 2024), "value": [2, 2.2, 8, 8.3, 8.1, 8.6, 8.4, 8.2]})
    assert review.jumps(s) == [2018]
    assert review.jumps(s.iloc[:4]) == []
    assert review.jumps(s.assign(value=[1, 2, 3, 4, 5, 6, 7, 8])) == []
    # one odd year and back: the odd year, not the year back to normal (health
    # assessments, Herefordshire: 97.5% in 2022, 72.6% in 2023, 94.8% in 2024)
    spike = pd.DataFrame({"time": range(2019, 2026), "value": [94.9, 95.9, 97.6, 97.5, 72.6, 94.8, 95.4]})
    assert review.jumps(spike) == [2023]
    assert review.jumps(s.assign(value=[2, 2.2, 8, 2.1, 2.3, 2.2, 2.0, 2.4])) == [2018]


def _one(measure: str, start: str, end: str, baseline_period: int, direction: str):
    """The review row of a one-measure strategy, with DfE's first releases for revisions."""
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": start, "end": end,
                                       "baseline_period": baseline_period},
                          "measures": [{"id": "m", "text": "A measure", "source": "published",
                                        "measure": measure, "direction": direction}]})
    f = published.load_indicators([measure])
    first = published.load_indicators([measure], use_lait=False, release="first")
    return review.review_table(s, f, first=first).iloc[0], f


def test_dfe_revisions_are_flagged():
    """Herefordshire 2022, 3+ placements: first published 21/378 (2022 release), now
    39/379 (2025 release)."""
    r, f = _one("cla_3plus_placements", "2022-04-01", "2025-03-31", 2022, "decrease")
    assert "DfE revised 2022 first published as 5.6 (21/378), now 10.3 (39/379)" in r.caveats
    assert review.revisions(f, f, "cla_3plus_placements", "884", 2018, 2025) is None


def test_the_first_published_year_stands_in_for_a_missing_baseline_year():
    """Long-term stability is first published for 2018: a 2017 baseline year takes it,
    and says so."""
    r, _ = _one("long_term_stability", "2017-04-01", "2020-03-31", 2017, "increase")
    assert r.baseline_period == 2018 and r.latest_period == 2020
    assert "no figure for the baseline year 2017; the baseline is the first year with one, 2018" in r.caveats


def test_a_relative_target_becomes_a_level_from_the_baseline():
    """Herefordshire 2025-27: grow foster carer households by a fifth. The proxy (in-house
    foster places) was 215 in 2024, so the target is 258; 175 in 2025 does not meet it."""
    s = strategies.load("herefordshire_2025_27")
    sm = next(m for m in s.measures if m.id == "hf25_foster_homes_20pct")
    assert sm.target.change_percent == 20 and sm.target.value is None
    f = published.load_indicators(["foster_places"])
    r = review.measure_row(sm, f, "884", s.baseline_period, comparators=None)
    assert r.baseline_value == 215 and r.target_value == pytest.approx(258)
    assert r.target_met == "no" and "a change of +20% on the baseline (215 places to 258 places)" in "; ".join(r.caveats)
    # a count is not set against the neighbours' change (they are other sizes)
    r = review.measure_row(sm, f, "884", s.baseline_period, comparators="statistical_neighbours")
    assert r.verdict == "not tested" and r.test.endswith(topics.COUNT_NOT_COMPARED)
    with pytest.raises(strategies.StrategyError, match="both value and change_percent"):
        strategies.parse({"strategy": {"id": "t", "title": "T", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31"},
                          "measures": [{"id": "x", "text": "x", "source": "published", "measure": "foster_places",
                                        "direction": "increase", "target": {"value": 5, "change_percent": 20}}]})


def test_hertfordshire_eet_baseline_matches_no_published_year():
    """The issue's example: Hertfordshire's 2022-25 strategy gives 46.8% EET (19-21) as
    its baseline; DfE published 54.4% (2019), 56.8% (2020), 55.0% (2021)."""
    s = strategies.load("hertfordshire_2022_25")
    sm = next(m for m in s.measures if m.id == "ht22_cl_eet_19_21")
    r = review.measure_row(sm, published.load_indicators(["care_leavers_eet_19_21"]), "919", s.baseline_period,
                           comparators=None)
    assert ("the strategy's baseline 46.8 does not match the published 2021 figure (55.0); it matches no "
            "published year (the review starts from the published figure, to compare like with like)") in r.caveats
    # the direction and the test both read DfE's 2021 figure against DfE's latest: a rise
    # from 46.8 to 55.9 was one of 0.9 points
    assert (round(r.baseline_value, 1), r.baseline_from) == (55.0, "published")
    assert r.test.startswith("+0.9 points")


def test_a_baseline_is_matched_only_to_years_near_it():
    """Hertfordshire's CLA rate baseline, 37.5 (March 2021), "matched 2016": LAIT's
    whole-number 38, five years before, which any figure from 37.5 to 38.5 would match
    and a board would query. A strategy quotes a recent year; a whole number near it
    still says it matches only within its rounding."""
    s = strategies.load("hertfordshire_2022_25")
    sm = next(m for m in s.measures if m.measure == "cla_rate_per_10k")
    frame = published.load_indicators(["cla_rate_per_10k"])
    r = review.measure_row(sm, frame, "919", s.baseline_period, comparators=None)
    said = "; ".join(r.caveats)
    assert "it matches no published year near 2021" in said and "2016" not in said
    near = frame.copy()
    hit = (near["area_code"].astype(str) == "919") & (near["period"] == 2019)
    near.loc[hit, "value"] = 38.0
    r = review.measure_row(sm, near, "919", s.baseline_period, comparators=None)
    assert "it matches 2019 (38, a whole number: within its rounding only)" in "; ".join(r.caveats)


def test_a_strategy_baseline_that_does_not_reconcile_does_not_count_as_movement():
    """Hertfordshire's out-of-area placements: the strategy says 24.5% in 2021, DfE 22%
    then and 22% in 2025. Set against its own 24.5 the latest figure "moved as
    promised"; against DfE's 2021 figure it did not move."""
    r = review.evaluate("hertfordshire_2022_25").table.set_index("id")
    row = r[r["caveats"].str.contains("strategy's baseline 24.5")].iloc[0]
    assert row.baseline_value == 22 and row.direction_met != "yes"


def test_the_review_sets_the_latest_year_against_the_baseline_year_not_every_earlier_year():
    """Overall absence (2025-27, baseline 2024): Herefordshire 7.1 -> 6.5 while its
    neighbours fell further. Against the average of 2021-24 (pandemic years, high
    absence) the fall looked like an improvement beyond noise; against the baseline
    year it is no detectable change."""
    from evaltools.stats import did
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2024},
                          "measures": [{"id": "abs", "text": "Better attendance", "source": "published",
                                        "measure": "absence_overall", "direction": "decrease"}]})
    f = published.load_indicators(["absence_overall"])
    r = review.review_table(s, f).set_index("id").loc["abs"]
    assert r.verdict == "no detectable change" and "change since 2023/24" in r.test   # period 2024
    both = did(f, "884", 2025, measure="absence_overall", comparators="statistical_neighbours",
               reference="last")
    assert f"{both.estimate:+.1f}" in r.test


def test_no_figure_since_the_baseline_is_not_no_change():
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2025},
                          "measures": [{"id": "eet", "text": "EET", "source": "published",
                                        "measure": "care_leavers_eet_19_21", "direction": "increase"}]})
    r = review.review_table(s, published.load_indicators(["care_leavers_eet_19_21"])).set_index("id").loc["eet"]
    assert r.latest_period == r.baseline_period == 2025
    assert r.direction_met == "no figure since the baseline"


def test_years_unlike_the_others_between_baseline_and_latest_are_flagged():
    """Attainment 8 from 2018/19 to 2024/25 crosses the pandemic's grades: the caveat
    names the years as academic years; within 2022/23 onwards there is nothing to say."""
    c = review._definition_change("ks4_attainment8", 2019, 2025)
    assert c.startswith("the years from the baseline 2018/19 to 2024/25 are not all alike: ")
    assert "2019/20 and 2020/21: Centre-assessment grades" in c and "From 2022/23: " in c
    assert review._definition_change("ks4_attainment8", 2023, 2025) is None
    assert "2019/20 and 2020/21" in review._definition_change("suspensions_one_plus", 2019, 2024)
    assert review._definition_change("suspensions_one_plus", 2022, 2024) is None


def test_a_target_set_against_england_is_judged_on_englands_figure():
    """Herefordshire 2017-20: 'at or below the England rate per 10,000' and 'below
    England average' for 3+ placements (direction maintain: DfE's polarity, lower is
    better, says which side). In 2020 England's rate was 67.9 and Herefordshire's
    102.5; England's 3+ placements 10.9% and Herefordshire's 8.3%."""
    st = strategies.load("herefordshire_2017_20")
    rate, moves = st.measure("hf17_cla_rate_to_national"), st.measure("hf17_short_term_stability")
    assert rate.target.relative_to == moves.target.relative_to == "england"
    t = review.review_table(st, published.load_indicators(["cla_rate_per_10k", "cla_3plus_placements"]))
    t = t.set_index("id")
    r = t.loc["hf17_cla_rate_to_national"]
    assert r.latest_period == 2020 and r.target_value == pytest.approx(67.85, abs=0.01) and r.target_met == "no"
    assert "the target is England's figure for the latest year (67.9 per 10,000 in 2020), at or below it" in r.caveats
    m = t.loc["hf17_short_term_stability"]
    assert m.target_value == pytest.approx(10.875) and m.target_met == "yes"


def test_below_england_asks_for_lower_and_at_or_below_takes_englands_own_figure():
    """Herefordshire 2025-27: "cut the suspension rate ... to below the national rate"
    was judged "at or below": a council level with England had met it."""
    st = strategies.load("herefordshire_2025_27")
    assert st.measure("hf25_suspension_below_national").target.or_equal is False
    assert strategies.load("herefordshire_2017_20").measure("hf17_cla_rate_to_national").target.or_equal is True
    frame = published.load_indicators(["cla_rate_per_10k"])
    at = (frame["period"] == 2024) & (frame["status"] == "ok") & (frame["measure"] == "cla_rate_per_10k")
    from evaltools.indicators import ENGLAND_CODE
    england = float(frame.loc[at & (frame["area_code"].astype(str) == ENGLAND_CODE), "value"].iloc[0])
    tied = frame.copy()
    tied.loc[at & (tied["area_code"].astype(str) == "884"), "value"] = england    # level with England
    met = {}
    for words, extra in (("below", {}), ("at or below", {"or_equal": True})):
        s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2022-04-01",
                                           "end": "2024-03-31", "baseline_period": 2022},
                              "measures": [{"id": "rate", "text": f"{words} England", "source": "published",
                                            "measure": "cla_rate_per_10k", "direction": "decrease",
                                            "target": {"relative_to": "england", "by": 2024, **extra}}]})
        r = review.review_table(s, tied, comparators=None).set_index("id").loc["rate"]
        assert r.latest_period == 2024 and r.latest_value == r.target_value
        met[words] = r.target_met
        assert f"the target is England's figure for the latest year ({england:.1f} per 10,000 in 2024), {words} it" \
            in r.caveats
    assert met == {"below": "no", "at or below": "yes"}


def test_a_target_in_line_with_the_statistical_neighbours_is_judged_on_their_average():
    """"Increase care leavers aged 19-21 in EET to be in line with statistical
    neighbours" could not be written (relative_to took england only). It is the
    average of DfE's neighbour group for the latest year, as LAIT averages it."""
    from evaltools.comparators import statistical_neighbours
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2022-04-01",
                                       "end": "2025-03-31", "baseline_period": 2022},
                          "measures": [{"id": "eet", "text": "EET in line with neighbours", "source": "published",
                                        "measure": "care_leavers_eet_19_21", "direction": "increase",
                                        "target": {"relative_to": "statistical_neighbours", "by": 2025}}]})
    frame = published.load_indicators(["care_leavers_eet_19_21"])
    r = review.review_table(s, frame, comparators=None).set_index("id").loc["eet"]
    group = statistical_neighbours("884", 2025)
    at = frame[(frame["period"] == 2025) & frame["area_code"].astype(str).isin(group) & (frame["status"] == "ok")
               & (frame["measure"] == "care_leavers_eet_19_21")]
    assert r.latest_period == 2025 and r.target_value == pytest.approx(at["value"].mean())
    assert r.target_met == ("yes" if r.latest_value >= r.target_value else "no")
    assert (f"the target is the statistical neighbours' average ({len(at)} of {len(group)} with a figure) for the "
            "latest year") in r.caveats


def test_social_worker_changes_in_the_2017_20_strategys_own_years():
    """DfE's Official Statistics give Herefordshire's children with 2+ social worker
    changes in 12 months as 76/330 (23%) in 2019 and 131/348 (38%) in 2020: the 2017-20
    review judges its commitment on them (the 3+ social workers measure starts in 2024)."""
    st = strategies.load("herefordshire_2017_20")
    t = review.review_table(st, published.load_indicators(["cla_sw_changes_2plus_12m"])).set_index("id")
    r = t.loc["hf17_sw_iro_changes"]
    assert r.measure == "cla_sw_changes_2plus_12m"
    assert r.baseline_period == 2019 and r.latest_period == 2020
    assert r.latest_value == pytest.approx(100 * 131 / 348)
    assert r.direction_met == "no" and r.verdict == "worsened beyond noise"


def test_the_narrative_says_which_verdicts_rest_on_the_synthetic_sample(monkeypatch):
    monkeypatch.setenv("EVALTOOLS_SALT", "narrative-test-salt")
    r = review.evaluate("herefordshire_2025_27", extract="data/sample")
    n = (r.table["source"] == "child_level") & r.table["verdict"].str.contains("beyond noise|no detectable")
    assert 0 < n.sum() <= 3
    text = r.narrative()
    assert "on the synthetic child-level sample (" in text and "not real children's records" in text
    for name in r.table.loc[n, "text"]:          # a reader can tell which verdicts they are
        assert name.rstrip(".") in text.split("synthetic child-level sample (")[1]
    # and each such row says so itself: a board paper may quote the table without the draft
    d = review.display_table(r, "published")
    sample = (r.table["source"] == "child_level").to_numpy()
    assert (d.loc[sample, "Source"] == review.SYNTHETIC_SOURCE).all() and sample.any()
    assert "child-level" not in set(d["Source"]) and f"the Source column says {review.SYNTHETIC_SOURCE}" in text


def test_the_narrative_does_not_count_a_direction_the_table_withholds(monkeypatch, not_dfe):
    """The development checks (0-4) rest on 1 to 5 children: the table shows c for
    "moved as promised", so the draft's count of measures that moved leaves it out and
    says one more is not shown, under the published policy only."""
    monkeypatch.setenv("EVALTOOLS_SALT", "narrative-test-salt")
    r = review.evaluate("herefordshire_2025_27", extract="data/sample")
    d = review.display_table(r, "published")
    shown = d["Moved as promised"]
    hid = review.withheld(r, "published")
    assert hid.sum() == (shown == "c").sum() >= 1
    c_pub, c_int = r.counts("published"), r.counts("internal")
    assert c_pub["direction_yes"] == (shown == "yes").sum()
    assert c_pub["direction_no"] == (shown == "no").sum()
    assert c_pub["withheld"] == hid.sum() and c_int["withheld"] == 0
    assert c_int["direction_yes"] + c_int["direction_no"] == \
        c_pub["direction_yes"] + c_pub["direction_no"] + (r.table.loc[hid, "direction_met"].isin(["yes", "no"])).sum()
    one = "1 more is not shown: its figures would reveal 1 to 5 children" if hid.sum() == 1 else \
        f"{hid.sum()} more are not shown"
    assert f"{c_pub['direction_yes']} moved the way the strategy promised" in r.narrative("published")
    assert one in r.narrative("published") and "not shown" not in r.narrative("internal")
    # the moves that rest on the synthetic sample are counted for the reader, each in its
    # own group: "(2 of these rest on ...)" after "11 moved the other way" read as 2 of
    # the 11, where both were among the 8 that moved as promised
    child = (r.table["source"] == "child_level") & ~hid
    yes = int((child & (r.table["direction_met"] == "yes")).sum())
    no = int((child & (r.table["direction_met"] == "no")).sum())
    assert yes + no >= 1
    groups = ([f"{yes} of the {c_pub['direction_yes']} that moved as promised"] if yes else []) \
        + ([f"{no} of the {c_pub['direction_no']} that moved the other way"] if no else [])
    assert (f"{' and '.join(groups)} {'rests' if yes + no == 1 else 'rest'} on the synthetic child-level sample, "
            "not real children's records; " + one) in r.narrative("published")


def test_a_verdict_the_neighbours_test_does_not_confirm_says_so_in_the_draft():
    """Dental checks rose beyond noise against Herefordshire's own baseline, and the test
    against its neighbours cannot confirm it: the draft's list of improvements says so
    beside it. It said "within the statistical neighbours' own change", which a reader
    took to mean they did as well (they rose about 5 points against 21)."""
    r = review.evaluate("herefordshire_2025_27")
    text = as_read(r.narrative("published"))
    assert ("Children in care have annual dental checks (access to dental care) \u2014 Dental checks from 51.3% "
            "in 2024 to 72.3% in 2025 (not confirmed against the statistical neighbours; the council and its "
            "neighbours were not moving in parallel before the baseline: see the caveats)") in text


def test_each_commitment_names_the_figure_that_measures_it_and_the_way_it_should_go():
    """"More children placed inside Herefordshire's boundary" is measured by the share
    placed outside it: the row says so, or its rising figure reads as good news."""
    r = review.evaluate("herefordshire_2025_27")
    d = review.display_table(r, "internal")
    row = d[d["Measure"].str.startswith("More children placed inside Herefordshire's boundary")]
    assert row["Measure"].iloc[0].endswith("(figure: New placements outside LA; aim: lower)")
    local = d[d["Source"] == "local"]["Measure"]
    assert len(local) and not local.str.contains("figure:").any()     # no registry figure to name


def test_the_table_withholds_the_test_direction_and_target_check_of_withheld_figures(monkeypatch, not_dfe):
    monkeypatch.setenv("EVALTOOLS_SALT", "display-test-salt")
    r = review.evaluate("herefordshire_2025_27")
    d = review.display_table(r, "published").set_index("Measure")
    assert list(d.columns)[-1] == "Test"
    tested = d[d["Verdict"].str.contains("beyond noise|no detectable")]
    shown = tested[~tested["Test"].str.startswith("not shown")]
    assert len(shown) and shown["Test"].str.contains("95% CI").all()
    hidden = d[(d["Baseline"] == "c") | (d["Latest"] == "c")]
    assert len(hidden)
    assert (hidden["Test"] == review.WITHHELD).all()
    # "moved as promised" between c figures, or "target met" against one, says what they are
    assert (hidden["Moved as promised"] == "c").all()
    assert hidden["Target met"].isin(["c", "no target"]).all()
    assert (d.loc[~d.index.isin(hidden.index), "Moved as promised"] != "c").all()


def test_the_narrative_accounts_for_every_measure_and_counts_agree_with_their_nouns(monkeypatch):
    monkeypatch.setenv("EVALTOOLS_SALT", "narrative-test-salt")
    r = review.evaluate("herefordshire_2025_27", extract="data/sample")
    c, text = r.counts(), r.narrative()
    rest = c["measures"] - c["with_data"] - c["no_local"] - c["proposed"]
    assert rest == 1 and c["proposed"] == 0
    # one measure has no figures: the verb agrees, and a count of 0 is left out
    assert "; 37 are local measures with no local data supplied yet and 1 has no published figures " \
        "for the council." in text
    assert "0 are DfE measures" not in text and not re.search(r"(?<![\d,])1 have", text)
    assert "1 baselines" not in text and "1 definition changes" not in text
    assert wording.listing(["a"]) == "a" and wording.listing(["a", "", "b", "c"]) == "a, b and c"


def test_a_move_within_laits_rounding_is_not_called_a_move():
    """Herefordshire's missing figure is EES's exact 7.3% (2023/24) and LAIT's whole 7 in
    2024/25: the fall may be nothing but rounding, so the review does not say it moved as
    promised (nor that it failed to)."""
    t = review.evaluate("herefordshire_2025_27").table
    r = t[t["measure"] == "cla_missing_incident"].iloc[0]
    assert r.baseline_value == pytest.approx(7.29783, abs=1e-4) and r.latest_value == 7.0
    assert r.direction_met == "no change beyond rounding"
    # an exact figure 0.5 points or more from another exact one is still a move
    assert review._moved("decrease", 7.8, 7.29783, "percent") == "yes"


def test_laits_whole_numbers_print_without_a_decimal():
    """LAIT gives Herefordshire's 2017 NEET figure as 55: the review prints 55%, not 55.0%
    (a precision LAIT does not give); DfE's exact 54.5% (55 of 101) keeps its decimal."""
    r = review.evaluate("herefordshire_2017_20")
    d = review.display_table(r, "published").set_index("Measure")
    row = d.loc[d.index.str.startswith("Care leavers NEET at 19-21")].iloc[0]
    assert row["Baseline"] == "55% (2017)" and row["Latest"] == "54.5% (2020)"


def test_laits_one_decimal_figures_keep_their_decimal():
    """LAIT publishes caseloads to one decimal: Herefordshire's 14.0 at the September 2020
    census is 14.0 cases per worker in the review, not 14 (as a whole-number column's 55
    is 55%)."""
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2021-04-01",
                                       "end": "2023-03-31", "baseline_period": 2021},
                          "measures": [{"id": "caseload", "text": "Lower caseloads", "source": "published",
                                        "measure": "social_worker_caseload", "direction": "decrease"}]})
    d = review.display_table(review.evaluate(s), "published").set_index("Measure")
    assert d.loc["Lower caseloads (figure: Average caseload; aim: lower)", "Baseline"] == "14.0 cases per worker (Sep 2020)"


def test_a_target_is_not_met_on_the_baseline_year_alone():
    """Herefordshire 2025-27 wants suspensions below England's (14.6%); its only figure
    is the baseline year's 9.7% (2023/24): met at the baseline, not by the strategy."""
    t = review.evaluate("herefordshire_2025_27").table
    r = t[t["measure"] == "suspensions_one_plus"].iloc[0]
    assert r.baseline_period == r.latest_period == 2024
    assert r.target_met == "met at the baseline; no figure since"


def test_untested_rows_say_why_in_words():
    """A percentage LAIT gives without counts cannot be tested: the test column says so
    in words, not with the measure's id; a 0% baseline (no convictions, 0 of 213) still
    has a smallest detectable change, with the later year's spread at the changed
    proportion (4 points: the 1 point that half a child standing in for the baseline's
    spread gave is a change the test finds 1 time in 8)."""
    t = review.evaluate("herefordshire_2025_27").table
    assert not t["test"].fillna("").str.contains(r"'[a-z0-9]+_[a-z0-9_]+'|\[20", regex=True).any()
    # (no row of this review is untested for want of counts now; the words, for one that is)
    have = pd.DataFrame({"period": [2024, 2025], "numerator": [float("nan")] * 2, "denominator": [float("nan")] * 2})
    said = review._untested("before_after: 'care_leavers_eet_19_21' has no counts for before periods [2024]",
                            have, "care_leavers_eet_19_21", (2024, 2025))
    assert said == ("the published 2024 and 2025 figures have no counts of children, so the change cannot be "
                    "tested for noise")
    conv = t[t["measure"] == "oc2_convictions"].iloc[0]
    assert conv.baseline_value == 0 and "a change smaller than 4 percentage points would usually not" in conv.test
    assert conv.verdict == "not tested" and conv.test.startswith("not judged: the council's figure is 0")


def test_a_fall_already_under_way_before_the_baseline_is_a_caveat_of_its_verdict():
    """Herefordshire's CLA rate fell from 121.6 (2023) to 113.0 (2024), 8.8 more than its
    neighbours', before the 2025-27 strategy; the review credits only the change since
    2024 (-13.6 against the neighbours, beyond noise) and says the fall began earlier."""
    r = review.evaluate("herefordshire_2025_27")
    t = r.table.set_index("measure")
    row = t.loc["cla_rate_per_10k"]
    assert row["verdict"] == "improved beyond noise"
    assert ("already under way before the baseline: from 2023 to 2024 the council's figure moved -8.8 "
            "against the neighbours', the same way as the -13.6 since") in row["caveats"]
    assert ("Children in care per 10,000 from 113.0 per 10,000 in 2024 to 99.9 per 10,000 in 2025 (the change was "
            "already under way before the baseline; its change was the largest of the 10 councils compared, which "
            "chance alone gives 1 time in 10: see the caveats)") in as_read(r.narrative())
    # a verdict of no detectable change carries no such caveat (the one on the years
    # between an earlier baseline and the strategy's start is another)
    quiet = t[t["verdict"] == "no detectable change"]
    assert not quiet["caveats"].str.contains("already under way before the baseline").any()


def test_a_verdict_the_neighbours_test_would_not_give_says_so_in_its_row():
    """Dental checks, Herefordshire: 51.3% (2024) to 72.3% (2025) is beyond noise against
    the council's own baseline (Newcombe), but within what the neighbours' own changes
    give (DiD, the topic reports' test). The row names the second verdict; a row where
    the two agree does not (the other way round: carer-requested endings, below)."""
    r = review.evaluate("herefordshire_2025_27")
    t = r.table.set_index("measure")
    dental = t.loc["oc2_dental_checks"]
    assert dental["verdict"] == "improved beyond noise"
    assert (f"{review.AGAINST_NEIGHBOURS}: no detectable change "
            "(+16.1 percentage points against the statistical neighbours' change since 2024, 95% CI -3.7 to +35.8): "
            "the neighbours' "
            "own figures swing so much from year to year that this test finds a difference of about 27 percentage "
            "points only 4 times in 5, so it cannot show how much of the change is the strategy's doing") \
        in dental["caveats"]
    named = t[t["caveats"].str.contains(review.AGAINST_NEIGHBOURS, regex=False)]
    assert sorted(named.index) == ["oc2_dental_checks", "placement_changes_carer_request_behaviour"]


def test_revisions_give_no_counts_under_a_policy_that_suppresses_them(monkeypatch):
    """DfE's 2024 health figures were revised: immunisations 251/311 to 251/310, dental
    159/311 to 159/310, health assessments 295/311 to 294/310. Side by side they say what
    the one child taken off the return had and had not; under published the revision is
    given as percentages alone, under internal with its counts."""
    r = review.evaluate("herefordshire_2025_27")
    pub = review.display_table(r, "published")["Caveats"]
    internal = review.display_table(r, "internal")["Caveats"]
    revised = internal.str.contains("DfE revised")
    assert internal[revised].str.contains(r"first published as [\d.]+ \(\d[\d,]*/\d[\d,]*\)", regex=True).any()
    assert pub[revised].str.contains("DfE revised").all()
    assert not pub.str.contains(r"published as [\d.]+ \(\d", regex=True).any()
    assert not pub.str.contains(r"now [\d.]+ \(\d", regex=True).any()
    # the Caveats list after the table says the same as its column
    from evaltools import report
    for policy, counts in (("published", False), ("internal", True)):
        shown = []
        monkeypatch.setattr(report, "display", shown.append)
        report.show_caveats(r, policy)
        text = as_read(shown[0].data)
        assert "DfE revised" in text
        assert bool(re.search(r"published as [\d.]+ \(\d", text)) is counts


def test_a_revision_that_rounds_to_the_same_figure_says_so_without_its_counts():
    """Hertfordshire 2022, 3+ placements: 88/1,024 first published, 88/1,022 now; both
    8.6%. Without the counts, "first published as 8.6, now 8.6" reads as no revision."""
    text = ("DfE revised 2022 first published as 8.6 (88/1,024), now 8.6 (88/1,022); 2023 first "
            "published as 9.7 (94/965), now 9.8 (94/964) (the review uses the latest figures)")
    assert review.shown_caveats(text, "published") == (
        "DfE revised 2022, still 8.6 when rounded; 2023 first published as 9.7, now 9.8 "
        "(the review uses the latest figures)")
    assert review.shown_caveats(text, "internal") == text
    r = review.evaluate("hertfordshire_2022_25")
    shown = review.display_table(r, "published")["Caveats"]
    assert shown.str.contains("DfE revised 2022, still 8.6 when rounded").any()
    assert not any(re.search(r"first published as ([\d.]+), now \1\b", c) for c in shown)


def test_a_change_within_noise_that_the_topic_calls_beyond_noise_is_named():
    """Carer-requested endings fell 5.8 points against the 2024 baseline, within noise
    (Newcombe); the stability topic, against the neighbours' change, calls it improved
    beyond noise with an interval ending just short of 0. The review row names the topic's
    verdict and calls it borderline, so the two documents do not disagree unexplained."""
    r = review.evaluate("herefordshire_2025_27").table
    row = r[r["measure"] == "placement_changes_carer_request_behaviour"].iloc[0]
    assert row.verdict == "no detectable change"
    assert (f"{review.AGAINST_NEIGHBOURS}: improved beyond noise"
            in row.caveats)
    assert "it stands out; the interval only just leaves out no change, so read it as borderline" in row.caveats


def test_a_count_with_no_denominator_is_not_a_revision_when_it_is_unchanged():
    """St Helens' children looked after: 466 in 2019 in the first release and the latest.
    A count has no denominator in either, and no denominator is not a change; a real
    revision of a count prints whole numbers (466 to 470, not 466.0 to 470.0)."""
    rows = pd.DataFrame({"measure": "cla_count", "area_code": "876", "period": [2019, 2020],
                         "numerator": [466.0, 496.0], "denominator": [float("nan")] * 2,
                         "value": [466.0, 496.0], "status": "ok"})
    assert review.revisions(rows, rows.copy(), "cla_count", "876", 2018, 2020) is None
    later = rows.assign(numerator=[470.0, 496.0], value=[470.0, 496.0])
    assert review.revisions(rows, later, "cla_count", "876", 2018, 2020) == (
        "DfE revised 2019 first published as 466, now 470 (the review uses the latest figures)")


def test_a_finished_strategy_says_when_figures_exist_only_after_it_and_what_a_child_level_row_needs():
    """St Helens 2019-20: social worker changes are measured by DfE's 2019-2020 figures
    (30.3% to 48.4% with 2+ changes, worsened beyond noise), not the 3+ social workers
    measure that starts in 2024; in-house foster places start in 2022, after the
    strategy, which the row says rather than "no figures"; a child-level measure with no
    extract given says that, and the draft counts it apart from missing published ones."""
    r = review.evaluate("st_helens_2019")
    t = r.table.set_index("id")
    sw = t.loc["sh19_sw_pa_changes"]
    assert (round(sw.baseline_value, 1), int(sw.baseline_period), round(sw.latest_value, 1)) == (30.3, 2019, 48.4)
    assert sw.verdict == "worsened beyond noise"
    assert t.loc["sh19_local_foster_carers"].caveats == (
        "no figures for this council in the strategy's years; DfE's figures for the council start in 2022, "
        "after the strategy's last year (2020)")
    assert t.loc["sh19_review_participation"].caveats == review.NO_EXTRACT
    assert "6 are child-level measures with no SSDA903 extract given" in r.narrative("published")
    assert review.evaluate("herefordshire_2025_27", extract="data/sample").counts()["no_extract"] == 0


def test_a_strategy_without_targets_says_so_and_money_prints_in_pounds():
    """Hertfordshire 2022-25 sets no numerical target: the draft says so, not "Of 0
    measures with a target, 0 meet it now and 0 do not"; its bursary is £1,000."""
    r = review.evaluate("hertfordshire_2022_25")
    text = r.narrative("published")
    assert "No measure has a numerical target." in text and "Of 0 measures" not in text
    assert any("£1,000 apprenticeship bursary" in m for m in r.table["text"])
    assert not r.table["text"].str.contains("GBP").any()


def test_a_neighbour_with_a_recording_gap_is_left_out_of_the_review_test_and_named():
    """Hertfordshire's suitable accommodation 19-21 fell beyond noise; the test against
    the neighbours' change had counted Hampshire, whose figure fell from 76% to 33% as
    its unknowns rose to 64%. It is left out of that test, and the row says so."""
    r = review.evaluate("hertfordshire_2022_25").table.set_index("measure")
    row = r.loc["care_leavers_suitable_accommodation_19_21"]
    assert row.verdict == "worsened beyond noise"
    assert ("left out of the comparison: Hampshire, where DfE records no information for 27%, 25%, 64% and 51% "
            "of the young people in 2019, 2023, 2024 and 2025") in row.caveats
    assert "-3.6 percentage points against the statistical neighbours' change since 2021" in row.caveats
    # the test keeps DfE's 2025 group throughout, where the tables give 2021's up to 2024
    assert ("the comparison sets the council against DfE's 2025 group of statistical neighbours in every year; "
            "the trend tables and charts give each year's own group (DfE's 2021 groupings up to 2024)") in row.caveats


def test_the_drafts_lists_of_changes_give_the_figures_not_only_the_commitment(not_dfe):
    """St Helens: "Improved beyond noise: All cared-for children have a completed SDQ"
    read as if every child had one; the list gives the figure, its years and the missed
    target. A figure the table shows as c is not given in the draft either."""
    r = review.evaluate("st_helens_2019")
    text = as_read(r.narrative("published"))
    assert ("All cared-for children have a completed SDQ \u2014 SDQ completed (5-16) from 65.6% in 2019 to 74.5% "
            "in 2020, target 100% not met") in text
    assert ("Worsened beyond noise:\n\n- Change social workers or PAs only when unavoidable \u2014 2+ social worker "
            "changes from 30.3% in 2019 to 48.4% in 2020") in text
    shown = review.display_table(r, "published")
    hidden = r.table[(shown["Baseline"] == "c").to_numpy() | (shown["Latest"] == "c").to_numpy()]
    assert len(hidden) and all(f"{t} \u2014" not in text for t in hidden["text"].str.rstrip("."))


def test_a_jump_within_sampling_noise_is_not_called_a_recording_change():
    """St Helens' care leavers: EET 19-21 rose from 25 of 65 to 37 of 75, three times the
    series' usual change but within chance for cohorts that size; the same rise in
    cohorts of 2,000 is not."""
    years = list(range(2016, 2023))
    def series(scale):
        den = [65 * scale, 65 * scale, 75 * scale, 70 * scale, 72 * scale, 70 * scale, 71 * scale]
        pct = [38.0, 37.0, 49.3, 48.0, 47.0, 48.5, 47.5]
        return pd.DataFrame({"measure": "care_leavers_eet_19_21", "time": years, "period": years,
                             "value": pct, "numerator": [round(p * d / 100) for p, d in zip(pct, den)],
                             "denominator": den})
    assert review.jumps(series(1)) == []
    assert review.jumps(series(30)) == [2018]
    # without cohorts (a rate, LAIT's figures) the median rule alone
    assert review.jumps(series(1).drop(columns=["numerator", "denominator"])) == [2018]
    # a LAIT year without counts elsewhere in the series: the pair with cohorts is still
    # tested (Rutland's health assessments, 15 of 18 to 19 of 19, were called a jump)
    lait_first = series(1)
    lait_first.loc[0, ["numerator", "denominator"]] = np.nan
    assert review.jumps(lait_first) == []


def test_a_local_figure_leaving_1_to_5_out_is_withheld_whichever_row_of_its_year_is_shown(tmp_path):
    """Two dated rows in one year (30/40 in June, 37/40 in December): only the first was
    checked, so the review showed 92.5%, which leaves 3 children out."""
    p = tmp_path / "local.csv"
    p.write_text("measure,period,numerator,denominator\n"
                 "pathway_plans_up_to_date,2024-06-30,30,40\npathway_plans_up_to_date,2024-12-31,37,40\n")
    r = review.evaluate("herefordshire_2025_27", local=p)
    i = r.table.index[r.table["measure"] == "pathway_plans_up_to_date"][0]
    assert r.table.loc[i, "latest_value"] == pytest.approx(92.5)
    assert review.withheld(r, "published")[i] and not review.withheld(r, "internal")[i]
    shown = review.display_table(r, "published").to_string()
    assert "92.5" not in shown


@pytest.fixture(scope="module")
def reviews():
    return {s: review.evaluate(s) for s in ("herefordshire_2025_27", "herefordshire_2017_20", "st_helens_2019")}


def test_a_change_that_came_before_the_strategy_began_is_said(reviews):
    """St Helens' missing incidents fell 14.7% -> 9.5% from its 2018 baseline, 2.2 points
    of it by March 2019, before the strategy's April 2019 start."""
    r = reviews["st_helens_2019"].table.set_index("measure").loc["cla_missing_incident"]
    assert r.verdict == "improved beyond noise"
    said = [c for c in r.caveats.split("; ") if c.startswith("already under way before the strategy")]
    assert said and "-2.2 of the -5.2 points came from 2018 to 2019, before it began in April 2019" in said[0]


def test_a_year_the_council_lacks_leaves_it_out_of_that_year_not_of_its_own_comparison(reviews):
    """St Helens' placements over 20 miles: 2017 is x, and the comparison with the
    neighbours (which needs the same years from each) left St Helens itself out, so the
    row said "the published 2018 and 2020 figures have no counts". It is compared over
    the years it has, and says which it has not."""
    r = reviews["st_helens_2019"].table.set_index("measure").loc["cla_placed_outside_la_over_20_miles"]
    assert r.verdict in ("no detectable change", "improved beyond noise", "worsened beyond noise")
    assert "against the statistical neighbours' change since 2018" in r.test
    assert "the comparison with other councils uses only the years the council has a figure for (not 2017)" in r.caveats


def test_a_change_from_a_baseline_year_that_is_a_sudden_jump_is_not_judged(reviews):
    """Herefordshire 2017-20, suitable accommodation 19-21: 'improved beyond noise' from a
    2017 baseline the review itself flagged as a sudden jump."""
    r = reviews["herefordshire_2017_20"].table.set_index("measure").loc["care_leavers_suitable_accommodation_19_21"]
    assert r.verdict == "not tested" and "a sudden fall in 2017" in r.caveats
    assert r.test.startswith("not judged: 2017, the baseline year, is a sudden fall from the years") and r.test.count("(") == r.test.count(")")


def test_a_neighbour_comparison_carries_its_pre_trend_cautions(reviews):
    t = reviews["herefordshire_2025_27"].table.set_index("measure")
    assert "were not moving in parallel" in t.loc["ks4_attainment8", "caveats"]
    t = reviews["herefordshire_2017_20"].table.set_index("measure")
    assert "only 2 published years up to the baseline" in t.loc["cla_3plus_placements", "caveats"]
    assert not wording.SIGNED_FIGURE.search(free := "; ".join(review._TREND_CAVEATS.values())), free


def test_the_narrative_says_what_chance_gives_over_many_tests(reviews):
    n = reviews["herefordshire_2025_27"].narrative()
    assert re.search(r"With \d+ measures tested, about 1 would show a change beyond noise by chance alone", n)


def test_maintaining_a_level_is_met_at_it_or_on_the_better_side():
    """'Maintain 90%' with 97% read as target not met; so did 427 days against 426."""
    assert review._target_met("maintain", 90, 97, "high") == "yes"
    assert review._target_met("maintain", 90, 89.6, "high") == "yes"      # within half a point
    assert review._target_met("maintain", 90, 88, "high") == "no"
    assert review._target_met("maintain", 426, 427, "low") == "yes"
    assert review._target_met("maintain", 426, 380, "low") == "yes"
    assert review._target_met("maintain", 50, 58, "none") == "no"


def test_an_intervention_naming_one_measure_without_brackets_reads_it_as_one():
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31"}, "measures": MEASURES[:1],
                          "interventions": [{"id": "i", "title": "I", "start": "2025-04-01", "precision": "day",
                                             "measures": "eet"}]})
    assert s.interventions[0].measures == ("eet",)


def test_a_withheld_rows_caveats_quote_none_of_its_figures():
    text = ("a sudden jump in 2016-17: check; against the neighbours: improved (+4.0 against their change, "
            "95% CI +1.0 to +7.0): it stands out; DfE revised 2022 first published as 5.6, now 10.3 (the review "
            "uses the latest figures)")
    out = review._caveats_without_figures(text)
    assert out.startswith("a sudden jump in 2016-17: check; ") and "+4.0" not in out and "10.3" not in out
    assert out.endswith("would give the withheld figure back")
    assert review._caveats_without_figures("no local data supplied") == "no local data supplied"


def test_a_c_baseline_is_not_given_back_by_its_target_nor_a_local_count_shown(tmp_path, monkeypatch):
    """Found by a council's analyst trying the product:
    - a target of +50% on a baseline of 3 of 40 (c) printed "7.5% to 11.3%" in the
      Caveats section, 11.3% in the Target column and a target line on the chart;
    - a local count of children (evictions: 3, 2, 4) was printed as given: a count
      is its own numerator, so 1 to 5 of them is c."""
    from evaltools import report

    measures = [{"id": "chair", "text": "More children chair their reviews", "source": "local",
                 "local": "children_chairing_reviews", "direction": "increase", "target": {"change_percent": 50},
                 "baseline": {"value": 20, "period": 2021}},     # not what the file says: its check quotes 7.5
                {"id": "evict", "text": "Fewer care leavers evicted", "source": "local",
                 "local": "care_leaver_evictions", "direction": "decrease"}]
    r, f = _local_review(tmp_path, "measure,period,numerator,denominator,value\n"
                         "children_chairing_reviews,2021,3,40,\nchildren_chairing_reviews,2025,14,46,\n"
                         "children_chairing_reviews,2027,20,48,\n"        # after the strategy: not shown
                         "care_leaver_evictions,2021,,,7\ncare_leaver_evictions,2025,,,3\n",
                         measures, "2021-04-01", "2025-03-31", 2021)
    assert f.loc[f["measure"] == "care_leaver_evictions", "numerator"].tolist() == [7, 3]
    shown = review.display_table(r, "published").set_index("Measure")
    chair = shown.loc[shown.index.str.startswith("More children chair")].iloc[0]
    assert (chair["Baseline"], chair["Target"]) == ("c", "c") and "7.5" not in chair["Caveats"]
    evict = shown.loc[shown.index.str.startswith("Fewer care leavers")].iloc[0]
    assert evict["Latest"] == "c" and evict["Baseline"].startswith("7")
    out = []
    monkeypatch.setattr(report, "display", lambda x, **kw: out.append(x))
    report.show_caveats(r, "published")
    report.show_review_charts(r, "published")
    text = " ".join(x.get("text/html", "") if isinstance(x, dict) else getattr(x, "data", "") for x in out)
    assert "7.5%" not in text and "11.3%" not in text and "(7.5)" not in text and "does not match" not in text
    import base64
    import re
    charts = [base64.b64decode(b).decode() for b in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', text)]
    words = re.sub(r'src="data:[^"]+"', "", text)         # the page without the images' bytes
    assert "2027" not in words and not any(">2027<" in c for c in charts)
    assert any("in 2025, improved beyond noise since 2021" in c for c in charts)     # a year, not 2025.0
    assert "<td>3</td>" not in text and "2025 3;" not in text and "2025 3." not in text
    internal = review.display_table(r, "internal").set_index("Measure")
    assert internal.loc[internal.index.str.startswith("More children chair")].iloc[0]["Target"] == "11.3%"


def test_local_figures_no_commitment_names_are_said(tmp_path):
    """Rows for a measure the strategy does not name (the file says
    bright_spots_feel_safe_community, the strategy bright_spots_feel_safe) were dropped
    without a word, and the commitment showed "no local data supplied"."""
    p = tmp_path / "l.csv"
    p.write_text("measure,period,value\nbright_spots_feel_safe_community,2024,81\npathway_plans_up_to_date,2024,90\n")
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2024-04-01",
                                       "end": "2027-03-31", "baseline_period": 2024},
                          "measures": [{"id": "pp", "text": "Pathway plans", "source": "local",
                                        "local": "pathway_plans_up_to_date"}]})
    _, sources = review.build_frame(s, local=p)
    assert sources[-1] == ("the council's local measures (l.csv; it also holds figures for "
                           "bright_spots_feel_safe_community, which no commitment of this strategy names as its "
                           "local: measure)")


def test_local_figures_at_dates_are_tested_at_each_years_last(tmp_path):
    """June and December figures in one year: the review read the December figure as the
    baseline but its test found "no before figure ... (not in the frame)"."""
    from evaltools import report

    measures = [{"id": "pp", "text": "Pathway plans", "source": "local", "local": "pathway_plans_up_to_date",
                 "direction": "increase"}]
    r, f = _local_review(tmp_path, "measure,period,numerator,denominator,value\n"
                         "pathway_plans_up_to_date,2023-06-30,100,140,\npathway_plans_up_to_date,2023-12-31,110,142,\n"
                         "pathway_plans_up_to_date,2024-06-30,120,145,\npathway_plans_up_to_date,2024-12-31,130,150,\n",
                         measures, "2024-04-01", "2027-03-31", 2024)
    row = r.table.iloc[0]
    assert row.baseline_value == pytest.approx(100 * 110 / 142) and row.latest_value == pytest.approx(100 * 130 / 150)
    assert row.verdict == "improved beyond noise" and row.test.startswith("+9.2 points")
    from evaltools.stats import frames
    t = report.local_table(frames.series(f, "pathway_plans_up_to_date"), "percent", "published")
    assert list(t.columns)[0] == "Period" and list(t["Period"])[:2] == ["2023-06-30", "2023-12-31"]


def test_a_baseline_check_does_not_name_a_year_the_policy_withholds(monkeypatch):
    """In touch 19-21's 97% "matches 2021, 2022, 2023", years that leave 3 not in touch
    each. DfE published them, so every policy names them; as the council's own figures
    the published policy withholds them, and then does not name them (naming the year a
    97% baseline matches gives its figure back)."""
    import numpy as np
    from evaltools import sdc
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2024},
                          "measures": [{"id": "touch", "text": "In touch", "source": "published",
                                        "measure": "care_leavers_in_touch_19_21", "direction": "increase",
                                        "baseline": {"value": 97.0, "period": 2024}}]})
    r = review.evaluate(s)
    for pol in ("internal", "published"):
        assert "it matches 2021, 2022, 2023 (the review" in review.display_table(r, pol)["Caveats"].iloc[0], pol
    monkeypatch.setattr(sdc, "dfe_published", lambda frame: np.zeros(len(frame), dtype=bool))
    c = review.display_table(review.evaluate(s), "published")["Caveats"].iloc[0]
    assert "it matches" not in c
    assert c.startswith("the strategy's baseline") and "(the review starts from the published figure" in c


def test_a_stated_baseline_the_data_cannot_check_is_withheld_when_it_is_few_children_or_dfe_hid_it(tmp_path):
    """Two leaks of a strategy's own baseline: "Fewer permanent exclusions: 3 (2023)"
    where the council's file has no 2023 row (a count of 1 to 5 children), and "staying
    put at 18: 75% (2024)" where DfE shows the year as c."""
    measures = [{"id": "excl", "text": "Fewer permanent exclusions", "source": "local", "local": "permanent_exclusions",
                 "direction": "decrease", "baseline": {"value": 3, "period": 2023}},
                {"id": "excl9", "text": "Fewer permanent exclusions", "source": "local", "local": "permanent_exclusions",
                 "direction": "decrease", "baseline": {"value": 9, "period": 2023}}]
    rev, _ = _local_review(tmp_path, "measure,period,numerator,denominator,value\npermanent_exclusions,2025,,,8\n",
                           measures, "2023-04-01", "2025-03-31", 2023)
    shown = review.display_table(rev, "published")
    assert list(shown["Baseline"]) == ["c", "9 (2023)"]
    assert shown.loc[0, "Moved as promised"] == "c" and list(review.withheld(rev, "published")) == [True, False]
    assert list(review.display_table(rev, "internal")["Baseline"]) == ["3 (2023)", "9 (2023)"]
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2024},
                          "measures": [{"id": "sp", "text": "Staying put", "source": "published",
                                        "measure": "staying_put_18", "direction": "increase",
                                        "baseline": {"value": 75, "period": 2024}}]})
    r = review.evaluate(s)
    assert (r.frame.query("measure == 'staying_put_18' and area_code == '884' and period == 2024")["status"]
            == "c").all()
    assert review.display_table(r, "published").loc[0, "Baseline"] == "c"


def test_an_events_per_child_row_says_why_it_is_not_tested_here(monkeypatch):
    """Moves per child-year has counts (moves, child-years), and the row said "no counts
    to test": the reason is that moves cluster in a few children."""
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2022-04-01",
                                       "end": "2025-03-31", "baseline_period": 2022},
                          "measures": [{"id": "moves", "text": "Fewer moves", "source": "child_level",
                                        "measure": "placement_moves_per_child_year", "direction": "decrease"}]})
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    row = review.evaluate(s, extract="data/sample").table.iloc[0]
    assert row["verdict"] == "not tested"
    assert row["test"].startswith("not tested on the year's totals: the events cluster in a few children")


@pytest.mark.parametrize("estimate, ci, said", [
    (16.1, (-3.7, 35.8), "the neighbours' own figures swing so much from year to year that this test finds a "
                         "difference of about 27 percentage points only 4 times in 5"),
    (0.5, (-5.0, 6.0), "the neighbours' figures moved about as much over the same years, so the change may not "
                       "be the strategy's doing"),
])
def test_a_verdict_the_neighbours_test_does_not_confirm_says_why(monkeypatch, estimate, ci, said):
    """Beyond noise against its own baseline, within noise against the neighbours: when
    the difference from them is large but their figures swing (dental: +16.1), the
    caveat says the test cannot tell; when it is near 0, that they moved as much."""
    from types import SimpleNamespace

    def fake(other, *a):
        other.verdict = "no detectable change"
        return SimpleNamespace(estimate=estimate, ci=ci, diagnostics={"reference_period": 2024, "mde": 27.0})
    monkeypatch.setattr(review, "_did_verdict", fake)
    row = review.MeasureRow(id="d", text="Dental", source="published", measure="oc2_dental_checks",
                            direction="increase", baseline_period=2024, verdict="improved beyond noise")
    review._against_neighbours(row, None, None, "oc2_dental_checks", "884", "statistical_neighbours")
    assert said in row.caveats[0]


def test_a_stated_baseline_of_a_few_children_is_c_in_the_baseline_check_too(tmp_path):
    """'the strategy's baseline 3 does not match the local 2023 figure (9.0)' printed
    the strategy's 3 under published where its Baseline cell would show c."""
    measures = [{"id": "excl", "text": "Fewer permanent exclusions", "source": "local", "local": "permanent_exclusions",
                 "direction": "decrease", "baseline": {"value": 3, "period": 2023}}]
    rev, _ = _local_review(tmp_path, "measure,period,numerator,denominator,value\npermanent_exclusions,2023,,,9\n"
                           "permanent_exclusions,2025,,,8\n", measures, "2023-04-01", "2025-03-31", 2023)
    assert "the strategy's baseline 3 does not match" in review.display_table(rev, "internal").loc[0, "Caveats"]
    shown = review.display_table(rev, "published").loc[0, "Caveats"]
    assert "the strategy's baseline c does not match the local 2023 figure (9.0)" in shown


def test_a_suppressed_year_after_a_missing_baseline_is_not_skipped():
    """Hertfordshire's apprenticeships at 19-21: no figure for 2021, 2022 c (1 to 5 of
    495), then 13, 12 and 11. The review started from 2023 and said "moved as promised:
    no", where the figures rose from at most 5."""
    r = review.evaluate("hertfordshire_2022_25").table.set_index("measure").loc["care_leavers_apprenticeship_19_21"]
    assert r.direction_met != "no" and pd.isna(r.baseline_value)
    assert ("no figure for the baseline year 2021, and DfE suppressed the next (2022: c, a small number), so the "
            "review does not start from a later year") in r.caveats
    assert "the strategy gives none" not in r.caveats


def test_a_survey_run_every_other_year_starts_from_the_year_before_the_baseline(tmp_path):
    """Bright Spots in 2023 and 2025 against a 2024 baseline year: "not tested", with no
    baseline; the year before is the nearest start."""
    measures = [{"id": "bs", "text": "More children feel safe", "source": "local", "local": "bright_spots_feel_safe",
                 "direction": "increase"}]
    rev, _ = _local_review(tmp_path, "measure,period,numerator,denominator,value\n"
                           "bright_spots_feel_safe,2023,150,200,\nbright_spots_feel_safe,2025,180,200,\n",
                           measures, "2024-04-01", "2027-03-31", 2024)
    row = rev.table.set_index("id").loc["bs"]
    assert row["baseline_period"] == 2023 and row["baseline_value"] == pytest.approx(75)
    assert "no figure for the baseline year 2024; the baseline is the year before, 2023" in row["caveats"]
    assert row["verdict"] in ("improved beyond noise", "no detectable change")


def test_a_row_whose_interval_was_widened_for_the_councils_own_swings_says_so():
    """Ofsted's points, Herefordshire: social worker turnover and agency workers swung far
    more than the neighbours' before the baseline (2.9 and 3.6 times), so the DiD widens
    their intervals; the rows say why, in words without figures (a caveat shows even
    where the row's figures are withheld)."""
    r = review.evaluate("ofsted_herefordshire_2024")
    t = r.table.set_index("id")
    said = "before the baseline the council's own figures swung much more from year to year than its neighbours'"
    assert said in t.loc["of24_sw_turnover", "caveats"] and said in t.loc["of24_agency_rate", "caveats"]
    assert said not in t.loc["of24_caseloads", "caveats"]


def test_a_letters_review_speaks_of_the_letters_points_not_a_strategy():
    """Ofsted's letter is not a strategy that "is working" or "promised": its file says
    kind: ofsted_letter, and the review's words follow. Its one target cannot be judged
    yet, which read "0 meet it now and 0 do not; 1 cannot be judged yet". The Ofsted
    letter's 44% (3+ social workers, 2024) is DfE's 43.9% rounded: one year, one figure."""
    from evaltools import report
    r = review.evaluate("ofsted_herefordshire_2024")
    assert r.strategy.is_letter
    text = r.narrative("published")
    # its workforce point is measured by the agency rate and by vacancies: still one point
    assert "The letter has 18 points, with 19 measures between them." in text
    assert "moved the way the letter asks for" in text
    assert "strategy" not in text.split("Read with care")[0]
    assert "The one measure with a target cannot be judged yet" in text and "0 meet it" not in text
    intro = report.review_intro(r).data
    assert ("point by point, whether the council is making progress on what Ofsted found (**Herefordshire: "
            "points from") in intro
    assert "It covers 18 points (19 measures)" in intro and "is working" not in intro
    sw = r.table.set_index("id").loc["of24_sw_changes"]
    assert sw.baseline_value == sw.latest_value and sw.baseline_from == "published"
    shown = review.display_table(r, "published").set_index(r.table["id"]).loc["of24_sw_changes"]
    assert shown["Baseline"] == shown["Latest"] == "43.9% (2024)" and shown["Moved as asked"]
    # agency workers fell from 55% to 18% in the two censuses after agency staff were
    # made permanent: the jump may be the intervention working, not a recording change
    agency = r.table.set_index("id").loc["of24_agency_rate", "caveats"]
    # (not the visit of October 2024: the September 2024 census came before it)
    assert agency.startswith("a sudden fall in Sep 2024, Sep 2025, just after Agency social workers converted to "
                             "permanent posts (budget savings), 2024/25, which was aimed at it: check for a recording "
                             "change")
    assert ("(the council and its neighbours were not moving in parallel before the baseline; a sudden fall in it "
            "may be a recording change, or the effect of the intervention aimed at it; its change was the largest "
            "of the 10 councils compared, which chance alone gives 1 time in 10: see the caveats)") in text


def test_a_jump_is_not_put_down_to_an_intervention_it_came_before_or_against():
    """Herefordshire 2017-20: a sudden change in care leavers' suitable accommodation
    before a Regional Adoption Agency and other interventions the strategy does not
    date; the 2025-27 review's step-downs fell in 2025, mostly before the strategy it
    reviews (approved in December 2024, aimed at every measure) and against its aim.
    Neither names them. (Adoptions' fall in 2017, 29 of 103 to 16 of 84, was flagged
    when LAIT gave it without counts; with LAIT's counts it is within noise.)"""
    for sid in ("herefordshire_2017_20", "herefordshire_2025_27"):
        t = review.evaluate(sid, extract="data/sample").table
        rows = t[t["caveats"].str.contains("a sudden (?:rise|fall) in", regex=True)]
        assert len(rows) and not rows["caveats"].str.contains("just after").any(), sid


def test_the_narrative_names_the_measures_that_moved_the_other_way():
    """"10 moved the other way" was a count alone: a councillor had to find them in the
    table. Those no verdict names are listed with their figures, the sample's flagged."""
    r = review.evaluate("herefordshire_2025_27", extract="data/sample")
    text = r.narrative("published")
    lead = "Moved the other way, though not beyond noise or not tested:\n\n"
    assert lead in text
    line = text.split(lead)[1].split("\n\n")[0]
    assert line.startswith("- More children safely reunited with their families")
    assert "In-house foster places from 215 places in 2024 to 175 places in 2025, target 258 places not met" in line
    assert ("Step-downs to family from 26 in 2024 to 21 in 2025 (synthetic sample, not children's records; a sudden "
            "fall in it may be a recording change: see the caveats)") in line
    shown = r.table[r.table["direction_met"] == "no"]
    assert len(line.split("\n")) == len(shown) == 10


def test_the_tables_caveats_say_the_neighbour_groups_in_a_third_of_the_words(monkeypatch):
    """55 words on DfE's two neighbour groups were repeated in 12 rows of Herefordshire's
    table (eight landscape pages): the table says it in 18, the Caveats list in full."""
    r = review.evaluate("herefordshire_2025_27")
    shown = review.display_table(r, "published")["Caveats"]
    short = "compared with DfE's 2025 group of neighbours in every year (the trend tables use each year's own group)"
    assert shown.str.contains(short, regex=False).sum() == 12
    assert not shown.str.contains("can move differently").any()
    assert r.table["caveats"].str.contains("can move differently").sum() == 12
    # the Caveats list, after the table, keeps the whole sentence (it had lost it too)
    from evaltools import report
    shown = []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(obj.data))
    report.show_caveats(r, "published")
    assert shown[0].count("so the neighbours' average there can move differently from the one compared here") == 12


def test_the_draft_opens_with_too_early_to_judge_when_the_latest_year_holds_part_of_the_strategy():
    """Herefordshire 2025-27 began in January 2025; its review is of the year to March
    2025. A councillor read "3 improved, 0 worsened" as the strategy working: the draft now
    opens with the bottom line. A strategy with years of figures after it does not."""
    first = review.evaluate("herefordshire_2025_27").narrative("published").split("\n\n")[0]
    assert first == ("**Too early to judge the strategy:** it began in January 2025, so its latest figures, for "
                     "the year ending 31 March 2025, hold only 3 months of it. The results below mostly show where "
                     "it started; the next year's figures will say more.")
    assert "Too early" not in review.evaluate("herefordshire_2017_20").narrative("published")


def test_a_ranking_counts_a_neighbour_with_no_figure_in_any_year():
    """Staying put at 18, Herefordshire: 8 neighbours ranked, 1 lacking some years and
    Shropshire none at all, which the test's sample never held: "6 of the 8 neighbours
    ... (1 more lacks some)" added up to 9 beside a glossary of 10."""
    r = review.evaluate("herefordshire_2025_27").table.set_index("measure")
    counted = [t for t in r["test"].astype(str) if "of the 8 neighbours with figures for every year" in t]
    assert counted and all("(2 more lack some or all)" in t for t in counted)


def test_a_level_to_keep_that_moved_the_better_way_is_kept():
    """Ofsted's letter: "caseloads stay manageable" (maintain), 15.7 to 13.6 cases a
    worker, was "moved the other way" beside a briefing that rated caseloads a strength.
    A kept level may move to the better side of DfE's polarity; the worse side past 5%
    is still not kept."""
    r = review.evaluate("ofsted_herefordshire_2024").table.set_index("id")
    assert r.loc["of24_caseloads", "direction_met"] == "yes"
    assert review._moved("maintain", 15.7, 17.0, "cases_per_worker", "low") == "no"
    assert review._moved("maintain", 15.7, 15.9, "cases_per_worker", "low") == "yes"
    assert review._moved("maintain", 15.7, 13.6, "cases_per_worker", "none") == "no"


def test_a_sudden_jump_is_named_by_its_way():
    """A fall called a "jump" (agency social workers, 55% to 18%) read as a rise."""
    s = pd.DataFrame({"time": [2019, 2020, 2021, 2022, 2023, 2024, 2025],
                      "value": [10.0, 10.5, 11.0, 30.0, 30.5, 12.0, 12.5]})
    found = review.jumps(s)
    assert found == [2022, 2024]
    assert review.jump_words(s, found, str) == "a sudden rise in 2022 and a sudden fall in 2024"
    assert review.jump_words(s, [2024], str) == "a sudden fall in 2024"


def _review_row(strategy: str, measure: str):
    """A strategy's review and its row for ``measure``."""
    r = review.evaluate(strategy)
    return r, r.table[r.table["measure"] == measure].iloc[0]


def test_the_briefings_message_on_a_letters_points_carries_what_limits_each_finding():
    """The pack's key message said agency social workers "improved beyond noise", 55.2%
    to 18.3%, with none of the review's caveats: the trends were not parallel before,
    and the fall may be a recording change or the conversion of agency posts."""
    from evaltools import briefing
    r, row = _review_row("ofsted_herefordshire_2024", "social_worker_agency_rate")
    assert review.finding_flags(row) == [
        "the council and its neighbours were not moving in parallel before the baseline",
        "a sudden fall in it may be a recording change, or the effect of the intervention aimed at it",
        "its change was the largest of the 10 councils compared, which chance alone gives 1 time in 10"]
    text = as_read(briefing.letter_message(r))
    assert ("55.2% (Sep 2023) to 18.3% (Sep 2025) (the council and its neighbours were not moving in parallel "
            "before the baseline; a sudden fall in it may be a recording change, or the effect of the "
            "intervention aimed at it; its change was the largest of the 10 councils compared, which chance "
            "alone gives 1 time in 10)") in text
    # a move within noise may still rest on a recording change; the test against the
    # neighbours' trends is not its verdict's
    assert review.finding_flags({"verdict": "no detectable change", "caveats": row["caveats"]}) == [
        "a sudden fall in it may be a recording change, or the effect of the intervention aimed at it"]


def test_a_move_between_years_not_measured_alike_says_so_in_the_draft():
    """The 2017-20 draft listed the Attainment 8 gap, 20.1 in 2016/17 to 26.9 in
    2019/20, among the measures that moved the other way, and "Read with care" did not
    count it: 2016/17 had a lower maximum score and 2019/20 centre-assessed grades, which
    the caveats column said."""
    r = review.evaluate("herefordshire_2017_20")
    text = as_read(r.narrative("published"))
    assert ("Attainment 8 gap (points) from 20.1 in 2016/17 to 26.9 in 2019/20 (the years compared are not "
            "measured alike: see the caveats)") in text
    assert "2 comparisons of years not measured alike" in text
    row = r.table[r.table["measure"] == "ks4_attainment8_gap"].iloc[0]
    assert review.finding_flags(row) == ["the years compared are not measured alike"]


def test_a_move_resting_on_part_of_the_cohort_says_so_in_the_draft():
    """The 2025-27 draft listed EET at 17-18 (53.8% to 50.8%) and the average SDQ score
    (13.9 to 14.3) as moving the other way; its caveats column said 23.7% of the cohort
    had no information recorded, and that only 52.8% of children had a score."""
    r = review.evaluate("herefordshire_2025_27")
    text = as_read(r.narrative("published"))
    assert ("EET, aged 17-18 from 53.8% in 2024 to 50.8% in 2025 (many have no information recorded, so it may "
            "reflect recording: see the caveats)") in text
    assert ("Average SDQ score from 13.9 in 2024 to 14.3 in 2025 (the latest figure covers only part of the "
            "cohort: see the caveats)") in text


def test_a_change_mostly_before_the_strategy_says_so_in_the_draft_with_the_right_reason():
    """Hertfordshire's suitable accommodation (19-21) fell 5.0 points from 2021 to 2025,
    1.9 of them before the strategy's April 2022 start, and over its own years the change
    is within noise: the draft's bullet did not say so. Its caveat gave as the reason the
    neighbours test could not confirm it that "the neighbours' figures moved about as
    much", where they rose while the council fell (an estimate of -3.6 with a wide
    interval): the reason is that their figures swing too much to tell."""
    r = review.evaluate("hertfordshire_2022_25")
    row = r.table[r.table["measure"] == "care_leavers_suitable_accommodation_19_21"].iloc[0]
    assert "part of the change came before the strategy began, and over its own years alone there is no " \
           "detectable change" in review.finding_flags(row)
    assert "moved about as much" not in row["caveats"] and "swing so much from year to year" in row["caveats"]
    text = as_read(r.narrative("published"))
    assert "2 changes partly made before the strategy began" in text     # and in foster care


def test_a_latest_figure_from_before_the_strategy_says_so():
    """St Helens' draft listed KS2 "from 48% in 2016/17 to 41% in 2018/19" as moving
    the other way: DfE published no KS2 figures for 2019/20 or 2020/21, and 2018/19 holds
    5 months of a strategy that began in April 2019 (auditor's review). A row whose
    latest figure is the baseline, or where every figure is early, is left to the
    review's "Too early to judge"."""
    r = review.evaluate("st_helens_2019")
    t = r.table.set_index("measure")
    assert ("the latest figure comes mostly from before the strategy began: 2018/19, the latest here, holds only 5 "
            "months of it (it began in April 2019)") in t.loc["ks2_rwm_expected", "caveats"]
    text = as_read(r.narrative("published"))
    # (and 2017/18's new writing framework, between the two: not measured alike)
    assert ("KS2 RWM expected standard from 48% in 2016/17 to 41% in 2018/19 (the years compared are not measured "
            "alike; the latest figure comes mostly from before the strategy began: see the caveats)") in text
    assert "2 latest figures mostly from before the strategy began" in text
    assert not review.evaluate("herefordshire_2025_27").table["caveats"].str.contains(
        "comes mostly from before").any()


def test_a_change_beyond_noise_that_could_not_be_set_against_the_neighbours_says_so():
    """St Helens' SDQ completion rose 8.8 points from 2019 to 2020, beyond noise, as its
    neighbours' did (7.3): with no year before 2019 the test against them could not run,
    and the draft's list of improvements said nothing (auditor's review)."""
    r = review.evaluate("st_helens_2019")
    row = r.table.set_index("measure").loc["oc2_sdq_received"]
    assert row["verdict"] == "improved beyond noise"
    assert ("not set against the statistical neighbours' change (1 published year up to the baseline; a comparison "
            "with the neighbours needs 2)") in row["caveats"]
    assert ("SDQ completed (5-16) from 65.6% in 2019 to 74.5% in 2020, target 100% not met (not set against the "
            "statistical neighbours' change; a change near the edge of what the data can tell from noise: see the "
            "caveats)") in as_read(r.narrative("published"))


def test_a_change_beyond_noise_says_how_far_its_own_test_backs_it_in_the_draft():
    """The 2025-27 draft listed children starting to be looked after (28.0 to 19.7 per
    10,000) as improved beyond noise with only "already under way" in its bracket; its
    test column said the change was smaller than the smallest detectable one, "near the
    edge of what the data can tell from noise", and that with 9 neighbours the largest
    change of all happens by chance 1 time in 10 (auditor's review, session 28)."""
    r, row = _review_row("herefordshire_2025_27", "cla_starts_rate_per_10k")
    assert review.finding_flags(row) == [
        "the change was already under way before the baseline",
        "a change near the edge of what the data can tell from noise",
        "its change was the largest of the 10 councils compared, which chance alone gives 1 time in 10"]
    text = as_read(r.narrative("published"))
    assert ("Starts per 10,000 from 28.0 per 10,000 in 2024 to 19.7 per 10,000 in 2025 (the change was already "
            "under way before the baseline; a change near the edge of what the data can tell from noise; its "
            "change was the largest of the 10 councils compared, which chance alone gives 1 time in 10: see the "
            "caveats)") in text
    # a change beyond noise that some neighbours matched says how many (none does in the
    # bundled strategies: the words of topics.placebo_words)
    matched = {**row.to_dict(), "caveats": "", "test": "-8.5 per 10,000 children (95% CI -15.1 to -1.9). 3 of the 9 "
               "neighbours with figures for every year (1 more lacks some or all) changed by as much or more, up or "
               "down, over the same years, measured the same way."}
    assert review.finding_flags(matched) == [
        "3 of the 9 neighbours changed by as much or more over the same years"]
    # the test's words decide, not the verdict alone: a change within noise is not flagged
    assert review.finding_flags({**row.to_dict(), "verdict": "no detectable change"}) == \
        review.finding_flags({**row.to_dict(), "verdict": "no detectable change", "test": ""})


def test_a_change_partly_made_before_the_strategy_says_so_whatever_its_verdict():
    """The 2025-27 review tested KS4 Attainment 8 against the neighbours from 2022/23, the
    strategy's stated baseline, counting 2023/24 (GCSEs sat in June 2024) as after a
    strategy approved in December 2024, with no word of it; the caveat was said only of
    changes beyond noise in a percentage (virtual school head's review)."""
    t = review.evaluate("herefordshire_2025_27").table.set_index("measure")
    assert ("already under way before the strategy: +1.1 of the +3.4 came from 2022/23 to 2023/24, before it began "
            "in January 2025; the test counts the years to 2023/24 as after the baseline") \
        in t.loc["ks4_attainment8", "caveats"]
    # more than the whole change before the start, and a percentage's own years tested
    assert ("already under way before the strategy: more than the whole change (-2.3 points) came from 2023 to "
            "2024, before it began in January 2025 (-2.8); over its own years, 2024 to 2025, the change was +0.5 "
            "(95% CI -7.7 to +9.2): no detectable change") in t.loc["care_leavers_suitable_accommodation_19_21",
                                                                    "caveats"]
    # a baseline in the year before the start has no such years
    assert "already under way before the strategy" not in t.loc["cla_rate_per_10k", "caveats"]


def test_a_letters_points_say_the_change_came_before_the_visit_not_the_strategy():
    """Ofsted's letter is no strategy: the agency rate's fall before the October 2024
    visit read "already under way before the strategy" (workforce lead's review)."""
    rv = review.evaluate("ofsted_herefordshire_2024")
    caveats = " ".join(rv.table["caveats"])
    assert ("already under way before the visit: -21.3 of the -36.9 came from Sep 2023 to Sep 2024, before the "
            "visit in October 2024") in caveats
    assert "before the strategy" not in caveats
    row = {"verdict": "improved beyond noise", "test": "", "caveats":
           "already under way before the visit: -2.0 of the -3.0 points came from 2023 to 2024, before the visit in "
           "October 2024; over its own years, 2024 to 2025, the change was -1.0 (95% CI -4.0 to +2.0): "
           "no detectable change"}
    assert review.finding_flags(row) == ["part of the change came before the visit, and over its own years alone "
                                         "there is no detectable change"]


def test_a_jump_at_a_year_measured_differently_is_not_called_a_recording_change():
    """Herefordshire's Attainment 8 had "a sudden fall in 2017/18, 2021/22 ... check for a
    recording change": 2017/18 brought the new maximum score of 90 and 2021/22 the return
    of exams, both in the registry's notes (virtual school head's review). A jump the same
    size in a year with no such note is still flagged."""
    from evaltools import registry
    assert {2018, 2020, 2022, 2023} <= registry.get("ks4_attainment8").breaks
    assert registry.get("cla_3plus_placements").breaks == frozenset()
    years = [2017, 2018, 2019, 2020, 2021, 2022, 2023]
    values = [20.0, 20.5, 21.0, 21.5, 22.0, 12.0, 12.5]
    s = pd.DataFrame({"time": years, "value": values, "measure": "ks4_attainment8"})
    assert review.jumps(s) == []                        # 2021/22: exams returned
    assert review.jumps(s.assign(measure="cla_3plus_placements")) == [2022]
