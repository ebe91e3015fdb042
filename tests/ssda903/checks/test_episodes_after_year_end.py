from evaltools.ssda903.checks import episodes_after_year_end as rule

from .helpers import ctx, ep, rows_flagged


def test_dates_after_31_march_of_the_collection_year():
    """2024 return: DECOM 01/04/2024 and DEC 02/04/2024 are after 31/03/2024."""
    c = ctx(2024, Episodes=[ep("A", "01/04/2024", None, "S"),
                            ep("B", "01/04/2023", "02/04/2024", "S"),
                            ep("C", "01/04/2023", "31/03/2024", "S")])
    r = rule.run(c)
    assert rows_flagged(r) == [2, 3] and set(r["column"]) == {"DECOM", "DEC"}
