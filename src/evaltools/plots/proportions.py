"""Before/after chart for a difference of proportions (``stats.before_after`` or
``stats.difference``): the two percentages with their intervals, the change and its
interval, and the verdict in words. Labels pass the disclosure policy."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt

from .. import sdc
from ..stats.proportions import _span, proportion_ci
from .style import OKABE_ITO, chart_title, footnote, style_axes


def before_after_chart(result, *, title: str | None = None, policy: str = "published",
                       before_label: str | None = None, after_label: str | None = None):
    """Two points (before, after) with Wilson intervals, labelled under ``policy`` (a
    figure resting on 1-5 children shows as ``c``), and the change in a footnote."""
    d = result.diagnostics
    x1, n1, x2, n2 = d["x1"], d["n1"], d["x2"], d["n2"]     # after is the first proportion
    b_name = before_label or ("Before" if "before" not in d else _span(d["before"]))
    a_name = after_label or ("After" if "after" not in d else _span(d["after"]))
    fig, ax = plt.subplots(figsize=(6.5, 4.2), dpi=100)
    pts = [(b_name, x2, n2, OKABE_ITO["blue"], "s"), (a_name, x1, n1, OKABE_ITO["vermillion"], "o")]
    pol = sdc.policy(policy)
    for i, (name, x, n, colour, marker) in enumerate(pts):
        if pol.suppress_small and bool(sdc.gives_away(x, n)):
            # its height alone gives the figure back: no point, only the c its label shows
            ax.plot([], [], marker, color=colour, label=f"{name}: c (not shown under the {pol.name} policy)")
            ax.annotate("c", (i, 50), ha="center", va="center", fontsize=12, fontweight="bold", color=colour)
            continue
        lo, hi = proportion_ci(x, n, "wilson", result.level)
        p = 100 * x / n
        ax.errorbar([i], [p], yerr=[[p - 100 * lo], [100 * hi - p]], fmt=marker, color=colour, capsize=6,
                    markersize=9, label=f"{name}: {sdc.label(p, x, policy, denominator=n)} of "
                    f"{sdc.label(n, n, policy, 'count')}")
        ax.annotate(sdc.label(p, x, policy, denominator=n), (i, p), xytext=(12, 0), textcoords="offset points",
                    va="center", fontsize=10, fontweight="bold", color=colour)
    ax.set_xticks([0, 1], [b_name, a_name])
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(0, 100)
    style_axes(ax, integer_x=False)
    ax.set_ylabel("% of children")
    verdict = d.get("verdict", "")
    # difference()'s own label is its counts ("160/162 - 150/163"): not a title to publish
    counts_label = bool(re.search(r"\d+/\d+", result.label or ""))
    chart_title(ax, title or (result.label if not (counts_label and pol.suppress_small) else
                              f"{a_name} against {b_name}"), fontsize=11)
    ax.legend(loc="best", frameon=False, fontsize=8.5)
    change = (f"Change {sdc.signed(result.estimate)} points ({round(result.level * 100)}% CI "
              f"{sdc.signed(result.ci[0])} to {sdc.signed(result.ci[1])})"
              + (f": {verdict}." if verdict else "."))
    if sdc.policy(policy).suppress_small and any(sdc.is_small(v) for v in (x1, x2, n1 - x1, n2 - x2)):
        change = "Change not shown: a figure rests on 1 to 5 children, or would reveal them."
    footnote(fig, change + f" Bars: {round(result.level * 100)}% Wilson intervals.", fontsize=8)
    fig.alt_text = f"Chart of {b_name} against {a_name}. {change}"
    return fig

