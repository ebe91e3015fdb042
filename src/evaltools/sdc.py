"""Disclosure control on the way out, as DfE publishes: one policy for every table and
chart label.

Policies
--------
``internal``
    for the council's own analysts: nothing suppressed (the figures still never hold
    a child's row); percentages to one decimal place.
``ofsted``
    for an inspection briefing pack shared outside the council: counts of 1 to 5
    children, and figures resting on them, shown as ``c``; no secondary suppression
    (the pack is not published and holds no totals to subtract from).
``published``
    for anything public (board papers online, annual reports): as ``ofsted``, plus
    secondary suppression so no suppressed count can be recovered from row or column
    totals, percentages rounded to whole numbers, round half up.

The DfE symbols (``c`` suppressed, ``x`` not available, ``z`` not applicable, ``k``
below 0.5%, ``low``) are kept as the row's status, never turned into 0. Python's
``round`` rounds half to even (``round(0.5) == 0``); DfE rounds half up, as
:func:`round_half_up` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .errors import ConfigError

SMALL = (1, 5)          # counts from 1 to 5 are suppressed; 0 is shown


@dataclass(frozen=True)
class Policy:
    name: str
    suppress_small: bool
    secondary: bool
    percent_decimals: int
    rate_decimals: int


POLICIES = {
    "internal": Policy("internal", False, False, 1, 1),
    "ofsted": Policy("ofsted", True, False, 1, 1),
    "published": Policy("published", True, True, 0, 0),
}


def policy(name: str | Policy) -> Policy:
    if isinstance(name, Policy):
        return name
    if name not in POLICIES:
        raise ConfigError(f"unknown disclosure policy {name!r}", fix=f"Use one of {', '.join(POLICIES)}")
    return POLICIES[name]


def round_half_up(x, ndigits: int = 0):
    """Round half away from zero, as DfE does (2.5 -> 3, 0.125 -> 0.13 at 2 places);
    NaN stays NaN. Works on numbers, arrays and Series."""
    q = Decimal(1).scaleb(-ndigits)

    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return np.nan
        return float(Decimal(repr(float(v))).quantize(q, rounding=ROUND_HALF_UP))
    if isinstance(x, pd.Series):
        return x.map(one).astype(float)
    if isinstance(x, (np.ndarray, list, tuple)):
        return np.array([one(v) for v in np.asarray(x, dtype=float)])
    return one(x)


def significant(x: float, digits: int = 2) -> str:
    """``x`` to ``digits`` significant figures as a reader would write it: 160, 48,
    4.8, 0.048, 12,000; never 1.6e+02. Rounded half up."""
    x = float(x)
    if not np.isfinite(x) or x == 0:
        return "0" if x == 0 else str(x)
    places = digits - 1 - int(np.floor(np.log10(abs(x))))
    v = round_half_up(x, places)
    if v != 0 and int(np.floor(np.log10(abs(v)))) > int(np.floor(np.log10(abs(x)))):
        places -= 1                      # 9.96 -> 10, not 10.0
        v = round_half_up(x, places)
    return f"{v:,.{max(places, 0)}f}"


def is_small(n) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    return (n >= SMALL[0]) & (n <= SMALL[1])


def rests_on_few(numerator, denominator=None) -> bool:
    """True when any of the figures gives away a count of 1 to 5 children
    (:func:`gives_away`: its numerator, its denominator, or the children left out, 37 of
    40 reveals 3). Works on one figure or arrays; missing counts give nothing away."""
    den = np.nan if denominator is None else denominator
    return bool(np.any(gives_away(numerator, den)))


def gives_away(numerator, denominator) -> np.ndarray:
    """Per figure, whether showing it gives away a count of 1 to 5: its numerator, its
    denominator, or the children left out (denominator - numerator: 37 of 40 reveals
    3). The primary rule of :func:`apply`, for any pair of arrays of counts."""
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    return is_small(num) | is_small(den) | (is_small(den - num) & np.isfinite(num))


def apply(frame: pd.DataFrame, pol: str | Policy = "published") -> pd.DataFrame:
    """An indicator frame ready to leave the building under the policy.

    * Primary: rows whose numerator, denominator, or complement (denominator -
      numerator) is 1 to 5 get status ``c`` with no value or counts.
    * Secondary (published policy): where rows add up to a total, a hidden row could be
      worked out by subtraction, so more rows are hidden until none can be
      (:func:`relations` says which rows add up; :func:`determined` checks). The
      smallest row that shares a total with the given-away one goes first.
    * Values are rounded half up to the policy's decimals.

    Rows already carrying a DfE symbol keep it. ``attrs["secondary"]`` counts the rows
    hidden by secondary suppression. The input frame is not changed."""
    pol = policy(pol)
    out = frame.copy()
    out.attrs["secondary"] = 0
    if pol.suppress_small and len(out):
        hit = gives_away(out["numerator"], out["denominator"]) & (out["status"] == "ok").to_numpy()
        if pol.secondary and hit.any():
            before = hit.copy()
            hit = _secondary_rows(out, hit)
            out.attrs["secondary"] = int((hit & ~before).sum())
        out.loc[hit, ["numerator", "denominator", "value"]] = np.nan
        out.loc[hit, "status"] = "c"
    if "measure" in out:
        from . import registry
        units = {m: registry.get(m).unit for m in out["measure"].unique() if m in registry.ids()}
        dec = out["measure"].map(lambda m: pol.percent_decimals if units.get(m) == "percent"
                                 else pol.rate_decimals)
        out["value"] = [round_half_up(v, int(d)) for v, d in zip(out["value"], dec)]
    return out


ALL_GROUPS = ("all", "All children", "")


def relations(frame: pd.DataFrame) -> list[tuple[int | None, list[int]]]:
    """Which rows of an indicator frame add up to which: a list of (total, parts),
    positions in the frame, where the total is None when it is not in the frame but
    is published anyway.

    * Breakdowns (child-level frames): the groups of one breakdown (age bands,
      placement types...) of an area's measure in a period add up to the area's figure
      for all children, which is always taken as published (it is the headline).
    * Areas: an England or regional row, and the frame's local authorities in it,
      when their counts are all in the frame and add up exactly (DfE's own tables
      come already suppressed by DfE, so their parts rarely add up).
    """
    f = frame.reset_index(drop=True)
    out: list[tuple[int | None, list[int]]] = []
    keys = [c for c in ("area_code", "period", "period_end", "measure") if c in f.columns]
    if {"breakdown", "group"} <= set(f.columns):
        split = ~f["breakdown"].fillna("all").isin(ALL_GROUPS)
        totals = {tuple(r[keys]): i for i, r in f[~split].iterrows()}
        for key, g in f[split].groupby(keys + ["breakdown"], sort=False, dropna=False):
            if len(g) > 1:
                out.append((totals.get(tuple(key[:-1])), list(g.index)))
    if "geographic_level" in f.columns and f["geographic_level"].isin(["National", "Regional"]).any():
        extra = [c for c in ("period_end", "breakdown", "group") if c in f.columns]
        la = f[f["geographic_level"] == "Local authority"]
        region_of = {}
        if (f["geographic_level"] == "Regional").any():
            from .areas import local_authorities
            region_of = dict(zip(local_authorities()["area_code"], local_authorities()["region_code"]))
        for i, r in f[f["geographic_level"].isin(["National", "Regional"])].iterrows():
            same = la[(la["measure"] == r["measure"]) & (la["period"] == r["period"])]
            for c in extra:
                same = same[same[c].astype(str) == str(r[c])]
            if r["geographic_level"] == "Regional":
                same = same[same["area_code"].map(region_of) == r["area_code"]]
            nums = same["numerator"].to_numpy(dtype=float)
            if len(same) > 1 and np.isfinite(nums).all() and np.isfinite(r["numerator"]) \
                    and nums.sum() == float(r["numerator"]):
                out.append((i, list(same.index)))
    return out


def _secondary_rows(frame: pd.DataFrame, hidden: np.ndarray) -> np.ndarray:
    """Primary-hidden rows plus the rows secondary suppression must hide too."""
    rel = relations(frame)
    if not rel:
        return hidden
    hidden = np.asarray(hidden, dtype=bool).copy()
    symbol = (frame["status"] != "ok").to_numpy()      # a DfE symbol: unknown to a reader too
    size = frame["numerator"].to_numpy(dtype=float)
    size = np.where(np.isfinite(size), size, np.inf)
    # one block per group of relations that share rows; a published total not in the
    # frame is an extra cell, known to everyone and never hidden
    parent = list(range(len(rel)))

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    owner: dict[int, int] = {}
    for k, (tot, parts) in enumerate(rel):
        for i in parts + ([tot] if tot is not None else []):
            if i in owner:
                parent[root(k)] = root(owner[i])
            else:
                owner[i] = k
    blocks: dict[int, list[int]] = {}
    for k in range(len(rel)):
        blocks.setdefault(root(k), []).append(k)
    for ks in blocks.values():
        rows = sorted({i for k in ks for i in rel[k][1] + ([rel[k][0]] if rel[k][0] is not None else [])})
        if not hidden[rows].any():
            continue
        pos = {i: j for j, i in enumerate(rows)}
        n_virtual = sum(rel[k][0] is None for k in ks)
        eq = np.zeros((len(ks), len(rows) + n_virtual))
        v = len(rows)
        for e, k in enumerate(ks):
            tot, parts = rel[k]
            if tot is None:
                eq[e, v] = 1.0
                v += 1
            else:
                eq[e, pos[tot]] = 1.0
            for i in parts:
                eq[e, pos[i]] -= 1.0
        h = np.r_[hidden[rows] | symbol[rows], np.zeros(n_virtual, dtype=bool)]
        is_total = np.r_[[any(rel[k][0] == i for k in ks) for i in rows], np.ones(n_virtual, dtype=bool)]
        sz = np.r_[size[rows], np.full(n_virtual, np.inf)]
        fixed = np.r_[symbol[rows], np.ones(n_virtual, dtype=bool)]
        h = _secondary(eq, h, sz, avoid=is_total, fixed=fixed)
        hidden[rows] |= h[:len(rows)] & ~symbol[rows]
    return hidden


def label(value: float, n: float | None = None, pol: str | Policy = "published", unit: str = "percent",
          denominator: float | None = None) -> str:
    """A chart or table label under the policy: 'c' when it rests on 1 to 5 children,
    or, given the ``denominator``, when the children not counted (denominator - n) are
    1 to 5 (37 of 40 in EET reveals the 3 who are not)."""
    pol = policy(pol)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "x"
    if pol.suppress_small and n is not None and bool(is_small(n)):
        return "c"
    if pol.suppress_small and n is not None and denominator is not None and bool(is_small(denominator - n)):
        return "c"
    if unit == "percent":
        return f"{round_half_up(value, pol.percent_decimals):.{pol.percent_decimals}f}%"
    if unit == "count":
        return f"{round_half_up(value, 0):,.0f}"
    return f"{round_half_up(value, pol.rate_decimals):,.{pol.rate_decimals}f}"


def determined(equations: np.ndarray, hidden: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Which hidden cells the published figures pin down exactly.

    ``equations`` has one row per published linear relation between cells (a total:
    the cells of a row of a table; a total row minus its parts), ``hidden`` flags the
    cells not shown. The visible cells are known, so each relation leaves a linear
    equation in the hidden cells; a hidden cell is determined exactly when every
    solution of the homogeneous system gives it 0, i.e. its coordinate is 0 in every
    null-space vector (scipy's SVD-based ``null_space``). This catches more than
    "a line with one hidden cell": a cell joining two blocks of hidden cells is also
    given away (the block sums are known from the totals), and this finds it.
    """
    from scipy.linalg import null_space

    hidden = np.asarray(hidden, dtype=bool)
    out = np.zeros(hidden.shape, dtype=bool)
    if not hidden.any():
        return out
    a_h = np.asarray(equations, dtype=float)[:, hidden]
    a_h = a_h[np.abs(a_h).sum(axis=1) > 0]
    if len(a_h) == 0:
        return out
    ns = null_space(a_h)
    out[hidden] = np.abs(ns).max(axis=1, initial=0.0) <= tol if ns.size else True
    return out


def _table_equations(n_r: int, n_c: int) -> np.ndarray:
    """Row and column totals of an n_r x n_c table (cells in row-major order)."""
    eq = np.zeros((n_r + n_c, n_r * n_c))
    for i in range(n_r):
        eq[i, i * n_c:(i + 1) * n_c] = 1
    for j in range(n_c):
        eq[n_r + j, j::n_c] = 1
    return eq


def recoverable(table: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Which hidden cells of a table of counts can be worked out exactly from the
    visible cells and the row and column totals (all totals shown); see
    :func:`determined`."""
    h = hidden.to_numpy(dtype=bool)
    found = determined(_table_equations(*h.shape), h.ravel()).reshape(h.shape)
    return pd.DataFrame(found, index=table.index, columns=table.columns)


def _secondary(equations: np.ndarray, hidden: np.ndarray, size: np.ndarray,
               avoid: np.ndarray | None = None, fixed: np.ndarray | None = None) -> np.ndarray:
    """Hide more cells until no hidden cell is determined: each time, the smallest
    visible non-zero cell (by ``size``) sharing a relation with a given-away cell, preferring
    cells not in ``avoid`` (totals) and never one in ``fixed`` (published elsewhere,
    or already hidden by DfE). Deterministic: ties go to the first cell."""
    h = np.asarray(hidden, dtype=bool).copy()
    eq = np.asarray(equations, dtype=float)
    avoid = np.zeros(h.shape, dtype=bool) if avoid is None else avoid
    fixed = np.zeros(h.shape, dtype=bool) if fixed is None else fixed
    while True:
        given = determined(eq, h)
        if not given.any():
            return h
        lines = eq[:, given].any(axis=1)
        near = (eq[lines] != 0).any(axis=0) & ~h & ~fixed
        if not near.any():           # a relation of one cell: nothing else to hide
            return h
        pick = near & ~avoid if (near & ~avoid).any() else near
        idx = np.flatnonzero(pick)
        # a hidden 0 protects nothing (the hidden cells then add up to the small count
        # alone), so zeros go last
        h[idx[np.argmin(np.where(size[idx] > 0, size[idx], np.inf))]] = True


def suppress_table(table: pd.DataFrame, pol: str | Policy = "published") -> pd.DataFrame:
    """A table of counts (rows x columns, totals not included: they are published
    from the true counts) with cells of 1 to 5 hidden as ``"c"``, and under the
    published policy more cells hidden (the smallest cell sharing a row or column with
    one that could be worked out) until no hidden cell can be worked out from the
    totals (:func:`recoverable`)."""
    pol = policy(pol)
    counts = table.astype(float)
    hidden = pd.DataFrame(is_small(counts.to_numpy()) if pol.suppress_small else False,
                          index=table.index, columns=table.columns)
    if pol.secondary and hidden.to_numpy().any():
        h = _secondary(_table_equations(*counts.shape), hidden.to_numpy().ravel(), counts.to_numpy().ravel())
        hidden = pd.DataFrame(h.reshape(counts.shape), index=table.index, columns=table.columns)
    out = table.astype(object).copy()
    out[hidden.to_numpy()] = "c"
    return out
