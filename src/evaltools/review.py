"""The annual impact review: one row per strategy measure.

For each measure of a strategy (:mod:`evaltools.strategies`) the review gives the
baseline, the latest figure, whether it moved the promised way, whether the target is
met, the statistical verdict (improved beyond noise, no detectable change, worsened
beyond noise) and the caveats a reader needs. Figures come from the tidy indicator
frame, whatever its source: DfE's published tables, the council's SSDA903 extract, or
its local measures CSV (:mod:`evaltools.local`).

Caveats flagged here:

* the strategy's baseline does not match the published figure for its year (and which
  published year, if any, it does match);
* the measure's DfE definition changed between the baseline and the latest year
  (the registry versions definitions by collection year), or the years compared cross
  ones the registry notes as unlike the others (pandemic grades, a term not collected);
* a sudden jump in the series, the usual sign of a recording change;
* figures suppressed or not available in the years compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import indicators as ind
from . import benchmark as bmk
from . import published, registry
from .benchmark import (GAPS_LEAD, OWN_YEARS_LEAD, REGROUPED_LEAD, comparison_inputs, gaps_words,
                        own_years_words, regrouped_words)
from .stats import frames
from .sdc import round_half_up, signed, significant
from .stats.power import detectable
from .stats.proportions import before_after, difference_ci
from .wording import REVEALS, SIGNED_FIGURE, count, listing, md

VERDICTS = ("improved beyond noise", "no detectable change", "worsened beyond noise")
#: a baseline "matches" a published figure within half a unit of its last digit
#: (48% against 48.0%; 412 against 413 does not)
MATCH_TOLERANCE = 0.5
#: a year-on-year change this many times the series' typical change is a jump
JUMP_FACTOR = 3.0


@dataclass
class MeasureRow:
    id: str
    text: str
    source: str
    measure: str | None
    direction: str
    baseline_value: float | None = None
    baseline_period: int | None = None
    baseline_from: str = ""            # "strategy", "published" or "local" (the council's file)
    latest_value: float | None = None
    latest_period: int | None = None
    direction_met: str = "not assessed"
    target_value: float | None = None
    target_met: str = "no target"
    #: the target is worked out from the baseline (a change of N%): withheld with it
    target_from_baseline: bool = False
    verdict: str = "not tested"
    test: str = ""
    caveats: list[str] = field(default_factory=list)
    #: the years a strategy's baseline that matches no figure of its own year matches,
    #: with their words in the caveat: a policy withholding one leaves it out
    baseline_matches: tuple = ()


def _polarity(direction: str, measure: str | None) -> str:
    if direction in ("increase", "decrease"):
        return "high" if direction == "increase" else "low"
    if measure and measure in registry.ids():
        return registry.get(measure).polarity
    return "none"


def _moved(direction: str, base: float, latest: float, unit: str, polarity: str = "none") -> str:
    """Whether a figure moved the way the strategy wants. To 'maintain' a level is kept
    within 5% of it, or on the side DfE's polarity says is better: caseloads kept
    manageable that fell from 15.7 to 13.6 a worker are kept, not "moved the other way"
    beside a briefing that calls them a strength."""
    if direction == "none":
        return "no direction set"
    tol = 0.05 if unit == "percent" else 1e-9
    if direction == "maintain":
        better = (latest > base) if polarity == "high" else (latest < base) if polarity == "low" else False
        return "yes" if better or abs(latest - base) <= max(tol, 0.05 * abs(base)) else "no"
    up = latest - base > tol
    down = base - latest > tol
    if not up and not down:
        return "no change"
    return "yes" if (up if direction == "increase" else down) else "no"


def _target_met(direction: str, target: float, latest: float, polarity: str = "none") -> str:
    """Whether the latest figure meets a target. To 'maintain' a level is met at it or
    on the better side (97% keeps a 90% target), or within a small slack on the worse
    one (half a point, or 1% of it: 427 days keeps 426); for a measure with no better
    side, within that slack either way."""
    if direction == "decrease":
        return "yes" if latest <= target else "no"
    if direction == "maintain":
        slack = max(0.5, 0.01 * abs(target))
        if polarity == "high":
            return "yes" if latest >= target - slack else "no"
        if polarity == "low":
            return "yes" if latest <= target + slack else "no"
        return "yes" if abs(latest - target) <= slack else "no"
    return "yes" if latest >= target else "no"


def _relative_target(row: MeasureRow, sm, frame: pd.DataFrame, mid: str, area) -> None:
    """A target set against England ("at or below the England rate") or the statistical
    neighbours ("in line with our statistical neighbours"): England's figure, or the
    neighbours' average (DfE's group for the year, as LAIT averages it: at least half of
    them with a figure), for the latest year is the level to meet, on the side the
    strategy's direction (or, for 'maintain', the measure's polarity) says is better."""
    from .indicators import ENGLAND_CODE
    sense = _polarity(sm.direction, mid)
    at = frame[(frame["measure"] == mid) & (frame["status"] == "ok") & (frame["period"] == row.latest_period)]
    codes = at["area_code"].astype(str)
    year = _period(row.latest_period, mid)
    if sm.target.relative_to == "england":
        who, vals = "England's figure", at.loc[codes == ENGLAND_CODE, "value"]
        level = float(vals.iloc[0]) if len(vals) else None
        missing = f"no England figure for {year}"
    else:
        # the average the reports show beside the council's figure (benchmark's, which
        # leaves out a neighbour whose figure rests on a recording gap)
        from .benchmark import benchmark
        s = benchmark(str(area), [mid], indicators=frame).series(mid)
        s = s[s["period"] == row.latest_period]
        n, size = (int(s["comparator_n"].iloc[0]), int(s["comparator_size"].iloc[0])) if len(s) else (0, 0)
        mean = float(s["comparator_mean"].iloc[0]) if len(s) else float("nan")
        who = f"the statistical neighbours' average ({n} of {size} with a figure)"
        level = mean if np.isfinite(mean) else None
        missing = f"too few statistical neighbours with a figure for {year} ({n} of {size})"
    if sense not in ("high", "low"):
        row.target_met = f"no direction to compare {who.split(' (')[0]} with"
    elif level is None:
        row.target_met = missing
    else:
        row.target_value = level
        # "below England" asks for lower: England's own figure does not meet it, unless
        # the strategy says "at or below" (or_equal)
        mine = row.latest_value
        better = mine > level if sense == "high" else mine < level
        row.target_met = "yes" if better or (sm.target.or_equal and mine == level) else "no"
        side = "above" if sense == "high" else "below"
        row.caveats.append(f"the target is {who} for the latest year ({_fmt(level, mid)} in {year}), "
                           f"{'at or ' + side if sm.target.or_equal else side} it")


def jumps(series: pd.DataFrame) -> list[int]:
    """Periods where the year-on-year change is at least ``JUMP_FACTOR`` times the
    median absolute change of the rest of the series (needs 5 or more years) and, for a
    percentage with its cohorts, larger than chance alone would give two cohorts of
    those sizes (Newcombe's interval for the change leaves out 0): in a steady series of
    cohorts of 70, a rise from 37% to 49% is three times the usual change but noise.

    A jump straight back from such a year is its end, not another odd year: health
    assessments at 97.5% (2022), 72.6% (2023), 94.8% (2024) jump in 2023 only; 2024,
    the year back to normal, was flagged too, and as a baseline "stood out from the
    years around it", so its change went unjudged."""
    s = series.dropna(subset=["value"]).sort_values("time")
    if len(s) < 5:
        return []
    mid = s["measure"].iloc[0] if "measure" in s else s.attrs.get("measure")
    # each pair of years with both cohorts is tested, even where some other year has no
    # counts (a LAIT year): Rutland's health assessments, 15 of 18 to 19 of 19, were a
    # "sudden jump" because 2016 came from LAIT
    cohorts = mid in registry.ids() and registry.get(mid).unit == "percent" and "denominator" in s
    # a year the registry notes as measured differently (pandemic grades, exams back) is
    # that break, not a recording change: Herefordshire's Attainment 8 "sudden falls" in
    # 2017/18 and 2021/22 were the new maximum score and the return of exams
    known = registry.get(mid).breaks if mid in registry.ids() else frozenset()
    d = s["value"].diff().abs().to_numpy()[1:]
    out = []
    for i, v in enumerate(d):
        rest = np.delete(d, i)
        typical = np.median(rest)
        if not (typical > 0 and v >= JUMP_FACTOR * typical and v > 0) or int(s["time"].iloc[i + 1]) in known:
            continue
        if cohorts and s["denominator"].iloc[[i, i + 1]].notna().all():
            (n0, p0), (n1, p1) = ((int(s["denominator"].iloc[k]), float(s["value"].iloc[k]) / 100) for k in (i, i + 1))
            if n0 > 0 and n1 > 0:
                lo, hi = difference_ci(round(p1 * n1), n1, round(p0 * n0), n0)
                if lo <= 0 <= hi:
                    continue
        back = out and out[-1] == int(s["time"].iloc[i]) and np.sign(s["value"].iloc[i + 1] - s["value"].iloc[i]) \
            != np.sign(s["value"].iloc[i] - s["value"].iloc[i - 1])
        if not back:
            out.append(int(s["time"].iloc[i + 1]))
    return out


def jump_ways(series: pd.DataFrame, periods) -> dict[int, str]:
    """Each period's change from the figure before it: "rise" or "fall" (``series``:
    ``time`` and ``value``, as :func:`jumps` reads it)."""
    s = series.dropna(subset=["value"]).sort_values("time")
    at = dict(zip(s["time"].astype(int), s["value"].astype(float)))
    times = sorted(at)
    out = {}
    for p in periods:
        i = times.index(int(p))
        out[int(p)] = "rise" if i and at[times[i]] > at[times[i - 1]] else "fall"
    return out


def jump_words(series: pd.DataFrame, periods, label) -> str:
    """The sudden jumps :func:`jumps` found, named by their way: "a sudden fall in Sep
    2024, Sep 2025", "a sudden rise in 2018 and a sudden fall in 2020". A fall called a
    "jump" (agency social workers, 55% to 18%) read as a rise. ``label`` names a period
    ("2018", "Sep 2024")."""
    ways: dict[str, list] = {}
    for p, way in jump_ways(series, periods).items():
        ways.setdefault(way, []).append(label(p))
    return " and ".join(f"a sudden {w} in {', '.join(ps)}" for w, ps in ways.items())


#: how a caveat names a sudden jump (:func:`jump_words`), to find it again
JUMP_RE = r"a sudden (?:rise|fall) (?:in|from)"


def _after_intervention(series: pd.DataFrame, periods, mid: str, interventions, direction: str) -> str:
    """", just after Agency social workers converted to permanent posts (budget savings),
    2024/25, which was aimed at it", where every sudden jump in ``periods`` goes
    the way the strategy wants (``direction``) and comes in the first two figures after
    an intervention aimed at the measure began: it may be the intervention working
    rather than a recording change (Ofsted's agency rate, 55% to 18%, in the two censuses
    after agency staff were made permanent). A figure counts as after when it was taken
    after the start (a census) or holds at least 6 months of it (a year's figure); only
    interventions dated to the day, month or financial year are named. '' otherwise."""
    from .periods import collection_year
    from .topics import exposure_months
    if mid not in registry.ids() or direction not in ("increase", "decrease") or not periods:
        return ""
    m = registry.get(mid)
    wanted = "rise" if direction == "increase" else "fall"
    if any(way != wanted for way in jump_ways(series, periods).values()):
        return ""
    academic = bool(m.academic_year)
    def first_after(start) -> int:
        if m.census_on(collection_year(start)) is not None:
            return m.first_period_from(start)
        first = collection_year(start)
        return first if exposure_months(start, first, academic) >= 6 else first + 1
    near = [iv for iv in interventions if iv.start is not None and iv.precision in ("day", "month", "financial_year")
            and all(0 <= int(p) - first_after(iv.start) <= 1 for p in periods)]
    if not near:
        return ""
    return (", just after " + listing(f"{iv.title.split(': ')[0].replace(';', ',')}, {iv.started}," for iv in near).rstrip(",")
            + f", which {'was' if len(near) == 1 else 'were'} aimed at it")


def _definition_change(measure: str, first: int, last: int) -> str | None:
    """What changed between the baseline ``first`` and the ``last`` year: DfE's
    definition, or years the registry notes as not comparable (pandemic grades, a term
    not collected) that the comparison crosses. Years as reports name them ("2019/20"
    for an academic-year figure)."""
    m = registry.get(measure)
    out = []
    for d in m.definitions:
        if first < d["from"] <= last:
            out.append(f"{_DEFINITION_CHANGED} {m.period_label(d['from'])} (between the baseline "
                       f"{m.period_label(first)} and {m.period_label(last)}): {d['text']}")
            break
    touched = m.notes_in(first, last)
    same_era = any(n["from"] <= first and (n.get("to") is None or last <= n["to"]) for n in touched)
    if touched and not same_era:
        out.append(f"the years from the baseline {m.period_label(first)} to {m.period_label(last)} {_NOT_ALIKE}: "
                   + " ".join(f"{m.era_label(n)}: {n['text']}" for n in touched))
    return "; ".join(out) or None


#: how the caveats above begin to say the baseline and latest figures are not measured
#: alike (:func:`finding_flags` looks for them)
_NOT_ALIKE = "are not all alike"
_DEFINITION_CHANGED = "DfE's definition changed from"

#: a child-level measure's caveat when the review was given no 903 extract
NO_EXTRACT = ("a child-level measure, from the council's own SSDA903 returns: none were given for this "
              "review (the extract setting of the evaluation file)")


def measure_row(sm, frame: pd.DataFrame, area: str, baseline_period: int | None,
                comparators="statistical_neighbours", end_period: int | None = None,
                first: pd.DataFrame | None = None, has_extract: bool | None = None,
                start=None, interventions=(), began: str = "strategy") -> MeasureRow:
    """The review row of one strategy measure, from the indicator frame (every area, so
    rates can be set against the ``comparators``; None skips that test). ``end_period``:
    the last year of the strategy; later figures are left out, so a finished strategy
    is judged on its own years. ``first``: the same measures as DfE first published
    them (``published.load_indicators(release="first")``), to flag revisions.
    ``has_extract``: whether the review read a child-level extract (default: whether
    ``frame`` holds any of its rows), for a frame cut down to the one measure.
    ``start``: the date the strategy began, to say how much of a change since an
    earlier baseline came before it. ``interventions``: the strategy's dated
    interventions aimed at this measure, to say when a sudden jump follows one.
    ``began``: what began at ``start``: "strategy", or "visit" for a letter's points."""
    later = frame.iloc[:0]
    if has_extract is None:
        has_extract = bool(len(frame)) and "source" in frame and \
            frame["source"].astype(str).str.startswith("SSDA903").any()
    if end_period is not None and len(frame):
        after = pd.to_numeric(frame["period"], errors="coerce") > end_period
        frame, later = frame[~after], frame[after]
    row = MeasureRow(id=sm.id, text=sm.text, source=sm.source, measure=sm.measure or sm.local,
                     direction=sm.direction,
                     target_value=sm.target.value if sm.target else None)
    mid = sm.measure or sm.local
    if mid is None:
        row.direction_met = row.target_met = row.verdict = "not evaluated"
        row.caveats.append(f"evaltools does not compute this DfE measure yet (proposed registry id "
                           f"{sm.proposed_measure}); it is listed so the gap is visible")
        return row
    have = frame[(frame["measure"] == mid) & (frame["area_code"].astype(str) == str(area))] \
        if len(frame) else frame
    if sm.source == "local" and "period_end" in have and have["period"].duplicated().any():
        # figures at dates (June and December): each year is read at its last figure, so
        # the baseline, the latest and the test read the same rows (the test found none)
        have = have.sort_values("period_end").groupby("period", as_index=False).tail(1).drop(columns="period_end")
    # figures only after a finished strategy's years: said, so "no figures" is not read
    # as DfE publishing nothing (St Helens' in-house foster places start in 2022)
    mine_later = later[(later["measure"] == mid) & (later["area_code"].astype(str) == str(area))
                       & (later["status"] == "ok")] if len(later) else later
    after_end = (f"; DfE's figures for the council start in {_period(int(mine_later['period'].min()), mid)}, after "
                 f"the strategy's last year ({_period(end_period, mid)})") if len(mine_later) else ""
    if have.empty:
        row.caveats.append("no local data supplied" if sm.source == "local" else
                           NO_EXTRACT if sm.source == "child_level" and not has_extract else
                           "no figures for this council" + (" in the strategy's years" + after_end if after_end else ""))
        row.direction_met = row.target_met = row.verdict = "no data"
        return row
    s = frames.series(have, mid, str(area), where="review")
    dropped = s.attrs.get("dropped", [])
    unit = _unit(mid)
    kind = "local" if sm.source == "local" else "published"     # where the figures come from
    if s.empty:
        row.caveats.append("every figure is suppressed or not available"
                           + (" in the strategy's years" + after_end if after_end else ""))
        row.direction_met = row.target_met = row.verdict = "no data"
        return row
    last = s.iloc[-1]
    row.latest_value, row.latest_period = float(last["value"]), int(last["period"] if "period" in s else last["time"])
    period_of = dict(zip(s["time"], s["period"] if "period" in s else s["time"]))

    # the baseline: the strategy's own number, checked against the published one
    b_period = (sm.baseline.period if sm.baseline and sm.baseline.period else None) or baseline_period
    published_at = {int(period_of[t]): float(v) for t, v in zip(s["time"], s["value"])}
    if sm.baseline and sm.baseline.value is not None:
        row.baseline_value, row.baseline_period, row.baseline_from = sm.baseline.value, b_period, "strategy"
        if sm.source in ("published", "local") and b_period in published_at:
            pub = published_at[b_period]
            if abs(pub - sm.baseline.value) > MATCH_TOLERANCE:
                every = [p for p, v in published_at.items() if abs(v - sm.baseline.value) <= MATCH_TOLERANCE]
                # a strategy quotes a recent year: Hertfordshire's 37.5 (March 2021) "matched"
                # LAIT's whole-number 38 of 2016, five years before, which a board would query
                matches = [p for p in every if b_period - NEAR_YEARS <= p <= b_period + 1]
                def matched(p):     # a whole-number figure (LAIT's) matches only within its rounding
                    v = published_at[p]
                    return _period(p, mid) + (f" ({v:g}, a whole number: within its rounding only)"
                                              if float(v).is_integer() and not float(sm.baseline.value).is_integer()
                                              else "")
                row.baseline_matches = tuple((p, matched(p)) for p in matches)
                row.caveats.append(
                    f"the strategy's baseline {sm.baseline.value:g} does not match the {kind} {_period(b_period, mid)} figure "
                    f"({round_half_up(pub, 1):.1f})" + (f"; it matches {', '.join(w for _, w in row.baseline_matches)}"
                                                       if matches else f"; it matches no {kind} year"
                                                       + (f" near {_period(b_period, mid)}" if every else ""))
                    + f" (the review starts from the {kind} figure, to compare like with like)")
                # the latest figure is DfE's (or the council's file), so the start is too:
                # the direction, a target set as a change on the baseline and the test all
                # read the same two figures
                row.baseline_value, row.baseline_from = pub, kind
            elif pub != sm.baseline.value:
                # the strategy's figure is the published one rounded (the Ofsted letter's 44%
                # of children with 3+ social workers, DfE's 43.9%): the review shows and
                # compares DfE's own, so one year does not read as two figures (44% to 43.9%)
                # and a later 43.95% is not a fall from 44
                row.baseline_value, row.baseline_from = pub, kind
    elif b_period in published_at:
        row.baseline_value, row.baseline_period, row.baseline_from = published_at[b_period], b_period, kind
    said = False        # a caveat already says why there is no figure for the baseline year
    if row.baseline_value is None and b_period is not None and any(p > b_period for p in published_at):
        # no figure for the baseline year (a measure first published later): the first year there is
        first_year = min(p for p in published_at if p > b_period)
        hidden = sorted(int(t) for _, t, st in dropped if st == "c" and b_period <= int(t) < first_year)
        if hidden:
            # Hertfordshire's apprenticeships: 2021 not collected, 2022 c (1 to 5 of 495),
            # then 13, 12, 11: starting from 2023 read a rise as a fall
            which = ("DfE suppressed it (c, a small number)" if hidden[0] == b_period else
                     f"DfE suppressed the next ({_period(hidden[0], mid)}: c, a small number)")
            row.caveats.append(f"no figure for the baseline year {_period(b_period, mid)}, and {which}, so the review "
                               "does not start from a later year: that could turn a rise into a fall")
            said = True
        elif first_year < row.latest_period:
            row.baseline_value, row.baseline_period = published_at[first_year], first_year
            row.baseline_from = kind
            row.caveats.append(f"no figure for the baseline year {_period(b_period, mid)}; the baseline is "
                               f"the first year with one, {_period(first_year, mid)}")
    if row.baseline_value is None and not said and b_period is not None and (b_period - 1) in published_at \
            and b_period - 1 < row.latest_period:
        # a survey run every other year (2023, 2025) against a 2024 baseline: the year
        # before is the nearest start, where the later one is the latest figure itself
        row.baseline_value, row.baseline_period, row.baseline_from = published_at[b_period - 1], b_period - 1, kind
        row.caveats.append(f"no figure for the baseline year {_period(b_period, mid)}; the baseline is the year "
                           f"before, {_period(b_period - 1, mid)}")
    if row.baseline_value is None and not said:
        row.caveats.append("no baseline: the strategy gives none and there is no figure for its baseline year")
    gone = [f"{_period(t, mid)} ({st})" for _, t, st in dropped]
    if gone:
        row.caveats.append("suppressed or not available: " + ", ".join(map(str, gone)) + " (not read as 0)")
    if mid in registry.ids() and row.baseline_period:
        change = _definition_change(mid, row.baseline_period, row.latest_period)
        if change:
            row.caveats.append(change)
    if first is not None and sm.source == "published" and row.baseline_period is not None:
        rev = revisions(first, have, mid, str(area), row.baseline_period, row.latest_period)
        if rev:
            row.caveats.append(rev)
    stopped = published.discontinued(mid) if sm.source == "published" and mid in registry.ids() else None
    if stopped and "source" in have and str(have.loc[have["period"] == row.latest_period, "source"].iloc[0]).startswith("EES"):
        # (LAIT may still carry the years after: a DfE figure, and no gap to explain)
        row.caveats.append(published.stopped_words(stopped))
    # jumps into the baseline year or after it change the comparison; earlier ones do not
    j = [p for p in jumps(s) if row.baseline_period is None or p >= row.baseline_period]
    if j:
        row.caveats.append(jump_words(s, j, lambda p: _period(p, mid))
                           + _after_intervention(s, j, mid, interventions, sm.direction)
                           + ": check for a recording change before reading it as a real change")
    zeros = _zero_run(frame, have, mid, area)
    if zeros is not None:
        row.caveats.append(zeros)
    if sm.source == "published" and mid in registry.ids() and row.latest_period is not None:
        # the latest figure's own cohort: many with no information recorded (care leavers
        # at 17-18), or a figure of only some of it (an average SDQ score). Worded under
        # the strictest policy, as a caveat shows under every one
        m = registry.get(mid)
        for note in (bmk.recording_note(m, row.latest_period, str(area), "published", "the latest figure"),
                     bmk.coverage_note(m, row.latest_period, str(area), "published", "the latest figure")):
            if note:
                row.caveats.append(f"{_period(row.latest_period, mid)}: {note}")

    if row.baseline_value is not None and row.baseline_period == row.latest_period:
        row.direction_met = "no figure since the baseline"      # not "no change": nothing to compare
    elif row.baseline_value is not None:
        row.direction_met = _moved(sm.direction, row.baseline_value, row.latest_value, unit,
                                   registry.get(mid).polarity if mid in registry.ids() else "none")
        if row.direction_met in ("yes", "no") and sm.direction != "maintain" and row.baseline_from == "published" \
                and "decimals" in have.columns:
            # LAIT's whole numbers: 55 (LAIT) against an exact 54.5% is not a fall
            at = dict(zip(have["period"].astype(int), have["decimals"]))
            if published.within_lait_rounding([at.get(p) for p in (row.baseline_period, row.latest_period)],
                                              row.baseline_value, row.latest_value):
                row.direction_met = "no change beyond rounding"
    if sm.target and sm.target.change_percent is not None:
        if row.baseline_value is not None:
            row.target_value = row.baseline_value * (1 + sm.target.change_percent / 100)
            row.target_from_baseline = True
            row.caveats.append(f"the target is a change of {sm.target.change_percent:+g}% on the baseline "
                               f"({_fmt(row.baseline_value, mid)} to {_fmt(row.target_value, mid)})")
        else:
            row.target_met = "no baseline for the target"
    if sm.target and sm.target.relative_to:
        _relative_target(row, sm, frame, mid, area)
    elif row.target_value is not None:
        row.target_met = _target_met(sm.direction, row.target_value, row.latest_value, _polarity(sm.direction, mid))
    if row.target_met in ("yes", "no") and row.baseline_period is not None \
            and row.baseline_period == row.latest_period:
        # the only figure is the baseline year's: the strategy cannot have met (or missed) it yet
        row.target_met = f"{'met' if row.target_met == 'yes' else 'not met'} at the baseline; no figure since"
    elif row.target_met in ("yes", "no") and b_period is not None and row.latest_period < b_period:
        # the newest figure is from before the strategy's baseline year (the later ones
        # suppressed): Rutland's 3+ placements of 2020 was "target met: no" for a
        # strategy of 2022-25
        row.target_met = f"not judged: the latest figure ({_period(row.latest_period, mid)}) is from before the baseline"

    # the statistical verdict: counts at both ends give a test; otherwise say why not
    if row.baseline_period is None:
        row.verdict, row.test = "not tested", "no baseline to compare with"
    elif row.baseline_period == row.latest_period:
        row.verdict, row.test = "not tested", "the latest figure is the baseline year"
    elif unit == "percent" or (sm.source == "local" and s["numerator"].notna().all()
                               and s["denominator"].notna().all()):
        _before_after_verdict(row, sm, have, mid, area)
        if row.verdict != "not tested" and sm.source == "published" and comparators is not None:
            _against_neighbours(row, sm, frame, mid, area, comparators)
        if row.verdict == "not tested" and sm.source == "published" and comparators is not None:
            why = row.test          # no counts for a year (LAIT's early years): compare with neighbours
            _did_verdict(row, sm, frame, mid, area, comparators)
            if row.verdict == "not tested":
                row.test = why
    elif sm.source == "published" and comparators is not None and mid in registry.ids():
        _did_verdict(row, sm, frame, mid, area, comparators)
    elif unit in registry.PER_CHILD_UNITS and sm.source == "child_level":
        # the counts are events (moves, incidents), and a few children have many: a test on
        # the year's totals would take each event as independent and be too sure of itself
        row.verdict, row.test = "not tested", (
            "not tested on the year's totals: the events cluster in a few children, so such a test would be "
            "too sure of itself; the topic report tests the monthly series at each intervention")
    else:
        row.verdict, row.test = "not tested", "no counts to test (not a percentage of children)"
    if start is not None and row.verdict != "not tested" and row.baseline_period not in j:
        _before_start(row, sm, have, mid, area, start, began)
    if row.baseline_period in j and "beyond noise" in row.verdict:
        # a change from a year that stands out from those around it mostly measures that
        # one year (regression to the mean), whatever the strategy did
        part = row.test.split(";")[0]
        part += ")" * (part.count("(") - part.count(")"))
        way = jump_ways(s, [row.baseline_period])[int(row.baseline_period)]
        row.test = (f"not judged: {_period(row.baseline_period, mid)}, the baseline year, is a sudden {way} from "
                    f"the years around it, so a change from it would mostly measure that one year. From it: {part}")
        row.verdict = "not tested"
    elif zeros is not None and row.verdict in VERDICTS:
        # 0% year after year where England's rate would give about 21: the figures more
        # likely say nothing was recorded, so "no detectable change" would read as a result
        row.test = ("not judged: the council's figure is 0 in every recent year, more likely unrecorded than "
                    f"none (see the caveats); check the recording before testing a change. Were the zeros real: "
                    f"{row.test}")
        row.verdict = "not tested"
    return row


def _before_start(row: MeasureRow, sm, have: pd.DataFrame, mid: str, area: str, start,
                  what: str = "strategy") -> None:
    """A change since a baseline that came years before the strategy began may have come
    before it (St Helens' missing incidents fell from 14.7% in 2018 to 9.5% in 2020, 2.2
    points of it by March 2019, before its April 2019 start): the row says how much, and,
    for a percentage of children, what the strategy's own years show. Whatever the
    verdict: Herefordshire's Attainment 8 rose 3.4 from 2022/23, the 2025-27 strategy's
    stated baseline, 1.1 of it by 2023/24, before its start, and the test against the
    neighbours counted that year as after it (virtual school head's review).
    Not said where the council's part before the start is under a quarter of the change
    or went the other way, nor where any of the three years is withheld under the
    strictest policy (its figure would show). ``what`` began at ``start``: "strategy", or
    "visit" for an Ofsted letter's points (nothing was under way before a letter)."""
    from . import sdc
    from .periods import collection_year

    # the last figure taken before the start: for a census, the last census before it
    # (Ofsted's visit of 22 October 2024 came after the census of 30 September 2024, so
    # that census, 21 of the agency rate's 37-point fall, is before it)
    last_pre = (registry.get(mid).first_period_from(start) if mid in registry.ids() else collection_year(start)) - 1
    strict = sdc.policy("published")
    if not (row.baseline_period < last_pre < row.latest_period) \
            or any(_rests_on_few(have, mid, p, strict) for p in (row.baseline_period, last_pre, row.latest_period)):
        return
    at = have[(have["period"] == last_pre) & (have["status"] == "ok")]
    if at.empty or row.baseline_value is None or row.latest_value is None:
        return
    pre, total = float(at["value"].iloc[0]) - row.baseline_value, row.latest_value - row.baseline_value
    if total == 0 or np.sign(pre) != np.sign(total) or abs(pre) < 0.25 * abs(total):
        return
    points = " points" if _unit(mid) == "percent" else ""
    span = (f"from {_period(row.baseline_period, mid)} to {_period(last_pre, mid)}, "
            + (f"before it began in {start:%B %Y}" if what == "strategy" else f"before the {what} in {start:%B %Y}"))
    head = f"{_UNDER_WAY} {what}"
    said = (f"{head}: {signed(pre)} of the {signed(total)}{points} came {span}" if abs(pre) <= abs(total)
            else f"{head}: more than the whole change ({signed(total)}{points}) came {span} ({signed(pre)})")
    try:
        res = before_after(have, last_pre, row.latest_period, measure=mid, area=str(area),
                           polarity=_polarity(sm.direction, mid))
    except ValueError:          # no counts (a rate, a score): the split alone
        row.caveats.append(f"{said}; the test counts the years to {_period(last_pre, mid)} as after the baseline")
        return
    row.caveats.append(
        f"{said}; over its own years, {_period(last_pre, mid)} to {_period(row.latest_period, mid)}, the change was "
        f"{signed(res.estimate)} (95% CI {signed(res.ci[0])} to {signed(res.ci[1])}): {res.diagnostics['verdict']}")


#: how :func:`_before_start`'s caveat begins, then "strategy" or "visit"
#: (:func:`finding_flags` looks for it)
_UNDER_WAY = "already under way before the"
_BEFORE_STRATEGY = _UNDER_WAY + " (?:strategy|visit)"


def _before_after_verdict(row: MeasureRow, sm, have: pd.DataFrame, mid: str, area: str) -> None:
    """Percentages of children: the latest year against the baseline year (Newcombe)."""
    try:
        res = before_after(have, row.baseline_period, row.latest_period, measure=mid, area=str(area),
                           polarity=_polarity(sm.direction, mid))
        row.verdict = res.diagnostics["verdict"]
        row.test = (f"{signed(res.estimate)} points ({round(res.level * 100)}% CI {signed(res.ci[0])} to "
                    f"{signed(res.ci[1])}); {res.diagnostics['notes'][1]}")
    except ValueError as e:
        row.verdict, row.test = "not tested", _untested(str(e), have, mid, (row.baseline_period, row.latest_period))


#: the neighbours test's reason when too few years come before the baseline, and the
#: caveat of a change beyond noise that could not be set against them
_FEW_YEARS_BEFORE = "up to the baseline"
NOT_AGAINST_NEIGHBOURS = "not set against the statistical neighbours' change"

#: how a row's caveats name its second test: from the review's baseline, where the topic
#: reports start from each intervention's year, so their figures can differ
AGAINST_NEIGHBOURS = ("against the statistical neighbours' change since the baseline (the kind of test the "
                      "topic reports make from each intervention's year)")


def _against_neighbours(row: MeasureRow, sm, frame: pd.DataFrame, mid: str, area: str, comparators) -> None:
    """A percentage tested against the council's own baseline is also set against its
    neighbours' change, the topic reports' yardstick: when the two tests disagree, the
    row says so, so a reader of both is not left with two verdicts and no reason. A
    change beyond noise may be no more than the neighbours' own (dental checks); one
    within noise may stand out against what the neighbours did (carer-requested endings),
    and when that interval only just leaves out no change, the row says so."""
    other = MeasureRow(id=row.id, text=row.text, source=row.source, measure=row.measure,
                       direction=row.direction, baseline_period=row.baseline_period)
    res = _did_verdict(other, sm, frame, mid, area, comparators)
    if res is None and "beyond noise" in row.verdict and f" {_FEW_YEARS_BEFORE}; " in (other.test or ""):
        # St Helens' SDQ completion rose 8.8 points from 2019 to 2020, as its neighbours'
        # did (7.3), with no year before 2019 to set it against them: the row says so
        row.caveats.append(f"{NOT_AGAINST_NEIGHBOURS} ({other.test}), so whether they changed as much is "
                           "not tested: see their figures in the trend table")
    if res is None or other.verdict in ("not tested", row.verdict):
        return
    since, (lo, hi) = res.diagnostics["reference_period"], res.ci
    head = (f"{AGAINST_NEIGHBOURS}: {other.verdict} "
            f"({signed(res.estimate)}{_unit_words(res)} against the statistical neighbours' change since "
            f"{_period(since, mid)}, "
            f"95% CI {signed(lo)} to {signed(hi)}): ")
    from .topics import borderline, units
    if "beyond noise" in row.verdict:
        mde = res.diagnostics["mde"]
        own = None if row.latest_value is None or row.baseline_value is None else row.latest_value - row.baseline_value
        # "the neighbours moved about as much" only where the comparison's estimate is a
        # small part of the council's own change: Hertfordshire's suitable accommodation
        # fell 5.0 while its neighbours rose, an estimate of -3.6 with a wide interval
        if abs(res.estimate) >= mde / 2 or (own is not None and abs(res.estimate) >= abs(own) / 2):
            # not "the neighbours did as well": they may have moved far less (dental: +4.9
            # against +21), but their figures swing so much that the test cannot tell
            row.caveats.append(head + "the neighbours' own figures swing so much from year to year that this test "
                               f"finds a difference of about {significant(mde)} {units(registry.get(mid))} only 4 "
                               "times in 5, so it cannot show how much of the change is the strategy's doing")
        else:       # a difference near 0: the neighbours' figures did move about as much
            row.caveats.append(head + "the neighbours' figures moved about as much over the same years, so the "
                               "change may not be the strategy's doing")
    else:
        edge = borderline(lo, hi)
        row.caveats.append(head + "against its own baseline the change is within noise, but set against what the "
                           "neighbours' figures did over the same years it stands out"
                           + ("; the interval only just leaves out no change, so read it as borderline" if edge else ""))
    # who that test left out, and which years and group of neighbours it used
    row.caveats += [c for c in other.caveats if c.startswith((GAPS_LEAD, OWN_YEARS_LEAD, REGROUPED_LEAD))]
    row.caveats += [c for c in other.caveats if c in _TREND_CAVEATS.values()]


#: how many years before its baseline year a strategy's figure is looked for
NEAR_YEARS = 3


def _untested(message: str, have: pd.DataFrame, mid: str, periods) -> str:
    """Why a proportion test could not be run, in words (the statistics' error names
    the measure's id and the periods as a list)."""
    if "has no counts" in message:
        bare = have[have["period"].isin(periods) & (have["numerator"].isna() | have["denominator"].isna())]
        years = sorted(bare["period"].unique())
        if not years:
            return "no counts of children to test the change"
        if mid not in registry.ids():       # the council's own file: it can give them
            return (f"the local {listing(_period(p, mid) for p in years)} "
                    f"{'figure is given as a percentage' if len(years) == 1 else 'figures are given as percentages'} "
                    "alone: give the numerator and denominator in the local measures file to test the change "
                    "for noise")
        return (f"the published {listing(_period(p, mid) for p in years)} "
                f"{'figure has' if len(years) == 1 else 'figures have'} no counts of children, so the change "
                "cannot be tested for noise")
    absent = _NO_FIGURE.search(message)
    if absent:          # a year with no row at all (the baseline shown is the strategy's own)
        years = [int(y) for y in re.findall(r"\d{4}", absent.group(1))]
        named = listing(_period(p, mid) for p in years)
        if mid not in registry.ids():
            return (f"the local measures file has no {named} figure (a baseline shown is the strategy's own "
                    "words): add that year's numerator and denominator to test the change for noise")
        return (f"no published {named} figure ({absent.group(2)}), so the change cannot be tested for noise")
    return message.split(": ", 1)[-1]


#: the statistics' words for a test year with no row: its years, then why
_NO_FIGURE = re.compile(r"no (?:before|after) figure for .*? in \[([^\]]*)\] \(([^)]*)\)")


def _unit_words(res) -> str:
    """" percentage points", " per 10,000 children": the unit of a DiD's change, so
    "-13.6 against the neighbours' change" does not leave a board member to guess it."""
    return f" {res.unit}" if getattr(res, "unit", "") else ""


def _did_verdict(row: MeasureRow, sm, frame: pd.DataFrame, mid: str, area: str, comparators):
    """Rates, days and averages have no counts of children to compare, so the change
    from the baseline year is set against the statistical neighbours' change
    (difference-in-differences on the published annual figures). Returns the DiD
    result, or None when it could not be run (the row says why)."""
    from .stats.diffindiff import did
    from .topics import COUNT_NOT_COMPARED, did_failure_words, placebo_words, verdict

    if registry.get(mid).size_dependent:
        row.verdict, row.test = "not tested", f"not set against the neighbours' change: {COUNT_NOT_COMPARED}"
        return None
    first = row.baseline_period + 1
    # a neighbour's figures that rest on a recording gap are left out, and named
    f, against, left, cut = comparison_inputs(frame[frame["measure"] == mid], area, comparators)
    mine = f[(f["area_code"].astype(str) == str(area)) & (f["status"] == "ok")]
    pre = int((mine["period"] < first).sum())
    if pre < 2:
        row.verdict = "not tested"
        row.test = f"{count(pre, 'published year')} {_FEW_YEARS_BEFORE}; a comparison with the neighbours needs 2"
        return None
    try:
        # against the baseline year itself: a fall that began years before the strategy
        # is not credited to it (the earlier years still test the pre-trends)
        res = did(f, str(area), first, measure=mid, comparators=against, reference="last")
    except (ValueError, KeyError) as e:
        row.verdict, row.test = "not tested", did_failure_words(e)
        return None
    lo, hi = res.ci
    row.verdict = verdict(lo, hi, _polarity(sm.direction, mid))
    since = res.diagnostics["reference_period"]
    gap = gaps_words(left, registry.get(mid))
    if "beyond noise" in row.verdict and any(w.startswith("already under way") for w in res.warnings):
        recent = res.diagnostics["recent_change"]
        row.caveats.append(
            f"already under way before the baseline: from {_period(since - 1, mid)} to {_period(since, mid)} the "
            f"council's figure moved {signed(recent)} against the neighbours', the same way as the {signed(res.estimate)} "
            "since, so part of the change may continue one that began before the strategy")
    row.test = (f"{signed(res.estimate)}{_unit_words(res)} against the statistical neighbours' change since "
                f"{_period(since, mid)} "
                f"(95% CI {signed(lo)} to {signed(hi)}; difference-in-differences); "
                f"{detectable('about ' + significant(res.diagnostics['mde']), res.estimate, lo, hi, res.diagnostics['mde'])}. "
                f"{placebo_words(res)}").rstrip()
    if gap:
        row.caveats.append(gap)
    if cut:
        row.caveats.append(own_years_words(cut, registry.get(mid)))
    regroup = regrouped_words(str(area), comparators, sorted(int(p) for p in mine["period"]))
    if regroup:
        row.caveats.append(regroup)
    row.caveats += _trend_caveats(res.warnings)
    return res


#: the comparison's own cautions a review row carries, by how they start, in words
#: without figures (a row's caveats show even where its figures are withheld)
_TREND_CAVEATS = {
    "pre-trends are not parallel": "before the baseline the council's figure and its neighbours' were not moving "
                                   "in parallel, so the neighbours' change may not show what would otherwise have "
                                   "happened: read the comparison with caution",
    "only 2 periods before": "only 2 published years up to the baseline: too few to check that the council and its "
                             "neighbours were moving in parallel before it",
    "only one period before": "only one published year up to the baseline: whether the council and its neighbours "
                              "were moving in parallel cannot be checked",
    # diffindiff's warning where the council's own figures swing far more than its
    # neighbours' (NOISIER): without it a wide interval beside a large change reads as
    # an absurd "no detectable change"
    "before the intervention the treated unit's figures swung": (
        "before the baseline the council's own figures swung much more from year to year than its neighbours' "
        "(around the trend they share), so the neighbours' changes understate its chance variation and the "
        "interval is widened to allow for it"),
}


#: the words of :func:`evaltools.stats.power.detectable` and of the neighbours' ranking
#: (:func:`evaltools.topics.placebo_words`) that :func:`finding_flags` looks for
_NEAR_EDGE = "near the edge of what the data can tell from noise"
_RANKED = re.compile(r"with (\d+) neighbours, the largest change of all would still happen by chance 1 time in (\d+)")
_MATCHED = re.compile(r"(\d+) of the (\d+) neighbours[^.;]*? changed by as much or more")


def finding_flags(row) -> list[str]:
    """What most limits a review row's move or verdict beyond noise, in a few words each, from
    its caveats: for the lines a board paper quotes (the narrative's, the briefing's key
    message on a letter's points) without the caveats column beside them. ``row``: a
    row of :attr:`Review.table`."""
    caveats = row["caveats"]
    # a move from one year to another measured differently (a new maximum score, the
    # pandemic's teacher-assessed grades) is no move either way
    flags = ["the years compared are not measured alike"] \
        if _NOT_ALIKE in caveats or _DEFINITION_CHANGED in caveats else []
    # the latest figure speaks for only part of the cohort (benchmark.coverage_note,
    # benchmark.unknown_note's words in a review row)
    if re.search(r"rests on those [\w ]+ only", caveats):
        flags.append("the latest figure covers only part of the cohort")
    if "may reflect recording" in caveats:
        flags.append("many have no information recorded, so it may reflect recording")
    ways = sorted(set(re.findall(r"a sudden (rise|fall) in", caveats)), reverse=True)
    # at the baseline or since (the caveat says which): a move either way may rest on it
    jump = [f"a sudden {' or '.join(ways)} in it may be a recording change"
            + (", or the effect of the intervention aimed at it" if "which was aimed at it" in caveats
               else ", or the effect of the interventions aimed at it" if "which were aimed at it"
               in caveats else "")] if ways else []
    if _LATEST_BEFORE in caveats:
        flags.append(_LATEST_BEFORE)
    if "beyond noise" not in row["verdict"]:
        return flags + jump
    if f"{AGAINST_NEIGHBOURS}: no detectable change" in caveats:
        flags.append("not confirmed against the statistical neighbours")
    if NOT_AGAINST_NEIGHBOURS in caveats:
        flags.append(NOT_AGAINST_NEIGHBOURS)
    if _TREND_CAVEATS["pre-trends are not parallel"] in caveats:
        flags.append("the council and its neighbours were not moving in parallel before the baseline")
    flags += jump
    if "already under way before the baseline" in caveats:
        flags.append("the change was already under way before the baseline")
    own = re.search(_UNDER_WAY + r" (strategy|visit): [^;]*; over its own years, [^:;]*: no detectable change", caveats)
    if own:      # most of it before the strategy began, and its own years alone show no change
        began = "the strategy began" if own[1] == "strategy" else f"the {own[1]}"
        flags.append(f"part of the change came before {began}, and over its own years alone there is "
                     "no detectable change")
    # then how far its own test backs it (the test column's words): a change the data can only
    # just tell from noise, and a ranking against the neighbours that chance alone gives
    # often (with 9 neighbours, the largest of 10 changes 1 time in 10)
    test = (row.get("test") if hasattr(row, "get") else None) or ""
    if _NEAR_EDGE in test:
        flags.append(f"a change {_NEAR_EDGE}")
    if ranked := _RANKED.search(test):
        flags.append(f"its change was the largest of the {int(ranked[1]) + 1} councils compared, which chance "
                     f"alone gives 1 time in {ranked[2]}")
    elif matched := _MATCHED.search(test):
        flags.append(f"{matched[1]} of the {matched[2]} neighbours changed by as much or more over the same years")
    return flags


def _chance_words(tests: int) -> str:
    """What chance alone gives over many tests: at 95%, about 1 in 20 measures that did
    not really change still shows a change beyond noise (Herefordshire's 2025-27 review
    makes 20 tests)."""
    if tests < 10:
        return ""
    return (f" With {tests} measures tested, about {max(1, int(tests / 20 + 0.5))} would show a change beyond noise "
            "by chance alone even if nothing had really changed, so a single such result is weak evidence on "
            "its own; look for several that point the same way.")


def _trend_caveats(warnings) -> list[str]:
    return [text for lead, text in _TREND_CAVEATS.items() if any(w.startswith(lead) for w in warnings)]


def revisions(first: pd.DataFrame, latest: pd.DataFrame, measure: str, area: str, lo: int, hi: int) -> str | None:
    """DfE's revisions of the years ``lo`` to ``hi``: where the figure first published
    differs from today's (by more than rounding), in words."""
    def pick(f):
        f = f[(f["measure"] == measure) & (f["area_code"].astype(str) == area) & (f["status"] == "ok")
              & (f["period"] >= lo) & (f["period"] <= hi)]
        return f.set_index("period")
    a, b = pick(first), pick(latest)
    whole = measure in registry.ids() and registry.get(measure).unit == "count"

    def same(u, v) -> bool:          # a count measure has no denominator in either release
        return (pd.isna(u) and pd.isna(v)) or u == v

    out = []
    for p in sorted(set(a.index) & set(b.index)):
        x, y = a.loc[p], b.loc[p]
        if isinstance(x, pd.DataFrame) or isinstance(y, pd.DataFrame):
            continue
        counts = pd.notna(x["numerator"]) and pd.notna(y["numerator"])
        changed = not (same(x["numerator"], y["numerator"]) and same(x["denominator"], y["denominator"])) \
            if counts else abs(x["value"] - y["value"]) > MATCH_TOLERANCE
        if not changed:
            continue
        def fig(r):
            v = f"{round_half_up(r['value']):,.0f}" if whole else f"{round_half_up(r['value'], 1):.1f}"
            return f"{v} ({r['numerator']:,.0f}/{r['denominator']:,.0f})" if counts and pd.notna(r["denominator"]) else v
        out.append(f"{int(p)} first published as {fig(x)}, now {fig(y)}")
    return ("DfE revised " + "; ".join(out) + " (the review uses the latest figures)") if out else None


def review_table(strategy, frame: pd.DataFrame, comparators="statistical_neighbours",
                 first: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every measure of the strategy, one row each, in the strategy's order. Child-level
    measures read the rows whose source is the 903 extract; the others the rest."""
    child = frame["source"].astype(str).str.startswith("SSDA903") if len(frame) else pd.Series(dtype=bool)
    end = strategy.last_period
    # each row reads only its own measure's figures (child-level ones from the extract,
    # the others from the rest): the frame is split once rather than filtered per row
    parts = {(bool(c), str(m)): g for (c, m), g in
             frame.groupby([child.to_numpy(dtype=bool), frame["measure"].astype(str).to_numpy()], sort=False)} \
        if len(frame) else {}
    rows = [measure_row(sm, parts.get((sm.source == "child_level", str(sm.measure or sm.local)), frame.iloc[:0]),
                        strategy.la, strategy.baseline_period, comparators, end_period=end, first=first,
                        has_extract=bool(child.any()), start=strategy.start,
                        began="visit" if strategy.is_letter else "strategy",
                        # not the strategy itself, aimed at every measure
                        interventions=[iv for iv in strategy.interventions_for(sm.id)
                                       if len(iv.measures) < len(strategy.measures) or len(strategy.measures) == 1])
            for sm in strategy.measures]
    _latest_before_start(rows, strategy.start)
    out = pd.DataFrame([r.__dict__ for r in rows])
    out["caveats"] = out["caveats"].map("; ".join)
    return out


#: how the caveat of :func:`_latest_before_start` begins (:func:`finding_flags` looks for it)
_LATEST_BEFORE = "the latest figure comes mostly from before the strategy began"


def _latest_before_start(rows: list, start) -> None:
    """A row whose latest figure lags the review's (DfE published no later one: KS2 for
    2019/20 and 2020/21, in the pandemic) and holds under 6 months of the strategy says
    so: St Helens' KS2 "from 48% in 2016/17 to 41% in 2018/19" is a fall before its
    April 2019 start, not the strategy's. Where every latest figure is early, the
    review's "Too early to judge" says it once instead."""
    from .topics import exposure_months, exposure_words
    periods = [r.latest_period for r in rows if r.latest_period is not None]
    if start is None or not periods:
        return
    for r in rows:
        if r.latest_period is None or r.latest_period >= max(periods) or r.measure not in registry.ids() \
                or r.baseline_period is None or r.latest_period <= r.baseline_period:     # no move to qualify
            continue
        m = registry.get(r.measure)
        if m.census_on(r.latest_period) is not None:      # a day's count: its own rule (topics)
            continue
        months = exposure_months(start, r.latest_period, academic=m.academic_year)
        if months < 6:
            held = (f"holds {exposure_words(start, r.latest_period, academic=m.academic_year)} of it" if months
                    else "is from before it")
            r.caveats.append(f"{_LATEST_BEFORE}: {m.period_label(r.latest_period)}, the latest here, {held} "
                             f"(it began in {start:%B %Y})")


# ------------------------------------------------------------------ the whole review
@dataclass
class Review:
    """The annual impact review of one strategy: :attr:`table` (one row per measure)
    and the indicator :attr:`frame` it was built from."""
    strategy: object
    table: pd.DataFrame
    frame: pd.DataFrame = field(repr=False)
    sources: list[str] = field(default_factory=list)
    #: the council's rows and which of its figures each policy withholds, found once
    #: (:func:`_mine`, :func:`_few`: the table, counts and narrative all ask)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def ended(self) -> bool:
        """Whether DfE has published a year after the strategy's last: its unjudged
        targets can no longer be judged, not "not yet"."""
        return not self.frame.empty and int(self.frame["period"].max()) > self.strategy.last_period

    @property
    def waiting(self) -> np.ndarray:
        """Which rows wait for data (a local measure not supplied, a DfE measure evaltools
        does not compute yet) rather than having figures to assess."""
        return self.table["verdict"].isin(["no data", "not evaluated"]).to_numpy()

    @property
    def synthetic(self) -> bool:
        """Whether its child-level figures come from the bundled synthetic sample."""
        return any("synthetic" in s for s in self.sources)

    @property
    def commitments(self) -> int:
        """The strategy's commitments (a letter's points): a second figure measuring one
        of them (``part_of``: the agency rate's vacancies) is not counted again."""
        return sum(m.part_of is None for m in self.strategy.measures)

    def counts(self, policy: str = "internal") -> dict:
        """How many measures are in each state. Under a policy that suppresses small
        counts, a measure whose baseline or latest figure shows c is counted as
        ``withheld``, not in the directions or targets (the table shows c there)."""
        t = self.table
        hid = withheld(self, policy)
        shown = t[~hid]
        hidden_target = target_withheld(self, policy)
        judged = t[~hidden_target]                      # targets judged in the open
        return {
            "measures": len(t),
            "with_data": int((~self.waiting).sum()),
            "direction_yes": int((shown["direction_met"] == "yes").sum()),
            "direction_no": int((shown["direction_met"] == "no").sum()),
            # of those, figures from the child-level extract (the synthetic sample until a council's own)
            "direction_child_level": int((shown["direction_met"].isin(["yes", "no"])
                                          & (shown["source"] == "child_level")).sum()),
            "withheld": int(hid.sum()),
            "targets": int(t["target_value"].notna().sum()),
            "targets_met": int((judged["target_met"] == "yes").sum()),
            **{v: int((t["verdict"] == v).sum()) for v in VERDICTS},
            # beyond noise on a measure with no better direction: rose or fell
            "changed": int(t["verdict"].isin(["rose beyond noise", "fell beyond noise"]).sum()),
            "targets_not_met": int((judged["target_met"] == "no").sum()),
            "targets_withheld": int((hidden_target & t["target_met"].isin(["yes", "no"])).sum()),
            "not_tested": int((t["verdict"] == "not tested").sum()),
            "proposed": int((t["verdict"] == "not evaluated").sum()),
            "no_local": int(t["caveats"].str.contains("no local data supplied").sum()),
            "no_extract": int((t["caveats"] == NO_EXTRACT).sum()),
        }

    def _too_early(self) -> str:
        """The bottom line a board reads first when the figures cannot yet show the
        strategy's effect: its latest year holds only part of it, or ends before it began
        (Herefordshire 2025-27: approved in December 2024, reviewed on the year to March
        2025). '' otherwise."""
        from .periods import collection_year
        from .topics import exposure_months, exposure_words
        st = self.strategy
        latest = pd.to_numeric(self.table["latest_period"], errors="coerce").max()
        if st.start is None or not np.isfinite(latest):
            return ""
        first = collection_year(st.start)
        if latest < first:
            return (f"**Too early to judge {st.judged}:** its latest figures, for the year ending 31 March "
                    f"{int(latest)}, are from before it began ({st.start:%B %Y}); they show where it started.")
        if latest == first and exposure_months(st.start, first) < 12:
            return (f"**Too early to judge {st.judged}:** {'the visit was' if st.is_letter else 'it began'} in "
                    f"{st.start:%B %Y}, so its latest figures, for "
                    f"the year ending 31 March {first}, hold {exposure_words(st.start, first)} of it. The results "
                    "below mostly show where it started; the next year's figures will say more.")
        return ""

    def _targets_words(self, c: dict, unjudged: int) -> str:
        """How the targets stand: "Of 5 measures with a target, 2 meet it now and 1 does
        not; 2 cannot be judged yet (...)", or, where none can be judged, "The one measure
        with a target cannot be judged yet (...)" rather than "0 meet it now and 0 do not"."""
        judged = (f"be judged{'' if self.ended else ' yet'} (no figures, none since the baseline, or no "
                  "baseline for the target)")
        n = c["targets"]
        if unjudged == n:
            return (f"The one measure with a target cannot {judged}" if n == 1 else
                    f"None of the {n} measures with a target can {judged}")
        return (f"Of {count(n, 'measure')} with a target, "
                f"{c['targets_met']} {'meets' if c['targets_met'] == 1 else 'meet'} it now and "
                f"{c['targets_not_met']} {'does' if c['targets_not_met'] == 1 else 'do'} not"
                + (f"; {unjudged} cannot {judged}" if unjudged else ""))

    def narrative(self, policy: str = "internal") -> str:
        """A short draft for the board paper, from the numbers (to edit, not to paste
        unread), under the disclosure ``policy`` the table is shown with."""
        c = self.counts(policy)
        t = self.table
        shown = display_table(self, policy)
        shown.index = t.index
        def figures(r) -> str:
            """" — SDQ completed (5-16) from 65.6% in 2019 to 74.5% in 2020, target 100%
            not met": a commitment's name alone ("All cared-for children have a completed
            SDQ") in a list of gains reads as if it were achieved. Figures as the table
            shows them; none where one is c."""
            d = shown.loc[r.name]
            if not r["measure"] or "c" in (d["Baseline"], d["Latest"]) or not d["Baseline"] or not d["Latest"]:
                return ""
            if r["measure"] in registry.ids():
                short = registry.get(r["measure"]).short + " from"
            elif r["source"] == "local":     # a council's own measure: its commitment names it
                short = "from"
            else:
                return ""
            base, latest = (re.sub(r" \(([^()]*)\)$", r" in \1", d[k]) for k in ("Baseline", "Latest"))
            target = f", target {d['Target']} not met" if d["Target"] and d["Target met"] == "no" else ""
            return f" \u2014 {short} {base} to {latest}{target}"
        def name(r):     # a move resting on what its caveats question says so, in one bracket
            flags = finding_flags(r)
            sample = ["synthetic sample, not children's records"] if self.synthetic and r["source"] == "child_level" \
                else []
            said = "; ".join(sample + flags) + (": see the caveats" if flags else "")
            return md(r["text"].rstrip(".")) + figures(r) + (f" ({said})" if said else "")
        no_figures = c["measures"] - c["with_data"] - c["no_local"] - c["proposed"] - c["no_extract"]
        def are(n, what, plural):     # "1 is a local measure", "37 are local measures"
            return f"{n} {'is ' + what if n == 1 else 'are ' + plural}"
        rest = [are(c["no_local"], "a local measure with no local data supplied yet",
                    "local measures with no local data supplied yet") if c["no_local"] else "",
                f"{no_figures} {'has' if no_figures == 1 else 'have'} no published figures for the council"
                if no_figures else "",
                are(c["no_extract"], "a child-level measure with no SSDA903 extract given",
                    "child-level measures with no SSDA903 extract given") if c["no_extract"] else "",
                are(c["proposed"], "a DfE measure evaltools does not compute yet",
                    "DfE measures evaltools does not compute yet") if c["proposed"] else ""]
        parts = [early] if (early := self._too_early()) else []
        # a commitment measured by two figures (agency rate and vacancies) is one point
        points = self.commitments
        kind = "points" if self.strategy.is_letter else "commitments"
        parts += [f"{'The letter' if self.strategy.is_letter else 'The strategy'} has "
                  + (f"{c['measures']} {'points' if self.strategy.is_letter else 'measures'}. "
                     if points == c["measures"] else f"{points} {kind}, with {c['measures']} measures between them. ")
                  + f"{c['with_data']} {'has' if c['with_data'] == 1 else 'have'} figures to assess"
                  + (f"; {listing(rest)}." if any(rest) else ".")]
        unjudged = c["targets"] - c["targets_met"] - c["targets_not_met"] - c["targets_withheld"]
        # which of the moves rest on the synthetic sample, said of each group: "(2 of these
        # rest on ...)" after "11 moved the other way" read as 2 of the 11, where both were
        # among the 8 that moved as promised
        on_sample = {}
        if self.synthetic:
            kept = t[~withheld(self, policy)]
            child = kept["source"] == "child_level"
            on_sample = {k: int((child & (kept["direction_met"] == k)).sum()) for k in ("yes", "no")}
        sample = [f"{n} of the {c['direction_' + k]} that moved {'as promised' if k == 'yes' else 'the other way'}"
                  for k, n in on_sample.items() if n]
        verb = "rests" if sum(on_sample.values()) == 1 else "rest"       # "1 of the 8 rests"
        aside = ([f"{' and '.join(sample)} {verb} on the synthetic child-level sample, not real children's "
                  "records"] if sample else []) \
            + ([f"{count(c['withheld'], 'more is', 'more are')} not shown: "
                f"{'its figures' if c['withheld'] == 1 else 'their figures'} would reveal 1 to 5 children"]
               if c["withheld"] else [])
        parts.append(f"Since the baseline, {c['direction_yes']} moved the way {self.strategy.promised} and "
                     f"{c['direction_no']} moved the other way"
                     + (f" ({'; '.join(aside)})" if aside else "")
                     + (". No measure has a numerical target." if not c["targets"] else
                        f". {self._targets_words(c, unjudged)}"
                        + (f"; {c['targets_withheld']} {'is' if c['targets_withheld'] == 1 else 'are'} not shown "
                           "(the figures would reveal 1 to 5 children)" if c["targets_withheld"] else "") + "."))
        better = t[t["verdict"] == "improved beyond noise"]
        worse = t[t["verdict"] == "worsened beyond noise"]
        moved = t[t["verdict"].isin(["rose beyond noise", "fell beyond noise"])]
        parts.append(f"Only changes larger than chance alone would give count as real: {len(better)} improved "
                     f"beyond noise, {len(worse)} worsened beyond noise"
                     + (f", {len(moved)} rose or fell beyond noise on a measure with no better direction"
                        if len(moved) else "")
                     + f" and {c['no detectable change']} show no detectable change; {c['not_tested']} "
                     "could not be tested." + _chance_words(len(better) + len(worse) + len(moved)
                                                            + c["no detectable change"]))
        def bullets(lead: str, items) -> str:
            """A list a board paper can scan: one measure a line, not ten run together."""
            return f"{lead}:\n\n" + "\n".join(f"- {x}" for x in items)
        if len(better):
            parts.append(bullets("Improved beyond noise", (name(r) for _, r in better.iterrows())))
        if len(worse):
            parts.append(bullets("Worsened beyond noise", (name(r) for _, r in worse.iterrows())))
        if len(moved):
            parts.append(bullets("Rose or fell beyond noise", (f"{name(r)} ({r['verdict'].split()[0]})"
                                                             for _, r in moved.iterrows())))
        # the moves the wrong way that no verdict names: counted above ("10 moved the other
        # way") and otherwise left for the reader to find in the table (a councillor's review)
        other_way = t[~withheld(self, policy) & (t["direction_met"] == "no")
                      & ~t["verdict"].isin(["worsened beyond noise", "rose beyond noise", "fell beyond noise"])]
        if len(other_way):
            parts.append(bullets("Moved the other way, though not beyond noise or not tested",
                                 (name(r) for _, r in other_way.iterrows())))
        child = t[(t["source"] == "child_level") & t["verdict"].str.contains("beyond noise|no detectable")]
        if self.synthetic and len(child):
            total = int(t["verdict"].str.contains("beyond noise|no detectable").sum())
            which = f" ({'; '.join(md(r['text'].rstrip('.')) for _, r in child.iterrows())})" if len(child) <= 3 else ""
            parts.append(f"{len(child)} of the {total} verdicts {'rests' if len(child) == 1 else 'rest'} on the "
                         f"synthetic child-level sample{which}, not real children's records: "
                         f"{'it shows' if len(child) == 1 else 'they show'} how the review works until the "
                         f"council's own SSDA903 extract is given (the Source column says {SYNTHETIC_SOURCE}).")
        flags = {"does not match the published": ("baseline that does not match DfE's published figure",
                                                  "baselines that do not match DfE's published figure"),
                 "definition changed": ("definition change", "definition changes"),
                 _NOT_ALIKE: ("comparison of years not measured alike", "comparisons of years not measured alike"),
                 JUMP_RE: ("possible recording change", "possible recording changes"),
                 "being recorded": ("run of zeros that may be unrecorded", "runs of zeros that may be unrecorded"),
                 _BEFORE_STRATEGY: (("change partly made before the visit", "changes partly made before the visit")
                                    if self.strategy.is_letter else
                                    ("change partly made before the strategy began",
                                     "changes partly made before the strategy began")),
                 _LATEST_BEFORE: ("latest figure mostly from before the strategy began",
                                  "latest figures mostly from before the strategy began"),
                 "revised": ("DfE revision of earlier years", "DfE revisions of earlier years")}
        found = [count(int(t["caveats"].str.contains(k).sum()), one, many) for k, (one, many) in flags.items()
                 if t["caveats"].str.contains(k).any()]
        if found:
            parts.append("Read with care: " + ", ".join(found) + " (see the caveats column).")
        return "\n\n".join(parts)


def build_frame(strategy, *, extract=None, local=None) -> tuple[pd.DataFrame, list[str]]:
    """The indicator frame a review needs: DfE's published figures for every area (so
    rates can be set against the neighbours), the council's child-level measures from
    its 903 ``extract`` (annual, DfE definitions) and its ``local`` measures CSV.
    Returns the frame and a list of the sources used, in words."""
    from pathlib import Path

    from . import local as local_mod
    from . import measures, published, ssda903
    from .paths import input_path

    pub = sorted({m.measure for m in strategy.measures if m.source == "published" and m.measure})
    parts = [published.load_indicators(pub)] if pub else []
    sources = ["DfE's published statistics (explore-education-statistics and LAIT)"] if pub else []
    child = sorted({m.measure for m in strategy.measures if m.source == "child_level" and m.measure}
                   & set(measures.available()))
    if extract is not None and child:
        if hasattr(extract, "tables"):            # an extract already read
            ex = extract
            p = ex.files[0].path.parent.parent if ex.files else Path("extract")
        else:
            p = input_path(extract)
            ex = ssda903.read_extract(p)
        cm = measures.compute(ex, child, la=strategy.la)
        cm = cm[(cm["period_end"].dt.month == 3) & (cm["group"] == "All children")]
        parts.append(cm.drop(columns=["period_end", "breakdown", "group"]))
        from .synth import is_synthetic
        sources.append("a synthetic SSDA903 sample bundled with evaltools (generated, not real children's "
                       "records: its child-level figures show how the review works, not how children fare)"
                       if is_synthetic(p) else f"the council's SSDA903 extract ({p.name})")
    if local is not None:
        p = input_path(local)
        rows = local_mod.read(p, la=strategy.la)
        parts.append(rows)
        named = {m.local for m in strategy.measures if m.source == "local"}
        from .areas import resolve_la
        mine = rows[rows["area_code"].astype(str) == str(resolve_la(strategy.la).area_code)]
        unused = sorted(set(mine["measure"]) - named)
        # figures the strategy names no commitment for: a measure id differing between
        # the file and the strategy would otherwise show only as "no local data supplied"
        sources.append(f"the council's local measures ({p.name}"
                       + (f"; it also holds figures for {listing(unused)}, which no commitment of this "
                          "strategy names as its local: measure" if unused else "") + ")")
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["area_code", "area_name", "period", "measure", "numerator", "denominator", "value", "status",
                 "source"])
    return frame, sources


def evaluate(strategy, *, extract=None, local=None, comparators="statistical_neighbours") -> Review:
    """The annual impact review of a strategy (an id from data/strategies or a
    :class:`~evaltools.strategies.Strategy`)."""
    from . import strategies as strat

    st = strat.load(strategy) if isinstance(strategy, str) else strategy
    frame, sources = build_frame(st, extract=extract, local=local)
    from . import published
    pub = sorted({m.measure for m in st.measures if m.source == "published" and m.measure})
    first = published.load_indicators(pub, use_lait=False, release="first") if pub else None
    return Review(st, review_table(st, frame, comparators=comparators, first=first), frame, sources)


def _zero_run(frame: pd.DataFrame, have: pd.DataFrame, mid: str, area) -> str | None:
    """The caveat of a run of 0% figures too long to be chance (``benchmark.zero_run``):
    more likely not recorded than none at all."""
    from . import benchmark
    from .areas import resolve_la

    if mid not in registry.ids() or "status" not in have:
        return None
    m = registry.get(mid)
    eng = frame[(frame["measure"] == mid) & (frame["area_code"].astype(str) == ind.ENGLAND_CODE)
                & (frame["status"] == ind.OK)]
    run = benchmark.zero_run(m, have["period"], have["numerator"], have["denominator"], have["status"],
                             dict(zip(eng["period"].astype(int), eng["value"])))
    return None if run is None else run.words(m, resolve_la(area).display_name)


def _period(period, mid) -> str:
    """A year as reports name it (``registry.Measure.period_label``: "Sep 2024" for a
    census figure); a local measure's year as it is."""
    return registry.get(mid).period_label(period) if mid in registry.ids() else str(int(period))


def _fmt(v, mid, whole: bool = False) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if mid in registry.ids():            # with its unit, as charts and statements give it
        return registry.get(mid).format_value(v, whole=whole)
    from . import local
    d = local.find(mid)                  # a council's local measure: 95.8%, as DfE's are
    if d is not None:
        return local.format_figure(d.unit, v, whole=whole)
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


#: what the review table shows for a comparison whose baseline or latest figure is c
WITHHELD = f"not shown: its figures {REVEALS}"


def _rests_on_few(mine: pd.DataFrame, measure, period, pol) -> bool:
    """Whether the council's figure for ``measure`` in ``period`` is withheld under the
    policy (``mine``: the council's rows of the frame): it gives away a count of 1 to 5
    children, alone or, under published, with other figures of its cohort."""
    from . import sdc

    if not pol.suppress_small or not measure or period is None or pd.isna(period) or not len(mine):
        return False
    hit = mine[(mine["measure"] == measure) & (mine["period"] == period)]
    # a year DfE itself shows as c: a strategy's own figure for it would give it back
    if "status" in hit and (hit["status"] == "c").any():
        return True
    # every row of the year: a local measure's dated rows (June, December) share one
    # period, and the one the review shows need not be the first
    return bool(len(hit)) and bool(np.asarray(sdc.withheld(hit, pol)).any())     # 1 to 5, or the cohort rule


def _small_count(value, mid, pol) -> bool:
    """A figure that is itself a count of 1 to 5 children (a strategy's stated baseline
    for a year the data do not hold: "3 permanent exclusions in 2023")."""
    from . import sdc

    if not pol.suppress_small or value is None or pd.isna(value) or not mid:
        return False
    return _unit(mid) == "count" and sdc.SMALL[0] <= float(value) <= sdc.SMALL[1]


def _unit(mid) -> str:
    """A measure's unit: the registry's, or a council's local definition's ("" if neither)."""
    from . import local
    return registry.get(mid).unit if mid in registry.ids() else getattr(local.find(mid), "unit", "")


def _mine(review: Review) -> pd.DataFrame:
    """The council's rows of the review's frame (found once per review)."""
    if "mine" not in review._memo:
        f = review.frame
        review._memo["mine"] = f[f["area_code"].astype(str) == str(review.strategy.la)] if len(f) else f
    return review._memo["mine"]


def _few(review: Review, measure, period, pol) -> bool:
    """:func:`_rests_on_few` for the review's council, remembered: the table, the
    counts and the narrative each ask about the same figures."""
    key = ("few", measure, period, pol.name, pol.suppress_small, pol.secondary)
    if key not in review._memo:
        review._memo[key] = _rests_on_few(_mine(review), measure, period, pol)
    return review._memo[key]


def withheld(review: Review, policy: str = "published") -> pd.Series:
    """Per review row, whether its baseline or latest figure shows c under the policy:
    such a row's direction, target check and test are withheld too (see
    :func:`display_table`), and the narrative does not count them."""
    base, latest = _hidden_ends(review, policy)
    return base | latest


def _hidden_ends(review: Review, policy: str) -> tuple[pd.Series, pd.Series]:
    """Per review row, whether its baseline, and whether its latest figure, shows c."""
    from . import sdc

    pol = sdc.policy(policy)
    t = review.table
    base = [bool(pd.notna(r["baseline_value"]) and _few(review, r["measure"], r["baseline_period"], pol))
            or r["baseline_from"] == "strategy" and _small_count(r["baseline_value"], r["measure"], pol)
            for _, r in t.iterrows()]
    latest = [bool(pd.notna(r["latest_value"]) and _few(review, r["measure"], r["latest_period"], pol))
              for _, r in t.iterrows()]
    return pd.Series(base, index=t.index, dtype=bool), pd.Series(latest, index=t.index, dtype=bool)


def target_withheld(review: Review, policy: str = "published") -> pd.Series:
    """Per review row, whether its target check is withheld: its latest figure shows c,
    or its target is a change on a baseline that does. A target the strategy states
    (80%) against a latest figure the table shows is judged in the open, as the
    briefing pack judges it (the review said c beside 76.0% and a target of 80%)."""
    base, latest = _hidden_ends(review, policy)
    on_base = review.table.get("target_from_baseline", pd.Series(False, index=review.table.index)).fillna(False)
    return latest | (base & on_base.astype(bool))


#: what a strategy's direction asks of the figure, in the review table's words
AIMS = {"increase": "aim: higher", "decrease": "aim: lower", "maintain": "aim: keep it"}


def _with_figure(r) -> str:
    """A commitment with the figure that measures it and the way the strategy wants
    it to go: "More children placed inside Herefordshire's boundary (figure: New
    placements outside LA; aim: lower)". The commitment's words alone can point the
    other way from the figure shown beside them."""
    mid = r["measure"]
    if not mid or mid not in registry.ids():
        return r["text"]
    aim = AIMS.get(r["direction"])
    return f"{r['text'].rstrip('.')} (figure: {registry.get(mid).short}" + (f"; {aim})" if aim else ")")


#: the Source column of a figure from the bundled synthetic sample
SYNTHETIC_SOURCE = "synthetic sample"

_REVISED = re.compile(r"DfE revised .*?(\(the (?:review uses|table gives) the latest figures\))")
_COUNTS = re.compile(r" \(\d[\d,]*/\d[\d,]*\)")
#: a revision whose figure, without its counts, reads the same before and after
_SAME = re.compile(r"(\d{4}) first published as ([\d.,]+), now \2(?=;| \()")


#: benchmark.regrouped_words, 55 words repeated in a dozen rows of the review's table
#: (eight landscape pages), said there in a third of them; the Caveats list keeps it whole
_REGROUPED = re.compile(re.escape(REGROUPED_LEAD) + r" (\w+) group of statistical neighbours in every year; the "
                        r"trend tables and charts give each year's own group \(DfE's [^)]*\), so the neighbours' "
                        r"average there can move differently from the one compared here")


def _short_regrouped(caveats: str) -> str:
    return _REGROUPED.sub(r"compared with DfE's \1 group of neighbours in every year (the trend tables use each "
                          r"year's own group)", caveats)


def shown_caveats(caveats: str, policy: str = "published") -> str:
    """A row's caveats as a policy may show them: under one that suppresses small counts,
    DfE's revisions are given as percentages alone. "First published as 80.7 (251/311),
    now 81.0 (251/310)" beside the same revision of other shares of one cohort (dental
    159/311 to 159/310) says what the 1 child dropped from the return had and had not, a
    count of 1 to 5 no such policy may show. A revision that then reads "8.6, now 8.6"
    says that the year was revised but still rounds to the same figure. The table and the
    Caveats list both use it."""
    from . import sdc

    if not sdc.policy(policy).suppress_small:
        return caveats
    return _REVISED.sub(lambda m: _SAME.sub(r"\1, still \2 when rounded", _COUNTS.sub("", m.group(0))),
                        caveats)


_STATED = re.compile(r"the strategy's baseline (\d+(?:\.\d+)?) does not match")


def _without_withheld_years(caveats: str, review: Review, r, pol) -> str:
    """A row's caveats without what they say of a year the policy withholds: a DfE
    revision of it ("2022 first published as 5.6, now 10.3"), or that the strategy's
    baseline matches it ("it matches 2022": 48%, of a cohort shown elsewhere)."""
    if not pol.suppress_small or not r["measure"]:
        return caveats
    # a stated baseline that is itself 1 to 5 children ("the strategy's baseline 3 does not
    # match the local 2023 figure (9.0)"), as the Baseline cell shows it
    caveats = _STATED.sub(lambda m: m.group(0).replace(m.group(1), "c")
                          if _small_count(float(m.group(1)), r["measure"], pol) else m.group(0), caveats)
    hidden = lambda p: _few(review, r["measure"], p, pol)     # noqa: E731
    matches = r.get("baseline_matches") or ()
    if any(hidden(p) for p, _ in matches):
        kept = [w for p, w in matches if not hidden(p)]
        caveats = caveats.replace("; it matches " + ", ".join(w for _, w in matches),
                                  "; it matches " + ", ".join(kept) if kept else "", 1)

    def revised(m):
        inner = m.group(0)[len("DfE revised "):-len(m.group(1)) - 1]
        parts = [x for x in inner.split("; ") if not hidden(int(x[:4]))]
        return f"DfE revised {'; '.join(parts)} {m.group(1)}" if parts else ""
    out = _REVISED.sub(revised, caveats)
    return "; ".join(x for x in out.split("; ") if x.strip()) if out != caveats else out



def _caveats_without_figures(caveats: str) -> str:
    """A withheld row's caveats without the ones quoting its figures (a comparison with
    the neighbours, a change before the start, DfE's revisions, the baseline check): with the other figures
    published they would give the withheld year back."""
    parts = [p for p in caveats.split("; ") if p]
    # the baseline check quotes the year's own figure ("does not match the local 2021
    # figure (7.5); it matches ...")
    quoting = ("DfE revised", "the strategy's baseline", "it matches ")
    kept = [p for p in parts if not SIGNED_FIGURE.search(p) and not p.startswith(quoting)]
    if len(kept) < len(parts):
        kept.append("the comparisons' figures are not shown: they would give the withheld figure back")
    return "; ".join(kept)


def display_table(review: Review, policy: str = "published", *, short_caveats: bool = True) -> pd.DataFrame:
    """The review table as people read it, under the disclosure policy: a baseline or
    latest figure resting on 1 to 5 children (child-level or local counts), or hidden
    by the published policy's cohort rule (:func:`evaltools.sdc.withheld`), shows c."""
    from . import sdc

    pol = sdc.policy(policy)
    mine = _mine(review)
    # a figure from the bundled synthetic sample says so on its own row, which a board
    # paper may quote without the introduction that explains it
    synthetic = review.synthetic
    # the table says the neighbour-group caveat briefly; the Caveats list (short_caveats
    # False) in full
    short = _short_regrouped if short_caveats else (lambda text: text)
    hidden_target = target_withheld(review, policy)
    target_hidden = set(hidden_target.index[hidden_target])
    rows = []
    for _, r in review.table.iterrows():
        def cell(value, period, stated=False):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                return ""
            if _few(review, r["measure"], period, pol) or stated and _small_count(value, r["measure"], pol):
                return "c"
            hit = mine[(mine["measure"] == r["measure"]) & (mine["period"] == period)] \
                if r["measure"] and period is not None and len(mine) else mine.iloc[:0]
            # LAIT's figures and a strategy's own baselines are given as whole numbers or to
            # their own precision: 55%, not 55.0%
            whole = stated or (len(hit) > 0 and published.published_whole(hit["decimals"].iloc[0]
                                                                           if "decimals" in hit else None))
            return _fmt(value, r["measure"], whole=whole) + (
                f" ({_period(period, r['measure'])})" if period is not None and not pd.isna(period) else "")
        base = cell(r["baseline_value"], r["baseline_period"], stated=r["baseline_from"] == "strategy")
        latest = cell(r["latest_value"], r["latest_period"])
        # the direction, the target check and the test behind the verdict are withheld with
        # a c figure: "moved as promised" between two c figures, or "target met" against a c
        # latest figure, would say what the suppressed counts are (the verdict stays)
        withheld = "c" in (base, latest)
        # a target prints as the strategy states it (100%, not 100.0%); one worked out
        # from England or a baseline keeps its decimal
        rows.append({
            "Measure": _with_figure(r), "Source": SYNTHETIC_SOURCE if synthetic and r["source"] == "child_level"
            else r["source"].replace("_", "-"),
            "Baseline": base, "Latest": latest,
            moved_column(review.strategy): "c" if withheld else r["direction_met"],
            # a target worked out from a c baseline (+50% on it) would give the baseline back
            "Target": "c" if base == "c" and r.get("target_from_baseline", False) and pd.notna(r["target_value"])
            else _fmt(r["target_value"], r["measure"], whole=True) if pd.notna(r["target_value"]) else "",
            "Target met": "c" if r.name in target_hidden and r["target_met"] in ("yes", "no") else r["target_met"],
            "Verdict": r["verdict"],
            "Caveats": short(_caveats_without_figures(shown_caveats(r["caveats"], policy)) if withheld
                             else shown_caveats(_without_withheld_years(r["caveats"], review, r, pol), policy)),
            "Test": WITHHELD if withheld else (r["test"] or ""),
        })
    return pd.DataFrame(rows)


def moved_column(strategy) -> str:
    """The review table's direction column: "Moved as promised" for a strategy, "Moved
    as asked" for an Ofsted letter's points (Ofsted asked for them; nobody promised)."""
    return "Moved as asked" if strategy.is_letter else "Moved as promised"
