"""Local measures CSV: read into the tidy frame, through the same statistics; mistakes named by row."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools import indicators, local, stats
from evaltools.errors import SchemaError

DEFS = {
    "pathway_plans_up_to_date": local.LocalMeasure("pathway_plans_up_to_date", "Pathway plans up to date",
                                                   "percent", "high", "record"),
    "bright_spots_feel_safe": local.LocalMeasure("bright_spots_feel_safe", "Feel safe where they live (survey)",
                                                 "percent", "high", "survey"),
    "pa_changes": local.LocalMeasure("pa_changes", "Personal adviser changes", "count", "low", "record"),
}


def _write(tmp_path, text):
    p = tmp_path / "local.csv"
    p.write_text(text)
    return p


def test_a_filled_template_becomes_the_indicator_frame(tmp_path):
    p = _write(tmp_path, "measure,period,numerator,denominator,value,source_note\n"
                         "pathway_plans_up_to_date,2023,120,150,,tracker\n"
                         "pathway_plans_up_to_date,2024,151,163,,tracker\n"
                         "bright_spots_feel_safe,2023,,,86,Bright Spots 2023\n"
                         "pa_changes,,,,,\n")                       # a blank template row: skipped
    before = p.read_bytes()
    f = local.read(p, la="Herefordshire", defs=DEFS)
    assert p.read_bytes() == before                                  # the input is never changed
    indicators.validate(f)
    assert len(f) == 3 and set(f["area_code"]) == {"884"}
    pp = f[f["measure"] == "pathway_plans_up_to_date"].set_index("period")
    assert pp.loc[2024, "value"] == pytest.approx(100 * 151 / 163)
    assert f.loc[f["measure"] == "bright_spots_feel_safe", "source"].iat[0] == "local: Bright Spots 2023"
    # the same statistics as DfE's figures: a before/after with an interval
    res = stats.before_after(f, 2023, 2024, measure="pathway_plans_up_to_date")
    assert res.estimate == pytest.approx(100 * (151 / 163 - 120 / 150))


def test_a_date_period_counts_in_its_collection_year(tmp_path):
    p = _write(tmp_path, "measure,period,value\npa_changes,2024-09-30,17\n")
    f = local.read(p, la="884", defs=DEFS)
    assert f["period"].iat[0] == 2025 and str(f["period_end"].iat[0])[:10] == "2024-09-30"


@pytest.mark.parametrize("row, words", [
    ("pathway_plan_up_to_date,2024,1,2,,", "did you mean pathway_plans_up_to_date"),
    ("pathway_plans_up_to_date,2024,170,163,,", "not between 0 and the denominator"),
    ("pathway_plans_up_to_date,2024,151,,,", "needs both numerator and denominator"),
    # a share typed as a fraction (0.86 for 86%) was read as 0.86%; under 1% takes the counts
    ("bright_spots_feel_safe,2024,,,0.86,", "looks like a fraction (give 93 for 93%"),
    ("bright_spots_feel_safe,2024,1,200,,", None),
    ("bright_spots_feel_safe,2024,,,186,", "give 86 for 86%"),
    ("pathway_plans_up_to_date,2024,151,163,50,", "does not match"),
    ("pa_changes,last year,,,3,", "is not a year"),
    ("pa_changes,2024,,,three,", "not a number"),
    # pandas read these as the year 2, the year 24 and 4 January: the wrong year, silently
    ("pa_changes,Sep-24,,,3,", "is not a year (2024) or a date written year-month-day"),
    ("pa_changes,24,,,3,", "is not a year"),
    ("pa_changes,01-04-2024,,,3,", "is not a year"),
    ("pa_changes,1850,,,3,", "period '1850' is outside 2000 to"),
    ("pa_changes,1999,,,3,", "period '1999' is outside 2000 to"),
    ("pa_changes,2042,,,3,", "period '2042' is outside 2000 to"),       # 2024 mistyped
    ("pa_changes,2041-09-30,,,3,", "the latest that has begun"),
    ("pa_changes,2024-02-30,,,3,", "is not a year"),
    # a % sign on what is not a percentage, and a negative figure
    ("pa_changes,2024,,,35%,", "is a count, not a percentage"),
    ("pa_changes,2024,,,-3,", "has a negative figure"),
    ("bright_spots_feel_safe,2024,,,85%,", None),
])
def test_mistakes_are_named_by_row(tmp_path, row, words):
    p = _write(tmp_path, "measure,period,numerator,denominator,value,source_note\n" + row + "\n")
    if words is None:
        assert len(local.read(p, la="884", defs=DEFS)) == 1
        return
    with pytest.raises(SchemaError) as e:
        local.read(p, la="884", defs=DEFS)
    assert words in str(e.value) and "row 2" in str(e.value) and str(p) in str(e.value)


def test_a_file_separated_by_semicolons_is_named_so(tmp_path):
    # with a decimal comma, as Excel writes it so, the row was refused before the header
    for text in ("measure;period;value\npa_changes;2024;3\n", "measure;period;value\npa_changes;2024;3,5\n"):
        p = _write(tmp_path, text)
        with pytest.raises(SchemaError, match="separated by semicolons, not commas"):
            local.read(p, la="884", defs=DEFS)


def test_a_utf16_file_is_read_and_a_tab_separated_one_named_so(tmp_path):
    """UTF-16 was called "not UTF-8 (saved as ANSI or Windows-1252?)"; Excel's
    'Unicode Text' is UTF-16 and tab-separated, and its one column was named as unknown."""
    p = tmp_path / "local.csv"
    p.write_text("measure,period,value\npa_changes,2024,3\n", encoding="utf-16")
    assert local.read(p, la="884", defs=DEFS)["value"].tolist() == [3.0]
    for enc in ("utf-16", "utf-8"):
        p.write_text("measure\tperiod\tvalue\npa_changes\t2024\t3\n", encoding=enc)
        with pytest.raises(SchemaError, match="separated by tabs, not commas"):
            local.read(p, la="884", defs=DEFS)


def test_duplicate_rows_and_missing_columns(tmp_path):
    p = _write(tmp_path, "measure,period,value\npa_changes,2024,3\npa_changes,2024,4\n")
    with pytest.raises(SchemaError, match="two figures for pa_changes"):
        local.read(p, la="884", defs=DEFS)
    p = _write(tmp_path, "what,when\nx,y\n")
    with pytest.raises(SchemaError, match="Start from data/local/template.csv"):
        local.read(p, la="884", defs=DEFS)


def test_the_template_has_a_row_for_every_definition():
    t = local.template(DEFS)
    assert list(t["measure"]) == list(DEFS) and list(t.columns) == local.COLUMNS
    assert (t[["numerator", "denominator", "value"]] == "").all().all()


def test_a_misspelt_column_is_named(tmp_path):
    """`numerater` was reported as every filled row lacking a numerator."""
    p = _write(tmp_path, "measure,period,numerater,denominator,value,source_note\n"
                         "pathway_plans_up_to_date,2024,151,163,,tracker\n")
    with pytest.raises(SchemaError) as e:
        local.read(p, la="884", defs=DEFS)
    assert "a column evaltools does not read: 'numerater' (did you mean numerator?)" in str(e.value)


def test_a_missing_counts_column_is_one_line_not_every_row(tmp_path):
    """A file with numerator but no denominator column was reported as every row
    needing both, which sent the analyst to the rows rather than the header."""
    p = _write(tmp_path, "measure,period,numerator,value,source_note\n"
                         "pathway_plans_up_to_date,2023,120,,tracker\npathway_plans_up_to_date,2024,151,,tracker\n")
    with pytest.raises(SchemaError) as e:
        local.read(p, la="884", defs=DEFS)
    assert "has a numerator column but no denominator column" in str(e.value) and "row 2" not in str(e.value)


def test_a_file_with_no_rows_for_the_council_is_refused(tmp_path):
    """Every row for St Helens in Wigan's run showed as "no local data supplied"."""
    p = _write(tmp_path, "measure,period,value,area\npa_changes,2024,3,342\npa_changes,2025,4,342\n")
    with pytest.raises(SchemaError) as e:
        local.read(p, la="359", defs=DEFS)
    assert "no rows for Wigan (359): its area column names St Helens (342)" in str(e.value)
    both = _write(tmp_path, "measure,period,value,area\npa_changes,2024,3,342\npa_changes,2024,4,359\n")
    assert set(local.read(both, la="359", defs=DEFS)["area_code"]) == {"342", "359"}    # a shared file


def test_a_small_local_rate_keeps_its_digits():
    """Personal adviser changes per young person, 0.35 to 0.31 against a target of 0.28,
    printed as 0.4, 0.3 and 0.3 (one decimal, as DfE's rates) and read "target 0.3 not
    met" beside a latest of 0.3. A rate or score is given to 3 significant figures."""
    assert [local.format_figure("rate", v) for v in (0.35, 0.31, 0.28)] == ["0.35", "0.31", "0.28"]
    assert local.format_figure("percent", 95.79) == "95.8%" and local.format_figure("count", 7) == "7"


def test_an_unknown_id_is_offered_the_measure_whose_title_holds_its_word():
    """'bright_spots_feel_settled' was offered bright_spots_feel_well, a different survey
    item; bright_spots_feel_safe is "safe, settled and cared for"."""
    defs = local.definitions()
    said = local.did_you_mean("bright_spots_feel_settled", defs)
    assert "bright_spots_feel_safe (Children say they feel safe, settled and cared for" in said
    assert local.did_you_mean("pathway_plan_up_to_date", defs) == "did you mean pathway_plans_up_to_date?"
    assert local.did_you_mean("ofsted_rating", defs) == ""
    # whole words: "safe" is not "safety", and an id's own words count
    assert local.did_you_mean("feel_safe", defs).startswith("did you mean bright_spots_feel_safe")
    assert "survey_cl_accommodation_agreement" in local.did_you_mean("care_leaver_accommodation", defs)
