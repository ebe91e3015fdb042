"""The messy variant: realistic data-quality faults, each one a check must catch.

``inject`` damages one year's tables (strings, DfE layout) and returns what it did, so
tests can say which check catches which fault (``faults.json`` beside the data):

=====================  ==========================================  ======================
fault                  what                                        caught by
=====================  ==========================================  ======================
overlap                a continuation episode starts 10 days       EPI_OVERLAP
                       before the previous one ended
bad_code               PLACE "Q9"                                  CODE_INVALID
dec_before_decom       DEC a month before DECOM                    EPI_DEC_BEFORE_DECOM
missing_header         a child's Header row removed                EPI_NO_HEADER
duplicate_row          an Episodes row repeated                    DUPLICATE
decimal_numbers        SDQ_SCORE written "12.0"                    fixed in memory
lower_case_codes       LS written in lower case                    fixed in memory
cp1252                 Episodes saved as Windows-1252 with an       fixed in memory
                       en dash in a URN
=====================  ==========================================  ======================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHARE = 0.01     # share of rows damaged by each row-level fault


def _some(rng, idx: np.ndarray, share=SHARE, at_least=1) -> np.ndarray:
    if len(idx) == 0:
        return idx
    k = max(at_least, int(round(share * len(idx))))
    return np.sort(rng.choice(idx, min(k, len(idx)), replace=False))


def _shift(date_str: pd.Series, days: int) -> pd.Series:
    d = pd.to_datetime(date_str, format="%d/%m/%Y") + pd.Timedelta(days=days)
    return d.dt.strftime("%d/%m/%Y")


def inject(tables: dict, year: int, rng) -> tuple[dict, list[dict]]:
    t = {k: v.copy() for k, v in tables.items()}
    faults = []
    ep = t["Episodes"]

    def note(fault, table, n, caught_by):
        faults.append({"year": year, "fault": fault, "table": table, "rows": int(n), "caught_by": caught_by})

    # overlap: a continuation episode whose previous episode ended in the same file
    prev_child = ep["CHILD"].shift()
    cont = np.flatnonzero((ep["CHILD"] == prev_child) & ep["RNE"].isin(["P", "L", "B", "T", "U"])
                          & (ep["DEC"].shift() != "").fillna(False))
    rows = _some(rng, cont)
    ep.loc[ep.index[rows], "DECOM"] = _shift(ep["DEC"].shift().iloc[rows], -10).to_numpy()
    note("overlap", "Episodes", len(rows), "EPI_OVERLAP")
    used = set(rows)
    # invalid placement code
    rows = _some(rng, np.setdiff1d(np.arange(len(ep)), list(used)))
    ep.loc[ep.index[rows], "PLACE"] = "Q9"
    note("bad_code", "Episodes", len(rows), "CODE_INVALID")
    used |= set(rows)
    # end date before start date on closed episodes
    closed = np.setdiff1d(np.flatnonzero(ep["DEC"] != ""), list(used))
    rows = _some(rng, closed, share=0.002)
    ep.loc[ep.index[rows], "DEC"] = _shift(ep["DECOM"].iloc[rows], -30).to_numpy()
    note("dec_before_decom", "Episodes", len(rows), "EPI_DEC_BEFORE_DECOM")
    # a repeated row
    dup = ep.iloc[[int(rng.integers(0, len(ep)))]]
    ep = pd.concat([ep, dup], ignore_index=True)
    note("duplicate_row", "Episodes", 1, "DUPLICATE")
    # lower-case codes and an en dash (Windows-1252) in a URN
    lc = _some(rng, np.arange(len(ep)), share=0.02)
    ep.loc[lc, "LS"] = ep.loc[lc, "LS"].str.lower()
    note("lower_case_codes", "Episodes", len(lc), "fixed in memory")
    urn = np.flatnonzero(ep["URN"] != "")
    if len(urn):
        ep.loc[urn[0], "URN"] = ep.loc[urn[0], "URN"][:4] + "\u2013" + ep.loc[urn[0], "URN"][4:]
    note("cp1252", "Episodes", 1, "fixed in memory")
    t["Episodes"] = ep
    # a child's Header row removed (a child with episodes)
    hd = t["Header"]
    with_eps = np.flatnonzero(hd["CHILD"].isin(set(ep["CHILD"])))
    rows = _some(rng, with_eps, share=0.005)
    t["Header"] = hd.drop(hd.index[rows]).reset_index(drop=True)
    n_ep = int(ep["CHILD"].isin(set(hd["CHILD"].iloc[rows])).sum())
    note("missing_header", "Header", len(rows), f"EPI_NO_HEADER ({n_ep} episode rows)")
    # whole numbers written with a decimal point
    oc2 = t["OC2"]
    has = oc2["SDQ_SCORE"] != ""
    oc2.loc[has, "SDQ_SCORE"] = oc2.loc[has, "SDQ_SCORE"] + ".0"
    note("decimal_numbers", "OC2", int(has.sum()), "fixed in memory")
    return t, faults
