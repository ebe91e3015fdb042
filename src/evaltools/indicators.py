"""The one data contract: a tidy indicator frame.

Every indicator in evaltools, whether it came from DfE's published tables, LAIT, a
council's SSDA903 extract or a local CSV, is a frame with these columns:

=================  ==========================================================
``area_code``      DfE 3-digit LA number (``"884"``), or the ONS code of a region
                   (``"E12000005"``) or of England (``"E92000001"``)
``area_name``      name as DfE publishes it
``ons_code``       ONS (GSS) code; empty when unknown
``geographic_level`` ``"Local authority"``, ``"Regional"`` or ``"National"``
``period``         year ending 31 March, as an integer (2025 = April 2024 to March 2025)
``measure``        measure id from the registry (:mod:`evaltools.registry`)
``numerator``      count of children meeting the measure (NaN when not a count)
``denominator``    count of children in the cohort (or population for rates)
``value``          the figure in the measure's unit (percent, rate, score, count)
``status``         ``"ok"`` when ``value`` is a number; otherwise the DfE symbol
                   saying why not: ``c`` suppressed, ``x`` not available,
                   ``z`` not applicable, ``k`` below 0.5%, ``low`` low number,
                   ``u`` low reliability
``source``         where the row came from, e.g. ``"EES 2025 release"``, ``"LAIT"``
=================  ==========================================================

Frames of DfE's published figures (:mod:`evaltools.published`) carry one more column,
kept by :func:`conform` when present: ``decimals``, how many decimals DfE published a
rounded figure to (LAIT's: 0 for its whole-number columns, 1 for absence...), NaN for a
figure worked out from counts.

Frames computed from a council's own 903 data (:mod:`evaltools.measures`) carry three
more columns, kept by :func:`conform` when present: ``period_end`` (the last day of the
12-month window: 31 March, or a month end for rolling figures), ``breakdown`` and
``group`` (a split by age band, placement type...; ``"all"`` / ``"All children"`` when
not split). Rows are then unique by area, period_end, measure, breakdown and group.

A suppressed or unavailable figure is never 0: its ``value`` is NaN and its ``status``
says why. Functions that take indicators check this shape with :func:`validate`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import SchemaError

COLUMNS = [
    "area_code",
    "area_name",
    "ons_code",
    "geographic_level",
    "period",
    "measure",
    "numerator",
    "denominator",
    "value",
    "status",
    "source",
]

#: optional columns: of child-level frames, and the published figures' precision (see above)
OPTIONAL = ["period_end", "breakdown", "group", "decimals"]

OK = "ok"
#: DfE's symbols, from the EES data guidance (c, x, z, k, low, u) with their meaning.
SYMBOLS = {
    "c": "suppressed to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "k": "below 0.5%",
    "low": "low number (rounds to 0)",
    "u": "low reliability",
}
STATUSES = {OK, *SYMBOLS}
LEVELS = ("Local authority", "Regional", "National")
ENGLAND_CODE = "E92000001"

_DTYPES = {
    "area_code": "string",
    "area_name": "string",
    "ons_code": "string",
    "geographic_level": "string",
    "period": "int64",
    "measure": "string",
    "numerator": "float64",
    "denominator": "float64",
    "value": "float64",
    "status": "string",
    "source": "string",
}


def empty() -> pd.DataFrame:
    """An indicator frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _DTYPES.items()})


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the contract's columns, in order, with their dtypes."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(
            f"indicator frame lacks columns {missing}",
            fix=f"An indicator frame needs the columns {COLUMNS}",
        )
    out = df[COLUMNS + [c for c in OPTIONAL if c in df.columns]].copy()
    for c, t in _DTYPES.items():
        out[c] = out[c].astype(t)
    out["ons_code"] = out["ons_code"].fillna("")
    if "decimals" in out:
        out["decimals"] = out["decimals"].astype("float64")
    return out.reset_index(drop=True)


def validate(df: pd.DataFrame, *, where: str = "indicator frame") -> pd.DataFrame:
    """Check the contract and return ``df`` conformed. Raises :class:`SchemaError`.

    Checks: the columns exist; every status is ``ok`` or a DfE symbol; a row with status
    ``ok`` has a finite value and a row with a symbol has no value; each
    (area, period, measure) appears once.
    """
    out = conform(df)
    bad = ~out["status"].isin(list(STATUSES))
    if bad.any():
        raise SchemaError(
            f"unknown status {sorted(out.loc[bad, 'status'].unique())}",
            where=where,
            fix=f"Use 'ok' or one of DfE's symbols {sorted(SYMBOLS)}",
        )
    ok = out["status"] == OK
    if (ok & ~np.isfinite(out["value"])).any():
        raise SchemaError("rows with status 'ok' but no value", where=where,
                          fix="Give those rows a value or a DfE symbol as status")
    if (~ok & out["value"].notna()).any():
        raise SchemaError("rows with a DfE symbol as status but a value", where=where,
                          fix="A suppressed or unavailable figure has no value")
    key = ["area_code", "period", "measure"]
    if "period_end" in out:
        # figures of the same year ending on different dates (a council's quarterly local
        # measure) are not duplicates; rows without a period_end (DfE's annual figures,
        # in one frame with them) are keyed by their year alone
        key = ["area_code", "period", "period_end", "measure"] + [c for c in ("breakdown", "group") if c in out]
    dup = out.duplicated(key)
    if dup.any():
        first = out.loc[dup].iloc[0]
        raise SchemaError(
            f"duplicate rows for area {first.area_code}, period {first.period}, "
            f"measure {first.measure}",
            where=where,
            fix="Each area, period and measure must appear once",
        )
    return out
