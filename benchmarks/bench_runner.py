"""Wall time of `evaltools run` against its floor, and of a batch over many LAs.

The floor is what papermill costs for a notebook that does nothing but
`import evaltools` (kernel start, execution, writing the notebook): the median of 7
runs. An evaluation of N notebooks on C cores cannot finish much faster than
N x floor / C; the target is a measured wall time of `evaltools run` at most 2x that
floor for the suite. `--batch` times `evaltools run EVAL --la <every current LA>` with
only the notebooks that take an LA (default: benchmarking), against the target of 15
minutes for the whole country.

Also measured: the notebooks' own work (:data:`COMPUTE`), a lower bound on the wall
time whatever the runner's overheads.

Run: .venv/bin/python benchmarks/bench_runner.py [evaluations/herefordshire.yaml]
         [--jobs N] [--batch [--las 884,919,...] [--notebook benchmarking]] [--out FILE]
Writes benchmarks/results/bench_runner.json (or --out). `evaltools run` runs as a
user runs it, in a fresh process, writing to a temporary reports folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from _common import ROOT, run_json  # benchmarks/ is the script's folder

FLOOR_TARGET = 2.0          # wall time at most this multiple of the floor
BATCH_TARGET_S = 15 * 60    # every LA's benchmarking report in 15 minutes

FLOOR = """
import json, sys, tempfile, time
from pathlib import Path
import nbformat, papermill
from nbformat.v4 import new_code_cell, new_notebook
tmp = Path(tempfile.mkdtemp())
kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb = new_notebook(cells=[new_code_cell("import evaltools")], metadata={"kernelspec": kernelspec})
nbformat.write(nb, tmp / "floor.ipynb")
times = []
for i in range(int(sys.argv[1])):
    t = time.perf_counter()
    papermill.execute_notebook(str(tmp / "floor.ipynb"), str(tmp / f"out{i}.ipynb"),
                               kernel_name="python3", progress_bar=False, log_output=False)
    times.append(round(time.perf_counter() - t, 2))
print(json.dumps({"runs_s": times}))
"""


#: the notebooks' own work, without kernels, HTML or PDF: each notebook's code cells run
#: one after another in this one process (its parameters after the tagged cell, as
#: papermill injects them), after the work the runner does once before any notebook
#: (report imports, DfE's figures, the extract ingested into the run's cache folder,
#: which also lets notebooks share charts as they do in a run). CPU seconds per
#: notebook. Summed and divided by the cores, it is a lower bound on the suite's wall
#: time that no saving in the runner's own overheads can go below.
COMPUTE = """
import contextlib, io, json, os, sys, tempfile, time, types
import matplotlib
matplotlib.use("Agg")
import nbformat
import matplotlib.pyplot as plt
from evaltools import runner
from evaltools.kernels import REPORT_IMPORTS
from evaltools.paths import RUN_CACHE_ENV
from evaltools.ssda903.pseudonymise import SALT_ENV
os.environ.setdefault(SALT_ENV, "0123456789abcdef0123")
os.environ[RUN_CACHE_ENV] = tempfile.mkdtemp()
ev = runner.load_evaluation(sys.argv[1])
exec(REPORT_IMPORTS)
plan = types.SimpleNamespace(ev=ev, env={SALT_ENV: os.environ[SALT_ENV]})
runner._prepare([plan], os.environ[RUN_CACHE_ENV], lambda *a: None)
os.chdir(ev.notebooks_dir)
cpu = {}
for job in ev.jobs:
    nb = nbformat.read(str(ev.notebooks_dir / f"{job.notebook}.ipynb"), as_version=4)
    ns = {}
    t = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            exec(compile(cell.source, job.notebook, "exec"), ns)
            if "parameters" in cell.metadata.get("tags", []):
                ns.update(job.parameters)
        plt.close("all")
    key = "-".join([job.notebook, *(str(job.parameters[k]) for k in ("topic", "strategy") if k in job.parameters)])
    cpu[key] = round(time.process_time() - t, 2)
print(json.dumps({"cpu_s": cpu}))
"""


#: context only (the target is against the floor above): what a cold kernel pays before
#: a report computes anything, importing the modules every report uses
from evaltools.kernels import REPORT_IMPORTS  # noqa: E402


def floor_seconds(repeats: int = 7, cell: str = "import evaltools") -> dict:
    """Median papermill time for a notebook whose only cell is ``cell``."""
    runs = run_json(FLOOR.replace('new_code_cell("import evaltools")', f"new_code_cell({cell!r})"),
                    repeats)["runs_s"]
    return {"cell": cell, "runs_s": runs, "median_s": round(statistics.median(runs), 2)}


def time_run(evaluation: Path, extra: list[str], reports: Path) -> dict:
    """Run `evaltools run` in a fresh process; wall time and what the manifests say."""
    cmd = [sys.executable, "-m", "evaltools", "run", str(evaluation), "--reports-dir", str(reports),
           "--run-id", "bench", *extra]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = round(time.perf_counter() - t, 1)
    manifests = [json.loads(p.read_text()) for p in sorted(reports.glob("*/bench/manifest.json"))]
    nbs = [n for m in manifests for n in m["notebooks"]]
    out = {"command": " ".join(["evaltools", "run", str(evaluation), *extra]), "exit_code": r.returncode,
           "wall_s": wall, "reports": len(manifests), "notebooks": len(nbs),
           "notebooks_failed": sum(n["status"] != "ok" for n in nbs),
           "notebook_seconds_sum": round(sum(n["seconds"] for n in nbs), 1),
           # where a notebook's time goes: the kernel's work, then the runner's outputs
           "step_seconds_sum": {step: round(sum(n.get("timings", {}).get(step, 0) for n in nbs), 1)
                                for step in ("execute", "html", "pdf")},
           "pdf": manifests[0]["pdf"]["status"] if manifests else None}
    if len(manifests) == 1:
        out["notebook_seconds"] = {n["stem"]: n["seconds"] for n in nbs}
    if r.returncode not in (0, 1):
        out["error"] = (r.stderr.strip().splitlines() or ["?"])[-1]
    return out


def batch_evaluation(evaluation: Path, notebook: str | None, dest: Path) -> Path:
    """A copy of the evaluation keeping only the notebooks that take an LA (or only
    ``notebook``), and the shared parameters they take."""
    from evaltools import runner

    doc = yaml.safe_load(evaluation.read_text(encoding="utf-8"))
    keep, taken = [], set()
    for item in doc["notebooks"]:
        name = item if isinstance(item, str) else item["notebook"]
        declared = runner.notebook_parameters(name)
        if (notebook is None and "la" in declared) or name == notebook:
            keep.append(item)
            taken |= set(declared)
    if not keep:
        raise SystemExit(f"bench_runner: no notebook of {evaluation} takes an LA"
                         + (f" or is called {notebook}" if notebook else ""))
    doc["notebooks"] = keep
    doc["parameters"] = {k: v for k, v in (doc.get("parameters") or {}).items() if k in taken}
    dest.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return dest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("evaluation", nargs="?", default="evaluations/herefordshire.yaml")
    ap.add_argument("--jobs", type=int, help="passed to evaltools run (default: its own, the cores)")
    # 7, not 3: a papermill run of the empty notebook takes about 0.8 s or, now and then,
    # about 4 s (a stall outside evaltools); with 3 runs two stalls made a median of 4 s,
    # which would have passed the target on a floor five times too high
    ap.add_argument("--repeats", type=int, default=7, help="runs of the floor notebook (median)")
    ap.add_argument("--batch", action="store_true", help="also time --la over a list of LAs")
    ap.add_argument("--las", help="LAs for --batch, comma-separated (default: every current LA)")
    ap.add_argument("--notebook", default="benchmarking",
                    help="the one notebook --batch runs (default benchmarking; 'all' for every "
                         "notebook of the evaluation that takes an LA)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "bench_runner.json"))
    args = ap.parse_args()

    from evaltools import runner

    evaluation = Path(args.evaluation)
    if not evaluation.is_absolute():
        evaluation = (Path.cwd() / evaluation) if (Path.cwd() / evaluation).exists() else ROOT / evaluation
    cores = int(args.jobs or os.cpu_count() or 1)
    extra = ["--jobs", str(args.jobs)] if args.jobs else []
    n = len(runner.load_evaluation(evaluation).jobs)

    floor = floor_seconds(args.repeats)
    print(f"{'floor: papermill, one cell `import evaltools` (median)':<58} {floor['median_s']:>7.2f} s  "
          f"(runs {', '.join(map(str, floor['runs_s']))})")
    loaded = floor_seconds(args.repeats, REPORT_IMPORTS)
    print(f"{'context: the same, importing what every report imports':<58} {loaded['median_s']:>7.2f} s")
    suite_floor = round(n * floor["median_s"] / cores, 2)
    shown = evaluation.relative_to(ROOT) if evaluation.is_relative_to(ROOT) else evaluation
    results: dict = {"evaluation": str(shown), "cores": cores,
                     "cpu_count": os.cpu_count(), "floor_per_notebook": floor,
                     "context_cold_kernel_with_report_imports": loaded,
                     "notebooks": n, "floor_suite_s": suite_floor}
    print(f"{'notebooks in the evaluation':<58} {n:>7}")
    print(f"{'cores (workers)':<58} {cores:>7}")
    print(f"{'floor for the suite = notebooks x floor / cores':<58} {suite_floor:>7.2f} s")
    compute = run_json(COMPUTE, evaluation)["cpu_s"]
    total = round(sum(compute.values()), 1)
    bound = round(total / cores, 1)
    results["compute"] = {"cpu_s": compute, "sum_cpu_s": total, "lower_bound_wall_s": bound,
                          "lower_bound_ratio_to_floor": round(bound / suite_floor, 2) if suite_floor else None}
    print(f"{'notebooks own work, one warm process (CPU, summed)':<58} {total:>7.1f} s  "
          f"(longest: {', '.join(f'{k} {v:g}' for k, v in sorted(compute.items(), key=lambda kv: -kv[1])[:3])})")
    print(f"{'  so no run on these cores can take less than':<58} {bound:>7.1f} s  "
          f"= {results['compute']['lower_bound_ratio_to_floor']}x the floor")
    with tempfile.TemporaryDirectory() as tmp:
        run = time_run(evaluation, extra, Path(tmp) / "reports")
        run["ratio_to_floor"] = round(run["wall_s"] / suite_floor, 2) if suite_floor else None
        run["target_ratio"] = FLOOR_TARGET
        run["meets_target"] = run["ratio_to_floor"] is not None and run["ratio_to_floor"] <= FLOOR_TARGET
        results["run"] = run
        print(f"{'evaltools run (wall time, fresh process)':<58} {run['wall_s']:>7.1f} s  "
              f"= {run['ratio_to_floor']}x the floor (target at most {FLOOR_TARGET:g}x"
              f"{'' if run['meets_target'] else ', NOT MET'}); exit {run['exit_code']}, "
              f"{run['notebooks_failed']} notebook(s) failed, PDFs {run['pdf']}")
        steps = run["step_seconds_sum"]
        print(f"{'  summed over notebooks: execute / HTML / PDF':<58} {steps['execute']:>7.1f} s "
              f"/ {steps['html']:.1f} s / {steps['pdf']:.1f} s")

        if args.batch:
            nb = None if args.notebook == "all" else args.notebook
            cfg = batch_evaluation(evaluation, nb, Path(tmp) / "batch.yaml")
            las = args.las or ",".join(runner.current_las()["area_code"])
            areas = runner.parse_las(las)
            n_las = len(areas)
            n_batch = n_las * len(runner.load_evaluation(cfg, la_override=areas[0]).jobs)
            b = time_run(cfg, ["--la", las, *extra], Path(tmp) / "batch")
            b.update({"las": n_las, "floor_s": round(n_batch * floor["median_s"] / cores, 1),
                      "target_s": BATCH_TARGET_S, "meets_target": b["wall_s"] <= BATCH_TARGET_S,
                      "notebooks_run": nb or "every notebook taking an la"})
            b["ratio_to_floor"] = round(b["wall_s"] / b["floor_s"], 2) if b["floor_s"] else None
            results["batch"] = b
            print(f"{f'batch: --la over {n_las} LA(s), {n_batch} notebook(s)':<58} {b['wall_s']:>7.1f} s  "
                  f"(target {BATCH_TARGET_S // 60} min{'' if b['meets_target'] else ', NOT MET'}; "
                  f"floor {b['floor_s']} s, {b['ratio_to_floor']}x); exit {b['exit_code']}, "
                  f"{b['notebooks_failed']} failed")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
