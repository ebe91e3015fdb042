from evaltools.ssda903.checks import episodes_dec_before_decom as rule

from .helpers import ctx, ep, rows_flagged


def test_episode_ending_before_it_starts():
    """A ends 01/03/2023 but started 01/04/2023. A same-day episode is allowed."""
    c = ctx(Episodes=[ep("A", "01/04/2023", "01/03/2023", "S"), ep("B", "01/04/2023", "01/04/2023", "S")])
    assert rows_flagged(rule.run(c)) == [2]
