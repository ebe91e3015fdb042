"""Where evaltools finds its data and writes its reports.

The data folder is, in order of precedence: the ``EVALTOOLS_DATA_DIR`` environment
variable; the ``data/`` folder of the repository evaltools was installed from (an
editable install, as ``make`` does); ``./data`` in the working directory.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from .errors import MissingDataError

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
# src/evaltools -> src -> repository root
REPO_ROOT = PACKAGE_DIR.parent.parent


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """Return the data folder (holding ``public/``), checking it exists."""
    env = os.environ.get("EVALTOOLS_DATA_DIR", "")
    return _data_dir(str(override or ""), env, "" if override or env else os.getcwd())


@lru_cache(maxsize=16)
def _data_dir(override: str, env: str, cwd: str) -> Path:
    """:func:`data_dir` for one setting, found once: a report asks thousands of times
    (a folder that is missing raises each time, and is looked for again)."""
    candidates: list[Path] = []
    if override:
        candidates.append(Path(override))
    elif env:
        candidates.append(Path(env))
    else:
        candidates += [REPO_ROOT / "data", Path(cwd) / "data"]
    for c in candidates:
        if (c / "public").is_dir():
            return c.resolve()
    raise MissingDataError(
        "no evaltools data folder found",
        where=", ".join(str(c) for c in candidates),
        fix="Run from a clone of the evaltools repository, or set EVALTOOLS_DATA_DIR "
        "to a folder holding public/ (see data/public/README.md)",
    )


def public_file(relpath: str, data_root: Path | None = None) -> Path:
    """Path of a bundled public data file, with an actionable error when it is missing."""
    root = data_root or data_dir()
    p = root / "public" / relpath
    if not p.is_file():
        raise MissingDataError(
            f"data file data/public/{relpath} is missing",
            where=str(root),
            fix="Restore it with `git checkout -- data/public` or download it from "
            "explore-education-statistics as data/public/README.md explains; for a release you "
            "added, check its file name in src/evaltools/resources/published_tables.yaml",
        )
    return p


def reports_dir() -> Path:
    """The reports folder: ``EVALTOOLS_REPORTS_DIR`` or ``<repo>/reports``."""
    env = os.environ.get("EVALTOOLS_REPORTS_DIR")
    if env:
        return Path(env)
    if (REPO_ROOT / "pyproject.toml").is_file():
        return REPO_ROOT / "reports"
    return Path.cwd() / "reports"


#: set by the runner to a private folder (mode 0700) that lives for one run only: what
#: one report of the run works out and another would repeat (an ingested extract, a
#: drawn chart) is left there for the others, and the folder is removed at the end
RUN_CACHE_ENV = "EVALTOOLS_RUN_CACHE"


def run_cache_dir() -> Path | None:
    """The run's private cache folder, or None outside a run of the runner."""
    folder = os.environ.get(RUN_CACHE_ENV)
    return Path(folder) if folder and Path(folder).is_dir() else None


#: evaltools' private temporary folders are named ``evaltools-<kind>-<pid>-<random>``,
#: after the process that made them, so that one whose process was killed before it
#: could clean up (``kill -9``, a machine stopped) is recognised and removed later
_PRIVATE_TEMP = re.compile(r"evaltools-([a-z]+)-(\d+)-")


def private_temp_dir(kind: str) -> str:
    """A new folder in the temporary folder, for this user only (mode 0700), named after
    this process (see :func:`remove_orphaned_temp`). ``kind``: what it holds, in
    lower-case letters ("run": the run's cache; "pdf", "chromium", "kernel")."""
    return tempfile.mkdtemp(prefix=f"evaltools-{kind}-{os.getpid()}-")


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:          # PermissionError: someone else's process
        return True
    return True


def remove_orphaned(folder, pattern: re.Pattern, pid_group: int) -> list[str]:
    """Remove the folders in ``folder`` whose names match ``pattern``, that belong to
    this user, and whose process (the number in group ``pid_group``) has gone: what a
    killed run left behind (pseudonymised child-level rows in a run's cache, a copy of a
    report being printed). Returns the names removed."""
    removed: list[str] = []
    if not hasattr(os, "getuid"):
        return removed
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for d in entries:
        m = pattern.match(d.name)
        try:
            if not m or d.is_symlink() or not d.is_dir() or d.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        if not process_alive(int(m.group(pid_group))):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d.name)
    return removed


def remove_orphaned_temp(folder=None) -> list[str]:
    """Remove the private temporary folders (:func:`private_temp_dir`) of evaltools
    processes that have gone. The runner calls it as a run starts."""
    return remove_orphaned(folder or tempfile.gettempdir(), _PRIVATE_TEMP, 2)


def looked_in(path, base=None) -> str:
    """Where :func:`input_path` looked for a relative ``path`` that is nowhere, for the
    error that says so: the evaluation file's folder, the current folder and the
    repository, each resolved."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return str(p)
    roots = ([Path(base)] if base is not None else []) + [Path("."), REPO_ROOT]
    seen = []
    for root in roots:
        where = str((root / p).resolve())
        if where not in seen:
            seen.append(where)
    return ", ".join(seen)


def input_path(path, base=None) -> Path:
    """A user's input file or folder: absolute, or relative to the repository root
    (notebooks run in notebooks/, so a path like data/sample is read from the root),
    unless it exists relative to ``base`` (the folder of the evaluation file naming it)
    or, after that, to the current folder."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    for root in ([Path(base)] if base is not None else []) + [Path(".")]:
        if (root / p).exists():
            return root / p
    return REPO_ROOT / p
