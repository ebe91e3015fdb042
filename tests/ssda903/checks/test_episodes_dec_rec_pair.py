from evaltools.ssda903.checks import episodes_dec_rec_pair as rule

from .helpers import ctx, ep, rows_flagged


def test_dec_and_rec_both_or_neither():
    """Row 2: DEC without REC. Row 3: REC without DEC. Rows 4-5 are consistent."""
    c = ctx(Episodes=[ep("A", "01/04/2023", "01/05/2023", "S", rec=""),
                      ep("B", "01/04/2023", None, "S", rec="E4A"),
                      ep("C", "01/04/2023", "01/05/2023", "S", rec="E4A"),
                      ep("D", "01/04/2023", None, "S")])
    c.tables["Episodes"]["REC"] = c.tables["Episodes"]["REC"].replace("", None)
    r = rule.run(c)
    assert rows_flagged(r) == [2, 3]
    assert list(r["message"]) == ["DEC is completed but REC is blank", "REC is completed but DEC is blank"]
