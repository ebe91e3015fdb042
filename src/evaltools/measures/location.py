"""Where children are placed: distance from home, outside the council, placement type."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import CareData, window_start
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
