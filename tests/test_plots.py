"""Charts are checked on the numbers they draw, not on pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from evaltools import benchmark, plots  # noqa: E402


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
    footer = " ".join(t.get_text() for t in fig.texts)
    assert "c = suppressed to protect confidentiality" in footer and "Lower is better" in footer


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
    assert fig.axes[0].get_ylabel() == "% of children"
    assert "Line chart of EET, aged 19-21 for Herefordshire" in fig.alt_text
