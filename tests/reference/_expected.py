"""Read expected values from expected_values.csv so tests never retype them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA = Path(__file__).parent / "data"
EXPECTED = pd.read_csv(DATA / "expected_values.csv", dtype={"expected": str})


def expected(method: str, case: str, quantity: str) -> tuple[list[float], float]:
    """The expected number(s) of one row (split on " / ") and its tolerance."""
    rows = EXPECTED[(EXPECTED["method"] == method) & (EXPECTED["case"] == case)
                    & (EXPECTED["quantity"] == quantity)]
    assert len(rows) == 1, f"no single expected_values row for {method}/{case}/{quantity}"
    row = rows.iloc[0]
    return [float(v) for v in str(row["expected"]).split(" / ")], float(row["tolerance"])


def rows(method: str) -> pd.DataFrame:
    return EXPECTED[EXPECTED["method"] == method]
