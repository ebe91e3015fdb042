"""The Ofsted (ILACS) briefing pack: where the council stands, by judgement area.

ILACS judges, among other things, the experiences and progress of children in care,
of care leavers, and the impact of leaders. :func:`scorecard` gives one row per key
measure: the latest figure, its trend since the year before (an arrow, and whether the
change is beyond noise), England, the statistical neighbours, the quartile band among
all councils, and a RAG rating with its basis:

* against the strategy's target, when the council's strategy sets one: green met,
  amber moving the right way since the baseline (and not worse than the year before
  beyond noise), red not. Only a figure from the strategy's years after its baseline
  year is held to its target; a latest figure from the baseline year, or from after
  the strategy ended, is rated as below and its basis says why;
* otherwise against England: green better beyond noise (the council's 95% interval
  clears England's figure), red worse beyond noise, amber within noise;
* for figures without counts (LAIT rates), by quartile band: A green, D red;
* measures without a polarity (how many children are in care) are context: no RAG;
* a measure of children a council identified (substance misuse) is not rated against
  England where at least a tenth of councils identified none that year
  (:func:`evaltools.benchmark.identified_note`; a strategy's target still rates it).

After the scorecard, :attr:`Briefing.others` lists the other measures an inspector
would see: every measure DfE publishes for each council (the benchmarking report's
set) that is not on the scorecard and whose latest figure is in the worst quarter of
councils (band D), or worse than the comparators or England beyond noise. A latest
year suppressed (c) is not rated, as on the scorecard.

:func:`key_messages` drafts the opening messages from the scorecard and those measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import benchmark as bmk
from . import indicators as ind
from . import published, registry, sdc
from .areas import resolve_la
from .comparators import comparator_label
from .errors import ConfigError
from .stats.proportions import difference_ci
from .wording import REVEALS, md

#: judgement area -> key measures (those the registry does not hold are skipped)
AREAS = {
    "Children in care": [
        "cla_rate_per_10k", "cla_3plus_placements", "long_term_stability", "oc2_health_assessments",
        "oc2_dental_checks", "oc2_immunisations", "oc2_sdq_received", "oc2_sdq_average",
        "oc2_substance_misuse", "cla_missing_incident", "adoption_a10_days",
        "ks4_attainment8", "absence_persistent", "suspensions_one_plus"],
    "Care leavers": [
        "care_leavers_in_touch_17_18", "care_leavers_in_touch_19_21", "care_leavers_eet_17_18",
        "care_leavers_eet_19_21", "care_leavers_suitable_accommodation_17_18",
        "care_leavers_suitable_accommodation_19_21", "staying_put_18"],
    "Leaders: workforce and sufficiency": [
        # vacancies beside the agency rate: a post an agency worker covers is vacant
        # too, so a falling agency rate does not say the posts are filled
        "social_worker_turnover", "social_worker_agency_rate", "social_worker_vacancy_rate",
        "social_worker_caseload",
        "cla_3plus_social_workers", "cla_placed_outside_la_over_20_miles", "new_placements_outside_la",
        # children placed a long way from home, the year's new placements: what Ofsted's
        # letters name (Herefordshire, October 2024), beside the stock above
        "new_placements_outside_la_over_20_miles", "cla_in_foster_care"],
}
RAG = ("green", "amber", "red")
#: a measure whose latest figure is more than this many years older than the newest
#: figure of the pack is not listed among the other measures (DfE stopped publishing it)
STALE_YEARS = bmk.STALE_YEARS


def area_measures() -> dict[str, list[str]]:
    have = set(registry.ids())
    return {a: [m for m in ms if m in have] for a, ms in AREAS.items()}


def other_measures() -> list[str]:
    """The measures the benchmarking report covers (every measure DfE publishes for each
    council) that are not on the scorecard, in registry order."""
    key = {m for ms in AREAS.values() for m in ms}
    return [m.id for m in registry.published_measures() if m.id not in key]


def topic_areas() -> dict[str, str]:
    """The judgement area of each registry topic: the area where the scorecard puts its
    key measures on that topic (placements with leaders' sufficiency, health with
    children in care). A topic with no key measures, or with key measures in more than
    one area, maps to none."""
    seen: dict[str, set[str]] = {}
    for a, ms in area_measures().items():
        for mid in ms:
            seen.setdefault(registry.get(mid).topic, set()).add(a)
    return {t: next(iter(a)) for t, a in seen.items() if len(a) == 1}


def _rated(s: pd.DataFrame) -> tuple[pd.Series, pd.Series | None] | None:
    """The figure a measure is rated on (the council's latest) and the row of the year
    before it if there is one (its figure may be suppressed: :func:`_arrow` says so), or
    None when the measure is not rated: no figure for the council, or its latest year
    suppressed (c), where an older figure would pass for this year's."""
    ok = s[s["la_status"] == ind.OK]
    if ok.empty or s.iloc[-1]["la_status"] == "c":
        return None
    last = ok.iloc[-1]
    before = s[pd.to_numeric(s["period"]) == int(last["period"]) - 1]
    return last, (before.iloc[-1] if len(before) else None)


#: the scorecard's quarters of a measure with no better or worse, in words: a board
#: member read "Q1" as the top
QUARTERS = {"Q1": "Q1 (lowest)", "Q4": "Q4 (highest)"}


def _against(m: registry.Measure, last: pd.Series, ref) -> str | None:
    """The council's figure against ``ref`` (England's figure, the comparators' average)
    beyond noise, by the benchmark's rule (:func:`evaltools.benchmark.compare`): 'better'
    or 'worse' when its 95% interval clears it, 'in line' when the interval holds it.
    None without an interval: the briefing then rates by quartile band and does not list
    the measure as worse beyond noise, so a plain comparison must not pass for a test."""
    return bmk.compare(m, last, ref, tested_only=True)


def _year_on_year_did(frame: pd.DataFrame, area: str, mid: str, period: int, comparator) -> tuple | None:
    """The 95% interval of the council's change from its year before ``period`` to
    ``period``, set against its statistical neighbours' change over the same year
    (difference-in-differences on the published figures, as the review and the topic
    reports test a rate or an average), and the ratio by which the council's own swings
    widened it (None where they did not); or None where it cannot be run. The pack had
    called such a change "worse (untested)" beside a review that tested it and found no
    detectable change."""
    from .stats.diffindiff import did
    f = frame[(frame["measure"] == mid) & (frame["period"] <= period)]
    f, against, _, _ = bmk.comparison_inputs(f, area, comparator)
    mine = f[(f["area_code"].astype(str) == area) & (f["status"] == ind.OK)]
    if int((mine["period"] < period).sum()) < 2 or not (mine["period"] == period).any():
        return None
    try:
        r = did(f, area, period, measure=mid, comparators=against, reference="last")
    except (ValueError, KeyError, ConfigError):
        return None
    # how much more the council's own figures swing than its comparators', where that
    # widened the interval (diffindiff.NOISIER), so the arrow can say why it is so wide
    from .stats.diffindiff import NOISIER
    noise = r.diagnostics.get("noise_ratio")
    return (*r.ci, noise if noise is not None and noise >= NOISIER else None)


def _arrow(m: registry.Measure, prev: pd.Series | None, last: pd.Series, against=None, aim: str | None = None) -> str:
    """Trend since the previous published year: an arrow, and whether the change is
    beyond noise: Newcombe's interval where there are counts, otherwise ``against()``
    (the interval of :func:`_year_on_year_did`, or None). ``aim``: the strategy's
    direction (high or low) for a measure DfE gives no better direction, said beside
    the arrow."""
    if prev is None:
        return "no figure the year before"
    if prev["la_status"] != ind.OK:        # a trend from an older year would pass for the year's change
        if bool(prev.get("la_withheld", False)):
            return f"no trend: the year before {REVEALS}"
        if prev["la_status"] == "c":
            return "no trend: DfE suppressed the year before (c)"
        return f"no trend: the year before is {ind.SYMBOLS.get(prev['la_status'], 'not available')}"
    d = last["la_value"] - prev["la_value"]
    arrow = "↑" if d > 0 else "↓" if d < 0 else "→"
    counts = all(np.isfinite(x) for x in (last["la_numerator"], last["la_denominator"],
                                           prev["la_numerator"], prev["la_denominator"]))
    tested = m.unit == "percent" and counts
    if tested:
        lo, hi = difference_ci(last["la_numerator"], last["la_denominator"], prev["la_numerator"],
                               prev["la_denominator"])
        if lo <= 0 <= hi:
            return f"{arrow} within noise"
    elif abs(d) < 1e-9:
        return "→ no change"
    elif published.within_lait_rounding((prev.get("la_decimals"), last.get("la_decimals")),
                                        prev["la_value"], last["la_value"]):
        return "→ no change beyond rounding"         # LAIT's whole numbers against an exact figure
    elif against is not None and (ci := against()) is not None:     # run only where it is needed
        tested = True
        if ci[0] <= 0 <= ci[1]:
            # a large change called noise because the council's own figures swing far
            # more than its comparators' (Herefordshire's agency social workers, 33.9% to
            # 18.3%) says so, or it reads as an absurd verdict
            wide = ci[2] if len(ci) > 2 else None
            return f"{arrow} within noise" + (f" (its own figures swing {wide:.1f} times as much as the "
                                              "comparison councils')" if wide else "")
    if m.polarity == "none":
        way = f"{arrow} {'up' if d > 0 else 'down'}"
        if aim in ("high", "low"):
            way += ", as the strategy aims" if (d > 0) == (aim == "high") else ", against the strategy's aim"
        return way + ("" if tested else " (untested)" if aim in ("high", "low") else "")
    good = (d > 0) == (m.polarity == "high")
    return f"{arrow} {'better' if good else 'worse'}" + ("" if tested else " (untested)")


def _target_for(m: registry.Measure, last: pd.Series, target, st) -> tuple[tuple | None, str | None]:
    """The strategy's target a scorecard row is rated against, or None and why not. A
    target judges the figure the review judged it on: a year after the baseline and
    within the strategy. A latest figure from the baseline year says where the council
    started, not what the strategy did (the review: "met at the baseline; no figure
    since"); a figure from after the strategy ended is not held to a target set for
    other years (St Helens' 2019 target of 100% SDQs against 2025's 88.3%, ten points
    above England). Those rows are rated against England, and say so."""
    if target is None or m.polarity == "none":
        return None, None
    value, moved, judged, from_withheld = target
    if from_withheld:
        return None, ("the strategy's target is set from a baseline year the disclosure policy withholds, so it "
                      "is not shown")
    shown = m.format_value(value, whole=True)
    if judged is None:
        return None, f"the strategy's target ({shown}) is not judged on its baseline year alone"
    if int(last["period"]) > st.last_period:         # the review's years end there too
        return None, f"the strategy's target ({shown}) was for the years to {st.end:%B %Y}"
    # a target for a later year than the figure (immunisations 100% by 2027, judged on
    # 2025's) is not yet due: the rating says so, and rests on the way it has moved
    by = next((sm.target.period for sm in st.measures if sm.measure == m.id and sm.target is not None
               and sm.target.period), None) if st is not None else None
    due = by if by and by > int(last["period"]) else None
    if moved is None:       # the baseline's year is withheld: amber or red would say which side of it
        met = last["la_value"] >= value if m.polarity == "high" else last["la_value"] <= value
        if not met:         # (not yet due: no rating is held down for it)
            missed = f"({shown} for {m.period_label(due)}) is not met yet" if due else f"({shown}) is not met"
            return None, (f"the strategy's target {missed}; whether the figure is better than "
                          "the baseline is withheld with the baseline's year, so it is rated against England")
    return (value, moved, due), None


def _tested(m: registry.Measure, last, frame: pd.DataFrame, area: str, comparator):
    """What :func:`_arrow` calls, for a change its counts cannot test, to set it against
    the neighbours' (:func:`_year_on_year_did`); None for a count."""
    if m.size_dependent:
        return None
    return lambda: _year_on_year_did(frame, area, m.id, int(last["period"]), comparator)


def _rag(m: registry.Measure, last: pd.Series, target, trend: str = "") -> tuple[str, str]:
    if m.polarity == "none":
        return "", "context (no better or worse)"
    v = last["la_value"]
    hi_good = m.polarity == "high"
    if target is not None:
        value, moved, due = target     # a target as the strategy states it: 100%, not 100.0%
        shown = m.format_value(value, whole=True)
        if (v >= value) if hi_good else (v <= value):
            return "green", f"meets the strategy's target ({shown})"
        # a target for a later year than the figure: "target 100% for 2027 not met yet"
        named, yet = (f"{shown} for {m.period_label(due)}", " yet") if due else (shown, "")
        if moved == "yes" and trend.endswith(" worse"):
            # better than the baseline, but a fall beyond noise since the year before
            # (``trend``: the scorecard's arrow) is not moving the right way now; "better
            # than the baseline" names what it is set against, beside an arrow that
            # compares with the year before
            return "red", (f"target {named} not met{yet}; better than the baseline "
                           "but worse than the year before beyond noise")
        words = {"yes": "; better than the baseline", "no": "; no better than the baseline"}.get(moved, "")
        return ("amber" if moved == "yes" else "red"), f"target {named} not met{yet}{words}"
    if m.size_dependent:
        return "", "a count: not compared with England or other councils"
    if identified := bmk.identified_note(m, last["period"], last["la_value"]):
        return "", identified          # the RAG column says "not rated"; the basis says why
    side = _against(m, last, last["england_value"])
    if side in ("better", "worse"):
        return ("green" if side == "better" else "red"), f"{side} than England beyond noise"
    if side == "in line":
        return "amber", "within noise of England"
    band = last.get("band")
    if isinstance(band, str) and band in "ABCD":
        # "against England": the trend arrow beside it may have been tested against the
        # neighbours' change ("↑ within noise" beside "no counts to test" read as a contradiction)
        # a key stage's figure is one year group of children in care, a dozen or two in
        # a council of Herefordshire's size, so its band swings from year to year and a
        # "strength" rests on few children (virtual school head's review)
        small = "; one year group of children in care, a few dozen at most, so it swings from year to year" \
            if m.year_group else ""
        return ({"A": "green", "D": "red"}.get(band, "amber"),
                f"quartile band {band}; no counts to test against England{small}")
    return "", "no comparison available"


@dataclass
class Briefing:
    la: object
    policy: str
    table: pd.DataFrame
    benchmark: bmk.BenchmarkResult = field(repr=False)
    strategy: object = None
    #: the other measures to know about (see the module docstring): the scorecard's
    #: columns with "Why listed" for the RAG and its basis; ``sides``, the latest figure
    #: against the Neighbours and England ('better', 'worse' beyond noise, 'in line' within it,
    #: or None without an interval: :func:`_against`)
    others: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: other measures not rated because their latest year is suppressed: (measure, year, why)
    others_not_rated: list = field(default_factory=list)

    def area(self, name: str) -> pd.DataFrame:
        return self.table[self.table["Area"] == name].drop(columns=["Area"]).reset_index(drop=True)

    def counts(self) -> dict:
        return {a: {r: int((self.table[self.table["Area"] == a]["RAG"] == r).sum()) for r in RAG}
                for a in AREAS}


def scorecard(la, *, strategy=None, comparator="statistical_neighbours", policy: str = "published",
              indicators: pd.DataFrame | None = None) -> Briefing:
    """The headline scorecard (see the module docstring). ``strategy``: an id or
    :class:`~evaltools.strategies.Strategy` whose targets set the RAG where it has one."""
    from . import review, strategies

    pol = sdc.policy(policy)
    area = resolve_la(la)
    by_area = area_measures()
    ids = [m for ms in by_area.values() for m in ms]
    extra = other_measures()
    frame = indicators if indicators is not None else published.load_indicators(ids + extra)
    have = set(frame.loc[frame["area_code"].astype(str) == area.area_code, "measure"])
    ids = [i for i in ids if i in have]
    extra = [i for i in extra if i in have]
    # every figure the scorecard, its trend arrows, bands, the theme pages and the other
    # measures show comes from the result as the policy lets it out (a council figure on
    # 1 to 5 children: c)
    bm = bmk.benchmark(area.area_code, ids + extra, comparator=comparator, indicators=frame).disclosed(pol)
    targets = {}
    st = strategies.load(strategy) if isinstance(strategy, str) else strategy
    owner = resolve_la(st.la) if st is not None else area
    if owner.area_code != area.area_code:
        raise ConfigError(f"strategy {st.id} is {owner.display_name}'s: its targets cannot rate "
                          f"{area.display_name}'s figures", fix="Give the council's own strategy, or strategy=None "
                          "to rate against England")
    if st is not None:
        rt = review.review_table(st, frame[frame["measure"].isin(ids)], comparators=None)
        mine = frame[frame["area_code"].astype(str) == area.area_code]
        for _, r in rt.iterrows():
            if r["measure"] in ids and pd.notna(r["target_value"]) and r["measure"] not in targets:
                # the year the review judged the target in (None: no figure since the baseline
                # year, or none at all), as the review puts it
                judged = (int(r["latest_period"]) if pd.notna(r["latest_period"])
                          and r["latest_period"] != r["baseline_period"] else None)
                # a baseline the policy withholds is withheld here as in the review's table
                # (E11b): "better than the baseline" beside the latest figure, or a target
                # of +2% on it, would give it back
                hidden = pd.notna(r["baseline_period"]) and review._rests_on_few(
                    mine, r["measure"], r["baseline_period"], pol)
                targets[r["measure"]] = (float(r["target_value"]), None if hidden else r["direction_met"], judged,
                                         hidden and bool(r.get("target_from_baseline", False)))
    # a measure DfE gives no better direction that the strategy aims to raise or lower
    # (the CLA rate): the review judges it by that aim, and the arrow says it
    aims = {sm.measure: ("high" if sm.direction == "increase" else "low") for sm in (st.measures if st else [])
            if sm.measure in ids and sm.direction in ("increase", "decrease")
            and registry.get(sm.measure).polarity == "none"}
    rows = []
    for a, ms in by_area.items():
        for mid in [m for m in ms if m in ids]:
            m = registry.get(mid)
            s = bm.series(mid)
            rated = _rated(s)
            last = s.iloc[-1] if rated is None else rated[0]
            england = bmk.as_printed(m, last["england_value"], last["england_decimals"])
            if rated is None:
                rows.append({"Area": a, "Measure": m.short, "Year": m.period_cell(last["period"]),
                             # the symbol alone in the figures' column, its meaning in the
                             # words' (a sentence there widened the column off the page)
                             "Latest": last["la_status"],
                             "Trend": "", "England": england,
                             "Neighbours": bmk.comparator_cell(m, last), "Band": "",
                             "RAG": "", "Basis": (f"latest figure {last['la_status']}: "
                                                  f"{bmk.not_shown(area.area_code, mid, last)}; not rated"),
                             "measure_id": mid if (s["la_status"] == ind.OK).any() else None})
                continue
            last, prev = rated
            latest = bmk.as_printed(m, last["la_value"], last["la_decimals"])
            if int(last["period"]) - m.lait_period_shift < bm.newest_year() - STALE_YEARS:
                # the newest figure is years old (the Isles of Scilly's EET at 19-21 from
                # 2017): shown for what it was, not rated as the council now, as the
                # measures off the scorecard are not (_others)
                rows.append({"Area": a, "Measure": m.short, "Year": m.period_cell(last["period"]),
                             "Latest": latest, "Trend": "", "England": england,
                             "Neighbours": bmk.comparator_cell(m, last), "Band": "", "RAG": "",
                             "Basis": f"the latest figure is from {m.period_label(last['period'])}, too old to "
                                      "describe the council now; not rated",
                             "measure_id": mid})
                continue
            trend = _arrow(m, prev, last, _tested(m, last, frame, area.area_code, comparator), aims.get(mid))
            target, aside = _target_for(m, last, targets.get(mid), st)
            rag, basis = _rag(m, last, target, trend)
            if rag == "green" and aside and " is not met;" in aside:
                # rated against England for want of the baseline, a missed target is still
                # missed: Rutland's EET at 19-21 (76.0% against 80%) was green, a strength
                rag, basis = "amber", (f"{aside.replace(', so it is rated against England', '')}; "
                                       f"{basis}, but with the target missed it is amber, not green")
                aside = None
            if mid in aims:         # as the review judges it: "the strategy aims to lower it"
                basis = f"{basis}; the strategy aims to {'raise' if aims[mid] == 'high' else 'lower'} it"
            if aside:
                basis = f"{basis}; {aside}"
            recording = bmk.recording_note(m, last["period"], area.area_code, pol, "the rating") if rag in ("red", "amber") else None
            if recording:
                basis = f"{basis}; {recording}"
            covers = bmk.coverage_note(m, last["period"], area.area_code, pol, "the rating") if rag else None
            if covers:
                basis = f"{basis}; {covers}"
            zeros = bmk.council_zero_run(bm, m) if rag else None
            if zeros is not None:
                basis = f"{basis}; {zeros.short(m)}"
            band = last.get("band")
            rows.append({"Area": a, "Measure": m.short, "Year": m.period_cell(last["period"]), "Latest": latest,
                         "Trend": trend, "England": england,
                         "Neighbours": bmk.comparator_cell(m, last),
                         "Band": QUARTERS.get(band, band) if isinstance(band, str) else "", "RAG": rag,
                         "Basis": basis,
                         "measure_id": mid})
    table = pd.DataFrame(rows)
    others, not_rated = _others(bm, extra, policy)
    return Briefing(area, policy, table, bm, st, others, not_rated)


def _neighbours_cell(m: registry.Measure, last) -> str:
    """The neighbours' figure a measure was judged against: their average, with the
    range it can take where some of them are DfE's c for a few children
    (:func:`evaltools.benchmark.comparator_ref`), since that range is what the council
    was found worse than."""
    cell, ref = bmk.comparator_cell(m, last), bmk.comparator_ref(last)
    if isinstance(ref, tuple):
        cell += f" ({bmk.range_words(m, ref)} with the neighbours DfE shows as c counted)"
    return cell


def _others(bm: bmk.BenchmarkResult, ids: list[str], policy: str) -> tuple[pd.DataFrame, list]:
    """The other measures to know about (module docstring), in judgement-area order,
    and those whose latest year is suppressed, so not rated."""
    label = comparator_label(bm.comparator)
    areas = topic_areas()
    order = {a: i for i, a in enumerate(AREAS)}
    rows, not_rated = [], []
    newest = bm.newest_year()
    for mid in ids:
        m = registry.get(mid)
        s = bm.series(mid)
        if m.polarity == "none" or m.size_dependent or s.empty:
            continue                      # no better or worse, or a count: nothing to flag
        rated = _rated(s)
        if rated is None:
            last = s.iloc[-1]
            if last["la_status"] == "c":
                why = (f"{bmk.not_shown(bm.la.area_code, mid, last)}, not shown under the {policy} policy"
                       if bool(last.get("la_withheld", False)) else "suppressed by DfE")
                not_rated.append((m.short, m.period_label(last["period"]), why))
            continue
        last, prev = rated
        if int(last["period"]) - m.lait_period_shift < newest - STALE_YEARS:   # DfE stopped publishing it
            not_rated.append((m.short, m.period_label(last["period"]),
                              f"its latest figure is from {m.period_label(last['period'])}, too old to "
                              "describe the council now"))
            continue
        band = last.get("band")
        # against the comparators' average and England: 'better', 'worse', 'in line' or None
        sides = {"Neighbours": _against(m, last, bmk.comparator_ref(last)),
                 "England": _against(m, last, last["england_value"])}
        name = {"Neighbours": f"its {label}", "England": "England"}
        worse = [name[k] for k, side in sides.items() if side == "worse"]
        better = [name[k] for k, side in sides.items() if side == "better"]
        why = []
        if band == "D":
            why.append("in the worst quarter of councils (band D)")
        if worse:
            why.append(f"worse than {' and '.join(worse)} beyond noise")
        if not why:
            continue
        text = "; ".join(why)
        if better:
            text += f", though better than {' and '.join(better)} beyond noise"
        rows.append({"Area": areas.get(m.topic, ""), "Measure": m.short, "Year": m.period_cell(last["period"]),
                     "Latest": bmk.as_printed(m, last["la_value"], last["la_decimals"]), "Trend": _arrow(m, prev, last, _tested(m, last, bm.indicators, bm.la.area_code, bm.comparator)),
                     "England": bmk.as_printed(m, last["england_value"], last["england_decimals"]),
                     "Neighbours": _neighbours_cell(m, last),
                     "Band": band if isinstance(band, str) else "", "Why listed": text,
                     "sides": sides, "period": int(last["period"]), "measure_id": mid})
    cols = ["Area", "Measure", "Year", "Latest", "Trend", "England", "Neighbours", "Band", "Why listed",
            "sides", "period", "measure_id"]
    t = pd.DataFrame(rows, columns=cols)
    t = t.sort_values("Area", key=lambda a: a.map(order).fillna(len(order)), kind="stable")
    return t.reset_index(drop=True), not_rated


def _moved(rows: pd.DataFrame, way: str) -> pd.Series:
    """Which scorecard rows' trend went ``way`` ("better", "worse") beyond noise since
    the year before (the Trend column's tested arrows)."""
    trend = rows["Trend"].astype(str)
    return trend.str.contains(way, regex=False) & ~trend.str.contains("untested", regex=False)


def _with_trend(rows: pd.DataFrame, way: str) -> pd.DataFrame:
    """``rows`` with "<way> than the year before beyond noise" added to the basis of those
    whose trend went that way (:func:`_moved`)."""
    moved = _moved(rows, way)
    return rows.assign(Basis=[f"{x['Basis']}; {way} than the year before beyond noise" if k else x["Basis"]
                              for k, (_, x) in zip(moved, rows.iterrows())])


def _listed(rows: pd.DataFrame) -> str:
    """Measures with their figure and basis, as a sentence. A clause every basis shares
    (one cohort's unrecorded activity behind both EET and accommodation at 17-18) is
    said once after the list, not after each measure."""
    parts = [str(x["Basis"]).split("; ") for _, x in rows.iterrows()]
    shared = [p for p in parts[0] if len(parts) > 1 and p != parts[0][0] and len(p) > 40
              and all(p in q for q in parts[1:])]
    # the year with every figure: a strength or concern from a year DfE has not updated
    # (3+ social workers, 2024 only) must not read as this year's
    items = "; ".join(f"{x['Measure']} {x['Latest']} "
                      f"({'; '.join([str(x['Year']), *(p for p in ps if p not in shared)])})"
                      for (_, x), ps in zip(rows.iterrows(), parts))
    return items + "." + (f" For {'both' if len(parts) == 2 else 'each'}: {'; '.join(shared)}." if shared else "")


def letter_review(b: Briefing, ofsted, *, local=None):
    """The review of an Ofsted letter's points, tracked as a strategy (``ofsted``: its id
    or :class:`~evaltools.strategies.Strategy`), set against the same comparators as the
    scorecard; None without one. A letter to another council is refused, as its strategy
    is by :func:`scorecard`."""
    from . import review, strategies

    if ofsted is None:
        return None
    st = strategies.load(ofsted) if isinstance(ofsted, str) else ofsted
    owner = resolve_la(st.la)
    if owner.area_code != b.la.area_code:
        raise ConfigError(f"the Ofsted letter {st.id} is {owner.display_name}'s, not {b.la.display_name}'s",
                          fix="Give the council's own letter (a strategy file of its points), or ofsted=None")
    return review.evaluate(st, local=local, comparators=b.benchmark.comparator)


def letter_message(letter, policy: str = "published") -> str:
    """A key message on an Ofsted letter's points, tracked as a strategy (``letter``: its
    :class:`~evaltools.review.Review`): how many have a national figure and what the
    review found on them, and which only the council's own records can show. The
    verdicts are the review's, as its table shows them under ``policy``."""
    from . import review as rv

    t = letter.table
    shown = rv.display_table(letter, policy)
    waiting = letter.waiting
    found, named = [], 0
    for verdict in ("improved beyond noise", "worsened beyond noise", "rose beyond noise", "fell beyond noise"):
        hit = shown[~waiting & (shown["Verdict"] == verdict).to_numpy()]
        named += len(hit)
        if len(hit):
            found.append(f"{verdict}: " + "; ".join(
                f"{md(t.loc[i, 'text'])}, {x['Baseline']} to {x['Latest']}"
                + (f" ({'; '.join(flags)})" if (flags := rv.finding_flags(t.loc[i])) else "")
                for i, x in hit.iterrows()))
    with_figures = int((~waiting).sum())
    same = int((~waiting & (t["verdict"] == "no detectable change").to_numpy()).sum())
    if same:
        found.append(f"{same} {'shows' if same == 1 else 'show'} no detectable change")
    if with_figures - named - same:
        found.append(f"{with_figures - named - same} could not be tested")
    # a point measured by two figures (the agency rate and vacancies) is one point
    measures = "" if letter.commitments == len(t) else f" ({len(t)} measures)"
    line = (f"**Ofsted's points:** of the {letter.commitments} in *{md(letter.strategy.title)}*{measures}, "
            f"{with_figures} have a national figure" + (f"; {'; '.join(found)}" if found else "") + ".")
    if waiting.any():
        # named in the section that follows, not run together here (eleven of them)
        line += (f" The other {int(waiting.sum())} need the council's own records, not yet supplied "
                 "(listed under Ofsted's points).")
    return line


def key_messages(b: Briefing, limit: int | None = None) -> list[str]:
    """Drafted messages: per judgement area, how many measures are green/amber/red,
    the strengths (green) and the concerns (red); then the other measures to know
    about (:attr:`Briefing.others`): those in the worst quarter of councils, and those
    worse than the comparators or England beyond noise."""
    out = []
    for a in AREAS:
        t = b.table[b.table["Area"] == a]
        if t.empty:
            continue
        g, am, r = ((t["RAG"] == x).sum() for x in RAG)
        # "4 green, 3 amber, 4 red of 13" left a reader to find the 2 the scorecard does not rate
        unrated = len(t) - g - am - r
        line = (f"**{a}:** {g} green, {am} amber, {r} red"
                + (f" and {unrated} not rated" if unrated else "") + f" of {len(t)} measures.")
        # a concern that is improving beyond noise says so ("Dental checks 72.3% (worse than
        # England beyond noise)" beside a scorecard arrow of a 21-point rise read as stuck),
        # and a strength that is slipping
        strengths = _with_trend(t[t["RAG"] == "green"].iloc[:limit], "worse")
        concerns = _with_trend(t[t["RAG"] == "red"].iloc[:limit], "better")
        if len(strengths):
            line += " Strengths: " + _listed(strengths)
        if len(concerns):
            line += " Concerns: " + _listed(concerns)
        # not rated, yet what a reader of the health figures looks for (substance misuse
        # at 8.8% against England's 3.0%): named, with why it is not called a concern
        # (by the reason _rag gives: one unrated as DfE suppressed it is not this)
        unrated_id = t[(t["RAG"] == "") & t["Basis"].astype(str).str.startswith(bmk.IDENTIFIED_LEAD)]
        if len(unrated_id):
            line += (" Not rated, as it counts children a council identified: "
                     + "; ".join(f"{x['Measure']} {x['Latest']} ({x['Year']}; England {x['England']})"
                                 for _, x in unrated_id.iterrows()) + ".")
        # amber against England, yet in the worst quarter of councils: an inspector sees the band
        watch = t[(t["RAG"] == "amber") & (t["Band"] == "D")].iloc[:limit]
        if len(watch):
            line += (" Amber, but in the worst quarter of councils: "
                     + "; ".join(f"{x['Measure']} {x['Latest']} ({x['Year']})" for _, x in watch.iterrows()) + ".")
        out.append(line)
    for way in ("better", "worse"):
        moved = b.table[_moved(b.table, way)]
        if len(moved):
            out.append(f"**{'Improved' if way == 'better' else 'Worsened'} beyond noise since last year** "
                       "(scorecard measures): "
                       + "; ".join(moved["Measure"]) + ".")
    o = b.others
    if len(o):
        def year(x):
            return registry.get(x["measure_id"]).period_label(x["period"])
        d = o[o["Band"] == "D"]
        if len(d):
            out.append("**Also in the worst quarter of councils** (not on the scorecard): " + "; ".join(
                f"{x['Measure']} {x['Latest']} in {year(x)} (band D)" for _, x in d.iterrows()) + ".")
        w = o[o["Band"] != "D"]
        if len(w):
            label = comparator_label(b.benchmark.comparator)
            whose = {"England": "England's", "Neighbours": f"its {label}'"}

            def against(x):   # "against England's 20.8%, though better than its statistical neighbours' 34.5%"
                bad = [f"{whose[k]} {x[k]}" for k, side in x["sides"].items() if side == "worse"]
                good = [f"{whose[k]} {x[k]}" for k, side in x["sides"].items() if side == "better"]
                return (f"against {' and '.join(bad)}"
                        + (f", though better than {' and '.join(good)}" if good else ""))
            out.append(f"**Also worse than England or its {label} beyond noise** (not on the scorecard): "
                       + "; ".join(f"{x['Measure']} {x['Latest']} in {year(x)} {against(x)}"
                                   for _, x in w.iterrows()) + ".")
    # a run of 0s too long to be chance rates well (band A) and is listed nowhere else:
    # an inspector reads it as a recording gap (Herefordshire's convictions, 2021-2025)
    zeros = [(m, z) for m in b.benchmark.measures if (z := bmk.council_zero_run(b.benchmark, m)) is not None]
    if zeros:
        out.append("**Check the recording** (0 in years where chance alone would rarely give it): "
                   + "; ".join(f"{m.short}: {z.short(m).removesuffix(': check it is being recorded')}"
                               for m, z in zeros) + ".")
    return out
