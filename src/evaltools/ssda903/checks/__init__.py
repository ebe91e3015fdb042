"""Data-quality checks, one rule per module, in the style of DfE's 903 validator.

Each module defines ``CODE``, ``SEVERITY`` (``error`` or ``warning``), ``TITLE``,
``MEANING`` (what it does to the measures), ``DFE_RULES`` (the DfE validation rules it
mirrors, if any) and ``run(ctx)``, which returns the flagged rows as a frame with
columns table, row, child, column, message. An ``error`` row is left out of the measures
that use the flagged column (``column`` empty means the whole row); a ``warning`` is
reported and counted but the row is used. Tests live in
``tests/ssda903/checks/test_<module>.py``, one per rule.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..schema import Schema

FLAG_COLUMNS = ["table", "row", "child", "column", "message"]


@dataclass
class CheckContext:
    """One collection year's typed tables (child ids already pseudonymised, dates of
    birth still exact) and its schema."""
    year: int
    tables: dict[str, pd.DataFrame]
    schema: Schema
    #: by table, the rows (``_ROW``) holding a value that could not be read (a date that
    #: is not one, an unknown code): typed as blank, they are not what the file says
    unreadable: dict[str, set] = field(default_factory=dict)

    @property
    def year_start(self) -> pd.Timestamp:
        return pd.Timestamp(self.year - 1, 4, 1)

    @property
    def year_end(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, 3, 31)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def header_dob(self, children: pd.Series) -> pd.Series:
        """Each child's Header date of birth (NaT if none), via one cached index."""
        if "_dob" not in self.__dict__:
            hd = self.table("Header")
            if hd is None or hd.empty:
                self.__dict__["_dob"] = (pd.Index([]), np.array([], dtype="datetime64[ns]"))
            else:
                first = hd.drop_duplicates("CHILD")
                self.__dict__["_dob"] = (pd.Index(first["CHILD"]), first["DOB"].to_numpy())
        idx, dob = self.__dict__["_dob"]
        pos = idx.get_indexer(children)
        out = np.where(pos >= 0, dob[np.clip(pos, 0, None)] if len(dob) else np.datetime64("NaT"),
                       np.datetime64("NaT"))
        return pd.Series(out, index=children.index, dtype="datetime64[us]")

    def episodes_with_previous(self) -> pd.DataFrame | None:
        """Episodes sorted within child with the previous episode's dates (computed once)."""
        if "_with_previous" not in self.__dict__:
            from ._episodes import with_previous
            ep = self.table("Episodes")
            self.__dict__["_with_previous"] = None if ep is None or ep.empty else with_previous(ep)
        return self.__dict__["_with_previous"]


def flags(table: str, df: pd.DataFrame, column: str, message) -> pd.DataFrame:
    """Flag rows of ``df`` (which has _ROW and CHILD) with one message or a message per row."""
    if df is None or df.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    n = len(df)
    const = lambda v: pd.Series([v] * n, dtype=object)  # noqa: E731
    return pd.DataFrame({
        "table": const(table), "row": df["_ROW"].to_numpy(),
        "child": pd.Series(df["CHILD"].to_numpy(dtype=object), dtype=object) if "CHILD" in df else const(None),
        "column": const(column),
        "message": const(message) if isinstance(message, str) else pd.Series(list(message), dtype=object),
    })


def ends_before_start(ctx: CheckContext, table: str, start: str, end: str, message: str):
    """Rows of a table whose end date is before their start date (both present)."""
    df = ctx.table(table)
    if df is None or df.empty:
        return None
    hit = df[df[end].notna() & df[start].notna() & (df[end] < df[start])]
    return flags(table, hit, end, message)


def all_checks() -> list:
    """Every check module, in code order."""
    mods = []
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "run") and hasattr(mod, "CODE"):
            mods.append(mod)
    return sorted(mods, key=lambda m: m.CODE)


def run_checks(ctx: CheckContext) -> pd.DataFrame:
    """Run every check on one year; return the issues table rows for it."""
    out = []
    for mod in all_checks():
        f = mod.run(ctx)
        if f is None or f.empty:
            continue
        f = f.copy()
        f["check"] = mod.CODE
        f["severity"] = mod.SEVERITY
        out.append(f)
    if not out:
        return pd.DataFrame(columns=FLAG_COLUMNS + ["check", "severity"])
    return pd.concat(out, ignore_index=True)


def catalogue() -> pd.DataFrame:
    """Code, severity, title, meaning and DfE rules of every check (for docs and notebooks)."""
    return pd.DataFrame([{"check": m.CODE, "severity": m.SEVERITY, "title": m.TITLE,
                          "meaning": m.MEANING, "dfe_rules": ", ".join(m.DFE_RULES)}
                         for m in all_checks()])
