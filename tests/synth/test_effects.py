"""The injected effects are present in the raw data at the size configured."""

from __future__ import annotations

import pytest

from evaltools import synth


@pytest.fixture(scope="module")
def world():
    cfg = synth.SynthConfig(
        las=["884"], stock=6000, seed=5, first_year=2019, last_year=2025,
        interventions=[synth.Intervention("moves", "unplanned_moves", "2022-04-01", 0.7),
                       synth.Intervention("eet", "eet", "2023-10-01", 1.4),
                       synth.Intervention("distance", "distant_placements", "2023-04-01", 0.6)])
    return synth.generate(cfg)


def test_hazard_ratio_on_unplanned_moves(world):
    r = world.truth["realised"]["moves"]
    # the configured hazard ratio, within placement-duration bands (thousands of moves)
    assert r["hazard_ratio_within_duration_bands"] == pytest.approx(0.7, abs=0.06)


def test_odds_ratio_on_eet(world):
    r = world.truth["realised"]["eet"]
    # a person effect attenuates the population-average odds ratio slightly
    assert r["odds_ratio"] == pytest.approx(1.4, abs=0.15) and r["care_leaver_birthdays"] > 3000


def test_odds_ratio_on_distant_placements(world):
    assert world.truth["realised"]["distance"]["odds_ratio"] == pytest.approx(0.6, abs=0.06)


def test_effects_show_on_dfe_measures_in_the_right_direction(world):
    m = world.truth["measures"]
    after = [m["cla_3plus_placements"][f"884/{y}"]["effect"] for y in (2024, 2025)]
    before = [m["cla_3plus_placements"][f"884/{y}"]["effect"] for y in (2019, 2020, 2021)]
    assert all(e < 0 for e in after) and all(e == 0 for e in before)
    assert m["care_leavers_eet_19_21"]["884/2025"]["effect"] > 0
    assert m["new_placements_over_20_miles"]["884/2025"]["effect"] < 0
