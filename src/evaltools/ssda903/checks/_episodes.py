"""Shared helper: episodes sorted within child, with the previous episode alongside."""

from __future__ import annotations

import pandas as pd


def with_previous(ep: pd.DataFrame) -> pd.DataFrame:
    """Episodes sorted by child and start date, with PREV_DEC, PREV_DECOM, PREV_REC and
    PREV_ROW from the child's previous episode (NaT/NA for a child's first)."""
    e = ep.sort_values(["CHILD", "DECOM", "_ROW"], kind="stable")
    same = e["CHILD"].eq(e["CHILD"].shift())
    for c in ("DEC", "DECOM", "REC", "_ROW"):
        e[f"PREV_{c.lstrip('_')}"] = e[c].shift().where(same)
    e["HAS_PREV"] = same
    return e
