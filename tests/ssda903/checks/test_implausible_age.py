from evaltools.ssda903.checks import implausible_age as rule

from .helpers import ctx, ep, rows_flagged


def test_started_care_aged_18_and_born_after_year_end():
    """A starts care the day they turn 18 (flagged); B starts the day before (fine);
    C's date of birth is after the 2024 year ended (flagged in Header)."""
    c = ctx(2024,
            Episodes=[ep("A", "01/06/2023", None, "S"), ep("B", "31/05/2023", None, "S")],
            Header=[{"CHILD": "A", "DOB": "01/06/2005"}, {"CHILD": "B", "DOB": "01/06/2005"},
                    {"CHILD": "C", "DOB": "01/04/2024"}])
    r = rule.run(c)
    assert sorted(zip(r["table"], r["row"])) == [("Episodes", 2), ("Header", 4)]
