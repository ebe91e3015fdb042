"""Looked-after reviews (on time, participation) and ethnicity recorded, worked by hand.
Year 2024 = 1 April 2023 to 31 March 2024; the extract covers 2022-2025 (from 1 April
2021)."""

import math

import numpy as np
import pandas as pd

from conftest import EP_COLS, _d, care, value
from evaltools.measures import CareData, compute
from evaltools.measures.data import day, from_days
from evaltools.measures.practice import add_working_days, reviews


def _reviews(rows):
    """Reviews table rows (CHILD, REVIEW dd/mm/yyyy, REVIEW_CODE)."""
    t = pd.DataFrame(rows, columns=["CHILD", "REVIEW", "REVIEW_CODE"])
    t["REVIEW"] = _d(t["REVIEW"])
    return t


def _wd20(d):
    return from_days(add_working_days(np.array([day(d)]), 20)[0]).strftime("%d/%m/%Y")


def test_twenty_working_days_skip_weekends_and_bank_holidays():
    """20 working days after Thursday 1 June 2023: 2 June is day 1, then four weeks less
    a day -> Thursday 29 June. After Friday 22 December 2023 (25, 26 December and
    1 January are bank holidays): 27-29 Dec (3), 2-5 Jan (7), 8-12 (12), 15-19 (17),
    22-24 (20) -> Wednesday 24 January 2024, not 19 January. From Saturday 1 January
    2022 (bank holiday Monday 3 January): Tuesday 4 January is day 1 -> Monday 31
    January. Christmas 2022 fell on a Sunday: Tuesday 27 December was the holiday."""
    assert _wd20("2023-06-01") == "29/06/2023"
    assert _wd20("2023-12-22") == "24/01/2024"
    assert _wd20("2022-01-01") == "31/01/2022"
    assert _wd20("2022-12-20") == "20/01/2023"      # 26, 27 Dec and 2 Jan are holidays


REVIEW_EPISODES = [
    ("A", "01/06/2023", "S", "C2", "U4", None, None),
    ("B", "22/12/2023", "S", "V2", "U6", None, None),
    ("C", "01/01/2022", "S", "C2", "U4", None, None),
    ("D", "01/02/2024", "S", "C2", "U4", None, None),
    ("E", "01/05/2023", "S", "V3", "U4", "03/05/2023", "E8"),
]
REVIEWS = [
    ("A", "15/05/2023", "PN1"),      # before A was looked after: not a review of care
    ("A", "29/06/2023", "PN1"),      # 1st, due 29/06/2023 (20 working days): on time
    ("A", "02/10/2023", "PN4"),      # 2nd, due 29/09/2023 (3 months): late
    ("A", "01/03/2024", "PN7"),      # 3rd, due 02/04/2024 (6 months from the late one): on time
    ("B", "24/01/2024", "PN5"),      # 1st, due 24/01/2024 (bank holidays): on time
    ("C", "20/01/2022", "PN1"),      # 1st (year 2022)
    ("C", "15/04/2022", "PN1"),      # 2nd, within 3 months
    ("C", "10/10/2022", "PN1"),      # 3rd, within 6 months
    ("C", "12/04/2023", "PN2"),      # 4th, due 10/04/2023: late (year 2024)
    ("C", "12/10/2023", "PN7"),      # 5th, due 12/10/2023: on time
    ("D", "15/02/2024", "PN0"),      # 1st, on time; under 4: no participation code
    ("E", "02/05/2023", "PN1"),      # short break (V3): left out
]


def _review_data():
    return care(REVIEW_EPISODES, dob={"D": "01/06/2021"}, Reviews=_reviews(REVIEWS))


def test_reviews_on_time_follow_the_statutory_timetable():
    """Reviews held in 2024, children looked after (not on a short break) that day:
    A 29/06 on time, 02/10 late (second review due 3 months after the first, 29/09),
    01/03/2024 on time (6 months from the late review, 02/04/2024); B 24/01/2024 on time
    (20 working days after 22/12/2023 skip Christmas and New Year: a 28-day rule would
    call it late); C 12/04/2023 late (6 months after 10/10/2022: 10/04/2023),
    12/10/2023 on time; D 15/02/2024 on time. A's review on 15/05/2023, before care
    began, and E's during a short break are left out. 5 of 7 = 71.4%."""
    n, d, v, s = value(_review_data(), "reviews_on_time")
    assert (n, d, s) == (5, 7, "ok") and math.isclose(v, 500 / 7)


def test_review_participation_counts_pn1_to_pn6_of_pn1_to_pn7():
    """The same reviews in 2024 by REVIEW_CODE: A PN1, PN4, PN7; B PN5; C PN2, PN7;
    D PN0 (under 4: left out). Participated (PN1-PN6, PN4 'attends but does not
    convey views' included): PN1, PN4, PN5, PN2 = 4 of 6 = 66.7%. E's short-break
    review and A's before care are not reviews of a looked-after child."""
    n, d, v, s = value(_review_data(), "review_participation")
    assert (n, d, s) == (4, 6, "ok") and math.isclose(v, 400 / 6)


def test_reviews_before_the_extract_are_judged_only_when_certain():
    """The extract begins 1 April 2021. F entered care on 01/01/2020: its review on
    01/06/2021 has no earlier review in the extract and could be on time or late (the
    last one may have been as late as 31/03/2021): not judged. Its next, 15/11/2021, is
    timed 6 months from it (the first in the extract counts as a period's first review
    only if held within 20 working days of the start): due 01/12/2021, on time. G,
    also in care since 2020, has no review in the extract until 01/12/2021, more than 6
    months after 1 April 2021: late whatever came before. H became looked after on
    Monday 15/03/2021 (RNE S): its review on 06/04/2021 is its first, due 14/04/2021
    (20 working days, Good Friday and Easter Monday skipped). J's first episode in the
    extract, from 15/03/2021, is a change of placement (RNE P): when J became looked
    after is not known, so its review on 06/04/2021 cannot be judged. The first annual
    figure needs 18 months of reviews (2022: status x); calendar months do not."""
    cd = care([("F", "01/01/2020", "S", "C2", "U4", None, None),
               ("G", "01/01/2020", "S", "C2", "U4", None, None),
               ("H", "15/03/2021", "S", "C2", "U4", None, None),
               ("J", "15/03/2021", "P", "C2", "U4", None, None)],
              Reviews=_reviews([("F", "01/06/2021", "PN1"), ("F", "15/11/2021", "PN1"),
                                ("G", "01/12/2021", "PN1"), ("H", "06/04/2021", "PN1"),
                                ("J", "06/04/2021", "PN1")]))
    rv = reviews(cd)
    r = rv[rv["day"] != day("2021-04-06")].set_index("day")["due"]
    assert np.isnan(r[day("2021-06-01")]) and r[day("2021-11-15")] == day("2021-12-01")
    assert r[day("2021-12-01")] == -np.inf
    april = rv[rv["day"] == day("2021-04-06")]["due"].tolist()      # H, then J
    assert april[0] == day("2021-04-14") and np.isnan(april[1])
    assert value(cd, "reviews_on_time", period=2022)[3] == "x"
    m = compute(cd, ["reviews_on_time"], frequency="month").set_index("period_end")
    assert m.loc["2021-06-30", "status"] == "z"                       # nothing judged
    assert m.loc["2021-11-30", "numerator"] == 1 and m.loc["2021-12-31", "numerator"] == 0
    assert m.loc["2021-12-31", "denominator"] == 1


def _with_ethnicity(episodes, ethnic):
    """episodes as for care(); ethnic: {(CHILD, YEAR): ETHNIC} - one Header row each."""
    rows = [list(e) + [None] * (len(EP_COLS) - len(e)) for e in episodes]
    ep = pd.DataFrame(rows, columns=EP_COLS)
    ep["DECOM"], ep["DEC"] = _d(ep["DECOM"]), _d(ep["DEC"])
    ep["YEAR"] = 2025
    header = pd.DataFrame([{"CHILD": c, "YEAR": y, "ETHNIC": v, "DOB": "01/06/2010", "SEX": "1"}
                           for (c, y), v in ethnic.items()])
    header["DOB"] = _d(header["DOB"])
    return CareData.from_tables(ep, header, {}, years=[2022, 2023, 2024, 2025])


def test_ethnicity_recorded_uses_each_years_header():
    """Looked after during 2024: A (WBRI), B (NOBT in the 2024 return, WBRI in 2025),
    C (REFU), F (no 2024 row; the 2023 return recorded BAFR), G (blank). D left care
    in 2023 and E was on a short break only: not in the cohort. Recorded: A, F =
    2 of 5 = 40%. In 2025 B's ethnicity has been obtained: A, B, F = 3 of 5 = 60%."""
    eps = [("A", "01/01/2022", "S", "C2", "U4", None, None),
           ("B", "01/01/2022", "S", "C2", "U4", None, None),
           ("C", "01/01/2022", "S", "C2", "U4", None, None),
           ("D", "01/01/2022", "S", "C2", "U4", "01/02/2023", "E4A"),
           ("E", "01/05/2023", "S", "V3", "U4", "03/05/2023", "E8"),
           ("F", "01/01/2022", "S", "C2", "U4", None, None),
           ("G", "01/01/2022", "S", "C2", "U4", None, None)]
    eth = {("A", 2024): "WBRI", ("A", 2025): "WBRI", ("B", 2024): "NOBT", ("B", 2025): "WBRI",
           ("C", 2024): "REFU", ("C", 2025): "REFU", ("D", 2023): "WBRI", ("E", 2024): "WBRI",
           ("F", 2023): "BAFR", ("G", 2024): None, ("G", 2025): None}
    cd = _with_ethnicity(eps, eth)
    n, d, v, _ = value(cd, "ethnicity_recorded")
    assert (n, d, v) == (2, 5, 40.0)
    assert value(cd, "ethnicity_recorded", period=2025)[:3] == (3, 5, 60.0)
    # no ETHNIC column at all (conftest's care()): nothing is recorded
    assert value(care(eps[:1]), "ethnicity_recorded")[:3] == (0, 1, 0.0)
