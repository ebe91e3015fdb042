"""Result objects shared by the statistical helpers (after statsmodels' results).

Every helper returns a :class:`Result`: the estimate, its confidence interval, a
p-value where one means something, diagnostics, and warnings in plain English, with
``summary()`` for a person and ``to_frame()`` for a table.

One scale for percentages: every result reports a percentage on the 0 to 100 scale
(``unit="%"``) and a difference of percentages in percentage points (2.0 is two
points), the scale of the indicator frame and of DfE's tables. Only the low-level
interval functions (``proportion_ci``, ``difference_ci``) and the power formulas take
and return fractions (0 to 1), as statsmodels and R do. Survival curves are
probabilities (0 to 1), as in R's ``survfit``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

#: registry units whose figures are percentages: a change in one is in percentage points
PERCENT_UNITS = ("percent", "percent_sessions", "percent_fte", "percent_posts")


def change_unit(measure: str | None) -> str:
    """The unit of a change in a registry measure (a gap, an effect, a difference of two
    of its figures): "percentage points" for a percentage, the measure's own unit
    otherwise ("per 10,000 children", "days"); "" for a measure outside the registry or
    none, whose scale the helpers cannot know."""
    if not measure:
        return ""
    from .. import registry
    try:
        unit = registry.get(measure).unit
    except Exception:           # a local measure or a column name: no known scale
        return ""
    if unit == "score":             # a change of an average score is in points ("+0.4 score" read oddly)
        return "points"
    return "percentage points" if unit in PERCENT_UNITS else registry.UNIT_LABELS.get(unit, "")


def shared_decimals(*values: float, figures: int = 3) -> int:
    """Decimal places that give the largest of ``values`` about ``figures`` significant
    figures, for writing an estimate and its interval alike ("2.64 (-0.94 to 6.22)",
    not "2.64 (-0.9389 to 6.22)"); 0 to 4."""
    big = max((abs(v) for v in values if v is not None and math.isfinite(v)), default=0.0)
    if big == 0:
        return 2
    return int(min(4, max(0, figures - 1 - math.floor(math.log10(big)))))


@dataclass
class Result:
    """A statistical result: what was estimated, how sure we can be, and caveats."""

    method: str
    estimate: float
    ci: tuple[float, float]
    p_value: float | None = None
    level: float = 0.95
    label: str = ""
    unit: str = ""
    diagnostics: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: further estimates, one row each (coefficients, per-unit results, weights), with
    #: columns such as term, estimate, ci_low, ci_high, p_value
    table: pd.DataFrame | None = None
    #: the series behind the chart (observed, fitted, counterfactual, limits, gap), one
    #: row per time point or unit; the matching ``evaltools.plots`` function reads it
    series: pd.DataFrame | None = None

    #: the names ``to_frame`` gives ``ci``'s two ends: a confidence interval here; SPC
    #: charts and funnels hold control limits there, and name them so
    _bounds = ("ci_low", "ci_high")

    @property
    def ci_low(self) -> float:
        return self.ci[0]

    @property
    def ci_high(self) -> float:
        return self.ci[1]

    def _fmt(self, v: float, decimals: int | None = None, sign: bool = False) -> str:
        """A figure in the result's unit: percentages and percentage points to one
        decimal place (DfE's convention) unless ``decimals`` says otherwise, other
        scales to about three significant figures."""
        if self.unit == "%":
            return f"{v:.{1 if decimals is None else decimals}f}%"
        if self.unit == "percentage points":
            return f"{v:+.{1 if decimals is None else decimals}f}"
        if decimals is None:
            decimals = shared_decimals(v)
        return f"{v:{'+' if sign else ''}.{decimals}f}"

    def _with_interval(self, estimate: float, low: float, high: float, sign: bool = False) -> str:
        """"+2.6 percentage points (95% CI -0.9 to +6.2)": an estimate and its interval
        to the same decimal places, in the result's unit."""
        d = (None if self.unit == "%" else
             # points: one decimal place, or two significant figures for a small change
             # (a trend of +0.04 points a month is not "+0.0")
             max(1, shared_decimals(estimate, low, high, figures=2)) if self.unit == "percentage points"
             else shared_decimals(estimate, low, high))
        unit = f" {self.unit}" if self.unit and self.unit != "%" else ""
        return (f"{self._fmt(estimate, d, sign)}{unit} ({round(self.level * 100)}% CI "
                f"{self._fmt(low, d, sign)} to {self._fmt(high, d, sign)})")

    def summary(self) -> str:
        """A few lines a person can read: estimate, interval, p-value, warnings."""
        lines = [f"{self.label or self.method}: {self._with_interval(self.estimate, *self.ci)}"]
        if self.p_value is not None:
            lines.append(f"p = {self.p_value:.3g}")
        lines.append(f"Method: {self.method}")
        lines += [f"Note: {n}" for n in self.diagnostics.get("notes", [])]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row: label, method, estimate, ci_low, ci_high (for SPC charts and funnels,
        their limits, named as such), p_value, warnings, and the diagnostics as further
        columns."""
        low, high = self._bounds
        row = {"label": self.label, "method": self.method, "unit": self.unit, "estimate": self.estimate,
               low: self.ci[0], high: self.ci[1], "level": self.level,
               "p_value": self.p_value, "warnings": "; ".join(self.warnings)}
        row.update({k: v for k, v in self.diagnostics.items() if not isinstance(v, (list, dict, pd.DataFrame))})
        return pd.DataFrame([row])

    def __repr__(self) -> str:
        return self.summary()
