from evaltools.ssda903.checks import episodes_gap as rule

from .helpers import ctx, ep, rows_flagged


def test_continuation_episode_after_a_gap_is_flagged():
    """A: ends 10/06/23, next starts 20/06/23 with RNE P (care continued): 10-day gap.
    B: new period of care (RNE S) after a gap is normal."""
    c = ctx(Episodes=[ep("A", "01/04/2023", "10/06/2023", "S"), ep("A", "20/06/2023", rne="P"),
                      ep("B", "01/04/2023", "10/06/2023", "S", "E4A"), ep("B", "20/06/2023", rne="S")])
    r = rule.run(c)
    assert rows_flagged(r) == [3] and "10 day(s) after" in r["message"].iloc[0]
    assert rule.SEVERITY == "warning"
