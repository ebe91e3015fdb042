"""What an analyst types into the statistics helpers from their own notebook: an LA as
they name it, years as ``periods=`` takes them elsewhere (found by a review from the
API user's side)."""

from __future__ import annotations

import pytest

from evaltools import published, sdc, stats


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


def test_an_unknown_la_and_a_suppressed_one_are_told_apart(ind):
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
