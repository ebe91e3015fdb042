"""Tiny typed tables for check tests: rows as dicts, dates as dd/mm/yyyy strings."""

from __future__ import annotations

import pandas as pd

from evaltools.ssda903.checks import CheckContext
from evaltools.ssda903.schema import schema_for

DATE_COLS = {"DECOM", "DEC", "DOB", "MIS_START", "MIS_END", "MC_DOB"}


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in df.columns:
        if c in DATE_COLS:
            df[c] = pd.to_datetime(df[c], format="%d/%m/%Y")
    df.insert(0, "_ROW", range(2, len(df) + 2))
    return df


def ctx(year=2024, **tables) -> CheckContext:
    return CheckContext(year, {k: frame(v) for k, v in tables.items()}, schema_for(year))


def rows_flagged(result) -> list[int]:
    return [] if result is None or result.empty else sorted(result["row"].tolist())


def ep(child, decom, dec=None, rne="P", rec=None):
    return {"CHILD": child, "DECOM": decom, "DEC": dec, "RNE": rne,
            "REC": rec if rec is not None else ("X1" if dec else None)}


def inc(child, start, end=None):
    """A Missing row: the child's incident from ``start`` to ``end`` (None: open)."""
    return {"CHILD": child, "MIS_START": start, "MIS_END": end}
