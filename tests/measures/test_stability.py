"""Placement stability, worked by hand. Year 2024 = 1 April 2023 to 31 March 2024."""

import math

from conftest import care, value


def test_three_placements_in_the_year_counts():
    """A: placements from 01/01/2023 (carried in), 01/06/2023, 01/01/2024 -> 3, in care
    at 31/03/2024. B: one placement all year. 1 of 2 children = 50%."""
    cd = care([("A", "01/01/2023", "S", "C2", "U4", "01/06/2023", "X1"),
               ("A", "01/06/2023", "P", "C2", "U4", "01/01/2024", "X1"),
               ("A", "01/01/2024", "P", "C2", "K2", None, None),
               ("B", "01/01/2020", "S", "C2", "U4", None, None)])
    assert value(cd, "cla_3plus_placements") == (1, 2, 50.0, "ok")


def test_legal_status_change_is_not_a_move():
    """A: placement P1 from 01/01/2023; legal status change (RNE L) on 01/06/2023;
    new placement on 01/01/2024: 2 placements, not 3 -> 0 of 1."""
    cd = care([("A", "01/01/2023", "S", "V2", "U4", "01/06/2023", "X1"),
               ("A", "01/06/2023", "L", "C2", "U4", "01/01/2024", "X1"),
               ("A", "01/01/2024", "P", "C2", "K2", None, None)])
    assert value(cd, "cla_3plus_placements")[:3] == (0, 1, 0.0)


def test_placed_for_adoption_with_current_foster_carer_is_not_a_move():
    """A: foster U4 from 01/05/2023, another foster U4 (RNE P) 01/08/2023, then placed
    for adoption with those carers (A5, RNE U, same carer) 01/02/2024: 2 placements.
    B: the same but the adoptive placement is with new carers (A6, RNE B): 3."""
    cd = care([("A", "01/05/2023", "S", "C2", "U4", "01/08/2023", "X1"),
               ("A", "01/08/2023", "P", "C2", "U4", "01/02/2024", "X1"),
               ("A", "01/02/2024", "U", "E1", "A5", None, None),
               ("B", "01/05/2023", "S", "C2", "U4", "01/08/2023", "X1"),
               ("B", "01/08/2023", "P", "C2", "U4", "01/02/2024", "X1"),
               ("B", "01/02/2024", "B", "E1", "A6", None, None)])
    assert value(cd, "cla_3plus_placements")[:3] == (1, 2, 50.0)


def test_temporary_absence_and_return_is_not_a_move():
    """A: foster U4 from 01/01/2023; in hospital (T1) 10/07/2023 to 17/07/2023; back to
    the same foster placement 17/07/2023. One placement, not three -> 0 of 1."""
    cd = care([("A", "01/01/2023", "S", "C2", "U4", "10/07/2023", "X1"),
               ("A", "10/07/2023", "T", "C2", "T1", "17/07/2023", "X1"),
               ("A", "17/07/2023", "T", "C2", "U4", None, None)])
    assert value(cd, "cla_3plus_placements")[:3] == (0, 1, 0.0)


def test_short_breaks_are_left_out():
    """A is looked after under a series of short breaks (V3) at 31 March 2024 with four
    short-break episodes in the year: not in the cohort. B: one placement. 0 of 1."""
    cd = care([("A", "01/05/2023", "S", "V3", "U4", "03/05/2023", "E8"),
               ("A", "01/07/2023", "S", "V3", "U4", "03/07/2023", "E8"),
               ("A", "01/09/2023", "S", "V3", "U4", "03/09/2023", "E8"),
               ("A", "30/03/2024", "S", "V3", "U4", None, None),
               ("B", "01/01/2020", "S", "C2", "U4", None, None)])
    assert value(cd, "cla_3plus_placements")[:3] == (0, 1, 0.0)
    assert value(cd, "cla_count")[0] == 1


def test_ceasing_on_31_march_is_not_looked_after_at_31_march():
    """A ceased on 31/03/2024 (DEC 31/03/2024): not looked after at 31 March. B ceased
    01/04/2024: looked after at 31 March. CLA at 31 March 2024 = 1."""
    cd = care([("A", "01/01/2022", "S", "C2", "U4", "31/03/2024", "E13"),
               ("B", "01/01/2022", "S", "C2", "U4", "01/04/2024", "E13")])
    assert value(cd, "cla_count")[0] == 1


def test_placement_ending_on_first_day_of_year_counts():
    """A's first placement ended on 01/04/2023, the first day of the 2024 year: it was
    part of the year, as it is in the 2024 return. With two more: 3 placements."""
    cd = care([("A", "01/01/2023", "S", "C2", "U4", "01/04/2023", "X1"),
               ("A", "01/04/2023", "P", "C2", "U4", "01/10/2023", "X1"),
               ("A", "01/10/2023", "P", "C2", "U4", None, None)])
    assert value(cd, "cla_3plus_placements")[0] == 1


def test_two_year_measure_and_its_coverage():
    """A: placements 01/06/2022, 01/02/2023, 01/06/2023: 3 in the two years to
    31/03/2024 but only 2 in the year. The extract starts in 2022-23 (years 2023-2025),
    so 2023's 2-year window (from 1 April 2021) is not covered: status x."""
    cd = care([("A", "01/06/2022", "S", "C2", "U4", "01/02/2023", "X1"),
               ("A", "01/02/2023", "P", "C2", "U4", "01/06/2023", "X1"),
               ("A", "01/06/2023", "P", "C2", "U4", None, None)], years=(2023, 2024, 2025))
    assert value(cd, "cla_3plus_placements")[0] == 0
    assert value(cd, "cla_3plus_placements_2yr")[:3] == (1, 1, 100.0)
    n, d, v, status = value(cd, "cla_3plus_placements_2yr", period=2023)
    assert status == "x" and math.isnan(v)


def test_long_term_stability_same_placement():
    """A (born 06/2010, 13 at 31/03/2024): in care since 01/01/2021 (3.2 years), same
    placement since 01/01/2022 (2.2 years) -> stable. B: in care since 01/01/2021,
    placement since 01/06/2023 -> not stable. C: aged 16 -> not in the cohort. D: in
    care only since 01/01/2022 (2.2 years) -> not in the cohort. 1 of 2."""
    cd = care([("A", "01/01/2021", "S", "C2", "U4", "01/01/2022", "X1"),
               ("A", "01/01/2022", "P", "C2", "U4", None, None),
               ("B", "01/01/2021", "S", "C2", "U4", "01/06/2023", "X1"),
               ("B", "01/06/2023", "P", "C2", "U4", None, None),
               ("C", "01/01/2021", "S", "C2", "U4", None, None),
               ("D", "01/01/2022", "S", "C2", "U4", None, None)],
              dob={"C": "01/02/2008"}, years=(2021, 2022, 2023, 2024))
    assert value(cd, "long_term_stability")[:3] == (1, 2, 50.0)


def test_same_carer_changes_are_not_new_placements():
    """Ruling R1. A: in care since 01/01/2015 with the same foster carers, who moved
    house on 01/06/2017 (RNE T: placement changed, same carer) and whose placement was
    re-registered on 01/12/2017 (U). One carer throughout: at 31/03/2018 stable for
    long-term stability (carer since 2015) and 1 placement in the year."""
    cd = care([("A", "01/01/2015", "S", "C2", "U4", "01/06/2017", "X1"),
               ("A", "01/06/2017", "T", "C2", "U4", "01/12/2017", "X1"),
               ("A", "01/12/2017", "U", "C1", "U5", None, None)],
              dob={"A": "01/06/2008"}, years=(2014, 2015, 2016, 2017, 2018, 2019))
    assert value(cd, "long_term_stability", period=2018)[:3] == (1, 1, 100.0)
    assert value(cd, "cla_3plus_placements", period=2018)[0] == 0


def test_two_year_cohort_needs_care_in_the_previous_year():
    """"CLA 2 years on 31 March" = looked after at 31 March and on at least one day of
    the previous year. A entered 01/06/2023 (three placements since): only in the 1-year
    measure. B: in care since 01/01/2023, placements 01/01/2023, 01/05/2023,
    01/09/2023: in both. 2-year: 1 of 1; 1-year: 2 of 2."""
    cd = care([("A", "01/06/2023", "S", "C2", "U4", "01/08/2023", "X1"),
               ("A", "01/08/2023", "P", "C2", "U4", "01/10/2023", "X1"),
               ("A", "01/10/2023", "P", "C2", "U4", None, None),
               ("B", "01/01/2023", "S", "C2", "U4", "01/05/2023", "X1"),
               ("B", "01/05/2023", "P", "C2", "U4", "01/09/2023", "X1"),
               ("B", "01/09/2023", "P", "C2", "U4", None, None)])
    assert value(cd, "cla_3plus_placements")[:3] == (2, 2, 100.0)
    assert value(cd, "cla_3plus_placements_2yr")[:3] == (1, 1, 100.0)


def test_same_day_placement_is_not_counted():
    """A placement shorter than 24 hours (starting and ending on 01/07/2023) is not a
    placement: A has 2 placements in the year, not 3."""
    cd = care([("A", "01/01/2023", "S", "C2", "U4", "01/07/2023", "X1"),
               ("A", "01/07/2023", "P", "C2", "U4", "01/07/2023", "X1"),
               ("A", "01/07/2023", "P", "C2", "K2", None, None)])
    assert value(cd, "cla_3plus_placements")[0] == 0


def test_long_term_placed_for_adoption():
    """A: in care since 01/01/2021; foster placement from 01/01/2021, placed for
    adoption with new carers on 01/12/2023 (4 months before 31/03/2024). The adoptive
    and previous placement together run from 01/01/2021: more than 2 years -> stable."""
    cd = care([("A", "01/01/2021", "S", "C2", "U4", "01/12/2023", "X1"),
               ("A", "01/12/2023", "B", "E1", "A6", None, None)],
              dob={"A": "01/06/2019"}, years=(2021, 2022, 2023, 2024))
    assert value(cd, "long_term_stability")[:3] == (1, 1, 100.0)


def test_moves_per_child_year_has_exposure():
    """A: in care all year (1 April 2023 - 31 March 2024 = 366 days), moves on
    01/06/2023 and 01/01/2024 -> 2 moves. B: starts care 01/10/2023 (183 days), no
    move (a first placement is not a move). Moves 2 / exposure (366 + 183)/365.25 years
    = 1.33 per child-year."""
    cd = care([("A", "01/01/2023", "S", "C2", "U4", "01/06/2023", "X1"),
               ("A", "01/06/2023", "P", "C2", "U4", "01/01/2024", "X1", None, "CREQB"),
               ("A", "01/01/2024", "P", "C2", "K2", None, None, None, "CARPL"),
               ("B", "01/10/2023", "S", "C2", "U4", None, None)])
    n, d, v, _ = value(cd, "placement_moves_per_child_year")
    assert n == 2 and abs(d - (366 + 183) / 365.25) < 1e-9 and abs(v - 1.3306) < 1e-3
    df = __import__("evaltools").measures.compute(cd, ["placement_moves_by_reason"])
    df = df[df["period"] == 2024].set_index("group")
    assert df.loc["CREQB", "numerator"] == 1 and df.loc["CREQB", "value"] == 50.0
