"""Plain-English wording shared by results, reports and the command line."""

from __future__ import annotations

import re


def count(n, noun: str, plural: str | None = None) -> str:
    """'1 unit', '3 units', '0 months': a number with its noun agreeing, for report
    text that reads as written rather than generated ('unit(s)')."""
    n = int(n)
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def listing(items) -> str:
    """'a', 'a and b', 'a, b and c': items joined as a sentence lists them."""
    items = [str(i) for i in items if i]
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


#: characters Markdown (and the HTML it passes through) would read as formatting
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~&])")


def md(text) -> str:
    """Words from a council's own files (a strategy's title and commitments, an
    intervention's name, a local measure's title), to be placed in report Markdown:
    shown exactly as written, on one line. Every character Markdown or HTML would
    interpret is escaped: "<script>" in a local measure's title ran in the report and
    hung the PDF printer, "*not* counted" turned a caveat italic, "# More young
    people" became a heading. The report shows the text itself (a table cell or a
    chart takes the text unescaped)."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


#: why a figure is withheld under a policy that suppresses small counts: it rests on 1
#: to 5 children, or leaves 1 to 5 out (36 of 38 gives away 2), so "rests on" alone
#: would mislead about the second case
REVEALS = "would reveal 1 to 5 children"


#: a signed figure in a sentence ("moved +1.2", "95% CI -10.6 to -0.012"), not a year
#: range ("2016-17"): what a caution or caveat on a withheld figure must not quote
SIGNED_FIGURE = re.compile(r"(?<![\w.])[+-]\d")
