"""The end date and the reason an episode ended must be both present or both blank."""

from __future__ import annotations

from . import flags

CODE = "EPI_DEC_REC"
SEVERITY = "error"
TITLE = "End date and reason ceased disagree"
MEANING = ("An episode with an end date but no reason (or a reason but no end date) cannot "
           "be classed as a move or an exit: it is left out of measures that use REC.")
DFE_RULES = ["148"]


def run(ctx):
    ep = ctx.table("Episodes")
    if ep is None or ep.empty:
        return None
    hit = ep[ep["DEC"].notna() != ep["REC"].notna()]
    return flags("Episodes", hit, "REC",
                 ["DEC is completed but REC is blank" if d else "REC is completed but DEC is blank"
                  for d in hit["DEC"].notna()])
