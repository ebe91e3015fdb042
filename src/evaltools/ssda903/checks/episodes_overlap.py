"""An episode starts before the child's previous episode ended."""

from __future__ import annotations

from . import flags

CODE = "EPI_OVERLAP"
SEVERITY = "error"
TITLE = "Episode starts before the previous episode ended"
MEANING = ("The child would be counted in two placements at once, inflating days in care "
           "and placement counts. The later episode is left out of episode-based measures.")
DFE_RULES = ["501"]


def run(ctx):
    ep = ctx.table("Episodes")
    if ep is None or ep.empty:
        return None
    e = ctx.episodes_with_previous()
    bad = e["HAS_PREV"] & e["PREV_DEC"].notna() & e["DECOM"].notna() & (e["DECOM"] < e["PREV_DEC"])
    hit = e[bad]
    return flags("Episodes", hit, "DECOM",
                 [f"Episode starting {d:%d/%m/%Y} overlaps the previous episode, which ended "
                  f"{p:%d/%m/%Y}" for d, p in zip(hit["DECOM"], hit["PREV_DEC"])])
