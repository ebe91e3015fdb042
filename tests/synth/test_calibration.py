"""National-scale generated data reproduces DfE's national figures within tolerance.

This runs the national simulation (about 700,000 children over 22 years, ~35 s)."""

from __future__ import annotations

import pytest

from evaltools import synth
from evaltools.synth.calibration import compare


@pytest.fixture(scope="module")
def national():
    cfg = synth.SynthConfig(las=["national"], stock=None, seed=1, counterfactual=False)
    res = synth.generate(cfg)
    return compare(res.world, cfg).set_index("measure")


def test_three_plus_placements_within_1_5_points(national):
    r = national.loc["% CLA with 3+ placements in the year"]
    assert abs(r["simulated"] - 10.5) <= 1.5


@pytest.mark.parametrize("measure", [
    "% long-term stability", "% CLA with 3+ placements over 2 years", "starts per year / stock",
    "% CLA aged 10-15", "% CLA aged 16+", "% CLA on care orders", "% CLA in foster placements",
    "% ceased: adopted", "% ceased: special guardianship", "% CLA in year with a missing incident",
    "% new placements >20 miles", "% care leavers 17-18 in EET", "% care leavers 19-21 in EET",
    "% care leavers 19-21 suitable accommodation", "CLA at 31 March / configured stock",
])
def test_national_figure_within_tolerance(national, measure):
    r = national.loc[measure]
    assert r["ok"], f"{measure}: simulated {r['simulated']} v DfE {r['DfE England']} (tolerance {r['tolerance']})"


def test_every_calibration_target_within_tolerance(national):
    bad = national[~national["ok"]]
    assert bad.empty, bad.to_string()
