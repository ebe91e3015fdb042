"""A missing or away incident with no end date, though the placement the child went
missing from has ended, or the child has left care (DfE rules 575 and 577)."""

from __future__ import annotations

import pandas as pd

from . import flags

CODE = "MISSING_OPEN_PLACEMENT_ENDED"
SEVERITY = "warning"
TITLE = "Missing incident left open after its placement ended"
MEANING = ("The incident has no end date (MIS_END), though the placement the child went missing from "
           "ended in the year, or the child left care: its end has not been recorded. The measures "
           "count an incident only while its child is looked after, but they read this one as lasting "
           "to 31 March (or, in the latest return, to the end of the extract), so a child still in care "
           "counts as missing in every month until then and may count as missing at 31 March. DfE "
           "rejects the return (rules 575 and 577): record the end date in the case record.")
DFE_RULES = ["575", "577"]


def run(ctx):
    mis, ep = ctx.table("Missing"), ctx.table("Episodes")
    if mis is None or mis.empty or ep is None or ep.empty:
        return None
    open_ = mis[mis["MIS_START"].notna() & mis["MIS_END"].isna()]
    if open_.empty:
        return None
    e = ep.loc[ep["DECOM"].notna(), ["CHILD", "DECOM", "DEC", "REC"]]
    both = open_[["_ROW", "CHILD", "MIS_START"]].merge(e, on="CHILD")
    # the episode the child went missing from: the latest to start on or before the
    # incident and not to end before it (a placement that changed that day: the new one)
    within = (both["DECOM"] <= both["MIS_START"]) & (both["DEC"].isna() | (both["MIS_START"] <= both["DEC"]))
    placed = both[within].sort_values(["_ROW", "DECOM"], kind="stable").drop_duplicates("_ROW", keep="last")
    ended = placed[placed["DEC"].notna()]
    if ended.empty:
        return None
    # the period of care ends at the first episode from the incident on whose reason is
    # not "X1" (a change of placement or legal status within care)
    left = both[(both["DEC"] >= both["MIS_START"]) & both["DEC"].notna() & both["REC"].notna()
                & both["REC"].astype(str).ne("X1")]
    left = left.sort_values(["_ROW", "DEC"], kind="stable").drop_duplicates("_ROW")
    ceased = pd.Series(left["DEC"].to_numpy(), index=left["_ROW"].to_numpy())
    hit = open_[open_["_ROW"].isin(ended["_ROW"])].sort_values("_ROW")
    placement_end = pd.Series(ended["DEC"].to_numpy(), index=ended["_ROW"].to_numpy())
    msgs = []
    for row, start in zip(hit["_ROW"], hit["MIS_START"]):
        what = (f"the child ceased to be looked after on {ceased[row]:%d/%m/%Y}" if row in ceased.index
                else f"the placement the child went missing from ended on {placement_end[row]:%d/%m/%Y}")
        msgs.append(f"Missing incident from {start:%d/%m/%Y} has no end date (MIS_END), but {what}")
    return flags("Missing", hit, "MIS_END", msgs)
