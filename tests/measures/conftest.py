"""Small hand-worked episode histories for the measures tests.

``care(...)`` builds a :class:`CareData` from rows written the way a 903 extract reads:
dates dd/mm/yyyy, codes as DfE writes them. Every child gets a Header row; give ``dob``
per child where age matters (default 01/06/2010: aged 13 at 31 March 2024).
"""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools.measures import CareData, compute

EP_COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "PLACE_PROVIDER",
           "REASON_PLACE_CHANGE", "PL_DISTANCE"]


def _d(s):
    return pd.to_datetime(pd.Series(s, dtype=object), format="%d/%m/%Y", errors="coerce")


def care(episodes, dob=None, sex=None, years=(2022, 2023, 2024, 2025), area=None, **tables):
    """episodes: tuples (CHILD, DECOM, RNE, LS, PLACE, DEC, REC[, PROVIDER, REASON, DIST])."""
    rows = [list(e) + [None] * (len(EP_COLS) - len(e)) for e in episodes]
    ep = pd.DataFrame(rows, columns=EP_COLS)
    ep["DECOM"], ep["DEC"] = _d(ep["DECOM"]), _d(ep["DEC"])
    ep["YEAR"] = max(years)
    children = sorted(set(ep["CHILD"]) | set((dob or {}).keys())
                      | {c for t in tables.values() for c in t["CHILD"]})
    header = pd.DataFrame({"CHILD": children,
                           "DOB": _d([(dob or {}).get(c, "01/06/2010") for c in children]),
                           "SEX": [(sex or {}).get(c, "1") for c in children], "YEAR": max(years)})
    for name, t in tables.items():
        t = t.copy()
        for c in t.columns:
            if c in ("DOB", "MIS_START", "MIS_END", "DATE_INT", "DATE_MATCH", "DUC", "DATE_PLACED"):
                t[c] = _d(t[c])
        tables[name] = t
    return CareData.from_tables(ep, header, tables, years=list(years), area=area)


def value(cd, measure, period=2024, group="All children", **kw):
    """(numerator, denominator, value, status) of one measure for one year."""
    df = compute(cd, [measure], **kw)
    row = df[(df["period"] == period) & (df["group"] == group)]
    if "frequency" not in kw or kw["frequency"] == "annual":
        row = row[row["period_end"].dt.month == 3]
    assert len(row) == 1, df
    r = row.iloc[0]
    return r["numerator"], r["denominator"], r["value"], r["status"]


@pytest.fixture
def build():
    return care
