"""Topic evaluations on real published figures and the bundled synthetic 903 sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltools import benchmark, topics
from evaltools.stats import its
from evaltools.errors import ConfigError
from evaltools.wording import SIGNED_FIGURE, md


@pytest.fixture(scope="module")
def stability(sample_salt):
    return topics.evaluate("884", "stability", strategy="herefordshire_2017_20", extract="data/sample")


@pytest.fixture(scope="module")
def stability_glm(sample_salt):
    """The 2017-20 stability topic with its monthly series fitted by a GLM that takes the
    months as independent (errors="iid"): on the sample it finds a jump at April 2017 and
    a gap beyond noise, which the topic's own model (a drift beside the Poisson noise)
    does not. The report's wording for such findings is tested on it; the jump is told at
    p < 0.05 here (topics.JUMP_P is 0.01), as the wording, not the threshold, is tested."""
    from evaltools.stats import its
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "JUMP_P", 0.05)
        mp.setattr(topics, "_its_fit", lambda window, at, mid, la_code, pre, label="": its(
            window, at, measure=mid, area=la_code, label=label, errors="iid"))
        return topics.evaluate("884", "stability", strategy="herefordshire_2017_20", extract="data/sample")


@pytest.fixture(scope="module")
def sample_salt():
    mp = pytest.MonkeyPatch()
    mp.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    yield
    mp.undo()


def test_every_topic_has_published_measures():
    for t in topics.TOPICS.values():
        assert t.measure_ids(), t.id
    with pytest.raises(ConfigError, match="unknown topic"):
        topics.topic("wellbeing")


def test_did_on_published_years_and_its_on_calendar_months(stability):
    did = [e for e in stability.evaluations if e.measure == "cla_3plus_placements" and e.result is not None]
    assert did and did[0].method.startswith("difference-in-differences")
    lo, hi = did[0].result.ci
    assert (did[0].verdict == "no detectable change") == (lo <= 0 <= hi)
    its = [e for e in stability.evaluations if e.method.startswith("interrupted")]
    assert len(its) == 1               # two interventions started the same month: one series, one answer
    assert "; " in its[0].title
    d = its[0].result.diagnostics        # the window: 24 months after April 2017, what there is before
    assert d["n_post"] == topics.WINDOW_POST_MONTHS and 12 <= d["n_pre"] <= topics.WINDOW_PRE_MONTHS
    assert "By March 2019" in its[0].sentence
    assert "placement_moves_per_child_year" in stability.spc
    assert any("synthetic sample" in n for n in stability.notes)
    assert stability.funnels["cla_3plus_placements"].period == 2025


def test_verdicts_follow_the_interval():
    assert topics.verdict(-3.0, 9.4, "high") == "no detectable change"
    assert topics.verdict(0.5, 2.0, "high") == "improved beyond noise"
    assert topics.verdict(0.5, 2.0, "low") == "worsened beyond noise"
    assert topics.verdict(-2.0, -0.5, "none") == "fell beyond noise"
    # about 2.8 standard errors: an interval of +-1.96 SE of width 2 gives 2.8/1.96
    assert topics.mde_from_interval(-1, 1) == pytest.approx((1.959964 + 0.841621) / 1.959964, rel=1e-5)


def test_national_changes_are_not_compared_with_other_councils():
    t = topics.evaluate("884", "care_leavers", strategy="herefordshire_2017_20")
    nat = [e for e in t.evaluations if e.intervention.startswith("nat_")]
    assert nat and all(e.verdict == "not evaluated" and "every council" in e.sentence for e in nat)
    assert any("birthday" in n for n in t.notes)            # says why there is no monthly series


def test_without_an_extract_the_notebook_says_so():
    t = topics.evaluate("884", "safety")
    assert t.monthly is None and not t.spc and t.evaluations == []
    assert any("No child-level extract" in n for n in t.notes)


def test_counts_are_not_set_against_other_councils_changes():
    # Herefordshire 2025-27 should grow in-house foster places; its neighbours hold 145 to
    # 1,135 places, so their change in places is no guide to Herefordshire's
    t = topics.evaluate("884", "permanence", strategy="herefordshire_2025_27")
    places = [e for e in t.evaluations if e.measure == "foster_places"]
    assert places and all(e.result is None and e.verdict == "not evaluated" and "this is a count" in e.sentence
                          for e in places)
    assert any(e.result is not None for e in t.evaluations if e.measure == "cla_in_foster_care")   # a %
    assert all("e+" not in (e.mde or "") for e in t.evaluations)      # "about 160", never "1.6e+02"


def test_interventions_starting_the_same_year_share_one_annual_comparison():
    # the 2025-27 strategy and its foster-carer recruitment both start in 2024-25: on
    # annual figures they are one comparison, shown once under both names
    t = topics.evaluate("884", "permanence", strategy="herefordshire_2025_27")
    did = [e for e in t.evaluations if e.method.startswith("difference")]
    assert len({e.measure for e in did}) == len(did)
    both = [e for e in did if e.measure == "new_placements_outside_la"][0]
    assert "Corporate Parenting Strategy 2025-27" in both.title and "Foster carer recruitment" in both.title


def test_a_finished_strategy_is_judged_on_its_own_years(stability):
    # 2017-20 ended in March 2020: its annual comparison stops at 2020 (as the review's)
    did = [e for e in stability.evaluations if e.measure == "cla_3plus_placements" and e.result is not None][0]
    assert did.result.series["time"].max() == 2020
    assert any("ended in March 2020" in n for n in stability.notes)
    # against the last year before (2017), not the average of every year before
    assert did.result.diagnostics["reference_period"] == 2017
    assert "change from 2017 to the years from 2018" in did.sentence


def test_a_jump_at_the_start_is_told_even_when_the_end_verdict_differs(stability):
    its = [e for e in stability.evaluations if e.method.startswith("interrupted")][0]
    lvl = its.result.effect("level")
    jumped = lvl["ci_low"] > 1 or lvl["ci_high"] < 1            # a rate ratio
    assert jumped == ("at April 2017 the level" in its.sentence)
    if jumped and its.verdict == "no detectable change":
        assert any("depends on when it is read" in w for w in its.warnings)


def test_every_evaluation_is_counted_once_and_the_strategy_says_which_way_is_better():
    t = topics.evaluate("884", "permanence", strategy="herefordshire_2025_27")
    assert sum(t.counts().values()) == len(t.evaluations)
    # DfE gives the rate of children starting care no polarity; the 2025-27 strategy
    # aims to reduce it, so a fall beyond noise is an improvement, as in the review
    starts = [e for e in t.evaluations if e.measure == "cla_starts_rate_per_10k" and e.result is not None]
    assert starts and starts[0].verdict in topics.VERDICTS
    lo, hi = starts[0].result.ci
    if hi < 0:
        assert starts[0].verdict == "improved beyond noise"


def test_spc_limits_restart_only_at_an_intervention_aimed_at_the_topic(sample_salt):
    # Meadows (2025-27) aims at emotional wellbeing (SDQ), not placement moves
    t = topics.evaluate("884", "stability", strategy="herefordshire_2025_27", extract="data/sample")
    assert not any("Meadows" in n and "SPC limits" in n for n in t.notes)


def test_a_first_year_holding_part_of_an_intervention_is_said():
    import datetime as dt
    assert topics.exposure_months(dt.date(2024, 12, 19), 2025) == 4
    assert topics.exposure_months(dt.date(2024, 4, 1), 2025) == 12
    assert topics.exposure_months(dt.date(2025, 3, 31), 2025) == 1
    # Ofsted's visit of 22 October 2024 to 31 March 2025 is 5.3 months, not "6 months"
    assert topics.exposure_words(dt.date(2024, 10, 22), 2025) == "less than 6 months"
    assert topics.exposure_words(dt.date(2025, 3, 31), 2025) == "less than 1 month"
    assert topics.exposure_words(dt.date(2024, 12, 1), 2025) == "only 4 months"
    t = topics.evaluate("884", "health", strategy="herefordshire_2025_27")
    one = [e for e in t.evaluations if e.result is not None and e.result.diagnostics["n_post"] == 1]
    assert one and all(any("holds less than 4 months" in w and "in part" in w for w in e.warnings) for e in one)
    # the start as the strategy dates it: the day when it gives one, the month when not
    assert any("dates from 19 December 2024, so 2025" in w for e in one for w in e.warnings)
    safety = topics.evaluate("884", "safety", strategy="ofsted_herefordshire_2024")
    words = [w for e in safety.evaluations for w in e.warnings if "holds less than" in w]
    assert words and not any("dates from 1 " in w for w in words)
    assert any("2025, the first year after it, holds less than 6 months of it" in w for w in words)


def test_national_changes_are_not_counted_among_those_that_could_not_be_tested():
    from evaltools import report
    t = topics.evaluate("884", "care_leavers", strategy="herefordshire_2017_20")
    text = report.verdict_overview(t).data
    national = sum(e.intervention.startswith("nat_") for e in t.evaluations)
    assert national and f"{national} evaluations of national changes are not set against other councils" in text


def test_a_jump_into_the_comparison_years_is_flagged_as_a_possible_recording_change():
    from evaltools import published
    ind = published.load_indicators(topics.topic("stability").measure_ids()).copy()
    at = (ind["measure"] == "cla_3plus_placements") & (ind["area_code"].astype(str) == "884") & (ind["period"] == 2024)
    ind.loc[at, "value"] = 40.0          # Herefordshire's 2024 figure, recorded differently
    t = topics.evaluate("884", "stability", strategy="herefordshire_2025_27", indicators=ind)
    e = [e for e in t.evaluations if e.measure == "cla_3plus_placements" and e.result is not None][0]
    assert any(w.startswith("a sudden rise in 2024") for w in e.warnings)
    assert e.mde == f"about {topics.sdc.significant(e.result.diagnostics['mde'])} percentage points"


def test_an_estimate_resting_on_withheld_figures_is_not_shown_under_the_published_policy(not_dfe):
    # development assessments: every Herefordshire year leaves 1 to 5 children out
    pub = topics.evaluate("884", "health", strategy="herefordshire_2025_27", policy="published")
    e = [e for e in pub.evaluations if e.measure == "oc2_development_assessments" and e.result is not None][0]
    assert "The estimate is not shown under the published policy" in e.sentence and e.mde == "not shown"
    assert "95% CI" not in e.sentence
    internal = topics.evaluate("884", "health", strategy="herefordshire_2025_27", policy="internal")
    e = [e for e in internal.evaluations if e.measure == "oc2_development_assessments" and e.result is not None][0]
    assert "95% CI" in e.sentence


def _eet_evaluation(policy):
    t = topics.evaluate("884", "care_leavers", strategy="herefordshire_2025_27", policy=policy)
    return [e for e in t.evaluations if e.measure == "care_leavers_eet_19_21" and e.result is not None][0]


def test_an_estimate_through_a_year_the_cohort_rule_hides_says_why_and_only_under_published(not_dfe):
    """Care leavers 19 to 21 in EET: as the council's own figures, Herefordshire's 2020 and
    2022 would reveal the 3 young people not known beside NEET, so the published topic
    keeps the verdict, not the estimate, and says why; ofsted shows it."""
    pub, ofs = _eet_evaluation("published"), _eet_evaluation("ofsted")
    assert "figures for 2020, 2022 would reveal 1 to 5 children" in pub.sentence
    assert pub.mde == "not shown" and pub.verdict == ofs.verdict and "95% CI" in ofs.sentence


def test_an_estimate_on_dfe_figures_is_shown_under_published():
    """The same EET figures as DfE published them (47 of 98 in 2022, with the 3 not known
    in DfE's own table): nothing to withhold, so the published topic gives the estimate."""
    pub, ofs = _eet_evaluation("published"), _eet_evaluation("ofsted")
    assert pub.mde != "not shown" and "95% CI" in pub.sentence and pub.sentence == ofs.sentence


def test_warnings_read_for_a_report_not_for_a_programmer():
    import datetime as dt
    assert topics.exposure_months(dt.date(2024, 12, 19), 2025, academic=True) == 9     # Dec to Aug
    assert topics._plain("the residuals are still autocorrelated (Ljung-Box p = 0.010 at 4 lags): the "
                         "intervals may be too narrow; add seasonality, or pass maxlags for Newey-West errors",
                         "884").endswith("the intervals may be too narrow")
    assert topics._plain("the treated unit was already moving +0.3 per period", "884").startswith(
        "Herefordshire was already moving")


def test_a_topic_says_when_its_neighbour_group_changes():
    """The topics run to 2025, when DfE's 2025 statistical neighbour model replaces the
    2021 one: the intro says the neighbours' figures join two groups. Figures that all
    come from one model (2016 to 2024) say nothing of it."""
    from evaltools import benchmark, report
    t = topics.evaluate("884", "care_leavers", strategy="herefordshire_2025_27")
    assert set(t.benchmark.table["comparator_model"]) == {"2021", "2025"}
    assert "join two different groups of councils" in report.topic_intro(t).data
    old = benchmark.benchmark("884", ["cla_3plus_placements"], periods=(2016, 2024))
    assert set(old.table["comparator_model"]) == {"2021"}
    assert report._model_note(old) == ""


def test_a_council_formed_in_2023_says_whose_neighbours_stand_in():
    """Cumberland (942) is only in DfE's 2025 model, which gives its 2024 neighbours too;
    its benchmarking intro said nothing, though other councils' 2024 figures are set
    against the April 2021 groupings."""
    from evaltools import benchmark, report
    bm = benchmark.benchmark("942", ["cla_3plus_placements"])
    assert set(bm.table["comparator_model"]) == {"2025"} and 2024 in set(bm.table["period"])
    said = report.benchmark_intro(bm).data
    assert ("Cumberland is not in DfE's April 2021 groupings (it did not exist when they were drawn up), so "
            "for 2024 its neighbours are those of DfE's 2025 model") in said


def test_a_did_verdict_says_how_the_change_ranks_among_the_neighbours_own():
    """Herefordshire's carer-requested endings fell 5.3 points against its neighbours from
    2024 to 2025: beyond noise by the placebo interval, and larger than each of the 8
    neighbours' own changes (rank p = 1/9, the smallest 8 placebos allow). Its interval
    (-10.6 to -0.012) only just leaves out no change: the topic's headline said
    "improved beyond noise" where the annual review read the same figure as borderline."""
    t = topics.evaluate("884", "stability", strategy="herefordshire_2025_27")
    e = next(e for e in t.evaluations if e.measure == "placement_changes_carer_request_behaviour")
    assert e.verdict == "improved beyond noise" and e.result.placebo_rank == (8, 8)
    assert e.result.diagnostics["rank_p"] == pytest.approx(1 / 9)
    assert ("It was larger than the change of each of the 8 neighbours with figures for every year (2 more lack "
            "some or all) over the same years") in e.sentence
    assert e.sentence.endswith("The interval only just leaves out no change: read it as a borderline result.")
    assert [w for w in e.warnings if "borderline" in w] == [
        "the interval only just leaves out no change: read it as a borderline result"]


def test_evaluations_not_done_for_one_reason_at_one_intervention_share_a_row():
    """The care leavers report listed "a national change touched every council" once
    per measure, 7 rows per national change; now one row names the 7 measures.
    Findings stay one row per measure."""
    from evaltools.topics import NOT_EVALUATED, merge_measures
    why = "Not evaluated against other councils: a national change touched every council."
    t = pd.DataFrame([
        {"Intervention": "Act 2017", "Measure": "EET, aged 17-18", "Verdict": NOT_EVALUATED, "Finding": why},
        {"Intervention": "Act 2017", "Measure": "EET, aged 19-21", "Verdict": NOT_EVALUATED, "Finding": why},
        {"Intervention": "Strategy", "Measure": "EET, aged 17-18", "Verdict": "no detectable change", "Finding": "a"},
        {"Intervention": "Strategy", "Measure": "EET, aged 19-21", "Verdict": "no detectable change", "Finding": "a"},
        {"Intervention": "Act 2017", "Measure": "In touch, aged 19-21", "Verdict": NOT_EVALUATED, "Finding": why},
        {"Intervention": "Strategy", "Measure": "In touch, aged 19-21", "Verdict": NOT_EVALUATED, "Finding": "b"},
    ])
    m = merge_measures(t)
    assert list(m["Measure"]) == ["EET, aged 17-18; EET, aged 19-21; In touch, aged 19-21",
                                  "EET, aged 17-18", "EET, aged 19-21", "In touch, aged 19-21"]
    assert list(m["Intervention"]) == ["Act 2017", "Strategy", "Strategy", "Strategy"]


def test_an_undated_intervention_says_what_the_source_says_and_how_to_date_it():
    """The evaluator asks whether the Meadows support for foster carers worked: the
    strategy says it launches "November 20xx", with no year. The topic says so and how a
    council dates it to have it evaluated; no date is made up."""
    t = topics.evaluate("884", "stability", strategy="herefordshire_2025_27")
    note = next(n for n in t.notes if n.startswith("Not evaluated because the strategy gives no date"))
    assert 'Meadows wraparound and out-of-hours support for foster carers to enable step-down from residential ' \
           '(the strategy says "November 20xx")' in note
    assert "give its start date (start:) in the strategy's file (data/strategies, see its README) and rerun" in note
    assert not any(e.title.startswith("Meadows wraparound") for e in t.evaluations if e.result is not None)


def test_the_smallest_detectable_change_never_contradicts_the_verdict():
    """A change found beyond noise is never followed by "a change smaller than X would
    usually not be told from noise" (the 2025-27 stability topic finds carer-requested
    endings improved, -5.3 points, below what that test finds 4 times in 5); a change
    not found is."""
    t = topics.evaluate("884", "stability", strategy="herefordshire_2025_27", extract="data/sample")
    done = [e for e in t.evaluations if e.result is not None and e.mde != "not shown"]
    assert done and all(e.mde_words for e in done)
    for e in done:
        beyond = "beyond noise" in e.verdict
        assert ("would usually not be told from noise" in e.mde_words) is not beyond, (e.verdict, e.mde_words)
        assert e.mde in e.mde_words
    assert any("beyond noise" in e.verdict for e in done)


def test_cautions_use_words_a_director_reads():
    """The difference-in-differences' analyst terms ("1 unit left out of the analysis
    sample (balanced)", "the rank p-value cannot go below 0.10", "moving -0.69 per period
    relative to the comparators", "Ljung-Box p = 0.011 at 10 lags") are said in words."""
    ws = [w for tp, st in (("safety", "ofsted_herefordshire_2024"), ("stability", "herefordshire_2025_27"))
          for e in topics.evaluate("884", tp, strategy=st, extract="data/sample").evaluations for w in e.warnings]
    text = " | ".join(ws)
    for jargon in ("analysis sample", "rank p-value", "placebo comparisons", "per period", "comparators",
                   " lags", "pre-trends", "residuals"):
        assert jargon not in text, jargon
    assert ("left out of the comparison, which needs a figure for every year from each council: Westmorland and "
            "Furness (943)") in ws
    assert any(w.startswith("only 9 neighbours could be compared") and w.endswith("1 time in 10") for w in ws)


def test_a_neighbour_with_a_recording_gap_is_left_out_of_the_topics_comparison():
    """Hertfordshire's care leavers: Hampshire's figures rest on 64% and 51% unknown in
    2024 and 2025, so each difference-in-differences against the neighbours leaves it
    out and says why."""
    t = topics.evaluate("919", "care_leavers", strategy="hertfordshire_2022_25")
    did = [e for e in t.evaluations if e.result is not None and "difference" in e.method]
    assert did
    for e in did:
        assert e.result.diagnostics["n_comparators"] == 9
        assert any(w.startswith("left out of the comparison: Hampshire, where DfE records no information")
                   for w in e.warnings)


def test_a_withheld_comparison_keeps_its_cautions_without_the_figures(monkeypatch, not_dfe):
    """A chart withheld under the published policy took its cautions with it ("pre-trends
    are not parallel" went unsaid); now they are shown, without figures that would give
    the withheld years back."""
    from evaltools import report
    pub = topics.evaluate("884", "health", strategy="herefordshire_2025_27", policy="published")
    withheld = [e for e in pub.evaluations if e.result is not None and e.mde == "not shown"]
    assert withheld and any(e.warnings for e in withheld)
    for e in withheld:
        assert not any(SIGNED_FIGURE.search(w) for w in e.warnings), e.warnings
    shown = []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(getattr(obj, "data", obj)))
    monkeypatch.setattr(report, "show_figure", lambda fig: shown.append("<chart>"))
    report.show_evaluations(pub)
    text = "\n".join(map(str, shown))
    assert "Chart not shown under the published policy" in text
    for e in withheld:
        assert all(md(w) in text for w in e.warnings)     # as written (escaped for Markdown)


def test_cautions_never_quote_a_typical_month_of_1_to_5():
    w = "small numbers: a typical period has 4 events, so each figure moves a lot by chance"
    assert topics._TYPICAL_FEW.sub(r"\1fewer than 6 ", w).startswith("small numbers: a typical period has fewer than 6 events")
    assert topics._without_figures("pre-trends are not parallel: before the intervention Herefordshire's trend "
                                   "differed by +1.25 per period (p = 0.06)").startswith("pre-trends are not parallel (")
    assert topics._without_figures("a sudden jump in 2016-17: check") == "a sudden jump in 2016-17: check"


def test_a_funnel_inside_widened_limits_says_it_answers_another_question_than_the_briefing(monkeypatch):
    """Dental checks 72.3% of 285: 'worse than England beyond noise' in the briefing,
    'as expected' in the topic's funnel, with no word on why both can hold."""
    from evaltools import report
    t = topics.evaluate("884", "health", strategy="herefordshire_2025_27", policy="published")
    shown = []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(getattr(obj, "data", obj)))
    monkeypatch.setattr(report, "show_figure", lambda fig: None)
    report.show_funnels(t)
    said = [s for s in map(str, shown) if "as expected" in s and "of 285" in s]
    assert said and "allow for councils genuinely differing" in said[0]


def test_an_intervention_dated_only_roughly_says_its_start_is_an_assumption():
    """Meadows therapeutic services, dated '2024' in the source, was printed as dating
    from 1 January 2024 with 2024 counted as an 'after' year, as if known."""
    t = topics.evaluate("884", "health", strategy="herefordshire_2025_27", policy="internal")
    rough = [e for e in t.evaluations if e.result is not None and e.start is not None
             and any("is dated only as" in w for w in e.warnings)]
    assert rough
    for e in rough:
        w = [w for w in e.warnings if "is dated only as" in w][0]
        assert "is taken as starting" in w and "an assumption the verdict rests on" in w
        assert "dates from" not in " ".join(e.warnings)


def test_monthly_shares_use_laneys_chart_only_where_it_widens_the_limits(sample_salt):
    """Missing and away (sigma_z 0.72) were drawn on Laney p' charts, whose limits are
    then narrower than the p-chart's: chance read as signal."""
    t = topics.evaluate("884", "safety", strategy="ofsted_herefordshire_2024", extract="data/sample")
    assert t.spc
    for r in t.spc.values():
        if r.chart in ("p-chart", "p′ chart"):
            sz = r.diagnostics["sigma_z"]
            assert r.chart == ("p′ chart" if sz >= 1 else "p-chart"), (r.label, sz)


def test_a_monthly_rate_is_charted_on_a_u_prime_chart_and_the_reports_say_how_each_was_made(monkeypatch,
                                                                                               sample_salt):
    """Incidents per missing child went on an XmR chart, which takes every month as
    equally precise though 8 to 28 children went missing in a month (its warning, "use
    p_chart", was not shown and named the wrong chart). The reports said neither how the
    SPC limits nor how the time series were made."""
    from evaltools import report
    t = topics.evaluate("884", "safety", strategy="ofsted_herefordshire_2024", extract="data/sample")
    r = t.spc["missing_incidents_per_child"]
    assert r.chart == "u′ chart" and r.unit == "per child"
    s = r.series
    ubar = r.diagnostics["ubar"]
    fixed = s["x"] < r.diagnostics["baseline"]["extended_from"]
    assert ubar == pytest.approx(s.loc[fixed, "numerator"].sum() / s.loc[fixed, "n"].sum())
    assert s["upl"].to_numpy() == pytest.approx(ubar + 3 * r.diagnostics["sigma_z"] * np.sqrt(ubar / s["n"]))
    shown = []
    monkeypatch.setattr(report, "display", lambda obj, **k: shown.append(str(getattr(obj, "data", obj))))
    monkeypatch.setattr(report, "show_figure", lambda fig: (report.plt.close(fig), shown.append("<chart>")))
    report.show_spc(t)
    text = "\n".join(shown)
    assert ("*How:* Laney's u′ chart: the limits are the average rate over the 87 months before July 2022 "
            "± 3 standard errors of one month's rate, wider in months with fewer children who went missing, "
            "scaled by how much the months really vary") in text
    assert "*How:* a p-chart: the limits are the average share over the 87 months" in text
    assert "no polarity set" not in text and "with no better direction set" in text
    # the away chart is withheld for its small numbers: said once, not again as a caution
    assert text.count("1 to 5") == 1
    shown.clear()
    report.show_evaluations(t)
    text = "\n".join(shown)
    fitted = [line for line in shown if line.startswith("*How it was fitted:*")]
    assert len(fitted) == sum(e.result is not None for e in t.evaluations)
    assert "*How it was fitted:* " + md("segmented regression on the log odds: ") in text
    assert md("binomial sampling variance") in text
    assert "with one seasonal harmonic of 12 points." in text
    assert "*How it was fitted:* " + md("two-way fixed effects, placebo inference over 9 comparison units") in text


def test_years_limit_every_use_of_the_published_figures():
    """`years: [2016, 2022]` asks for the report as of 2022: the trends, the neighbour
    comparisons and the funnel stop there, not only the trend table."""
    t = topics.evaluate("884", "stability", strategy="herefordshire_2025_27", years=[2016, 2022])
    assert t.benchmark.series("cla_3plus_placements")["period"].max() == 2022
    assert int(pd.to_numeric(t.indicators["period"]).max()) <= 2022
    assert t.funnels["cla_3plus_placements"].period == 2022
    for e in t.evaluations:                       # 2025-27 began after 2022: nothing after it to compare
        assert e.result is None or e.result.series["time"].max() <= 2022
    open_end = topics.evaluate("884", "stability", years=[2016, None])
    assert open_end.funnels["cla_3plus_placements"].period == 2025
    with pytest.raises(ConfigError, match="in the years 2030-2031"):
        topics.evaluate("884", "stability", years=[2030, 2031])


def test_verdict_tables_say_when_each_intervention_began_in_words():
    """"July 2022", as the strategy dates it, not the ISO date 2022-07-01; interventions
    sharing one comparison list each start."""
    t = topics.evaluate("884", "safety", strategy="ofsted_herefordshire_2024")
    started = t.verdicts()["Started"]
    assert not started.str.contains(r"\d{4}-\d\d-\d\d").any()
    ivs = {iv.id: iv for iv in t.strategy.interventions}
    for e in t.evaluations:          # the first intervention's start, then any other's
        joined = [iv for iv in t.strategy.interventions if iv.title in e.title]
        assert e.row()["Started"].split("; ")[0] == ivs[e.intervention].started
        assert set(e.row()["Started"].split("; ")) == {iv.started for iv in joined}
    from evaltools.strategies import Intervention
    import datetime as dt
    iv = lambda p, w="": Intervention("x", "X", w, p, (), start=dt.date(2024, 12, 19))  # noqa: E731
    assert (iv("day").started, iv("month").started) == ("19 December 2024", "December 2024")
    assert iv("financial_year", "2024/25").started == "2024/25" and iv("year").started == "2024"


def test_the_summary_says_how_many_verdicts_rest_on_the_synthetic_sample(stability):
    """"8 showed no detectable change" was quoted from a safety report in which six of
    the eight were interrupted time series on the bundled synthetic sample."""
    from evaltools import report

    its_count = sum(e.method.startswith("interrupted") and e.verdict != "not evaluated"
                    for e in stability.evaluations)
    assert stability.synthetic and its_count >= 1
    text = report.verdict_overview(stability).data
    assert f"{its_count} of these rest{'s' if its_count == 1 else ''} on the bundled synthetic sample" in text
    own = topics.evaluate("884", "stability", strategy="herefordshire_2017_20")       # no extract
    assert not own.synthetic and "synthetic" not in report.verdict_overview(own).data
    # a verdict row, and a chart's source note, quoted alone still say so
    methods = stability.verdicts()["Method"]
    assert (methods == "interrupted time series, " + topics.SYNTHETIC_SERIES).sum() >= 1
    assert not methods.str.contains("child-level series").any()
    assert report.monthly_source(stability) == "evaltools' synthetic sample, not children's records"
    assert report.monthly_source(own) == "the council's SSDA903 extract"


def _monthly(values, start="2015-04-30", per=300.0):
    """A monthly moves-per-child-year series for Herefordshire from rates ``values``:
    counts on ``per`` child-years a month (kept whole), as the extract's series are."""
    ends = pd.date_range(start, periods=len(values), freq="ME")
    num = [round(v * per) for v in values]
    return pd.DataFrame({"area_code": "884", "area_name": "Herefordshire, County of", "ons_code": "E06000019",
                         "geographic_level": "Local authority", "period": [d.year + (d.month > 3) for d in ends],
                         "measure": "placement_moves_per_child_year", "numerator": [float(n) for n in num],
                         "denominator": per, "value": [n / per for n in num], "status": "ok",
                         "source": "SSDA903 extract (evaltools.measures)", "period_end": ends,
                         "breakdown": "all", "group": "All children"})


def _service(start):
    from evaltools.strategies import Intervention
    import datetime as dt
    return Intervention("fcss", "Foster carer support service", start, "month", ("x",),
                        start=dt.date.fromisoformat(start + "-01"))


def test_a_month_mostly_before_an_intervention_counts_as_before():
    """Ofsted's visit of 22 October 2024 made October an 'after' month though 21 of its
    31 days came before it: 6 months after, where there were 5 and a bit."""
    assert topics.first_month_after("2024-10-22") == pd.Timestamp("2024-11-30")
    assert topics.first_month_after("2022-07-01") == pd.Timestamp("2022-07-31")
    assert topics.first_month_after("2024-02-15") == pd.Timestamp("2024-02-29")      # 15 of 29 days
    assert topics.first_month_after("2024-12-19") == pd.Timestamp("2025-01-31")      # 13 of 31
    rng = np.random.default_rng(3)
    monthly = _monthly(0.5 + rng.normal(0, 0.05, 120), start="2015-04-30")          # to March 2025
    from evaltools.strategies import Intervention
    import datetime as dt
    visit = Intervention("mv", "Monitoring visit", "2024-10-22", "day", ("x",), start=dt.date(2024, 10, 22))
    ev = topics._its_monthly(monthly, "placement_moves_per_child_year", visit, "884")
    assert ev.result is None and ev.sentence == (
        "Not evaluated: the extract has 36 months before November 2024 and 5 from it on (October 2024, mostly "
        "before it began on 22 October, counts as before); an interrupted time series needs at least 12 before "
        "and 6 after.")
    longer = pd.concat([monthly, _monthly([0.5], start="2025-04-30")], ignore_index=True)
    ev = topics._its_monthly(longer, "placement_moves_per_child_year", visit, "884")
    assert ev.result is not None and "36 months before, 6 after" in ev.sentence
    assert ("October 2024, mostly before it began on 22 October, counts as before: November 2024 is the first "
            "month after") in ev.warnings


def test_a_monthly_series_that_never_varies_is_not_evaluated_rather_than_crashing():
    """No child had an away incident in any month of a small cohort: the log odds are
    the same every month, the drift model's noise factor fell to 0 and the fit divided
    by it (ZeroDivisionError), or, for a linear series, printed an effect of -2e-16
    with an interval around it. The topic says why there is no test instead."""
    ev = topics._its_monthly(_monthly([0.0] * 48, start="2019-04-30"), "placement_moves_per_child_year",
                             _service("2021-04"), "884")
    assert ev.result is None and ev.verdict == "not evaluated"
    assert ev.sentence == ("Not evaluated: the series does not vary (a rate of 0 in every month), so there is "
                           "no trend or change to estimate; report the figure as it stands.")
    with pytest.raises(ValueError, match=r"does not vary \(50% in every period\)"):
        its(pd.DataFrame({"time": range(30), "numerator": 10.0, "denominator": 20.0}), 20, model="binomial")
    with pytest.raises(ValueError, match=r"does not vary \(4.5 in every period\)"):
        its(np.full(30, 4.5), 20)


def test_a_gap_the_series_own_swings_give_at_earlier_months_is_not_beyond_noise(sample_salt):
    """M7. The foster-carer service, dated April 2022 where the synthetic sample has it
    cut unplanned moves (hazard ratio 0.7), read 'worsened beyond noise' on moves per
    child-year: the trend of the three years before was projected two years on, and the
    series' slow swings (calibrated to Herefordshire's own years) made the gap. The same
    test at earlier months, before the service, finds such gaps often; the verdict says so."""
    monthly = topics._monthly_series("data/sample", "884", ("placement_moves_per_child_year",))
    ev = topics._its_monthly(monthly, "placement_moves_per_child_year", _service("2022-04"), "884")
    # the model now has the drift beside the Poisson noise: it finds no gap beyond noise
    # itself, with no placebos needed
    end = ev.result.effect("effect_at_end")
    assert end["ci_low"] < 0 < end["ci_high"] and ev.result.fit.drift
    assert ev.verdict == "no detectable change" and ev.placebo is None
    # a model that takes the months as independent still finds it; the placebos overrule it
    from evaltools.stats import its
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "_its_fit", lambda window, at, mid, la_code, pre, label="": its(
            window, at, measure=mid, area=la_code, label=label, errors="iid"))
        ev = topics._its_monthly(monthly, "placement_moves_per_child_year", _service("2022-04"), "884")
    end = ev.result.effect("effect_at_end")
    assert end["ci_low"] > 0                                      # the GLM alone: worsened beyond noise
    n, k = ev.placebo
    assert n == 25 and k / n > topics.PLACEBO_SHARE
    assert ev.verdict == "no detectable change"
    assert "worsened beyond noise by the model, but fitted the same way at 25 earlier months" in ev.sentence
    assert ev.sentence.endswith("cannot be told from the series' own swings: no detectable change.")
    assert any("swings more than a straight trend allows" in w for w in ev.warnings)


def test_a_real_step_stands_when_earlier_months_give_no_gap_as_large():
    import numpy as np
    rng = np.random.default_rng(7)
    level = np.where(np.arange(120) < 84, 0.6, 0.3)              # halved from April 2022
    ev = topics._its_monthly(_monthly(level + rng.normal(0, 0.01, 120)),
                             "placement_moves_per_child_year", _service("2022-04"), "884")
    assert ev.verdict == "improved beyond noise" and ev.placebo == (25, 0)
    # the smallest detectable change: the interval's own half-width (its t quantile) plus
    # z(80%) standard errors, not an error backed out of the t interval with z
    from evaltools import sdc
    end = ev.result.effect("effect_at_end")
    half = (float(end["ci_high"]) - float(end["ci_low"])) / 2        # its own t quantile
    assert ev.mde == f"about {sdc.significant(half + 0.8416212 * float(end['se']))} per child-year"
    assert half / float(end["se"]) > 1.96                               # t, not z
    assert "improved beyond noise (fitted the same way at 25 earlier months, before the intervention, " \
           "it found a gap as large at 0)" in ev.sentence


def test_too_little_history_to_check_a_gap_is_said():
    import numpy as np
    rng = np.random.default_rng(7)
    level = np.where(np.arange(60) < 36, 0.6, 0.3) + rng.normal(0, 0.01, 60)
    ev = topics._its_monthly(_monthly(level, start="2019-04-30"), "placement_moves_per_child_year",
                             _service("2022-04"), "884")
    assert ev.verdict == "improved beyond noise" and ev.placebo == (0, None)
    assert any("too few months before this window" in w and "6 needed" in w for w in ev.warnings)


def test_a_time_series_says_when_another_intervention_began_in_its_earlier_months():
    """The safety topic's time series at Ofsted's fifth visit (October 2024) fits its
    earlier trend over 36 months that hold the July 2022 judgement, which the same report
    treats as a change point (its SPC limits restart there): the trend carries any
    effect of the first, and the finding did not say so. (The bundled sample ends in
    March 2025, 5 months after the visit, too few to test: a series to May 2025 here.)"""
    import datetime as dt

    import numpy as np
    from evaltools.strategies import Intervention
    judgement = Intervention("j", "Improvement work after Ofsted's judgement", "2022-07", "month", ("x",),
                             start=dt.date(2022, 7, 1))
    visit = Intervention("v", "Fifth monitoring visit", "2024-10-22", "day", ("x",), start=dt.date(2024, 10, 22))
    rng = np.random.default_rng(4)
    monthly = _monthly(0.5 + rng.normal(0, 0.05, 122))                  # April 2015 to May 2025
    late = topics._its_monthly(monthly, "placement_moves_per_child_year", visit, "884", others=[judgement])
    early = topics._its_monthly(monthly, "placement_moves_per_child_year", judgement, "884", others=[visit])
    assert late.result is not None and early.result is not None
    assert ("another intervention, Improvement work after Ofsted's judgement, began in July 2022, within the 36 "
            "months the earlier trend is fitted on, so that trend carries any effect it had") in late.warnings
    assert not any(w.startswith("another intervention") for w in early.warnings)


def test_a_comparison_across_dfes_change_of_neighbour_groups_says_which_group_it_used():
    """3+ placements against the neighbours: the table's neighbours (2021 groupings to
    2024) moved about -0.5 points, the group compared (2025's, every year) +1.2, and a
    reader recomputing from the table got -0.2 where the report said -1.9."""
    t = topics.evaluate("884", "stability", strategy="herefordshire_2025_27")
    e = next(e for e in t.evaluations if e.measure == "cla_3plus_placements" and e.result is not None)
    assert ("the comparison sets the council against DfE's 2025 group of statistical neighbours in every year; "
            "the trend tables and charts give each year's own group (DfE's 2021 groupings up to 2024), so the neighbours' "
            "average there can move differently from the one compared here") in e.warnings
    assert benchmark.regrouped_words("884", "statistical_neighbours", [2018, 2019, 2020]) == ""
    assert benchmark.regrouped_words("884", "region", [2020, 2025]) == ""


def test_the_summary_gives_each_interventions_answer(sample_salt):
    """An evaluator asked about one intervention found only the results beyond noise of
    all of them in "In short"; its own tested measures were in the table alone."""
    from evaltools import report
    t = topics.evaluate("884", "safety", strategy="ofsted_herefordshire_2024", extract="data/sample")
    text = report.verdict_overview(t).data
    assert "By intervention:\n\n- *" + md("Improvement work after Ofsted's 'inadequate' judgement (July 2022)") in text
    # the comparison with the neighbours; its 3 monthly series have 5 months after the
    # visit in the sample (October counts as before it), too few to test
    assert "- *" + md("Fifth Ofsted monitoring visit (extra-familial harm)") + "* (22 October 2024): 1 test on " \
           "1 measure; 1 no detectable change" in text


def test_a_real_jump_is_told_when_the_placebos_overrule_the_gap():
    """A five-year swing with a true step of +0.15 at April 2022: the gap at the end was
    overruled by the placebos, and the jump in level, which no earlier month matched,
    went untold because whether to tell it was decided before the gap was overruled. With
    AR(1) errors the model itself now reads the swing as the series' own, and finds the
    gap within noise; the jump is told either way."""
    import numpy as np
    t = np.arange(120)
    rng = np.random.default_rng(1)
    v = 0.6 + 0.08 * np.sin(2 * np.pi * t / 40) + np.where(t >= 84, 0.15, 0) + rng.normal(0, 0.01, 120)
    ev = topics._its_monthly(_monthly(v), "placement_moves_per_child_year", _service("2022-04"), "884")
    lvl = ev.result.effect("level")
    assert lvl["ci_low"] > 1          # a rise beyond noise
    assert ev.verdict == "no detectable change" and ev.result.fit.rho > 0.5
    assert "But at April 2022 the level rose by a factor of" in ev.sentence
    assert "worsened beyond noise at the start" in ev.sentence


def test_placebo_windows_skip_another_interventions_start():
    import numpy as np
    rng = np.random.default_rng(3)
    series = _monthly(0.6 + rng.normal(0, 0.01, 120))
    every = topics.in_time_placebos(series, pd.Timestamp("2022-04-30"), 36, 24,
                                    "placement_moves_per_child_year", "884")
    skipped = topics.in_time_placebos(series, pd.Timestamp("2022-04-30"), 36, 24,
                                      "placement_moves_per_child_year", "884", others=[pd.Timestamp("2019-07-01")])
    assert len(every) == 25 and len(skipped) == 0        # every window of 60 months then holds July 2019
    some = topics.in_time_placebos(series, pd.Timestamp("2022-04-30"), 36, 24,
                                   "placement_moves_per_child_year", "884", others=[pd.Timestamp("2016-01-01")])
    assert 0 < len(some) < 25


def test_a_comparison_that_cannot_run_says_why_in_words():
    """Herefordshire's convictions against its neighbours printed "placebo inference
    needs at least 3 comparison units; there are 2"."""
    said = topics.did_failure_words(ValueError("did: placebo inference needs at least 3 comparison units; there are 2"))
    assert said.startswith("only 2 of the neighbours have a figure for every year the council has one")
    said = topics.did_failure_words(ValueError("did: the analysis sample has 1 treated and 0 comparison units; "
                                               "both are needed (check sample= and the comparators)"))
    assert said.startswith("none of the neighbours has a figure") and "sample=" not in said


def test_the_summary_lists_a_jump_at_the_start_the_final_verdict_does_not_carry(stability_glm):
    """The 2017-20 stability summary said "0 worsened beyond noise" above a finding whose
    level rose by a factor of 1.45 at April 2017, beyond noise, before the trend changed."""
    from evaltools import report

    jumped = [e for e in stability_glm.evaluations if e.verdict == "no detectable change" and e.start_jump]
    assert jumped
    text = report.verdict_overview(stability_glm).data
    assert f"{len(jumped)} of those with no detectable change by the end changed beyond noise at the start" in text
    for e in jumped:
        assert md(e.sentence) in text and "at the start, before the trend changed" in e.sentence


def test_a_jump_at_the_start_is_told_only_when_it_clears_the_stricter_second_test(stability_glm, sample_salt):
    """M7b. The jump is a second test of the series beside its verdict (the gap at the
    end): at 5% each, the two said "beyond noise" in 6.7% to 8.4% of simulated series
    with no change. The jump the fixture's GLM finds at April 2017 has p between 0.01
    and 0.05: told at 5% (the fixture), not at topics.JUMP_P."""
    from evaltools.stats import its
    jumped = [e for e in stability_glm.evaluations if e.start_jump]
    assert jumped
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topics, "_its_fit", lambda window, at, mid, la_code, pre, label="": its(
            window, at, measure=mid, area=la_code, label=label, errors="iid"))
        strict = topics.evaluate("884", "stability", strategy="herefordshire_2017_20", extract="data/sample")
    for e in jumped:
        same = next(x for x in strict.evaluations if (x.intervention, x.measure) == (e.intervention, e.measure))
        p = float(same.result.effect("level")["p_value"])
        assert topics.JUMP_P <= p < 0.05
        assert not same.start_jump and "at the start, before the trend changed" not in same.sentence


def test_a_sudden_jump_among_the_years_before_an_intervention_is_named():
    """Herefordshire's missing incidents: 2% in 2016 and 2017, 7% in 2018 (a recording
    change, the catalogue thinks). The DiD from July 2022 leans on those years for its
    pre-trend check, and its caution named the trend but not the jump."""
    t = topics.evaluate("884", "safety", strategy="ofsted_herefordshire_2024")
    e = next(e for e in t.evaluations
             if e.intervention == "hf_ofsted_inadequate" and e.measure == "cla_missing_incident")
    assert ("a sudden rise in 2018, before the intervention: if it is a recording change, the years before it do "
            "not compare with those after") in " ".join(e.warnings)


def test_a_census_figure_counts_from_the_first_census_after_an_intervention():
    """The social work workforce census of 30 September 2024 is period 2025, the year
    holding Ofsted's visit of 22 October 2024, but was taken three weeks before it: the
    visit's comparison starts from September 2025's census, and says how long after the
    start the first census was taken."""
    import datetime as dt
    from evaltools import registry
    m = registry.get("social_worker_caseload")
    assert m.census_on(2025) == dt.date(2024, 9, 30)
    assert m.first_period_from(dt.date(2024, 10, 22)) == 2026
    assert m.first_period_from(dt.date(2024, 4, 1)) == 2025
    assert registry.get("cla_3plus_placements").first_period_from(dt.date(2024, 10, 22)) == 2025
    t = topics.evaluate("884", "education_workforce", strategy="ofsted_herefordshire_2024")
    visit = next(e for e in t.evaluations if e.intervention == "hf_mv_oct2024" and e.result is not None)
    assert "change from Sep 2024 to Sep 2025" in visit.sentence
    conversion = next(e for e in t.evaluations
                      if e.intervention == "hf_agency_conversion" and e.measure == "social_worker_agency_rate")
    assert any(w.endswith("so the first census after it, Sep 2024, was taken 5 months after it: an effect would "
                          "show there only in part") for w in conversion.warnings)


def test_in_short_names_an_intervention_without_its_subtitle():
    """"**Agency social workers** after *Improvement work after Ofsted's 'inadequate'
    judgement (July 2022): monitoring visits and an improvement plan*: Against its..."
    ran a long title into the finding. The line gives the title's head and the date;
    the list by intervention gives it whole."""
    from evaltools import report
    t = topics.evaluate("884", "education_workforce", strategy="ofsted_herefordshire_2024")
    text = report.verdict_overview(t).data.replace("\\", "")      # Markdown's escapes
    line = next(x for x in text.splitlines() if x.startswith("- **Agency social workers**, evaluated from *Improvement"))
    assert line.startswith("- **Agency social workers**, evaluated from *Improvement work after Ofsted's 'inadequate' "
                           "judgement (July 2022)* \u2014 Against its statistical neighbours")
    assert "monitoring visits and an improvement plan" not in line
    assert "*Improvement work after Ofsted's 'inadequate' judgement (July 2022): monitoring visits" in text
    assert report._short_title("A: detail; B (May 2024): more") == "A; B (May 2024)"


def test_a_jump_just_after_an_intervention_may_be_its_effect():
    """Agency social workers fell from 55% to 18% in the two censuses after agency
    staff were made permanent: the caution said only "check for a recording change"."""
    t = topics.evaluate("884", "education_workforce", strategy="ofsted_herefordshire_2024")
    e = next(e for e in t.evaluations
             if e.intervention == "hf_agency_conversion" and e.measure == "social_worker_agency_rate")
    assert ("a sudden fall in Sep 2024, Sep 2025: it may be the intervention's effect, or a recording change; "
            "check before reading it as a real change") in e.warnings
    # turnover rising after the improvement work that followed the inadequate judgement
    # is no sign of it working
    e = next(e for e in t.evaluations
             if e.intervention == "hf_ofsted_inadequate" and e.measure == "social_worker_turnover")
    assert "a sudden rise in Sep 2022: check for a recording change before reading it as a real change" in e.warnings


def test_in_short_carries_what_most_limits_a_finding_beyond_noise():
    """The permanence summary said children in care per 10,000 "improved beyond noise"
    after the 2025-27 strategy, approved on 19 December 2024, on the 2025 figure alone
    (taken at 31 March, 3 months later) and with the fall already under way the year
    before; both were said only in the evaluation's warnings further down, which the
    line a board paper quotes left out."""
    from evaltools import report
    t = topics.evaluate("884", "permanence", strategy="herefordshire_2025_27")
    e = next(e for e in t.evaluations if e.measure == "cla_rate_per_10k" and e.result is not None)
    assert e.verdict == "improved beyond noise"
    assert e.cautions == ["the gap to the neighbours was already moving this way the year before",
                          "2025, the only year after it, holds less than 4 months of it"]
    text = report.verdict_overview(t).data.replace("\\", "")
    line = next(x for x in text.splitlines() if x.startswith("- **Children in care per 10,000**, evaluated from"))
    assert line.endswith("Read with care: the gap to the neighbours was already moving this way the year before; "
                         "2025, the only year after it, holds less than 4 months of it.")
    # a finding with two censuses after the start is not a part year's
    t = topics.evaluate("884", "education_workforce", strategy="ofsted_herefordshire_2024")
    conversion = next(e for e in t.evaluations
                      if e.intervention == "hf_agency_conversion" and e.measure == "social_worker_agency_rate")
    assert conversion.verdict == "improved beyond noise"
    assert not any("only year after" in c or "only census after" in c for c in conversion.cautions)


def test_in_short_carries_a_findings_shaky_trends_assumed_dates_and_jumps():
    """Agency social workers "improved beyond noise" after agency staff were made
    permanent, in a line the briefing's readers quote; the evaluation's warnings below
    said the trends were not parallel before, the start is assumed from "2024/25", and
    the fall may be a recording change. The 2017-20 stability jump rests on the
    synthetic sample and on an assumed start."""
    from evaltools import report
    t = topics.evaluate("884", "education_workforce", strategy="ofsted_herefordshire_2024")
    e = next(e for e in t.evaluations
             if e.intervention == "hf_agency_conversion" and e.measure == "social_worker_agency_rate")
    assert e.cautions == ["before it, the council's trend already differed from the neighbours'",
                          "its start is assumed (the source dates it only as '2024/25')",
                          "a sudden fall may be the intervention's effect or a recording change"]
    text = report.verdict_overview(t).data.replace("\\", "")
    line = next(x for x in text.splitlines() if x.startswith("- **Agency social workers**, evaluated from *Agency"))
    assert line.endswith("Read with care: " + "; ".join(e.cautions) + ".")
    before = next(e for e in t.evaluations
                  if e.intervention == "hf_ofsted_inadequate" and e.measure == "social_worker_agency_rate")
    assert before.cautions[-1] == "a sudden rise and a sudden fall may be recording changes"


def test_in_short_says_a_monthly_finding_rests_on_the_synthetic_sample(stability_glm):
    from evaltools import report
    text = report.verdict_overview(stability_glm).data.replace("\\", "")
    line = next(x for x in text.splitlines() if x.startswith("- **Moves per child-year**"))
    assert line.endswith("Read with care: its start is assumed (the source dates it only as '2017'); too few "
                         "earlier months to check how much the series swings on its own; it rests on the "
                         "bundled synthetic sample, not children's records.")


def test_in_short_says_no_detectable_change_months_after_a_start_is_too_early_to_tell():
    """Health's summary read "6 showed no detectable change" after the 2025-27 strategy,
    approved in December 2024, on figures for the year to March 2025: a board member read
    "it made no difference"."""
    from evaltools import report
    t = topics.evaluate("884", "health", strategy="herefordshire_2025_27")
    early = [e for e in t.evaluations if e.part_year]
    assert early and all(e.intervention == "hf_cps_2025_27" for e in early)
    first = report.verdict_overview(t).data.splitlines()[0]
    assert first.endswith(f"{len(early)} of those with no detectable change rest on a single figure taken only "
                          "months after the intervention began: too early to tell, not a sign that it made no "
                          "difference.")
    t = topics.evaluate("884", "care_leavers", strategy="herefordshire_2025_27")
    assert "All 4 with no detectable change rest on a single figure" in report.verdict_overview(t).data


def test_in_short_says_no_detectable_change_on_one_year_after_can_show_only_a_large_change():
    """St Helens' care leavers summary read "5 showed no detectable change" where each
    test had one year of figures after the 2019 strategy (auditor's review)."""
    from evaltools import report
    t = topics.evaluate("342", "care_leavers", strategy="st_helens_2019")
    tested = [e for e in t.evaluations if e.result is not None]
    assert tested and all(e.one_after and not e.part_year for e in tested)
    assert report.verdict_overview(t).data.splitlines()[0].endswith(
        "All 5 with no detectable change rest on the one year of figures after the intervention began, which can "
        "show only a large change: not a sign that it made no difference.")
    t = topics.evaluate("342", "stability", strategy="st_helens_2019")
    assert "Both with no detectable change rest on the one year" in report.verdict_overview(t).data
