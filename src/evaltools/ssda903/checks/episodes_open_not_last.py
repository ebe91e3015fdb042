"""A new episode starts while the previous one is still open."""

from __future__ import annotations

from . import flags

CODE = "EPI_PREVIOUS_OPEN"
SEVERITY = "error"
TITLE = "New episode while the previous one is still open"
MEANING = ("The previous episode has no end date, so the child appears to be in two "
           "placements at once. The later episode is left out of episode-based measures.")
DFE_RULES = ["142"]


def run(ctx):
    ep = ctx.table("Episodes")
    if ep is None or ep.empty:
        return None
    e = ctx.episodes_with_previous()
    hit = e[e["HAS_PREV"] & e["PREV_DEC"].isna()]
    return flags("Episodes", hit, "DECOM", "A new episode starts but the previous episode has no end date (DEC)")
