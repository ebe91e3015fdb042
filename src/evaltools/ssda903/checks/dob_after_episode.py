"""The child's first episode starts before they were born."""

from __future__ import annotations

from . import flags

CODE = "DOB_AFTER_DECOM"
SEVERITY = "error"
TITLE = "Episode starts before the date of birth"
MEANING = ("Either the date of birth or the start date is wrong, so ages (and every "
           "age-based cohort) are unreliable for this child; the episode is left out.")
DFE_RULES = ["302"]


def run(ctx):
    ep, hd = ctx.table("Episodes"), ctx.table("Header")
    if ep is None or ep.empty or hd is None or hd.empty:
        return None
    e = ep.assign(_DOB=ctx.header_dob(ep["CHILD"]))
    hit = e[e["_DOB"].notna() & e["DECOM"].notna() & (e["DECOM"] < e["_DOB"])]
    return flags("Episodes", hit, "DECOM", "Episode starts before the child's date of birth")
