"""Charts for board papers: clear titles, labelled units, source notes, colour-blind safe.

Colours are the Okabe-Ito palette, distinguishable with the common forms of colour
blindness; lines also differ by style and marker so a greyscale print still reads.
Each chart function returns a matplotlib Figure and sets ``fig.alt_text`` for HTML
reports.
"""

from __future__ import annotations

import warnings

# a character the chart font lacks (an emoji in a council's source note) is drawn as a
# box; matplotlib's warning, with the path of the file that drew it, went into the
# board paper
warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)

from .benchmark import benchmark_chart, source_note  # noqa: E402
from .did import did_chart, event_study_chart
from .funnel import funnel_chart
from .its import its_chart
from .local import local_chart
from .proportions import before_after_chart
from .spc import spc_chart
from .survival import hazard_ratio_chart, km_chart
from .synth import synth_chart, synth_placebo_chart
from .style import OKABE_ITO, UNIT_AXIS, style_axes
from . import textmetrics

textmetrics.install()        # a report's charts share most of their text

__all__ = [
    "OKABE_ITO", "UNIT_AXIS", "style_axes", "benchmark_chart", "source_note", "its_chart", "did_chart",
    "event_study_chart", "synth_chart", "synth_placebo_chart", "spc_chart", "funnel_chart", "km_chart",
    "before_after_chart", "hazard_ratio_chart", "local_chart",
]
