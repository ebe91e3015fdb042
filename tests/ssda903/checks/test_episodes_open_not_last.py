from evaltools.ssda903.checks import episodes_open_not_last as rule

from .helpers import ctx, ep, rows_flagged


def test_new_episode_while_previous_is_open():
    """A's first episode has no DEC, yet a second starts: the second is flagged."""
    c = ctx(Episodes=[ep("A", "01/04/2023", None, "S"), ep("A", "01/06/2023"),
                      ep("B", "01/04/2023", None, "S")])
    assert rows_flagged(rule.run(c)) == [3]
