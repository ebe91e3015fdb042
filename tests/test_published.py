"""The published-data loader against values read by hand from DfE's CSVs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evaltools import indicators as ind
from evaltools import published
from evaltools.errors import MissingDataError, SchemaError

from .conftest import TEST_DATA, row


@pytest.mark.parametrize("period,measure,num,den", [
    # la_cla_placement_stability.csv (2025 release): CLA on 31 March, 2024
    (2024, "cla_3plus_placements", 42, 387),
    # la_care_leavers_activity.csv (2025 release): 19 to 21 years, Total in EET / Total
    (2023, "care_leavers_eet_19_21", 51, 102),
    (2025, "care_leavers_eet_19_21", 64, 117),
    # 17 to 18 in the 2022 release is spelt "Aged 17 to 18": harmonised
    (2018, "care_leavers_eet_17_18", 24, 41),
    # long-term stability, 2.5 years cohort, 2025
    (2025, "long_term_stability", 110, 167),
    # cla_number_and_rate_per_10k_children.csv: 344 CLA, ONS population 34,439
    (2025, "cla_rate_per_10k", 344, 34439),
    # new placements over 20 miles = inside (12) + outside (65) of 273 in 2025
    (2025, "new_placements_over_20_miles", 77, 273),
])
def test_herefordshire_values_read_by_hand(indicators, period, measure, num, den):
    r = row(indicators, "884", period, measure)
    assert r.status == "ok"
    assert (r.numerator, r.denominator) == (num, den)
    scale = 10000 if measure.endswith("per_10k") else 100
    assert r.value == pytest.approx(scale * num / den)


def test_latest_release_wins_over_first_publication(indicators):
    """Herefordshire 2022, 3+ placements: first published 21/378 (2022 release), revised
    to 39/379 in later releases. The loader must use the latest."""
    r = row(indicators, "884", 2022, "cla_3plus_placements")
    assert (r.numerator, r.denominator) == (39, 379)
    assert r.source == "EES 2025 release"
    table = published.load_table("placement_stability")
    assert set(table.loc[table.period == 2022, "release"]) == {2025}
    assert set(table.loc[table.period == 2018, "release"]) == {2022}


def test_every_year_comes_from_one_release(indicators):
    eeS = indicators[indicators.source.str.startswith("EES")]
    per = eeS.groupby(["measure", "period"])["source"].nunique()
    assert (per == 1).all()


def test_suppressed_values_keep_their_symbol_and_are_never_zero(indicators):
    sup = indicators[indicators.status == "c"]
    assert len(sup) > 100
    assert sup["value"].isna().all()
    # a row is suppressed because its numerator or its denominator was withheld
    assert (sup["numerator"].isna() | sup["denominator"].isna()).all()
    # Herefordshire 2019 convictions: DfE published 'c' of 163 children
    r = row(indicators, "884", 2019, "oc2_convictions")
    assert r.status == "c" and math.isnan(r.value) and r.denominator == 163


def test_zero_is_a_real_zero(indicators):
    r = row(indicators, "884", 2025, "oc2_convictions")
    assert r.status == "ok" and r.value == 0 and r.numerator == 0


def test_lait_fills_2016_and_2017_only_where_ees_has_no_year(indicators):
    r = row(indicators, "884", 2016, "cla_3plus_placements")
    assert r.source == "LAIT" and r.numerator == 20 and r.value == 6
    r = row(indicators, "884", 2017, "care_leavers_eet_19_21")
    assert r.source == "LAIT" and (r.numerator, r.denominator) == (30, 95)
    r = row(indicators, "884", 2018, "cla_rate_per_10k")    # no EES release covers 2018
    assert r.source == "LAIT" and r.value == 87
    eng = row(indicators, "E92000001", 2017, "cla_3plus_placements")
    assert eng.source == "LAIT" and eng.value == 10
    assert not ((indicators.source == "LAIT") & (indicators.period == 2018)
                & (indicators.measure == "cla_3plus_placements")).any()


def test_national_and_regional_rows(indicators):
    eng = row(indicators, "E92000001", 2025, "care_leavers_eet_19_21")
    assert eng.geographic_level == "National"
    assert (eng.numerator, eng.denominator) == (20760, 38440)
    wm = row(indicators, "E12000005", 2025, "cla_3plus_placements")
    assert wm.geographic_level == "Regional" and wm.area_name == "West Midlands"


def test_frame_honours_the_contract(indicators):
    out = ind.validate(indicators)
    assert list(out.columns) == ind.COLUMNS
    props = out[out.measure.isin([m for m in out.measure.unique()
                                  if m not in ("cla_rate_per_10k", "cla_starts_rate_per_10k",
                                               "cla_ceased_rate_per_10k", "cla_count",
                                               "oc2_sdq_average", "missing_incidents_per_child")])]
    both = props.numerator.notna() & props.denominator.notna()
    assert (props.loc[both, "numerator"] <= props.loc[both, "denominator"]).all()


def test_published_series_cross_check(indicators):
    """Every LA figure in the research team's check table (latest releases, counts)."""
    check = pd.read_csv(TEST_DATA / "published_series_check.csv")
    names = {"Herefordshire": "884", "Hertfordshire": "919", "St_Helens": "342",
             "St Helens": "342", "England": "E92000001"}
    measure = {"care_leavers_19_21_eet_pct": "care_leavers_eet_19_21",
               "care_leavers_19_21_suitable_accom_pct": "care_leavers_suitable_accommodation_19_21",
               "cla_3plus_placements_pct": "cla_3plus_placements",
               "long_term_stability_pct": "long_term_stability",
               "cla_rate_per_10k": "cla_rate_per_10k"}
    checked = 0
    for c in check.itertuples():
        if c.area not in names or c.measure not in measure:
            continue
        r = row(indicators, names[c.area], int(c.year), measure[c.measure])
        if not pd.isna(c.numerator) and r.source != "LAIT":
            assert r.numerator == c.numerator, c
        assert round(r.value, 1) == pytest.approx(c.value_1dp, abs=0.051) or \
            round(r.value) == c.published_value_rounded, c
        checked += 1
    assert checked >= 150


@pytest.mark.parametrize("raw,value,status", [
    ("42", 42.0, "ok"), ("0", 0.0, "ok"), ("12.5", 12.5, "ok"), ("1,234", 1234.0, "ok"),
    ("c", np.nan, "c"), ("x", np.nan, "x"), ("z", np.nan, "z"), ("k", np.nan, "k"),
    ("low", np.nan, "low"), ("", np.nan, "x"), (" C ", np.nan, "c"),
])
def test_parse_values(raw, value, status):
    v, s = published.parse_values(pd.Series([raw]), where="test")
    assert s.iloc[0] == status
    assert (np.isnan(v.iloc[0]) and np.isnan(value)) or v.iloc[0] == value


def test_unknown_symbol_is_an_error_naming_the_file():
    with pytest.raises(SchemaError, match="unrecognised values.*'n/a'.*in myfile.csv"):
        published.parse_values(pd.Series(["1", "n/a"]), where="myfile.csv")


def test_renamed_column_names_expected_and_found(data_copy):
    f = data_copy / "public/dfe_cla_2025_release/la_cla_placement_stability.csv"
    text = f.read_text(encoding="utf-8-sig").replace("children_count", "kids")
    f.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as e:
        published.load_indicators(["cla_3plus_placements"], data_root=data_copy)
    msg = str(e.value)
    assert "la_cla_placement_stability.csv" in msg
    assert "count (one of ['children_count', 'number'])" in msg and "'kids'" in msg
    assert "\n" not in msg


def test_missing_file_names_it_and_how_to_get_it(data_copy):
    (data_copy / "public/dfe_cla_2024_release/la_care_leavers_stayput.csv").unlink()
    with pytest.raises(MissingDataError) as e:
        published.load_indicators(["staying_put_18"], data_root=data_copy)
    msg = str(e.value)
    assert "data/public/dfe_cla_2024_release/la_care_leavers_stayput.csv is missing" in msg
    assert "explore-education-statistics" in msg


def test_period_filter(indicators):
    sub = published.load_indicators(["cla_3plus_placements"], periods=(2020, 2022))
    assert set(sub.period) == {2020, 2021, 2022}
