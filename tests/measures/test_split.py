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
