"""The same child has different dates of birth in different tables."""

from __future__ import annotations

import pandas as pd

from . import flags

CODE = "DOB_DISAGREES"
SEVERITY = "warning"
TITLE = "Date of birth differs from Header"
MEANING = ("Ages are taken from Header; a different date of birth in another table "
           "suggests a recording error that may move the child between age cohorts.")
DFE_RULES = []


def run(ctx):
    hd = ctx.table("Header")
    if hd is None or hd.empty:
        return None
    out = []
    for name, df in ctx.tables.items():
        if name == "Header" or df is None or df.empty or "DOB" not in df:
            continue
        h = ctx.header_dob(df["CHILD"])
        hit = df[h.notna() & df["DOB"].notna() & (h != df["DOB"])]
        out.append(flags(name, hit, "DOB", f"DOB in {name} differs from the Header date of birth"))
    return pd.concat(out, ignore_index=True) if out else None
