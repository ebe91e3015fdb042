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

from ..periods import collection_year
from .data import CareData, add_months, day, from_days, month_and_day

#: age bands DfE uses for children looked after (age at the reference date)
AGE_BANDS = [(0, 1, "Under 1"), (1, 5, "1 to 4"), (5, 10, "5 to 9"), (10, 16, "10 to 15"),
             (16, 99, "16 and over")]
BREAKDOWNS = ("age_band", "sex", "uasc", "placement_type")


@dataclass(frozen=True)
class Spec:
    """How one measure is computed from child-level data."""
    id: str
    func: Callable
    unit: str                  # percent | per_child | per_child_year | rate_per_10k | count | score | days
    lookback_months: int = 12  # how far before the reference date the data must reach
    monthly: bool = True       # False: the data are collected once a year (OC2, OC3, AD1)
    breakdown: str | None = None   # the measure is itself split (by reason, type...)
    needs_area: bool = False   # needs the council (la=): its boundary or population
    #: the measure means something over one calendar month (flows, events, a snapshot),
    #: so ``frequency="month"`` gives it; "3+ placements in the year" and cohort
    #: measures (care leavers by birthday, 2-year stability) do not
    calendar_month: bool = False
    #: the tables besides Episodes and Header it reads: a year in which one has no rows
    #: where its other years hold many is not available for it (``CareData.lacking``)
    tables: tuple[str, ...] = ()
    #: ``f(cd, refs)``: per reference date, whether the extract holds all the measure
    #: needs there beyond its lookback (adoption timeliness: every adopted child's
    #: entry into care); a False date is not available (status x)
    complete: Callable | None = None


def annual_refs(cd: CareData, years=None) -> np.ndarray:
    years = range(cd.first_year, cd.last_year + 1) if years is None else years
    return np.array([day(f"{y}-03-31") for y in years], dtype=np.int64)


def month_refs(cd: CareData) -> np.ndarray:
    """Every month end whose whole calendar month the extract covers."""
    first = add_months(np.array([cd.coverage_start]), 1)[0] - 1
    months = pd.date_range(from_days(first), from_days(cd.coverage_end), freq="ME")
    return np.array([day(m) for m in months], dtype=np.int64)


def monthly_refs(cd: CareData) -> np.ndarray:
    """Every month end from the first one whose 12-month window the extract covers."""
    first = add_months(np.array([cd.coverage_start]), 12)[0] - 1
    months = pd.date_range(from_days(first), from_days(cd.coverage_end), freq="ME")
    return np.array([day(m) for m in months], dtype=np.int64)


def period_of(ref: np.ndarray) -> np.ndarray:
    """Collection year (year ending 31 March) a reference date falls in."""
    return collection_year(ref)


def age_at(cd: CareData, cid: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Whole years of age at ``ref`` from the month of birth (exact at month ends);
    -1 where the date of birth is unknown."""
    def build():
        dob = cd.children["dob"].to_numpy()
        known = dob > -(10 ** 6)
        return (known, *month_and_day(np.where(known, dob, 0)))
    known, bm, bd = cd.cached("dob_md", build)
    cid = np.asarray(cid, dtype=np.int64)
    rm, rd = month_and_day(np.asarray(ref, dtype=np.int64))
    age = (rm - bm[cid] - (rd < bd[cid])) // 12
    return np.where(known[cid], age, -1)


def characteristics(cd: CareData, cid: np.ndarray, ref: np.ndarray, by: str) -> np.ndarray:
    """The group each (child, reference date) belongs to for a breakdown."""
    if by == "age_band":
        age = age_at(cd, cid, ref)
        code = np.full(len(cid), len(AGE_BANDS), dtype=np.int64)
        for i, (lo, hi, _) in enumerate(AGE_BANDS):
            code[(age >= lo) & (age < hi)] = i
        return pd.Categorical.from_codes(code, [b[2] for b in AGE_BANDS] + ["Unknown"])
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
    """Per-child rows (ref, num, den[, group]) to numerator, denominator, value, one
    row per reference date (and group) that has rows."""
    ref = rows["ref"].to_numpy(dtype=np.int64)
    refs = np.sort(pd.unique(ref))                 # few dates: hash, then sort
    r_idx = np.searchsorted(refs, ref)
    if "group" in rows:
        grp = rows["group"]
        if isinstance(grp.dtype, pd.CategoricalDtype):     # codes already: no hashing
            g_idx, groups = grp.cat.codes.to_numpy().astype(np.int64), grp.cat.categories
        else:
            g_idx, groups = pd.factorize(grp.to_numpy(dtype=object))
    else:
        g_idx, groups = np.zeros(len(ref), dtype=np.int64), pd.Index(["All children"])
    k = len(groups)
    key = r_idx * k + g_idx
    size = len(refs) * k
    num = np.bincount(key, weights=rows["num"].to_numpy(dtype=float), minlength=size)
    den = np.bincount(key, weights=rows["den"].to_numpy(dtype=float), minlength=size)
    present = np.bincount(key, minlength=size) > 0
    ref_of, grp_of = np.repeat(refs, k), np.tile(np.asarray(groups, dtype=object), len(refs))
    num, den, ref_of, grp_of = num[present], den[present], ref_of[present], grp_of[present]
    with np.errstate(invalid="ignore", divide="ignore"):
        if unit == "percent_of_total":     # each group's share of all rows at the date
            total = pd.Series(num).groupby(ref_of).transform("sum").to_numpy()
            den = total
            value = 100 * num / den
        elif unit == "percent":
            value = 100 * num / den
        elif unit == "count":
            value, den = num, np.full(len(num), np.nan)
        else:                       # per_child(_year), score, days: a mean per unit of den
            value = num / den
    return pd.DataFrame({"ref": ref_of, "group": grp_of, "numerator": num, "denominator": den,
                         "value": value})
