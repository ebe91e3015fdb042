"""Funnel chart for an :class:`evaltools.stats.funnels.FunnelResult`.

Each council is a dot at its denominator (number of children, or expected count for a
ratio); the target is a solid line; the 95% limits dashed and the 99.8% limits
dash-dotted, narrowing as the denominator grows. Councils beyond a limit are coloured
by polarity (blue = better, orange = worse, purple = no polarity) with their own
markers; highlighted councils are labelled.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..stats.funnels import level_tag
from .. import sdc
from .style import OKABE_ITO, chart_title, footnote, registry_measure, style_axes, unit_axis

GROUPS = {
    "better": ("Better than expected", OKABE_ITO["blue"], "s"),
    "worse": ("Worse than expected", OKABE_ITO["orange"], "D"),
    "higher": ("Higher than expected", OKABE_ITO["purple"], "^"),
    "lower": ("Lower than expected", OKABE_ITO["purple"], "v"),
    "as": ("Within the limits", OKABE_ITO["grey"], "o"),
}


def _group(assessment: str) -> tuple[str, bool]:
    """(better/worse/higher/lower/as, beyond the outer limit?) from the table's
    assessment wording."""
    possibly = assessment.startswith("possibly ")
    word = assessment.replace("possibly ", "").split(" ")[0]
    return (word if word in GROUPS else "as"), not possibly


def _display_name(row) -> str:
    """The council's name as the reports write it ("Herefordshire", not DfE's
    "Herefordshire, County of"), or the unit as given."""
    if "area_code" in row and isinstance(row["area_code"], str) and row["area_code"]:
        try:
            from ..areas import resolve_la
            return resolve_la(row["area_code"]).display_name
        except Exception:        # noqa: BLE001 - not a council code: keep the unit's own name
            pass
    return str(row["unit"])


def _label_point(ax, text: str, x: float, y: float) -> None:
    """A highlighted point's name on an opaque white box, placed into the room the
    axes have: below the point near the top (where the limit lines converge on 100%),
    left of it near the right edge."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    high = (y - y0) > 0.8 * (y1 - y0)
    right = (x - x0) > 0.7 * (x1 - x0)
    ax.annotate(text, (x, y), xytext=(-10 if right else 10, -14 if high else 10), textcoords="offset points",
                ha="right" if right else "left", va="top" if high else "bottom", fontsize=9, fontweight="bold",
                color=OKABE_ITO["vermillion"], zorder=6,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": OKABE_ITO["vermillion"],
                      "linewidth": 0.6, "alpha": 1.0})


def funnel_chart(result, highlight=None, *, title: str | None = None, ylabel: str | None = None,
                 source: str = "", policy: str = "published"):
    """Chart a funnel result: points, target line, inner (95%) and outer (99.8%)
    limits, and the highlighted council(s) labelled (``highlight`` defaults to the
    result's). Returns the Figure.

    ``policy`` (:mod:`evaltools.sdc`, default ``"published"``): a highlighted council
    whose figure counts 1 to 5 children, or leaves 1 to 5 out (unless DfE published it
    with those counts, :func:`evaltools.sdc.dfe_published`), is refused except under
    ``internal`` (the label and its place on the chart would give them away). The other
    councils' points are DfE's published figures."""
    t, s = result.table, result.series
    prop = result.kind == "proportion"
    wanted = result.highlight if highlight is None else ([highlight] if isinstance(highlight, str) else highlight)
    keys = [t["unit"].astype(str)] + ([t["area_code"].astype(str)] if "area_code" in t else [])
    hl = t[sum(k.isin([str(h) for h in wanted]) for k in keys) > 0] if wanted else t.iloc[:0]
    pol = sdc.policy(policy)
    mid = result.diagnostics.get("measure")
    dfe = sdc.dfe_published(hl.assign(period=result.period, measure=mid)) \
        if prop and len(hl) and "area_code" in hl and mid and result.period is not None else False
    few = (sdc.gives_away(hl["numerator"], hl["denominator"], dfe) if prop else sdc.is_small(hl["numerator"])) \
        if len(hl) else []
    if pol.suppress_small and any(few):
        from ..errors import DisclosureError
        who = ", ".join(_display_name(r) for (_, r), f in zip(hl.iterrows(), few) if f)
        raise DisclosureError(f"funnel_chart: {who}'s figure counts 1 to 5 children or leaves 1 to 5 out, and the "
                              f"highlighted point would show it under the {pol.name} policy",
                              fix="Draw it with policy='internal' for use inside the council only, or without "
                                  "highlight= (every council as DfE publishes it)")
    scale = 1.0             # every result is on its measure's scale (percentages 0-100)
    lv_in, lv_out = result.levels
    tag = {lv: level_tag(lv) for lv in result.levels}
    fig, ax = plt.subplots(figsize=(8, 4.8), dpi=100)
    ax.axhline(result.estimate * scale, color=OKABE_ITO["black"], linewidth=1.4,
               label=(f"Target ({result._fmt(result.estimate)})" if result.diagnostics.get("target_given")
                      else f"All councils ({result._fmt(result.estimate)})" if prop
                      else "All councils' rate (1)"), gid="target")
    adj = " (allowing for overdispersion)" if result.adjusted else ""
    for lv, ls, colour in ((lv_in, "--", OKABE_ITO["blue"]), (lv_out, "-.", OKABE_ITO["black"])):
        for side in ("lower", "upper"):
            ax.plot(s["denominator"], s[f"{side}_{tag[lv]}"] * scale, color=colour, linestyle=ls, linewidth=1.3,
                    label=f"{100 * lv:g}% limits{adj}" if side == "lower" else "_nolegend_",
                    gid=f"{side}_{tag[lv]}")
    groups = [_group(a) for a in t["assessment"]]
    for g, (name, colour, marker) in GROUPS.items():
        for outer in ((True,) if g == "as" else (True, False)):
            pts = np.array([gg == (g, outer) for gg in groups])
            if not pts.any():
                continue
            label = name if outer else f"Possibly {name.split(' ')[0].lower()} (beyond {100 * lv_in:g}% only)"
            if g != "as" and outer:
                label += f" (beyond {100 * lv_out:g}%)"
            ax.scatter(t.loc[pts, "denominator"], t.loc[pts, "value"] * scale, marker=marker,
                       facecolor=colour if outer else "white", s=30 if g == "as" else 42,
                       edgecolor=OKABE_ITO["black"] if g != "as" and outer else colour,
                       linewidth=0.6 if outer else 1.4, alpha=0.9, zorder=4, label=label,
                       gid=g if outer else f"possibly_{g}")
    if len(hl):
        ax.scatter(hl["denominator"], hl["value"] * scale, facecolor="none", edgecolor=OKABE_ITO["vermillion"],
                   s=160, linewidth=2, zorder=5, label="Highlighted", gid="highlight")
    style_axes(ax, integer_x=False)
    if s["denominator"].max() >= 10000:      # populations (rates per 10,000): 100,000 not 100000
        from matplotlib.ticker import FuncFormatter, MaxNLocator
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    m = registry_measure(result.diagnostics.get("measure"))
    base = m.base if m is not None and m.unit == "percent" else "children"
    ax.set_xlabel(f"Number of {base} (denominator)" if prop else "Expected number (given the children's mix)")
    per = getattr(result, "per", 100.0)
    ax.set_ylabel(ylabel or ((f"% of {base}" if per == 100 else unit_axis(m) if m is not None else
                              f"per {per:,.0f}") if prop else "Observed ÷ expected (1 = as expected)"))
    if prop:
        ax.set_ylim(bottom=0)
    for _, r in hl.iterrows():
        _label_point(ax, _display_name(r), r["denominator"], r["value"] * scale)
    period = f", {result.period}" if result.period is not None else ""
    chart_title(ax, title or f"{result.label or 'Funnel plot'}{period}", pad=20)
    d = result.diagnostics
    units = "councils" if d.get("from_indicators") else "units"
    ax.text(0, 1.02, f"{d[f'n_above_{tag[lv_out]}']} above and {d[f'n_below_{tag[lv_out]}']} below the "
            f"{100 * lv_out:g}% limits, of {len(t)}; smaller {units} vary more by chance, so their limits are wider.",
            transform=ax.transAxes, fontsize=9, color="#444444", va="bottom")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    footnote(fig, result.method[0].upper() + result.method[1:] + "." + (f" {source}" if source else ""))
    centre = (f"target {result._fmt(result.estimate)}" if d.get("target_given")
              else f"all {units} {result._fmt(result.estimate)}" if prop else "centre line 1 (as expected)")
    fig.alt_text = (f"Funnel plot of {result.label or 'the measure'}{period} for {len(t)} {units} against their "
                    f"{'number of children' if prop else 'expected count'}, {centre}: "
                    f"{d[f'n_above_{tag[lv_out]}']} above and {d[f'n_below_{tag[lv_out]}']} below the "
                    f"{100 * lv_out:g}% limits"
                    + "".join(f"; {_display_name(r)} {result._fmt(r['value'])}, {r['assessment'].split(' (')[0]}"
                              for _, r in hl.iterrows()) + ".")
    return fig
