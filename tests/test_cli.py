"""User mistakes give one actionable line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from evaltools import cli
from evaltools.paths import REPO_ROOT

GOOD = textwrap.dedent("""\
    name: test
    la: 884
    parameters:
      years: [2020, 2025]
    notebooks:
      - benchmarking
""")


def run_cli(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err, *fragments):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("evaltools: error: ")
    assert "Traceback" not in err
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def write(tmp_path, text, name="eval.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("text,fragments", [
    (GOOD.replace("la: 884", "la: Herefordshir"),
     ["no English local authority matches 'Herefordshir'", "Closest matches: Herefordshire, County of (884)"]),
    (GOOD.replace("la: 884", "la: 999"), ["matches '999'", "Closest matches"]),
    (GOOD.replace("name: test", "name: test\nnotebok: x"),
     ["unknown key 'notebok'", "Allowed keys: name, title, la, parameters, notebooks"]),
    (GOOD.replace("la: 884\n", ""), ["missing key 'la'", "the LA's DfE number, ONS code or name"]),
    (GOOD.replace("notebooks:\n  - benchmarking", "notebooks: benchmarking"),
     ["'notebooks' is a str", "It should be a list of notebook names"]),
    (GOOD.replace("- benchmarking", "- benchmarks"),
     ["notebook 'benchmarks' is not in notebooks/", "Available: ", "benchmarking"]),
    (GOOD.replace("years: [2020, 2025]", "year: 2020"),
     ["shared parameter 'year' is not a parameter of any notebook", "The notebooks take: charts, comparator, la, measures, policy, years"]),
    (GOOD.replace("  - benchmarking", "  - notebook: benchmarking\n    parameters: {year: 2020}"),
     ["'year' is not a parameter of notebook benchmarking", "Its parameters are: la, measures, comparator, years"]),
    (GOOD.replace("years: [2020, 2025]", "years: 2020"),
     ["'years' is 2020", "[first, last] years ending 31 March"]),
    (GOOD.replace("years: [2020, 2025]", "measures: [cla_3plus_placement]"),
     ["unknown measure 'cla_3plus_placement'", "Did you mean cla_3plus_placements"]),
    (GOOD.replace("name: test", "name: my report"), ["'name' is 'my report'", "letters, digits"]),
    # notebook parameters that used to fail inside the report, after the run had started
    (GOOD.replace("years: [2020, 2025]", "charts: some"),
     ["'charts' is 'some', which is neither all, headline nor a measure id", "Give all, headline"]),
    (GOOD.replace("years: [2020, 2025]", "charts: [cla_3plus_placemnts]"),
     ["'charts' names an unknown measure 'cla_3plus_placemnts'", "Did you mean cla_3plus_placements"]),
    (GOOD.replace("years: [2020, 2025]", "years: [2030, null]"),
     ["'years' is [2030, null]: DfE has published no figures from 2030 on for the measures of notebook "
      "benchmarking", "The published years run from 2016 to 2025"]),
    ("name: test\nnotebooks:\n  - notebook: data_quality\n    parameters: {year: 24}\n",
     ["'year' is 24 in ", "notebooks item 1", "a collection year from 2014 to 2030"]),
    ("name: test\nla: 884\n  notebooks: [x\n", ["not valid YAML at line", "Check indentation"]),
    ("- just\n- a list\n", ["the file is not a YAML mapping", "name, la, notebooks"]),
    ("name: test\nla: 884\nnotebooks:\n\t- benchmarking\n", ["not valid YAML at line 4", "Line 4 holds a tab character"]),
    (GOOD.replace("la: 884", "la: 884\nla: 885"),
     ["line 3: 'la' is given twice", "first at line 2", "silently replace", "Keep one 'la'"]),
])
def test_malformed_evaluation_yaml(tmp_path, capsys, text, fragments):
    code, _, err = run_cli(capsys, "run", write(tmp_path, text),
                           "--reports-dir", str(tmp_path / "reports"))
    one_line_error(code, err, *fragments)
    assert not (tmp_path / "reports").exists()     # nothing half-written


def test_missing_evaluation_file(tmp_path, capsys):
    code, _, err = run_cli(capsys, "run", str(tmp_path / "nope.yaml"))
    one_line_error(code, err, "nope.yaml does not exist")


def test_unknown_la_override(tmp_path, capsys):
    code, _, err = run_cli(capsys, "run", write(tmp_path, GOOD), "--la", "Narnia")
    one_line_error(code, err, "no English local authority matches 'Narnia'")


def test_missing_data_file(data_copy, monkeypatch, capsys):
    (data_copy / "public/dfe_cla_2025_release/cla_number_and_rate_per_10k_children.csv").unlink()
    monkeypatch.setenv("EVALTOOLS_DATA_DIR", str(data_copy))
    code, _, err = run_cli(capsys, "areas", "884")
    one_line_error(code, err,
                   "data/public/dfe_cla_2025_release/cla_number_and_rate_per_10k_children.csv is missing",
                   "git checkout -- data/public")


def test_no_data_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EVALTOOLS_DATA_DIR", str(tmp_path))
    code, _, err = run_cli(capsys, "areas")
    one_line_error(code, err, "no evaltools data folder found", "EVALTOOLS_DATA_DIR")


def test_published_file_with_changed_columns(data_copy, monkeypatch, capsys):
    f = data_copy / "public/dfe_cla_2025_release/cla_number_and_rate_per_10k_children.csv"
    f.write_text(f.read_text(encoding="utf-8-sig").replace("population_type", "pop_type"),
                 encoding="utf-8")
    monkeypatch.setenv("EVALTOOLS_DATA_DIR", str(data_copy))
    code, _, err = run_cli(capsys, "areas", "884")
    one_line_error(code, err, "does not have the expected columns",
                   "group (one of ['population_type', 'population_count'])", "'pop_type'",
                   "published_tables.yaml")


def test_file_that_is_not_a_csv(data_copy, monkeypatch, capsys):
    f = data_copy / "public/dfe_cla_2025_release/cla_number_and_rate_per_10k_children.csv"
    f.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x00\x81binary")
    monkeypatch.setenv("EVALTOOLS_DATA_DIR", str(data_copy))
    code, _, err = run_cli(capsys, "areas", "884")
    assert code == 2 and "Traceback" not in err and "cla_number_and_rate_per_10k_children.csv" in err


def test_areas_and_measures_commands(capsys):
    code, out, _ = run_cli(capsys, "areas", "hereford")
    assert code == 2
    code, out, _ = run_cli(capsys, "areas", "Herefordshire")
    assert code == 0 and out.startswith("884\tHerefordshire, County of\tE06000019\tWest Midlands")
    code, out, _ = run_cli(capsys, "measures", "--topic", "care_leavers")
    assert code == 0 and "care_leavers_eet_19_21\tcare_leavers\tpercent\thigh" in out
    # the ids a strategy's `local:` may name, which the registry's list does not hold
    code, out, _ = run_cli(capsys, "measures", "--local")
    assert code == 0 and "pathway_plans_up_to_date\t" in out and "care_leavers_eet_19_21" not in out
    assert out.startswith("id\tkind\tunit\tpolarity\ttitle\n")     # the columns named: kind, not topic


def test_real_process_exit_code_and_no_traceback(tmp_path):
    """The installed entry point, as a user runs it."""
    p = write(tmp_path, GOOD.replace("la: 884", "la: Herefordshir"))
    r = subprocess.run([sys.executable, "-m", "evaltools", "run", p], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "Closest matches" in r.stderr


@pytest.mark.parametrize("args,fragments", [
    (["--la", "884,Narnia,342"], ["no English local authority matches 'Narnia'"]),
    (["--la", "884,9999"], ["matches '9999'", "Closest matches"]),
    (["--region", "Wessex"], ["no DfE region matches 'Wessex'",
                              "Regions: East Midlands, East of England, Inner London, London, "
                              "North East, North West, Outer London, South East, South West, "
                              "West Midlands, Yorkshire and The Humber"]),
    (["--region", "West Midlands", "--la", "884"], ["--la and --region are both given"]),
    (["--jobs", "0"], ["--jobs is 0", "1 or more"]),
])
def test_batch_mistakes_are_one_line(tmp_path, capsys, args, fragments):
    code, _, err = run_cli(capsys, "run", write(tmp_path, GOOD), "--reports-dir",
                           str(tmp_path / "reports"), *args)
    one_line_error(code, err, *fragments)
    assert not (tmp_path / "reports").exists()


REVIEW = textwrap.dedent("""\
    name: test
    la: 884
    notebooks:
      - notebook: annual_impact_review
        parameters: {strategy: herefordshire_2025_27, extract: data/sample}
""")


@pytest.mark.parametrize("text,extra,fragments", [
    # a strategy does not follow --la to another council, nor the bundled sample
    (REVIEW, ["--la", "Shropshire"],
     ["strategy herefordshire_2025_27 is Herefordshire's (884), but this run is for Shropshire (893)",
      "notebooks item 1"]),
    (REVIEW.replace("annual_impact_review", "topic").replace("strategy: herefordshire_2025_27", "strategy: null"),
     ["--la", "893"], ["is evaltools' synthetic sample for LA 884, not Shropshire's",
                       "Point extract at the council's own"]),
    # nor does a notebook's default strategy
    (REVIEW.replace("strategy: herefordshire_2025_27, ", ""), ["--la", "893"],
     ["the notebook's default strategy herefordshire_2025_27 is Herefordshire's", "strategy: null"]),
    (REVIEW.replace("data/sample", "data/sampel"), [], ["extract folder data/sampel not found"]),
    (REVIEW.replace("herefordshire_2025_27", "herefordshire_2025"), [],
     ["strategy 'herefordshire_2025' not found", "herefordshire_2025_27"]),
    (REVIEW.replace("extract: data/sample", "local: nope.csv"), [],   # every place it looked
     ["local measures file nope.csv not found (looked in ", "/nope.csv, ", "data/local/template.csv"]),
    (REVIEW.replace("extract: data/sample", "policy: public"), [],
     ["unknown disclosure policy 'public'", "notebooks item 1", "internal, ofsted, published"]),
    (REVIEW.replace("extract: data/sample", "comparator: statistical_neighbors"), [],
     ["unknown comparator 'statistical_neighbors'", "notebooks item 1"]),
    (REVIEW.replace("annual_impact_review", "topic").replace("extract: data/sample", "topic: careleavers"), [],
     ["unknown topic 'careleavers'", "notebooks item 1", "care_leavers"]),
])
def test_the_inputs_a_notebook_names_are_checked_before_anything_runs(tmp_path, capsys, text, extra, fragments):
    """A strategy, extract, local CSV, policy or comparator mistake was a failed report
    (status 1) after the run started; a bundled strategy run for another LA with --la
    gave a review of Herefordshire in a folder named for the other council."""
    code, _, err = run_cli(capsys, "run", write(tmp_path, text), *extra,
                           "--reports-dir", str(tmp_path / "reports"))
    one_line_error(code, err, *fragments)
    assert not (tmp_path / "reports").exists()


def test_a_relative_path_is_read_from_beside_the_evaluation_file(tmp_path, monkeypatch):
    """`local: l.csv` beside the evaluation file, run from another folder: it was looked
    for under the repository root."""
    from evaltools import runner

    (tmp_path / "l.csv").write_text("measure,period,numerator,denominator,value,source_note\n"
                                    "pathway_plans_up_to_date,2024,151,163,,tracker\n")
    cfg = write(tmp_path, REVIEW.replace("extract: data/sample", "local: l.csv"))
    monkeypatch.chdir(tmp_path.parent)
    job = runner.load_evaluation(cfg).jobs[0]
    assert job.parameters["local"] == str((tmp_path / "l.csv").resolve())
    assert job.parameters["strategy"] == "herefordshire_2025_27"
    # the bundled evaluations' paths, from the repository root, reach the notebook as written
    assert runner.load_evaluation(write(tmp_path, REVIEW)).jobs[0].parameters["extract"] == "data/sample"


def test_an_impossible_date_in_a_strategy_is_one_line(tmp_path, capsys):
    from evaltools import strategies
    text = (strategies.strategies_dir() / "st_helens_2019.yaml").read_text(encoding="utf-8")
    bad = text.replace("start: '2019-04-01'", "start: 2019-02-30", 1)
    assert bad != text
    code, _, err = run_cli(capsys, "strategy", "check", write(tmp_path, bad, "s.yaml"))
    one_line_error(code, err, "2019-02-30 is not a date", "line ", "YYYY-MM-DD")


def test_a_key_written_twice_in_a_strategy_is_one_line(tmp_path, capsys):
    """YAML keeps the last of two keys silently: a second target under a measure would
    replace the first without a word."""
    from evaltools import strategies
    text = (strategies.strategies_dir() / "st_helens_2019.yaml").read_text(encoding="utf-8")
    bad = text.replace("  direction: ", "  direction: decrease\n  direction: ", 1)
    assert bad != text
    code, _, err = run_cli(capsys, "strategy", "check", write(tmp_path, bad, "s.yaml"))
    one_line_error(code, err, "'direction' is given twice", "Keep one 'direction'")


def test_areas_finds_a_council_by_part_of_its_name(capsys):
    code, out, _ = run_cli(capsys, "areas", "telford")
    assert code == 0 and out.startswith("894\tTelford and Wrekin")
    code, out, _ = run_cli(capsys, "areas", "kingston")
    assert code == 0 and [ln.split("\t")[0] for ln in out.splitlines()] == ["810", "314"]
    code, _, err = run_cli(capsys, "areas", "hereford")
    one_line_error(code, err, "Closest matches: Herefordshire, County of (884)")


def test_a_listing_piped_to_head_stops_quietly():
    r = subprocess.run(f"{sys.executable} -m evaltools measures | head -1", shell=True, capture_output=True,
                       text=True)
    assert r.stdout.count("\n") == 1 and "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr


def test_validate_names_a_missing_folder_before_asking_for_the_salt(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EVALTOOLS_SALT", raising=False)
    code, _, err = run_cli(capsys, "validate", str(tmp_path / "no_such_903"))
    one_line_error(code, err, "no_such_903 does not exist", "Give the folder holding the 903 CSV files")


@pytest.mark.parametrize("where, said", [("inside", "is inside the extract folder"), ("dir", "is a folder"),
                                         ("nofolder", "does not exist")])
def test_validate_never_writes_its_issues_over_an_input(tmp_path, capsys, monkeypatch, where, said):
    """`validate 903 --issues 903/header.csv` replaced the extract's own file."""
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    folder = tmp_path / "903"
    shutil.copytree(REPO_ROOT / "data" / "ssda903_fake", folder)
    before = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    target = {"inside": folder / sorted(before)[0], "dir": tmp_path,
              "nofolder": tmp_path / "no" / "issues.csv"}[where]
    code, _, err = run_cli(capsys, "validate", str(folder), "--issues", str(target))
    one_line_error(code, err, said)
    assert {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("args, said", [
    (["--run-id", "a/b"], "--run-id 'a/b' is not a folder name"),
    (["--reports-dir", "FILE"], "is a file"),
])
def test_run_options_that_cannot_name_a_folder_are_one_line(tmp_path, capsys, args, said):
    (tmp_path / "FILE").write_text("")
    args = [str(tmp_path / a) if a == "FILE" else a for a in args]
    code, _, err = run_cli(capsys, "run", str(REPO_ROOT / "evaluations" / "england_benchmarking.yaml"), *args)
    one_line_error(code, err, said)


@pytest.mark.parametrize("content, said", [
    (b"measure,period,numerator,denominator\npathway_plans_up_to_date,2024,151,163,extra\n", "more fields than the header"),
    (b"", "the file is empty"),
    (b"measure,period,value,source_note\npathway_plans_up_to_date,2024,90,caf\xe9 survey\n", "not UTF-8"),
])
def test_a_local_csv_excel_or_notepad_may_write_is_a_one_line_error(tmp_path, content, said):
    from evaltools import local
    from evaltools.errors import SchemaError
    p = tmp_path / "local.csv"
    p.write_bytes(content)
    with pytest.raises(SchemaError, match=said):
        local.read(p, la="884")


def test_a_strategy_saved_as_windows_1252_names_its_line(tmp_path, capsys):
    p = tmp_path / "s.yaml"
    p.write_bytes(b"strategy:\n  id: x\n  title: caf\xe9\n")
    code, _, err = run_cli(capsys, "strategy", "check", str(p))
    one_line_error(code, err, "line 3 is not UTF-8 text", "Save it as UTF-8")
    p.write_bytes(b"\xef\xbb\xbf" + b"strategy:\n  id: x\n")          # a byte-order mark is fine
    from evaltools import yamlio
    assert yamlio.read_text(p).startswith("strategy:")


@pytest.mark.parametrize("params, said", [
    ("{measures: 5}", "measures is 5"),
    ("{measures: [[a]]}", "measures is [['a']]"),
    ("{policy: [1]}", "unknown disclosure policy [1]"),
])
def test_parameters_of_the_wrong_type_are_one_line(tmp_path, capsys, params, said):
    cfg = tmp_path / "e.yaml"
    cfg.write_text(f"name: t\nla: 884\nparameters: {params}\nnotebooks: [benchmarking]\n")
    code, _, err = run_cli(capsys, "run", str(cfg), "--reports-dir", str(tmp_path / "r"))
    one_line_error(code, err, said, "e.yaml")


@pytest.mark.parametrize("text, said", [
    ("strategy: 5\nmeasures: 5\n", "'strategy' is 5, not a mapping"),
    ("strategy: {id: x, title: T, la: 884, start: 2025-01-01, end: 2027-03-31}\nmeasures: 5\n",
     "'measures' is 5, not a list"),
])
def test_a_strategy_section_of_the_wrong_type_is_one_line(tmp_path, capsys, text, said):
    p = tmp_path / "s.yaml"
    p.write_text(text)
    code, _, err = run_cli(capsys, "strategy", "check", str(p))
    one_line_error(code, err, said)


def test_years_with_no_published_figures_say_so():
    from evaltools import benchmark
    from evaltools.errors import ConfigError
    with pytest.raises(ConfigError, match="no published figures in the years 2000-2001"):
        benchmark.benchmark("884", ["cla_3plus_placements"], periods=(2000, 2001))


def test_listing_measures_of_a_topic_that_does_not_exist_says_so(capsys):
    code, out, err = run_cli(capsys, "measures", "--topic", "nosuch")
    one_line_error(code, err, "no measures have topic 'nosuch'", "stability")
    assert out == ""            # not a header of columns above the error


def test_strategy_list_given_a_file_says_it_takes_none(capsys):
    """`strategy list my.yaml` listed the bundled strategies and said nothing of the file."""
    code, out, err = run_cli(capsys, "strategy", "list", "my.yaml")
    one_line_error(code, err, "'strategy list' takes no file, but was given my.yaml",
                   "evaltools strategy check my.yaml")
    assert out == ""


def test_validate_with_no_workers_is_one_line(capsys, tmp_path):
    code, _, err = run_cli(capsys, "validate", str(REPO_ROOT / "data" / "ssda903_fake"), "--workers", "0")
    one_line_error(code, err, "--workers is 0")


def test_yaml_refuses_repeated_keys_but_keeps_merge_keys():
    from evaltools import yamlio
    with pytest.raises(yamlio.DuplicateKeyError, match="'x' is given twice.*first at line 3") as e:
        yamlio.load("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n")
    assert e.value.problem_mark.line == 4
    # a merge key (<<) then an override is YAML's way of saying "this one differs": allowed
    assert yamlio.load("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n")["c"] == {"x": 3, "y": 2}
    # the same key in two different blocks is no repeat
    assert yamlio.load("a: {x: 1}\nb: {x: 2}\n") == {"a": {"x": 1}, "b": {"x": 2}}


def test_check_points_out_a_direction_against_the_measures_own_better(tmp_path, capsys):
    """direction: increase on 3+ placements was accepted, and the review then called a rise
    from 7.8% to 9.0% "moved as promised"."""
    from evaltools import strategies
    text = (strategies.strategies_dir() / "herefordshire_2025_27.yaml").read_text(encoding="utf-8")
    at = text.index("measure: cla_3plus_placements")
    d = text.index("direction: decrease", at)
    bad = text[:d] + "direction: increase" + text[d + len("direction: decrease"):]
    code, out, _ = run_cli(capsys, "strategy", "check", write(tmp_path, bad, "s.yaml"))
    assert code == 0
    notes = [line for line in out.splitlines() if "direction increase" in line]
    assert len(notes) == 1 and "hf25_short_term_stability" in notes[0] and "lower is better" in notes[0]
    code, out, _ = run_cli(capsys, "strategy", "check", write(tmp_path, text, "t.yaml"))
    assert "direction increase" not in out


def test_a_local_figure_no_commitment_uses_is_named_at_the_start_of_the_run(tmp_path):
    """A commitment's local: id spelt otherwise than the file's rows (bright_spots_feel_safe
    in the strategy, bright_spots_feel_well in the file) showed "no local data supplied"
    beside a file holding its figures, and nothing said so."""
    from evaltools import runner

    (tmp_path / "l.csv").write_text("measure,period,numerator,denominator,value,source_note\n"
                                    "pathway_plans_up_to_date,2024,151,163,,tracker\n"
                                    "return_home_interviews_takeup,2024,80,100,,log\n")
    cfg = write(tmp_path, REVIEW.replace("extract: data/sample", "local: l.csv"))
    notes = runner.load_evaluation(cfg).notes
    assert len(notes) == 1 and "holds figures for return_home_interviews_takeup, which no commitment" in notes[0]
    assert "pathway_plans_up_to_date" not in notes[0]      # the 2025-27 strategy uses it


def test_validate_says_what_each_check_found_with_one_example(tmp_path, capsys, monkeypatch):
    """The summary named a check and a count (DATE_INVALID, 969 rows) but not what was
    wrong, so a month-first export was a search through the issues file. Each line now
    gives the first issue's message, and a year-level warning its whole message."""
    import re
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    folder = tmp_path / "903"
    shutil.copytree(REPO_ROOT / "data" / "sample" / "2024", folder / "2024")
    p = folder / "2024" / "missing.csv"
    p.write_text(re.sub(r"\b(\d{2})/(\d{2})/(\d{4})\b", r"\2/\1/\3", p.read_text()))
    code, out, _ = run_cli(capsys, "validate", str(folder))
    assert code == 0
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "DATE_INVALID" in line)
    assert lines[at + 1].strip().startswith("e.g. 2024 row 2: DOB '(value withheld)': the column's dates are "
                                            "written month first")
    at = next(i for i, line in enumerate(lines) if "MOSTLY_EXCLUDED" in line)
    assert lines[at + 1].strip().startswith("2024: all ") and "Missing figures of 2024" in lines[at + 1]


# ------------------------------------------------ mistakes an audit of every command found
@pytest.mark.parametrize("config, said", [
    ("las: 884\n", "'las' is 884"),
    ("stock: -5\n", "'stock' is -5"),
    ("stock: lots\n", "'stock' is 'lots'"),
    ("first_year: '2023'\n", "'first_year' is '2023'"),
    ("seed: abc\n", "'seed' is 'abc'"),
    ("interventions:\n- {name: x, kind: eet, start: '2023-01-01', ratio: high}\n", "has ratio 'high'"),
    ("interventions:\n- {name: x, kind: eet, start: 01/04/2023, ratio: 1.2}\n", "has start '01/04/2023'"),
    ("interventions: eet\n", "'interventions' is 'eet'"),
    ("- seed: 1\n", "not a YAML mapping"),
    ("seed: 1\nseed: 2\n", "line 2: 'seed' is given twice"),
    ('seed: "1\nstock: 3\n', "not valid YAML at line 1"),          # where the quote opened
])
def test_synth_config_mistakes_are_one_line_before_anything_is_simulated(tmp_path, capsys, config, said):
    """Each of these was a traceback (or, for 01/04/2023, 4 January read silently)."""
    cfg = write(tmp_path, config, "synth.yaml")
    code, out, err = run_cli(capsys, "synth", "--config", cfg, "--out", str(tmp_path / "out"))
    one_line_error(code, err, said)
    assert "simulating" not in out and not (tmp_path / "out").exists()


def test_synth_never_writes_over_a_councils_extract(tmp_path, capsys):
    """`synth --out` a folder holding a council's 903 CSVs overwrote all of them."""
    folder = tmp_path / "council"
    shutil.copytree(REPO_ROOT / "data" / "sample" / "2024", folder / "2024")
    before = {p.name: p.read_bytes() for p in folder.rglob("*.csv")}
    code, _, err = run_cli(capsys, "synth", "--out", str(folder))
    one_line_error(code, err, "already holds CSV files synth did not write", "new or empty folder")
    assert {p.name: p.read_bytes() for p in folder.rglob("*.csv")} == before
    for args, said in ((["--out", ""], "--out is empty"), (["--out", str(tmp_path / "council" / "2024" / "ad1.csv")],
                                                             "is a file"),
                       (["--out", str(tmp_path / "o"), "--seed", "-1"], "'seed' is -1"),
                       (["--out", str(tmp_path / "o"), "--las", ""], "--las is ''")):
        code, _, err = run_cli(capsys, "synth", *args)
        one_line_error(code, err, said)


def test_outputs_that_cannot_be_written_are_one_line(tmp_path, capsys, monkeypatch):
    """A reports folder under a file, and an issues file in a folder that cannot hold
    one, were tracebacks; an existing file that is not an issues table was overwritten."""
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    (tmp_path / "afile").write_text("x")
    code, _, err = run_cli(capsys, "run", str(REPO_ROOT / "evaluations" / "england_benchmarking.yaml"),
                           "--reports-dir", str(tmp_path / "afile" / "sub"))
    one_line_error(code, err, "cannot create the reports folder", "--reports-dir")
    code, _, err = run_cli(capsys, "validate", str(REPO_ROOT / "data" / "ssda903_fake"),
                           "--issues", str(tmp_path / "afile" / "issues.csv"))
    one_line_error(code, err)
    mine = tmp_path / "local.csv"
    mine.write_text("measure,period,numerator\npathway_plans_up_to_date,2024,3\n")
    code, _, err = run_cli(capsys, "validate", str(REPO_ROOT / "data" / "ssda903_fake"), "--issues", str(mine))
    one_line_error(code, err, "already exists and is not an issues table")
    assert mine.read_text().startswith("measure,period")


def test_the_issues_table_is_readable_by_its_writer_only(tmp_path, capsys, monkeypatch):
    """Each issue gives the extract's file and row: with the extract, it finds the
    child. It was written readable by every user of the machine (data-protection
    review); now mode 0600, an issues table written before included."""
    import stat
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    out = tmp_path / "issues.csv"
    for before in (None, 0o644):
        if before is not None:
            out.chmod(before)
        code, printed, _ = run_cli(capsys, "validate", str(REPO_ROOT / "data" / "ssda903_fake"), "--issues", str(out))
        assert code == 0 and stat.S_IMODE(out.stat().st_mode) == 0o600
        assert "personal data, readable by you only" in printed
        assert out.read_text(encoding="utf-8").startswith("table,year,file,row,child,column,check")


def test_run_refuses_an_unreadable_extract_or_short_salt_before_any_notebook(tmp_path, capsys, monkeypatch):
    """A semicolon-separated extract, or a salt of 5 characters, failed inside every
    notebook: a report folder of failures, 11 lines, exit 1. `validate` already said it
    in one line; `run` now says the same before anything runs, exit 2, no report."""
    semi = tmp_path / "semi" / "2024"
    semi.mkdir(parents=True)
    for p in (REPO_ROOT / "data" / "sample" / "2024").glob("*.csv"):
        (semi / p.name).write_text(p.read_text().replace(",", ";"))
    ev = write(tmp_path, f"name: dq\ntitle: t\nnotebooks:\n  - notebook: data_quality\n"
                         f"    parameters: {{extract: {semi.parent}}}\n")
    reports = tmp_path / "reports"
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    code, _, err = run_cli(capsys, "run", ev, "--reports-dir", str(reports))
    one_line_error(code, err, "is separated by semicolons, not commas", "CSV UTF-8 (comma delimited)")
    monkeypatch.setenv("EVALTOOLS_SALT", "short")
    code, _, err = run_cli(capsys, "run", str(REPO_ROOT / "evaluations" / "data_quality_demo.yaml"),
                           "--reports-dir", str(reports))
    one_line_error(code, err, "salt is only 5 characters")
    assert not list(reports.rglob("*.ipynb"))


def test_one_la_for_an_evaluation_that_takes_none_is_refused(tmp_path, capsys):
    """`--la 919` on the data-quality demo wrote data_quality_demo-919/: DfE's fake extract
    filed under Hertfordshire. Two LAs were already refused."""
    code, _, err = run_cli(capsys, "run", str(REPO_ROOT / "evaluations" / "data_quality_demo.yaml"),
                           "--la", "919", "--reports-dir", str(tmp_path))
    one_line_error(code, err, "no notebook of evaluation 'data_quality_demo' takes an LA")


def test_a_folder_given_for_a_yaml_file_is_named_as_a_folder(tmp_path, capsys):
    code, _, err = run_cli(capsys, "run", str(tmp_path))
    one_line_error(code, err, "is a folder, not a YAML evaluation file")
    code, _, err = run_cli(capsys, "strategy", "check", str(tmp_path))
    one_line_error(code, err, "is a folder, not a YAML strategy file")


def test_a_903_file_with_another_separator_is_named_as_such(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    (tmp_path / "2024").mkdir()
    text = (REPO_ROOT / "data" / "sample" / "2024" / "episodes.csv").read_text()
    (tmp_path / "2024" / "episodes.csv").write_text(text.replace(",", "\t"))
    code, _, err = run_cli(capsys, "validate", str(tmp_path))
    one_line_error(code, err, "episodes.csv is separated by tabs, not commas")


@pytest.mark.parametrize("flag", ["--la", "--region", "--run-id", "--reports-dir"])
def test_an_empty_run_option_is_refused_not_ignored(capsys, flag):
    """`--la "$LA"` with LA unset ran for the YAML's council; `--reports-dir ""` wrote
    into the repository's reports/."""
    code, _, err = run_cli(capsys, "run", str(REPO_ROOT / "evaluations" / "england_benchmarking.yaml"), flag, "")
    one_line_error(code, err, f"{flag} is empty")


def test_a_copied_year_folder_is_named_by_its_path(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    for name in ("2020", "2020 copy"):
        shutil.copytree(REPO_ROOT / "data" / "sample" / "2020", tmp_path / name)
    code, _, err = run_cli(capsys, "validate", str(tmp_path))
    one_line_error(code, err, "look like the AD1 table: 2020/ad1.csv and 2020 copy/ad1.csv")


def test_a_partial_extract_is_checked_with_a_note_and_refused_by_a_report(tmp_path, capsys, monkeypatch):
    """A folder with no episodes in any year is read by validate (assumption S7) but gave
    a topic report that stopped at "KeyError: 'CHILD'"; now validate notes it and a run
    that would count children from it stops before any report. data_quality still runs."""
    import types
    from evaltools import runner
    from evaltools.errors import IncompleteExtractError
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    folder = tmp_path / "903"
    for y in ("2023", "2024"):
        (folder / y).mkdir(parents=True)
        for table in ("header", "oc3"):
            shutil.copy(REPO_ROOT / "data" / "sample" / y / f"{table}.csv", folder / y)
    code, out, _ = run_cli(capsys, "validate", str(folder))
    assert code == 0 and "note: no Episodes table in any year: a partial extract" in out
    (tmp_path / "cache").mkdir()

    def prepare(notebook, params):
        cfg = write(tmp_path, f"name: c\nla: 884\nnotebooks:\n  - notebook: {notebook}\n"
                              f"    parameters: {{extract: {folder}{params}}}\n")
        plan = types.SimpleNamespace(ev=runner.load_evaluation(cfg), env={"EVALTOOLS_SALT": "test-salt-1234567890abcdef"})
        runner._prepare([plan], str(tmp_path / "cache"), lambda *a: None)

    prepare("data_quality", "")
    with pytest.raises(IncompleteExtractError, match="the extract has no Episodes table in any year"):
        prepare("topic", ", topic: safety, strategy: null")
