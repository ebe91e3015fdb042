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


#: why a figure is withheld under a policy that suppresses small counts: it rests on 1
#: to 5 children, or leaves 1 to 5 out (36 of 38 gives away 2), so "rests on" alone
#: would mislead about the second case
REVEALS = "would reveal 1 to 5 children"


#: a signed figure in a sentence ("moved +1.2", "95% CI -10.6 to -0.012"), not a year
#: range ("2016-17"): what a caution or caveat on a withheld figure must not quote
SIGNED_FIGURE = re.compile(r"(?<![\w.])[+-]\d")
