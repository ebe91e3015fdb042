"""The benchmarking chart: an LA's trend against comparators, region and England."""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter

from .. import indicators as ind
from .. import published, registry
from ..benchmark import as_printed, not_shown
from .style import OKABE_ITO, chart_title, footnote, label_headroom, style_axes, unit_axis, year_axis

#: shading of a year in which the LA has no figure (its gap symbol is written at the top)
GAP_BAND = "#ececec"


def source_note(bm, measure_id: str) -> str:
    """The chart's source: each DfE publication its EES figures come from, with the
    latest release used (the stability measures are a publication of their own, not a
    release of "Children looked after in England"), and LAIT's years."""
    s = bm.series(measure_id)
    srcs = sorted(set(s["la_source"]) - {""})
    table = (registry.get(measure_id).published or {}).get("table")
    latest: dict[str, int] = {}
    for src in srcs:
        hit = re.fullmatch(r"EES (\d{4}) release", src)
        if hit:
            release = int(hit.group(1))
            pub = published.publication(table, release) if table else published.DEFAULT_PUBLICATION
            latest[pub] = max(latest.get(pub, release), release)
    parts = [f"DfE, {pub} (EES, {release} release)"
             for pub, release in sorted(latest.items(), key=lambda kv: (kv[1], kv[0]))]
    if "LAIT" in srcs:       # LAIT's own year labels (a census's year, for census figures)
        m = registry.get(measure_id)
        yrs = s.loc[s["la_source"] == "LAIT", "period"] - m.lait_period_shift
        if m.academic_year:  # as the axis names them: LAIT's 2025 is 2024/25
            first, last = m.period_label(yrs.min()), m.period_label(yrs.max())
            parts.append(f"DfE LAIT ({first}" + (f" to {last}" if last != first else "") + ")")
        else:
            parts.append(f"DfE LAIT ({yrs.min()}" + (f"-{yrs.max()}" if yrs.max() != yrs.min() else "") + ")")
    return "Source: " + "; ".join(parts) if parts else "Source: DfE"


def _plotted_years(s):
    """The years from the first to the last that has any figure to draw: leading or
    trailing years where the LA, its comparators, region and England all have none
    (before DfE first collected a measure, say) are left off rather than drawn as an
    empty stretch of axis full of gap marks."""
    drawn = ((s["la_status"] == ind.OK) | (s["comparator_n"] > 0) | s["england_value"].notna()
             | s["region_value"].notna())
    if not drawn.any():
        return s
    years = s.loc[drawn, "period"]
    return s[s["period"].between(years.min(), years.max())].reset_index(drop=True)


def _comparators(bm) -> str:
    """Whose average the chart draws, as its legend and alt text name them."""
    return "statistical neighbours'" if bm.comparator == "statistical_neighbours" else "comparators'"


def benchmark_chart(bm, measure_id: str, *, title: str | None = None, policy: str | None = None):
    """The LA's trend against its comparators' mean and range, region and England.

    The council's figures are drawn as the disclosure ``policy`` allows (default: the
    one ``bm`` was disclosed under, else ``published``): a year resting on 1 to 5
    children is a gap marked c, as in the reports. Pass ``policy="internal"`` for every
    figure, for a chart that stays inside the council.

    Years where the LA's figure is suppressed or unavailable show as a gap, with the
    DfE symbol written on the axis, never as zero. A figure at a census date is drawn at
    the census's year (the 30 September 2024 census at 2024), as DfE labels it; an
    academic-year figure at its period, its tick naming the academic year ("2024/25").
    """
    m = registry.get(measure_id)
    bm = bm.disclosed(bm._policy(policy))
    if bm.series(measure_id).empty:
        from ..errors import ConfigError
        held = [x.id for x in bm.measures]
        raise ConfigError(f"benchmark_chart: {measure_id} is not in this benchmark, which holds "
                          f"{', '.join(held[:6])}{', ...' if len(held) > 6 else ''}",
                          fix=f"Benchmark it first: benchmark.benchmark(la, [{measure_id!r}, ...])")
    s = _plotted_years(bm.series(measure_id))
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    shift = m.lait_period_shift
    x = s["period"].to_numpy() - shift
    has_comp = s["comparator_n"] > 0
    if has_comp.any():
        ax.fill_between(x, s["comparator_min"], s["comparator_max"], where=has_comp,
                        color=OKABE_ITO["sky"], alpha=0.25, linewidth=0,
                        label="Statistical neighbours' range" if bm.comparator == "statistical_neighbours"
                        else "Comparators' range")
        # a year whose neighbours have no range (one published year) is a box, not nothing
        has = has_comp.to_numpy()
        alone = has & ~np.r_[False, has[:-1]] & ~np.r_[has[1:], False]
        for i in np.flatnonzero(alone):
            ax.fill_between([x[i] - 0.15, x[i] + 0.15], s["comparator_min"].iloc[i],
                            s["comparator_max"].iloc[i], color=OKABE_ITO["sky"], alpha=0.25,
                            linewidth=0)
        ax.plot(x, s["comparator_mean"], color=OKABE_ITO["blue"], linestyle="--", marker="s",
                markersize=4, label=_comparators(bm).capitalize() + " average")
    # a count grows with the area: England's and the region's totals would flatten the
    # council's line against the axis, so they are left off (the footnote says so)
    if s["england_value"].notna().any() and not m.size_dependent:
        ax.plot(x, s["england_value"], color=OKABE_ITO["black"], linestyle=":", marker="^",
                markersize=4, label="England")
    if s["region_value"].notna().any() and not m.size_dependent:
        ax.plot(x, s["region_value"], color=OKABE_ITO["green"], linestyle="-.", marker="D",
                markersize=3.5, label=bm.la.region_name)
    la_vals = s["la_value"].where(s["la_status"] == ind.OK)
    ax.plot(x, la_vals, color=OKABE_ITO["vermillion"], linewidth=2.6, marker="o",
            markersize=6, label=bm.la.display_name, zorder=5)
    # a year with no LA figure is shaded the whole height of the chart, its symbol at the
    # top: written at the foot of the axis, a "c" read as a value of 0
    gaps = s[s["la_status"] != ind.OK]
    for _, r in gaps.iterrows():
        gx = r["period"] - shift
        ax.axvspan(gx - 0.4, gx + 0.4, color=GAP_BAND, linewidth=0, zorder=0, gid="gap")
        ax.annotate(r["la_status"], (gx, 1), xycoords=("data", "axes fraction"),
                    xytext=(0, -3), textcoords="offset points", ha="center", va="top", fontsize=9,
                    fontweight="bold", color=OKABE_ITO["vermillion"])
    gap_note = ""
    if not gaps.empty:
        # one meaning per symbol: "c = suppressed by DfE, or would reveal 1 to 5 children",
        # not "c = ...; c = ..." as though c were two symbols
        meaning: dict[str, list[str]] = {}
        for _, r in gaps.sort_values("la_status").iterrows():
            why = not_shown(bm.la.area_code, m.id, r)
            if why not in meaning.setdefault(r["la_status"], []):
                meaning[r["la_status"]].append(why)
        gap_note = (f" Grey-shaded years are gaps in the {bm.la.display_name} line, marked at the top: "
                    + "; ".join(f"{k} = {', or '.join(v)}" for k, v in meaning.items()) + ".")
    style_axes(ax)
    year_axis(ax, x)
    if m.unit == "percent":
        top = np.nanmax([s[c].max() for c in ("la_value", "comparator_max", "england_value",
                                               "region_value")] + [0])
        ax.set_ylim(0, min(100, max(5, top * 1.15)))
    else:
        ax.set_ylim(bottom=0)
    if not gaps.empty:
        label_headroom(ax, 0.08)         # room for the gap symbols above the lines
    ax.set_ylabel(unit_axis(m))
    ax.set_xlabel(m.axis_label)
    if m.academic_year and len(x):  # ticks name the academic year ("2024/25" at period 2025):
        # at most 6, counted back from the latest (ten "2015/16" labels run together)
        first, last = int(x.min()), int(x.max())
        ax.xaxis.set_major_locator(FixedLocator(range(last, first - 1, -math.ceil((last - first + 1) / 6))))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: m.period_label(v)))
    chart_title(ax, title or bm.headline(measure_id), pad=20)
    ax.text(0, 1.02, m.short + f" ({unit_axis(m)})", transform=ax.transAxes, fontsize=9,
            color="#444444", va="bottom")
    polarity = {"high": "Higher is better.", "low": "Lower is better.",
                "none": "No polarity: higher is not in itself better or worse."}[m.polarity]
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    last = bm.latest(measure_id)
    size_note = ""
    if m.size_dependent:
        totals = [f"{name} {as_printed(m, last[f'{who}_value'], last[f'{who}_decimals'])}" for name, who in
                  ((bm.la.region_name, "region"), ("England", "england"))
                  if last is not None and np.isfinite(last[f"{who}_value"])]
        size_note = (" A count grows with the size of the area: the region's and England's totals"
                     + (f" ({', '.join(totals)} in {m.period_label(last['period'])})" if totals else "")
                     + " are not drawn; compare rates.")
    footnote(fig, f"{source_note(bm, measure_id)}. {polarity}{gap_note}{size_note}")
    fig.alt_text = (
        f"Line chart of {m.short} for {bm.la.display_name} from {m.period_label(x.min() + shift)} to {m.period_label(x.max() + shift)}"
        + (f"; latest {as_printed(m, last['la_value'], last['la_decimals'])} in {m.period_label(last['period'])}"
           if last is not None and last["la_status"] == ind.OK else
           f"; {m.period_label(last['period'])} not shown ({last['la_status']})" if last is not None else "")
        + (f", with {_comparators(bm)} average and range" if m.size_dependent
           else f", with {_comparators(bm)} average and range, region and England")
        + "".join(f"; {name} {as_printed(m, last[col], last[dec])}" for name, col, dec in
                  ((f"{_comparators(bm)} average", "comparator_mean", "comparator_decimals"),
                   *((("England", "england_value", "england_decimals"),) if not m.size_dependent else ()))
                  if last is not None and np.isfinite(last[col]))
        + ".")
    return fig
