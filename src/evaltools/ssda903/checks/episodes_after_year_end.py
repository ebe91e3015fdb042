"""An episode starts or ends after the end of the collection year."""

from __future__ import annotations

import pandas as pd

from . import flags

CODE = "EPI_AFTER_YEAR_END"
SEVERITY = "error"
TITLE = "Episode dated after the collection year"
MEANING = ("A date after 31 March cannot belong to this return; it is probably a typing "
           "error. The row is left out of episode-based measures.")
DFE_RULES = ["354", "385"]


def run(ctx):
    ep = ctx.table("Episodes")
    if ep is None or ep.empty:
        return None
    end = ctx.year_end
    a = ep[ep["DECOM"] > end]
    b = ep[ep["DEC"] > end]
    return pd.concat([
        flags("Episodes", a, "DECOM", f"DECOM is after the end of the {ctx.year} collection year (31/03/{ctx.year})"),
        flags("Episodes", b, "DEC", f"DEC is after the end of the {ctx.year} collection year (31/03/{ctx.year})"),
    ], ignore_index=True)
