"""Disclosure control: DfE-style suppression, secondary suppression, round half up."""

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from evaltools import sdc


def test_round_half_up_not_to_even():
    """Python's round(2.5) is 2 and round(0.125, 2) is 0.12; DfE publishes 3 and 0.13."""
    assert sdc.round_half_up(2.5) == 3 and sdc.round_half_up(0.5) == 1
    assert sdc.round_half_up(0.125, 2) == 0.13 and sdc.round_half_up(-2.5) == -3
    assert np.isnan(sdc.round_half_up(float("nan")))


def _frame(rows):
    return pd.DataFrame(rows, columns=["measure", "numerator", "denominator", "value", "status"])


def test_small_counts_and_their_percentages_are_suppressed():
    """3/40 (7.5%): the count is 1-5, so count and percentage become c. 37/40: the 3
    children not meeting it could be worked out, so c too. 20/40 = 50.0%: shown, whole
    number. Internal policy shows everything."""
    f = _frame([("care_leavers_eet_19_21", 3, 40, 7.5, "ok"),
                ("care_leavers_eet_19_21", 37, 40, 92.5, "ok"),
                ("care_leavers_eet_19_21", 20, 40, 50.0, "ok")])
    pub = sdc.apply(f, "published")
    assert list(pub["status"]) == ["c", "c", "ok"] and pub["value"].iloc[2] == 50
    assert pub.loc[pub.status == "c", ["numerator", "value"]].isna().all().all()
    assert list(sdc.apply(f, "internal")["status"]) == ["ok"] * 3
    assert sdc.label(7.5, 3, "published") == "c" and sdc.label(7.5, 3, "internal") == "7.5%"
    assert sdc.label(92.5, 37, "published") == "93%"


def test_secondary_suppression_example():
    """Placements by type and age: one 1-5 cell in a row would be recovered from the
    row total, so a second cell in that row and column is hidden too."""
    t = pd.DataFrame({"foster": [40, 3, 25], "residential": [12, 10, 9], "other": [8, 14, 30]},
                     index=["0-9", "10-15", "16+"])
    s = sdc.suppress_table(t)
    hidden = s == "c"
    assert hidden.loc["10-15", "foster"]
    assert not sdc.recoverable(t, hidden).to_numpy().any()
    assert hidden.to_numpy().sum() >= 4       # one cell alone is always recoverable


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5), st.integers(2, 5), st.data())
def test_published_tables_show_no_small_count_and_give_none_away(r, c, data):
    cells = data.draw(st.lists(st.integers(0, 40), min_size=r * c, max_size=r * c))
    t = pd.DataFrame(np.array(cells).reshape(r, c))
    s = sdc.suppress_table(t, "published")
    shown = s[s != "c"].stack()
    assert not ((shown.astype(float) >= 1) & (shown.astype(float) <= 5)).any()
    assert not sdc.recoverable(t, s == "c").to_numpy().any()


def test_label_suppresses_when_the_complement_is_small():
    """37 of 40 in EET reveals the 3 who are not: 'c' under ofsted and published."""
    assert sdc.label(92.5, 37, "published", denominator=40) == "c"
    assert sdc.label(92.5, 37, "ofsted", denominator=40) == "c"
    assert sdc.label(92.5, 37, "internal", denominator=40) == "92.5%"
    assert sdc.label(50.0, 20, "published", denominator=40) == "50%"
