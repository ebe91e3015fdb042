"""Topic evaluations: everything a topic notebook shows, computed in one call.

A topic (placement stability, care leavers, health, safety, permanence and
sufficiency, education and workforce) is a set of registry measures. For one council,
:func:`evaluate` gives:

* the published trend against the statistical neighbours and England
  (:func:`evaltools.benchmark.benchmark`);
* SPC charts of the monthly child-level series, where a 903 extract is given: each
  calendar month on its own (``measures.compute(frequency="month")``), since rolling
  12-month figures overlap and break the SPC rules;
* the before/after evaluation at each intervention of the strategy that should move a
  topic measure: an interrupted time series on the monthly child-level series, and a
  difference-in-differences against the statistical neighbours on the published annual
  series (not for national changes, which touched every council);
* a funnel plot of every council for the latest year;
* for every evaluation, the minimum detectable effect and a verdict in three states:
  improved beyond noise, no detectable change, worsened beyond noise.

Where a method does not fit the data (too few points, suppressed values, an
intervention after the last figure) the evaluation says why instead of giving a number.
"""

from __future__ import annotations

import re
import warnings

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import benchmark as bmk
from . import published, registry, sdc
from .areas import resolve_la
from .errors import ConfigError
from .stats import spc as spc_mod
from .stats.diffindiff import did
from .stats.funnels import funnel
from .stats.power import detectable
from .stats.timeseries import SeriesDoesNotVary, its
from .topic_list import TOPICS, Topic, topic  # noqa: F401 - the catalogue, for its users
from .wording import SIGNED_FIGURE, count

VERDICTS = ("improved beyond noise", "no detectable change", "worsened beyond noise")
#: the Method of a monthly time series on evaltools' synthetic sample, in verdict tables
SYNTHETIC_SERIES = "monthly series of evaltools' synthetic sample (not children's records)"
#: a change beyond noise on a measure with no better direction (DfE gives it no
#: polarity and the strategy no direction): it rose or fell, neither better nor worse
CHANGED = ("rose beyond noise", "fell beyond noise")
NOT_EVALUATED = "not evaluated"
#: an annual DiD needs this many published years before and after the change
MIN_PRE_YEARS, MIN_POST_YEARS = 2, 1
#: a monthly ITS needs this many months before (statistics.its warns below 8) and after
MIN_PRE_MONTHS, MIN_POST_MONTHS = 12, 6
#: the monthly ITS window: at most this many months either side of the start, so the
#: earlier trend is not projected years ahead (and later changes do not leak in)
WINDOW_PRE_MONTHS, WINDOW_POST_MONTHS = 36, 24
#: a monthly series' jump at the start is told beside its verdict (the gap at the end)
#: only when the jump's p is below this: it is a second test of the same series, and
#: at 5% each the two together said "beyond noise" in 6.7% to 8.4% of simulated series
#: with no change, at this threshold 3.3% to 5.2% (docs/validation.md; assumption M7b)
JUMP_P = 0.01


# ---------------------------------------------------------------------- evaluations
@dataclass
class Evaluation:
    """One intervention's evaluation on one measure by one method."""
    intervention: str
    title: str
    start: object
    measure: str
    method: str
    verdict: str = NOT_EVALUATED
    sentence: str = ""
    mde: str = ""
    #: the smallest detectable change in words that fit the verdict (power.detectable)
    mde_words: str = ""
    warnings: list[str] = field(default_factory=list)
    result: object = None
    #: the start in words (``strategies.Intervention.started``): "July 2022", not 2022-07-01
    started: str = ""
    #: a monthly time series' in-time placebo check: (earlier months fitted, how many of
    #: them found a gap as large; None when too few to check), for a gap beyond noise
    placebo: tuple | None = None
    #: a time series whose level jumped beyond noise at the start, where its verdict (the
    #: gap at the end) says no detectable change: the summary lists it too
    start_jump: bool = False
    #: what most limits a finding beyond noise, in a few words, for the summary line a
    #: board paper quotes without the evaluation's full warnings ("the gap was already
    #: moving this way the year before"; "2025 holds less than 4 months of it")
    cautions: list[str] = field(default_factory=list)
    #: the only figure after the start holds part of a year of it (a census taken months
    #: after, a year with a few months of it): too early for "no change" to mean much
    part_year: bool = False
    #: one annual figure after the start (a full year or part of one): only a large change
    #: could show in it
    one_after: bool = False

    def join(self, iv) -> None:
        """Another intervention this evaluation answers for (same first year or month)."""
        self.title += f"; {iv.title}"
        if iv.started not in self.started.split("; "):
            self.started += f"; {iv.started}"

    def row(self) -> dict:
        m = registry.get(self.measure)
        return {"Intervention": self.title, "Started": self.started or (str(self.start) if self.start else "undated"),
                "Measure": m.short, "Method": self.method, "Verdict": self.verdict,
                "Finding": self.sentence, "Change the test finds 4 times in 5": self.mde}


def merge_measures(table: pd.DataFrame, column: str = "Measure") -> pd.DataFrame:
    """Rows that differ only in ``column`` become one row listing its values: a national
    change not set against other councils is one row, "EET, aged 17-18; EET, aged
    19-21; ...", not one per measure. Rows with a verdict other than "not evaluated"
    are each kept (a finding is about one measure). Order is kept."""
    if table.empty or column not in table:
        return table
    keys = [c for c in table.columns if c != column]
    done = table["Verdict"] != NOT_EVALUATED if "Verdict" in table else pd.Series(False, index=table.index)
    out, seen = [], {}
    for i, r in table.iterrows():
        k = tuple(r[keys])
        if not done[i] and k in seen:
            row = out[seen[k]]
            row[column] = f"{row[column]}; {r[column]}"
            continue
        if not done[i]:
            seen[k] = len(out)
        out.append(r.to_dict())
    return pd.DataFrame(out, columns=table.columns)


def _z(level: float = 0.95) -> float:
    return float(sps.norm.ppf(0.5 + level / 2))


def mde_from_interval(lo: float, hi: float, se: float | None = None, level: float = 0.95,
                      power: float = 0.8) -> float:
    """The smallest true change these data would detect at ``power``: the interval's
    half-width (its own quantile, t for a small-sample interval) plus z_power standard
    errors, about 2.8 of them for a normal interval. ``se``: the estimate's standard
    error (default: the one a normal interval of this width implies)."""
    if se is None:
        se = (hi - lo) / (2 * _z(level))
    return (hi - lo) / 2 + float(sps.norm.ppf(power)) * se


#: an interval whose nearer end lies within this share of its width from 0 is borderline
BORDERLINE = 0.05


def borderline(lo: float, hi: float) -> bool:
    """An interval that only just leaves out no change (its nearer end within 5% of its
    width from 0): a verdict beyond noise on it is read as borderline."""
    return min(abs(lo), abs(hi)) < BORDERLINE * (hi - lo)


def verdict(lo: float, hi: float, polarity: str) -> str:
    """Three states from an interval for a change (no change = 0)."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 <= hi:
        return "no detectable change"
    up = lo > 0
    if polarity == "none":
        return "rose beyond noise" if up else "fell beyond noise"
    return "improved beyond noise" if up == (polarity == "high") else "worsened beyond noise"


def units(m: registry.Measure) -> str:
    """A measure's change in words: percentage points, per 10,000 children..."""
    if m.unit in ("percent", "percent_fte", "percent_posts", "percent_sessions"):
        return "percentage points"
    return {"rate_per_10k": "per 10,000 children", "count": "children", "score": "points"}.get(
        m.unit, registry.UNIT_LABELS.get(m.unit, m.unit.replace("_", " ")))


#: library advice in a warning, for an analyst calling the function, not a reader
_API_TIP = re.compile(r"; (add seasonality, or )?(pass maxlags for Newey-West errors|use errors='ar1'|"
                      r"look for a change the model misses|add seasonality)$")


#: the difference-in-differences' analyst wording, as a director reads it (a replacement
#: string or function, as ``re.sub`` takes)
_PLAIN = [
    (re.compile(r"^(?:\d+|an?|one) units? left out of the analysis sample \(balanced\): (.+)$"),
     r"left out of the comparison, which needs a figure for every year from each council: \1"),
    (re.compile(r"^\d+ units? left out of the analysis sample \(all\): (.+)$"),
     r"left out of the comparison (no figures): \1"),
    (re.compile(r"^only (\d+) comparison units: the interval rests on \d+ placebo comparisons and the rank "
                r"p-value cannot go below ([\d.]+)$"),
     lambda m: (f"only {m[1]} neighbours could be compared: the interval rests on how much their own figures "
                "moved, and however large the council's change, chance alone could still rank it first 1 time "
                f"in {int(m[1]) + 1}")),
    (re.compile(r" per period relative to the comparators"), " a year against the neighbours"),
    (re.compile(r"^pre-trends are not parallel: before the intervention (.+?)'s trend differed by ([-+\d.,e]+) per "
                r"period \(p = ([\d.]+)\); the comparators may not show what would have happened"),
     r"before the intervention \1's trend already differed from the neighbours' by \2 a year (p = \3): the "
     r"neighbours may not show what would have happened without it"),
    (re.compile(r"^the residuals are still autocorrelated \(Ljung-Box p = ([\d.]+) at \d+ lags\)"),
     r"neighbouring months still move together more than the model allows (Ljung-Box test, p = \1)"),
    (re.compile(r"in the last period before the reference, (.+?)'s gap to the comparators"),
     r"in the year before the one compared against, \1's gap to the neighbours"),
]


def _plain(warning: str, la_code: str) -> str:
    """A statistics warning as a report reader needs it: the council named rather than
    'the treated unit', in words rather than the analysis' terms (the analysis sample,
    placebo comparisons, rank p-values), and no advice on function arguments."""
    from .areas import resolve_la
    name = resolve_la(la_code).display_name
    w = _API_TIP.sub("", warning)
    for pattern, words in _PLAIN:
        w = pattern.sub(words, w)
    return (w.replace("the treated unit was", f"{name} was").replace("the treated unit's", f"{name}'s"))


#: intervention dates the source gives exactly enough to place in a monthly or annual series
EXACT_DATES = ("day", "month")


def _date_caveat(iv) -> list[str]:
    """A caution for an intervention whose source gives no exact date ("2024", "2025-27",
    "2017/18"): the start the evaluation takes is an assumption the verdict rests on."""
    if iv.precision in EXACT_DATES or iv.start is None:
        return []
    return [f"{iv.title.split(';')[0]} is dated only as {iv.when!r} in the source; it is taken as starting "
            f"{iv.start.day} {iv.start:%B %Y}, so where it falls in the series is an assumption the verdict "
            "rests on"]


def _date_caution(iv) -> list[str]:
    """:func:`_date_caveat` in a few words, for a finding's summary line."""
    return [f"its start is assumed (the source dates it only as {iv.when!r})"] if _date_caveat(iv) else []


def first_month_after(start) -> pd.Timestamp:
    """The end of the first calendar month a monthly series counts as after an
    intervention that began on ``start``: its own month if the intervention covers at
    least half of it, else the next. Ofsted's visit of 22 October 2024 covers 10 of
    October's 31 days, so November 2024 is the first month after; a service from 1 July
    2022 counts from July. Counted as after, a month mostly before an intervention
    diluted its effect and made one more month "after" than there was (assumption M2c)."""
    day = pd.Timestamp(start)
    month_end = day + pd.offsets.MonthEnd(0)
    covered = month_end.day - day.day + 1
    return month_end if covered >= month_end.day / 2 else month_end + pd.offsets.MonthEnd(1)


#: months before an intervention from which a monthly time series also fits the seasons
#: (one Fourier harmonic): fewer cannot tell a season from the trend
SEASONS_FROM_MONTHS = 24


def _its_fit(window: pd.DataFrame, at, mid: str, la_code: str, pre: int, label: str = ""):
    """The monthly time series as the topics fit it, at the intervention and at each
    placebo month alike: the model :func:`~evaltools.stats.its` chooses (from 16 months,
    a count model with an AR(1) drift beside each month's sampling variance), and the
    seasons where :data:`SEASONS_FROM_MONTHS`
    months come before. With ±20% seasons and 6 months after, the gap at the end of a
    model without them was beyond noise in 17% of null series (methodologist's review);
    with them, the level change's false alarms are 4.8% (docs/validation.md)."""
    return its(window, at, measure=mid, area=la_code, label=label,
               seasonality=1 if pre >= SEASONS_FROM_MONTHS else 0)


def _its_monthly(monthly: pd.DataFrame, mid: str, iv, la_code: str, polarity: str | None = None,
                 others=()) -> Evaluation:
    """``others``: the topic's other dated interventions; one that began in the months
    the earlier trend is fitted on is named, since that trend then carries its effect."""
    m = registry.get(mid)
    polarity = polarity or m.polarity
    ev = Evaluation(iv.id, iv.title, iv.start, mid, "interrupted time series, monthly child-level series",
                    started=iv.started)
    start = first_month_after(iv.start)
    lo_t = start - pd.DateOffset(months=WINDOW_PRE_MONTHS)
    hi_t = start + pd.DateOffset(months=WINDOW_POST_MONTHS - 1) + pd.offsets.MonthEnd(0)
    window = monthly[(monthly["measure"] == mid) & (monthly["period_end"] >= lo_t)
                     & (monthly["period_end"] <= hi_t)]
    s = window[window["status"] == "ok"]
    pre, post = int((s["period_end"] < start).sum()), int((s["period_end"] >= start).sum())
    own = pd.Timestamp(iv.start) + pd.offsets.MonthEnd(0)
    # the month it began in, mostly before it, counts as before (first_month_after)
    shifted = (f"{own:%B %Y}, mostly before it began on {pd.Timestamp(iv.start).day} {own:%B}, counts as before"
               if start != own else "")
    if pre < MIN_PRE_MONTHS or post < MIN_POST_MONTHS:
        ev.sentence = (f"Not evaluated: the extract has {count(pre, 'month')} before {start:%B %Y} and {post} "
                       f"from it on{f' ({shifted})' if shifted else ''}; an interrupted time series needs at "
                       f"least {MIN_PRE_MONTHS} before and {MIN_POST_MONTHS} after.")
        return ev
    try:
        res = _its_fit(window, start, mid, la_code, pre, label=f"{m.short}: {iv.title}")
    except SeriesDoesNotVary as e:      # no trend or change to estimate (0 every month)
        ev.sentence = f"Not evaluated: {str(e).split(': ', 1)[-1].replace('every period', 'every month')}."
        return ev
    end = res.effect("effect_at_end")
    lo, hi, est = float(end["ci_low"]), float(end["ci_high"]), float(end["estimate"])
    ev.result, ev.warnings = res, list(res.warnings) + _date_caveat(iv)
    if shifted:
        ev.warnings.append(f"{shifted}: {start:%B %Y} is the first month after")
    first = pd.Timestamp(s["period_end"].min())
    for o in others:
        at = first_month_after(o.start)
        if first < at < start:
            ev.warnings.append(f"another intervention, {o.title.split(';')[0]}, began in {o.started}, within the "
                               f"{pre} months the earlier trend is fitted on, so that trend carries any effect it had")
    ev.verdict = verdict(lo, hi, polarity)
    last = pd.Timestamp(s["period_end"].max())
    # the verdict is the gap at the end; a jump at the start that says otherwise is told
    # too, not hidden behind a change of trend that later cancels it
    lvl = res.effect("level")
    ratio = res.model != "ols"
    null = 1.0 if ratio else 0.0
    step = (verdict(float(lvl["ci_low"]) - null, float(lvl["ci_high"]) - null, polarity)
            if float(lvl["p_value"]) < JUMP_P else "no detectable change")
    placebos = None
    if ev.verdict != "no detectable change" or step != "no detectable change":   # beyond noise: checked (M7)
        placebos = in_time_placebos(monthly[(monthly["measure"] == mid) & (monthly["status"] == "ok")],
                                    start, pre, post, mid, la_code, others=[o.start for o in others])
        if len(placebos) < MIN_PLACEBOS:
            ev.placebo = (len(placebos), None)
            ev.cautions.append("too few earlier months to check how much the series swings on its own")
            ev.warnings.append(
                "the extract holds too few months before this window to fit the same test at earlier "
                f"dates ({count(len(placebos), 'date')}, {MIN_PLACEBOS} needed), so whether the series "
                "swings this much without an intervention is not known")
            placebos = None
    said = ev.verdict
    if ev.verdict != "no detectable change" and placebos:
        said = _gap_placebo(ev, [g for g, _ in placebos], est, m)
    ev.sentence = (f"By {last:%B %Y}, {m.short.lower()} was {sdc.signed(est)} {units(m)} from where the "
                   f"trend before {start:%B %Y} pointed (95% CI {sdc.signed(lo)} to {sdc.signed(hi)}; "
                   f"{pre} months before, {post} after): {said}.")
    # after the placebos have had their say on the gap: a jump beyond noise that the
    # final verdict does not already tell (checked against the placebos in turn)
    if step not in ("no detectable change", ev.verdict):
        size = (f"by a factor of {float(lvl['estimate']):.2f} (95% CI {float(lvl['ci_low']):.2f} to "
                f"{float(lvl['ci_high']):.2f})" if ratio else
                f"by {sdc.signed(float(lvl['estimate']))} {units(m)} (95% CI {sdc.signed(float(lvl['ci_low']))} to "
                f"{sdc.signed(float(lvl['ci_high']))})")
        moved = "rose" if float(lvl["ci_low"]) > null else "fell"
        # the same comparison for the jump: its size on the model's scale (a ratio's log)
        scale = (lambda v: abs(np.log(v))) if ratio else abs
        k = None if placebos is None else sum(scale(j) >= scale(float(lvl["estimate"])) for _, j in placebos)
        if k is not None and k / len(placebos) > PLACEBO_SHARE:
            ev.warnings.append(
                f"at {start:%B %Y} the level {moved} {size}, but fitted the same way at {len(placebos)} earlier "
                f"months the test found a jump as large at {k} of them, so it cannot be told from the "
                "series' own swings")
        else:
            ev.sentence += (f" But at {start:%B %Y} the level {moved} {size}: {step} at the start, before the "
                            "trend changed.")
            ev.start_jump = True
            ev.warnings.append(f"the verdict is the gap at {last:%B %Y}; the level at the start {moved} beyond "
                               f"noise ({step}), so the picture depends on when it is read")
    ev.warnings = [_plain(w, la_code) for w in ev.warnings]
    ev.cautions = _date_caution(iv) + ev.cautions
    # from the fit's own standard error: backing it out of the t interval (Kenward-Roger
    # for a linear series) with z made it about 3% too large
    mde = mde_from_interval(lo, hi, se=float(end["se"]))
    ev.mde = f"about {sdc.significant(mde)} {units(m)}"
    ev.mde_words = detectable(ev.mde, est, lo, hi, mde)
    return ev


def in_time_placebos(series: pd.DataFrame, start, pre: int, post: int, mid: str,
                     la_code: str, others=()) -> list[tuple[float, float]]:
    """The same time series, with the same months before and after, fitted at every
    earlier month whose whole window ends before ``start`` (an in-time placebo): the gap
    at the end and the change in level each finds where this intervention had not
    begun. A series that swings more than a straight trend allows gives large ones here
    too (assumption M7). A window holding the start of another intervention (``others``:
    dates) is skipped: a real effect of that one is not this series' noise."""
    ends = sorted(pd.Timestamp(t) for t in series["period_end"].unique())
    starts = [first_month_after(o) for o in others if o is not None]
    out = []
    for i in range(pre, len(ends) - post + 1):
        at, last = ends[i], ends[i + post - 1]
        if last >= start:
            break
        if any(ends[i - pre] < o <= last for o in starts):
            continue
        window = series[(series["period_end"] >= ends[i - pre]) & (series["period_end"] <= last)]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = _its_fit(window, at, mid, la_code, pre)
        except Exception:       # noqa: BLE001  a placebo window the model cannot fit
            continue
        out.append((float(res.effect("effect_at_end")["estimate"]), float(res.effect("level")["estimate"])))
    return out


#: in-time placebos needed before the check can say anything; and the share of them with
#: a change as large as the one found above which the interval's 5% is not to be trusted
MIN_PLACEBOS, PLACEBO_SHARE = 6, 0.05


def _gap_placebo(ev: Evaluation, gaps: list[float], est: float, m) -> str:
    """A gap beyond noise stands only if gaps as large are rare at earlier months, where
    the intervention had not started (assumption M7): the interval promises a 5% chance
    of such a gap by chance, and a series with swings a straight trend does not capture
    (a run of bad years, a change of recording) breaks that promise. The verdict becomes
    no detectable change when more than 5% of the placebos found a gap at least as large.
    Returns the words that end the finding."""
    n, k = len(gaps), sum(abs(g) >= abs(est) for g in gaps)
    ev.placebo = (n, k)
    if k / n <= PLACEBO_SHARE:
        return (f"{ev.verdict} (fitted the same way at {n} earlier months, before the intervention, "
                f"it found a gap as large at {k})")
    was, ev.verdict = ev.verdict, "no detectable change"
    big = max(gaps, key=abs)
    ev.warnings.append(
        f"the series swings more than a straight trend allows: at {k} of {n} earlier months the same "
        f"test found a gap as large, so the model's '{was}' is not the verdict")
    return (f"{was} by the model, but fitted the same way at {n} earlier months, before the "
            f"intervention, it found a gap as large at {k} of them (up to {sdc.signed(big)} {units(m)}), "
            "so this gap cannot be told from the series' own swings: no detectable change")


def did_failure_words(e: Exception) -> str:
    """Why a comparison with the neighbours could not be run, in words (the statistics
    name their own terms: "placebo inference needs at least 3 comparison units")."""
    why = str(e).split(": ", 1)[-1]
    if "analysis sample has 0 treated" in why:      # the council lacks a year the others have
        return ("the comparison needs a figure for every year from the council and each neighbour, and the council "
                "has none for some of them (suppressed or not published)")
    m = re.search(r"needs at least (\d+) comparison units; there are (\d+)", why)
    if m or re.search(r"\b0 comparison units", why):
        have = int(m.group(2)) if m else 0
        who = "none of the neighbours has" if have == 0 else \
            f"only {have} of the neighbours {'has' if have == 1 else 'have'}"
        return (f"{who} a figure for every year the council has one (the others' are suppressed or not "
                "published), too few to compare with")
    return why


def first_figure_after(m, iv) -> int:
    """The period of measure ``m``'s first figure taken after intervention ``iv``
    began (:meth:`registry.Measure.first_period_from`), or the intervention's own first
    period where it has no start date."""
    return m.first_period_from(iv.start) if iv.start is not None else iv.first_period


def exposure_months(start, period: int, academic: bool = False) -> int:
    """Calendar months of the collection year ``period`` (to 31 March) from the one an
    intervention started in: 12 for an April start, 4 for a December start. For an
    academic year (``academic``: 2024/25 is period 2025, September to August) the
    months to the end of August: 9 for a December start."""
    end = period * 12 + (8 if academic else 3)
    return max(0, min(12, end - (start.year * 12 + start.month) + 1))


def exposure_words(start, period: int, academic: bool = False) -> str:
    """A part year's :func:`exposure_months` in words: "only 4 months" from the 1st of a
    month, "less than 6 months" from a later day (22 October 2024 to 31 March 2025 is 5.3
    months, which "only 6 months" overstated)."""
    months = exposure_months(start, period, academic)
    return ("less than " if start.day > 1 and 0 < months < 12 else "only ") + count(months, "month")


#: why a count (children looked after, foster places) is not set against other councils'
#: change, in topic reports and the annual review (assumption C7)
COUNT_NOT_COMPARED = ("this is a count, and councils of other sizes change by other amounts, so "
                      "their change is no guide to this council's; it is judged on its own trend "
                      "and target")


def placebo_words(res) -> str:
    """A sentence on how the council's change ranks among its neighbours' own changes
    over the same years, each measured as if it had had the intervention (placebo
    inference), or ''. With 10 neighbours no ranking can reach p < 0.05 (the smallest is
    1/11): the interval rests on the placebos' spread, and this says how far the ranking
    backs it."""
    rank = getattr(res, "placebo_rank", None)
    if rank is None:
        return ""
    k, j = rank
    # "the 9 neighbours" beside a glossary of 10 needs saying why (Cumberland, formed in
    # 2023, has no figures for the years before)
    # the comparators the test was given, so one with no figure in any year (Shropshire's
    # staying put), which the sample never holds, is counted too
    asked = (getattr(res, "diagnostics", None) or {}).get("comparators_given")
    sample = getattr(res, "sample", None)
    left = max(0, asked - j) if asked is not None else \
        int(((sample["role"] == "comparison") & ~sample["used"].astype(bool)).sum()) \
        if sample is not None and {"role", "used"} <= set(sample.columns) else 0
    some = (f" with figures for every year ({left} more {'lacks' if left == 1 else 'lack'} some or all)"
            if left else "")
    if k == j:
        # the largest of j + 1 changes happens by chance 1 time in j + 1: with 10 neighbours
        # that is no proof, and says so whichever way the interval went
        whose = (f"the change of each of the {j} neighbours{some}" if left
                 else f"each of the {j} neighbours' own changes")
        return (f"It was larger than {whose} over the same years, measured "
                f"the same way; with {j} neighbours, the largest change of all would still happen by chance "
                f"1 time in {j + 1}.")
    return (f"{j - k} of the {j} neighbours{some} changed by as much or more, up or down, over the same years, "
            "measured the same way.")


def _did_annual(ind: pd.DataFrame, mid: str, iv, la_code: str, comparator,
                polarity: str | None = None) -> Evaluation:
    """``polarity``: which way is better, from the strategy's direction for the measure
    where it gives one (else the registry's)."""
    m = registry.get(mid)
    polarity = polarity or m.polarity
    ev = Evaluation(iv.id, iv.title, iv.start, mid, "difference-in-differences against statistical "
                    "neighbours, published annual figures", started=iv.started)
    if iv.id.startswith("nat_"):
        ev.method = "difference-in-differences"
        ev.sentence = ("Not evaluated against other councils: a national change touched every council, "
                       "so comparing with them cannot isolate it.")
        return ev
    if m.size_dependent:
        ev.sentence = f"Not evaluated against other councils: {COUNT_NOT_COMPARED}."
        return ev
    # a census-date figure counts from the first census after the start, not the one of
    # the collection year holding it (September 2024's, three weeks before a visit of
    # 22 October 2024, is no "after")
    first = first_figure_after(m, iv)
    s = ind[(ind["measure"] == mid) & (ind["area_code"].astype(str) == la_code) & (ind["status"] == "ok")]
    years = sorted(int(p) for p in s["period"])
    pre = [y for y in years if y < first]
    post = [y for y in years if y >= first]
    if len(pre) < MIN_PRE_YEARS or len(post) < MIN_POST_YEARS:
        ev.sentence = (f"Not evaluated: {count(len(pre), 'published year')} before {first} and {len(post)} from "
                       f"{first} on (needs {MIN_PRE_YEARS} and {MIN_POST_YEARS}; suppressed years are "
                       "left out, not read as 0).")
        return ev
    try:
        # after years against the last year before: a change already under way in earlier
        # years is not credited to the intervention (they still test the pre-trends)
        # a neighbour's figures that rest on a recording gap are left out, and named
        pub, against, left, cut = bmk.comparison_inputs(ind[ind["measure"] == mid], la_code, comparator)
        res = did(pub, la_code, first, measure=mid, comparators=against,
                  label=f"{m.short}: {iv.title}", reference="last")
    except (ValueError, ConfigError) as e:
        ev.sentence = f"Not evaluated: {did_failure_words(e)}."
        return ev
    lo, hi = res.ci
    ev.result, ev.warnings = res, list(res.warnings) + _date_caveat(iv)
    ev.verdict = verdict(lo, hi, polarity)
    ev.one_after = len(post) == 1
    if any(w.startswith("pre-trends are not parallel") for w in res.warnings):
        ev.cautions.append("before it, the council's trend already differed from the neighbours'")
    if any(w.startswith("already under way") for w in res.warnings):
        ev.cautions.append("the gap to the neighbours was already moving this way the year before")
    ref = res.diagnostics["reference_period"]
    census = m.census_on(first)
    # a census is a day, not a year: how long after the start it was taken
    taken = None if census is None else \
        (census.year - iv.start.year) * 12 + census.month - iv.start.month - (census.day < iv.start.day)
    if taken is not None and taken < 12:
        if len(post) == 1:
            ev.part_year = True
            ev.cautions.append(f"the only census after it was taken {count(taken, 'month')} after it")
        ev.warnings.append(f"{iv.title.split(';')[0]} started {iv.started}, so the first census after it, "
                           f"{m.period_label(first)}, was taken {count(taken, 'month')} after it: an effect "
                           "would show there only in part")
    elif census is None and exposure_months(iv.start, first, academic=m.academic_year) < 12:
        # as the source dates it: "from July 2022", not "1 July 2022" for a month
        dated = (f"dates from {iv.started}" if iv.precision in EXACT_DATES
                 else f"is taken as from {iv.start.day} {iv.start:%B %Y}")
        part = (f"{iv.title.split(';')[0]} {dated}, so {m.period_label(first)}, the first "
                f"year after it, holds {exposure_words(iv.start, first, academic=m.academic_year)} of it: "
                "an effect would show there only in part")
        ev.warnings.append(part + (" and the later years carry it in full" if len(post) > 1 else
                                   "; the next year's figures will say more"))
        if len(post) == 1:
            ev.part_year = True
            ev.cautions.append(f"{m.period_label(first)}, the only year after it, holds "
                               f"{exposure_words(iv.start, first, academic=m.academic_year)} of it")
    ev.warnings = [_plain(w, la_code) for w in ev.warnings]
    regroup = bmk.regrouped_words(la_code, comparator, years)
    if regroup:
        ev.warnings.append(regroup)
    if left:
        ev.warnings.append(bmk.gaps_words(left, m))
    if cut:
        ev.warnings.append(bmk.own_years_words(cut, m))
    ev.sentence = (f"Against its statistical neighbours, the council's change from {m.period_label(ref)} to "
                   f"{'the years from ' + m.period_label(first) if len(post) > 1 else m.period_label(first)} was "
                   f"{sdc.signed(res.estimate)} {units(m)} (95% CI {sdc.signed(lo)} to {sdc.signed(hi)}; "
                   f"{len(pre)} years before, {len(post)} after): {ev.verdict}. {placebo_words(res)}").rstrip()
    rank = res.placebo_rank
    if "beyond noise" in ev.verdict and rank and rank[0] < rank[1]:
        ev.warnings.append(f"the interval puts the change beyond noise, but {rank[1] - rank[0]} of the {rank[1]} "
                           "neighbours changed by as much or more over the same years: read it as a borderline result")
        ev.sentence += " Read it as a borderline result."
    elif "beyond noise" in ev.verdict and borderline(lo, hi):
        # as the annual review reads the same interval (review._against_neighbours)
        ev.warnings.append("the interval only just leaves out no change: read it as a borderline result")
        ev.sentence += " The interval only just leaves out no change: read it as a borderline result."
    # the DiD's own smallest detectable effect (its t quantiles), as its summary gives it
    ev.mde = f"about {sdc.significant(res.diagnostics['mde'])} {units(m)}"
    ev.mde_words = detectable(ev.mde, res.estimate, lo, hi, res.diagnostics["mde"], what="an effect")
    ev.cautions += _date_caution(iv)
    ls = ind[(ind["measure"] == mid) & (ind["area_code"].astype(str) == la_code) & (ind["status"] == "ok")]
    from .review import jump_ways, jump_words, jumps
    ls = ls.assign(time=ls["period"])
    found = jumps(ls)
    jump = [p for p in found if p >= ref]     # into the comparison
    if jump:
        # in the first two figures after the start it may be the intervention itself
        # working (agency social workers, 55% to 18%, after agency staff were made permanent)
        # and goes the way the measure should (turnover rising after improvement work is
        # no sign of it working)
        wanted = {"high": "rise", "low": "fall"}.get(polarity)
        ways = set(jump_ways(ls, jump).values())
        soon = all(0 <= p - first <= 1 for p in jump) and ways == {wanted}
        ev.cautions.append(f"a sudden {next(iter(ways))} may be the intervention's effect or a recording change"
                           if soon else f"a sudden {next(iter(ways))} may be a recording change" if len(ways) == 1
                           else "a sudden rise and a sudden fall may be recording changes")
        ev.warnings.append(jump_words(ls, jump, m.period_label)
                           + (": it may be the intervention's effect, or a recording change; check before reading it "
                              "as a real change" if soon else
                              ": check for a recording change before reading it as a real change"))
    # one among the years before (Herefordshire's missing incidents: 2% in 2017, 7% in
    # 2018) feeds the check that the council and its neighbours moved in parallel and the
    # spread of the neighbours' changes, though not the change itself
    early = [p for p in found if p < ref and p > min(int(y) for y in pre)] if pre else []
    if early:
        ev.warnings.append(jump_words(ls, early, m.period_label)
                           + ", before the intervention: if it is a recording change, the years before it do not "
                           "compare with those after, and the check that the council and its neighbours moved in "
                           "parallel is less sure")
    return ev


# ---------------------------------------------------------------------------- result
@dataclass
class TopicResult:
    topic: Topic
    la: object
    policy: str
    benchmark: bmk.BenchmarkResult
    indicators: pd.DataFrame = field(repr=False)
    monthly: pd.DataFrame | None = field(default=None, repr=False)
    spc: dict = field(default_factory=dict)
    evaluations: list[Evaluation] = field(default_factory=list)
    funnels: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    strategy: object = None
    #: the monthly series come from the bundled synthetic sample, not a council's records
    synthetic: bool = False

    def verdicts(self) -> pd.DataFrame:
        """One row per evaluation: intervention, measure, method, verdict, finding, MDE;
        evaluations not done for the same reason at the same intervention share one row
        (:func:`merge_measures`)."""
        cols = ["Intervention", "Started", "Measure", "Method", "Verdict", "Finding", "Change the test finds 4 times in 5"]
        rows = pd.DataFrame([e.row() for e in self.evaluations], columns=cols)
        if self.synthetic:      # a row quoted alone still says its months are not children's records
            rows["Method"] = rows["Method"].str.replace("monthly child-level series", SYNTHETIC_SERIES, regex=False)
        return merge_measures(rows)

    def counts(self) -> dict:
        v = [e.verdict for e in self.evaluations]
        return {k: v.count(k) for k in (*VERDICTS, *CHANGED, NOT_EVALUATED)}

    def summary(self) -> str:
        c = self.counts()
        tested = sum(c[k] for k in (*VERDICTS, *CHANGED))
        changed = sum(c[k] for k in CHANGED)
        return (f"{self.topic.title} for {self.la.display_name}: {len(self.benchmark.measures)} published "
                f"measures; {len(self.evaluations)} intervention evaluations, {tested} with a verdict "
                f"({c['improved beyond noise']} improved, {c['no detectable change']} no detectable change, "
                f"{c['worsened beyond noise']} worsened"
                + (f", {changed} rose or fell on a measure with no better direction" if changed else "")
                + f") and {c[NOT_EVALUATED]} not evaluated.")

    def to_frame(self) -> pd.DataFrame:
        return self.verdicts()


def _read_extract(extract):
    """``extract`` read (a folder), or as given (an :class:`~evaltools.ssda903.Extract`)."""
    from . import ssda903
    from .paths import input_path
    return extract if hasattr(extract, "tables") else ssda903.read_extract(input_path(extract))


def _monthly_series(extract, la_code: str, ids) -> pd.DataFrame | None:
    """Calendar-month figures of ``ids`` from an extract (a folder, or read)."""
    from . import measures
    return measures.compute(_read_extract(extract), list(ids), la=la_code, frequency="month")


def _spc(monthly: pd.DataFrame, mid: str, la_code: str, baseline) -> object:
    m = registry.get(mid)
    s = monthly[monthly["measure"] == mid]
    if m.unit == "percent":
        # Laney's p' chart widens the limits where months vary more than chance (sigma_z
        # above 1, usual with a few hundred children); below 1 it would narrow them and
        # flag chance as a signal, so the plain p-chart is used (Laney 2002)
        res = spc_mod.p_chart(s, measure=mid, area=la_code, laney=True, baseline=baseline, label=m.short)
        if res.diagnostics["sigma_z"] < 1:
            res = spc_mod.p_chart(s, measure=mid, area=la_code, baseline=baseline, label=m.short)
        return res
    if s["denominator"].notna().all() and (s["denominator"] > 0).all():
        # a rate with its exposure (incidents per child who went missing): Laney's u′
        # chart, whose limits widen in months with fewer children. Its sigma_z is used
        # either side of 1: every child counted has at least one incident, so the counts
        # vary less than Poisson chance by design, and a plain u-chart's limits would
        # be too wide to show a change
        return spc_mod.u_chart(s, measure=mid, area=la_code, laney=True, baseline=baseline, label=m.short)
    return spc_mod.xmr(s, measure=mid, area=la_code, baseline=baseline, label=m.short)


def evaluate(la, topic_id: str, *, strategy=None, extract=None, comparator="statistical_neighbours",
             years=None, policy: str = "published", indicators: pd.DataFrame | None = None) -> TopicResult:
    """Evaluate one topic for one council (see the module docstring).

    ``strategy``: a strategy id or :class:`~evaltools.strategies.Strategy` whose
    interventions are evaluated (None: trends only). ``extract``: a 903 extract folder
    (or a read :class:`~evaltools.ssda903.Extract`) for the monthly series.
    ``years``: (first, last) published years (None for an open end), for every use of
    DfE's figures: the trends, the comparisons with the neighbours and the funnels; the
    monthly series cover the extract's own years. ``policy``: the disclosure policy
    the notebook shows things under.
    """
    from . import strategies as strat

    sdc.policy(policy)
    t = topic(topic_id)
    area = resolve_la(la)
    code = area.area_code
    ids = t.measure_ids()
    ind = indicators if indicators is not None else published.load_indicators(ids)
    ind = bmk.in_years(ind, years)      # trends, the neighbour comparisons and funnels alike
    have = set(ind.loc[ind["area_code"].astype(str) == code, "measure"])
    ids = [i for i in ids if i in have]
    notes = []
    if not ids:
        within = f" in the years {'-'.join('' if y is None else str(y) for y in years)}" if years else ""
        raise ConfigError(f"no published figures for topic {topic_id!r} and {area.display_name}{within}",
                          fix="Give years DfE has published, e.g. years: [2016, null]" if years else
                          "Check data/public holds the DfE files listed in data/public/SOURCES.md")
    bm = bmk.benchmark(code, ids, comparator=comparator, periods=tuple(years) if years else None,
                       indicators=ind)
    st = strat.load(strategy) if isinstance(strategy, str) else strategy
    if st is not None and str(st.la) != code:
        notes.append(f"The strategy {st.title} belongs to LA {st.la}, not {area.display_name}; its "
                     "interventions are evaluated for this council only as a comparison.")
    res = TopicResult(t, area, policy, bm, ind, strategy=st)

    dated = [iv for iv in (st.interventions if st else ()) if iv.start is not None]
    by_id = {sm.id: sm for sm in st.measures} if st is not None else {}

    def aims(iv) -> set:
        """The registry measures an intervention should move."""
        return {by_id[x].measure for x in iv.measures if x in by_id and by_id[x].measure}
    # SPC limits restart only at an intervention aimed at this topic's measures
    local_ivs = [iv for iv in dated if not iv.id.startswith("nat_")
                 and aims(iv) & (set(ids) | set(t.monthly))]
    if extract is not None and t.monthly:
        from .paths import input_path
        from .synth import is_synthetic
        ex = _read_extract(extract)
        monthly = _monthly_series(ex, code, t.monthly)
        res.monthly = monthly
        if isinstance(extract, (str, Path)) and is_synthetic(input_path(extract)):
            res.synthetic = True
            notes.append("The child-level extract is the bundled synthetic sample (generated, not real "
                         "children's records): the monthly charts and time series show how the method "
                         "works until the council's own SSDA903 files are given.")
        cut = ex.ends_early()
        if cut is not None:
            notes.append(f"The extract's {ex.years[-1]} return stops recording before the end of its year, as "
                         f"if exported part way through: the monthly series stop at {cut:%B %Y}, its last whole "
                         f"month, rather than show the months to March {ex.years[-1]} as 0 (the data quality "
                         "report says more).")
        end = monthly["period_end"].max()
        # the SPC limits come from the months before the latest local intervention with a
        # year either side, extended over the months since ("fix and extend"): limits
        # recalculated from its start centred the months after on their own mean and so
        # hid any change it made (a fall from 4.2% to 3.0% showed as special cause in 31%
        # of simulated series, against 86% with the limits extended; methodologist's review)
        baseline = None
        for iv in sorted(local_ivs, key=lambda i: i.start, reverse=True):
            at = first_month_after(iv.start)
            if monthly["period_end"].min() + pd.DateOffset(months=12) <= at <= end - pd.DateOffset(months=12):
                baseline = at
                notes.append(f"SPC limits come from the months before {at:%B %Y}, when this began: {iv.title}. "
                             "They are extended unchanged over the months since, so a change from then on "
                             "shows against what came before.")
                break
        for mid in t.monthly:
            if not (monthly["measure"] == mid).any():
                continue
            try:
                res.spc[mid] = _spc(monthly, mid, code, baseline)
            except ValueError as e:
                notes.append(f"No SPC chart for {registry.get(mid).short}: {str(e).split(': ', 1)[-1]}")
    elif t.monthly:
        notes.append("No child-level extract was given, so there are no monthly SPC charts or monthly "
                     "interrupted time series; the evaluation uses the published annual figures.")
    elif t.no_monthly:
        notes.append(t.no_monthly)

    if st is not None:
        # a finished strategy is judged on its own years, as in the annual review (E5):
        # later figures carry later strategies' work
        last_year = st.last_period
        judged = ind
        if int(pd.to_numeric(ind["period"]).max()) > last_year:
            judged = ind[pd.to_numeric(ind["period"]) <= last_year]
            notes.append(f"{st.title} ended in {st.end:%B %Y}: its interventions are set against the "
                         f"neighbours on figures up to {last_year}, as the annual review judges it.")
        # the strategy's direction for a measure says which way is better, where DfE gives
        # no polarity (fewer children starting care, for a strategy that aims at it)
        from .review import _polarity
        better = {sm.measure: _polarity(sm.direction, sm.measure)
                  for sm in st.measures if sm.measure and sm.direction in ("increase", "decrease")}
        undated = [iv for iv in st.interventions if iv.start is None
                   and {by_id[x].measure for x in iv.measures if x in by_id} & set(ids)]
        if undated:
            notes.append("Not evaluated because the strategy gives no date: "
                         + "; ".join(iv.title + (f" (the strategy says \"{iv.when}\")" if iv.when else "")
                                     for iv in undated)
                         + ". Once the council confirms when it began, give its start date (start:) in the strategy's "
                         "file (data/strategies, see its README) and rerun: it is then evaluated like the others.")
        annual: dict = {}
        for iv in dated:
            targets = aims(iv)
            for mid in [i for i in ids if i in targets]:
                # interventions whose first figure after them is the same share one
                # comparison: for a census, the first census after each start (agency
                # staff made permanent in April 2024 and Ofsted's visit of October 2024
                # are one collection year, but not one census: September 2024's came
                # between them)
                key = (mid, first_figure_after(registry.get(mid), iv), iv.id.startswith("nat_"))
                if key in annual:   # same first year: the same comparison and the same answer
                    annual[key].join(iv)
                    continue
                annual[key] = _did_annual(judged, mid, iv, code, comparator, better.get(mid))
                res.evaluations.append(annual[key])
            if res.monthly is not None and targets & set(ids) and not iv.id.startswith("nat_"):
                for mid in res.spc:
                    same = [e for e in res.evaluations if e.measure == mid and e.start == iv.start
                            and e.method.startswith("interrupted")]
                    if same:        # same start month: the same series and the same answer
                        same[0].join(iv)
                        continue
                    res.evaluations.append(_its_monthly(res.monthly, mid, iv, code, better.get(mid),
                                                        [o for o in local_ivs if o is not iv]))

    latest = {}
    for mid in t.funnel:
        if mid not in ids:
            continue
        f = ind[(ind["measure"] == mid) & (ind["geographic_level"] == "Local authority")
                & (ind["status"] == "ok") & ind["numerator"].notna() & ind["denominator"].notna()]
        if f.empty:
            notes.append(f"No funnel plot for {registry.get(mid).short}: DfE publishes it without "
                         "councils' counts, and a funnel needs them.")
            continue
        period = int(f["period"].max())
        latest[mid] = period
        try:
            res.funnels[mid] = funnel(f[f["period"] == period], measure=mid, period=period,
                                      highlight=code, overdispersion="additive",
                                      label=registry.get(mid).short)
        except ValueError as e:
            notes.append(f"No funnel plot for {registry.get(mid).short}: {e}")
    res.notes = notes
    _withhold_estimates(res)
    return res


def _withhold_estimates(res: TopicResult) -> None:
    """Under a policy that suppresses small counts, an annual comparison resting on a
    council figure the policy withholds (a year of 9 of 13) keeps its verdict but not its
    estimate, interval or smallest detectable change: with the neighbours' published
    figures they would give the withheld one back."""
    if not sdc.policy(res.policy).suppress_small:
        return
    for e in res.evaluations:
        e.warnings = [_TYPICAL_FEW.sub(r"\1fewer than 6 ", w) for w in e.warnings]
        if e.result is None or not e.method.startswith("difference"):
            continue
        used = set(e.result.series["time"].astype(int))
        hidden = [p for p in res.benchmark.withheld_periods(e.measure, res.policy) if p in used]
        if not hidden:
            continue
        m = registry.get(e.measure)
        years = ", ".join(m.period_label(p) for p in hidden)
        e.sentence = (f"Against its statistical neighbours: {e.verdict}. The estimate is not shown under the "
                      f"{res.policy} policy: {res.la.display_name}'s figures for {years} "
                      f"{sdc.withheld_because(res.la.area_code, e.measure, hidden, plural=True)}, and with the "
                      "neighbours' published figures it would give them back.")
        e.mde, e.mde_words = "not shown", ""
        e.warnings = [_without_figures(w) for w in e.warnings]


#: an ITS caution quoting a typical month's count ("a typical period has 3 events"): a
#: count of 1 to 5 under a policy that suppresses them
_TYPICAL_FEW = re.compile(r"(a typical period has )[1-5] (?=children|events)")


def _without_figures(w: str) -> str:
    """A caution on a comparison whose estimate is withheld, without the figures that
    would give the withheld years back: the finding before its first figure ("pre-trends
    are not parallel"), and why the rest is not shown."""
    if not SIGNED_FIGURE.search(w):
        return w
    head = w[:SIGNED_FIGURE.search(w).start()]
    head = head.split(":")[0] if ":" in head else "the council's figure was already moving the same way " \
        "as the effect before the intervention"
    return f"{head} (the figures are not shown: they would give the withheld years back)"
