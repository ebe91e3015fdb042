"""Interrupted time series chart: observed points, fitted segments, and the
counterfactual (what the pre-intervention trend predicted) with its band."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import sdc
from ..sdc import significant
from .style import (OKABE_ITO, chart_title, coarse, date_axis, footnote, label_headroom, registry_measure,
                    start_label, style_axes, unit_axis, when)


def _axis_label(result) -> str:
    """The measure's unit from the registry when known, else a generic label."""
    m = registry_measure(result.diagnostics.get("measure"))
    if m is not None:
        return unit_axis(m)
    return {"poisson": "rate", "binomial": "% of children"}.get(getattr(result, "model", ""), "value")


def its_chart(result, *, title: str | None = None, ylabel: str | None = None, source: str = "",
              policy: str = "published"):
    """Chart an :class:`evaltools.stats.its.ITSResult`.

    Observed values are dots; the fitted model is a solid line before and after the
    intervention; the counterfactual is dashed with a shaded band; a vertical line
    marks the intervention. ``policy`` (default ``"published"``): a series with points
    on 1 to 5 children is refused except under ``internal`` (:func:`evaltools.sdc.check_chart`).
    """
    sdc.check_chart(result, policy, "its_chart")
    m = registry_measure(result.diagnostics.get("measure"))
    percent = m.unit.startswith("percent") if m is not None else getattr(result, "model", "") == "binomial"
    s = coarse(result.series, ("observed", "fitted", "counterfactual", "counterfactual_low", "counterfactual_high"),
               percent)
    d = result.diagnostics
    x = s["time"].to_numpy()
    xpos = np.arange(len(s)) if x.dtype == object else x
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    ax.plot(xpos, s["observed"], linestyle="none", marker="o", markersize=5, color=OKABE_ITO["black"],
            label="Observed")
    pre, post = ~s["after"].to_numpy(), s["after"].to_numpy()
    ax.plot(xpos[pre], s["fitted"][pre], color=OKABE_ITO["blue"], linewidth=2.2, label="Fitted, before")
    ax.plot(xpos[post], s["fitted"][post], color=OKABE_ITO["vermillion"], linewidth=2.6,
            label="Fitted, after")
    ax.plot(xpos[post], s["counterfactual"][post], color=OKABE_ITO["blue"], linewidth=1.8, linestyle="--",
            label="Counterfactual: earlier trend continued")
    ax.fill_between(xpos[post], s["counterfactual_low"][post], s["counterfactual_high"][post],
                    color=OKABE_ITO["sky"], alpha=0.3, linewidth=0,
                    label=f"{round(result.level * 100)}% band for the counterfactual")
    first_post = xpos[post][0]
    ax.axvline(first_post, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.2)
    style_axes(ax, integer_x=not np.issubdtype(np.asarray(xpos).dtype, np.datetime64))
    date_axis(ax, xpos)
    label_headroom(ax)
    start_label(ax, first_post, f"Intervention ({when(d['intervention'])})", fontsize=8.5)
    ax.set_ylabel(ylabel or _axis_label(result))
    ax.set_xlabel("Period")
    chart_title(ax, title or "Before and after the intervention")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    lvl = result.effect("level")
    what = {"poisson": "rate ratio", "binomial": "odds ratio"}.get(result.model, "change")
    est, low, high = (significant(lvl[k], 3, trim=True) for k in ("estimate", "ci_low", "ci_high"))   # half up
    note = (f"Level {what} {est} ({round(result.level * 100)}% CI {low} to "
            f"{high}). {result.method[:1].upper()}{result.method[1:]}.")
    if source:
        note += f" {source}"
    footnote(fig, note)
    fig.alt_text = (f"Interrupted time series chart of {len(s)} points with the intervention at "
                    f"{when(d['intervention'])}: level {what} {est}, interval {low} "
                    f"to {high}; the dashed line shows the earlier trend continued.")
    return fig
