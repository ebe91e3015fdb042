"""Hypothesis fuzzing: whatever bytes a file holds, the reader either reads it or
refuses with an EvaltoolsError (one line for the user), never another exception."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaltools.errors import EvaltoolsError
from evaltools.ssda903 import read_extract

from .builders import EPISODES, SALT, base_tables, write_extract, write_table

CELL = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", " ", "01/02/2023", "31/02/2023", "1.0", "x", "S", "p", "\"", ",", "\n", "é", "NaN", "NULL"]))


def _roundtrip(mutate):
    tmp = Path(tempfile.mkdtemp())
    try:
        folder = write_extract(tmp / "2024")
        mutate(folder)
        try:
            ex = read_extract(folder, salt=SALT, compute_distance=False)
        except EvaltoolsError as e:
            assert "\n" not in str(e)
            return
        assert set(ex.issues["severity"]) <= {"error", "warning"}
    finally:
        shutil.rmtree(tmp)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 12), CELL), max_size=8))
def test_random_cell_values(edits):
    def mutate(folder):
        cols, rows = base_tables()["episodes.csv"]
        for r, c, v in edits:
            rows[r][c] = v
        write_table(folder / "episodes.csv", cols, rows)
    _roundtrip(mutate)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.integers(0, 400))
def test_random_bytes_spliced_into_a_file(junk, at):
    def mutate(folder):
        p = folder / "header.csv"
        data = p.read_bytes()
        p.write_bytes(data[:at] + junk + data[at:])
    _roundtrip(mutate)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(EPISODES + ["X", "", "child"]), min_size=1, max_size=15))
def test_random_headers(header):
    def mutate(folder):
        write_table(folder / "episodes.csv", header, [["a"] * len(header)])
    _roundtrip(mutate)
