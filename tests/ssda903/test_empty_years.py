"""A year whose table has no rows where the other years hold many: an export that left
the rows out, not a year in which nothing happened."""

from __future__ import annotations

import shutil

import pytest

from evaltools import measures
from evaltools.errors import IncompleteExtractError
from evaltools.paths import REPO_ROOT
from evaltools.ssda903 import read_extract
from evaltools.ssda903.extract import empty_years

from .builders import SALT, hashes


def test_empty_years_are_those_a_well_filled_table_lacks():
    assert empty_years({2023: 240, 2024: 0, 2025: 232}, [2023, 2024, 2025]) == [2024]
    assert empty_years({2023: 240, 2025: 232}, [2023, 2024, 2025]) == [2024]       # no file at all
    # a table that is small anyway (adoptions in a small council) may be empty by chance
    assert empty_years({2023: 3, 2024: 0, 2025: 4}, [2023, 2024, 2025]) == []
    assert empty_years({}, [2023, 2024]) == []


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    dest = tmp_path_factory.mktemp("sample") / "903"
    shutil.copytree(REPO_ROOT / "data" / "sample", dest, ignore=shutil.ignore_patterns("*.yaml", "*.md"))
    return dest


def _header_only(p):
    p.write_text(p.read_text().splitlines()[0] + "\n")


def test_a_minor_table_with_no_rows_in_a_year_is_not_available_there_not_zero(sample, tmp_path):
    """2024's missing.csv with its header alone (and no oc2.csv) read as no child missing
    and no health check that year: 9% fell to 0% and the safety report called it
    improved beyond noise."""
    folder = tmp_path / "903"
    shutil.copytree(sample, folder)
    _header_only(folder / "2024" / "missing.csv")
    (folder / "2024" / "oc2.csv").unlink()
    before = hashes(folder)
    ex = read_extract(folder, salt=SALT)
    assert hashes(folder) == before
    said = ex.issues[ex.issues["check"] == "TABLE_EMPTY_YEAR"]
    assert sorted(said["table"]) == ["Missing", "OC2"] and set(said["year"]) == {2024}
    assert (said["severity"] == "warning").all()
    assert "shown as not available, not 0" in said["message"].iloc[0]
    f = measures.compute(ex, ["cla_missing_incident", "oc2_health_assessments", "cla_count"], la="884")
    at = f.set_index(["measure", "period"])
    for m in ("cla_missing_incident", "oc2_health_assessments"):
        assert at.loc[(m, 2024), "status"] == "x"
        assert at.loc[(m, 2023), "status"] == "ok" and at.loc[(m, 2025), "status"] == "ok"
    assert at.loc[("cla_count", 2024), "status"] == "ok"
    # a rolling 12-month figure whose window reaches into 2024 is not available either
    monthly = measures.compute(ex, ["cla_missing_incident"], la="884", frequency="monthly")
    late_2024 = monthly[monthly["period_end"] == "2024-09-30"]
    assert list(late_2024["status"]) == ["x"]
    assert (monthly[monthly["period_end"] == "2022-09-30"]["status"] == "ok").all()


def test_a_year_whose_episodes_have_no_rows_is_refused(sample, tmp_path):
    folder = tmp_path / "903"
    shutil.copytree(sample, folder)
    _header_only(folder / "2024" / "episodes.csv")
    with pytest.raises(IncompleteExtractError, match="the 2024 Episodes table has no rows, where the other years"):
        read_extract(folder, salt=SALT)


def test_a_year_with_no_return_leaves_the_other_years_figures_as_they_were(sample, tmp_path):
    """Without the 2024 return, children looked after at 31 March 2023 who left during
    2024 were dropped from the history whole: 2020's count fell from 349 to 327 and
    2023's 3+ placements denominator from 337 to 144. Every other year's figures are
    now those of the full extract, and 2024's are not available."""
    folder = tmp_path / "903"
    shutil.copytree(sample, folder)
    shutil.rmtree(folder / "2024")
    ids = ["cla_count", "cla_3plus_placements", "cla_starts", "long_term_stability"]
    full = measures.compute(read_extract(sample, salt=SALT), ids, la="884").set_index(["measure", "period"])
    ex = read_extract(folder, salt=SALT)
    gap = measures.compute(ex, ids, la="884").set_index(["measure", "period"])
    assert ex.issues.loc[ex.issues["check"] == "NO_RETURN_YEAR", "year"].tolist() == [2024]
    for m in ids:
        for y in range(2016, 2026):
            if y == 2024 or (m == "long_term_stability" and y == 2025):     # its 30 months reach into 2024
                assert gap.loc[(m, y), "status"] == "x", (m, y)
            else:
                assert gap.loc[(m, y), "status"] == full.loc[(m, y), "status"], (m, y)
                for c in ("numerator", "denominator"):
                    assert gap.loc[(m, y), c] == pytest.approx(full.loc[(m, y), c], nan_ok=True), (m, y, c)


def test_a_child_open_at_the_year_end_missing_from_the_next_return_is_said(sample, tmp_path):
    """The later return corrects the earlier: a child it leaves out is left out of the
    earlier year's figures too. Right for an episode entered in error, wrong for an
    export that dropped the child; either way the check says so."""
    import pandas as pd
    folder = tmp_path / "903"
    shutil.copytree(sample, folder)
    e23 = pd.read_csv(folder / "2023" / "episodes.csv", dtype=str, keep_default_na=False)
    e24 = pd.read_csv(folder / "2024" / "episodes.csv", dtype=str, keep_default_na=False)
    child = sorted(set(e23.loc[e23["DEC"] == "", "CHILD"]) & set(e24["CHILD"]))[0]
    for name in ("episodes.csv", "header.csv"):
        p = folder / "2024" / name
        lines = p.read_text().splitlines(keepends=True)
        p.write_text("".join(ln for ln in lines if not ln.startswith(child + ",")))
    said = read_extract(folder, salt=SALT).issues
    said = said[said["check"] == "OPEN_NOT_IN_NEXT_RETURN"]
    assert said["message"].tolist() == [
        "1 child with an episode open at 31 March 2023 is not in the 2024 return: the later return is taken as "
        "correcting the earlier, so that child is left out of 2023's figures too (if the 2024 export left them out "
        "by mistake, export it again)"]
    assert child not in said.to_string()
    clean = read_extract(sample, salt=SALT).issues
    assert not (clean["check"] == "OPEN_NOT_IN_NEXT_RETURN").any()


def test_ids_written_differently_in_one_year_are_said(sample, tmp_path):
    """An Excel re-save that dropped the leading zeros of 2024's ids unlinked its
    children from their earlier years without a word: 2024's starts nearly doubled."""
    folder = tmp_path / "903"
    shutil.copytree(sample, folder)
    for y in range(2016, 2026):
        for name in ("header.csv", "episodes.csv"):
            p = folder / str(y) / name
            head, *rows = p.read_text().splitlines()
            zeros = "" if y == 2024 else "00"
            p.write_text("\n".join([head] + [zeros + r for r in rows]) + "\n")
    ex = read_extract(folder, salt=SALT)
    said = ex.issues[ex.issues["check"] == "ID_FORMAT_CHANGED"]
    assert said["year"].tolist() == [2024, 2025]
    assert "only when leading zeros or a trailing .0 are ignored" in said["message"].iloc[0]
    assert not (read_extract(sample, salt=SALT).issues["check"] == "ID_FORMAT_CHANGED").any()


def test_a_year_whose_episodes_errors_mostly_leave_out_is_not_available(sample, tmp_path):
    """2024's episode dates written month-first left 742 of 776 rows out: 2024 showed 0%
    with 3+ placements, 'ok', and the few rows left 'corrected' 2023, whose count fell
    from 337 to 168. The year is read as one with no return."""
    import pandas as pd
    folder = tmp_path / "903"
    shutil.copytree(sample, folder)
    p = folder / "2024" / "episodes.csv"
    e = pd.read_csv(p, dtype=str, keep_default_na=False)
    e.loc[e.index % 5 != 0, "DECOM"] = "31/31/2023"      # four in five unreadable
    e.to_csv(p, index=False)
    ex = read_extract(folder, salt=SALT)
    said = ex.issues[ex.issues["check"] == "MOSTLY_EXCLUDED"]
    assert said[["table", "year"]].values.tolist() == [["Episodes", 2024]]
    ids = ["cla_count", "cla_3plus_placements", "cla_starts"]
    full = measures.compute(read_extract(sample, salt=SALT), ids, la="884").set_index(["measure", "period"])
    got = measures.compute(ex, ids, la="884").set_index(["measure", "period"])
    for m in ids:
        assert got.loc[(m, 2024), "status"] == "x"
        for y in (2023, 2025):
            assert got.loc[(m, y), "value"] == pytest.approx(full.loc[(m, y), "value"]), (m, y)
    assert not (read_extract(sample, salt=SALT).issues["check"] == "MOSTLY_EXCLUDED").any()


def _month_first(p):
    """Rewrite a file's dd/mm/yyyy dates as mm/dd/yyyy, as a US-set spreadsheet exports them."""
    import re
    p.write_text(re.sub(r"\b(\d{2})/(\d{2})/(\d{4})\b", r"\2/\1/\3", p.read_text()))


def test_a_missing_year_written_month_first_is_not_available_not_a_fall(sample, tmp_path):
    """2024's missing.csv with its dates written month first: the dates with a day over
    12 failed, the rest were read as other dates (4 March as 3 April), and the figures
    used what was left. 2024's share of children missing fell from 9.0% to 2.5%, 'ok',
    and 2023's and 2025's moved too. Every date of such a column is now unreadable, the
    year's Missing rows are nearly all left out, and its missing figures are "x"."""
    folder = tmp_path / "903"
    shutil.copytree(sample, folder)
    _month_first(folder / "2024" / "missing.csv")
    ex = read_extract(folder, salt=SALT)
    bad = ex.issues[(ex.issues["check"] == "DATE_INVALID") & (ex.issues["table"] == "Missing")]
    assert set(bad["column"]) == {"DOB", "MIS_START", "MIS_END"} and set(bad["year"]) == {2024}
    assert "written month first (mm/dd/yyyy), so none of them can be read safely" in bad["message"].iloc[0]
    assert not (ex.issues["check"] == "DUPLICATE").any()          # blanked dates are not repeats
    said = ex.issues[ex.issues["check"] == "MOSTLY_EXCLUDED"]
    assert said[["table", "year"]].values.tolist() == [["Missing", 2024]]
    assert said["message"].iloc[0].startswith("all ") and "Missing figures of 2024 cannot be worked out" in \
        said["message"].iloc[0]
    ids = ["cla_missing_incident", "cla_count"]
    full = measures.compute(read_extract(sample, salt=SALT), ids, la="884").set_index(["measure", "period"])
    got = measures.compute(ex, ids, la="884").set_index(["measure", "period"])
    assert got.loc[("cla_missing_incident", 2024), "status"] == "x"
    assert got.loc[("cla_count", 2024), "status"] == "ok"          # Header and Episodes are whole
    for m, y in [("cla_missing_incident", 2023), ("cla_missing_incident", 2025), ("cla_count", 2024)]:
        assert got.loc[(m, y), "value"] == pytest.approx(full.loc[(m, y), "value"]), (m, y)
