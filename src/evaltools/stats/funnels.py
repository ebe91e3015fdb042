"""Funnel plots: which councils differ from the rest by more than their size explains?

A small council's percentage jumps about far more than a large one's. A funnel plot
draws each council's figure against its denominator (number of children) with control
limits that narrow as the denominator grows (Spiegelhalter 2005, "Funnel plots for
comparing institutional performance", Stat Med 24:1185-1202; FunnelPlotR).

* ``kind="proportion"``: x of n children. Target = pooled Σx/Σn unless given.
  Limits are exact binomial with Spiegelhalter's interpolation between the discrete
  quantiles (his Appendix A.1.1: rₚ the smallest r with P(X ≤ r) ≥ p, α =
  (P(X ≤ rₚ) − p)/P(X = rₚ), limit (rₚ − α)/n).
* ``kind="ratio"``: observed over expected (an indirectly standardised ratio, as
  FunnelPlotR's "SR"); target 1 unless given. Exact Poisson limits as FunnelPlotR:
  qchisq(p, 2θE)/(2E) and qchisq(1 − p, 2(θE + 1))/(2E).
* ``overdispersion="additive"``: Spiegelhalter's additive random-effects
  adjustment. Each unit's z-score on a transformed scale (``scale``: "log" for ratios,
  as NHS England's SHMI, or "sqrt" as CQC; "arcsine" for proportions, as FunnelPlotR,
  or "logit" or "identity"); the 10% most extreme z-scores in each tail are truncated
  by rank (``trim="truncate"``, SHMI, the default) or Winsorised (``"winsorise"``,
  Spiegelhalter/CQC); φ = mean z²; τ² = (nφ − (n − 1)) / (Σw − Σw²/Σw) with w = 1/s²
  (0, "no overdispersion", when nφ < n − 1); limits g⁻¹(g(θ) ± z_α √(s² + τ²)).

The binomial, Poisson/chi-square and normal quantiles are scipy's; the interpolation,
transformations, trimming, φ and τ² are hand-written (a few lines each, and no Python
library implements Spiegelhalter's funnel): they follow the paper and FunnelPlotR and
are tested against FunnelPlotR's medpar example and its Poisson-limit tests
(tests/reference/test_spc_funnel.py).

Proportions are reported on their measure's scale (values, limits, target): percentages
(0 to 100), like every result, or per 10,000 for a rate per 10,000 children (``per``); the arithmetic is on proportions. ``Result.estimate`` is the target; ``Result.ci`` holds the outer (99.8%) control
limits at the median denominator, to show the funnel's width: they are control limits,
not a confidence interval. ``.table`` has one row per council; ``.series`` the limit
curves on a grid of denominators for the chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .. import registry
from ..areas import display as _display_name
from ..errors import ConfigError, SchemaError
from . import frames
from .spc import dropped_warning, is_indicator_frame, resolve_polarity
from .results import Result

KINDS = ("proportion", "ratio")
SCALES = {"proportion": ("arcsine", "logit", "identity"), "ratio": ("log", "sqrt")}
TRIMS = ("truncate", "winsorise", None)
MIN_UNITS = 10


@dataclass(repr=False)       # Result's repr: its summary
class FunnelResult(Result):
    """A funnel plot: the :class:`Result` fields plus the funnel's own. ``estimate`` is
    the target (the centre line) and ``ci`` the outer control limits at the median
    denominator (``to_frame`` names them ``lower_limit`` and ``upper_limit``: they are
    where a council's figure falls by chance, not a confidence interval)."""

    _bounds = ("lower_limit", "upper_limit")

    kind: str = "proportion"
    polarity: str = "none"
    levels: tuple = (0.95, 0.998)
    highlight: list = field(default_factory=list)
    period: object = None
    #: True when the limits in ``table``/``series`` are overdispersion-adjusted
    adjusted: bool = False
    #: a proportion's values are per this many: 100 (percentages), or 10,000 for a rate
    #: per 10,000 children (the measure's own scale, as DfE publishes it)
    per: float = 100.0

    def _fmt(self, v: float, *_, **__) -> str:
        if self.kind == "proportion":
            return f"{v:.1f}%" if self.per == 100 else f"{v:,.1f} per {self.per:,.0f}"
        return f"{v:.3g}"

    def summary(self) -> str:
        d, t = self.diagnostics, self.table
        what = "councils" if d.get("from_indicators") else "units"
        lines = [f"{self.label or 'Funnel plot'}: target {self._fmt(self.estimate)} across {len(t)} {what}"
                 + (f" ({self.period})" if self.period is not None else "")]
        for lvl in sorted(self.levels, reverse=True):
            tag = level_tag(lvl)
            lines.append(f"Outside the {_pct(lvl)} limits: {d[f'n_above_{tag}']} above, {d[f'n_below_{tag}']} "
                         f"below (about {len(t) * (1 - lvl):.1f} expected by chance alone if every one "
                         "had the same underlying rate)")
        if d.get("adjusted"):
            lines.append(f"Limits widened for overdispersion: φ = {d['phi']:.3g}, τ² = {d['tau2']:.4g} (additive "
                         f"random effects on the {d['scale']} scale, Spiegelhalter 2005)")
        elif d.get("overdispersion") == "additive":
            lines.append(f"No overdispersion (φ = {d['phi']:.3g}): exact limits used")
        for _, r in t[t["highlight"]].iterrows():
            who = _display_name(str(r["unit"])) if d.get("from_indicators") else r["unit"]
            lines.append(f"{who}: {self._fmt(r['value'])} (denominator {r['denominator']:,.0f}), "
                         f"{r['flag']}: {r['assessment']}")
        lines.append(f"Method: {self.method}")
        lines += [f"Note: {n}" for n in d.get("notes", [])]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def level_tag(level: float) -> str:
    """The column suffix for a limit level: 0.95 -> "95", 0.998 -> "998"."""
    return f"{100 * level:g}".replace(".", "")


def _pct(level: float) -> str:
    return f"{100 * level:g}%"


# --------------------------------------------------------------------------- limits

def binomial_limits(n, target: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial funnel limits for proportions at denominators ``n``, with
    Spiegelhalter's (2005, Appendix A.1.1) interpolation between discrete quantiles.
    The quantiles are scipy's; the interpolation is hand-written.

    Where the upper quantile is n itself (all n is not unusual: at 7 children and an
    England rate of 64%, 7 of 7 happens 4% of the time), the upper limit is 100%. The
    interpolation would put it just below, (n - alpha) / n, and flag every 100% as
    beyond even the 99.8% limit; at the bottom the same step falls below 0% and is cut
    to 0%, so a 0% was never flagged for it."""
    n = np.asarray(n, dtype=float)
    out = []
    for q in ((1 - level) / 2, 1 - (1 - level) / 2):
        r = stats.binom.ppf(q, n, target)
        f = stats.binom.cdf(r, n, target)
        pmf = stats.binom.pmf(r, n, target)
        alpha = np.divide(f - q, pmf, out=np.zeros_like(f), where=pmf > 0)
        limit = np.clip((r - alpha) / n, 0.0, 1.0)
        if q > 0.5:
            limit = np.where(r >= n, 1.0, limit)
        out.append(limit)
    return out[0], out[1]


def poisson_limits(expected, target: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson limits for an observed/expected ratio at expected counts
    ``expected``, as FunnelPlotR: qchisq(p, 2θE)/(2E) and qchisq(1 − p, 2(θE + 1))/(2E)
    (scipy's chi-square quantiles)."""
    e = np.asarray(expected, dtype=float)
    q = (1 - level) / 2
    return stats.chi2.ppf(q, 2 * target * e) / (2 * e), stats.chi2.ppf(1 - q, 2 * (target * e + 1)) / (2 * e)


def _exact(kind, d, target, level):
    return binomial_limits(d, target, level) if kind == "proportion" else poisson_limits(d, target, level)


def _transform(kind: str, scale: str, target: float):
    """g, its inverse, and the standard error s(denominator) on the scale g."""
    if scale == "arcsine":
        return (lambda p: np.arcsin(np.sqrt(p)), lambda v: np.sin(np.clip(v, 0, np.pi / 2)) ** 2,
                lambda n: 1 / (2 * np.sqrt(n)))
    if scale == "logit":
        return (lambda p: np.log(p / (1 - p)), lambda v: 1 / (1 + np.exp(-v)),
                lambda n: 1 / np.sqrt(n * target * (1 - target)))
    if scale == "identity":
        return (lambda p: p, lambda v: np.clip(v, 0, 1), lambda n: np.sqrt(target * (1 - target) / n))
    if scale == "log":
        return np.log, np.exp, lambda e: 1 / np.sqrt(target * e)
    return np.sqrt, lambda v: np.clip(v, 0, None) ** 2, lambda e: 1 / (2 * np.sqrt(e))


def _trimmed(z: np.ndarray, s: np.ndarray, trim, fraction: float):
    """The z-scores (and standard errors) used for φ: truncated by rank (SHMI and
    FunnelPlotR: keep ranks r with f(n + 1) <= r < (1 - f)(n + 1), which drops 5 of 54
    in each tail at f = 0.1), Winsorised at the f and 1 - f quantiles (R's default
    type-7 quantile, as FunnelPlotR), or all of them."""
    if trim == "truncate" and fraction:
        rk = stats.rankdata(z)
        keep = (rk >= fraction * (len(z) + 1)) & (rk < (1 - fraction) * (len(z) + 1))
        return z[keep], s[keep]
    if trim == "winsorise" and fraction:
        lo, hi = np.quantile(z, [fraction, 1 - fraction])
        return np.clip(z, lo, hi), s
    return z, s


def dispersion(z, s, *, trim="truncate", fraction: float = 0.1) -> tuple[float, float, int]:
    """φ and τ² (Spiegelhalter 2005's additive random-effects estimate) from z-scores
    ``z`` and their standard errors ``s`` on the transformed scale. Returns (φ, τ²,
    number of z-scores used). τ² = 0 when nφ < n − 1 ("no overdispersion")."""
    z, s = _trimmed(np.asarray(z, float), np.asarray(s, float), trim, fraction)
    n = len(z)
    phi = float(np.mean(z ** 2))
    w = 1 / s ** 2
    tau2 = 0.0 if n * phi < n - 1 else max(0.0, (n * phi - (n - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    return phi, tau2, n


# --------------------------------------------------------------------------- input

def _from_indicators(data, measure, period, kind, where):
    p = frames.panel(data, measure, where=where)
    dropped_all = p.attrs.get("dropped") or []
    times = list(p["time"]) + [t for _, t, _ in dropped_all]
    if not times:
        raise ValueError(f"{where}: no rows for measure {p.attrs.get('measure')!r}")
    notes = []
    if period is None:
        period = max(times)
        notes.append(f"latest period used: {period}")
    elif period not in set(times):
        raise ValueError(f"{where}: period {period!r} is not in the frame; it holds "
                         f"{min(times)} to {max(times)}")
    rows = p[p["time"] == period]
    names = data.drop_duplicates("area_code").set_index("area_code")["area_name"] \
        if "area_name" in data.columns else pd.Series(dtype=str)
    warn = dropped_warning(((names.get(c, c), st) for c, t, st in dropped_all if t == period), "council")
    df = pd.DataFrame({"unit": rows["area_name"].astype(str) if "area_name" in rows else rows["area_code"].astype(str),
                       "area_code": rows["area_code"].astype(str), "numerator": rows["numerator"],
                       "denominator": rows["denominator"]}).reset_index(drop=True)
    measure = p.attrs.get("measure")
    m = None
    try:
        m = registry.get(measure)
        label = m.short
        if kind == "proportion" and m.unit not in ("percent", "rate_per_10k", None):
            notes.append(f"{measure} is published as {registry.UNIT_LABELS[m.unit]}; charted here as a "
                         "proportion numerator/denominator")
    except ConfigError:
        label = measure
    per = 10000.0 if kind == "proportion" and m is not None and m.unit == "rate_per_10k" else 100.0
    return df, {"measure": measure, "label": label, "period": period, "notes": notes, "warnings": warn, "per": per}


def _from_plain(data: pd.DataFrame, where):
    def pick(options, what):
        c = next((c for c in options if c in data.columns), None)
        if c is None:
            raise ValueError(f"{where}: the frame needs a {what} column (one of {', '.join(options)}); "
                             "or pass a tidy indicator frame")
        return data[c]
    unit = pick(("unit", "area_name", "area_code", "group", "name"), "unit")
    df = pd.DataFrame({"unit": unit.astype(str).to_numpy(),
                       "numerator": pick(("numerator", "observed", "o"), "numerator").to_numpy(),
                       "denominator": pick(("denominator", "expected", "n", "e"), "denominator").to_numpy()})
    if df["unit"].duplicated().any():
        raise ValueError(f"{where}: unit {df.loc[df['unit'].duplicated(), 'unit'].iloc[0]!r} appears more than "
                         "once; give one row per unit (sum numerator and denominator first)")
    return df, {"measure": None, "label": "", "period": None, "notes": [], "warnings": [], "per": 100.0}


# --------------------------------------------------------------------------- funnel

def funnel(data, *, kind: str = "proportion", measure: str | None = None, period=None, highlight=None,
           overdispersion: str | None = None, trim: str | None = "truncate", trim_fraction: float = 0.1,
           scale: str | None = None, limits=(0.95, 0.998), target: float | None = None,
           polarity: str | None = None, label: str = "") -> FunnelResult:
    """Funnel plot across councils (or any units) for one period.

    ``data``: the tidy indicator frame (one measure, one period: ``period`` defaults to
    the latest; each local authority's numerator and denominator) or a DataFrame with
    a unit column (``unit``/``area_name``/...), ``numerator`` (or ``observed``) and
    ``denominator`` (n for proportions, ``expected`` for ratios). For ``kind="ratio"``
    on an indicator frame the expected count is denominator × Σnumerator/Σdenominator,
    so the ratio is each council's rate relative to all councils together.

    ``overdispersion``: None (exact limits) or "additive" (Spiegelhalter's random
    effects; ``scale``, ``trim`` and ``trim_fraction`` as in the module docstring).
    ``limits``: the two control-limit levels. ``target``: the centre line (default:
    pooled proportion, or 1 for ratios). ``highlight``: council name(s) or code(s) to
    pick out. ``polarity``: "high"/"low"/"none" (from the registry when known), used to
    word each council's flag ("better than expected"...).

    Library: scipy's binomial, chi-square and normal quantiles. Hand-written:
    Spiegelhalter's interpolation, the transforms, trimming, φ and τ² (see the
    module docstring).
    """
    where = "funnel"
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} is not 'proportion' or 'ratio'")
    scale = scale or ("arcsine" if kind == "proportion" else "log")
    if scale not in SCALES[kind]:
        raise ValueError(f"{where}: scale {scale!r} does not suit kind {kind!r}; use one of {SCALES[kind]}")
    if trim not in TRIMS:
        raise ValueError(f"{where}: trim {trim!r}: use 'truncate' (SHMI), 'winsorise' or None")
    if overdispersion not in (None, "additive"):
        raise ValueError(f"{where}: overdispersion {overdispersion!r}: use None or 'additive'")
    if not 0 <= trim_fraction < 0.5:
        raise ValueError(f"{where}: trim_fraction {trim_fraction} must be at least 0 and below 0.5 "
                         "(0.1 = 10% per tail)")
    levels = tuple(sorted(float(v) for v in limits))
    if len(levels) != 2 or not all(0.5 < v < 1 for v in levels):
        raise ValueError(f"{where}: limits {limits!r} must be two levels between 0.5 and 1, e.g. (0.95, 0.998)")

    tidy = is_indicator_frame(data)
    if tidy:
        df, meta = _from_indicators(data, measure, period, kind, where)
    elif isinstance(data, pd.DataFrame):
        df, meta = _from_plain(data, where)
    else:
        raise ValueError(f"{where}: pass a tidy indicator frame or a DataFrame of unit, numerator, denominator")
    warnings, notes = list(meta["warnings"]), list(meta["notes"])
    df["numerator"] = pd.to_numeric(df["numerator"], errors="coerce")
    df["denominator"] = pd.to_numeric(df["denominator"], errors="coerce")
    bad = df["numerator"].isna() | df["denominator"].isna() | (df["denominator"] <= 0)
    if bad.any():
        warnings.append(f"{int(bad.sum())} unit(s) with no numerator or a zero denominator were left out: "
                        + ", ".join(df.loc[bad, "unit"].head(10)))
        df = df[~bad].reset_index(drop=True)
    if len(df) < 2:
        raise ValueError(f"{where}: only {len(df)} unit(s) with counts; a funnel plot compares many units")
    x, d = df["numerator"].to_numpy(float), df["denominator"].to_numpy(float)
    if kind == "proportion":
        if (x < 0).any() or (x > d).any() or (x != np.round(x)).any() or (d != np.round(d)).any():
            raise ValueError(f"{where}: proportions need whole numbers with 0 <= numerator <= denominator; "
                             "for observed/expected use kind='ratio'")
    elif (x < 0).any():
        raise ValueError(f"{where}: observed counts cannot be negative")
    if kind == "ratio" and tidy:
        d = d * x.sum() / d.sum()
        df["denominator"] = d
        notes.append("expected = denominator × the all-council rate, so 1 means the all-council rate")
    per = meta["per"]
    if target is not None and kind == "proportion":
        if not 0 < target < per:
            raise ValueError(f"{where}: target {target} must be " + ("a percentage strictly between 0 and 100"
                             if per == 100 else f"a rate per {per:,.0f} strictly between 0 and {per:,.0f}"))
        target = target / per            # proportions inside; the measure's scale in the result
    target_given = target is not None
    if target is None:
        target = x.sum() / d.sum() if kind == "proportion" else 1.0
    if kind == "ratio" and target <= 0:
        raise ValueError(f"{where}: target {target} must be above 0")
    polarity = resolve_polarity(polarity, meta["measure"] or measure)
    y = x / d
    df["value"] = y

    g, ginv, se = _transform(kind, scale, target)
    s = se(d)
    y_z = y.copy()
    if kind == "proportion" and scale == "logit":
        y_z = np.clip(y, 0.5 / d, 1 - 0.5 / d)
    if kind == "ratio" and scale == "log":
        y_z = np.where(x == 0, 0.5 / d, y)
    if not np.array_equal(y_z, y):
        notes.append(f"{int((y_z != y).sum())} unit(s) at 0 (or 100%) given half a count for their z-score on "
                     f"the {scale} scale")
    z = (g(y_z) - g(target)) / s
    df["z"] = z
    phi, tau2, n_phi = dispersion(z, s, trim=trim, fraction=trim_fraction)
    adjusted = overdispersion == "additive" and tau2 > 0

    def limit_frame(dd):
        out = {}
        for lvl in levels:
            tag = level_tag(lvl)
            lo, hi = _exact(kind, dd, target, lvl)
            if adjusted:
                out[f"unadjusted_lower_{tag}"], out[f"unadjusted_upper_{tag}"] = lo, hi
                zq = stats.norm.ppf(1 - (1 - lvl) / 2)
                width = zq * np.sqrt(se(dd) ** 2 + tau2)
                lo, hi = ginv(g(target) - width), ginv(g(target) + width)
            out[f"lower_{tag}"], out[f"upper_{tag}"] = lo, hi
        return pd.DataFrame(out)

    lim = limit_frame(d)
    if adjusted:
        df["z_adjusted"] = (g(y_z) - g(target)) / np.sqrt(s ** 2 + tau2)
    df = pd.concat([df, lim], axis=1)
    inner, outer = (level_tag(v) for v in levels)
    above_o, below_o = y > df[f"upper_{outer}"], y < df[f"lower_{outer}"]
    above_i, below_i = y > df[f"upper_{inner}"], y < df[f"lower_{inner}"]
    df["flag"] = np.select([above_o, above_i, below_o, below_i],
                           [f"above {_pct(levels[1])}", f"above {_pct(levels[0])}", f"below {_pct(levels[1])}",
                            f"below {_pct(levels[0])}"], "within")
    good = {"high": "above", "low": "below"}.get(polarity)
    words = {"above": "higher", "below": "lower"} if good is None else \
        {good: "better", ("below" if good == "above" else "above"): "worse"}

    def assess(flag):
        if flag == "within":
            return f"as expected (within the {_pct(levels[0])} limits)"
        side, lvl = flag.split(" ")
        return (f"{words[side]} than expected (beyond the {lvl} limit)" if lvl == _pct(levels[1])
                else f"possibly {words[side]} (beyond the {lvl} limit only: by chance alone, 1 unit in "
                     f"{1 / (1 - levels[0]):.0f} falls beyond one of them, above or below)")
    df["assessment"] = df["flag"].map(assess)
    wanted = [] if highlight is None else (list(highlight) if isinstance(highlight, (list, tuple, set))
                                           else [highlight])
    names = [{str(u), str(c)} for u, c in zip(df["unit"], df["area_code"] if "area_code" in df else df["unit"])]
    for i, h in enumerate(wanted):
        if any(str(h) in k for k in names):
            continue
        code = None
        if "area_code" in df:     # "Herefordshire" or "E06000019" for "Herefordshire, County of" (884)
            try:
                code = frames.area_codes(df.rename(columns={"unit": "area_name"}), h, where)[0]
            except SchemaError:
                pass
        if code is not None and any(code in k for k in names):
            wanted[i] = code
        elif code is not None:
            raise ValueError(f"{where}: highlight {h!r} (DfE {code}) has no figure with counts in {meta['period']} "
                             "(suppressed, not available, or without a numerator and denominator)")
        else:
            raise ValueError(f"{where}: highlight {h!r} is not one of the units ({', '.join(df['unit'].head(5))}, "
                             "...); give a name or code in the data")
    df["highlight"] = [any(str(h) in k for h in wanted) for k in names]

    lo_d, hi_d = d.min(), d.max()
    grid = np.geomspace(max(lo_d * 0.8, 1e-6 if kind == "ratio" else 1), hi_d * 1.1, 200)
    if kind == "proportion":
        grid = np.unique(np.round(grid))
    series = pd.concat([pd.DataFrame({"denominator": grid, "target": target}), limit_frame(grid)], axis=1)

    diagnostics = {"target": float(target), "target_given": target_given, "phi": phi, "tau2": tau2, "n_units": len(df), "n_used_for_phi": n_phi,
                   "scale": scale, "trim": trim, "trim_fraction": trim_fraction,
                   "overdispersion": overdispersion, "adjusted": adjusted, "from_indicators": tidy,
                   "measure": meta["measure"]}
    for lvl, a, b in ((levels[1], above_o, below_o), (levels[0], above_i, below_i)):
        tag = level_tag(lvl)
        diagnostics.update({f"n_above_{tag}": int(a.sum()), f"n_below_{tag}": int(b.sum()),
                            f"n_outside_{tag}": int(a.sum() + b.sum())})
    if len(df) < MIN_UNITS:
        warnings.append(f"only {len(df)} units, fewer than {MIN_UNITS}: the funnel and its overdispersion "
                        "estimate rest on too few points to say much")
    clearly_over = n_phi > 1 and n_phi * phi > stats.chi2.ppf(0.95, n_phi) and phi > 1.2
    if overdispersion is None and clearly_over:
        warnings.append(f"the units vary {phi:.1f} times more than chance alone allows (φ = {phi:.2f}): these "
                        "limits are too narrow and many units look unusual by chance; use "
                        "overdispersion='additive'")
    if overdispersion == "additive" and not adjusted:
        notes.append(f"no overdispersion: φ = {phi:.3f} is at most (n − 1)/n, so τ² = 0 and the exact "
                     "limits stand")
    diagnostics["notes"] = notes
    trimming = {"truncate": f"the {trim_fraction:.0%} most extreme z-scores in each tail truncated",
                "winsorise": f"z-scores Winsorised at {trim_fraction:.0%} per tail", None: "no trimming"}[trim]
    method = (("exact binomial" if kind == "proportion" else "exact Poisson") + " funnel limits"
              + (f", widened for overdispersion (additive random effects on the {scale} scale, {trimming}; "
                 "Spiegelhalter 2005)" if adjusted else ""))
    mid = limit_frame(np.array([np.median(d)]))
    if kind == "proportion":     # the measure's own scale: percentages 0-100, or per 10,000
        lim_cols = [c for c in df.columns if c.startswith(("lower_", "upper_", "unadjusted_"))]
        df[["value"] + lim_cols] = df[["value"] + lim_cols] * per
        s_cols = [c for c in series.columns if c != "denominator"]
        series[s_cols] = series[s_cols] * per
        mid = mid * per
        target = target * per
        diagnostics["target"] = float(target)
    return FunnelResult(method=method, estimate=float(target),
                        ci=(float(mid[f"lower_{outer}"].iloc[0]), float(mid[f"upper_{outer}"].iloc[0])),
                        level=levels[1], label=label or meta["label"] or "",
                        unit=("%" if per == 100 else f"per {per:,.0f}") if kind == "proportion" else "ratio", diagnostics=diagnostics, warnings=warnings, table=df, series=series,
                        kind=kind, polarity=polarity, levels=levels, highlight=wanted, period=meta["period"],
                        adjusted=adjusted, per=per)
