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


def year_range(periods) -> tuple[int, int] | None:
    """(first, last) with None for an open end: (2016, None) is 2016 to the latest."""
    if periods is None:
        return None
    if not (isinstance(periods, (list, tuple)) and len(periods) == 2
            and all(p is None or (isinstance(p, (int, np.integer)) and not isinstance(p, bool)) for p in periods)):
        from .errors import ConfigError
        raise ConfigError(f"periods is {periods!r}", fix="Give (first, last) years ending 31 March, e.g. (2018, 2025), "
                          "(2020, 2020) for one year, or (2016, None) for every year from 2016")
    return (0 if periods[0] is None else int(periods[0]), 9999 if periods[1] is None else int(periods[1]))


def labelled_years(indicators: pd.DataFrame) -> pd.Series:
    """Each row's year as reports label it: a census year (the workforce in September
    2025) is its own year, not the year ending March 2025 it is filed under."""
    from . import registry
    known = set(registry.ids())
    shifts = {mid: registry.get(mid).lait_period_shift if mid in known else 0
              for mid in indicators["measure"].unique()}
    return pd.to_numeric(indicators["period"]) - indicators["measure"].map(shifts).astype(int)


def in_years(indicators: pd.DataFrame, periods) -> pd.DataFrame:
    """The rows of ``indicators`` in the years ``periods`` (first, last; None for an
    open end) as reports label them (:func:`labelled_years`). No limit when ``periods``
    is None."""
    periods = year_range(periods)
    if periods is None or not len(indicators):
        return indicators
    return indicators[labelled_years(indicators).between(*periods)]
