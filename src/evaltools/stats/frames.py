"""From the tidy indicator frame to what a statistical method needs.

Every helper in :mod:`evaltools.stats` accepts the one data contract
(:mod:`evaltools.indicators`); these two functions pick one measure out of it:

* :func:`series`: one area's time series (ITS, SPC, survival summaries);
* :func:`panel`: several areas' series (difference-in-differences, synthetic control,
  funnel plots).

Rows whose ``status`` is not ``"ok"`` (suppressed ``c``, not available ``x``...) have no
value; they are dropped, never read as 0, and the dropped periods are listed in
``frame.attrs["dropped"]`` so the method can warn about them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import indicators as ind
from ..errors import SchemaError

KEEP = ["area_code", "area_name", "period", "numerator", "denominator", "value", "status", "source"]


def _pick(frame: pd.DataFrame, measure: str | None, group: str | None, where: str) -> pd.DataFrame:
    missing = [c for c in ("area_code", "period", "measure", "value", "status") if c not in frame.columns]
    if missing:
        raise SchemaError(f"{where}: the frame lacks column(s) {', '.join(missing)}; "
                          "pass a tidy indicator frame (see evaltools.indicators)")
    df = frame
    measures = sorted(df["measure"].dropna().unique())
    if measure is None:
        if len(measures) != 1:
            raise SchemaError(f"{where}: the frame holds {len(measures)} measures; "
                              f"say which with measure= (one of {', '.join(measures[:8])})")
        measure = measures[0]
    elif measure not in measures:
        raise SchemaError(f"{where}: measure {measure!r} is not in the frame; it holds "
                          f"{', '.join(measures[:8]) or 'no measures'}")
    df = df[df["measure"] == measure]
    if "group" in df.columns:
        groups = df["group"].dropna().unique()
        if group is None:
            group = "all" if "all" in set(groups) else (groups[0] if len(groups) == 1 else None)
            if group is None:
                raise SchemaError(f"{where}: measure {measure!r} is split into groups; "
                                  f"say which with group= (one of {', '.join(map(str, groups[:8]))})")
        df = df[df["group"] == group]
    time = "period_end" if "period_end" in df.columns and df["period_end"].nunique() > df["period"].nunique() \
        else "period"
    cols = [c for c in KEEP if c in df.columns] + (["period_end"] if time == "period_end" else [])
    out = df[cols].copy()
    out["time"] = out[time]
    for c in ("numerator", "denominator", "value"):
        if c in out.columns:
            out[c] = pd.to_numeric(out[c], errors="coerce")
    out.attrs["measure"] = measure
    return out


def _drop_unavailable(out: pd.DataFrame) -> pd.DataFrame:
    bad = out["status"] != ind.OK
    dropped = out.loc[bad, ["area_code", "time", "status"]]
    out = out.loc[~bad].reset_index(drop=True)
    out.attrs["dropped"] = list(dropped.itertuples(index=False, name=None))
    return out


def area_codes(frame: pd.DataFrame, wanted, where: str = "areas") -> list[str]:
    """DfE LA numbers for a code or name, or a list of them, as a user types them:
    ``"884"``, ``884``, ``"Herefordshire, County of"`` (the frame's name) or
    ``"Herefordshire"`` / ``"E06000019"`` (any LA DfE publishes)."""
    from ..areas import resolve_la
    from ..errors import UnknownAreaError

    items = list(wanted) if isinstance(wanted, (list, tuple, set, pd.Index, np.ndarray)) else [wanted]
    codes = set(frame["area_code"].astype(str).unique())
    names = None
    out = []
    for a in items:
        key = str(a).strip()
        if key in codes:
            out.append(key)
            continue
        if names is None:      # read only when a name is given, from each pair's last row
            pairs = frame[["area_name", "area_code"]].drop_duplicates(keep="last") \
                if "area_name" in frame.columns else pd.DataFrame(columns=["area_name", "area_code"])
            names = dict(zip(pairs["area_name"].astype(str), pairs["area_code"].astype(str)))
        if key in names:
            out.append(names[key])
        else:
            try:
                out.append(resolve_la(key).area_code)
            except UnknownAreaError:
                raise SchemaError(f"{where}: area {a!r} is not in the frame and is not an LA DfE publishes; "
                                  "give a DfE LA number (884) or name (Herefordshire)") from None
    return out


def comparator_pool(frame: pd.DataFrame, treated: str, comparators, where: str = "comparators") -> list[str] | None:
    """The comparison LAs' codes: ``"statistical_neighbours"`` (DfE's 10 for the
    treated LA, in the frame's latest year), ``"region"`` (the other LAs in its region),
    a list of codes or names, or None (every other LA in the frame)."""
    if comparators is None:
        return None
    if isinstance(comparators, str):
        from .. import comparators as comp
        period = int(pd.to_numeric(frame["period"], errors="coerce").max())
        return comp.comparator_codes(treated, period, comparators)
    return area_codes(frame, comparators, where)


def series(frame: pd.DataFrame, measure: str | None = None, area: str | None = None, *,
           group: str | None = None, where: str = "series", overlapping: bool = True) -> pd.DataFrame:
    """One area's series: columns ``time`` (period, or period_end for monthly
    figures), ``numerator``, ``denominator``, ``value``, sorted by time.

    ``area`` is a DfE LA number or name; it may be left out when the frame holds one
    area. ``overlapping=False`` refuses rolling 12-month figures (``measures.compute``
    with ``frequency="monthly"``): a time series or control chart on points that share
    11 of their 12 months is far surer than the data allow.
    """
    df = _pick(frame, measure, group, where)
    if not overlapping and "source" in df.columns and df["source"].astype(str).str.contains(
            "rolling 12 months", regex=False).any():
        raise SchemaError(f"{where}: these are rolling 12-month figures, each sharing 11 months with the next, "
                          "so the test would be far surer than the data allow; compute the series with "
                          "measures.compute(..., frequency=\"month\") (each calendar month on its own)")
    areas = df[["area_code", "area_name"]].drop_duplicates() if "area_name" in df.columns \
        else df[["area_code"]].drop_duplicates().assign(area_name="")
    if area is None:
        if len(areas) != 1:
            raise SchemaError(f"{where}: the frame holds {len(areas)} areas; say which with area=")
        area = areas["area_code"].iloc[0]
    # as the user types it: 884, "Herefordshire", "E06000019" or the frame's own name
    code = area_codes(df, area, where)[0]
    hit = areas[areas["area_code"].astype(str) == code]
    if hit.empty:
        raise SchemaError(f"{where}: area {area!r} (DfE {code}) has no rows of measure {df.attrs.get('measure')!r} "
                          f"in the frame; it holds {', '.join(map(str, areas['area_code'].head(5)))}"
                          + (", ..." if len(areas) > 5 else ""))
    df = df[df["area_code"] == hit["area_code"].iloc[0]]
    if df["time"].duplicated().any():
        raise SchemaError(f"{where}: more than one row per period for {area!r}; filter the frame "
                          "to one breakdown first")
    out = _drop_unavailable(df.sort_values("time"))
    out.attrs["measure"] = df.attrs.get("measure")
    out.attrs["area"] = str(hit["area_code"].iloc[0])
    return out


def panel(frame: pd.DataFrame, measure: str | None = None, areas=None, *, group: str | None = None,
          where: str = "panel") -> pd.DataFrame:
    """Several areas' series, long: ``area_code``, ``area_name``, ``time``,
    ``numerator``, ``denominator``, ``value``. ``areas`` limits it to a list of LA
    numbers (default: every local authority in the frame)."""
    df = _pick(frame, measure, group, where)
    if "geographic_level" in frame.columns and areas is None:
        lvl = frame.loc[df.index, "geographic_level"]
        df = df[lvl.eq("Local authority") | lvl.isna()]
    if areas is not None:
        wanted = {str(a) for a in areas}
        unknown = wanted - set(df["area_code"].astype(str))
        if unknown:
            raise SchemaError(f"{where}: area(s) {', '.join(sorted(unknown))} not in the frame for "
                              f"measure {df.attrs.get('measure')!r}")
        df = df[df["area_code"].astype(str).isin(wanted)]
    if df.duplicated(["area_code", "time"]).any():
        raise SchemaError(f"{where}: more than one row per area and period; filter the frame "
                          "to one breakdown first")
    measure = df.attrs.get("measure")
    out = _drop_unavailable(df.sort_values(["area_code", "time"]))
    out.attrs["measure"] = measure
    return out


def on_few(numerator, denominator, series: pd.DataFrame | None = None) -> int:
    """How many points count 1 to 5 children, or leave 1 to 5 out of their denominator
    (:func:`evaltools.sdc.gives_away`): a chart of them would give those children away
    under the published and ofsted policies. 0 where there are no counts.

    ``series``: the indicator rows the counts come from, in the same order. A point
    whose counts are the ones DfE published for that area and year
    (:func:`evaltools.sdc.dfe_published`) gives away only a numerator or denominator of
    1 to 5, as in :func:`evaltools.sdc.apply`: the children it leaves out are DfE's own
    subtraction already."""
    from .. import sdc
    if numerator is None or denominator is None:
        return 0
    if series is not None and "measure" not in series.columns:     # series() keeps it in attrs
        series = series.assign(measure=series.attrs.get("measure"))
    published = False if series is None else sdc.dfe_published(series)
    return int(sdc.gives_away(numerator, denominator, published=published).sum())


def few_warning(k: int, n: int, what: str = "points") -> str:
    """The small-numbers warning of a result with ``k`` of its ``n`` points on 1 to 5."""
    return (f"small numbers: {k} of {n} {what} count 1 to 5 children, or leave 1 to 5 out, so each moves a lot by "
            "chance alone, and a chart of them stays inside the council (the chart functions draw it only "
            "under the internal policy)")
