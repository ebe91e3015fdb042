"""The published-data loader against values read by hand from DfE's CSVs."""

from __future__ import annotations

import copy
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
    assert r.source == "LAIT" and r.value == 29 and math.isnan(r.numerator) and math.isnan(r.denominator)
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
    # the contract's columns, and the precision DfE published each figure to
    assert list(out.columns) == ind.COLUMNS + ["decimals"]
    assert out.loc[out.source != "LAIT", "decimals"].isna().all()
    assert out.loc[out.source == "LAIT", "decimals"].notna().all()
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


def test_a_label_the_newest_release_renamed_stops_the_run(data_copy):
    """A new release spelling "With three or more placements" where earlier ones say "3
    or more" dropped DfE's 3+ placements for every year it covers, without a word: the
    reports fell back to LAIT's whole percentages and invented revisions."""
    f = data_copy / "public/dfe_cla_2025_release/la_cla_placement_stability.csv"
    text = f.read_text(encoding="utf-8-sig")
    assert "With 3 or more placements during the year" in text
    f.write_text(text.replace("With 3 or more placements during the year",
                              "With three or more placements during the year"), encoding="utf-8")
    with pytest.raises(SchemaError) as e:
        published.load_indicators(["cla_3plus_placements"], data_root=data_copy)
    msg = str(e.value)
    assert msg.startswith("category 'With 3 or more placements during the year' is in earlier releases but not in "
                          "the newest one, so its years would lose DfE's figures in data/public/dfe_cla_2025_release/")
    assert "With three or more placements during the year" in msg and "\n" not in msg


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


# ------------------------------------------------------- measures added from LAIT and EES
@pytest.mark.parametrize("area,period,measure,value", [
    # data/public/lait/bds_long_0.parquet, 'Short Desc' / 'LA and Regions' / 'Years' / 'Values'
    ("884", 2023, "ks2_rwm_expected", 38),             # LAC_KS2_ExpStd_RWM, Herefordshire, 2023: '38'
    ("884", 2023, "ks4_attainment8", 22.1),            # LAC_KS4_AVG_Attain8, Herefordshire, 2023: '22.1'
    ("884", 2023, "ks4_attainment8_gap", 44.8 - 22.1),  # AVG_Attain8_Score '44.8' less LAC_KS4_AVG_Attain8 '22.1'
    ("884", 2021, "ks4_english_maths_9_4", 30.8),      # LAC_EngMaths9-4, Herefordshire, 2021: '30.8'
    ("884", 2024, "suspensions_one_plus", 9.71),       # 'LAC_Fixed_ Ex', Herefordshire, 2024: '9.7100000000000009'
    ("884", 2024, "absence_overall", 7.1),             # LAC_Over_Abs, Herefordshire, 2024: '7.1'
    ("884", 2024, "absence_persistent", 17.2),         # LAC_Pers_Abs, Herefordshire, 2024: '17.2'
    ("884", 2023, "social_worker_turnover", 50),       # Work_Force_TO_Rate, Herefordshire, LAIT year 2022 (census 30 Sep 2022): '50'
    ("884", 2026, "social_worker_agency_rate", 18.3),  # Work_Force_Agecy_Rate, Herefordshire, LAIT year 2025: '18.3'
    ("884", 2025, "social_worker_caseload", 14.5),     # Work_Force_AvgNumCase_SW, Herefordshire, LAIT year 2024: '14.5'
    ("E92000001", 2026, "social_worker_turnover", 11.8),  # Work_Force_TO_Rate, England, LAIT year 2025: '11.8'
    ("884", 2025, "foster_places", 175),               # Number_Foster_Places(New), Herefordshire, 2025: '175'
    ("919", 2021, "cla_in_foster_care", 70),           # LAC_Foster_Placements, Hertfordshire, 2021: '70'
])
def test_lait_only_values_read_by_hand(indicators, area, period, measure, value):
    r = row(indicators, area, period, measure)
    assert r.status == "ok" and r.source == "LAIT"
    assert r.value == pytest.approx(value)
    # LAIT gives no counts for these: none are invented
    assert math.isnan(r.numerator) and math.isnan(r.denominator)


@pytest.mark.parametrize("area,period,measure,num,den", [
    # dfe_cla_2025_release/la_care_leavers_activity.csv, St. Helens, 19 to 21 years, 2024:
    # 'In an apprenticeship' 7, 'In training or employment (excl. apprenticeship)' 51, 'Total' 143
    ("342", 2024, "care_leavers_apprenticeship_19_21", 7, 143),
    ("342", 2024, "care_leavers_training_employment_19_21", 7 + 51, 143),
    # same file, 2021: 'In training or employment' 44 (apprenticeships inside it), 'Total' 126
    ("342", 2021, "care_leavers_training_employment_19_21", 44, 126),
    # dfe_cla_2022_release/la_care_leavers_activity.csv, St. Helens, 'Aged 19 to 21', 2018: 28 of 75
    ("342", 2018, "care_leavers_training_employment_19_21", 28, 75),
    # dfe_cla_2024_release/la_children_who_ceased_during_the_year.csv, Herefordshire 2024,
    # 'Reason episode ceased': Adopted 11 + Special guardianship orders 8 + Residence order
    # or child arrangement order granted 6, of Total 121
    ("884", 2024, "ceased_legal_permanence", 11 + 8 + 6, 121),
    # dfe_cla_2024_release/la_children_who_ceased_during_the_year_sgo_adoption.csv, St. Helens
    # 2024, 'Special guardianship orders': former foster carer relative or friend 29, other 7,
    # Total 42
    ("342", 2024, "sgo_former_foster_carers", 29 + 7, 42),
    ("342", 2024, "sgo_former_kinship_foster_carers", 29, 42),
])
def test_new_ees_measures_read_by_hand(indicators, area, period, measure, num, den):
    r = row(indicators, area, period, measure)
    assert r.status == "ok" and r.source.startswith("EES")
    assert (r.numerator, r.denominator) == (num, den)
    assert r.value == pytest.approx(100 * num / den)


def test_lait_fills_sgo_years_the_ees_table_lacks(indicators):
    # LAIT LAC_SGO_FFC_Rel% '63' + LAC_SGO_FFC_Oth% '0', Hertfordshire 2025 (no EES release
    # in data/public has 2025); England 2025: '68' + '7'
    r = row(indicators, "919", 2025, "sgo_former_foster_carers")
    assert r.source == "LAIT" and r.value == 63 and r.status == "ok"
    assert row(indicators, "E92000001", 2025, "sgo_former_foster_carers").value == 68 + 7
    assert row(indicators, "E92000001", 2025, "sgo_former_kinship_foster_carers").value == 68
    assert row(indicators, "919", 2024, "sgo_former_kinship_foster_carers").source == "EES 2024 release"


@pytest.mark.parametrize("area,period,measure", [
    ("884", 2025, "ks2_rwm_expected"),          # LAIT '-' (suppressed small cohort)
    ("884", 2023, "ks4_english_maths_9_4"),     # LAIT '-'
    ("E92000001", 2020, "absence_overall"),     # LAIT '-': autumn term only in 2019/20
    ("884", 2017, "social_worker_caseload"),    # LAIT '-' for the 2016 census
    ("213", 2025, "foster_places"),             # Westminster '-' (Tri-borough return)
])
def test_suppressed_lait_values_are_symbols_not_zero(indicators, area, period, measure):
    r = row(indicators, area, period, measure)
    assert r.status == "x" and math.isnan(r.value)


def test_lait_dashes_and_zeros_are_counted_exactly():
    """Every '-' in LAIT is a row with status x and no value; every '0' is a real 0,
    except a share of no one (z: the Isles of Scilly looked after no children in 2017)."""
    from evaltools import registry
    from evaltools.paths import data_dir
    raw = pd.read_parquet(data_dir() / "public" / published.LAIT_FILE)
    ids = [m.id for m in registry.measures() if m.lait_only and len(m.lait_codes) == 1]
    got = published.load_indicators(ids)
    for mid in ids:
        code = registry.get(mid).lait_codes[0]
        r = raw[(raw["Short Desc"] == code) & raw["Years"].str.fullmatch(r"\d{4}")]
        g = got[got.measure == mid]
        assert len(g) == len(r), mid
        assert (g.status == "x").sum() == (r["Values"].str.strip() == "-").sum(), mid
        assert g.loc[g.status == "x", "value"].isna().all()
        assert (g.value == 0).sum() + (g.status == "z").sum() == \
            (pd.to_numeric(r["Values"], errors="coerce") == 0).sum(), mid
        assert set(g.loc[g.status == "z", "area_code"]) <= {"420"}, mid


def test_lait_columns_keep_the_precision_dfe_publishes_them_to(indicators):
    """A LAIT column with any value to the tenth is published to one decimal, so its
    whole-looking 9.0 (England's overall absence, 2024/25) is 9.0, not 9; a column of
    whole numbers is published to whole numbers. A sum or gap of columns takes the most
    decimals of its parts; figures worked out from EES counts have none."""
    assert published._decimals(pd.Series([9.0, 9.3, 5.0999999999999996, np.nan])) == 1
    assert published._decimals(pd.Series([20.0, 18.0, np.nan])) == 0
    assert published._decimals(pd.Series([6.42, 18.579999999999998])) == 2
    eng = row(indicators, "E92000001", 2025, "absence_overall")
    assert eng.source == "LAIT" and eng.value == 9.0 and eng.decimals == 1
    assert not published.published_whole(eng.decimals)
    away = row(indicators, "E92000001", 2025, "cla_placed_outside_la_over_20_miles")
    assert away.source == "LAIT" and away.value == 18 and away.decimals == 0
    assert published.published_whole(away.decimals)
    assert row(indicators, "884", 2025, "ks4_attainment8_gap").decimals == 1      # a gap of two codes
    assert row(indicators, "884", 2019, "sgo_former_foster_carers").decimals == 0  # a sum of two
    assert np.isnan(row(indicators, "884", 2025, "cla_3plus_placements").decimals)  # EES counts
    # only a whole number's rounding can hide half a point
    assert published.within_lait_rounding([0.0], 20.0, 20.3)
    assert not published.within_lait_rounding([1.0], 9.0, 9.3)
    assert not published.within_lait_rounding([np.nan, None], 20.0, 20.3)


def test_a_suppressed_part_suppresses_the_sum(indicators):
    # Herefordshire 2024, 19 to 21: 'In an apprenticeship' c, excl. apprenticeship 29: the
    # sum is withheld, not 29; 2021 apprenticeships were not a category: z
    r = row(indicators, "884", 2024, "care_leavers_training_employment_19_21")
    assert r.status == "c" and math.isnan(r.value) and math.isnan(r.numerator) and r.denominator == 102
    assert row(indicators, "884", 2021, "care_leavers_apprenticeship_19_21").status == "z"
    # Herefordshire 2023 ceased: 'Residence order or child arrangement order granted' c
    assert row(indicators, "884", 2023, "ceased_legal_permanence").status == "c"
    # the gap needs both LAIT codes: a '-' in either is x
    eng = indicators[(indicators.measure == "ks4_attainment8_gap") & (indicators.status == "x")]
    assert len(eng) > 0 and eng.value.isna().all()


def test_lait_only_measures_load_without_the_lait_filler():
    sub = published.load_indicators(["ks4_attainment8", "cla_3plus_placements"], use_lait=False)
    assert (sub.loc[sub.measure == "ks4_attainment8", "source"] == "LAIT").all()
    assert len(sub[sub.measure == "ks4_attainment8"]) > 1000
    assert not ((sub.measure == "cla_3plus_placements") & (sub.source == "LAIT")).any()


def test_workforce_census_year_is_moved_to_the_year_ending_31_march():
    sub = published.load_indicators(["social_worker_turnover"])
    # LAIT has 2016-2025 censuses at 30 September: periods 2017-2026
    assert sorted(sub.period.unique()) == list(range(2017, 2027))


def test_measure_frames_are_cached_by_a_fingerprint_of_the_data(data_copy, tmp_path, monkeypatch):
    """The second load reads the cache; touching a data file gives a new fingerprint,
    so the frame is rebuilt, never served stale; EVALTOOLS_CACHE_DIR=off turns it off."""
    monkeypatch.setenv(published.CACHE_ENV, str(tmp_path / "cache"))
    a = published.load_indicators(["care_leavers_eet_19_21"], data_root=data_copy)
    files = list((tmp_path / "cache" / "published").rglob("*.parquet"))
    assert len(files) == 1 and files[0].name == "care_leavers_eet_19_21-latest-lait.parquet"
    b = published.load_indicators(["care_leavers_eet_19_21"], data_root=data_copy)
    pd.testing.assert_frame_equal(a, b)
    fp = published.fingerprint(str(data_copy))
    f = data_copy / "public" / "dfe_cla_2025_release" / "la_care_leavers_activity.csv"
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert published.fingerprint(str(data_copy)) != fp
    published.load_indicators(["care_leavers_eet_19_21"], data_root=data_copy)
    assert len(list((tmp_path / "cache" / "published").rglob("*.parquet"))) == 2
    monkeypatch.setenv(published.CACHE_ENV, "off")
    assert published.cache_dir() is None
    pd.testing.assert_frame_equal(published.load_indicators(["care_leavers_eet_19_21"], data_root=data_copy), a)


# ------------------------------------------------------------------- cohorts (parts)
def _declared_parts():
    return [(tid, group, parts) for tid, spec in published.table_specs().items()
            for group, parts in (spec.get("parts") or {}).items()]


@pytest.mark.parametrize("tid,group,parts", _declared_parts(), ids=lambda v: v if isinstance(v, str) else "")
def test_declared_parts_add_up_in_every_council_and_year(tid, group, parts):
    """`parts` in published_tables.yaml is a claim about DfE's tables: each listed total is
    the sum of its parts. Checked against every council and year of the bundled data: where
    the total and every part are known (a "z" part is 0, unless every part is "z": the
    split was not published that year; a part that is itself split and not a number is the
    sum of its own parts), they add up exactly; where parts are suppressed (c), the known
    ones never exceed the total. National and regional counts are rounded to 10 and left out."""
    t = published.load_table(tid)
    t = t[(t["geographic_level"] == "Local authority") & (t["group"] == group)]
    raw = t.pivot_table(index=["area_code", "period"], columns="category", values="count", aggfunc="first")
    num = raw.apply(lambda c: pd.to_numeric(c.str.replace(",", ""), errors="coerce"))

    def value(cat):
        own = num[cat]
        if cat not in parts:
            return own
        return own.where(own.notna(), total_of(cat))

    def total_of(cat):
        kids = parts[cat]
        z = raw[kids].eq("z")
        known = pd.concat([value(k) if k in parts else value(k).where(~z[k], 0.0) for k in kids], axis=1)
        return known.sum(axis=1, min_count=len(kids)).where(~z.all(axis=1))

    exact = bounded = 0
    for cat, kids in parts.items():
        assert set(kids) <= set(raw.columns), f"{tid} {group}: {sorted(set(kids) - set(raw.columns))} not in the table"
        whole, sums = num[cat], total_of(cat)
        both = whole.notna() & sums.notna()
        assert (whole[both] == sums[both]).all(), f"{tid} {group}: {cat} is not the sum of its parts"
        exact += int(both.sum())
        floor = pd.concat([value(k) for k in kids], axis=1).sum(axis=1)      # the parts DfE shows
        assert (floor[whole.notna()] <= whole[whole.notna()]).all(), f"{tid} {group}: parts of {cat} exceed it"
        bounded += int(whole.notna().sum())
    # DfE suppresses some reason for ceasing in every council-year: those are bounded only
    assert exact > 0 or (tid, group) == ("ceased", "Reason episode ceased"), f"{tid} {group}: nothing to check"
    assert bounded > 0


def test_cohort_sets_tell_disjoint_from_nested_measures():
    """The names in measures.yaml cannot: "Higher education" and "Total in education,
    employment or training" share no word of category, yet one is part of the other.
    Through `parts` EET and NEET are disjoint parts of the care leavers aged 19 to 21,
    higher education and training or employment (which holds apprenticeships) lie inside
    EET, and DfE's split of training or employment from 2022 counts the same young people
    as the single category before it."""
    def sets(mid, period=2024):
        return published.cohort_sets(mid, period)
    eet, neet, he = sets("care_leavers_eet_19_21"), sets("care_leavers_neet_19_21"), sets("care_leavers_he_19_21")
    assert eet[0] == neet[0] == he[0] and eet[2] == neet[2]                # one cohort, one denominator
    assert not eet[1] & neet[1] and eet[1] | neet[1] < eet[2]              # disjoint; "not known" is left
    assert he[1] < eet[1] and not he[1] & neet[1]
    assert sets("care_leavers_apprenticeship_19_21")[1] < sets("care_leavers_training_employment_19_21")[1]
    assert sets("care_leavers_training_employment_19_21", 2020)[1] == sets("care_leavers_training_employment_19_21", 2024)[1]
    # a share of a cohort whose categories do not add up (health checks overlap) is in none
    assert sets("oc2_health_assessments") is None and sets("cla_rate_per_10k") is None
    families = published.cohort_measures()
    assert {"care_leavers_eet_19_21", "care_leavers_neet_19_21"} <= set(families[eet[0]])
    assert all(len(ms) > 1 for ms in families.values())
    assert not any("oc2_" in m for ms in families.values() for m in ms)


def test_lait_counts_agree_with_laits_own_percentage():
    """A LAIT numerator and denominator are used only where they are the figure's own:
    their share rounds to LAIT's percentage for nearly every council and year. LAIT's
    NoCareLeavers (the accommodation cohort) was read as the EET and higher-education
    cohort: St Helens 2016 printed "44% (25/60)", and 25/60 is 41.7%."""
    from evaltools import registry
    from evaltools.paths import data_dir
    raw = pd.read_parquet(data_dir() / "public" / published.LAIT_FILE)

    def values(code):
        d = raw[(raw["Short Desc"] == code) & raw["Years"].str.fullmatch(r"\d{4}")]
        return pd.to_numeric(d.set_index(["LA and Regions", "Years"])["Values"], errors="coerce")

    checked = 0
    for m in registry.measures():
        lait = m.lait or {}
        if not (lait.get("numerator") and lait.get("denominator")):
            continue
        share = 100 * values(lait["numerator"]) / values(lait["denominator"])
        both = pd.concat([share.rename("share"), values(lait["value"]).rename("value")], axis=1).dropna()
        agree = ((both["share"] - both["value"]).abs() <= 0.5 + 1e-9).mean()
        assert len(both) > 100 and agree >= 0.97, f"{m.id}: {agree:.0%} of {len(both)} rows agree"
        checked += 1
    assert checked >= 1


def test_an_old_label_read_only_for_its_own_years_is_not_held_to_the_newest_release():
    """A by_period override keeps a category's old spelling for the years before DfE
    renamed it (measures.yaml's documented use): the newest release not having the old
    spelling is then expected, not a lost label."""
    df = pd.DataFrame({"group": ["G"] * 4, "subgroup": [None] * 4,
                       "category": ["Old name", "Old name", "New name", "New name"],
                       "release": [2021, 2021, 2025, 2025], "period": [2020, 2021, 2022, 2023],
                       "file": ["a", "a", "b", "b"]})
    assert len(published._select_rows(df, "G", "New name", None, where="x")) == 2
    with pytest.raises(SchemaError, match="is in earlier releases but not in the newest one"):
        published._select_rows(df, "G", "Old name", None, where="x")
    era = published._select_rows(df, "G", "Old name", None, where="x", span=lambda p: p.between(2016, 2021))
    assert list(era["period"]) == [2020, 2021]


def _drop_rows(path, label):
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [ln for ln in lines if label not in ln]
    assert len(kept) < len(lines)
    path.write_text("".join(kept), encoding="utf-8")


def test_a_label_dfe_stopped_publishing_is_read_from_the_releases_before(data_copy, monkeypatch):
    """Next year's rerun: DfE's newest release leaves out a breakdown it no longer
    publishes. Undeclared, that stops the run, and the fix says how to declare it;
    declared under the table's ``discontinued``, the measure takes each year from the
    latest release before (its figures end where DfE's did), the table's other measures
    still come from the newest release, and the review says why the figures end."""
    label = "With 3 or more placements during the year"
    _drop_rows(data_copy / "public/dfe_cla_2025_release/la_cla_placement_stability.csv", label)
    with pytest.raises(SchemaError) as e:
        published.load_indicators(["cla_3plus_placements"], data_root=data_copy)
    assert "list it under the table's discontinued with that release" in str(e.value)

    specs = copy.deepcopy(published.table_specs())     # the cached one is shared: never edit it
    specs["placement_stability"]["discontinued"] = {label: 2025}
    monkeypatch.setattr(published, "table_specs", lambda: specs)
    published._load_table_cached.cache_clear()
    assert published.discontinued("cla_3plus_placements") == (label, 2025)
    assert published.discontinued("long_term_stability") is None
    df = published.load_indicators(["cla_3plus_placements", "long_term_stability"], data_root=data_copy,
                                   use_lait=False)
    mine = df[(df["area_code"] == "884") & (df["status"] == "ok")]
    three = mine[mine["measure"] == "cla_3plus_placements"]
    assert three["period"].max() == 2024
    assert set(three.loc[three["period"] >= 2020, "source"]) == {"EES 2024 release"}
    lt = mine[mine["measure"] == "long_term_stability"]
    assert lt["period"].max() == 2025 and (lt.loc[lt["period"] == 2024, "source"] == "EES 2025 release").all()
    # LAIT still fills a year no release before 2025 covers, as for any measure: a DfE
    # figure, so the review then has no gap to explain
    lait = published.load_indicators(["cla_3plus_placements"], data_root=data_copy)
    at = lait[(lait["area_code"] == "884") & (lait["period"] == 2025)]
    assert list(at["source"].str[:4]) == ["LAIT"]

    from evaltools import review
    from evaltools.strategies import StrategyMeasure
    sm = StrategyMeasure(id="s1", text="fewer moves", measure="cla_3plus_placements", direction="down",
                         source="published")
    row = review.measure_row(sm, df, "884", 2022)
    assert row.latest_period == 2024
    assert any(c.startswith("DfE stopped publishing this figure in its 2025 release") for c in row.caveats)
    row = review.measure_row(sm, lait, "884", 2022)
    assert row.latest_period == 2025 and not any("stopped publishing" in c for c in row.caveats)


def test_a_figure_over_no_children_is_no_figure_even_where_dfe_prints_0():
    """DfE prints 0 for 0 of 0 (the Isles of Scilly had no children looked after at 31
    March 2018) and an average SDQ score of 0 over 0 children (City of London, 2022):
    read as 0.0 they ranked first of every council, in band A."""
    df = published.load_indicators(["cla_3plus_placements", "school_moves_midyear", "oc2_sdq_average"])
    at = df.set_index(["measure", "area_code", "period"])
    for key in (("cla_3plus_placements", "420", 2018), ("school_moves_midyear", "420", 2019),
                ("oc2_sdq_average", "201", 2022), ("oc2_sdq_average", "201", 2024)):
        r = at.loc[key]
        assert r["denominator"] == 0 and r["status"] == "z" and pd.isna(r["value"]), key
    # a council with children keeps DfE's figures
    assert at.loc[("cla_3plus_placements", "884", 2018), "status"] == "ok"


def test_a_figure_dfe_prints_over_a_cohort_it_withheld_stays_withheld():
    """City of London's 3+ placements in 2025: DfE prints 0 children and 0%, and c for
    how many it looked after. Read as 0.0%, a figure resting on a handful of children was
    banded and rated green as a strength in its briefing pack."""
    at = published.load_indicators(["cla_3plus_placements"]).set_index(["area_code", "period"])
    r = at.loc[("201", 2025)]
    assert r["status"] == "c" and pd.isna(r["value"])
    assert at.loc[("884", 2025), "status"] == "ok"


def test_a_lait_percentage_over_no_children_is_no_figure():
    """LAIT gives no counts, so its 0% over no children passed as a figure: the Isles of
    Scilly looked after no children in 2016 and 2017, and its care leavers aged 19-21
    were 0% in and 0% not in education, employment or training in 2017. Its pack called
    "EET 0%" a concern and "substance misuse 0%" a strength."""
    df = published.load_indicators(["care_leavers_eet_19_21", "care_leavers_neet_19_21", "oc2_substance_misuse",
                                    "oc2_convictions", "cla_count", "social_worker_turnover"])
    at = df.set_index(["measure", "area_code", "period"])
    assert at.loc[("cla_count", "420", 2017), "value"] == 0
    for key in (("care_leavers_eet_19_21", "420", 2017), ("care_leavers_neet_19_21", "420", 2017),
                ("oc2_substance_misuse", "420", 2016), ("oc2_convictions", "420", 2017)):
        r = at.loc[key]
        assert r["source"] == "LAIT" and r["status"] == "z" and pd.isna(r["value"]), key
    # a workforce rate is not a share of the children: kept
    assert at.loc[("social_worker_turnover", "420", 2018), "status"] == "ok"
    # a real LAIT 0% of a council with children is kept
    lait0 = df[(df["source"] == "LAIT") & (df["value"] == 0) & (df["area_code"] != "420")]
    assert len(lait0) and (lait0["status"] == "ok").all()


@pytest.mark.parametrize("gone, expected", [
    # the old spelling, read only for the years to 2021 (by_period): not cut off by 2025
    ({"In training or employment": 2025}, None),
    # the "not known" category the recording-gap check reads counts as a label read
    ({"Total information not known": 2025}, ("Total information not known", 2025)),
    ({"In an apprenticeship": 2024, "Total": 2025}, ("In an apprenticeship", 2024)),
])
def test_which_labels_a_discontinued_release_cuts_off(monkeypatch, gone, expected):
    specs = copy.deepcopy(published.table_specs())     # the cached one is shared: never edit it
    specs["care_leavers_activity"]["discontinued"] = gone
    monkeypatch.setattr(published, "table_specs", lambda: specs)
    assert published.discontinued("care_leavers_training_employment_19_21") == expected


def test_a_label_discontinued_from_the_first_bundled_release_is_a_clear_error(monkeypatch):
    specs = copy.deepcopy(published.table_specs())     # the cached one is shared: never edit it
    specs["care_leavers_activity"]["discontinued"] = {"Total": 2022}
    monkeypatch.setattr(published, "table_specs", lambda: specs)
    with pytest.raises(SchemaError, match="'Total' is discontinued from the 2022 release, the first bundled"):
        published.discontinued("care_leavers_training_employment_19_21")


def test_the_recording_gap_check_reads_a_discontinued_breakdown_from_the_releases_before(data_copy, monkeypatch):
    """Every report checks care leavers' "not known" shares (published.not_recorded):
    with the breakdown declared discontinued, that check too reads the releases before,
    instead of stopping the run."""
    label = "Total information not known"
    _drop_rows(data_copy / "public/dfe_cla_2025_release/la_care_leavers_activity.csv", label)
    specs = copy.deepcopy(published.table_specs())     # the cached one is shared: never edit it
    specs["care_leavers_activity"]["discontinued"] = {label: 2025}
    monkeypatch.setattr(published, "table_specs", lambda: specs)
    published._load_table_cached.cache_clear()
    got = published.not_recorded(["care_leavers_eet_19_21"], data_root=data_copy)
    mine = got[(got["area_code"] == "884") & (got["status"] == "ok")]
    assert mine["period"].max() == 2024 and len(mine) >= 3
