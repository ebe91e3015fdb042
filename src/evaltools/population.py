"""ONS mid-year estimates of children aged 0-17, the denominator of rates per 10,000.

DfE's rate for the year ending 31 March Y divides by the ONS mid-year estimate for
Y-1 (the 2022 rate for Herefordshire uses 33,784, ONS's mid-2021 figure). Later ONS
vintages revise estimates, so a rate computed here can differ from DfE's by a fraction
of a point where DfE used an earlier vintage (2024: DfE 34,052; bundled mid-2023
34,260). Source: data/public/ons_population (OGL v3).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .errors import MissingDataError
from .paths import data_dir


def source_file(root=None):
    """The ONS population file child-level rates read (the newest in the folder), or None."""
    files = sorted(((root or data_dir()) / "public" / "ons_population").glob("*.csv"))
    return files[-1] if files else None


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    path = source_file()
    if path is None:
        raise MissingDataError(f"no ONS population file in {data_dir() / 'public' / 'ons_population'}",
                               fix="Restore data/public/ons_population from the repository")
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    df = df[df["age_group"].str.contains("0 to 17", na=False)]
    df["population_estimate"] = pd.to_numeric(df["population_estimate"], errors="coerce")
    df["time_period"] = df["time_period"].astype(int)
    return df


def population(area_code: str) -> pd.Series:
    """Children aged 0-17 for each collection year (year ending 31 March Y -> the
    mid-year Y-1 estimate), for a DfE LA number or an ONS code."""
    df = _table()
    code = str(area_code)
    rows = df[(df["geographic_level"] == "Local authority")
              & ((df["old_la_code"] == code) | (df["new_la_code"] == code))]
    if rows.empty:
        rows = df[(df["geographic_level"] == "Regional") & (df["region_code"] == code)]
    if rows.empty and code == "E92000001":
        rows = df[df["geographic_level"] == "National"]
    s = rows.groupby("time_period")["population_estimate"].first()
    s.index = s.index + 1
    s.index.name = "period"
    return s
