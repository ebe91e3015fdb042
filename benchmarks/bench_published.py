"""Speed and memory of the published-data layer and the benchmarking report.

Run: .venv/bin/python benchmarks/bench_published.py
Prints a table and writes benchmarks/results/published.json. Targets (on the 2-core
reference machine): every registry measure for every area loaded in under 10 s; one
LA's benchmark in under 15 s; the full Herefordshire benchmarking run under 60 s.
"""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(label, fn, results):
    t0 = time.perf_counter()
    out = fn()
    results[label] = round(time.perf_counter() - t0, 2)
    print(f"{label:<55} {results[label]:>7.2f} s")
    return out


def main() -> int:
    results: dict = {"python": platform.python_version(), "machine": platform.machine()}
    code = ("import time,resource;t=time.perf_counter();from evaltools import published;"
            "df=published.load_indicators();"
            "print(time.perf_counter()-t, len(df), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    secs, rows, rss = out.stdout.split()
    results["load_indicators_all_measures_cold_s"] = round(float(secs), 2)
    results["load_indicators_rows"] = int(rows)
    results["load_indicators_peak_rss_mb"] = round(int(rss) / 1024, 1)
    print(f"{'load_indicators, all measures, all areas (cold process)':<55} {float(secs):>7.2f} s"
          f"  ({rows} rows, peak RSS {int(rss) / 1024:.0f} MB)")

    from evaltools import benchmark, runner

    timed("benchmark('884'), all measures (warm caches)",
          lambda: benchmark.benchmark("884"), results)
    with tempfile.TemporaryDirectory() as tmp:
        res = timed("evaltools run evaluations/herefordshire.yaml (end to end)",
                    lambda: runner.run_evaluation(ROOT / "evaluations/herefordshire.yaml",
                                                  run_id="bench", out_root=Path(tmp),
                                                  log=lambda *_: None), results)
        results["notebook_seconds"] = {o.notebook: round(o.seconds, 2) for o in res.outcomes}
        results["html_bytes"] = (res.out_dir / "benchmarking.html").stat().st_size
    results["peak_rss_mb_this_process"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "published.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
