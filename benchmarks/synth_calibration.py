"""Compare a simulated world with DfE's national figures (the calibration targets).

Run: .venv/bin/python benchmarks/synth_calibration.py [--stock 8000] [--national]
Prints each target, the simulated value, and the gap. tests/synth/test_calibration.py
asserts the same comparisons within stated tolerances at national scale.
"""

from __future__ import annotations

import argparse
import sys
import time

from evaltools import synth
from evaltools.synth.calibration import compare


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stock", type=int, default=8000)
    ap.add_argument("--national", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    cfg = synth.SynthConfig(las=["national"] if a.national else ["884"],
                            stock=None if a.national else a.stock, seed=a.seed, counterfactual=False)
    t = time.perf_counter()
    res = synth.generate(cfg)
    print(f"simulated in {time.perf_counter() - t:.1f} s: {len(res.world.children):,} children")
    print(compare(res.world, cfg).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
