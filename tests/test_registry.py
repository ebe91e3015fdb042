"""The measure registry is data, and every entry is usable."""

from __future__ import annotations

import pytest

from evaltools import registry
from evaltools.errors import ConfigError

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


@pytest.mark.parametrize("m", registry.published_measures(), ids=lambda m: m.id)
def test_every_measure_yields_figures_for_herefordshire(indicators, m):
    mine = indicators[(indicators.measure == m.id) & (indicators.area_code == "884")]
    assert len(mine) >= 1
    assert (mine.status == "ok").any()
    eng = indicators[(indicators.measure == m.id) & (indicators.geographic_level == "National")]
    assert len(eng) >= 1


def test_polarity_follows_dfe():
    assert registry.get("cla_3plus_placements").higher_is_better is False
    assert registry.get("care_leavers_eet_19_21").higher_is_better is True
    assert registry.get("cla_rate_per_10k").higher_is_better is None


def test_definitions_are_versioned_by_collection_year():
    m = registry.get("long_term_stability")
    # 2022 release (covering 2018) says "same placement"; the 2023 release restated
    # 2019 onwards as "same carer" (DfE data guidance 2022-23)
    assert "same placement" in m.definition_for(2018)
    assert "same carer" in m.definition_for(2019)
    assert "same carer" in m.definition_for(2025)


def test_unknown_measure_suggests_close_ids():
    with pytest.raises(ConfigError, match="Did you mean cla_3plus_placements"):
        registry.get("cla_3plus_placement")


def test_registry_table():
    t = registry.to_frame()
    assert len(t) == len(registry.ids())
    assert t["id"].is_unique
