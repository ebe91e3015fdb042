"""Difference-in-differences against Card & Krueger (1994), AER 84(4) Tables 3 and 4
(REFERENCES.md section 2), through ``evaltools.stats.did``, with the analysis sample
made explicit as the paper's rows do."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools.stats import did

from ._expected import DATA, expected

CK = pd.read_csv(DATA / "did" / "card-krueger.csv")
ARGS = dict(unit="id", time="d", outcome="fte", inference="cluster")


def _means(frame):
    return frame.groupby(["nj", "d"])["fte"].agg(["mean", "sem"])


def test_table3_rows_1_and_2_means_and_ses():
    means = did(CK, "nj", 1, fixed_effects="group", sample="all", **ARGS).series.set_index("time")
    for case, quantity, d in (("card_krueger_t3_row1", "FTE before PA / NJ", 0),
                              ("card_krueger_t3_row2", "FTE after PA / NJ", 1)):
        (pa, nj), tol = expected("did", case, quantity)
        assert abs(means.loc[d, "comparison"] - pa) <= tol
        assert abs(means.loc[d, "treated"] - nj) <= tol
    m = _means(CK)
    # published standard errors of the group means: 1.35 / 0.51 before, 0.94 / 0.52 after.
    # A check of the data file (did reports the effect's error, not each mean's), so a
    # copy that lost or duplicated stores fails here, not in the DiD tests below
    # (pandas' sem, not evaltools)
    assert [round(m.loc[k, "sem"], 2) for k in [(0, 0), (1, 0), (0, 1), (1, 1)]] == [1.35, 0.51, 0.94, 0.52]


def test_table3_row3_all_available():
    """Pooled 2x2 on every store-wave with FTE: 2.754 (the paper prints 2.76, the
    difference of its rounded -2.16 and 0.59)."""
    res = did(CK, "nj", 1, fixed_effects="group", sample="all", **ARGS)
    (want,), tol = expected("did", "card_krueger_t3_row3", "DiD of means (all available)")
    assert abs(res.estimate - want) <= tol
    (want_ols,), tol_ols = expected("did", "card_krueger_2x2_ols", "d_nj in fte ~ nj + d + d_nj (OLS)")
    assert abs(res.estimate - want_ols) <= tol_ols
    # SE clustered by store 1.307 (REFERENCES.md); 410 stores in the sample
    assert res.diagnostics["se"] == pytest.approx(1.307, abs=5e-4)
    assert res.diagnostics["n_treated"] + res.diagnostics["n_comparators"] == 410


def test_table3_row4_balanced_sample():
    res = did(CK, "nj", 1, sample="balanced", **ARGS)
    (want,), tol = expected("did", "card_krueger_t3_row4", "DiD balanced sample (n=309 NJ/75 PA)")
    assert abs(res.estimate - want) <= tol
    assert (res.diagnostics["n_treated"], res.diagnostics["n_comparators"]) == (309, 75)
    # published SE 1.34; two-way fixed effects clustered by store give 1.337
    assert res.diagnostics["se"] == pytest.approx(1.34, abs=0.005)
    dropped = res.sample[~res.sample["used"]]
    assert len(dropped) == 26 and set(dropped["reason"]) == {"not observed in every period"}


def test_table3_row5_temporarily_closed_as_zero():
    ck = CK.copy()
    temp = (ck["d"] == 1) & ck["status"].isin([2, 4, 5])
    ck.loc[temp, "fte"] = 0.0
    res = did(ck, "nj", 1, sample="balanced", **ARGS)
    (want,), tol = expected("did", "card_krueger_t3_row5", "DiD temp-closed set to 0")
    assert abs(res.estimate - want) <= tol


def _table4_sample():
    """Table 4's 357 stores: employment and starting wage in both waves, with the 6
    permanently closed stores' wave-2 FTE set to 0."""
    ck = CK.copy()
    ck.loc[(ck["d"] == 1) & (ck["status"] == 3), "fte"] = 0.0
    w = ck.pivot(index="id", columns="d", values=["fte", "wage", "status"])
    ok = (w[("fte", 0)].notna() & w[("fte", 1)].notna() & w[("wage", 0)].notna()
          & (w[("wage", 1)].notna() | (w[("status", 1)] == 3)))
    return ck[ck["id"].isin(w.index[ok])].copy()


def test_table4_change_in_employment():
    """Card & Krueger (1994) Table 4 (held back in REFERENCES.md; from the paper): the
    NJ dummy in a regression of the change in FTE is 2.33 (1.19) in column (i) and
    2.30 (1.20) with chain and ownership controls in column (ii), n = 357. Two
    periods with store effects equal the first-difference regression, so the points
    match; our errors are clustered by store, so they are robust rather than the
    paper's homoskedastic 1.19 and 1.20."""
    s = _table4_sample()
    assert s["id"].nunique() == 357
    res = did(s, "nj", 1, **ARGS)
    assert res.estimate == pytest.approx(2.33, abs=0.005)
    for c in ("bk", "kfc", "roys", "co_owned"):
        s[c + "_after"] = s[c] * s["d"]
    res2 = did(s, "nj", 1, controls=["bk_after", "kfc_after", "roys_after", "co_owned_after"], **ARGS)
    assert res2.estimate == pytest.approx(2.30, abs=0.005)
    # the paper's 1.19 and 1.20 are ordinary OLS errors; ours cluster by store, which the
    # two observations of each store call for, and are larger: computed anchors, pinned
    assert res.diagnostics["se"] == pytest.approx(1.4513, abs=0.0005)
    assert res2.diagnostics["se"] == pytest.approx(1.4452, abs=0.0005)
