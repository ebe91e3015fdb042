"""Care leavers (OC3), health (OC2), missing and adoption timeliness, worked by hand."""

import pandas as pd

from conftest import care, value


def oc3(rows):
    return pd.DataFrame(rows, columns=["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR"])


def test_care_leavers_19_21_eet_accommodation_and_exclusions():
    """2024 return, birthdays April 2023 - March 2024. A born 05/2004: 19 in May 2023,
    EET (F2), suitable (U1). B born 02/2003: 21 in Feb 2024, NEET (G5), unsuitable (B2).
    C born 07/2003: 20, not in touch (NO, ACTIV 0, ACCOM 0): in the denominator. D died:
    left out. E: gone abroad (G1): in EET's denominator, not in the suitability total.
    EET 1 of 4 (25%); in touch 3 of 4; suitable 1 of 3."""
    t = oc3([("A", "01/05/2004", "YES", "F2", "U1", 2024),
             ("B", "01/02/2003", "YES", "G5", "B2", 2024),
             ("C", "01/07/2003", "NO", "0", "0", 2024),
             ("D", "01/08/2003", "DIED", "0", "0", 2024),
             ("E", "01/09/2003", "YES", "F4", "G1", 2024)])
    cd = care([], OC3=t)
    assert value(cd, "care_leavers_eet_19_21")[:3] == (2, 4, 50.0)
    assert value(cd, "care_leavers_in_touch_19_21")[:3] == (3, 4, 75.0)
    n, d, v, _ = value(cd, "care_leavers_suitable_accommodation_19_21")
    assert (n, d) == (1, 3)


def test_care_leavers_17_18_still_in_care_and_transfers_are_left_out():
    """18th birthdays in 2024: A (born 06/2005) left care 15/06/2023, in her birthday
    month: counted. B (born 07/2005) still in care at the end of July 2023: left out
    (rule 1007). C's care was taken over by another council (E3): left out. 1 of 1 EET."""
    t = oc3([("A", "01/06/2005", "YES", "F4", "D1", 2024),
             ("B", "01/07/2005", "YES", "F2", "D1", 2024),
             ("C", "01/08/2005", "YES", "G5", "D1", 2024)])
    cd = care([("A", "01/01/2020", "S", "C2", "U4", "15/06/2023", "E17"),
               ("B", "01/01/2020", "S", "C2", "U4", None, None),
               ("C", "01/01/2020", "S", "C2", "U4", "01/06/2023", "E3")],
              dob={"A": "01/06/2005", "B": "01/07/2005", "C": "01/08/2005"}, OC3=t)
    assert value(cd, "care_leavers_eet_17_18")[:3] == (1, 1, 100.0)


def test_staying_put_at_18():
    """A ceased care in foster care (U4) in the month of her 18th birthday and lives with
    her former foster carers (ACCOM Z1): staying put. B ceased at 18 in a children's
    home: not in the cohort. 1 of 1."""
    t = oc3([("A", "01/06/2005", "YES", "F2", "Z1", 2024), ("B", "01/07/2005", "YES", "F2", "D1", 2024)])
    cd = care([("A", "01/01/2020", "S", "C2", "U4", "01/06/2023", "E17"),
               ("B", "01/01/2020", "S", "C2", "K2", "01/07/2023", "E5")],
              dob={"A": "01/06/2005", "B": "01/07/2005"}, OC3=t)
    assert value(cd, "staying_put_18")[:3] == (1, 1, 100.0)


def test_oc2_cohort_comes_from_episodes():
    """OC2 cohort at 31/03/2024: looked after then, since on or before 01/04/2023.
    A (since 2020, age 13): health assessment done, SDQ 18. B (since 01/04/2023, age 8):
    counts (a period starting on 1 April does); no OC2 row returned: counts as not done.
    C entered 02/04/2023: not in the cohort. Health assessments 1 of 2; SDQ received 1 of
    2 (ages 5-16); average SDQ 18.0; concern (17+) 1 of 1."""
    o = pd.DataFrame([("A", "01/06/2010", "18", "0", "1", "1", "1", "1", "0", 2024)],
                     columns=["CHILD", "DOB", "SDQ_SCORE", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
                              "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "YEAR"])
    o["SDQ_SCORE"] = o["SDQ_SCORE"].astype(float)
    cd = care([("A", "01/01/2020", "S", "C2", "U4", None, None),
               ("B", "01/04/2023", "S", "C2", "U4", None, None),
               ("C", "02/04/2023", "S", "C2", "U4", None, None)],
              dob={"B": "01/06/2015"}, OC2=o)
    assert value(cd, "oc2_health_assessments")[:3] == (1, 2, 50.0)
    assert value(cd, "oc2_sdq_received")[:3] == (1, 2, 50.0)
    assert value(cd, "oc2_sdq_average")[2] == 18.0
    assert value(cd, "oc2_sdq_concern")[:3] == (1, 1, 100.0)


def test_missing_incidents_carried_over_count():
    """Looked after during 2024: A, B, C. A: missing 28/03/2023 - 03/04/2023 (open on
    1 April: counts) and 10/10/2023 - 11/10/2023. B: away (A) only. C: none. Children
    missing 1 of 3; incidents per child who went missing 2.0; away 1 of 3; missing at
    31 March 2024: 0."""
    m = pd.DataFrame([("A", "01/06/2010", "M", "28/03/2023", "03/04/2023"),
                      ("A", "01/06/2010", "M", "10/10/2023", "11/10/2023"),
                      ("B", "01/06/2010", "A", "10/10/2023", "11/10/2023")],
                     columns=["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"])
    cd = care([("A", "01/01/2020", "S", "C2", "U4", None, None),
               ("B", "01/01/2020", "S", "C2", "U4", None, None),
               ("C", "01/01/2020", "S", "C2", "U4", None, None)], Missing=m)
    assert value(cd, "cla_missing_incident")[:2] == (1, 3)
    assert value(cd, "missing_incidents_per_child")[2] == 2.0
    assert value(cd, "cla_away_incident")[:2] == (1, 3)
    assert value(cd, "cla_missing_at_31_march")[0] == 0


def test_adoption_timeliness_a1_a2_a10():
    """Adopted in 2024, periods that began inside the extract (2022-2025 returns).
    A: entered 01/05/2021... no: entered 01/06/2021, foster (U4) 01/06/2021, placement
    order (LS E1) 01/03/2022, placed with new adopters (A6, RNE B) 01/09/2022, adopted
    01/09/2023. Match 15/08/2022. A1 = 01/09/2022 - 01/06/2021 = 457; A10 = 457;
    A2 = 15/08/2022 - 01/03/2022 = 167.
    B: entered 01/07/2021 into foster care with carers who adopt (A5, RNE U,
    01/05/2022; AD1 FOSTER_CARE 1), order 01/04/2022, matched 01/03/2022 (before the
    order: A2 = 0), adopted 01/12/2023. A1 = 01/05/2022 - 01/07/2021 = 304; A10 = 0
    (moved in with the adopters the day care began).
    Means: A1 (457 + 304) / 2 = 380.5; A10 (457 + 0) / 2 = 228.5; A2 (167 + 0) / 2 = 83.5."""
    ad1 = pd.DataFrame([("A", "01/06/2020", "01/01/2022", "15/08/2022", "0"),
                        ("B", "01/06/2020", "01/01/2022", "01/03/2022", "1")],
                       columns=["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE"])
    cd = care([("A", "01/06/2021", "S", "C2", "U4", "01/03/2022", "X1"),
               ("A", "01/03/2022", "L", "E1", "U4", "01/09/2022", "X1"),
               ("A", "01/09/2022", "B", "E1", "A6", "01/09/2023", "E11"),
               ("B", "01/07/2021", "S", "C2", "U4", "01/04/2022", "X1"),
               ("B", "01/04/2022", "L", "E1", "U4", "01/05/2022", "X1"),
               ("B", "01/05/2022", "U", "E1", "A5", "01/12/2023", "E12")],
              dob={"A": "01/06/2020", "B": "01/06/2020"}, years=(2022, 2023, 2024, 2025), AD1=ad1)
    assert value(cd, "adoption_a1_days")[2] == 380.5
    assert value(cd, "adoption_a10_days")[2] == 228.5
    assert value(cd, "adoption_a2_days")[2] == 83.5
