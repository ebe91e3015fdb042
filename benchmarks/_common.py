"""Shared plumbing for the benchmark scripts: run a step in a fresh process (so its
peak RSS is its own) and save results under benchmarks/results/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_json(code: str, *args) -> dict:
    """Run ``code`` in a fresh Python with ``args``; its last stdout line is JSON."""
    r = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                       text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def save(name: str, results: dict) -> Path:
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path
