"""Combining annual returns into one continuous episode history per child."""

from __future__ import annotations

import pandas as pd

from evaltools.ssda903 import combine_history, read_extract

from .builders import EPISODES, SALT, base_tables, write_extract, write_table


def _ep(rows):
    df = pd.DataFrame(rows, columns=["YEAR", "CHILD", "DECOM", "DEC", "PLACE"])
    for c in ("DECOM", "DEC"):
        df[c] = pd.to_datetime(df[c], format="%d/%m/%Y")
    return df


def test_later_return_wins_for_episodes_it_covers():
    """2023 return: A's episode 01/06/2022 open at 31/03/2023 (PLACE U4).
    2024 return repeats it, now ended 10/10/2023, corrected to PLACE U1, then a new one.
    An episode that ended in 2022-23 (B) appears only in the 2023 return and is kept."""
    eps = _ep([
        [2023, "A", "01/06/2022", None, "U4"],
        [2023, "B", "01/05/2022", "01/09/2022", "U6"],
        [2024, "A", "01/06/2022", "10/10/2023", "U1"],
        [2024, "A", "10/10/2023", None, "U4"],
    ])
    h = combine_history(eps)
    assert list(zip(h["CHILD"], h["DECOM"].dt.strftime("%d/%m/%Y"), h["PLACE"], h["YEAR"])) == [
        ("A", "01/06/2022", "U1", 2024), ("A", "10/10/2023", "U4", 2024), ("B", "01/05/2022", "U6", 2023)]


def test_a_later_return_that_drops_an_episode_corrects_it():
    """2023 says A had an open episode from 01/03/2023; the 2024 return does not have it
    (it was entered in error). The later return is authoritative: it is dropped."""
    eps = _ep([[2023, "A", "01/03/2023", None, "U4"], [2024, "C", "01/05/2023", None, "U4"]])
    h = combine_history(eps)
    assert list(h["CHILD"]) == ["C"]


def test_episode_ending_on_1_april_belongs_to_the_later_return():
    eps = _ep([[2023, "A", "01/06/2022", "01/04/2023", "U4"],
               [2024, "A", "01/06/2022", "01/04/2023", "U1"]])
    h = combine_history(eps)
    assert list(h["PLACE"]) == ["U1"]


def test_two_years_read_from_folders_link_the_same_child(tmp_path):
    y23 = tmp_path / "2023"
    y24 = write_extract(tmp_path / "2024")
    tables = base_tables()
    cols, rows = tables["episodes.csv"]
    tables["episodes.csv"] = (cols, [
        ["C1001", "01/06/2022", "S", "C2", "N1", "U4", "PR1", "", "", "", "HR1 2HX", "AL10 9AB", ""]])
    tables.pop("oc3.csv")
    tables.pop("missing.csv")
    tables.pop("oc2.csv")
    write_extract(y23, tables)
    ex = read_extract(tmp_path, salt=SALT)
    assert ex.years == [2023, 2024]
    h = ex.history()
    a = h[h["CHILD"] == ex.tables["Episodes"]["CHILD"].iloc[0]]
    assert len(a) == 2 and set(a["YEAR"]) == {2024}      # 2024 wins for the open episode
    assert ex.tables["Episodes"].groupby("YEAR").size().to_dict() == {2023: 1, 2024: 3}


def test_parallel_reading_gives_identical_results(tmp_path):
    """Years read in worker processes give exactly what one process gives."""
    for y in (2023, 2024):
        write_extract(tmp_path / str(y))
    one = read_extract(tmp_path, salt=SALT, workers=1)
    two = read_extract(tmp_path, salt=SALT, workers=2)
    for t in one.tables:
        pd.testing.assert_frame_equal(one.tables[t], two.tables[t])
    pd.testing.assert_frame_equal(one.issues, two.issues)
    assert [f.path for f in one.files] == [f.path for f in two.files]


def test_across_a_year_with_no_return_an_episode_the_later_return_does_not_cover_is_kept():
    """2023, then 2025 (no 2024 return): A's episode open at 31 March 2023 ended during
    2024, so it is in neither return's episodes after; dropping it took A out of 2023's
    figures. It is kept to 31 March before 2025's year (no reason: not a leaving; open
    at 2023's year end, in no window of 2025), B's to the start of its next episode, and
    C's, which 2025 repeats, is 2025's."""
    eps = _ep([
        [2023, "A", "01/06/2022", None, "U4"],
        [2023, "B", "01/06/2021", None, "U4"],
        [2023, "C", "01/05/2020", None, "U1"],
        [2025, "B", "01/11/2023", None, "U6"],
        [2025, "C", "01/05/2020", "01/07/2024", "U1"],
    ])
    h = combine_history(eps).sort_values(["CHILD", "DECOM"])
    got = [(c, d.strftime("%d/%m/%Y"), None if pd.isna(e) else e.strftime("%d/%m/%Y"), y)
           for c, d, e, y in zip(h["CHILD"], h["DECOM"], h["DEC"], h["YEAR"])]
    assert got == [("A", "01/06/2022", "31/03/2024", 2023),
                   ("B", "01/06/2021", "01/11/2023", 2023), ("B", "01/11/2023", None, 2025),
                   ("C", "01/05/2020", "01/07/2024", 2025)]
    # with no gap the later return still corrects the earlier (an episode it drops is gone)
    eps = _ep([[2023, "A", "01/03/2023", None, "U4"], [2024, "C", "01/05/2023", None, "U4"]])
    assert list(combine_history(eps)["CHILD"]) == ["C"]
