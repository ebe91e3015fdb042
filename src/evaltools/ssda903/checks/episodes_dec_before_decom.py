"""An episode ends before it starts."""

from __future__ import annotations

from . import flags

CODE = "EPI_DEC_BEFORE_DECOM"
SEVERITY = "error"
TITLE = "Episode ends before it starts"
MEANING = "The episode has negative length; it is left out of episode-based measures."
DFE_RULES = ["356"]


def run(ctx):
    ep = ctx.table("Episodes")
    if ep is None or ep.empty:
        return None
    hit = ep[ep["DEC"].notna() & ep["DECOM"].notna() & (ep["DEC"] < ep["DECOM"])]
    return flags("Episodes", hit, "DEC", "DEC (date episode ceased) is before DECOM (date episode started)")
