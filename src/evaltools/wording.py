"""Plain-English wording shared by results, reports and the command line."""

from __future__ import annotations


def count(n, noun: str, plural: str | None = None) -> str:
    """'1 unit', '3 units', '0 months': a number with its noun agreeing, for report
    text that reads as written rather than generated ('unit(s)')."""
    n = int(n)
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
