"""A last return exported part way through its year (an in-year extract cut on 31
October) holds nothing after the cut: its later months are not available, not 0."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from evaltools import measures
from evaltools.paths import REPO_ROOT
from evaltools.ssda903 import read_extract
from evaltools.ssda903.extract import covered_until

from .builders import SALT, hashes

CUT = pd.Timestamp(2024, 10, 31)


def _tables(last, first="01/04/2024", n=60, **more):
    """A return recording ``n`` episode starts from ``first`` to ``last``, and ``more``
    tables' dates ({table: {column: [dates]}})."""
    starts = pd.date_range(pd.to_datetime(first, dayfirst=True), pd.to_datetime(last, dayfirst=True), periods=n).normalize()
    out = {"Episodes": pd.DataFrame({"DECOM": starts, "DEC": pd.NaT})}
    out.update({t: pd.DataFrame({c: pd.to_datetime(v, dayfirst=True) for c, v in cols.items()})
                for t, cols in more.items()})
    return out


def test_the_cover_ends_with_the_last_whole_month_recorded():
    # nothing in March: cut short; the month of the latest date counts only if it ends there
    assert covered_until(_tables("28/10/2024"), 2025) == pd.Timestamp(2024, 9, 30)
    assert covered_until(_tables("30/10/2024", Reviews={"REVIEW": ["31/10/2024"]}), 2025) == \
        pd.Timestamp(2024, 10, 31)
    # anything recorded in March: the whole year
    assert covered_until(_tables("28/10/2024", Missing={"MIS_START": ["02/03/2025"]}), 2025) is None
    # a date after the year's end (an error, checked elsewhere) does not stand for March
    assert covered_until(_tables("28/10/2024", Reviews={"REVIEW": ["01/05/2025"]}), 2025) == \
        pd.Timestamp(2024, 9, 30)
    assert covered_until({}, 2025) is None


def test_a_quiet_spell_in_a_return_recording_little_is_not_read_as_a_cut():
    # 6 dates from April to early February: about 1 expected in the 8 weeks after
    assert covered_until(_tables("05/02/2025", n=6), 2025) is None
    # 60 such dates: about 11 expected, none recorded
    assert covered_until(_tables("05/02/2025", n=60), 2025) == pd.Timestamp(2025, 1, 31)


def _cut(folder, cut=CUT):
    """The 2025 return as exported on ``cut``: nothing starts after it, and what ended
    after it is still open."""
    def edit(name, start, end=None, drop_if_starts_after=True):
        p = folder / "2025" / name
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        when = pd.to_datetime(df[start], dayfirst=True)
        df = df[when <= cut] if drop_if_starts_after else df
        if end:
            ends = pd.to_datetime(df[end].replace("", None), dayfirst=True)
            df.loc[ends > cut, end] = ""
            for also in {"DEC": ["REC"],
                         "DATE_PLACED_CEASED": ["REASON_PLACED_CEASED"]}.get(end, []):
                df.loc[ends > cut, also] = ""
        df.to_csv(p, index=False)
    edit("episodes.csv", "DECOM", "DEC")
    edit("missing.csv", "MIS_START", "MIS_END")
    edit("reviews.csv", "REVIEW")
    edit("placed_for_adoption.csv", "DATE_PLACED", "DATE_PLACED_CEASED")
    edit("ad1.csv", "DATE_INT", "DATE_MATCH")


@pytest.fixture(scope="module")
def cut_short(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cut") / "903"
    shutil.copytree(REPO_ROOT / "data" / "sample", folder, ignore=shutil.ignore_patterns("*.yaml", "*.md", "*.json"))
    _cut(folder)
    return folder


def test_a_return_cut_short_is_said_and_its_later_months_are_not_available(cut_short):
    """Read as a full year, November to March showed 0 moves and 0% missing, "ok", and
    the moves chart a special cause improving."""
    before = hashes(cut_short)
    ex = read_extract(cut_short, salt=SALT)
    assert hashes(cut_short) == before
    said = ex.issues[ex.issues["check"] == "YEAR_ENDS_EARLY"]
    assert said["message"].tolist() == [
        "the 2025 return records nothing after 31 October 2024, so it looks cut before the end of its year "
        "(31 March 2025): the months after October 2024, and 2025's annual figures, are shown as not available, "
        "not as 0 (export the whole year's return to fill them)"]
    assert said["severity"].tolist() == ["warning"]
    monthly = ["cla_missing_incident", "placement_moves_per_child_year", "cla_starts"]
    month = measures.compute(ex, monthly, la="884", frequency="month")
    assert {m: str(month.loc[month["measure"] == m, "period_end"].max())[:10] for m in monthly} == \
        dict.fromkeys(monthly, "2024-10-31")
    annual = ["cla_missing_incident", "cla_3plus_placements", "cla_starts", "cla_count"]
    cut = measures.compute(ex, annual, la="884").set_index(["measure", "period"])
    full = measures.compute(read_extract(REPO_ROOT / "data" / "sample", salt=SALT), annual,
                            la="884").set_index(["measure", "period"])
    for m in annual:
        assert cut.loc[(m, 2025), "status"] == "x", m
        assert cut.loc[(m, 2024), "status"] == full.loc[(m, 2024), "status"] == "ok", m
        assert cut.loc[(m, 2024), "numerator"] == full.loc[(m, 2024), "numerator"], m


def test_a_full_return_is_read_to_its_end():
    ex = read_extract(REPO_ROOT / "data" / "sample", salt=SALT)
    assert ex.ends_early() is None
    assert not (ex.issues["check"] == "YEAR_ENDS_EARLY").any()
    month = measures.compute(ex, ["placement_moves_per_child_year"], la="884", frequency="month")
    assert str(month["period_end"].max())[:10] == "2025-03-31"


def test_the_topic_report_says_why_its_monthly_series_stop_early(cut_short, monkeypatch):
    from evaltools import topics
    monkeypatch.setenv("EVALTOOLS_SALT", SALT)
    res = topics.evaluate("884", "safety", extract=read_extract(cut_short, salt=SALT))
    assert str(res.monthly["period_end"].max())[:10] == "2024-10-31"
    assert ("The extract's 2025 return stops recording before the end of its year, as if exported part way "
            "through: the monthly series stop at October 2024, its last whole month, rather than show the months "
            "to March 2025 as 0 (the data quality report says more).") in res.notes


def test_the_data_quality_report_says_what_a_return_cut_short_means(cut_short):
    from evaltools import quality
    t = quality.issues_table(read_extract(cut_short, salt=SALT)).set_index("Check")
    assert t.loc["YEAR_ENDS_EARLY", "What"] == "The last return stops before 31 March"
    assert "not available, not 0" in t.loc["YEAR_ENDS_EARLY", "What it means"]
