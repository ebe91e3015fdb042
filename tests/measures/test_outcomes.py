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


def test_missing_incident_open_at_31_march_is_closed_by_the_next_return():
    """An incident open at 31 March 2023 is in the 2023 return with no end (rule 571)
    and in the 2024 return with its end, 03/04/2023 (rule 576): it is one incident,
    closed, so no child is missing at 31 March 2024 or 2025, and 2024 counts it once.
    D was only ever on short breaks (V3): not looked after, so neither in the missing
    rate nor in incidents per child. E left care on 01/03/2024 with an incident open:
    not missing at 31 March 2024, as he was no longer looked after."""
    m = pd.DataFrame([("A", "01/06/2010", "M", "28/03/2023", None, 2023),
                      ("A", "01/06/2010", "M", "28/03/2023", "03/04/2023", 2024),
                      ("A", "01/06/2010", "M", "10/10/2023", "11/10/2023", 2024),
                      ("D", "01/06/2010", "M", "10/10/2023", "11/10/2023", 2024),
                      ("E", "01/06/2010", "M", "20/02/2024", None, 2024)],
                     columns=["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END", "YEAR"])
    cd = care([("A", "01/01/2020", "S", "C2", "U4", None, None),
               ("B", "01/01/2020", "S", "C2", "U4", None, None),
               ("D", "01/10/2023", "S", "V3", "T4", "02/10/2023", "E8"),
               ("E", "01/01/2020", "S", "C2", "U4", "01/03/2024", "E8")], Missing=m)
    assert value(cd, "cla_missing_at_31_march", period=2023)[0] == 1
    assert value(cd, "cla_missing_at_31_march")[0] == 0
    assert value(cd, "cla_missing_at_31_march", period=2025)[0] == 0
    assert value(cd, "cla_missing_incident")[:2] == (2, 3)           # A and E, of A, B, E
    assert value(cd, "missing_incidents_per_child")[:3] == (3, 2, 1.5)   # A's 2 and E's 1


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


def test_adoption_timeliness_is_not_available_where_the_extract_cannot_time_every_adoption():
    """2022-2025 returns, so the extract sees entries into care from 01/04/2021. A was
    adopted in 2024 (the year to March 2024) after a period of care that began on
    01/01/2020, before the extract: its A1 cannot be timed, and an average of the other
    adoptions of that year would leave out the child who waited longest, so 2024 is
    not available (x), not B's 304 days alone. 2025's adoption (C, seen from entry) is
    timed: 01/04/2023 to moving in 01/10/2023 = 183 days. The 3-year figure to 2025
    takes in 2024 as well: not available."""
    cd = care([("A", "01/01/2020", "S", "E1", "U4", "01/03/2022", "X1"),
               ("A", "01/03/2022", "B", "E1", "A6", "01/09/2023", "E11"),
               ("B", "01/07/2021", "S", "C2", "U4", "01/05/2022", "X1"),
               ("B", "01/05/2022", "B", "E1", "A6", "01/12/2023", "E11"),
               ("C", "01/04/2023", "S", "E1", "U4", "01/10/2023", "X1"),
               ("C", "01/10/2023", "B", "E1", "A6", "01/02/2025", "E11")],
              dob={"A": "01/06/2018", "B": "01/06/2020", "C": "01/06/2021"}, years=(2022, 2023, 2024, 2025))
    assert value(cd, "adoption_a1_days")[3] == "x"
    assert value(cd, "adoption_a1_days", period=2025)[2:] == (183.0, "ok")
    assert value(cd, "adoption_a1_days_3yr", period=2025)[3] == "x"


def test_care_leavers_17_18_in_touch_and_accommodation():
    """17th and 18th birthdays in 2024, none still in care. A: in touch, suitable (D1).
    B: refuses contact (REFU), accommodation not known (0): in the denominator of both,
    in touch with neither. C: in touch, deported (H2): out of the suitability total.
    In touch 2 of 3; suitable 1 of 2."""
    t = oc3([("A", "01/06/2006", "YES", "F2", "D1", 2024),
             ("B", "01/07/2006", "REFU", "0", "0", 2024),
             ("C", "01/08/2005", "YES", "G5", "H2", 2024)])
    cd = care([], OC3=t)
    assert value(cd, "care_leavers_in_touch_17_18")[:2] == (2, 3)
    assert value(cd, "care_leavers_suitable_accommodation_17_18")[:2] == (1, 2)


def test_staying_put_at_19_and_20():
    """A (born 06/2004, 19 in June 2023) left foster care (U4) in June 2022, the month
    of her 18th birthday, and still lives with her former foster carers (Z1): staying
    put. B (born 08/2003, 20 in August 2023) left foster care at 18 and now lives
    independently (U1): not. C (19) left a children's home at 18: not in the cohort.
    1 of 2."""
    t = oc3([("A", "01/06/2004", "YES", "F2", "Z1", 2024),
             ("B", "01/08/2003", "YES", "F4", "U1", 2024),
             ("C", "01/09/2004", "YES", "F4", "U1", 2024)])
    cd = care([("A", "01/01/2019", "S", "C2", "U4", "01/06/2022", "E17"),
               ("B", "01/01/2019", "S", "C2", "U4", "15/08/2021", "E5"),
               ("C", "01/01/2019", "S", "C2", "K2", "01/09/2022", "E5")],
              dob={"A": "01/06/2004", "B": "01/08/2003", "C": "01/09/2004"}, OC3=t,
              years=(2019, 2020, 2021, 2022, 2023, 2024))
    assert value(cd, "staying_put_19_20")[:3] == (1, 2, 50.0)


def test_oc2_checks_and_their_age_bands():
    """OC2 cohort at 31/03/2024 (all in care since 2020): A aged 13: dentist, jabs up to
    date, convicted, substance misuse. B aged 3: development assessment done, dentist
    not. C aged 17: convicted. Dental 1 of 3; immunisations 1 of 3; development (ages
    0-4) 1 of 1; convictions (ages 10-17) 2 of 2; substance misuse 1 of 3."""
    cols = ["CHILD", "DOB", "SDQ_SCORE", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "YEAR"]
    o = pd.DataFrame([("A", "01/06/2010", None, "1", "0", "1", "1", "1", "1", 2024),
                      ("B", "01/06/2020", None, "0", "1", "0", "0", "1", "0", 2024),
                      ("C", "01/06/2006", None, "1", "0", "0", "0", "1", "0", 2024)], columns=cols)
    o["SDQ_SCORE"] = o["SDQ_SCORE"].astype(float)
    cd = care([(c, "01/01/2020", "S", "C2", "U4", None, None) for c in "ABC"],
              dob={"B": "01/06/2020", "C": "01/06/2006"}, OC2=o)
    assert value(cd, "oc2_dental_checks")[:2] == (1, 3)
    assert value(cd, "oc2_immunisations")[:2] == (1, 3)
    assert value(cd, "oc2_development_assessments")[:2] == (1, 1)
    assert value(cd, "oc2_convictions")[:2] == (2, 2)
    assert value(cd, "oc2_substance_misuse")[:2] == (1, 3)


def test_adoption_three_year_figures_pool_the_children():
    """A adopted in 2023 with A1 = 300 days; B and C adopted in 2024 with A1 = 400 and
    500. The 2024 3-year figure is one mean over the three children, (300 + 400 + 500)
    / 3 = 400, not the mean of the yearly means ((300 + 450) / 2 = 375). A2 and A10
    pool the same way (no AD1 match dates here: A2 has no children, status z)."""
    def adopted(c, entered, moved, adopted_on):
        return [(c, entered, "S", "C2", "U4", moved, "X1"), (c, moved, "B", "E1", "A6", adopted_on, "E11")]
    d = lambda s: pd.Timestamp(s).strftime("%d/%m/%Y")   # noqa: E731
    eps = (adopted("A", d("2021-06-01"), d("2022-03-28"), d("2022-10-01"))
           + adopted("B", d("2021-06-01"), d("2022-07-06"), d("2023-06-01"))
           + adopted("C", d("2021-06-01"), d("2022-10-14"), d("2023-09-01")))
    cd = care(eps, dob={c: "01/01/2020" for c in "ABC"}, years=(2022, 2023, 2024, 2025))
    assert value(cd, "adoption_a1_days", period=2023)[2] == 300
    assert value(cd, "adoption_a1_days")[2] == 450
    assert value(cd, "adoption_a1_days_3yr")[2] == 400
    assert value(cd, "adoption_a10_days_3yr")[2] == 400
    assert value(cd, "adoption_a2_days_3yr")[3] == "z"     # no match date, no A2


def test_care_leaver_missing_from_oc3_counts_as_not_known():
    """A (born 06/2004) was looked after from 15 (01/09/2019) to 18 (01/06/2022): 13+
    weeks after her 14th birthday, some after her 16th, so a care leaver. Her 19th
    birthday (June 2023) falls in 2024 but the council returned no OC3 row for her: she
    is in the cohort, not in touch, not EET. B has an OC3 row, EET. C was looked after
    only from 01/01/2022 to 01/02/2022, aged 17 (31 days): not a care leaver. EET 1 of
    2; in touch 1 of 2."""
    t = oc3([("B", "01/07/2004", "YES", "F2", "U1", 2024)])
    cd = care([("A", "01/09/2019", "S", "C2", "U4", "01/06/2022", "E17"),
               ("C", "01/01/2022", "S", "C2", "U4", "01/02/2022", "E4A")],
              dob={"A": "01/06/2004", "B": "01/07/2004", "C": "01/08/2004"}, OC3=t,
              years=(2019, 2020, 2021, 2022, 2023, 2024))
    assert value(cd, "care_leavers_eet_19_21")[:3] == (1, 2, 50.0)
    assert value(cd, "care_leavers_in_touch_19_21")[:2] == (1, 2)


def test_an_incident_the_next_return_does_not_repeat_ended_with_its_return():
    """An incident left open (no MIS_END) counted its child as missing in every later
    month: one such incident counted a child in 82 months (methodologist's review). One
    open at 31 March is repeated in the next return with its end (rule 576), so one the
    next return does not repeat is taken as ended that 31 March. F: open in the 2023
    return, not in 2024's; G: open in the 2024 return, the last, so still missing; H: a
    closed incident in 2024."""
    m = pd.DataFrame([("F", "01/06/2010", "M", "20/03/2023", None, 2023),
                      ("G", "01/06/2010", "M", "20/03/2024", None, 2024),
                      ("H", "01/06/2010", "M", "10/10/2023", "11/10/2023", 2024)],
                     columns=["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END", "YEAR"])
    cd = care([("F", "01/01/2020", "S", "C2", "U4", None, None),
               ("G", "01/01/2020", "S", "C2", "U4", None, None),
               ("H", "01/01/2020", "S", "C2", "U4", None, None)], years=(2022, 2023, 2024), Missing=m)
    assert value(cd, "cla_missing_at_31_march", period=2023)[0] == 1       # F, as its return says
    assert value(cd, "cla_missing_at_31_march")[0] == 1                    # G, no longer F
    assert value(cd, "cla_missing_incident")[:2] == (2, 3)                 # G and H, not F
    assert value(cd, "missing_incidents_per_child")[:2] == (2, 2)
