"""Reference dates, per-child results and their aggregation into indicator rows.

Every measure is a function ``f(cd, refs) -> frame`` returning one row per child (or
per event) and reference date, with columns ``ref`` (day number of the window's last
day), ``cid``, ``num`` and ``den``. The engine turns those into the tidy indicator
frame, whole or split by characteristics, for annual figures (windows ending 31 March)
or rolling 12-month figures at every month end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .data import CareData, add_months, day, from_days

#: age bands DfE uses for children looked after (age at the reference date)
AGE_BANDS = [(0, 1, "Under 1"), (1, 5, "1 to 4"), (5, 10, "5 to 9"), (10, 16, "10 to 15"),
             (16, 99, "16 and over")]
BREAKDOWNS = ("age_band", "sex", "uasc", "placement_type")


@dataclass(frozen=True)
class Spec:
    """How one measure is computed from child-level data."""
    id: str
    func: Callable
    unit: str                  # percent | per_child | rate_per_10k | count | score | days
    lookback_months: int = 12  # how far before the reference date the data must reach
    monthly: bool = True       # False: the data are collected once a year (OC2, OC3, AD1)
    breakdown: str | None = None   # the measure is itself split (by reason, type...)
    needs_area: bool = False   # needs the council (la=): its boundary or population


def annual_refs(cd: CareData, years=None) -> np.ndarray:
    years = range(cd.first_year, cd.last_year + 1) if years is None else years
    return np.array([day(f"{y}-03-31") for y in years], dtype=np.int64)


def monthly_refs(cd: CareData) -> np.ndarray:
    """Every month end from the first one whose 12-month window the extract covers."""
    first = add_months(np.array([cd.coverage_start]), 12)[0] - 1
    months = pd.date_range(from_days(first), from_days(cd.coverage_end), freq="ME")
    return np.array([day(m) for m in months], dtype=np.int64)


def period_of(ref: np.ndarray) -> np.ndarray:
    """Collection year (year ending 31 March) a reference date falls in."""
    d = pd.DatetimeIndex(np.asarray(ref).astype("datetime64[D]"))
    return np.where(d.month >= 4, d.year + 1, d.year)


def age_at(cd: CareData, cid: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Whole years of age at ``ref`` from the month of birth (exact at month ends);
    -1 where the date of birth is unknown."""
    dob = cd.children["dob"].to_numpy()[cid]
    known = dob > -(10 ** 6)
    b = pd.DatetimeIndex(np.where(known, dob, 0).astype("datetime64[D]"))
    r = pd.DatetimeIndex(np.asarray(ref).astype("datetime64[D]"))
    age = r.year - b.year - ((r.month < b.month) | ((r.month == b.month) & (r.day < b.day)))
    return np.where(known, np.asarray(age), -1)


def characteristics(cd: CareData, cid: np.ndarray, ref: np.ndarray, by: str) -> np.ndarray:
    """The group each (child, reference date) belongs to for a breakdown."""
    if by == "age_band":
        age = age_at(cd, cid, ref)
        out = np.full(len(cid), "Unknown", dtype=object)
        for lo, hi, lab in AGE_BANDS:
            out[(age >= lo) & (age < hi)] = lab
        return out
    if by == "sex":
        sex = cd.children["sex"].to_numpy()[cid]
        return np.select([sex == "1", sex == "2"], ["Male", "Female"], "Unknown").astype(object)
    if by == "uasc":
        s = cd.children["uasc_start"].to_numpy()[cid]
        e = cd.children["uasc_end"].to_numpy()[cid]
        return np.where((s <= ref) & (e > ref) & (s > -(10 ** 6)), "UASC", "Not UASC").astype(object)
    if by == "placement_type":
        from .location import placement_group_at
        return placement_group_at(cd, cid, ref)
    raise ValueError(by)


def aggregate(rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Per-child rows (ref, num, den[, group]) to numerator, denominator, value."""
    keys = ["ref"] + (["group"] if "group" in rows else [])
    g = rows.groupby(keys, sort=True)[["num", "den"]].sum()
    num, den = g["num"].to_numpy(dtype=float), g["den"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if unit == "percent_of_total":     # each group's share of all rows at the date
            den = g.groupby(level="ref")["num"].transform("sum").to_numpy(dtype=float)
            value = 100 * num / den
        elif unit == "percent":
            value = 100 * num / den
        elif unit == "count":
            value, den = num, np.full(len(num), np.nan)
        else:                       # per_child, score, days: a mean per unit of den
            value = num / den
    out = g.reset_index()
    out["numerator"], out["denominator"], out["value"] = num, den, value
    return out.drop(columns=["num", "den"])
