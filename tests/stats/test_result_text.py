"""What the result objects say when an analyst prints them: units, decimal places,
dates as people write them, and limits not passed off as confidence intervals (found by
a review from the API user's side)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltools import comparators, stats
from evaltools.errors import ConfigError
from evaltools.stats.results import Result, change_unit, shared_decimals


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_result_prints_its_summary():
    """A dataclass subclass writes its own field-by-field repr unless told not to: a
    funnel printed in a notebook dumped every field, tables and all."""
    subs = list(_subclasses(Result))
    assert {"DiDResult", "FunnelResult", "SPCResult", "ITSResult", "SynthResult"} <= {c.__name__ for c in subs}
    assert [c.__name__ for c in subs if c.__repr__ is not Result.__repr__] == []


def test_shared_decimals_and_change_units():
    assert shared_decimals(2.64, -0.9389, 6.2196) == 2          # "2.64 (-0.94 to 6.22)"
    assert shared_decimals(0.0120, -0.0409, 0.0169) == 4
    assert shared_decimals(1234.5) == 0 and shared_decimals(float("nan")) == 2
    assert change_unit("cla_3plus_placements") == "percentage points"
    assert change_unit("cla_rate_per_10k") == "per 10,000 children"
    assert change_unit("adoption_a1_days") == "days"
    assert change_unit("oc2_sdq_average") == "points"
    assert change_unit("a_local_measure") == "" and change_unit(None) == ""


def test_a_did_effect_is_in_percentage_points(indicators):
    """The effect on a percentage printed as "Effect: 2.64 (95% CI -0.9389 to 6.22)":
    no unit, and the interval's ends to different places."""
    r = stats.did(indicators, "Herefordshire", 2022, measure="cla_3plus_placements")
    assert r.unit == "percentage points" and repr(r) == r.summary()
    line = next(x for x in r.summary().splitlines() if x.startswith("Effect:"))
    want = f"Effect: {r.estimate:+.1f} percentage points (95% CI {r.ci[0]:+.1f} to {r.ci[1]:+.1f}; p = "
    assert line.startswith(want)
    assert r.to_frame()["unit"].iat[0] == "percentage points"


def test_synthetic_control_names_the_council_as_reports_do(indicators):
    r = stats.synthetic_control(indicators, "Herefordshire", 2022, measure="cla_3plus_placements",
                                placebos=False)
    assert r.treated_name == "Herefordshire" and r.unit == "percentage points"
    assert r.summary().splitlines()[0].startswith(f"Synthetic control for Herefordshire: average gap after "
                                                  f"the change {r.estimate:+.1f} percentage points")


def _monthly(n=48, start="2021-04-30", jump=6.0, seed=1):
    rng = np.random.default_rng(seed)
    time = pd.date_range(start, periods=n, freq="ME")
    value = 50 + rng.normal(0, 1.5, n) + np.where(time >= "2023-04-01", jump, 0.0)
    return pd.DataFrame({"time": time, "value": value})


def test_its_takes_a_date_as_written_on_a_monthly_series():
    """its(series, "2023-04-01") on month ends was refused: 'cannot be compared with the
    time values'; only Timestamp("2023-04-30") worked. A date now splits the series
    where the first month ending on or after it starts."""
    df = _monthly()
    by_text = stats.its(df, "2023-04-01", outcome="value")
    exact = stats.its(df, pd.Timestamp("2023-04-30"), outcome="value")
    assert by_text.estimate == pytest.approx(exact.estimate)
    assert by_text.diagnostics["n_pre"] == 24 and by_text.label == "level change at 1 April 2023"
    assert "24 points before, 24 after 1 April 2023" in by_text.summary()
    with pytest.raises(ValueError, match="'April' is not a date"):
        stats.its(df, "April", outcome="value")


def test_its_ratios_show_how_far_from_one():
    """A Poisson trend per month printed as "1.00 (95% CI 1.00 to 1.00)"."""
    rng = np.random.default_rng(3)
    time = pd.date_range("2019-04-30", periods=72, freq="ME")
    lam = 20 * np.exp(0.004 * np.arange(72))
    df = pd.DataFrame({"time": time, "events": rng.poisson(lam), "exposure": 1000.0})
    r = stats.its(df, "2023-04-01", numerator="events", denominator="exposure", model="poisson")
    line = next(x for x in r.summary().splitlines() if x.startswith("Trend per period before"))
    low, high = (float(v) for v in line.split("CI ")[1].split(";")[0].split(" to "))
    assert low != high and len(line.split("(rate ratio): ")[1].split(" ")[0]) >= 5


def test_spc_and_funnel_limits_are_named_as_limits(indicators):
    """to_frame() put a chart's process limits, and a funnel's control limits, in
    ci_low and ci_high, where a reader takes them for a confidence interval."""
    time = pd.date_range("2020-04-30", periods=36, freq="ME")
    rng = np.random.default_rng(5)
    den = rng.integers(30, 60, 36)
    df = pd.DataFrame({"time": time, "numerator": rng.binomial(den, 0.3), "denominator": den})
    p = stats.p_chart(df, numerator="numerator", denominator="denominator", x=df["time"],
                      rebase="2022-04-01")
    cols = p.to_frame().columns
    assert {"lower_process_limit", "upper_process_limit"} <= set(cols) and "ci_low" not in cols
    # a rebase given as a date starts the phase at the first month ending on or after it,
    # and the summary says its centre is the latest phase's
    assert p.series.loc[p.series["phase"] == 2, "x"].iloc[0] == pd.Timestamp("2022-04-30")
    assert "centre (of the latest phase, from April 2022; phase 2 of the chart)" in p.summary()
    f = stats.funnel(indicators, measure="cla_3plus_placements", period=2024, highlight="884")
    assert "\nHerefordshire: 10.9% (denominator 387)" in f.summary()
    fc = f.to_frame().columns
    assert {"lower_limit", "upper_limit"} <= set(fc) and "ci_low" not in fc
    assert repr(f) == f.summary()


def test_neighbours_for_a_year_not_begun_are_refused():
    """statistical_neighbours("884", 2030) answered with the 2025 model's, silently."""
    latest = comparators.collection_year(pd.Timestamp.today().date())
    assert len(comparators.statistical_neighbours("884", latest)) == 10
    with pytest.raises(ConfigError, match=f"no statistical neighbours for {latest + 3}: that collection year "
                                          "has not begun"):
        comparators.statistical_neighbours("884", latest + 3)


def test_benchmark_chart_draws_what_the_policy_allows(not_dfe):
    """benchmark_chart drew every figure of the council: Herefordshire's 2025
    development assessments, 36 of 38 (2 children not assessed), at 94.7%."""
    from evaltools import benchmark
    from evaltools.plots import benchmark_chart

    bm = benchmark.benchmark("Herefordshire", ["oc2_development_assessments"])

    def drawn(policy):
        fig = benchmark_chart(bm, "oc2_development_assessments", policy=policy)
        line = next(x for x in fig.axes[0].get_lines() if x.get_label() == "Herefordshire")
        return dict(zip(line.get_xdata(), line.get_ydata()))

    assert drawn("internal")[2025] == pytest.approx(100 * 36 / 38)
    assert np.isnan(drawn(None)[2025]) and np.isnan(drawn("published")[2025])


def test_another_councils_figures_from_the_sample_are_refused(monkeypatch):
    """The runner refused Herefordshire's synthetic sample run as St Helens; the Python
    API computed St Helens' rate per 10,000 from it."""
    from evaltools import measures, ssda903

    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    ex = ssda903.read_extract("data/sample/2025")
    assert not measures.compute(ex, ["cla_count"], la="884").empty
    with pytest.raises(ConfigError, match="synthetic sample for LA 884, not St Helens's"):
        measures.compute(ex, ["cla_count"], la="St Helens")
