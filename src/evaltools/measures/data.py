"""Child-level care histories prepared once for every measure.

:class:`CareData` turns an ingested (pseudonymised) SSDA903 extract into compact,
integer-keyed arrays that every measure works on:

* ``episodes``: one continuous episode history per child (later returns win, see
  :meth:`evaltools.ssda903.Extract.history`), with dates as whole days since
  1970-01-01 (``end`` is :data:`OPEN` for an episode still open), a per-child integer
  key ``cid``, the period of care each episode belongs to, and whether it starts a new
  placement under DfE's counting rules (:func:`new_placement`);
* ``children``: one row per child: month of birth (as days), sex, and UASC dates;
* the other tables (OC2, OC3, Missing, AD1, PlacedAdoption, Reviews, ...) with ``cid``
  added, and ``tables["Header"]``: each return's Header row (YEAR, ETHNIC) per child,
  when the Header has ETHNIC.

Rows that an error-severity issue touches in the columns a measure needs are left out
before anything is computed (``Extract.usable``), and counted in ``excluded``.

Dates of birth are months after ingest. Ages are taken at month ends (31 March and
every month end for rolling series), where the first of the month gives the exact age:
a child born in the reference month has had their birthday by its last day.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: end of an open episode, in days: later than any date
OPEN = np.int64(10 ** 7)
NONE = np.int64(-(10 ** 7))            # a missing date (start-like columns)
EPOCH = np.datetime64("1970-01-01", "D")

#: legal statuses of an agreed series of short-term placements (short breaks): DfE
#: excludes children looked after only under these from CLA figures
SHORT_BREAK_LS = ("V3", "V4")
#: RNE codes: S started; L legal status only; P placement and carer; T placement, same
#: carer; B legal status, placement and carer; U legal status and placement, same carer.
#: DfE's placement counts count a change of carer (S, P, B): the 2023 release relabelled
#: "same placement" as "same carer" without changing the back series, and the 2024
#: recoding of ~7,000 supported-accommodation placements as same-carer status changes
#: (RNE T/U) left the 3+ placements rate unchanged (docs/measures.md, ruling R1).
RNE_NEW_CARER = ("S", "P", "B")
#: every change of placement, as counted in DfE's "new placements during the year"
RNE_NEW_SETTING = ("S", "P", "B", "T", "U")
FOSTER_PLACE = ("U1", "U2", "U3", "U4", "U5", "U6")
#: placed for adoption with current foster carer(s) (with consent / placement order)
ADOPTION_WITH_CURRENT_CARER = ("A3", "A5")
#: temporary placements (hospital, holiday, respite while carers are away, <= 7 days)
TEMPORARY_PLACE = ("T0", "T1", "T2", "T3", "T4")
#: the tables measures read besides Episodes and Header
MEASURE_TABLES = ("UASC", "OC2", "OC3", "Missing", "AD1", "PlacedAdoption", "Reviews")


@contextlib.contextmanager
def frozen_heap():
    """Keep the garbage collector off the objects that exist already (an extract's
    millions of strings and frames) while measures are prepared and computed:
    CPython's full collections would otherwise walk them again and again (measured:
    about a fifth of the run time at national scale). Nothing is disabled; objects
    are moved back on exit."""
    global _FROZEN
    outer = _FROZEN == 0
    if outer:
        gc.freeze()
    _FROZEN += 1
    try:
        yield
    finally:
        _FROZEN -= 1
        if outer:
            gc.unfreeze()


_FROZEN = 0


def to_days(s: pd.Series | np.ndarray, missing: np.int64 = NONE) -> np.ndarray:
    """Dates as int64 days since 1970-01-01; NaT becomes ``missing``."""
    a = np.asarray(pd.to_datetime(pd.Series(s)).to_numpy(), dtype="datetime64[D]")
    out = (a - EPOCH).astype(np.int64)
    return np.where(np.isnat(a), missing, out)


def day(d) -> np.int64:
    """One date as days since 1970-01-01."""
    return np.int64((np.datetime64(pd.Timestamp(d).date(), "D") - EPOCH).astype(np.int64))


def from_days(d) -> pd.Timestamp:
    return pd.Timestamp(EPOCH + np.timedelta64(int(d), "D"))


def via_unique(fn, values: np.ndarray) -> np.ndarray:
    """``fn`` applied to each distinct value once (dates repeat millions of times)."""
    values = np.asarray(values)
    if len(values) < 5000:
        return fn(values)
    codes, uniq = pd.factorize(values)
    return fn(np.asarray(uniq))[codes]


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """The same day of the month ``months`` later (or earlier), clipped to the month's
    last day: 31 August + 6 months = 28 (or 29) February."""
    return via_unique(lambda d: _add_months(d, months), np.asarray(days, dtype=np.int64))


def month_and_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Months since January 1970 and day of the month (1-31) of each day number."""
    both = via_unique(lambda d: _month_and_day(d), np.asarray(days, dtype=np.int64))
    return both // 32, both % 32


def _month_and_day(d: np.ndarray) -> np.ndarray:
    dd = d.astype("datetime64[D]")
    m = dd.astype("datetime64[M]")
    dom = (dd - m.astype("datetime64[D]")).astype(np.int64) + 1
    return m.astype(np.int64) * 32 + dom


def _add_months(days: np.ndarray, months: int) -> np.ndarray:
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype(np.int64)
    target = m + np.timedelta64(months, "M")
    last = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64) - 1
    out = target.astype("datetime64[D]") + np.minimum(dom, last).astype("timedelta64[D]")
    return (out - EPOCH).astype(np.int64)


#: set to 1 by ``compute(frequency="month")``: the measures' 12-month windows become
#: the calendar month ending on the reference date (see :func:`calendar_months`)
_WINDOW_MONTHS: contextvars.ContextVar[int | None] = contextvars.ContextVar("window_months", default=None)


@contextlib.contextmanager
def calendar_months():
    """Within this block a measure's "12 months to the reference date" is the calendar
    month ending on it, so consecutive monthly figures do not overlap (rolling 12-month
    figures share 11 of their 12 months, which breaks SPC rules and ITS errors)."""
    token = _WINDOW_MONTHS.set(1)
    try:
        yield
    finally:
        _WINDOW_MONTHS.reset(token)


def window_start(ref: np.ndarray, months: int = 12) -> np.ndarray:
    """First day of the ``months``-month window ending on ``ref``: 31 March 2024 ->
    1 April 2023; 30 November 2024 -> 1 December 2023 (1 November 2024 inside
    :func:`calendar_months`)."""
    override = _WINDOW_MONTHS.get()
    if override is not None and months == 12:
        months = override
    return add_months(np.asarray(ref, dtype=np.int64) + 1, -months)


def new_placement(rne: np.ndarray, place: np.ndarray, prev_place: np.ndarray,
                  prev_same_child: np.ndarray) -> np.ndarray:
    """Whether each episode starts a new placement in DfE's placement counts.

    * A change of carer (RNE S, P or B) starts a placement; a change of legal status
      alone (L) or of placement with the same carer (T, U) does not.
    * Placed for adoption with the current foster carers (A3/A5) straight after a
      foster placement is not a new placement, whatever the RNE says.
    * A temporary placement (T0-T4) is not a placement (its return is handled by
      :func:`_returns_from_temporary`).
    """
    starts = np.isin(rne, RNE_NEW_CARER)
    adopt_same = prev_same_child & np.isin(place, ADOPTION_WITH_CURRENT_CARER) & np.isin(prev_place, FOSTER_PLACE)
    temp = np.isin(place, TEMPORARY_PLACE)
    return starts & ~adopt_same & ~temp


#: the key of :attr:`CareData.lacking` for years with no return at all
NO_RETURN = "no return"


@dataclass
class CareData:
    """Prepared child-level data for one area (see the module docstring)."""

    episodes: pd.DataFrame
    children: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    first_year: int
    last_year: int
    area: dict = field(default_factory=dict)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: collection years in which a table the measures read has no rows where its other
    #: years hold many (``ssda903.extract.empty_years``), or errors leave most of its
    #: rows out (``ssda903.extract.mostly_excluded``): its measures there are "not
    #: available", not 0 or a figure resting on the few rows left
    lacking: dict = field(default_factory=dict)
    #: the last day covered when the last return stops short of 31 March
    #: (``ssda903.extract.covered_until``; day number), else None
    data_end: int | None = None

    def cached(self, key, build):
        """``build()`` once per key for this data (cohorts, placements, lookups that
        several measures share); later calls return the stored result."""
        store = self.__dict__.setdefault("_cache", {})
        if key not in store:
            store[key] = build()
        return store[key]

    def latest_episode(self, cid: np.ndarray, when: np.ndarray) -> np.ndarray:
        """Row (in ``episodes``) of each child's latest episode, short breaks aside,
        that started on or before ``when``; -1 if none."""
        def build():
            rows = np.flatnonzero(~self.episodes["short_break"].to_numpy())
            e = self.episodes
            key = e["cid"].to_numpy()[rows].astype(np.int64) * (1 << 32) + (e["start"].to_numpy()[rows] + (1 << 30))
            return rows, key
        rows, key = self.cached("latest_episode_index", build)
        cid = np.asarray(cid, dtype=np.int64)
        if not len(rows):
            return np.full(len(cid), -1, dtype=np.int64)
        q = cid * (1 << 32) + (np.asarray(when, dtype=np.int64) + (1 << 30))
        pos = np.searchsorted(key, q, side="right") - 1
        row = rows[np.maximum(pos, 0)]
        return np.where((pos >= 0) & (self.episodes["cid"].to_numpy()[row] == cid), row, -1)

    @property
    def coverage_start(self) -> np.int64:
        """First day the extract sees every episode: 1 April of its first return year."""
        return day(f"{self.first_year - 1}-04-01")

    @property
    def coverage_end(self) -> np.int64:
        """Last day the extract covers: 31 March of its last return's year, or, for a
        last return cut short, the end of the last whole month it records (:attr:`data_end`)."""
        return np.int64(self.data_end) if self.data_end is not None else day(f"{self.last_year}-03-31")

    # ------------------------------------------------------------------ building
    @classmethod
    def from_extract(cls, ex, area: dict | None = None) -> "CareData":
        """Prepare an :class:`~evaltools.ssda903.Extract` (rows with errors in the
        columns measures use are left out and counted)."""
        with frozen_heap():
            return cls._from_extract(ex, area)

    @classmethod
    def _from_extract(cls, ex, area: dict | None = None) -> "CareData":
        from ..ssda903.extract import require_core_tables
        require_core_tables(ex)
        hist = ex.history()
        tables = {t: ex.usable(t) for t in ex.tables if t in MEASURE_TABLES}
        header = ex.usable("Header", ["CHILD", "DOB", "SEX"])
        excluded = pd.concat([ex.excluded(t).assign(table=t) for t in ex.tables], ignore_index=True)
        cd = cls.from_tables(hist, header, tables, years=ex.years, area=area, excluded=excluded)
        from ..ssda903.extract import WATCHED_TABLES, empty_years
        for t in WATCHED_TABLES:
            rows: dict[int, int] = {}
            for f in ex.files:
                if f.table == t:
                    rows[f.year] = rows.get(f.year, 0) + f.rows
            gone = set(empty_years(rows, ex.years)) | ex.mostly_excluded_years(t)
            if gone:
                cd.lacking[t] = gone
        # a year with no return at all (2023, then 2025), or whose Header or Episodes rows
        # errors mostly leave out: every measure there
        gaps = set(range(cd.first_year, cd.last_year + 1)) - set(ex.years)
        gaps |= ex.mostly_excluded_years()
        if gaps:
            cd.lacking[NO_RETURN] = gaps
        end = ex.ends_early()
        if end is not None:
            cd.data_end = int(day(end))
        return cd

    @classmethod
    def from_tables(cls, episodes: pd.DataFrame, header: pd.DataFrame,
                    tables: dict[str, pd.DataFrame] | None = None, years=None,
                    area: dict | None = None, excluded: pd.DataFrame | None = None) -> "CareData":
        """From a combined episode history and Header (and optionally other tables),
        each with CHILD (and YEAR). Used by tests to build small hand-worked cases."""
        tables = dict(tables or {})
        # one integer key per child, shared by every table: factorise all the CHILD
        # columns together once
        parts = [episodes["CHILD"], header["CHILD"]] + [t["CHILD"] for t in tables.values() if "CHILD" in t]
        codes, ids = pd.factorize(pd.concat(parts, ignore_index=True))
        bounds = np.cumsum([0] + [len(x) for x in parts])
        keys = [codes[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        header_cid = keys[1]
        # episodes in child then start order (integer sort keys)
        # (ties - two episodes starting the same day, which the DUPLICATE check flags -
        # are broken by end date, then codes, so input order never matters)
        starts = to_days(episodes["DECOM"], OPEN)
        order = np.lexsort((starts, keys[0]))
        same = (np.diff(keys[0][order]) == 0) & (np.diff(starts[order]) == 0)
        if same.any():
            tie = [pd.factorize(episodes[c].astype(object).fillna(""), sort=True)[0]
                   for c in ("PLACE", "RNE", "LS", "REC", "PLACE_PROVIDER", "REASON_PLACE_CHANGE")
                   if c in episodes]
            order = np.lexsort((*tie[::-1], to_days(episodes["DEC"], OPEN), starts, keys[0]))
        ep = episodes.iloc[order].reset_index(drop=True)
        cid = keys[0][order]
        table_cid = dict(zip([n for n, t in tables.items() if "CHILD" in t], keys[2:]))
        e = pd.DataFrame({
            "cid": cid.astype(np.int64),
            "start": to_days(ep["DECOM"]),
            "end": to_days(ep["DEC"], OPEN),
        })
        for c in ("RNE", "LS", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE", "CIN"):
            e[c] = ep[c].astype(object).to_numpy() if c in ep else None
        e["PL_DISTANCE"] = pd.to_numeric(ep["PL_DISTANCE"], errors="coerce").to_numpy() \
            if "PL_DISTANCE" in ep else np.nan
        e["PL_LA"] = ep["PL_LA"].astype(object).to_numpy() if "PL_LA" in ep else None
        e["YEAR"] = ep["YEAR"].to_numpy() if "YEAR" in ep else 0
        same_child = np.r_[False, e["cid"].to_numpy()[1:] == e["cid"].to_numpy()[:-1]]
        prev_end = np.r_[NONE, e["end"].to_numpy()[:-1]]
        # a new period of care: the child's first episode, RNE S, or a gap after the last
        new_period = ~same_child | (e["RNE"].to_numpy() == "S") | (e["start"].to_numpy() != prev_end)
        e["period"] = np.cumsum(new_period) - 1
        e["period_start"] = e.groupby("period")["start"].transform("min").to_numpy()
        prev_place = np.r_[None, e["PLACE"].to_numpy()[:-1]]
        rne, place = e["RNE"].to_numpy(), e["PLACE"].to_numpy()
        temp = np.isin(place, TEMPORARY_PLACE)
        ret = _returns_from_temporary(e)            # back from a temporary placement
        new_pl = new_placement(rne, place, prev_place, same_child) & ~ret
        e["new_placement"] = (new_pl | new_period) & ~(temp & ~new_period)
        e["placement"] = np.cumsum(e["new_placement"].to_numpy() | new_period) - 1
        # a change of setting (any placement change, same carer or not), as DfE counts
        # "new placements during the year"
        e["new_setting"] = (np.isin(rne, RNE_NEW_SETTING) | new_period) & ~temp & ~ret
        e["new_period"] = new_period
        e["short_break"] = np.isin(e["LS"].to_numpy(), SHORT_BREAK_LS)
        # children: the latest Header row for each child
        hd = header.assign(_cid=header_cid)
        hd = hd.sort_values("YEAR", kind="stable") if "YEAR" in hd else hd
        hd = hd.drop_duplicates("_cid", keep="last")
        hd = hd[hd["_cid"] >= 0]
        ch = pd.DataFrame({"cid": np.arange(len(ids))})
        pos = hd["_cid"].to_numpy()
        dob = np.full(len(ids), NONE)
        dob[pos] = to_days(hd["DOB"])
        sex = np.full(len(ids), None, dtype=object)
        sex[pos] = hd["SEX"].astype(object).to_numpy()
        ch["dob"] = dob
        ch["sex"] = sex
        ch["uasc_start"], ch["uasc_end"] = NONE, NONE
        u = tables.get("UASC")
        if u is not None and len(u):
            ucid = table_cid["UASC"]
            ch.loc[ucid, "uasc_start"] = 0           # UASC from arrival: before any episode
            ch.loc[ucid, "uasc_end"] = to_days(u["DUC"], OPEN)
        for t, df in tables.items():
            if "CHILD" in df:
                tables[t] = df.drop(columns="CHILD").assign(cid=table_cid[t])
        if "ETHNIC" in header:          # every return's row: ethnicity as recorded that year
            ok = header_cid >= 0
            tables["Header"] = pd.DataFrame({
                "cid": header_cid[ok].astype(np.int64),
                "YEAR": header["YEAR"].to_numpy()[ok] if "YEAR" in header else 0,
                "ETHNIC": header["ETHNIC"].astype(object).to_numpy()[ok]})
        years = sorted(years) if years is not None else sorted(
            set(episodes["YEAR"]) if "YEAR" in episodes else {pd.Timestamp("today").year})
        return cls(e, ch, tables, int(years[0]), int(years[-1]), dict(area or {}),
                   excluded if excluded is not None else pd.DataFrame())


def _returns_from_temporary(e: pd.DataFrame) -> np.ndarray:
    """Episodes that return a child, after one or more temporary placements, to the
    placement (same PLACE and postcode district) they were in before."""
    place = e["PLACE"].to_numpy()
    temp = np.isin(place, TEMPORARY_PLACE)
    out = np.zeros(len(e), dtype=bool)
    if not temp.any():
        return out
    cid = e["cid"].to_numpy()
    for i in np.flatnonzero(~temp[1:] & temp[:-1]) + 1:   # first episode after a temporary run
        j = i - 1
        while j >= 0 and temp[j] and cid[j] == cid[i]:
            j -= 1
        if j >= 0 and cid[j] == cid[i] and place[j] == place[i] and e["RNE"].iat[i] != "S":
            out[i] = True
    return out
