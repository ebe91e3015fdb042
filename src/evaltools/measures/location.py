"""Where children are placed: distance from home, inside or outside the council, placement
type, and step-downs from residential care to a family."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import TEMPORARY_PLACE, CareData, window_start
from .engine import age_at
from .stability import in_care_at, place_in

#: DfE's placement categories for children looked after at 31 March, with fostering
#: split by provider (in-house PR1; independent agency = private or voluntary PR4/PR5)
PLACE_GROUPS = ["Foster: relative or friend", "Foster: in-house", "Foster: independent agency",
                "Foster: other", "Placed for adoption", "Placed with parents",
                "Secure and children's homes", "Supported, semi-independent or independent living",
                "Other residential settings", "Residential schools", "Other placements"]


def place_group(place: np.ndarray, provider: np.ndarray) -> np.ndarray:
    """DfE placement category of each PLACE / PLACE_PROVIDER pair."""
    place = np.asarray(place, dtype=object)
    provider = np.asarray(provider, dtype=object)
    other_foster = np.isin(place, ("U4", "U5", "U6"))
    conds = [np.isin(place, ("U1", "U2", "U3")),
             other_foster & (provider == "PR1"),
             other_foster & np.isin(provider, ("PR4", "PR5")),
             other_foster,
             np.isin(place, ("A3", "A4", "A5", "A6")),
             place == "P1",
             np.isin(place, ("K1", "K2")),
             np.isin(place, ("H5", "P2", "K3")),
             np.isin(place, ("R1", "R2", "R3", "R5", "P3")),
             place == "S1"]
    return np.select(conds, PLACE_GROUPS[:10], PLACE_GROUPS[10]).astype(object)


def placement_group_at(cd: CareData, cid: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Placement type group of each child's placement at the reference date (their
    last placement before it if they had left care)."""
    row = cd.latest_episode(cid, ref)
    codes = np.append(episode_groups(cd), len(PLACE_GROUPS))[row]    # row -1: "Unknown"
    return pd.Categorical.from_codes(codes, PLACE_GROUPS + ["Unknown"])


def episode_groups(cd: CareData) -> np.ndarray:
    """Placement type group of every episode, as an index into PLACE_GROUPS (once)."""
    def build():
        e = cd.episodes
        pairs = pd.MultiIndex.from_arrays([e["PLACE"].astype(object).fillna(""),
                                           e["PLACE_PROVIDER"].astype(object).fillna("")])
        codes, uniq = pd.factorize(pairs)
        g = place_group(uniq.get_level_values(0).to_numpy(), uniq.get_level_values(1).to_numpy())
        return pd.Index(PLACE_GROUPS).get_indexer(g)[codes]
    return cd.cached("place_group", build)


def _new_settings(cd: CareData, refs):
    """Placements starting in each window as DfE's "new placements during the year"
    counts them: every change of placement (same carer or not) and every start, not
    temporary placements or short breaks. Yields (ref, cid, PL_DISTANCE, PL_LA) arrays."""
    e = cd.episodes
    keep = np.flatnonzero(e["new_setting"].to_numpy() & ~e["short_break"].to_numpy())
    s = e["start"].to_numpy()[keep]
    cid = e["cid"].to_numpy()[keep]
    dist = e["PL_DISTANCE"].to_numpy(dtype=float)[keep]
    pl_la = e["PL_LA"].to_numpy(dtype=object)[keep]
    for r, ws in zip(refs, window_start(refs, 12)):
        w = (s >= ws) & (s <= r)
        yield r, cid[w], dist[w], pl_la[w]


def over_20_miles(cd: CareData, refs) -> pd.DataFrame:
    """New placements in the 12 months to the reference date more than 20 miles from
    home, of all new placements (those with no known distance count as not over 20,
    as in DfE's table, where they are a category of the total)."""
    rows = [pd.DataFrame({"ref": r, "cid": c, "num": d > 20, "den": 1})
            for r, c, d, _ in _new_settings(cd, refs)]
    return pd.concat(rows, ignore_index=True)


def _outside(cd: CareData, pl_la: np.ndarray) -> np.ndarray:
    own = cd.area.get("ons_code")
    if not own:
        return np.full(len(pl_la), np.nan)
    known = pd.notna(pl_la)
    return np.where(known, pl_la != own, False)


def outside_la(cd: CareData, refs) -> pd.DataFrame:
    """New placements in the 12 months to the reference date outside the council's
    area, of all new placements (needs the council: ``la=``)."""
    if not cd.area.get("ons_code"):
        return pd.DataFrame(columns=["ref", "cid", "num", "den"])
    rows = [pd.DataFrame({"ref": r, "cid": c, "num": _outside(cd, la).astype(bool), "den": 1})
            for r, c, _, la in _new_settings(cd, refs)]
    return pd.concat(rows, ignore_index=True)


def outside_la_over_20_miles(cd: CareData, refs) -> pd.DataFrame:
    """Children looked after at the reference date placed outside the council's area
    and more than 20 miles from home, of all children looked after (LAIT LACDistance)."""
    if not cd.area.get("ons_code"):
        return pd.DataFrame(columns=["ref", "cid", "num", "den"])
    c = in_care_at(cd, refs)
    e = cd.episodes
    row = c["row"].to_numpy()
    far = (e["PL_DISTANCE"].to_numpy()[row] > 20) & _outside(cd, e["PL_LA"].to_numpy()[row]).astype(bool)
    return pd.DataFrame({"ref": c["ref"], "cid": c["cid"], "num": far, "den": 1})


def placement_type(cd: CareData, refs) -> pd.DataFrame:
    """Children looked after at the reference date by DfE placement category
    (``group``); children under 12 in a children's home (K2) are their own group."""
    c = in_care_at(cd, refs)
    row = c["row"].to_numpy()
    g = episode_groups(cd)[row]
    young = age_at(cd, c["cid"].to_numpy(), c["ref"].to_numpy()) < 12
    home = place_in(cd, ("K2",))[row] & young
    g = pd.Categorical.from_codes(np.where(home, len(PLACE_GROUPS), g),
                                  PLACE_GROUPS + ["Children's home, aged under 12"])
    return pd.DataFrame({"ref": c["ref"].to_numpy(), "cid": c["cid"].to_numpy(), "group": g,
                         "num": 1, "den": 1})


#: residential care a child steps down from: secure children's homes (K1), children's
#: homes (K2) and residential care homes (R1)
RESIDENTIAL_PLACE = ("K1", "K2", "R1")
#: family settings: foster care (U1-U6), placed with parents or others with parental
#: responsibility (P1), placed for adoption (A3-A6)
FAMILY_PLACE = ("U1", "U2", "U3", "U4", "U5", "U6", "P1", "A3", "A4", "A5", "A6")


def fostered_inside_la(cd: CareData, refs) -> pd.DataFrame:
    """Children in foster care (PLACE U1-U6) at the reference date whose placement is
    inside the council's boundary (PL_LA, the LA the placement postcode lies in, is
    the council), of all children in foster care; a placement whose location is not
    known (no or unmatched postcode) is in the total and not inside, as in DfE's
    table of children looked after at 31 March by placement locality (needs the
    council: ``la=``).

    DfE publishes this split for England only ("Children looked after at 31 March by
    placement distance and placement locality", group "Foster placements": 20 miles or
    less and over 20 miles inside the LA boundary, of the total with distance not
    known; 2024: (29,000 + 2,560) / 56,390 = 56%). Short breaks are left out.
    """
    own = cd.area.get("ons_code")
    if not own:
        return pd.DataFrame(columns=["ref", "cid", "num", "den"])
    c = in_care_at(cd, refs)
    row = c["row"].to_numpy()
    foster = place_in(cd, ("U1", "U2", "U3", "U4", "U5", "U6"))[row]
    pl_la = cd.episodes["PL_LA"].to_numpy(dtype=object)[row[foster]]
    inside = pd.notna(pl_la) & (pl_la == own)
    return pd.DataFrame({"ref": c["ref"].to_numpy()[foster], "cid": c["cid"].to_numpy()[foster],
                         "num": inside, "den": 1})


def stepdowns(cd: CareData, refs) -> pd.DataFrame:
    """Children who moved in the 12 months to the reference date straight from
    residential care (secure children's home K1, children's home K2, residential care
    home R1) to a family setting (foster care U1-U6, placed with parents P1, placed
    for adoption A3-A6) while still looked after: the family placement starts in the
    window and the placement before it in the same period of care was residential.
    Temporary placements (T0-T4) in between are skipped and short breaks left out;
    a child is counted once however many step-downs they had.

    DfE defines no step-down measure; this is evaltools' ruling. Residential care is
    the children's home settings; residential schools (S1), hospitals (R2), family
    centres or mother and baby units (R3), young offender institutions (R5) and
    supported accommodation (H5, P2, K3) are not. A move via another setting (say, a
    children's home, then supported lodgings, then foster care) is not a step-down to
    a family; leaving care from a children's home (to home, by an order) is not
    counted: the 903 does not record where a child lives after care. A count of
    children, not a percentage: the strategies count children stepped down, and the
    number in residential care falls as the work succeeds.
    """
    e = cd.episodes
    keep = np.flatnonzero(~e["short_break"].to_numpy() & ~place_in(cd, TEMPORARY_PLACE))
    period = e["period"].to_numpy()[keep]
    same = np.r_[False, period[1:] == period[:-1]]
    res = place_in(cd, RESIDENTIAL_PLACE)[keep]
    fam = place_in(cd, FAMILY_PLACE)[keep]
    step = fam & same & np.r_[False, res[:-1]]
    s = e["start"].to_numpy()[keep][step]
    c = e["cid"].to_numpy()[keep][step]
    rows = []
    for r, ws in zip(refs, window_start(refs, 12)):
        who = np.unique(c[(s >= ws) & (s <= r)])
        rows.append(pd.DataFrame({"ref": r, "cid": who, "num": 1, "den": 1}))
    return pd.concat(rows, ignore_index=True)
