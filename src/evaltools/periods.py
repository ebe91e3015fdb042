"""DfE's collection year: the year ending 31 March, named by the year it ends in.

The SSDA903 return, DfE's children looked after tables and every council figure here
are counted over it: 1 April 2024 to 31 March 2025 is 2025."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def collection_year(when):
    """The collection year that holds each date: 1 April 2024 -> 2025, 31 March 2025
    -> 2025. A date or Timestamp gives an int; a Series of dates a Series; an array or
    DatetimeIndex of dates (or day numbers since 1970, as the measures engine keeps
    them) an integer array."""
    if isinstance(when, (dt.date, pd.Timestamp)):
        return when.year + (1 if when.month >= 4 else 0)
    if isinstance(when, pd.Series):
        return when.dt.year + (when.dt.month >= 4).astype(int)
    d = pd.DatetimeIndex(np.asarray(when).astype("datetime64[D]"))
    return np.where(d.month >= 4, d.year + 1, d.year).astype(np.int64)
