"""A missing or away episode ends before it starts."""

from __future__ import annotations

from . import ends_before_start

CODE = "MISSING_END_BEFORE_START"
SEVERITY = "error"
TITLE = "Missing episode ends before it starts"
MEANING = "The missing episode has negative length; it is left out of the missing measures."
DFE_RULES = ["567"]


def run(ctx):
    return ends_before_start(ctx, "Missing", "MIS_START", "MIS_END", "MIS_END is before MIS_START")
