"""Building blocks that notebooks display: headings, statements, charts, tables.

Notebooks stay thin: they call these functions and never define their own. Everything
shown is aggregate (LA-level) data; nothing here displays a child-level row.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from . import indicators as ind
from . import published, registry, sdc
from .paths import PACKAGE_DIR, RESOURCES_DIR, run_cache_dir
from .benchmark import BenchmarkResult, as_printed, average_with_set_aside, comparator_cell, not_shown
from .areas import resolve_la
from .comparators import comparator_label
from .wording import count, listing, md
from .plots import benchmark_chart

BAND_SHORT = {"A": "A (best quarter)", "B": "B", "C": "C", "D": "D (worst quarter)",
              "Q1": "Q1 (lowest)", "Q2": "Q2", "Q3": "Q3", "Q4": "Q4 (highest)"}


REPORT_CSS = """<style>
table.evaltools-table { border-collapse: collapse; margin: 0.5em 0 1em 0; font-size: 13px; }
table.evaltools-table th, table.evaltools-table td { padding: 3px 10px; text-align: right; white-space: nowrap; vertical-align: top; }
table.evaltools-table th:first-child, table.evaltools-table td:first-child { text-align: left; white-space: normal; min-width: 12em; max-width: 28em; }
table.evaltools-table td:last-child { white-space: normal; text-align: left; min-width: 16em; max-width: 34em; }
table.evaltools-table caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
table.evaltools-table tr:nth-child(even) { background: #f5f5f5; }
/* a row's first cell is its header (for screen readers), looking like the other cells */
table.evaltools-table tbody th { font-weight: normal; }
/* black on each fill: white on green and red was 3.4:1 and 3.9:1, under WCAG's 4.5:1 */
table.evaltools-table td.rag-green { background: #009E73; color: #000; font-weight: bold; text-align: center; }
table.evaltools-table td.rag-amber { background: #E69F00; color: #000; font-weight: bold; text-align: center; }
table.evaltools-table td.rag-red { background: #D55E00; color: #000; font-weight: bold; text-align: center; }
table.evaltools-table td.rag-none { text-align: center; }
/* links underlined, not told from text by colour alone (WCAG 1.4.1) */
.jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
.evaltools-page-break { break-before: page; page-break-before: always; }
""" + "".join(f"table.evaltools-table.text-{j} td:nth-child({j}), table.evaltools-table.text-{j} th:nth-child({j}) "
              "{ text-align: left; white-space: normal; min-width: 8em; }\n" for j in range(2, 21)) + """@media screen {
  /* a table of sentences fits the window: every cell wraps and the columns share its
     width by their content (JupyterLab's fixed layout gave ten columns equal widths,
     and unwrapped figures pushed the review's Test column out of a 1400 px window) */
  html body table.evaltools-table.evaltools-wide { width: 100%; table-layout: auto; }
  table.evaltools-table.evaltools-wide th, table.evaltools-table.evaltools-wide td { white-space: normal; }
  table.evaltools-table.evaltools-wide td:last-child { max-width: none; }
}
@page wide { size: A4 landscape; margin: 12mm; }
@media print {
  /* landscape only with its cell (outputs.PRINT_CSS): a wide table under a chart in one
     cell stays portrait and wraps; given a landscape page alone, Chromium laid it out at
     the portrait width and cut off its last columns */
  .jp-Cell:not(:has(img)) table.evaltools-table.evaltools-wide { page: wide; }
  table.evaltools-table td { vertical-align: top; }
""" + "".join(f"  table.evaltools-wide.text-{j} td:nth-child({j}) {{ min-width: 13em !important; }}\n"
              for j in range(2, 21)) + """  table.evaltools-wide.text-1 td:first-child, table.evaltools-wide.text-1 th:first-child { min-width: 13em !important; }
  /* 9 pt, as a board paper's tables are: at 6.75 pt (9px) the scorecard's figures were
     too small to read on paper. A table of sentences (the review's ten columns) is
     8.25 pt: at 9 pt its last column ran off the landscape page */
  table.evaltools-table { font-size: 12px; width: 100%; }
  table.evaltools-table.evaltools-wide { font-size: 11px; }
  table.evaltools-table th, table.evaltools-table td { white-space: normal !important; min-width: 0 !important; padding: 2px 4px; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
  img { max-width: 100% !important; break-inside: avoid; }
  table.evaltools-table tr { break-inside: avoid; }
}
</style>"""


def style() -> HTML:
    """Table styling for the report (left-aligned labels, zebra rows)."""
    return HTML(REPORT_CSS)


def years_covered(bm: BenchmarkResult) -> str:
    """The span of a benchmark in words: "the years ending 31 March 2016 to 2025"; where
    academic-year figures (education) are among its measures, their academic years
    ("the academic years 2015/16 to 2024/25"); and where census-date figures are, their
    censuses as they are labelled ("census figures from Sep 2020 to Sep 2025"): the
    September 2025 workforce census counts in the year ending 31 March 2026, which no
    other measure has yet."""
    t = bm.table
    census = [m for m in bm.measures if m.census_date]
    academic = [m for m in bm.measures if m.academic_year]
    at_census = t["measure"].isin([m.id for m in census])
    in_school = t["measure"].isin([m.id for m in academic])
    plain, a, c = (t.loc[~at_census & ~in_school, "period"], t.loc[in_school, "period"],
                   t.loc[at_census, "period"])
    parts = []
    if len(plain):
        parts.append(f"the years ending 31 March {int(plain.min())} to {int(plain.max())}")
    if len(a):
        parts.append(f"the academic years {academic[0].period_label(a.min())} to "
                     f"{academic[0].period_label(a.max())}")
    if len(c):
        parts.append(f"census figures from {census[0].period_label(c.min())} to "
                     f"{census[0].period_label(c.max())}")
    return listing(parts)


def _model_note(bm: BenchmarkResult) -> str:
    """Which statistical neighbour groups the figures use, when they change over the years
    the report covers (a report of 2016-2020 figures uses one group and says nothing)."""
    if bm.comparator != "statistical_neighbours" or "comparator_model" not in bm.table.columns:
        return ""
    from .comparators import neighbour_model
    t = bm.table.dropna(subset=["comparator_model"])
    stand_in = sorted({int(p) for p, m in zip(t["period"], t["comparator_model"].astype(str))
                       if m != neighbour_model(int(p))})
    if stand_in:
        # a council formed in a reorganisation (Cumberland, April 2023) is in one model only
        names = {"2021": "April 2021 groupings", "2025": "2025 model"}
        missing = neighbour_model(stand_in[0])
        other = "2025" if missing == "2021" else "2021"
        years = listing([str(y) for y in stand_in])
        return (f" {bm.la.display_name} is not in DfE's {names[missing]} (it did not exist when they were "
                f"drawn up), so for {years} its neighbours are those of DfE's {names[other]}; other councils' "
                f"figures for {'that year' if len(stand_in) == 1 else 'those years'} are set against their "
                f"{names[missing]}.")
    if set(t["comparator_model"].astype(str)) != {"2021", "2025"}:
        return ""
    return (" Statistical neighbours are DfE's April 2021 groupings for years up to 2024 and DfE's 2025 "
            "model from 2025 (for census figures, from the September 2024 census, which falls in the year "
            "ending 31 March 2025), so the neighbours' average and range join two different groups of "
            "councils at that point.")


def benchmark_intro(bm: BenchmarkResult, policy: str = "internal") -> Markdown:
    """The opening paragraph of a benchmarking report."""
    comp = comparator_label(bm.comparator)
    model = _model_note(bm)
    return Markdown(
        f"This report sets **{bm.la.display_name}** (DfE LA number {bm.la.area_code}) against "
        f"its {comp}, the {bm.la.region_name} region and England on "
        f"{len(bm.measures)} published measures, for {years_covered(bm)}.{model}\n\n"
        "Figures are DfE's published statistics. Percentages of children from DfE's "
        "children looked after release are recomputed from its unrounded LA counts; figures "
        "DfE publishes only through LAIT (education and workforce) are LAIT's, as rounded "
        "there. Where DfE suppressed a figure (symbol *c*) or it is not available (*x*) the "
        "report says so and never treats it as zero. Each statement says whether a "
        "difference from the neighbours is larger than chance alone would give for a cohort "
        f"of that size (95% interval). Disclosure policy: **{policy}**"
        + (": a council figure resting on 1 to 5 children shows as c in tables, text and charts. "
           "A figure DfE published with its counts is shown as DfE published it, even where it "
           "leaves 1 to 5 children out: DfE's own table gives that count already."
           if sdc.policy(policy).suppress_small else "."))


def latest_table(bm: BenchmarkResult, policy: str = "internal") -> pd.DataFrame:
    """One row per measure for the latest published year: LA figure (or DfE's symbol
    when it is suppressed that year, or c when it rests on 1 to 5 children under the
    ``policy``), neighbours, England, band."""
    bm = bm.disclosed(policy)
    rows = []
    for m in bm.measures:
        s = bm.series(m.id)
        if s.empty:
            continue
        last = s.iloc[-1]
        ok = last["la_status"] == ind.OK
        rows.append({
            "Measure": m.short,
            "Year": m.period_cell(last["period"]),
            bm.la.display_name: as_printed(m, last["la_value"], last["la_decimals"]) if ok
            else f"{last['la_status']} ({not_shown(bm.la.area_code, m.id, last)})",
            "Neighbours' average": comparator_cell(m, last),
            "England": as_printed(m, last["england_value"], last["england_decimals"]),
            "Quartile band": BAND_SHORT.get(last.get("band"), "no band")
            if isinstance(last.get("band"), str) else "no band",
            "Polarity": {"high": "higher is better", "low": "lower is better",
                         "none": "no polarity"}[m.polarity],
        })
    return pd.DataFrame(rows)


def trend_table(bm: BenchmarkResult, measure_id: str, years: int = 6, policy: str = "internal") -> pd.DataFrame:
    """The last ``years`` of one measure: the council's figure (with its counts where it
    is a share of children), neighbours' average and range, region, England, band.
    Under a policy that suppresses small counts, a figure the policy withholds
    (:func:`evaltools.sdc.withheld`) shows as c."""
    m = registry.get(measure_id)
    s = bm.disclosed(policy).series(measure_id).tail(years)
    out = pd.DataFrame({"Year": [m.period_cell(p) for p in s["period"]]})
    la = []
    for _, r in s.iterrows():
        num, den = r["la_numerator"], r["la_denominator"]
        if r["la_status"] != ind.OK:
            la.append(f"{r['la_status']} ({not_shown(bm.la.area_code, measure_id, r)})")
        elif (m.unit == "percent" or m.unit in registry.PER_CHILD_UNITS) and pd.notna(num) and pd.notna(den):
            la.append(f"{as_printed(m, r['la_value'], r['la_decimals'])} ({num:,.0f}/{den:,.0f})")
        else:
            la.append(as_printed(m, r["la_value"], r["la_decimals"]))
    out[bm.la.display_name] = la
    rows = [r for _, r in s.iterrows()]
    # an average of fewer than the whole set says how many it rests on, as the statement does
    out["Neighbours' average"] = [
        comparator_cell(m, r) + (f" ({int(r['comparator_n'])} of {int(r['comparator_size'])} with a figure)"
                                 if pd.notna(r["comparator_mean"]) and r["comparator_n"] < r["comparator_size"]
                                 else "")
        for r in rows]
    out["Neighbours' range"] = [
        f"{as_printed(m, r['comparator_min'], r['comparator_decimals'])} to "
        f"{as_printed(m, r['comparator_max'], r['comparator_decimals'])}"
        if pd.notna(r["comparator_min"]) else "not available" for r in rows]
    out[bm.la.region_name] = [as_printed(m, r["region_value"], r["region_decimals"]) for r in rows]
    out["England"] = [as_printed(m, r["england_value"], r["england_decimals"]) for r in rows]
    if not m.size_dependent:      # counts are not banded among LAs (assumption C7)
        out["Band"] = [BAND_SHORT.get(b, "no band") if isinstance(b, str) else "no band"
                       for b in s.get("band", [None] * len(s))]
    out["Source"] = s["la_source"].to_numpy()
    return out


#: MIME type of the machine-readable copy of every table a notebook shows. The runner
#: collects these from the executed notebooks into the XLSX workbook and compares them
#: between runs; HTML viewers ignore it and show the text/html version.
TABLE_MIME = "application/vnd.evaltools.table+json"


#: a cell that is a figure (right-aligned): "99.9 per 10,000 (2025)", "72.3% (206/285)",
#: "-0.7", "c", "Q4 (highest)"'s neighbours are words
_FIGURE = re.compile(r"^(c|[-+−]?[£]?\d[\d,]*(\.\d+)?%?( per 10,000| places| cases per worker| days| points)?"
                     r"( \([^)]*\))?)$")
#: a table whose rows hold more characters than this (medians of its columns) is mostly
#: words: printed on a landscape page, so its sentences are not squeezed into slivers
WIDE_ROW_CHARS = 150
#: ... and has at least this many rows: a short one wraps well enough on portrait, where a
#: landscape page of its own left the briefing's three "other measures" two-thirds blank
WIDE_MIN_ROWS = 6


def table_classes(df: pd.DataFrame) -> str:
    """The HTML classes of a table: ``text-N`` for each column that holds phrases
    rather than figures (left-aligned and wrapped; figures and one-word cells such as
    "yes" or a RAG stay as they were; the first column is always left-aligned, and only
    a first column of phrases keeps its width on a printed page), and
    ``evaltools-wide`` for a table of sentences, printed on a landscape page;
    ``evaltools-short`` for a table of at most :data:`SHORT_TABLE_ROWS` rows, printed
    whole on one page (a trend table of 4 rows was split 1 and 3 over two pages)."""
    classes = ["evaltools-table"]
    widths = []
    for j, col in enumerate(df.columns, start=1):
        cells = [str(v) for v in df[col] if v is not None and not (isinstance(v, float) and np.isnan(v))
                 and str(v) != ""]
        widths.append(float(np.median([len(c) for c in cells])) if cells else 0.0)
        if cells and widths[-1] >= 12 and sum(bool(_FIGURE.match(c)) for c in cells) < len(cells) / 2:
            classes.append(f"text-{j}")
    if sum(widths) > WIDE_ROW_CHARS and len(df) >= WIDE_MIN_ROWS:
        classes.append("evaltools-wide")
    if len(df) <= SHORT_TABLE_ROWS:
        classes.append("evaltools-short")
    return " ".join(classes)


#: a table of this many rows or fewer is printed whole (see :func:`table_classes`)
SHORT_TABLE_ROWS = 12


_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _table_html(df: pd.DataFrame, classes: str) -> str:
    """``df.to_html(index=False, escape=True, border=0, classes=classes)``, character
    for character (tested), written directly when every header and cell is plain text
    on one line, as report tables are: pandas' formatter took 7 ms a table, 200 tables
    a council. Anything else (numbers, missing values, line breaks, double spaces, a
    text pandas would trim) goes to pandas, with a line break in a cell as a space (a
    commitment written over two lines of its file: pandas writes it as "\\n")."""
    texts = list(df.columns)
    cells = [df.iloc[:, j].tolist() for j in range(df.shape[1])]

    def simple(v) -> bool:
        return isinstance(v, str) and v == v.strip() and not any(ch in v for ch in ("\n", "\r", "\t", "\\", "  "))

    if not (all(simple(t) for t in texts) and all(simple(v) for col in cells for v in col)):
        one_line = [[" ".join(v.split()) if isinstance(v, str) and any(ch in v for ch in "\n\r\t") else v
                     for v in col] for col in cells]
        if one_line != cells:
            df = pd.DataFrame(dict(enumerate(one_line)), index=df.index).set_axis(df.columns, axis=1)
        return df.to_html(index=False, escape=True, border=0, classes=classes)
    out = [f'<table class="dataframe {classes}">', "  <thead>", '    <tr style="text-align: right;">']
    out += [f"      <th>{t.translate(_HTML_ESCAPES)}</th>" for t in texts]
    out += ["    </tr>", "  </thead>", "  <tbody>"]
    for row in zip(*cells):
        out.append("    <tr>")
        out += [f"      <td>{v.translate(_HTML_ESCAPES)}</td>" for v in row]
        out.append("    </tr>")
    out += ["  </tbody>", "</table>"]
    return "\n".join(out)


#: a row's first cell with something in it (an empty one stays a cell: an empty row
#: header is read out as nothing)
_ROW_FIRST_CELL = re.compile(r"(<tr>\s*)<td>([^<]+)</td>")


def _scoped(body: str) -> str:
    """Header cells a screen reader can use: column headers marked ``scope="col"``, and
    each row's first cell (the measure or the year it is about) a row header, so a cell
    deep in a wide table ("amber") is read out with the row it belongs to."""
    head, sep, rest = body.partition("<tbody>")
    head = head.replace("<th>", '<th scope="col">')
    return head + sep + _ROW_FIRST_CELL.sub(r'\1<th scope="row">\2</th>', rest)


def table_bundle(df: pd.DataFrame, caption: str | None = None) -> dict:
    """The display bundle for a table: clean HTML for people and a JSON copy
    (``{"caption", "columns", "data"}``, cells as shown) for the workbook."""
    body = _scoped(_table_html(df, table_classes(df)))
    if caption:
        head, rest = body.split(">", 1)
        body = f"{head}><caption>{html.escape(caption)}</caption>{rest}"
    def plain(v):
        if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
            return None                                      # NaN, NA, NaT: an empty cell
        v = v.item() if hasattr(v, "item") else v          # numpy scalars
        return v if v is None or isinstance(v, (str, int, float, bool)) else str(v)
    columns = [df.iloc[:, j].tolist() for j in range(df.shape[1])]
    data = [[plain(v) for v in row] for row in zip(*columns)] if columns else [[] for _ in range(len(df))]
    return {"text/html": body,
            TABLE_MIME: {"caption": caption or "", "columns": [str(c) for c in df.columns], "data": data}}


def show_table(df: pd.DataFrame, caption: str | None = None, empty: str | None = None) -> None:
    """Display a table as clean HTML, without the index (and its JSON copy for the
    workbook: :data:`TABLE_MIME`). Tables reach here already under the disclosure
    policy: built from :func:`evaltools.sdc.apply`'d frames and :func:`evaltools.sdc.label`.
    An empty table with an ``empty`` message shows the message instead of a bare header."""
    if empty is not None and df.empty:
        display(Markdown(empty))
        return
    display(table_bundle(df, caption), raw=True)


#: how charts are written as SVG (see :func:`show_figure`)
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "evaltools"}


def figure_html(fig) -> str:
    """A chart as an ``<img>`` tag holding it as SVG, with its alt text; closes the
    figure. SVG stays sharp when a board paper is zoomed or printed, and is a third
    quicker to write than a PNG (charts are most of a report's time). Its words stay
    text rather than glyph outlines: a quarter of the size, quicker to print, and
    searchable and selectable in the PDF (fonts fall back from DejaVu Sans to Verdana,
    Arial or any sans-serif where DejaVu is not installed). No date is stamped in and
    element ids are seeded, so the same figures give the same file. A chart is saved at
    its figure's size: every chart is laid out to fit its figure (``style.footnote``,
    tested), so cropping to what was drawn (``bbox_inches="tight"``, one more full draw
    of the chart, a fifth of its time) would change nothing."""
    buf = io.BytesIO()
    with plt.rc_context(SVG_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = html.escape(alt_text(fig), quote=True)
    return (f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" '
            'style="max-width:100%;height:auto">')


def alt_text(fig) -> str:
    """A chart's alternative text: its title, which states the finding, then what the
    chart draws (``fig.alt_text``, set by every chart function), so a reader who cannot
    see it gets both."""
    titles = [" ".join(str(t[0]).split()) for ax in fig.axes
              if (t := getattr(ax, "_evaltools_title", None)) and str(t[0]).strip()]
    body = getattr(fig, "alt_text", "Chart")
    lead = " ".join(t if t[-1] in ".?!" else t + "." for t in titles if t not in body)
    return f"{lead} {body}" if lead else body


def show_figure(fig) -> None:
    """Display a chart (see :func:`figure_html`), then close it."""
    display(HTML(figure_html(fig)))


@lru_cache(maxsize=1)
def _chart_code_key() -> bytes:
    """What a chart depends on besides its data: the plotting and report code, the
    measure registry and matplotlib's version (read once per process)."""
    h = hashlib.sha256(matplotlib.__version__.encode())
    files = sorted((PACKAGE_DIR / "plots").glob("*.py")) + sorted(RESOURCES_DIR.glob("*.yaml"))
    for f in files + [Path(__file__), PACKAGE_DIR / "benchmark.py", PACKAGE_DIR / "registry.py"]:
        h.update(f.read_bytes())
    return h.digest()


def _key_bytes(part) -> bytes:
    if isinstance(part, pd.DataFrame):
        return (repr(list(part.columns)).encode()
                + pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
    return repr(part).encode()


def show_chart(build, *key) -> None:
    """Display the chart ``build()`` draws. ``key`` is everything the chart is drawn
    from (frames and plain values). Within a run of the runner, a chart that another
    report of the same run already drew from the same key is shown again rather than
    drawn again: the reports of one council share many charts. Outside a run this is
    ``show_figure(build())``."""
    folder = run_cache_dir()
    if folder is None:
        show_figure(build())
        return
    h = hashlib.sha256(_chart_code_key())
    for part in key:
        h.update(_key_bytes(part) + b"\x00")
    path = folder / "charts" / f"{h.hexdigest()[:32]}.html"
    try:
        tag = path.read_text(encoding="utf-8")
    except OSError:
        tag = figure_html(build())
        try:
            path.parent.mkdir(exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False,
                                             encoding="utf-8") as tmp:
                tmp.write(tag)
            os.replace(tmp.name, path)          # atomic: another report never reads half
        except OSError:
            pass
    display(HTML(tag))


def show_measure(bm: BenchmarkResult, measure_id: str, policy: str = "internal", level: int = 2,
                 chart: bool = True, note: str | None = None) -> None:
    """Heading, plain-English statement, ``note`` (what the report adds to it), chart
    (unless ``chart=False``) and trend table for one measure."""
    m = registry.get(measure_id)
    bm = bm.disclosed(policy)
    display(Markdown(f"{'#' * level} {m.title}"))
    display(Markdown(bm.statement(measure_id, policy=policy) + (f" {note}" if note else "")))
    if chart:
        show_chart(lambda: benchmark_chart(bm, measure_id), "benchmark_chart", measure_id,
                   bm.series(measure_id), bm.la.display_name, bm.la.region_name, bm.comparator)
    show_table(trend_table(bm, measure_id, policy=policy), caption=f"{m.short}: {bm.la.display_name} by year")
    for said in (set_aside_note(bm, measure_id), revision_note(bm, measure_id, policy)):
        if said:    # printed on the page of the table it is about (outputs.PRINT_CSS)
            display(HTML(f'<p class="evaltools-note"><em>{html.escape(said)}</em></p>'))
    last = bm.latest(measure_id)
    period = int(last["period"]) if last is not None else None
    definition = m.definition_for(period) if period else m.definition
    years = bm.series(measure_id)["period"]
    notes = m.notes_for(int(years.min()), int(years.max())) if len(years) else []
    notes = f" *Notes by year:* {' '.join(notes)}" if notes else ""
    stopped = published.discontinued(m)
    if stopped and last is not None and str(last.get("la_source", "")).startswith("EES"):
        words = published.stopped_words(stopped)
        notes += f" {words[0].upper()}{words[1:]}."
    display(Markdown(f"*Definition:* {definition}{notes} *Source:* {m.source}."))


def set_aside_note(bm: BenchmarkResult, measure_id: str, years: int = 6) -> str | None:
    """The neighbours a trend table's averages leave out, year by year, because DfE
    records no information for a quarter or more of their young people
    (``benchmark.recording_gaps``), with each average as it would be with them: the
    table's 2020 average of 54.7% for EET at 19-21 left Devon out (52.4% with it) and
    said nothing. Published figures of other councils, so no policy hides them."""
    m = registry.get(measure_id)
    parts = []
    for _, r in bm.series(measure_id).tail(years).iterrows():
        unknown = r.get("comparator_unknown") or ()
        if not unknown:
            continue
        who = " and ".join(f"{resolve_la(c).display_name}'s {as_printed(m, v)} (no information for "
                           f"{sdc.round_half_up(sh):.0f}% of the young people)" for c, sh, v in unknown)
        total = average_with_set_aside(r)
        withall = f", with {'it' if len(unknown) == 1 else 'them'} the average would be {as_printed(m, total)}" \
            if np.isfinite(total) else ""
        parts.append(f"in {m.period_label(r['period'])}, {who}{withall}")
    if not parts:
        return None
    return ("The neighbours' averages and ranges leave out figures that reflect recording more than young "
            "people's lives (DfE records no information for at least a quarter of the cohort): "
            + "; ".join(parts) + ".")


@lru_cache(maxsize=2)
def _first_release(root: str) -> dict[str, pd.DataFrame]:
    """Every EES figure as DfE first published it, by measure (read and split once per
    process: a report asks for one measure at a time, up to 60 times)."""
    frame = published.load_indicators(use_lait=False, release="first", data_root=Path(root))
    return {str(m): g for m, g in frame.groupby("measure", sort=False, observed=True)}


def revision_note(bm: BenchmarkResult, measure_id: str, policy: str = "internal") -> str | None:
    """DfE's revisions of the council's figures in a trend table, in words, as the review
    gives them ("DfE revised 2025 first published as 10.2, now 11.3"): a board paper set
    beside last year's would otherwise differ without saying why. Years the policy
    withholds are left out (their figures would show), and under a policy that
    suppresses small counts the counts are not given."""
    from . import sdc
    from .paths import data_dir
    from .review import revisions, shown_caveats

    m = registry.get(measure_id)
    years = bm.series(measure_id)["period"]
    if not m.published or not len(years):
        return None
    hidden = set(bm.withheld_periods(measure_id, policy)) if sdc.policy(policy).suppress_small else set()
    first = _first_release(str(data_dir())).get(measure_id)
    if first is None:
        return None
    first = first[~first["period"].isin(hidden)]
    latest = bm.indicators[(bm.indicators["measure"] == measure_id) & ~bm.indicators["period"].isin(hidden)]
    rev = revisions(first, latest, measure_id, bm.la.area_code, int(years.min()), int(years.max()))
    return shown_caveats(rev.replace("the review uses", "the table gives"), policy) if rev else None


# --------------------------------------------------------------------------- topics
def topic_intro(t) -> Markdown:
    """The opening of a topic notebook: the question, the council, the data, the notes."""
    bm = t.benchmark
    strat = (f" It evaluates the interventions that should move these measures, as set out in "
             f"**{md(t.strategy.title)}**." if t.strategy is not None else "")
    monthly = (" Monthly figures come from the council's child-level SSDA903 extract, each calendar "
               "month on its own." if t.monthly is not None else "")
    notes = "".join(f"\n\n- {md(n)}" for n in t.notes)
    return Markdown(
        f"*{t.topic.question}*\n\n{t.topic.about}\n\n"
        f"This section looks at **{t.la.display_name}** on {len(bm.measures)} published measures "
        f"for {years_covered(bm)}, against its {comparator_label(bm.comparator)} and "
        f"England.{strat}{monthly} Each finding says whether a change is larger than chance alone "
        f"would give for a council of this size (95% interval), and the smallest change the data "
        f"could have detected.{_model_note(bm)} Disclosure policy: **{t.policy}**.{notes}")


def _short_title(title: str) -> str:
    """An intervention's title without its subtitle, for a line that goes on to give a
    verdict: "Improvement work after Ofsted's 'inadequate' judgement (July 2022)", not
    "...: monitoring visits and an improvement plan: Against its statistical neighbours"
    (the list by intervention below gives it whole). Two interventions of one date
    ("A; B") stay two, as that list names them."""
    return "; ".join(part.split(": ")[0] for part in title.split("; "))


def verdict_overview(t) -> Markdown:
    """Plain-English summary of the verdicts, for the top of a topic notebook."""
    from . import topics
    c = t.counts()
    tested = [e for e in t.evaluations if e.verdict != "not evaluated"]
    if not t.evaluations:
        return Markdown("No intervention in the strategy is dated and aimed at these measures, so this "
                        "section shows trends and comparisons only.")
    changed = c["rose beyond noise"] + c["fell beyond noise"]
    lines = [f"Of {len(t.evaluations)} intervention evaluations, {len(tested)} could be tested: "
             f"{c['improved beyond noise']} improved beyond noise, {c['no detectable change']} showed no "
             f"detectable change, {c['worsened beyond noise']} worsened beyond noise"
             + (f" and {changed} rose or fell beyond noise on a measure with no better direction" if changed else "")
             + "."]
    demo = [e for e in tested if e.method.startswith("interrupted")] if t.synthetic else []
    if demo:      # a board paper may quote the count without the introduction that explains it
        lines[0] += (f" {len(demo)} of these {'rests' if len(demo) == 1 else 'rest'} on the bundled synthetic "
                     "sample (the monthly series), not on children's records: they show how the method works, "
                     "not how the council is doing.")
    # a jump beyond noise at the start that the verdict at the end does not carry (the
    # 2017-20 stability summary said "0 worsened" above a finding that rose by 1.45)
    jumped = [e for e in tested if e.verdict == "no detectable change" and e.start_jump]
    if jumped:
        lines[0] += (f" {len(jumped)} of those with no detectable change by the end changed beyond noise at the "
                     "start (below).")
    # "no detectable change" three months in reads as "it made no difference"
    same = c["no detectable change"]
    early = [e for e in tested if e.verdict == "no detectable change" and e.part_year]
    single = [e for e in tested if e.verdict == "no detectable change" and e.one_after and not e.part_year]
    for group, what in ((early, "a single figure taken only months after the intervention began: too early to "
                                "tell, not a sign that it made no difference"),
                        (single, "the one year of figures after the intervention began, which can show only a "
                                 "large change: not a sign that it made no difference")):
        if group:
            who = ("The one" if same == 1 else "Both" if len(group) == same == 2 else f"All {same}"
                   if len(group) == same else f"{len(group)} of those")
            lines[0] += f" {who} with no detectable change {'rests' if len(group) == 1 else 'rest'} on {what}."
    for e in tested:
        if e.verdict != "no detectable change" or e in jumped:
            # what most limits the finding, on the line a board paper quotes
            cautions = e.cautions + (["it rests on the bundled synthetic sample, not children's records"]
                                     if e in demo else [])
            # "evaluated from", not "after": a title may say "after" too ("Agency social workers
            # after Improvement work after Ofsted's 'inadequate' judgement")
            lines.append(f"- **{registry.get(e.measure).short}**, evaluated from *{md(_short_title(e.title))}*"
                         + (f", started {md(e.started)}" if e.started and e.started not in e.title else "")
                         + f" \u2014 {md(e.sentence)}"
                         + (f" Read with care: {md('; '.join(cautions))}." if cautions else ""))
    # an evaluator asked about one intervention finds its answer here, not only the
    # results beyond noise of all of them
    by_iv: dict[str, list] = {}
    for e in tested:
        by_iv.setdefault(e.title, []).append(e)
    if len(by_iv) > 1:
        lines.append("By intervention:\n\n" + "\n".join(
            f"- *{md(title)}* ({es[0].started or 'undated'}): {count(len(es), 'test')} on "
            f"{count(len({e.measure for e in es}), 'measure')}; "
            + listing(f"{n} {v}" for v in (*topics.VERDICTS, *topics.CHANGED)
                      if (n := sum(e.verdict == v for e in es)))
            for title, es in by_iv.items()))
    untested = [e for e in t.evaluations if e.verdict == "not evaluated"]
    national = [e for e in untested if e.intervention.startswith("nat_")]
    if len(untested) > len(national):
        lines.append(f"{len(untested) - len(national)} could not be tested; the table below says why.")
    if national:
        lines.append(f"{count(len(national), 'evaluation')} of national changes "
                     f"{'is' if len(national) == 1 else 'are'} not set against other councils, which all had "
                     "them too; they are listed below for the record.")
    return Markdown("\n\n".join(lines))


def show_trends(t) -> None:
    """Each published measure: statement, chart against neighbours and England, table."""
    for m in t.benchmark.measures:
        show_measure(t.benchmark, m.id, policy=t.policy, level=3)


def _months_rest_on_few(t, mid: str) -> bool:
    """Whether any month of a topic's monthly child-level series of ``mid`` gives away a
    count of 1 to 5 under the topic's policy (so its monthly charts are withheld)."""
    if not sdc.policy(t.policy).suppress_small or t.monthly is None:
        return False
    s = t.monthly[(t.monthly["measure"] == mid) & (t.monthly["status"] == "ok")]
    return bool(sdc.gives_away(s["numerator"], s["denominator"]).any())


def _years_withheld(t, mid: str, periods) -> list[int]:
    """The years among ``periods`` whose council figure for ``mid`` the topic's policy
    withholds: an annual chart through them would plot what the tables show as c."""
    shown = {int(p) for p in periods}
    return [p for p in t.benchmark.withheld_periods(mid, t.policy) if p in shown]


def show_spc(t) -> None:
    """The SPC chart of each monthly child-level series, or why it is not shown."""
    from .plots import spc_chart
    if not t.spc:
        display(Markdown("No monthly child-level series for this topic (see the notes above)."))
        return
    for mid, r in t.spc.items():
        m = registry.get(mid)
        display(Markdown(f"### {m.title}: month by month"))
        display(Markdown(r.story))
        withheld = _months_rest_on_few(t, mid)
        if withheld:
            display(Markdown(f"*The chart is not shown under the {t.policy} policy: some months rest on "
                             "1 to 5 children, and the chart would show them. It can be shared only inside "
                             "the council (the internal policy).*"))
        else:
            show_figure(spc_chart(r, title=f"{m.short}: {r.variation.split(' (')[0]}",
                                  source=f"Source: {monthly_source(t)}; each point one calendar month.",
                                  policy=t.policy))
        display(Markdown(f"*How:* {spc_how(r)}"))
        # the chart's own cautions; where the chart is withheld for its small numbers, the
        # line above has said so
        said = [w for w in r.warnings if not (withheld and w.startswith("small numbers"))]
        if said:
            display(Markdown("\n".join(f"- *Caution:* {md(w)}" for w in said)))


def spc_how(r) -> str:
    """How an SPC chart's limits were set, in a sentence a reader can follow (the
    formula is ``r.method``)."""
    d = r.diagnostics
    fixed = d.get("baseline")
    over = (f"the {count(fixed['n_limits'], 'month')} before {fixed['extended_from']:%B %Y}"
            if fixed and hasattr(fixed.get("extended_from"), "strftime") else "every month")
    sz = d.get("sigma_z")
    scaled = (f", scaled by how much the months really vary from one to the next (σ_z = {sz:.2f}: "
              + ("more" if sz > 1 else "less") + " than chance alone gives)") if sz is not None and np.isfinite(sz) else ""
    if r.chart == "XmR chart":
        return (f"an XmR chart (Making Data Count): the limits are the mean of {over} ± 2.66 times their "
                "average change from one month to the next.")
    kind = "share" if r.chart.startswith("p") else "rate"
    m = registry.get(d["measure"]) if d.get("measure") in registry.ids() else None
    fewer = ("fewer children" if kind == "share" else f"fewer {m.counts[1]}" if m is not None and m.counts
             else "less time in care" if m is not None and m.unit == "per_child_year" else "fewer children counted")
    if r.chart in ("p-chart", "u-chart"):
        return (f"a {r.chart}: the limits are the average {kind} over {over} ± 3 standard errors of one "
                f"month's {kind}, wider in months with {fewer}; the chart's rules are Making Data Count's.")
    return (f"Laney's {r.chart}: the limits are the average {kind} over {over} ± 3 standard errors of one "
            f"month's {kind}, wider in months with {fewer}{scaled}; the chart's rules are Making "
            "Data Count's.")


def monthly_source(t) -> str:
    """Where a topic's monthly series come from, as a chart's source note says it: a
    chart pasted into a board paper without the report's introduction still says when
    its months are the bundled synthetic sample's."""
    return ("evaltools' synthetic sample, not children's records" if t.synthetic
            else "the council's SSDA903 extract")


def show_evaluations(t) -> None:
    """Each intervention evaluation with a result: finding, chart, smallest detectable
    change, warnings; then a table of those that could not be tested, with why."""
    from .plots import did_chart, its_chart
    done = [e for e in t.evaluations if e.result is not None]
    for e in done:
        m = registry.get(e.measure)
        # the method in the heading: a measure tested both month by month and against the
        # neighbours had two identical headings (and page anchors)
        how = "month by month" if e.method.startswith("interrupted") else \
            "against the neighbours" if e.method.startswith("difference") else e.method.split(",")[0]
        display(Markdown(f"### {m.short}: {md(e.title)} ({how})"))
        # in words that fit the verdict; none where it is withheld with the estimate
        # (topics._withhold_estimates)
        mde = f" With these data, {md(e.mde_words)}." if e.mde_words else ""
        display(Markdown(f"**{e.verdict.capitalize()}.** {md(e.sentence)}{mde}"))
        child_level = e.method.startswith("interrupted")
        withheld = None
        if child_level and _months_rest_on_few(t, e.measure):
            withheld = "some months rest on 1 to 5 children"
        elif not child_level:
            s = e.result.series
            hidden = _years_withheld(t, e.measure, s["time"]) if s is not None and "time" in s else []
            if hidden:
                withheld = (f"{t.la.display_name}'s figure for {', '.join(map(str, hidden))} "
                            f"{sdc.withheld_because(t.la.area_code, e.measure, hidden)}")
        if withheld:
            display(Markdown(f"*Chart not shown under the {t.policy} policy: {withheld}.*"))
        else:
            title = f"{m.short}: {e.verdict}"
            if child_level:
                fig = its_chart(e.result, title=title + " against the earlier trend",
                                source=f"Source: {monthly_source(t)}, by calendar month.", policy=t.policy)
            else:
                fig = did_chart(e.result, title=title + " against the statistical neighbours",
                                treated_label=t.la.display_name,
                                comparison_label=did_comparison_label(e.result, t.la))
            show_figure(fig)
        display(Markdown(f"*How it was fitted:* {md(e.result.method)}."))
        # the cautions belong to the finding, shown or not with its chart
        if e.warnings:
            display(Markdown("\n".join(f"- *Caution:* {md(w)}" for w in e.warnings)))
    rest = [e for e in t.evaluations if e.result is None]
    if rest:
        from .topics import merge_measures
        show_table(merge_measures(pd.DataFrame([{"Intervention": e.title, "Measure": registry.get(e.measure).short,
                                                 "Method": e.method, "Why not": e.sentence} for e in rest])),
                   caption="Evaluations that could not be done")


def show_funnels(t) -> None:
    """Where the council sits among all councils in the latest year."""
    from .plots import funnel_chart
    if not t.funnels:
        display(Markdown("No funnel plot: none of this topic's measures is published with councils' counts."))
        return
    for mid, r in t.funnels.items():
        m = registry.get(mid)
        display(Markdown(f"### {m.title}, {r.period}"))
        row = r.table[r.table["highlight"]]
        title = None
        if len(row) and sdc.policy(t.policy).suppress_small and (
                sdc.gives_away(row["numerator"].iloc[:1], row["denominator"].iloc[:1],
                               sdc.dfe_published(row.iloc[:1].assign(period=r.period, measure=mid))).any()
                or int(r.period) in t.benchmark.withheld_periods(mid, t.policy)):
            display(Markdown(f"*Not shown under the {t.policy} policy: {t.la.display_name}'s {r.period} "
                             f"figure {sdc.withheld_because(t.la.area_code, mid, [r.period])}.*"))
            continue
        if len(row):
            x = row.iloc[0]
            pct = m.format_value(x["value"])            # rounded half up, as every figure
            # limits widened for how much councils genuinely differ answer another question
            # than the briefing's "against England beyond noise" (chance alone, for this
            # council's own figure): said, so the two papers do not read as contradicting
            wider = (" These limits allow for councils genuinely differing, so inside them means within the range "
                     "councils' figures usually span around England's; it can still be more than chance alone "
                     "away from England's figure, the comparison the briefing pack and benchmarking report make."
                     if r.adjusted and str(x["flag"]) == "within" else "")
            display(Markdown(f"{t.la.display_name}: {pct} of {x['denominator']:,.0f}, {x['assessment']}.{wider}"))
            title = f"{t.la.display_name} {pct} in {r.period}: {x['assessment']}"
        show_figure(funnel_chart(r, title=title, source=f"Source: {m.source}.", policy=t.policy))


def show_verdicts(t) -> None:
    """The table of every evaluation's verdict."""
    v = t.verdicts()
    if v.empty:
        display(Markdown("No dated intervention aimed at these measures."))
        return
    show_table(v, caption=f"{t.topic.title}: verdicts at each intervention")


def did_comparison_label(result, la) -> str:
    """The comparison line of a difference-in-differences chart: the same neighbours in
    every year, DfE's set of the latest year, so its average can move otherwise than the
    trend chart's, whose neighbours are each year's own set."""
    from .comparators import neighbour_model_for
    latest = int(pd.to_numeric(result.series["time"]).max())
    n = int(result.diagnostics.get("n_comparators", 0))
    return (f"Average of the {n} neighbours compared\n(DfE's {neighbour_model_for(la.area_code, latest)} "
            "set, every year)")


# ---------------------------------------------------------------- annual impact review
def review_intro(r, policy: str = "published") -> Markdown:
    """The opening of the annual impact review."""
    from .periods import collection_year
    st = r.strategy
    c = r.counts()
    first = collection_year(st.start)
    # a latest year holding only part of the strategy is the draft's first line
    # (Review._too_early), which comes before this
    partial = ""
    # interventions that began before the strategy's own start (its approval): the topic
    # reports date their evaluations from these, not from the start above
    early = [iv for iv in st.interventions if iv.start is not None and iv.start < st.start
             and collection_year(iv.start) == first]
    if early:
        partial += (" The topic reports date each intervention from its own start: "
                    + "; ".join(f"{md(iv.title.split(';')[0])}, {iv.start.day} {iv.start:%B %Y}" for iv in early) + ".")
    # commitments whose baseline the strategy gives for another year than its baseline year
    base = pd.to_numeric(r.table["baseline_period"], errors="coerce")
    other = r.table[base.notna() & (base != st.baseline_period)]
    if len(other):
        from .review import _period
        named = [f"{registry.get(x['measure']).short if x['measure'] in registry.ids() else md(x['measure'])} "
                 f"({_period(x['baseline_period'], x['measure'])})" for _, x in other.iterrows()]
        partial += (f" {'One commitment takes its' if len(other) == 1 else f'{len(other)} commitments take their'} "
                    "baseline from another year, as the strategy states it or as the first year with a "
                    "figure: " + "; ".join(named) + ".")
    return Markdown(
        "This review asks, "
        + (f"point by point, whether the council is making progress on what Ofsted found (**{md(st.title)}**)"
           if st.is_letter else "measure by measure, "
           f"whether **{md(st.title)}** is working") + ". It covers "
        f"{r.commitments} {'points' if st.is_letter else 'commitments'}"
        + (f" ({c['measures']} measures)" if r.commitments != c["measures"] else "")
        + f", from {st.start:%B %Y} to {st.end:%B %Y}; the baseline is the year "
        f"ending 31 March {st.baseline_period}. Figures come from " + listing(r.sources or ["no data"])
        + ". A change counts as real only when it is larger than chance alone would give for a "
        "council of this size (95% interval); the test behind each verdict, with the size of change "
        "it finds 4 times in 5, is in the table's last column. A percentage of children is compared "
        "with the council's own baseline; the topic reports set each intervention's years against the "
        "statistical neighbours' change, so their verdict can differ (a council can improve while its "
        f"neighbours improve as much).{partial} Disclosure policy: **{policy}**.")


def show_review_table(r, policy: str = "published") -> None:
    """Two tables: the measures with figures to assess, then those waiting for data
    (local measures not supplied, DfE measures evaltools does not compute yet)."""
    from . import review as rv
    d = rv.display_table(r, policy)
    waiting = r.waiting
    show_table(d[~waiting].reset_index(drop=True), caption=f"{r.strategy.title}: measures with figures")
    if waiting.any():
        w = d[waiting][["Measure", "Source", "Caveats"]].rename(columns={"Caveats": "Why there is no figure"})
        show_table(w.reset_index(drop=True), caption="Measures waiting for data")


def review_chart_measures(r, limit: int = 8) -> list[str]:
    """The published measures worth a chart: every one with a verdict beyond noise, or
    that moved the wrong way or missed a target; then, up to ``limit`` in all, the rest
    tested."""
    t = r.table[r.table["measure"].isin(registry.ids()) & (r.table["source"] == "published")]
    ranked = sorted(t.to_dict("records"), key=_matters)
    out = []
    for v in ranked:
        if v["measure"] not in out and (_matters(v) < 2 or (_matters(v) == 2 and len(out) < limit)):
            out.append(v["measure"])
    return out


def show_local_measure(r, row: dict, policy: str = "published", shown: pd.DataFrame | None = None) -> None:
    """One local measure of the review: heading, what the review found, a chart of the
    council's figures by year (with intervals from the counts) and a table, all under
    the disclosure ``policy``: a year resting on 1 to 5 children shows as c. ``shown``:
    the review's :func:`~evaltools.review.display_table` under ``policy``, if already made."""
    from . import local
    from .plots.local import local_chart
    from .review import display_table
    from .stats import frames

    mid, area = row["measure"], str(r.strategy.la)
    d = local.find(mid)
    what = d.title if d is not None else row["text"]
    unit = d.unit if d is not None else ""
    have = r.frame[(r.frame["measure"] == mid) & (r.frame["area_code"].astype(str) == area)
                   # a finished strategy's figures end with it, as its table's do (E5)
                   & (pd.to_numeric(r.frame["period"]) <= r.strategy.last_period)]
    s = frames.series(have, mid, area, where="review")
    shown = display_table(r, policy) if shown is None else shown
    cells = shown[r.table["id"].to_numpy() == row["id"]].iloc[0]
    name = resolve_la(area).display_name
    display(Markdown(f"### {md(what)} (local measure)"))
    display(Markdown(f"{md(row['text'].rstrip('.'))}: **{cells['Latest'] or 'no figure'}**, from "
                     f"{cells['Baseline'] or 'no baseline'}; {cells['Verdict']}."))
    latest = cells["Latest"].split(" (")[0]
    title = f"{name}: {latest} in {int(row['latest_period'])}" if latest and latest != "c" else what
    if cells["Verdict"] in ("improved beyond noise", "no detectable change", "worsened beyond noise") \
            and latest != "c" and pd.notna(row["baseline_period"]):
        title += f", {cells['Verdict']} since {int(row['baseline_period'])}"
    target = row["target_value"] if pd.notna(row["target_value"]) and cells["Target"] != "c" else None
    notes = sorted({str(v).removeprefix("local: ") for v in have.get("source", pd.Series(dtype=str))})
    show_chart(lambda: local_chart(s, title=title, what=what, unit=unit, name=name, target=target, policy=policy,
                                   source="; ".join(notes)),
               "local_chart", mid, s, title, what, unit, name, target, policy, notes)
    show_table(local_table(s, unit, policy), caption=f"{what}: {name} by year")


def local_table(s: pd.DataFrame, unit: str, policy: str = "published") -> pd.DataFrame:
    """A local measure's figures by year under ``policy``: the figure, the counts behind
    it and its 95% interval where given; "c" for a year resting on 1 to 5 children."""
    from .local import format_figure
    from .stats.proportions import proportion_ci

    pol = sdc.policy(policy)
    rows = []
    for _, v in s.iterrows():
        num, den = float(v.get("numerator", np.nan)), float(v.get("denominator", np.nan))
        when = str(v["time"])[:10]
        if pol.suppress_small and sdc.rests_on_few(num, den):
            rows.append({"Year": when, "Figure": "c", "Children": "c", "95% interval": "c"})
            continue
        counted = unit == "percent" and np.isfinite(num) and np.isfinite(den) and den > 0
        lo, hi = proportion_ci(int(num), int(den)) if counted else (np.nan, np.nan)
        rows.append({"Year": when, "Figure": format_figure(unit, v["value"]),
                     "Children": f"{num:,.0f} of {den:,.0f}" if counted else "",
                     "95% interval": f"{format_figure(unit, 100 * lo)} to {format_figure(unit, 100 * hi)}" if counted else ""})
    out = pd.DataFrame(rows, columns=["Year", "Figure", "Children", "95% interval"])
    dated = any(not isinstance(t, (int, np.integer)) for t in s["time"])
    return out.rename(columns={"Year": "Period"}) if dated else out      # figures at dates


def _matters(v) -> int:
    """How much a review row matters for a chart: a change beyond noise (0), a wrong
    direction or missed target (1), tested (2), the rest (3)."""
    return (0 if "beyond noise" in v["verdict"] else 1 if v["direction_met"] == "no" or v["target_met"] == "no"
            else 2 if v["verdict"] != "not tested" else 3)


def review_local_rows(r) -> list[dict]:
    """The review rows of local measures with figures, in the order they matter
    (:func:`_matters`): charted, since no national series is there to chart them."""
    t = r.table[(r.table["source"] == "local") & (r.table["verdict"] != "no data")]
    return sorted(t.to_dict("records"), key=_matters)


def show_review_charts(r, policy: str = "published", comparator="statistical_neighbours", limit: int = 8) -> None:
    """Charts, against the neighbours and England, of the measures that matter most;
    then the council's local measures, each on its own."""
    ids = review_chart_measures(r, limit)
    local_rows = review_local_rows(r)
    if not ids and not local_rows:
        display(Markdown("No published measure of this strategy could be tested yet."))
        return
    if ids:
        _show_review_benchmarks(r, ids, policy, comparator)
    if local_rows:
        from .review import display_table
        shown = display_table(r, policy)         # made once for every local measure
        for row in local_rows:
            show_local_measure(r, row, policy, shown)


def _show_review_benchmarks(r, ids: list[str], policy: str, comparator) -> None:
    """The published measures of the review against the neighbours and England."""
    from .benchmark import benchmark
    published = r.frame[r.frame["measure"].isin(ids) & ~r.frame["source"].astype(str).str.startswith("SSDA903")]
    # a finished strategy's charts end with it, as its table does (assumption E5)
    published = published[pd.to_numeric(published["period"]) <= r.strategy.last_period]
    bm = benchmark(r.strategy.la, ids, comparator=comparator, indicators=published)
    model = _model_note(bm)
    if model:
        display(Markdown(model.strip()))
    aims = {}
    for _, row in r.table.iterrows():     # the strategy's own direction where DfE gives none
        if row["measure"] in ids and row["direction"] in ("increase", "decrease"):
            aims.setdefault(row["measure"], row["direction"])
    for mid in ids:
        aim = aims.get(mid) if registry.get(mid).polarity == "none" else None
        note = (f"DfE sets no better direction for this measure (the chart says so); "
                f"{'the letter asks' if r.strategy.is_letter else 'the strategy aims'} to "
                f"{'raise' if aim == 'increase' else 'lower'} it, and the review judges it that way." if aim else None)
        show_measure(bm, mid, policy=policy, level=3, note=note)


#: the kinds of report the glossary (resources/terms.yaml) writes for
TERM_REPORTS = ("review", "briefing", "topic")


@lru_cache(maxsize=1)
def terms() -> tuple[dict, ...]:
    """The glossary: each term, its meaning in plain English, and the kinds of report
    that use it (``resources/terms.yaml``)."""
    from . import yamlio
    return tuple(yamlio.load((RESOURCES_DIR / "terms.yaml").read_text(encoding="utf-8")))


def show_terms(kind: str) -> None:
    """The terms a report of this ``kind`` (:data:`TERM_REPORTS`) uses, explained for a
    reader who is not an analyst: its last section."""
    if kind not in TERM_REPORTS:
        raise ValueError(f"no glossary for {kind!r}: one of {', '.join(TERM_REPORTS)}")
    display(Markdown("\n".join(f"- **{t['term']}**: {t['meaning']}" for t in terms() if kind in t["reports"])))


def show_caveats(r, policy: str = "published") -> None:
    """Each commitment's caveats, as the disclosure ``policy`` may show them (the same
    words as the review table's Caveats column)."""
    from .review import display_table

    # the table's own Caveats cells: a row whose figure is c keeps its caveats without
    # the figures (a target of +50% on a c baseline gave the baseline back here)
    shown = display_table(r, policy, short_caveats=False)["Caveats"].to_numpy()
    t = r.table.assign(shown=shown)
    t = t[(t["caveats"] != "") & ~t["caveats"].isin(["no local data supplied"])]
    if t.empty:
        display(Markdown("No caveats."))
        return
    display(Markdown("\n".join(f"- **{md(row['text'].rstrip('.'))}**: {md(row['shown'].rstrip('.'))}."
                                for _, row in t.iterrows())))


# ------------------------------------------------------------------- ILACS briefing
def page_break() -> HTML:
    """Start a new page when the report is printed (the PDF)."""
    return HTML('<div class="evaltools-page-break"></div>')


def briefing_intro(b) -> Markdown:
    bm = b.benchmark
    target = (f" Where the strategy, **{md(b.strategy.title)}**, sets a target, the RAG rating of a figure from "
              "its years after its baseline year is against it; otherwise it is against England."
              if b.strategy is not None else " The RAG rating is against England.")
    label = comparator_label(bm.comparator)
    # the rules as a list a board member can follow: one sentence of three colours, each
    # with its exceptions in brackets, read as unparseable
    return Markdown(
        f"This pack shows where **{b.la.display_name}** stands on {len(b.table)} key measures for children in "
        f"care, care leavers and leadership, from DfE's latest published figures, against England and its "
        f"{label}.{target} How each measure is rated (the Basis column says which rule rated it):\n\n"
        "- **Green:** better than England beyond noise, or the strategy's target met.\n"
        "- **Amber:** within noise of England, or the target missed but better than the strategy's baseline.\n"
        "- **Red:** worse than England beyond noise; or the target missed and no better than the baseline; or "
        "better than the baseline but worse than the year before beyond noise.\n"
        "- **Figures without counts** (LAIT rates): by quartile band among all councils: band A (best quarter) "
        "green, B and C amber, D (worst quarter) red.\n"
        "- **Not rated:** context measures with no better or worse, counts, suppressed figures, and "
        "measures of children a council identified (substance misuse) where many councils identified none, "
        "since how closely a council looks shapes the figure.\n\n"
        "After the scorecard, *Other measures to know about* lists the other measures DfE publishes for every council on which this one is in the worst "
        f"quarter of councils (band D) or worse than England or its {label} beyond noise."
        f"{_model_note(bm)} Disclosure policy: **{b.policy}**.")


def show_letter_points(letter, policy: str = "published") -> None:
    """An Ofsted letter's points, tracked as a strategy (``letter``: its
    :class:`~evaltools.review.Review`; its own annual impact review has the tests and
    caveats): each point with a national figure, its baseline, latest and the review's
    verdict, under the disclosure ``policy``; then the points only the council's own
    records can show, with the local measure to supply."""
    from . import review as rv
    t = letter.table
    d = rv.display_table(letter, policy)
    waiting = letter.waiting
    notes = f" {md(letter.strategy.notes)}" if letter.strategy.notes else ""
    display(Markdown(
        f"## Ofsted's points\n\n**{md(letter.strategy.title)}**.{notes} Each point the letter makes that a "
        f"figure could show is tracked here from the year before the visit"
        + (f" (the baseline, {letter.strategy.baseline_period})" if letter.strategy.baseline_period else "")
        + ", with the verdict of its annual impact review, which has the "
        f"tests and caveats behind it: "
        + (f"{int((~waiting).sum())} of the {len(t)} points have a national figure; " if letter.commitments == len(t)
           else f"the {letter.commitments} points have {len(t)} measures between them, of which "
                f"{int((~waiting).sum())} have a national figure; ")
        + f"the other {int(waiting.sum())} need the council's own records."))
    shown = d[~waiting][["Measure", "Baseline", "Latest", rv.moved_column(letter.strategy), "Verdict"]]
    show_table(shown.reset_index(drop=True), caption="Ofsted's points with a national figure")
    if waiting.any():
        local = {sm.id: sm.local or "" for sm in letter.strategy.measures}
        w = pd.DataFrame({"Point": t.loc[waiting, "text"].to_list(),
                          "Local measure to supply": [local.get(i, "") for i in t.loc[waiting, "id"]],
                          "Status": d.loc[waiting, "Caveats"].to_list()})
        show_table(w, caption="Ofsted's points that need the council's own records")


#: the heading of the briefing's Trend column as printed: what the arrow compares, so
#: "↓ within noise" beside a letter point "improved beyond noise" since an earlier
#: baseline does not read as a contradiction
TREND_HEADING = "On the year before"


def show_scorecard(b, area: str | None = None) -> None:
    """The scorecard of one judgement area (or each in turn), RAG cells coloured and
    labelled in words, so the colour is never the only cue."""
    if area is None:
        for a in b.table["Area"].unique():
            show_scorecard(b, a)
        return
    t = b.table[b.table["Area"] == area].drop(columns=["measure_id", "Area"], errors="ignore")
    # an unrated measure (context, a count, a figure withheld) says so: a blank cell reads
    # as a gap in the pack, and a screen reader announces nothing
    t = t.assign(RAG=t["RAG"].where(t["RAG"].astype(str).str.strip().ne(""), "not rated"))
    t = t.rename(columns={"Trend": TREND_HEADING})
    bundle = table_bundle(t.reset_index(drop=True), caption=f"Scorecard: {area}")
    for rag in ("green", "amber", "red"):
        bundle["text/html"] = bundle["text/html"].replace(f"<td>{rag}</td>", f'<td class="rag-{rag}">{rag}</td>')
    bundle["text/html"] = bundle["text/html"].replace("<td>not rated</td>", '<td class="rag-none">not rated</td>')
    display(bundle, raw=True)


def show_others(b) -> None:
    """The other measures to know about (:attr:`evaltools.briefing.Briefing.others`):
    measures not on the scorecard where the council is in the worst quarter of councils
    or worse than England or its comparators beyond noise; then those not rated because
    their latest figure is suppressed or too old."""
    label = comparator_label(b.benchmark.comparator)
    t = b.others.drop(columns=["sides", "period", "measure_id"], errors="ignore").reset_index(drop=True)
    t = t.rename(columns={"Trend": TREND_HEADING})
    show_table(t, caption="Other measures to know about",
               empty=f"No other published measure puts {b.la.display_name} in the worst quarter of councils "
                     f"or worse than England or its {label} beyond noise.")
    if b.others_not_rated:
        display(Markdown("Not rated: " + "; ".join(
            f"{m} ({y}: {why})" for m, y, why in b.others_not_rated) + "."))
    chance = others_chance_words(len(b.benchmark.measures) - len(b.table), label)
    if chance:
        display(Markdown(chance))


def others_chance_words(tested: int, label: str) -> str:
    """What chance alone puts among the other measures to know about: they are picked
    from dozens of measures, by tests at 95% against England and the comparators (a few
    land on the worse side though nothing is wrong) and by quartile band (a quarter of
    councils are in band D on any measure, by construction)."""
    if tested < 10:
        return ""
    return (f"*These are picked from {tested} other published measures, by tests at 95% against England and "
            f"the {label} and by quartile band (a quarter of councils are in band D on any measure): with that "
            "many, some land here by chance alone even if nothing is wrong, so one such measure on its own is "
            "a prompt to look closer, not a finding.*")

def show_other_pages(b) -> None:
    """A page on the other measures to know about: each measure's chart and table, as
    the theme pages give the scorecard's."""
    if b.others.empty:
        return
    display(page_break())
    display(Markdown("## Other measures to know about: charts and tables"))
    for mid in b.others["measure_id"]:
        show_measure(b.benchmark, mid, policy=b.policy, level=3)


def show_theme(b, area: str, new_page: bool = True) -> None:
    """One page per judgement area: its scorecard, then each measure's chart and table.
    ``new_page=False`` for the first, which follows its introduction on the same page."""
    if new_page:
        display(page_break())
    display(Markdown(f"## {area}"))
    show_scorecard(b, area)
    from .benchmark import STALE_YEARS
    newest = b.benchmark.newest_year()
    for mid in b.table.loc[b.table["Area"] == area, "measure_id"].dropna():
        # a measure DfE last published years ago gets its words and table, not a page
        # holding one old dot (staying put at 18: 2021 in a pack of 2025 figures)
        last, m = b.benchmark.latest(mid), registry.get(mid)
        stale = last is None or int(last["period"]) - m.lait_period_shift < newest - STALE_YEARS
        show_measure(b.benchmark, mid, policy=b.policy, level=3, chart=not stale)


# ---------------------------------------------------------------------- benchmarking
def chart_ids(bm: BenchmarkResult, charts="all") -> set[str]:
    """Which measures get a chart: ``"all"``; ``"headline"``, the ILACS scorecard's key
    measures (a compact report, e.g. for every council at once); or a list of ids."""
    ids = {m.id for m in bm.measures}
    if charts == "all":
        return ids
    if charts == "headline":
        from .briefing import area_measures
        return ids & {m for ms in area_measures().values() for m in ms}
    return ids & {m.id for m in registry.resolve(charts)}


def show_benchmarking(bm: BenchmarkResult, charts="all", policy: str = "internal") -> None:
    """Every measure of a benchmarking report, with charts for those ``charts`` picks
    (:func:`chart_ids`); the others get their statement and table."""
    with_chart = chart_ids(bm, charts)
    bm = bm.disclosed(policy)
    for m in bm.measures:
        show_measure(bm, m.id, policy=policy, chart=m.id in with_chart)
