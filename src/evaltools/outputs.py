"""What a run writes besides the executed notebooks: PDFs, the tables workbook, and the
comparison of one run's figures with the last run's.

* :func:`html_to_pdf` prints a report's HTML to an A4 PDF with a locally installed
  Chromium in headless mode (Debian's ``chromium`` package; nothing is downloaded and
  the page cannot reach the network). :func:`find_chromium` says which browser to use.
* :func:`notebook_tables` reads back every table an executed notebook showed, from the
  JSON copy that :func:`evaltools.report.show_table` displays next to the HTML
  (:data:`TABLE_MIME`); :func:`write_workbook` puts them in ``tables.xlsx``, one sheet
  per table, and :func:`table_changes` lists the cells that moved between two runs.
* :func:`notebook_charts` reads back every chart a notebook showed; :func:`write_charts`
  writes each as an SVG file for a board paper, and :func:`write_chart_index` lists them
  with their alt text.

Nothing here imports pandas or matplotlib, so the runner's worker processes stay light.
"""

from __future__ import annotations

import base64
import hashlib
import json
import multiprocessing.util
import os
import re
import select
import shutil
import signal
import subprocess
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from .paths import private_temp_dir

#: Same value as :data:`evaltools.report.TABLE_MIME` (not imported from there: report
#: pulls in matplotlib and the benchmark code, which the runner does not need).
TABLE_MIME = "application/vnd.evaltools.table+json"

#: Environment variable naming the Chromium/Chrome binary; ``none`` turns PDFs off.
CHROMIUM_ENV = "EVALTOOLS_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_INSTALL_HINT = ("install Debian's package with `sudo apt install chromium` "
                         f"(or set {CHROMIUM_ENV} to a Chromium or Chrome binary)")
PDF_TIMEOUT = 120           # seconds for one report; a long report prints in a few

OGL_ATTRIBUTION = ("Contains public sector information licensed under the Open Government "
                   "Licence v3.0")

#: Print styling added to the copy of the HTML that is printed (the HTML report itself
#: is unchanged): A4 with 15 mm margins, no screen padding or scroll bars, wide tables
#: wrapped to the page width rather than cut off, charts and table rows kept whole
#: across page breaks, zebra rows kept in print. JupyterLab's own print rule keeps each
#: output whole (break-inside: avoid-page), which pushed a long table to the next page
#: and left most of a page blank under its heading: outputs may break, rows still not.
#: A chart that does not fit under the words introducing it takes them to the next page
#: with it: an output that is a heading, or the words just before a chart, is kept
#: whole and not parted from what follows (a heading's own break-after did not always
#: reach past the output holding it), nor is a markdown cell (a section's heading and
#: introduction) from the cell after it. Left alone, 154 of a Herefordshire run's 208
#: charts printed a page after their statement and 17 more a page after their heading.
#: The space left at the foot of a page is at most a section's introduction, a heading,
#: a statement and a chart (236 pages became 241), and a table after them still breaks
#: by rows. scripts/pdf_breaks.py counts the charts parted from their words.
#: A table of sentences (``evaltools-wide``, :func:`evaltools.report.table_classes`) prints
#: on a landscape page (``@page wide`` in the report's rules), with its cell and the
#: heading cell before it when that cell holds no chart. A short table
#: (``evaltools-short``) is kept whole, its caption with it, and a note about a table
#: (``evaltools-note``: DfE's revisions of its years) is not parted from it.
#: Table fonts and widths are left to the report's own print rules
#: (evaltools.report.REPORT_CSS) where it has them.
PRINT_CSS = """<style media="print">
@page { size: A4; margin: 15mm; }
@page wide { size: A4 landscape; margin: 12mm; }
html, body { margin: 0 !important; padding: 0 !important; background: #fff !important; }
.jp-Notebook, .jp-Cell { padding: 0 !important; margin: 0 !important; }
.jp-OutputArea-output, .jp-RenderedHTMLCommon { padding-left: 0 !important; padding-right: 0 !important; }
body, .jp-Notebook, .jp-OutputArea-output, .jp-MarkdownOutput { overflow: visible !important; }
html body .jp-OutputArea-output img { max-width: 100%; height: auto; }
/* the space under a chart is the next block's top margin, not the chart's own bottom
   margin (JupyterLab's 1em): a chart that just fits at the foot of a page pushed its
   margin onto a page of its own, left blank before a landscape table */
html body .jp-RenderedHTMLCommon > img { margin-bottom: 0 !important; }
.jp-OutputArea-child:has(> .jp-OutputArea-output > img) + .jp-OutputArea-child,
.jp-Cell:has(.jp-OutputArea-child:last-child > .jp-OutputArea-output > img) + .jp-Cell { margin-top: 1em !important; }
img, svg, tr, caption, table.evaltools-short { break-inside: avoid; page-break-inside: avoid; }
h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
.jp-OutputArea-child, .jp-Cell-outputWrapper, .jp-Cell { break-inside: auto !important; page-break-inside: auto !important; }
.jp-MarkdownCell { break-after: avoid; page-break-after: avoid; }
.jp-OutputArea-child:has(> .jp-RenderedMarkdown > :is(h1, h2, h3, h4):last-child),
.jp-OutputArea-child:has(> .jp-RenderedMarkdown):has(+ .jp-OutputArea-child img) {
  break-inside: avoid !important; page-break-inside: avoid !important;
  break-after: avoid; page-break-after: avoid; }
.jp-OutputArea-child:has(+ .jp-OutputArea-child .evaltools-note) { break-after: avoid; page-break-after: avoid; }
html body table.evaltools-table { table-layout: auto; max-width: 100%; }
table.evaltools-table th, table.evaltools-table td {
  white-space: normal !important; min-width: 0 !important; }
.jp-Cell:has(table.evaltools-wide):not(:has(img)),
.jp-MarkdownCell:has(+ .jp-Cell table.evaltools-wide):not(:has(+ .jp-Cell img)) { page: wide; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
</style>"""


class PdfError(Exception):
    """Chromium ran but did not produce a PDF (timeout, crash, empty file)."""


# --------------------------------------------------------------------------- PDF
def find_chromium() -> tuple[str | None, str]:
    """The Chromium binary to print PDFs with, and a one-line reason when there is none.

    ``EVALTOOLS_CHROMIUM`` wins (a path or a command name; ``none`` turns PDFs off);
    otherwise the first of chromium, chromium-browser, google-chrome on the PATH.
    """
    env = os.environ.get(CHROMIUM_ENV)
    if env is not None and env.strip():
        if env.strip().lower() in ("none", "off", "0", "false"):
            return None, f"PDFs turned off ({CHROMIUM_ENV}={env.strip()})"
        exe = shutil.which(env.strip())
        if exe:
            return exe, ""
        return None, f"{CHROMIUM_ENV}={env.strip()} is not an executable; {CHROMIUM_INSTALL_HINT}"
    for name in CHROMIUM_NAMES:
        exe = shutil.which(name)
        if exe:
            return exe, ""
    return None, f"no chromium found; {CHROMIUM_INSTALL_HINT}"


def chromium_version(exe: str) -> str | None:
    """``Chromium 156.0... built on Debian ...``, or None if it cannot say."""
    try:
        r = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
    return lines[-1] if r.returncode == 0 and lines else None


def print_html(html: str) -> str:
    """The HTML with :data:`PRINT_CSS` added at the end of its head."""
    if re.search(r"</head>", html, re.I):
        return re.sub(r"</head>", lambda _: PRINT_CSS + "\n</head>", html, count=1, flags=re.I)
    return PRINT_CSS + html


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND")

#: Page.printToPDF's options: A4 and margins come from the page's own @page rule
#: (:data:`PRINT_CSS`), backgrounds are printed, no header or footer
#: tagged (headings, tables and figures with their alt text for screen readers), and with
#: bookmarks from the headings: a 35-page briefing pack had none to navigate by
PRINT_OPTIONS = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False,
                 "generateTaggedPDF": True, "generateDocumentOutline": True}


class Printer:
    """One headless Chromium kept running to print report after report.

    Starting Chromium costs about 0.7 s, and a warm browser lays a page out faster:
    a worker printing a dozen reports keeps one. It is driven through the DevTools
    protocol over a pair of pipes (``--remote-debugging-pipe``: no port is opened),
    each report in a fresh tab that is closed afterwards; the profile is a throw-away
    folder and every host name resolves to nothing, so a page cannot reach the
    network. A browser that fails or overruns is killed and the next report starts a
    new one.
    """

    def __init__(self, exe: str):
        self.exe = exe
        self.proc = None
        self._buf = b""
        self._id = 0

    # -- the browser
    def _start(self) -> None:
        self.profile = private_temp_dir("chromium")
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def fds():                  # Chromium reads commands on fd 3, writes on fd 4
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [self.exe, *CHROMIUM_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
             "about:blank"], preexec_fn=fds, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd=self.profile,
            # its own temporary files (a lock folder per browser) in the profile, which
            # close() removes: in the shared temp folder, 517 runs had left 517 of them
            env={**os.environ, "TMPDIR": self.profile})
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    # -- the protocol: JSON messages separated by NUL bytes
    def _call(self, method: str, params=None, *, session=None, event=None, deadline: float):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        result, seen = None, event is None
        while result is None or not seen:
            m = self._read(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise PdfError(f"chromium refused {method}: {m['error'].get('message', m['error'])}")
                result = m.get("result", {})
            elif event and m.get("method") == event and m.get("sessionId") == session:
                seen = True
        return result

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise PdfError("chromium stopped while printing")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def print_pdf(self, page: Path, out: Path, timeout: float) -> None:
        """Print ``page`` (a local HTML file) to ``out``."""
        deadline = time.monotonic() + timeout
        try:
            if self.proc is None or self.proc.poll() is not None:
                self.close()
                self._start()
            target = self._call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
            session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 deadline=deadline)["sessionId"]
            self._call("Page.enable", session=session, deadline=deadline)
            # a report needs no script to print; one from a council's text (an alert)
            # blocked the page until the printer timed out
            self._call("Emulation.setScriptExecutionDisabled", {"value": True}, session=session,
                       deadline=deadline)
            self._call("Page.navigate", {"url": page.as_uri()}, session=session,
                       event="Page.loadEventFired", deadline=deadline)
            data = self._call("Page.printToPDF", PRINT_OPTIONS, session=session, deadline=deadline)["data"]
            out.write_bytes(base64.b64decode(data))
            self._call("Target.closeTarget", {"targetId": target}, deadline=deadline)
        except TimeoutError:
            self.close()
            raise PdfError(f"chromium took more than {timeout:.0f} s to print {page.name}") from None
        except (PdfError, OSError, ValueError) as exc:
            self.close()
            raise PdfError(str(exc) or type(exc).__name__) from None


_PRINTERS: dict[str, Printer] = {}
#: the folders of the reports being printed now (a copy of the report, the PDF so far)
_PDF_WORK: set[Path] = set()


def close_printers() -> None:
    """Stop the browsers this process keeps for printing, and remove the copy of any
    report it is printing now (the runner calls it at the end of a run; worker
    processes also do it as they exit, if they are stopped mid-print)."""
    for p in list(_PRINTERS.values()):
        p.close()
    _PRINTERS.clear()
    for tmp in list(_PDF_WORK):
        shutil.rmtree(tmp, ignore_errors=True)
        _PDF_WORK.discard(tmp)


multiprocessing.util.Finalize(None, close_printers, exitpriority=10)


def html_to_pdf(html_path, pdf_path, *, chromium: str | None = None,
                timeout: float = PDF_TIMEOUT) -> Path:
    """Print a self-contained HTML report to an A4 PDF with headless Chromium.

    The page is a ``file://`` copy of the HTML with :data:`PRINT_CSS` added, printed
    by this process's :class:`Printer` (one browser for every report it prints), with
    no header or footer. The PDF is assembled in a temporary folder and moved to
    ``pdf_path`` only once it is complete. Raises :class:`PdfError` if Chromium fails
    or takes longer than ``timeout`` seconds (the browser is then killed).
    """
    exe = chromium or find_chromium()[0]
    if not exe:
        raise PdfError(f"no chromium found; {CHROMIUM_INSTALL_HINT}")
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    printer = _PRINTERS.setdefault(exe, Printer(exe))
    tmp = Path(private_temp_dir("pdf"))
    _PDF_WORK.add(tmp)
    try:
        page = tmp / "report.html"
        page.write_text(print_html(html_path.read_text(encoding="utf-8")), encoding="utf-8")
        out = tmp / "report.pdf"
        printer.print_pdf(page, out, timeout)
        if not (out.is_file() and _starts_with(out, b"%PDF-")):
            raise PdfError(f"chromium printed no PDF of {html_path.name}")
        out.write_bytes(undated_pdf(out.read_bytes()))
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), pdf_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        _PDF_WORK.discard(tmp)
    return pdf_path


#: the dates Chromium stamps in a PDF's document information: the only bytes that differ
#: between two prints of the same report
_PDF_DATES = re.compile(rb"/(?:CreationDate|ModDate) \(D:[0-9+\-Z']*\)")


def undated_pdf(data: bytes) -> bytes:
    """``data`` without its creation and modification dates, each blanked with as many
    spaces (so every byte offset in the file's cross-reference table still holds): the
    same report prints to the same bytes, and the manifest's SHA-256 of a PDF shows
    whether a rerun on the same inputs gave the same document. When it was made is in
    the manifest (``started``, ``finished``)."""
    return _PDF_DATES.sub(lambda m: b" " * len(m.group(0)), data)


def _starts_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(magic)) == magic


# ------------------------------------------------------------------------ tables
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _last_heading(markdown: str) -> str | None:
    found = _HEADING.findall(markdown or "")
    if not found:
        return None
    # emphasis marks go; an escaped character (wording.md: "\\(July 2022\\)") is the
    # text itself, as the report shows it: the chart index and the workbook's sheet
    # titles gave the backslashes
    text = re.sub(r"(?<!\\)[*_`]", "", found[-1])
    return re.sub(r"\\(.)", r"\1", text).strip() or None


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def read_notebook(ipynb):
    """An executed notebook: a path, or one already read (the runner reads it once for
    its tables and its charts)."""
    if isinstance(ipynb, dict):
        return ipynb
    import nbformat
    return nbformat.read(str(ipynb), as_version=4)


def _displays(nb):
    """``(heading, data)`` for every displayed output of a notebook, in order, with the
    last Markdown heading above it (from a Markdown cell or a displayed Markdown
    output): a measure's name, a theme's title."""
    heading = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = _last_heading(cell.source) or heading
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data", {})
            yield heading, data
            if "text/markdown" in data:
                heading = _last_heading(_text(data["text/markdown"])) or heading


def notebook_tables(ipynb, notebook: str) -> list[dict]:
    """Every table an executed notebook showed, in order.

    Each is ``{"notebook", "caption", "title", "columns", "data"}``: ``caption`` as
    given to :func:`~evaltools.report.show_table`; ``title`` is the caption, or for an
    uncaptioned table the heading above it (a measure's name), or "Table N". Tables
    are found by their :data:`TABLE_MIME` output; ``notebook`` names them (the report's
    file stem). ``ipynb``: the executed notebook's path, or the notebook read.
    """
    out = []
    for heading, data in _displays(read_notebook(ipynb)):
        if TABLE_MIME in data:
            t = data[TABLE_MIME]
            if isinstance(t, str):            # some writers store JSON as text
                t = json.loads(t)
            caption = str(t.get("caption") or "")
            out.append({"notebook": notebook, "caption": caption,
                        "title": caption or heading or f"Table {len(out) + 1}",
                        "columns": [str(c) for c in t.get("columns", [])],
                        "data": [list(r) for r in t.get("data", [])]})
    return out


# ------------------------------------------------------------------------ charts
#: the folder of a run's chart files, and the list of them in it
CHARTS = "charts"
CHART_INDEX = "index.csv"
CHART_COLUMNS = ("report", "number", "file", "section", "alt_text", "sha256")

#: a chart as :func:`evaltools.report.figure_html` shows it: SVG in an ``<img>``, with
#: its alt text
_CHART_IMG = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"')


def notebook_charts(ipynb, notebook: str) -> list[dict]:
    """Every chart an executed notebook showed, in order: ``{"notebook", "section" (the
    heading above it), "alt_text", "svg" (bytes, as in the report)}``."""
    import html as _html

    out = []
    for heading, data in _displays(read_notebook(ipynb)):
        for m in _CHART_IMG.finditer(_text(data.get("text/html", ""))):
            out.append({"notebook": notebook, "section": heading or "",
                        "alt_text": _html.unescape(m.group(2)), "svg": base64.b64decode(m.group(1))})
    return out


def _slug(text: str, limit: int = 60) -> str:
    """``text`` as a file name: lower case, words joined by hyphens, cut at a word."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(s) > limit:
        s = s[:limit + 1].rsplit("-", 1)[0] if "-" in s[:limit + 1] else s[:limit]
    return s or "chart"


def write_charts(folder, charts: list[dict], under: str = "") -> list[dict]:
    """Write a report's charts as SVG files in ``folder``, numbered in the order the
    report shows them and named by their section ("03-children-looked-after-with-3-or-
    more-placements.svg"), for a board paper: Word and PowerPoint insert SVG as a
    picture that stays sharp. Returns a row per chart for :data:`CHART_INDEX`, its file
    named relative to the run folder (``under`` is the folder's path there). A chart is
    the same picture as in the report, so under the same disclosure policy."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(2, len(str(len(charts))))
    rows = []
    for i, c in enumerate(charts, 1):
        name = f"{i:0{width}d}-{_slug(c['section'] or c['alt_text'])}.svg"
        (folder / name).write_bytes(c["svg"])
        rows.append({"report": c["notebook"], "number": i, "file": f"{under}/{name}" if under else name,
                     "section": c["section"], "alt_text": c["alt_text"],
                     "sha256": hashlib.sha256(c["svg"]).hexdigest()})
    return rows


def write_chart_index(path, rows: list[dict]) -> Path:
    """The list of a run's chart files (:data:`CHART_COLUMNS`): which report and section
    each comes from, and its alt text to give it where it is pasted (Word: Picture
    Format, Alt Text). UTF-8 with a byte order mark, so Excel reads its dashes and
    quotes right."""
    import csv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CHART_COLUMNS)
        w.writeheader()
        w.writerows({k: _csv_text(v) for k, v in r.items()} for r in rows)
    return path


def _csv_text(value):
    """A CSV cell Excel shows as the words it holds: text beginning ``=``, ``+``,
    ``-`` or ``@`` would be taken for a formula (run, or shown as #NAME?), so it starts
    with an apostrophe, as Excel itself marks text."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def distinct_tables(tables: list[dict]) -> list[dict]:
    """The tables without repeats: a table a report shows again with the same title,
    header and cells (the ILACS briefing's scorecards, in its overview and again on
    each theme's page) is kept once, where it first appears. Tables of different
    reports, or different tables that share a title, are all kept."""
    seen, out = set(), []
    for t in tables:
        key = json.dumps([t["notebook"], t["title"], t["caption"], t["columns"], t["data"]], default=str)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def table_keys(tables: list[dict]) -> list[tuple[str, str, int]]:
    """(notebook, title, n): the n-th table of that title in that notebook, n from 1.
    This is how a table is matched between runs."""
    seen: Counter = Counter()
    keys = []
    for t in tables:
        seen[(t["notebook"], t["title"])] += 1
        keys.append((t["notebook"], t["title"], seen[(t["notebook"], t["title"])]))
    return keys


# ---------------------------------------------------------------------- workbook
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31

#: Short codes of the reports, for the start of their tables' sheet names: by the topic
#: a topic report is run for, or by notebook. Others are named by a parameter value
#: without figures (a topic), else the notebook: initials ("data_quality" -> "DQ") or
#: first five letters.
REPORT_CODES = {"annual_impact_review": "Rev", "ilacs_briefing": "ILACS", "data_quality": "DQ",
                "benchmarking": "Bench", "stability": "Stab", "care_leavers": "Leavers",
                "health": "Health", "safety": "Safety", "permanence": "Perm",
                "education_workforce": "EduWf"}

#: The year series' caption ("Children in care per 10,000: Herefordshire by year"): every trend
#: table has one, so the area and "by year" say nothing on a tab
_BY_YEAR = re.compile(r"\s*:\s*[^:]*\bby year\s*$", re.I)

#: Shorter wording, tried in turn (each everywhere in the name) while a name is too
#: long. A report's verdicts and measures tables lose the topic or strategy: the
#: report's code says it.
SHORTER = [
    (r"^.*\bverdicts at each intervention$", "Verdicts"),
    (r"^.*\bmeasures with figures$", "Measures with figures"),
    (r"^Evaluations that could not be done$", "Not evaluated"),
    (r"\bsocial worker changes\b", "SW changes"),
    (r"\bEnglish and maths\b", "Eng & maths"),
    (r"^Other measures to know about$", "Other measures"),
    # an Ofsted letter's points in the briefing: what sets its two tables apart
    (r"\bwith a national figure$", "national"),
    (r"\bthat need the council own records$", "local"),
    (r"\bchildren in care\b", "CLA"),
    (r"\bin the year\b", "in year"),
    (r"\bSGOs to\b", "SGOs"),
    (r"\bkinship foster\b", "kinship"),
    (r"\bDevelopment\b", "Dev"),
    (r"\baccommodation\b", "accom"),
    (r"\bemployment\b", "employ"),
    (r"\bTraining or\b", "Train or"),
    (r"\bIncidents\b", "Incid"),
    (r"\bplacements\b", "plcmts"),
    (r"\band >20 miles\b", ">20mi"),
    (r"\boutside LA\b", "OOA"),
]
#: words a shortened name does not end on
_DANGLING = {"a", "an", "and", "at", "by", "each", "for", "from", "in", "of", "on", "or", "per",
             "that", "the", "to", "with"}


def report_codes(notebooks) -> dict[str, str]:
    """A short code per report (notebook file stem, "topic-stability-herefordshire_2025_27")
    to start its sheets' names: :data:`REPORT_CODES` of its topic or notebook, with the
    strategy's first year where two reports would otherwise share a code ("Rev25",
    "Rev17"), and its place in the list if that is not enough."""
    stems = list(dict.fromkeys(notebooks))
    codes = {}
    for stem in stems:
        parts = stem.split("-")
        known = [p for p in parts[1:] + parts[:1] if p in REPORT_CODES]
        plain = [p for p in parts[1:] if p and not re.search(r"\d", p)]
        name = (known or plain or parts)[0]
        words = [w for w in name.split("_") if w]
        codes[stem] = REPORT_CODES.get(name) or (
            "".join(w[0].upper() for w in words) if len(words) > 1 else name[:5].capitalize())
    shared = Counter(codes.values())
    for stem in stems:
        year = re.search(r"(?:19|20)(\d\d)", stem.partition("-")[2])
        if shared[codes[stem]] > 1 and year:
            codes[stem] += year.group(1)
    shared = Counter(codes.values())
    for i, stem in enumerate(stems, 1):
        if shared[codes[stem]] > 1:
            codes[stem] += f"-{i}"
    return codes


def _sheet_title(title: str, limit: int) -> str:
    """A table's title in at most ``limit`` characters, in whole words: without the year
    series' area and "by year", "aged" before an age band or commas between words;
    shortened as needed by :data:`SHORTER`, then by dropping words in brackets without
    figures, then words from the end, never one with figures (17-18, 2025)."""
    text = re.sub(r"\baged (?=\d)", "", _BY_YEAR.sub("", str(title)))
    # "Ofsted's points" as "Ofsted points", not "Ofsteds points": a sheet name keeps no
    # apostrophe (links to it would need them doubled)
    text = _BAD_SHEET_CHARS.sub(" ", re.sub(r"['\u2019]s\b", "", text)).replace("'", "").replace("\u2019", "")
    text = " ".join(re.sub(r",(?=\s)|\s-\s", " ", text).split()) or "Table"    # keep 10,000 and 17-18
    if text.lower() == "history":            # reserved by Excel
        text = "History table"
    # the briefing's scorecards, one name for all three ("Scores Children in care"
    # beside "Scorecard Care leavers" read as two kinds of table)
    text = re.sub(r"^Scorecard\b", "Scores", text)
    for pattern, short in SHORTER:
        if len(text) <= limit:
            return text
        text = re.sub(pattern, short, text, flags=re.I)
    if len(text) > limit:
        text = " ".join(re.sub(r"\s*\([^)\d]*\)", "", text).split()) or text
    words = text.split()
    while len(" ".join(words)) > limit and len(words) > 1:
        plain = [i for i, w in enumerate(words) if i and not re.search(r"\d", w)]
        del words[plain[-1] if plain else -1]
        while len(words) > 1 and words[-1].lower() in _DANGLING:
            del words[-1]
    return " ".join(words)[:limit].rstrip()


def sheet_names(titles: list[str], reserved=("Contents", "Notes"), notebooks=None) -> list[str]:
    """One valid, unique Excel sheet name per title: at most 31 characters, none of
    ``[]:*?/\\``, no apostrophes, unique ignoring case (as Excel compares them), the
    same for the same inputs.

    Tables from more than one report (``notebooks``: each title's notebook file stem)
    start with their report's code (:func:`report_codes`): "Rev25 EET 17-18". The title
    follows in whole words (:func:`_sheet_title`), keeping what tells tables apart
    (ages such as 17-18, years). A name already taken (different tables of one report
    that share a title) gets " (2)", " (3)"...; the full title is in the sheet's row 1
    and in Contents."""
    codes = report_codes(notebooks) if notebooks and len(set(notebooks)) > 1 else {}
    leads = [codes[notebooks[i]] + " " if codes else "" for i in range(len(titles))]
    shown = Counter(zip(leads, titles))       # tables sharing a title: room for " (2)"
    used = {r.lower() for r in reserved}
    names = []
    for lead, title in zip(leads, titles):
        room = SHEET_MAX - len(lead) - (4 if shown[lead, title] > 1 else 0)
        name, n = lead + _sheet_title(title, room), 1
        while name.lower() in used:
            n += 1
            suffix = f" ({n})"
            name = lead + _sheet_title(title, SHEET_MAX - len(lead) - len(suffix)) + suffix
        used.add(name.lower())
        names.append(name)
    return names


def _width(values) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return float(min(max(longest + 2, 8), 60))


#: a cell that is a number as shown: sign, digits with thousands commas, decimals,
#: then nothing, a % sign, or one of the registry's unit words
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})*|\d+)(\.\d+)?"
                     r"(%| per 10,000| days| places| cases per worker)?$")


#: characters openpyxl refuses in a cell (controls other than tab and line breaks):
#: its ``ILLEGAL_CHARACTERS_RE``, here so a process that writes no workbook does not
#: import openpyxl (tested equal)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_value(text):
    """A table cell for the workbook: a figure shown as text ("10.2%", "1,234",
    "99.9 per 10,000") becomes a number with a number format that shows it exactly as
    the report does, so it can be sorted, summed and charted; anything else ("c",
    "54.7% (64/117)", "Sep 2025") stays as it is. Returns (value, number format or None).

    * The value is the figure as printed, read from its digits in decimal: "95.4%" is
      0.954, not the 0.9540000000000001 that 95.4 / 100 gives in binary. The report
      already rounded it (half up, :func:`evaltools.sdc.round_half_up`), so nothing is
      rounded here.
    * The format has the decimals the cell was printed with, cell by cell: a LAIT
      figure, which LAIT publishes as a whole number and every report prints so
      ("7%", docs/assumptions.md C4a), is "0%"; an EES figure or a neighbours' average
      printed to one decimal ("7.3%", "9.0%") is "0.0%". A column can hold both, as
      the report's own table does, and Excel shows each cell as the report does: a
      column-wide format would show LAIT's 7% as 7.0%, a precision LAIT does not give.
    * A printed sign is kept, on a zero too ("+0.0")."""
    if not isinstance(text, str):
        return text, None
    text = text.replace("\u00a0", " ")     # a report's no-break space ("Sep 2025"): a plain one
    # characters a worksheet cannot hold (a control character pasted from Word) lost the
    # whole workbook; a space keeps the rest of the words
    text = _ILLEGAL.sub(" ", text)
    m = _NUMBER.match(text.strip())
    if not m:
        return text, None
    sign, whole, frac, unit = m.groups()
    if len(whole) > 1 and whole[0] == "0":         # a code such as "0884", not a number
        return text, None
    exact = Decimal(sign + whole.replace(",", "") + (frac or ""))
    places = len(frac) - 1 if frac else 0
    decimals = "." + "0" * places if places else ""

    def signed(f):                       # the sign as printed, on a zero too
        if sign == "+":
            return f"+{f};-{f};+{f}"
        return f"{f};-{f};-{f}" if sign == "-" and exact == 0 else f
    if unit == "%":
        return float(exact.scaleb(-2)), signed(f"0{decimals}%")
    if unit:
        return float(exact), signed(f'#,##0{decimals}"{unit}"')
    if not frac:
        return int(exact), (signed("#,##0") if "," in whole or sign else None)
    return float(exact), signed(f"#,##0{decimals}")


def write_workbook(path, tables: list[dict], notes: list[tuple[str, str]],
                   failed: list[tuple[str, str]] = ()) -> Path:
    """Write ``tables.xlsx``: a Contents sheet, one sheet per table, and Notes.

    A table a report shows twice, identical, has one sheet and one line in Contents
    (:func:`distinct_tables`). Each table sheet has the caption in row 1, the header in row 2 (bold, frozen with
    the caption above it) and the cells as the report shows them, figures as numbers
    formatted to look the same (:func:`cell_value`). Contents
    lists notebook, table and sheet with a link to each sheet, and any notebook that
    failed (``failed``: (notebook, error) pairs) so a missing table is explained.
    ``notes`` are (label, value) rows: title, LA, run, policies, attribution.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    bold, big = Font(bold=True), Font(bold=True, size=13)
    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    contents.append(["Tables shown in the reports"])
    contents["A1"].font = big
    contents.append(["Notebook", "Table", "Sheet"])
    for c in contents[2]:
        c.font = bold
    contents.freeze_panes = "A3"
    tables = distinct_tables([{**t, "title": _ILLEGAL.sub(" ", str(t["title"]))} for t in tables])
    names = sheet_names([t["title"] for t in tables], notebooks=[t["notebook"] for t in tables])
    for t, name in zip(tables, names):
        ws = wb.create_sheet(name)
        ws.append([t["title"]])
        ws["A1"].font = big
        ws.append([_ILLEGAL.sub(" ", str(c)) for c in t["columns"]])
        for c in ws[2]:
            c.font = bold
        for row in t["data"]:
            cells = [cell_value(v) for v in row]
            ws.append([v for v, _ in cells])
            for i, (_, fmt) in enumerate(cells):
                if fmt:
                    ws.cell(row=ws.max_row, column=i + 1).number_format = fmt
        ws.freeze_panes = "A3"
        for i, col in enumerate(t["columns"]):
            letter = ws.cell(row=2, column=i + 1).column_letter
            ws.column_dimensions[letter].width = _width([col] + [r[i] for r in t["data"] if i < len(r)])
        contents.append([t["notebook"], t["title"], name])
        link = contents.cell(row=contents.max_row, column=3)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1", display=name)
        link.style = "Hyperlink"
    for nb, err in failed:
        contents.append([nb, _ILLEGAL.sub(" ", f"no tables: the notebook failed ({err})"), ""])
    if not tables and not failed:
        contents.append(["", "The notebooks showed no tables", ""])
    rows = list(contents.iter_rows(min_row=2, values_only=True))
    for i, letter in enumerate("ABC"):
        contents.column_dimensions[letter].width = _width([r[i] for r in rows])

    ns = wb.create_sheet("Notes")
    ns.append(["About these tables"])
    ns["A1"].font = big
    for label, value in notes:
        ns.append([label, _ILLEGAL.sub(" ", value) if isinstance(value, str) else value])
        ns.cell(row=ns.max_row, column=1).font = bold
    ns.column_dimensions["A"].width = _width([n[0] for n in notes])
    ns.column_dimensions["B"].width = 100
    # words, never formulas: a commitment written "=HYPERLINK(...)" was stored as one, to
    # run when the workbook is opened (no cell here is meant as a formula)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if c.data_type == "f":
                    c.data_type = "s"
    # the document's own title and language, as an accessibility check reads them
    first = dict(notes)
    wb.properties.title = _ILLEGAL.sub(" ", f"{first['Evaluation']}: tables") if first.get("Evaluation") else "Tables"
    wb.properties.language = "en-GB"
    path = Path(path)
    wb.save(path)
    return path


# ----------------------------------------------------------------- run comparison
def _rows_by_label(t: dict) -> dict:
    """Row label (first column, repeated labels numbered) -> {column header: cell}."""
    seen: Counter = Counter()
    out = {}
    for row in t["data"]:
        label = "" if not row or row[0] is None else str(row[0])
        seen[label] += 1
        key = label if seen[label] == 1 else f"{label} ({seen[label]})"
        out[key] = dict(zip(t["columns"][1:], row[1:]))
    return out


def table_changes(before: list[dict], after: list[dict], cap: int = 500) -> dict:
    """The figures that moved between two runs' tables.

    Tables are matched by notebook and title (see :func:`table_keys`), rows by their
    first-column label, columns by header. Returns ``{"moved": total, "cells": [...],
    "truncated", "tables_added", "tables_removed", "rows_added", "rows_removed",
    "sources_changed"}`` (a Source cell that changed is not a figure that moved);
    ``cells`` holds at most ``cap`` entries ``{notebook, table, row, column, before,
    after}``. Rows or columns present in only one run are counted, not listed as moves.
    """
    # a table a report shows twice, identical (the briefing's scorecards), counts once,
    # as in the workbook: its moved figures were counted twice
    before, after = distinct_tables(before), distinct_tables(after)
    old = dict(zip(table_keys(before), before))
    new = dict(zip(table_keys(after), after))
    cells, moved, rows_added, rows_removed, sources = [], 0, 0, 0, 0

    def name(key):
        return {"notebook": key[0], "table": key[1] if key[2] == 1 else f"{key[1]} ({key[2]})"}

    for key, t_new in new.items():
        t_old = old.get(key)
        if t_old is None:
            continue
        r_old, r_new = _rows_by_label(t_old), _rows_by_label(t_new)
        rows_added += len(set(r_new) - set(r_old))
        rows_removed += len(set(r_old) - set(r_new))
        for label, vals in r_new.items():
            if label not in r_old:
                continue
            for col, value in vals.items():
                if col in r_old[label] and r_old[label][col] != value:
                    if str(col).strip().lower() in SOURCE_COLUMNS:      # where a figure is from, not a figure
                        sources += 1
                        continue
                    moved += 1
                    if len(cells) < cap:
                        cells.append({**name(key), "row": label, "column": col,
                                      "before": r_old[label][col], "after": value})
    return {"moved": moved, "cells": cells, "truncated": moved > len(cells),
            "tables_added": [name(k) for k in new if k not in old],
            "tables_removed": [name(k) for k in old if k not in new],
            "rows_added": rows_added, "rows_removed": rows_removed, "sources_changed": sources}


#: columns naming where a figure comes from ("EES 2025 release"): a new release changes
#: them on every row, which is not a figure moving (counted apart, as sources_changed)
SOURCE_COLUMNS = {"source", "sources"}
