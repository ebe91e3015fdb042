from evaltools.ssda903.checks import missing_open_placement_ended as rule

from .helpers import ctx, ep, inc, rows_flagged


def test_an_open_incident_after_the_placement_ended_or_the_child_left_care():
    """A went missing from a placement that ended on 10/12 (a move within care, X1):
    rule 575. B went missing and then left care on 15/01 (E13, returned home): rule 577.
    C's incident is open but its placement is too: the child may still be missing.
    D's incident has its end date."""
    c = ctx(Episodes=[ep("A", "01/04/2023", "10/12/2023"), ep("A", "10/12/2023"),
                      ep("B", "01/04/2023", "15/01/2024", rec="E13"),
                      ep("C", "01/04/2023"),
                      ep("D", "01/04/2023", "10/12/2023", rec="E13")],
            Missing=[inc("A", "05/12/2023"), inc("B", "02/01/2024"), inc("C", "02/01/2024"),
                     inc("D", "05/12/2023", "06/12/2023")])
    r = rule.run(c)
    assert rows_flagged(r) == [2, 3]
    assert r["message"].tolist() == [
        "Missing incident from 05/12/2023 has no end date (MIS_END), but the placement the child went "
        "missing from ended on 10/12/2023",
        "Missing incident from 02/01/2024 has no end date (MIS_END), but the child ceased to be looked "
        "after on 15/01/2024"]
    assert set(r["column"]) == {"MIS_END"}


def test_the_placement_is_the_one_the_child_went_missing_from():
    """E moved placement on 10/12 and went missing that day from the new one, still open:
    not flagged. F went missing from its first placement, which ended with a move (X1);
    the child later left care (E11): the care leaving is what the message names."""
    c = ctx(Episodes=[ep("E", "01/04/2023", "10/12/2023"), ep("E", "10/12/2023"),
                      ep("F", "01/04/2023", "01/11/2023"), ep("F", "01/11/2023", "20/02/2024", rec="E11")],
            Missing=[inc("E", "10/12/2023"), inc("F", "20/10/2023")])
    r = rule.run(c)
    assert rows_flagged(r) == [3]
    assert r["message"].tolist() == ["Missing incident from 20/10/2023 has no end date (MIS_END), but the child "
                                     "ceased to be looked after on 20/02/2024"]


def test_nothing_to_check_without_episodes_or_open_incidents():
    assert rule.run(ctx(Missing=[inc("A", "05/12/2023")])) is None
    assert rule.run(ctx(Episodes=[ep("A", "01/04/2023", "10/12/2023")],
                        Missing=[inc("A", "05/12/2023", "06/12/2023")])) is None
