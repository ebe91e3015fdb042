"""Speed and memory of the synthetic generator at national scale, and of reading it back.

Targets: national scale (every current LA at its published size, 10 years; about 1.9
million episode rows across the annual returns) generated and written in under 60 s
(issue 4); the same extract read and checked by the SSDA903 reader in under 20 s with
peak memory under 3 GB (issue 3), with zero issues because the data are clean. The
reader runs with one process (lowest memory) and with two worker processes.

Run: .venv/bin/python benchmarks/bench_synth.py   -> benchmarks/results/synth.json
Each step runs in a fresh process so peak RSS is its own.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _common import run_json, save  # benchmarks/ is the script's folder

GEN = """
import json, resource, sys, time
t = time.perf_counter()
from evaltools import synth
cfg = synth.SynthConfig(las=["national"], stock=None, seed=1, counterfactual=sys.argv[2] == "1",
    interventions=[synth.Intervention("moves", "unplanned_moves", "2022-04-01", 0.7)])
res = synth.generate(cfg)
t1 = time.perf_counter()
synth.write(res, sys.argv[1])
t2 = time.perf_counter()
print(json.dumps({"generate_s": round(t1 - t, 1), "write_s": round(t2 - t1, 1), "total_s": round(t2 - t, 1),
                  "children": len(res.world.children),
                  "episode_rows": sum(len(x["Episodes"]) for x in res.returns.values()),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""

READ = """
import json, resource, sys, time
t = time.perf_counter()
from evaltools.ssda903 import read_extract
ex = read_extract(sys.argv[1], salt="benchmark-salt-0123456789", workers=int(sys.argv[2]))
print(json.dumps({"seconds": round(time.perf_counter() - t, 1),
                  "episode_rows": int(len(ex.tables["Episodes"])),
                  "rows_all_tables": int(sum(len(d) for d in ex.tables.values())),
                  "issues": int(len(ex.issues)),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "peak_rss_mb_worker_processes": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}))
"""


def main() -> int:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for cf in ("0", "1"):
            out = Path(tmp) / f"nat{cf}"
            label = "generate national + write" + (", with counterfactual" if cf == "1" else "")
            results[label] = r = run_json(GEN, str(out), cf)
            print(f"{label:<48} {r['total_s']:>6.1f} s (generate {r['generate_s']} s, write {r['write_s']} s), "
                  f"peak {r['peak_rss_mb']:,} MB, {r['children']:,} children, {r['episode_rows']:,} episode rows")
        for w in ("1", "2"):
            label = f"read_extract national synthetic, workers={w}"
            results[label] = r = run_json(READ, str(Path(tmp) / "nat0"), w)
            print(f"{label:<48} {r['seconds']:>6.1f} s, peak {r['peak_rss_mb']:,} MB"
                  + (f" (+ up to {r['peak_rss_mb_worker_processes']:,} MB per worker)" if w != "1" else "")
                  + f", {r['episode_rows']:,} episode rows, {r['rows_all_tables']:,} rows in all, "
                  f"{r['issues']} issues")
    save("synth", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
