"""Rebuild the nbval reference notebooks in tests/nbval/ from notebooks/.

Each reference is the notebook as stored (same cells, default parameters: the bundled
data), executed once, with the output kept only in its last cell, the deterministic
summary, which is marked ``# NBVAL_CHECK_OUTPUT``. ``pytest --nbval-lax`` (on in
pyproject.toml) re-executes the references and compares those cells, through the
sanitiser in tests/nbval/sanitize.cfg. tests/test_notebooks.py checks the references'
cells still match notebooks/, so a changed notebook needs this script rerun:

    EVALTOOLS_SALT=any-value python scripts/nbval_refs.py

Review the diff of the summary outputs before committing: a changed figure there is a
changed result.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["topic", "annual_impact_review", "ilacs_briefing", "benchmarking", "data_quality"]
MARK = "# NBVAL_CHECK_OUTPUT"


def reference(name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[-1].source = f"{MARK}\n{code[-1].source}"
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    for c in code[:-1]:
        c.outputs, c.execution_count = [], None
    for c in code:       # run times: a reference's diff shows only what changed in it
        c.metadata.pop("execution", None)
    return nb


def main(names=None) -> None:
    os.environ.setdefault("EVALTOOLS_SALT", "nbval-reference-key-not-secret")
    out = ROOT / "tests" / "nbval"
    out.mkdir(exist_ok=True)
    for name in names or NOTEBOOKS:
        nb = reference(name)
        nbformat.write(nb, out / f"{name}.ipynb")
        print(f"tests/nbval/{name}.ipynb: {''.join(o.get('text', '') for o in nb.cells[-1].outputs)[:200]}")


if __name__ == "__main__":
    main(sys.argv[1:])
