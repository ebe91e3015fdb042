"""Adoption timeliness (A1, A2, A10), in days, for children adopted in the window;
fostering for adoption and adoption disruptions.

* A1: from entering care (the start of the period of care that ended in adoption) to
  moving in with the adoptive family (the start of the first placement for adoption,
  PLACE A3-A6, in that period).
* A10: as A1, but for a child adopted by their foster carers (AD1 FOSTER_CARE = 1, or
  placed for adoption with their current foster carer, A3/A5), moving in is the day
  they moved in with those carers (the start of that placement: the adoptive
  placement with current carers, A3/A5, continues the foster placement).
* A2: from the council receiving court authority to place (the start of the first
  episode under a placement order, LS E1, or freeing order, D1, in the period) to the
  match with the adopters (AD1 DATE_MATCH). A child matched before the authority
  counts as 0 days; children with no placement or freeing order, or never placed for
  adoption, are left out (DfE's A2 help text).
* Only adoptions whose period of care began inside the extract (its first episode has
  RNE S, on or after the first return's 1 April) can be timed: for a period that began
  earlier the extract does not see the entry date. A window with any adoption the
  extract cannot time is not available (status x, :func:`entries_seen`) rather than
  an average of the rest: those are the children who waited longest, so the rest
  would look quicker than the council was (the first years of a short extract).

Placements for adoption themselves (:func:`adoptive_placements`) give two more
measures: early permanence through fostering for adoption or concurrent planning
(:func:`fostering_for_adoption`) and adoption disruptions (:func:`disruptions`).

DfE publishes A1 and A2 as 3-year averages (the mean over every child adopted in the
3 years); evaltools gives the 12-month figure and, as ``adoption_*_days_3yr``, the
3-year one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import CareData, to_days, window_start

ADOPTED = ("E11", "E12")
ADOPTION_PLACE = ("A3", "A4", "A5", "A6")
AUTHORITY_LS = ("E1", "D1")


def _adoptions(cd: CareData) -> pd.DataFrame:
    """One row per adoption: cid, period, adopted (day), entered, moved_in, moved_in_a10,
    authority (day or NaN), DATE_MATCH (day or NaN)."""
    return cd.cached("adoptions", lambda: _build_adoptions(cd))


def _adopted(cd: CareData) -> tuple[pd.DataFrame, np.ndarray]:
    """Every period of care that ended in adoption (its last episode) and whether the
    extract saw it begin, so the adoption can be timed. Computed once."""
    def build():
        e = cd.episodes[~cd.episodes["short_break"]]
        last = e.drop_duplicates("period", keep="last")
        ad = last[last["REC"].isin(ADOPTED) & (last["end"] < 10 ** 6)]
        first = e.drop_duplicates("period", keep="first").set_index("period")
        seen = (first["RNE"] == "S") & (first["start"] >= cd.coverage_start)
        return ad, seen.reindex(ad["period"]).fillna(False).to_numpy(dtype=bool)
    return cd.cached("adopted", build)


def _build_adoptions(cd: CareData) -> pd.DataFrame:
    e = cd.episodes[~cd.episodes["short_break"]]
    ad, timed = _adopted(cd)
    ad = ad[timed]
    ep = e[e["period"].isin(ad["period"])]
    # moving in: the start of the last run of adoptive placements (A3-A6) in the period
    # (after a disruption, the family that adopted)
    is_ad = ep["PLACE"].isin(ADOPTION_PLACE).to_numpy()
    run_start = is_ad & ~np.r_[False, is_ad[:-1] & (ep["period"].to_numpy()[1:] == ep["period"].to_numpy()[:-1])]
    first_adopt = ep[run_start].drop_duplicates("period", keep="last")
    placement_start = e.groupby("placement")["start"].min()
    auth = ep[ep["LS"].isin(AUTHORITY_LS)].drop_duplicates("period").set_index("period")["start"]
    out = pd.DataFrame({"cid": ad["cid"].to_numpy(), "period": ad["period"].to_numpy(),
                        "adopted": ad["end"].to_numpy(), "entered": ad["period_start"].to_numpy()})
    fa = first_adopt.set_index("period")
    out["moved_in"] = fa["start"].reindex(out["period"]).to_numpy()
    with_carer = fa["PLACE"].isin(("A3", "A5")).reindex(out["period"]).fillna(False).to_numpy(dtype=bool)
    # the placement (carer spell) the adoptive placement belongs to: for a foster-carer
    # adoption it started when the child moved in with those carers
    carer_mi = placement_start.reindex(fa["placement"].reindex(out["period"]).to_numpy()).to_numpy()
    out["authority"] = auth.reindex(out["period"]).to_numpy()
    ad1 = cd.tables.get("AD1")
    match = pd.Series(dtype=float)
    foster = pd.Series(dtype=bool)
    if ad1 is not None and len(ad1):
        a = ad1.drop_duplicates("cid", keep="last")
        match = pd.Series(to_days(a["DATE_MATCH"]).astype(float), index=a["cid"].to_numpy())
        match[match < -(10 ** 6)] = np.nan
        foster = pd.Series((a["FOSTER_CARE"].astype(object) == "1").to_numpy(), index=a["cid"].to_numpy())
    by_foster = with_carer | foster.reindex(out["cid"]).fillna(False).to_numpy(dtype=bool)
    out["moved_in_a10"] = np.where(by_foster & np.isfinite(carer_mi), carer_mi, out["moved_in"])
    out["match"] = match.reindex(out["cid"]).to_numpy()
    return out


def _days(kind: str, months: int = 12):
    def f(cd: CareData, refs) -> pd.DataFrame:
        a = _adoptions(cd)
        if kind == "A1":
            d = a["moved_in"] - a["entered"]
        elif kind == "A10":
            d = np.clip(a["moved_in_a10"] - a["entered"], 0, None)
        else:       # children never placed for adoption, or with no order, are left out
            d = np.clip(a["match"] - a["authority"], 0, None).where(a["moved_in"].notna())
        rows = []
        for r, ws in zip(refs, window_start(refs, months)):
            w = (a["adopted"] >= ws) & (a["adopted"] <= r) & d.notna()
            rows.append(pd.DataFrame({"ref": r, "cid": a["cid"][w].to_numpy(),
                                      "num": d[w].to_numpy(dtype=float), "den": 1}))
        return pd.concat(rows, ignore_index=True)
    f.__doc__ = {"A1": "Days from entering care to moving in with the adoptive family.",
                 "A10": "A1, counting a foster-carer adoption from moving in with those carers.",
                 "A2": "Days from court authority to place to the match with adopters (0 if matched first)."}[kind]
    return f


def entries_seen(months: int = 12):
    """Per reference date, whether every adoption in the ``months`` to it can be timed:
    none of those children's periods of care began before the extract (see the
    module docstring). The engine marks the other windows not available."""
    def f(cd: CareData, refs) -> np.ndarray:
        ad, timed = _adopted(cd)
        untimed = ad["end"].to_numpy(dtype=np.int64)[~timed]
        refs = np.asarray(refs, dtype=np.int64)
        return np.array([not ((untimed >= ws) & (untimed <= r)).any()
                         for r, ws in zip(refs, window_start(refs, months))], dtype=bool)
    return f


a1, a2, a10 = _days("A1"), _days("A2"), _days("A10")
a1_3yr, a2_3yr, a10_3yr = _days("A1", 36), _days("A2", 36), _days("A10", 36)


# ------------------------------------------------ placements for adoption (A3-A6)
#: foster placements with carers who are also approved adopters: fostering for
#: adoption or concurrent planning (U2 relative or friend, U5 other foster carer)
FFA_PLACE = ("U2", "U5")
#: how a period of care ends that is not an adoption disruption although the child
#: left the adoptive placement: adopted, died (E2), care taken over by another LA (E3)
NOT_DISRUPTED = ADOPTED + ("E2", "E3")


def adoptive_placements(cd: CareData) -> pd.DataFrame:
    """One row per placement for adoption: a run of episodes placed for adoption (PLACE
    A3-A6) with the same prospective adopters (no new placement under DfE's rules;
    temporary placements in between skipped), in a period of care. Columns: cid,
    start (first day), ffa (the placement with the adopters began as a fostering for
    adoption or concurrent planning placement, U2/U5), ended (the day it ended, NaN
    while open), outcome: ``adopted``, ``disrupted`` (it ended without an adoption
    order: the child moved to another placement, or to other prospective adopters,
    or left care other than by adoption, death or transfer to another council),
    ``open`` or ``other``. Computed once."""
    return cd.cached("adoptive_placements", lambda: _build_adoptive_placements(cd))


def _build_adoptive_placements(cd: CareData) -> pd.DataFrame:
    from .data import OPEN, TEMPORARY_PLACE
    e = cd.episodes
    place_all = e["PLACE"].to_numpy(dtype=object)
    keep = np.flatnonzero(~e["short_break"].to_numpy() & ~np.isin(place_all, TEMPORARY_PLACE))
    place = place_all[keep]
    period = e["period"].to_numpy()[keep]
    new = e["new_placement"].to_numpy()[keep]
    is_ad = np.isin(place, ADOPTION_PLACE)
    same_prev = np.r_[False, period[1:] == period[:-1]]
    continues = is_ad & same_prev & np.r_[False, is_ad[:-1]] & ~new      # same adopters
    run_start = is_ad & ~continues
    run_last = is_ad & ~np.r_[continues[1:], False]
    first, last = keep[run_start], keep[run_last]
    next_same = np.r_[same_prev[1:], False][run_last]          # the period goes on after it
    end = e["end"].to_numpy()[last]
    # the period's own ending (its last episode, temporary ones included)
    period_last = e.drop_duplicates("period", keep="last").set_index("period")
    p = e["period"].to_numpy()[last]
    rec = period_last["REC"].reindex(p).to_numpy(dtype=object)
    p_end = period_last["end"].reindex(p).to_numpy()
    unknown = pd.isna(rec) | (rec == "X1")          # the history stops: cannot tell
    outcome = np.select(
        [end >= OPEN, next_same, p_end >= OPEN, np.isin(rec, ADOPTED), np.isin(rec, NOT_DISRUPTED) | unknown],
        ["open", "disrupted", "open", "adopted", "other"], "disrupted")
    ended = np.where(next_same, end, p_end).astype(float)
    ended[outcome == "open"] = np.nan
    ffa_spells = np.unique(e["placement"].to_numpy()[np.isin(place_all, FFA_PLACE)])
    return pd.DataFrame({"cid": e["cid"].to_numpy()[first], "start": e["start"].to_numpy()[first],
                         "ffa": np.isin(e["placement"].to_numpy()[first], ffa_spells),
                         "ended": ended, "outcome": outcome})


def fostering_for_adoption(cd: CareData, refs) -> pd.DataFrame:
    """Children placed for adoption (an adoptive placement, PLACE A3-A6, starting) in
    the 12 months to the reference date whose adoptive placement began as a fostering
    for adoption or concurrent planning placement: the adopters first fostered the
    child under PLACE U2/U5 and the placement for adoption is with them (A3/A5, the
    same carer spell). A child placed twice in the window counts once, by the first
    placement.

    The 903 codes say which foster placements are with approved adopters under FFA or
    concurrent planning (U2: relative or friend; U5: other foster carer; DfE SSDA903
    guidance, PLACE). DfE publishes no LA figure; the Adoption and Special
    Guardianship Leadership Board reports early permanence as a share of children
    placed for adoption, which this follows. An FFA placement that did not lead to a
    placement for adoption with those carers (the child went home, or to other
    adopters) is not counted: the measure is early permanence achieved.
    """
    a = adoptive_placements(cd)
    s, c, ffa = a["start"].to_numpy(), a["cid"].to_numpy(), a["ffa"].to_numpy()
    rows = []
    for r, ws in zip(refs, window_start(refs, 12)):
        idx = np.flatnonzero((s >= ws) & (s <= r))
        idx = idx[np.r_[True, c[idx][1:] != c[idx][:-1]]] if len(idx) else idx   # first per child
        rows.append(pd.DataFrame({"ref": r, "cid": c[idx], "num": ffa[idx], "den": 1}))
    return pd.concat(rows, ignore_index=True)


def disruptions(cd: CareData, refs) -> pd.DataFrame:
    """Children whose placement for adoption (PLACE A3-A6) ended in the 12 months to
    the reference date without an adoption order: the child moved to a placement
    other than with those prospective adopters while still looked after, or left care
    for a reason other than adoption (E11/E12), death (E2) or transfer to another
    council (E3). A move between A codes with the same adopters (legal status change,
    RNE L/T/U), a temporary absence and the return from it are not disruptions.
    Children counted once.

    DfE defines no LA disruption measure. "Disruption" here is the sector's: a child
    leaving their prospective adopters before the order, read from the episodes. It is
    not the PlacedAdoption table's reversal of the decision that the child should be
    placed for adoption (DATE_PLACED_CEASED, REASON_PLACED_CEASED RD1 needs changed,
    RD2 court did not make a placement order, RD3 no adopters found, RD4 other): most
    reversals happen before any placement with adopters, and a disruption need not
    reverse the plan (the child may be placed with new adopters).
    """
    a = adoptive_placements(cd)
    a = a[a["outcome"] == "disrupted"]
    d, c = a["ended"].to_numpy(), a["cid"].to_numpy()
    rows = []
    for r, ws in zip(refs, window_start(refs, 12)):
        who = np.unique(c[(d >= ws) & (d <= r)])
        rows.append(pd.DataFrame({"ref": r, "cid": who, "num": 1, "den": 1}))
    return pd.concat(rows, ignore_index=True)
