"""Every catalogue commitment is in its strategy's review: measures with published or
child-level data are evaluated, local ones say no local data was supplied."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools import review, ssda903, strategies, synth
from evaltools.paths import REPO_ROOT

CATALOGUE = pd.read_csv(REPO_ROOT / "data" / "strategies" / "source" / "measures_catalogue.csv")


@pytest.fixture(scope="module")
def reviews(tmp_path_factory):
    """Each strategy reviewed with child-level data of its own council: the bundled
    Herefordshire sample, and for the other councils a small synthetic extract made for
    them (another council's sample is refused, as the runner refuses it)."""
    salt = "test-salt-1234567890abcdef"
    extracts = {"884": ssda903.read_extract(REPO_ROOT / "data" / "sample", salt=salt)}
    out = {}
    for sid in strategies.available():
        la = strategies.load(sid).la
        if la not in extracts:
            folder = tmp_path_factory.mktemp(f"sample_{la}")
            synth.write(synth.generate(synth.SynthConfig(las=[la], seed=7, stock=120, warmup_years=8)), folder)
            extracts[la] = ssda903.read_extract(folder, salt=salt)
        out[sid] = review.evaluate(sid, extract=extracts[la]).table.set_index("id")
    return out


@pytest.mark.parametrize("kind", ["yes_published", "yes_child_level_903", "needs_local_input"])
def test_every_catalogue_measure_has_its_row(reviews, kind):
    rows = CATALOGUE[CATALOGUE["computable_from_available_data"] == kind]
    assert len(rows)
    for _, c in rows.iterrows():
        t = reviews[c["strategy"]]
        assert c["measure_id"] in t.index, f"{c['measure_id']} is missing from the {c['strategy']} review"
        r = t.loc[c["measure_id"]]
        if kind == "needs_local_input":
            assert r["verdict"] == "no data" and "no local data supplied" in r["caveats"], c["measure_id"]
        else:
            assert r["verdict"] != "not evaluated", f"{c['measure_id']}: {r['caveats']}"
            assert r["latest_value"] is not None or r["caveats"], c["measure_id"]
