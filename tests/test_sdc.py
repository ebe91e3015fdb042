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
    assert sdc.label(1234, 1234, "internal", "count") == "1,234"       # counts never print decimals


def test_a_cell_joining_two_hidden_blocks_is_given_away_and_found():
    """Two 2x2 blocks of hidden cells joined by one hidden cell: every row and column
    has two or more hidden cells, yet the joining cell is the difference of two known
    block sums. Counting hidden cells per line misses it; the null-space check does not."""
    t = pd.DataFrame(np.arange(1, 26).reshape(5, 5) + 10)
    hidden = pd.DataFrame(False, index=t.index, columns=t.columns)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        hidden.iloc[i, j] = True
    found = sdc.recoverable(t, hidden)
    assert found.to_numpy().sum() == 1 and found.iloc[1, 2]
    s = sdc.suppress_table(t.where(~hidden, 3))           # the same pattern from small counts
    assert not sdc.recoverable(t, s == "c").to_numpy().any()


def _breakdown(groups, measure="cla_3plus_placements"):
    rows = [("884", "Herefordshire", "E06000019", "Local authority", 2024, measure, n, d,
             100 * n / d if d else np.nan, "ok", "903", "age_band", g) for g, (n, d) in groups.items()]
    return pd.DataFrame(rows, columns=["area_code", "area_name", "ons_code", "geographic_level", "period",
                                       "measure", "numerator", "denominator", "value", "status", "source",
                                       "breakdown", "group"])


def test_apply_hides_a_second_group_when_one_age_band_is_small():
    """3 of 59 five-to-nines had 3+ placements. With the all-children figure published,
    hiding that one band alone gives it away (total minus the other bands), so the
    smallest other non-zero band (7 of 45) goes too: hiding the under-ones' 0 would
    leave the 3 plain to see as the hidden pair's sum."""
    f = _breakdown({"Under 1": (0, 15), "1 to 4": (7, 45), "5 to 9": (3, 59), "10 to 15": (14, 137),
                    "16 and over": (10, 80)})
    original = f.copy()
    out = sdc.apply(f, "published")
    pd.testing.assert_frame_equal(f, original)               # the input is never changed
    hidden = out.set_index("group")["status"].eq("c")
    assert hidden["5 to 9"] and hidden.sum() == 2 and out.attrs["secondary"] == 1
    assert hidden["1 to 4"] and not hidden["Under 1"]
    assert list(sdc.apply(f, "ofsted")["status"]).count("c") == 1     # ofsted: primary only


def _given_away(frame, out):
    rel = sdc.relations(frame)
    hid = (out["status"] != "ok").to_numpy()
    for tot, parts in rel:
        cells = parts + ([tot] if tot is not None else [])
        eq = np.zeros((1, len(cells) + (tot is None)))
        eq[0, :len(parts)] = -1
        eq[0, -1] = 1
        h = np.r_[hid[cells], [False] * (tot is None)]
        if sdc.determined(eq, h).any():
            return True
    return False


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=2, max_size=7))
def test_published_breakdowns_show_no_small_count_and_give_none_away(pairs):
    groups = {f"g{i}": (a, a + b) for i, (a, b) in enumerate(pairs) if a + b > 0}
    if len(groups) < 2:
        return
    f = _breakdown(groups)
    out = sdc.apply(f, "published")
    ok = out[out["status"] == "ok"]
    for col in (ok["numerator"], ok["denominator"], ok["denominator"] - ok["numerator"]):
        assert not sdc.is_small(col).any()
    assert not _given_away(f, out)


def test_an_england_row_and_every_la_in_it_are_a_total():
    las = [(str(800 + i), f"LA {i}", "Local authority", n, 100) for i, n in enumerate([40, 3, 25, 30])]
    eng = [("E92000001", "England", "National", 98, 400)]
    f = pd.DataFrame([(c, nm, "", lvl, 2025, "care_leavers_eet_19_21", n, d, 100 * n / d, "ok", "t")
                      for c, nm, lvl, n, d in las + eng],
                     columns=["area_code", "area_name", "ons_code", "geographic_level", "period", "measure",
                              "numerator", "denominator", "value", "status", "source"])
    assert sdc.relations(f) == [(4, [0, 1, 2, 3])]
    out = sdc.apply(f, "published")
    assert list(out["status"]) == ["ok", "c", "c", "ok", "ok"]        # LA 1 (3) and the next smallest, LA 2
    assert out.loc[4, "value"] == 25                                  # England shown, rounded half up


def test_rests_on_few_counts_the_children_left_out_too():
    assert sdc.rests_on_few(3) and sdc.rests_on_few(37, 40) and not sdc.rests_on_few(37)
    assert not sdc.rests_on_few(0) and not sdc.rests_on_few(float("nan"), 40)
    assert not sdc.rests_on_few(20, 40) and sdc.rests_on_few([20, 4], [40, 40])


def test_significant_figures_never_in_scientific_notation():
    from evaltools.sdc import significant
    assert [significant(x) for x in (160.4, 155, 48.3, 4.84, 0.0484, 12345, 9.96, -7.25)] == \
        ["160", "160", "48", "4.8", "0.048", "12,000", "10", "-7.3"]     # 155 and -7.25: half up
    assert significant(1.5, 3) == "1.50" and significant(99.6, 3) == "99.6" and significant(0) == "0"
