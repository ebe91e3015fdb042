"""Data-quality report of an SSDA903 extract: aggregate tables only, never rows.

Used by ``notebooks/data_quality``, the first notebook of every child-level
evaluation. Every table here counts rows or children; none lists a child.

Under a disclosure policy that suppresses small counts (``ofsted``, ``published``:
:mod:`evaltools.sdc`) the counts of 1 to 5 show as ``c`` in every table and as "1 to
5" in the text (rows read for AD1 are adopted children). The only totals the report
gives are the headline's counts of errors and of warnings, the sums of the issues
table's rows of each severity: under ``published`` more of those are hidden until
none can be worked out from them. A count shown in more than one table (a table's
rows read in a year: rows read, files fixed, rows left out) is hidden in all of them.
``internal`` (the notebook's default) shows every count, for the analyst who fixes
the extract.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from . import sdc
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


def _shown(n, pol: sdc.Policy):
    """A count as the policy shows it: ``c`` for 1 to 5 where small counts are withheld."""
    return "c" if pol.suppress_small and bool(sdc.is_small(n)) else n


def _said(n, noun: str, plural: str, pol: sdc.Policy) -> str:
    """A count in a sentence: '3 warnings', or '1 to 5 warnings' where the policy
    withholds it."""
    return f"1 to 5 {plural}" if _shown(n, pol) == "c" else count(n, noun, plural)


#: the counts of rows or values in a file's fixes ("MOTHER: read 3 value(s) like '1.0'")
_FIX_COUNT = re.compile(r"\b(\d+)(?= (?:value|code|row|blank line)\(s\))")


def files_table(ex: Extract, policy: str | sdc.Policy = "internal") -> pd.DataFrame:
    """The files that needed a formatting fix in memory (the input files are unchanged).
    Under the policy a file's rows are ``c`` where they are 1 to 5, where the rows read
    table hides its table and year, or where another file of that table and year is
    hidden (the files add up to the rows read); a count of 1 to 5 in its fixes is ``c``."""
    pol = sdc.policy(policy)
    f = ex.file_summary()
    if pol.suppress_small and len(f):
        read = _rows_shown(ex, pol)
        hidden = sdc.is_small(f["rows"]) | [read.get((t, y)) == "c" for t, y in zip(f["table"], f["year"])]
        hidden = pd.Series(hidden, index=f.index).groupby([f["table"], f["year"]]).transform("any")
        f["rows"] = f["rows"].astype(object).where(~hidden, "c")
    f = f[f["fixes"] != ""].copy()
    if pol.suppress_small and len(f):
        f["fixes"] = f["fixes"].map(lambda text: _FIX_COUNT.sub(
            lambda m: str(_shown(int(m.group(1)), pol)), text))
    return f.rename(columns={"file": "File", "table": "Table", "year": "Year", "rows": "Rows",
                             "encoding": "Encoding", "year taken from": "Year taken from",
                             "fixes": "Fixed in memory"})


def counts_table(ex: Extract, policy: str | sdc.Policy = "internal") -> pd.DataFrame:
    """Rows by table (rows) and collection year (columns), under the policy: counts of 1
    to 5 as ``c`` (:func:`evaltools.sdc.suppress_table`; AD1's rows are adopted
    children). No secondary suppression: nothing in the report adds them up (a total
    of rows across tables or years would mean nothing), so a hidden count cannot be
    worked out from a total, and ``suppress_table``'s row and column totals, not
    shown, would hide dozens of counts for nothing (with one year, every one)."""
    c = ex.counts().pivot(index="table", columns="year", values="rows").fillna(0).astype(int)
    c.columns = [str(y) for y in c.columns]
    pol = replace(sdc.policy(policy), secondary=False)
    return sdc.suppress_table(c, pol).reset_index().rename(columns={"table": "Table"})


def _rows_shown(ex: Extract, pol: sdc.Policy) -> dict:
    """(table, year) -> rows read as :func:`counts_table` shows them, so a count hidden
    there is not given away in another table."""
    c = counts_table(ex, pol).set_index("Table")
    return {(t, int(y)): c.at[t, y] for t in c.index for y in c.columns}


def issues_table(ex: Extract, policy: str | sdc.Policy = "internal") -> pd.DataFrame:
    """Issues by check: severity, rows and children affected, what it means. Under the
    policy rows and children of 1 to 5 are ``c``; under ``published`` the rows of each
    severity add up to the headline's count of errors or of warnings (:func:`headline`),
    so where that would give a hidden count away the smallest other count of that
    severity is hidden too (:func:`evaltools.sdc.suppress_table`'s rule, on that sum),
    with its children (mostly as many as its rows, they would show the rows hidden)."""
    pol = sdc.policy(policy)
    s = ex.issue_summary().reset_index(drop=True)
    if pol.suppress_small and len(s):
        hidden = pd.DataFrame({c: sdc.is_small(s[c]) for c in ("issues", "children")})
        if pol.secondary:
            for _, part in s.groupby("severity"):
                rows = part["issues"].to_numpy(dtype=float)
                hidden.loc[part.index, "issues"] = sdc._secondary(
                    np.ones((1, len(part))), hidden.loc[part.index, "issues"].to_numpy(), rows)
            hidden["children"] |= hidden["issues"]
        s[["issues", "children"]] = s[["issues", "children"]].astype(object).where(~hidden, "c")
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
        # found over a whole year at ingest (ssda903.extract), not on a row
        "TABLE_EMPTY_YEAR": ("No rows in a year the other years fill", "Its measures show that year as not "
                             "available, not as 0."),
        "NO_RETURN_YEAR": ("No return for a year between two that have one", "Every figure for that year, and "
                           "any 12-month window reaching into it, is not available."),
        "OPEN_NOT_IN_NEXT_RETURN": ("Open at 31 March but not in the next return", "The later return is taken "
                                    "as correcting the earlier: the child is left out of both years."),
        "MOSTLY_EXCLUDED": ("Most of a year's rows have errors", "That year's figures are shown as not "
                            "available."),
        "YEAR_ENDS_EARLY": ("The last return stops before 31 March", "The months after its last whole month, "
                            "and that year's annual figures, are not available, not 0."),
    }
    rows = []
    for r in s.itertuples():
        title, meaning = (cat.loc[r.check, "title"], cat.loc[r.check, "meaning"]) \
            if r.check in cat.index else value_checks.get(r.check, (r.check, ""))
        rows.append({"Check": r.check, "What": title, "Severity": r.severity, "Table": r.table,
                     "Rows": r.issues, "Children": r.children, "What it means": meaning})
    return pd.DataFrame(rows, columns=["Check", "What", "Severity", "Table", "Rows", "Children",
                                       "What it means"])


def _left_out(ex: Extract, table: str, pol: sdc.Policy, read: dict) -> pd.DataFrame:
    """Rows read and left out of a table by year, with the share left out, as the policy
    shows them: the rows read as :func:`counts_table` shows them (``read``, from
    :func:`_rows_shown`); the rows left out, and their share, ``c`` where they, the rows
    kept or the rows read are 1 to 5, or the rows read are hidden."""
    e = ex.excluded(table)
    out = []
    for r in e.itertuples():
        shown = read.get((table, int(r.year)), r.rows)
        hidden = shown == "c" or (pol.suppress_small and sdc.rests_on_few(r.excluded, r.rows))
        share = (sdc.label(100 * r.excluded / r.rows, r.excluded, pol, denominator=r.rows)
                 if r.rows else "n/a")
        out.append({"year": r.year, "rows": shown, "excluded": int(r.excluded),
                    "left_out": "c" if hidden else int(r.excluded), "share": "c" if hidden else share})
    return pd.DataFrame(out, columns=["year", "rows", "excluded", "left_out", "share"])


def exclusions_table(ex: Extract, policy: str | sdc.Policy = "internal") -> pd.DataFrame:
    """Rows left out of measures by table and year, and the measures they feed: only the
    tables and years where some were (the rest lose none), under the policy
    (:func:`_left_out`)."""
    pol = sdc.policy(policy)
    read, out = _rows_shown(ex, pol), []
    for t in ex.tables:
        for r in _left_out(ex, t, pol, read).itertuples():
            if not r.excluded:
                continue
            out.append({"Table": t, "Year": r.year, "Rows": r.rows, "Left out": r.left_out,
                        "Share left out": r.share, "Feeds": FEEDS.get(t, "")})
    return pd.DataFrame(out)


def about(ex: Extract, extract, policy: str | sdc.Policy = "internal") -> str:
    """What was read, who the report is for and what the policy withholds (assumption E10)."""
    from .synth import is_synthetic
    pol = sdc.policy(policy)
    folder = input_path(extract)
    what = ("the synthetic SSDA903 sample bundled with evaltools (generated, not real children's records)"
            if is_synthetic(folder) else f"the SSDA903 extract in `{folder.name}`")
    intro = f"This report checks {what}, collection years {ex.years[0]} to {ex.years[-1]}. "
    if not pol.suppress_small:
        return intro + ("It is for the council's own analysts: under the internal disclosure policy it counts "
                        "rows and issues as they are, some of them 1 to 5, so it must not be sent outside the "
                        "council. Run under the ofsted or published policy, it shows those counts as c.")
    more = (", and more counts are hidden where one could be worked out from the totals"
            if pol.secondary else "")
    return intro + (f"It is run under the {pol.name} disclosure policy: counts of 1 to 5 (rows, issues, "
                    f"children; AD1's rows are adopted children) show as c, or as 1 to 5 in the text{more}. "
                    "An analyst fixing the extract needs every count: run this report with `policy: "
                    "internal` (in the evaluation file, under the data_quality notebook's parameters) "
                    "and keep that report inside the council.")


def headline(ex: Extract, policy: str | sdc.Policy = "internal") -> str:
    """Two sentences on the state of the extract. Under the policy a count of 1 to 5
    reads "1 to 5", and the share of episode rows left out is not given where a year's
    count left out is hidden in the table (it would narrow that count down)."""
    pol = sdc.policy(policy)
    errs = ex.issues[ex.issues["severity"] == "error"]
    years = ", ".join(map(str, ex.years))
    ep = _left_out(ex, "Episodes", pol, _rows_shown(ex, pol)) if "Episodes" in ex.tables else None
    share = ""
    if ep is not None and len(ep):
        left, rows = ep["excluded"].sum(), ex.excluded("Episodes")["rows"].sum()
        shown = "c" if (ep["left_out"] == "c").any() else sdc.label(100 * left / rows, left, pol,
                                                                     denominator=rows)
        share = (" The share of episode rows left out of episode-based measures because of errors is not "
                 "shown: it would give away a count withheld in the tables." if shown == "c" else
                 f" {shown} of episode rows are left out of episode-based measures because of errors.")
    return (f"{count(len(ex.files), 'file')} read for collection year{'s' if len(ex.years) != 1 else ''} "
            f"{years}: {_said(len(errs), 'error-severity issue', 'error-severity issues', pol)} affecting "
            f"{_said(errs['child'].nunique(), 'child', 'children', pol)}, and "
            f"{_said((ex.issues['severity'] == 'warning').sum(), 'warning', 'warnings', pol)}.{share}")
