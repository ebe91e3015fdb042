"""Charts are checked on the numbers they draw, not on pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from evaltools import benchmark, plots  # noqa: E402

from .conftest import fits_canvas  # noqa: E402


@pytest.fixture(scope="module")
def bm():
    return benchmark.benchmark("884", ["oc2_convictions", "care_leavers_eet_19_21"])


def _line(fig, label):
    ax = fig.axes[0]
    return next(l for l in ax.get_lines() if l.get_label() == label)


def test_la_line_has_gaps_not_zeros_where_suppressed(bm):
    fig = plots.benchmark_chart(bm, "oc2_convictions")
    x, y = _line(fig, "Herefordshire").get_data()
    by_year = dict(zip(x, y))
    assert np.isnan(by_year[2019]) and np.isnan(by_year[2020])     # DfE 'c'
    assert by_year[2025] == 0                                      # a real zero
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("c") == 2
    footer = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    assert "c = suppressed by DfE to protect confidentiality" in footer and "Lower is better" in footer
    assert "Grey-shaded years are gaps in the Herefordshire line, marked at the top" in footer


def test_a_year_withheld_by_the_policy_is_not_called_dfe_suppression(not_dfe):
    """Under published, Herefordshire's staying put at 18 of 2022 (9 of 13), taken as the
    council's own figure, is withheld: the note says why this report leaves it out, not
    only that DfE suppressed it (as DfE did 2023 and 2024)."""
    from evaltools import benchmark
    bm = benchmark.benchmark("884", ["staying_put_18"], comparator="statistical_neighbours")
    fig = plots.benchmark_chart(bm.disclosed("published"), "staying_put_18")
    x, y = _line(fig, "Herefordshire").get_data()
    by_year = dict(zip(x, y))
    assert np.isnan(by_year[2022]) and np.isfinite(by_year[2021])
    footer = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    # DfE's own c of 2023 and 2024 is DfE's; 2022's c is this report's, and says why
    assert "c = suppressed by DfE to protect confidentiality, or would reveal 1 to 5 children." in footer


def test_chart_draws_the_benchmark_numbers(bm):
    fig = plots.benchmark_chart(bm, "care_leavers_eet_19_21")
    s = bm.series("care_leavers_eet_19_21").set_index("period")
    x, y = _line(fig, "Herefordshire").get_data()
    assert dict(zip(x, y))[2025] == pytest.approx(100 * 64 / 117)
    x, y = _line(fig, "Statistical neighbours' average").get_data()
    assert dict(zip(x, y))[2024] == pytest.approx(s.loc[2024, "comparator_mean"])
    x, y = _line(fig, "England").get_data()
    assert dict(zip(x, y))[2025] == pytest.approx(100 * 20760 / 38440)
    assert fig.axes[0].get_title(loc="left").startswith("Herefordshire: 54.7% in 2025")
    assert fig.axes[0].get_ylabel() == "% of care leavers"      # young people aged 19-21
    assert "Line chart of EET, aged 19-21 for Herefordshire" in fig.alt_text


def test_remembered_text_measurements_change_no_byte_of_a_chart(bm):
    """Charts share one process-wide memory of text measurements
    (evaltools.plots.textmetrics); a chart drawn with it, even reusing another chart's
    measurements, is the same file as one measured afresh."""
    import io

    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import RendererAgg

    from evaltools import report
    from evaltools.plots import textmetrics

    def svg(measure_id):
        fig = plots.benchmark_chart(bm, measure_id)
        buf = io.BytesIO()
        with plt.rc_context(report.SVG_RC):
            fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        return buf.getvalue()

    assert hasattr(RendererAgg.get_text_width_height_descent, "_evaltools_original")
    try:
        textmetrics.uninstall()
        fresh = [svg(m) for m in ("care_leavers_eet_19_21", "oc2_convictions")]
        textmetrics.install()
        first = [svg(m) for m in ("care_leavers_eet_19_21", "oc2_convictions")]
        assert len(textmetrics._CACHE) > 20
        again = [svg(m) for m in ("oc2_convictions", "care_leavers_eet_19_21")][::-1]
    finally:
        textmetrics.install()
    assert fresh == first == again


def test_years_with_nothing_to_draw_are_left_off_the_chart():
    """Care leavers in apprenticeships were first published for 2022: the years before
    hold only 'z' for every area and are not drawn as an empty, gap-marked stretch
    (which also pushed the chart off its canvas)."""
    import warnings

    b = benchmark.benchmark("884", ["care_leavers_apprenticeship_19_21"])
    s = b.series("care_leavers_apprenticeship_19_21")
    assert (s.loc[s["period"] < 2022, "la_status"] == "z").all() and s["period"].min() < 2022
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # tight_layout no longer gives up
        fig = plots.benchmark_chart(b, "care_leavers_apprenticeship_19_21")
    x, _ = _line(fig, "Herefordshire").get_data()
    assert x.min() == 2022 and x.max() == 2025
    assert "z" not in [t.get_text() for t in fig.axes[0].texts]
    assert "z = not applicable" not in " ".join(" ".join(t.get_text() for t in fig.texts).split())
    assert "from 2022 to 2025" in fig.alt_text


def test_monthly_charts_say_months_in_words():
    """Alt text is read aloud: a month-end date is "March 2025", not a timestamp."""
    import pandas as pd

    from evaltools.stats import xmr

    months = pd.date_range("2023-01-31", periods=24, freq="ME")
    fig = plots.spc_chart(xmr(np.arange(24.0) % 5 + 10, x=months.to_numpy()))
    assert "from January 2023 to December 2024" in fig.alt_text and "00:00" not in fig.alt_text


def test_every_benchmark_chart_fits_its_canvas():
    import matplotlib.pyplot as plt

    full = benchmark.benchmark("884")
    outside = []
    for m in full.measures:
        fig = plots.benchmark_chart(full, m.id)
        if not fits_canvas(fig):
            outside.append(m.id)
        plt.close(fig)
    assert len(full.measures) > 40 and outside == []


def test_a_count_chart_leaves_off_england_and_region_totals():
    counts = benchmark.benchmark("884", ["cla_count"])
    fig = plots.benchmark_chart(counts, "cla_count")
    labels = {l.get_label() for l in fig.axes[0].get_lines()}
    assert "England" not in labels and "West Midlands" not in labels and "Herefordshire" in labels
    top = fig.axes[0].get_ylim()[1]
    assert top < 5 * 1699             # the axis is the councils' scale, not England's 81,770
    note = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    assert "West Midlands 11,560, England 81,770 in 2025) are not drawn" in note


def test_saving_a_chart_draws_it_once(bm):
    """A chart is laid out when it is made (style.footnote); saving it must not lay it out
    again. ``Figure.tight_layout`` leaves a placeholder layout engine on the figure, and
    ``savefig`` then runs a whole extra draw first; charts leave none."""
    from unittest import mock

    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.figure import Figure

    from evaltools.report import figure_html
    from evaltools.stats import xmr

    months = pd.date_range("2023-01-31", periods=24, freq="ME")
    for fig in (plots.benchmark_chart(bm, "care_leavers_eet_19_21"),
                plots.spc_chart(xmr(np.arange(24.0) % 5 + 10, x=months.to_numpy()))):
        assert fig.get_layout_engine() is None
        with mock.patch.object(Figure, "draw", autospec=True, side_effect=Figure.draw) as draw:
            figure_html(fig)
        assert draw.call_count == 1
    plt.close("all")


def test_one_pass_layout_matches_matplotlibs_tight_layout(bm):
    """style._tight_layout lays out a one-axes chart in one measuring pass; the subplot
    parameters are matplotlib's own ``fig.tight_layout(rect=...)`` ones."""
    import matplotlib.pyplot as plt

    from evaltools.plots import style

    def params(fig):
        p = fig.subplotpars
        return (p.left, p.right, p.bottom, p.top)

    for measure in ("care_leavers_eet_19_21", "oc2_convictions"):
        ours, theirs = plots.benchmark_chart(bm, measure), plots.benchmark_chart(bm, measure)
        for bottom in (0.05, 0.2):
            style._tight_layout(ours, (0, bottom, 1, 1))
            theirs.tight_layout(rect=(0, bottom, 1, 1))
            assert params(ours) == pytest.approx(params(theirs), abs=1e-12)
            assert params(ours)[2] > bottom
    plt.close("all")


@pytest.fixture(scope="module")
def stability():
    return benchmark.benchmark("884", ["cla_3plus_social_workers", "new_placements_outside_la",
                                       "school_moves_midyear"])


def test_a_one_year_series_has_one_whole_year_tick(stability):
    """3+ social workers was first published for 2024, its only year: matplotlib's own
    limits ran the axis from 1925 to 2125. The year is drawn from the year before to the
    year after, with one tick, and its comparators' range is drawn as a box."""
    import matplotlib.pyplot as plt

    fig = plots.benchmark_chart(stability, "cla_3plus_social_workers")
    ax = fig.axes[0]
    fig.canvas.draw()
    assert ax.get_xlim() == (2023, 2025)
    assert list(ax.get_xticks()) == [2024]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024"]
    x, y = _line(fig, "Herefordshire").get_data()
    assert list(x) == [2024] and y[0] == pytest.approx(43.9, abs=0.05)
    s = stability.series("cla_3plus_social_workers").iloc[0]
    boxes = [c for c in ax.collections if c.get_label().startswith("_")]
    (box,) = [c for c in boxes if len(c.get_paths())]
    ext = box.get_paths()[0].get_extents()
    assert ext.x0 < 2024 < ext.x1 and ext.x1 - ext.x0 < 0.5
    assert (ext.y0, ext.y1) == pytest.approx((s["comparator_min"], s["comparator_max"]))
    plt.close(fig)


def test_year_ticks_are_whole_years_with_snug_limits(stability):
    import matplotlib.pyplot as plt

    from evaltools.plots.style import year_axis

    for years, lim, ticks in (([2024, 2025], (2023.5, 2025.5), [2024, 2025]),
                              ([2022, 2023, 2024, 2025], (2021.5, 2025.5), [2022, 2023, 2024, 2025]),
                              ([2024.0], (2023, 2025), [2024])):
        fig, ax = plt.subplots()
        ax.plot(years, np.ones(len(years)))
        year_axis(ax, years)
        assert ax.get_xlim() == lim and list(ax.get_xticks()) == ticks
        plt.close(fig)
    fig, ax = plt.subplots()                   # a long span: whole years, the latest labelled
    ax.plot([1990, 2025], [0, 1])
    year_axis(ax, np.arange(1990, 2026))
    assert all(float(t).is_integer() for t in ax.get_xticks()) and ax.get_xticks()[-1] == 2025
    assert len(ax.get_xticks()) <= 7
    plt.close(fig)
    fig, ax = plt.subplots()                   # 2016 to 2025: every second year, to 2025
    year_axis(ax, np.arange(2016, 2026))
    assert list(ax.get_xticks()) == [2017, 2019, 2021, 2023, 2025]
    plt.close(fig)
    fig = plots.benchmark_chart(stability, "new_placements_outside_la")
    ax = fig.axes[0]
    assert list(ax.get_xticks()) == list(range(2018, 2026)) and ax.get_xlim() == (2017.5, 2025.5)
    plt.close(fig)


def test_source_note_names_the_stability_measures_release(stability, bm):
    """The social workers and school moves figures are DfE's "Stability measures for
    children looked after in England", not a release of "Children looked after in
    England"; other measures' notes are as before."""
    note = plots.source_note(stability, "cla_3plus_social_workers")
    assert note == ("Source: DfE, Stability measures for children looked after in England "
                    "(EES, 2024 release)")
    # school moves to 2019 come from the 2022 CLA release, 2020 on from the stability measures
    assert plots.source_note(stability, "school_moves_midyear") == (
        "Source: DfE, Children looked after in England (EES, 2022 release); "
        "DfE, Stability measures for children looked after in England (EES, 2024 release)")
    assert plots.source_note(stability, "new_placements_outside_la") == (
        "Source: DfE, Children looked after in England (EES, 2025 release)")
    assert plots.source_note(bm, "oc2_convictions") == (
        "Source: DfE, Children looked after in England (EES, 2025 release); DfE LAIT (2016-2018)")
    fig = plots.benchmark_chart(stability, "cla_3plus_social_workers")
    footer = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    assert "Stability measures for children looked after in England (EES, 2024 release)" in footer
    assert "Children looked after in England (EES" not in footer


def test_a_percentage_of_placements_says_so_on_its_axis(stability):
    import matplotlib.pyplot as plt

    fig = plots.benchmark_chart(stability, "new_placements_outside_la")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "% of new placements"
    assert "New placements outside LA (% of new placements)" in [t.get_text() for t in ax.texts]
    plt.close(fig)
    fig = plots.benchmark_chart(stability, "cla_3plus_social_workers")
    assert fig.axes[0].get_ylabel() == "% of children"
    plt.close(fig)


def test_gap_symbols_sit_at_the_top_in_a_shaded_year(bm):
    """A 'c' at the foot of the axis reads as a value of 0: each gap year is shaded the
    whole height of the chart and its symbol written at the top, above every line."""
    import matplotlib.pyplot as plt

    fig = plots.benchmark_chart(bm, "oc2_convictions")
    ax = fig.axes[0]
    fig.canvas.draw()
    marks = {t.xy[0]: t.get_text() for t in ax.texts if t.get_text() in ("c", "x")}
    assert marks == {2016: "x", 2017: "x", 2019: "c", 2020: "c"}
    bands = [p for p in ax.patches if p.get_gid() == "gap"]
    assert len(bands) == 4
    for b in bands:                            # the whole height of the chart
        ext = b.get_window_extent()
        assert (ext.y0, ext.y1) == pytest.approx((ax.bbox.y0, ax.bbox.y1))
    for t in ax.texts:
        if t.get_text() in ("c", "x"):
            assert t.xycoords == ("data", "axes fraction") and t.xy[1] == 1 and t.get_va() == "top"
    # the symbols' row, at the top of the axes, is clear of everything drawn
    foot = min(t.get_window_extent().y0 for t in ax.texts if t.get_text() in ("c", "x"))
    assert ax.transAxes.inverted().transform((0, foot))[1] > 0.9
    highest = max(max(np.nanmax(ln.get_ydata()) for ln in ax.get_lines()),
                  bm.series("oc2_convictions")["comparator_max"].max())
    assert ax.transData.transform((2020, highest))[1] < foot
    plt.close(fig)


def test_funnel_of_placements_counts_placements(indicators):
    """A funnel of new placements is plotted against the number of new placements, in
    % of new placements; one of children is as before."""
    import matplotlib.pyplot as plt

    from evaltools.stats import funnel

    for measure, base in (("new_placements_outside_la", "new placements"),
                          ("cla_3plus_placements", "children")):
        res = funnel(indicators, measure=measure)
        fig = plots.funnel_chart(res)
        ax = fig.axes[0]
        assert ax.get_xlabel() == f"Number of {base} (denominator)"
        assert ax.get_ylabel() == f"% of {base}"
        plt.close(fig)
