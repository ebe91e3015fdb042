"""Placement stability: 3+ placements (1 and 2 years), long-term stability, moves.

Placements are counted from the episode history under DfE's rules
(:func:`evaltools.measures.data.new_placement`): a change of legal status alone, a
placement for adoption with the current foster carers and a temporary absence are not
new placements; children under an agreed series of short-term placements (legal
status V3/V4) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import CareData, add_months, window_start

ADOPTION_PLACE = ("A3", "A4", "A5", "A6")


def place_in(cd: CareData, codes) -> np.ndarray:
    """Whether each episode's PLACE is one of ``codes`` (computed once per code set:
    string tests on millions of child-date rows are slow, on episodes they are not)."""
    return cd.cached(("place_in", tuple(codes)),
                  lambda: np.isin(cd.episodes["PLACE"].to_numpy(dtype=object), list(codes)))


def placements(cd: CareData) -> pd.DataFrame:
    """One row per placement (a spell with one carer, see
    :func:`~evaltools.measures.data.new_placement`): cid, start, end, first (the first
    of its period of care), PLACE of its first episode and REASON, the reason for the
    change recorded on its last episode (DfE records REASON_PLACE_CHANGE on the episode
    that ends). Short breaks (V3/V4) are not placements; a spell that starts and ends
    on the same day (under 24 hours) is dropped."""
    def build():
        e = cd.episodes[~cd.episodes["short_break"]]
        g = e.groupby("placement", sort=False)
        p = g.agg(cid=("cid", "first"), start=("start", "min"), end=("end", "max"),
                  period=("period", "first"), PLACE=("PLACE", "first"),
                  REASON=("REASON_PLACE_CHANGE", "last"))
        p = p.reset_index().sort_values(["cid", "start"], kind="stable").reset_index(drop=True)
        p["first"] = ~p["period"].duplicated()
        # the reason for the change that started each placement: recorded on the one
        # before it (same child and period)
        prev = np.r_[None, p["REASON"].to_numpy()[:-1]]
        p["REASON_IN"] = np.where(p["first"].to_numpy(), None, prev)
        p = p[p["end"] > p["start"]].reset_index(drop=True)
        return p
    return cd.cached("placements", build)


def in_care_at(cd: CareData, refs: np.ndarray, short_breaks: bool = False) -> pd.DataFrame:
    """(ref, cid, episode row) for every child looked after at the end of each
    reference day: an episode started on or before it and not ceased by it. Children
    whose open episode is a short break are left out unless ``short_breaks``."""
    refs = np.asarray(refs, dtype=np.int64)

    def build():
        e = cd.episodes
        keep = np.ones(len(e), bool) if short_breaks else ~e["short_break"].to_numpy()
        idx_all = np.flatnonzero(keep)
        idx_all = idx_all[np.argsort(e["start"].to_numpy()[idx_all], kind="stable")]
        start, end = e["start"].to_numpy()[idx_all], e["end"].to_numpy()[idx_all]
        cid_all = e["cid"].to_numpy()
        rows, ref_of = [], []
        for r in refs:
            k = np.searchsorted(start, r, side="right")        # started by the date
            idx = np.sort(idx_all[:k][end[:k] > r])            # episode order: child, start
            # a child has one open episode; if a faulty history has two, keep the later
            if len(idx):
                idx = idx[np.r_[cid_all[idx][1:] != cid_all[idx][:-1], True]]
            rows.append(idx)
            ref_of.append(np.full(len(idx), r, dtype=np.int64))
        row = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        return pd.DataFrame({"ref": np.concatenate(ref_of) if ref_of else row, "cid": cid_all[row], "row": row})
    return cd.cached(("in_care_at", refs.tobytes(), short_breaks), build)


def _placement_counts(cd: CareData, refs, months: int) -> pd.DataFrame:
    """Children looked after at each reference date and how many placements they had in
    the ``months`` to it (a placement counts if any part of it falls in the window)."""
    p = placements(cd)
    cohort = in_care_at(cd, refs)
    order = np.argsort(p["start"].to_numpy(), kind="stable")   # by start: a prefix per window
    ps, pe, pc = (p[c].to_numpy()[order] for c in ("start", "end", "cid"))
    n = len(cd.children)
    ref_of, cid_of = cohort["ref"].to_numpy(), cohort["cid"].to_numpy()
    counts = np.empty(len(cohort), dtype=np.int64)
    for r, ws in zip(refs, window_start(refs, months)):
        k = np.searchsorted(ps, r, side="right")
        hit = pc[:k][pe[:k] >= ws]
        at = slice(*np.searchsorted(ref_of, [r, r + 1]))    # cohort rows come in ref order
        counts[at] = np.bincount(hit, minlength=n)[cid_of[at]]
    return cohort.assign(placements=counts)


def three_plus(cd: CareData, refs) -> pd.DataFrame:
    """Children looked after at the reference date with 3 or more placements in the 12
    months to it."""
    c = _placement_counts(cd, refs, 12)
    return pd.DataFrame({"ref": c["ref"], "cid": c["cid"], "num": c["placements"] >= 3, "den": 1})


def three_plus_2yr(cd: CareData, refs) -> pd.DataFrame:
    """Children looked after at the reference date who were also looked after on at
    least one day of the previous 12-month window, with 3 or more placements in the 24
    months to the reference date. (DfE's "CLA 2 years on 31 March": not children looked
    after for 2 years; continuity is not required.)"""
    c = _placement_counts(cd, refs, 24)
    e = cd.episodes[~cd.episodes["short_break"]]
    order = np.argsort(e["start"].to_numpy(), kind="stable")
    es, ee, ec = (e[col].to_numpy()[order] for col in ("start", "end", "cid"))
    n = len(cd.children)
    keep = np.zeros(len(c), dtype=bool)
    ref_of, cid_of = c["ref"].to_numpy(), c["cid"].to_numpy()
    for r, ws2, ws1 in zip(refs, window_start(refs, 24), window_start(refs, 12)):
        k = np.searchsorted(es, ws1, side="left")     # started before the last 12 months
        before = np.bincount(ec[:k][ee[:k] >= ws2], minlength=n) > 0
        at = slice(*np.searchsorted(ref_of, [r, r + 1]))
        keep[at] = before[cid_of[at]]
    c = c[keep]
    return pd.DataFrame({"ref": c["ref"], "cid": c["cid"], "num": c["placements"] >= 3, "den": 1})


def long_term(cd: CareData, refs) -> pd.DataFrame:
    """Children under 16 at the reference date whose period of care started 2.5 years
    or more before it (on or before 30 September, 3 years earlier, for 31 March), who
    have lived with the same carer for 2 years or more (placement started on or before
    the date 2 years earlier), or are placed for adoption and the adoptive placement
    and the one before it together started 2 years or more before.

    DfE's wording changed from "same placement" to "same carer" in the 2023 release
    without changing the figures for 2019-2021, so one rule (the carer) serves every
    year; changes of legal status do not break the period or the placement."""
    from .engine import age_at
    e = cd.episodes
    p = placements(cd)
    cohort = in_care_at(cd, refs)
    row = cohort["row"].to_numpy()
    ref = cohort["ref"].to_numpy()
    cid = cohort["cid"].to_numpy()
    age = age_at(cd, cid, ref)
    since_25 = add_months(ref, -30)
    since_2 = add_months(ref, -24)
    eligible = (age >= 0) & (age < 16) & (e["period_start"].to_numpy()[row] <= since_25)
    cur_pl = e["placement"].to_numpy()[row]
    # position of each placement id in p (dense lookup; -1 for dropped placements)
    where = np.full(int(e["placement"].max()) + 2 if len(e) else 1, -1, dtype=np.int64)
    where[p["placement"].to_numpy()] = np.arange(len(p))
    pos = where[cur_pl]
    ok = pos >= 0
    pstart = np.where(ok, p["start"].to_numpy()[np.maximum(pos, 0)], np.iinfo(np.int64).max)
    stable = pstart <= since_2
    # placed for adoption: the adoptive placement and the one before it, if contiguous
    adopt = place_in(cd, ADOPTION_PLACE)[row]
    prv = np.maximum(pos - 1, 0)
    prev_ok = ok & (pos > 0) & (p["cid"].to_numpy()[prv] == cid) & (p["end"].to_numpy()[prv] == pstart)
    prev_start = np.where(prev_ok, p["start"].to_numpy()[prv], pstart)
    stable |= adopt & (prev_start <= since_2)
    return pd.DataFrame({"ref": ref[eligible], "cid": cid[eligible], "num": stable[eligible], "den": 1})


def moves_per_child_year(cd: CareData, refs) -> pd.DataFrame:
    """Placement moves (new placements other than the first of a period of care) per
    year in care, over the 12 months to the reference date; ``den`` is each child's
    time in care in the window, in years (the exposure for rates and survival)."""
    p = placements(cd)
    e = cd.episodes[~cd.episodes["short_break"]]
    es, ee, ec = e["start"].to_numpy(), e["end"].to_numpy(), e["cid"].to_numpy()
    ps, pc, first = p["start"].to_numpy(), p["cid"].to_numpy(), p["first"].to_numpy()
    n = len(cd.children)
    order = np.argsort(es, kind="stable")            # episodes by start: a prefix per window
    es, ee, ec = es[order], ee[order], ec[order]
    cols = {"ref": [], "cid": [], "num": [], "den": []}
    for r, ws in zip(refs, window_start(refs, 12)):
        k = np.searchsorted(es, r, side="right")     # started by the window's end
        live = np.flatnonzero(ee[:k] > ws)
        days = np.minimum(ee[live], r + 1) - np.maximum(es[live], ws)
        expo = np.bincount(ec[live], weights=days, minlength=n) / 365.25
        mv = (ps >= ws) & (ps <= r) & ~first
        moves = np.bincount(pc[mv], minlength=n)
        who = np.flatnonzero(expo > 0)
        for c, v in (("ref", np.full(len(who), r)), ("cid", who), ("num", moves[who]), ("den", expo[who])):
            cols[c].append(v)
    return pd.DataFrame({c: np.concatenate(v) for c, v in cols.items()})


def moves_by_reason(cd: CareData, refs) -> pd.DataFrame:
    """Placement moves in the 12 months to the reference date by the reason recorded
    for the change (REASON_PLACE_CHANGE, on the episode that ended): each move is a row,
    ``group`` its reason."""
    p = placements(cd)
    ps, first = p["start"].to_numpy(), p["first"].to_numpy()
    reason = pd.Categorical(p["REASON_IN"].astype(object).where(p["REASON_IN"].notna(), "Not recorded"))
    codes, cats = reason.codes, reason.categories
    rows = []
    for r, ws in zip(refs, window_start(refs, 12)):
        mv = np.flatnonzero((ps >= ws) & (ps <= r) & ~first)
        rows.append(pd.DataFrame({"ref": r, "cid": p["cid"].to_numpy()[mv],
                                  "group": pd.Categorical.from_codes(codes[mv], cats), "num": 1, "den": 1}))
    return pd.concat(rows, ignore_index=True)
