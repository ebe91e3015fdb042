"""Shared chart style: Okabe-Ito colours, unit axis labels, tidy axes."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.layout_engine import TightLayoutEngine
from matplotlib.ticker import MaxNLocator

from .. import registry
from ..errors import ConfigError
from ..registry import UNIT_LABELS

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#999999",
}
#: axis labels: the registry's unit labels, spelt out where an axis has room
UNIT_AXIS = {**UNIT_LABELS, "percent": "% of children", "rate_per_10k": "per 10,000 children aged 0-17",
             "score": "average score"}


def registry_measure(measure_id):
    """The registry measure a result charts, or None (plain data, or a measure outside
    the registry)."""
    try:
        return registry.get(measure_id)
    except ConfigError:
        return None


def unit_axis(measure) -> str:
    """A measure's axis label: its unit spelt out, and for a percentage what it is a
    percentage of ("% of new placements", "% of care leavers"; "% of children" unless
    the registry's ``percent_of`` says otherwise)."""
    if measure.unit == "percent":
        return f"% of {measure.base}"
    if measure.unit == "score" and (measure.lait or {}).get("subtract"):
        return "gap in points"          # a difference of two average scores, not a score
    return UNIT_AXIS[measure.unit]


#: year axes with at most this many years between the first and the last tick every
#: year; a longer span ticks every second (or third...) year, counted back from the
#: latest so it is always labelled (ten labels of "2016" to "2025" ran together on a
#: chart with its legend beside it)
_EVERY_YEAR_SPAN = 7
#: at most this many year ticks on a long span
_MAX_YEAR_TICKS = 7


def year_axis(ax, years) -> None:
    """Whole years on the x axis, with limits that fit the years drawn. With one year,
    matplotlib's own limits spread a few percent of the year either side (1925 to 2125
    for 2024) and its ticks fall between years (2024.5); here one year is drawn from the
    year before to the year after with one tick, a few years each get a tick, and a
    long span gets whole-year ticks only."""
    from matplotlib.ticker import StrMethodFormatter

    ys = np.asarray(years, dtype=float)
    ys = np.unique(ys[np.isfinite(ys)])
    if ys.size == 0:
        return
    lo, hi = int(round(ys.min())), int(round(ys.max()))
    pad = 1.0 if hi == lo else 0.5
    ax.set_xlim(lo - pad, hi + pad)
    if hi - lo <= _EVERY_YEAR_SPAN:
        ax.set_xticks(np.arange(lo, hi + 1))
    else:
        step = int(np.ceil((hi - lo + 1) / _MAX_YEAR_TICKS))
        ax.set_xticks(np.arange(hi, lo - 1, -step)[::-1])
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))


def style_axes(ax, integer_x: bool = True):
    """Board-paper axes: no top/right spines, light horizontal grid."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    if integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def date_axis(ax, x) -> None:
    """Readable dates on the x axis when ``x`` holds dates (month series): years, with
    months where there is room, never overlapping labels."""
    if np.issubdtype(np.asarray(x).dtype, np.datetime64):
        import matplotlib.dates as mdates
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


#: a footnote's characters per inch of figure width at 7.5 pt: a little under what
#: DejaVu Sans fits, so a browser's fallback font (Verdana, Arial) fits too
_NOTE_CHARS_PER_INCH_75 = 15.5


def footnote(fig, note: str, fontsize: float = 7.5) -> None:
    """Write the chart's footnote (source, method, symbols) under it, wrapped to the
    figure's width, and lay the chart out above it with room for every line: a long
    note never runs into the x-axis label. Wrapped here by character count rather than
    by matplotlib's ``wrap=True``, which measures the text word by word at every draw."""
    width = max(40, int(fig.get_figwidth() * _NOTE_CHARS_PER_INCH_75 * 7.5 / fontsize))
    lines = textwrap.wrap(" ".join(note.split()), width) or [""]
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=fontsize, color="#444444", ha="left",
             va="bottom", linespacing=1.3, parse_math=False)     # "$5 and $10" is money, not maths
    line_in = fontsize * 1.3 / 72
    rect = (0, (0.06 + line_in * len(lines)) / fig.get_figheight(), 1, 1)
    _tight_layout(fig, rect)
    if _rewrap_titles(fig):
        _tight_layout(fig, rect)


def _tight_layout(fig, rect) -> None:
    """``fig.tight_layout(rect=rect)``, done once, without leaving a layout engine on the
    figure. ``Figure.tight_layout`` leaves a placeholder engine behind, and ``savefig``
    then lays out every figure that has one again (a full draw with rendering switched
    off) before drawing it: a quarter of a chart's time, for the same picture.

    A chart of one axes with room kept only at the bottom (the footnote's) is laid out
    in one measuring pass rather than matplotlib's two. Given a ``rect``, matplotlib
    measures every label for the whole figure, then measures them all again, at the
    same positions, to fit the rect; with one axes the second measurement is not used.
    The result is the same subplot parameters (tested), for half the layout's time."""
    axes = fig.axes
    spec = axes[0].get_subplotspec() if len(axes) == 1 else None
    if (spec is None or spec.get_gridspec().get_geometry() != (1, 1)
            or tuple(rect[i] for i in (0, 2, 3)) != (0, 1, 1)):
        TightLayoutEngine(rect=rect).execute(fig)
        return
    TightLayoutEngine(rect=None).execute(fig)   # None, not the default (0, 0, 1, 1): one pass
    p = fig.subplotpars
    if rect[1] + p.bottom < p.top:
        fig.subplots_adjust(bottom=rect[1] + p.bottom)
    else:                                       # no room: matplotlib's own warning
        TightLayoutEngine(rect=rect).execute(fig)


def label_headroom(ax, share: float = 0.12) -> None:
    """Room at the top of the axes for a label written along its top edge ("Phase 2",
    "Intervention (July 2022)"), so it sits above the highest point and line rather than
    on them. Call after everything is plotted."""
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + share * (hi - lo))


def start_label(ax, x, text: str, *, dy: float = -12, **kw) -> None:
    """``text`` along the top of the axes at ``x`` (an intervention, a new phase): to the
    right of the line, or to its left where the line is in the right half of the chart,
    so the label neither runs off the axes into the legend beside them nor over it. Call
    once everything is plotted (the x limits are final)."""
    lo, hi = ax.get_xlim()
    at = float(ax.convert_xunits(x))
    left = hi > lo and (at - lo) / (hi - lo) > 0.55
    ax.annotate(text, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(-3 if left else 3, dy),
                textcoords="offset points", ha="right" if left else "left", color="#444444", **kw)


#: room a title is first wrapped to leave at the figure's left for the y axis's labels
#: (a left-aligned title starts where the axes do) and at its right, in inches;
#: :func:`footnote` wraps it again where the laid-out axes start further right
_TITLE_MARGINS_IN = 1.35


def _title_lines(text: str, fontsize: float, room_pt: float) -> tuple[list[str], float]:
    """``text`` wrapped into lines at most ``room_pt`` wide in bold ``fontsize``, and
    the widest line's width. Measured in the title's own font (measurements are
    remembered, see :mod:`evaltools.plots.textmetrics`), not guessed from a count of
    characters: a bold line of capitals and digits is much wider than one of small
    letters."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(size=fontsize, weight="bold")

    def width(line: str) -> float:
        return text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0]

    text = " ".join(str(text).split())
    whole = width(text)
    if whole <= room_pt:                      # most titles: one measurement
        return [text], whole
    # longer ones: words measured once each (and remembered across charts), a line's
    # width taken as its words and spaces, with 3% to spare for kerning between words
    space = width("a b") - width("ab")
    lines: list[list[str]] = []
    used = 0.0
    for word in text.split(" "):
        w = width(word)
        if lines and (used + space + w) * 1.03 <= room_pt:
            lines[-1].append(word)
            used += space + w
        else:
            lines.append([word])
            used = w
    joined = [" ".join(ws) for ws in lines]
    return joined, max(width(line) for line in joined)


def chart_title(ax, text: str, *, fontsize: float = 12, pad: float | None = None,
                room_in: float | None = None) -> None:
    """The chart's title, which states the finding, bold at the top left, wrapped to
    the figure's width: a title longer than the figure would run off the saved image."""
    fig = ax.get_figure()
    room = room_in if room_in is not None else fig.get_figwidth() - _TITLE_MARGINS_IN
    lines, widest = _title_lines(text, fontsize, room * 72)
    ax.set_title("\n".join(lines), loc="left", fontsize=fontsize, fontweight="bold", pad=pad,
                 parse_math=False)
    ax._evaltools_title = (text, fontsize, pad, widest)


def _rewrap_titles(fig) -> bool:
    """After layout: wrap again any title wider than the room right of where its axes
    now start (long y-axis labels push the axes, and the title, to the right)."""
    changed = False
    w = fig.get_figwidth()
    for ax in fig.axes:
        spec = getattr(ax, "_evaltools_title", None)
        if spec is None:
            continue
        text, fontsize, pad, widest = spec
        room = w * (1 - ax.get_position().x0) - 0.1
        if widest > room * 72:
            chart_title(ax, text, fontsize=fontsize, pad=pad, room_in=room)
            changed = True
    return changed


def when(v) -> str:
    """A period in words for titles and alt text: a month (monthly series are dated at
    month end) as "October 2024", a year as "2024"."""
    if isinstance(v, (np.datetime64, pd.Timestamp)) or hasattr(v, "strftime"):
        return pd.Timestamp(v).strftime("%B %Y")
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def coarse(frame: pd.DataFrame, columns, percent: bool) -> pd.DataFrame:
    """A copy of a child-level series with the plotted ``columns`` at the precision a
    reader can see: a percentage to 0.1 point, anything else to 3 significant figures
    of the series' largest value. An SVG keeps every coordinate to 15 digits, so a
    monthly 5.044510393% gave back 17 of 337 children, and a p-chart's limits, which
    follow each month's denominator, gave back the children in care that month."""
    out = frame.copy()
    cols = [c for c in columns if c in out.columns]
    vals = np.abs(out[cols].to_numpy(float)) if cols and len(out) else np.array([])
    top = vals[np.isfinite(vals)].max() if np.isfinite(vals).any() else 0      # every point withheld: 0
    places = 1 if percent or not np.isfinite(top) or top == 0 else max(0, 2 - int(np.floor(np.log10(top))))
    for c in cols:
        out[c] = np.round(out[c].to_numpy(float), places)
    out.attrs["places"] = places        # for the chart's words: no more digits than its points
    return out
