"""Reading and checking SSDA903 extracts at national scale.

Target (issue 3): about 1.2 million episode rows across 10 years read and checked in
under 20 s with peak memory under 3 GB on the 2-core reference machine.

Until the synthetic generator (issue 4) exists, national-scale input is made by
replicating DfE's validator fake extract (data/ssda903_fake) 24 times per year with
distinct child ids, across 10 collection years (dates shifted by whole years): about
121,000 episodes, 64,000 Header rows and 302,000 reviews per year.

Run: .venv/bin/python benchmarks/bench_ssda903.py [--copies 24] [--years 10]
Writes benchmarks/results/ssda903.json. The read runs in a fresh process so its peak
RSS is the reader's own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
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


READ = """
import json, resource, sys, time
t = time.perf_counter()
from evaltools.ssda903 import read_extract
ex = read_extract(sys.argv[1], salt="benchmark-salt-0123456789", compute_distance=sys.argv[2] == "1")
secs = time.perf_counter() - t
print(json.dumps({"seconds": round(secs, 2), "episodes": int(len(ex.tables["Episodes"])),
                  "rows_all_tables": int(sum(len(d) for d in ex.tables.values())),
                  "issues": int(len(ex.issues)),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=24)
    ap.add_argument("--years", type=int, default=10)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        n = build(Path(tmp), args.copies, args.years)
        mb = sum(p.stat().st_size for p in Path(tmp).rglob("*.csv")) / 1e6
        print(f"built {n:,} episode rows over {args.years} years ({mb:.0f} MB of CSV) "
              f"in {time.perf_counter() - t0:.1f} s")
        results["input"] = {"episode_rows": n, "years": args.years, "csv_mb": round(mb)}
        for dist in ("0", "1"):
            r = subprocess.run([sys.executable, "-c", READ, tmp, dist], capture_output=True,
                               text=True, check=True)
            res = json.loads(r.stdout.strip().splitlines()[-1])
            label = "read_extract, with PL_DISTANCE" if dist == "1" else "read_extract, no distance"
            results[label] = res
            print(f"{label:<34} {res['seconds']:>6.1f} s  peak {res['peak_rss_mb']:,} MB  "
                  f"({res['rows_all_tables']:,} rows, {res['issues']:,} issues)")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ssda903.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
