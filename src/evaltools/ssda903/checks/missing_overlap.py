"""A missing or away incident starts before the child's previous one has ended."""

from __future__ import annotations

import numpy as np

from . import flags

CODE = "MISSING_OVERLAP"
SEVERITY = "warning"
TITLE = "Missing incident starts before the previous one ended"
MEANING = ("A child is missing or away one incident at a time: this incident starts while an "
           "earlier one is still open or before it ended, so the same time may be counted twice "
           "and the incident counts may be one too many for this child (the child is still "
           "counted once). DfE rejects the return (rule 574): correct the dates in the case record.")
DFE_RULES = ["574"]


def run(ctx):
    mis = ctx.table("Missing")
    if mis is None or mis.empty:
        return None
    m = mis[mis["MIS_START"].notna()].sort_values(["CHILD", "MIS_START"], kind="stable")
    if m.empty:
        return None
    # each incident against every earlier one of the same child, not only the row before
    # it: an incident inside a long one comes after a short one that ended in between.
    # An earlier incident with no end date is open: everything after it overlaps.
    end = m["MIS_END"].to_numpy(dtype="datetime64[ns]")
    end = np.where(np.isnat(end), np.datetime64("2262-01-01"), end).astype("datetime64[ns]")
    child = m["CHILD"].to_numpy()
    start = m["MIS_START"].to_numpy(dtype="datetime64[ns]")
    latest = np.empty(len(m), dtype="datetime64[ns]")        # latest end of the earlier incidents
    first_of_child = np.r_[True, child[1:] != child[:-1]]
    bad = np.zeros(len(m), dtype=bool)
    which = np.zeros(len(m), dtype=np.int64)                 # the earlier incident it overlaps
    for i in range(len(m)):
        if first_of_child[i]:
            latest[i], which[i] = end[i], i
            continue
        j = which[i - 1]
        bad[i] = start[i] < latest[i - 1]                    # ending and starting one day: fine
        if end[i] > latest[i - 1]:
            latest[i], which[i] = end[i], i
        else:
            latest[i], which[i] = latest[i - 1], j
    hit = m[bad]
    prev = m.iloc[[which[i - 1] for i in np.flatnonzero(bad)]]
    msgs = [f"Missing incident starting {s:%d/%m/%Y} begins while the child's incident from {ps:%d/%m/%Y} "
            + ("has no end date (MIS_END)" if pe != pe or pe is None else f"had not ended ({pe:%d/%m/%Y})")
            for s, ps, pe in zip(hit["MIS_START"], prev["MIS_START"], prev["MIS_END"])]
    return flags("Missing", hit, "MIS_START", msgs)
