"""Care planning and recording: looked-after reviews (on time, the child's
participation) and ethnicity recorded.

The 903 Reviews table (DfE SSDA903 guidance; validator rules 166, 167) holds every
statutory review of a child looked after held during the year: its date (REVIEW) and
how the child took part (REVIEW_CODE):

* PN0 child aged under 4 at the time of the review;
* PN1 attends and speaks for him or herself; PN2 attends and an advocate speaks for
  them; PN3 attends and conveys views symbolically (non-verbally); PN4 attends but
  does not speak, convey views or ask an advocate; PN5 does not attend but briefs an
  advocate; PN6 does not attend but conveys feelings by a facilitative medium;
* PN7 does not attend, nor are their views conveyed.

Reviews are not collected for children looked after under a series of short breaks
(V3/V4; validator rule 399), which are reviewed on a different timetable (Care
Planning, Placement and Case Review (England) Regulations 2010, reg. 48). A review
counts if the child was looked after, not on a short break, on its day (an episode
started on or before it and ceased on or after it); other rows (a date outside care)
are left out. Two rows for one child and day are one review (the DUPLICATE check).

No DfE table publishes either review measure today: the definitions below are
evaltools' rulings, stated in each function, on the statutory timescales (reg. 33)
and the 903 codes. The former national indicators (reviews on time; children who
communicated their views at every review) counted children at 31 March; evaltools
counts reviews, so a monthly series means something and a child with more reviews
weighs more.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from .data import EPOCH, CareData, NONE, add_months, to_days, via_unique, window_start
from .engine import period_of

#: the child took part in the review, in person or through an advocate, a symbol or a
#: facilitative medium (PN1-PN6); PN7: neither attended nor had views conveyed
PARTICIPATED = ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6")
#: the participation codes that apply (PN0, a child under 4, is left out)
PARTICIPATION_CODES = PARTICIPATED + ("PN7",)
#: DfE's ethnicity codes (SSDA903 guidance, Header ETHNIC) that record an ethnicity:
#: every code but REFU (refused) and NOBT (information not yet obtained)
ETHNIC_RECORDED = ("WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH",
                   "AIND", "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH")
#: first review: within 20 working days of becoming looked after (reg. 33(1)(a))
FIRST_REVIEW_WORKING_DAYS = 20

EMPTY = ["ref", "cid", "num", "den"]


# ---------------------------------------------------------------- working days
def _easter(y: int) -> date:
    """Easter Sunday (Gregorian; the anonymous algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    return date(y, month, (h + l_ - 7 * m + 114) % 31 + 1)


def _monday(d: date, n: int = 1) -> date:
    """The nth Monday on or after ``d`` (n=1: the first)."""
    return d + timedelta(days=(7 - d.weekday()) % 7 + 7 * (n - 1))


def _last_monday(y: int, month: int) -> date:
    end = (date(y + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
    return end - timedelta(days=end.weekday())


#: one-off bank holidays in England and Wales, and years a regular one moved
_SPECIAL = {1995: ["1995-05-08"], 1999: ["1999-12-31"], 2002: ["2002-06-03", "2002-06-04"],
            2011: ["2011-04-29"], 2012: ["2012-06-04", "2012-06-05"],
            2020: ["2020-05-08"], 2022: ["2022-06-02", "2022-06-03", "2022-09-19"],
            2023: ["2023-05-08"]}
_MOVED = {1995: ("early_may",), 2002: ("spring",), 2012: ("spring",), 2020: ("early_may",),
          2022: ("spring",)}


@lru_cache(maxsize=1)
def bank_holidays(first: int = 1990, last: int = 2040) -> np.ndarray:
    """Bank holidays in England and Wales (Banking and Financial Dealings Act 1971 and
    the proclamations moving or adding days: 1995, 1999, 2002, 2011, 2012, 2020, 2022,
    2023), with substitute days when Christmas, Boxing Day or New Year's Day fall at a
    weekend. Days proclaimed after this was written are not known to it."""
    out = []
    for y in range(first, last + 1):
        moved = _MOVED.get(y, ())
        ny = date(y, 1, 1)
        out.append(ny + timedelta(days={5: 2, 6: 1}.get(ny.weekday(), 0)))
        e = _easter(y)
        out += [e - timedelta(days=2), e + timedelta(days=1)]
        if "early_may" not in moved:
            out.append(_monday(date(y, 5, 1)))
        if "spring" not in moved:
            out.append(_last_monday(y, 5))
        out.append(_last_monday(y, 8))
        xmas, boxing = date(y, 12, 25), date(y, 12, 26)
        wd = xmas.weekday()
        if wd == 4:          # Friday: Boxing Day (Saturday) moves to Monday
            out += [xmas, date(y, 12, 28)]
        elif wd == 5:        # Saturday: Monday and Tuesday
            out += [date(y, 12, 27), date(y, 12, 28)]
        elif wd == 6:        # Sunday: Boxing Day Monday, Christmas Tuesday
            out += [boxing, date(y, 12, 27)]
        else:
            out += [xmas, boxing]
        out += [date.fromisoformat(d) for d in _SPECIAL.get(y, [])]
    return np.array(sorted(set(out)), dtype="datetime64[D]")


def add_working_days(days: np.ndarray, n: int) -> np.ndarray:
    """The day ``n`` working days (Monday to Friday, not a bank holiday in England)
    after each day: 20 working days after Monday 3 June 2024 is Monday 1 July; after
    a Saturday, counting starts on the Monday."""
    def f(d):
        dd = (np.asarray(d, dtype=np.int64)).astype("datetime64[D]")
        out = np.busday_offset(dd, n, roll="backward", holidays=bank_holidays())
        return (out - EPOCH).astype(np.int64)
    return via_unique(f, np.asarray(days, dtype=np.int64))


# ---------------------------------------------------------------- reviews
def reviews(cd: CareData) -> pd.DataFrame:
    """One row per review of a child looked after on its day (not a short break), in
    child and date order: cid, day, code, period, period_start, ``due`` (the last day
    it was on time; NaN where the extract cannot tell) (computed once)."""
    return cd.cached("reviews", lambda: _build_reviews(cd))


def _build_reviews(cd: CareData) -> pd.DataFrame:
    cols = {"cid": np.int64, "day": np.int64, "code": object, "period": np.int64,
            "period_start": np.int64, "start_known": bool, "due": float}
    t = cd.tables.get("Reviews")
    if t is None or t.empty or "REVIEW" not in t:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in cols.items()})
    dayn = to_days(t["REVIEW"])
    r = pd.DataFrame({"cid": t["cid"].to_numpy(dtype=np.int64), "day": dayn,
                      "code": t["REVIEW_CODE"].astype(object).to_numpy() if "REVIEW_CODE" in t else None})
    r = r[r["day"] != NONE].sort_values(["cid", "day", "code"], kind="stable")
    r = r.drop_duplicates(["cid", "day"], keep="first").reset_index(drop=True)
    cid, dayn = r["cid"].to_numpy(), r["day"].to_numpy()
    e = cd.episodes
    row = cd.latest_episode(cid, dayn)                  # short breaks aside
    ok = (row >= 0) & (e["end"].to_numpy()[np.maximum(row, 0)] >= dayn)
    r, row = r[ok].reset_index(drop=True), row[ok]
    r["period"] = e["period"].to_numpy()[row]
    r["period_start"] = e["period_start"].to_numpy()[row]
    # the day the child became looked after is known if the period's first episode in
    # the extract starts it (RNE S) or began inside the extract; a period whose earlier
    # episodes came before the first return has an unknown start
    first = e.drop_duplicates("period").set_index("period")
    began = (first["RNE"].to_numpy(dtype=object) == "S") | (first["start"].to_numpy() >= cd.coverage_start)
    r["start_known"] = pd.Series(began, index=first.index).reindex(r["period"]).to_numpy(dtype=bool)
    r["due"] = _due(cd, r)
    return r


def _due(cd: CareData, r: pd.DataFrame) -> np.ndarray:
    """The last day each review was on time under reg. 33 (see :func:`on_time`)."""
    if r.empty:
        return np.empty(0)
    day, start, period = r["day"].to_numpy(), r["period_start"].to_numpy(), r["period"].to_numpy()
    seen_all = start >= cd.coverage_start        # the extract holds every review since
    known = r["start_known"].to_numpy()
    first_due = np.where(known, add_working_days(start, FIRST_REVIEW_WORKING_DAYS), NONE)
    has_prev = np.r_[False, period[1:] == period[:-1]]
    # the first review of the period: no earlier one in the extract, and either the
    # extract covers the whole period or it was held within the first review's limit
    is_first = ~has_prev & (seen_all | (day <= first_due))
    prev_day = np.where(has_prev, np.r_[day[:1], day[:-1]], day)
    prev_first = np.r_[False, is_first[:-1]] & has_prev
    due = np.where(is_first, first_due,
                   np.where(prev_first, add_months(prev_day, 3), add_months(prev_day, 6))).astype(float)
    # no earlier review in the extract, a period begun before it: the last review (or
    # the start) was before the extract's first day, so the gap is at least this long
    unseen = ~has_prev & ~is_first
    gap_from = cd.coverage_start - 1
    late_anyway = unseen & (day > add_months(np.full(len(day), gap_from), 6))
    due[unseen & ~late_anyway] = np.nan                      # cannot tell
    due[late_anyway] = -np.inf
    return due


def _in_window(r: pd.DataFrame, refs):
    day = r["day"].to_numpy()
    for ref, ws in zip(refs, window_start(refs, 12)):
        yield ref, np.flatnonzero((day >= ws) & (day <= ref))


def on_time(cd: CareData, refs) -> pd.DataFrame:
    """Reviews held in the 12 months to the reference date within the statutory
    timescale (reg. 33 of the Care Planning, Placement and Case Review (England)
    Regulations 2010): the first review of a period of care within 20 working days of
    its start (weekends and bank holidays in England excluded), the second within 3
    months of the first, each later one within 6 months of the one before (calendar
    months, as "month" means in statute (Interpretation Act 1978): 31 August + 6 months
    = 28 February; on the last day is on time). Where the period of care began before
    the extract, the earliest review the extract holds counts as the first only if it
    was held within 20 working days of the start (the start is known only if the
    extract holds the episode that began the period, RNE S), and a review with no
    earlier one in the extract counts as late once the extract's first day is more
    than 6 months before it; otherwise it is left out (it cannot be judged). Each
    review is a row; a child with three reviews counts three times.

    The period of care is the one DfE counts (a new one on RNE S or after a gap), so
    its start is "the date the child became looked after"; a change of placement or
    legal status does not restart the timetable (reg. 33 has no such rule). A review
    held late is late however many reviews the child had; the next review is timed
    from it (the regulations time each review from the one before). Reviews of
    children on short breaks are left out (reg. 48 sets their own timetable).
    """
    r = reviews(cd)
    due = r["due"].to_numpy()
    late_or_not = np.isfinite(due) | np.isneginf(due)
    rows = []
    for ref, idx in _in_window(r, refs):
        idx = idx[late_or_not[idx]]
        rows.append(pd.DataFrame({"ref": ref, "cid": r["cid"].to_numpy()[idx],
                                  "num": r["day"].to_numpy()[idx] <= due[idx], "den": 1}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=EMPTY)


def participation(cd: CareData, refs) -> pd.DataFrame:
    """Reviews held in the 12 months to the reference date at which the child
    participated (REVIEW_CODE PN1-PN6: attended, or had their views conveyed by an
    advocate, symbolically or by a facilitative medium), of reviews of children aged 4
    or over (PN1-PN7; PN0, under 4, and blank or invalid codes left out). Each review
    is a row.

    PN1-PN6 over PN1-PN7 is the former national measure's split (views conveyed or
    not); a stricter "attended and took part" (PN1-PN3) is not what DfE counted. PN4
    (attended but did not convey views) counts as participation, as it did there.
    """
    r = reviews(cd)
    code = r["code"].to_numpy(dtype=object)
    applies = np.isin(code, PARTICIPATION_CODES)
    took_part = np.isin(code, PARTICIPATED)
    rows = []
    for ref, idx in _in_window(r, refs):
        idx = idx[applies[idx]]
        rows.append(pd.DataFrame({"ref": ref, "cid": r["cid"].to_numpy()[idx],
                                  "num": took_part[idx], "den": 1}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=EMPTY)


# ---------------------------------------------------------------- ethnicity
def ethnicity_recorded(cd: CareData, refs) -> pd.DataFrame:
    """Children looked after at any time in the 12 months to the reference date (not
    short breaks) whose Header ETHNIC records an ethnicity: one of DfE's 18 ethnicity
    codes, not REFU (refused) or NOBT (information not yet obtained); a blank or
    invalid code is not recorded. The Header row is the one the child's return for the
    collection year of the reference date holds (ethnicity as recorded then), else the
    latest earlier one, else the earliest later one.
    """
    from .missing import _looked_after_during
    h = cd.tables.get("Header")
    n = len(cd.children)
    if h is None or h.empty:
        lookup = lambda year: np.zeros(n, dtype=bool)           # noqa: E731
    else:
        h = h.sort_values(["cid", "YEAR"], kind="stable")
        hc, hy = h["cid"].to_numpy(dtype=np.int64), h["YEAR"].to_numpy(dtype=np.int64)
        rec = np.isin(h["ETHNIC"].to_numpy(dtype=object), ETHNIC_RECORDED)
        key = hc * 10000 + hy

        def lookup(year):
            q = np.arange(n, dtype=np.int64) * 10000 + year
            pos = np.searchsorted(key, q, side="right") - 1          # latest row <= year
            later = np.minimum(pos + 1, len(key) - 1)
            use = np.where((pos >= 0) & (hc[np.maximum(pos, 0)] == np.arange(n)), np.maximum(pos, 0), later)
            found = hc[use] == np.arange(n)
            return found & rec[use]
    rows = []
    for ref, ws in zip(refs, window_start(refs, 12)):
        who = _looked_after_during(cd, ref, ws)
        ok = lookup(int(period_of(np.array([ref]))[0]))[who]
        rows.append(pd.DataFrame({"ref": ref, "cid": who, "num": ok, "den": 1}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=EMPTY)
