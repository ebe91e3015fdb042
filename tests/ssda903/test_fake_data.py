"""DfE validator's fake extracts (deliberately full of rule breaks) read without a crash."""

from __future__ import annotations

from evaltools.paths import REPO_ROOT
from evaltools.ssda903 import read_extract
from evaltools.ssda903.clean import ISSUE_COLUMNS

from .builders import SALT, hashes

FAKE = REPO_ROOT / "data" / "ssda903_fake"


def test_fake_validator_extract_reads_and_yields_issues():
    before = hashes(FAKE)
    ex = read_extract(FAKE, salt=SALT)
    assert hashes(FAKE) == before
    assert ex.years == [2019]
    assert set(ex.tables) == {"Header", "Episodes", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption",
                              "PrevPerm", "Missing", "Reviews", "SWEpisodes"}
    assert len(ex.tables["Episodes"]) == 5050 and len(ex.tables["Reviews"]) == 12582
    assert list(ex.issues.columns) == ISSUE_COLUMNS
    counts = ex.issues.groupby("check").size()
    assert counts["EPI_OVERLAP"] > 0 and counts["CODE_INVALID"] > 0
    assert (ex.issues["severity"].isin(["error", "warning"])).all()
    assert ex.excluded("Episodes")["excluded"].sum() < len(ex.tables["Episodes"])
