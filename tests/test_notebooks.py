"""Notebooks: stored clean and paired, thin, and executable end to end by the runner."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from evaltools import runner
from evaltools.paths import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} == {"annual_impact_review", "benchmarking", "data_quality",
                                           "ilacs_briefing", "topic"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs_and_thin(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert not any(re.search(r"^\s*(def|class)\s", c.source, re.M) for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_paired_percent_script_is_in_sync(path):
    py = path.with_suffix(".py")
    assert py.exists(), f"{path.name} has no jupytext pair; run make notebooks"
    a = jupytext.read(py)
    b = nbformat.read(path, as_version=4)
    strip = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
    assert strip(a) == strip(b), f"{py.name} and {path.name} differ: run make notebooks"


@pytest.mark.notebook
def test_benchmarking_notebook_runs_end_to_end(tmp_path):
    cfg = tmp_path / "mini.yaml"
    cfg.write_text(
        "name: mini\nla: Herefordshire\nparameters:\n  years: [2019, 2025]\n"
        "  measures: [cla_3plus_placements, care_leavers_eet_19_21, oc2_convictions]\n"
        "notebooks:\n  - benchmarking\npdf: all\n", encoding="utf-8")
    res = runner.run_evaluation(cfg, run_id="t1", out_root=tmp_path / "reports", log=lambda *_: None)
    assert res.ok, [o.error for o in res.outcomes]
    out = tmp_path / "reports" / "mini" / "t1"
    assert res.out_dir == out
    from evaltools.outputs import find_chromium
    pdf = ["benchmarking.pdf"] if find_chromium()[0] else []     # PDFs need chromium
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["benchmarking.html", "benchmarking.ipynb", "charts", "manifest.json", "tables.xlsx"] + pdf)
    assert sorted(p.name for p in (out / "charts" / "benchmarking").iterdir()) == [
        "01-children-looked-after-at-31-march-with-3-or-more-placements.svg",
        "02-care-leavers-aged-19-to-21-in-education-employment-or.svg",
        "03-children-looked-after-for-12-months-or-more-aged-10-to-17.svg"]
    assert not list((tmp_path / "reports" / "mini").glob(".*partial"))

    html = (out / "benchmarking.html").read_text(encoding="utf-8")
    assert "Benchmarking Herefordshire" in html
    assert "54.7% (64 of 117)" in html                     # statement with counts
    assert len(re.findall(r'<img [^>]*alt="[^"]*\. Line chart of', html)) == 3    # one chart per measure, alt led by its title
    assert html.count("src=\"data:image/svg+xml;base64,") >= 3
    assert "from evaltools import" not in html             # no code cells
    assert "bm = benchmark.benchmark" not in html
    assert "cdnjs" not in html and "<script src=\"http" not in html    # opens offline
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">" in html    # runs no script

    executed = nbformat.read(out / "benchmarking.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "la = \"884\"" in injected[0].source

    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "ok" and m["la"] == "884" and m["run_id"] == "t1"
    assert m["notebooks"][0]["parameters"]["years"] == [2019, 2025]
    assert {"commit", "dirty"} <= set(m["git"])
    assert m["packages"]["pandas"] and m["packages"]["python"].startswith("3.11")
    paths = {i["path"]: i["sha256"] for i in m["inputs"]}
    f = "data/public/dfe_cla_2025_release/la_care_leavers_activity.csv"
    assert paths[f] == runner.sha256(REPO_ROOT / f)
    assert "notebooks/benchmarking.ipynb" in paths
    assert any(p.endswith("mini.yaml") for p in paths)
    outs = {o["path"]: o["sha256"] for o in m["notebooks"][0]["outputs"]}
    assert outs["benchmarking.html"] == runner.sha256(out / "benchmarking.html")


def test_same_inputs_give_the_same_numbers():
    from evaltools import benchmark
    a = benchmark.benchmark("342", ["cla_3plus_placements"]).to_frame()
    b = benchmark.benchmark("342", ["cla_3plus_placements"]).to_frame()
    assert a.equals(b)


@pytest.mark.notebook
def test_data_quality_notebook_runs_and_shows_no_child_level_data(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALTOOLS_SALT", raising=False)
    cfg = tmp_path / "dq.yaml"
    cfg.write_text("name: dq\nnotebooks:\n  - notebook: data_quality\n    parameters:\n"
                   "      extract: data/ssda903_fake\n", encoding="utf-8")
    res = runner.run_evaluation(cfg, run_id="t1", out_root=tmp_path / "reports", log=lambda *_: None)
    assert res.ok, [o.error for o in res.outcomes]
    out = res.out_dir
    html = (out / "data_quality.html").read_text(encoding="utf-8")
    # scan what the notebook shows (cell outputs), not papermill's execution metadata,
    # whose microsecond timestamps can contain any 6-digit number
    executed = nbformat.read(out / "data_quality.ipynb", as_version=4)
    nb = json.dumps([c.get("outputs", []) for c in executed.cells])
    assert "Issues found, and what each means for the measures" in html
    assert "EPI_OVERLAP" in html and "28.9%" in html
    # no raw child id, date of birth or postcode from the input appears in any output
    import pandas as pd
    hdr = pd.read_csv(REPO_ROOT / "data/ssda903_fake/header.csv", dtype=str)
    eps = pd.read_csv(REPO_ROOT / "data/ssda903_fake/episodes.csv", dtype=str)
    raw = set(hdr["CHILD"]) | set(hdr["DOB"]) | set(eps["HOME_POST"].dropna()) | set(eps["PL_POST"].dropna())
    found = lambda v, text: re.search(rf"(?<![\d.]){re.escape(v)}(?!\d)", text)  # noqa: E731
    leaks = [v for v in raw if len(v) >= 6 and (found(v, html) or found(v, nb))]
    assert not leaks, leaks[:5]
    m = json.loads((out / "manifest.json").read_text())
    assert m["pseudonymisation_key"].startswith("one-off random")
    assert any(i["path"] == "extract/episodes.csv" and i["file"].endswith("data/ssda903_fake/episodes.csv")
               for i in m["inputs"])          # named by its place in the extract, and where it was read
    assert "EVALTOOLS_SALT" not in os.environ


NBVAL = sorted((REPO_ROOT / "tests" / "nbval").glob("*.ipynb"))


def test_every_report_notebook_has_an_nbval_reference():
    assert {p.stem for p in NBVAL} == {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NBVAL, ids=lambda p: p.stem)
def test_nbval_reference_matches_the_notebook(path):
    """The reference is the notebook itself, executed, with only its last (summary)
    cell's output kept and checked; rerun scripts/nbval_refs.py after editing one."""
    ref = nbformat.read(path, as_version=4)
    nb = nbformat.read(REPO_ROOT / "notebooks" / path.name, as_version=4)
    src = lambda n: [(c.cell_type, c.source.replace("# NBVAL_CHECK_OUTPUT\n", "")) for c in n.cells]  # noqa: E731
    assert src(ref) == src(nb), f"run: python scripts/nbval_refs.py {path.stem}"
    code = [c for c in ref.cells if c.cell_type == "code"]
    assert code[-1].source.startswith("# NBVAL_CHECK_OUTPUT") and code[-1].outputs
    assert all(not c.outputs for c in code[:-1])
