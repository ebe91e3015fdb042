"""Care leavers at 17-18 and 19-21 (OC3), measured around their birthday.

The OC3 table of a return holds the former relevant young people whose 17th to 21st
birthday falls in its year (looked after 13+ weeks after their 14th birthday,
including some time after 16). evaltools takes the rows returned and adds the young
people the episodes show to be eligible who have no OC3 row (as not known: not in
touch, activity and accommodation unknown, as DfE counts them), and:

* takes the birthday (month) from the month of birth: a birthday in April to December
  falls in the first calendar year of the collection year, January to March in the
  second; age = that birthday's year - birth year;
* leaves out young people who died (IN_TOUCH DIED), returned home to live with
  parents for 6 months or more (RHOM), or whose care was taken over by another council
  (their last period of care ended with REC E3), as DfE does;
* at 17 and 18 counts only young people no longer looked after on the birthday (DfE
  validation rules 1007/1016): with months of birth, a young person still in care at
  the end of their birthday month is left out; one who left during it is counted;
* counts those the council is not in touch with, who refused contact or no longer
  need services, or whose activity is not known, in the denominator (so they are not
  EET);
* for accommodation, leaves out of the suitability total those gone abroad, deported
  or whose residence is not known (G, H, R), whose suitability cannot be judged.

Rolling figures use the young people whose birthday month falls in the 12 months to
each month end, from whichever return recorded that birthday.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import CareData, NONE, add_months, to_days, window_start

EET = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
IN_TOUCH = ("YES",)
EXCLUDED = ("DIED", "RHOM")
#: how a period of care ended that keeps a young person out of the ones evaltools adds
#: when the council returned no OC3 row: adopted (not care leavers), died, care taken
#: over by another council, age assessed as 18 or over; and returned home or moved
#: abroad, where the extract cannot tell whether DfE's exclusions apply
NOT_ADDED = ("E11", "E12", "E2", "E3", "E15", "E4A", "E4B", "E16")
#: accommodation whose suitability is not judged (gone abroad, deported, not known)
UNJUDGED = ("G", "H", "R")
AGES = {"17_18": (17, 18), "19_21": (19, 21), "18": (18, 18), "19_20": (19, 20)}


def birthdays(cd: CareData) -> pd.DataFrame:
    """OC3 rows with the birthday they were measured at (day number of the 1st of the
    birthday month) and the age reached (computed once per CareData)."""
    return cd.cached("birthdays", lambda: _birthdays(cd))


def _birthdays(cd: CareData) -> pd.DataFrame:
    cols = ["cid", "bday", "age", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR", "returned"]
    oc3 = cd.tables.get("OC3")
    if oc3 is None or oc3.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    else:
        dob = pd.DatetimeIndex(oc3["DOB"])
        year = oc3["YEAR"].to_numpy()
        by = np.where(dob.month >= 4, year - 1, year)
        bday = pd.to_datetime(pd.DataFrame({"year": by, "month": dob.month, "day": 1}), errors="coerce")
        out = pd.DataFrame({"cid": oc3["cid"].to_numpy(), "bday": to_days(bday),
                            "age": by - dob.year, "IN_TOUCH": oc3["IN_TOUCH"].astype(object).to_numpy(),
                            "ACTIV": oc3["ACTIV"].astype(object).to_numpy(),
                            "ACCOM": oc3["ACCOM"].astype(object).to_numpy(), "YEAR": year,
                            "returned": True})
        out = out[out["bday"] != NONE]
    out = pd.concat([out, _eligible_without_oc3(cd, out)], ignore_index=True)
    out = out[~out["IN_TOUCH"].isin(EXCLUDED)]
    # care taken over by another council: the last period of care ended with E3
    e = cd.episodes
    last = e.drop_duplicates("cid", keep="last")
    transferred = last.loc[last["REC"] == "E3", "cid"].to_numpy()
    out = out[~np.isin(out["cid"].to_numpy(), transferred)]
    # at 17 and 18: not if still looked after at the end of the birthday month
    young = out["age"].isin((17, 18)).to_numpy()
    if young.any():
        month_end = add_months(out["bday"].to_numpy(dtype=np.int64), 1) - 1
        still = _in_care_on(cd, out["cid"].to_numpy(dtype=np.int64), month_end)
        out = out[~(young & still)]
    return out.astype({"cid": np.int64, "bday": np.int64, "age": np.int64})


def _eligible_without_oc3(cd: CareData, returned: pd.DataFrame) -> pd.DataFrame:
    """Young people the episodes show to be care leavers (looked after 13 weeks or more
    after their 14th birthday, some of it after their 16th, not adopted: DfE's rule as
    the 903 validator's rule 1001 applies it), with a 17th-21st birthday in a year of
    the extract but no OC3 row for it. They are in DfE's cohort, so they count, as not
    known (not in touch, activity and accommodation unknown). Only time inside the
    extract is seen, so a young person whose care was all before it is not added; nor
    is one whose care ended in a way that may put them outside DfE's cohort
    (:data:`NOT_ADDED`)."""
    from .engine import period_of
    e = cd.episodes[~cd.episodes["short_break"]]
    dob = cd.children["dob"].to_numpy()
    cid = e["cid"].to_numpy()
    known = dob[cid] > -(10 ** 6)
    cid, start = cid[known], e["start"].to_numpy()[known]
    end = np.minimum(e["end"].to_numpy()[known], cd.coverage_end + 1)
    # with months of birth, count only time after the birthday month, so that nobody
    # is added who might not qualify (the return's own rows decide the rest)
    d14 = add_months(dob[cid], 14 * 12 + 1)
    d16 = add_months(dob[cid], 16 * 12 + 1)
    n = len(cd.children)
    last = e.drop_duplicates("cid", keep="last")
    unsure = np.zeros(n, dtype=bool)
    unsure[last.loc[last["REC"].isin(NOT_ADDED), "cid"].to_numpy()] = True
    rows = []
    for age in range(17, 22):
        # eligible as at this birthday: 13 weeks in care after 14, some of it after 16
        until = add_months(dob[cid], 12 * age)
        after14 = np.bincount(cid, weights=np.clip(np.minimum(end, until) - np.maximum(start, d14), 0, None),
                              minlength=n)
        after16 = np.bincount(cid, weights=np.clip(np.minimum(end, until) - np.maximum(start, d16), 0, None),
                              minlength=n)
        who = np.flatnonzero((after14 >= 91) & (after16 >= 1) & ~unsure)
        bday = add_months(dob[who], 12 * age)                  # 1st of the birthday month
        year = period_of(bday)
        inside = (year >= cd.first_year) & (year <= cd.last_year)
        rows.append(pd.DataFrame({"cid": who[inside], "bday": bday[inside], "age": age,
                                  "YEAR": year[inside]}))
    cand = pd.concat(rows, ignore_index=True)
    # at 17 and 18, add only those who had left care before their birthday month began
    # (within the month, the return's own rows decide)
    young = cand["age"].isin((17, 18)).to_numpy()
    before = _in_care_on(cd, cand["cid"].to_numpy(dtype=np.int64), cand["bday"].to_numpy(dtype=np.int64) - 1)
    cand = cand[~(young & before)]
    have = pd.MultiIndex.from_arrays([returned["cid"].astype(np.int64), returned["YEAR"].astype(np.int64)])
    cand = cand[~pd.MultiIndex.from_arrays([cand["cid"], cand["YEAR"]]).isin(have)]
    return cand.assign(IN_TOUCH=None, ACTIV="0", ACCOM="0", returned=False)


def _in_care_on(cd: CareData, cid: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Whether each child was looked after (not a short break) at the end of ``when``."""
    row = cd.latest_episode(cid, when)
    end = np.append(cd.episodes["end"].to_numpy(), -1)      # row -1: no episode
    return end[row] > when


def _cohort(cd: CareData, refs, ages) -> pd.DataFrame:
    b = birthdays(cd)
    lo, hi = AGES[ages]
    b = b[(b["age"] >= lo) & (b["age"] <= hi)]
    bd = b["bday"].to_numpy()
    out = []
    for r, ws in zip(refs, window_start(refs, 12)):
        w = b[(bd >= ws) & (bd <= r)]
        if w["cid"].duplicated().any():
            w = w.drop_duplicates("cid", keep="last")
        out.append(w.assign(ref=r))
    return pd.concat(out, ignore_index=True) if out else b.assign(ref=np.int64(0)).iloc[0:0]


def _measure(ages: str, test):
    def f(cd: CareData, refs) -> pd.DataFrame:
        c = _cohort(cd, refs, ages)
        return pd.DataFrame({"ref": c["ref"], "cid": c["cid"], "num": test(c), "den": 1})
    return f


def in_touch(ages):
    """Care leavers the council was in touch with around their birthday."""
    return _measure(ages, lambda c: c["IN_TOUCH"].isin(IN_TOUCH).to_numpy())


def eet(ages):
    """Care leavers in education, employment or training around their birthday."""
    return _measure(ages, lambda c: c["ACTIV"].isin(EET).to_numpy())


def suitable_accommodation(ages):
    """Care leavers in accommodation considered suitable (code suffix 1), of the
    suitability total (all but gone abroad, deported and residence not known)."""
    def f(cd: CareData, refs) -> pd.DataFrame:
        c = _cohort(cd, refs, ages)
        a = c["ACCOM"].astype(str)
        judged = ~a.str[0].isin(UNJUDGED).to_numpy()
        c = c[judged]
        return pd.DataFrame({"ref": c["ref"], "cid": c["cid"],
                             "num": a[judged].str.endswith("1").to_numpy(), "den": 1})
    return f


def staying_put(ages):
    """Young people who ceased care in a foster placement in the month of their 18th
    birthday and, at this birthday, live with their former foster carers (ACCOM Z)."""
    def f(cd: CareData, refs) -> pd.DataFrame:
        c = _cohort(cd, refs, ages)
        e = cd.episodes
        last = e[~e["short_break"]].drop_duplicates("cid", keep="last")
        foster = last["PLACE"].isin(("U1", "U2", "U3", "U4", "U5", "U6")).to_numpy()
        end = pd.Series(last["end"].to_numpy(), index=last["cid"].to_numpy())
        fost = pd.Series(foster, index=last["cid"].to_numpy())
        dob = cd.children["dob"].to_numpy()
        cid = c["cid"].to_numpy(dtype=np.int64)
        ended = end.reindex(cid).to_numpy()
        b18 = pd.DatetimeIndex(dob[cid].astype("datetime64[D]")) + pd.DateOffset(years=18)
        endm = pd.DatetimeIndex(np.where(ended < 10 ** 6, ended, 0).astype("datetime64[D]"))
        at18 = (ended < 10 ** 6) & (endm.year == b18.year) & (endm.month == b18.month) & \
            fost.reindex(cid).fillna(False).to_numpy(dtype=bool)
        num = c["ACCOM"].astype(str).str.startswith("Z").to_numpy()
        return pd.DataFrame({"ref": c["ref"].to_numpy()[at18], "cid": cid[at18], "num": num[at18], "den": 1})
    return f
