"""The tables a report shows."""

from __future__ import annotations

import pandas as pd

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


def test_a_count_trend_table_has_no_band_column():
    bm = benchmark.benchmark("884", ["cla_count", "cla_rate_per_10k"])
    assert "Band" not in report.trend_table(bm, "cla_count").columns          # assumption C7
    assert "Band" in report.trend_table(bm, "cla_rate_per_10k").columns


def test_benchmarking_charts_all_headline_or_a_list():
    from evaltools import benchmark, briefing
    bm = benchmark.benchmark("884", ["cla_3plus_placements", "care_leavers_eet_19_21", "oc2_convictions"])
    assert report.chart_ids(bm) == {"cla_3plus_placements", "care_leavers_eet_19_21", "oc2_convictions"}
    headline = {m for ms in briefing.area_measures().values() for m in ms}
    assert report.chart_ids(bm, "headline") == {"cla_3plus_placements", "care_leavers_eet_19_21"} & headline
    assert report.chart_ids(bm, ["oc2_convictions"]) == {"oc2_convictions"}


def test_a_run_draws_a_chart_once_for_all_its_reports(tmp_path, monkeypatch):
    """Inside a run, the same chart from the same figures is drawn once and shown again;
    different figures, or no run, draw afresh. What is shown is the same either way."""
    import matplotlib.pyplot as plt

    from evaltools.paths import RUN_CACHE_ENV
    shown, drawn = [], []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(obj.data))

    def build(label, call=None):
        def draw():
            drawn.append(call or label)
            fig, ax = plt.subplots()
            ax.set_title(f"Herefordshire: {label}")
            fig.alt_text = f"Chart of {label}"
            return fig
        return draw

    import pandas as pd
    frame = pd.DataFrame({"period": [2024, 2025], "la_value": [10.2, 11.0]})
    report.show_chart(build("first", "no run"), "test", frame)       # no run: drawn
    monkeypatch.setenv(RUN_CACHE_ENV, str(tmp_path))
    report.show_chart(build("first"), "test", frame)
    report.show_chart(build("again"), "test", frame.copy())          # same figures: reused
    report.show_chart(build("other"), "test", frame.assign(la_value=[10.2, 11.1]))
    assert drawn == ["no run", "first", "other"]
    assert shown[2] == shown[1] and "Chart of first" in shown[2]
    assert "Chart of other" in shown[3]
    assert len(list((tmp_path / "charts").glob("*.html"))) == 2
    assert shown[0] == shown[1]                    # the same SVG as drawn directly


# ------------------------------------------------------------------ disclosure
# Herefordshire's published figures include some that rest on 1 to 5 children:
# staying put at 18 in 2022 is 9 of 13 (4 did not stay put), in touch at 19-21 in 2023
# is 99 of 102 (3 not in touch). Under a policy that suppresses small counts, no place
# a reader sees may give them away: not the table, nor the statement, chart, title,
# interval, trend arrow or band.

def test_disclosed_hides_a_figure_that_leaves_1_to_5_out_everywhere():
    from evaltools.plots import benchmark_chart
    bm = benchmark.benchmark("884", ["staying_put_18", "care_leavers_in_touch_19_21"])
    raw = bm.series("staying_put_18").set_index("period").loc[2022]
    assert (raw["la_numerator"], raw["la_denominator"]) == (9, 13)       # DfE published it
    d = bm.disclosed("published")
    row = d.series("staying_put_18").set_index("period").loc[2022]
    assert row["la_status"] == "c" and row["la_withheld"]
    assert all(pd.isna(row[c]) for c in ("la_value", "la_numerator", "la_denominator", "la_ci_low", "band"))
    assert d.disclosed("published").table.equals(d.table)                 # idempotent
    assert bm.disclosed("internal") is bm
    # the statement, headline and chart (title, alt text, SVG text) of each measure
    for mid, gone in (("staying_put_18", ["69.2", "cohort of 13", "42.4"]),
                      ("care_leavers_in_touch_19_21", ["97.1", "99 of 102"])):
        fig = benchmark_chart(d, mid)
        svg = report.figure_html(fig)
        text = " ".join([bm.statement(mid, policy="published"), d.headline(mid), svg,
                         report.trend_table(bm, mid, policy="published").to_string()])
        for g in gone:
            assert g not in text, (mid, g)
    t = report.trend_table(bm, "staying_put_18", policy="published").set_index("Year")
    assert t.loc[2022, "Herefordshire"] == "c (rests on 1 to 5 children)"
    assert t.loc[2022, "Band"] == "no band"
    # under the internal policy the council's analysts see it
    assert "69.2% (9 of 13)" in bm.statement("staying_put_18", policy="internal") or \
        "69.2%" in report.trend_table(bm, "staying_put_18").to_string()


def test_statement_says_when_the_year_before_is_not_the_year_before():
    bm = benchmark.benchmark("884", ["care_leavers_in_touch_19_21"])
    text = bm.statement("care_leavers_in_touch_19_21", policy="published")
    s = bm.disclosed("published").series("care_leavers_in_touch_19_21").set_index("period")
    hidden = [int(p) for p in s.index[s["la_withheld"]]]
    assert hidden, "the test needs a withheld year"
    assert "The year before" not in text or hidden[-1] < int(s.index[s["la_status"] == "ok"][-1]) - 1
    assert "suppressed or not available" in text


def test_scorecard_does_not_rate_a_suppressed_latest_year():
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    row = b.table.set_index("Measure").loc["Staying put at 18"]
    assert str(row["Latest"]).startswith("c")
    assert row["RAG"] == "" and row["Band"] == "" and row["Trend"] == ""
    assert "69.2" not in b.table.to_string()


def test_a_measure_shows_its_definition_then_the_notes_on_its_years(monkeypatch):
    """The definition is DfE's definition; notes on particular years (pandemic grades)
    follow it, led by their years, instead of standing in for it."""
    shown = []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(getattr(obj, "data", obj)))
    bm = benchmark.benchmark("884", ["ks4_attainment8"])
    report.show_measure(bm, "ks4_attainment8", chart=False)
    line = next(s for s in shown if isinstance(s, str) and s.startswith("*Definition:*"))
    assert line.startswith("*Definition:* Average Attainment 8 score of children looked after")
    notes = line.split("*Notes by year:* ")[1]
    assert notes.startswith("2016/17: Maximum score 87")
    assert "From 2022/23: GCSE grading returned to pre-pandemic standards" in notes
    assert "*Source:*" in line


def test_intros_say_what_a_reader_needs_to_weigh_the_figures(monkeypatch):
    from evaltools import briefing, review
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-for-intros")
    r = review.evaluate("herefordshire_2025_27")
    text = report.review_intro(r).data
    # 2025-27 began in January 2025: its latest year holds 3 months of it
    assert "began in January 2025, so the year ending 31 March 2025 holds only 3 months of it" in text
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    intro = report.briefing_intro(b).data
    assert "B and C amber, D (worst quarter) red" in intro
    assert "join two different groups of councils" in intro


def test_a_stated_target_prints_as_the_strategy_states_it():
    """Herefordshire 2025-27 wants every child's immunisations up to date: the scorecard
    says "target 100%", not "100.0%"; a target worked out from England's figure keeps its
    decimal (14.6% for suspensions)."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    basis = b.table.set_index("Measure")["Basis"]
    assert basis["Immunisations up to date"].startswith("target 100% not met")
    assert basis["One or more suspensions"] == "meets the strategy's target (14.6%)"


def test_key_messages_name_every_strength_and_concern():
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    msgs = " ".join(briefing.key_messages(b))
    for _, row in b.table[b.table["RAG"].isin(["green", "red"])].iterrows():
        assert row["Measure"] in msgs, row["Measure"]
