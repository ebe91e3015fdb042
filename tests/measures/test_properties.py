"""Properties every measure keeps, on random episode histories (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import care
from evaltools import measures

EPISODE_MEASURES = [m for m, s in measures.SPECS.items() if s.monthly and not s.needs_area]
PLACES = ["U1", "U4", "U5", "K2", "A5", "A6", "T1", "P1", "H5", "K3"]


@st.composite
def histories(draw):
    rows, dob = [], {}
    for c in range(draw(st.integers(1, 6))):
        child = f"C{c}"
        dob[child] = pd.Timestamp(2004 + draw(st.integers(0, 15)), draw(st.integers(1, 12)), 1).strftime("%d/%m/%Y")
        day = pd.Timestamp("2020-06-01") + pd.Timedelta(days=draw(st.integers(0, 1200)))
        n = draw(st.integers(1, 6))
        for i in range(n):
            length = draw(st.integers(0, 400))
            end = day + pd.Timedelta(days=length)
            last = i == n - 1
            open_ = last and draw(st.booleans())
            rows.append((child, day.strftime("%d/%m/%Y"),
                         "S" if i == 0 else draw(st.sampled_from("LPTBU")),
                         draw(st.sampled_from(["C2", "V2", "E1", "V3"])),
                         draw(st.sampled_from(PLACES)),
                         None if open_ else end.strftime("%d/%m/%Y"),
                         None if open_ else ("X1" if not last else draw(st.sampled_from(["E11", "E4A", "E45", "E8"]))),
                         draw(st.sampled_from(["PR1", "PR4"])),
                         draw(st.sampled_from([None, "CREQB", "CARPL"])),
                         draw(st.sampled_from([None, 3.0, 25.0]))))
            day = end
    return rows, dob


def _compute(cd, frequency="annual"):
    df = measures.compute(cd, EPISODE_MEASURES, frequency=frequency)
    return df.sort_values(["measure", "period_end", "group"]).reset_index(drop=True)


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(histories())
def test_numerator_never_above_denominator(h):
    rows, dob = h
    df = _compute(care(rows, dob=dob))
    pct = df[df["measure"].map(lambda m: measures.SPECS[m].unit in ("percent", "percent_of_total"))]
    assert (pct["numerator"].fillna(0) <= pct["denominator"].fillna(np.inf) + 1e-9).all()
    assert ((pct["value"].dropna() >= 0) & (pct["value"].dropna() <= 100 + 1e-9)).all()


@SETTINGS
@given(histories(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(h, rnd):
    rows, dob = h
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    a, b = _compute(care(rows, dob=dob)), _compute(care(shuffled, dob=dob))
    pd.testing.assert_frame_equal(a, b)
