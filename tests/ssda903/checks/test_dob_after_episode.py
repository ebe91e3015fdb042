from evaltools.ssda903.checks import dob_after_episode as rule

from .helpers import ctx, ep, rows_flagged


def test_episode_before_birth():
    c = ctx(Episodes=[ep("A", "01/04/2023", None, "S"), ep("B", "01/04/2023", None, "S")],
            Header=[{"CHILD": "A", "DOB": "02/04/2023"}, {"CHILD": "B", "DOB": "01/04/2023"}])
    assert rows_flagged(rule.run(c)) == [2]      # born the day the episode starts is fine
