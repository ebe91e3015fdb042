"""Local measures: figures no national dataset holds, supplied by the council as a CSV.

Surveys (Bright Spots, New Belongings), local records (return home interviews, pathway
plans up to date, personal adviser changes), virtual school figures (suspensions,
PEPs) and workforce figures. ``data/local/local_measures.csv`` defines each one (id,
title, unit, polarity, kind); ``data/local/template.csv`` has a row for every one,
ready to fill in::

    measure,period,numerator,denominator,value,source_note
    pathway_plans_up_to_date,2024,151,163,,Care leavers team tracker at 31 March
    bright_spots_feel_safe,2023,,,86,Bright Spots survey 2023 (112 responses)

* ``period``: the collection year ending 31 March (2024 = April 2023 to March 2024),
  or a date (2024-09-30) for a figure at one date; a survey counts in the year it ran.
* ``numerator`` and ``denominator`` for a percentage where you have the counts (the
  review then gives an interval and a test); otherwise ``value`` alone (86 for 86%).
* ``area`` (optional column): the DfE LA number; otherwise the evaluation's LA.
* Rows with no figures are the template's blanks and are skipped.

:func:`read` turns the CSV into the tidy indicator frame, so local figures go through
the same statistics, tables and disclosure control as DfE's. Mistakes are reported
all at once with the row and how to fix it; the file is never changed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import indicators
from .errors import EvaltoolsError, SchemaError
from .periods import collection_year
from .paths import data_dir

UNITS = ("percent", "count", "rate", "score", "days")
POLARITIES = ("high", "low", "none")
KINDS = ("survey", "record", "education", "workforce", "health")
COLUMNS = ["measure", "period", "numerator", "denominator", "value", "source_note"]
#: the columns a local measures CSV may have: the template's, and ``area`` (optional)
READ_COLUMNS = COLUMNS + ["area"]


@dataclass(frozen=True)
class LocalMeasure:
    id: str
    title: str
    unit: str
    polarity: str
    kind: str
    strategies: tuple[str, ...] = ()
    description: str = ""


def local_dir() -> Path:
    return data_dir() / "local"


def definitions(path: str | Path | None = None) -> dict[str, LocalMeasure]:
    """The local measure definitions (``data/local/local_measures.csv`` by default).

    Read once per version of the file: every strategy measure asks for its unit and
    polarity, 372 times in a council's run, and re-reading the CSV each time was a
    fifth of the notebooks' own work."""
    p = Path(path) if path else local_dir() / "local_measures.csv"
    if not p.is_file():
        raise SchemaError("local measure definitions not found", where=str(p),
                          fix="Restore data/local/local_measures.csv with git checkout")
    st = p.stat()
    return dict(_definitions(str(p.resolve()), st.st_size, st.st_mtime_ns))


def format_figure(unit: str, value: float, whole: bool = False) -> str:
    """A local figure as a report prints it: a percentage, count or days as DfE's are
    (95.8%, 17, 426 days); a rate or score, which may be small (0.35 changes a child),
    to 3 significant figures, rounded half up."""
    from .registry import format_in
    from .sdc import significant

    if unit in ("percent", "count", "days") or value is None or pd.isna(value):
        return format_in(unit, value, whole)
    return significant(value, 3, trim=True)


def find(local_id) -> LocalMeasure | None:
    """The definition of one local measure, or None (not defined, or no definitions
    file: that is reported where the file is read)."""
    try:
        return definitions().get(str(local_id))
    except EvaltoolsError:
        return None


def suggest(local_id, defs: dict[str, LocalMeasure]) -> list[str]:
    """The local measures an unknown id may mean: the nearest id by spelling, and the
    one whose title holds the id's rarest word ("bright_spots_feel_settled" was offered
    bright_spots_feel_well, a different survey item, where bright_spots_feel_safe is
    "safe, settled and cared for")."""
    out = difflib.get_close_matches(str(local_id), list(defs), n=1, cutoff=0.6)
    out += [k for k in defs if str(local_id) in k and k not in out][:1]       # feel_safe: bright_spots_feel_safe
    def words(text: str) -> set[str]:
        return {w for w in re.split(r"[_\W]+", text.lower()) if len(w) >= 4}
    vocab = {k: words(f"{k} {d.title}") for k, d in defs.items()}
    holders = {w: [k for k in defs if w in vocab[k]] for w in words(str(local_id))}
    rare = sorted((len(v), w) for w, v in holders.items() if 0 < len(v) <= (2 if not out else 1))
    if rare:
        out += [k for k in holders[rare[0][1]] if k not in out]
    return out[:3]


def did_you_mean(local_id, defs: dict[str, LocalMeasure]) -> str:
    """"did you mean a, or b ('its title')?", or ''."""
    picks = suggest(local_id, defs)
    if not picks:
        return ""
    said = [k if k == picks[0] and len(picks) == 1 else f"{k} ({defs[k].title})" for k in picks]
    return "did you mean " + " or ".join(said) + "?"


@lru_cache(maxsize=8)
def _definitions(path: str, size: int, mtime_ns: int) -> dict[str, LocalMeasure]:
    """The definitions in ``path`` as it was at (``size``, ``mtime_ns``)."""
    p = Path(path)
    d = _read_csv(p)
    missing = {"id", "title", "unit", "polarity", "kind"} - set(d.columns)
    if missing:
        raise SchemaError(f"local measure definitions lack column(s) {', '.join(sorted(missing))}", where=str(p),
                          fix="Keep the header id,title,unit,polarity,kind,strategies,description")
    out = {}
    for n, r in enumerate(d.to_dict("records")):
        row = f"{p.name} row {n + 2}"
        for col, allowed in (("unit", UNITS), ("polarity", POLARITIES), ("kind", KINDS)):
            if r[col] not in allowed:
                raise SchemaError(f"{col} {r[col]!r} of {r['id']!r} is not one of {', '.join(allowed)}", where=row,
                                  fix=f"Set {col} to one of them")
        if r["id"] in out:
            raise SchemaError(f"local measure {r['id']!r} is defined twice", where=row, fix="Keep one row per id")
        out[r["id"]] = LocalMeasure(id=r["id"], title=r["title"], unit=r["unit"], polarity=r["polarity"],
                                    kind=r["kind"], strategies=tuple(s for s in r.get("strategies", "").split(";")
                                                                     if s),
                                    description=r.get("description", ""))
    return out


def _read_csv(p: Path) -> pd.DataFrame:
    """A CSV a council wrote, as text; an empty file, a row with more fields than the
    header, or a file saved in Windows' own encoding is a one-line SchemaError."""
    with open(p, "rb") as fh:                 # the header line, before pandas reads it
        head = fh.readline()
    # UTF-16 (Excel's "Unicode Text") starts with its byte-order mark; anything else
    # should be UTF-8
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    if encoding == "utf-16":
        head = head.decode("utf-16", errors="ignore").encode()
    for sep, name, why in ((b";", "semicolons", " (Excel saves it so where the decimal point is a comma)"),
                           (b"\t", "tabs", " (Excel's 'Text' and 'Unicode Text' save it so)")):
        if sep in head and b"measure" in head.lower() and b"," not in head:
            # Excel's choice, not the council's: with a decimal comma "3,5" in a row was
            # read as two fields, and the error was about the row
            raise SchemaError(f"local measures file is separated by {name}, not commas{why}", where=str(p),
                              fix=f"Save it as 'CSV (Comma delimited)', or replace the {name} with commas")
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding=encoding)
    except pd.errors.EmptyDataError:
        raise SchemaError("the file is empty", where=str(p),
                          fix="Start from data/local/template.csv, keeping its header row") from None
    except pd.errors.ParserError as e:
        raise SchemaError(f"a row does not match the header ({str(e).strip().split(chr(10))[-1]})", where=str(p),
                          fix="Put a value holding a comma in double quotes, and give every row the "
                              "header's columns") from None
    except UnicodeDecodeError:
        raise SchemaError("the file is not UTF-8 text (saved as ANSI or Windows-1252?)", where=str(p),
                          fix="Save it as 'CSV UTF-8' (Excel) or UTF-8 (Notepad)") from None
    bad = [c for c in raw.columns if str(c).startswith("Unnamed: ")]
    if bad or not isinstance(raw.index, pd.RangeIndex):      # extra fields: pandas made an index of them
        raise SchemaError("a row has more fields than the header (or the header has an empty name)", where=str(p),
                          fix="Put a value holding a comma in double quotes, and name every column") from None
    return raw


def template(defs: dict[str, LocalMeasure] | None = None) -> pd.DataFrame:
    """The blank template: one row per local measure, figures empty."""
    defs = definitions() if defs is None else defs
    return pd.DataFrame({"measure": list(defs), "period": "", "numerator": "", "denominator": "", "value": "",
                         "source_note": [d.title for d in defs.values()]})[COLUMNS]


def _number(v):
    if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
        return np.nan
    return float(str(v).replace(",", "").replace("%", "").strip())


#: a local measure's unit in words ("pa_changes is a rate, not a percentage")
UNIT_WORDS = {"percent": "a percentage", "count": "a count", "rate": "a rate", "score": "a score",
              "days": "a number of days"}


#: the periods a local file may give: a year ending 31 March, or the date a figure ends
_YEAR = re.compile(r"\d{4}")
#: the earliest year a local figure may be for
FIRST_PERIOD = 2000
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _period_end(text: str) -> pd.Timestamp | None:
    """The date a figure's period ends: 31 March of a year (``2024``) or an ISO date
    (``2024-09-30``); :func:`read` checks the year. Anything else is None: pandas read ``Sep-24`` (how
    Excel saves "Sep 2024") as the year 2, ``24`` as the year 24 and ``01-04-2024`` as
    4 January, and put the figure in the wrong year without a word."""
    if _YEAR.fullmatch(text):
        year, month, day = int(text), 3, 31
    elif m := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    try:
        return pd.Timestamp(year, month, day)
    except ValueError:
        return None


def read(path: str | Path, la=None, defs: dict[str, LocalMeasure] | None = None) -> pd.DataFrame:
    """A local measures CSV as the tidy indicator frame (status ``ok``, source
    ``local: <source_note>``), with ``value`` in the measure's unit (a percentage from
    the counts when both are given). ``la``: the LA the figures are for, when the
    file has no ``area`` column."""
    from .areas import resolve_la

    p = Path(path)
    if not p.is_file():
        raise SchemaError("local measures file not found", where=str(p),
                          fix="Copy data/local/template.csv, fill it in, and give its path")
    raw = _read_csv(p)
    raw.columns = [str(c).strip() for c in raw.columns]
    unknown = [c for c in raw.columns if c not in READ_COLUMNS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], READ_COLUMNS, n=1, cutoff=0.6)
        raise SchemaError(f"local measures file has a column evaltools does not read: {unknown[0]!r}"
                          + (f" (did you mean {close[0]}?)" if close else ""), where=str(p),
                          fix=f"Its columns are {', '.join(READ_COLUMNS)}. Start from data/local/template.csv")
    missing = {"measure", "period"} - set(raw.columns)
    if missing or not ({"value", "numerator"} & set(raw.columns)):
        raise SchemaError(f"local measures file needs columns measure, period and value or numerator/denominator "
                          f"(missing {', '.join(sorted(missing)) or 'value'})", where=str(p),
                          fix="Start from data/local/template.csv")
    half = {"numerator", "denominator"} & set(raw.columns)
    if len(half) == 1:
        (has,) = half
        lacks = ({"numerator", "denominator"} - half).pop()
        raise SchemaError(f"local measures file has a {has} column but no {lacks} column", where=str(p),
                          fix=f"Add the {lacks} column (its header is measure,period,numerator,denominator,"
                          "value,source_note; see data/local/template.csv)")
    defs = definitions() if defs is None else defs
    for c in ("numerator", "denominator", "value", "source_note", "area"):
        if c not in raw.columns:
            raw[c] = ""
    problems, rows = [], []
    for n, r in raw.iterrows():
        where = f"row {n + 2}"
        if all(str(r[c]).strip() == "" for c in ("numerator", "denominator", "value")):
            continue                                   # a blank template row
        mid = str(r["measure"]).strip()
        if mid not in defs:
            hint = did_you_mean(mid, defs)
            problems.append(f"{where}: measure {mid!r} is not a local measure"
                            + (f" ({hint})" if hint else " (add it to data/local/local_measures.csv)"))
            continue
        m = defs[mid]
        try:
            num, den, val = (_number(r[c]) for c in ("numerator", "denominator", "value"))
        except ValueError:
            problems.append(f"{where}: {mid} has a figure that is not a number (write 86, not 'eighty-six')")
            continue
        per = str(r["period"]).strip()
        period_end = _period_end(per)
        if period_end is None:
            problems.append(f"{where}: period {per!r} is not a year (2024) or a date written year-month-day "
                            "(2024-09-30)")
            continue
        latest = collection_year(dt.date.today())
        if not FIRST_PERIOD <= collection_year(period_end) <= latest:
            problems.append(f"{where}: period {per!r} is outside {FIRST_PERIOD} to {latest} (the year ending 31 "
                            f"March {latest} is the latest that has begun); check the year for a typo")
            continue
        if "%" in str(r["value"]) and m.unit != "percent":
            problems.append(f"{where}: {mid} is {UNIT_WORDS.get(m.unit, m.unit)}, not a percentage, but its value is "
                            f"{str(r['value']).strip()!r}")
            continue
        if m.unit != "score" and any(np.isfinite(x) and x < 0 for x in (num, den, val)):
            problems.append(f"{where}: {mid} has a negative figure ({UNIT_WORDS.get(m.unit, m.unit)} cannot be "
                            "below 0)")
            continue
        period = collection_year(period_end)
        if m.unit == "percent":
            if np.isfinite(num) != np.isfinite(den):
                problems.append(f"{where}: {mid} needs both numerator and denominator, or value alone")
                continue
            if np.isfinite(num):
                if not (0 <= num <= den and den > 0):
                    problems.append(f"{where}: {mid} numerator {num:g} is not between 0 and the denominator {den:g}")
                    continue
                pct = 100 * num / den
                if np.isfinite(val) and abs(val - pct) > 0.6:
                    problems.append(f"{where}: {mid} value {val:g} does not match {num:g}/{den:g} = {pct:.1f}% "
                                    "(leave value empty when you give the counts)")
                    continue
                val = pct
            elif not 0 <= val <= 100:
                problems.append(f"{where}: {mid} is a percentage but the value is {val:g} (give 86 for 86%)")
                continue
            elif 0 < val < 1:
                problems.append(f"{where}: {mid} is a percentage and {val:g} looks like a fraction (give 93 for "
                                "93%, or the numerator and denominator for a share under 1%)")
                continue
        elif not np.isfinite(val):
            val = num
        if m.unit == "count" and not np.isfinite(num):
            num = val       # a count of children is its own numerator: 1 to 5 of them is withheld
        if not np.isfinite(val):
            problems.append(f"{where}: {mid} has no value")
            continue
        area = str(r["area"]).strip() or la
        if area is None:
            problems.append(f"{where}: no area column and no LA given for the file")
            continue
        rows.append({"area": str(area), "period": period, "period_end": period_end.normalize(), "measure": mid,
                     "numerator": num, "denominator": den, "value": val,
                     "source": "local: " + (str(r["source_note"]).strip() or p.name)})
    if problems:
        raise SchemaError(f"local measures file has {len(problems)} problem(s): " + "; ".join(problems[:8])
                          + (f"; and {len(problems) - 8} more" if len(problems) > 8 else ""), where=str(p),
                          fix="Correct those rows; see data/local/README.md")
    if not rows:
        return indicators.empty().assign(period_end=pd.Series(dtype="datetime64[ns]"))
    df = pd.DataFrame(rows)
    if df.duplicated(["area", "period_end", "measure"]).any():
        d = df[df.duplicated(["area", "period_end", "measure"], keep=False)].iloc[0]
        raise SchemaError(f"local measures file has two figures for {d['measure']} in {d['period_end']:%Y-%m-%d}",
                          where=str(p), fix="Keep one row per measure and period")
    areas = {a: resolve_la(a) for a in df["area"].unique()}
    if la is not None:
        mine = resolve_la(la)
        if all(a.area_code != mine.area_code for a in areas.values()):
            theirs = ", ".join(sorted({f"{a.display_name} ({a.area_code})" for a in areas.values()}))
            raise SchemaError(f"local measures file has no rows for {mine.display_name} ({mine.area_code}): its "
                              f"area column names {theirs}", where=str(p),
                              fix=f"Give {mine.display_name}'s own file, or put {mine.area_code} in its area column")
    df["area_code"] = df["area"].map(lambda a: areas[a].area_code)
    df["area_name"] = df["area"].map(lambda a: areas[a].area_name)
    df["ons_code"] = df["area"].map(lambda a: areas[a].ons_code)
    df["geographic_level"] = "Local authority"
    df["status"] = indicators.OK
    return indicators.conform(df.sort_values(["measure", "period_end"]))     # keeps period_end
