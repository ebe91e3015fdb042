from evaltools.ssda903.checks import episodes_overlap as rule

from .helpers import ctx, ep, rows_flagged


def test_flags_an_episode_starting_before_the_previous_ended():
    """A: 01/04/23-10/06/23 then 01/06/23 (starts 9 days before the first ended): row 3.
    B: back-to-back episodes (DECOM = previous DEC) are fine."""
    c = ctx(Episodes=[ep("A", "01/04/2023", "10/06/2023", "S"), ep("A", "01/06/2023"),
                      ep("B", "01/04/2023", "10/06/2023", "S"), ep("B", "10/06/2023")])
    r = rule.run(c)
    assert rows_flagged(r) == [3]
    assert "overlaps the previous episode, which ended 10/06/2023" in r["message"].iloc[0]


def test_row_order_in_the_file_does_not_matter():
    c = ctx(Episodes=[ep("A", "01/06/2023"), ep("A", "01/04/2023", "10/06/2023", "S")])
    assert rows_flagged(rule.run(c)) == [2]
