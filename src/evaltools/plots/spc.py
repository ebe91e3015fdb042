"""SPC chart (Making Data Count style) for an :class:`evaltools.stats.spc.SPCResult`.

The data line with grey dots for common cause variation; special-cause points in
Making Data Count's colours (blue = improvement, orange = concern, purple = a special
cause on a measure with no polarity), each with its own marker so a greyscale print
still reads; the centre line solid, the process limits dashed, both stepping where a
new phase starts; an optional dotted target line.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import sdc
from ..sdc import round_half_up
from .style import (OKABE_ITO, chart_title, coarse, date_axis, footnote, label_headroom, registry_measure,
                    start_label, style_axes, unit_axis, when)

POINTS = {
    "common": ("Common cause (usual variation)", OKABE_ITO["grey"], "o"),
    "improvement": ("Special cause: improvement", OKABE_ITO["blue"], "s"),
    "concern": ("Special cause: concern", OKABE_ITO["orange"], "D"),
    "neither": ("Special cause (no polarity)", OKABE_ITO["purple"], "P"),
}


def _ylabel(result) -> str:
    if result.unit == "%":
        m = registry_measure(result.diagnostics.get("measure"))
        return unit_axis(m) if m is not None else "%"
    return result.unit or "value"


def spc_chart(result, *, title: str | None = None, ylabel: str | None = None, source: str = "",
              policy: str = "published"):
    """Chart an SPC result: data, centre line, process limits (stepped at each new
    phase, or marked where limits from the points before are extended over the rest;
    for a p-chart they follow each period's denominator), special-cause points
    coloured by polarity, and the target if one was given. Returns the Figure.

    ``policy`` (:mod:`evaltools.sdc`, default ``"published"``): a result whose points
    rest on 1 to 5 children is refused (:func:`evaltools.sdc.check_chart`) except under
    ``internal``, since every point is drawn."""
    sdc.check_chart(result, policy, "spc_chart")
    s = coarse(result.series, ("y", "centre", "lpl", "upl"), result.unit == "%")
    scale = 1.0             # every result is on its measure's scale (percentages 0-100)
    x = s["x"].to_numpy()
    y = s["y"].to_numpy(float) * scale
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    ax.plot(x, y, color=OKABE_ITO["black"], linewidth=1.2, zorder=2, label="_nolegend_", gid="data")
    varies = result.chart != "XmR chart"
    phases = []
    for i, (_, ph) in enumerate(s.groupby("phase", sort=True)):
        px = ph["x"].to_numpy()
        style = {"drawstyle": "steps-mid"} if varies else {}
        first = i == 0
        ax.plot(px, ph["centre"] * scale, color=OKABE_ITO["black"], linewidth=1.6, gid="centre",
                label=("Mean" if result.chart == "XmR chart" else "Average") + " (centre line)" if first
                else "_nolegend_")
        for col, name in (("lpl", "Process limits"), ("upl", None)):
            ax.plot(px, ph[col] * scale, color=OKABE_ITO["black"], linewidth=1.2, linestyle="--", gid=col,
                    label=name if first and name else "_nolegend_", **style)
        if i > 0:
            ax.axvline(px[0], color=OKABE_ITO["grey"], linestyle=":", linewidth=1, gid="rebase")
            phases.append((px[0], f"Phase {i + 1}"))
    fixed = result.diagnostics.get("baseline")
    if fixed:               # limits from the points before, extended: where they stop coming from
        ax.axvline(fixed["extended_from"], color=OKABE_ITO["grey"], linestyle=":", linewidth=1, gid="baseline")
        phases.append((fixed["extended_from"], "Limits from before, extended"))
    for kind, (name, colour, marker) in POINTS.items():
        pts = (s["variation"] == kind).to_numpy()
        if pts.any() or kind == "common":
            ax.scatter(x[pts], y[pts], color=colour, marker=marker, s=46 if kind != "common" else 26,
                       edgecolor=OKABE_ITO["black"] if kind != "common" else colour, linewidth=0.6,
                       zorder=4, label=name, gid=kind)
    if result.target is not None:
        ax.axhline(result.target * scale, color=OKABE_ITO["green"], linestyle=":", linewidth=1.8,
                   label="Target", gid="target")
    style_axes(ax, integer_x=np.issubdtype(np.asarray(x).dtype, np.integer))
    date_axis(ax, x)
    if s["phase"].nunique() > 1 or fixed:
        label_headroom(ax)
    for at, text in phases:
        start_label(ax, at, text, dy=-10, fontsize=8)
    ax.set_ylabel(ylabel or _ylabel(result))
    ax.set_xlabel("Period")
    chart_title(ax, title or result.label or result.chart, pad=20)
    sub = result.variation[0].upper() + result.variation[1:]
    if result.assurance:
        sub += "; target: " + result.assurance.split(":")[0]
    ax.text(0, 1.02, f"{result.chart}. Latest point: {sub}.", transform=ax.transAxes, fontsize=9,
            color="#444444", va="bottom")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    note = ("Process limits show where points fall by chance alone if nothing changes; they are not "
            "confidence intervals.") + (f" {source}" if source else "")
    footnote(fig, note)
    def fmt(v):             # the alt text at the chart's own precision (see coarse)
        if result.unit == "%" or v is None or not np.isfinite(v):
            return result._fmt(v)
        text = f"{round_half_up(v, s.attrs['places']):,.{s.attrs['places']}f}"
        return text + (f" {result.unit}" if result.unit else "")

    fig.alt_text = (f"{result.chart} of {result.label or 'the measure'}: {len(s)} points from {when(x[0])} to {when(x[-1])}, "
                    f"latest {fmt(s['y'].iloc[-1])}, centre line {fmt(result.estimate)}, process limits "
                    f"{fmt(result.ci[0])} to {fmt(result.ci[1])}; {result.variation}.")
    return fig
