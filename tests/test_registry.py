"""The measure registry is data, and every entry is usable."""

from __future__ import annotations

import pytest

from evaltools import registry
from evaltools.errors import ConfigError, SchemaError

REQUIRED_BY_ISSUE = [
    "cla_3plus_placements", "cla_3plus_placements_2yr", "long_term_stability",
    "care_leavers_eet_17_18", "care_leavers_eet_19_21",
    "care_leavers_suitable_accommodation_17_18", "care_leavers_suitable_accommodation_19_21",
    "care_leavers_in_touch_17_18", "care_leavers_in_touch_19_21",
    "staying_put_18", "staying_put_19_20", "cla_count", "cla_rate_per_10k",
    "new_placements_over_20_miles", "new_placements_outside_la", "cla_missing_incident",
    "oc2_health_assessments", "oc2_dental_checks", "oc2_immunisations", "oc2_sdq_average",
]


def test_registry_has_the_measures_the_foundation_needs():
    assert set(REQUIRED_BY_ISSUE) <= set(registry.ids())


@pytest.mark.parametrize("m", registry.measures(), ids=lambda m: m.id)
def test_every_entry_is_complete(m):
    assert m.title and m.short and m.definition and m.source
    assert m.unit in registry.UNITS and m.polarity in registry.POLARITIES
    assert m.published or m.lait or m.child_level


def test_every_child_level_measure_is_computed_and_every_computed_one_registered():
    from evaltools import measures
    assert {m.id for m in registry.measures() if m.child_level} <= set(measures.SPECS)
    assert set(measures.SPECS) <= set(registry.ids())


#: measures DfE suppresses for Herefordshire in every year it publishes (small counts):
#: the rows are there with their symbols, and other LAs have figures
SUPPRESSED_FOR_HEREFORDSHIRE = {
    "care_leavers_apprenticeship_19_21",       # 'c' 2022-2025, 'z' before
    "sgo_former_foster_carers",                # 'c' in EES 2020-2024, '-' in LAIT 2019, 2025
    "sgo_former_kinship_foster_carers",
}


@pytest.mark.parametrize("m", registry.published_measures(), ids=lambda m: m.id)
def test_every_measure_yields_figures_for_herefordshire(indicators, m):
    mine = indicators[(indicators.measure == m.id) & (indicators.area_code == "884")]
    assert len(mine) >= 1
    if m.id in SUPPRESSED_FOR_HEREFORDSHIRE:
        assert not (mine.status == "ok").any() and mine.value.isna().all()
        las = indicators[(indicators.measure == m.id) & (indicators.status == "ok")
                         & (indicators.geographic_level == "Local authority")]
        assert las.area_code.nunique() >= 20
    else:
        assert (mine.status == "ok").any()
    eng = indicators[(indicators.measure == m.id) & (indicators.geographic_level == "National")]
    assert len(eng) >= 1 and (eng.status == "ok").any()


def test_polarity_follows_dfe():
    assert registry.get("cla_3plus_placements").higher_is_better is False
    assert registry.get("care_leavers_eet_19_21").higher_is_better is True
    assert registry.get("cla_rate_per_10k").higher_is_better is None
    # LAIT's data dictionary: attainment High, absence/suspensions/workforce Low; foster
    # places have none (a capacity count that grows with the LA)
    assert registry.get("ks4_attainment8").higher_is_better is True
    assert registry.get("ks4_attainment8_gap").higher_is_better is False
    assert registry.get("suspensions_one_plus").higher_is_better is False
    assert registry.get("social_worker_turnover").higher_is_better is False
    assert registry.get("cla_in_foster_care").higher_is_better is True
    assert registry.get("foster_places").higher_is_better is None


#: measures added from LAIT alone (no EES table in data/public): code, unit, topic
LAIT_ONLY = {
    "ks2_rwm_expected": ("LAC_KS2_ExpStd_RWM", "percent", "education"),
    "ks4_attainment8": ("LAC_KS4_AVG_Attain8", "score", "education"),
    "ks4_attainment8_gap": ("AVG_Attain8_Score - LAC_KS4_AVG_Attain8", "score", "education"),
    "ks4_english_maths_9_4": ("LAC_EngMaths9-4", "percent", "education"),
    "suspensions_one_plus": ("LAC_Fixed_ Ex", "percent", "education"),
    "absence_overall": ("LAC_Over_Abs", "percent_sessions", "education"),
    "absence_persistent": ("LAC_Pers_Abs", "percent", "education"),
    "social_worker_turnover": ("Work_Force_TO_Rate", "percent_fte", "workforce"),
    "social_worker_agency_rate": ("Work_Force_Agecy_Rate", "percent_fte", "workforce"),
    "social_worker_caseload": ("Work_Force_AvgNumCase_SW", "cases_per_worker", "workforce"),
    "foster_places": ("Number_Foster_Places(New)", "places", "sufficiency"),
    "cla_in_foster_care": ("LAC_Foster_Placements", "percent", "placements"),
}


def test_lait_only_measures_name_their_codes_units_and_topics():
    t = registry.to_frame().set_index("id")
    for mid, (code, unit, topic) in LAIT_ONLY.items():
        m = registry.get(mid)
        assert m.lait_only and not m.published, mid
        assert (t.loc[mid, "lait_code"], m.unit, m.topic) == (code, unit, topic)
    assert not registry.get("sgo_former_kinship_foster_carers").lait_only   # EES, LAIT fills


def test_every_lait_code_is_in_the_data_and_the_dictionary():
    import pandas as pd
    from evaltools import published
    from evaltools.paths import data_dir
    lait = published._lait_by_code(str(data_dir()))
    dictionary = set(pd.read_csv(data_dir() / "public" / "lait" / "lait_data_dictionary.csv",
                                 dtype=str)["Measure_short"])
    for m in registry.measures():
        for code in m.lait_codes + [m.lait.get(k) for k in ("numerator", "denominator")
                                    if m.lait and m.lait.get(k)]:
            assert code in lait, (m.id, code)
            assert code in dictionary, (m.id, code)


def test_workforce_census_goes_to_the_year_ending_31_march_that_holds_it():
    # LAIT labels the 30 September 2024 census 2024; 30 September 2024 is in 2024-25
    assert registry.get("social_worker_turnover").lait_period_shift == 1
    assert registry.get("ks4_attainment8").lait_period_shift == 0      # academic year = cohort year


def test_a_census_figure_is_labelled_by_its_census_as_dfe_labels_it():
    turnover, eet = registry.get("social_worker_turnover"), registry.get("care_leavers_eet_19_21")
    assert turnover.period_label(2026) == "Sep 2025" and turnover.period_cell(2026.0) == "Sep\u00a02025"
    assert turnover.period_phrase(2026) == "At 30 September 2025"
    assert eet.period_label(2025.0) == "2025" and eet.period_cell(2025.0) == 2025
    assert eet.period_phrase(2025) == "In 2025 (year ending 31 March)"


def test_an_academic_year_figure_is_named_by_its_academic_year():
    """LAIT labels 2024/25 "2025" (its dictionary's Year_Type "Academic Year"); it is
    stored as period 2025 and reports call it 2024/25, never the year ending 31 March."""
    a8 = registry.get("ks4_attainment8")
    assert a8.academic_year and a8.lait_period_shift == 0 and not a8.census_date
    assert a8.period_label(2025) == "2024/25" and a8.period_label(2025.0) == "2024/25"
    assert a8.period_label(2010) == "2009/10" and a8.period_label(2000) == "1999/00"
    assert a8.period_cell(2025.0) == "2024/25"
    assert a8.period_phrase(2025) == "In the 2024/25 academic year"
    assert a8.axis_label == "Academic year"
    assert registry.get("social_worker_turnover").axis_label == "Census at 30 September"
    assert registry.get("care_leavers_eet_19_21").axis_label == "Year ending 31 March"
    assert {m.id for m in registry.measures() if m.academic_year} == {m.id for m in registry.measures("education")}
    assert a8.era_label({"from": 2018, "to": 2019}) == "2017/18 and 2018/19"
    assert a8.era_label({"from": 2017, "to": 2019}) == "2016/17 to 2018/19"
    assert a8.era_label({"from": 2023, "to": None}) == "From 2022/23"


def test_new_units_format_and_have_axis_labels():
    from evaltools.plots.style import UNIT_AXIS
    assert set(registry.UNITS) <= set(UNIT_AXIS) and set(registry.UNITS) <= set(registry.UNIT_LABELS)
    assert registry.get("absence_overall").format_value(7.14) == "7.1%"
    assert registry.get("social_worker_caseload").format_value(14.5) == "14.5 cases per worker"
    assert registry.get("foster_places").format_value(1175) == "1,175 places"
    assert registry.get("ks4_attainment8_gap").format_value(22.7) == "22.7"


def test_a_percentage_says_what_it_is_of():
    """Axis labels read "% of <what>": children unless the registry says otherwise."""
    from evaltools.plots.style import unit_axis

    assert unit_axis(registry.get("cla_3plus_placements")) == "% of children"
    assert unit_axis(registry.get("new_placements_outside_la")) == "% of new placements"
    assert unit_axis(registry.get("placement_changes_carer_request_behaviour")) == "% of placement changes"
    assert unit_axis(registry.get("care_leavers_eet_19_21")) == "% of care leavers"
    assert unit_axis(registry.get("reviews_on_time")) == "% of reviews"
    assert unit_axis(registry.get("absence_overall")) == "% of school sessions"
    # a gap between two average scores is in points, not itself an average score
    assert unit_axis(registry.get("ks4_attainment8")) == "average score"
    assert unit_axis(registry.get("ks4_attainment8_gap")) == "gap in points"
    # every percentage of placements (not of children) says so
    for m in registry.measures():
        den = str((m.published or {}).get("denominator", "")).lower()
        if m.unit == "percent" and (den.startswith("total") and "placement" in den
                                    or m.definition.startswith(("Of placement", "Placement moves"))):
            assert "placement" in m.percent_of, m.id
    base = {"id": "x", "title": "t", "short": "s", "topic": "stability", "unit": "rate_per_10k",
            "polarity": "low", "definition": "d", "source": "s", "child_level": True}
    with pytest.raises(SchemaError, match="only for unit percent"):
        registry._check_entry({**base, "percent_of": "new placements"}, set())
    with pytest.raises(SchemaError, match="percent_of"):
        registry._check_entry({**base, "unit": "percent", "percent_of": ""}, set())


def test_covered_by_names_a_percentage_of_the_registry():
    from dataclasses import replace
    entries = {m.id: m for m in registry.measures()}
    registry._check_references(entries)
    assert entries["oc2_sdq_average"].covered_by == "oc2_sdq_received"
    for bad in ("no_such_measure", "oc2_sdq_average"):          # unknown; a score, not a percentage
        wrong = {**entries, "x": replace(entries["oc2_sdq_average"], id="x", covered_by=bad)}
        with pytest.raises(SchemaError, match=f"covered_by '{bad}' is not a percentage measure"):
            registry._check_references(wrong)


def test_bad_lait_specs_are_named():
    from evaltools.errors import SchemaError
    base = {"id": "x", "title": "t", "short": "s", "topic": "education", "unit": "score",
            "polarity": "high", "definition": "d", "source": "s"}
    with pytest.raises(SchemaError, match="unknown keys"):
        registry._check_entry({**base, "lait": {"value": "A", "minus": "B"}}, set())
    with pytest.raises(SchemaError, match="not a day and month"):
        registry._check_entry({**base, "lait": {"value": "A", "as_at": "Sept"}}, set())
    with pytest.raises(SchemaError, match="lait year 'financial'"):
        registry._check_entry({**base, "lait": {"value": "A", "year": "financial"}}, set())
    with pytest.raises(SchemaError, match="both year and as_at"):
        registry._check_entry({**base, "lait": {"value": "A", "year": "academic",
                                                "as_at": "30 September"}}, set())
    with pytest.raises(SchemaError, match="notes entry"):
        registry._check_entry({**base, "lait": {"value": "A"}, "notes": [{"to": 2020, "text": "t"}]}, set())


def test_definitions_are_versioned_by_collection_year():
    m = registry.get("long_term_stability")
    # 2022 release (covering 2018) says "same placement"; the 2023 release restated
    # 2019 onwards as "same carer" (DfE data guidance 2022-23)
    assert "same placement" in m.definition_for(2018)
    assert "same carer" in m.definition_for(2019)
    assert "same carer" in m.definition_for(2025)
    assert "includes apprenticeships" in registry.get(
        "care_leavers_training_employment_19_21").definition_for(2021)


def test_education_year_notes_follow_the_definition_and_never_replace_it():
    """A note on some years (pandemic grades, a term not collected) is not a definition:
    "Definition: Return to pre-pandemic grading standards" was printed for Attainment 8."""
    a8 = registry.get("ks4_attainment8")
    assert a8.definition_for(2025) == a8.definition and "up to 8 qualifications" in a8.definition
    assert "maximum score is 90 from 2017/18 (87 in 2016/17)" in a8.definition
    assert len(a8.notes_for(2017)) == 1 and a8.notes_for(2017)[0].startswith("2016/17: Maximum score 87")
    assert a8.notes_for(2021)[0].startswith("2019/20 and 2020/21: Centre-assessment grades")
    assert a8.notes_for(2025) == ["From 2022/23: GCSE grading returned to pre-pandemic standards, with "
                                  "protection for the disruption students had faced."]
    assert len(a8.notes_for(2017, 2025)) == 5
    pa = registry.get("absence_persistent")
    assert "10% or more of their own possible sessions" in pa.definition_for(2025)
    assert "No full-year figure" in registry.get("absence_overall").notes_for(2020)[0]
    # England's figures for children looked after, as LAIT gives them, each in its years
    before, after = pa.notes_for(2019)[0], pa.notes_for(2025)[0]
    assert before.startswith("2016/17 to 2018/19: ") and "4.7% to 5.1%" in before and "11.2% to 12.1%" in before
    assert after.startswith("From 2021/22: ") and "7.8% to 9.0%" in after and "19.1% to 20.8%" in after
    assert "19.1% to 20.8% persistent absentees in 2021/22 to 2024/25" in after
    for m in registry.measures("education"):
        assert not m.definitions, m.id            # their eras are notes, not definitions
        assert "Definition" not in m.definition and not m.definition.startswith(("Return", "Full"))


def test_england_figures_quoted_in_notes_are_laits():
    """The absence notes quote England's rates for children looked after: LAIT's."""
    from evaltools import published
    f = published.load_indicators(["absence_overall", "absence_persistent"])
    f = f[f["geographic_level"] == "National"]
    over, pers = (f[f["measure"] == mid].set_index("period")["value"].sort_index()
                  for mid in ("absence_overall", "absence_persistent"))
    assert (over.loc[2017:2019].min(), over.loc[2017:2019].max()) == (4.7, 5.1)
    assert (pers.loc[2017:2019].min(), pers.loc[2017:2019].max()) == (11.2, 12.1)
    assert (over.loc[2021], pers.loc[2021]) == (9.1, 30.3)
    assert (over.loc[2022:2025].min(), over.loc[2022:2025].max()) == (7.8, 9.0)
    assert (pers.loc[2022:2025].min(), pers.loc[2022:2025].max()) == (19.1, 20.8)


def test_unknown_measure_suggests_close_ids():
    with pytest.raises(ConfigError, match="Did you mean cla_3plus_placements"):
        registry.get("cla_3plus_placement")


def test_registry_table():
    t = registry.to_frame()
    assert len(t) == len(registry.ids())
    assert t["id"].is_unique
