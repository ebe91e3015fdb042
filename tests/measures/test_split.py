"""Splitting an extract into annual files read one at a time, then recombining, gives
the same measures as reading the folder at once."""

import pandas as pd

from evaltools import measures, ssda903
from evaltools.paths import data_dir


def test_annual_files_recombined_give_the_same_answer():
    root = data_dir() / "sample"
    salt = "split-test-salt-0123456789"
    whole = ssda903.read_extract(root, salt=salt)
    parts = [ssda903.read_extract(root / str(y), year=y, salt=salt) for y in whole.years]
    again = ssda903.combine(parts)
    a = measures.compute(whole, la="884", frequency="monthly")
    b = measures.compute(again, la="884", frequency="monthly")
    pd.testing.assert_frame_equal(a, b)
    assert (a["status"] == "ok").sum() > 4000


def test_an_extract_without_episodes_is_refused_in_words(tmp_path):
    """No Episodes file in any year (a partial extract): computing measures stopped at
    "KeyError: 'CHILD'" deep in the engine."""
    import shutil

    import pytest

    from evaltools.errors import IncompleteExtractError
    (tmp_path / "2024").mkdir()
    shutil.copy(data_dir() / "sample" / "2024" / "header.csv", tmp_path / "2024")
    ex = ssda903.read_extract(tmp_path, salt="test-salt-1234567890abcdef")
    with pytest.raises(IncompleteExtractError, match=f"no Episodes table in any year.* in {tmp_path}"):
        measures.compute(ex, ["placement_moves_per_child_year"], la="884")
