"""Count the charts a report's PDF prints on a later page than the words before them.

A chart is kept whole on a page; one that does not fit under the heading and statement
that introduce it should take them to the next page with it (``outputs.PRINT_CSS``)
rather than leave them at the foot of the page before. This reads a report's HTML for
each chart (an ``<img>`` holding SVG), the last words before it and the heading over
them, finds them in the text of each page of its PDF, and lists the charts whose page
comes after the page those words end on, or after their heading's page. The PDF's page
count is printed too.

    python scripts/pdf_breaks.py reports/herefordshire/<run>/*.pdf

Each PDF is read beside its ``.html``. Blank pages (no text at all) are listed too.
Needs pypdf. Exits 1 if any chart is parted or any page is blank.
"""

from __future__ import annotations

import base64
import html
import re
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

SVG_PREFIX = "data:image/svg+xml;base64,"
HEADINGS = {"h1", "h2", "h3", "h4"}


def _norm(text: str) -> str:
    """Letters and digits only, lower case: how the words compare between the HTML and
    the PDF's text (line breaks, hyphenation at a line end and ligatures aside)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if c.isalnum())


class _Blocks(HTMLParser):
    """The report's text and charts in order: ("text", str), ("heading", str),
    ("chart", [its SVG's words]), ("table", caption)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, object]] = []
        self._skip = 0          # inside <style>, <script> or a heading's anchor link
        self._heading = None
        self._table = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("style", "script") or (tag == "a" and "anchor-link" in (a.get("class") or "")):
            self._skip += 1
        elif tag in HEADINGS:
            self._heading = []
        elif tag == "table":
            self._table += 1
            if self._table == 1:
                self.items.append(("table", ""))
        elif tag == "img" and (a.get("src") or "").startswith(SVG_PREFIX):
            svg = base64.b64decode(a["src"][len(SVG_PREFIX):]).decode("utf-8", "replace")
            words = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]
            self.items.append(("chart", [w for w in words if len(_norm(w)) >= 12]))

    def handle_endtag(self, tag):
        if tag in ("style", "script") or (tag == "a" and self._skip):
            self._skip = max(0, self._skip - 1)
        elif tag in HEADINGS and self._heading is not None:
            self.items.append(("heading", " ".join(self._heading)))
            self._heading = None
        elif tag == "table":
            self._table = max(0, self._table - 1)

    def handle_data(self, data):
        if self._skip or not data.strip():
            return
        if self._heading is not None:
            self._heading.append(data)
        elif not self._table:
            self.items.append(("text", data))


def splits(html_path: Path, pdf_path: Path) -> tuple[int, list[dict], int]:
    """(pages, the charts printed after the page their introduction ends on, charts not
    found in the PDF's text). Each split: {"chart", "chart_page", "what", "before",
    "before_page"}: "words" when the words just before the chart are on an earlier
    page, "heading" when they are with the chart but the heading over them (with only
    text between) is not."""
    import pypdf

    parser = _Blocks()
    parser.feed(html_path.read_text(encoding="utf-8"))
    pages = [_norm(p.extract_text() or "") for p in pypdf.PdfReader(str(pdf_path)).pages]
    starts, text = [], ""
    for p in pages:
        starts.append(len(text))
        text += p

    def page_of(pos: int) -> int:
        return max(i for i, s in enumerate(starts) if s <= pos) + 1

    found, missing, cursor, before, heading = [], 0, 0, "", None
    for kind, value in parser.items:
        if kind in ("text", "heading"):
            before = (before + " " + value)[-400:]
            if kind == "heading":
                heading = value
            continue
        if kind == "table" or not value:
            before, heading = "", None
            continue
        needle = _norm(before)[-60:]
        words = sorted(value, key=lambda w: -len(_norm(w)))[0]
        at_before = text.find(needle, cursor) if needle else -1
        at_chart = text.find(_norm(words), max(cursor, at_before))
        if at_before >= 0 and at_chart >= 0:
            # the last place the words occur before the chart: findings often end alike
            # ("... would usually not be told from noise"), and a section without a chart
            # between two that have one is not the chart's introduction
            at_before = max(at_before, text.rfind(needle, at_before, at_chart))
        at_heading = text.rfind(_norm(heading), cursor, max(at_before, 0) + len(needle)) if heading else -1
        if at_chart < 0 or (needle and at_before < 0):
            missing += 1
        else:
            end = at_before + len(needle) - 1
            if needle and page_of(end) < page_of(at_chart):
                found.append({"chart": words, "chart_page": page_of(at_chart), "what": "words",
                              "before": " ".join(before.split())[-70:], "before_page": page_of(end)})
            elif at_heading >= 0 and page_of(at_heading) < page_of(at_chart):
                found.append({"chart": words, "chart_page": page_of(at_chart), "what": "heading",
                              "before": heading, "before_page": page_of(at_heading)})
            cursor = at_chart
        before, heading = "", None
    return len(pages), found, missing


def blank_pages(pdf_path: Path) -> list[int]:
    """Pages (from 1) with no text at all: every page of a report has words, and every
    chart is SVG whose labels print as text, so an empty page is one Chromium left blank
    (a chart's bottom margin pushed onto a page of its own before a landscape table)."""
    import pypdf

    return [i for i, p in enumerate(pypdf.PdfReader(str(pdf_path)).pages, 1) if not (p.extract_text() or "").strip()]


def main(argv: list[str]) -> int:
    total = 0
    for arg in argv:
        pdf = Path(arg)
        n, found, missing = splits(pdf.with_suffix(".html"), pdf)
        blank = blank_pages(pdf)
        total += len(found) + len(blank)
        words = sum(f["what"] == "words" for f in found)
        print(f"{pdf.name}: {n} pages, {words} chart(s) on a later page than the words before them, "
              f"{len(found) - words} than their heading"
              + (f", {missing} chart(s) not found in the PDF's text" if missing else "")
              + (f", blank page(s) {', '.join(map(str, blank))}" if blank else ""))
        for f in found:
            print(f"  p{f['before_page']} {f['what']} '...{f['before'][-70:]}' | p{f['chart_page']} chart '{f['chart']}'")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
