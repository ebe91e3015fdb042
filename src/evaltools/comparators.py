"""Who a council compares itself with: statistical neighbours, region, England.

* **Statistical neighbours** are DfE's children's services benchmarking groups: the 10
  councils most similar to each LA. The April 2021 groupings apply to years up to 2024
  (year ending 31 March) and the 2025 model from 2025, as LAIT does.
* **Region** is the LA's DfE region (London boroughs sit in Inner or Outer London).
* **Quartile bands** place each LA among all LAs with a figure that year. The cut
  points are the quartiles of the LA values (R's default type 7, as LAIT computes them
  with ``quantile()``). Each quarter runs up to and including its upper cut point, as
  LAIT's ``calculate_quartile_band`` has it: a value on a cut point falls in the lower
  quarter by value, which is the better band for a "lower is better" measure and the
  worse for "higher is better". Band A is always the best quarter, respecting the
  measure's polarity: for a "lower is better" measure A holds the lowest values, for
  "higher is better" the highest. Measures with no polarity get Q1 (lowest values) to
  Q4 (highest) and no judgement.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import indicators as ind
from . import registry
from .areas import Area, existing, local_authorities, resolve_la
from .errors import ConfigError, SchemaError
from .paths import data_dir, public_file
from .periods import collection_year

SN_2021 = "statistical_neighbours/New_Statistical_Neighbour_Groupings_April_2021.csv"
SN_2025 = "statistical_neighbours/sn_model_2025_wide.csv"
#: First collection year (year ending 31 March) that uses the 2025 model.
SN_2025_FROM = 2025


@lru_cache(maxsize=4)
def _sn_groups(which: str, root: str) -> dict[str, list[tuple[str, str]]]:
    """Each LA's neighbours in DfE's file, in order, with DfE's word for how close each
    is ("very close" ... "not close"), from the column after the neighbour's."""
    rel = SN_2021 if which == "2021" else SN_2025
    path = public_file(rel, Path(root))
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    if which == "2021":
        code_col, sn_cols = "LA num", [f"SN{i}" for i in range(1, 11)]
    else:
        code_col, sn_cols = "old_la_code", [f"SN_{i}" for i in range(1, 11)]
    missing = [c for c in [code_col, *sn_cols] if c not in raw.columns]
    if missing:
        raise SchemaError(f"data/public/{rel} lacks columns {missing}; found {list(raw.columns)}",
                          fix="Replace it with DfE's statistical neighbour file")
    after = {c: raw.columns[raw.columns.get_loc(c) + 1] if raw.columns.get_loc(c) + 1 < len(raw.columns) else None
             for c in sn_cols}
    out = {}
    for _, r in raw.iterrows():
        code = str(r[code_col]).strip()
        if code.isdigit():
            out[code] = [(str(r[c]).strip(), str(r[after[c]]).strip().lower() if after[c] else "")
                         for c in sn_cols if str(r[c]).strip().isdigit()]
    return out


@lru_cache(maxsize=4)
def _sn_table(which: str, root: str) -> dict[str, list[str]]:
    return {code: [n for n, _ in group] for code, group in _sn_groups(which, root).items()}


def none_close(la, period: int, data_root: Path | None = None) -> bool:
    """Whether DfE rates every one of an LA's statistical neighbours that year "not
    close" (City of London, the Isles of Scilly): no council is much like them, and a
    comparison with the neighbours says little."""
    n, of = not_close(la, period, data_root)
    return of > 0 and n == of


def not_close(la, period: int, data_root: Path | None = None) -> tuple[int, int]:
    """How many of an LA's statistical neighbours that year DfE rates "not close", and
    of how many (Camden 2021: 6 of 10)."""
    area = la if isinstance(la, Area) else resolve_la(la, data_root)
    group = _sn_groups(neighbour_model_for(area, period, data_root), str(data_root or data_dir()))
    got = [w for _, w in group.get(area.area_code, [])]
    return sum(w == "not close" for w in got), len(got)


def neighbour_model(period: int) -> str:
    """Which DfE statistical neighbour model applies to a collection year."""
    return "2025" if period >= SN_2025_FROM else "2021"


def neighbour_model_for(la, period: int, data_root: Path | None = None) -> str:
    """The model an LA's neighbours for a year come from: the year's own
    (:func:`neighbour_model`), or the other one when the LA is not in it. Councils
    created in 2023 (Cumberland, Westmorland and Furness, 942 and 943) have neighbours
    only in the 2025 model, which then stands in for their 2023 and 2024 figures."""
    area = la if isinstance(la, Area) else resolve_la(la, data_root)
    root = str(data_root or data_dir())
    own = neighbour_model(period)
    for model in (own, "2025" if own == "2021" else "2021"):
        if area.area_code in _sn_table(model, root):
            return model
    raise ConfigError(f"{area} has no statistical neighbours in DfE's 2021 or 2025 model",
                      fix="Pass comparator: a list of LA codes instead")


def statistical_neighbours(la, period: int, data_root: Path | None = None) -> list[str]:
    """The DfE 3-digit codes of an LA's 10 statistical neighbours for a year (from the
    model :func:`neighbour_model_for` names)."""
    area = la if isinstance(la, Area) else resolve_la(la, data_root)
    latest = collection_year(dt.date.today())
    if int(period) > latest:
        # DfE may publish a new model by then: answering with today's newest would pass
        # a guess for a fact (a typo of 2030 for 2023 would also pass)
        raise ConfigError(f"no statistical neighbours for {period}: that collection year has not begun (the "
                          f"year ending 31 March {latest} is the latest)",
                          fix="Give a year up to " + str(latest) + "; check the year for a typo")
    model = neighbour_model_for(area, period, data_root)
    return _sn_table(model, str(data_root or data_dir()))[area.area_code]


def comparator_codes(la, period: int, comparator="statistical_neighbours",
                     data_root: Path | None = None) -> list[str]:
    """Codes of the comparator LAs for one year.

    ``comparator`` is ``"statistical_neighbours"`` (DfE's 10), ``"region"`` (every other
    LA in the LA's region), or a list of LA codes or names.
    """
    area = la if isinstance(la, Area) else resolve_la(la, data_root)
    if isinstance(comparator, (list, tuple)):
        # each once, and never the council itself: an average with its own figure in it,
        # or a neighbour counted twice, is not the comparators' average
        codes = [resolve_la(c, data_root).area_code for c in comparator]
        return existing([c for i, c in enumerate(codes) if c != area.area_code and c not in codes[:i]], period)
    if comparator == "statistical_neighbours":
        # those that existed that year (areas.existing): DfE's groups are of today's councils
        return existing(statistical_neighbours(area, period, data_root), period)
    if comparator == "region":
        # the region's councils that existed that year (not Poole after 2019 nor BCP before 2020)
        las = local_authorities(data_root)
        same = las[(las["region_code"] == area.region_code) & (las["area_code"] != area.area_code)]
        return existing(same["area_code"].tolist(), period)
    raise ConfigError(f"unknown comparator {comparator!r}",
                      fix="Use statistical_neighbours, region, or a list of LA codes")


def comparator_label(comparator) -> str:
    if isinstance(comparator, (list, tuple)):
        return "chosen comparators"
    return {"statistical_neighbours": "statistical neighbours", "region": "other LAs in region"}.get(
        comparator, str(comparator))


def quartile_bands(frame: pd.DataFrame) -> pd.DataFrame:
    """Quartile band and rank of every LA for each measure and year.

    Takes an indicator frame and returns area_code, period, measure, band, rank
    (1 = best, or lowest value for no-polarity measures), n_las and the cut points
    q1, q2, q3. LAs without a figure (suppressed, not available) get no band.
    """
    df = frame[(frame["geographic_level"] == "Local authority") & (frame["status"] == ind.OK)]
    cols = ["area_code", "period", "measure", "band", "rank", "n_las", "q1", "q2", "q3"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    # one vectorised pass over every measure and year (groups in order of appearance)
    df = df[["area_code", "period", "measure", "value"]].reset_index(drop=True)
    keys = ["measure", "period"]
    g = df.groupby(keys, sort=False)["value"]
    v = df["value"].to_numpy(dtype=float)
    q = {k: g.transform("quantile", p).to_numpy(dtype=float)
         for k, p in (("q1", 0.25), ("q2", 0.5), ("q3", 0.75))}
    polarity = df["measure"].map({m: registry.get(m).polarity for m in df["measure"].unique()})
    high = (polarity == "high").to_numpy()
    band_high = np.select([v > q["q3"], v > q["q2"], v > q["q1"]], ["A", "B", "C"], "D")
    band_low = np.select([v <= q["q1"], v <= q["q2"], v <= q["q3"]], ["A", "B", "C"], "D")
    band = np.where(high, band_high, band_low)
    none = (polarity == "none").to_numpy()
    band = np.where(none, pd.Series(band).map({"A": "Q1", "B": "Q2", "C": "Q3", "D": "Q4"}), band)
    ranked = df.assign(key=np.where(high, -v, v)).groupby(keys, sort=False)["key"]
    out = pd.DataFrame({
        "area_code": df["area_code"].to_numpy(), "period": df["period"].to_numpy(),
        "measure": df["measure"].to_numpy(), "band": band,
        "rank": ranked.rank(method="min").to_numpy().astype(int),
        "n_las": g.transform("size").to_numpy(), **q})
    order = np.argsort(g.ngroup().to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


BAND_TEXT = {
    "A": "band A, the best-performing quarter of LAs",
    "B": "band B, the second-best quarter of LAs",
    "C": "band C, the second-worst quarter of LAs",
    "D": "band D, the worst-performing quarter of LAs",
    "Q1": "the lowest quarter of LAs",
    "Q2": "the second-lowest quarter of LAs",
    "Q3": "the second-highest quarter of LAs",
    "Q4": "the highest quarter of LAs",
}
