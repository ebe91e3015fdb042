"""A missing or away episode ends before it starts."""

from __future__ import annotations

from . import flags

CODE = "MISSING_END_BEFORE_START"
SEVERITY = "error"
TITLE = "Missing episode ends before it starts"
MEANING = "The missing episode has negative length; it is left out of the missing measures."
DFE_RULES = ["567"]


def run(ctx):
    m = ctx.table("Missing")
    if m is None or m.empty:
        return None
    hit = m[m["MIS_END"].notna() & m["MIS_START"].notna() & (m["MIS_END"] < m["MIS_START"])]
    return flags("Missing", hit, "MIS_END", "MIS_END is before MIS_START")
