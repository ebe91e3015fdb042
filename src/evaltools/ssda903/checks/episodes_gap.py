"""A continuation episode does not start on the day the previous one ended."""

from __future__ import annotations

from . import flags

CODE = "EPI_GAP"
SEVERITY = "warning"
TITLE = "Gap within a period of care"
MEANING = ("The reason for the new episode (RNE) says care continued, but there is a gap "
           "after the previous episode. Days in care and the 2.5-year continuity test for "
           "long-term stability may be understated for this child.")
DFE_RULES = ["433"]


def run(ctx):
    ep = ctx.table("Episodes")
    if ep is None or ep.empty:
        return None
    e = ctx.episodes_with_previous()
    cont = e["RNE"].isin(["L", "P", "T", "B", "U"])
    bad = e["HAS_PREV"] & cont & e["PREV_DEC"].notna() & e["DECOM"].notna() & (e["DECOM"] > e["PREV_DEC"])
    hit = e[bad]
    return flags("Episodes", hit, "DECOM",
                 [f"Continuation episode (RNE {r}) starts {(d - p).days} day(s) after the previous "
                  "episode ended" for r, d, p in zip(hit["RNE"], hit["DECOM"], hit["PREV_DEC"])])
