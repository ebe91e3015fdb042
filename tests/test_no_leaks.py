"""No child can be identified from any output, and no count of 1 to 5 is shown.

A small synthetic 903 extract is generated, and unique child identifiers, UPNs, dates
of birth and postcodes are planted in it. The notebooks that read child-level data run
on it through the runner under the published policy. Every output (executed notebooks,
HTML, PDF, XLSX, the chart files and their index, the manifest) is then scanned: none
of the planted values may appear, and no figure "n of N" / "(n/N)" may rest on 1 to 5
children.
"""

from __future__ import annotations

import base64
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from evaltools import runner, synth

pytestmark = pytest.mark.notebook


def _plant(folder: Path) -> dict[str, set[str]]:
    """Give every child a distinctive id ("QZ" + digits) and collect what must not leak."""
    planted = {"child": set(), "upn": set(), "dob": set(), "postcode": set()}
    ids: dict[str, str] = {}
    for csv in sorted(folder.rglob("*.csv")):
        df = pd.read_csv(csv, dtype=str, keep_default_na=False)
        if "CHILD" in df:
            df["CHILD"] = df["CHILD"].map(lambda c: ids.setdefault(c, f"QZ{len(ids) + 10_000_017:08d}"))
            planted["child"] |= set(df["CHILD"])
        if "UPN" in df:
            planted["upn"] |= {u for u in df["UPN"] if len(u) >= 10}
        if "DOB" in df:
            # dates that are not month ends or 1sts (those could be a report's period dates)
            for d in df["DOB"]:
                t = pd.to_datetime(d, format="%d/%m/%Y", errors="coerce")
                if pd.notna(t) and not t.is_month_end and t.day != 1:
                    planted["dob"] |= {d, t.strftime("%Y-%m-%d")}
        for col in ("HOME_POST", "PL_POST"):
            if col in df:
                planted["postcode"] |= {p for p in df[col] if len(p) >= 5}
        df.to_csv(csv, index=False)
    planted["postcode"] |= {p.replace(" ", "") for p in planted["postcode"]}
    return planted


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("leaks")
    extract = root / "extract"
    res = synth.generate(synth.SynthConfig(seed=7, las=["884"], stock=80, first_year=2021, last_year=2025,
                                           warmup_years=4))
    synth.write(res, extract)
    planted = _plant(extract)
    cfg = root / "leaks.yaml"
    cfg.write_text(
        "name: leaks\nla: 884\nparameters:\n"
        f"  extract: {extract}\n  policy: published\n"
        "notebooks:\n"
        "  - notebook: topic\n    parameters: {topic: safety, strategy: ofsted_herefordshire_2024}\n"
        "  - notebook: topic\n    parameters: {topic: stability, strategy: herefordshire_2017_20}\n"
        "  - notebook: annual_impact_review\n    parameters: {strategy: herefordshire_2017_20}\n"
        "  - data_quality\n"
        "pdf: all\n", encoding="utf-8")            # every report's PDF is scanned too
    out = runner.run_evaluation(cfg, run_id="t1", out_root=root / "reports", log=lambda *_: None)
    assert out.ok, [o.error for o in out.outcomes]
    return out.out_dir, planted


SVG_DATA = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")


def _charts(text: str) -> list[str]:
    """The SVG of every chart embedded in a notebook or HTML page: their titles, axis
    labels and annotations are text, so they are scanned like any other text."""
    return [base64.b64decode(m.group(1)).decode("utf-8") for m in SVG_DATA.finditer(text)]


def _texts(folder: Path) -> dict[str, str]:
    """Every output file as text: notebooks and HTML as they are plus the SVG of their
    charts, XLSX's XML parts, PDF's text layer (pypdf), and the chart files and their
    index under charts/."""
    texts = {}
    for p in sorted(q for q in folder.rglob("*") if q.is_file()):
        name = p.relative_to(folder).as_posix()
        if p.suffix in (".svg", ".csv", ".json"):
            texts[name] = p.read_text(encoding="utf-8-sig")
        elif p.suffix in (".ipynb", ".html"):
            text = p.read_text(encoding="utf-8")
            texts[p.name] = text
            texts[f"{p.name} (charts)"] = "\n".join(_charts(text))
        elif p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                texts[p.name] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                                          if n.endswith(".xml"))
        elif p.suffix == ".pdf":
            pypdf = pytest.importorskip("pypdf")
            texts[p.name] = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(p).pages)
    return texts


def test_every_kind_of_output_is_scanned(run):
    folder, _ = run
    texts = _texts(folder)
    kinds = {Path(n).suffix for n in texts}
    assert {".ipynb", ".html", ".xlsx", ".svg", ".csv", ".json"} <= kinds
    assert len([n for n in texts if n.endswith(".svg")]) == \
        sum(t.count("<img src=\"data:image/svg+xml") for n, t in texts.items() if n.endswith(".html"))
    charts = "".join(t for n, t in texts.items() if n.startswith("topic-stability")
                     and n.endswith(".html (charts)"))
    assert "<text" in charts and "Herefordshire" in charts      # chart words are scanned
    if runner_has_pdf(folder):
        assert ".pdf" in kinds


def runner_has_pdf(folder: Path) -> bool:
    return any(folder.glob("*.pdf"))


def test_no_planted_identifier_appears_in_any_output(run):
    folder, planted = run
    assert all(planted.values()), {k: len(v) for k, v in planted.items()}
    texts = _texts(folder)
    for name, text in texts.items():
        for kind, values in planted.items():
            hits = sorted(v for v in values if v in text)
            assert not hits, f"{kind} {hits[:3]} found in {name}"


def test_no_childs_pseudonym_appears_in_any_output(run):
    """Nor the keyed hashes that replaced the planted ids: a pseudonym is still personal
    data (with the key, and the extract, it names the child)."""
    import os

    from evaltools.ssda903.pseudonymise import SALT_ENV, get_salt, hash_ids
    folder, planted = run
    assert os.environ.get(SALT_ENV)          # the run's key, as conftest sets it for the session
    pseudonyms = set(hash_ids(pd.Series(sorted(planted["child"])), get_salt()))
    assert len(pseudonyms) == len(planted["child"])
    for name, text in _texts(folder).items():
        hits = sorted(v for v in pseudonyms if v in text)
        assert not hits, f"pseudonyms {hits[:3]} found in {name}"


#: how reports print a figure's counts: "54.7% (64 of 117)" in statements, "(64/117)" in tables
FIGURE = re.compile(r"\((\d[\d,]*) of (\d[\d,]*)\)|\((\d[\d,]*)/(\d[\d,]*)\)")


def test_no_count_from_1_to_5_under_the_published_policy(run):
    folder, _ = run
    seen = 0
    for name, text in _texts(folder).items():
        for m in FIGURE.finditer(text):
            a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            n, d = int(a.replace(",", "")), int(b.replace(",", ""))
            seen += 1
            assert not (1 <= n <= 5 or 1 <= d - n <= 5), f"{m.group(0)!r} in {name}"
    assert seen > 0                         # the scan did look at figures with counts
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "ok"


def test_the_data_quality_report_counts_under_the_published_policy(run):
    """The evaluation's shared policy reaches the data quality report, whose tables of
    rows read and issues found show no count of 1 to 5 in the workbook: every count
    column of its sheets holds a number of 6 or more, 0, or c."""
    from openpyxl import load_workbook
    folder, _ = run
    manifest = json.loads((folder / "manifest.json").read_text())
    (dq,) = [n for n in manifest["notebooks"] if n["notebook"] == "data_quality"]
    assert dq["parameters"]["policy"] == "published"
    wb = load_workbook(folder / "tables.xlsx")
    sheets = [r[2] for r in wb["Contents"].iter_rows(min_row=3, values_only=True) if r[0] == "data_quality"]
    assert sheets
    counts, withheld = [], 0
    for name in sheets:
        rows = list(wb[name].iter_rows(min_row=2, values_only=True))
        for j, col in enumerate(rows[0]):
            if col in ("Year", "Share left out"):
                continue
            cells = [r[j] for r in rows[1:]]
            counts += [v for v in cells if isinstance(v, int)]
            withheld += cells.count("c")
    assert counts and not [n for n in counts if 1 <= n <= 5]
    assert withheld > 0                     # the small extract has counts of 1 to 5 to withhold
