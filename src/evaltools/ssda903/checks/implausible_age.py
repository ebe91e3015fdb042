"""Ages that cannot be right for a child looked after."""

from __future__ import annotations

import pandas as pd

from . import flags

CODE = "AGE_IMPLAUSIBLE"
SEVERITY = "error"
TITLE = "Implausible age"
MEANING = ("A child who started care aged 18 or over, or a date of birth after the year "
           "ended, cannot be placed in any age cohort; the rows are left out.")
DFE_RULES = ["352", "301"]


def _age(dob: pd.Series, at: pd.Series) -> pd.Series:
    years = at.dt.year - dob.dt.year
    before = (at.dt.month < dob.dt.month) | ((at.dt.month == dob.dt.month) & (at.dt.day < dob.dt.day))
    return years - before.astype(int)


def run(ctx):
    out = []
    hd = ctx.table("Header")
    if hd is not None and not hd.empty:
        late = hd[hd["DOB"] > ctx.year_end]
        out.append(flags("Header", late, "DOB", f"Date of birth is after the end of the {ctx.year} collection year"))
    ep = ctx.table("Episodes")
    if ep is not None and not ep.empty and hd is not None and not hd.empty:
        e = ep[ep["RNE"] == "S"]
        e = e.assign(_DOB=ctx.header_dob(e["CHILD"]))
        e = e[e["_DOB"].notna() & e["DECOM"].notna()]
        hit = e[_age(e["_DOB"], e["DECOM"]) >= 18]
        out.append(flags("Episodes", hit, "", "Child started to be looked after aged 18 or over"))
    return pd.concat(out, ignore_index=True) if out else None
