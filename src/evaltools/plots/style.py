"""Shared chart style: Okabe-Ito colours, unit axis labels, tidy axes."""

from __future__ import annotations

import numpy as np
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
