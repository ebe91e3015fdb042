"""The annual impact review: one row per strategy measure.

For each measure of a strategy (:mod:`evaltools.strategies`) the review gives the
baseline, the latest figure, whether it moved the promised way, whether the target is
met, the statistical verdict (improved beyond noise, no detectable change, worsened
beyond noise) and the caveats a reader needs. Figures come from the tidy indicator
frame, whatever its source: DfE's published tables, the council's SSDA903 extract, or
its local measures CSV (:mod:`evaltools.local`).

Caveats flagged here:

* the strategy's baseline does not match the published figure for its year (and which
  published year, if any, it does match);
* the measure's DfE definition changed between the baseline and the latest year
  (the registry versions definitions by collection year);
* a sudden jump in the series, the usual sign of a recording change;
* figures suppressed or not available in the years compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import registry
from .stats import frames
from .stats.proportions import before_after

VERDICTS = ("improved beyond noise", "no detectable change", "worsened beyond noise")
#: a baseline "matches" a published figure within half a unit of its last digit
#: (48% against 48.0%; 412 against 413 does not)
MATCH_TOLERANCE = 0.5
#: a year-on-year change this many times the series' typical change is a jump
JUMP_FACTOR = 3.0


@dataclass
class MeasureRow:
    id: str
    text: str
    source: str
    measure: str | None
    direction: str
    baseline_value: float | None = None
    baseline_period: int | None = None
    baseline_from: str = ""            # "strategy" or "published"
    latest_value: float | None = None
    latest_period: int | None = None
    direction_met: str = "not assessed"
    target_value: float | None = None
    target_met: str = "no target"
    verdict: str = "not tested"
    test: str = ""
    caveats: list[str] = field(default_factory=list)


def _polarity(direction: str, measure: str | None) -> str:
    if direction in ("increase", "decrease"):
        return "high" if direction == "increase" else "low"
    if measure and measure in registry.ids():
        return registry.get(measure).polarity
    return "none"


def _moved(direction: str, base: float, latest: float, unit: str) -> str:
    if direction == "none":
        return "no direction set"
    tol = 0.05 if unit == "percent" else 1e-9
    if direction == "maintain":
        return "yes" if abs(latest - base) <= max(tol, 0.05 * abs(base)) else "no"
    up = latest - base > tol
    down = base - latest > tol
    if not up and not down:
        return "no change"
    return "yes" if (up if direction == "increase" else down) else "no"


def _target_met(direction: str, target: float, latest: float) -> str:
    if direction == "decrease":
        return "yes" if latest <= target else "no"
    if direction == "maintain":
        return "yes" if abs(latest - target) <= 0.5 else "no"
    return "yes" if latest >= target else "no"


def jumps(series: pd.DataFrame) -> list[int]:
    """Periods where the year-on-year change is at least ``JUMP_FACTOR`` times the
    median absolute change of the rest of the series (needs 5 or more years)."""
    s = series.dropna(subset=["value"]).sort_values("time")
    if len(s) < 5:
        return []
    d = s["value"].diff().abs().to_numpy()[1:]
    out = []
    for i, v in enumerate(d):
        rest = np.delete(d, i)
        typical = np.median(rest)
        if typical > 0 and v >= JUMP_FACTOR * typical and v > 0:
            out.append(int(s["time"].iloc[i + 1]))
    return out


def _definition_change(measure: str, first: int, last: int) -> str | None:
    m = registry.get(measure)
    for d in m.definitions:
        if first < d["from"] <= last:
            return (f"DfE's definition changed from {d['from']} (between the baseline {first} and {last}): "
                    f"{d['text']}")
    return None


def measure_row(sm, frame: pd.DataFrame, area: str, baseline_period: int | None) -> MeasureRow:
    """The review row of one strategy measure, from the indicator frame."""
    row = MeasureRow(id=sm.id, text=sm.text, source=sm.source, measure=sm.measure or sm.local,
                     direction=sm.direction,
                     target_value=sm.target.value if sm.target else None)
    mid = sm.measure or sm.local
    if mid is None:
        row.direction_met = row.target_met = row.verdict = "not evaluated"
        row.caveats.append(f"evaltools does not compute this DfE measure yet (proposed registry id "
                           f"{sm.proposed_measure}); it is listed so the gap is visible")
        return row
    have = frame[(frame["measure"] == mid) & (frame["area_code"].astype(str) == str(area))] \
        if len(frame) else frame
    if have.empty:
        row.caveats.append("no local data supplied" if sm.source == "local" else "no figures for this council")
        row.direction_met = row.target_met = row.verdict = "no data"
        return row
    s = frames.series(have, mid, str(area), where="review")
    dropped = s.attrs.get("dropped", [])
    unit = registry.get(mid).unit if mid in registry.ids() else ""
    if s.empty:
        row.caveats.append("every figure is suppressed or not available")
        row.direction_met = row.target_met = row.verdict = "no data"
        return row
    last = s.iloc[-1]
    row.latest_value, row.latest_period = float(last["value"]), int(last["period"] if "period" in s else last["time"])
    period_of = dict(zip(s["time"], s["period"] if "period" in s else s["time"]))

    # the baseline: the strategy's own number, checked against the published one
    b_period = (sm.baseline.period if sm.baseline and sm.baseline.period else None) or baseline_period
    published_at = {int(period_of[t]): float(v) for t, v in zip(s["time"], s["value"])}
    if sm.baseline and sm.baseline.value is not None:
        row.baseline_value, row.baseline_period, row.baseline_from = sm.baseline.value, b_period, "strategy"
        if sm.source == "published" and b_period in published_at:
            pub = published_at[b_period]
            if abs(pub - sm.baseline.value) > MATCH_TOLERANCE:
                matches = [p for p, v in published_at.items() if abs(v - sm.baseline.value) <= MATCH_TOLERANCE]
                row.caveats.append(
                    f"the strategy's baseline {sm.baseline.value:g} does not match the published {b_period} figure "
                    f"({pub:.1f})" + (f"; it matches {', '.join(map(str, matches))}" if matches
                                      else "; it matches no published year"))
    elif b_period in published_at:
        row.baseline_value, row.baseline_period, row.baseline_from = published_at[b_period], b_period, "published"
    if row.baseline_value is None:
        row.caveats.append("no baseline: the strategy gives none and there is no figure for its baseline year")
    gone = [f"{t} ({st})" for _, t, st in dropped]
    if gone:
        row.caveats.append("suppressed or not available: " + ", ".join(map(str, gone)) + " (not read as 0)")
    if mid in registry.ids() and row.baseline_period:
        change = _definition_change(mid, row.baseline_period, row.latest_period)
        if change:
            row.caveats.append(change)
    # jumps into the baseline year or after it change the comparison; earlier ones do not
    j = [p for p in jumps(s) if row.baseline_period is None or p >= row.baseline_period]
    if j:
        row.caveats.append("a sudden jump in " + ", ".join(map(str, j))
                           + ": check for a recording change before reading it as a real change")

    if row.baseline_value is not None:
        row.direction_met = _moved(sm.direction, row.baseline_value, row.latest_value, unit)
    if row.target_value is not None:
        row.target_met = _target_met(sm.direction, row.target_value, row.latest_value)

    # the statistical verdict: counts at both ends give a test; otherwise say why not
    if row.baseline_period is None or row.baseline_period == row.latest_period:
        row.verdict, row.test = "not tested", "the latest figure is the baseline year"
    elif unit == "percent" or (sm.source == "local" and s["numerator"].notna().all()):
        try:
            res = before_after(have, row.baseline_period, row.latest_period, measure=mid, area=str(area),
                               polarity=_polarity(sm.direction, mid))
            row.verdict = res.diagnostics["verdict"]
            row.test = (f"{res.estimate:+.1f} points ({round(res.level * 100)}% CI {res.ci[0]:+.1f} to "
                        f"{res.ci[1]:+.1f}); {res.diagnostics['notes'][1]}")
        except ValueError as e:
            row.verdict, row.test = "not tested", str(e).split(": ", 1)[-1]
    else:
        row.verdict, row.test = "not tested", "no counts to test (not a percentage of children)"
    return row


def review_table(strategy, frame: pd.DataFrame) -> pd.DataFrame:
    """Every measure of the strategy, one row each, in the strategy's order."""
    rows = [measure_row(sm, frame, strategy.la, strategy.baseline_period) for sm in strategy.measures]
    out = pd.DataFrame([r.__dict__ for r in rows])
    out["caveats"] = out["caveats"].map("; ".join)
    return out
