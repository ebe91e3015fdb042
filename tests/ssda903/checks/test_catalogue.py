"""Every check module has its test file, a severity, a meaning, and runs on empty input."""

from pathlib import Path

import pytest

from evaltools.ssda903.checks import all_checks, catalogue

from .helpers import ctx

HERE = Path(__file__).parent


@pytest.mark.parametrize("mod", all_checks(), ids=lambda m: m.CODE)
def test_rule_has_its_test_beside_it(mod):
    name = mod.__name__.rsplit(".", 1)[1]
    assert (HERE / f"test_{name}.py").exists(), f"add tests/ssda903/checks/test_{name}.py"
    assert mod.SEVERITY in {"error", "warning"} and mod.TITLE and mod.MEANING


@pytest.mark.parametrize("mod", all_checks(), ids=lambda m: m.CODE)
def test_rule_copes_with_missing_tables(mod):
    r = mod.run(ctx())
    assert r is None or r.empty


def test_catalogue_lists_every_rule():
    cat = catalogue()
    assert len(cat) == len(all_checks()) >= 13 and cat["check"].is_unique
