"""Children looked after at the reference date, starts, ceases and the rate per 10,000.

DfE's counts exclude children looked after under an agreed series of short-term
placements (V3/V4). A child is counted once however many times they started (or
ceased) in the window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import CareData, window_start
from .stability import in_care_at

#: reasons a period of care ended (REC), grouped as DfE reports them
CEASED_GROUPS = {
    "ceased_adopted": ("E11", "E12"),
    "ceased_sgo": ("E43", "E44", "E45", "E46", "E47", "E48"),   # E43/E44 before 2019
    "ceased_cao": ("E41",),                                    # residence / child arrangements
    "ceased_returned_home": ("E4A",),                          # as part of the care plan
}


def cla_count(cd: CareData, refs) -> pd.DataFrame:
    """Children looked after at the end of the reference date."""
    c = in_care_at(cd, refs)
    return pd.DataFrame({"ref": c["ref"], "cid": c["cid"], "num": 1, "den": 1})


def starts(cd: CareData, refs) -> pd.DataFrame:
    """Children who started a period of care in the 12 months to the reference date."""
    e = cd.episodes
    ok = e["new_period"].to_numpy() & ~e["short_break"].to_numpy()
    s, c = e["start"].to_numpy(), e["cid"].to_numpy()
    rows = []
    for r, ws in zip(refs, window_start(refs, 12)):
        who = np.unique(c[ok & (s >= ws) & (s <= r)])
        rows.append(pd.DataFrame({"ref": r, "cid": who, "num": 1, "den": 1}))
    return pd.concat(rows, ignore_index=True)


def _period_ends(cd: CareData) -> pd.DataFrame:
    """The last episode of each ended period of care: cid, end, REC (computed once)."""
    return cd.cached("period_ends", lambda: _build_period_ends(cd))


def _build_period_ends(cd: CareData) -> pd.DataFrame:
    e = cd.episodes[~cd.episodes["short_break"]]
    last = e.drop_duplicates("period", keep="last")
    last = last[(last["end"] < 10 ** 6) & last["REC"].notna() & (last["REC"] != "X1")]
    return last[["cid", "end", "REC"]]


def ceased(cd: CareData, refs) -> pd.DataFrame:
    """Children whose period of care ended in the 12 months to the reference date
    (the episode ceased with a reason other than X1, 'a new episode follows')."""
    pe = _period_ends(cd)
    rows = []
    for r, ws in zip(refs, window_start(refs, 12)):
        who = np.unique(pe["cid"].to_numpy()[(pe["end"].to_numpy() >= ws) & (pe["end"].to_numpy() <= r)])
        rows.append(pd.DataFrame({"ref": r, "cid": who, "num": 1, "den": 1}))
    return pd.concat(rows, ignore_index=True)


def ceased_reason(codes):
    """A measure: of children who ceased in the window, the share whose (last) period
    ended for one of these reasons."""
    def f(cd: CareData, refs) -> pd.DataFrame:
        pe = _period_ends(cd)
        end, cid = pe["end"].to_numpy(), pe["cid"].to_numpy()
        hit_reason = pe["REC"].isin(codes).to_numpy()
        rows = []
        for r, ws in zip(refs, window_start(refs, 12)):
            idx = np.flatnonzero((end >= ws) & (end <= r))
            # the last ceasing of each child in the window (rows are in child, date order)
            idx = idx[np.r_[cid[idx][1:] != cid[idx][:-1], True]] if len(idx) else idx
            rows.append(pd.DataFrame({"ref": r, "cid": cid[idx], "num": hit_reason[idx], "den": 1}))
        return pd.concat(rows, ignore_index=True)
    f.__doc__ = f"Children ceasing in the window whose care ended with REC in {list(codes)}."
    return f
