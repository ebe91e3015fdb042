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


KEYS = {"Header": ["CHILD"], "Episodes": ["CHILD", "DECOM"], "OC2": ["CHILD"], "OC3": ["CHILD"],
        "UASC": ["CHILD"], "Reviews": ["CHILD", "REVIEW"], "Missing": ["CHILD", "MIS_START"],
        "AD1": ["CHILD"], "PlacedAdoption": ["CHILD", "DATE_PLACED"], "PrevPerm": ["CHILD"],
        "SWEpisodes": ["CHILD", "SW_DECOM"]}
#: Tables where a second row for the same key is itself an error (one row per child or episode)
UNIQUE_KEY = {"Header", "Episodes", "OC2", "OC3", "UASC"}


def run(ctx):
    out = []
    for name, df in ctx.tables.items():
        if df is None or df.empty:
            continue
        cols = [c for c in df.columns if not c.startswith("_")]
        key = [k for k in KEYS.get(name, ["CHILD"]) if k in df.columns]
        unreadable = ctx.unreadable.get(name)
        if unreadable:       # a value that could not be read is typed blank: two rows
            df = df[~df["_ROW"].isin(list(unreadable))]   # with different ones would match
        # exact repeats can only be among rows whose key repeats: check those alone
        same_key = df[df.duplicated(key, keep=False)]
        exact = same_key.duplicated(cols, keep="first")
        out.append(flags(name, same_key[exact], "", f"Exact repeat of an earlier row in {name}"))
        if name in UNIQUE_KEY:
            second = same_key.duplicated(key, keep="first") & ~exact
            what = "start date" if name == "Episodes" else "child"
            out.append(flags(name, same_key[second], "",
                             f"Second {name} row for the same {what}, with different values"))
    return pd.concat(out, ignore_index=True) if out else None
