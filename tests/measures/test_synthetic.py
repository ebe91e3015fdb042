"""Measures on synthetic data with known injected effects (evaltools.synth).

One LA (stock 3,000 so effects stand out from noise), 2019-2025, with three
interventions from 1 April 2022: unplanned moves hazard x0.7, EET odds x1.4, odds of a
placement over 20 miles x0.6. The generator also writes the same children with no
intervention (common random numbers). Measured from the 903 files of each, the
difference must have the right sign and match the true effect the simulation reports
(truth.json), and the levels must match the simulated world's own figures.
"""

from __future__ import annotations

import importlib

import pytest

from evaltools import measures, synth
from evaltools.ssda903 import read_extract

G = importlib.import_module("evaltools.synth.generate")
IDS = ["cla_3plus_placements", "placement_moves_per_child_year", "new_placements_over_20_miles",
       "care_leavers_eet_17_18", "care_leavers_eet_19_21"]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    from evaltools.synth.simulate import simulate
    ivs = [synth.Intervention("moves", "unplanned_moves", "2022-04-01", 0.7),
           synth.Intervention("eet", "eet", "2022-04-01", 1.4),
           synth.Intervention("far", "distant_placements", "2022-04-01", 0.6)]
    cfg = synth.SynthConfig(las=["884"], stock=3000, seed=11, first_year=2019, last_year=2025,
                            interventions=ivs)
    res = synth.generate(cfg)
    params = G.parameters()
    with G._plain_strings():
        cf_world = simulate(cfg, params, counterfactual=True)
        cf_returns = G.build_returns(cf_world, cfg, params)
    tmp = tmp_path_factory.mktemp("synthetic")
    synth.write(res, tmp / "factual")
    synth.write(G.SynthResult(cfg, cf_world, cf_returns, {}), tmp / "counterfactual")
    out = {}
    for k in ("factual", "counterfactual"):
        ex = read_extract(tmp / k, salt="synthetic-test-salt-0123")
        out[k] = measures.compute(ex, IDS, la="884").set_index(["measure", "period"])["value"]
    return out, res.truth["measures"]


def _truth(truth, m, y, which):
    key = "unplanned_moves_per_child_year" if m == "placement_moves_per_child_year" else m
    return truth[key][f"884/{y}"][which]


@pytest.mark.parametrize("m, tol", [("cla_3plus_placements", 0.05), ("care_leavers_eet_17_18", 0.05),
                                    ("care_leavers_eet_19_21", 0.05), ("new_placements_over_20_miles", 0.3)])
def test_levels_match_the_simulated_world(worlds, m, tol):
    """The 903-derived annual figure equals the simulation's own (the distance figure
    differs slightly: the world measures to the exact grid point, the reader to the
    postcode's, rounded to 0.1 mile)."""
    got, truth = worlds
    for y in range(2019, 2026):
        assert abs(got["factual"][(m, y)] - _truth(truth, m, y, "factual")) <= tol, (m, y)


@pytest.mark.parametrize("m, sign", [("cla_3plus_placements", -1), ("placement_moves_per_child_year", -1),
                                     ("new_placements_over_20_miles", -1), ("care_leavers_eet_19_21", 1)])
def test_effects_have_the_right_sign_and_size(worlds, m, sign):
    """After the interventions (2023-2025), factual - counterfactual has the injected
    direction and is within 25% (or 0.5 points) of the true effect. For moves per
    child-year the truth counts unplanned moves only; the injected change is to
    unplanned moves, so the absolute change is the same size."""
    got, truth = worlds
    for y in (2023, 2024, 2025):
        ours = got["factual"][(m, y)] - got["counterfactual"][(m, y)]
        true = _truth(truth, m, y, "factual") - _truth(truth, m, y, "counterfactual")
        assert sign * ours > 0, (m, y, ours)
        assert abs(ours - true) <= max(0.5 if m != "placement_moves_per_child_year" else 0.02,
                                       0.25 * abs(true)), (m, y, ours, true)
