"""DfE-definition measures from a council's own SSDA903 data, by year and by month.

>>> from evaltools import ssda903, measures
>>> ex = ssda903.read_extract("path/to/903")                     # doctest: +SKIP
>>> measures.compute(ex, la="884")                               # annual, every measure
>>> measures.compute(ex, la="884", frequency="monthly",
...                  measures=["cla_3plus_placements"])          # rolling 12 months
>>> measures.compute(ex, la="884", by="age_band")                # split by age band

The result is the tidy indicator frame (:mod:`evaltools.indicators`) with three more
columns: ``period_end`` (the last day of the 12-month window: 31 March for annual
figures, each month end for rolling ones), ``breakdown`` and ``group`` (``"all"`` /
``"All children"`` when not split). Annual figures follow DfE's definitions, so the
figure for a year ending 31 March is comparable with the one DfE publishes for the
council; a rolling figure at 30 November is the same definition over the 12 months to
30 November. Where the extract does not reach back far enough for a window (the
first return year, for 2-year measures), the row has status ``x`` and no value.

Each measure's definition, its DfE source and the edge-case rulings are in the
registry (``evaltools measures``) and docs/measures.md.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from .. import indicators
from ..errors import ConfigError
from .data import NO_RETURN, CareData, calendar_months, frozen_heap, window_start
from .engine import (BREAKDOWNS, Spec, aggregate, annual_refs, characteristics, month_refs, monthly_refs,
                     period_of)
from .specs import SPECS

__all__ = ["CareData", "SPECS", "compute", "available"]


def available(frequency: str = "annual") -> list[str]:
    """Ids of the measures computed from child-level data at this frequency."""
    if frequency == "month":
        return [k for k, s in SPECS.items() if s.calendar_month]
    if frequency == "monthly":
        return [k for k, s in SPECS.items() if s.monthly]
    return list(SPECS)


def _care_data(source, la) -> CareData:
    if isinstance(source, CareData):
        return source
    area = {}
    if la is not None:
        from ..areas import resolve_la
        a = resolve_la(la)
        area = {"area_code": a.area_code, "area_name": a.area_name, "ons_code": a.ons_code}
        _not_another_las_sample(source, a)
    return CareData.from_extract(source, area=area)


def _not_another_las_sample(extract, area) -> None:
    """Refuse evaltools' synthetic sample made for one council computed as another's
    (as the runner does): St Helens' rate per 10,000 from Herefordshire's sample would be
    a figure about nobody, put beside St Helens' published ones."""
    from ..synth import synthetic_las
    folders = {f.path.parent for f in getattr(extract, "files", [])}
    for folder in sorted(folders | {p.parent for p in folders}):
        las = synthetic_las(folder)
        if las and area.area_code not in las:
            raise ConfigError(f"{folder} is evaltools' synthetic sample for LA {', '.join(las)}, not "
                              f"{area.display_name}'s",
                              fix=f"Compute it with la={las[0]}, or read {area.display_name}'s own SSDA903 "
                                  "folder")


def compute(source, measures=None, *, la=None, frequency: str = "annual", by: str | None = None,
            years=None) -> pd.DataFrame:
    """Measures from an ingested extract (or a prepared :class:`CareData`).

    Parameters
    ----------
    source : :class:`evaltools.ssda903.Extract` or :class:`CareData`
    measures : ids (default: every measure in :data:`SPECS`)
    la : the council the extract belongs to (name, DfE number or ONS code); needed for
        placements outside the council's area and the rate per 10,000
    frequency : ``"annual"`` (years ending 31 March), ``"monthly"`` (rolling 12
        months at each month end) or ``"month"`` (each calendar month on its own, for
        the measures that mean something over a month: flows, events and snapshots;
        the series for SPC charts and interrupted time series, whose points must not
        overlap)
    by : split by a characteristic at the reference date: ``age_band``, ``sex``,
        ``uasc`` or ``placement_type``
    """
    if frequency not in ("annual", "monthly", "month"):
        raise ConfigError(f"frequency {frequency!r} is not 'annual', 'monthly' or 'month'")
    if by is not None and by not in BREAKDOWNS:
        raise ConfigError(f"cannot split by {by!r}", fix=f"Use one of {', '.join(BREAKDOWNS)}")
    ids = list(SPECS) if measures is None else ([measures] if isinstance(measures, str) else list(measures))
    unknown = [m for m in ids if m not in SPECS]
    if unknown:
        raise ConfigError(f"measure {unknown[0]!r} is not computed from 903 data",
                          fix=f"Use one of {', '.join(SPECS)}")
    with frozen_heap():
        cd = _care_data(source, la)
        frames = [_one(cd, SPECS[m], frequency, by, years) for m in ids]
    frames = [f for f in frames if not f.empty]
    cols = indicators.COLUMNS + ["period_end", "breakdown", "group"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out[cols]


#: the source of every child-level figure; rolling 12-month figures say so, since their
#: points overlap and no time series or control chart may be fitted to them
SOURCE = "SSDA903 extract (evaltools.measures)"
ROLLING_SOURCE = "SSDA903 extract (evaltools.measures, rolling 12 months)"


def _one(cd: CareData, spec: Spec, frequency: str, by, years) -> pd.DataFrame:
    if (frequency == "monthly" and not spec.monthly) or (frequency == "month" and not spec.calendar_month):
        return pd.DataFrame()
    refs = {"annual": lambda: annual_refs(cd, years), "monthly": lambda: monthly_refs(cd),
            "month": lambda: month_refs(cd)}[frequency]()
    lookback = 1 if frequency == "month" else spec.lookback_months
    # the first day of each window: 30 April's month starts on 1 April (the same day a
    # month earlier, plus one, was 31 March: the extract's first April was left out as
    # reaching before it, and an April after a year with no return as reaching into it)
    starts = window_start(refs, lookback)
    # and ends before the extract does (a last return cut short: not its later months)
    covered = (starts >= cd.coverage_start) & (refs <= cd.coverage_end)
    if spec.needs_area and not cd.area.get("ons_code"):
        covered[:] = False             # no council named: not available, not zero
    gone = set().union(*(cd.lacking.get(t, set()) for t in (*spec.tables, NO_RETURN)))
    if gone:
        # a window reaching into a year whose table has no rows: not available, not zero
        first, last = period_of(starts), period_of(refs)
        for y in gone:
            covered &= ~((first <= y) & (y <= last))
    if covered.any() and spec.complete is not None:
        covered[covered] = spec.complete(cd, refs[covered])
    if covered.any():
        with calendar_months() if frequency == "month" else contextlib.nullcontext():
            rows = spec.func(cd, refs[covered])
    else:
        rows = pd.DataFrame(columns=["ref", "cid", "num", "den"])
    breakdown = spec.breakdown or by
    if spec.breakdown is None and by is not None:
        rows = rows.assign(group=characteristics(cd, rows["cid"].to_numpy(dtype=np.int64),
                                                 rows["ref"].to_numpy(dtype=np.int64), by))
    agg = aggregate(rows, spec.unit) if len(rows) else pd.DataFrame(
        columns=["ref", "group", "numerator", "denominator", "value"])
    if spec.breakdown is None and by is None:
        # every covered date gets a row: no children in the cohort is a 0 count, or no
        # percentage (status z, not applicable), never a missing row
        have = set(agg["ref"].astype(np.int64))
        none = [r for r in refs[covered] if int(r) not in have]
        if none:
            zero = pd.DataFrame({"ref": none, "group": "All children", "numerator": 0.0,
                                 "denominator": np.nan if spec.unit == "count" else 0.0,
                                 "value": 0.0 if spec.unit == "count" else np.nan})
            agg = pd.concat([agg, zero], ignore_index=True)
    if spec.unit == "rate_per_10k":
        agg = _rate(cd, agg)
    # windows the extract does not cover: a row saying so (status x), not a number
    missing = pd.DataFrame({"ref": refs[~covered], "group": "All children" if breakdown is None else "all",
                            "numerator": np.nan, "denominator": np.nan, "value": np.nan})
    agg = pd.concat([agg, missing], ignore_index=True) if (~covered).any() else agg
    ref = agg["ref"].to_numpy(dtype=np.int64)
    covered_ref = np.isin(ref, refs[covered])
    status = np.where(np.isfinite(agg["value"].to_numpy(dtype=float)), "ok",
                      np.where(covered_ref & (agg["numerator"].fillna(-1).to_numpy() == 0), "z", "x"))
    return pd.DataFrame({
        "area_code": cd.area.get("area_code", ""), "area_name": cd.area.get("area_name", ""),
        "ons_code": cd.area.get("ons_code", ""), "geographic_level": "Local authority",
        "period": period_of(ref), "measure": spec.id,
        "numerator": agg["numerator"].to_numpy(dtype=float),
        "denominator": agg["denominator"].to_numpy(dtype=float),
        "value": np.where(status == "ok", agg["value"].to_numpy(dtype=float), np.nan),
        "status": status, "source": ROLLING_SOURCE if frequency == "monthly" else SOURCE,
        "period_end": pd.to_datetime(ref.astype("datetime64[D]")),
        "breakdown": breakdown or "all", "group": agg["group"].to_numpy(dtype=object),
    }).sort_values(["period_end", "group"], kind="stable").reset_index(drop=True)


def _rate(cd: CareData, agg: pd.DataFrame) -> pd.DataFrame:
    """Children per 10,000 aged 0-17 (ONS mid-year estimate DfE uses for the year)."""
    from ..population import population
    code = cd.area.get("area_code")
    if not code:
        agg["value"] = np.nan
        return agg
    pop = population(code)
    den = pop.reindex(period_of(agg["ref"].to_numpy(dtype=np.int64))).to_numpy(dtype=float)
    agg["denominator"] = den
    agg["value"] = 10000 * agg["numerator"].to_numpy(dtype=float) / den
    return agg
