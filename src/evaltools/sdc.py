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


def is_small(n) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    return (n >= SMALL[0]) & (n <= SMALL[1])


def apply(frame: pd.DataFrame, pol: str | Policy = "published") -> pd.DataFrame:
    """An indicator frame ready to leave the building under the policy: rows whose
    numerator, denominator, or the complement (denominator - numerator) is 1 to 5 get
    status ``c`` with no value or counts; values are rounded half up. Rows already
    carrying a DfE symbol keep it."""
    pol = policy(pol)
    out = frame.copy()
    if pol.suppress_small:
        num, den = out["numerator"].to_numpy(dtype=float), out["denominator"].to_numpy(dtype=float)
        rest = den - num
        hit = is_small(num) | is_small(den) | (is_small(rest) & np.isfinite(num))
        hit &= (out["status"] == "ok").to_numpy()
        out.loc[hit, ["numerator", "denominator", "value"]] = np.nan
        out.loc[hit, "status"] = "c"
    if "measure" in out:
        from . import registry
        units = {m: registry.get(m).unit for m in out["measure"].unique() if m in registry.ids()}
        dec = out["measure"].map(lambda m: pol.percent_decimals if units.get(m) == "percent"
                                 else pol.rate_decimals)
        out["value"] = [round_half_up(v, int(d)) for v, d in zip(out["value"], dec)]
    return out


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
    return f"{round_half_up(value, pol.rate_decimals):,.{pol.rate_decimals}f}"


def recoverable(table: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Which hidden cells of a table of counts can be worked out exactly from the
    visible cells and the row and column totals (all totals shown): repeatedly solve
    any row or column with one hidden cell left."""
    known = ~hidden.to_numpy().copy()
    n_r, n_c = known.shape
    changed = True
    while changed:
        changed = False
        for i in range(n_r):
            if (~known[i]).sum() == 1:
                known[i] = True
                changed = True
        for j in range(n_c):
            if (~known[:, j]).sum() == 1:
                known[:, j] = True
                changed = True
    return pd.DataFrame(known & hidden.to_numpy(), index=table.index, columns=table.columns)


def suppress_table(table: pd.DataFrame, pol: str | Policy = "published") -> pd.DataFrame:
    """A table of counts (rows x columns, totals not included: they are published
    from the true counts) with cells of 1 to 5 hidden as ``"c"``, and under the
    published policy more cells hidden (the smallest other cell in the row or column
    that would give one away) until no hidden cell can be worked out from the totals."""
    pol = policy(pol)
    counts = table.astype(float)
    hidden = pd.DataFrame(is_small(counts.to_numpy()) if pol.suppress_small else False,
                          index=table.index, columns=table.columns)
    if pol.secondary:
        values = counts.to_numpy()
        h = hidden.to_numpy().copy()
        while True:
            # a row or column with exactly one hidden cell gives it away (total minus
            # the rest); hide the smallest other cell in it, until none is left
            lines = [("r", i) for i in range(h.shape[0]) if h[i].sum() == 1] + \
                    [("c", j) for j in range(h.shape[1]) if h[:, j].sum() == 1]
            if not lines:
                break
            kind, k = lines[0]
            cells = [(values[k, m], k, m) for m in range(h.shape[1]) if not h[k, m]] if kind == "r" \
                else [(values[m, k], m, k) for m in range(h.shape[0]) if not h[m, k]]
            if not cells:            # a line of one cell: its total is the cell itself
                break
            _, a, b = min(cells)
            h[a, b] = True
        hidden = pd.DataFrame(h, index=table.index, columns=table.columns)
    out = table.astype(object).copy()
    out[hidden.to_numpy()] = "c"
    return out
