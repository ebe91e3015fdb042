"""Reading one SSDA903 CSV file: strict about meaning, forgiving about formatting.

Fixed in memory (never in the file), each recorded as a ``fix`` on the file:
UTF-8 with or without a byte-order mark; Windows-1252 exports; trailing blank lines;
stray whitespace; lower-case codes; whole numbers written "10.0"; quoted fields; a
header-only (empty) file; column names in lower case or with spaces.

Refused with one clear line naming the file: a file that is not CSV (an Excel
workbook renamed .csv, binary data); a table whose required columns are missing; a
date column in which no value parses; rows with more fields than the header.

A single bad value (a date that does not parse, an unknown code, a blank required
value) does not refuse the file: it becomes an error-severity issue naming file, row
and column, and the value is set empty.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SchemaError
from .schema import Column, Schema, all_tables, schema_for

ISSUE_COLUMNS = ["table", "year", "file", "row", "child", "column", "check", "severity",
                 "message"]
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+00:00(?::00)?)?$")
_NUMERIC_CODE = re.compile(r"^(-?\d+)\.0+$")
#: Columns whose raw values must never appear in an issue message or any output.
PERSONAL_COLUMNS = {"CHILD", "DOB", "MC_DOB", "UPN", "HOME_POST", "PL_POST", "SW_ID"}
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
_POSTCODE_CANONICAL = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}")
_POSTCODE_TIGHT = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}")
#: shapes of personal values that can land in another column when a row is shifted (a
#: field missing, a stray delimiter): a date (a date of birth in SEX), a postcode (in
#: PLACE), a unique pupil number
_DATE_SHAPED = re.compile(r"^\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}\b")
_UPN_SHAPED = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
WITHHELD = "(value withheld)"


def quotable(name: str, col: Column, value: str) -> str:
    """What an issue message may quote of a value that failed its check: never a
    personal column's (:data:`PERSONAL_COLUMNS`), nor a value elsewhere that looks like
    a date of birth, a postcode or a pupil number (a date outside a date column, a
    postcode or UPN anywhere). The message says which, so the analyst can still find
    the shifted row by its row number."""
    if name in PERSONAL_COLUMNS:
        return WITHHELD
    if col.type != "date" and _DATE_SHAPED.match(value):
        return "(value withheld: a date)"
    tight = value.upper().replace(" ", "")
    if _POSTCODE_TIGHT.fullmatch(tight):
        return "(value withheld: a postcode)"
    if _UPN_SHAPED.match(tight):
        return "(value withheld: a pupil number)"
    return value


@dataclass
class RawFile:
    """One file read into text columns, before typing."""
    path: Path
    table: str
    frame: pd.DataFrame          # upper-case column names, all str, NA for blank
    encoding: str
    fixes: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)


def _is_binary(head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04"):
        return "an Excel workbook or other zip file"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-style Excel (.xls) workbook"
    if b"\x00" in head[:4096]:
        return "binary data"
    return None


def decode(path: Path, data: bytes) -> tuple[str, str, list[str]]:
    """Text of a file, its encoding and what was fixed. UTF-16 where the file starts
    with its byte-order mark; otherwise UTF-8 (with or without BOM) first, then
    Windows-1252 (Excel on Windows)."""
    fixes = []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):      # Excel's "Unicode Text", or a UTF-16 export
        try:
            return data.decode("utf-16"), "utf-16", ["read as UTF-16 (not UTF-8)"]
        except UnicodeDecodeError:
            pass
    kind = _is_binary(data[:8192])
    if kind:
        raise SchemaError(f"{path.name} is not a CSV file (it looks like {kind})", where=str(path.parent),
                          fix="Open it in Excel and save it as 'CSV (comma delimited)'")
    if data.startswith(b"\xef\xbb\xbf"):
        fixes.append("removed UTF-8 byte-order mark")
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8", fixes
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{path.name} is neither UTF-8 nor Windows-1252 text "
                          f"(byte 0x{data[exc.start]:02x} at position {exc.start})",
                          where=str(path.parent),
                          fix="Save it from Excel as 'CSV UTF-8 (comma delimited)'") from None
    fixes.append("read as Windows-1252 (not UTF-8)")
    return text, "cp1252", fixes


def identify(columns: list[str], path: Path, tables: list[str] | None = None) -> str:
    """Which 903 table a header belongs to, by its columns (not the file name)."""
    cols = set(columns)
    best, best_score = None, 0.0
    for t in tables or all_tables():
        spec = _any_year_columns(t)
        score = len(cols & spec) / len(cols | spec)
        if score > best_score:
            best, best_score = t, score
    if best is None or best_score < 0.5:
        # the first line is printed only where it reads as column names: a file without
        # its header row has a child's id, dates and postcodes there
        names = [c for c in columns if re.fullmatch(r"[A-Z][A-Z_]*", c)]
        said = (f"its columns are {names[:12]}" if len(names) == len(columns) else
                "its first line is not a row of column names (a file exported without its header row?)")
        raise SchemaError(
            f"{path.name} is not a recognised SSDA903 table: {said}",
            where=str(path.parent),
            fix="Check it is one of the 903 CSVs (Header, Episodes, UASC, OC2, OC3, AD1, "
                "PlacedAdoption, PrevPerm, Missing, Reviews, SWEpisodes) with its header row")
    return best


@lru_cache(maxsize=None)
def all_codes(table: str, column: str) -> list[str]:
    """Every code a column has had in any collection year: the categories of a code
    column, so tables from different years concatenate without changing type."""
    from .schema import schema_for as _sf
    seen: list[str] = []
    for y in range(2014, 2031):
        t = _sf(y).tables.get(table)
        if t is not None and column in t:
            seen += [c for c in t[column].codes if c not in seen]
    return seen


def _recode(values: pd.Series, categories: list[str]) -> np.ndarray:
    """Category code of each distinct value (-1 for missing or unknown)."""
    pos = {c: i for i, c in enumerate(categories)}
    return np.array([pos.get(v, -1) if isinstance(v, str) else -1 for v in values], dtype=np.int64)


def _all_years_columns(table: str) -> list[str]:
    """Columns a table has in every collection year that has the table."""
    from .schema import schema_for as _sf
    cols = None
    for y in range(2014, 2031):
        t = _sf(y).tables.get(table)
        if t is not None:
            cols = [c for c in t if cols is None or c in cols]
    return cols or []


def _any_year_columns(table: str) -> set[str]:
    s = schema_for(2026)
    return set(s.tables[table]) if table in s.tables else set()


def header_of(path: Path, text: str) -> tuple[str, list[str], list[str]]:
    """Table, cleaned header and fixes for a decoded file (no data parsed).

    Refuses an empty file, an unreadable header, an unrecognised table and a table
    missing columns it has in every year."""
    fixes: list[str] = []
    if not text.strip():
        raise SchemaError(f"{path.name} is empty (no header row)", where=str(path.parent),
                          fix="Export the table again with its header row")
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration) as exc:
        raise SchemaError(f"{path.name} cannot be read as CSV ({exc})", where=str(path.parent),
                          fix="Save it again as 'CSV (comma delimited)'") from None
    # a header that is one cell splitting on ; or a tab into 903 columns: the file was
    # saved with another separator (Excel does, in some regional settings)
    for sep, word in ((";", "semicolons"), ("\t", "tabs")):
        parts = {c.strip().strip('"').upper() for c in header[0].split(sep)} if len(header) == 1 else set()
        if len(parts) > 1 and any(len(parts & _any_year_columns(t)) >= 2 for t in all_tables()):
            raise SchemaError(f"{path.name} is separated by {word}, not commas", where=str(path.parent),
                              fix="Save it from Excel as 'CSV UTF-8 (comma delimited)'")
    clean_header = [re.sub(r"[^\x21-\x7e ]", "", h).strip().strip('"').strip().upper().replace(" ", "_")
                    for h in header]
    if clean_header != header:
        fixes.append("normalised column names (case, spaces)")
    while clean_header and clean_header[-1] == "":
        clean_header.pop()
    table = identify(clean_header, path)
    # after identify: a file without its header row has a child's values there, and a
    # value repeated in it (the same postcode twice) is not to be printed as a column
    known = _any_year_columns(table)
    twice = sorted({c for c in clean_header if c in known and clean_header.count(c) > 1})
    if twice:
        raise SchemaError(f"{path.name} has the column {twice[0]} twice in its header", where=str(path.parent),
                          fix="Export the table again with each column once")
    always = _all_years_columns(table)
    missing = [c for c in always if c not in clean_header]
    if missing:
        raise SchemaError(
            f"{path.name} looks like the {table} table but lacks required column(s) {missing}",
            where=str(path.parent), fix=f"The {table} table has columns {sorted(always)}")
    return table, clean_header, fixes


def _long_rows(text: str) -> str:
    """Which lines of a file hold a value beyond the header's columns, in words: "a row
    (line 2)", "3 rows (lines 2, 40 and 41)", "every row (lines 2 to 2,675)"."""
    rows = csv.reader(io.StringIO(text))
    width = len(next(rows, []))
    long, n = [], 0
    for r in rows:
        n += bool(r)
        if len(r) > width and any(v.strip() for v in r[width:]):
            long.append(rows.line_num)
    if not long:
        return "rows"
    if len(long) == 1:
        return f"a row (line {long[0]})"
    if len(long) == n:
        return f"every row (lines {long[0]} to {long[-1]:,})"
    shown = list(map(str, long[:3])) + ([f"{len(long) - 3:,} more"] if len(long) > 3 else [])
    return f"{len(long):,} rows (lines {', '.join(shown[:-1])} and {shown[-1]})"


def read_raw(path: Path) -> RawFile:
    """Read one file into text columns and identify its table. Never modifies the file."""
    path = Path(path)
    data = path.read_bytes()
    text, encoding, fixes = decode(path, data)
    del data
    table, clean_header, hfixes = header_of(path, text)
    fixes += hfixes
    maybe_blank = re.search(r"\n[ ,\t\r]*\n", text) or re.search(r"\n[ ,\t]+\r?$", text)
    lines = text.splitlines() if maybe_blank else []
    blank_lines = [i for i, ln in enumerate(lines) if not ln.strip(" ,\t\r")]
    n_empty = sum(1 for i in blank_lines if not lines[i].strip())
    if n_empty:
        fixes.append(f"ignored {n_empty} blank line(s)")
    try:
        # index_col=False: where every row has one field more than the header (a comma
        # after each row, not after the header), pandas took the first column as the
        # rows' index, shifting every value one column left (SEX read a date of birth);
        # a trailing empty field is dropped, a value in it is refused
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False, index_col=False,
                                skip_blank_lines=True, header=0, names=None, engine="c")
    except pd.errors.ParserWarning:
        raise SchemaError(f"{path.name} has {_long_rows(text)} with more fields than its header",
                          where=str(path.parent),
                          fix="Check for an unquoted comma in a value, or a column with no name in the "
                              "header") from None
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        at = f" at line {m.group(1)}" if m else ""
        raise SchemaError(f"{path.name} has a row with more fields than its header{at}",
                          where=str(path.parent),
                          fix="Check for an unquoted comma in a value on that line") from None
    frame = frame.iloc[:, : len(clean_header)]
    frame.columns = clean_header
    # File line of each parsed row (header is line 1). pandas skips empty lines, so the
    # rows are the non-empty lines after the header; ",,,," lines are kept by pandas
    # and dropped below as formatting.
    if not blank_lines:
        frame.insert(0, "_ROW", np.arange(2, len(frame) + 2, dtype=np.int64))
    else:
        data_lines = [i + 1 for i, ln in enumerate(lines) if ln.strip() != ""][1:]
        frame.insert(0, "_ROW", np.asarray(data_lines[: len(frame)], dtype=np.int64)
                     if len(data_lines) >= len(frame) else np.arange(2, len(frame) + 2))
        values = frame.drop(columns="_ROW")
        blank = (values.apply(lambda c: c.str.strip()) == "").all(axis=1) if len(frame) else None
        if blank is not None and blank.any():
            frame = frame[~blank]
            fixes.append(f"ignored {int(blank.sum())} row(s) of empty fields")
    known = _any_year_columns(table)
    extra = [c for c in clean_header if c not in known and c]
    if extra:
        frame = frame.drop(columns=extra)
    return RawFile(path, table, frame.reset_index(drop=True), encoding, fixes, extra)


# ------------------------------------------------------------------------ typing
def _issues(table, year, path, rows, child, column, check, message) -> pd.DataFrame:
    n = len(rows)
    if not n:
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    const = lambda v: pd.Series([v] * n, dtype=object)  # noqa: E731  (object: cheap, see type_columns)
    return pd.DataFrame({
        "table": const(table), "year": year, "file": const(str(path)),
        "row": np.asarray(rows, dtype=np.int64),
        "child": pd.Series(np.asarray(child, dtype=object), dtype=object), "column": const(column),
        "check": const(check), "severity": const("error"),
        "message": const(message) if isinstance(message, str) else pd.Series(list(message), dtype=object),
    })


def parse_dates(s: pd.Series) -> pd.Series:
    """dd/mm/yyyy (also d/m/yyyy, with an Excel ' 00:00:00') to datetime; NaT if not."""
    txt = s.str.replace(r"\s+00:00(:00)?$", "", regex=True) if s.str.contains(
        ":", regex=False).any() else s
    out = pd.to_datetime(txt, format="%d/%m/%Y", errors="coerce")
    return out


def type_columns(raw: RawFile, schema: Schema, year: int, ready: frozenset = frozenset()
                 ) -> tuple[pd.DataFrame, list[pd.DataFrame], list[str]]:
    """Typed frame, value issues, and fixes for one file under a year's schema.

    Each column is converted once per distinct value, then expanded: 903 columns hold
    few distinct codes and dates, so this is fast at national scale. Columns in
    ``ready`` are already clean Python strings or None (identifiers the reader has just
    pseudonymised): they are carried over as they are, and only checked for blanks.
    """
    table, path = raw.table, raw.path
    spec = schema.columns(table)
    df = raw.frame
    missing = [c for c in spec if c not in df.columns]
    if missing:
        raise SchemaError(
            f"{path.name} looks like the {table} table but lacks required column(s) {missing}",
            where=str(path.parent),
            fix=f"The {year} {table} table has columns {list(spec)}")
    rows_all = df["_ROW"].to_numpy()
    out = pd.DataFrame({"_ROW": rows_all}, index=df.index)
    issues: list[pd.DataFrame] = []
    fixes: list[str] = []
    child = df["CHILD"].to_numpy() if "CHILD" in df else np.array([None] * len(df))
    ws_fixed = False
    for name, col in spec.items():
        raw_col = df[name]
        if name in ready:
            out[name] = pd.Series(raw_col.to_numpy(dtype=object), index=out.index, dtype=object)
            blank = raw_col.isna().to_numpy()
            if not col.blank and blank.any():
                issues.append(_issues(table, year, path, rows_all[blank], child[blank],
                                      name, "REQUIRED_BLANK", f"{name} is blank but is required"))
            continue
        codes, uniq = pd.factorize(raw_col, sort=False)
        if len(codes) and codes.min() < 0:  # a missing value (-1): treat as a blank
            uniq = uniq.append(pd.Index([""], dtype=object))
            codes = np.where(codes < 0, len(uniq) - 1, codes)
        # the distinct values are few (codes, dates): cleaned as a Python list, where each
        # pandas string method would cost more than the work itself
        u = [str(v) for v in uniq]
        trimmed = [v.strip() for v in u]
        ws_fixed |= trimmed != u
        st_list = [v.strip('"').strip() for v in trimmed]
        st = pd.Series(st_list, dtype=object)
        blank_u = np.array([v == "" for v in st_list], dtype=bool)
        value_u, bad_u, msg = _convert(st, col, blank_u)
        bad_u = bad_u.to_numpy()
        if col.type == "date" and (~blank_u).any() and bad_u[~blank_u].all():
            first = quotable(name, col, st[~blank_u].iloc[0])
            raise SchemaError(
                f"no value in date column {name} of {path.name} is a dd/mm/yyyy date "
                f"(first: {first!r})", where=str(path.parent),
                fix="Export dates as dd/mm/yyyy")
        if col.type == "int":
            floaty = np.array([bool(_NUMERIC_CODE.match(v)) for v in st_list], dtype=bool) & ~blank_u
            if floaty.any():
                fixes.append(f"{name}: read {int(np.isin(codes, np.flatnonzero(floaty)).sum())} "
                             "value(s) like '1.0' as whole numbers")
        if col.type == "code":
            lowered = np.array([v != v.upper() for v in st_list], dtype=bool) & ~blank_u
            if lowered.any():
                fixes.append(f"{name}: upper-cased {int(np.isin(codes, np.flatnonzero(lowered)).sum())} code(s)")
            floaty = np.array([bool(_NUMERIC_CODE.match(v)) for v in st_list], dtype=bool) & ~blank_u
            if floaty.any():
                fixes.append(f"{name}: read {int(np.isin(codes, np.flatnonzero(floaty)).sum())} "
                             "value(s) like '1.0' as whole numbers")
        if col.type == "date" and bad_u.any() and _month_first(st_list, bad_u, value_u):
            # the dates that pass are misread too (4 March read as 3 April): none is used
            bad_u = ~blank_u
            msg = (msg[0], f"{col.name} {{v!r}}: the column's dates are written month first (mm/dd/yyyy), "
                   "so none of them can be read safely; export dates as dd/mm/yyyy")
        value_u = value_u.where(~bad_u) if bad_u.any() else value_u
        # Build each column in its final type before it enters the frame: pandas 3 would
        # turn a bare object array into pyarrow strings, which are ~10x slower for
        # isin/map and cost a conversion back.
        if col.type == "int":
            out[name] = value_u.astype("Int64").take(codes).to_numpy() if len(df) else pd.array([], dtype="Int64")
        elif col.type == "date":
            out[name] = value_u.to_numpy()[codes]
        elif col.type == "code":
            out[name] = pd.Categorical.from_codes(
                _recode(value_u, all_codes(table, name))[codes], categories=all_codes(table, name))
        else:
            out[name] = pd.Series(value_u.to_numpy(dtype=object)[codes], index=out.index, dtype=object)
        if bad_u.any():
            bad = np.isin(codes, np.flatnonzero(bad_u))
            said = [quotable(name, col, v) for v in st_list]      # per distinct value
            shown = [said[c] for c in codes[bad]]
            issues.append(_issues(table, year, path, rows_all[bad], child[bad], name,
                                  msg[0], [msg[1].format(v=v) for v in shown]))
        if not col.blank and blank_u.any():
            missing_val = np.isin(codes, np.flatnonzero(blank_u))
            issues.append(_issues(table, year, path, rows_all[missing_val], child[missing_val],
                                  name, "REQUIRED_BLANK", f"{name} is blank but is required"))
    if ws_fixed:
        fixes.append("trimmed stray whitespace")
    return out, issues, fixes


_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}$")


def _month_first(values: list[str], bad: np.ndarray, parsed: pd.Series) -> bool:
    """Whether a date column's distinct values look written month first: at least 3 of
    those that fail as dd/mm/yyyy are valid mm/dd/yyyy dates (a "day" of 1 to 12 then a
    "month" of 13 to 31), none of those that pass has a day over 12, and there are at
    least 10 such dates in all. Written day first, about three dates in five have a day
    over 12, so 7 passing dates without one happen about once in 700 columns, and 3
    failing ones that read month first besides is rarer still. Written month first,
    exactly the dates with a day over 12 fail and the rest pass misread (4 March read as
    3 April), so the failing rows are not the only wrong ones (``type_columns`` then
    leaves the whole column out)."""
    swapped = 0
    for v, b in zip(values, bad):
        m = _SLASHED.match(v) if b else None
        if m and 1 <= int(m.group(1)) <= 12 and 13 <= int(m.group(2)) <= 31:
            swapped += 1
    ok = parsed[~bad & parsed.notna().to_numpy()]
    if swapped < 3 or swapped + len(ok) < 10:
        return False
    return not (pd.DatetimeIndex(ok).day > 12).any()


def _convert(st: pd.Series, col: Column, blank_u: np.ndarray | None = None):
    """(typed values, mask of unconvertible non-blank values, (check code, message)).
    ``st``: a column's distinct values, trimmed (object dtype); ``blank_u``: which are ""."""
    blank = pd.Series(blank_u, index=st.index) if blank_u is not None else st == ""
    if col.type in ("id", "text"):
        return st.where(~blank), pd.Series(False, index=st.index), ("", "")
    if col.type == "code":
        valid = frozenset(col.codes)
        v = [None if b else _NUMERIC_CODE.sub(r"\1", x.upper()) for x, b in zip(st, blank)]
        bad = pd.Series([not b and x not in valid for x, b in zip(v, blank)], index=st.index, dtype=bool)
        return pd.Series([np.nan if x is None else x for x in v], index=st.index, dtype=object), bad, (
            "CODE_INVALID", f"{col.name} {{v!r}} is not a valid code for this collection year")
    if col.type == "date":
        d = parse_dates(st)
        bad = ~blank & d.isna()
        return d, bad, ("DATE_INVALID", f"{col.name} {{v!r}} is not a dd/mm/yyyy date")
    if col.type == "int":
        num = pd.to_numeric(st.str.replace(_NUMERIC_CODE, r"\1", regex=True), errors="coerce")
        whole = num.notna() & (num == num.round())
        rng = pd.Series(True, index=st.index)
        if col.min is not None:
            rng &= num >= col.min
        if col.max is not None:
            rng &= num <= col.max
        ok = whole & rng
        bad = ~blank & ~ok
        return num.where(ok).astype("Int64"), bad, (
            "VALUE_INVALID", f"{col.name} {{v!r}} is not a whole number"
            + (f" from {col.min} to {col.max}" if col.min is not None else ""))
    if col.type == "postcode":
        # most values are already "HR1 2HX": one match each; the rest are normalised
        v = st.where(st.str.fullmatch(_POSTCODE_CANONICAL).astype(bool))
        rest = v.isna() & ~blank
        if rest.any():                 # "HR12HX", common in extracts: add the space
            r = st[rest]
            tight = r[r.str.fullmatch(_POSTCODE_TIGHT).astype(bool)]
            v[tight.index] = tight.str[:-3] + " " + tight.str[-3:]
            rest = v.isna() & ~blank
        if rest.any():
            up = st[rest].str.upper().str.replace(r"\s+", " ", regex=True)
            m = up.str.extract(_POSTCODE)
            v[rest] = (m[0] + " " + m[1]).where(m[0].notna())
        ok = v.notna()
        bad = ~blank & ~ok
        return v, bad, ("POSTCODE_INVALID", f"{col.name} is not a valid UK postcode")
    raise AssertionError(col.type)
