"""The data quality report's tables and wording (notebooks/data_quality)."""

from __future__ import annotations

import pytest

from evaltools import quality, sdc


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    import os
    os.environ.setdefault("EVALTOOLS_SALT", "quality-report-test-salt")
    return quality.load("data/ssda903_fake")


def test_the_report_says_what_it_read_and_who_it_is_for(fake):
    text = quality.about(fake, "data/ssda903_fake")
    assert "ssda903_fake" in text and "must not be sent outside the council" in text
    assert f"collection years {fake.years[0]} to {fake.years[-1]}" in text
    assert "synthetic SSDA903 sample bundled" in quality.about(quality.load("data/sample"), "data/sample")


def test_only_tables_and_years_that_lost_rows_are_listed(fake):
    t = quality.exclusions_table(fake)
    assert (t["Left out"] > 0).all()
    lost = {(tb, int(r.year)) for tb in fake.tables for r in fake.excluded(tb).itertuples() if r.excluded}
    assert {(r["Table"], int(r["Year"])) for _, r in t.iterrows()} == lost


def _counts(table, columns):
    """Every number in the given columns of a table."""
    return [v for c in columns for v in table[c] if not isinstance(v, str)]


@pytest.mark.parametrize("policy", ["ofsted", "published"])
def test_a_policy_that_suppresses_shows_counts_of_1_to_5_as_c(fake, policy):
    """DfE's fake extract has 3 rows with a gap warning, 2 duplicate reviews and 1
    social worker episode: counts a small council's report must not show."""
    issues = quality.issues_table(fake, policy).set_index(["Check", "Table"])
    assert issues.loc[("EPI_GAP", "Episodes"), ["Rows", "Children"]].tolist() == ["c", "c"]
    assert issues.loc[("DUPLICATE", "Reviews"), ["Rows", "Children"]].tolist() == ["c", "c"]
    assert issues.loc[("EPI_DEC_REC", "Episodes"), "Rows"] == 1413         # large counts stay
    counts = quality.counts_table(fake, policy).set_index("Table")["2019"]
    assert counts["SWEpisodes"] == "c" and counts["AD1"] == 29
    left = quality.exclusions_table(fake, policy).set_index("Table")
    assert left.loc["Reviews", ["Left out", "Share left out"]].tolist() == ["c", "c"]      # 2 rows
    assert left.loc["SWEpisodes", ["Rows", "Left out"]].tolist() == ["c", "c"]    # 1 row, as in Rows read
    files = quality.files_table(fake, policy).set_index("File")
    assert files.loc["sw_episodes.csv", "Rows"] == "c"
    assert "read c value(s) like '1.0'" in files.loc["header.csv", "Fixed in memory"]
    for table, columns in ((issues, ["Rows", "Children"]), (counts.to_frame(), ["2019"]),
                           (left, ["Rows", "Left out"]), (files, ["Rows"])):
        assert not [n for n in _counts(table, columns) if 1 <= n <= 5]
    head = quality.headline(fake, policy)
    assert "1,552 error-severity issues affecting 1,440 children, and 6 warnings" in head
    # a count of warnings of 1 to 5 is said so in the sentence too
    assert quality._said(5, "warning", "warnings", sdc.policy(policy)) == "1 to 5 warnings"
    assert quality._said(5, "warning", "warnings", sdc.policy("internal")) == "5 warnings"
    about = quality.about(fake, "data/ssda903_fake", policy)
    assert f"under the {policy} disclosure policy" in about and "show as c" in about
    assert "run this report with `policy: internal`" in about


def test_the_internal_policy_shows_every_count(fake):
    issues = quality.issues_table(fake).set_index(["Check", "Table"])
    assert issues.loc[("EPI_GAP", "Episodes"), ["Rows", "Children"]].tolist() == [3, 3]
    assert quality.counts_table(fake, "internal").set_index("Table").at["SWEpisodes", "2019"] == 1
    # 3 gaps, SWEpisodes read with a later layout, OC3, 28 of whose 53 rows errors leave out,
    # and a missing incident starting inside the child's previous one (DfE rule 574)
    assert "6 warnings" in quality.headline(fake, "internal")
    assert quality.exclusions_table(fake).set_index("Table").at["Reviews", "Share left out"] == "0.0%"


def test_published_hides_another_count_where_the_headline_total_would_give_one_away(fake):
    """The errors' rows add up to the headline's count of errors: with the duplicate
    reviews (2) the only small count, that total less the others would give it away,
    so the smallest other (10 previous episodes still open) is hidden too, with its
    children. The ofsted policy does no secondary suppression."""
    from evaltools.ssda903 import Extract
    one_small = Extract(fake.tables, fake.issues[~((fake.issues["check"] == "CODE_INVALID")
                                                   & (fake.issues["table"] == "SWEpisodes"))], fake.files)
    shown = {}
    for policy in ("ofsted", "published"):
        t = quality.issues_table(one_small, policy)
        shown[policy] = t[t["Severity"] == "error"].set_index(["Check", "Table"])[["Rows", "Children"]]
    assert shown["ofsted"].loc[("DUPLICATE", "Reviews")].tolist() == ["c", "c"]
    assert shown["ofsted"].loc[("EPI_PREVIOUS_OPEN", "Episodes")].tolist() == [10, 10]
    assert shown["published"].loc[("EPI_PREVIOUS_OPEN", "Episodes")].tolist() == ["c", "c"]
    assert (shown["published"]["Rows"] == "c").sum() == 2
    total = int((one_small.issues["severity"] == "error").sum())
    assert f"{total:,} error-severity issues" in quality.headline(one_small, "published")
    # what a reader can work out: the hidden rows together, not either of them
    visible = sum(n for n in shown["published"]["Rows"] if n != "c")
    assert total - visible == 12


def test_rows_read_are_not_secondary_suppressed_as_no_total_of_them_is_shown(fake):
    """One collection year: suppress_table's row totals would be the cells themselves
    and hide every count; only the 1 is hidden."""
    counts = quality.counts_table(fake, "published").set_index("Table")["2019"]
    assert [t for t, v in counts.items() if v == "c"] == ["SWEpisodes"]
