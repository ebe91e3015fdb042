"""A council's local measure by year (pathway plans up to date, return home interview
take-up): its own figures, with 95% Wilson intervals where the counts are given, and
the strategy's target. There is no national series to set it against, so the chart
shows how sure each year's figure is instead. Figures pass the disclosure policy: a
year resting on 1 to 5 children is not drawn, and is marked ``c``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import sdc
from ..local import format_figure
from ..stats.proportions import proportion_ci
from .style import OKABE_ITO, chart_title, coarse, footnote, label_headroom, style_axes

#: the axis label of a local measure's unit
LOCAL_AXIS = {"percent": "%", "count": "number", "score": "average score", "days": "days", "rate": "rate"}


def local_chart(series, *, title: str, what: str, unit: str, name: str, target: float | None = None,
                policy: str = "published", source: str = "", level: float = 0.95):
    """``series``: the council's figures of one measure by year: ``stats.frames.series``
    (time, value, numerator, denominator), or their rows of ``local.read``. ``title`` states the finding; ``what`` is the measure's
    name and ``unit`` its local definition's unit; ``name``: the council, for the
    legend. Returns the Figure, with ``alt_text``."""
    pol = sdc.policy(policy)
    if "time" not in series.columns:          # the council's rows of an indicator frame, as local.read gives
        from ..stats import frames
        if not {"measure", "status", "area_code"} <= set(series.columns):
            from ..errors import SchemaError
            raise SchemaError("local_chart: give the council's figures of one measure as stats.frames.series "
                              "or local.read returns them (with time, or period, value, numerator, denominator)")
        series = frames.series(series, where="local_chart")
    s = series.reset_index(drop=True)
    num = s["numerator"].to_numpy(float) if "numerator" in s else np.full(len(s), np.nan)
    den = s["denominator"].to_numpy(float) if "denominator" in s else np.full(len(s), np.nan)
    hidden = np.array([pol.suppress_small and sdc.rests_on_few(n, d) for n, d in zip(num, den)], dtype=bool)
    percent = unit == "percent"
    shown = coarse(s.assign(value=np.where(hidden, np.nan, s["value"].to_numpy(float))), ("value",), percent)
    x = np.arange(len(s))
    labels = [str(t)[:10] if not isinstance(t, (int, np.integer)) else str(t) for t in s["time"]]
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    y = shown["value"].to_numpy(float)
    ax.plot(x, y, color=OKABE_ITO["vermillion"], linewidth=2.4, marker="o", markersize=6, label=name, zorder=4)
    counted = percent & np.isfinite(num) & np.isfinite(den) & ~hidden
    if counted.any():
        ends = np.array([proportion_ci(int(a), int(b), "wilson", level) for a, b in zip(num[counted], den[counted])])
        lo, hi = np.round(100 * ends[:, 0], 1), np.round(100 * ends[:, 1], 1)
        ax.errorbar(x[counted], y[counted], yerr=[y[counted] - lo, hi - y[counted]], fmt="none",
                    ecolor=OKABE_ITO["vermillion"], elinewidth=1.2, capsize=4, zorder=3,
                    label=f"{round(level * 100)}% interval (from the counts)")
    if target is not None:
        ax.axhline(target, color=OKABE_ITO["green"], linestyle=":", linewidth=1.8, label="Target")
    ax.set_xticks(x, labels)
    ax.set_xlim(-0.5, len(s) - 0.5)        # a c over the first or last year stays inside
    style_axes(ax, integer_x=False)
    if percent:
        top = max(100.0, float(np.nanmax(y)) if np.isfinite(y).any() else 100.0)
        ax.set_ylim(0, top)
    for i in np.flatnonzero(hidden):
        ax.annotate("c", (i, 1.0), xycoords=("data", "axes fraction"), xytext=(0, -12),
                    textcoords="offset points", ha="center", fontsize=9, color="#444444")
    if hidden.any():
        label_headroom(ax)
    ax.set_ylabel(LOCAL_AXIS.get(unit, unit))
    ax.set_xlabel("Year" if all(isinstance(t, (int, np.integer)) for t in s["time"]) else "Period")
    chart_title(ax, title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    note = "The council's own figures (local measure): there is no national series to compare them with."
    if counted.any():
        note += f" Bars: {round(level * 100)}% Wilson intervals, where the counts are given."
    if hidden.any():
        note += " c: not shown, it would reveal 1 to 5 children."
    footnote(fig, note + (f" Source: {source}." if source else ""))
    drawn = [f"{labels[i]} {format_figure(unit, y[i])}" for i in range(len(s)) if np.isfinite(y[i])]
    fig.alt_text = (f"Line chart of {what} for {name} by year: " + "; ".join(drawn)
                    + (f"; target {format_figure(unit, target, whole=True)}" if target is not None else "") + ".")
    return fig
