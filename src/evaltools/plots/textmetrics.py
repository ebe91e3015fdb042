"""Text measurements remembered across charts.

Laying out and saving a chart measures every piece of text in it (tick labels, legend
entries, titles, source notes) several times, and matplotlib only remembers a
measurement for the life of one renderer, so for one save. A report draws dozens of
charts with the same tick labels, legends and axis titles; measuring text is most of a
chart's cost (FreeType shapes the string each time). :func:`install` wraps the two
measuring methods a report uses (Agg's, for ``tight_layout``, and the text-to-path one
the SVG writer uses) so a measurement is made once per process.

A measurement depends only on the string, the font files and size the properties
resolve to, the resolution and the hinting settings; all are in the key, so the charts
are byte-for-byte what they were without it (``tests/test_plots.py`` checks). Mathtext
and TeX strings are left to matplotlib.
"""

from __future__ import annotations

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.textpath import TextToPath

#: measurements kept; cleared when full (a report holds a few thousand distinct strings)
MAX_ENTRIES = 50_000
_CACHE: dict = {}


def _key(kind: str, s: str, prop, dpi) -> tuple:
    rc = matplotlib.rcParams
    return (kind, s, tuple(font_manager.fontManager._find_fonts_by_props(prop)),
            prop.get_size_in_points(), dpi, rc["text.hinting"], rc["text.hinting_factor"],
            rc.get("text.kerning_factor"))


def _remembered(kind: str, original, dpi_of):
    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return original(self, s, prop, ismath)
        key = _key(kind, s, prop, dpi_of(self))
        try:
            return _CACHE[key]
        except KeyError:
            pass
        if len(_CACHE) >= MAX_ENTRIES:
            _CACHE.clear()
        value = _CACHE[key] = original(self, s, prop, ismath)
        return value

    get_text_width_height_descent._evaltools_original = original
    get_text_width_height_descent.__doc__ = original.__doc__
    return get_text_width_height_descent


def install() -> None:
    """Remember text measurements for the rest of the process (idempotent)."""
    for cls, kind, dpi_of in ((RendererAgg, "agg", lambda r: r.dpi),
                              (TextToPath, "path", lambda r: r.DPI)):
        current = cls.get_text_width_height_descent
        if getattr(current, "_evaltools_original", None) is None:
            cls.get_text_width_height_descent = _remembered(kind, current, dpi_of)


def uninstall() -> None:
    """Measure every string afresh again (tests compare the two)."""
    for cls in (RendererAgg, TextToPath):
        current = cls.get_text_width_height_descent
        original = getattr(current, "_evaltools_original", None)
        if original is not None:
            cls.get_text_width_height_descent = original
    _CACHE.clear()
