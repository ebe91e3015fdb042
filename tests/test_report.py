"""The tables a report shows."""

from __future__ import annotations

from evaltools import benchmark, report


def test_scorecard_shows_the_latest_year_even_when_suppressed():
    bm = benchmark.benchmark("884", ["staying_put_18", "cla_3plus_placements"])
    t = report.latest_table(bm).set_index("Measure")
    # DfE suppressed Herefordshire's 2024 staying-put count: say so, don't fall back to 2022
    assert t.loc["Staying put at 18", "Year"] == 2024
    assert t.loc["Staying put at 18", "Herefordshire"].startswith("c (suppressed")
    assert t.loc["Staying put at 18", "Quartile band"] == "no band"
    assert t.loc["3+ placements in the year", "Herefordshire"] == "10.2%"


def test_trend_table_shows_counts_and_sources():
    bm = benchmark.benchmark("884", ["care_leavers_eet_19_21"])
    t = report.trend_table(bm, "care_leavers_eet_19_21")
    assert list(t["Year"]) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert t.iloc[-1]["Herefordshire"] == "54.7% (64/117)"
    assert t.iloc[-1]["Source"] == "EES 2025 release"


def test_benchmarking_charts_all_headline_or_a_list():
    from evaltools import benchmark, briefing
    bm = benchmark.benchmark("884", ["cla_3plus_placements", "care_leavers_eet_19_21", "oc2_convictions"])
    assert report.chart_ids(bm) == {"cla_3plus_placements", "care_leavers_eet_19_21", "oc2_convictions"}
    headline = {m for ms in briefing.area_measures().values() for m in ms}
    assert report.chart_ids(bm, "headline") == {"cla_3plus_placements", "care_leavers_eet_19_21"} & headline
    assert report.chart_ids(bm, ["oc2_convictions"]) == {"oc2_convictions"}
