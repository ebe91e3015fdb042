"""OC3 (care leaver) rows for young people who are not in the care leaver cohort."""

from __future__ import annotations

import pandas as pd

from . import flags

CODE = "OC3_NOT_CARE_LEAVER"
SEVERITY = "error"
TITLE = "Care leaver row for a young person outside the cohort"
MEANING = ("OC3 is for care leavers whose 17th to 21st birthday falls in the year. A row "
           "for anyone else would enter the EET, accommodation and in-touch measures; it "
           "is left out of them.")
DFE_RULES = ["1001", "1002"]


def run(ctx):
    oc3 = ctx.table("OC3")
    if oc3 is None or oc3.empty:
        return None
    out = []
    # age at the birthday falling in the year (1 April to 31 March)
    dob = oc3["DOB"]
    bday_year = ctx.year - (dob.dt.month >= 4).astype(int)
    age = bday_year - dob.dt.year
    bad_age = oc3[dob.notna() & ~age.between(17, 21)]
    out.append(flags("OC3", bad_age, "DOB",
                     [f"Birthday this year is the {a}th, not the 17th to 21st" for a in age[bad_age.index]]))
    ep = ctx.table("Episodes")
    if ep is not None and not ep.empty:
        # still looked after at the end of the year: not (yet) a care leaver
        open_now = set(ep.loc[ep["DEC"].isna(), "CHILD"].dropna())
        hit = oc3[oc3["CHILD"].isin(open_now)]
        out.append(flags("OC3", hit, "",
                         "Still looked after at 31 March (open episode) but reported as a care leaver"))
    return pd.concat(out, ignore_index=True)
