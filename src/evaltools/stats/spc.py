"""Statistical process control (SPC): is this month (or year) different from the usual
ups and downs?

The charts and rules follow NHS England's "Making Data Count" (MDC) guidance and its R
implementation, NHSRplotthedots:

* :func:`xmr`: the XmR (individuals) chart. Centre line = mean; process limits =
  mean ± 2.66 × mean moving range. With ``screen=True`` (the default, as
  NHSRplotthedots) moving ranges of 3.267 × the mean moving range or more are dropped
  and the mean moving range recomputed, so one wild point does not widen the limits
  (unless that would leave only moving ranges of 0, which NHSRplotthedots accepts:
  limits of no width that make every point a special cause).
* :func:`p_chart`: the p-chart for a proportion with a numerator and denominator per
  period: p̄ = Σx / Σn; limits p̄ ± 3√(p̄(1 − p̄)/nᵢ), clipped to [0, 1]. ``exclude=``
  leaves points out of the limit calculation (Montgomery's revised limits);
  ``laney=True`` (or :func:`p_prime_chart`) gives Laney's p′ chart for large
  denominators, where the p-chart's limits are far too narrow (Laney 2002): zᵢ =
  (pᵢ − p̄)/σᵢ, σ_z = mean |Δz| / 1.128, limits p̄ ± 3 σᵢ σ_z.
* :func:`u_chart`: the u-chart for a rate, events per unit of exposure (incidents per
  child who went missing, moves per year in care): ū = Σx / Σn; limits ū ± 3√(ū/nᵢ),
  the lower floored at 0. ``laney=True`` (or :func:`u_prime_chart`) gives Laney's u′
  chart, σᵢ scaled by σ_z as for p′.

``rebase=`` starts a new phase at the given periods (an intervention date, a change of
definition): every phase gets its own centre line and limits, and the rules are
applied within each phase. ``baseline=`` instead takes the limits from the points
before the given period and extends them unchanged over the rest ("fix and extend"),
with the rules applied over the whole series: the way to see whether a change that
began then shows, which limits recalculated at that very point would hide (the
after-period centred on its own mean). Recalculate (``rebase``) once a sustained change
is established and explained, as Making Data Count advises.

Each point is tested against the four MDC special-cause rules: (1) outside the
process limits; (2) a run of 7 or more on one side of the centre line; (3) a trend of
7 or more points each higher (or each lower) than the one before; (4) two of three
consecutive points beyond the 2-sigma line on the same side ("close to a limit";
a point beyond the 3-sigma limit counts as beyond 2 sigma too. NHSRplotthedots
counts only points between the 2- and 3-sigma lines and wants all three on the same
side of the mean, so it flags slightly fewer points). With the measure's polarity
each special cause is an improvement or a concern, and the latest point gives MDC's
variation icon in words; with a target, the limits give MDC's assurance icon.

Nothing here comes from statsmodels or scipy: neither implements SPC charts or the MDC
rules, and the arithmetic is a few lines. All of it is hand-written, and tested against
NHSRplotthedots' snapshots and its own tests of which points each rule flags (runs,
trends, two of three close to a limit), Montgomery's Example 7.1 and the NHS A&E data used by
Mohammed et al. (2013) for the p′ chart (tests/reference/test_spc_funnel.py). The
u-chart shares the p-chart's code but its spread, and is tested against the formulae
worked by hand (tests/stats/test_spc.py): reference/ holds no published u-chart.

``Result.ci`` holds the *process limits* of the last phase at the last point, not a
confidence interval: the range the next point should fall in if nothing changes
(about 99.7% of points for a stable, roughly normal process). ``p_value`` is None.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import registry
from ..areas import display as _display_name
from ..errors import ConfigError
from ..wording import count
from . import frames
from .results import Result

#: XmR limits: 3 / d2 with d2 = 1.128 for moving ranges of two points (MDC uses 2.66)
XMR_LIMIT = 2.66
#: D4 for ranges of two: moving ranges this many times the mean or more are screened out
MR_SCREEN = 3.267
D2 = 1.128
RUN_LENGTH = 7          # rule 2: points in a run on one side of the centre line
TREND_LENGTH = 7        # rule 3: points in a run each higher (lower) than the last
MIN_POINTS = 12         # fewer points per phase than this: limits are provisional
POLARITIES = ("high", "low", "none")
RULES = {"outside": "outside the process limits", "shift": f"run of {RUN_LENGTH}+ on one side of the centre",
         "trend": f"trend of {TREND_LENGTH}+ rising or falling", "two_of_three": "2 of 3 close to a limit"}
ICONS = {"improvement": "special cause improving variation", "concern": "special cause concerning variation",
         "common": "common cause variation"}


@dataclass(repr=False)       # Result's repr: its summary
class SPCResult(Result):
    """An SPC chart: the :class:`Result` fields plus the chart's own.

    ``estimate`` is the centre line and ``ci`` the (lower, upper) process limits of the
    last phase at the last point (process limits, not a confidence interval).
    ``series`` has one row per point: x, y, phase, centre, lpl, upl, the 1- and 2-sigma
    lines, the four rule flags, ``special_cause``, ``direction`` (+1 up, -1 down),
    ``variation`` ("improvement", "concern", "neither" or "common") and ``rules``.
    """

    _bounds = ("lower_process_limit", "upper_process_limit")

    chart: str = ""
    polarity: str = "none"
    #: MDC variation icon in words, from the latest point
    variation: str = ""
    #: MDC assurance icon in words when a target was given
    assurance: str | None = None
    target: float | None = None
    story: str = ""

    def _fmt(self, v: float, *_, **__) -> str:
        if v is None or not np.isfinite(v):
            return "n/a"
        from ..sdc import round_half_up, significant
        if self.unit == "%":
            return f"{round_half_up(v, 1):.1f}%"
        text = significant(v, 4, trim=True)           # half up, as .4g does not
        return text + (f" {self.unit}" if self.unit else "")

    def summary(self) -> str:
        s = self.series
        phase = ""
        if s is not None and "phase" in s and len(s) and s["phase"].max() > 1:
            first = s.loc[s["phase"] == s["phase"].iloc[-1], "x"].iloc[0]
            first = f"{first:%B %Y}" if hasattr(first, "strftime") else str(first)
            phase = f" (of the latest phase, from {first}; phase {int(s['phase'].iloc[-1])} of the chart)"
        lines = [f"{self.label or self.chart}: centre{phase} {self._fmt(self.estimate)}, process limits "
                 f"{self._fmt(self.ci[0])} to {self._fmt(self.ci[1])} (where points fall by chance "
                 "alone if nothing changes; not a confidence interval)",
                 self.story]
        if self.assurance:
            lines.append(f"Target {self._fmt(self.target)}: {self.assurance}.")
        lines.append(f"Method: {self.method}")
        lines += [f"Note: {n}" for n in self.diagnostics.get("notes", [])]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


# --------------------------------------------------------------------------- input

def resolve_polarity(polarity, measure) -> str:
    """"high", "low" or "none": as given, else the registry's for ``measure``, else "none"."""
    if polarity is None:
        polarity = "none"
        if measure:
            try:
                polarity = registry.get(measure).polarity
            except ConfigError:
                pass
    if polarity not in POLARITIES:
        raise ValueError(f"polarity {polarity!r} is not one of 'high' (up is good), 'low' (down is good) "
                         "or 'none'; pass one of these")
    return polarity


def is_indicator_frame(data) -> bool:
    """True for the tidy indicator frame (see :mod:`evaltools.indicators`)."""
    return isinstance(data, pd.DataFrame) and {"measure", "status", "area_code"} <= set(data.columns)


def dropped_warning(dropped, what: str = "period") -> list[str]:
    """The plain-English warning for rows :mod:`.frames` dropped (suppressed or not
    available), given as (name or period, DfE symbol) pairs; or no warning."""
    dropped = list(dropped or [])
    if not dropped:
        return []
    def when(k):            # a month of a dated series as a reader writes it: "April 2015"
        return f"{k:%B %Y}" if isinstance(k, (pd.Timestamp, np.datetime64)) and pd.Timestamp(k).is_month_end \
            else str(pd.Timestamp(k).date()) if isinstance(k, (pd.Timestamp, np.datetime64)) else str(k)
    items = ", ".join(f"{when(k)} ({s})" for k, s in dropped[:10]) + (" ..." if len(dropped) > 10 else "")
    return [f"{len(dropped)} {what}(s) with no published value (suppressed or not available) were left "
            f"out, not read as 0: {items}"]


def _tidy_meta(s: pd.DataFrame) -> dict:
    measure = s.attrs.get("measure")
    try:
        m = registry.get(measure)
        name, unit = m.short, m.unit
    except ConfigError:
        name, unit = measure, ""
    area = s["area_name"].iloc[0] if "area_name" in s.columns and len(s) else s.attrs.get("area", "")
    area = _display_name(area) if isinstance(area, str) else area      # "Herefordshire", as reports write it
    return {"measure": measure, "label": f"{name}, {area}" if area else str(name), "unit": unit}


def _x_of(df: pd.DataFrame, x):
    if x is not None:
        return x
    for c in ("x", "time", "period", "period_end", "date"):
        if c in df.columns:
            return df[c]
    return df.index


def _frame_xy(x, cols: dict, where: str) -> tuple[pd.DataFrame, list[str]]:
    """A frame with x and the given columns; drops missing values (with a warning) and
    orders by x."""
    n = len(next(iter(cols.values())))
    x = np.arange(1, n + 1) if x is None else np.asarray(x)
    if len(x) != n:
        raise ValueError(f"{where}: x has {len(x)} values but the data have {n}; give one x per point")
    df = pd.DataFrame({"x": x, **{k: pd.to_numeric(pd.Series(np.asarray(v)), errors="coerce").to_numpy(float)
                                  for k, v in cols.items()}})
    warn = []
    bad = df[list(cols)].isna().any(axis=1)
    if bad.any():
        warn.append(f"{int(bad.sum())} point(s) with no value were left out: "
                    + ", ".join(map(str, df.loc[bad, "x"].head(10))))
        df = df[~bad]
    if df["x"].duplicated().any():
        raise ValueError(f"{where}: x has repeated values ({df.loc[df['x'].duplicated(), 'x'].iloc[0]}); "
                         "give one point per period")
    if not df["x"].is_monotonic_increasing:
        df = df.sort_values("x", kind="stable")
    return df.reset_index(drop=True), warn


def _positions(x: pd.Series, values, what: str, where: str, from_date: bool = False) -> list[int]:
    """Positions of ``values`` among the points ``x``. With ``from_date`` (a rebase), a
    date on a dated series picks the first point on or after it: "2023-04-01" on a
    series of month ends starts the new phase with April 2023."""
    idx = pd.Index(x)
    dated = pd.api.types.is_datetime64_any_dtype(idx)
    out = []
    for v in ([values] if np.isscalar(values) or isinstance(values, (str, pd.Timestamp)) else values):
        try:
            key = pd.Timestamp(v) if dated else v
            if dated and from_date:
                pos = int(idx.searchsorted(key, side="left"))
                if pos == len(idx):
                    raise KeyError(v)
            else:
                pos = idx.get_loc(key)
        except (KeyError, TypeError, ValueError):
            span = (f"{idx[0]:%B %Y} to {idx[-1]:%B %Y}" if dated else f"{idx[0]} to {idx[-1]}")
            raise ValueError(f"{where}: {what} {v!r} is not " + ("in" if dated and from_date else "one of")
                             + f" the chart's periods ({span}); give periods that are in the data") from None
        out.append(int(pos))
    return out


def _phase(x: pd.Series, rebase, where: str) -> np.ndarray:
    phase = np.ones(len(x), dtype=int)
    if rebase is None:
        return phase
    for pos in sorted(set(_positions(x, rebase, "rebase period", where, from_date=True))):
        if pos == 0:
            raise ValueError(f"{where}: rebase period {x.iloc[0]!r} is the first point; a rebase starts a "
                             "new phase, so give a later period")
        phase[pos:] += 1
    sizes = np.bincount(phase)[1:]
    if (sizes < 2).any():
        k = int(np.argmax(sizes < 2)) + 1
        raise ValueError(f"{where}: phase {k} has only {int(sizes[k - 1])} point; limits need at least 2 "
                         "points per phase, so move or remove that rebase period")
    return phase


def _fixed(x: pd.Series, baseline, rebase, where: str) -> tuple[np.ndarray, dict | None]:
    """Which points the limits come from: all of them, or with ``baseline`` only those
    before it, the limits then extended unchanged over the rest ("fix and extend", as
    Making Data Count does to judge a change: limits recalculated at the change itself
    would centre the after-period on its own mean and hide it). The diagnostics entry
    saying so, or None."""
    if baseline is None:
        return np.ones(len(x), dtype=bool), None
    if rebase is not None:
        raise ValueError(f"{where}: give rebase= (new limits from each period on) or baseline= (limits from "
                         "the points before it, extended over the rest), not both")
    pos = _positions(x, baseline, "baseline period", where, from_date=True)[0]
    if pos < 2:
        raise ValueError(f"{where}: baseline {baseline!r} leaves {pos} point(s) before it; the limits need at "
                         "least 2 (and 12 or more to be relied on), so give a later period")
    fixed = np.zeros(len(x), dtype=bool)
    fixed[:pos] = True
    return fixed, {"limits_from": x.iloc[0], "limits_to": x.iloc[pos - 1], "n_limits": pos,
                   "extended_from": x.iloc[pos], "n_extended": len(x) - pos}


def _when(v) -> str:
    return f"{v:%B %Y}" if hasattr(v, "strftime") else str(v)


def _fixed_note(b: dict) -> str:
    return (f"limits from the {b['n_limits']} points {_when(b['limits_from'])} to {_when(b['limits_to'])}, extended "
            f"unchanged over the {b['n_extended']} from {_when(b['extended_from'])}, so a change from then on shows "
            "against what came before (fix and extend)")


# --------------------------------------------------------------------------- rules

def _long_runs(values: np.ndarray, length: int) -> np.ndarray:
    """Mask of the elements in runs of at least ``length`` equal, non-zero values."""
    flag = np.zeros(len(values), dtype=bool)
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        if values[i] != 0 and j - i + 1 >= length:
            flag[i:j + 1] = True
        i = j + 1
    return flag


def special_causes(y, centre, lpl, upl, lo2, hi2) -> pd.DataFrame:
    """The four MDC special-cause rules for one phase (arrays of equal length; limits
    may vary point by point). Returns one row per point with the flags, the direction
    of the special cause (+1 up, -1 down, 0 none) and the rule names."""
    y, centre, lpl, upl, lo2, hi2 = (np.asarray(v, float) for v in (y, centre, lpl, upl, lo2, hi2))
    n = len(y)
    side = np.sign(y - centre)
    outside = (y > upl) | (y < lpl)
    shift = _long_runs(side, RUN_LENGTH)
    steps = np.sign(np.diff(y))
    run = _long_runs(steps, TREND_LENGTH - 1)
    trend = np.zeros(n, dtype=bool)
    trend_dir = np.zeros(n)
    for k in np.flatnonzero(run):
        trend[[k, k + 1]] = True
        trend_dir[[k, k + 1]] = steps[k]
    two = np.zeros(n, dtype=bool)
    for beyond in (y > hi2, y < lo2):
        for i in range(n - 2):
            if beyond[i:i + 3].sum() >= 2:
                two[i:i + 3] |= beyond[i:i + 3]
    special = outside | shift | trend | two
    direction = np.where(special, np.where(outside | shift | two, side, trend_dir), 0)
    flags = {"outside": outside, "shift": shift, "trend": trend, "two_of_three": two}
    names = [", ".join(RULES[r] for r in RULES if flags[r][i]) for i in range(n)]
    return pd.DataFrame({**flags, "special_cause": special, "direction": direction.astype(int), "rules": names})


def _variation(direction: np.ndarray, special: np.ndarray, polarity: str) -> np.ndarray:
    good = {"high": 1, "low": -1}.get(polarity, 0)
    out = np.where(direction == good, "improvement", "concern").astype(object)
    if good == 0:
        out[:] = "neither"
    out[~special] = "common"
    return out


# --------------------------------------------------------------------------- story

def _icon(last: pd.Series) -> str:
    if last["variation"] == "neither":
        return ("special cause variation, " + ("higher" if last["direction"] > 0 else "lower")
                + " than usual (the measure has no polarity, so neither improving nor concerning)")
    return ICONS[last["variation"]]


def _run_back(values: np.ndarray) -> int:
    k = 1
    while k < len(values) and values[-k - 1] == values[-1]:
        k += 1
    return k


def _story(s: pd.DataFrame, centre_word: str, fixed: dict | None = None) -> str:
    last = s.iloc[-1]
    ph = s[s["phase"] == last["phase"]]
    icon = _icon(last)
    if not last["special_cause"]:
        text = ("The latest point is inside the process limits and no run, trend or cluster near a limit "
                f"is under way: {icon} (the usual ups and downs; nothing here shows a real change).")
    else:
        up = last["direction"] > 0
        parts = []
        if last["outside"]:
            parts.append(f"the latest point is {'above the upper' if up else 'below the lower'} process limit")
        if last["two_of_three"]:
            parts.append(f"two of the last three points are close to the {'upper' if up else 'lower'} limit")
        if last["shift"]:
            k = _run_back(np.sign(ph["y"].to_numpy() - ph["centre"].to_numpy()))
            parts.append(f"the last {k} points are all {'above' if up else 'below'} the {centre_word}")
        if last["trend"]:
            k = _run_back(np.sign(np.diff(ph["y"].to_numpy()))) + 1
            parts.append(f"the last {k} points have each been {'higher' if up else 'lower'} than the one before")
        text = "; ".join(parts)
        text = text[0].upper() + text[1:] + f": {icon}."
    earlier = ph.iloc[:-1]
    earlier = earlier[earlier["special_cause"]]
    words = {"improvement": "improving", "concern": "concerning", "neither": "with no better direction set"}

    def kinds(points) -> str:
        return ", ".join(f"{v} {words[k]}" for k, v in points["variation"].value_counts().items())
    if fixed:               # the months since the limits were fixed are what the reader asks about
        since = earlier[earlier["x"] >= fixed["extended_from"]]
        before = earlier[earlier["x"] < fixed["extended_from"]]
        text += (f" Since {_when(fixed['extended_from'])}, against the limits from before, "
                 + (f"{count(len(since), 'earlier point')} showed special causes ({kinds(since)})" if len(since)
                    else "no earlier point showed a special cause")
                 + (f"; before it, {count(len(before), 'point')} did ({kinds(before)})." if len(before) else "."))
    elif len(earlier):
        text += f" Earlier in this phase {count(len(earlier), 'point')} showed special causes ({kinds(earlier)})."
    return text


def _assurance(target, lpl, upl, polarity) -> str | None:
    if target is None:
        return None
    if not (np.isfinite(lpl) and np.isfinite(upl)):
        return "not assessed (no process limits)"
    if lpl <= target <= upl:
        return ("hit and miss: the target lies inside the process limits, so it will be met in some "
                "periods and missed in others by chance alone; the process has to change to meet it reliably")
    above = lpl > target
    if polarity == "none":
        return f"the whole process lies {'above' if above else 'below'} the target"
    passing = above == (polarity == "high")
    return ("consistently passing the target: the process limits lie on the right side of it" if passing
            else "consistently failing the target: it will not be met without a change to the process")


# --------------------------------------------------------------------------- assembly

def _finish(df: pd.DataFrame, *, chart, method, polarity, target, label, unit, warnings, diagnostics,
            centre_word) -> SPCResult:
    parts = []
    for _, ph in df.groupby("phase", sort=True):
        parts.append(special_causes(ph["y"], ph["centre"], ph["lpl"], ph["upl"], ph["lower_2s"],
                                    ph["upper_2s"]).set_index(ph.index))
    df = pd.concat([df, pd.concat(parts)], axis=1)
    df["variation"] = _variation(df["direction"].to_numpy(), df["special_cause"].to_numpy(), polarity)
    fixed = diagnostics.get("baseline")
    if fixed and fixed["n_limits"] < MIN_POINTS:
        warnings.append(f"the limits come from only {fixed['n_limits']} points before {_when(fixed['extended_from'])}, "
                        f"fewer than {MIN_POINTS}: they are provisional (Making Data Count suggests 15 to 20 "
                        "points before relying on them)")
    # with a baseline the limits come from its points alone (said above), not a phase's
    for k, ph in df.groupby("phase", sort=True) if not fixed else ():
        if len(ph) < MIN_POINTS:
            where = f"phase {k} (from {ph['x'].iloc[0]})" if df["phase"].max() > 1 else "the chart"
            warnings.append(f"{where} has only {len(ph)} points, fewer than {MIN_POINTS}: its limits are "
                            "provisional (Making Data Count suggests 15 to 20 points before relying on them)")
    if diagnostics.get("points_on_few"):
        warnings.append(frames.few_warning(diagnostics["points_on_few"], len(df)))
    last = df.iloc[-1]
    if last["upl"] == last["lpl"]:
        # every point the limits come from is the same (0 incidents a month, 0%): "common
        # cause" would read as ordinary ups and downs where nothing varied at all
        warnings.append(f"the limits have no width: the points they come from do not vary (centre "
                        f"{last['centre']:.3g}{unit}), so any change at all falls outside them, and inside them "
                        "means only that nothing moved")
    story = _story(df, centre_word, fixed)
    assurance = _assurance(target, last["lpl"], last["upl"], polarity)
    n_phase = int((df["phase"] == last["phase"]).sum())
    diagnostics.update({"n_points": len(df), "n_phases": int(df["phase"].max()), "n_last_phase": n_phase,
                        "n_special_cause": int(df["special_cause"].sum()),
                        "n_outside": int(df["outside"].sum()), "polarity": polarity})
    return SPCResult(method=method, estimate=float(last["centre"]), ci=(float(last["lpl"]), float(last["upl"])),
                     level=0.997, label=label, unit=unit, diagnostics=diagnostics, warnings=warnings,
                     series=df, chart=chart, polarity=polarity, variation=_icon(last), assurance=assurance,
                     target=target, story=story)


def _sigma_lines(df: pd.DataFrame, sigma) -> pd.DataFrame:
    for k in (1, 2):
        df[f"lower_{k}s"] = df["centre"] - k * sigma
        df[f"upper_{k}s"] = df["centre"] + k * sigma
    return df


def _check_target(target, unit, where):
    if target is not None and unit == "%" and not 0 <= target <= 100:
        raise ValueError(f"{where}: target {target} is outside 0 to 100; give a percentage (60 for 60%)")


def xmr(data, *, x=None, measure: str | None = None, area: str | None = None, polarity: str | None = None,
        rebase=None, baseline=None, screen: bool = True, target: float | None = None,
        label: str = "") -> SPCResult:
    """XmR (individuals) chart, as NHS England's Making Data Count and NHSRplotthedots.

    ``data``: the tidy indicator frame (with ``measure``/``area`` to pick one series; a
    percentage measure is charted in percent, 0 to 100, like :func:`p_chart`), a
    pandas Series (its index is x), a DataFrame with ``y`` or ``value`` and an x column
    (``x``, ``time`` or ``period``), or an array with optional ``x``.

    Centre = mean of the phase; limits = mean ± 2.66 × mean moving range, after
    dropping moving ranges ≥ 3.267 × their mean when ``screen`` (NHSRplotthedots'
    ``screen_outliers``). The 1- and 2-sigma lines are the centre ± 1/3 and 2/3 of
    that. ``rebase``: periods where a new phase starts. ``baseline``: a period (or
    date) before which the points give the limits, extended unchanged over the points
    from it on ("fix and extend": to see whether a change that began then shows).
    ``polarity``: "high" (up is good), "low" or "none"; taken from the registry for a
    registry measure.
    ``target``: gives MDC's assurance (e.g. "hit and miss").

    Hand-written (no library implements it); see the module docstring.
    """
    where = "xmr"
    warnings: list[str] = []
    unit, meta = "", {}
    den = None
    if is_indicator_frame(data):
        s = frames.series(data, measure, area, where=where, overlapping=False)
        warnings += dropped_warning((t, st) for _, t, st in s.attrs.get("dropped", []))
        meta = _tidy_meta(s)
        unit = "%" if meta["unit"] == "percent" else registry.UNIT_LABELS.get(meta["unit"], "")
        cols = {"y": s["value"].to_numpy(float)}
        meta["on_few"] = frames.on_few(s["numerator"], s["denominator"], s)
        if s["denominator"].notna().any():       # counts have no denominator: keep every point
            cols["den"] = s["denominator"].to_numpy(float)
        df, w = _frame_xy(s["time"].to_numpy(), cols, where)
        den = df.pop("den") if "den" in df else None
    elif isinstance(data, pd.DataFrame):
        ycol = next((c for c in ("y", "value") if c in data.columns), None)
        if ycol is None:
            raise ValueError(f"{where}: the frame has no 'y' or 'value' column; pass a tidy indicator frame, "
                             "or a frame with y (and x) columns, or an array")
        df, w = _frame_xy(_x_of(data, x), {"y": data[ycol]}, where)
    elif isinstance(data, pd.Series):
        df, w = _frame_xy(data.index if x is None else x, {"y": data}, where)
    else:
        y = np.atleast_1d(np.asarray(data, dtype=float))
        df, w = _frame_xy(x, {"y": y}, where)
    warnings += w
    polarity = resolve_polarity(polarity, meta.get("measure") or measure)
    _check_target(target, unit, where)
    if len(df) < 2:
        raise ValueError(f"{where}: only {len(df)} point(s) with a value; an XmR chart needs at least 2 "
                         "(and 12 or more for useful limits)")
    df["phase"] = _phase(df["x"], rebase, where)
    fixed, fixed_info = _fixed(df["x"], baseline, rebase, where)
    amr_by_phase = {}
    for k, ph in df.groupby("phase", sort=True):
        y = ph["y"].to_numpy()[fixed[ph.index.to_numpy()]]
        mr = np.abs(np.diff(y))
        amr = mr.mean()
        n_screened = 0
        if screen and amr > 0:      # no moving range at all (a flat phase): none is large
            keep = mr < MR_SCREEN * amr
            # screening that leaves only moving ranges of 0 (23 months at 3, one at 10)
            # would give limits of no width and make every point a special cause: the
            # ranges are kept (NHSRplotthedots would screen them; a flat chart helps no one)
            if keep.any() and mr[keep].mean() > 0:
                n_screened = int((~keep).sum())
                amr = mr[keep].mean()
        amr_by_phase[int(k)] = {"mean_moving_range": float(amr), "moving_ranges_screened": n_screened}
        df.loc[ph.index, "centre"] = y.mean()
        df.loc[ph.index, "amr"] = amr
    df["lpl"] = df["centre"] - XMR_LIMIT * df["amr"]
    df["upl"] = df["centre"] + XMR_LIMIT * df["amr"]
    df = _sigma_lines(df, XMR_LIMIT / 3 * df.pop("amr"))
    if den is not None and den.notna().all() and den.min() > 0 and den.max() / den.min() >= 1.5:
        warnings.append(f"the denominator ranges from {den.min():,.0f} to {den.max():,.0f}: an XmR chart treats "
                        "every point as equally precise, so "
                        + ("for a proportion use p_chart" if unit == "%" else "for a rate use u_chart")
                        + " (its limits allow for the size of each period's denominator)")
    last = amr_by_phase[int(df["phase"].iloc[-1])]
    notes = []
    if last["moving_ranges_screened"]:
        notes.append(f"{last['moving_ranges_screened']} unusually large moving range(s) were left out of the "
                     "limit calculation (screening, as NHSRplotthedots), so one jump does not widen the limits")
    if fixed_info:
        notes.append(_fixed_note(fixed_info))
    diagnostics = {"mean_moving_range": last["mean_moving_range"], "screen": screen, "measure": meta.get("measure"),
                   "phases": amr_by_phase, "notes": notes, "points_on_few": meta.get("on_few", 0),
                   "baseline": fixed_info}
    method = ("XmR chart (Making Data Count): mean ± 2.66 × mean moving range"
              + (", moving ranges ≥ 3.267 × mean screened out" if screen else ""))
    return _finish(df, chart="XmR chart", method=method, polarity=polarity, target=target,
                   label=label or meta.get("label", ""), unit=unit, warnings=warnings,
                   diagnostics=diagnostics, centre_word="mean")


def p_chart(data=None, *, numerator=None, denominator=None, x=None, measure: str | None = None,
            area: str | None = None, polarity: str | None = None, rebase=None, baseline=None, exclude=None,
            laney: bool = False, target: float | None = None, label: str = "") -> SPCResult:
    """p-chart (or Laney p′ chart with ``laney=True``) of a proportion per period.

    ``data``: the tidy indicator frame (numerator and denominator of one area's
    measure), or a DataFrame with ``numerator`` and ``denominator`` columns and an x
    column (``x``, ``time`` or ``period``); or give ``numerator=`` and
    ``denominator=`` arrays (and ``x=``).

    Per phase: p̄ = Σx/Σn over the points not in ``exclude`` (and, with ``baseline``,
    before it: see the module docstring); σᵢ = √(p̄(1 − p̄)/nᵢ);
    limits p̄ ± 3σᵢ, clipped to [0, 1]. Laney: zᵢ = (pᵢ − p̄)/σᵢ, σ_z = mean |Δz| /
    1.128 (moving ranges of the included points, unscreened), limits p̄ ± 3σᵢσ_z.
    Values, limits and ``target`` are percentages (0 to 100), like every result; the
    arithmetic is on proportions.

    Hand-written (no library implements it); see the module docstring.
    """
    return _attribute_chart("p", data, numerator=numerator, denominator=denominator, x=x, measure=measure,
                            area=area, polarity=polarity, rebase=rebase, baseline=baseline, exclude=exclude,
                            laney=laney, target=target, label=label)


def u_chart(data=None, *, numerator=None, denominator=None, x=None, measure: str | None = None,
            area: str | None = None, polarity: str | None = None, rebase=None, baseline=None, exclude=None,
            laney: bool = False, target: float | None = None, label: str = "") -> SPCResult:
    """u-chart (or Laney u′ chart with ``laney=True``) of a rate per period: events
    (``numerator``) per unit of exposure (``denominator``), such as missing incidents
    per child who went missing. Arguments as :func:`p_chart`.

    Per phase: ū = Σx/Σn over the points not in ``exclude`` (and before ``baseline``);
    σᵢ = √(ū/nᵢ); limits ū ± 3σᵢ, the lower one floored at 0 (Montgomery, section
    7.3). Laney's u′: zᵢ = (uᵢ − ū)/σᵢ, σ_z = mean |Δz| / 1.128, limits ū ± 3σᵢσ_z:
    the month-to-month spread of the rate itself sets the limits, and the denominators
    only how they widen and narrow, so counts that vary more (or less) than Poisson
    chance are charted honestly. Values are in the rate's own units.

    Hand-written (no library implements it); see the module docstring.
    """
    return _attribute_chart("u", data, numerator=numerator, denominator=denominator, x=x, measure=measure,
                            area=area, polarity=polarity, rebase=rebase, baseline=baseline, exclude=exclude,
                            laney=laney, target=target, label=label)


#: the two charts for counts with a denominator: a proportion (p) and a rate (u)
_ATTRIBUTE = {
    "p": {"name": "p-chart", "prime": "p′ chart", "where": ("p_chart", "p_prime_chart"), "bar": "pbar",
          "what": "a proportion",
          "method": "p-chart: p̄ ± 3√(p̄(1 − p̄)/n), p̄ = Σ numerator / Σ denominator",
          "prime_method": "Laney p′ chart: p̄ ± 3 σᵢ σ_z, σ_z = mean moving range of z-scores / 1.128"},
    "u": {"name": "u-chart", "prime": "u′ chart", "where": ("u_chart", "u_prime_chart"), "bar": "ubar",
          "what": "a rate",
          "method": "u-chart: ū ± 3√(ū/n), ū = Σ numerator / Σ denominator",
          "prime_method": "Laney u′ chart: ū ± 3 σᵢ σ_z, σᵢ = √(ū/nᵢ), σ_z = mean moving range of z-scores / 1.128"},
}


def _attribute_chart(kind, data=None, *, numerator, denominator, x, measure, area, polarity, rebase, baseline,
                     exclude, laney, target, label) -> SPCResult:
    """:func:`p_chart` (``kind`` "p") and :func:`u_chart` ("u"): the same steps, with
    the binomial or the Poisson spread."""
    spec = _ATTRIBUTE[kind]
    where = spec["where"][bool(laney)]
    bar_key = spec["bar"]                  # p̄ or ū in the diagnostics, by its usual name
    warnings: list[str] = []
    meta = {}
    if is_indicator_frame(data):
        s = frames.series(data, measure, area, where=where, overlapping=False)
        warnings += dropped_warning((t, st) for _, t, st in s.attrs.get("dropped", []))
        meta = _tidy_meta(s)
        if s[["numerator", "denominator"]].isna().any().any():
            raise ValueError(f"{where}: measure {meta['measure']!r} has no numerator/denominator for some "
                             f"periods; a {spec['name']} needs counts, so use xmr for this measure")
        xs, num, den = s["time"].to_numpy(), s["numerator"], s["denominator"]
        # counts DfE published for the year give away only a count of 1 to 5 (on_few);
        # s has no gaps in its counts (checked above), so it keeps the chart's order
        on_few = frames.on_few(num, den, s)
    elif isinstance(data, pd.DataFrame):
        if not {"numerator", "denominator"} <= set(data.columns):
            raise ValueError(f"{where}: the frame needs 'numerator' and 'denominator' columns (or pass "
                             "numerator= and denominator= arrays)")
        xs, num, den = _x_of(data, x), data["numerator"], data["denominator"]
    elif data is None and numerator is not None and denominator is not None:
        xs, num, den = x, numerator, denominator
    else:
        raise ValueError(f"{where}: give a tidy indicator frame, a frame with numerator and denominator, "
                         "or numerator= and denominator= arrays")
    df, w = _frame_xy(xs, {"numerator": num, "denominator": den}, where)
    warnings += w
    if not is_indicator_frame(data):
        on_few = frames.on_few(df["numerator"], df["denominator"])
    bad = (df["denominator"] <= 0) | (df["numerator"] < 0)
    if kind == "p":
        bad |= df["numerator"] > df["denominator"]
    if bad.any():
        first = df[bad].iloc[0]
        need = ("0 <= numerator <= denominator and denominator > 0" if kind == "p"
                else "numerator >= 0 and denominator > 0")
        raise ValueError(f"{where}: at {first['x']} the numerator {first['numerator']:g} and "
                         f"denominator {first['denominator']:g} are not {spec['what']}; each needs {need}")
    if len(df) < 2:
        raise ValueError(f"{where}: only {len(df)} point(s); a {spec['name']} needs at least 2 (and 12 or more "
                         "for useful limits)")
    polarity = resolve_polarity(polarity, meta.get("measure") or measure)
    unit = "%" if kind == "p" else (registry.UNIT_LABELS.get(meta["unit"], "") if meta else "")
    _check_target(target, unit, where)
    df["y"] = df["numerator"] / df["denominator"]      # proportions here; percentages at the end
    df["n"] = df.pop("denominator")
    df["phase"] = _phase(df["x"], rebase, where)
    df["excluded"] = False
    if exclude is not None:
        df.loc[_positions(df["x"], exclude, "excluded period", where), "excluded"] = True
    fixed, fixed_info = _fixed(df["x"], baseline, rebase, where)

    def spread(bar, n):
        return np.sqrt((bar * (1 - bar) if kind == "p" else bar) / n)
    by_phase = {}
    for k, ph in df.groupby("phase", sort=True):
        inc = ph[~ph["excluded"].to_numpy() & fixed[ph.index.to_numpy()]]
        if len(inc) < 2:
            raise ValueError(f"{where}: phase {k} has fewer than 2 points left after exclude=; "
                             "exclude fewer points")
        bar = inc["numerator"].sum() / inc["n"].sum()
        sigma = spread(bar, ph["n"])
        degenerate = bar == 0 or (kind == "p" and bar == 1)
        z = (inc["y"] - bar) / spread(bar, inc["n"]) if not degenerate else None
        sigma_z = float(np.abs(np.diff(z)).mean() / D2) if not degenerate else float("nan")
        by_phase[int(k)] = {bar_key: float(bar), "sigma_z": sigma_z, "n_excluded": int(ph["excluded"].sum())}
        df.loc[ph.index, "centre"] = bar
        df.loc[ph.index, "sigma"] = sigma * (sigma_z if laney and np.isfinite(sigma_z) else 1.0)
    sigma = df.pop("sigma")
    df["lpl"] = (df["centre"] - 3 * sigma).clip(lower=0.0)
    df["upl"] = df["centre"] + 3 * sigma
    if kind == "p":
        df["upl"] = df["upl"].clip(upper=1.0)
    df = _sigma_lines(df, sigma)
    df = df[["x", "y", "numerator", "n", "phase", "excluded", "centre", "lpl", "upl",
             "lower_1s", "upper_1s", "lower_2s", "upper_2s"]]
    if kind == "p":
        pct = ["y", "centre", "lpl", "upl", "lower_1s", "upper_1s", "lower_2s", "upper_2s"]
        df[pct] = df[pct] * 100.0
        for ph in by_phase.values():
            ph[bar_key] *= 100.0
    last = by_phase[int(df["phase"].iloc[-1])]
    notes = []
    if last["n_excluded"]:
        notes.append(f"{last['n_excluded']} point(s) excluded from the limit calculation (revised limits); "
                     "they are still plotted and tested")
    outside = int(((df["y"] > df["upl"]) | (df["y"] < df["lpl"])).sum())
    if not laney and last["sigma_z"] > 1.5 and outside >= max(2, 0.2 * len(df)):
        warnings.append(f"{outside} of {len(df)} points are outside the {spec['name']} limits and the "
                        f"period-to-period spread is {last['sigma_z']:.1f} times what chance alone gives "
                        f"(sigma_z): with denominators this large (median {df['n'].median():,.0f}) the limits "
                        f"are too narrow; use laney=True (Laney {spec['prime']})")
    if laney and last["sigma_z"] < 1:
        notes.append(f"sigma_z = {last['sigma_z']:.2f} < 1: the {spec['prime']} limits are narrower than the "
                     f"{spec['name']}'s (less variation than {'binomial' if kind == 'p' else 'Poisson'} chance)"
                     + ("; the p-chart may be the safer choice" if kind == "p" else ""))
    if fixed_info:
        notes.append(_fixed_note(fixed_info))
    diagnostics = {bar_key: last[bar_key], "sigma_z": last["sigma_z"], "laney": laney, "phases": by_phase,
                   "measure": meta.get("measure"), "notes": notes,
                   "points_on_few": on_few, "baseline": fixed_info}
    return _finish(df, chart=spec["prime"] if laney else spec["name"],
                   method=spec["prime_method"] if laney else spec["method"], polarity=polarity,
                   target=target, label=label or meta.get("label", ""), unit=unit, warnings=warnings,
                   diagnostics=diagnostics, centre_word="average")


def p_prime_chart(data=None, **kwargs) -> SPCResult:
    """Laney's p′ chart: :func:`p_chart` with ``laney=True``. Use it when denominators
    are large (hundreds of thousands, or whole-England figures) and the p-chart flags
    most points: between-period variation then dwarfs binomial noise (Laney 2002)."""
    return p_chart(data, laney=True, **kwargs)


def u_prime_chart(data=None, **kwargs) -> SPCResult:
    """Laney's u′ chart: :func:`u_chart` with ``laney=True``."""
    return u_chart(data, laney=True, **kwargs)
