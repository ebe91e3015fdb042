"""Rows repeated exactly, and two episodes for one child starting the same day."""

from __future__ import annotations

import pandas as pd

from . import flags

CODE = "DUPLICATE"
SEVERITY = "error"
TITLE = "Duplicate rows"
MEANING = ("A repeated row would count the same child or episode twice. The repeats (not "
           "the first occurrence) are left out of measures.")
DFE_RULES = []


def run(ctx):
    out = []
    for name, df in ctx.tables.items():
        if df is None or df.empty:
            continue
        cols = [c for c in df.columns if not c.startswith("_")]
        dup = df[df.duplicated(cols, keep="first")]
        out.append(flags(name, dup, "", f"Exact repeat of an earlier row in {name}"))
        key = {"Header": ["CHILD"], "Episodes": ["CHILD", "DECOM"], "OC2": ["CHILD"],
               "OC3": ["CHILD"], "UASC": ["CHILD"]}.get(name)
        if key:
            kd = df[df.duplicated(key, keep="first") & ~df.duplicated(cols, keep="first")]
            what = "start date" if name == "Episodes" else "child"
            out.append(flags(name, kd, "", f"Second {name} row for the same {what}, with different values"))
    return pd.concat(out, ignore_index=True) if out else None
