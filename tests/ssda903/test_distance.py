"""Placement distance and location from the bundled ONS postcode directory, read from
the package or from the user's cache: the same answer either way."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools import published
from evaltools.ssda903 import distance

HOME = pd.Series(["HR1 2HX", "hr12hx", "AL10 9AB", None, "ZZ99 9ZZ"])
PLACED = pd.Series(["AL10 9AB", "HR1 2HX", "AL10 9AB", "HR1 2HX", "HR1 2HX"])


def _fresh(monkeypatch, cache):
    monkeypatch.setenv(published.CACHE_ENV, str(cache))
    distance._grid.cache_clear()
    return distance.placement_geography(HOME, PLACED)


def test_distances_and_placement_las(monkeypatch, tmp_path):
    got = _fresh(monkeypatch, "off")
    # HR1 2HX to AL10 9AB: 107.7 miles in a straight line between ONS grid references
    assert got["PL_DISTANCE"].tolist()[:3] == [107.7, 0.0, 0.0]      # case and spaces ignored
    assert got["PL_DISTANCE"].iloc[3:].isna().all()          # no home postcode; unknown one
    assert got["PL_LA"].tolist() == ["E10000015", "E06000019", "E10000015", "E06000019", "E06000019"]


def test_the_cache_gives_what_the_package_gives(monkeypatch, tmp_path):
    direct = _fresh(monkeypatch, "off")
    cold = _fresh(monkeypatch, tmp_path)                    # reads the package, writes the cache
    letters = {p.name.split("-")[1] for p in (tmp_path / "postcodes").iterdir()}
    assert {"A", "H"} <= letters <= {"A", "H", "Z"}          # only the letters asked about
    warm = _fresh(monkeypatch, tmp_path)                    # reads the cache
    pd.testing.assert_frame_equal(cold, direct)
    pd.testing.assert_frame_equal(warm, direct)


def test_a_damaged_cache_file_is_read_again_from_the_package(monkeypatch, tmp_path):
    direct = _fresh(monkeypatch, "off")
    _fresh(monkeypatch, tmp_path)
    for f in (tmp_path / "postcodes").iterdir():
        f.write_bytes(b"not an arrow file")
    pd.testing.assert_frame_equal(_fresh(monkeypatch, tmp_path), direct)


@pytest.fixture(autouse=True)
def _forget(monkeypatch):
    yield
    distance._grid.cache_clear()
