"""Reading and checking SSDA903 extracts at national scale.

Target (issue 3): about 1.2 million episode rows across 10 years and 150 councils read
and checked in under 20 s with peak memory under 3 GB on the 2-core reference machine.

Two inputs of that size:

* synthetic: the generator (evaltools.synth) for every current LA (153) at 350
  children in care each, 2016-2025: about 1.22 million episode rows, clean data, with
  postcodes so placement distance is computed. Read with one process and with two.
  (At each LA's published size the same extract has 1.9 million rows:
  benchmarks/bench_synth.py times that.)
* replicated fake: DfE's validator fake extract (data/ssda903_fake) replicated 24
  times per year with distinct child ids, over 10 years (dates shifted by whole
  years): about 1.21 million episode rows full of faults, so the issues path is timed
  at scale (about 370,000 issues).

Run: .venv/bin/python benchmarks/bench_ssda903.py [--copies 24] [--years 10] [--stock 350]
Writes benchmarks/results/ssda903.json. Each read runs in a fresh process so its peak
RSS is the reader's own.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from _common import ROOT, run_json, save  # noqa: E402  (benchmarks/ is the script's folder)
FAKE = ROOT / "data" / "ssda903_fake"
DATE_COLS = {"DOB", "DECOM", "DEC", "MC_DOB", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
             "DATE_PLACED_CEASED", "MIS_START", "MIS_END", "REVIEW", "SW_DECOM", "SW_DEC"}


def build(out: Path, copies: int, years: int) -> int:
    tables = {p.name: pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
              for p in sorted(FAKE.glob("*.csv"))}
    episodes = 0
    for i, year in enumerate(range(2026 - years, 2026)):
        shift = year - 2019
        folder = out / str(year)
        folder.mkdir(parents=True)
        for name, df in tables.items():
            if name == "sw_episodes.csv":
                continue
            parts = []
            for k in range(copies):
                d = df.copy()
                d["CHILD"] = f"{k}x" + d["CHILD"]
                parts.append(d)
            big = pd.concat(parts, ignore_index=True)
            for c in big.columns:
                if c in DATE_COLS:
                    dt = pd.to_datetime(big[c], format="%d/%m/%Y", errors="coerce")
                    shifted = (dt + pd.DateOffset(years=shift)).dt.strftime("%d/%m/%Y")
                    big[c] = shifted.where(dt.notna(), big[c])
            big.to_csv(folder / name, index=False)
            if name == "episodes.csv":
                episodes += len(big)
    return episodes


GEN = """
import sys
from evaltools import synth
cfg = synth.SynthConfig(las=["national"], stock=int(sys.argv[2]), seed=1, counterfactual=False)
synth.write(synth.generate(cfg), sys.argv[1])
"""

READ = """
import json, resource, sys, time
t = time.perf_counter()
from evaltools.ssda903 import read_extract
ex = read_extract(sys.argv[1], salt="benchmark-salt-0123456789", compute_distance=sys.argv[2] == "1",
                  workers=None if sys.argv[3] == "auto" else int(sys.argv[3]))
secs = time.perf_counter() - t
print(json.dumps({"seconds": round(secs, 2), "episodes": int(len(ex.tables["Episodes"])),
                  "rows_all_tables": int(sum(len(d) for d in ex.tables.values())),
                  "issues": int(len(ex.issues)),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "peak_rss_mb_worker_processes": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}))
"""


def read(folder, distance: bool, workers: int) -> dict:
    return run_json(READ, folder, "1" if distance else "0", workers)


def show(label, res):
    print(f"{label:<44} {res['seconds']:>6.1f} s  peak {res['peak_rss_mb']:,} MB"
          + (f" (+{res['peak_rss_mb_worker_processes']:,} MB per worker)" if res["peak_rss_mb_worker_processes"] else "")
          + f"  ({res['episodes']:,} episodes, {res['rows_all_tables']:,} rows, {res['issues']:,} issues)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=24)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--stock", type=int, default=350)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", GEN, tmp, str(args.stock)], check=True)
        mb = sum(p.stat().st_size for p in Path(tmp).rglob("*.csv")) / 1e6
        print(f"generated synthetic national extract, {args.stock} in care per LA ({mb:.0f} MB of CSV) "
              f"in {time.perf_counter() - t0:.1f} s")
        results["synthetic input"] = {"stock_per_la": args.stock, "csv_mb": round(mb)}
        for workers in ("auto", 1):
            label = f"synthetic, with PL_DISTANCE, workers={workers}" + (" (default: 2 here)" if workers == "auto" else "")
            results[label] = read(tmp, True, workers)
            show(label, results[label])
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        n = build(Path(tmp), args.copies, args.years)
        mb = sum(p.stat().st_size for p in Path(tmp).rglob("*.csv")) / 1e6
        print(f"built {n:,} episode rows over {args.years} years ({mb:.0f} MB of CSV) "
              f"in {time.perf_counter() - t0:.1f} s")
        results["replicated fake input"] = {"episode_rows": n, "years": args.years, "csv_mb": round(mb)}
        label = "replicated fake (many issues), workers=1"
        results[label] = read(tmp, True, 1)
        show(label, results[label])
    save("ssda903", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
