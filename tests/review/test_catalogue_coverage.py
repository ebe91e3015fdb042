"""Every catalogue commitment is in its strategy's review: measures with published or
child-level data are evaluated, local ones say no local data was supplied."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools import review, ssda903, strategies
from evaltools.paths import REPO_ROOT

CATALOGUE = pd.read_csv(REPO_ROOT / "data" / "strategies" / "source" / "measures_catalogue.csv")


@pytest.fixture(scope="module")
def reviews():
    ex = ssda903.read_extract(REPO_ROOT / "data" / "sample", salt="test-salt-1234567890abcdef")
    return {sid: review.evaluate(sid, extract=ex).table.set_index("id") for sid in strategies.available()}


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
