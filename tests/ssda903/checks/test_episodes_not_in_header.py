from evaltools.ssda903.checks import episodes_not_in_header as rule

from .helpers import ctx, ep, rows_flagged


def test_child_with_episodes_but_no_header_row():
    c = ctx(Episodes=[ep("A", "01/04/2023", None, "S"), ep("B", "01/04/2023", None, "S")],
            Header=[{"CHILD": "A", "DOB": "01/01/2010"}])
    r = rule.run(c)
    assert rows_flagged(r) == [3] and r["column"].iloc[0] == ""   # whole row left out
