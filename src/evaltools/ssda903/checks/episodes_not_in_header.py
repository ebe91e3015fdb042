"""Every child with episodes needs a Header row."""

from __future__ import annotations

from . import flags

CODE = "EPI_NO_HEADER"
SEVERITY = "error"
TITLE = "Child in Episodes is missing from Header"
MEANING = ("Without a Header row there is no date of birth or sex, so age-based cohorts "
           "(under 16, care leavers, OC2) cannot be formed. The child's episodes are left "
           "out of measures.")
DFE_RULES = []


def run(ctx):
    ep, hd = ctx.table("Episodes"), ctx.table("Header")
    if ep is None or ep.empty or hd is None:
        return None
    hit = ep[~ep["CHILD"].isin(set(hd["CHILD"].dropna()))]
    return flags("Episodes", hit, "", "Child has episodes but no row in the Header table")
