from evaltools.ssda903.checks import missing_end_before_start as rule

from .helpers import ctx, rows_flagged


def test_missing_episode_ending_before_it_starts():
    c = ctx(Missing=[{"CHILD": "A", "MIS_START": "02/12/2023", "MIS_END": "01/12/2023"},
                     {"CHILD": "A", "MIS_START": "02/12/2023", "MIS_END": "02/12/2023"},
                     {"CHILD": "B", "MIS_START": "02/12/2023", "MIS_END": None}])
    assert rows_flagged(rule.run(c)) == [2]
