"""Synthetic control charts: the treated area against its synthetic twin, and its gap
against the placebo areas' gaps (Abadie, Diamond & Hainmueller 2010, figures 2-7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..sdc import significant
from ..stats.synth import placebo_p_value
from .style import OKABE_ITO, UNIT_AXIS, chart_title, footnote, start_label, style_axes


def _axis_label(result) -> str:
    return (getattr(result, "percent_axis", "") or UNIT_AXIS.get(result.measure_unit)
            or result.outcome_name or "value")


def _gap_label(result) -> str:
    if result.measure_unit == "percent":
        return "percentage points"
    return UNIT_AXIS.get(result.measure_unit) or result.outcome_name or "value"


def _x(series):
    x = series["time"].to_numpy()
    if np.issubdtype(x.dtype, np.floating) and np.all(np.mod(x, 1) == 0):
        x = x.astype(int)                       # years read as floats (1970.0)
    return x, np.issubdtype(x.dtype, np.integer)


def _xlabel(result, integer: bool) -> str:
    return "Year ending 31 March" if result.measure_unit and integer else "Period"


def _mark_change(ax, result, x):
    first_post = x[result.series["post"].to_numpy()][0]
    ax.axvline(first_post, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.4)
    start_label(ax, first_post, f"Change starts ({result.intervention})", fontsize=8.5)


def _footnote(fig, note: str, source: str):
    footnote(fig, f"{note} {source}".strip())


def _recipe(result, n=4) -> str:
    w = result.weights[result.weights > 0.0005].sort_values(ascending=False)
    parts = [f"{v:.0%} {result.names.get(u, u)}" for u, v in w.iloc[:n].items()]
    if len(w) > n:
        parts.append(f"{w.iloc[n:].sum():.0%} from {len(w) - n} others")
    return " + ".join(parts)


def synth_chart(result, *, title: str | None = None, ylabel: str | None = None, source: str = ""):
    """The treated area (solid, circles) against its synthetic twin (dashed, squares),
    with the start of the change marked, for a :class:`evaltools.stats.synth.SynthResult`."""
    s = result.series
    d = result.diagnostics
    name = result.treated_name or str(result.treated)
    x, integer = _x(s)
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    ax.plot(x, s["treated"], color=OKABE_ITO["vermillion"], linewidth=2.6, marker="o", markersize=5,
            label=name, zorder=5)
    ax.plot(x, s["synthetic"], color=OKABE_ITO["blue"], linewidth=2.0, linestyle="--", marker="s",
            markersize=4, label=f"Synthetic {name}")
    style_axes(ax, integer_x=integer)
    _mark_change(ax, result, x)               # once the axis limits are final
    ax.set_ylabel(ylabel or _axis_label(result))
    ax.set_xlabel(_xlabel(result, integer))
    chart_title(ax, title or f"{name} against a blend of areas that matched it before the change",
                pad=20)
    ax.text(0, 1.02, f"Synthetic {name} = {_recipe(result)}", transform=ax.transAxes, fontsize=8.5,
            color="#444444", va="bottom")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    note = (f"Average gap after the change: {'+' if result.estimate > 0 else ''}{significant(result.estimate, 3, trim=True)}"
            + (f"; placebo test p = {result.p_value:.2g}" if result.p_value is not None else "")
            + (f". Before the change the blend matched {name} exactly: with this many areas to blend, "
               "that can happen by chance (see the warnings)." if d.get("treated_exact_fit") else
               f". Before the change the blend missed {name} by {significant(d['pre_rmspe'], 3, trim=True)} on average (RMSPE)."))
    _footnote(fig, note, source)
    fig.alt_text = (f"Line chart of {result.outcome_name or 'the outcome'} for {name} and its synthetic "
                    f"control from {x[0]} to {x[-1]}, with the change at {result.intervention}; after it "
                    f"{name} is on average {significant(abs(result.estimate), 3, trim=True)} "
                    f"{'below' if result.estimate < 0 else 'above'} the synthetic line.")
    return fig


def synth_placebo_chart(result, *, exclude: float | None = 5, title: str | None = None,
                        ylabel: str | None = None, source: str = ""):
    """The treated area's gap (bold) against each placebo area's gap (thin grey).

    ``exclude``: leave out placebos whose pre-period MSPE is more than this many times
    the treated area's (ADH use 20, 5 and 2); ``None`` shows them all, as does a
    treated area fitted exactly before the change.
    """
    if result.placebos is None:
        raise ValueError("synth_placebo_chart: the result has no placebo runs; "
                         "fit it with synthetic_control(..., placebos=True)")
    s = result.series
    name = result.treated_name or str(result.treated)
    x, integer = _x(s)
    plc = result.placebos[result.placebos["placebo"]]
    if result.diagnostics.get("treated_exact_fit"):
        exclude = None          # every placebo fits worse than an exact fit: show them all
    shown = plc if exclude is None else plc[plc["pre_mspe_multiple"] <= exclude]
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    for i, u in enumerate(shown["unit"]):
        ax.plot(x, s[f"placebo_gap:{u}"], color=OKABE_ITO["grey"], linewidth=0.8, alpha=0.7,
                label="Placebo areas (no change)" if i == 0 else "_nolegend_")
    ax.axhline(0, color=OKABE_ITO["black"], linewidth=0.8, linestyle="--", label="No gap")
    ax.plot(x, s["gap"], color=OKABE_ITO["vermillion"], linewidth=2.8, marker="o", markersize=5,
            label=name, zorder=5)
    style_axes(ax, integer_x=integer)
    _mark_change(ax, result, x)               # once the axis limits are final
    ax.set_ylabel(ylabel or f"Gap to synthetic ({_gap_label(result)})")
    ax.set_xlabel(_xlabel(result, integer))
    areas = f"{len(shown)} area{'' if len(shown) == 1 else 's'}"
    chart_title(ax, title or f"Is {name}'s gap unusual? Its gap against {areas} without the change",
                pad=20)
    hidden = len(plc) - len(shown)
    ax.text(0, 1.02, "Grey: the same method applied to each area that did not make the change",
            transform=ax.transAxes, fontsize=8.5, color="#444444", va="bottom")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    d = result.diagnostics
    note = (f"Placebo test: {name}'s {d['p_value_statistic']} ranks {d['rank']} of {d['n_placebos'] + 1}, "
            f"p = {result.p_value:.2g}."
            + (f" {hidden} area(s) not shown: the method fitted them more than {exclude:g} times worse "
               f"than {name} before the change (p = "
               f"{placebo_p_value(result, exclude):.2g} without them)."
               if hidden else ""))
    _footnote(fig, note, source)
    fig.alt_text = (f"Line chart of the gap between {name} and its synthetic control from {x[0]} to {x[-1]}, "
                    f"drawn over the gaps of {len(shown)} placebo areas; {name} ranks {d['rank']} "
                    f"of {d['n_placebos'] + 1} on the {d['p_value_statistic']}.")
    return fig
