"""The data quality report's tables and wording (notebooks/data_quality)."""

from __future__ import annotations

import pytest

from evaltools import quality


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
