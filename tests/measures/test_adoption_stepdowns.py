"""Fostering for adoption, adoption disruptions, children fostered inside the council
and step-downs from residential care, worked by hand. Year 2024 = 1 April 2023 to 31
March 2024."""

from conftest import care, value
from evaltools.measures import compute

HEREFORDSHIRE = {"area_code": "884", "area_name": "Herefordshire", "ons_code": "E06000019"}


def test_fostering_for_adoption_is_an_adoptive_placement_with_ffa_carers():
    """Placed for adoption in 2024: A fostered under FFA (U5) from 01/05/2023, placed
    for adoption with those carers (A5, same carer) 01/11/2023: FFA. B fostered (U4),
    placed with new adopters (A6, RNE B) 01/10/2023: not. C fostered under FFA (U5) but
    placed with other adopters (A6, RNE B) 01/12/2023: not (the FFA carers did not
    adopt). D adopted by ordinary foster carers (U6 then A5) 01/09/2023: not early
    permanence. E (U2 then A3 01/02/2023) was placed in 2023; F is still in an FFA
    placement (U5), not placed for adoption: in neither. 2024: 1 of 4 = 25%;
    2023: E, 1 of 1 = 100%."""
    cd = care([("A", "01/05/2023", "S", "C2", "U5", "01/11/2023", "X1"),
               ("A", "01/11/2023", "U", "E1", "A5", None, None),
               ("B", "01/05/2023", "S", "C2", "U4", "01/10/2023", "X1"),
               ("B", "01/10/2023", "B", "E1", "A6", None, None),
               ("C", "01/05/2023", "S", "C2", "U5", "01/12/2023", "X1"),
               ("C", "01/12/2023", "B", "E1", "A6", None, None),
               ("D", "01/01/2023", "S", "C2", "U6", "01/09/2023", "X1"),
               ("D", "01/09/2023", "U", "E1", "A5", None, None),
               ("E", "01/06/2022", "S", "C2", "U2", "01/02/2023", "X1"),
               ("E", "01/02/2023", "T", "E1", "A3", None, None),
               ("F", "01/06/2023", "S", "C2", "U5", None, None)], dob={c: "01/01/2022" for c in "ABCDEF"})
    assert value(cd, "fostering_for_adoption")[:3] == (1, 4, 25.0)
    assert value(cd, "fostering_for_adoption", period=2023)[:3] == (1, 1, 100.0)


def test_adoption_disruptions_are_placements_for_adoption_ending_without_an_order():
    """2024: A moves from adopters (A6) to foster care (U4) 01/08/2023: disrupted.
    B adopted (E12) 01/09/2023: not. C's legal status changes with the same adopters
    (A4 -> A6, RNE L), then adopted (E11): not. D goes to hospital (T1) and back to the
    same adopters: not. E moves to other adopters (A6 -> A6, RNE P) 01/10/2023: the
    first placement disrupted. F leaves the adopters for home (E4A) 01/03/2024:
    disrupted. G's care is taken over by another council (E3): not. H's disruption was
    on 01/03/2023 (2023). 2024: A, E, F = 3 children; 2023: 1."""
    cd = care([("A", "01/01/2023", "S", "E1", "A6", "01/08/2023", "X1"),
               ("A", "01/08/2023", "P", "C2", "U4", None, None),
               ("B", "01/01/2023", "S", "E1", "A6", "01/09/2023", "E12"),
               ("C", "01/01/2023", "S", "V2", "A4", "01/06/2023", "X1"),
               ("C", "01/06/2023", "L", "E1", "A6", "01/12/2023", "E11"),
               ("D", "01/01/2023", "S", "E1", "A6", "01/07/2023", "X1"),
               ("D", "01/07/2023", "T", "E1", "T1", "08/07/2023", "X1"),
               ("D", "08/07/2023", "T", "E1", "A6", None, None),
               ("E", "01/01/2023", "S", "E1", "A6", "01/10/2023", "X1"),
               ("E", "01/10/2023", "P", "E1", "A6", None, None),
               ("F", "01/02/2023", "S", "E1", "A5", "01/03/2024", "E4A"),
               ("G", "01/01/2023", "S", "E1", "A6", "01/11/2023", "E3"),
               ("H", "01/01/2022", "S", "E1", "A6", "01/03/2023", "X1"),
               ("H", "01/03/2023", "P", "C2", "U4", None, None)], dob={c: "01/01/2021" for c in "ABCDEFGH"})
    n, _, v, s = value(cd, "adoption_disruptions")
    assert (n, v, s) == (3, 3, "ok")
    assert value(cd, "adoption_disruptions", period=2023)[0] == 1
    # by calendar month: August (A), October (E) and March (F) 2024
    m = compute(cd, ["adoption_disruptions"], frequency="month")
    m = m[m["period"] == 2024].set_index(m[m["period"] == 2024]["period_end"].dt.month)["numerator"]
    assert m[8] == m[10] == m[3] == 1 and m.sum() == 3


def test_fostered_inside_the_council_at_31_march():
    """At 31/03/2024, Herefordshire (E06000019): A fostered (U4) inside; B fostered
    (U6) in Worcestershire; C fostered (U1), placement location not known (in the
    total, not inside, as in DfE's locality table); D in a children's home inside (not
    fostered); E's foster placement ended on 31 March (not looked after at 31 March);
    F on a short break. 1 of 3 = 33.3%. Without the council: status x."""
    eps = [("A", "01/01/2023", "S", "C2", "U4", None, None),
           ("B", "01/01/2023", "S", "C2", "U6", None, None),
           ("C", "01/01/2023", "S", "C2", "U1", None, None),
           ("D", "01/01/2023", "S", "C2", "K2", None, None),
           ("E", "01/01/2023", "S", "C2", "U4", "31/03/2024", "E4A"),
           ("F", "30/03/2024", "S", "V3", "U4", None, None)]
    cd = care(eps, area=HEREFORDSHIRE)
    cd.episodes["PL_LA"] = ["E06000019", "E10000034", None, "E06000019", "E06000019", "E06000019"]
    n, d, v, _ = value(cd, "cla_fostered_inside_la")
    assert (n, d) == (1, 3) and abs(v - 100 / 3) < 1e-9
    assert value(care(eps), "cla_fostered_inside_la")[3] == "x"


def test_stepdowns_from_residential_care_to_a_family():
    """2024: A children's home (K2) -> foster (U4) 01/06/2023: a step-down. B K2 ->
    hospital (T1, temporary, skipped) -> foster (U6) 17/07/2023: a step-down. C K2 ->
    supported accommodation (H5) -> foster: not straight from residential. D K2 ->
    placed with parents (P1) 01/10/2023, back to K2, then foster 01/02/2024: two
    step-downs, one child. E leaves care from K2 (E4A): not a move in care. F
    residential school (S1) -> foster: not residential care. G stepped down on
    01/03/2023 (2023). H left a children's home (E4A) and came back into care a month
    later in foster care: a new period, not a step-down. 2024: A, B, D = 3 children;
    2023: G = 1. By calendar month: June, July, October and February 2024 show 1 each
    (D twice), so the months add to 4, more than the year's 3 children."""
    cd = care([("A", "01/01/2023", "S", "C2", "K2", "01/06/2023", "X1"),
               ("A", "01/06/2023", "P", "C2", "U4", None, None),
               ("B", "01/01/2023", "S", "C2", "K2", "10/07/2023", "X1"),
               ("B", "10/07/2023", "T", "C2", "T1", "17/07/2023", "X1"),
               ("B", "17/07/2023", "P", "C2", "U6", None, None),
               ("C", "01/01/2023", "S", "C2", "K2", "01/06/2023", "X1"),
               ("C", "01/06/2023", "P", "C2", "H5", "01/09/2023", "X1"),
               ("C", "01/09/2023", "P", "C2", "U4", None, None),
               ("D", "01/01/2023", "S", "C2", "K2", "01/10/2023", "X1"),
               ("D", "01/10/2023", "P", "C2", "P1", "01/12/2023", "X1"),
               ("D", "01/12/2023", "P", "C2", "K2", "01/02/2024", "X1"),
               ("D", "01/02/2024", "P", "C2", "U4", None, None),
               ("E", "01/01/2023", "S", "C2", "K2", "01/08/2023", "E4A"),
               ("F", "01/01/2023", "S", "C2", "S1", "01/08/2023", "X1"),
               ("F", "01/08/2023", "P", "C2", "U4", None, None),
               ("G", "01/01/2022", "S", "C2", "K2", "01/03/2023", "X1"),
               ("G", "01/03/2023", "P", "C2", "U4", None, None),
               ("H", "01/01/2023", "S", "C2", "K2", "01/06/2023", "E4A"),
               ("H", "01/07/2023", "S", "C2", "U4", None, None)])
    n, _, v, s = value(cd, "stepdowns_residential_to_family")
    assert (n, v, s) == (3, 3, "ok")
    assert value(cd, "stepdowns_residential_to_family", period=2023)[0] == 1
    m = compute(cd, ["stepdowns_residential_to_family"], frequency="month")
    m = m[m["period"] == 2024].set_index(m[m["period"] == 2024]["period_end"].dt.month)["numerator"]
    assert m[6] == m[7] == m[10] == m[2] == 1 and m.sum() == 4
