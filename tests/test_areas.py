from __future__ import annotations

import pytest

from evaltools.areas import local_authorities, resolve_la
from evaltools.errors import UnknownAreaError


@pytest.mark.parametrize("query", ["884", 884, "E06000019", "Herefordshire",
                                   "herefordshire, county of", "HEREFORDSHIRE"])
def test_resolve_herefordshire(query):
    a = resolve_la(query)
    assert a.area_code == "884" and a.display_name == "Herefordshire"
    assert a.region_name == "West Midlands"


def test_resolve_others():
    assert resolve_la("St Helens").area_code == "342"
    assert resolve_la("st. helens").area_code == "342"
    assert resolve_la(919).area_name == "Hertfordshire"


@pytest.mark.parametrize("old, code", [("E10000023", "815"), ("E10000027", "933"), ("E10000002", "825"),
                                       ("E08000020", "390"), ("E06000048", "929")])
def test_a_retired_ons_code_finds_the_council_that_carried_on(old, code):
    """North Yorkshire's county code E10000023, still in older spreadsheets, was 'no
    English local authority'; the council kept its DfE number (815) as a unitary."""
    a = resolve_la(old)
    assert a.area_code == code and a.ons_code != old and a.last_period >= 2025


def test_display_names_are_as_councils_write_them():
    # DfE's "St. Helens" beside the strategy's "St Helens" named one council two ways
    assert resolve_la("342").display_name == "St Helens"
    assert resolve_la("342").area_name == "St. Helens"          # lookups keep DfE's name
    assert resolve_la("Bristol").display_name == "Bristol"


def test_unknown_name_lists_closest_matches():
    with pytest.raises(UnknownAreaError) as e:
        resolve_la("Herefordshir")
    assert "Closest matches: Herefordshire, County of (884)" in str(e.value)


def test_unknown_code_lists_nearest_codes():
    with pytest.raises(UnknownAreaError, match="matches .999.. Closest matches: "):
        resolve_la("999")


def test_local_authorities_cover_england():
    las = local_authorities()
    assert 150 <= len(las) <= 160 and las["area_code"].is_unique


def test_years_are_years_with_figures_not_rows_of_symbols():
    # DfE's 2025 tables keep "z" rows for councils abolished in local government
    # reorganisation, and rows for their successors back to 2016; the span counts figures
    las = local_authorities().set_index("area_code")
    span = las[["first_period", "last_period"]].astype(int).apply(tuple, axis=1).to_dict()
    assert span["909"] == (2018, 2023)           # Cumbria, abolished April 2023
    assert span["928"] == (2018, 2021)           # Northamptonshire, abolished April 2021
    assert span["942"] == (2024, 2025)           # Cumberland, first return 2023-24
    assert span["940"] == (2022, 2025)           # North Northamptonshire
    assert span["839"] == (2020, 2025)           # Bournemouth, Christchurch and Poole
    assert span["884"] == (2018, 2025)


def test_current_las_are_the_153_councils_of_2025():
    from evaltools.runner import current_las
    codes = set(current_las()["area_code"])
    assert len(codes) == 153
    assert not codes & {"909", "928", "835", "836", "837"}
    assert {"942", "943", "940", "941", "839", "838"} <= codes


def test_the_reorganisations_listed_are_the_ones_in_dfes_data():
    """areas.CREATED and areas.ABOLISHED (which decide the councils that existed in a
    year) agree with the years DfE publishes each council: a council formed after 2018
    first has figures in its first year, and every council without figures in the
    newest year is one abolished then."""
    from evaltools.areas import ABOLISHED, CREATED, local_authorities
    las = local_authorities().set_index("area_code")
    newest = las["last_period"].max()
    assert {c: int(y) for c, y in las.loc[las["last_period"] < newest, "last_period"].items()} == ABOLISHED
    assert {c: int(y) for c, y in las.loc[las["first_period"] > 2018, "first_period"].items()} == CREATED
