"""OC2 outcomes for children looked after continuously for 12 months at 31 March.

The cohort is taken from the episode history, not from which children the council
happened to return OC2 rows for: looked after at 31 March (not a short break), in a
period of care that started on or before 1 April of the year before (a period
starting that day counts, as DfE's does). A child in the cohort with no OC2 row, or a
blank field, counts as not having had the check (DfE's denominator is the cohort).
Ages are at 31 March: development assessments for ages 0-4, SDQ for 5-16 (DfE
publishes 5-16 because the assessment date is not collected), convictions 10-17.
Annual only: OC2 is collected once a year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import CareData, add_months
from .engine import age_at, period_of


def _oc2(cd: CareData, refs) -> pd.DataFrame:
    """The OC2 cohort at each 31 March with its OC2 row (empty fields if none)."""
    from .stability import in_care_at
    refs = np.asarray(refs, dtype=np.int64)
    c = in_care_at(cd, refs)
    start = cd.episodes["period_start"].to_numpy()[c["row"].to_numpy()]
    c = c[start <= add_months(c["ref"].to_numpy(), -12) + 1].copy()
    c["YEAR"] = period_of(c["ref"].to_numpy())
    c["age"] = age_at(cd, c["cid"].to_numpy(), c["ref"].to_numpy())
    oc2 = cd.tables.get("OC2")
    cols = ["SDQ_SCORE", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"]
    if oc2 is None or oc2.empty:
        for col in cols:
            c[col] = np.nan
        return c
    o = oc2.drop_duplicates(["YEAR", "cid"], keep="last")[["YEAR", "cid"] + [x for x in cols if x in oc2]]
    return c.merge(o, on=["YEAR", "cid"], how="left")


def flag(column: str, min_age: int = 0, max_age: int = 99):
    """Share of the OC2 cohort (within the ages) with ``column`` recorded as 1."""
    def f(cd: CareData, refs) -> pd.DataFrame:
        o = _oc2(cd, refs)
        o = o[(o["age"] >= min_age) & (o["age"] <= max_age)]
        return pd.DataFrame({"ref": o["ref"], "cid": o["cid"],
                             "num": (o[column].astype(object) == "1").to_numpy(), "den": 1})
    f.__doc__ = f"OC2 cohort aged {min_age}-{max_age}: {column} = 1."
    return f


def sdq_received(cd: CareData, refs) -> pd.DataFrame:
    """Children aged 5-16 in the OC2 cohort with an SDQ score recorded."""
    o = _oc2(cd, refs)
    o = o[(o["age"] >= 5) & (o["age"] <= 16)]
    return pd.DataFrame({"ref": o["ref"], "cid": o["cid"], "num": o["SDQ_SCORE"].notna().to_numpy(), "den": 1})


def sdq_average(cd: CareData, refs) -> pd.DataFrame:
    """Average SDQ score of children aged 5-16 in the OC2 cohort with a score."""
    o = _oc2(cd, refs)
    o = o[(o["age"] >= 5) & (o["age"] <= 16) & o["SDQ_SCORE"].notna()]
    return pd.DataFrame({"ref": o["ref"], "cid": o["cid"],
                         "num": o["SDQ_SCORE"].astype(float).to_numpy(), "den": 1})


def sdq_concern(cd: CareData, refs) -> pd.DataFrame:
    """Of children with an SDQ score, those scoring 17 or more ('a cause for concern')."""
    o = _oc2(cd, refs)
    o = o[(o["age"] >= 5) & (o["age"] <= 16) & o["SDQ_SCORE"].notna()]
    return pd.DataFrame({"ref": o["ref"], "cid": o["cid"],
                         "num": (o["SDQ_SCORE"].astype(float) >= 17).to_numpy(), "den": 1})
