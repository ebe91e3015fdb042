"""Disclosure control on the way out, as DfE publishes: one policy for every table and
chart label.

Policies
--------
``internal``
    for the council's own analysts: nothing suppressed (the figures still never hold
    a child's row); percentages to one decimal place.
``ofsted``
    for an inspection briefing pack shared, in confidence, with inspectors: counts of
    1 to 5 children, and figures resting on them, shown as ``c``; no secondary
    suppression. No small count is printed, but one can still be worked out by a reader
    who sets figures against each other: the care leavers topic shows EET and NEET at
    19-21 for one cohort, and what they leave (3 young people whose activity is not
    known, in Herefordshire's 2020) follows by subtraction. Use ``published`` for
    anything that may go further than the people it is given to.
``published``
    for anything public (board papers online, annual reports): as ``ofsted``, plus
    secondary suppression so no suppressed count can be recovered from row or column
    totals, nor from the figures of one cohort's measures together (the cohort rule,
    :func:`cohort_withheld`: care leavers in EET and NEET leave those whose activity is
    not known).

DfE's own figures (:func:`dfe_published`: a council's figure with the counts DfE
published for it) are shown as DfE published them under every policy. The rules that
stop a reader subtracting 1 to 5 children (the children a figure leaves out, the cohort
rule) are for the figures evaltools works out itself, from a 903 extract or a local
file: hiding DfE's 36 of 38 protects no one, as DfE prints it, and blanked a council's
best and worst years (care leavers in touch, EET at 19-21, development checks).

Every policy prints percentages and rates to one decimal place, rounded half up, and a
figure DfE published as a whole number as it was published (LAIT's 20%). DfE's own
tables give a council's percentages as whole numbers, but a percentage here stands
beside the counts it comes from (72.3%, 206 of 285), so the decimal gives nothing away,
and a report's comparisons need it (51.3% the year before): rounding only the label
would print 72% beside a change computed from 72.3%.

The DfE symbols (``c`` suppressed, ``x`` not available, ``z`` not applicable, ``k``
below 0.5%, ``low``) are kept as the row's status, never turned into 0. Python's
``round`` rounds half to even (``round(0.5) == 0``); DfE rounds half up, as
:func:`round_half_up` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError, SchemaError
from .wording import REVEALS

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
    "published": Policy("published", True, True, 1, 1),
}


def policy(name: str | Policy) -> Policy:
    if isinstance(name, Policy):
        return name
    if not isinstance(name, str) or name not in POLICIES:
        raise ConfigError(f"unknown disclosure policy {name!r}", fix=f"Use one of {', '.join(POLICIES)}")
    return POLICIES[name]


def round_half_up(x, ndigits: int = 0):
    """Round half away from zero, as DfE does (2.5 -> 3, 0.125 -> 0.13 at 2 places,
    and a float sum's 22.749999999999996 -> 22.8 at 1); NaN stays NaN. Works on numbers, arrays and Series."""
    q = Decimal(1).scaleb(-ndigits)

    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return np.nan
        # from 12 significant figures: a sum of floats lands beside a true half
        # (22.749999999999996 for 22.75), which must still round up
        return float(Decimal(f"{float(v):.12g}").quantize(q, rounding=ROUND_HALF_UP))
    if isinstance(x, pd.Series):
        return x.map(one).astype(float)
    if isinstance(x, (np.ndarray, list, tuple)):
        return np.array([one(v) for v in np.asarray(x, dtype=float)])
    return one(x)


def signed(v: float) -> str:
    """A change or an interval's end with its sign, to one decimal rounded half up
    (whole numbers from 100): +2.4, -10.6, +1,234. A value that one decimal would show
    as 0.0 keeps two significant figures: an interval from -10.6 to "-0.0" reads as
    touching no change, when it ends at -0.012."""
    v = float(v)
    if v != 0 and abs(v) < 0.05:
        return ("+" if v > 0 else "-") + significant(abs(v))
    return f"{round_half_up(v, 1):+.1f}" if abs(v) < 100 else f"{round_half_up(v):+,.0f}"


def significant(x: float, digits: int = 2, *, trim: bool = False) -> str:
    """``x`` to ``digits`` significant figures as a reader would write it: 160, 48,
    4.8, 0.048, 12,000; never 1.6e+02. Rounded half up. ``trim`` drops trailing zeros
    after the point (3, not 3.00), as a chart's note writes an effect."""
    text = _significant(x, digits)
    return text.rstrip("0").rstrip(".") if trim and "." in text else text


def _significant(x: float, digits: int) -> str:
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


def gives_away(numerator, denominator, published=False) -> np.ndarray:
    """Per figure, whether showing it gives away a count of 1 to 5: its numerator, its
    denominator, or the children left out (denominator - numerator: 37 of 40 reveals
    3). The primary rule of :func:`apply`, for any pair of arrays of counts.

    ``published`` (per figure, or one for all): the figure is one DfE itself published
    with these counts (:func:`dfe_published`). The children it leaves out are then
    DfE's own subtraction, on its website: printing 36 of 38 again gives no one the 2
    it did not already have, so only a numerator or denominator of 1 to 5 counts (DfE
    shows those as c itself)."""
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    left_out = is_small(den - num) & np.isfinite(num) & ~np.asarray(published, dtype=bool)
    return is_small(num) | is_small(den) | left_out


@lru_cache(maxsize=2)
def _dfe_counts(root: str, fingerprint: str) -> dict:
    """DfE's counts by (area, year, measure), for the published files whose
    :func:`published.fingerprint` is ``fingerprint``: files replaced in a session that
    stays open (a warm kernel, a notebook a user reruns) are read again."""
    from . import published
    f = published.load_indicators(data_root=Path(root))
    f = f[(f["status"] == "ok") & f["numerator"].notna() & f["denominator"].notna()]
    return dict(zip(zip(f["area_code"].astype(str), f["period"].astype(int), f["measure"].astype(str)),
                    zip(f["numerator"].astype(float), f["denominator"].astype(float))))


def dfe_published(frame: pd.DataFrame) -> np.ndarray:
    """Per row of an indicator frame, whether its figure is one DfE published: the same
    numerator and denominator DfE gives for that area, year and measure (as now
    published, EES or LAIT), for all children and for DfE's year to 31 March (not a
    rolling 12 months, whose counts may happen to be the same). Such a figure is public already, so the
    rules that only stop a reader working out 1 to 5 children by subtraction (the
    children it leaves out, :func:`gives_away`; the cohort rule,
    :func:`cohort_withheld`) do not hide it: withholding Herefordshire's 36 of 38 under-5s
    with a development check, or its 47 of 98 care leavers in EET, protects nothing DfE
    does not print, and blanks the years a board most needs to see. A council's own
    903 figures are DfE's only where their counts are exactly DfE's."""
    out = np.zeros(len(frame), dtype=bool)
    if not len(frame) or not {"area_code", "period", "measure", "numerator", "denominator"} <= set(frame.columns):
        return out
    from . import published
    from .paths import data_dir
    try:
        dfe = _dfe_counts(str(data_dir()), published.current_fingerprint())
    except Exception:   # noqa: BLE001  # no published data to hand: nothing is DfE's
        return out
    num, den = frame["numerator"].to_numpy(dtype=float), frame["denominator"].to_numpy(dtype=float)
    periods = pd.to_numeric(frame["period"], errors="coerce").to_numpy(dtype=float)
    for i, (a, p, m) in enumerate(zip(frame["area_code"].astype(str), periods, frame["measure"].astype(str))):
        if np.isfinite(p) and (got := dfe.get((a, int(p), m))) is not None:
            out[i] = got == (num[i], den[i])
    if "breakdown" in frame.columns:            # a group of children is not DfE's figure
        out &= frame["breakdown"].fillna("all").isin(ALL_GROUPS).to_numpy()
    if "period_end" in frame.columns:           # a rolling 12 months to 30 November is not
        end = pd.to_datetime(frame["period_end"], errors="coerce")      # DfE's year to 31 March
        out &= (end.isna() | ((end.dt.month == 3) & (end.dt.day == 31)
                              & (end.dt.year == pd.to_numeric(frame["period"], errors="coerce")))).to_numpy()
    if "source" in frame.columns:
        out &= ~frame["source"].astype(str).str.contains("rolling", regex=False).to_numpy()
    return out


def apply(frame: pd.DataFrame, pol: str | Policy = "published") -> pd.DataFrame:
    """An indicator frame ready to leave the building under the policy.

    * Primary: rows whose numerator, denominator, or complement (denominator -
      numerator) is 1 to 5 get status ``c`` with no value or counts.
    * Cohort (published policy): measures that count parts of one cohort (EET and NEET
      of care leavers aged 19 to 21) leave the rest of it to subtraction; where that
      is 1 to 5 children, one more of them is hidden (:func:`cohort_withheld`).
    * Secondary (published policy): where rows add up to a total, a hidden row could be
      worked out by subtraction, so more rows are hidden until none can be
      (:func:`relations` says which rows add up; :func:`determined` checks). The
      smallest row that shares a total with the given-away one goes first.
    * Values are rounded half up to the policy's decimals.

    Rows already carrying a DfE symbol keep it. ``attrs["secondary"]`` counts the rows
    hidden by the cohort rule and secondary suppression. The input frame is not changed."""
    pol = policy(pol)
    lacking = [c for c in ("measure", "numerator", "denominator", "value", "status") if c not in frame.columns]
    if lacking:
        raise SchemaError(f"sdc.apply: the frame lacks column(s) {', '.join(lacking)}",
                          fix="Pass a tidy indicator frame (evaltools.indicators), as published.load_indicators, "
                              "measures.compute and local.read give")
    out = frame.copy()
    out.attrs["secondary"] = 0
    if pol.suppress_small and len(out):
        primary, cohort = _withheld(out, pol)
        hit = primary | cohort
        if pol.secondary and hit.any():
            hit = _secondary_rows(out, hit)
        out.attrs["secondary"] = int((hit & ~primary).sum())
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


def withheld(frame: pd.DataFrame, pol: str | Policy = "published") -> np.ndarray:
    """Which rows of an indicator frame the policy withholds, row by row and cohort by
    cohort: under ofsted and published a figure giving away 1 to 5 children
    (:func:`gives_away`), under published also the figures the cohort rule hides
    (:func:`cohort_withheld`). Relations between rows of the frame (breakdowns, areas)
    are :func:`apply`'s to add. Rows with a DfE symbol are never flagged: they show it."""
    primary, cohort = _withheld(frame, pol)
    return primary | cohort


def _withheld(frame: pd.DataFrame, pol: str | Policy) -> tuple[np.ndarray, np.ndarray]:
    """(primary, cohort): the rows :func:`withheld` flags, by rule."""
    pol = policy(pol)
    none = np.zeros(len(frame), dtype=bool)
    if not pol.suppress_small or not len(frame):
        return none, none
    ok = (frame["status"] == "ok").to_numpy()
    dfe = dfe_published(frame)
    primary = gives_away(frame["numerator"], frame["denominator"], dfe) & ok
    if not pol.secondary:
        return primary, none
    counted = np.isfinite(frame["numerator"].to_numpy(dtype=float)) & \
        np.isfinite(frame["denominator"].to_numpy(dtype=float))
    return primary, cohort_withheld(frame, ok & ~primary & counted, dfe)


def cohort_withheld(frame: pd.DataFrame, shown: np.ndarray, dfe: np.ndarray | None = None) -> np.ndarray:
    """The cohort rule of the published policy: which of the ``shown`` rows of an
    indicator frame to hide because, with the other measures of the same cohort, they
    give away 1 to 5 children.

    Measures that are shares of one cohort of a DfE table
    (:func:`evaltools.published.cohort_measures`: care leavers aged 19 to 21 in EET, not
    in EET, in higher education...) are shown each in its own table, and no table holds
    them together; yet from an area's figures for one year a reader can add and
    subtract: 98 care leavers, 47 in EET, 48 not, leaves 3 whose activity is not known.
    Where any count the shown figures of one area, year and cohort pin down (a sum of
    DfE's categories, found from how the table's categories add up) is 1 to 5, one of
    the figures that takes part is hidden too, until none is (:func:`_cohort_pick`: the
    one freeing the most such counts, then the smallest, a 0 last since hiding it hides
    nothing); beside 1 to 5 left out, one hidden figure of 6 or more leaves at least 7
    unknown.

    The rule is for the figures evaltools works out itself (the council's 903 figures),
    decided among the frame's rows of the same area, year (and period end, breakdown
    and group). DfE's own figures (:func:`dfe_published`) are never hidden by it: DfE
    publishes the count they leave (its "Total information not known" is 3), so
    hiding 47 of 98 protects no one and blanks a council's EET in the years it matters.
    ``dfe``: :func:`dfe_published` of the frame, where the caller has it already."""
    shown = np.asarray(shown, dtype=bool)
    if not shown.any() or not {"area_code", "period", "measure"} <= set(frame.columns):
        return np.zeros(len(frame), dtype=bool)
    from . import published
    members = {m for ms in published.cohort_measures().values() for m in ms}
    dfe = dfe_published(frame) if dfe is None else dfe
    return _cohort_rows(frame, shown & frame["measure"].isin(members).to_numpy() & ~dfe)


def withheld_because(area_code, measure: str, periods, plural: bool = False) -> str:
    """Why a council's withheld figures for ``periods`` are withheld, as the rest of
    "Herefordshire's figure for 2022 ...": "would reveal 1 to 5 children" (it rests on
    them, or, for a figure evaltools worked out, leaves them out or pins them down with
    other figures of the same cohort). The arguments are kept for callers."""
    return REVEALS


def _cohort_rows(frame: pd.DataFrame, shown: np.ndarray) -> np.ndarray:
    """The cohort rule among the ``shown`` rows of the frame itself: per area, year
    (period end, breakdown, group) and cohort, the rows :func:`_cohort_pick` hides."""
    from . import published, registry
    out = np.zeros(len(frame), dtype=bool)
    if not shown.any():
        return out
    f = frame[shown]
    mids = f["measure"].astype(str).to_numpy()
    periods = f["period"].to_numpy(dtype=int)
    sets = {k: published.cohort_sets(*k) for k in set(zip(mids, periods))}
    rank = {m: i for i, m in enumerate(registry.ids())}
    cohort = [str(sets[k][0]) if sets[k] else "" for k in zip(mids, periods)]
    keys = [f[c].astype(str).to_numpy() for c in ("area_code", "period", "period_end", "breakdown", "group")
            if c in f.columns]
    group = pd.Series(list(zip(*keys, cohort))).factorize()[0] if keys else np.zeros(len(f), dtype=int)
    group = np.where(np.array(cohort) != "", group, -1)
    pos = np.flatnonzero(shown)
    num, den = f["numerator"].to_numpy(dtype=float), f["denominator"].to_numpy(dtype=float)
    order = np.argsort(group, kind="stable")
    for block in np.split(order, np.flatnonzero(np.diff(group[order])) + 1):
        if len(block) < 2 or group[block[0]] < 0 or len(set(mids[block])) < len(block):
            continue
        items = [(pos[i], *sets[(mids[i], periods[i])][1:], num[i], den[i])
                 for i in sorted(block, key=lambda i: rank[mids[i]])]       # ties: registry order
        out[_cohort_pick(items)] = True
    return out


def _cohort_pick(items: list[tuple]) -> list:
    """Which figures of one cohort to hide: ``items`` are (key, numerator's categories,
    denominator's categories, numerator, denominator) of the figures shown. While some
    sum of categories that the shown figures pin down is 1 to 5, one more figure is
    hidden: of those without which such a sum is no longer pinned down, the one that
    frees the most of them, then the smallest (a 0 last), then the first."""
    live, hide = list(items), []
    while len(live) > 1:        # one figure's sums are its count, its cohort and the rest: primary
        small = _small_sums(live)
        if not small:
            break
        freed = [sum(not _pins(live[:i] + live[i + 1:], s) for s in small) for i in range(len(live))]
        if not any(freed):
            break
        pick = min(range(len(live)), key=lambda i: (-freed[i], not live[i][3] > 0, live[i][3], i))
        hide.append(live.pop(pick)[0])
    return hide


def _nodes(items: list[tuple]) -> tuple[tuple, np.ndarray] | None:
    """The sets of categories the figures count (numerators and denominators, once each)
    and their counts; None when two figures count the same set differently."""
    count: dict[frozenset, float] = {}
    for _, num, den, n, d in items:
        for cats, v in ((num, n), (den, d)):
            if count.setdefault(cats, float(v)) != float(v):
                return None
    return tuple(count), np.array(list(count.values()))


def _small_sums(items: list[tuple]) -> list[frozenset]:
    """The sums of categories the figures pin down that are 1 to 5 children."""
    nodes = _nodes(items)
    if nodes is None:
        return []
    sums, weights = _derivable(nodes[0])
    values = np.round(weights @ nodes[1], 6)
    return [s for s, small in zip(sums, is_small(values)) if small]


def _pins(items: list[tuple], cats: frozenset) -> bool:
    """Whether the figures pin down the number of children in the categories ``cats``."""
    nodes = _nodes(items)
    return nodes is not None and cats in _derivable(nodes[0])[0]


@lru_cache(maxsize=4096)
def _derivable(sets: tuple[frozenset, ...]) -> tuple[list[frozenset], np.ndarray]:
    """Every set of categories whose number of children the numbers in ``sets`` pin
    down, and the weights that give it from those numbers. The categories are first
    merged into the coarsest pieces each set is a union of; every union of pieces is
    then tested (a cohort has a handful of pieces)."""
    cats = sorted(frozenset().union(*sets))
    piece: dict[tuple, set] = {}
    for c in cats:
        piece.setdefault(tuple(c in s for s in sets), set()).add(c)
    pieces = [frozenset(p) for p in piece.values()]
    a = np.array([[p <= s for p in pieces] for s in sets], dtype=float)
    k = len(pieces)
    unions = ((np.arange(1, 2 ** k)[:, None] >> np.arange(k)) & 1).astype(float)
    unions = unions[_pinned(a, unions)]
    found = [frozenset().union(*(p for p, on in zip(pieces, u) if on)) for u in unions]
    return found, unions @ np.linalg.pinv(a)


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
    hidden = np.asarray(hidden, dtype=bool)
    out = np.zeros(hidden.shape, dtype=bool)
    if not hidden.any():
        return out
    a_h = np.asarray(equations, dtype=float)[:, hidden]
    a_h = a_h[np.abs(a_h).sum(axis=1) > 0]
    if len(a_h) == 0:
        return out
    out[hidden] = _pinned(a_h, np.eye(a_h.shape[1]), tol)
    return out


def _pinned(equations: np.ndarray, sums: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Which sums of unknown cells (rows of 0/1 or weights over the cells) the equations
    between the cells fix exactly: those giving 0 on every solution of the homogeneous
    system, i.e. orthogonal to its null space."""
    from scipy.linalg import null_space

    ns = null_space(np.asarray(equations, dtype=float))
    if not ns.size:
        return np.ones(len(sums), dtype=bool)
    return np.abs(np.asarray(sums, dtype=float) @ ns).max(axis=1) <= tol


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
    """Hide more cells until no hidden cell is determined, nor a sum of 1 to 5 of the
    hidden cells of one relation (two hidden cells of 2 and 1 beside a published total
    say that together they are 3): each time, the smallest visible non-zero cell (by
    ``size``) sharing a relation with a given-away cell or sum, preferring cells not in
    ``avoid`` (totals) and never one in ``fixed`` (published elsewhere, or already
    hidden by DfE). Deterministic: ties go to the first cell."""
    h = np.asarray(hidden, dtype=bool).copy()
    eq = np.asarray(equations, dtype=float)
    avoid = np.zeros(h.shape, dtype=bool) if avoid is None else avoid
    fixed = np.zeros(h.shape, dtype=bool) if fixed is None else fixed
    known = np.where(np.isfinite(size), size, 0.0)
    while True:
        given = determined(eq, h)
        if given.any():
            lines = eq[:, given].any(axis=1)
        else:
            # a relation's hidden cells, two or more, whose sum it gives away: 1 to 5
            several = ((eq != 0) & h).sum(axis=1) >= 2
            sums = np.abs((eq * np.where(h, known, 0.0)).sum(axis=1))
            lines = several & (sums >= SMALL[0]) & (sums <= SMALL[1])
            if not lines.any():
                return h
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


def check_chart(result, under: str | Policy, chart: str) -> None:
    """Refuse (:class:`~evaltools.errors.DisclosureError`) a chart of a statistics result
    whose points rest on 1 to 5 children (``diagnostics["points_on_few"]``, counted by
    the method from the counts it was given) under a policy (``under``) that withholds them. The
    reports check before they draw, and say so in their place; this stops an analyst's
    own notebook drawing what the reports would not."""
    from .errors import DisclosureError
    pol = policy(under)
    k = int((getattr(result, "diagnostics", None) or {}).get("points_on_few") or 0)
    if pol.suppress_small and k:
        n = len(result.series) if getattr(result, "series", None) is not None else k
        raise DisclosureError(f"{chart}: {k} of {n} points count 1 to 5 children or leave 1 to 5 out, and the chart "
                              f"would show them under the {pol.name} policy",
                              fix="Draw it with policy='internal' for use inside the council only, or chart "
                                  "longer periods (quarters or years) so that no point rests on so few")
