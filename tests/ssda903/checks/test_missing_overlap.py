from evaltools.ssda903.checks import missing_overlap as rule

from .helpers import ctx, inc, rows_flagged


def test_an_incident_starting_before_the_previous_one_ended():
    """A: 01/12-05/12 then 03/12 (starts inside it): row 3. B: the second starts the day
    the first ended, as DfE's rule 574 allows. C: the first has no end date, so the
    second starts while it is still open: row 7."""
    c = ctx(Missing=[inc("A", "01/12/2023", "05/12/2023"), inc("A", "03/12/2023", "04/12/2023"),
                     inc("B", "01/12/2023", "05/12/2023"), inc("B", "05/12/2023", "06/12/2023"),
                     inc("C", "01/12/2023"), inc("C", "10/01/2024", "11/01/2024")])
    r = rule.run(c)
    assert rows_flagged(r) == [3, 7]
    assert r["message"].tolist() == [
        "Missing incident starting 03/12/2023 begins while the child's incident from 01/12/2023 had not ended "
        "(05/12/2023)",
        "Missing incident starting 10/01/2024 begins while the child's incident from 01/12/2023 has no end "
        "date (MIS_END)"]
    assert set(r["column"]) == {"MIS_START"}


def test_an_incident_inside_a_long_one_is_found_after_a_short_one_between():
    """01/12-20/12, 02/12-03/12, 10/12-11/12: the third starts after the second ended, but
    inside the first. A check against the row before alone (as DfE's validator codes it)
    misses it. Rows out of date order in the file are sorted first."""
    c = ctx(Missing=[inc("A", "10/12/2023", "11/12/2023"), inc("A", "01/12/2023", "20/12/2023"),
                     inc("A", "02/12/2023", "03/12/2023"), inc("B", "01/01/2024", "02/01/2024")])
    r = rule.run(c)
    assert rows_flagged(r) == [2, 4]
    assert all("from 01/12/2023 had not ended (20/12/2023)" in m for m in r["message"])


def test_separate_incidents_and_other_children_are_not_flagged():
    c = ctx(Missing=[inc("A", "01/12/2023", "02/12/2023"), inc("B", "01/12/2023", "05/12/2023"),
                     inc("A", "03/12/2023", "04/12/2023"), inc("A", "20/12/2023")])
    assert rows_flagged(rule.run(c)) == []
