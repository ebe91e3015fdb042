"""Proportions: one proportion, the difference of two, the risk ratio, and "is this
change more than noise?".

Library code is used wherever it implements the method:

* Wilson, Clopper-Pearson ("exact") and Wald intervals: statsmodels
  ``proportion_confint``;
* Newcombe's square-and-add (hybrid score) difference: statsmodels
  ``confint_proportions_2indep(method="newcomb")``;
* Agresti-Caffo: statsmodels, then **capped to [-1, 1]** (statsmodels does not cap:
  10/10 - 0/20 gives an upper limit of 1.0502; SAS and the reference give 1.0000);
* the risk ratio: statsmodels (log interval);
* the two-proportion z-test: statsmodels ``test_proportions_2indep``.

Hand-written, because no maintained Python library gives them correctly:

* Wilson with continuity correction and the mid-p interval (Newcombe 1998a, methods 4
  and 6);
* Newcombe's method 11 (square-and-add with continuity-corrected Wilson limits);
* Miettinen-Nurminen: statsmodels 0.15's ``method="score"`` gives 0.0526-0.3440 for
  56/70 - 48/80, where the published value is 0.0528-0.3382, and NaN when a cell is 0.
  Written here from Miettinen & Nurminen (1985) with Farrington & Manning's closed form
  for the restricted estimates, and tested against the published intervals.
"""

from __future__ import annotations

import math
import numbers

from scipy import optimize, stats
from statsmodels.stats import proportion as smp

from ..wording import count
from .power import detectable
from .results import Result

METHODS_ONE = ("wilson", "exact", "wilson_cc", "mid_p", "wald")
METHODS_DIFF = ("newcombe", "newcombe_cc", "agresti_caffo", "miettinen_nurminen", "wald")


def _check(x, n, where="proportion"):
    if n is None or n <= 0 or x is None or x < 0 or x > n or x != int(x) or n != int(n):
        raise ValueError(f"{where}: need whole numbers 0 <= x <= n with n > 0 (got {x}/{n})")


def _z(level: float) -> float:
    return stats.norm.ppf(1 - (1 - level) / 2)


def _wilson_cc(x: int, n: int, level: float) -> tuple[float, float]:
    """Wilson score interval with continuity correction (Newcombe 1998a, method 4)."""
    z, p, q = _z(level), x / n, 1 - x / n
    lo = 0.0 if x == 0 else (2 * n * p + z * z - 1 - z * math.sqrt(z * z - 2 - 1 / n + 4 * p * (n * q + 1))) / (2 * (n + z * z))
    hi = 1.0 if x == n else (2 * n * p + z * z + 1 + z * math.sqrt(z * z + 2 - 1 / n + 4 * p * (n * q - 1))) / (2 * (n + z * z))
    return max(0.0, lo), min(1.0, hi)


def _mid_p(x: int, n: int, level: float) -> tuple[float, float]:
    """Mid-p exact interval (Newcombe 1998a, method 6): half the probability of the
    observed count counts on each side."""
    a = (1 - level) / 2

    def upper_tail(p):      # P(X > x) + P(X = x)/2
        return stats.binom.sf(x, n, p) + 0.5 * stats.binom.pmf(x, n, p)

    def lower_tail(p):      # P(X < x) + P(X = x)/2
        return stats.binom.cdf(x - 1, n, p) + 0.5 * stats.binom.pmf(x, n, p)
    lo = 0.0 if x == 0 else optimize.brentq(lambda p: upper_tail(p) - a, 1e-12, 1 - 1e-12)
    hi = 1.0 if x == n else optimize.brentq(lambda p: lower_tail(p) - a, 1e-12, 1 - 1e-12)
    return lo, hi


def proportion_ci(x: int, n: int, method: str = "wilson", level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for x/n: ``wilson`` (default), ``exact`` (Clopper-Pearson),
    ``wilson_cc``, ``mid_p`` or ``wald``."""
    _check(x, n)
    if method == "wilson":
        return tuple(float(v) for v in smp.proportion_confint(x, n, 1 - level, method="wilson"))
    if method == "exact":
        return tuple(float(v) for v in smp.proportion_confint(x, n, 1 - level, method="beta"))
    if method == "wald":
        return tuple(float(v) for v in smp.proportion_confint(x, n, 1 - level, method="normal"))
    if method == "wilson_cc":
        return tuple(float(v) for v in _wilson_cc(int(x), int(n), level))
    if method == "mid_p":
        return _mid_p(int(x), int(n), level)
    raise ValueError(f"method {method!r}: use one of {METHODS_ONE}")


def proportion(x: int, n: int, method: str = "wilson", level: float = 0.95, label: str = "") -> Result:
    """One proportion with its interval, as a :class:`Result` (small-number warning
    below 10 in the denominator)."""
    lo, hi = proportion_ci(x, n, method, level)
    warn = []
    if n < 10:
        warn.append(f"only {n} children: the interval is wide and the figure may be suppressed when published")
    return Result(method=f"{method} interval", estimate=100 * x / n, ci=(100 * lo, 100 * hi), level=level,
                  label=label or f"{x}/{n}", unit="%", diagnostics={"x": x, "n": n}, warnings=warn)


def _mn_limits(x1, n1, x2, n2, level):
    """Miettinen-Nurminen score interval for p1 - p2 (hand-written; see module doc)."""
    p1, p2, N = x1 / n1, x2 / n2, n1 + n2
    z = _z(level)

    def restricted(delta):
        # Farrington & Manning (1990): MLE of p1, p2 under p1 - p2 = delta
        theta = n2 / n1
        a = 1 + theta
        b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
        c = delta * delta + delta * (2 * p1 + theta + 1) + p1 + theta * p2
        d = -p1 * delta * (1 + delta)
        v = b ** 3 / (27 * a ** 3) - b * c / (6 * a * a) + d / (2 * a)
        u2 = b * b / (9 * a * a) - c / (3 * a)
        u = math.copysign(math.sqrt(max(u2, 0.0)), v) if v != 0 else math.sqrt(max(u2, 0.0))
        if u == 0:
            w = math.pi / 3 if v == 0 else math.pi
        else:
            w = (math.pi + math.acos(max(-1.0, min(1.0, v / u ** 3)))) / 3
        q1 = 2 * u * math.cos(w) - b / (3 * a)
        q1 = min(1.0, max(0.0, q1))
        q2 = min(1.0, max(0.0, q1 - delta))
        return q1, q2

    def score(delta):
        q1, q2 = restricted(delta)
        var = (q1 * (1 - q1) / n1 + q2 * (1 - q2) / n2) * N / (N - 1)
        diff = p1 - p2 - delta
        if var <= 0:
            return math.copysign(math.inf, diff) if diff else 0.0
        return diff / math.sqrt(var)

    est = p1 - p2
    eps = 1e-10
    lo = -1.0 if score(-1 + eps) <= z else optimize.brentq(lambda d: score(d) - z, -1 + eps, est)
    hi = 1.0 if score(1 - eps) >= -z else optimize.brentq(lambda d: score(d) + z, est, 1 - eps)
    return lo, hi


def difference_ci(x1, n1, x2, n2, method: str = "newcombe", level: float = 0.95) -> tuple[float, float]:
    """Interval for p1 - p2 (x1/n1 - x2/n2): ``newcombe`` (square-and-add Wilson,
    Newcombe's method 10; default), ``newcombe_cc`` (method 11), ``agresti_caffo``,
    ``miettinen_nurminen`` or ``wald``."""
    _check(x1, n1, "first proportion")
    _check(x2, n2, "second proportion")
    if method == "newcombe":
        lo, hi = smp.confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", alpha=1 - level)
    elif method == "newcombe_cc":
        l1, u1 = _wilson_cc(x1, n1, level)
        l2, u2 = _wilson_cc(x2, n2, level)
        p1, p2 = x1 / n1, x2 / n2
        d = p1 - p2
        lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    elif method == "agresti_caffo":
        lo, hi = smp.confint_proportions_2indep(x1, n1, x2, n2, method="agresti-caffo", alpha=1 - level)
    elif method == "miettinen_nurminen":
        lo, hi = _mn_limits(x1, n1, x2, n2, level)
    elif method == "wald":
        lo, hi = smp.confint_proportions_2indep(x1, n1, x2, n2, method="wald", alpha=1 - level)
    else:
        raise ValueError(f"method {method!r}: use one of {METHODS_DIFF}")
    return max(-1.0, float(lo)), min(1.0, float(hi))


def _interval_p(x1, n1, x2, n2, method: str) -> float:
    """The p-value that matches the interval: the smallest 1 - level at which the
    interval excludes 0. Hand-written (a root search over the level), because a
    separate test (statsmodels' score test) can disagree with Newcombe's interval near
    p = 0.05, and a board paper must not say "no detectable change" beside p = 0.04."""
    est = x1 / n1 - x2 / n2
    if est == 0:
        return 1.0

    def inner_bound(alpha):        # the bound nearer 0; positive while 0 is excluded
        lo, hi = difference_ci(x1, n1, x2, n2, method, 1 - alpha)
        return lo if est > 0 else -hi
    a_lo, a_hi = 1e-15, 1 - 1e-9
    if inner_bound(a_lo) > 0:
        return a_lo
    if inner_bound(a_hi) <= 0:
        return 1.0
    return float(optimize.brentq(inner_bound, a_lo, a_hi, xtol=1e-12, rtol=1e-10))


def difference(x1, n1, x2, n2, method: str = "newcombe", level: float = 0.95, label: str = "") -> Result:
    """p1 - p2 (first minus second), in percentage points, with its interval and the
    p-value that matches it (p < 0.05 exactly when the 95% interval excludes 0), as a
    :class:`Result`."""
    lo, hi = difference_ci(x1, n1, x2, n2, method, level)
    p = _interval_p(x1, n1, x2, n2, method)
    warn = []
    if min(n1, n2) < 30:
        warn.append(f"small numbers ({n1} and {n2} children): only a large change can be told from noise")
    return Result(method=f"difference of proportions, {method} interval", estimate=100 * (x1 / n1 - x2 / n2),
                  ci=(100 * lo, 100 * hi), p_value=p, level=level, label=label or f"{x1}/{n1} - {x2}/{n2}",
                  unit="percentage points", diagnostics={"x1": x1, "n1": n1, "x2": x2, "n2": n2},
                  warnings=warn)


def risk_ratio(x1, n1, x2, n2, level: float = 0.95, label: str = "") -> Result:
    """p1 / p2 with a log interval (statsmodels); undefined when p2 is 0."""
    _check(x1, n1, "first proportion")
    _check(x2, n2, "second proportion")
    if x2 == 0 or x1 == 0:
        raise ValueError("risk ratio: a proportion of 0 gives no finite ratio; use difference()")
    lo, hi = smp.confint_proportions_2indep(x1, n1, x2, n2, method="log", compare="ratio", alpha=1 - level)
    p = float(smp.test_proportions_2indep(x1, n1, x2, n2, method="score").pvalue)
    return Result(method="risk ratio, log interval", estimate=(x1 / n1) / (x2 / n2), ci=(float(lo), float(hi)),
                  p_value=p, level=level, label=label or f"({x1}/{n1}) / ({x2}/{n2})",
                  diagnostics={"x1": x1, "n1": n1, "x2": x2, "n2": n2})


def verdict(result: Result, polarity: str = "high") -> str:
    """Three states in words from a difference (after minus before): improved beyond
    noise, no detectable change, worsened beyond noise. ``polarity``: is up good
    ("high"), down ("low"), or neither ("none": "rose"/"fell" beyond noise)."""
    lo, hi = result.ci
    if lo <= 0 <= hi:
        return "no detectable change"
    up = lo > 0
    if polarity == "none":
        return "rose beyond noise" if up else "fell beyond noise"
    good = up == (polarity == "high")
    return "improved beyond noise" if good else "worsened beyond noise"


def _periods(p):
    """A period, a list of periods, or a tuple (first, last) of years, inclusive, as
    ``periods=`` reads elsewhere: (2021, 2023) is 2021, 2022 and 2023."""
    if isinstance(p, tuple) and len(p) == 2 and all(isinstance(y, numbers.Integral) and not isinstance(y, bool) for y in p):
        if p[0] > p[1]:
            raise ValueError(f"before_after: the years {p} run backwards; give (first, last)")
        return list(range(int(p[0]), int(p[1]) + 1))
    return list(p) if isinstance(p, (list, tuple, range)) else [p]


def before_after(frame, before, after, *, measure: str | None = None, area: str | None = None,
                 method: str = "newcombe", polarity: str | None = None, level: float = 0.95) -> Result:
    """Compare a proportion measure between two periods of the tidy indicator frame.

    ``before`` and ``after`` are a period (2022), a list of periods ([2021, 2023]), or a
    tuple (first, last) of years, inclusive ((2021, 2023) is three years); the
    numerators and denominators of their periods are pooled. Returns :func:`difference` (after minus before) with
    the verdict in words and the minimum detectable change in ``diagnostics``.
    """
    from .. import registry
    from . import frames
    from .power import mde_two_periods

    s = frames.series(frame, measure, area, where="before_after")
    measure = s.attrs["measure"]
    try:
        m = registry.get(measure)
    except Exception:
        m = None
    if m is not None and m.unit != "percent":
        raise ValueError(f"before_after: {measure!r} is a {m.unit}, not a percentage; use its() or did()")
    if polarity is None:
        polarity = m.polarity if m is not None else "none"
    b, a = _periods(before), _periods(after)
    counts = {}
    for name, ps in (("before", b), ("after", a)):
        rows = s[s["time"].isin(ps)]
        missing = sorted(set(ps) - set(rows["time"]))
        if missing:
            gone = [t for _, t, _ in s.attrs.get("dropped", [])]
            why = "suppressed or not available" if set(missing) <= set(gone) else "not in the frame"
            raise ValueError(f"before_after: no {name} figure for {measure!r} in {missing} ({why}); "
                             "choose periods with published counts")
        if rows[["numerator", "denominator"]].isna().any().any():
            raise ValueError(f"before_after: {measure!r} has no counts for {name} periods {ps}; "
                             "a proportion test needs numerator and denominator")
        counts[name] = (int(rows["numerator"].sum()), int(rows["denominator"].sum()))
    (xa, na), (xb, nb) = counts["after"], counts["before"]
    label = f"{m.short if m else measure}: {_span(a)} against {_span(b)}"
    res = difference(xa, na, xb, nb, method=method, level=level, label=label)
    # the spread of the later figure is taken at the changed proportion, so a baseline
    # of 0% or 100% (no spread of its own) still gives the change the test needs
    mde = mde_two_periods(nb, xb / nb, na) if nb and na else math.nan
    found = (detectable(count(round(100 * mde + 1e-9), 'percentage point'), res.estimate, *res.ci, 100 * mde)
             if math.isfinite(mde) else "too few for any change to be found 4 times in 5 (80% power, "
                                        "5% significance)")
    res.diagnostics.update(measure=measure, before=b, after=a, verdict=verdict(res, polarity),
                           polarity=polarity, mde=100 * mde,
                           notes=[f"{verdict(res, polarity).capitalize()}.",
                                  f"with {nb:,} and {na:,} {m.base if m else 'children'}, {found}"])
    if len(b) > 1 or len(a) > 1:
        res.warnings.append("several years are pooled: a child counted in more than one year makes the "
                            "interval somewhat too narrow")
    return res


def _span(ps):
    """2024; 2021-2023 for consecutive years; 2021 and 2023 (or 2019, 2021 and 2023) otherwise."""
    if len(ps) == 1:
        return str(ps[0])
    try:
        run = [int(p) for p in ps] == list(range(int(ps[0]), int(ps[0]) + len(ps)))
    except (TypeError, ValueError):
        run = True
    return f"{ps[0]}-{ps[-1]}" if run else ", ".join(map(str, ps[:-1])) + f" and {ps[-1]}"
