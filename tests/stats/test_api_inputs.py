"""What an analyst types into the statistics helpers from their own notebook: an LA as
they name it, years as ``periods=`` takes them elsewhere (found by a review from the
API user's side)."""

from __future__ import annotations

import pytest

from evaltools import published, sdc, stats


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


@pytest.fixture(scope="module")
def ind():
    return published.load_indicators(["care_leavers_eet_19_21", "oc2_development_assessments"])


@pytest.mark.parametrize("area", ["884", 884, "Herefordshire", "Herefordshire, County of", "E06000019"])
def test_an_la_is_found_however_it_is_named(ind, area):
    """Only the code or DfE's exact name worked ("Herefordshire" was 'not in the frame'),
    where did(), benchmark() and measures.compute() take every form."""
    r = stats.before_after(ind, 2023, 2025, measure="care_leavers_eet_19_21", area=area)
    s = stats.frames.series(ind, "care_leavers_eet_19_21", area)
    assert s.attrs["area"] == "884"
    mine = ind[(ind["area_code"] == "884") & (ind["measure"] == "care_leavers_eet_19_21")].set_index("period")
    assert (r.diagnostics["x1"], r.diagnostics["n1"]) == tuple(int(mine.loc[2025, c]) for c in ("numerator", "denominator"))
    f = stats.funnel(ind, measure="oc2_development_assessments", period=2025, highlight=area)
    assert f.table.loc[f.table["highlight"], "area_code"].tolist() == ["884"]


def test_an_unknown_la_and_a_suppressed_one_are_told_apart(ind, not_dfe):
    with pytest.raises(Exception, match="'Narnia' is not in the frame and is not an LA DfE publishes"):
        stats.before_after(ind, 2023, 2025, measure="care_leavers_eet_19_21", area="Narnia")
    # the council's figure hidden by the disclosure policy: said so, not "not one of the units"
    with pytest.raises(ValueError, match=r"highlight '884' \(DfE 884\) has no figure with counts in 2025"):
        stats.funnel(sdc.apply(ind, "published"), measure="oc2_development_assessments", period=2025,
                     highlight="884")


def test_a_tuple_of_years_is_every_year_from_first_to_last(ind):
    """(2021, 2023) pooled 2021 and 2023 only, labelled "2021-2023"; elsewhere a tuple
    of years is an inclusive range (load_indicators and benchmark periods=)."""
    r = stats.before_after(ind, (2021, 2023), (2024, 2025), measure="care_leavers_eet_19_21", area="884")
    assert r.diagnostics["before"] == [2021, 2022, 2023] and r.label.endswith("2024-2025 against 2021-2023")
    s = stats.frames.series(ind, "care_leavers_eet_19_21", "884").set_index("time")
    assert r.diagnostics["n2"] == int(s.loc[[2021, 2022, 2023], "denominator"].sum())
    picked = stats.before_after(ind, [2021, 2023], [2025], measure="care_leavers_eet_19_21", area="884")
    assert picked.label.endswith("2025 against 2021 and 2023")
    with pytest.raises(ValueError, match="run backwards"):
        stats.before_after(ind, (2023, 2021), 2025, measure="care_leavers_eet_19_21", area="884")


def test_a_rate_per_10000_funnel_is_on_the_measures_own_scale():
    """A funnel of children looked after per 10,000 said "target 0.7% ... Herefordshire
    1.0%" for DfE's 99.9 per 10,000: the default kind read the rate as a percentage."""
    rate = published.load_indicators(["cla_rate_per_10k"])
    f = stats.funnel(rate, measure="cla_rate_per_10k", period=2025, highlight="884")
    mine = rate[(rate["area_code"] == "884") & (rate["period"] == 2025)].iloc[0]
    row = f.table[f.table["highlight"]].iloc[0]
    assert row["value"] == pytest.approx(mine["value"]) and f.per == 10000 and f.unit == "per 10,000"
    assert f.estimate == pytest.approx(1e4 * f.table["numerator"].sum() / f.table["denominator"].sum())
    assert "99.9 per 10,000 (denominator 34,439)" in f.summary() and "%" not in f.summary().splitlines()[0]
    assert f"target {67.0:.1f} per 10,000" in stats.funnel(rate, measure="cla_rate_per_10k", period=2025,
                                                           target=67.0).summary()
    with pytest.raises(ValueError, match="a rate per 10,000 strictly between 0 and 10,000"):
        stats.funnel(rate, measure="cla_rate_per_10k", period=2025, target=-1)


# ------------------------------------------- charts from an analyst's notebook, under a policy
def test_charts_of_points_on_few_children_are_refused_unless_internal():
    """spc_chart, its_chart and funnel_chart had no policy: an analyst's own chart of a
    monthly series drew every month of 1 to 5 children, which the reports withhold."""
    import numpy as np
    import pandas as pd

    from evaltools import plots
    from evaltools.errors import DisclosureError
    months = pd.date_range("2020-01-31", periods=24, freq="ME")
    num = np.array([3, 12, 11, 14, 9, 10, 13, 12, 8, 11, 10, 12] * 2)
    den = np.full(24, 40)
    pc = stats.p_chart(numerator=num, denominator=den, x=months)
    assert pc.diagnostics["points_on_few"] == 2 and any(w.startswith("small numbers: 2 of 24 points")
                                                        for w in pc.warnings)
    with pytest.raises(DisclosureError, match="spc_chart: 2 of 24 points count 1 to 5 children"):
        plots.spc_chart(pc)
    with pytest.raises(DisclosureError, match="under the ofsted policy"):
        plots.spc_chart(pc, policy="ofsted")
    assert plots.spc_chart(pc, policy="internal") is not None
    frame = pd.DataFrame({"time": months, "numerator": num, "denominator": den, "value": 100 * num / den})
    it = stats.its(frame, months[12], model="binomial")
    assert it.diagnostics["points_on_few"] == 2
    with pytest.raises(DisclosureError, match="its_chart"):
        plots.its_chart(it)
    assert plots.its_chart(it, policy="internal") is not None
    big = stats.p_chart(numerator=num + 20, denominator=den + 20, x=months)
    assert big.diagnostics["points_on_few"] == 0 and plots.spc_chart(big) is not None


def test_a_chart_of_dfes_own_annual_figures_is_not_refused_for_the_children_they_leave_out():
    """Herefordshire's under-5 development checks, as DfE publishes them (36 of 38 in
    2025): the reports show them under every policy (sdc.dfe_published), but an
    analyst's p-chart or ITS of the same figures counted each as giving away the 2
    left out and refused to draw them outside the internal policy."""
    import pandas as pd

    from evaltools import plots
    dev = published.load_indicators(["oc2_development_assessments"])
    dev = dev[dev["area_code"] == "884"]
    mine = dev[dev["status"] == "ok"].sort_values("period")
    left_out = mine["denominator"] - mine["numerator"]
    assert ((left_out >= 1) & (left_out <= 5)).sum() >= 3                 # what the old rule counted
    assert not ((mine[["numerator", "denominator"]] <= 5).any(axis=None))  # no count of 1 to 5 itself
    pc = stats.p_chart(dev, measure="oc2_development_assessments")
    it = stats.its(dev, 2022, measure="oc2_development_assessments", model="binomial")
    assert pc.diagnostics["points_on_few"] == 0 == it.diagnostics["points_on_few"]
    assert plots.spc_chart(pc) is not None and plots.its_chart(it) is not None
    # the same counts as the council's own figures (another year's counts, say): refused
    own = mine.assign(source="council 903 extract", area_code="884")
    own = own.assign(numerator=own["numerator"] - 1, denominator=own["denominator"] - 1)
    assert stats.p_chart(pd.DataFrame(own), measure="oc2_development_assessments").diagnostics["points_on_few"] \
        == int(((left_out >= 1) & (left_out <= 5)).sum())


def test_a_funnels_highlighted_council_on_few_children_is_refused_unless_internal(ind, not_dfe):
    from evaltools import plots
    from evaltools.errors import DisclosureError
    f = stats.funnel(ind, measure="oc2_development_assessments", period=2025, highlight="884")   # 36 of 38
    with pytest.raises(DisclosureError, match="Herefordshire's figure counts 1 to 5 children or leaves 1 to 5 out"):
        plots.funnel_chart(f)
    assert plots.funnel_chart(f, policy="internal") is not None
    assert plots.funnel_chart(f, highlight=[]) is not None       # every council as DfE publishes it


def test_a_before_after_chart_does_not_plot_a_withheld_figure_at_its_height():
    """The label said c but the point sat at 98.8% of 162: the height gave it back, and
    difference()'s own label, "160/162 - 150/163", was the title."""
    from evaltools import plots
    r = stats.difference(160, 162, 150, 163)
    fig = plots.before_after_chart(r)
    ax = fig.axes[0]
    heights = [y for line in ax.get_lines() for y in line.get_ydata()]
    assert not any(abs(y - 100 * 160 / 162) < 0.01 for y in heights)
    assert "/" not in ax.get_title() and "160" not in ax.get_title()
    shown = plots.before_after_chart(r, policy="internal")
    assert any(abs(y - 100 * 160 / 162) < 0.01 for line in shown.axes[0].get_lines() for y in line.get_ydata())


def test_plain_mistakes_in_the_api_are_one_line_errors(tmp_path):
    """Each gave a traceback from deep inside (KeyError: 'time', zero-size array,
    'int' object is not subscriptable, KeyError: 'measure')."""
    import pandas as pd

    from evaltools import benchmark, local, plots
    from evaltools.errors import ConfigError, SchemaError
    bm = benchmark.benchmark("884", ["care_leavers_eet_19_21"])
    with pytest.raises(ConfigError, match="cla_rate_per_10k is not in this benchmark, which holds care_leavers_eet"):
        plots.benchmark_chart(bm, "cla_rate_per_10k")
    with pytest.raises(ConfigError, match=r"periods is 2020\. Give \(first, last\) years"):
        benchmark.benchmark("884", ["care_leavers_eet_19_21"], periods=2020)
    with pytest.raises(SchemaError, match="sdc.apply: the frame lacks column.s. measure, numerator"):
        sdc.apply(pd.DataFrame({"value": [1.0]}))
    # a local file's rows go straight into local_chart, as the reports' own series do
    p = tmp_path / "local.csv"
    p.write_text("measure,period,numerator,denominator,value,source_note\n"
                 "pathway_plans_up_to_date,2024,155,165,,x\npathway_plans_up_to_date,2025,160,162,,x\n")
    fig = plots.local_chart(local.read(p, la="884"), title="t", what="Pathway plans", unit="percent",
                            name="Herefordshire")
    assert "2024 93.9%" in fig.alt_text and "98.8" not in fig.alt_text      # 160 of 162 withheld
