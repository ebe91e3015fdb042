"""Report text agrees in number: '1 unit', '2 units', never 'unit(s)'."""

from __future__ import annotations

from evaltools.wording import count


def test_count_agrees_with_its_number():
    assert count(1, "unit") == "1 unit" and count(2, "unit") == "2 units" and count(0, "month") == "0 months"
    assert count(1, "child", "children") == "1 child" and count(1234, "child", "children") == "1,234 children"
    assert count(3.0, "LA-year figure") == "3 LA-year figures"
