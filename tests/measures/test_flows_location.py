"""Counts, rates, ceased reasons, distance and placement type, worked by hand."""

import math

import pandas as pd

from conftest import care, value
from evaltools.measures import compute


def test_starts_count_each_child_once_and_rate_uses_mid_year_population():
    """A starts 01/05/2023, leaves 01/06/2023, starts again 01/09/2023: one child.
    B starts 01/02/2024. C started 2022. Starts in 2024 = 2. Herefordshire's rate uses
    ONS mid-2023 (34,260): 2 / 34,260 x 10,000 = 0.584."""
    cd = care([("A", "01/05/2023", "S", "C2", "U4", "01/06/2023", "E4A"),
               ("A", "01/09/2023", "S", "C2", "U4", None, None),
               ("B", "01/02/2024", "S", "V2", "U4", None, None),
               ("C", "01/02/2022", "S", "C2", "U4", None, None)],
              area={"area_code": "884", "area_name": "Herefordshire", "ons_code": "E06000019"})
    assert value(cd, "cla_starts")[0] == 2
    n, d, v, _ = value(cd, "cla_starts_rate_per_10k")
    assert (n, d) == (2, 34260) and abs(v - 2 / 34260 * 10000) < 1e-9


def test_ceased_reasons_use_the_last_ceasing_of_the_year():
    """A: adopted (E11) 01/10/2023. B: returned home (E4A) 01/05/2023, back in care
    01/07/2023, SGO (E45) 01/02/2024: counted once, by the last reason. C: episode ends
    X1 (a new episode follows): not a cease. Ceased 2; adopted 1 of 2; SGO 1 of 2;
    returned home 0 of 2."""
    cd = care([("A", "01/01/2022", "S", "E1", "A6", "01/10/2023", "E11"),
               ("B", "01/01/2022", "S", "C2", "U4", "01/05/2023", "E4A"),
               ("B", "01/07/2023", "S", "C2", "U1", "01/02/2024", "E45"),
               ("C", "01/01/2022", "S", "C2", "U4", "01/06/2023", "X1"),
               ("C", "01/06/2023", "P", "C2", "U4", None, None)])
    assert value(cd, "cla_ceased")[0] == 2
    assert value(cd, "ceased_adopted")[:3] == (1, 2, 50.0)
    assert value(cd, "ceased_sgo")[:3] == (1, 2, 50.0)
    assert value(cd, "ceased_returned_home")[:3] == (0, 2, 0.0)


def test_new_placements_over_20_miles_count_placements_and_unknowns():
    """New placements in 2024, as DfE counts them (placements, not children; same-carer
    changes included; distance unknown in the total): A starts 01/05/2023 at 25.0 miles
    and moves with the same carers (T) on 01/08/2023 to 30.0 miles: 2 placements, both
    over 20. B starts 01/06/2023, distance unknown. C's placement began in 2022: not
    new. 2 of 3 = 66.7%."""
    cd = care([("A", "01/05/2023", "S", "C2", "U4", "01/08/2023", "X1", "PR1", "PLACE", 25.0),
               ("A", "01/08/2023", "T", "C2", "U4", None, None, "PR1", None, 30.0),
               ("B", "01/06/2023", "S", "C2", "U4", None, None, "PR1", None, None),
               ("C", "01/06/2022", "S", "C2", "U4", None, None, "PR1", None, 50.0)])
    n, d, v, _ = value(cd, "new_placements_over_20_miles")
    assert (n, d) == (2, 3) and abs(v - 200 / 3) < 1e-9


def test_outside_the_council_needs_the_council():
    """With the council named, a placement whose LA of placement (PL_LA, from the
    postcode at ingest) is another council's counts as outside; without it no figure is
    computed rather than a wrong one."""
    cd = care([("A", "01/05/2023", "S", "C2", "U4", None, None, "PR4", None, 40.0)],
              area={"area_code": "884", "area_name": "Herefordshire", "ons_code": "E06000019"})
    cd.episodes["PL_LA"] = ["E10000034"]          # Worcestershire
    assert value(cd, "new_placements_outside_la")[:3] == (1, 1, 100.0)
    assert value(cd, "cla_placed_outside_la_over_20_miles")[:3] == (1, 1, 100.0)
    bare = care([("A", "01/05/2023", "S", "C2", "U4", None, None, "PR4", None, 40.0)])
    assert compute(bare, ["new_placements_outside_la"]).query("period == 2024")["status"].eq("x").all()


def test_placement_type_mix_at_31_march():
    """At 31/03/2024: A in-house foster (U4, PR1); B agency foster (U4, PR4); C kinship
    (U1); D children's home aged 10 (K2, under 12); E children's home aged 15. Five
    children: each type 20%, children's homes split by age."""
    cd = care([("A", "01/01/2023", "S", "C2", "U4", None, None, "PR1"),
               ("B", "01/01/2023", "S", "C2", "U4", None, None, "PR4"),
               ("C", "01/01/2023", "S", "C2", "U1", None, None, "PR1"),
               ("D", "01/01/2023", "S", "C2", "K2", None, None, "PR4"),
               ("E", "01/01/2023", "S", "C2", "K2", None, None, "PR4")],
              dob={"D": "01/06/2013", "E": "01/06/2008"})
    df = compute(cd, ["cla_placement_type"])
    df = df[df["period"] == 2024].set_index("group")["value"]
    assert df["Foster: in-house"] == 20 and df["Foster: independent agency"] == 20
    assert df["Foster: relative or friend"] == 20 and df["Children's home, aged under 12"] == 20
    assert df["Secure and children's homes"] == 20 and math.isclose(df.sum(), 100)


def test_split_by_age_band_adds_up():
    """Split by age band at 31 March: A aged 13 (10 to 15), B aged 3 (1 to 4). The
    groups' numerators and denominators add up to the whole."""
    cd = care([("A", "01/01/2023", "S", "C2", "U4", None, None),
               ("B", "01/01/2023", "S", "C2", "U4", None, None)], dob={"B": "01/06/2020"})
    df = compute(cd, ["cla_count"], by="age_band")
    df = df[df["period"] == 2024].set_index("group")["numerator"]
    assert df.to_dict() == {"1 to 4": 1, "10 to 15": 1}


def test_rates_per_10k_and_child_arrangements_orders():
    """Herefordshire, 2024 (ONS mid-2023: 34,260 children). At 31/03/2024: A and B
    looked after -> 2 / 34,260 x 10,000 = 0.584. C ceased 01/10/2023 through a child
    arrangements order (E41): ceased 1 -> 0.292 per 10,000; CAO 1 of 1."""
    here = {"area_code": "884", "area_name": "Herefordshire", "ons_code": "E06000019"}
    cd = care([("A", "01/01/2022", "S", "C2", "U4", None, None),
               ("B", "01/01/2022", "S", "C2", "U4", None, None),
               ("C", "01/01/2022", "S", "C2", "U4", "01/10/2023", "E41")], area=here)
    assert value(cd, "cla_rate_per_10k")[:2] == (2, 34260)
    n, d, v, _ = value(cd, "cla_ceased_rate_per_10k")
    assert (n, d) == (1, 34260) and abs(v - 10000 / 34260) < 1e-9
    assert value(cd, "ceased_cao")[:3] == (1, 1, 100.0)
    bare = care([("A", "01/01/2022", "S", "C2", "U4", None, None)])
    assert value(bare, "cla_rate_per_10k")[3] == "x"       # no council: no population


def test_calendar_month_windows_do_not_overlap():
    """frequency="month": each figure covers one calendar month. A starts 01/05/2023
    and again 01/09/2023 (two months, one child each); B starts 01/02/2024. So May,
    September and February show 1 start, every other month 0, and the twelve months
    add up to 3 (the annual figure counts A once: 2). Rolling 12-month figures would
    show 2 in every month from September to March."""
    cd = care([("A", "01/05/2023", "S", "C2", "U4", "01/06/2023", "E4A"),
               ("A", "01/09/2023", "S", "C2", "U4", None, None),
               ("B", "01/02/2024", "S", "V2", "U4", None, None),
               ("C", "01/02/2022", "S", "C2", "U4", None, None)])
    m = compute(cd, ["cla_starts"], frequency="month")
    y = m[m["period"] == 2024].set_index(m[m["period"] == 2024]["period_end"].dt.month)["numerator"]
    assert len(y) == 12 and y[5] == y[9] == y[2] == 1 and y.sum() == 3
    assert value(cd, "cla_starts")[0] == 2
    # only measures that mean something over a month are given by month
    assert compute(cd, ["cla_3plus_placements"], frequency="month").empty
    assert "cla_3plus_placements" not in __import__("evaltools").measures.available("month")
    assert m["period_end"].is_monotonic_increasing and (m["period_end"].dt.is_month_end).all()
    # the extract's first month is a month like any other: April's window starts on 1
    # April, not on 31 March (30 March + 1 day), which reached before the extract and
    # left every extract's first April out as not available
    first = m.iloc[0]
    assert (first["period_end"], first["status"], first["numerator"]) == (pd.Timestamp("2021-04-30"), "ok", 0)
    assert (m["status"] == "ok").all()
