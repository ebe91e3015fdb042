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
