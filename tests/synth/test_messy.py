"""The messy variant: each injected fault is caught by the check named for it."""

from __future__ import annotations

import json

import pytest

from evaltools import synth
from evaltools.ssda903 import read_extract

SALT = "synth-test-salt-0123456789"


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    out = tmp_path_factory.mktemp("messy")
    cfg = synth.SynthConfig(las=["884"], stock=300, seed=8, first_year=2023, last_year=2025,
                            counterfactual=False)
    synth.write(synth.generate(cfg), out, messy=True)
    return out, read_extract(out, salt=SALT), json.loads((out / "faults.json").read_text())


@pytest.mark.parametrize("fault,check", [
    ("overlap", "EPI_OVERLAP"), ("bad_code", "CODE_INVALID"),
    ("dec_before_decom", "EPI_DEC_BEFORE_DECOM"), ("missing_header", "EPI_NO_HEADER"),
    ("duplicate_row", "DUPLICATE"),
])
def test_row_faults_are_caught_by_their_check(messy, fault, check):
    _, ex, faults = messy
    for f in [f for f in faults if f["fault"] == fault]:
        assert f["caught_by"].startswith(check)
        found = ex.issues[(ex.issues["check"] == check) & (ex.issues["year"] == f["year"])]
        assert len(found) >= f["rows"] >= 1, (fault, f["year"])


@pytest.mark.parametrize("fault,fix", [
    ("cp1252", "read as Windows-1252"), ("decimal_numbers", "like '1.0'"),
    ("lower_case_codes", "upper-cased"),
])
def test_format_faults_are_fixed_in_memory(messy, fault, fix):
    _, ex, faults = messy
    assert any(f["fault"] == fault for f in faults)
    table = {"cp1252": "Episodes", "decimal_numbers": "OC2", "lower_case_codes": "Episodes"}[fault]
    for rec in [r for r in ex.files if r.table == table]:
        assert any(fix in x for x in rec.fixes), (rec.year, rec.fixes)


def test_messy_extract_still_reads(messy):
    out, ex, _ = messy
    assert ex.years == [2023, 2024, 2025]
    assert (ex.issues["severity"] == "error").sum() > 0
    assert ex.excluded("Episodes")["excluded"].sum() < 0.1 * len(ex.tables["Episodes"])
