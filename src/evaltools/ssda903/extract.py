"""Read a council's SSDA903 extracts: one year or many, checked and pseudonymised.

>>> from evaltools import ssda903
>>> ex = ssda903.read_extract("path/to/903", salt="a long secret string")   # doctest: +SKIP
>>> ex.tables["Episodes"]          # every year, with YEAR; CHILD is a keyed hash
>>> ex.issues                      # table, year, file, row, child, column, check, severity, message
>>> ex.usable("Episodes", ["DECOM", "DEC"])   # rows no error touches in those columns
>>> ex.history()                   # one continuous episode history per child

**Which collection year a file belongs to** is taken, in order, from the ``year``
argument; a year in the file's folder or file name (``2024``, ``2023-24``,
``903_2023_24``: each means the year ending 31 March 2024); or the data (the year
ending 31 March that contains the latest episode date in the same folder).

**What leaves the reader.** Child and social worker identifiers are keyed hashes;
dates of birth are months; postcodes are districts, after ``PL_DISTANCE`` (miles) has
been computed from the full postcodes; UPNs are dropped. The checks run inside the
reader, on exact dates of birth, before those are coarsened. ``PL_LA`` (the upper-tier
LA, ONS code, of the placement postcode) is added with ``PL_DISTANCE``, as DfE derives
both. Input files are only read.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError, IncompleteExtractError, MissingDataError, SchemaError
from ..paths import run_cache_dir
from . import pseudonymise as ps
from ..periods import collection_year
from .checks import CheckContext, run_checks
from .clean import ISSUE_COLUMNS, parse_dates, read_raw, type_columns
from .distance import placement_geography
from .schema import TABLES, schema_for

_YEAR_SPAN = re.compile(r"(?<!\d)(20\d\d)[-_ ]?(\d\d)(?!\d)")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_FULL_SPAN = re.compile(r"(?<!\d)(20\d\d)[-_ ](20\d\d)(?!\d)")
_DATE_STAMP = re.compile(r"(?<!\d)20\d\d([-_]?)[01]\d\1[0-3]\d(?!\d)")
_YEAR_END = re.compile(r"(?<!\d)(20\d\d)([-_]?)03\2(31)(?!\d)")
FIRST_YEAR, LAST_YEAR = 2014, 2030
AUTO_WORKERS_BYTES = 50_000_000       # above this, read years in two processes


@dataclass
class FileRecord:
    path: Path
    table: str
    year: int
    rows: int
    encoding: str
    fixes: list[str] = field(default_factory=list)
    year_from: str = ""


@dataclass
class Extract:
    """A council's 903 data after ingest: typed, pseudonymised, with its issues."""

    tables: dict[str, pd.DataFrame]
    issues: pd.DataFrame
    files: list[FileRecord]

    @property
    def years(self) -> list[int]:
        return sorted({f.year for f in self.files})

    def file_summary(self) -> pd.DataFrame:
        """One row per file: table, year, rows, encoding, fixes applied in memory."""
        return pd.DataFrame([{"file": f.path.name, "table": f.table, "year": f.year,
                              "rows": f.rows, "encoding": f.encoding,
                              "year taken from": f.year_from,
                              "fixes": "; ".join(f.fixes)} for f in self.files])

    def counts(self) -> pd.DataFrame:
        """Rows by table and year."""
        rows = [{"table": t, "year": y, "rows": int(n)}
                for t, df in self.tables.items() for y, n in df.groupby("YEAR").size().items()]
        return pd.DataFrame(rows, columns=["table", "year", "rows"])

    def issue_summary(self) -> pd.DataFrame:
        """Issues by check and severity, with how many rows and children they touch."""
        if self.issues.empty:
            return pd.DataFrame(columns=["check", "severity", "table", "issues", "children"])
        return (self.issues.groupby(["check", "severity", "table"])
                .agg(issues=("row", "size"), children=("child", "nunique")).reset_index()
                .sort_values(["severity", "issues"], ascending=[True, False]))

    def _excluded_keys(self, table: str, columns) -> pd.MultiIndex:
        err = self.issues[(self.issues["severity"] == "error") & (self.issues["table"] == table)]
        if columns is not None:
            err = err[err["column"].isin(list(columns) + [""])]
        return pd.MultiIndex.from_arrays([err["year"].astype(int), err["row"].astype(int)])

    def usable(self, table: str, columns=None) -> pd.DataFrame:
        """Rows of a table that no error-severity issue touches in ``columns`` (all
        columns when None). Measures use this, so no figure rests on a bad value."""
        df = self.tables.get(table)
        if df is None:
            return pd.DataFrame()
        bad = self._excluded_keys(table, columns)
        key = pd.MultiIndex.from_arrays([df["YEAR"].astype(int), df["_ROW"].astype(int)])
        return df[~key.isin(bad)]

    def excluded(self, table: str, columns=None) -> pd.DataFrame:
        """How many rows of a table each year are left out, and why (by check)."""
        df = self.tables.get(table)
        if df is None:
            return pd.DataFrame(columns=["year", "rows", "excluded"])
        bad = self._excluded_keys(table, columns)
        key = pd.MultiIndex.from_arrays([df["YEAR"].astype(int), df["_ROW"].astype(int)])
        out = df.assign(_bad=key.isin(bad)).groupby("YEAR").agg(rows=("_bad", "size"),
                                                                excluded=("_bad", "sum"))
        return out.reset_index().rename(columns={"YEAR": "year"})

    def mostly_excluded_years(self, *tables: str) -> set[int]:
        """The years whose ``tables`` rows errors mostly leave out (:func:`mostly_excluded`,
        found once at ingest and kept among the issues as MOSTLY_EXCLUDED)."""
        i = self.issues
        hit = (i["check"] == "MOSTLY_EXCLUDED") & i["table"].isin(tables or tuple(CORE_COLUMNS))
        return {int(y) for y in i.loc[hit, "year"]}

    def ends_early(self) -> pd.Timestamp | None:
        """The last day the extract covers when its last return stops short of 31 March
        (:func:`covered_until`), else None."""
        if not self.files:
            return None
        y = self.years[-1]
        return covered_until({t: df[df["YEAR"] == y] for t, df in self.tables.items() if t in EVENT_DATES}, y)

    def history(self) -> pd.DataFrame:
        """One continuous episode history per child across the years read.

        Each annual return repeats the episodes open during its year, and a later
        return corrects an earlier one. So an episode from year Y is kept only if it
        ended before the next available return's year began (1 April); anything open
        at that point is taken from the later return, which wins. Across a year with
        no return, an episode the later return does not repeat is kept, ended when the
        later return's year begins (:func:`combine_history`). Rows with errors in their
        dates are left out.
        """
        eps = self.usable("Episodes", ["DECOM", "DEC"])
        # a year whose episodes errors mostly leave out is read as a year with no return:
        # the few rows left would otherwise "correct" the year before, and 2023's count
        # fell from 337 to 168 when 2024's dates were written month-first
        bad = self.mostly_excluded_years("Episodes")
        return combine_history(eps[~eps["YEAR"].isin(bad)] if bad else eps)


def combine(extracts: list[Extract]) -> Extract:
    """One extract from several read separately (a folder per year, say): tables,
    issues and file records put together. Each collection year must come from one of
    them only."""
    seen: dict[int, int] = {}
    for i, ex in enumerate(extracts):
        for y in ex.years:
            if y in seen and seen[y] != i:
                raise ConfigError(f"collection year {y} is in two of the extracts combined",
                                  fix="Combine each year's files once")
            seen[y] = i
    tables: dict[str, list[pd.DataFrame]] = {}
    for ex in extracts:
        for t, df in ex.tables.items():
            tables.setdefault(t, []).append(df)
    out = {t: pd.concat(v, ignore_index=True) for t, v in tables.items()}
    out = {t: out[t] for t in TABLES if t in out}
    issues = [ex.issues for ex in extracts if not ex.issues.empty]
    iss = pd.concat(issues, ignore_index=True) if issues else pd.DataFrame(columns=ISSUE_COLUMNS)
    return Extract(out, iss.reset_index(drop=True), [f for ex in extracts for f in ex.files])


def combine_history(episodes: pd.DataFrame) -> pd.DataFrame:
    """Combine annual Episodes (with YEAR) into one history; see :meth:`Extract.history`."""
    if episodes.empty:
        return episodes.copy()
    years = sorted(episodes["YEAR"].unique())
    nxt = {y: (pd.Timestamp(years[i + 1] - 1, 4, 1) if i + 1 < len(years) else pd.NaT)
           for i, y in enumerate(years)}
    next_start = episodes["YEAR"].map(nxt).astype("datetime64[us]")
    superseded = next_start.notna() & (episodes["DEC"].isna() | (episodes["DEC"] >= next_start))
    # Across a year with no return (2023, then 2025), the later return cannot correct an
    # episode it does not cover: one open at 31 March 2023 that ended during 2024 is in
    # neither, and dropping it took the child out of 2023's figures too. It is kept,
    # ended (with no reason, so not counted as leaving care) when the later return's
    # year begins, or at the child's next episode there if that starts sooner.
    gap = episodes["YEAR"].map({y: i + 1 < len(years) and years[i + 1] != y + 1
                                for i, y in enumerate(years)}).to_numpy(dtype=bool)
    keep = superseded.to_numpy() & gap
    if keep.any():
        later = episodes["YEAR"].map({y: years[i + 1] if i + 1 < len(years) else -1 for i, y in enumerate(years)})
        covered = pd.MultiIndex.from_frame(episodes[["YEAR", "CHILD", "DECOM"]].astype(object))
        again = pd.MultiIndex.from_arrays([later.astype(object), episodes["CHILD"].astype(object),
                                           episodes["DECOM"].astype(object)]).isin(covered)
        keep &= ~again
    if keep.any():
        capped = episodes[keep].copy()
        # 31 March before the later return's year: looked after at the earlier year's
        # end (an episode is open on a day it has not ceased by), in no later window
        ends = (capped["YEAR"].map(nxt) - pd.Timedelta(days=1)).astype("datetime64[us]")
        # or sooner, when the child's next episode (in the later return) starts
        dec = capped[["CHILD", "DECOM"]].astype({"DECOM": "datetime64[us]"}).reset_index()
        later_eps = episodes.loc[episodes["YEAR"].isin(set(later[keep])), ["CHILD", "DECOM"]].dropna()
        later_eps = later_eps.astype({"DECOM": "datetime64[us]"}).rename(columns={"DECOM": "NEXT"})
        after = pd.merge_asof(dec.sort_values("DECOM"), later_eps.sort_values("NEXT"), left_on="DECOM",
                              right_on="NEXT", by="CHILD", direction="forward", allow_exact_matches=False)
        nxt_start = after.set_index("index")["NEXT"].reindex(capped.index)
        capped["DEC"] = np.minimum(ends.to_numpy(), nxt_start.fillna(ends).to_numpy()).astype(capped["DEC"].dtype)
        h = pd.concat([episodes[~superseded.to_numpy()], capped], ignore_index=True)
    else:
        h = episodes[~superseded.to_numpy()]
    # sort on integer keys (child codes in id order; NaT start dates last), then keep
    # the latest return's row for each child and start date
    child, _ = pd.factorize(h["CHILD"], sort=True)
    start = h["DECOM"].to_numpy().astype("datetime64[us]").view("int64")
    start = np.where(h["DECOM"].isna().to_numpy(), np.iinfo(np.int64).max, start)
    order = np.lexsort((h["YEAR"].to_numpy(), start, child))
    h = h.iloc[order]
    child, start = child[order], start[order]
    last = np.r_[(child[1:] != child[:-1]) | (start[1:] != start[:-1]), True]
    return h[last].reset_index(drop=True)


# ------------------------------------------------------------------------ discovery
def _year_in(part: str) -> int | None:
    """The collection year a file or folder name gives: 2024, 2023-24 or 2023-2024 (the
    year ending 31 March 2024). A date in the name (an export stamp, 2025-01-10) is not
    read as one."""
    m = _YEAR_END.search(part)            # "as at 31 March 2024": the year it ends
    if m:
        return int(m.group(1))
    part = _DATE_STAMP.sub(" ", part)
    m = _FULL_SPAN.search(part)
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        return int(m.group(2))
    m = _YEAR_SPAN.search(part)
    if m and int(m.group(2)) == (int(m.group(1)) + 1) % 100:
        return int(m.group(1)) + 1
    m = _YEAR.search(part)
    return int(m.group(1)) if m else None


def _year_from_path(path: Path, root: Path) -> int | None:
    """The collection year a file's name or folders give. Where the name and the folder
    it is in give different years, neither is trusted: the name had won, so 2024's
    files renamed with a 2025 stamp were read as 2025's return."""
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    named = _year_in(Path(rel.parts[-1]).stem)
    # the folders below the root; the root's own name ("SSDA903 2019-2024", "extract_2024")
    # names the extract, not a year of its files, and is read only when nothing else is
    folder = next((y for part in rel.parts[-2::-1] if (y := _year_in(part)) is not None), None)
    if named is None and folder is None:
        return _year_in(root.name)
    if named is not None and folder is not None and named != folder:
        raise ConfigError(f"{path.name} is named for {named} but is in a folder for {folder}",
                          where=str(path.parent),
                          fix="Put each year's files in a folder named for the year they are (e.g. 2024 for "
                              "2023-24), and name them to match or without a year")
    return named if named is not None else folder


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:            # not Linux
        return max(1, os.cpu_count() or 1)


def _id_format_issues(ids_of: dict[int, dict], plan: dict) -> list[pd.DataFrame]:
    """A year whose child ids are written otherwise than the year before (an Excel
    re-save that dropped leading zeros, or wrote 8840000006 as 8840000006.0): its
    children stop linking to their earlier years, silently; 2024's starts doubled and
    its 3+ placements fell to 0%. Said where many more children match once the zeros
    and ".0" are ignored than match as written."""
    out = []
    for y in sorted(ids_of):
        a, b = ids_of.get(y - 1), ids_of[y]
        if not a or not b:
            continue
        written = len(a["as_written"] & b["as_written"])
        matched = len(a["normalised"] & b["normalised"])
        if matched - written >= max(5, 0.2 * matched):
            out.append(pd.DataFrame({
                "table": ["Header"], "year": [y], "file": [str(plan.get((y, "Header"), ""))], "row": [0],
                "child": [None], "column": ["CHILD"], "check": ["ID_FORMAT_CHANGED"], "severity": ["warning"],
                "message": [f"{matched - written} children of {y} match children of {y - 1} only when leading zeros "
                            f"or a trailing .0 are ignored: one of the two years writes its ids differently (an "
                            "Excel re-save?), so those children are not linked across the years; export that "
                            "year's ids again as text, as the other years have them"]}))
    return out


def _read_year(task) -> tuple[dict, list, list, dict]:
    """Read, pseudonymise, type and check one collection year's files (runs in a worker)."""
    y, paths, hashers, how_of = task
    typed: dict[tuple[int, str], pd.DataFrame] = {}
    issues: list[pd.DataFrame] = []
    records: list[FileRecord] = []
    ids: dict[str, set] = {}
    for t, p in sorted(paths.items()):
        r = read_raw(p)
        if t == "Header":
            # each child's id as it would be without Excel's changes (leading zeros
            # dropped, ".0" added), against the id as written: compared across years
            # below (the same keyed hash: an id Excel left alone is a cache hit)
            norm = r.frame["CHILD"].astype(str).str.strip().str.replace(r"\.0+$", "", regex=True).str.lstrip("0")
            ids = {"normalised": set(hashers["child"](norm).dropna())}
        r.frame["CHILD"] = hashers["child"](r.frame["CHILD"])
        if t == "Header":
            ids["as_written"] = set(r.frame["CHILD"].dropna())
        if "SW_ID" in r.frame:
            r.frame["SW_ID"] = hashers["sw"](r.frame["SW_ID"])
        schema = schema_for(y)
        rec = FileRecord(p, t, y, len(r.frame), r.encoding, list(r.fixes), how_of[p])
        if t not in schema.tables:
            first = next(yy for yy in range(y, LAST_YEAR + 1) if t in schema_for(yy).tables)
            schema = schema_for(first)
            issues.append(pd.DataFrame([{
                "table": t, "year": y, "file": str(p), "row": 0, "child": None, "column": "",
                "check": "TABLE_NOT_IN_YEAR", "severity": "warning",
                "message": f"DfE did not collect {t} in {y}; read with the {first} layout"}]))
        df, iss, fixes = type_columns(r, schema, y, ready=frozenset({"CHILD", "SW_ID"}))
        if "UPN" in r.frame:
            df["UPN_STATUS"] = ps.upn_status(r.frame["UPN"]).to_numpy()
            df = df.drop(columns="UPN")
        df["_FILE"] = p.name
        typed[(y, t)] = df
        issues += iss
        rec.fixes += fixes
        if r.extra_columns:
            rec.fixes.append(f"ignored unknown columns {r.extra_columns}")
        records.append(rec)
        del r
    unreadable: dict[str, set] = {}         # rows with a value that could not be read
    for i in issues:
        if len(i) and "check" in i and "row" in i:
            hit = i[i["check"] != "REQUIRED_BLANK"]
            for t, rows in hit.groupby("table")["row"]:
                unreadable.setdefault(t, set()).update(int(r) for r in rows)
    ctx = CheckContext(y, {t: df for (_, t), df in typed.items()}, schema_for(y), unreadable)
    found = run_checks(ctx)
    if not found.empty:
        found["year"] = y
        found["file"] = found["table"].map(lambda t: str(paths[t]))
        issues.append(found)
    return typed, issues, records, ids


def peek(path: Path, want_year: bool = True) -> tuple[str, int | None]:
    """The table a file holds and, for Episodes when ``want_year``, the collection year
    of its latest date. Reads only the header and (Episodes) the two date columns;
    refuses what read_raw would refuse about the file itself."""
    from .clean import _is_binary, decode, header_of
    data = path.read_bytes()
    if not want_year and not _is_binary(data[:8192]):   # the header line alone;
        cut = data.find(b"\n", 0, 1 << 16)              # read_raw checks the rest
        data = data[: cut + 1] if cut >= 0 else data[: 1 << 16]
    text, _, _ = decode(path, data)
    del data
    table, header, _ = header_of(path, text)
    if table != "Episodes" or not want_year:
        return table, None
    cols = [i for i, c in enumerate(header) if c in ("DECOM", "DEC")]
    try:
        d = pd.read_csv(io.StringIO(text), usecols=cols, dtype=object, keep_default_na=False,
                        header=0, engine="c")
    except (pd.errors.ParserError, ValueError):
        return table, None      # read_raw reports the problem precisely
    dates = [parse_dates(pd.Series(pd.unique(d[c]), dtype=object).map(str).str.strip()) for c in d.columns]
    latest = pd.concat(dates).max() if dates else pd.NaT
    if pd.isna(latest):
        return table, None
    return table, int(collection_year(latest))


def discover(source) -> tuple[Path, list[Path]]:
    """The CSV files of an extract: a folder (searched recursively) or a list of files."""
    if isinstance(source, (list, tuple)):
        files = [Path(p) for p in source]
        root = Path(*Path(files[0]).parts[:1]) if files else Path(".")
        missing = [p for p in files if not p.is_file()]
        if missing:
            raise MissingDataError(f"file {missing[0]} does not exist", fix="Check the path")
        return Path(files[0]).parent, files
    root = Path(source)
    if not root.exists():
        raise MissingDataError(f"folder {root} does not exist",
                               fix="Give the folder holding the 903 CSV files")
    if root.is_file():
        return root.parent, [root]
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".csv"
                   and not p.name.startswith("."))
    if not files:
        others = sorted(p.name for p in root.rglob("*") if p.is_file())[:5]
        raise MissingDataError(f"no .csv files in {root}",
                               fix="Export each 903 table as CSV" + (f" (found {others})" if others else ""))
    return root, files


# ------------------------------------------------------------------------- ingest
def _run_cache_path(source, year, key: bytes, compute_distance: bool) -> Path | None:
    """Within a run (:func:`evaltools.paths.run_cache_dir`), the first notebook to read
    an extract leaves the ingested (pseudonymised) copy here for the others."""
    folder = run_cache_dir()
    if folder is None:
        return None
    try:
        _, files = discover(source)
    except Exception:            # noqa: BLE001 - the real read reports it properly
        return None
    h = hashlib.sha256()
    for f in sorted(files):
        st = Path(f).stat()
        h.update(f"{Path(f).resolve()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    h.update(f"{year}|{compute_distance}|{Path(__file__).stat().st_mtime_ns}".encode())
    h.update(hashlib.sha256(key).digest())          # the key itself is never written down
    return folder / f"extract-{h.hexdigest()[:24]}.pkl"


def read_extract(source, *, year: int | None = None, salt=None,
                 compute_distance: bool = True, workers: int | None = None) -> Extract:
    """Read, check and pseudonymise a folder (or list) of SSDA903 CSV files; see
    :func:`_read_extract`. Within a run (``EVALTOOLS_RUN_CACHE``, set by the runner to a
    private folder it deletes at the end) the ingested extract is read once and shared
    by the run's notebooks; it holds only pseudonymised ids and never leaves that folder."""
    discover(source)                    # a missing folder is the first thing to say, before the salt
    cache = _run_cache_path(source, year, ps.get_salt(salt), compute_distance)
    if cache is not None and cache.is_file():
        try:
            with open(cache, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass
    ex = _read_extract(source, year=year, salt=salt, compute_distance=compute_distance, workers=workers)
    if cache is not None:
        try:
            with tempfile.NamedTemporaryFile(dir=cache.parent, suffix=".tmp", delete=False) as tmp:
                pickle.dump(ex, tmp, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp.name, cache)
        except OSError:
            pass
    return ex


#: tables every year's return holds: a year without one, where other years have it, is
#: a file left out, not a year with no children
CORE_TABLES = ("Header", "Episodes")


def _check_every_year_has_core_tables(plan: dict) -> None:
    """A year folder missing its Episodes (or Header) file where the other years have
    one was read as a year in which no child started, left or moved: a 2026 folder
    without episodes.csv gave "started care fell beyond noise". It is refused."""
    years = sorted({y for y, _ in plan})
    for t in CORE_TABLES:
        have = [y for y in years if (y, t) in plan]
        lacking = [y for y in years if (y, t) not in plan]
        if have and lacking:
            y = lacking[0]
            folder = next(p.parent for (yy, _), p in plan.items() if yy == y)
            raise IncompleteExtractError(f"no {t} table among the {y} files, where the other years have one: that year "
                              f"would count no children", where=str(folder),
                              fix=f"Add the {y} return's {t} CSV to the folder, or move the year's files out")


def require_core_tables(ex: "Extract") -> None:
    """The child-level measures count children from their episodes and ages from the
    header: an extract with no Header or Episodes file in any year (a partial extract,
    which ``validate`` reads for a check, assumption S7) cannot give them. A run gave a
    report that stopped at "KeyError: 'CHILD'"."""
    for t in CORE_TABLES:
        if t not in ex.tables:
            folder = os.path.commonpath([str(f.path.parent) for f in ex.files]) if ex.files else None
            raise IncompleteExtractError(
                f"the extract has no {t} table in any year, so no child-level measure can be worked out from it",
                where=folder,
                fix=f"Give the folder of the council's whole 903 return, with its {t} CSV for each year "
                    "(evaltools validate checks a partial extract)")


#: a table whose other years hold at least this many rows (median) cannot be empty in
#: one year by chance: an export that left its rows out is far likelier
EMPTY_YEAR_MIN_ROWS = 10
#: tables the measures read whose empty year is shown as not available, not 0
WATCHED_TABLES = ("OC2", "OC3", "Missing", "Reviews")


def _span(counts: list[int]) -> str:
    """'601 to 658' rows, or '240' where the other years agree."""
    return f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)} to {max(counts)}"


def empty_years(rows_by_year: dict[int, int], years) -> list[int]:
    """The ``years`` in which a table has no rows though its other years hold many
    (median at least :data:`EMPTY_YEAR_MIN_ROWS`). A 2024 missing.csv with its header
    alone (or no file) read as no child going missing that year: the figure fell from 9%
    to 0% and the safety report called it improved beyond noise."""
    held = sorted(n for n in rows_by_year.values() if n > 0)
    if not held or held[len(held) // 2] < EMPTY_YEAR_MIN_ROWS:
        return []
    return [int(y) for y in years if rows_by_year.get(y, 0) == 0]


def _rows_by_year(records: list[FileRecord], table: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for r in records:
        if r.table == table:
            out[r.year] = out.get(r.year, 0) + r.rows
    return out


#: the dates a return records as things happen: the latest of them in the last return
#: shows how far into its year the extract reaches
EVENT_DATES = {"Episodes": ("DECOM", "DEC"), "Missing": ("MIS_START", "MIS_END"), "Reviews": ("REVIEW",),
               "SWEpisodes": ("SW_DECOM", "SW_DEC"), "AD1": ("DATE_INT", "DATE_MATCH"),
               "PlacedAdoption": ("DATE_PLACED", "DATE_PLACED_CEASED")}


def recorded_dates(tables: dict, year: int) -> pd.Series:
    """Every :data:`EVENT_DATES` date inside collection year ``year`` in one return's
    ``tables`` (a date after 31 March is an error, checked elsewhere)."""
    lo, hi = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)
    found = []
    for t, cols in EVENT_DATES.items():
        df = tables.get(t)
        if df is None or df.empty:
            continue
        for c in cols:
            if c in df:
                d = pd.to_datetime(df[c], errors="coerce")
                found.append(d[(d >= lo) & (d <= hi)])
    return pd.concat(found, ignore_index=True) if found else pd.Series([], dtype="datetime64[ns]")


#: how many dates a return recording at its usual pace would have held after its latest
#: one, at least, before the quiet is read as a cut and not as chance (none in a span
#: expecting 10 happens about 1 time in 22,000 by chance alone)
QUIET_EXPECTED = 10


def covered_until(tables: dict, year: int) -> pd.Timestamp | None:
    """The last day a return cut before the end of its year covers, or None when it
    reaches the year's last month, or records too little to tell.

    A return exported part way through its year (an in-year extract cut on 31 October)
    holds no starts, moves or missing episodes after the cut: read as a full year, its
    later months showed 0 moves and 0% missing, "ok", and the moves chart a special
    cause improving. Nothing recorded in the year's last month (March), where the pace
    of the months before would have put at least :data:`QUIET_EXPECTED` dates, is taken
    as such a cut: every month up to the latest recorded date is covered, that date's
    own month only if the date is its last day."""
    dates = recorded_dates(tables, year)
    if dates.empty:
        return None
    latest = dates.max()
    if latest >= pd.Timestamp(year, 3, 1):
        return None
    so_far = (latest - pd.Timestamp(year - 1, 4, 1)).days + 1
    after = (pd.Timestamp(year, 3, 31) - latest).days
    if len(dates) * after / so_far < QUIET_EXPECTED:
        return None             # a handful of dates: a quiet spell may be chance
    return latest if latest.is_month_end else latest.replace(day=1) - pd.Timedelta(days=1)


def _ends_early_issue(typed: dict, years: list[int], plan: dict) -> list[pd.DataFrame]:
    """YEAR_ENDS_EARLY: the last return stops short of 31 March (:func:`covered_until`)."""
    y = years[-1]
    tables = {t: df for (yy, t), df in typed.items() if yy == y}
    end = covered_until(tables, y)
    if end is None:
        return []
    latest = recorded_dates(tables, y).max()
    return [pd.DataFrame({
        "table": ["Episodes"], "year": [y], "file": [str(plan.get((y, "Episodes"), ""))], "row": [0],
        "child": [None], "column": [""], "check": ["YEAR_ENDS_EARLY"], "severity": ["warning"],
        "message": [f"the {y} return records nothing after {latest.day} {latest:%B %Y}, so it looks cut before "
                    f"the end of its year (31 March {y}): the months after {end:%B %Y}, and {y}'s annual figures, "
                    "are shown as not available, not as 0 (export the whole year's return to fill them)"]})]


def _empty_year_issues(records: list[FileRecord], years: list[int]) -> list[pd.DataFrame]:
    """A core table (Header, Episodes) with no rows in a year the others fill is refused,
    as a missing file is; a watched table's empty year is a warning, and its measures
    show the year as not available (``CareData.lacking``)."""
    for t in CORE_TABLES:
        counts = _rows_by_year(records, t)
        for y in empty_years(counts, years):
            held = [n for n in counts.values() if n]
            where = next((str(r.path) for r in records if r.table == t and r.year == y), None)
            raise IncompleteExtractError(f"the {y} {t} table has no rows, where the other years have "
                                         f"{_span(held)}: that year would count no children", where=where,
                                         fix=f"Export the {y} return's {t} table again with its rows")
    out = []
    for t in WATCHED_TABLES:
        counts = _rows_by_year(records, t)
        for y in empty_years(counts, years):
            held = [n for n in counts.values() if n]
            where = next((str(r.path) for r in records if r.table == t and r.year == y), "")
            out.append(pd.DataFrame({
                "table": [t], "year": [y], "file": [where or "(no file)"], "row": [0], "child": [None],
                "column": [""], "check": ["TABLE_EMPTY_YEAR"], "severity": ["warning"],
                "message": [f"no {t} rows for {y}, where the other years have {_span(held)}: its "
                            f"measures for {y} are shown as not available, not 0 (export the table again if its "
                            "rows were left out)"]}))
    return out


def _read_extract(source, *, year: int | None = None, salt=None,
                  compute_distance: bool = True, workers: int | None = None) -> Extract:
    """Read, check and pseudonymise a folder (or list) of SSDA903 CSV files.

    Parameters
    ----------
    source : folder (searched recursively; one sub-folder per year is typical) or list
        of files.
    year : collection year (year ending 31 March) for every file, when the folder holds
        one year whose name does not say which.
    salt : pseudonymisation key; default the ``EVALTOOLS_SALT`` environment variable.
    compute_distance : add ``PL_DISTANCE`` (miles) from the full postcodes.
    workers : read collection years in this many processes. The default reads with
        two processes (where the machine has two cores) when the files come to more than
        50 MB, and with one otherwise: at national scale (1.2 million episodes) two are
        about 1.5x faster for about 0.3 GB more memory per process
        (benchmarks/bench_ssda903.py); a single council's files are read in a second or
        two, where starting processes would cost more than it saves.
    """
    key = ps.get_salt(salt)
    root, files = discover(source)
    # Pass 1, cheap: which table each file holds, and (for Episodes) the latest date, to
    # place every file in a collection year. Nothing is kept but the answers.
    peeked = [peek(p, want_year=year is None and _year_from_path(p, root) is None) for p in files]
    folder_year: dict[Path, int] = {}
    for p, (table, ep_year) in zip(files, peeked):
        if table == "Episodes" and ep_year and p.parent not in folder_year:
            folder_year[p.parent] = ep_year
    plan: dict[tuple[int, str], Path] = {}
    how_of: dict[Path, str] = {}
    for p, (table, _) in zip(files, peeked):
        how = "argument"
        y = year
        if y is None:
            y, how = _year_from_path(p, root), "folder or file name"
        if y is None:
            y, how = folder_year.get(p.parent), "latest episode date"
        if y is None:
            raise ConfigError(f"cannot tell which collection year {p.name} belongs to",
                              where=str(p.parent),
                              fix="Put each year's files in a folder named for it (e.g. 2024 "
                                  "for 2023-24) or pass --year")
        if not FIRST_YEAR <= y <= LAST_YEAR:
            raise ConfigError(f"collection year {y} for {p.name} is outside {FIRST_YEAR}-{LAST_YEAR}",
                              fix="Check the folder name or --year")
        clash = plan.get((y, table))
        if clash is not None:
            def named(q):       # from the extract's folder: 2020/ad1.csv and "2020 copy"/ad1.csv
                try:
                    return str(q.relative_to(root))
                except ValueError:
                    return str(q)
            own = (_year_from_path(clash, root), _year_from_path(p, root))
            if year is not None and None not in own and own[0] != own[1]:
                raise ConfigError(f"year {year} was given for every file, but the folder holds year folders "
                                  f"({named(clash)} is {own[0]}'s, {named(p)} is {own[1]}'s)", where=str(root),
                                  fix="Leave the year out (--year, or year: in an evaluation): each folder's name "
                                      "gives its files' year; or point at the one year's folder")
            raise SchemaError(f"two files in {y} look like the {table} table: {named(clash)} "
                              f"and {named(p)}", where=str(root),
                              fix="Keep one file per table per year (a copied year folder counts as the same year)")
        plan[(y, table)] = p
        how_of[p] = how
    _check_every_year_has_core_tables(plan)
    # Pass 2, one collection year per task on the machine's cores: read each file,
    # pseudonymise identifiers (nothing below sees a raw CHILD or SW_ID), type it and
    # free its raw text, then run the year's checks on exact dates of birth.
    years = sorted({y for y, _ in plan})
    hashers = {"child": ps.IdHasher(key, "child"), "sw": ps.IdHasher(key, "sw")}
    tasks = [(y, {t: p for (yy, t), p in plan.items() if yy == y}, hashers,
              {p: how_of[p] for (yy, _), p in plan.items() if yy == y}) for y in years]
    if workers is None:
        size = sum(p.stat().st_size for p in plan.values())
        workers = 2 if size > AUTO_WORKERS_BYTES else 1
    workers = max(1, min(len(tasks), _cores(), int(workers)))
    if workers > 1:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            results = list(pool.map(_read_year, tasks))
    else:
        results = [_read_year(t) for t in tasks]
    typed: dict[tuple[int, str], pd.DataFrame] = {}
    issues: list[pd.DataFrame] = []
    records: list[FileRecord] = []
    ids_of: dict[int, dict] = {}
    for (y_typed, y_issues, y_records, y_ids), y in zip(results, years):
        typed.update(y_typed)
        issues += y_issues
        records += y_records
        ids_of[y] = y_ids
    issues += _id_format_issues(ids_of, plan)
    records.sort(key=lambda rec: files.index(rec.path))
    issues += _empty_year_issues(records, years)
    issues += _ends_early_issue(typed, years, plan)
    for y in sorted(set(range(years[0], years[-1] + 1)) - set(years)):
        issues.append(pd.DataFrame({
            "table": ["Episodes"], "year": [y], "file": ["(no file)"], "row": [0], "child": [None], "column": [""],
            "check": ["NO_RETURN_YEAR"], "severity": ["warning"],
            "message": [f"no return for {y}, between {max(v for v in years if v < y)} and "
                        f"{min(v for v in years if v > y)}: every figure for {y} (and any window reaching into it) "
                        f"is shown as not available; a child who left care during {y} is in neither return, so "
                        f"is taken as looked after until 31 March {min(v for v in years if v > y) - 1}"]}))
    for y in years:
        now, then = typed.get((y, "Episodes")), typed.get((y + 1, "Episodes"))
        if now is None or then is None or "DEC" not in now:
            continue
        gone = set(now.loc[now["DEC"].isna(), "CHILD"].dropna()) - set(then["CHILD"].dropna())
        if gone:
            issues.append(pd.DataFrame({
                "table": ["Episodes"], "year": [y + 1], "file": [str(plan.get((y + 1, "Episodes"), ""))], "row": [0],
                "child": [None], "column": [""], "check": ["OPEN_NOT_IN_NEXT_RETURN"], "severity": ["warning"],
                "message": [f"{len(gone)} {'child' if len(gone) == 1 else 'children'} with an episode open at 31 March "
                            f"{y} {'is' if len(gone) == 1 else 'are'} not in the {y + 1} return: the later return is "
                            f"taken as correcting the earlier, so {'that child is' if len(gone) == 1 else 'they are'} "
                            f"left out of {y}'s figures too (if the {y + 1} export left them out by mistake, export "
                            "it again)"]}))
    # coarsen what is left: distance from full postcodes (all years at once: the same
    # postcodes recur), then districts; month of birth
    eps = [(k, df) for k, df in typed.items() if k[1] == "Episodes"]
    if compute_distance and eps:
        home = pd.concat([df["HOME_POST"] for _, df in eps], ignore_index=True)
        place = pd.concat([df["PL_POST"] for _, df in eps], ignore_index=True)
        geo = placement_geography(home, place) if place.notna().any() else pd.DataFrame(
            {"PL_DISTANCE": np.full(len(home), np.nan), "PL_LA": None}, index=home.index)
        dist, pl_la = geo["PL_DISTANCE"].to_numpy(), geo["PL_LA"].to_numpy(dtype=object)
        at = 0
        for _, df in eps:
            df["PL_DISTANCE"] = dist[at: at + len(df)]
            df["PL_LA"] = pl_la[at: at + len(df)]
            at += len(df)
    tables: dict[str, list[pd.DataFrame]] = {}
    for (y, t), df in typed.items():
        if t == "Episodes":
            if "PL_DISTANCE" not in df:
                df["PL_DISTANCE"] = np.nan
            if "PL_LA" not in df:
                df["PL_LA"] = None
            df["HOME_POST"] = ps.postcode_district(df["HOME_POST"])
            df["PL_POST"] = ps.postcode_district(df["PL_POST"])
        for c in ("DOB", "MC_DOB"):
            if c in df:
                df[c] = ps.month_of_birth(df[c])
        df.insert(0, "YEAR", y)
        tables.setdefault(t, []).append(df)
    out_tables = {t: pd.concat(v, ignore_index=True) for t, v in tables.items()}
    out_tables = {t: out_tables[t] for t in TABLES if t in out_tables}
    iss = pd.concat([i for i in issues if not i.empty], ignore_index=True) if any(
        not i.empty for i in issues) else pd.DataFrame(columns=ISSUE_COLUMNS)
    ex = Extract(out_tables, iss[ISSUE_COLUMNS].reset_index(drop=True), records)
    said = [pd.DataFrame({
        "table": [t], "year": [y], "file": [str(plan.get((y, t), ""))], "row": [0], "child": [None], "column": [""],
        "check": ["MOSTLY_EXCLUDED"], "severity": ["warning"],
        "message": [(f"all {rows} {t} rows of {y} have errors in the columns the measures read, so the "
                     if bad == rows else
                     f"{bad} of the {rows} {t} rows of {y} have errors in the columns the measures read, so the ")
                    + f"{'' if t in CORE_COLUMNS else t + ' '}figures of {y} "
                    + ("cannot be worked out" if bad == rows else "would rest on the few left")
                    + ": they are shown as not available (correct the export; the errors say what is wrong)"]})
        for t, y, bad, rows in mostly_excluded(ex)]
    if said:
        iss = pd.concat([iss, *said], ignore_index=True)
    ex.issues = iss[ISSUE_COLUMNS].sort_values(["year", "table", "row", "check"], kind="stable").reset_index(drop=True)
    return ex


#: the columns of Header and Episodes every measure reads (``CareData.from_extract``)
CORE_COLUMNS = {"Episodes": ["DECOM", "DEC"], "Header": ["DOB", "SEX"]}
#: the share of a year's rows left out by errors above which its figures are withheld
MOSTLY = 0.5


def mostly_excluded(ex: Extract) -> list[tuple[str, int, int, int]]:
    """(table, year, rows left out, rows) where errors leave out at least half of a
    year's rows (of at least 10) of Header or Episodes, in the columns every measure
    reads, or of a table whose measures :data:`WATCHED_TABLES` watch, in any column:
    2024's episode dates written month-first left 742 of 776 out, and 2024 showed 0%
    with 3+ placements, 'ok'; its missing episodes' dates so written left 267 of 323
    out, and 2024's missing figure fell from 9.0% to 2.5%, 'ok'."""
    out = []
    for t, cols in {**CORE_COLUMNS, **dict.fromkeys(WATCHED_TABLES)}.items():
        if t not in ex.tables:
            continue
        for _, r in ex.excluded(t, cols).iterrows():
            if r["rows"] >= EMPTY_YEAR_MIN_ROWS and r["excluded"] >= MOSTLY * r["rows"]:
                out.append((t, int(r["year"]), int(r["excluded"]), int(r["rows"])))
    return out
