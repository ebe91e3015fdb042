"""DfE's published LA-level statistics as tidy indicator frames.

Reads the explore-education-statistics (EES) releases bundled in ``data/public`` and
DfE's LAIT benchmarking data set, harmonises them, and returns the indicator frame of
:mod:`evaltools.indicators`:

* **Releases are harmonised.** Column names and labels that changed between releases
  (``number``/``children_count``, ``age``/``care_leaver_age``, "Total"/"Suitability
  total"...) are mapped to one spelling by ``resources/published_tables.yaml``.
* **The latest release wins.** Where releases overlap, each year is taken from the
  latest release that has it, because each release revises earlier years.
* **Symbols are kept.** ``c``, ``x``, ``z``, ``k``, ``low`` become the row's
  ``status``; the value is then NaN, never 0.
* **Values are recomputed from counts.** LA counts are unrounded, so a percentage is
  ``100 * numerator / denominator`` (DfE's own percentages are rounded to whole
  numbers). National and regional counts are rounded to the nearest 10 by DfE.
* **LAIT fills earlier years.** For years no EES release covers (2016-2017; 2016-2018
  for the CLA rate), the measure's LAIT series is used, with LAIT's published value.
* **Some measures come from LAIT alone.** A registry entry with ``lait`` and no
  ``published`` (education outcomes, social work workforce, foster places...) takes every
  LAIT year. Its value may be one code, a sum of codes, or codes less ``subtract``
  codes (a gap); ``as_at: 30 September`` moves a census-date figure into the year
  ending 31 March that holds that day. LAIT gives these without counts, so numerator
  and denominator stay empty; LAIT's '-' (suppressed or not available) is status ``x``.
* **LAIT's precision is kept.** Each LAIT row's ``decimals`` says how many decimals DfE
  publishes its column to: 0 for most (20%), 1 for absence, attainment and the
  workforce (9.3%, so 9.0%, not 9%), read from the column's values when LAIT is loaded.
  Rows worked out from EES counts have none (NaN). Reports print a figure as published
  (:func:`published_whole`).

Use :func:`load_indicators` for the frame, :func:`source_files` for what it reads.

**Cache.** Building a measure from the raw files takes a fraction of a second, and a
run executes many notebooks, each in its own process, so each measure's frame is
kept as a parquet file under ``$EVALTOOLS_CACHE_DIR`` (default ``~/.cache/evaltools``;
``off`` to disable), named by a fingerprint of every file in ``data/public`` (path,
size, modification time), the registry and table specs, and this code. Any change to
any of them gives a new fingerprint, so a stale figure is never served. The cache
holds only published LA-level figures.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import indicators as ind
from . import registry
from .errors import SchemaError
from .paths import RESOURCES_DIR, data_dir, public_file
from . import yamlio

LAIT_FILE = "lait/bds_long_0.parquet"
#: LAIT gives most figures as whole numbers: a difference smaller than this is rounding
LAIT_ROUNDING = 0.5


def published_whole(decimals) -> bool:
    """A figure DfE published as a whole number: its ``decimals`` (the indicator frame's
    column) is 0, as for every figure of one of LAIT's whole-number columns. Figures
    worked out from counts (NaN) and LAIT's one-decimal columns (absence's 9.0) are not."""
    return decimals is not None and pd.notna(decimals) and float(decimals) == 0


def within_lait_rounding(decimals, a: float, b: float) -> bool:
    """``a`` and ``b`` differ by no more than LAIT's rounding and at least one of the two
    figures was published as a whole number (``decimals``: theirs, as the indicator
    frame's column gives them): the difference may be nothing but rounding."""
    return any(published_whole(d) for d in decimals) and abs(a - b) <= LAIT_ROUNDING
BASE_COLUMNS = ["time_period", "geographic_level", "old_la_code", "la_name", "new_la_code"]
OPTIONAL_BASE = ["region_code", "region_name", "country_code", "country_name"]
# Which symbol wins when parts of a numerator carry different symbols.
_SYMBOL_PRIORITY = ["c", "low", "u", "k", "x", "z"]
_NUMERIC = re.compile(r"^-?\d+(\.\d+)?([eE]-?\d+)?$")


@lru_cache(maxsize=1)
def table_specs() -> dict:
    """The table specifications from ``resources/published_tables.yaml``."""
    with open(RESOURCES_DIR / "published_tables.yaml", encoding="utf-8") as fh:
        return yamlio.load(fh)["tables"]


#: the publication of a folder of data/public not listed under ``publications``
DEFAULT_PUBLICATION = "Children looked after in England"


@lru_cache(maxsize=1)
def _publications() -> dict:
    with open(RESOURCES_DIR / "published_tables.yaml", encoding="utf-8") as fh:
        return dict(yamlio.load(fh).get("publications") or {})


def publication(table_id: str, release: int) -> str:
    """The DfE publication that ``release`` of a table comes from, as a source note names
    it: the stability measures (school moves, social workers) are their own publication,
    not a release of "Children looked after in England"."""
    path = str(table_specs().get(table_id, {}).get("files", {}).get(int(release), ""))
    return _publications().get(path.split("/")[0], DEFAULT_PUBLICATION)


def source_files() -> list[str]:
    """Every file (relative to ``data/public``) the published layer can read."""
    files = {f for spec in table_specs().values() for f in spec["files"].values()}
    files.add(LAIT_FILE)
    return sorted(files)


def unlisted_releases(data_root: Path | None = None) -> list[str]:
    """Folders of ``data/public`` that look like a DfE release (``dfe_*_release``) but
    that no table of ``published_tables.yaml`` reads: next year's download, added but
    not yet listed, which would otherwise be left out without a word."""
    pub = Path(data_root or data_dir()) / "public"
    listed = {f.split("/")[0] for f in source_files()}
    return sorted(d.name for d in pub.glob("dfe_*_release") if d.is_dir() and d.name not in listed) \
        if pub.is_dir() else []


def _norm_label(s: pd.Series) -> pd.Series:
    return (
        s.astype("string")
        .str.replace("\u2019", "'", regex=False)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )


def parse_values(raw: pd.Series, *, where: str) -> tuple[pd.Series, pd.Series]:
    """Split a DfE value column into numbers and statuses.

    Numbers get status ``ok``. DfE symbols keep their symbol and a NaN value. A blank
    cell is "not available" (``x``). Anything else is a :class:`SchemaError` naming the
    file and the offending value, because a misread symbol would corrupt a figure.
    """
    s = raw.astype("string").fillna("").str.strip().str.replace(",", "", regex=False)
    is_num = s.str.match(_NUMERIC).fillna(False).astype(bool)
    low = s.str.lower()
    status = pd.Series(ind.OK, index=s.index, dtype="string")
    status[~is_num] = low[~is_num]
    status[status == ""] = "x"
    bad = ~status.isin(list(ind.STATUSES))
    if bad.any():
        examples = sorted(s[bad].unique())[:5]
        raise SchemaError(
            f"unrecognised values {examples} (not numbers or DfE symbols c, x, z, k, low, u)",
            where=where,
            fix="Check the file is an unedited DfE download",
        )
    values = pd.to_numeric(s.where(is_num), errors="coerce").astype("float64")
    return values, status


def _pick(columns: list[str], candidates: list[str]) -> str | None:
    for c in candidates:
        if c in columns:
            return c
    return None


def read_release_file(table_id: str, release: int, data_root: Path) -> pd.DataFrame:
    """One release's file of a table, in canonical columns (values still as text)."""
    spec = table_specs()[table_id]
    rel = spec["files"][release]
    path = public_file(rel, data_root)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SchemaError(f"cannot read data/public/{rel} as a CSV ({exc.__class__.__name__})",
                          fix="Replace it with the CSV downloaded from DfE") from None
    cols = list(raw.columns)
    missing_base = [c for c in BASE_COLUMNS if c not in cols]
    out = pd.DataFrame(index=raw.index)
    used: set[str] = set()
    wanted = {k: v for k, v in spec["columns"].items()}
    problems = []
    for canon, candidates in wanted.items():
        free = [c for c in candidates if c not in used]
        col = _pick(cols, free)
        if col is None:
            problems.append(f"{canon} (one of {candidates})")
            continue
        used.add(col)
        out[canon] = raw[col]
    if missing_base or problems:
        expected = missing_base + problems
        raise SchemaError(
            f"data/public/{rel} does not have the expected columns: missing {expected}; "
            f"found {cols}",
            fix="If DfE renamed a column, add the new name to "
            "src/evaltools/resources/published_tables.yaml",
        )
    for c in BASE_COLUMNS + OPTIONAL_BASE:
        out[c] = raw[c] if c in cols else ""
    out["release"] = int(release)
    out["file"] = rel
    return out


@lru_cache(maxsize=32)
def _load_table_cached(table_id: str, root: str, release: str = "latest",
                       before: int | None = None) -> pd.DataFrame:
    spec = table_specs()[table_id]
    parts = [read_release_file(table_id, r, Path(root)) for r in sorted(spec["files"])
             if before is None or r < before]
    df = pd.concat(parts, ignore_index=True)
    bad_period = ~df["time_period"].str.fullmatch(r"\d{4}")
    if bad_period.any():
        f = df.loc[bad_period, "file"].iloc[0]
        raise SchemaError(f"time_period values {sorted(df.loc[bad_period, 'time_period'].unique())[:3]} "
                          "are not years", where=f"data/public/{f}",
                          fix="Give each figure's year as DfE's CLA files do, the year the collection ends in "
                              "(2026 for 2025-26), or check the file is the table published_tables.yaml names")
    df["period"] = df["time_period"].astype(int)
    # Latest release wins for each year it covers (or the first, to see DfE's revisions).
    pick = df.groupby("period")["release"].transform("max" if release == "latest" else "min")
    df = df[df["release"] == pick].copy()
    labels = {k: v for k, v in (spec.get("labels") or {}).items()}
    for c in ("group", "subgroup", "category"):
        if c in df.columns:
            df[c] = _norm_label(df[c]).replace(labels)
    for c in ("old_la_code", "new_la_code", "region_code", "country_code"):
        df[c] = df[c].astype("string").str.strip()
    df["source"] = "EES " + df["release"].astype(str) + " release"
    df = df.join(_area_columns(df))
    return df.reset_index(drop=True)


def load_table(table_id: str, data_root: Path | None = None, release: str = "latest",
               before: int | None = None) -> pd.DataFrame:
    """A harmonised published table: canonical columns, latest release per year
    (``release="first"``: the release that first published each year). ``before``:
    only the releases before that one (for a label DfE stopped publishing, see
    :func:`discontinued`).

    Values (``count``, ``percent``...) are still text; :func:`load_indicators` parses them.
    The frame is cached and shared: copy it before modifying it.
    """
    if table_id not in table_specs():
        raise SchemaError(f"unknown published table {table_id!r}",
                          fix=f"Known tables: {sorted(table_specs())}")
    if release not in ("latest", "first"):
        raise ValueError("release is 'latest' or 'first'")
    root = str(data_root or data_dir())
    return _load_table_cached(table_id, root, release, before)


def _spec_labels(spec: dict) -> set[str]:
    """Every group, category and subgroup label a measure's table spec reads."""
    out = {spec.get(k) for k in ("group", "category", "subgroup", "value_category")}
    known = spec.get("not_known")
    out |= set(known if isinstance(known, list) else [known])
    num, den = _parts(spec)
    for p in num + ([den] if den else []):
        out |= {p["group"], p["category"], p["subgroup"]}
    return {x for x in out if isinstance(x, str)}


def discontinued(m: registry.Measure | str) -> tuple[str, int] | None:
    """``(label, release)`` when a label the measure reads is one DfE stopped publishing:
    the table's ``discontinued`` in published_tables.yaml gives the first release that
    leaves it out. Only where a release that late is bundled (until then nothing has
    changed). The measure's years are then read from the releases before it, each from
    the latest of them that has the year, and its figures end where DfE's did."""
    m = registry.get(m) if isinstance(m, str) else m
    if not m.published:
        return None
    spec = table_specs().get(m.published["table"], {})
    gone = spec.get("discontinued") or {}
    newest = max(spec.get("files") or {0: None})
    # a label read only for years before the release (a by_period era of an old
    # spelling) is not cut off by it
    hits = sorted((int(r), label) for label, r in gone.items() if int(r) <= newest and any(
        label in _spec_labels(s) for _, hi, s in _eras(m) if hi >= int(r)))
    if hits and not any(int(r) < hits[0][0] for r in spec.get("files") or {}):
        raise SchemaError(f"{hits[0][1]!r} is discontinued from the {hits[0][0]} release, the first bundled",
                          where="published_tables.yaml", fix="give the first release that leaves it out")
    return (hits[0][1], hits[0][0]) if hits else None


def stopped_words(stopped: tuple[str, int]) -> str:
    """Why a measure's figures end early (:func:`discontinued`), as a review caveat."""
    label, release = stopped
    return (f"DfE stopped publishing this figure in its {release} release (its tables no longer have "
            f"\"{label}\"), so the latest figure is from an earlier release")


def _area_columns(df: pd.DataFrame) -> pd.DataFrame:
    """area_code, area_name, ons_code from EES geography columns."""
    lvl = df["geographic_level"]
    code = df["old_la_code"].where(lvl == "Local authority")
    code = code.where(lvl != "Regional", df["region_code"])
    code = code.where(lvl != "National", df["country_code"].replace("", ind.ENGLAND_CODE))
    name = df["la_name"].where(lvl == "Local authority")
    name = name.where(lvl != "Regional", df["region_name"])
    name = name.where(lvl != "National", df["country_name"].replace("", "England"))
    ons = df["new_la_code"].where(lvl == "Local authority")
    ons = ons.where(lvl != "Regional", df["region_code"])
    ons = ons.where(lvl != "National", code)
    return pd.DataFrame({"area_code": code, "area_name": name, "ons_code": ons.fillna("")},
                        index=df.index)


def _combine_status(statuses: list[pd.Series]) -> pd.Series:
    """Row-wise: 'ok' when every part is ok, otherwise the highest-priority symbol."""
    frame = pd.concat(statuses, axis=1)
    out = pd.Series(ind.OK, index=frame.index, dtype="string")
    for sym in reversed(_SYMBOL_PRIORITY):
        out[(frame == sym).any(axis=1)] = sym
    return out


def _select_rows(df: pd.DataFrame, group: str | None, category: str | None,
                 subgroup: str | None, *, where: str, span=None) -> pd.DataFrame:
    """Rows of one cohort and breakdown; a label that matches nothing is an error.

    A label that silently matched nothing would drop a measure without a word, so the
    error lists the labels the table does have.
    """
    mask = pd.Series(True, index=df.index)
    newest = df["release"] == df["release"].max() if "release" in df else None
    if newest is not None and span is not None:     # the years this spec is read for
        newest &= span(df["period"])
    for col, label in (("group", group), ("subgroup", subgroup), ("category", category)):
        if label is None:
            continue
        hit = df[col] == label
        if not (mask & hit).any():
            have = sorted(df.loc[mask, col].dropna().unique())
            raise SchemaError(f"{col} {label!r} matches no rows", where=where,
                              fix=f"The table has {have[:12]}; fix measures.yaml or the "
                              "labels map in published_tables.yaml")
        if newest is not None and (mask & newest).any() and not (mask & hit & newest).any():
            # a label the newest release renamed: its years would silently lose DfE's
            # figures (the latest release wins for them) and fall back to LAIT's
            have = sorted(df.loc[mask & newest, col].dropna().unique())
            f = df.loc[mask & newest, "file"].iloc[0] if "file" in df else where
            raise SchemaError(f"{col} {label!r} is in earlier releases but not in the newest one, so its years "
                              "would lose DfE's figures", where=f"data/public/{f}",
                              fix=f"The newest release has {have[:12]}; if DfE renamed the label, map the new "
                                  "spelling to the old under the table's labels in published_tables.yaml; if DfE "
                                  "stopped publishing it, list it under the table's discontinued with that release")
        mask &= hit
    return df[mask]


def _keyed(df: pd.DataFrame, col: str, where: str) -> tuple[pd.Series, pd.Series]:
    """Values and statuses of a column, indexed by (area_code, period)."""
    vals, stat = parse_values(df[col], where=where)
    idx = pd.MultiIndex.from_arrays([df["area_code"], df["period"]])
    vals.index = idx
    stat.index = idx
    if idx.has_duplicates:
        raise SchemaError("the same area and year appear twice for one figure", where=where,
                          fix="Check published_tables.yaml filters select one row per area")
    return vals, stat


def _parts(spec: dict) -> tuple[list[dict], dict | None]:
    group = spec.get("group")
    sub = spec.get("subgroup")

    def norm(p):
        if isinstance(p, dict):
            return {"group": p.get("group", group), "category": p.get("category"),
                    "subgroup": p.get("subgroup", sub)}
        return {"group": group, "category": p, "subgroup": sub}

    num = [norm(p) for p in spec.get("numerator") or []]
    den = spec.get("denominator")
    return num, (norm(den) if den is not None else None)


def _measure_from_table(m: registry.Measure, table: pd.DataFrame) -> pd.DataFrame:
    """A measure's rows from its EES table.

    ``by_period`` in the spec lists overrides for a span of years ({from, to, and the
    keys that differ}), for a breakdown DfE split or renamed: years the span covers take
    the override, the others the main spec.
    """
    (_, _, base), *eras = _eras(m)
    def outside(p):
        return ~np.logical_or.reduce([p.between(lo, hi) for lo, hi, _ in eras] or [p != p])
    out = _measure_from_spec(m, base, table, span=outside)
    for lo, hi, spec in eras:
        got = _measure_from_spec(m, spec, table, span=lambda p, lo=lo, hi=hi: p.between(lo, hi))
        out = pd.concat([out[~out["period"].between(lo, hi)], got[got["period"].between(lo, hi)]],
                        ignore_index=True)
    return out


def _eras(m: registry.Measure) -> list[tuple[float, float, dict]]:
    """A measure's table specs, each with the first and last year it covers: the main
    spec for every year, then each ``by_period`` override for its span (where spans
    overlap, the later override wins)."""
    base = {k: v for k, v in m.published.items() if k != "by_period"}
    out = [(-np.inf, np.inf, base)]
    for era in m.published.get("by_period") or []:
        spec = {**base, **{k: v for k, v in era.items() if k not in ("from", "to")}}
        out.append((era.get("from") or -np.inf, era.get("to") or np.inf, spec))
    return out


def _measure_from_spec(m: registry.Measure, spec: dict, table: pd.DataFrame, span=None) -> pd.DataFrame:
    """``span``: the years (a mask of a period Series) this spec is read for, where a
    ``by_period`` override takes the others: only those are held to the newest release."""
    def select(*args, **kw):
        return _select_rows(*args, span=span, **kw)
    where = f"published table {spec['table']} for measure {m.id}"
    t = table[table["area_code"].notna() & (table["area_code"] != "")]
    keys = t.drop_duplicates(["area_code", "period"]).set_index(["area_code", "period"])
    base = keys[["area_name", "ons_code", "geographic_level", "source"]].copy()
    if m.unit in ("rate_per_10k", "count"):
        rows = select(t, spec.get("group"), None, None, where=where)
        num, num_st = _keyed(rows, "count", where)
        if m.unit == "count":
            den = pd.Series(np.nan, index=num.index)
            den_st = pd.Series(ind.OK, index=num.index, dtype="string")
        else:
            den, den_st = _keyed(rows, "population", where)
        pub, pub_st = _keyed(rows, "rate", where) if "rate" in rows else (None, None)
    elif spec.get("value_category"):
        rows = select(t, spec.get("group"), spec["value_category"], spec.get("subgroup"), where=where)
        val, val_st = _keyed(rows, "count", where)
        _, den_part = _parts(spec)
        drows = select(t, den_part["group"], den_part["category"], den_part["subgroup"], where=where)
        den, den_st = _keyed(drows, "count", where)
        out = base.loc[val.index].copy()
        out["numerator"] = np.nan
        out["denominator"] = den.reindex(val.index)
        # an average over no children (City of London's SDQ score "0" of 0 children) is
        # no figure: as 0.0 it ranked first of every council
        empty = (den_st.reindex(val.index) == ind.OK) & (out["denominator"] == 0)
        status = val_st.mask(empty & (val_st == ind.OK), "z")
        out["value"] = val.where(status == ind.OK)
        out["status"] = status
        return out.reset_index()
    else:
        num_parts, den_part = _parts(spec)
        vals, stats = [], []
        for p in num_parts:
            rows = select(t, p["group"], p["category"], p["subgroup"], where=where)
            v, s = _keyed(rows, "count", where)
            vals.append(v)
            stats.append(s)
        idx = vals[0].index
        for v in vals[1:]:
            idx = idx.intersection(v.index)
        num = sum(v.reindex(idx) for v in vals)
        num_st = _combine_status([s.reindex(idx) for s in stats])
        drows = select(t, den_part["group"], den_part["category"], den_part["subgroup"], where=where)
        den, den_st = _keyed(drows, "count", where)
        pub = pub_st = None
        if len(num_parts) == 1 and "percent" in t.columns:
            prow = select(t, num_parts[0]["group"], num_parts[0]["category"],
                          num_parts[0]["subgroup"], where=where)
            pub, pub_st = _keyed(prow, "percent", where)
    idx = num.index.intersection(den.index) if m.unit != "count" else num.index
    num, num_st = num.reindex(idx), num_st.reindex(idx)
    den, den_st = den.reindex(idx), den_st.reindex(idx)
    scale = {"percent": 100.0, "rate_per_10k": 10000.0, "per_child": 1.0, "per_child_year": 1.0, "count": None}[m.unit]
    out = base.loc[idx].copy()
    out["numerator"] = num.where(num_st == ind.OK)
    out["denominator"] = den.where(den_st == ind.OK)
    if scale is None:
        value = out["numerator"]
        status = num_st
    else:
        status = _combine_status([num_st, den_st])
        with np.errstate(divide="ignore", invalid="ignore"):
            value = scale * out["numerator"] / out["denominator"]
        zero_den = (den_st == ind.OK) & (out["denominator"] == 0)
        status = status.mask(zero_den & (status == ind.OK), "z")
        value = value.where(~zero_den)
        if pub is not None:
            # Counts withheld but DfE published the figure itself: use it.
            pub, pub_st = pub.reindex(idx), pub_st.reindex(idx)
            # Not over an empty cohort: DfE prints 0 for 0 of 0, the Isles of Scilly's
            # 3+ placements in 2018, which then ranked first of every council. Nor over
            # a cohort DfE withheld: its 0% or 100% of "c" children (City of London's
            # 3+ placements in 2025, 0 of c) rests on a handful of children, and was
            # shown, banded and rated green as a strength; it stays c (assumption E29).
            use_pub = (status != ind.OK) & (pub_st == ind.OK) & ~zero_den & (den_st == ind.OK)
            value = value.mask(use_pub, pub)
            status = status.mask(use_pub, ind.OK)
    out["value"] = value.where(status == ind.OK)
    out["status"] = status
    return out.reset_index()


# ---------------------------------------------------------------------------- cohorts
def category_parts(table_id: str, group: str) -> dict[str, list[str]]:
    """How the categories of one group of a table add up (``parts`` in
    published_tables.yaml): {category: the categories it is the sum of}."""
    return dict(((table_specs().get(table_id) or {}).get("parts") or {}).get(group) or {})


def _leaves(parts: dict[str, list[str]], category: str) -> frozenset:
    """The smallest categories ``category`` is the sum of (itself when not split)."""
    if category not in parts:
        return frozenset([category])
    return frozenset().union(*(_leaves(parts, c) for c in parts[category]))


def _cohort_of_spec(m: registry.Measure, spec: dict) -> tuple[tuple, frozenset, frozenset] | None:
    num, den = _parts(spec)
    if m.unit != "percent" or spec.get("value_category") or den is None or not num:
        return None
    places = {(p["group"], p["subgroup"]) for p in num + [den]}
    if len(places) != 1 or any(p["category"] is None for p in num + [den]):
        return None
    group, subgroup = places.pop()
    parts = category_parts(spec["table"], group)
    if den["category"] not in parts:
        return None
    whole = _leaves(parts, den["category"])
    pieces = [_leaves(parts, p["category"]) for p in num]
    counted = frozenset().union(*pieces)
    if not counted <= whole or sum(map(len, pieces)) != len(counted):
        raise SchemaError(f"the numerator of {m.id} counts a category twice or one outside its denominator "
                          f"({sorted(counted - whole) or [p['category'] for p in num]})",
                          where=f"measures.yaml entry {m.id!r}",
                          fix="Check its numerator against `parts` in published_tables.yaml")
    return (spec["table"], group, subgroup), counted, whole


@lru_cache(maxsize=None)
def cohort_sets(measure_id: str, period: int) -> tuple[tuple, frozenset, frozenset] | None:
    """The cohort a measure's figure for ``period`` is a share of, as (table, group,
    subgroup), with the categories its numerator and denominator count, each broken
    into the smallest categories of DfE's table (``parts`` in published_tables.yaml):
    "Total in education, employment or training" is higher education, other education,
    apprenticeships and other training or employment, so it holds "Higher education".
    None when the measure is not a share of one group of a table that says how its
    categories add up."""
    m = registry.get(measure_id)
    if not m.published:
        return None
    spec = [s for lo, hi, s in _eras(m) if lo <= int(period) <= hi][-1]
    return _cohort_of_spec(m, spec)


@lru_cache(maxsize=1)
def cohort_measures() -> dict[tuple, list[str]]:
    """Measures that are shares of one cohort of a DfE table, by cohort (table, group,
    subgroup), in registry order; only cohorts with two or more measures, whose figures
    together can say more than each alone (EET and NEET of care leavers aged 19 to 21:
    the cohort less both is the young people whose activity is not known)."""
    out: dict[tuple, list[str]] = {}
    for m in registry.measures():
        for _, _, spec in _eras(m) if m.published else []:
            c = _cohort_of_spec(m, spec)
            if c is not None and m.id not in out.setdefault(c[0], []):
                out[c[0]].append(m.id)
    return {k: v for k, v in out.items() if len(v) > 1}


# ---------------------------------------------------------------------------- LAIT
_LAIT_YEAR = re.compile(r"^(\d{4})(?: \((Rev|rev)\))?$")


@lru_cache(maxsize=2)
def _lait_by_code(root: str) -> dict[str, pd.DataFrame]:
    raw = _lait_raw(root)
    return {code: g for code, g in raw.groupby("Short Desc", sort=False)}


@lru_cache(maxsize=2)
def _lait_raw(root: str) -> pd.DataFrame:
    path = public_file(LAIT_FILE, Path(root))
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise SchemaError(f"cannot read data/public/{LAIT_FILE} as parquet ({exc.__class__.__name__})",
                          fix="Restore it with `git checkout -- data/public/lait`") from None
    need = ["Short Desc", "Years", "LA and Regions", "Values", "LA Number"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise SchemaError(f"data/public/{LAIT_FILE} lacks columns {missing}; found {list(df.columns)}",
                          fix="Replace it with LAIT's bds_long parquet")
    return df


def region_key(name: str) -> str:
    """One spelling of a region's name, as a user types it or a DfE file gives it:
    'London (Inner)' and 'Inner London', 'the Humber' and 'The Humber', 'Yorkshire &
    the Humber' and 'Yorkshire and The Humber' match."""
    n = str(name).lower().strip()
    m = re.fullmatch(r"london \((inner|outer)\)", n)
    if m:
        n = f"{m.group(1)} london"
    return " ".join(re.sub(r"[^a-z0-9]+", " ", n.replace("&", "and")).split())


def _lait_series(code: str, root: str, areas: pd.DataFrame) -> pd.DataFrame:
    d = _lait_by_code(root).get(code)
    if d is None:
        raise SchemaError(f"LAIT has no measure {code!r}", where=f"data/public/{LAIT_FILE}",
                          fix="Check the lait codes in measures.yaml against lait_data_dictionary.csv")
    yr = d["Years"].astype("string").str.extract(_LAIT_YEAR)
    d = d.assign(period=pd.to_numeric(yr[0], errors="coerce"), rev=yr[1].notna())
    d = d[d["period"].notna()]
    # A revised figure ("2019 (Rev)") replaces the first one.
    d = d.sort_values("rev").drop_duplicates(["LA and Regions", "period"], keep="last")
    # LAIT numbers England 970 and the regions 980-990; LAs have their DfE number.
    la_num = pd.to_numeric(d["LA Number"], errors="coerce")
    name = d["LA and Regions"].astype("string").str.strip()
    is_la = la_num.notna() & (la_num < 970)
    code_col = la_num.where(is_la).map(lambda v: str(int(v)) if pd.notna(v) else pd.NA)
    code_col = code_col.astype("string")
    reg = areas[areas.geographic_level == "Regional"]
    region_codes = {region_key(n): c for n, c in zip(reg["area_name"], reg["area_code"])}
    region_codes[region_key("England")] = ind.ENGLAND_CODE
    other = name.map(lambda n: region_codes.get(region_key(n), pd.NA)).astype("string")
    code_col = code_col.where(is_la, other)
    s = d["Values"].astype("string").str.strip()
    s = s.mask(s.isin(["-", "", ".."]), "x")
    is_num = pd.to_numeric(s, errors="coerce").notna()
    status = s.where(~is_num, ind.OK).str.lower()
    status = status.where(status.isin(list(ind.STATUSES)), "x")
    raw = pd.to_numeric(s, errors="coerce")
    return pd.DataFrame({
        "area_code": code_col, "period": d["period"].astype(int),
        "raw": raw, "status": status, "decimals": _decimals(raw),
    }).dropna(subset=["area_code"])


#: the most decimals :func:`_decimals` tells apart (LAIT's columns have 0 to 2)
_MAX_DECIMALS = 3


def _decimals(values: pd.Series) -> int:
    """How many decimals DfE publishes a LAIT column to: the fewest that write every one
    of its values, over every area and year (0 for a column of whole numbers; 1 when any
    value has a tenth, so its 9.0 is 9.0, not 9). LAIT stores some values as binary
    fractions (5.0999999999999996 for 5.1), hence the tolerance."""
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    for d in range(_MAX_DECIMALS):
        scaled = v * 10 ** d
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return d
    return _MAX_DECIMALS


def _lait_keyed(code: str, root: str, areas: pd.DataFrame, shift: int) -> pd.DataFrame:
    """One LAIT code's raw values, statuses and decimals, indexed by (area_code, period)."""
    s = _lait_series(code, root, areas)
    s = s.assign(period=s["period"] + shift)
    return s.set_index(["area_code", "period"])[["raw", "status", "decimals"]]


def _lait_value(m: registry.Measure, root: str, areas: pd.DataFrame) -> pd.DataFrame:
    """The measure's value from LAIT: one code, or codes summed less ``subtract`` codes.

    An area and year is kept only where every code has a row. The value is a number only
    when every part is; otherwise the row takes the strongest symbol of its parts (LAIT
    prints '-' for suppressed and missing figures alike, read as ``x``), never 0.
    """
    shift = m.lait_period_shift
    plus = registry._codes(m.lait["value"])
    minus = registry._codes(m.lait.get("subtract"))
    parts = [(1.0, _lait_keyed(c, root, areas, shift)) for c in plus]
    parts += [(-1.0, _lait_keyed(c, root, areas, shift)) for c in minus]
    idx = parts[0][1].index
    for _, p in parts[1:]:
        idx = idx.intersection(p.index)
    if len(parts) == 1:
        raw, status = parts[0][1]["raw"], parts[0][1]["status"].astype("string")
    else:
        raw = sum(sign * p["raw"].reindex(idx) for sign, p in parts)
        status = _combine_status([p["status"].reindex(idx).astype("string") for _, p in parts])
    out = pd.DataFrame(index=idx)
    out["status"] = status.reindex(idx)
    out["value"] = raw.reindex(idx).where(out["status"] == ind.OK)
    # a sum or gap of codes is published to the most decimals of its parts
    out["decimals"] = float(max((p["decimals"].max() for _, p in parts if len(p)), default=0))
    return out


def _measure_from_lait(m: registry.Measure, root: str, areas: pd.DataFrame,
                       periods: set[int] | None) -> pd.DataFrame:
    spec = m.lait
    out = _lait_value(m, root, areas)
    if periods is not None:
        out = out[out.index.get_level_values("period").isin(periods)]
    for part in ("numerator", "denominator"):
        if spec.get(part):
            s = _lait_keyed(spec[part], root, areas, m.lait_period_shift)
            out[part] = s["raw"].where(s["status"] == ind.OK).reindex(out.index)
        else:
            # LAIT gives most figures without counts: none are invented, so nothing
            # downstream can divide by them (intervals and tests say "no counts")
            out[part] = np.nan
    if m.unit == "count":
        out["numerator"] = out["value"]
    out = out.reset_index()
    meta = areas.set_index("area_code")[["area_name", "ons_code", "geographic_level"]]
    out = out.join(meta, on="area_code", how="inner")
    out["source"] = "LAIT"
    return out


#: LAIT percentages of care leavers aged 19-21 by activity: when every one is 0 in a
#: year, no young person of the cohort has a known activity (or there is no cohort)
_CARE_LEAVER_ACTIVITY = ("care_leavers_eet_19_21", "care_leavers_neet_19_21")


def _lait_over_no_one(m: registry.Measure, lait: pd.DataFrame, root: str) -> pd.DataFrame:
    """LAIT's 0% over no children made z, as E29 does for DfE's tables (LAIT gives no
    counts to see it by): a percentage of the children looked after in a year the council
    looked after none (the Isles of Scilly, 2016 to 2018: convictions, substance misuse,
    missing, all "0%"), and care leavers aged 19-21 in and not in education, employment
    or training both 0% (Scilly 2017), which no cohort with a known activity can give.
    As figures, they were rated: Scilly's "EET 19-21 0%" a red concern, its substance
    misuse a green strength."""
    if m.unit != "percent" or lait.empty:
        return lait
    zero = lait["value"].eq(0) & lait["status"].eq(ind.OK)
    if not zero.any():
        return lait
    key = pd.MultiIndex.from_frame(lait[["area_code", "period"]])
    empty = pd.Series(False, index=lait.index)
    if m.id in _CARE_LEAVER_ACTIVITY:
        others = [_measure_from_lait(registry.get(o), root, areas(Path(root)), None)
                  for o in _CARE_LEAVER_ACTIVITY if o != m.id]
        for o in others:
            o0 = o.loc[o["value"].eq(0) & o["status"].eq(ind.OK), ["area_code", "period"]]
            empty |= pd.Series(key.isin(pd.MultiIndex.from_frame(o0)), index=lait.index)
    elif m.base == "children" and m.topic not in ("workforce", "education"):
        none = _no_children_looked_after(root)
        empty = pd.Series(key.isin(none), index=lait.index)
    hit = zero & empty
    if hit.any():
        lait = lait.copy()
        lait.loc[hit, "status"] = "z"
        lait.loc[hit, ["value", "numerator", "denominator"]] = np.nan
    return lait


@lru_cache(maxsize=2)
def _no_children_looked_after(root: str) -> pd.MultiIndex:
    """(area, year) where the council looked after no children at 31 March, by DfE's
    count (its tables, else LAIT)."""
    counts = load_indicators(["cla_count"], data_root=Path(root))
    none = counts[counts["value"].eq(0) & counts["status"].eq(ind.OK)]
    return pd.MultiIndex.from_frame(none[["area_code", "period"]])


# ---------------------------------------------------------------------------- areas
@lru_cache(maxsize=2)
def _areas_cached(root: str) -> pd.DataFrame:
    frames = []
    for tid in ("cla_numbers", "placement_stability"):
        a = load_table(tid, Path(root))
        frames.append(a[["area_code", "area_name", "ons_code", "geographic_level", "count",
                         "region_code", "region_name", "period"]])
    a = pd.concat(frames, ignore_index=True)
    a = a[a["area_code"].notna() & (a["area_code"] != "")]
    # the years with figures, not the years with rows: DfE keeps a row for an abolished
    # council after it ends (Cumbria, Northamptonshire: "z") and for a new one before its
    # first return (Cumberland from 2016), all symbols
    counted = pd.to_numeric(a["count"], errors="coerce").notna()
    span = a[counted].groupby("area_code")["period"].agg(first_period="min",
                                                         last_period="max")
    latest = a.sort_values("period").drop_duplicates("area_code", keep="last").set_index("area_code")
    out = latest.drop(columns=["period", "count"]).join(span, how="inner").reset_index()
    return out.sort_values(["geographic_level", "area_name"]).reset_index(drop=True)


def areas(data_root: Path | None = None) -> pd.DataFrame:
    """Every area in DfE's published CLA tables, with its latest name and codes.

    Columns: area_code, area_name, ons_code, geographic_level, region_code, region_name,
    first_period, last_period (years the area has published figures).
    """
    return _areas_cached(str(data_root or data_dir())).copy()


# ---------------------------------------------------------------------------- main
CACHE_ENV = "EVALTOOLS_CACHE_DIR"


def cache_dir() -> Path | None:
    """Where measure frames are cached (None when ``EVALTOOLS_CACHE_DIR=off``)."""
    v = os.environ.get(CACHE_ENV, "")
    if v.lower() in ("off", "none", "0"):
        return None
    return Path(v) if v else Path.home() / ".cache" / "evaltools"


def fingerprint(root: str) -> str:
    """What the published frames depend on: every file under ``data/public`` (path,
    size, modification time), the resource YAMLs and the loader's own code (those read
    once a process, :func:`_code_digest`)."""
    h = hashlib.sha256()
    pub = Path(root) / "public"
    files = []
    # os.walk and os.stat, not Path.rglob: asked for hundreds of times a report (every
    # cache below is keyed on it), the Path objects cost more than the stats
    for folder, _, names in os.walk(pub):
        rel = os.path.relpath(folder, pub)
        for name in names:
            st = os.stat(os.path.join(folder, name))
            files.append((name if rel == "." else f"{rel}/{name}", st.st_size, st.st_mtime_ns))
    for rel, size, mtime in sorted(files):
        h.update(f"{rel}|{size}|{mtime}\n".encode())
    h.update(_code_digest().encode())
    h.update(str(Path(root).resolve()).encode())
    return h.hexdigest()[:20]


def current_fingerprint() -> str:
    """:func:`fingerprint` of the data folder in use: what an in-memory cache of figures
    built from the published files is keyed on, so files replaced in a session that
    stays open (a warm kernel, a notebook rerun) are read again."""
    return fingerprint(str(data_dir()))


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The resource YAMLs and the loader's own code, read once a process: the registry
    reads them once too, so a change to them shows only in a new process anyway."""
    h = hashlib.sha256()
    for f in sorted(RESOURCES_DIR.glob("*.yaml")) + [Path(__file__), Path(registry.__file__), Path(ind.__file__)]:
        h.update(f.read_bytes())
    return h.hexdigest()


#: frames already read in this process, by cache file (whose folder is the fingerprint):
#: a warm kernel running report after report reads each measure from disk once
_MEMO: dict[Path, pd.DataFrame] = {}


def _cached(m: registry.Measure, root: str, key: str, build, fp: str) -> pd.DataFrame:
    base = cache_dir()
    if base is None:
        return build()
    path = base / "published" / fp / f"{m.id}-{key}.parquet"
    if path in _MEMO:
        return _MEMO[path]
    if any(p.parent != path.parent for p in _MEMO):   # the data changed: forget the old
        _MEMO.clear()
    if path.is_file():
        try:
            _MEMO[path] = pd.read_parquet(path)
            return _MEMO[path]
        except (OSError, ValueError):
            pass                                   # unreadable: rebuild it
    df = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
            df.to_parquet(tmp.name, index=False)
        os.replace(tmp.name, path)                 # atomic: another process never reads half a file
    except OSError:
        pass                                       # a read-only home: work without the cache
    return df


def not_recorded(measures=None, *, data_root: Path | None = None) -> pd.DataFrame:
    """How many of a measure's cohort have no information recorded, per area and year,
    for the measures whose spec in measures.yaml names DfE's category for them
    (``published.not_known``: "No information", "Total information not known").

    A share of care leavers in suitable accommodation, or in education, employment or
    training, falls when a council does not know what its young people are doing: a low
    figure with many unknowns may reflect recording, not their lives. Columns:
    area_code, period, measure, not_known (count), denominator, value (percent), status.
    """
    root = str(data_root or data_dir())
    ms = registry.resolve(measures) if measures is not None else registry.published_measures()
    cols = ["area_code", "period", "measure", "not_known", "denominator", "value", "status"]

    def build(m):
        spec = m.published
        base = {k: v for k, v in spec.items() if k not in ("by_period", "not_known")}
        stopped = discontinued(m)
        got = _measure_from_spec(m, {**base, "numerator": spec["not_known"]},
                                 load_table(spec["table"], Path(root), before=stopped[1] if stopped else None))
        got["measure"] = m.id
        return got.rename(columns={"numerator": "not_known"})[cols]

    # kept on disk beside the measures' own figures: every report's benchmark reads
    # them (a second of work per kernel, for files that change once a year)
    fp = fingerprint(root)
    frames = [_cached(m, root, "not-known", lambda m=m: build(m), fp)
              for m in ms if (m.published or {}).get("not_known")]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def load_indicators(measures=None, *, data_root: Path | None = None,
                    periods: tuple[int, int] | None = None,
                    use_lait: bool = True, release: str = "latest") -> pd.DataFrame:
    """Published figures for every area as one tidy indicator frame.

    Parameters
    ----------
    measures : list of measure ids, or None for every measure in the registry.
    periods : (first, last) years ending 31 March to keep, inclusive.
    use_lait : fill years that no EES release covers from LAIT (default True). Measures
        DfE publishes only through LAIT (``registry.Measure.lait_only``) are read from LAIT
        either way: it is their source, not a filler.
    release : ``"latest"`` (each year as DfE now publishes it) or ``"first"`` (as first
        published, for spotting DfE's revisions of earlier years; EES tables only).
    """
    root = str(data_root or data_dir())
    ms = registry.resolve(measures) if measures is not None else registry.published_measures()
    frames = []
    def build(m):
        parts = []
        covered: set[int] = set()
        if m.published:
            stopped = discontinued(m)
            table = load_table(m.published["table"], Path(root), release,
                               before=stopped[1] if stopped else None)
            got = _measure_from_table(m, table)
            covered = set(got["period"].unique())
            parts.append(got)
        if m.lait and (use_lait or m.lait_only):
            lait = _measure_from_lait(m, root, areas(Path(root)), None)
            lait = lait[~lait["period"].isin(covered)]
            parts.append(_lait_over_no_one(m, lait, root))
        df = pd.concat(parts, ignore_index=True) if parts else ind.empty()
        df["measure"] = m.id
        if "decimals" not in df:         # no LAIT rows: every figure as worked out
            df["decimals"] = np.nan
        return ind.conform(df)

    fp = fingerprint(root)
    for m in ms:
        key = f"{release}-{'lait' if use_lait or m.lait_only else 'ees'}"
        frames.append(_cached(m, root, key, lambda m=m: build(m), fp))
    out = pd.concat(frames, ignore_index=True) if frames else ind.empty()
    if periods is not None:
        lo, hi = periods
        out = out[(out["period"] >= lo) & (out["period"] <= hi)]
    out = ind.conform(out)
    return out.sort_values(["measure", "geographic_level", "area_code", "period"]).reset_index(drop=True)
