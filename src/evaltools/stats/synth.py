"""Synthetic control: one treated local authority against a weighted blend of others.

The method (Abadie, Diamond & Hainmueller 2010, "ADH") builds a "synthetic" version of
the treated area as a weighted average of donor areas, with weights that are
non-negative and add up to 1, chosen so that the blend tracks the treated area before
the change. After the change, the gap between the treated area and its synthetic twin
is the estimated effect. Inference is by in-space placebos: the same method is applied
to every donor as if it had been treated, and the treated area's gap is ranked among
theirs.

Library code:

* the donor weights: scipy ``optimize.nnls`` (Lawson-Hanson non-negative least squares)
  with the sum-to-one constraint imposed by Lawson & Hanson's weighting method (an
  extra heavily weighted row of ones), then polished by solving the equality-constrained
  least-squares problem exactly on the chosen donors (numpy). This is exact, fast (a
  150-donor fit takes under a millisecond) and deterministic; the general-purpose
  SLSQP solver was 50 to 200 times slower and no more accurate in our checks;
* the predictor importance weights V (only when ``predictors`` are given): scipy
  ``optimize.minimize(method="Powell")``, started, as the R/Stata ``Synth`` packages
  do, from equal weights and from the regression-based weights, keeping the better.

Hand-written, because no maintained Python library does it in the way the literature
reports it (statsmodels has no synthetic control): the ADH predictor set-up (means over
chosen periods, predictors scaled by their standard deviation across all areas as
``Synth`` does, V = |v| / sum|v|), the placebo loop, the rank p-values with and
without poorly fitting placebos, and the plain-English warnings.

The nested choice of V is fragile (the loss is flat in places and has many local
minima: on the Proposition 99 data, Nelder-Mead and Powell from the same starting
points reached losses more than 5% apart for about half of the 39 states). We offer it
because published analyses use it, and it reproduces ADH's weights to within 0.005
(``tests/reference/test_synth.py``); but the default, with no predictors, skips V and
fits the weights directly to the pre-period outcome, which is stable.

Over-fitting: with many donors and few pre-periods (150 LAs, 6-10 years) most areas
can be matched exactly before the change, whatever their series; the weights then
mean little and the post/pre MSPE ratio divides by about 0. This is detected and
said plainly, and the placebo p-value then ranks the size of the mean post-period
gap instead (see :func:`synthetic_control`). A smaller, relevant donor pool
(statistical neighbours) is usually the better design.

No confidence interval: synthetic control has no standard one. The placebo test asks
"is a gap this large, relative to the pre-period fit, unusual among areas with no
intervention?"; it is a test, not a sampling distribution of the effect, and intervals
built by inverting it need assumptions about the shape of the effect that a council
cannot check. ``ci`` is therefore ``(nan, nan)`` and the placebo chart shows the spread
of gaps instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from ..areas import display as _display_name
from . import frames
from .results import Result, change_unit, shared_decimals

#: warn when the pre-period RMSPE is more than this share of the SD of the treated
#: area's pre-period outcome: the synthetic area then tracks the treated area not much
#: better than a flat line at its average would
POOR_FIT_SD = 0.5
#: warn when the treated area is above every donor (or below every donor) in at least
#: this share of the pre-periods: no weighted average of donors can reach it there
OUTSIDE_SHARE = 0.25
#: warn when one donor carries at least this share of the weight
CONCENTRATED = 0.8
#: fewer pre-periods than this and the fit says little
MIN_PRE = 5
#: ADH's cut-offs for placebos that fit badly before the change (pre-MSPE over the
#: treated area's pre-MSPE)
POOR_PLACEBO = (2, 5, 20)
AGGREGATIONS = ("mean", "median", "sum", "min", "max")
#: a pre-period RMSPE below this share of the series' SD counts as an exact fit
EXACT_FIT = 1e-6
#: warn (rather than note) when at least this share of placebos is fitted exactly
EXACT_PLACEBO_SHARE = 0.1


@dataclass(repr=False)       # Result's repr: its summary
class SynthResult(Result):
    """A synthetic control result: :class:`Result` plus the weights, the predictor
    balance and the placebo runs."""

    treated: Any = None
    treated_name: str = ""
    intervention: Any = None
    #: donor -> weight (every donor in the final pool, zeros included)
    weights: pd.Series | None = None
    #: predictor -> importance weight V (only when predictors were used and fitted)
    v: pd.Series | None = None
    #: predictor balance: treated, synthetic, donor mean (only with predictors)
    balance: pd.DataFrame | None = None
    #: one row per area (treated first): pre_mspe, post_mspe, ratio, att, rank,
    #: pre_mspe_multiple (over the treated area's), placebo (bool)
    placebos: pd.DataFrame | None = None
    #: registry unit of the measure ("percent", "rate_per_10k"...) for tidy frames
    measure_unit: str = ""
    #: what the outcome is, for chart labels
    outcome_name: str = ""
    #: "% of ..." for a registry percentage: what it is a percentage of, for axis labels
    percent_axis: str = ""
    #: unit id -> display name (area names for tidy frames)
    names: dict = field(default_factory=dict)

    def summary(self) -> str:
        d = self.diagnostics
        name = self.treated_name or str(self.treated)
        lines = [f"{self.label or 'Synthetic control'}: average gap after the change "
                 f"{self._fmt(self.estimate, sign=True)}" + (f" {self.unit}" if self.unit else "")
                 + f" ({name} minus synthetic {name}, {d.get('n_post')} periods)",
                 "No confidence interval: synthetic control has none; see the placebo test."]
        if self.p_value is not None:
            line = (f"Placebo test: p = {self.p_value:.3g} ({name}'s {d.get('p_value_statistic')} ranks "
                    f"{d.get('rank')} of {d.get('n_placebos', 0) + 1})")
            if not d.get("treated_exact_fit"):
                line += (f"; leaving out placebos that fitted more than 5 times worse before the change: "
                         f"p = {d.get('p_value_excl_5x', float('nan')):.3g} "
                         f"(of {d.get('n_placebos_kept_5x', 0) + 1})")
            lines.append(line)
        rmspe = d.get("pre_rmspe", float("nan"))
        lines.append(f"Pre-period fit: RMSPE {self._fmt(rmspe, shared_decimals(rmspe, figures=2)).lstrip('+')}"
                     + (f" {self.unit}" if self.unit else "") + ", "
                     f"{d.get('rmspe_to_sd', float('nan')):.2f} times the SD of {name}'s "
                     "pre-period values")
        if self.weights is not None:
            top = self.weights[self.weights > 0.0005].sort_values(ascending=False)
            lines.append("Weights: " + ", ".join(f"{self.names.get(u, u)} {w:.3f}" for u, w in top.items()))
        lines.append(f"Method: {self.method}")
        lines += [f"Note: {n}" for n in d.get("notes", [])]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


# ---------------------------------------------------------------- the weight solvers

def _big(A, b) -> float:
    """The weight of the sum-to-one row: large against the data, not so large that
    it swamps double precision."""
    return 1e3 * (np.linalg.norm(A) / math.sqrt(A.shape[1]) + np.linalg.norm(b) + 1.0)


def _nnls_simplex(Aaug: np.ndarray, baug: np.ndarray) -> np.ndarray:
    """nnls on a system whose last row is the weighted sum-to-one row."""
    w, _ = optimize.nnls(Aaug, baug, maxiter=50 * Aaug.shape[1])
    s = w.sum()
    return w / s if s > 0 else np.full(len(w), 1.0 / len(w))


def simplex_weights(A, b) -> np.ndarray:
    """Weights w >= 0 with sum(w) = 1 minimising ||A w - b||^2.

    scipy's ``nnls`` with the sum-to-one constraint added as a heavily weighted row
    (Lawson & Hanson 1974, ch. 22), then polished: on the donors it picked, the
    equality-constrained least-squares problem is solved exactly (its KKT system, numpy
    ``lstsq``), and the polished weights are kept when they stay non-negative and fit at
    least as well.
    """
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    J = A.shape[1]
    if J == 1:
        return np.ones(1)
    big = _big(A, b)
    w = _nnls_simplex(np.vstack([A, np.full(J, big)]), np.append(b, big))
    support = np.flatnonzero(w > 1e-12)
    As = A[:, support]
    k = len(support)
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, :k] = 2 * As.T @ As
    kkt[:k, k] = kkt[k, :k] = 1.0
    rhs = np.append(2 * As.T @ b, 1.0)
    sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]
    if np.all(sol >= 0) and abs(sol.sum() - 1) < 1e-9:
        polished = np.zeros(J)
        polished[support] = sol
        if np.sum((A @ polished - b) ** 2) <= np.sum((A @ w - b) ** 2) + 1e-12 * (big / 1e3) ** 2:
            w = polished
    w[w < 1e-12] = 0.0
    return w / w.sum()


def _v_from(params: np.ndarray) -> np.ndarray:
    a = np.abs(params)
    s = a.sum()
    return a / s if s > 0 else np.full(len(a), 1.0 / len(a))


def _fit_v(X1, X0, Z1, Z0):
    """ADH nested fit: V (predictor importance) minimising the pre-period outcome
    MSPE of the W that V implies. Returns (w, v, loss)."""
    K, J = X0.shape
    # the augmented system, filled in place for each trial V (the loss is evaluated
    # thousands of times, so the polishing step of simplex_weights is left to the end)
    big = _big(X0, X1)
    Aaug = np.vstack([X0, np.full(J, big)])
    baug = np.append(X1, big)

    def w_for(params):
        sq = np.sqrt(_v_from(params))
        Aaug[:K] = sq[:, None] * X0
        baug[:K] = sq * X1
        return _nnls_simplex(Aaug, baug)

    def loss(params):
        w = w_for(params)
        return float(np.mean((Z1 - Z0 @ w) ** 2))

    if K == 1 or J == 1:
        w = simplex_weights(X0, X1)
        return w, np.ones(1), float(np.mean((Z1 - Z0 @ w) ** 2))
    starts = [np.full(K, 1.0 / K)]
    # Synth's regression-based start: squared coefficients of the outcome on the
    # scaled predictors, across all units
    Xa = np.column_stack([np.ones(X0.shape[1] + 1), np.column_stack([X1, X0]).T])
    if Xa.shape[0] > Xa.shape[1]:
        beta = np.linalg.lstsq(Xa, np.column_stack([Z1, Z0]).T, rcond=None)[0][1:]
        reg = np.sum(beta ** 2, axis=1)
        if np.isfinite(reg).all() and reg.sum() > 0:
            starts.append(reg / reg.sum())
    best = None
    for s in starts:
        r = optimize.minimize(loss, s, method="Powell", options={"xtol": 1e-4, "ftol": 1e-6})
        if best is None or r.fun < best.fun - 1e-12:
            best = r
    v = _v_from(best.x)
    sq = np.sqrt(v)
    w = simplex_weights(sq[:, None] * X0, sq * X1)
    return w, v, float(np.mean((Z1 - Z0 @ w) ** 2))


# ------------------------------------------------------------------------ the inputs

def _parse_predictors(predictors, predictor_periods, pre_times, all_times, columns, where):
    """[(label, column, periods, agg)] from the user's spec."""
    if predictors is None:
        return []
    if isinstance(predictors, (str, tuple)):
        predictors = [predictors]
    default = list(pre_times) if predictor_periods is None else _as_list(predictor_periods)
    out = []
    for p in predictors:
        if isinstance(p, str):
            col, periods, agg = p, default, "mean"
        elif isinstance(p, (tuple, list)) and 2 <= len(p) <= 3:
            col, periods = p[0], _as_list(p[1])
            agg = p[2] if len(p) == 3 else "mean"
        else:
            raise ValueError(f"{where}: predictor {p!r} is not a column name or a (column, periods"
                             "[, aggregation]) tuple; write e.g. ('beer', range(1984, 1989), 'mean')")
        if col not in columns:
            raise ValueError(f"{where}: predictor column {col!r} is not in the data; "
                             f"columns are {', '.join(map(str, columns))}")
        if agg not in AGGREGATIONS:
            raise ValueError(f"{where}: aggregation {agg!r} for predictor {col!r} is not one of "
                             f"{', '.join(AGGREGATIONS)}")
        unknown = [t for t in periods if t not in set(all_times)]
        if unknown:
            raise ValueError(f"{where}: predictor {col!r} asks for period(s) "
                             f"{', '.join(map(str, unknown))} that are not in the data")
        late = [t for t in periods if t not in set(pre_times)]
        if late:
            raise ValueError(f"{where}: predictor {col!r} uses period(s) {', '.join(map(str, late))}, "
                             "on or after the intervention; predictors must come from before it")
        if not periods:
            raise ValueError(f"{where}: predictor {col!r} has no periods")
        span = (f"{periods[0]}" if len(periods) == 1 else f"{min(periods)}-{max(periods)}")
        label = f"{col} {span}" if agg == "mean" or len(periods) == 1 else f"{agg} {col} {span}"
        out.append((label, col, list(periods), agg))
    labels = [o[0] for o in out]
    if len(set(labels)) != len(labels):
        raise ValueError(f"{where}: the same predictor is listed twice ({labels})")
    return out


def _as_list(x) -> list:
    if isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        return [x]
    return list(x)


def _find(units, wanted, names: dict, what: str, where: str):
    """Match a user-given unit id against the data's (as given, as text, or by name)."""
    if wanted in units:
        return wanted
    by_text = {str(u): u for u in units}
    if str(wanted) in by_text:
        return by_text[str(wanted)]
    by_name = {n: u for u, n in names.items() if n}
    if wanted in by_name:
        return by_name[wanted]
    raise ValueError(f"{where}: {what} {wanted!r} is not in the data; give one of its unit ids "
                     f"(e.g. {', '.join(map(str, list(units)[:5]))})")


def _listing(items, n=10) -> str:
    items = [str(i) for i in items]
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def _prepare(data, treated, outcome, unit, time, donors, measure, where):
    """Long frame (unit, time, outcome + other columns), unit names, notes on dropped
    suppressed rows, and whether it came from a tidy indicator frame."""
    warnings: list[str] = []
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{where}: data must be a pandas DataFrame (tidy indicator frame or long "
                         "unit/time/outcome table)")
    tidy = {"measure", "status", "area_code"} <= set(data.columns)
    info = {"tidy": tidy, "measure": None}
    if tidy:
        areas = None
        if donors is not None:
            areas = [str(treated), *map(str, donors)]
        long = frames.panel(data, measure, areas, where=where)
        info["measure"] = long.attrs.get("measure")
        dropped = long.attrs.get("dropped", [])
        if dropped:
            warnings.append(
                f"{len(dropped)} figure(s) were suppressed or unavailable and left out, not read as 0: "
                + _listing([f"{a} {t} ({s})" for a, t, s in dropped], 8))
        long = long.copy()
        long["area_code"] = long["area_code"].astype(str)
        if outcome not in long.columns:
            raise ValueError(f"{where}: outcome {outcome!r} is not a column of the indicator frame; "
                             "use value, numerator or denominator")
        unit, time = "area_code", "time"
        # names as a report writes them ("Herefordshire", not "Herefordshire, County of")
        names = dict(zip(long["area_code"], long["area_name"].astype(str).map(_display_name))) \
            if "area_name" in long else {}
    else:
        missing = [c for c in (unit, time, outcome) if c not in data.columns]
        if missing:
            raise ValueError(f"{where}: column(s) {', '.join(missing)} not in the data; say which columns "
                             "hold the unit, time and outcome with unit=, time=, outcome=")
        long = data.copy()
        long[outcome] = pd.to_numeric(long[outcome], errors="coerce")
        names = {}
    if long.duplicated([unit, time]).any():
        dup = long.loc[long.duplicated([unit, time]), [unit, time]].iloc[0].tolist()
        raise ValueError(f"{where}: more than one row for unit {dup[0]!r} at time {dup[1]!r}; "
                         "filter the data to one row per unit and time")
    return long, unit, time, names, warnings, info


# -------------------------------------------------------------------------- the method

def _predictor_matrix(long, unit, time, units, spec):
    """Rows = predictors (labels), columns = units."""
    rows = {}
    for label, col, periods, agg in spec:
        sub = long[long[time].isin(periods)]
        vals = pd.to_numeric(sub[col], errors="coerce").groupby(sub[unit]).agg(agg)
        if agg == "sum":    # a sum over no values is not 0
            n = pd.to_numeric(sub[col], errors="coerce").notna().groupby(sub[unit]).sum()
            vals = vals.where(n > 0)
        rows[label] = vals.reindex(units)
    return pd.DataFrame(rows).T


def _fit(y1, Y0, fit_rows, P1=None, P0=None):
    """Weights for one treated series against donors. With predictors P (K x units),
    the ADH nested fit; otherwise weights fitted to the pre-period outcome."""
    Z1, Z0 = y1[fit_rows], Y0[fit_rows]
    if P1 is None:
        return simplex_weights(Z0, Z1), None
    both = np.column_stack([P1, P0])
    sd = both.std(axis=1, ddof=1)
    sd[~(sd > 0)] = 1.0
    w, v, _ = _fit_v(P1 / sd, P0 / sd[:, None], Z1, Z0)
    return w, v


def _mspe(gap, rows):
    g = gap[rows]
    g = g[np.isfinite(g)]
    return float(np.mean(g ** 2)) if len(g) else float("nan")


def placebo_p_value(placebos, exclude: float | None = None, statistic: str = "ratio") -> float:
    """The in-space placebo rank p-value: (1 + number of placebos whose statistic is at
    least the treated unit's) / (number of placebos + 1).

    ``placebos`` is a :class:`SynthResult` or its ``placebos`` table. ``statistic``:
    ``"ratio"``, the post/pre MSPE ratio (ADH 2010), or ``"gap"``, the size of the average
    post-period gap (used when the treated unit is fitted exactly before the change, so
    its ratio means nothing). ``exclude``: leave out placebos whose pre-period MSPE is
    more than this many times the treated unit's (ADH use 20, 5 and 2)."""
    table = placebos.placebos if isinstance(placebos, SynthResult) else placebos
    if table is None:
        raise ValueError("placebo_p_value: the result has no placebo runs; fit it with placebos=True")
    if statistic not in ("ratio", "gap"):
        raise ValueError(f"placebo_p_value: statistic {statistic!r} must be 'ratio' or 'gap'")
    treated = table[~table["placebo"]].iloc[0]
    kept = table[table["placebo"]]
    if exclude is not None:
        kept = kept[kept["pre_mspe_multiple"] <= exclude]
    if statistic == "ratio":
        stat, mine = kept["ratio"], treated["ratio"]
    else:
        stat, mine = kept["att"].abs(), abs(treated["att"])
    at_least = int((stat >= mine * (1 - 1e-9)).sum())
    return (at_least + 1) / (len(kept) + 1)


def _exact_fit(pre_mspe: float, y_pre: np.ndarray) -> bool:
    """Pre-period fitted exactly (to rounding error): RMSPE below a millionth of the
    series' own spread."""
    sd = float(np.std(y_pre, ddof=1)) if len(y_pre) > 1 else 0.0
    scale = sd if sd > 0 else max(1.0, float(np.abs(y_pre).mean()))
    return math.sqrt(pre_mspe) <= EXACT_FIT * scale


def synthetic_control(data: pd.DataFrame, treated, intervention, *, outcome: str = "value",
                      unit: str = "area_code", time: str = "time", donors=None, predictors=None,
                      predictor_periods=None, weights: dict | None = None, placebos: bool = True,
                      level: float = 0.95, measure: str | None = None, label: str = "") -> SynthResult:
    """Synthetic control estimate for one treated unit, with in-space placebo test.

    ``data`` is a tidy indicator frame (``measure`` picks the measure when it holds
    several; ``treated`` and ``donors`` are DfE LA numbers or names) or a long table
    with columns ``unit``, ``time``, ``outcome`` (and any predictor columns).
    ``intervention`` is the first treated period: earlier periods are "pre".

    ``donors``: the donor pool (default: every other unit; on a tidy frame also
    ``"statistical_neighbours"`` or ``"region"``, as :func:`did`). Donors with a missing
    outcome in any period where the treated unit has one are left out, with a warning.

    ``predictors`` (optional, ADH style): a list of column names, averaged over
    ``predictor_periods`` (default all pre-periods), or tuples ``(column, periods)`` or
    ``(column, periods, aggregation)`` with aggregation one of mean, median, sum, min,
    max (missing values are skipped, as ``Synth`` does). E.g. ADH's Proposition 99
    spec is ``["lnincome", "retprice", "age15to24", ("beer", range(1984, 1989)),
    ("cigsale", [1975]), ("cigsale", [1980]), ("cigsale", [1988])]`` with
    ``predictor_periods=range(1980, 1989)``. Predictors are scaled by their standard
    deviation across all units; their importance V is chosen by the nested
    optimisation of ADH (module docstring). Without predictors the weights minimise
    the pre-period MSPE of the outcome directly.

    ``weights``: fixed donor weights ``{unit: weight}`` (others 0), to reproduce a
    published analysis; they must add up to 1 within 0.01 and are used as given;
    placebos are still fitted. ``placebos=False`` skips the placebo runs (no p-value).
    ``level`` only sets the significance level the few-donors warning refers to.
    ``label`` names the result in summaries.

    Estimate: the mean gap (treated minus synthetic) over the post-periods. ``p_value``:
    the in-space placebo rank p-value of the post/pre MSPE ratio, (number of units with
    a ratio at least the treated unit's) / (number of placebos + 1); large gaps of
    either sign count. Each placebo is refitted (same spec) against the other donors,
    never the treated unit. Diagnostics also give it leaving out placebos fitted more
    than 5 or 20 times worse before the change (``p_value_excl_5x``, ``_20x``), as ADH
    do. With many donors and few pre-periods a unit can be matched exactly before the
    change (over-fitting: its ratio divides by about 0); when that happens to the
    treated unit, ``p_value`` ranks the size of the mean post-period gap instead
    (``diagnostics["p_value_statistic"]`` says which) and a warning says so.
    ``ci`` is ``(nan, nan)``: see the module docstring.

    Warnings (thresholds are the module constants): pre-period RMSPE above
    ``POOR_FIT_SD`` (0.5) times the SD of the treated unit's pre-period values; the
    treated unit above (or below) every donor in at least ``OUTSIDE_SHARE`` (a quarter)
    of pre-periods; fewer than ``MIN_PRE`` (5) pre-periods; too few donors for the
    placebo p-value ever to reach 1 - level; one donor with ``CONCENTRATED`` (80%) of
    the weight; exact pre-period fits; donors and suppressed figures left out.

    ``series``: time, post, treated, synthetic, gap and one ``placebo_gap:<unit>``
    column per placebo. ``table``: the donor weights (unit, name, weight).
    """
    where = "synthetic_control"
    if not 0 < level < 1:
        raise ValueError(f"{where}: level must be between 0 and 1 (got {level})")
    if isinstance(data, pd.DataFrame) and {"measure", "status", "area_code"} <= set(data.columns):
        treated = frames.area_codes(data, treated, where)[0]            # a name or a code
        if donors is not None:
            donors = [c for c in frames.comparator_pool(data, treated, donors, where) if c != treated]
    long, unit, time, names, warnings, info = _prepare(data, treated, outcome, unit, time, donors,
                                                       measure, where)
    notes: list[str] = []
    units = list(pd.unique(long[unit]))
    tr = _find(units, treated, names, "treated unit", where)
    Y = long.pivot(index=time, columns=unit, values=outcome).sort_index()
    times = list(Y.index)
    try:
        post_mask = np.array([t >= intervention for t in times])
    except TypeError:
        raise ValueError(f"{where}: intervention {intervention!r} cannot be compared with the time "
                         f"values (e.g. {times[0]!r}); give it in the same form") from None
    if not post_mask.any():
        raise ValueError(f"{where}: intervention {intervention!r} is after the last period "
                         f"({times[-1]!r}): there are no post-intervention periods")
    if post_mask.all():
        raise ValueError(f"{where}: intervention {intervention!r} is at or before the first period "
                         f"({times[0]!r}): there are no pre-intervention periods to fit to")
    pre_times = [t for t, p in zip(times, post_mask) if not p]

    # the donor pool
    if donors is None:
        pool = [u for u in units if u != tr]
    else:
        pool = [_find(units, d, names, "donor", where) for d in _as_list(donors)]
        if tr in pool:
            raise ValueError(f"{where}: the donor list includes the treated unit {treated!r}; leave it out")
        pool = list(dict.fromkeys(pool))
    y1 = Y[tr].to_numpy(dtype=float)
    have = np.isfinite(y1)
    if not have[~post_mask].any():
        raise ValueError(f"{where}: {treated!r} has no outcome value before {intervention!r}; "
                         "there is nothing to fit the synthetic control to")
    if not have[post_mask].any():
        raise ValueError(f"{where}: {treated!r} has no outcome value from {intervention!r} on; "
                         "there is nothing to estimate")
    if not have.all():
        gaps = [t for t, h in zip(times, have) if not h]
        warnings.append(f"{names.get(tr, tr)} has no value for {_listing(gaps)}: those periods are left "
                        "out of the fit and of the average gap")
    complete = Y.loc[have, pool].notna().all(axis=0)
    incomplete = [u for u in pool if not complete[u]]
    if incomplete:
        warnings.append(f"{len(incomplete)} donor(s) left out because they lack a value in a period "
                        f"used: {_listing([names.get(u, u) for u in incomplete])}")
        pool = [u for u in pool if complete[u]]

    # predictors
    spec = _parse_predictors(predictors, predictor_periods, pre_times, times, list(long.columns), where)
    P = None
    if spec:
        P = _predictor_matrix(long, unit, time, [tr, *pool], spec)
        if P[tr].isna().any():
            bad = list(P.index[P[tr].isna()])
            raise ValueError(f"{where}: {treated!r} has no data for predictor(s) {', '.join(bad)}; "
                             "drop them or choose periods with data")
        nodata = [u for u in pool if P[u].isna().any()]
        if nodata:
            warnings.append(f"{len(nodata)} donor(s) left out because they lack predictor data: "
                            f"{_listing([names.get(u, u) for u in nodata])}")
            pool = [u for u in pool if u not in nodata]
        P = P[[tr, *pool]]
    if len(pool) < 2:
        raise ValueError(f"{where}: only {len(pool)} usable donor(s) left; a synthetic control needs "
                         "at least 2 (check donors= and missing data)")

    fit_rows = have & ~post_mask
    post_rows = have & post_mask
    Y0 = Y[pool].to_numpy(dtype=float)
    Pm = P.to_numpy(dtype=float) if P is not None else None
    P1 = Pm[:, 0] if Pm is not None else None
    P0 = Pm[:, 1:] if Pm is not None else None

    v = None
    if weights is not None:
        if not isinstance(weights, dict) or not weights:
            raise ValueError(f"{where}: weights must be a dict {{donor: weight}}")
        given = {}
        for k, val in weights.items():
            u = _find(units, k, names, "weighted donor", where)
            if u not in pool:
                raise ValueError(f"{where}: weighted donor {k!r} is not in the usable donor pool "
                                 "(it is the treated unit, not among donors=, or lacks data)")
            if not (val >= 0):
                raise ValueError(f"{where}: weight for {k!r} is {val}; weights must be non-negative")
            given[u] = float(val)
        total = sum(given.values())
        if abs(total - 1) > 0.01:
            raise ValueError(f"{where}: the given weights add up to {total:.4g}, not 1; "
                             "check them (a synthetic control is a weighted average)")
        if abs(total - 1) > 1e-9:
            notes.append(f"the given weights add up to {total:.6g}, not exactly 1; used as given")
        w = np.array([given.get(u, 0.0) for u in pool])
        method = "synthetic control (given weights)"
        if placebos:
            notes.append("the treated unit uses the given weights; each placebo's weights are fitted")
    else:
        w, v = _fit(y1, Y0, fit_rows, P1, P0)
        method = ("synthetic control (ADH 2010: predictors, nested V)" if spec
                  else "synthetic control (weights fitted to pre-period outcome)")

    synth = Y0 @ w
    gap = y1 - synth
    pre_mspe = _mspe(gap, fit_rows)
    post_mspe = _mspe(gap, post_rows)
    floor = 1e-12 * max(1.0, float(np.nanmean(y1[fit_rows] ** 2)))
    ratio = post_mspe / max(pre_mspe, floor)
    att = float(np.mean(gap[post_rows]))
    n_fit, n_post = int(fit_rows.sum()), int(post_rows.sum())
    sd_pre = float(np.std(y1[fit_rows], ddof=1)) if n_fit > 1 else float("nan")
    pre_rmspe = math.sqrt(pre_mspe)
    tname = names.get(tr, str(tr))

    series = pd.DataFrame({"time": times, "post": post_mask, "treated": y1, "synthetic": synth, "gap": gap})

    diagnostics: dict = {
        "treated": str(tr), "intervention": intervention, "n_donors": len(pool), "n_pre": n_fit,
        "n_post": n_post, "pre_mspe": pre_mspe, "pre_rmspe": pre_rmspe, "post_mspe": post_mspe,
        "post_rmspe": math.sqrt(post_mspe), "mspe_ratio": ratio, "treated_pre_sd": sd_pre,
        "rmspe_to_sd": pre_rmspe / sd_pre if sd_pre > 0 else float("nan"),
        "max_weight": float(w.max()), "n_donors_weighted": int((w > 0.001).sum()),
        "effective_donors": float(1 / np.sum(w ** 2)) if np.sum(w ** 2) > 0 else float("nan"),
        "weights_source": "given" if weights is not None else "fitted",
    }

    # ---- warnings about the fit
    if n_fit < MIN_PRE:
        warnings.append(f"only {n_fit} period(s) before the change: fewer than {MIN_PRE}, so a close "
                        "pre-period fit proves little and the weights are poorly determined")
    if sd_pre > 0 and pre_rmspe > POOR_FIT_SD * sd_pre:
        warnings.append(f"poor pre-period fit: the synthetic {tname} misses the real one by "
                        f"{pre_rmspe:.3g} on average (RMSPE), {pre_rmspe / sd_pre:.2f} times the spread "
                        f"(SD) of {tname}'s own pre-period values (threshold {POOR_FIT_SD}); the gap "
                        "after the change may be noise or a poor match, not an effect")
    elif pre_rmspe > 0 and pre_rmspe >= abs(att):
        warnings.append(f"the synthetic {tname} missed the real one by {pre_rmspe:.3g} on average before "
                        f"the change (RMSPE), as much as the average gap after it ({att:+.3g}); the gap is "
                        "no larger than the fit's own error")
    Ypre = Y0[fit_rows]
    above = y1[fit_rows] > Ypre.max(axis=1) + 1e-12
    below = y1[fit_rows] < Ypre.min(axis=1) - 1e-12
    outside = [t for t, o in zip(np.array(times)[fit_rows], above | below) if o]
    diagnostics["n_pre_outside_donor_range"] = len(outside)
    if outside and len(outside) >= OUTSIDE_SHARE * n_fit:
        side = "above every donor" if above.sum() >= below.sum() else "below every donor"
        warnings.append(f"{tname} is {side} in {len(outside)} of {n_fit} pre-periods "
                        f"({_listing(outside, 6)}): no weighted average of donors can match it there, "
                        "so add donors that look more like it or use another method")
    if w.max() >= CONCENTRATED:
        top = pool[int(np.argmax(w))]
        warnings.append(f"the synthetic {tname} is {w.max():.0%} {names.get(top, top)}: the result is "
                        "close to a comparison with that one area and rests on its own changes")

    # ---- placebos
    p_value = None
    placebo_table = None
    exact = _exact_fit(pre_mspe, y1[fit_rows])
    diagnostics["treated_exact_fit"] = exact
    if exact:
        warnings.append(
            f"{tname}'s pre-period series is matched exactly (RMSPE about 0): with {len(pool)} donors and "
            f"only {n_fit} pre-periods the method can reproduce almost any series (over-fitting), so the "
            "weights say little about which areas are alike, and the post/pre MSPE ratio cannot be used; "
            "the placebo p-value ranks the average post-period gap instead. Use a smaller donor pool "
            "(e.g. statistical neighbours), predictors, or more pre-periods")
    if placebos:
        rows = [{"unit": tr, "placebo": False, "pre_mspe": pre_mspe, "post_mspe": post_mspe,
                 "ratio": ratio, "att": att, "exact_fit": exact}]
        gaps = {}
        for j, u in enumerate(pool):
            others = [k for k in range(len(pool)) if k != j]
            yj = Y0[:, j]
            Pj = (Pm[:, 1 + j], Pm[:, [1 + k for k in others]]) if Pm is not None else (None, None)
            wj, _ = _fit(yj, Y0[:, others], fit_rows, *Pj)
            gj = yj - Y0[:, others] @ wj
            gaps[u] = gj
            pm, qm = _mspe(gj, fit_rows), _mspe(gj, post_rows)
            rows.append({"unit": u, "placebo": True, "pre_mspe": pm, "post_mspe": qm,
                         "ratio": qm / max(pm, floor), "att": float(np.mean(gj[post_rows])),
                         "exact_fit": _exact_fit(pm, yj[fit_rows])})
        placebo_table = pd.DataFrame(rows)
        placebo_table.insert(1, "name", [names.get(u, str(u)) for u in placebo_table["unit"]])
        placebo_table["pre_mspe_multiple"] = placebo_table["pre_mspe"] / max(pre_mspe, floor)
        placebo_table["rank"] = placebo_table["ratio"].rank(ascending=False, method="max").astype(int)
        placebo_table["rank_gap"] = placebo_table["att"].abs().rank(ascending=False, method="max").astype(int)
        series = pd.concat([series, pd.DataFrame({f"placebo_gap:{u}": g for u, g in gaps.items()})],
                           axis=1)
        plc = placebo_table[placebo_table["placebo"]]
        n = len(plc)
        stat = "gap" if exact else "ratio"
        p_value = placebo_p_value(placebo_table, statistic=stat)
        diagnostics.update({
            "n_placebos": n, "p_value_statistic": "mean post-period gap" if exact else "post/pre MSPE ratio",
            "rank": int(placebo_table["rank_gap" if exact else "rank"].iloc[0]),
            "p_value_ratio": placebo_p_value(placebo_table, statistic="ratio"),
            "p_value_gap": placebo_p_value(placebo_table, statistic="gap"),
            "smallest_possible_p": 1 / (n + 1), "n_placebos_exact_fit": int(plc["exact_fit"].sum())})
        for k in POOR_PLACEBO:
            diagnostics[f"n_placebos_pre_mspe_over_{k}x"] = int((plc["pre_mspe_multiple"] > k).sum())
        for k in (5, 20):
            diagnostics[f"n_placebos_kept_{k}x"] = int((plc["pre_mspe_multiple"] <= k).sum())
            # "k times worse than an exact fit" leaves only the other exact fits: not applied
            diagnostics[f"p_value_excl_{k}x"] = (float("nan") if exact else
                                                 placebo_p_value(placebo_table, exclude=k, statistic=stat))
        note = (f"placebo test: {tname}'s {diagnostics['p_value_statistic']} ranks {diagnostics['rank']} of "
                f"{n + 1}")
        if exact:
            note += ("; placebos that fitted worse before the change are not left out, since any fit is "
                     f"worse than {tname}'s exact one")
        else:
            note += (f"; {diagnostics['n_placebos_pre_mspe_over_5x']} of {n} placebo areas fitted more than 5 "
                     f"times worse before the change (pre-period MSPE over 5 times {tname}'s, RMSPE over "
                     f"{math.sqrt(5):.2f} times); leaving them out gives p = {diagnostics['p_value_excl_5x']:.3g}")
        notes.append(note)
        alpha = 1 - level
        if 1 / (n + 1) > alpha:
            warnings.append(f"with {n} donors the smallest possible placebo p-value is {1 / (n + 1):.2g}, "
                            f"so this test can never be significant at {alpha:.0%}; add donors or treat "
                            "the result as descriptive")
        k_exact = diagnostics["n_placebos_exact_fit"]
        if k_exact and not exact:
            msg = (f"{k_exact} of {n} placebo areas are matched exactly before the change (over-fitting with "
                   f"{len(pool)} donors and {n_fit} pre-periods): their post/pre ratios are inflated, which "
                   "makes the ratio p-value conservative; ranking the average post-period gap instead gives "
                   f"p = {diagnostics['p_value_gap']:.2g}")
            (warnings if k_exact >= EXACT_PLACEBO_SHARE * n else notes).append(msg)
    else:
        notes.append("no placebo runs (placebos=False): no p-value")
    notes.append("no confidence interval: synthetic control has no standard one; the placebo "
                 "test gives the p-value and the placebo chart the spread of gaps in areas "
                 "without the intervention")

    table = pd.DataFrame({"unit": pool, "name": [names.get(u, str(u)) for u in pool], "weight": w})
    table = table.sort_values(["weight", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)

    balance = None
    v_series = None
    if spec:
        balance = pd.DataFrame({"treated": P[tr], "synthetic": P[pool].to_numpy() @ w,
                                "donor_mean": P[pool].mean(axis=1)})
        balance.index.name = "predictor"
        if v is not None:
            v_series = pd.Series(v, index=P.index, name="v")
            balance["v"] = v

    diagnostics["notes"] = notes
    measure_unit, outcome_name, percent_axis = "", outcome, ""
    if info["tidy"] and info["measure"]:
        outcome_name = info["measure"]
        try:
            from .. import registry
            m = registry.get(info["measure"])
            measure_unit, outcome_name = m.unit, m.short
            percent_axis = f"% of {m.base}" if m.unit == "percent" else ""
        except Exception:           # a measure outside the registry: keep its id
            pass
    return SynthResult(
        method=method, estimate=att, ci=(float("nan"), float("nan")), p_value=p_value, level=level,
        unit=change_unit(info["measure"] if info["tidy"] else None),
        label=label or f"Synthetic control for {tname}", diagnostics=diagnostics, warnings=warnings,
        table=table, series=series, treated=tr, treated_name=tname, intervention=intervention,
        weights=pd.Series(w, index=pool, name="weight"), v=v_series, balance=balance,
        placebos=placebo_table, measure_unit=measure_unit, outcome_name=outcome_name, names=names,
        percent_axis=percent_axis)
