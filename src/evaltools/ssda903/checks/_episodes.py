"""Shared helper: episodes sorted within child, with the previous episode alongside."""

from __future__ import annotations

import numpy as np
import pandas as pd


def with_previous(ep: pd.DataFrame) -> pd.DataFrame:
    """Episodes sorted by child and start date, with PREV_DEC, PREV_DECOM, PREV_REC and
    PREV_ROW from the child's previous episode (NaT/NA for a child's first)."""
    # sort on integer keys (child codes in id order, start dates with NaT last): the
    # same order as sorting the strings, several times faster at national scale
    child, _ = pd.factorize(ep["CHILD"], sort=True)
    start = ep["DECOM"].to_numpy().astype("datetime64[us]").view("int64")
    start = np.where(ep["DECOM"].isna().to_numpy(), np.iinfo(np.int64).max, start)
    order = np.lexsort((ep["_ROW"].to_numpy(), start, child))
    e = ep.iloc[order]
    child = child[order]
    same = pd.Series(np.r_[False, (child[1:] == child[:-1]) & (child[1:] >= 0)], index=e.index)
    for c in ("DEC", "DECOM", "REC", "_ROW"):
        e[f"PREV_{c.lstrip('_')}"] = e[c].shift().where(same)
    e["HAS_PREV"] = same
    return e
