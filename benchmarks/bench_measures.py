"""Every child-level measure, annual and monthly, at national scale.

Target (issue 5): on national-scale synthetic data (about 1.2 million episode rows:
153 LAs x 350 children in care, 2016-2025), every measure in evaltools.measures,
annual and rolling-monthly, in under 30 s with at most 4 GB peak memory on the 2-core
reference machine. Also reported: the floor, the time pyarrow needs just to read the
same CSVs, and our time as a multiple of it.

The measures are timed from the ingested extract (read_extract is issue 3's
benchmark, bench_ssda903.py, and is reported here too for the end-to-end figure).

Run: .venv/bin/python benchmarks/bench_measures.py [--stock 350]
Writes benchmarks/results/measures.json. Each step runs in a fresh process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

from _common import run_json, save  # benchmarks/ is the script's folder

GEN = """
import sys
from evaltools import synth
cfg = synth.SynthConfig(las=["national"], stock=int(sys.argv[2]), seed=1, counterfactual=False)
synth.write(synth.generate(cfg), sys.argv[1])
"""

FLOOR = """
import json, sys, time
from pathlib import Path
import pyarrow.csv as pcsv
files = sorted(Path(sys.argv[1]).rglob("*.csv"))
t = time.perf_counter()
rows = sum(pcsv.read_csv(f).num_rows for f in files)
print(json.dumps({"seconds": round(time.perf_counter() - t, 2), "rows": rows,
                  "mb": round(sum(f.stat().st_size for f in files) / 1e6)}))
"""

RUN = """
import json, resource, sys, time
from evaltools.ssda903 import read_extract
from evaltools import measures
from evaltools.measures import CareData
t0 = time.perf_counter()
ex = read_extract(sys.argv[1], salt="benchmark-salt-0123456789")
t1 = time.perf_counter()
cd = CareData.from_extract(ex)
del ex
t2 = time.perf_counter()
annual = measures.compute(cd, frequency="annual")
t3 = time.perf_counter()
monthly = measures.compute(cd, frequency="monthly")
t4 = time.perf_counter()
print(json.dumps({
    "read_extract_s": round(t1 - t0, 1), "prepare_s": round(t2 - t1, 1),
    "annual_s": round(t3 - t2, 1), "monthly_s": round(t4 - t3, 1),
    "measures_total_s": round(t4 - t1, 1), "end_to_end_s": round(t4 - t0, 1),
    "measures": len(measures.SPECS), "annual_rows": len(annual), "monthly_rows": len(monthly),
    "episodes": int(len(cd.episodes)), "children": int(len(cd.children)),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stock", type=int, default=350)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", GEN, tmp, str(args.stock)], check=True)
        print(f"generated national synthetic extract ({args.stock} per LA) in {time.perf_counter() - t:.0f} s")
        floor = run_json(FLOOR, tmp)
        res = run_json(RUN, tmp)
    res["pyarrow_floor"] = floor
    res["ratio_measures_to_floor"] = round(res["measures_total_s"] / floor["seconds"], 1)
    res["ratio_end_to_end_to_floor"] = round(res["end_to_end_s"] / floor["seconds"], 1)
    print(f"pyarrow reads the {floor['mb']} MB of CSV ({floor['rows']:,} rows) in {floor['seconds']} s (floor)")
    print(f"read_extract {res['read_extract_s']} s; prepare {res['prepare_s']} s; "
          f"{res['measures']} measures annual {res['annual_s']} s, monthly {res['monthly_s']} s")
    print(f"measures total {res['measures_total_s']} s = {res['ratio_measures_to_floor']}x the floor; "
          f"end to end {res['end_to_end_s']} s = {res['ratio_end_to_end_to_floor']}x; "
          f"peak {res['peak_rss_mb']:,} MB; {res['episodes']:,} episodes in the history")
    save("measures", res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
