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

from dataclasses import dataclass, field

import pandas as pd


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

    @property
    def ci_low(self) -> float:
        return self.ci[0]

    @property
    def ci_high(self) -> float:
        return self.ci[1]

    def _fmt(self, v: float) -> str:
        if self.unit == "percentage points":
            return f"{v:+.1f}"
        if self.unit == "%":
            return f"{v:.1f}%"
        return f"{v:.4g}"

    def summary(self) -> str:
        """A few lines a person can read: estimate, interval, p-value, warnings."""
        lines = [f"{self.label or self.method}: {self._fmt(self.estimate)}"
                 + (f" {self.unit}" if self.unit == "percentage points" else "")
                 + f" ({round(self.level * 100)}% CI {self._fmt(self.ci[0])} to {self._fmt(self.ci[1])})"]
        if self.p_value is not None:
            lines.append(f"p = {self.p_value:.3g}")
        lines.append(f"Method: {self.method}")
        lines += [f"Note: {n}" for n in self.diagnostics.get("notes", [])]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row: label, method, estimate, ci_low, ci_high, p_value, warnings, and
        the diagnostics as further columns."""
        row = {"label": self.label, "method": self.method, "unit": self.unit, "estimate": self.estimate,
               "ci_low": self.ci[0], "ci_high": self.ci[1], "level": self.level,
               "p_value": self.p_value, "warnings": "; ".join(self.warnings)}
        row.update({k: v for k, v in self.diagnostics.items() if not isinstance(v, (list, dict, pd.DataFrame))})
        return pd.DataFrame([row])

    def __repr__(self) -> str:
        return self.summary()
