"""Kaplan-Meier chart: step curves with shaded intervals per group, censoring ticks and
the numbers still at risk under the axis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import OKABE_ITO, style_axes

COLOURS = [OKABE_ITO[c] for c in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]
LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
MAX_CENSOR_TICKS = 150      # beyond this the ticks are a smudge: leave them out


def _name(g) -> str:
    return "All" if g is None or (isinstance(g, float) and np.isnan(g)) else str(g)


def _n_at_risk(step, t) -> int:
    """Number at risk just after time t (the first step at or after t)."""
    times = step["time"].to_numpy()
    j = np.searchsorted(times, t, side="left")
    return int(step["n_risk"].iat[j]) if j < len(times) else 0


def km_chart(result, *, title: str | None = None, show_censors: bool | None = None,
             at_risk: bool = True, xmax: float | None = None, source: str = ""):
    """Chart a :func:`evaltools.stats.survival.kaplan_meier` result.

    One step curve per group (colour, line style and a marker in the legend differ, so
    greyscale prints read), the pointwise interval shaded, censoring shown as small
    vertical ticks (by default only when there are at most 150 censoring times), and
    the numbers still at risk at each x tick in a table under the axis. ``xmax`` cuts
    the time axis (e.g. at 36 months, where few placements are still followed).
    """
    d = result.diagnostics
    s = result.series
    unit = d.get("time_unit") or "time units"
    subj = d.get("subject_label", "subjects")
    evl = d.get("event_label", "events")
    groups = list(result.table["group"])
    if show_censors is None:
        show_censors = int((s["censored"] > 0).sum()) <= MAX_CENSOR_TICKS
    if at_risk:
        fig, (ax, ax_t) = plt.subplots(2, 1, figsize=(8, 4.6 + 0.28 * len(groups)), dpi=100,
                                       gridspec_kw={"height_ratios": [4, 0.55 + 0.3 * len(groups)]},
                                       sharex=True)
    else:
        fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
        ax_t = None
    for i, g in enumerate(groups):
        st = s[s["group"].isna()] if g is None else s[s["group"] == g]
        row = result.table.iloc[i]
        col, ls = COLOURS[i % len(COLOURS)], LINESTYLES[i % len(LINESTYLES)]
        x = st["time"].to_numpy(float)
        ax.fill_between(x, 100 * st["ci_low"].to_numpy(float), 100 * st["ci_high"].to_numpy(float),
                        step="post", color=col, alpha=0.18, linewidth=0)
        ax.step(x, 100 * st["survival"].to_numpy(float), where="post", color=col, linestyle=ls,
                linewidth=2.2, marker=MARKERS[i % len(MARKERS)], markevery=[0], markersize=5,
                label=f"{_name(g)} ({row['n']:,} {subj}, {row['events']:,} {evl})")
        if show_censors:
            c = st[st["censored"] > 0]
            ax.plot(c["time"], 100 * c["survival"], linestyle="none", marker="|", markersize=7,
                    color=col, markeredgewidth=1.2)
    style_axes(ax, integer_x=False)
    ax.set_ylim(0, 102)
    ax.set_xlim(0, xmax if xmax is not None else None)
    ax.set_ylabel(d.get("y_label") or "Share without the event (%)")
    origin = d.get("time_origin")
    xlabel = f"{unit.capitalize()} {origin}" if origin else f"Time from the start ({unit})"
    ax.set_title(title or (d.get("curve_label") or "Share without the event over time"),
                 loc="left", fontsize=12, fontweight="bold")
    pct = round(result.level * 100)
    ax.legend(loc="lower left", frameon=False, fontsize=8.5)
    ax.set_xlabel(xlabel)
    if ax_t is not None:
        ticks = [t for t in ax.get_xticks() if 0 <= t <= ax.get_xlim()[1]]
        ax_t.set_ylim(-0.5, len(groups) - 0.5)
        ax_t.set_yticks(range(len(groups)))
        ax_t.set_yticklabels([_name(g) for g in groups][::-1], fontsize=8.5)
        for i, g in enumerate(groups):
            st = s[s["group"].isna()] if g is None else s[s["group"] == g]
            y = len(groups) - 1 - i
            for t in ticks:
                ax_t.text(t, y, f"{_n_at_risk(st, t):,}", ha="center", va="center", fontsize=8.5,
                          color=COLOURS[i % len(COLOURS)])
        ax_t.set_title(f"Number of {subj} still at risk", loc="left", fontsize=9, color="#444444")
        ax_t.spines[["top", "right", "left", "bottom"]].set_visible(False)
        ax_t.tick_params(axis="y", length=0, pad=24)
        ax_t.tick_params(axis="x", length=0, labelbottom=False)
        ax.set_xticks(ticks)
        ax.tick_params(labelbottom=True)
    note = (f"Shaded: {pct}% confidence interval ({d.get('conf_type', 'log')} scale)."
            + (" Ticks mark censoring (ended another way or still going)." if show_censors else ""))
    if source:
        note += f" {source}"
    fig.text(0.01, 0.01, note, fontsize=7.5, color="#444444", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    bits = []
    for i, g in enumerate(groups):
        row = result.table.iloc[i]
        if np.isfinite(row["median"]):
            bits.append(f"{_name(g)}: median {row['median']:.3g} {unit}")
        else:
            st = s[s["group"].isna()] if g is None else s[s["group"] == g]
            bits.append(f"{_name(g)}: median not reached, {100 * st['survival'].iat[-1]:.0f}% "
                        f"still without {evl} at {st['time'].iat[-1]:.3g} {unit}")
    fig.alt_text = (f"Kaplan-Meier step chart of the share of {subj} without {evl} against "
                    f"{xlabel.lower()}, with {pct}% intervals shaded; " + "; ".join(bits) + ".")
    return fig
