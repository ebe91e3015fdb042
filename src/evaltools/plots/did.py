"""Difference-in-differences charts: the treated LA against its comparators, and the
event study (effect by period relative to the intervention)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..sdc import significant
from .its import _axis_label
from matplotlib.ticker import FuncFormatter

from .style import OKABE_ITO, chart_title, footnote, style_axes, year_axis


def _measure(result):
    """The registry measure a result is of, or None (a DataFrame of the user's own)."""
    from .. import registry
    mid = result.diagnostics.get("measure")
    return registry.get(mid) if mid in registry.ids() else None


def _note(fig, result, extra=""):
    method = result.method
    m, ref = _measure(result), result.diagnostics.get("reference_period")
    if m is not None and ref is not None:       # "against 2024" as reports name the year
        method = method.replace(f"against {ref},", f"against {m.period_label(ref)},")
    est, low, high = _three(result)
    footnote(fig, f"Effect {est} ({round(result.level * 100)}% CI {low} "
             f"to {high}). {method[:1].upper()}{method[1:]}.{extra}")


def _three(result) -> tuple[str, str, str]:
    """The effect and its interval to 3 significant figures, rounded half up."""
    return tuple(significant(v, 3, trim=True) for v in (result.estimate, *result.ci))


def did_chart(result, *, title: str | None = None, ylabel: str | None = None, treated_label: str = "Treated",
              comparison_label: str = "Comparators' average"):
    """Treated mean and comparators' mean by period, with the treated counterfactual
    (the treated pre-period gap carried forward on the comparators' path)."""
    s = result.series
    d = result.diagnostics
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    x = s["time"].to_numpy()
    ax.plot(x, s["comparison"], color=OKABE_ITO["blue"], linestyle="--", marker="s", markersize=4,
            label=comparison_label)
    ax.plot(x, s["treated"], color=OKABE_ITO["vermillion"], linewidth=2.6, marker="o", markersize=6,
            label=treated_label)
    post = ~np.isnan(s["counterfactual"].to_numpy(dtype=float))
    # hollow markers: with one period after the intervention the line is a single point
    ax.plot(x[post], s["counterfactual"][post], color=OKABE_ITO["vermillion"], linestyle=":", linewidth=1.8,
            marker="o", markersize=6, markerfacecolor="white", markeredgewidth=1.5,
            label=f"{treated_label} if it had followed the comparators")
    ax.axvline(d["intervention"], color=OKABE_ITO["grey"], linestyle=":", linewidth=1.2)
    style_axes(ax)
    ax.set_ylabel(ylabel or _axis_label(result))
    m = _measure(result)
    year_axis(ax, x)
    if m is not None:          # years as reports name them: 2024/25, Sep 2024, 2025
        ax.set_xlabel(m.axis_label)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: m.period_label(int(round(v)))))
    else:
        ax.set_xlabel("Period")
    chart_title(ax, title or "Change against comparators")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    _note(fig, result)
    fig.alt_text = (f"Line chart of {treated_label} and {comparison_label} from {x.min()} to {x.max()}, "
                    f"intervention at {d['intervention']}; difference-in-differences effect "
                    "{} ({}% interval {} to {})".format(_three(result)[0], round(result.level * 100), *_three(result)[1:])
                    + f", in {ylabel or _axis_label(result)}.")
    return fig


def event_study_chart(result, *, title: str | None = None, ylabel: str = "difference from comparators"):
    """Effect by period relative to the intervention with intervals; period -1 is the
    reference (0 by construction). Leads (before) near 0 support parallel trends."""
    t = result.table
    t = t[t["relative_period"].notna()].sort_values("relative_period")
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    k = t["relative_period"].to_numpy()
    before = k < 0
    for mask, colour, marker, name in ((before, OKABE_ITO["blue"], "s", "Before (should be near 0)"),
                                       (~before, OKABE_ITO["vermillion"], "o", "After")):
        ax.errorbar(k[mask], t["estimate"][mask],
                    yerr=[t["estimate"][mask] - t["ci_low"][mask], t["ci_high"][mask] - t["estimate"][mask]],
                    fmt=marker, color=colour, capsize=3, label=name)
    ax.axhline(0, color=OKABE_ITO["black"], linewidth=0.8)
    ax.axvline(-0.5, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.2)
    style_axes(ax)
    ax.set_xlabel("Periods relative to the intervention (0 = first period after)")
    ax.set_ylabel(ylabel)
    chart_title(ax, title or "Effect by period (event study)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    p = result.diagnostics.get("pretrend_p")
    _note(fig, result, f" Pre-trend test p = {p:.2f}." if p is not None else "")
    fig.alt_text = (f"Event-study chart: estimated differences from comparators for {int(before.sum())} periods "
                    f"before and {int((~before).sum())} after the intervention, with {round(result.level * 100)}% "
                    "intervals.")
    return fig
