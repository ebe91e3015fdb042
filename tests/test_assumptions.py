"""The assumptions-and-caveats log: each row has its own number, so a note, a
docstring or an issue can point at one row."""

from __future__ import annotations

import collections
import re

from evaltools.paths import REPO_ROOT


def test_every_row_of_the_assumptions_log_has_its_own_number():
    text = (REPO_ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    ids = re.findall(r"^\| ([A-Z]\d+[a-z]?) \|", text, flags=re.M)
    assert len(ids) > 50
    assert [i for i, n in collections.Counter(ids).items() if n > 1] == []


def test_the_code_points_at_rows_that_exist():
    """A docstring's "docs/assumptions.md M1" names a row of the log."""
    text = (REPO_ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    ids = set(re.findall(r"^\| ([A-Z]\d+[a-z]?) \|", text, flags=re.M))
    cited = set()
    for path in (REPO_ROOT / "src" / "evaltools").rglob("*.py"):
        cited |= set(re.findall(r"assumptions\.md,? ([A-Z]\d+[a-z]?)\b", path.read_text(encoding="utf-8")))
    assert cited and cited <= ids
