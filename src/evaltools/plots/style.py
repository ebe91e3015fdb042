"""Shared chart style: Okabe-Ito colours, unit axis labels, tidy axes."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..registry import UNIT_LABELS

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#999999",
}
#: axis labels: the registry's unit labels, spelt out where an axis has room
UNIT_AXIS = {**UNIT_LABELS, "percent": "% of children", "rate_per_10k": "per 10,000 children aged 0-17",
             "score": "average score"}


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
             va="bottom", linespacing=1.3)
    line_in = fontsize * 1.3 / 72
    fig.tight_layout(rect=(0, (0.06 + line_in * len(lines)) / fig.get_figheight(), 1, 1))


def chart_title(ax, text: str, *, fontsize: float = 12, pad: float | None = None) -> None:
    """The chart's title, which states the finding, bold at the top left, wrapped to
    the figure's width: a title longer than the figure would otherwise widen the saved
    image beyond the chart and shrink everything else when a page scales it to fit."""
    fig = ax.get_figure()
    width = max(30, int((fig.get_figwidth() - 0.9) * _NOTE_CHARS_PER_INCH_75 * 7.5 / fontsize))
    ax.set_title("\n".join(textwrap.wrap(" ".join(str(text).split()), width)) or "", loc="left",
                 fontsize=fontsize, fontweight="bold", pad=pad)


def when(v) -> str:
    """A period in words for titles and alt text: a month (monthly series are dated at
    month end) as "October 2024", a year as "2024"."""
    if isinstance(v, (np.datetime64, pd.Timestamp)) or hasattr(v, "strftime"):
        return pd.Timestamp(v).strftime("%B %Y")
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)
