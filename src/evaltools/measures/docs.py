"""The measures table of docs/measures.md, generated so it cannot drift from the code.

    python -m evaltools.measures.docs > docs/measures.md

Each row: the measure, DfE's definition (registry), how evaltools computes it from
903 data (the function's docstring, where the edge-case rulings are stated), and the
tests that pin it down (tests in tests/measures that name the measure).
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

from .. import registry
from ..paths import REPO_ROOT
from .specs import SPECS

HEADER = Path(__file__).with_name("docs_header.md")


def _tests_naming(measure_id: str, tests_dir: Path) -> list[str]:
    out = []
    for f in sorted(tests_dir.glob("test_*.py")):
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r"^def (test_\w+)\(.*?(?=^def |\Z)", text, flags=re.S | re.M):
            body = m.group(0)
            if re.search(rf"['\"]{re.escape(measure_id)}['\"]", body) or (
                    measure_id in IDS_BY_FILE.get(f.name, ()) and "IDS" in body):
                out.append(f"{f.stem}::{m.group(1)}")
    return out


#: tests that loop over a list of ids (IDS) rather than naming each
IDS_BY_FILE = {"test_synthetic.py": ("cla_3plus_placements", "placement_moves_per_child_year",
                                     "new_placements_over_20_miles", "care_leavers_eet_17_18",
                                     "care_leavers_eet_19_21")}


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def table(tests_dir: Path | None = None) -> str:
    tests_dir = tests_dir or REPO_ROOT / "tests" / "measures"
    lines = ["| Measure | DfE definition (source) | How evaltools computes it from 903 data | Tests |",
             "|---|---|---|---|"]
    for mid, spec in SPECS.items():
        m = registry.get(mid)
        doc = inspect.getdoc(spec.func) or ""
        how = doc.split("\n\n")[0]
        extra = []
        if spec.lookback_months != 12:
            extra.append(f"needs {spec.lookback_months} months of history before the date (else status x)")
        if not spec.monthly:
            extra.append("annual only")
        if spec.calendar_month:
            extra.append("also by calendar month")
        if spec.needs_area:
            extra.append("needs the council (`la=`)")
        if extra:
            how += " (" + "; ".join(extra) + ")"
        tests = "<br>".join(f"`{t}`" for t in _tests_naming(mid, tests_dir)) or "property tests only"
        lines.append(f"| `{mid}`<br>{_cell(m.title)} | {_cell(m.definition)} ({_cell(m.source.split(',')[0])}) "
                     f"| {_cell(how)} | {tests} |")
    return "\n".join(lines) + "\n"


PUBLISHED_HEADER = """
## Measures DfE publishes for every council

The benchmarking and review read these from DfE's published tables (EES) and LAIT for
every LA, region and England (`evaltools.published.load_indicators`). "LAIT only"
measures have no EES table in `data/public`: every LAIT year is used, with no
numerator or denominator (LAIT gives the figure alone), and LAIT's '-' is status `x`.
Where an EES table exists, LAIT fills only the years it lacks. Units: % of children
unless stated.

"""


def _where(m: registry.Measure) -> str:
    parts = []
    if m.published:
        parts.append(f"EES table `{m.published['table']}`")
    if m.lait:
        codes = " + ".join(f"`{c}`" for c in registry._codes(m.lait.get("value")))
        codes += "".join(f" - `{c}`" for c in registry._codes(m.lait.get("subtract")))
        role = "LAIT only" if m.lait_only else "LAIT for other years"
        at = f", census at {m.census_date}, counted in the year ending 31 March holding it" \
            if m.census_date else ""
        if m.academic_year:
            at = ", academic years (LAIT's 2025 is 2024/25, counted in the year ending 31 March 2025)"
        parts.append(f"{role}: {codes}{at}")
    return "; ".join(parts)


def _definition(m: registry.Measure) -> str:
    """DfE's definition, then the registry's notes on particular years, if any."""
    notes = [f"{m.era_label(n)}: {n['text']}" for n in m.notes]
    return m.definition + (" *Notes by year:* " + " ".join(notes) if notes else "")


def published_table() -> str:
    """Every registry measure with a published source (EES or LAIT), in registry order."""
    lines = ["| Measure | Topic | Unit | Polarity | Where from | DfE definition (source) |",
             "|---|---|---|---|---|---|"]
    for m in registry.published_measures():
        unit = registry.UNIT_LABELS[m.unit] + (f" of {m.percent_of}" if m.percent_of else "")
        lines.append(f"| `{m.id}`<br>{_cell(m.title)} | {m.topic} | {unit} "
                     f"| {m.polarity} | {_cell(_where(m))} | {_cell(_definition(m))} "
                     f"({_cell(m.source.split(',')[0])}) |")
    return "\n".join(lines) + "\n"


def document(tests_dir: Path | None = None) -> str:
    return HEADER.read_text(encoding="utf-8") + "\n" + table(tests_dir) + PUBLISHED_HEADER + published_table()


if __name__ == "__main__":
    sys.stdout.write(document())
