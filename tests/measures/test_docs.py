"""docs/measures.md is generated from the code and lists a hand-worked test for every
measure (the DfE validator's style: each rule beside its test)."""

from evaltools.measures import SPECS
from evaltools.measures.docs import _tests_naming, document
from evaltools.paths import REPO_ROOT


def test_docs_table_is_current():
    committed = (REPO_ROOT / "docs" / "measures.md").read_text(encoding="utf-8")
    assert committed == document(), "run: python -m evaltools.measures.docs > docs/measures.md"


def test_every_measure_has_a_hand_worked_test():
    tests = REPO_ROOT / "tests" / "measures"
    missing = [m for m in SPECS if not [t for t in _tests_naming(m, tests) if "synthetic" not in t]]
    assert not missing, missing
