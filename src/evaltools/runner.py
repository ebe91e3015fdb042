"""Run an evaluation: execute its notebooks with papermill and write a report folder.

An evaluation is a YAML file (see ``evaluations/``)::

    name: herefordshire               # folder name under reports/
    title: Herefordshire benchmarking # optional
    la: 884                           # DfE number, ONS code or name
    parameters: {}                    # optional, passed to every notebook
    notebooks:                        # notebooks/<name>.ipynb, in order
      - benchmarking
      - notebook: benchmarking
        parameters: {measures: [cla_3plus_placements]}

``run_evaluation`` writes ``reports/<name>/<run-id>/`` with, per notebook, the executed
``.ipynb`` and a self-contained ``.html`` without code, plus ``manifest.json``: the
SHA-256 of every input, the parameters, package versions and the git commit. The
folder is assembled under a hidden name and renamed into place only when complete, so
a half-written report never looks finished.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from . import published, registry
from .areas import resolve_la
from .comparators import SN_2021, SN_2025
from .errors import ConfigError
from .paths import REPO_ROOT, data_dir, reports_dir
from .ssda903.pseudonymise import SALT_ENV

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
ALLOWED_KEYS = {
    "name": "a short folder name (letters, digits, - or _)",
    "title": "a title for the reports",
    "la": "the LA's DfE number, ONS code or name, e.g. 884",
    "parameters": "a mapping of notebook parameters, passed to every notebook that takes them",
    "notebooks": "a list of notebook names from notebooks/, or mappings "
                 "{notebook: NAME, parameters: {...}}",
}
REQUIRED_KEYS = ("name", "la", "notebooks")
PACKAGES = ["evaltools", "pandas", "numpy", "statsmodels", "scipy", "matplotlib", "seaborn",
            "papermill", "nbconvert", "nbformat", "ipykernel", "pyarrow", "PyYAML", "jupytext"]


@dataclass
class NotebookJob:
    notebook: str
    parameters: dict


@dataclass
class Evaluation:
    name: str
    title: str
    la: str
    jobs: list[NotebookJob]
    config_path: Path | None = None


@dataclass
class NotebookOutcome:
    notebook: str
    ok: bool
    seconds: float
    error: str | None = None
    outputs: list[Path] = field(default_factory=list)


@dataclass
class RunResult:
    evaluation: Evaluation
    out_dir: Path
    outcomes: list[NotebookOutcome]
    manifest_path: Path

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)


# ------------------------------------------------------------------- configuration
def notebook_parameters(name: str) -> dict:
    """The parameters a notebook declares in its tagged ``parameters`` cell."""
    import papermill

    path = NOTEBOOKS_DIR / f"{name}.ipynb"
    return papermill.inspect_notebook(str(path))


def available_notebooks() -> list[str]:
    return sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))


def _check_parameters(params, where: str, notebook: str) -> dict:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ConfigError(f"'parameters' is a {type(params).__name__}", where=where,
                          fix="It should be a mapping such as {years: [2018, 2025]}")
    declared = notebook_parameters(notebook)
    for key, value in params.items():
        if key not in declared:
            raise ConfigError(
                f"'{key}' is not a parameter of notebook {notebook}", where=where,
                fix=f"Its parameters are: {', '.join(declared)}")
        if key == "measures" and value is not None:
            registry.resolve(value)
        if key == "years" and value is not None:
            if not (isinstance(value, list) and len(value) == 2
                    and all(isinstance(v, int) for v in value) and value[0] <= value[1]):
                raise ConfigError(f"'years' is {value!r}", where=where,
                                  fix="It should be [first, last] years ending 31 March, "
                                  "e.g. [2018, 2025]")
    return dict(params)


def load_evaluation(path, *, la_override=None) -> Evaluation:
    """Read and check an evaluation YAML; every mistake is a one-line ConfigError."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise ConfigError(f"evaluation file {path} does not exist",
                          fix="Give the path of a YAML file such as evaluations/herefordshire.yaml")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"not valid YAML{at}: {getattr(exc, 'problem', exc)}", where=where,
                          fix="Check indentation and quoting on that line") from None
    if not isinstance(doc, dict):
        raise ConfigError("the file is not a YAML mapping", where=where,
                          fix=f"It needs the keys {', '.join(REQUIRED_KEYS)}")
    for key in doc:
        if key not in ALLOWED_KEYS:
            raise ConfigError(f"unknown key '{key}'", where=where,
                              fix=f"Allowed keys: {', '.join(ALLOWED_KEYS)}")
    for key in REQUIRED_KEYS:
        if key == "la":
            continue            # checked below: only notebooks with an `la` parameter need it
        if key not in doc or doc[key] in (None, "", []):
            raise ConfigError(f"missing key '{key}'", where=where,
                              fix=f"'{key}' should be {ALLOWED_KEYS[key]}")
    name = doc["name"]
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ConfigError(f"'name' is {name!r}", where=where, fix=f"It should be {ALLOWED_KEYS['name']}")
    la = la_override if la_override is not None else doc.get("la")
    area = resolve_la(la) if la not in (None, "") else None
    shared = doc.get("parameters") or {}
    if not isinstance(shared, dict):
        raise ConfigError("'parameters' is not a mapping", where=where,
                          fix=ALLOWED_KEYS["parameters"])
    nbs = doc["notebooks"]
    if not isinstance(nbs, list):
        raise ConfigError(f"'notebooks' is a {type(nbs).__name__}", where=where,
                          fix=f"It should be {ALLOWED_KEYS['notebooks']}")
    jobs = []
    for i, item in enumerate(nbs, 1):
        item_where = f"{where}, notebooks item {i}"
        if isinstance(item, str):
            nb, params = item, {}
        elif isinstance(item, dict) and set(item) <= {"notebook", "parameters"} and "notebook" in item:
            nb, params = item["notebook"], item.get("parameters")
        else:
            raise ConfigError(f"notebooks item {i} is {item!r}", where=where,
                              fix="Each item is a notebook name or {notebook: NAME, parameters: {...}}")
        if nb not in available_notebooks():
            raise ConfigError(f"notebook '{nb}' is not in notebooks/", where=item_where,
                              fix=f"Available: {', '.join(available_notebooks())}")
        declared = notebook_parameters(nb)
        own_shared = {k: v for k, v in shared.items() if k in declared}
        merged = {**_check_parameters(own_shared, where, nb), **_check_parameters(params, item_where, nb)}
        if "la" in notebook_parameters(nb):
            if area is None:
                raise ConfigError("missing key 'la'", where=where,
                                  fix=f"notebook {nb} needs it: 'la' should be {ALLOWED_KEYS['la']}")
            merged["la"] = area.area_code
        jobs.append(NotebookJob(nb, merged))
    takers = {k for j in jobs for k in notebook_parameters(j.notebook)}
    for key in shared:
        if key not in takers:
            raise ConfigError(f"shared parameter '{key}' is not a parameter of any notebook", where=where,
                              fix=f"The notebooks take: {', '.join(sorted(takers))}")
    title = doc.get("title") or (f"{area.display_name}: evaluation" if area else name)
    return Evaluation(name=name, title=str(title), la=area.area_code if area else None,
                      jobs=jobs, config_path=path)


# ------------------------------------------------------------------------ manifest
def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _rel(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(p)


def git_state() -> dict:
    def git(*args):
        try:
            r = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                               timeout=10)
            return r.stdout.strip() if r.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            return None
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def input_files() -> list[Path]:
    root = data_dir()
    rels = published.source_files() + [SN_2021, SN_2025]
    return [root / "public" / r for r in sorted(set(rels))]


def package_versions() -> dict:
    out = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = None
    return out


# ------------------------------------------------------------------------- running
def _export_html(ipynb: Path, html_path: Path, title: str) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(ipynb, as_version=4)
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    html_path.write_text(strip_remote_scripts(body), encoding="utf-8")


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)


def strip_remote_scripts(html: str) -> str:
    """Drop the script blocks that fetch code from the internet (require.js, MathJax,
    mermaid) or configure them. Reports use neither maths nor diagrams, and a board
    paper must open offline without reaching out to a CDN."""
    def keep(m):
        block = m.group(0)
        remote = "https://" in block or "http://" in block
        return "" if remote or "text/x-mathjax-config" in block else block
    return _SCRIPT.sub(keep, html)


def _error_line(exc) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return f"{ename}: {evalue}".splitlines()[0][:300]


def run_evaluation(config, *, la_override=None, run_id: str | None = None,
                   out_root: Path | None = None, log=print) -> RunResult:
    """Execute every notebook of an evaluation and write its report folder."""
    import papermill

    ev = config if isinstance(config, Evaluation) else load_evaluation(config, la_override=la_override)
    run_id = run_id or dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    name = ev.name if la_override is None else f"{ev.name}-{ev.la}"
    base = Path(out_root or reports_dir()) / name
    final = base / run_id
    if final.exists():
        raise ConfigError(f"report folder {final} already exists",
                          fix="Choose another --run-id or remove the old folder")
    work = base / f".{run_id}.partial"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    started = dt.datetime.now(dt.timezone.utc)
    for_la = f" for LA {ev.la}" if ev.la else ""
    log(f"evaltools: running '{ev.name}'{for_la}: {len(ev.jobs)} notebook(s)")
    outcomes = []
    env_before = {k: os.environ.get(k) for k in ("EVALTOOLS_DATA_DIR", SALT_ENV)}
    os.environ["EVALTOOLS_DATA_DIR"] = str(data_dir())
    if os.environ.get(SALT_ENV):
        salt_source = f"from {SALT_ENV}"
    else:
        # Outputs are aggregates, so figures do not depend on the key; a random one-off
        # key means child ids in this run link within it and nowhere else.
        os.environ[SALT_ENV] = secrets.token_hex(32)
        salt_source = "one-off random key for this run (EVALTOOLS_SALT not set)"
        log(f"  pseudonymisation: {salt_source}")
    try:
        for i, job in enumerate(ev.jobs, 1):
            stem = job.notebook if sum(j.notebook == job.notebook for j in ev.jobs) == 1 \
                else f"{job.notebook}-{i}"
            out_nb = work / f"{stem}.ipynb"
            log(f"  [{i}/{len(ev.jobs)}] {job.notebook} ...")
            t0 = time.perf_counter()
            try:
                papermill.execute_notebook(
                    str(NOTEBOOKS_DIR / f"{job.notebook}.ipynb"), str(out_nb),
                    parameters=job.parameters, kernel_name="python3", progress_bar=False,
                    cwd=str(NOTEBOOKS_DIR), log_output=False)
                ok, err = True, None
            except papermill.PapermillExecutionError as exc:
                ok, err = False, _error_line(exc)
            secs = time.perf_counter() - t0
            outs = [out_nb] if out_nb.exists() else []
            if out_nb.exists():
                html = work / f"{stem}.html"
                _export_html(out_nb, html, f"{ev.title}: {job.notebook.replace('_', ' ')}")
                outs.append(html)
            outcomes.append(NotebookOutcome(job.notebook, ok, secs, err, outs))
            log(f"  [{i}/{len(ev.jobs)}] {job.notebook}: {'done' if ok else 'FAILED'} "
                f"in {secs:.1f} s" + (f" ({err})" if err else ""))
    finally:
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    inputs = [ev.config_path] if ev.config_path else []
    inputs += [NOTEBOOKS_DIR / f"{j.notebook}.ipynb" for j in ev.jobs] + input_files()
    for j in ev.jobs:       # child-level extracts a notebook read
        src = j.parameters.get("extract")
        if src:
            p = Path(src) if Path(src).is_absolute() else REPO_ROOT / src
            inputs += sorted(p.rglob("*.csv")) if p.is_dir() else [p]
    seen, input_rows = set(), []
    for p in inputs:
        if p in seen or not p.exists():
            continue
        seen.add(p)
        input_rows.append({"path": _rel(p), "sha256": sha256(p), "bytes": p.stat().st_size})
    manifest = {
        "evaluation": ev.name,
        "title": ev.title,
        "la": ev.la,
        "run_id": run_id,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "status": "ok" if all(o.ok for o in outcomes) else "failed",
        "git": git_state(),
        "pseudonymisation_key": salt_source,
        "packages": package_versions(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "notebooks": [
            {"notebook": o.notebook, "status": "ok" if o.ok else "failed", "seconds": round(o.seconds, 1),
             "error": o.error, "parameters": j.parameters,
             "outputs": [{"path": p.name, "sha256": sha256(p)} for p in o.outputs]}
            for o, j in zip(outcomes, ev.jobs)
        ],
        "inputs": input_rows,
    }
    (work / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n",
                                        encoding="utf-8")
    work.rename(final)
    for o in outcomes:
        o.outputs = [final / p.name for p in o.outputs]
    return RunResult(ev, final, outcomes, final / "manifest.json")
