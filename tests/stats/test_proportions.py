"""Proportions: one scale (percent) and a p-value that always agrees with the interval."""

import itertools
import warnings

import pytest

from evaltools import stats


def test_results_are_in_percent_and_percentage_points():
    one = stats.proportion(48, 100)
    assert one.estimate == 48.0 and one.unit == "%"
    lo, hi = stats.proportion_ci(48, 100)                # the primitive stays a fraction, as statsmodels
    assert one.ci == pytest.approx((100 * lo, 100 * hi))
    diff = stats.difference(50, 100, 48, 100)
    assert diff.estimate == pytest.approx(2.0) and diff.unit == "percentage points"
    assert "+2.0 percentage points" in diff.summary() and "48.0%" in one.summary()
    assert stats.verdict(diff) == "no detectable change"     # 48% to 50% of 100 is noise


@pytest.mark.parametrize("method", stats.proportions.METHODS_DIFF)
def test_p_value_below_005_exactly_when_the_95_interval_excludes_zero(method):
    """The score test and Newcombe's interval disagree for about 1 in 300 tables near
    p = 0.05; the p-value here is the interval's own, so they never disagree."""
    for x1, x2 in itertools.product(range(0, 41, 3), range(0, 61, 4)):
        r = stats.difference(x1, 40, x2, 60, method=method)
        excludes = r.ci[0] > 0 or r.ci[1] < 0
        if abs(r.p_value - 0.05) > 1e-6:
            assert (r.p_value < 0.05) == excludes, (x1, x2, r.p_value, r.ci)
        # and at 99%: the same p-value, read against the wider interval
        r99 = stats.difference(x1, 40, x2, 60, method=method, level=0.99)
        if abs(r.p_value - 0.01) > 1e-6:
            assert (r.p_value < 0.01) == (r99.ci[0] > 0 or r99.ci[1] < 0)


def test_known_disagreement_of_score_test_and_newcombe_is_resolved():
    """Search for a table where the score test says p < 0.05 but Newcombe's 95% interval
    includes 0 (or the reverse), and check our p-value sides with the interval."""
    from statsmodels.stats import proportion as smp
    found = None
    for x1, x2 in itertools.product(range(1, 120), range(1, 120)):
        score_p = smp.test_proportions_2indep(x1, 120, x2, 120, method="score").pvalue
        r = stats.difference(x1, 120, x2, 120)
        if (score_p < 0.05) != (r.ci[0] > 0 or r.ci[1] < 0):
            found = (x1, x2, score_p, r)
            break
    assert found is not None, "expected at least one table where the two disagree"
    _, _, score_p, r = found
    assert (r.p_value < 0.05) == (r.ci[0] > 0 or r.ci[1] < 0)


def test_no_runtime_warnings_at_zero_and_full_counts():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for args in [(0, 10, 0, 20), (0, 10, 5, 20), (10, 10, 0, 20), (10, 10, 20, 20)]:
            for m in stats.proportions.METHODS_DIFF:
                r = stats.difference(*args, method=m)
                assert 0 <= r.p_value <= 1
            stats.proportion(args[0], args[1])


def test_the_smallest_detectable_change_never_contradicts_the_verdict():
    """Herefordshire's starts per 10,000 fell 8.5 against the neighbours (95% CI
    -16.6 to -0.4) where the test finds a change of about 9.2 4 times in 5: the review
    printed "improved beyond noise" beside "a change smaller than about 9.2 could not
    be told from noise". A change smaller than that can be found; it is then near the
    edge of noise, and the words say so."""
    from evaltools.stats.power import detectable
    found = detectable("about 9.2", -8.5, -16.6, -0.4, 9.2)
    assert found.startswith("a change of about 9.2 is found 4 times in 5 (80% power, 5% significance); "
                            "this smaller one was found too, near the edge of what the data can tell from noise")
    assert "would usually not" not in found
    assert detectable("about 9.2", -12.0, -20.0, -4.0, 9.2).startswith("a change of about 9.2 or more is found 4 times in 5")
    assert detectable("about 9.2", -3.0, -11.0, 5.0, 9.2).startswith(
        "a change smaller than about 9.2 would usually not be told from noise")


def test_risk_ratio_is_katzs_log_interval():
    """p1/p2 with exp(log RR +- z se), se = sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2) (Katz et al.
    1978), worked by hand: 30/120 against 15/110 gives RR 1.8333 (1.0439 to 3.2199)."""
    import math
    r = stats.risk_ratio(30, 120, 15, 110)
    se = math.sqrt(1 / 30 - 1 / 120 + 1 / 15 - 1 / 110)
    rr = (30 / 120) / (15 / 110)
    assert r.estimate == pytest.approx(rr, rel=1e-12) and rr == pytest.approx(1.8333, abs=5e-5)
    assert r.ci[0] == pytest.approx(rr * math.exp(-1.959964 * se), rel=1e-6)
    assert r.ci[1] == pytest.approx(rr * math.exp(1.959964 * se), rel=1e-6)
    assert (round(r.ci[0], 4), round(r.ci[1], 4)) == (1.0439, 3.2199)
    assert r.p_value < 0.05 and r.diagnostics == {"x1": 30, "n1": 120, "x2": 15, "n2": 110}
    with pytest.raises(ValueError, match="no finite ratio"):
        stats.risk_ratio(3, 10, 0, 10)
