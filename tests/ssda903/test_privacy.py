"""No raw identifier, date of birth or full postcode leaves the reader."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools.ssda903 import read_extract
from evaltools.ssda903.pseudonymise import hash_ids

from .builders import SALT, base_tables, write_extract

RAW = ["C1001", "C1002", "C1003", "A123456789012", "B123456789012", "HR1 2HX", "AL10 9AB",
       "15/05/2010", "2010-05-15", "03/11/2008", "10/06/2004"]


@pytest.fixture
def ex(tmp_path):
    return read_extract(write_extract(tmp_path / "2024"), salt=SALT)


def _all_text(ex) -> str:
    parts = [df.astype(str).to_csv() for df in ex.tables.values()]
    parts += [ex.issues.to_csv(), ex.file_summary().to_csv(), repr(ex.counts())]
    return "\n".join(parts)


def test_no_raw_identifier_dob_or_postcode_anywhere(ex):
    text = _all_text(ex)
    for raw in RAW:
        assert raw not in text, raw
    assert SALT not in text


def test_child_ids_are_keyed_hashes_consistent_across_tables(ex):
    ids = set(ex.tables["Episodes"]["CHILD"])
    assert ids <= set(ex.tables["Header"]["CHILD"])
    assert all(len(i) == 20 and all(ch in "0123456789abcdef" for ch in i) for i in ids)
    assert set(hash_ids(pd.Series(["C1001"]), SALT.encode())) <= ids


def test_same_salt_same_hash_other_salt_other_hash():
    s = pd.Series(["C1001", "C1002", None])
    a = hash_ids(s, b"x" * 20)
    assert a.equals(hash_ids(s, b"x" * 20)) and a.isna().iloc[2]
    assert not (a.dropna() == hash_ids(s, b"y" * 20).dropna()).any()
    assert not (hash_ids(s, b"x" * 20, "child").dropna() == hash_ids(s, b"x" * 20, "sw").dropna()).any()


def test_dates_of_birth_become_months(ex):
    dob = ex.tables["Header"]["DOB"]
    assert (dob.dt.day == 1).all()
    assert sorted(dob.dt.strftime("%Y-%m")) == ["2004-06", "2008-11", "2010-05"]


def test_postcodes_become_districts_after_distance(ex):
    ep = ex.tables["Episodes"]
    assert set(ep["HOME_POST"]) == {"HR1"} and set(ep["PL_POST"]) == {"AL10", "HR1"}
    # HR1 2HX to AL10 9AB: 107.7 miles in a straight line between ONS grid references
    assert ep["PL_DISTANCE"].tolist() == [107.7, 0.0, 0.0]


def test_upn_is_dropped_keeping_only_whether_recorded(ex):
    h = ex.tables["Header"]
    assert "UPN" not in h and sorted(h["UPN_STATUS"]) == ["UN1", "recorded", "recorded"]


def test_salt_too_short(tmp_path):
    from evaltools.errors import ConfigError
    with pytest.raises(ConfigError, match="at least 16"):
        read_extract(write_extract(tmp_path / "2024"), salt="short")


def test_a_shifted_rows_date_of_birth_or_postcode_is_not_quoted_in_an_issue(tmp_path):
    """A Header row missing a field put the date of birth under SEX, and a postcode typed
    into PLACE, and the issue messages (printed, and written to the --issues CSV an
    analyst may send to the case-system supplier) quoted "SEX '31/12/2010' is not a
    valid code" and "PLACE 'HR1 3PT'" (data-protection review). Withheld by shape, with
    what it looked like; a plain wrong code is still quoted, so it can be fixed."""
    tables = base_tables()
    cols, rows = tables["header.csv"]
    rows[0] = ["C1001", "31/12/2010", "WBRI", "A123456789012", "", "", ""]     # SEX missing: shifted left
    rows[1] = ["C1002", "7", "03/11/2008", "MWBC", "UN1", "0", ""]            # a wrong code
    cols, eps = tables["episodes.csv"]
    eps[1] = eps[1][:5] + ["HR1 3PT"] + eps[1][6:]                             # PLACE
    eps[2] = eps[2][:5] + ["A123456789012"] + eps[2][6:]
    ex = read_extract(write_extract(tmp_path / "2024", tables), salt=SALT)
    text = _all_text(ex)
    for raw in ("31/12/2010", "HR1 3PT", "A123456789012"):
        assert raw not in text, raw
    msgs = ex.issues.set_index("column")["message"]
    assert "SEX '(value withheld: a date)' is not a valid code" in msgs.loc["SEX"].tolist()[0]
    assert "SEX '7' is not a valid code" in " ".join(msgs.loc[["SEX"]].tolist())
    assert "PLACE '(value withheld: a postcode)'" in " ".join(msgs.loc[["PLACE"]].tolist())
    assert "PLACE '(value withheld: a pupil number)'" in " ".join(msgs.loc[["PLACE"]].tolist())


def test_a_salt_of_few_different_characters_is_refused(tmp_path):
    """"aaaaaaaaaaaaaaaa" passed the length check (data-protection review): a key anyone
    could guess, which would let them recompute every child's pseudonym."""
    from evaltools.errors import ConfigError
    for weak in ("a" * 16, "12" * 10):
        with pytest.raises(ConfigError, match="only [12] different characters") as exc:
            read_extract(write_extract(tmp_path / "2024"), salt=weak)
        assert "secrets.token_hex(32)" in exc.value.fix
