from evaltools.ssda903.checks import dob_disagrees as rule

from .helpers import ctx


def test_dob_in_another_table_differs_from_header():
    c = ctx(Header=[{"CHILD": "A", "DOB": "01/01/2010"}],
            OC2=[{"CHILD": "A", "DOB": "02/01/2010"}],
            Missing=[{"CHILD": "A", "DOB": "01/01/2010", "MIS_START": "01/12/2023"}])
    r = rule.run(c)
    assert list(zip(r["table"], r["row"])) == [("OC2", 2)] and rule.SEVERITY == "warning"
