"""Missing and away from placement without authorisation (Missing table).

An incident counts in a window if any part of it falls in it: incidents still open at
the window's start are carried over, as DfE's figures include them. The denominator is
every child looked after at any time in the window (not short breaks); incidents per
child divide by the children of that cohort who had one, and children missing at 31
March are those looked after that day.

An incident open at 31 March is in two returns: the year's, with no end date (an end
cannot fall after the year, rule 571), and the next year's again with its end (rule
576). The row with its end is the one kept; an incident is open only if no return
gives its end. One the next return does not repeat is taken as ended on that 31 March
(still missing that day): left open, it counted its child as missing in every later
month (one such incident, 82 months). Only in the last return can an incident be open.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import CareData, OPEN, day, to_days, window_start


def _incidents(cd: CareData, kind: str = "M") -> pd.DataFrame:
    """One row per incident: child, start, end (OPEN if still open) and ``held``, whether
    the end is the 31 March of a return that left it open and the next did not repeat
    (the child was still missing that day)."""
    m = cd.tables.get("Missing")
    if m is None or m.empty:
        return pd.DataFrame(columns=["cid", "start", "end", "held"])
    m = m[m["MISSING"].astype(object) == kind]
    order = [m["MIS_END"].isna().to_numpy()]          # an end date first, then the latest return
    if "YEAR" in m:
        order.insert(0, -m["YEAR"].to_numpy(dtype=float))
    m = m.iloc[np.lexsort(order)].drop_duplicates(["cid", "MIS_START"])
    end = to_days(m["MIS_END"], OPEN)
    held = np.zeros(len(m), dtype=bool)
    if "YEAR" in m and len(m):
        year = m["YEAR"].to_numpy(dtype=np.int64)
        # open in its return, and a later return (one holding Missing rows) does not repeat it
        held = (end == OPEN) & (year < int(cd.tables["Missing"]["YEAR"].max()))
        if held.any():          # one date per year, not one per incident
            year_end = {y: day(f"{y}-03-31") for y in np.unique(year[held]).tolist()}
            end = end.copy()
            end[held] = [year_end[y] for y in year[held].tolist()]
    return pd.DataFrame({"cid": m["cid"].to_numpy(), "start": to_days(m["MIS_START"]), "end": end,
                         "held": held})


def _looked_after_during(cd: CareData, r, ws) -> np.ndarray:
    """Children looked after (not short breaks) at any time from ``ws`` to ``r``."""
    return cd.cached(("during", int(r), int(ws)), lambda: _during(cd, r, ws))


def _during(cd: CareData, r, ws) -> np.ndarray:
    def by_start():                      # non-short-break episodes ordered by start
        e = cd.episodes[~cd.episodes["short_break"]]
        order = np.argsort(e["start"].to_numpy(), kind="stable")
        return tuple(e[c].to_numpy()[order] for c in ("start", "end", "cid"))
    es, ee, ec = cd.cached("by_start", by_start)
    k = np.searchsorted(es, r, side="right")
    return np.flatnonzero(np.bincount(ec[:k][ee[:k] >= ws], minlength=len(cd.children)))


def had_incident(kind: str = "M"):
    """Children looked after at any time in the 12 months to the reference date who
    had at least one incident (M missing, A away without authorisation) in it."""
    def f(cd: CareData, refs) -> pd.DataFrame:
        inc = _incidents(cd, kind)
        rows = []
        for r, ws in zip(refs, window_start(refs, 12)):
            who = _looked_after_during(cd, r, ws)
            s = inc["start"].to_numpy()
            hit = (s <= r) & (inc["end"].to_numpy() >= ws)
            went = np.bincount(inc["cid"].to_numpy()[hit].astype(np.int64),
                               minlength=len(cd.children))[who] > 0
            rows.append(pd.DataFrame({"ref": r, "cid": who, "num": went, "den": 1}))
        return pd.concat(rows, ignore_index=True)
    return f


def incidents_per_child(kind: str = "M"):
    """Incidents in the 12 months to the reference date per child who had one, among
    the children looked after in them (as :func:`had_incident` counts)."""
    def f(cd: CareData, refs) -> pd.DataFrame:
        inc = _incidents(cd, kind)
        rows = []
        for r, ws in zip(refs, window_start(refs, 12)):
            s = inc["start"].to_numpy()
            w = inc[(s <= r) & (inc["end"].to_numpy() >= ws)
                    & np.isin(inc["cid"].to_numpy(), _looked_after_during(cd, r, ws))]
            n = w.groupby("cid").size()
            rows.append(pd.DataFrame({"ref": r, "cid": n.index.to_numpy(), "num": n.to_numpy(), "den": 1}))
        return pd.concat(rows, ignore_index=True)
    return f


def missing_at(cd: CareData, refs) -> pd.DataFrame:
    """Children looked after at the end of the reference date who were missing then
    (an incident open)."""
    from .stability import in_care_at
    inc = _incidents(cd, "M")
    there = in_care_at(cd, refs)
    rows = []
    for r in refs:
        e = inc["end"].to_numpy()
        w = inc[(inc["start"] <= r) & ((e > r) | ((e == r) & inc["held"].to_numpy(dtype=bool)))
                & np.isin(inc["cid"].to_numpy(), there["cid"].to_numpy()[there["ref"].to_numpy() == r])]
        who = np.unique(w["cid"].to_numpy())
        rows.append(pd.DataFrame({"ref": r, "cid": who, "num": 1, "den": 1}))
    return pd.concat(rows, ignore_index=True)
