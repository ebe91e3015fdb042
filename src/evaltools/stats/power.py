"""Power and the minimum detectable effect for a council's own numbers.

Most councils look after a few hundred children, so most year-on-year changes are
noise. These helpers say how big a change has to be before it can be told from noise:
"with 110 care leavers a year, a change smaller than 13 points cannot be told from
noise" (against a fixed benchmark, at 80% power and 5% two-sided significance).

* ``power_t_test`` / ``n_t_test``: R's ``power.t.test`` (two-sample, two-sided,
  non-strict: the far tail is ignored), from scipy's noncentral t;
* ``power_prop_test`` / ``n_prop_test``: R's ``power.prop.test`` formula;
* ``mde_proportion``: the smallest change in a proportion detectable with given
  numbers, against a fixed benchmark (the usual board-paper question: "is our 48% now
  different from the 50% target?") or between two periods each with its own noise,
  from the baseline's spread alone (Bloom 1995);
* ``power_two_proportions`` / ``mde_two_periods``: the two-period comparison the
  review makes, from R's power.prop.test formula for groups of any size, with the
  spread of the later figure taken at the changed proportion. Near 0% or 100% the
  baseline's spread is almost nothing and Bloom's formula promises changes the test
  cannot find (0 of 190 children one year: "1 point", where about 4 are needed).

Hand-written (short formulas) because statsmodels' power classes use the strict
two-sided power, which differs from R's documented examples in the 7th decimal.
"""

from __future__ import annotations

import math

from scipy import optimize, stats


def power_t_test(n: float, delta: float, sd: float = 1.0, alpha: float = 0.05) -> float:
    """Power of a two-sided two-sample t-test with ``n`` per group (R power.t.test)."""
    df = 2 * (n - 1)
    ncp = math.sqrt(n / 2) * delta / sd
    return float(stats.nct.sf(stats.t.isf(alpha / 2, df), df, ncp))


def n_t_test(delta: float, power: float = 0.8, sd: float = 1.0, alpha: float = 0.05) -> float:
    """Children per group for a two-sample t-test to reach ``power``."""
    return float(optimize.brentq(lambda n: power_t_test(n, delta, sd, alpha) - power, 2, 1e7, xtol=1e-10))


def power_prop_test(n: float, p1: float, p2: float, alpha: float = 0.05) -> float:
    """Power of a two-sided comparison of two proportions with ``n`` per group (R's
    power.prop.test)."""
    q1, q2 = 1 - p1, 1 - p2
    z = stats.norm.isf(alpha / 2)
    num = math.sqrt(n) * abs(p1 - p2) - z * math.sqrt((p1 + p2) * (q1 + q2) / 2)
    return float(stats.norm.cdf(num / math.sqrt(p1 * q1 + p2 * q2)))


def n_prop_test(p1: float, p2: float, power: float = 0.8, alpha: float = 0.05) -> float:
    """Children per group to tell ``p1`` from ``p2`` with ``power``."""
    return float(optimize.brentq(lambda n: power_prop_test(n, p1, p2, alpha) - power, 2, 1e9, xtol=1e-10))


def mde_multiplier(power: float = 0.8, alpha: float = 0.05) -> float:
    """z(1 - alpha/2) + z(power): 2.8016 at the usual 5% and 80% (Bloom 1995)."""
    return float(stats.norm.isf(alpha / 2) + stats.norm.ppf(power))


def mde_proportion(n: float, p: float, *, comparison: str = "benchmark", n2: float | None = None,
                   power: float = 0.8, alpha: float = 0.05) -> float:
    """Smallest change in a proportion (as a fraction: 0.13 = 13 points) that ``n``
    children can show at ``power``: against a fixed ``benchmark`` (target, England),
    or between ``two_periods`` (``n`` before, ``n2`` after; default the same)."""
    if n <= 0 or not 0 <= p <= 1:
        raise ValueError("need n > 0 and 0 <= p <= 1")
    var = p * (1 - p)
    if comparison == "benchmark":
        se = math.sqrt(var / n)
    elif comparison == "two_periods":
        se = math.sqrt(var / n + var / (n2 or n))
    else:
        raise ValueError("comparison is 'benchmark' or 'two_periods'")
    return mde_multiplier(power, alpha) * se


def power_two_proportions(n1: float, p1: float, n2: float, p2: float, alpha: float = 0.05) -> float:
    """Power of a two-sided comparison of ``p1`` in ``n1`` children with ``p2`` in
    ``n2``: R's power.prop.test formula (non-strict), with the pooled proportion
    weighted by group size under the null. With ``n1 == n2`` it is
    :func:`power_prop_test`."""
    q = lambda p: p * (1 - p)             # noqa: E731
    pooled = (n1 * p1 + n2 * p2) / (n1 + n2)
    spread = math.sqrt(q(p1) / n1 + q(p2) / n2)
    z = stats.norm.isf(alpha / 2)
    num = abs(p1 - p2) - z * math.sqrt(q(pooled) * (1 / n1 + 1 / n2))
    if spread == 0:                       # 0% against 100%: no chance in it
        return float(num > 0)
    return float(stats.norm.cdf(num / spread))


def mde_two_periods(n1: float, p: float, n2: float | None = None, *, power: float = 0.8,
                    alpha: float = 0.05) -> float:
    """Smallest change (a fraction: 0.04 = 4 points) from ``p`` in ``n1`` children to a
    later period of ``n2`` (default ``n1``) that the comparison finds with ``power``:
    the larger of the rise and the fall that reach it, so a change smaller than this is
    usually missed whichever way it goes. A move towards 0% or 100% is found sooner
    than one away from it (the spread shrinks there); from 0% only a rise is possible.
    NaN where no possible change reaches ``power`` (a handful of children)."""
    n2 = n1 if n2 is None else n2
    if n1 <= 0 or n2 <= 0 or not 0 <= p <= 1:
        raise ValueError("need n1, n2 > 0 and 0 <= p <= 1")
    found = []
    for end in (1.0, 0.0):
        if end == p or power_two_proportions(n1, p, n2, end, alpha) < power:
            continue
        gap = optimize.brentq(lambda d: power_two_proportions(n1, p, n2, p + d, alpha) - power,
                              1e-12 * (1 if end > p else -1), end - p, xtol=1e-12)
        found.append(abs(gap))
    return max(found) if found else math.nan


def detectable(size: str, estimate: float, lo: float, hi: float, mde: float, what: str = "a change") -> str:
    """The smallest detectable change beside a result, in words that cannot contradict
    its verdict. ``size``: the change as printed ("about 9.2", "8 percentage points");
    ``mde``: the same number, to compare with the ``estimate``; ``lo``, ``hi``: its 95%
    interval. The smallest detectable change is what a test finds 4 times in 5 (80%
    power, 5% significance): a change smaller than it can still be detected, and then
    it sits near the edge of what the data can tell from noise.

    * not detected (the interval holds 0): "a change smaller than about 9.2 would
      usually not be told from noise";
    * detected, smaller than that: "a change of about 9.2 is found 4 times in 5; this
      smaller one was found too, near the edge of what the data can tell from noise"
      (not "finds a change of about 9.2 4 times in 5", two numbers run together);
    * detected and as large: "a change of about 9.2 or more is found 4 times in 5"."""
    if not (lo > 0 or hi < 0):
        return f"{what} smaller than {size} would usually not be told from noise (80% power, 5% significance)"
    if abs(estimate) < mde:
        return (f"{what} of {size} is found 4 times in 5 (80% power, 5% significance); this smaller one was "
                "found too, near the edge of what the data can tell from noise")
    return f"{what} of {size} or more is found 4 times in 5 (80% power, 5% significance)"


def mde_sentence(n: int, p: float, what: str = "children", **kw) -> str:
    """The minimum detectable effect in words, for beside an evaluation result."""
    mde = mde_proportion(n, p, **kw)
    return (f"With {n:,} {what} a year, a change smaller than {round(100 * mde + 1e-9):.0f} "
            "percentage points cannot be told from noise.")
