from evaltools.ssda903.checks import oc3_not_care_leaver as rule

from .helpers import ctx, ep, rows_flagged


def test_oc3_outside_the_17_to_21_cohort_or_still_in_care():
    """2024 year (1/4/23-31/3/24). A born 10/06/2004: 19th birthday in year (fine).
    B born 10/06/2001: 22nd (flagged). C born 01/02/2007: 17th on 01/02/2024 (fine by
    age) but still in care at 31 March (flagged). D born 01/04/2002: 22nd birthday on
    01/04/2024, after the year; in year the birthday was 21st on 01/04/2023 (fine)."""
    c = ctx(2024,
            OC3=[{"CHILD": "A", "DOB": "10/06/2004"}, {"CHILD": "B", "DOB": "10/06/2001"},
                 {"CHILD": "C", "DOB": "01/02/2007"}, {"CHILD": "D", "DOB": "01/04/2002"}],
            Episodes=[ep("C", "01/04/2022", None, "S")])
    assert rows_flagged(rule.run(c)) == [3, 4]
