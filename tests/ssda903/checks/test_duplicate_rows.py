from evaltools.ssda903.checks import duplicate_rows as rule

from .helpers import ctx, ep, rows_flagged


def test_exact_repeats_and_same_start_date():
    """Row 3 repeats row 2 exactly; row 5 is a second episode for B on the same day with
    different values. The first occurrence is kept."""
    c = ctx(Episodes=[ep("A", "01/04/2023", None, "S"), ep("A", "01/04/2023", None, "S"),
                      ep("B", "01/04/2023", None, "S"), ep("B", "01/04/2023", "01/05/2023", "S")])
    r = rule.run(c)
    assert rows_flagged(r) == [3, 5]
    assert "Exact repeat" in r["message"].iloc[0] and "same start date" in r["message"].iloc[1]


def test_rows_whose_values_could_not_be_read_are_not_repeats():
    """Two missing episodes of one child whose dates could not be read (written month
    first) are typed with blank dates and look alike; they are different rows in the
    file, and the date errors already leave them out, so they are not called repeats."""
    c = ctx(Missing=[{"CHILD": "A", "MISSING": "M", "MIS_START": None, "MIS_END": None},
                     {"CHILD": "A", "MISSING": "M", "MIS_START": None, "MIS_END": None},
                     {"CHILD": "B", "MISSING": "M", "MIS_START": "01/05/2023", "MIS_END": None},
                     {"CHILD": "B", "MISSING": "M", "MIS_START": "01/05/2023", "MIS_END": None}])
    assert rows_flagged(rule.run(c)) == [3, 5]
    c.unreadable = {"Missing": {2, 3}}
    assert rows_flagged(rule.run(c)) == [5]
