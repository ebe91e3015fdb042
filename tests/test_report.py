"""The tables a report shows."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools import benchmark, briefing, published, registry, report, strategies

from .conftest import as_read


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
# Herefordshire's published figures include some that leave 1 to 5 children out:
# staying put at 18 in 2022 is 9 of 13 (4 did not stay put), in touch at 19-21 in 2023
# is 99 of 102 (3 not in touch). DfE prints them, so reports show them; a council's own
# figure with such counts (its 903 extract's) is withheld, and then no place a reader
# sees may give it away: not the table, nor the statement, chart, title, interval,
# trend arrow or band. The tests below treat DfE's counts as the council's own
# (``not_dfe``) to check that.

def test_dfe_figures_leaving_1_to_5_out_are_shown_as_dfe_published_them():
    bm = benchmark.benchmark("884", ["staying_put_18"])
    row = bm.disclosed("published").series("staying_put_18").set_index("period").loc[2022]
    assert (row["la_numerator"], row["la_denominator"], row["la_status"]) == (9, 13, "ok")
    t = report.trend_table(bm, "staying_put_18", policy="published").set_index("Year")
    assert t.loc[2022, "Herefordshire"] == "69.2% (9/13)"


def test_disclosed_hides_a_figure_that_leaves_1_to_5_out_everywhere(not_dfe):
    from evaltools.plots import benchmark_chart
    bm = benchmark.benchmark("884", ["staying_put_18", "care_leavers_in_touch_19_21"])
    raw = bm.series("staying_put_18").set_index("period").loc[2022]
    assert (raw["la_numerator"], raw["la_denominator"]) == (9, 13)
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
    assert t.loc[2022, "Herefordshire"] == "c (would reveal 1 to 5 children)"
    assert t.loc[2022, "Band"] == "no band"
    # under the internal policy the council's analysts see it
    assert "69.2% (9 of 13)" in bm.statement("staying_put_18", policy="internal") or \
        "69.2%" in report.trend_table(bm, "staying_put_18").to_string()


def test_a_figure_the_cohort_rule_hides_is_gone_from_table_and_chart_and_says_why(not_dfe):
    """Herefordshire 2022, care leavers 19 to 21: EET 47 and NEET 48 of 98 leave 3 not
    known. As the council's own figures, under published EET (the smaller) is c in the
    trend table, which says why, and its chart does not plot it; the NEET table shows 48
    of 98; under ofsted both show."""
    from evaltools.plots import benchmark_chart
    bm = benchmark.benchmark("884", ["care_leavers_eet_19_21", "care_leavers_neet_19_21"])
    eet = report.trend_table(bm, "care_leavers_eet_19_21", policy="published").set_index("Year")
    assert eet.loc[2022, "Herefordshire"] == "c (would reveal 1 to 5 children)"
    assert report.trend_table(bm, "care_leavers_neet_19_21", policy="published").set_index("Year").loc[
        2022, "Herefordshire"] == "49.0% (48/98)"
    assert report.trend_table(bm, "care_leavers_eet_19_21", policy="ofsted").set_index("Year").loc[
        2022, "Herefordshire"] == "48.0% (47/98)"
    for pol, plotted in (("published", False), ("ofsted", True)):
        fig = benchmark_chart(bm.disclosed(pol), "care_leavers_eet_19_21")
        line = next(ln for ax in fig.axes for ln in ax.get_lines() if ln.get_label() == "Herefordshire")
        points = dict(zip(line.get_xdata(), line.get_ydata()))
        assert pd.notna(points[2022]) == plotted and pd.notna(points[2021])


def test_statement_says_when_the_year_before_is_not_the_year_before(not_dfe):
    bm = benchmark.benchmark("884", ["care_leavers_in_touch_19_21"])
    text = bm.statement("care_leavers_in_touch_19_21", policy="published")
    s = bm.disclosed("published").series("care_leavers_in_touch_19_21").set_index("period")
    hidden = [int(p) for p in s.index[s["la_withheld"]]]
    assert hidden, "the test needs a withheld year"
    assert "The year before" not in text or hidden[-1] < int(s.index[s["la_status"] == "ok"][-1]) - 1
    # the years between are the policy's, and said to be (they were "suppressed or not available")
    assert "(2020; 2021 to 2023 are withheld under the published policy, as they would reveal 1 to 5 children)" \
        in text


def test_scorecard_does_not_rate_a_suppressed_latest_year():
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    row = b.table.set_index("Measure").loc["Staying put at 18"]
    assert str(row["Latest"]).startswith("c")
    assert row["RAG"] == "" and row["Band"] == "" and row["Trend"] == ""
    assert "69.2" not in b.table.to_string()


def test_the_scorecard_does_not_rate_a_figure_years_out_of_date():
    """The Isles of Scilly's newest social worker turnover is from September 2020 and
    was rated green, though "Other measures to know about" in the same pack calls such
    a figure too old to describe the council now."""
    from evaltools import briefing
    b = briefing.scorecard("420", policy="published")
    row = b.table.set_index("Measure").loc["Social worker turnover"]
    assert row["Year"] == "Sep\u00a02020" and row["RAG"] == "" and row["Trend"] == ""
    assert row["Basis"] == "the latest figure is from Sep 2020, too old to describe the council now; not rated"
    fresh = briefing.scorecard("884", policy="published").table
    assert not fresh["Basis"].str.contains("too old").any()


def test_an_unrated_scorecard_cell_says_not_rated(monkeypatch):
    """The RAG cell of a measure with no rating (context, a count, a withheld figure) was
    blank in the pack: a gap to a reader, nothing to a screen reader."""
    from evaltools import briefing
    shown = []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(obj))
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    assert (b.table["RAG"] == "").sum() >= 2          # the table keeps "" for the counts
    report.show_scorecard(b)
    cells = [row[-2] for bundle in shown for row in bundle[report.TABLE_MIME]["data"]]
    assert cells.count("not rated") == (b.table["RAG"] == "").sum() and "" not in cells
    assert all('<td class="rag-none">not rated</td>' in bundle["text/html"]
               or "not rated" not in str(bundle[report.TABLE_MIME]) for bundle in shown)
    # the trend's heading says what it compares: "↓ within noise" beside a letter point
    # "improved beyond noise" since its 2023 baseline read as a contradiction
    assert all(bundle[report.TABLE_MIME]["columns"][2:4] == ["Latest", "On the year before"] for bundle in shown)


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


def test_a_measure_dfe_stopped_publishing_says_why_its_figures_end(monkeypatch):
    """(The reading side is tested in test_published: a label under a table's
    ``discontinued``.) The measure's page says why its latest year is an earlier one."""
    shown = []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(getattr(obj, "data", obj)))
    monkeypatch.setattr(published, "discontinued",
                        lambda m: ("With 3 or more placements during the year", 2026)
                        if getattr(m, "id", m) == "cla_3plus_placements" else None)
    bm = benchmark.benchmark("884", ["cla_3plus_placements", "long_term_stability"])
    report.show_measure(bm, "cla_3plus_placements", chart=False)
    report.show_measure(bm, "long_term_stability", chart=False)
    lines = [s for s in shown if isinstance(s, str) and s.startswith("*Definition:*")]
    assert ('DfE stopped publishing this figure in its 2026 release (its tables no longer have "With 3 or '
            'more placements during the year"), so the latest figure is from an earlier release.') in lines[0]
    assert "stopped publishing" not in lines[1]


def test_intros_say_what_a_reader_needs_to_weigh_the_figures(monkeypatch):
    from evaltools import briefing, review
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-for-intros")
    r = review.evaluate("herefordshire_2025_27")
    text = as_read(report.review_intro(r).data)
    # 2025-27 began in January 2025: its latest year holds 3 months of it, as the draft
    # before this says first (review/test_rows), not said twice
    assert "holds only 3 months" not in text
    assert "hold only 3 months of it" in r.narrative("published")
    # the topic reports date the Cabinet's approval a fortnight earlier: the intro says so
    assert ("The topic reports date each intervention from its own start: Corporate Parenting Strategy "
            "2025-27 approved by Cabinet, 19 December 2024.") in text
    # baselines the strategy states for 2023 are not the 2024 the intro names: listed
    assert ("3 commitments take their baseline from another year, as the strategy states it or as the first "
            "year with a figure: Suitable accommodation, aged 19-21 (2023); KS4 Attainment 8 (2022/23); "
            "EET, aged 19-21 (2023).") in text
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
    # the target is for 2027 and the figure 2025's: not met yet, and said so
    assert basis["Immunisations up to date"].startswith("target 100% for 2027 not met yet")
    # 2023/24 is the strategy's baseline year: meeting the target then is not the strategy's
    # doing (the review: "met at the baseline; no figure since"), so the figure is rated
    # as one without a target would be, and the basis says why
    assert basis["One or more suspensions"] == ("quartile band A; no counts to test against England; the strategy's "
                                                "target (14.6%) is not judged on its baseline year alone")


def test_a_key_stage_rated_by_its_band_says_it_is_one_small_year_group():
    """The pack listed KS4 Attainment 8 among Herefordshire's strengths on its quartile
    band alone, where a year group of children in care is a dozen or two: the figure
    went from 12.2 to 22.1 in a year (virtual school head's review). The basis, and so
    the key message, says so; a measure of every child of school age does not."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    basis = b.table.set_index("Measure")["Basis"]
    assert basis["KS4 Attainment 8"] == ("quartile band A; no counts to test against England; one year group of "
                                         "children in care, a few dozen at most, so it swings from year to year")
    assert "year group" not in basis["Persistent absence"]
    assert "KS4 Attainment 8 25.5 (2024/25; quartile band A; no counts to test against England; one year group" \
        in " ".join(briefing.key_messages(b))


def test_key_messages_name_every_strength_and_concern():
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    msgs = " ".join(briefing.key_messages(b))
    for _, row in b.table[b.table["RAG"].isin(["green", "red"])].iterrows():
        assert row["Measure"] in msgs, row["Measure"]


def test_a_trend_called_noise_because_the_council_swings_more_says_so():
    """Herefordshire's agency social workers fell from 33.9% to 18.3%, larger than any
    neighbour's change, yet "↓ within noise": before that year its own figures swung 3.6
    times as much as its neighbours', which widens the interval (diffindiff.NOISIER). A
    reader took the bare words for an absurd verdict; the arrow now gives the reason."""
    from evaltools import briefing
    t = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published").table.set_index("Measure")
    assert t.loc["Agency social workers", "Trend"] == (
        "↓ within noise (its own figures swing 3.6 times as much as the comparison councils')")
    assert t.loc["Average caseload", "Trend"] == "↓ within noise"       # swings like its neighbours


def test_a_run_of_zeros_too_long_to_be_chance_is_a_key_message_and_its_band_says_so():
    """Herefordshire's convictions: 0 of 964 children in 2021-2025 where England's rates
    give about 21. Band A ("the best-performing quarter") sat beside the sentence saying
    the 0s are more likely not recorded, and the pack, which lists only band D and worse,
    said nothing (inspector's review)."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    assert briefing.key_messages(b)[-1] == (
        "**Check the recording** (0 in years where chance alone would rarely give it): Convictions (10-17): 0 "
        "recorded in every year from 2021 to 2025 where England's rates give about 21.")
    text = benchmark.benchmark("884", ["oc2_convictions"]).statement("oc2_convictions")
    assert text.endswith("it is in band A, the best-performing quarter of LAs; a 0 that is not being "
                         "recorded would put it there too.")
    assert "not being recorded would" not in benchmark.benchmark("884", ["oc2_dental_checks"]).statement(
        "oc2_dental_checks")


def test_a_measure_of_children_identified_is_not_rated_where_many_councils_identify_none():
    """Herefordshire's substance misuse, 2025: 8.8% of its children against England's
    3.0%, rated red and listed among the pack's concerns, though 24 of the 118 councils
    with a figure identified none: the measure counts those a council identified, so a
    higher figure may be closer screening (session-30 reviewer). The briefing shows it
    without a rating and says why; the benchmarking statement says so too. A measure that
    is not of children identified is rated as before."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    t = b.table.set_index("Measure")
    why = ("it counts children identified, and 24 of 118 councils identified none in 2025, so a higher figure "
           "may mean closer screening as much as more need")
    assert t.loc["Substance misuse", "RAG"] == "" and t.loc["Substance misuse", "Basis"] == why
    concerns = [msg.split("Concerns:")[1].split(" Not rated")[0] for msg in briefing.key_messages(b)
                if "Concerns:" in msg]
    assert concerns and not any("Substance misuse" in c for c in concerns)
    text = benchmark.benchmark("884", ["oc2_substance_misuse"]).statement("oc2_substance_misuse")
    assert f"{why[0].upper()}{why[1:]}." in text
    assert benchmark.identified_note(registry.get("oc2_dental_checks"), 2025) is None
    assert t.loc["Dental checks", "RAG"] == "red"
    # the count and the year are read from the data, year by year
    m = registry.get("oc2_substance_misuse")
    f = benchmark._coverage(m.id)
    la = f[(f["geographic_level"] == "Local authority") & (f["period"] == 2019)]
    assert 100 * (la["value"] == 0).mean() >= benchmark.IDENTIFIED_NONE_SHARE     # 14 of 114
    assert benchmark.identified_note(m, 2019).startswith("it counts children identified, and 14 of 114")
    # a council at 0 hears what its 0 may mean (Rutland); one DfE suppressed (City of
    # London, c) is unrated for that, and the messages do not give this reason for it
    rutland = briefing.scorecard("857", policy="published")
    assert rutland.table.set_index("measure_id").loc["oc2_substance_misuse", "Basis"].endswith(
        "so 0 may mean none were identified rather than none in need")
    city = briefing.scorecard("201", policy="published")
    assert city.table.set_index("measure_id").loc["oc2_substance_misuse", "Latest"] == "c"
    assert not any("counts children a council identified" in msg for msg in briefing.key_messages(city))


def test_a_figure_of_only_some_of_the_cohort_names_the_share_it_covers(monkeypatch):
    """Herefordshire's average SDQ score of 2025 (14.3) is better than its neighbours', but
    only 113 of 214 children (52.8%; England 78.2%) have a score: the statement, the
    briefing's basis and the review row say so. A council whose share is England's or
    more hears nothing; under the published policy a share whose counts would give away 1
    to 5 children is not given."""
    from evaltools import briefing, review
    said = "SDQ completed (5-16) is 52.8% (113 of 214, England 78.2%): "
    text = benchmark.benchmark("884", ["oc2_sdq_average"]).statement("oc2_sdq_average")
    assert said + "the figure rests on those children only and may not speak for the rest." in text
    basis = briefing.scorecard("884", strategy="herefordshire_2025_27").table.set_index("Measure").loc[
        "Average SDQ score", "Basis"]
    assert basis.endswith(said + "the rating rests on those children only and may not speak for the rest")
    row = review.evaluate("herefordshire_2025_27").table.set_index("measure").loc["oc2_sdq_average"]
    assert ("2025: " + said + "the latest figure rests on those children only") in row["caveats"]
    m = registry.get("oc2_sdq_average")
    assert benchmark.coverage_note(m, 2025, "884", "published") is not None
    assert benchmark.coverage_note(registry.get("oc2_dental_checks"), 2025, "884", "published") is None
    cov = benchmark._coverage("oc2_sdq_received")
    eng = cov[(cov["period"] == 2025) & (cov["area_code"] == "E92000001")]
    assert benchmark.coverage_note(m, 2025, eng["area_code"].iloc[0], "published") is None    # England's own
    few = pd.concat([eng, eng.assign(area_code="884", numerator=3.0, denominator=20.0, value=15.0)])
    monkeypatch.setattr(benchmark, "_coverage", lambda mid: few)
    assert benchmark.coverage_note(m, 2025, "884", "published") is None          # 3 with a score
    assert "3 of 20" in benchmark.coverage_note(m, 2025, "884", "internal")
    # DfE's own 15 of 20: the 5 without a score are DfE's subtraction, so it is said
    few = pd.concat([eng, eng.assign(area_code="884", numerator=15.0, denominator=20.0, value=75.0)])
    assert "15 of 20" in benchmark.coverage_note(m, 2025, "884", "published")


def test_key_messages_give_each_figure_its_year():
    """DfE published 3+ social workers for 2024 only: "Concerns: 3+ social workers 43.9%"
    read as this year's figure, a year before Ofsted's visit (inspector's review)."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    msgs = " ".join(briefing.key_messages(b))
    assert "3+ social workers 43.9% (2024; worse than England beyond noise)" in msgs
    assert "**Children in care:** 4 green, 3 amber, 3 red and 3 not rated of 13 measures." in msgs
    assert "Dental checks 72.3% (2025; worse than England beyond noise; better than the year before beyond noise)" in msgs


def test_key_messages_say_what_improved_beyond_noise_as_well_as_what_worsened():
    """Dental checks rose from 51.3% to 72.3%, the only change beyond noise on the
    children in care scorecard (its arrow: "better"); the key messages listed it only
    among the concerns, against England, as if it were stuck."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    msgs = briefing.key_messages(b)
    assert "**Improved beyond noise since last year** (scorecard measures): Dental checks." in msgs
    assert not any(m.startswith("**Worsened beyond noise") for m in msgs)     # none did
    assert list(briefing._moved(b.table, "better")) == list(b.table["Trend"] == "\u2191 better")


def test_the_briefing_tracks_the_points_of_the_councils_ofsted_letter(monkeypatch):
    """Herefordshire's pack never mentioned Ofsted's letter (October 2024): its points, as
    data/strategies/ofsted_herefordshire_2024.yaml tracks them, are now a key message and a
    section, with the review's verdicts under the policy and the points only the
    council's records can show (return home interviews) named with what to supply."""
    from evaltools import briefing
    from evaltools.errors import ConfigError
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    letter = briefing.letter_review(b, "ofsted_herefordshire_2024")
    msg = as_read(briefing.letter_message(letter, "published"))            # the council's words, escaped
    assert msg == ("**Ofsted's points:** of the 18 in *Herefordshire: points from Ofsted's fifth monitoring visit "
                   "(22-23 October 2024)* (19 measures), 8 have a national figure; improved beyond noise: Greater permanence in the "
                   "workforce (lower agency share), 55.2% (Sep 2023) to 18.3% (Sep 2025) (the council and its "
                   "neighbours were not moving in parallel before the baseline; a sudden fall in it may be a "
                   "recording change, or the effect of the intervention aimed at it; its change was the largest "
                   "of the 10 councils compared, which chance alone gives 1 time in 10); 6 show no detectable "
                   "change; 1 could not be tested. The other 11 need the council's own records, not yet supplied "
                   "(listed under Ofsted's points).")
    assert briefing.letter_review(b, None) is None
    with pytest.raises(ConfigError, match="ofsted_herefordshire_2024 is Herefordshire's, not Hertfordshire's"):
        briefing.letter_review(briefing.scorecard("919", policy="published"), "ofsted_herefordshire_2024")

    shown = []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(obj))
    report.show_letter_points(letter, "published")
    intro = shown[0].data
    assert intro.startswith("## Ofsted's points") and "Herefordshire was judged inadequate in July 2022" in intro
    assert ("the 18 points have 19 measures between them, of which 8 have a national figure; the other 11 need the "
            "council's own records") in intro
    tables = [pd.DataFrame(o[report.TABLE_MIME]["data"], columns=o[report.TABLE_MIME]["columns"])
              for o in shown[1:] if isinstance(o, dict)]
    figures, local = tables
    assert len(figures) == 8 and len(local) == 11       # 18 points, one with two measures
    rhi = local.set_index("Point").loc["Raise take-up of return home interviews after missing episodes"]
    assert (rhi["Local measure to supply"], rhi["Status"]) == ("return_home_interviews_takeup", "no local data supplied")
    agency = figures[figures["Measure"].str.startswith("Greater permanence")].iloc[0]
    assert (agency["Latest"], agency["Verdict"]) == ("18.3% (Sep 2025)", "improved beyond noise")


# ------------------------------------------------------- other measures to know about
# The scorecard's measures are fixed; the pack also lists every other measure of the
# benchmarking report on which the council's latest figure is in band D (the worst
# quarter of councils) or worse than its neighbours or England beyond noise.

def _latest_raw(indicators, code: str, mid: str) -> pd.Series:
    """The council's latest published figure of a measure, straight from the bundled data."""
    mine = indicators[(indicators["measure"] == mid) & (indicators["area_code"].astype(str) == code)
                      & (indicators["status"] == "ok")]
    return mine.sort_values("period").iloc[-1]


def _worst_quarter(indicators, mid: str, period: int, value: float, high_is_better: bool) -> bool:
    """Whether a value is in the worst quarter of councils' figures that year."""
    v = indicators[(indicators["measure"] == mid) & (indicators["period"] == period)
                   & (indicators["geographic_level"] == "Local authority") & (indicators["status"] == "ok")]["value"]
    return value < v.quantile(0.25) if high_is_better else value > v.quantile(0.75)


def test_the_herefordshire_pack_flags_measures_off_the_scorecard_in_the_worst_quarter(indicators):
    """Herefordshire 2025: 65 of 273 new placements outside the LA and over 20 miles
    (23.8%, above the highest quarter of councils' figures; lower is better) and 25 of
    285 children in care 12 months+ with a substance misuse problem (8.8%) are key
    measures on the scorecard (the first red; the second not rated, as it counts
    children identified, but named): children placed far from home are what Ofsted's
    letter named, and health is an ILACS focus. Staying put at 19-20 (23%, band D) is
    not, so it is listed among the other measures and in the key messages."""
    from statsmodels.stats.proportion import proportion_confint

    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    msgs = " ".join(briefing.key_messages(b))

    raw = _latest_raw(indicators, "884", "new_placements_outside_la_over_20_miles")
    assert (int(raw["period"]), raw["numerator"], raw["denominator"]) == (2025, 65, 273)
    assert _worst_quarter(indicators, "new_placements_outside_la_over_20_miles", 2025, raw["value"], False)
    far = b.table.set_index("measure_id").loc["new_placements_outside_la_over_20_miles"]
    assert far["Latest"] == f"{100 * 65 / 273:.1f}%" == "23.8%"
    assert (far["Area"], far["Band"], far["RAG"]) == ("Leaders: workforce and sufficiency", "D", "red")
    lo, _ = proportion_confint(65, 273, method="wilson")
    nb = b.benchmark.series("new_placements_outside_la_over_20_miles").iloc[-1]["comparator_mean"]
    assert 100 * lo > nb               # its 95% interval clears the neighbours' average (18.6%)
    assert "new_placements_outside_la_over_20_miles" not in set(b.others["measure_id"])
    assert "New placements outside LA and >20 miles 23.8% (2025; worse than England beyond noise)" in msgs

    raw = _latest_raw(indicators, "884", "staying_put_19_20")
    assert int(raw["period"]) == 2025
    row = b.others.set_index("measure_id").loc["staying_put_19_20"]
    assert row["Band"] == "D" and row["Why listed"] == "in the worst quarter of councils (band D)"
    assert "Staying put at 19-20 23% in 2025 (band D)" in msgs

    raw = _latest_raw(indicators, "884", "oc2_substance_misuse")
    assert (int(raw["period"]), raw["numerator"], raw["denominator"]) == (2025, 25, 285)
    assert _worst_quarter(indicators, "oc2_substance_misuse", 2025, raw["value"], False)
    sm = b.table.set_index("measure_id").loc["oc2_substance_misuse"]
    assert sm["Area"] == "Children in care" and sm["Latest"] == f"{100 * 25 / 285:.1f}%" == "8.8%"
    # not rated (it counts children identified; P8a), but named in the key messages
    assert (sm["Band"], sm["RAG"]) == ("D", "")
    assert "oc2_substance_misuse" not in set(b.others["measure_id"])       # not listed twice
    assert ("Not rated, as it counts children a council identified: Substance misuse 8.8% (2025; England 3.0%)."
            in msgs)
    # every measure listed is in the key messages
    for _, r in b.others.iterrows():
        assert f"{r['Measure']} {r['Latest']}" in msgs, r["Measure"]


def test_a_measure_in_band_a_is_not_flagged():
    """Herefordshire's latest figures in the best quarter of councils off the scorecard
    (3+ placements over 2 years 19.9%, mid-year school moves 5.7%...) are not listed,
    and every measure listed is in band D or worse than a comparison beyond noise."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    band_a = set()
    for mid in briefing.other_measures():
        s = b.benchmark.series(mid)
        if len(s) and s.iloc[-1]["la_status"] == "ok" and s.iloc[-1]["band"] == "A":
            band_a.add(mid)
    assert {"cla_3plus_placements_2yr", "school_moves_midyear"} <= band_a
    assert not band_a & set(b.others["measure_id"])
    for _, r in b.others.iterrows():
        assert r["Band"] == "D" or "worse" in set(r["sides"].values()), r["Measure"]
    # New placements over 20 miles: band C, 28.2% worse than England's 20.8% beyond noise
    # but better than the neighbours' 34.5%; the pack says both
    row = b.others.set_index("measure_id").loc["new_placements_over_20_miles"]
    assert row["Band"] == "C" and row["sides"] == {"Neighbours": "better", "England": "worse"}
    assert row["Why listed"] == ("worse than England beyond noise, though better than its statistical "
                                 "neighbours beyond noise")


def test_a_measure_dfe_stopped_publishing_is_not_flagged_on_an_old_figure():
    """DfE published children with 2+ social worker changes in 12 months only for 2019
    and 2020: Herefordshire's 37.6% in 2020 is band D, but five years old in a 2025 pack,
    so it is named as too old rather than listed as a concern today."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    s = b.benchmark.series("cla_sw_changes_2plus_12m")
    assert int(s.iloc[-1]["period"]) == 2020 and s.iloc[-1]["band"] == "D"
    assert "cla_sw_changes_2plus_12m" not in set(b.others["measure_id"])
    old = {m: why for m, _, why in b.others_not_rated}
    assert old["2+ social worker changes"] == "its latest figure is from 2020, too old to describe the council now"
    assert (b.others["period"] >= 2025 - briefing.STALE_YEARS).all()


def test_no_flagged_figure_rests_on_1_to_5_children_under_the_published_policy(not_dfe):
    """Camden's 2025 development assessments, 15 of 18 (3 not assessed), are in band D:
    the council's analysts (internal policy) see them listed; the published pack does
    not list or rate them, and says the figure is not shown."""
    from evaltools import briefing, sdc
    internal = briefing.scorecard("202", policy="internal")
    published_ = briefing.scorecard("202", policy="published")
    raw = internal.benchmark.series("oc2_development_assessments").iloc[-1]
    assert (int(raw["period"]), raw["la_numerator"], raw["la_denominator"]) == (2025, 15, 18)
    assert "oc2_development_assessments" in set(internal.others["measure_id"])
    assert "oc2_development_assessments" not in set(published_.others["measure_id"])
    assert ("Development assessments (0-4)", "2025",
            "would reveal 1 to 5 children, not shown under the published policy") in published_.others_not_rated
    assert "83.3" not in published_.others.to_string() + " ".join(briefing.key_messages(published_))
    for b in (published_, briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")):
        undisclosed = b.benchmark.indicators
        for _, r in b.others.iterrows():
            fig = undisclosed[(undisclosed["measure"] == r["measure_id"]) & (undisclosed["period"] == r["period"])
                              & (undisclosed["area_code"].astype(str) == b.la.area_code)]
            assert len(fig) == 1 and not sdc.gives_away(fig["numerator"], fig["denominator"]).any(), r["Measure"]


def test_not_recorded_counts_dfes_unknown_category_for_the_measures_that_name_it():
    """Herefordshire 2025, care leavers aged 17-18: DfE's accommodation table has 45
    suitable, 0 unsuitable and 14 "No information" of 59."""
    from evaltools import published
    f = published.not_recorded(["care_leavers_suitable_accommodation_17_18", "care_leavers_eet_17_18",
                                "cla_rate_per_10k"])
    assert set(f["measure"]) == {"care_leavers_suitable_accommodation_17_18", "care_leavers_eet_17_18"}
    row = f[(f["area_code"] == "884") & (f["period"] == 2025)
            & (f["measure"] == "care_leavers_suitable_accommodation_17_18")].iloc[0]
    assert (row["not_known"], row["denominator"]) == (14, 59)
    eng = f[(f["area_code"] == "E92000001") & (f["period"] == 2025)
            & (f["measure"] == "care_leavers_suitable_accommodation_17_18")].iloc[0]
    assert (eng["not_known"], eng["denominator"]) == (870, 14750)


def test_a_red_rating_resting_on_many_unknowns_says_it_may_reflect_recording():
    """14 of Herefordshire's 59 care leavers aged 17-18 have no information recorded
    (23.7%, England 5.9%): their EET and accommodation ratings are red, and say why they
    may be. Measures with few unknowns, or none published, say nothing of it."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    t = b.table.set_index("Measure")
    for name in ("EET, aged 17-18", "Suitable accommodation, aged 17-18"):
        assert t.loc[name, "RAG"] == "red"
        assert "14 of 59 (23.7%) have no information recorded (England 5.9%)" in t.loc[name, "Basis"]
    # 19-21: 6 of 117 unknown (5%), below the 10% worth naming
    assert "no information recorded" not in t.loc["EET, aged 19-21", "Basis"]
    assert t["Basis"].str.contains("no information recorded").sum() == 2
    assert any("may reflect recording" in k for k in briefing.key_messages(b))
    # the key message says the shared cohort's note once, after both concerns
    care = next(k for k in briefing.key_messages(b) if k.startswith("**Care leavers:**"))
    assert care.count("have no information recorded") == 1
    assert ("(2025; worse than England beyond noise; among the 45 with information the figure is 100.0% (45 of 45))"
            ". For both: 14 of 59 (23.7%) have no information recorded (England 5.9%), which DfE counts") in care
    assert "EET, aged 17-18 50.8% (2025; worse than England beyond noise; among the 45 with information the " \
        "figure is 66.7% (30 of 45))" in care


def test_placements_with_no_distance_recorded_are_named_beside_the_location_figures():
    """DfE keeps new placements whose distance is not known in its total: Herefordshire's
    70 of 353 in 2024 (19.8%, England 16.2%) pull its outside-the-LA share down to
    26.3%; among the 283 with a known location it is 32.9%. The statement says both;
    2025's 26 unknown (below 10%) need no note."""
    from evaltools import registry
    m = registry.get("new_placements_outside_la")
    note = benchmark.recording_note(m, 2024, "884", "published")
    assert note.startswith("70 of 353 new placements (19.8%) have no distance recorded (England 16.2%)")
    assert note.endswith("among the 283 with a known location the figure is 32.9% (93 of 283)")
    assert benchmark.recording_note(m, 2025, "884", "published") is None


def test_a_trend_arrow_stands_on_dfe_figures_that_leave_1_to_5_out():
    """In touch at 17-18, 2023: DfE published 95% with the children it leaves out (1 to
    5) for anyone to subtract, so the published policy shows it, and the 2024 trend
    arrow stands on it as the internal one does."""
    from evaltools import briefing
    pub = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published").table.set_index("Measure")
    internal = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="internal").table.set_index("Measure")
    assert pub.loc["In touch, aged 17-18", "Trend"] == internal.loc["In touch, aged 17-18", "Trend"]
    assert pub.loc["In touch, aged 17-18", "Trend"].split()[0] in "↑↓→"


def test_a_statement_names_a_large_unrecorded_share_but_never_one_that_would_undo_suppression():
    """The topic and benchmarking statements say what the briefing says: 14 of
    Herefordshire's 59 care leavers aged 17-18 have no information recorded (2025).
    EET 19-21 of 2022 leaves 3 of 98 unknown (3%, below the 10% worth naming): none."""
    from evaltools import registry
    bm = benchmark.benchmark("884", ["care_leavers_suitable_accommodation_17_18", "care_leavers_eet_19_21"])
    text = bm.statement("care_leavers_suitable_accommodation_17_18", policy="published")
    assert ("14 of 59 (23.7%) have no information recorded (England 5.9%), which DfE counts for young people the "
            "council is not in touch with, who refused contact or no longer need its services: the figure may "
            "reflect recording and contact") in text
    assert "among the 45 with information the figure is 100.0% (45 of 45)" in text
    assert "no information recorded" not in bm.statement("care_leavers_eet_19_21", policy="published")
    eet = registry.get("care_leavers_eet_19_21")
    assert benchmark.recording_note(eet, 2022, "884", "published") is None
    assert benchmark.recording_note(registry.get("cla_rate_per_10k"), 2025, "884", "published") is None


def test_a_run_of_zeros_too_long_to_be_chance_is_named_as_a_possible_recording_gap():
    """Herefordshire reports 0 of 964 children aged 10-17 convicted over 2021-2025
    (DfE's c in 2019 and 2020 ends the run): at England's rates about 21 would be
    expected, so the statement asks for recording to be checked rather than letting the
    best-quarter band stand alone. One 0 of 196 is chance (about 4 expected)."""
    from evaltools import registry
    m = registry.get("oc2_convictions")
    bm = benchmark.benchmark("884", ["oc2_convictions"])
    run = benchmark.council_zero_run(bm, m)
    assert (run.first, run.last, run.years, run.cohort) == (2021, 2025, 5, 964)
    assert run.expected == pytest.approx(21, abs=0.5)
    text = bm.statement("oc2_convictions", policy="published")
    assert ("Herefordshire recorded 0 in every year from 2021 to 2025 (0 of 964 in all); at England's "
            "rates about 21 would be expected") in text and "check that these are being recorded" in text
    one = benchmark.zero_run(m, [2025], [0], [196], ["ok"], {2025: 2.0})
    assert one is None                                   # 0.98 ** 196 = 1.9%: chance
    big = benchmark.zero_run(m, [2025], [0], [400], ["ok"], {2025: 2.0})
    assert big is not None and big.short(m) == ("0 recorded in 2025 where England's rate gives about 8: "
                                                "check it is being recorded")
    # a figure above 0, a suppressed year or an unknown cohort ends the run
    assert benchmark.zero_run(m, [2024, 2025], [1, 0], [400, 400], ["ok", "ok"], {2024: 2.0, 2025: 2.0}).years == 1
    assert benchmark.zero_run(m, [2025], [0], [400], ["c"], {2025: 2.0}) is None
    assert benchmark.zero_run(registry.get("cla_rate_per_10k"), [2025], [0], [400], ["ok"], {2025: 2.0}) is None


def test_the_review_and_the_scorecard_carry_a_run_of_zeros():
    """The review's caveats name it and its narrative counts it; a scorecard rating on
    such a run gives it in its basis."""
    from evaltools import briefing, published, review, strategies
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2024},
                          "measures": [{"id": "crime", "text": "Fewer children convicted", "source": "published",
                                        "measure": "oc2_convictions", "direction": "decrease"}]})
    t = review.review_table(s, published.load_indicators(["oc2_convictions"])).set_index("id")
    assert "Herefordshire recorded 0 in every year from 2021 to 2025" in t.loc["crime", "caveats"]
    # 0% to 0% is not judged "no detectable change", which read as a result
    assert t.loc["crime", "verdict"] == "not tested" and t.loc["crime", "test"].startswith(
        "not judged: the council's figure is 0 in every recent year, more likely unrecorded")
    # the scorecard: Herefordshire's health assessments, made 0 of a large cohort for two years
    f = published.load_indicators(["oc2_health_assessments"] + briefing.other_measures())
    mine = (f["area_code"] == "884") & (f["measure"] == "oc2_health_assessments") & f["period"].isin([2024, 2025])
    f.loc[mine, ["numerator", "value"]] = 0
    b = briefing.scorecard("884", policy="internal", indicators=f)
    row = b.table.set_index("Measure").loc["Health assessments"]
    assert row["RAG"] == "red" and "0 recorded in every year from 2024 to 2025 where England's rates give about" \
        in row["Basis"]


def test_a_did_chart_names_the_fixed_set_of_neighbours_it_averages():
    """The stability topic's DiD chart showed the neighbours' average of 3+ placements
    rising from 2024 to 2025 while the trend table beside it showed it falling: the DiD
    keeps DfE's latest set in every year, the table each year's own set. The line says
    which it is."""
    from evaltools import published
    from evaltools.areas import resolve_la
    from evaltools.stats.diffindiff import did
    f = published.load_indicators(["cla_3plus_placements"])
    res = did(f, "884", 2025, measure="cla_3plus_placements", comparators="statistical_neighbours",
              reference="last")
    n = res.diagnostics["n_comparators"]
    assert report.did_comparison_label(res, resolve_la("884")) == \
        f"Average of the {n} neighbours compared\n(DfE's 2025 set, every year)"


def test_an_amber_measure_in_the_worst_quarter_is_named_in_the_key_messages():
    """In touch at 17-18 (88.5%, 2024) is within noise of England, so amber, but in band D:
    an inspector sees the band, so the key messages name it."""
    from evaltools import briefing
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    row = b.table.set_index("Measure").loc["In touch, aged 17-18"]
    assert row["RAG"] == "amber" and row["Band"] == "D"
    msgs = " ".join(briefing.key_messages(b))
    assert "Amber, but in the worst quarter of councils: In touch, aged 17-18 88.5% (2024)." in msgs


def test_a_statement_on_a_figure_years_old_says_it_is_history(not_dfe):
    """Staying put at 18: Herefordshire's latest figure is 2021 (2022-2024 suppressed);
    a theme page that leads with it says it is too old to describe the council now, as
    the briefing, which does not rate it, already implies."""
    bm = benchmark.benchmark("884", ["staying_put_18", "cla_rate_per_10k"])
    text = bm.statement("staying_put_18", policy="published")
    assert "It is 4 years older than the newest figures here (2025): read it as history, too old to " \
           "describe Herefordshire now." in text
    assert "read it as history" not in bm.statement("cla_rate_per_10k", policy="published")


def test_a_workforce_census_does_not_make_the_newest_year_one_no_figure_is_labelled(not_dfe):
    """The September 2025 workforce census falls in the year ending March 2026 (period
    2026) but is labelled Sep 2025: a 2021 figure beside it is 4 years older than the
    newest figures (2025), as the topic reports without the census say, not 5 years
    older than "2026"."""
    bm = benchmark.benchmark("884", ["staying_put_18", "cla_rate_per_10k", "social_worker_caseload"])
    assert int(bm.table["period"].max()) == 2026 and bm.newest_year() == 2025
    assert "It is 4 years older than the newest figures here (2025)" in bm.statement("staying_put_18",
                                                                                    policy="published")


def test_an_average_of_too_few_neighbours_is_not_given():
    """Hertfordshire's care leavers in apprenticeships: in 2022 only Cambridgeshire of its
    10 neighbours had a figure (0 of 364), which the trend table and chart gave as the
    neighbours' average, 0.0% (0.0% to 0.0%). An average needs at least half the set;
    the table and the statement say how few there are."""
    bm = benchmark.benchmark("919", ["care_leavers_apprenticeship_19_21"], periods=(2016, 2024))
    s = bm.series("care_leavers_apprenticeship_19_21").set_index("period")
    assert s.loc[2022, "comparator_n"] == 1 and pd.isna(s.loc[2022, "comparator_mean"])
    assert pd.isna(s.loc[2022, "comparator_min"])
    t = report.trend_table(bm, "care_leavers_apprenticeship_19_21", policy="published").set_index("Year")
    assert t.loc[2022, "Neighbours' average"] == "too few (1 of 10)"
    assert t.loc[2022, "Neighbours' range"] == "not available"
    assert ("Only 3 of its 10 statistical neighbours have a figure, too few for an average (at least 5 are "
            "needed).") in bm.statement("care_leavers_apprenticeship_19_21", policy="published")
    # 2025: 5 have a figure, but Hampshire's rests on 51% of its young people not known (C2b)
    full = benchmark.benchmark("919", ["care_leavers_apprenticeship_19_21"])
    assert full.latest("care_leavers_apprenticeship_19_21")["comparator_n"] == 4
    assert ("Only 4 of its 10 statistical neighbours have a usable figure, too few for an average (at least 5 "
            "are needed). One neighbour is left out of the average because its figure reflects recording more "
            "than young people's lives: Hampshire") in full.statement("care_leavers_apprenticeship_19_21")


def test_a_target_rating_is_not_amber_when_the_latest_year_fell_beyond_noise():
    """A figure better than the baseline but worse than the year before beyond noise
    was rated "amber: moving the right way" beside its own "↓ worse" arrow."""
    from evaltools import briefing

    m = registry.get("oc2_sdq_received")
    last = pd.Series({"la_value": 88.3})
    assert briefing._rag(m, last, (100.0, "yes", None), "↓ worse") == (
        "red", "target 100% not met; better than the baseline but worse than the year before beyond noise")
    assert briefing._rag(m, last, (100.0, "yes", None), "↓ within noise") == (
        "amber", "target 100% not met; better than the baseline")
    assert briefing._rag(m, last, (100.0, "no", None), "↑ within noise") == (
        "red", "target 100% not met; no better than the baseline")      # beside an arrow of its own
    assert briefing._rag(m, last, (100.0, "not assessed", None), "") == ("red", "target 100% not met")   # no baseline
    assert briefing._rag(m, last, (85.0, "no", None), "↓ worse") == ("green", "meets the strategy's target (85%)")
    # a target for a later year: not met yet, rated on how the figure has moved
    assert briefing._rag(m, last, (100.0, "yes", 2027), "↓ within noise") == (
        "amber", "target 100% for 2027 not met yet; better than the baseline")


def test_a_target_from_a_strategy_that_has_ended_does_not_rate_todays_figure():
    """St Helens' interim strategy ran to March 2020 and wanted every SDQ completed. Its
    88.3% in 2025 (235/266) was rated red against that 100%, ten points above England's
    78.2%: an Ofsted reader saw a strength as a concern. A figure from after the strategy
    is rated against England, and the basis says why the target is not used."""
    from evaltools import briefing

    b = briefing.scorecard("342", strategy="st_helens_2019", policy="published")
    row = b.table.set_index("Measure").loc["SDQ completed (5-16)"]
    assert str(row["Year"]) == "2025" and row["Trend"] == "↓ worse" and row["RAG"] == "green"
    assert row["Basis"] == ("better than England beyond noise; the strategy's target (100%) was for the years "
                            "to March 2020")
    concerns = [m.split(" Concerns: ")[1] for m in briefing.key_messages(b) if " Concerns: " in m]
    strengths = [m.split(" Strengths: ")[1] for m in briefing.key_messages(b) if " Strengths: " in m]
    assert not any("SDQ completed" in c for c in concerns) and any("SDQ completed" in x for x in strengths)


def test_a_title_comparing_a_figure_without_an_interval_says_it_is_untested():
    """Hertfordshire's average SDQ score, 14.9 against its neighbours' 14.8, was titled
    "worse than statistical neighbours" while the statement said to treat small
    differences with care; a figure with counts keeps the tested title."""
    bm = benchmark.benchmark("919", ["oc2_sdq_average", "oc2_health_assessments"])
    assert bm.headline("oc2_sdq_average") == ("Hertfordshire: 14.9 in 2025, worse than statistical neighbours "
                                              "(14.8; untested)")
    assert "untested" not in bm.headline("oc2_health_assessments")


def test_the_average_without_neighbours_at_zero_follows_the_same_share_rule():
    """Hertfordshire's care leavers in apprenticeships, 2025: 5 of 10 neighbours have a
    figure and 2 of them report 0%; "without them the neighbours averaged 1.8%" rested on
    3 of 10, fewer than an average needs, so the note names the zeros without it.
    (DfE's figures now leave Hampshire out, its 51% not known (C2b), and give no average
    at all; the council's own copy of the same figures keeps it, as a figure from
    anywhere but DfE's tables is not set aside.)"""
    from evaltools import published
    own = published.load_indicators(["care_leavers_apprenticeship_19_21"]).assign(source="council's copy")
    bm = benchmark.benchmark("919", ["care_leavers_apprenticeship_19_21"], indicators=own)
    text = bm.statement("care_leavers_apprenticeship_19_21")
    assert "(5 of 10 with a figure" in text
    assert "2 neighbours report 0% (Cambridgeshire 0 of 337; Bracknell Forest 0 of 88)" in text
    assert "without them the neighbours averaged" not in text
    assert benchmark.needed_for_average(10) == 5 and benchmark.needed_for_average(9) == 5


def test_table_html_is_what_pandas_writes():
    """Tables are written without pandas' formatter where every cell is plain text; the
    HTML is pandas' own, character for character, for text with markup characters,
    quotes and spaces, and tables of numbers, gaps or line breaks go to pandas (a line
    break in a cell as a space)."""
    import random
    import string

    from evaltools.report import _table_html
    rnd = random.Random(7)
    chars = string.ascii_letters + " &<>\"'é%£−–,.()/\\\n\t"
    for k in range(400):
        ncol, nrow = rnd.randint(1, 5), rnd.randint(0, 6)
        df = pd.DataFrame({i: ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 25))) for _ in range(nrow)]
                           for i in range(ncol)})
        df.columns = ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 10))) for _ in range(ncol)]
        if k % 3 == 0:
            df = df.astype(object)
        if k % 7 == 0 and nrow:
            df.iloc[0, 0] = None
        if k % 11 == 0:
            df["n"] = [i / 3 for i in range(nrow)]
        # a line break in a cell is a space (pandas writes "\\n"); otherwise pandas' HTML
        flat = df.map(lambda v: " ".join(v.split()) if isinstance(v, str) and any(c in v for c in "\n\t") else v)
        assert _table_html(df, "evaltools-table text-2") == flat.to_html(
            index=False, escape=True, border=0, classes="evaltools-table text-2")


def test_every_abbreviation_the_review_and_briefing_print_is_in_their_glossary(monkeypatch):
    """A board member meets CLA, EET, SDQ, KS4, CI... in the review's draft and table and
    in the scorecard: each report ends with the terms it uses (resources/terms.yaml), and
    an abbreviation added to the wording without a gloss fails here."""
    import re

    from evaltools import briefing, review

    monkeypatch.setenv("EVALTOOLS_SALT", "glossary-test-salt-0123")
    common = {"GCSE", "GP"}           # everyday English

    def glossed(kind):
        return " ".join(f"{t['term']} {t['meaning']}" for t in report.terms() if kind in t["reports"])

    r = review.evaluate("herefordshire_2025_27", extract="data/sample")
    b = briefing.scorecard("884", strategy="herefordshire_2025_27")
    for kind, text in (("review", r.narrative() + review.display_table(r).to_string()),
                       ("briefing", b.table.to_string() + " ".join(briefing.key_messages(b)) + b.others.to_string())):
        used = set(re.findall(r"\b[A-Z][A-Z0-9]+(?=s?\b)", text)) - common
        # the briefing's own labels say "children in care"; the strategy's words may say CLA
        assert used and {"EET", "SDQ"} <= used and ("CLA" in used) == (kind == "review")
        missing = {a for a in used if not re.search(rf"\b{a}\b", glossed(kind))}
        assert not missing, f"{kind}: {sorted(missing)} not in resources/terms.yaml"
    shown = []
    monkeypatch.setattr(report, "display", shown.append)
    report.show_terms("briefing")
    assert "- **RAG**: red, amber or green" in shown[0].data and "Difference-in-differences" not in shown[0].data
    with pytest.raises(ValueError, match="no glossary for 'x'"):
        report.show_terms("x")


def test_the_glossary_gives_every_dfe_symbol_its_meaning():
    from evaltools import indicators
    symbols = next(t for t in report.terms() if t["term"].startswith("c, x"))
    assert set(symbols["term"].split(", ")) == set(indicators.SYMBOLS)
    for meaning in indicators.SYMBOLS.values():
        assert meaning.split(" (")[0] in symbols["meaning"], meaning


def test_a_scorecard_is_never_rated_against_another_councils_strategy():
    from evaltools import briefing
    from evaltools.errors import ConfigError
    with pytest.raises(ConfigError, match="herefordshire_2025_27 is Herefordshire's"):
        briefing.scorecard("919", strategy="herefordshire_2025_27")


def test_a_trend_table_says_when_dfe_revised_a_year_it_shows():
    """The ILACS pack's and benchmarking report's tables changed 2025 from 10.2% to
    11.3% on a rerun without a word; only the review named DfE's revisions."""
    bm = benchmark.benchmark("884", ["cla_3plus_placements"])
    internal = report.revision_note(bm, "cla_3plus_placements", "internal")
    assert "2022 first published as 5.6 (21/378), now 10.3 (39/379)" in internal
    assert internal.endswith("(the table gives the latest figures)")
    published = report.revision_note(bm, "cla_3plus_placements", "published")
    assert "2022 first published as 5.6, now 10.3" in published and "/" not in published


def test_a_revision_of_a_withheld_year_is_not_given(not_dfe):
    """A year the policy shows as c must not come back through its revision."""
    bm = benchmark.benchmark("884", ["oc2_development_assessments"])
    hidden = bm.withheld_periods("oc2_development_assessments", "published")
    note = report.revision_note(bm, "oc2_development_assessments", "published") or ""
    assert hidden and not any(f"{p} first published" in note for p in hidden)


def test_every_resource_file_is_valid_yaml():
    """A glossary entry with ': ' inside its words broke every report at once."""
    import yaml

    from evaltools.paths import RESOURCES_DIR
    for p in sorted(RESOURCES_DIR.glob("*.yaml")):
        assert yaml.safe_load(p.read_text(encoding="utf-8")), p.name
    assert all(t["term"] and t["meaning"] for t in report.terms())


def test_a_theme_page_gives_a_measure_dfe_stopped_publishing_no_chart(monkeypatch):
    """Staying put at 18 was last published for 2021: a whole page of the 2025 pack held
    one old dot. It keeps its statement and table; the current measures keep charts."""
    from evaltools import briefing

    b = briefing.scorecard("884", strategy="herefordshire_2025_27")
    area = b.table.set_index("measure_id").loc["staying_put_18", "Area"]
    shown = []
    monkeypatch.setattr(report, "display", lambda x, **kw: shown.append(x))
    report.show_theme(b, area)
    md = [getattr(x, "data", "") for x in shown]
    at = next(i for i, t in enumerate(md) if t.startswith("### ") and "staying put" in t.lower() and "18" in t)
    nxt = next((i for i in range(at + 1, len(md)) if md[i].startswith("### ")), len(md))
    assert not any("<img" in t for t in md[at:nxt])
    assert sum("<img" in t for t in md) >= 1                 # the area's current measures are charted


def test_a_review_chart_of_a_measure_without_polarity_says_which_way_the_strategy_wants_it(monkeypatch):
    """The review judged the CLA rate 'aim: lower' beside a chart saying 'No polarity:
    higher is not in itself better or worse': both are true, and the statement now
    says how they fit."""
    from evaltools import review

    shown = []
    monkeypatch.setattr(report, "display", lambda x, **kw: shown.append(x))
    r = review.evaluate("herefordshire_2025_27")
    report.show_review_charts(r, "published")
    md = [getattr(x, "data", "") for x in shown]
    at = md.index("### " + registry.get("cla_rate_per_10k").title)
    assert md[at + 1].endswith("DfE sets no better direction for this measure (the chart says so); the strategy "
                               "aims to lower it, and the review judges it that way.")
    eet = md.index("### " + registry.get("care_leavers_eet_19_21").title) if (
        "### " + registry.get("care_leavers_eet_19_21").title) in md else None
    assert eet is None or "DfE sets no better direction" not in md[eet + 1]     # DfE's polarity: said once


def test_scorecard_gives_no_target_or_baseline_comparison_from_a_withheld_baseline(not_dfe):
    """A strategy's +2% on in touch 17-18 in 2023 (a year the published policy withholds:
    42 of 44) printed "target 97.4% not met; no better than the baseline" in the
    scorecard: 97.4 / 1.02 gave back 95.5%, so 2 not in touch. The review's table shows
    such a target as c; the scorecard now says it is not shown and rates against England."""
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2023},
                          "measures": [{"id": "touch", "text": "In touch", "source": "published",
                                        "measure": "care_leavers_in_touch_17_18", "direction": "increase",
                                        "baseline": {"value": 95.5, "period": 2023},
                                        "target": {"change_percent": 2, "by": 2027}}]})
    row = lambda pol: briefing.scorecard("884", strategy=s, policy=pol).table.set_index("Measure").loc[  # noqa: E731
        "In touch, aged 17-18"]
    assert "target 97.4% for 2027 not met yet" in row("internal")["Basis"]
    basis = row("published")["Basis"]
    assert "97.4" not in basis and "baseline" in basis and "target" in basis
    assert basis.endswith("the strategy's target is set from a baseline year the disclosure policy withholds, "
                          "so it is not shown")


def test_other_measures_to_know_about_say_what_chance_alone_gives():
    """Herefordshire's other measures are picked by tests at 95% against England and the
    neighbours and by quartile band: the list said nothing of what chance alone puts in
    it. (An earlier wording put a number on it, "about 1", which counted the band D
    picks and the untested measures as tests.)"""
    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    tested = len(b.benchmark.measures) - len(b.table)
    words = report.others_chance_words(tested, "statistical neighbours")
    assert words == (f"*These are picked from {tested} other published measures, by tests at 95% against England "
                     "and the statistical neighbours and by quartile band (a quarter of councils are in band D on "
                     "any measure): with that many, some land here by chance alone even if nothing is wrong, so "
                     "one such measure on its own is a prompt to look closer, not a finding.*")
    assert report.others_chance_words(9, "x") == ""
def test_scorecard_does_not_rate_red_for_a_baseline_comparison_it_withholds(not_dfe):
    """In touch 19-21 against a 100% target from a 2021 baseline (91 of 94, 3 not in
    touch) withheld as the council's own figure: internal says red, "no better than the
    baseline"; under published the comparison with the baseline is withheld with it, so
    the rating stands on England alone, and says so."""
    s = strategies.parse({"strategy": {"id": "t", "title": "Test", "la": "884", "start": "2025-01-01",
                                       "end": "2027-03-31", "baseline_period": 2021},
                          "measures": [{"id": "touch", "text": "In touch", "source": "published",
                                        "measure": "care_leavers_in_touch_19_21", "direction": "increase",
                                        "baseline": {"period": 2021}, "target": {"value": 100, "by": 2027}}]})
    row = lambda pol: briefing.scorecard("884", strategy=s, policy=pol).table.set_index("Measure").loc[  # noqa: E731
        "In touch, aged 19-21"]
    assert row("internal")["Basis"] == "target 100% for 2027 not met yet; no better than the baseline"
    pub = row("published")
    assert "baseline" not in pub["Basis"].split(";")[0] and pub["RAG"] != "red"
    assert pub["Basis"].endswith("the strategy's target (100% for 2027) is not met yet; whether the figure is "
                                 "better than the baseline is withheld with the baseline's year, so it is rated "
                                 "against England")


def test_a_charts_alt_text_leads_with_its_title_and_gives_the_comparators_figures():
    """A screen reader gets what a sighted reader gets first: the title, which states
    the finding; then what is drawn, with the neighbours' and England's latest figures
    (the alt text had the council's figure alone)."""
    from evaltools import plots
    bm = benchmark.benchmark("884", ["care_leavers_eet_19_21"]).disclosed("published")
    fig = plots.benchmark_chart(bm, "care_leavers_eet_19_21")
    alt = report.alt_text(fig)
    title = fig.axes[0]._evaltools_title[0]
    assert alt.startswith(title) and alt.count(title) == 1
    assert "statistical neighbours' average 55.9%; England 54.0%." in alt
    assert f'alt="{title}' in report.figure_html(fig)


def test_a_tables_line_break_is_a_space_and_its_first_cell_heads_the_row():
    df = pd.DataFrame({"Measure": ["legal permanence\nsecond paragraph"], "RAG": ["amber"]})
    body = report.table_bundle(df, "T")["text/html"]
    assert '<th scope="row">legal permanence second paragraph</th>' in body and "\\n" not in body
    assert '<th scope="col">Measure</th>' in body and "<td>amber</td>" in body


def test_money_in_a_chart_title_or_note_is_not_read_as_maths():
    """"$5 and $10" in a local measure's title drew "5and10" in italics."""
    from evaltools.plots import local_chart
    s = pd.DataFrame({"time": [2023, 2024], "value": [5.0, 10.0], "numerator": [float("nan")] * 2,
                      "denominator": [float("nan")] * 2})
    fig = local_chart(s, title="Allowance of $5 and $10", what="Allowance $", unit="count", name="Herefordshire",
                      source="paid $5 and $10 a week")
    texts = [t for t in [fig.axes[0].title, fig.axes[0]._left_title, *fig.texts] if "$" in t.get_text()]
    assert len(texts) >= 2 and not any(t.get_parse_math() for t in texts)


def test_the_packs_trend_for_a_rate_is_tested_as_the_review_tests_it():
    """Herefordshire's average SDQ score rose 2024 to 2025: the pack said "↑ worse
    (untested)" beside a review that set the same change against the neighbours' (+0.4,
    95% CI -1.6 to +2.4) and found no detectable change. The CLA rate, which DfE gives
    no better direction and the strategy aims to lower, read "↓ down" where the review
    called it improved beyond noise. The pack now tests the rate as the review does and
    says which way the strategy aims."""
    from evaltools import briefing, review

    b = briefing.scorecard("884", strategy="herefordshire_2025_27", policy="published")
    t = b.table.set_index("Measure")
    r = review.evaluate("herefordshire_2025_27").table.set_index("measure")
    assert r.loc["oc2_sdq_average", "verdict"] == "no detectable change"
    assert t.loc["Average SDQ score", "Trend"] == "↑ within noise"
    assert r.loc["cla_rate_per_10k", "verdict"] == "improved beyond noise"
    assert t.loc["Children in care per 10,000", "Trend"] == "↓ down, as the strategy aims"
    assert t.loc["Children in care per 10,000", "Basis"] == "context (no better or worse); the strategy aims to lower it"
    assert t.loc["Children in care per 10,000", "RAG"] == ""
    assert t.loc["Children in care per 10,000", "Band"] == "Q4 (highest)"       # not "Q4": which end?
    # a change the counts test keeps its own test; without a strategy there is no aim
    assert t.loc["Health assessments", "Trend"] == "↑ within noise"
    plain = briefing.scorecard("884", policy="published").table.set_index("Measure")
    assert plain.loc["Children in care per 10,000", "Trend"] == "↓ down"


def test_a_trend_table_says_which_neighbours_its_average_leaves_out():
    """Herefordshire's EET at 19-21 in 2020: the table gave the neighbours' average as
    54.7%, the mean of 9 neighbours, with Devon (no information for 26% of its young
    people) left out and nothing said; the mean of all 10 published figures is 52.4%.
    The cell says how many it rests on (in the statement's words: "n of N" alone reads as
    children, and 1 left out would be a count withheld), and a note names who and why."""
    from evaltools import benchmark, report
    bm = benchmark.benchmark("884", ["care_leavers_eet_19_21", "cla_3plus_placements"])
    t = report.trend_table(bm, "care_leavers_eet_19_21", policy="published").set_index("Year")
    assert t.loc[2020, "Neighbours' average"] == "54.7% (9 of 10 with a figure)"
    assert t.loc[2021, "Neighbours' average"] == "52.1%"
    note = report.set_aside_note(bm, "care_leavers_eet_19_21")
    assert note.endswith("in 2020, Devon's 32.0% (no information for 26% of the young people), with it the "
                         "average would be 52.4%.")
    assert report.set_aside_note(bm, "cla_3plus_placements") is None


def test_a_strength_that_fell_beyond_noise_says_so_in_the_key_messages():
    """St Helens' SDQ completed (5-16), 88.3%, was a strength (better than England) and,
    in a line of its own, worsened beyond noise since last year (94.6%): the strength did
    not say so (auditor's review)."""
    from evaltools import briefing
    b = briefing.scorecard("342", policy="published")
    row = b.table.set_index("Measure").loc["SDQ completed (5-16)"]
    assert row["RAG"] == "green" and "worse" in row["Trend"]
    msgs = " ".join(briefing.key_messages(b))
    assert "SDQ completed (5-16) 88.3% (2025; better than England beyond noise; worse than the year before beyond noise" \
        in msgs
    assert "**Worsened beyond noise since last year** (scorecard measures): " in msgs
