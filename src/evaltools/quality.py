"""Data-quality report of an SSDA903 extract: aggregate tables only, never rows.

Used by ``notebooks/data_quality``, the first notebook of every child-level
evaluation. Every table here counts rows or children; none lists a child.
"""

from __future__ import annotations


import pandas as pd

from .paths import input_path
from .ssda903 import Extract, read_extract
from .ssda903.checks import catalogue
from .wording import count

#: Which measures each table feeds, for "what this means for the measures".
FEEDS = {
    "Episodes": "placement stability, moves, distance and location, flows, ceased reasons",
    "Header": "every age-based cohort (under 16, OC2, care leavers) and sex",
    "OC2": "health assessments, dental checks, immunisations, SDQ, convictions",
    "OC3": "care leavers in touch, EET, suitable accommodation",
    "Missing": "missing and away incidents",
    "AD1": "adoption timeliness (A1, A2, A10)",
    "PlacedAdoption": "adoption timeliness and disruptions",
    "Reviews": "review participation and timeliness",
    "UASC": "UASC splits of every measure",
    "PrevPerm": "previous permanence",
    "SWEpisodes": "social worker changes",
}


def load(extract: str, year: int | None = None) -> Extract:
    """Read an extract folder (relative paths are from the repository root)."""
    return read_extract(input_path(extract), year=year)


def files_sentence(ex: Extract) -> str:
    """How many files were read, and how many needed fixing in memory."""
    f = ex.file_summary()
    fixed = int((f["fixes"] != "").sum())
    how = ", ".join(f"{n} by {w}" for w, n in f["year taken from"].value_counts().items())
    return (f"{len(f)} files read ({f['table'].nunique()} tables, {f['year'].nunique()} collection "
            f"years; year taken from: {how}). {fixed} needed a formatting fix in memory"
            + (", listed below." if fixed else "."))


def files_table(ex: Extract) -> pd.DataFrame:
    """The files that needed a formatting fix in memory (the input files are unchanged)."""
    f = ex.file_summary()
    f = f[f["fixes"] != ""]
    return f.rename(columns={"file": "File", "table": "Table", "year": "Year", "rows": "Rows",
                             "encoding": "Encoding", "year taken from": "Year taken from",
                             "fixes": "Fixed in memory"})


def counts_table(ex: Extract) -> pd.DataFrame:
    """Rows by table (rows) and collection year (columns)."""
    c = ex.counts().pivot(index="table", columns="year", values="rows").fillna(0).astype(int)
    c.columns = [str(y) for y in c.columns]
    return c.reset_index().rename(columns={"table": "Table"})


def issues_table(ex: Extract) -> pd.DataFrame:
    """Issues by check: severity, rows and children affected, what it means."""
    s = ex.issue_summary()
    cat = catalogue().set_index("check")
    value_checks = {
        "CODE_INVALID": ("Invalid code for the collection year", "The value is treated as missing; "
                         "measures that use the column leave the row out."),
        "DATE_INVALID": ("Date that does not parse", "Treated as missing; rows are left out of "
                         "measures that use the date."),
        "REQUIRED_BLANK": ("Required value is blank", "Rows are left out of measures that use it."),
        "VALUE_INVALID": ("Number out of range", "Treated as missing."),
        "POSTCODE_INVALID": ("Postcode not valid", "No distance can be computed for the placement."),
        "TABLE_NOT_IN_YEAR": ("Table not collected that year", "Read with the first layout that has it."),
    }
    rows = []
    for r in s.itertuples():
        title, meaning = (cat.loc[r.check, "title"], cat.loc[r.check, "meaning"]) \
            if r.check in cat.index else value_checks.get(r.check, (r.check, ""))
        rows.append({"Check": r.check, "What": title, "Severity": r.severity, "Table": r.table,
                     "Rows": r.issues, "Children": r.children, "What it means": meaning})
    return pd.DataFrame(rows, columns=["Check", "What", "Severity", "Table", "Rows", "Children",
                                       "What it means"])


def exclusions_table(ex: Extract) -> pd.DataFrame:
    """Rows left out of measures by table and year, and the measures they feed: only the
    tables and years where some were (the rest lose none)."""
    out = []
    for t in ex.tables:
        e = ex.excluded(t)
        for r in e.itertuples():
            if not r.excluded:
                continue
            out.append({"Table": t, "Year": r.year, "Rows": r.rows, "Left out": int(r.excluded),
                        "Share left out": f"{100 * r.excluded / r.rows:.1f}%" if r.rows else "n/a",
                        "Feeds": FEEDS.get(t, "")})
    return pd.DataFrame(out)


def about(ex: Extract, extract) -> str:
    """What was read and who the report is for (assumption E10)."""
    from .synth import is_synthetic
    folder = input_path(extract)
    what = ("the synthetic SSDA903 sample bundled with evaltools (generated, not real children's records)"
            if is_synthetic(folder) else f"the SSDA903 extract in `{folder.name}`")
    return (f"This report checks {what}, collection years {ex.years[0]} to {ex.years[-1]}. It is for the "
            "council's own analysts: it counts rows and issues as they are, some of them 1 to 5, with no "
            "disclosure policy, so it must not be sent outside the council.")


def headline(ex: Extract) -> str:
    """Two sentences on the state of the extract."""
    errs = ex.issues[ex.issues["severity"] == "error"]
    years = ", ".join(map(str, ex.years))
    ep = ex.excluded("Episodes") if "Episodes" in ex.tables else None
    share = ""
    if ep is not None and ep["rows"].sum():
        share = (f" {100 * ep['excluded'].sum() / ep['rows'].sum():.1f}% of episode rows are "
                 "left out of episode-based measures because of errors.")
    return (f"{count(len(ex.files), 'file')} read for collection year{'s' if len(ex.years) != 1 else ''} "
            f"{years}: {count(len(errs), 'error-severity issue')} affecting "
            f"{count(errs['child'].nunique(), 'child', 'children')}, and "
            f"{count((ex.issues['severity'] == 'warning').sum(), 'warning')}.{share}")
