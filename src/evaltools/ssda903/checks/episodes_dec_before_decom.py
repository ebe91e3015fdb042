"""An episode ends before it starts."""

from __future__ import annotations

from . import ends_before_start

CODE = "EPI_DEC_BEFORE_DECOM"
SEVERITY = "error"
TITLE = "Episode ends before it starts"
MEANING = "The episode has negative length; it is left out of episode-based measures."
DFE_RULES = ["356"]


def run(ctx):
    return ends_before_start(ctx, "Episodes", "DECOM", "DEC", "DEC (date episode ceased) is before DECOM (date episode started)")
