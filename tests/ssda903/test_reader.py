"""The SSDA903 reader: forgiving about formatting, strict about meaning.

Every case below is a real way extracts go wrong. Each either reads, with the fix it
made recorded against the file, or stops with one clear line naming the file, and the
input files are never modified (hashed before and after).
"""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools import cli
from evaltools.errors import ConfigError, EvaltoolsError, MissingDataError, SchemaError
from evaltools.ssda903 import read_extract

from .builders import (EPISODES, HEADER, OC2, SALT, base_tables, hashes, write_extract,
                       write_table)


@pytest.fixture
def extract_dir(tmp_path):
    return write_extract(tmp_path / "2024")


@pytest.fixture(autouse=True)
def inputs_untouched(tmp_path):
    """Every test's input files hash the same after reading as before."""
    yield
    # the check runs in each test through read(); see read() below


def read(folder, **kw):
    before = hashes(folder)
    try:
        return read_extract(folder, salt=SALT, **kw)
    finally:
        assert hashes(folder) == before, "an input file was modified"


def fixes(ex, table):
    return " | ".join(f for r in ex.files if r.table == table for f in r.fixes)


def test_clean_extract_reads_with_no_issues(extract_dir):
    ex = read(extract_dir)
    assert ex.years == [2024]
    assert set(ex.tables) == {"Header", "Episodes", "OC2", "OC3", "Missing"}
    assert ex.issues.empty, ex.issues.to_string()
    ep = ex.tables["Episodes"]
    assert len(ep) == 3 and ep["DECOM"].dtype.kind == "M"
    assert [f.year_from for f in ex.files][0] == "folder or file name"


# ------------------------------------------------------------------ fixed in memory
def test_utf8_bom(extract_dir):
    p = extract_dir / "episodes.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    ex = read(extract_dir)
    assert "removed UTF-8 byte-order mark" in fixes(ex, "Episodes")
    assert len(ex.tables["Episodes"]) == 3 and ex.issues.empty


def test_cp1252_export(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    rows[0][12] = "SC12 Caf\u00e9"
    write_table(extract_dir / "episodes.csv", cols, rows, encoding="cp1252")
    ex = read(extract_dir)
    assert "read as Windows-1252" in fixes(ex, "Episodes")
    assert ex.tables["Episodes"]["URN"].iloc[0] == "SC12 Caf\u00e9"


def test_utf16_export_is_read_not_called_binary(extract_dir):
    """A UTF-16 file (Excel's "Unicode Text", some case systems' exports) has a NUL in
    every other byte: it was refused as "binary data", though it is text."""
    cols, rows = base_tables()["episodes.csv"]
    rows[0][12] = "SC12 Caf\u00e9"
    write_table(extract_dir / "episodes.csv", cols, rows, encoding="utf-16")     # with its BOM
    ex = read(extract_dir)
    assert "read as UTF-16" in fixes(ex, "Episodes")
    assert len(ex.tables["Episodes"]) == 3 and ex.tables["Episodes"]["URN"].iloc[0] == "SC12 Caf\u00e9"


def test_trailing_blank_lines(extract_dir):
    p = extract_dir / "header.csv"
    p.write_text(p.read_text() + "\n\n\n")
    ex = read(extract_dir)
    assert "ignored 3 blank line(s)" in fixes(ex, "Header") and len(ex.tables["Header"]) == 3


def test_comma_only_rows(extract_dir):
    p = extract_dir / "header.csv"
    p.write_text(p.read_text() + ",,,,,,\n,,,,,,\n")
    ex = read(extract_dir)
    assert len(ex.tables["Header"]) == 3 and "ignored 2 row(s) of empty fields" in fixes(ex, "Header")


def test_crlf_line_endings(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    write_table(extract_dir / "episodes.csv", cols, rows, newline="\r\n")
    ex = read(extract_dir)
    assert len(ex.tables["Episodes"]) == 3 and ex.issues.empty


def test_stray_whitespace(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    rows[0] = [f"  {v} " if v else v for v in rows[0]]
    write_table(extract_dir / "episodes.csv", cols, rows)
    ex = read(extract_dir)
    assert "trimmed stray whitespace" in fixes(ex, "Episodes")
    assert ex.tables["Episodes"]["RNE"].iloc[0] == "S" and ex.issues.empty


def test_lower_case_codes(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    rows[0][3], rows[0][5] = "c2", "u4"
    write_table(extract_dir / "episodes.csv", cols, rows)
    ex = read(extract_dir)
    assert "upper-cased" in fixes(ex, "Episodes") and ex.issues.empty
    assert set(ex.tables["Episodes"]["PLACE"]) == {"U4", "U6"}


def test_integers_written_with_decimal_point(extract_dir):
    cols, rows = base_tables()["oc2.csv"]
    rows[0][2], rows[0][6] = "12.0", "1.0"
    write_table(extract_dir / "oc2.csv", cols, rows)
    ex = read(extract_dir)
    oc2 = ex.tables["OC2"]
    assert oc2["SDQ_SCORE"].iloc[0] == 12 and oc2["IMMUNISATIONS"].iloc[0] == "1"
    assert "like '1.0'" in fixes(ex, "OC2") and ex.issues.empty


def test_quoted_fields(extract_dir):
    p = extract_dir / "header.csv"
    lines = p.read_text().splitlines()
    lines[1] = ",".join(f'"{v}"' for v in lines[1].split(","))
    p.write_text("\n".join(lines) + "\n")
    ex = read(extract_dir)
    assert ex.issues.empty and len(ex.tables["Header"]) == 3


def test_header_only_file(extract_dir):
    write_table(extract_dir / "missing.csv", ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"], [])
    ex = read(extract_dir)
    assert len(ex.tables["Missing"]) == 0 and ex.issues.empty


def test_column_names_in_other_case_and_order(extract_dir):
    cols, rows = base_tables()["header.csv"]
    order = [6, 5, 4, 3, 2, 1, 0]
    write_table(extract_dir / "header.csv", [cols[i].lower() for i in order],
                [[r[i] for i in order] for r in rows])
    ex = read(extract_dir)
    assert ex.issues.empty and "normalised column names" in fixes(ex, "Header")


def test_unknown_extra_column_is_dropped(extract_dir):
    cols, rows = base_tables()["header.csv"]
    write_table(extract_dir / "header.csv", cols + ["FORENAME"], [r + ["Alice"] for r in rows])
    ex = read(extract_dir)
    assert "FORENAME" not in ex.tables["Header"].columns
    assert "ignored unknown columns ['FORENAME']" in fixes(ex, "Header")


def test_single_digit_and_excel_datetime_dates(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    rows[0][1] = "1/6/2022"
    rows[0][7] = "10/10/2023 00:00:00"
    write_table(extract_dir / "episodes.csv", cols, rows)
    ex = read(extract_dir)
    ep = ex.tables["Episodes"]
    assert ep["DECOM"].iloc[0] == pd.Timestamp(2022, 6, 1) and ex.issues.empty


def test_file_named_anything_is_recognised_by_columns(extract_dir):
    (extract_dir / "episodes.csv").rename(extract_dir / "export (3).csv")
    ex = read(extract_dir)
    assert "Episodes" in ex.tables


def test_postcode_without_space(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    rows[0][10] = "hr12hx"
    write_table(extract_dir / "episodes.csv", cols, rows)
    ex = read(extract_dir)
    assert ex.tables["Episodes"]["HOME_POST"].iloc[0] == "HR1" and ex.issues.empty


# ------------------------------------------------------------------------ refused
def refused(folder, exc, *fragments, **kw):
    with pytest.raises(exc) as e:
        read(folder, **kw)
    msg = str(e.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, (f, msg)
    return msg


def test_excel_workbook_renamed_csv(extract_dir):
    (extract_dir / "oc2.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200)
    refused(extract_dir, SchemaError, "oc2.csv is not a CSV file", "Excel workbook",
            "save it as 'CSV (comma delimited)'")


def test_old_excel_file(extract_dir):
    (extract_dir / "oc2.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    refused(extract_dir, SchemaError, "oc2.csv is not a CSV file", ".xls")


def test_binary_file(extract_dir):
    (extract_dir / "oc2.csv").write_bytes(bytes(range(256)) * 4)
    refused(extract_dir, SchemaError, "oc2.csv is not a CSV file", "binary data")


def test_missing_required_column(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    i = cols.index("RNE")
    write_table(extract_dir / "episodes.csv", cols[:i] + cols[i + 1:], [r[:i] + r[i + 1:] for r in rows])
    refused(extract_dir, SchemaError, "episodes.csv looks like the Episodes table",
            "lacks required column(s) ['RNE']")


def test_date_column_that_never_parses(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    for r in rows:
        r[1] = "2022-06-01"
    write_table(extract_dir / "episodes.csv", cols, rows)
    refused(extract_dir, SchemaError, "no value in date column DECOM of episodes.csv",
            "'2022-06-01'", "dd/mm/yyyy")


def test_dob_column_that_never_parses_does_not_echo_dates(extract_dir):
    cols, rows = base_tables()["header.csv"]
    for r in rows:
        r[2] = "2010-05-15"
    write_table(extract_dir / "header.csv", cols, rows)
    msg = refused(extract_dir, SchemaError, "no value in date column DOB")
    assert "2010-05-15" not in msg


def test_unrecognised_table(extract_dir):
    write_table(extract_dir / "notes.csv", ["NAME", "NOTE"], [["a", "b"]])
    refused(extract_dir, SchemaError, "notes.csv is not a recognised SSDA903 table")


def test_a_file_without_its_header_row_is_refused_without_echoing_its_first_row(extract_dir):
    """The first data row was printed as "its columns": a child's id, dates of birth and
    full postcodes, into the error, the manifest and the data-quality report."""
    p = extract_dir / "episodes.csv"
    lines = p.read_text().splitlines(keepends=True)
    first = lines[1].strip().split(",")
    p.write_text("".join(lines[1:]))
    msg = refused(extract_dir, SchemaError, "episodes.csv is not a recognised SSDA903 table",
                  "not a row of column names", "without its header row")
    assert not any(v and v in msg for v in first if len(v) > 2)


def test_a_first_row_with_a_value_twice_is_not_printed_as_a_column_named_twice(extract_dir):
    """The same postcode twice in the first row of a file without its header was
    refused as "has the column AB1_2CD twice"."""
    p = extract_dir / "episodes.csv"
    lines = p.read_text().splitlines()
    first = lines[1].split(",")
    first[-2] = first[-3]                        # placement postcode = home postcode
    p.write_text("\n".join([",".join(first)] + lines[2:]) + "\n")
    msg = refused(extract_dir, SchemaError, "not a row of column names")
    assert first[-3].replace(" ", "_").upper() not in msg and first[-3] not in msg


def test_a_comma_after_every_row_but_not_the_header_shifts_nothing(extract_dir):
    """pandas took the first column as the rows' index and shifted every value one
    column left: SEX read a date of birth, and the children collapsed into two ids."""
    clean = read(extract_dir).tables["Header"]
    p = extract_dir / "header.csv"
    head, *rows = p.read_text().splitlines()
    p.write_text("\n".join([head] + [r + "," for r in rows]) + "\n")
    ex = read(extract_dir)
    pd.testing.assert_frame_equal(ex.tables["Header"], clean)
    assert ex.issues.empty
    # a value in the extra field is refused, not dropped
    p.write_text("\n".join([head] + [r + ",x" for r in rows]) + "\n")
    refused(extract_dir, SchemaError, "header.csv has every row (lines 2 to 4) with more fields than its header")


def test_a_column_named_twice_is_refused(extract_dir):
    cols, rows = base_tables()["header.csv"]
    write_table(extract_dir / "header.csv", cols + ["DOB"], [r + [r[cols.index("DOB")]] for r in rows])
    refused(extract_dir, SchemaError, "header.csv has the column DOB twice in its header")


def test_empty_file(extract_dir):
    (extract_dir / "oc3.csv").write_bytes(b"")
    refused(extract_dir, SchemaError, "oc3.csv is empty (no header row)")


def test_two_files_for_one_table(extract_dir):
    cols, rows = base_tables()["header.csv"]
    write_table(extract_dir / "header_copy.csv", cols, rows)
    refused(extract_dir, SchemaError, "two files in 2024 look like the Header table")


def test_one_year_given_for_a_folder_of_year_folders_is_named_as_the_cause(tmp_path):
    """`--year 2020` on a folder of year folders put every file in 2020 and said "two
    files in 2020 look like the AD1 table: 2016/ad1.csv and 2017/ad1.csv"."""
    for y in ("2023", "2024"):
        write_extract(tmp_path / "903" / y)
    refused(tmp_path / "903", ConfigError, "year 2024 was given for every file, but the folder holds year folders",
            "2023/", "is 2023's", "Leave the year out", year=2024)
    assert read(tmp_path / "903").years == [2023, 2024]           # the folder names give them


def test_row_with_too_many_fields(extract_dir):
    p = extract_dir / "header.csv"
    p.write_text(p.read_text() + "C1009,1,01/01/2010,WBRI,X,,,extra,fields\n")
    refused(extract_dir, SchemaError, "header.csv has a row with more fields than its header")


def test_rows_with_more_fields_are_named_by_line(extract_dir):
    """Where the first data row is the long one, pandas gives no line: the message
    said only "has rows with more fields", leaving the user to search the file."""
    p = extract_dir / "header.csv"
    lines = p.read_text().splitlines()
    lines[1] += ",Smith"
    p.write_text("\n".join(lines) + "\n")
    refused(extract_dir, SchemaError, "header.csv has a row (line 2) with more fields than its header")
    p.write_text("\n".join([lines[0]] + [ln + ",x" for ln in lines[1:]]) + "\n")
    refused(extract_dir, SchemaError, f"header.csv has every row (lines 2 to {len(lines)}) with more fields",
            "a column with no name in the header")


def test_folder_without_csv(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "episodes.xlsx").write_bytes(b"PK")
    refused(tmp_path / "x", MissingDataError, "no .csv files in", "episodes.xlsx")


def test_folder_that_does_not_exist(tmp_path):
    with pytest.raises(MissingDataError, match="does not exist"):
        read_extract(tmp_path / "nope", salt=SALT)


def test_year_cannot_be_determined(tmp_path):
    folder = tmp_path / "extract"
    cols, rows = base_tables()["header.csv"]
    write_table(folder / "header.csv", cols, rows)
    refused(folder, ConfigError, "cannot tell which collection year header.csv belongs to", "--year")


def test_year_from_data_when_folder_does_not_say(tmp_path):
    folder = write_extract(tmp_path / "extract")
    ex = read(folder)
    assert ex.years == [2024] and ex.files[0].year_from == "latest episode date"


def test_year_argument_and_span_names(tmp_path):
    a = write_extract(tmp_path / "903_2022_23")
    assert read(a).years == [2023]
    assert read(a, year=2024).years == [2024]


def test_missing_salt(extract_dir, monkeypatch):
    monkeypatch.delenv("EVALTOOLS_SALT", raising=False)
    with pytest.raises(ConfigError, match="no pseudonymisation salt is set.*EVALTOOLS_SALT"):
        read_extract(extract_dir)


# --------------------------------------------- single bad values become issues
def issue(ex, check):
    hit = ex.issues[ex.issues["check"] == check]
    assert len(hit) == 1, ex.issues.to_string()
    return hit.iloc[0]


def test_one_bad_date_is_an_issue_not_a_refusal(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    rows[2][7] = "31/02/2024"
    write_table(extract_dir / "episodes.csv", cols, rows)
    ex = read(extract_dir)
    i = issue(ex, "DATE_INVALID")
    assert (i.table, i.row, i.column, i.severity) == ("Episodes", 4, "DEC", "error")
    assert i.file.endswith("episodes.csv") and "'31/02/2024'" in i.message
    assert len(ex.usable("Episodes", ["DEC"])) == 2        # left out of measures using DEC
    assert len(ex.usable("Episodes", ["PLACE"])) == 3      # but not of those that don't
    assert ex.excluded("Episodes", ["DEC"])["excluded"].sum() == 1


def test_unknown_code(extract_dir):
    cols, rows = base_tables()["episodes.csv"]
    rows[1][5] = "Q9"
    write_table(extract_dir / "episodes.csv", cols, rows)
    i = issue(read(extract_dir), "CODE_INVALID")
    assert i.column == "PLACE" and "'Q9' is not a valid code" in i.message


def test_blank_required_value(extract_dir):
    cols, rows = base_tables()["header.csv"]
    rows[1][3] = ""
    write_table(extract_dir / "header.csv", cols, rows)
    i = issue(read(extract_dir), "REQUIRED_BLANK")
    assert (i.table, i.column, i.row) == ("Header", "ETHNIC", 3)


def test_sdq_out_of_range(extract_dir):
    cols, rows = base_tables()["oc2.csv"]
    rows[0][2] = "45"
    write_table(extract_dir / "oc2.csv", cols, rows)
    i = issue(read(extract_dir), "VALUE_INVALID")
    assert i.column == "SDQ_SCORE" and "from 0 to 40" in i.message


def test_bad_dob_value_is_not_echoed(extract_dir):
    cols, rows = base_tables()["header.csv"]
    rows[0][2] = "15/13/2010"
    write_table(extract_dir / "header.csv", cols, rows)
    i = issue(read(extract_dir), "DATE_INVALID")
    assert i.column == "DOB" and "15/13/2010" not in i.message and "withheld" in i.message


@pytest.mark.parametrize("year,code,valid", [
    (2024, "K3", False), (2025, "K3", True), (2025, "Z1", True), (2026, "Z1", False),
    (2026, "Z12", True), (2026, "H5", False), (2025, "P2", True), (2026, "P2", False),
])
def test_codes_follow_the_collection_year(tmp_path, year, code, valid):
    folder = write_extract(tmp_path / str(year))
    cols, rows = base_tables()["episodes.csv"]
    for r in rows:
        r[1] = r[1][:-4] + str(int(r[1][-4:]) + year - 2024)
        if r[7]:
            r[7] = r[7][:-4] + str(int(r[7][-4:]) + year - 2024)
    rows[1][5] = code
    write_table(folder / "episodes.csv", cols, rows)
    ex = read(folder)
    bad = ex.issues[(ex.issues["check"] == "CODE_INVALID") & (ex.issues["column"] == "PLACE")]
    assert bad.empty == valid


def test_validate_cli_on_a_bad_folder_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EVALTOOLS_SALT", SALT)
    folder = write_extract(tmp_path / "2024")
    (folder / "oc2.csv").write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    code = cli.main(["validate", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "oc2.csv is not a CSV file" in err


def test_validate_cli_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EVALTOOLS_SALT", SALT)
    folder = write_extract(tmp_path / "2024")
    out_csv = tmp_path / "issues.csv"
    code = cli.main(["validate", str(folder), "--issues", str(out_csv)])
    out = capsys.readouterr().out
    assert code == 0 and "Issues: 0 error(s), 0 warning(s)" in out and out_csv.exists()
    assert "Rows left out of measures because of errors: none" in out      # not a heading over nothing


def test_every_refusal_is_an_evaltools_error():
    """The refusals above are all EvaltoolsError subclasses: the CLI turns them into exit 2."""
    for e in (SchemaError, ConfigError, MissingDataError):
        assert issubclass(e, EvaltoolsError)


def test_bytes_that_are_neither_utf8_nor_windows_1252(extract_dir):
    p = extract_dir / "header.csv"
    p.write_bytes(p.read_bytes().replace(b"WBRI", b"WBR\x81", 1))
    refused(extract_dir, SchemaError, "header.csv is neither UTF-8 nor Windows-1252 text",
            "byte 0x81", "CSV UTF-8")


def test_control_characters_in_the_header_are_removed(extract_dir):
    p = extract_dir / "header.csv"
    p.write_bytes(b"\x01" + p.read_bytes())
    ex = read(extract_dir)
    assert len(ex.tables["Header"]) == 3 and ex.issues.empty


def test_a_year_missing_its_episodes_where_other_years_have_them_is_refused(tmp_path):
    """A 2025 folder without episodes.csv was read as a year in which no child started,
    left or moved: 'validate' said 0 errors and the topic reports found 'started care fell
    beyond noise'. It is one line naming the year, the table and the folder."""
    import shutil
    for y in ("2024", "2025"):
        shutil.copytree(f"data/sample/{y}", tmp_path / y)
    (tmp_path / "2025" / "episodes.csv").unlink()
    with pytest.raises(SchemaError, match=r"no Episodes table among the 2025 files, where the other years have "
                                          r"one: that year would count no children") as e:
        read_extract(tmp_path, salt=SALT)
    assert str(tmp_path / "2025") in str(e.value)
    assert cli.main(["validate", str(tmp_path)]) == 2
    (tmp_path / "2024" / "episodes.csv").unlink()       # no year has them: a partial extract, read
    assert read_extract(tmp_path, salt=SALT) is not None


@pytest.mark.parametrize("name, year", [
    ("2024", 2024), ("2023-24", 2024), ("2023_24", 2024), ("903 2023-24 return", 2024),
    # a folder named for both years was read as 2023 (the first year it names)
    ("2023-2024", 2024),
    # an export date in a name is not the collection year
    ("episodes_extracted_2025-01-10", None), ("header_20250110", None), ("Episodes_2024", 2024),
    # a year-end date is the year it ends
    ("903_2024-03-31", 2024), ("Episodes 20230331", 2023),
])
def test_the_year_a_name_gives(name, year):
    from evaltools.ssda903.extract import _year_in
    assert _year_in(name) == year


def test_the_roots_own_name_does_not_overrule_its_files_names(tmp_path):
    """A root called "SSDA903 2019-2024" read as 2019 refused header_2022.csv as "named
    for 2022 but in a folder for 2019"; the root names the extract, not a year."""
    root = tmp_path / "SSDA903 2019-2024"
    folder = write_extract(root / "x")
    for f in folder.iterdir():
        f.rename(root / f"{f.stem}_2024.csv")
    folder.rmdir()
    assert read(root).years == [2024]


def test_a_file_named_for_another_year_than_its_folder_is_refused(tmp_path):
    folder = write_extract(tmp_path / "2024")
    (folder / "episodes.csv").rename(folder / "episodes_2025.csv")
    refused(tmp_path, ConfigError, "episodes_2025.csv is named for 2025 but is in a folder for 2024")


def test_month_first_dates_are_told_apart_from_a_few_bad_ones():
    """A column whose failing dates read as mm/dd/yyyy and whose passing ones never have
    a day over 12 is written month first; one with a day over 12 among its good dates,
    or too few dates to tell, is not."""
    import numpy as np
    import pandas as pd

    from evaltools.ssda903.clean import _month_first, parse_dates

    def looks(values):
        st = pd.Series(values, dtype=object)
        d = parse_dates(st)
        return _month_first(values, d.isna().to_numpy(), d)

    us = [f"{m:02d}/{d:02d}/2023" for m, d in [(4, 21), (8, 30), (1, 15), (3, 4), (5, 6), (7, 2), (9, 9),
                                                  (10, 11), (12, 1), (2, 3)]]
    assert looks(us)
    uk = [f"{d:02d}/{m:02d}/2023" for m, d in [(4, 21), (8, 30), (1, 15), (3, 4), (5, 6), (7, 2), (9, 9),
                                                  (10, 11), (12, 1), (2, 3)]]
    assert not looks(uk)
    assert not looks(uk + ["04/21/2023", "08/30/2023", "01/15/2023"])     # typos among day-first dates
    assert not looks(us[:5])                                                 # too few to tell
    assert not looks(["31/02/2024"] * 3 + uk)                               # impossible, not swapped
    assert np.array_equal(parse_dates(pd.Series(["03/04/2023"])).dt.month.to_numpy(), [4])
