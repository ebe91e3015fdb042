"""Where an LA stands: its trend against statistical neighbours, region and England.

>>> from evaltools import benchmark
>>> bm = benchmark.benchmark("884", measures=["cla_3plus_placements"])
>>> print(bm.statement("cla_3plus_placements"))          # doctest: +SKIP
>>> bm.to_frame()                                         # one row per measure and year

The statement is careful about noise. For a percentage it uses the Wilson 95%
interval of the LA's own figure (statsmodels' ``proportion_confint``): when the
neighbours' average lies inside that interval, the LA is said to be *in line with*
its neighbours, because a cohort that size could differ by that much by chance.
Rates per 10,000 use the exact Poisson interval of the count. Scores and other units
are compared without an interval, and the statement says so.
"""

from __future__ import annotations

import math

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from . import indicators as ind
from . import published, registry
from .sdc import round_half_up
from .periods import in_years, year_range as _year_range  # noqa: F401  (in_years: reports use it from here)
from .areas import Area, existing, resolve_la
from .comparators import (BAND_TEXT, comparator_codes, comparator_label, neighbour_model_for, not_close,
                          quartile_bands)


@dataclass
class BenchmarkResult:
    """A council's published figures set against its comparators.

    Attributes
    ----------
    la : the :class:`~evaltools.areas.Area`
    comparator : what it was compared with
    table : one row per measure and year: the LA's numerator, denominator, value,
        status and 95% interval; the comparators' mean, min, max and how many had data;
        region and England values; the LA's quartile band and rank among all LAs.
    indicators : the indicator frame the table was built from (every area).
    """

    la: Area
    comparator: object
    table: pd.DataFrame
    indicators: pd.DataFrame = field(repr=False)
    #: the policy :meth:`disclosed` applied, if any (so applying it again costs nothing)
    disclosed_under: str | None = field(default=None, repr=False)
    #: each measure's rows, by year, split once (:meth:`series`; a report asks hundreds of times)
    _by_measure: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    #: :meth:`disclosed` under each policy, worked out once (a report asks for every measure)
    _disclosed: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _newest: int | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def measures(self) -> list[registry.Measure]:
        return [registry.get(m) for m in self.table["measure"].unique()]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def newest_year(self) -> int | None:
        """The newest year any figure here is for, as reports label years: a September
        2025 workforce census (period 2026, the year ending 31 March it falls in) counts
        as 2025, so a figure is never called older than "the newest figures (2026)" when
        no figure is labelled 2026."""
        if self.table.empty:
            return None
        if self._newest is None:                         # the table never changes: once
            shift = self.table["measure"].map(lambda mid: registry.get(mid).lait_period_shift)
            self._newest = int((pd.to_numeric(self.table["period"]) - shift).max())
        return self._newest

    def series(self, measure_id: str) -> pd.DataFrame:
        """The rows of one measure, by year (a copy: the caller may change it)."""
        if not self._by_measure:
            t = self.table.sort_values(["measure", "period"], kind="stable")
            self._by_measure.update({m: g.reset_index(drop=True) for m, g in t.groupby("measure", sort=False)})
            self._by_measure[None] = self.table.iloc[:0].reset_index(drop=True)
        return self._by_measure.get(measure_id, self._by_measure[None]).copy()

    def latest(self, measure_id: str) -> pd.Series | None:
        """The latest year in which the LA has a figure (or the latest year at all)."""
        s = self.series(measure_id)
        if s.empty:
            return None
        ok = s[s["la_status"] == ind.OK]
        return (ok if not ok.empty else s).iloc[-1]

    def disclosed(self, policy: str = "published") -> BenchmarkResult:
        """This result as it may be shown under a disclosure policy (:mod:`evaltools.sdc`).

        Every figure of the council that the policy withholds (:func:`evaltools.sdc.withheld`:
        one resting on 1 to 5 children; one evaltools worked out that leaves 1 to 5 out, 9
        of 13 giving away the 4 who did not, or that the cohort rule hides) becomes ``c``
        everywhere it could show: value, counts, interval, quartile band and rank. Charts,
        titles, statements, trend arrows and bands drawn from the result then cannot give
        it away, as the tables do not. DfE's own figures (:func:`evaltools.sdc.dfe_published`)
        are withheld only where DfE's counts are 1 to 5 (DfE's ``c`` already). ``la_withheld``
        marks the figures hidden here (DfE's own ``c`` figures are not marked). The
        comparators', region's and England's figures are DfE's published ones and are
        kept. Under a policy that suppresses nothing the result is returned as it is;
        disclosing twice changes nothing."""
        from . import sdc
        pol = sdc.policy(policy)
        if not pol.suppress_small or self.disclosed_under in (pol.name, "published"):
            return self
        key = (pol.name, pol.suppress_small, pol.secondary)
        if key not in self._disclosed:
            self._disclosed[key] = self._disclose(pol)
        return self._disclosed[key]

    def _disclose(self, pol) -> BenchmarkResult:
        from . import sdc
        t = self.table.copy()
        hide = sdc.withheld(pd.DataFrame({
            "area_code": self.la.area_code, "period": t["period"], "measure": t["measure"],
            "numerator": t["la_numerator"], "denominator": t["la_denominator"], "status": t["la_status"]}), pol)
        t["la_withheld"] = hide | (t["la_withheld"].to_numpy(dtype=bool) if "la_withheld" in t else False)
        cols = [c for c in ("la_value", "la_numerator", "la_denominator", "la_ci_low", "la_ci_high",
                            "band", "rank") if c in t]
        t.loc[hide, cols] = np.nan
        t.loc[hide, "la_status"] = "c"
        return BenchmarkResult(self.la, self.comparator, t, self.indicators, disclosed_under=pol.name)

    def withheld_periods(self, measure_id: str, policy: str) -> list[int]:
        """The years whose council figure for ``measure_id`` the policy withholds
        (:meth:`disclosed`): a chart or estimate drawn from them would give them back."""
        s = self.disclosed(policy).series(measure_id)
        return [int(p) for p in s.loc[s["la_withheld"].astype(bool), "period"]] if "la_withheld" in s else []

    def _policy(self, policy: str | None) -> str:
        """The policy a statement is written under: as given; else the one this result
        was disclosed under; else ``published``, the safe choice for words that may be
        pasted into a paper (``internal`` gives every count)."""
        return policy or self.disclosed_under or "published"

    def statement(self, measure_id: str, policy: str | None = None) -> str:
        """A plain-English paragraph on where the LA stands on one measure, under
        ``policy`` (default: see :meth:`_policy`; ``internal`` for every count)."""
        return _statement(self, registry.get(measure_id), self._policy(policy))

    def verdict(self, measure_id: str) -> str | None:
        """Latest year against comparators (:func:`compare`): 'better', 'worse', 'higher',
        'lower', 'in line' or None when there is nothing to compare."""
        last = self.latest(measure_id)
        return None if last is None else compare(registry.get(measure_id), last, comparator_ref(last))

    def headline(self, measure_id: str) -> str:
        """A chart title that states the finding, e.g. 'Herefordshire: 10.2% in 2025,
        in line with statistical neighbours'."""
        m = registry.get(measure_id)
        last = self.latest(measure_id)
        name = self.la.display_name
        if last is None:
            return f"{name}: no published figures"
        if last["la_status"] != ind.OK:
            why = not_shown(self.la.area_code, measure_id, last)
            return (f"{name}: {m.period_label(last['period'])} figure "
                    + (f"not shown: it {why}" if bool(last.get("la_withheld", False)) else why))
        if m.size_dependent:          # not compared with other councils: the change on the year
            return (f"{name}: {as_printed(m, last['la_value'], last['la_decimals'])} in "
                    f"{m.period_label(last['period'])}{_on_the_year(self, m, last)}")
        label = comparator_label(self.comparator)
        v = self.verdict(measure_id)
        text = {"in line": f"in line with {label}", "better": f"better than {label}",
                "worse": f"worse than {label}", "higher": f"higher than {label}",
                "lower": f"lower than {label}"}.get(v, "")
        if v in ("better", "worse", "higher", "lower") and not np.isfinite(last["la_ci_low"]):
            # no interval to say whether 14.9 against 14.8 is more than chance: the title
            # gives the neighbours' figure and says so, as the statement beside it does
            text += f" ({as_printed(m, last['comparator_mean'])}; untested)"
        tail = f", {text}" if text else ""
        return f"{name}: {as_printed(m, last['la_value'], last['la_decimals'])} in {m.period_label(last['period'])}{tail}"

    def summary(self, policy: str | None = None) -> str:
        """One statement per measure, as text, under ``policy`` (as :meth:`statement`)."""
        return "\n\n".join(f"{m.title}\n{self.statement(m.id, policy)}" for m in self.measures)

    def __repr__(self) -> str:
        return (f"BenchmarkResult({self.la}, {len(self.measures)} measures, "
                f"{self.table['period'].min()}-{self.table['period'].max()})")


#: a council's latest figure more than this many years older than the newest figures of
#: the report is history, not today's picture (the briefing does not rate it, and a
#: statement says so)
STALE_YEARS = 2
#: the comparators' average (and range) is given only when at least this share of the
#: set has a figure that year: 5 of 10 statistical neighbours
MIN_COMPARATOR_SHARE = 0.5


def needed_for_average(size: int) -> int:
    """How many of a comparator set of ``size`` need a figure for their average to be
    given (:data:`MIN_COMPARATOR_SHARE`): 5 of 10 neighbours."""
    return math.ceil(MIN_COMPARATOR_SHARE * size)

#: a neighbour's 0% on a cohort at least this big is flagged as a likely recording gap
ZERO_COHORT = 20

#: a comparator's published figure is left out of its set's average, and of the tests
#: against the neighbours, when DfE records no information for at least this percentage
#: of its cohort (:func:`recording_gaps`)
COMPARATOR_UNKNOWN_SHARE = 25.0


@lru_cache(maxsize=4)
def _gaps(root: str) -> dict:
    from pathlib import Path
    f = published.not_recorded(data_root=Path(root))
    f = f[(f["status"] == ind.OK) & (f["value"] >= COMPARATOR_UNKNOWN_SHARE)]
    return {(str(a), int(p), m): float(v) for a, p, m, v in
            zip(f["area_code"], f["period"], f["measure"], f["value"])}


def recording_gaps(data_root=None) -> dict:
    """DfE's figures that rest on a recording gap: ``(area code, period, measure) ->
    share (%)`` of the cohort with no information recorded, where that share is at least
    :data:`COMPARATOR_UNKNOWN_SHARE`. A share of care leavers in education, employment or
    training counts the unknown as not in it: Hampshire's 2025 figure for 19-21 year olds
    has no information for 51% of them, and its 17-18 figure of 20% (66% not known) is
    a record of what was not recorded, not of young people's lives. A quarter unknown
    could move a figure by more than twice the gap between the middle half of councils
    (EET 19-21 in 2025: 49% to 60%). Such a neighbour is left out of the comparison, and
    named (:func:`set_aside`, :func:`gaps_words`); the council's own figure keeps its
    place, with :func:`recording_note` beside it (docs/assumptions.md C2b)."""
    from .paths import data_dir
    return _gaps(str(data_root or data_dir()))


def _is_gap(gaps: dict, code, period, measure: str, source) -> float | None:
    """The not-known share behind a DfE figure that rests on a recording gap, else None
    (a figure from anywhere but DfE's tables is not DfE's)."""
    if not str(source).startswith("EES"):
        return None
    return gaps.get((str(code), int(period), measure))


def set_aside(frame: pd.DataFrame, keep, comparators="statistical_neighbours", data_root=None):
    """For a test of ``keep`` against its ``comparators`` on ``frame`` (one measure):
    the frame and comparators to use, without any comparator with a figure that rests
    on a recording gap (:func:`recording_gaps`), and the figures that put them out,
    ``(area code, period, share not known)``. A test against the neighbours needs every
    year from each (a balanced panel), so such a neighbour is left out of it whole: the
    comparators come back as a list of the others (the set the test would take from the
    frame, ``stats.frames.comparator_pool``), or, for every other LA (None), the frame
    comes back without it. The council ``keep``'s own figures stay."""
    from .stats.frames import comparator_pool
    gaps = recording_gaps(data_root)
    if frame.empty or not gaps or "source" not in frame:
        return frame, comparators, []
    pool = comparator_pool(frame, str(keep), comparators)
    pool = None if pool is None else [str(c) for c in pool]
    codes = frame["area_code"].astype(str)
    # only the comparators' rows in an area with a gap are looked at one by one
    gap_areas = {a for a, _, _ in gaps} - {str(keep)}
    near = codes.isin(gap_areas if pool is None else gap_areas & set(pool)).to_numpy()
    sub = frame[near]
    left = sorted((a, int(p), share) for a, p, m, src in zip(codes[near], sub["period"], sub["measure"], sub["source"])
                  if (share := _is_gap(gaps, a, p, m, src)) is not None)
    if not left:
        return frame, comparators, []
    out = {a for a, *_ in left}
    if pool is None:
        return frame[~codes.isin(out)], None, left
    return frame, [c for c in pool if c not in out], left


def own_years(frame: pd.DataFrame, area, comparators=None) -> tuple[pd.DataFrame, list[int]]:
    """A test against other councils needs the same years from each (a balanced panel),
    so a year the council itself lacks (suppressed, not collected) left the council out
    of its own comparison: St Helens' placements over 20 miles, with 2017 not
    available, could not be compared at all. The frame (one measure) cut to the years
    the council has a figure for, and the years cut that its ``comparators`` (as
    :func:`stats.frames.comparator_pool` reads them; None, every other council) have."""
    from .stats.frames import comparator_pool
    codes = frame["area_code"].astype(str)
    have = set(frame.loc[(codes == str(area)) & (frame["status"] == "ok"), "period"].astype(int))
    if not have:
        return frame, []
    periods = frame["period"].astype(int)
    pool = comparator_pool(frame, str(area), comparators)
    theirs = (frame["status"] == "ok") & (codes != str(area)) & (codes.isin([str(c) for c in pool])
                                                                 if pool is not None else True)
    cut = sorted(set(periods[theirs]) - have)
    return (frame[periods.isin(have)] if cut else frame), [int(p) for p in cut]


def comparison_inputs(frame: pd.DataFrame, area, comparators="statistical_neighbours"):
    """What a test of ``area`` against its ``comparators`` (difference-in-differences on
    one measure's published figures) runs on: the frame and comparators without a
    neighbour whose figures rest on a recording gap (:func:`set_aside`), cut to the
    years the council has (:func:`own_years`). Returns ``(frame, comparators, left out,
    years cut)``; the review, the topics and the briefing pack all test so."""
    f, against, left = set_aside(frame, area, comparators)
    f, cut = own_years(f, area, against)
    return f, against, left, cut


def own_years_words(cut: list[int], m: registry.Measure | None = None) -> str:
    """The clause saying which years :func:`own_years` cut, or ''."""
    if not cut:
        return ""
    from .wording import listing
    named = listing(m.period_label(p) if m else str(p) for p in cut)
    return f"{OWN_YEARS_LEAD} the years the council has a figure for (not {named})"


#: how :func:`own_years_words` begins (a caveat found again by it)
OWN_YEARS_LEAD = "the comparison with other councils uses only"


def regrouped_words(la_code: str, comparator, years: list[int]) -> str:
    """When the comparison's years span DfE's change of neighbour groups (April 2021
    groupings to 2024, the 2025 model after), the comparison keeps one group throughout,
    the latest, where the trend tables give each year's own: 3+ placements' neighbours
    moved -0.5 points in the table and +1.2 in the comparison, and a reader recomputing
    it from the table got -0.2 where the report said -1.9."""
    from .comparators import neighbour_model_for, statistical_neighbours
    if comparator != "statistical_neighbours" or not years:
        return ""
    lo, hi = min(years), max(years)
    if neighbour_model_for(la_code, lo) == neighbour_model_for(la_code, hi) or \
            set(statistical_neighbours(la_code, lo)) == set(statistical_neighbours(la_code, hi)):
        return ""
    old = neighbour_model_for(la_code, lo)
    upto = max(y for y in years if neighbour_model_for(la_code, y) == old)
    return (f"{REGROUPED_LEAD} {neighbour_model_for(la_code, hi)} group of "
            f"statistical neighbours in every year; the trend tables and charts give each year's own group (DfE's "
            f"{old} groupings up to {upto}), so the neighbours' average there can move differently from the "
            "one compared here")


#: how :func:`regrouped_words` begins (a caveat found again by it)
REGROUPED_LEAD = "the comparison sets the council against DfE's"


#: how :func:`gaps_words` begins (a caveat found again by it)
GAPS_LEAD = "left out of the comparison: "


def gaps_words(left, m: registry.Measure | None = None) -> str:
    """"left out of the comparison: Hampshire, where DfE records no information for 64%
    and 51% of the young people in 2024 and 2025 ...": what :func:`set_aside` left out,
    as a clause without its full stop, or ''."""
    if not left:
        return ""
    from .wording import listing
    by: dict = {}
    for code, period, share in left:
        by.setdefault(code, []).append((period, share))
    label = (lambda p: m.period_label(p)) if m is not None else str
    parts = [f"{resolve_la(code).display_name}, where DfE records no information for "
             f"{listing(f'{round_half_up(sh):.0f}%' for _, sh in items)} of the young people in {listing(label(p) for p, _ in items)}"
             for code, items in by.items()]
    return (GAPS_LEAD + "; ".join(parts) + f" (figures with at least {COMPARATOR_UNKNOWN_SHARE:.0f}% not known "
            "reflect recording more than young people's lives, and the comparison needs every year from each "
            "neighbour)")


#: England's count may be rounded (to the nearest 10 in some tables): the slack allowed
#: when checking what DfE's c stands for (:func:`c_means_few`)
ENGLAND_ROUNDING = 10


@lru_cache(maxsize=4)
def _few(root: str) -> frozenset:
    from pathlib import Path
    ids = [m.id for m in registry.published_measures() if m.unit == "percent"]
    return frozenset(c_means_few(published.load_indicators(ids, data_root=Path(root))))


def c_means_few_published(data_root=None) -> frozenset:
    """:func:`c_means_few` of DfE's published figures, worked out once per data folder
    (a fact about DfE's tables, as :func:`recording_gaps`: not redone for every council
    of a batch)."""
    from .paths import data_dir
    return _few(str(data_root or data_dir()))


def c_means_few(indicators: pd.DataFrame) -> set:
    """The (measure, period) pairs of percentages where DfE's c on a council's figure
    stands for 1 to 5 children, as its symbol guide says: England's count less the
    councils' published counts lies between 1 and 5 for each c (give or take
    :data:`ENGLAND_ROUNDING`). Convictions 2025: 414 c's over the years, about 3 children
    each. Where it does not hold, c hides more than that (secondary suppression, small
    cohorts: new placements over 20 miles, about 77 children per c), and nothing is
    assumed about it. Only DfE's EES tables (LAIT gives no counts); docs/assumptions.md C2c."""
    f = indicators[indicators["source"].astype(str).str.startswith("EES")
                   & indicators["measure"].isin([m.id for m in registry.published_measures() if m.unit == "percent"])]
    if f.empty:
        return set()
    code = f["area_code"].astype(str)
    la = f[code.str.fullmatch(r"\d{3}")]
    eng = f[code == ind.ENGLAND_CODE].drop_duplicates(["measure", "period"]).set_index(["measure", "period"])["numerator"]
    ok = la[la["status"] == ind.OK].groupby(["measure", "period"])["numerator"].sum()
    nc = la[la["status"] == "c"].groupby(["measure", "period"]).size()
    out = set()
    for key, k in nc.items():
        total = eng.get(key, np.nan)
        if not np.isfinite(total):
            continue
        rest = total - ok.get(key, 0.0)
        if k - ENGLAND_ROUNDING <= rest <= 5 * k + ENGLAND_ROUNDING:
            out.add((key[0], int(key[1])))
    return out


def _interval(m: registry.Measure, num: float, den: float) -> tuple[float, float]:
    if not (np.isfinite(num) and np.isfinite(den)) or den <= 0:
        return (np.nan, np.nan)
    if m.unit == "percent":
        lo, hi = proportion_confint(num, den, alpha=0.05, method="wilson")
        return 100 * lo, 100 * hi
    if m.unit == "rate_per_10k":
        lo, hi = confint_poisson(num, den, method="exact-c", alpha=0.05)
        return 10000 * lo, 10000 * hi
    return (np.nan, np.nan)


def benchmark(la, measures=None, *, comparator="statistical_neighbours",
              periods: tuple[int, int] | None = None, data_root=None,
              indicators: pd.DataFrame | None = None) -> BenchmarkResult:
    """Benchmark one LA on published figures.

    Parameters
    ----------
    la : DfE number, ONS code or name of the LA.
    measures : measure ids (default: every measure in the registry).
    comparator : ``"statistical_neighbours"`` (DfE's, by year), ``"region"``, or a list
        of LA codes or names.
    periods : (first, last) years, inclusive, as reports label them (None for no limit,
        so (2016, None) runs to the latest year published): years ending 31 March, academic years by the year they end, census figures by the census's
        year, so (2016, 2025) takes the September 2016 to September 2025 workforce
        censuses (periods 2017 to 2026) with the years ending March 2016 to 2025.
    indicators : an indicator frame to use instead of DfE's published data.
    """
    area = la if isinstance(la, Area) else resolve_la(la, data_root)
    ms = registry.resolve(measures) if measures is not None else registry.published_measures()
    ids = [m.id for m in ms]
    periods = _year_range(periods)
    wide = None if periods is None else (periods[0], periods[1] + max(m.lait_period_shift for m in ms))
    if indicators is None:
        indicators = published.load_indicators(ids, data_root=data_root, periods=wide)
    else:
        indicators = ind.validate(indicators)
        indicators = indicators[indicators["measure"].isin(ids)]
        if wide is not None:
            indicators = indicators[indicators["period"].between(*wide)]
    if periods is not None:
        indicators = in_years(indicators, periods)
        if indicators.empty:
            from .errors import ConfigError
            shown = "-".join("" if p in (0, 9999) else str(p) for p in periods)
            raise ConfigError(f"no published figures in the years {shown} for these measures",
                              fix="Give years DfE has published, e.g. years: [2016, null] (every year from 2016)")
    bands = quartile_bands(indicators)
    rows = []
    # every figure looked up by (measure, year) then area: one pass over the frame
    # instead of filtering it again for each measure, year and comparator set
    # (only the areas the table reads: the LA, its region, England and every year's
    # comparators, a tenth of the frame)
    cells: dict = {}
    cols = ["measure", "period", "area_code", "value", "status", "numerator", "denominator", "source",
            "decimals"]
    if "decimals" not in indicators:     # a frame of figures as worked out, none rounded
        indicators = indicators.assign(decimals=np.nan)
    read = {area.area_code, area.region_code, ind.ENGLAND_CODE}
    for period in indicators["period"].unique():
        read.update(comparator_codes(area, int(period), comparator, data_root))
    mine = indicators.loc[indicators["area_code"].isin(read), cols]
    for mid, period, code, *rest in mine.itertuples(index=False, name=None):
        cells.setdefault((mid, int(period)), {})[code] = rest
    missing = (np.nan, "x", np.nan, np.nan, "", np.nan)
    gaps = recording_gaps(data_root)
    few = c_means_few_published(data_root)
    for m in ms:
        # the years the council existed: Cumberland's chart and statements start in 2024
        # (its earlier years are not "x = not available"), Northamptonshire's end in 2021
        periods_m = sorted(p for (mid, p) in cells if mid == m.id and existing([area.area_code], p))
        for period in periods_m:
            at = cells[(m.id, period)]
            comp = comparator_codes(area, period, comparator, data_root)
            published_ok = [c for c in comp if c in at and at[c][1] == ind.OK]
            # a neighbour whose figure rests on a recording gap (Hampshire's care leavers,
            # 51% not known) stands for recording, not young people's lives
            unknown = tuple((c, share) for c in published_ok
                            if (share := _is_gap(gaps, c, period, m.id, at[c][4])) is not None)
            used = [c for c in published_ok if c not in {u for u, _ in unknown}]
            cv_ok = np.array([at[c][0] for c in used], dtype=float)
            # how the comparators' figures were published: whole numbers only if all were
            cd_ok = np.array([at[c][5] for c in used], dtype=float)
            # an average of the few comparators with a figure stands for none of the set
            # (Hertfordshire 2022 apprenticeships: 1 of 10 neighbours, at 0%)
            has = np.isfinite(cv_ok).any() and len(cv_ok) >= needed_for_average(len(comp))
            # neighbours DfE suppressed (c: 1 to 5 children, where England's count bears
            # that out) on a percentage: with each cohort known, the average of the whole
            # set lies between counting them at 1 and at 5 children (a rare outcome's
            # average of the rest sits low)
            hidden = [at[c][3] for c in comp if (m.id, period) in few and c in at and at[c][1] == "c"
                      and str(at[c][4]).startswith("EES") and np.isfinite(at[c][3]) and at[c][3] > 0]
            bounds = (np.nan, np.nan)
            if has and hidden:
                k = len(cv_ok) + len(hidden)
                bounds = tuple((cv_ok.sum() + sum(100 * min(n, d) / d for d in hidden)) / k for n in (1, 5))
            # a neighbour at 0% of a sizeable cohort on a measure where higher is better
            # (no development assessment of 92 children) is more likely unrecorded than real
            zeros = tuple((c, at[c][2], at[c][3]) for c in used
                          if m.unit == "percent" and m.polarity == "high"
                          and at[c][0] == 0 and np.isfinite(at[c][3]) and at[c][3] >= ZERO_COHORT)
            # the average without any neighbour at 0%, by the same half-the-set rule
            above0 = cv_ok[cv_ok > 0]
            without_zeros = above0.mean() if zeros and len(above0) >= needed_for_average(len(comp)) else np.nan
            value, la_status, num, den, source, decimals = at.get(area.area_code, missing)
            lo, hi = _interval(m, num, den)
            reg, *_, reg_dec = at.get(area.region_code, missing)
            eng, *_, eng_dec = at.get(ind.ENGLAND_CODE, missing)
            rows.append({
                "measure": m.id, "period": period,
                "la_value": value, "la_numerator": num, "la_denominator": den,
                "la_status": la_status, "la_ci_low": lo, "la_ci_high": hi, "la_source": source,
                "la_decimals": decimals,
                "comparator_mean": np.nanmean(cv_ok) if has else np.nan,
                "comparator_min": np.nanmin(cv_ok) if has else np.nan,
                "comparator_max": np.nanmax(cv_ok) if has else np.nan,
                "comparator_decimals": cd_ok.max() if len(cd_ok) else np.nan,
                "comparator_n": int(len(cv_ok)), "comparator_size": len(comp),
                # the whole set's average with its c figures at 1 and at 5 children
                "comparator_low": bounds[0], "comparator_high": bounds[1],
                "comparator_hidden": (len(hidden), min(hidden), max(hidden)) if hidden else (),
                "comparator_zeros": zeros, "comparator_without_zeros": without_zeros,
                # left out of the average: (code, share not known, the figure)
                "comparator_unknown": tuple((c, sh, at[c][0]) for c, sh in unknown),
                "comparator_model": neighbour_model_for(area, period, data_root)
                if comparator == "statistical_neighbours" else comparator_label(comparator),
                "region_value": reg, "england_value": eng,
                "region_decimals": reg_dec, "england_decimals": eng_dec,
            })
    table = pd.DataFrame(rows)
    if table.empty:
        table = pd.DataFrame(columns=["measure", "period", "la_value", "band", "rank", "n_las"])
    mine_bands = bands[bands["area_code"] == area.area_code].drop(columns="area_code")
    table = table.merge(mine_bands, on=["measure", "period"], how="left")
    sized = table["measure"].map(lambda mid: registry.get(mid).size_dependent)
    table.loc[sized, ["band", "n_las"]] = np.nan     # a count's quarter says how big a council is
    return BenchmarkResult(area, comparator, table, indicators)


def comparator_cell(m: registry.Measure, row) -> str:
    """The comparators' average as a table cell: the figure, "too few (3 of 10)" where
    fewer than :data:`MIN_COMPARATOR_SHARE` of the set have one, or "not available"."""
    if pd.isna(row["comparator_mean"]) and row.get("comparator_n", 0) > 0:
        return f"too few ({int(row['comparator_n'])} of {int(row['comparator_size'])})"
    return m.format_value(row["comparator_mean"])


def as_printed(m: registry.Measure, v, decimals=None) -> str:
    """A figure as reports print it, to the precision DfE published it to: ``decimals``
    from the table (``la_decimals``, ``england_decimals``, ``region_decimals``,
    ``comparator_decimals`` for the neighbours' range), from the indicator frame. A
    figure of one of LAIT's whole-number columns (0) prints without a decimal (20%);
    one of its one-decimal columns keeps it (absence: 9.0%, not 9%), as does a figure
    worked out from counts and an average of councils' figures (given without
    ``decimals``)."""
    return m.format_value(v, whole=published.published_whole(decimals))


def range_words(m: registry.Measure, ref: tuple) -> str:
    """A range of the comparators' average (:func:`comparator_ref`) as reports print it:
    "1.0% to 2.6%"."""
    return f"{as_printed(m, ref[0])} to {as_printed(m, ref[1])}"


def comparator_ref(row: pd.Series):
    """What the council is set against among its comparators: their average, or, where
    some of them are DfE's c on a percentage with a known cohort, the range the whole
    set's average can take (``comparator_low`` to ``comparator_high``), as a tuple."""
    lo, hi = row.get("comparator_low", np.nan), row.get("comparator_high", np.nan)
    if np.isfinite(row["comparator_mean"]) and np.isfinite(lo) and np.isfinite(hi):
        return (float(lo), float(hi))
    return row["comparator_mean"]


def compare(m: registry.Measure, row: pd.Series, ref, *, tested_only: bool = False) -> str | None:
    """The council's figure in ``row`` (a row of :attr:`BenchmarkResult.table`) against
    ``ref`` (the comparators' average, England's figure): the one rule behind the
    verdicts, headlines and statements here and the briefing's ratings.

    * ``'in line'`` when the council's 95% interval holds ``ref``; for a figure without
      an interval, when the two are equal or differ by no more than the rounding of a
      figure DfE published as a whole number (LAIT's 20 against 20.3);
    * otherwise ``'better'`` or ``'worse'`` by the measure's polarity (the side of
      ``ref`` its interval lies on, when it has one), or ``'higher'`` or ``'lower'`` for
      a measure without a polarity;
    * None when there is nothing to compare: no council figure that year, no ``ref``, or
      a count, which grows with the council and is not set against other areas.

    ``ref`` may be a range ``(low, high)`` (:func:`comparator_ref`): the council is then
    in line when its interval reaches into the range, and better or worse only when it
    clears all of it.

    ``tested_only``: say only what is beyond noise, so None for a figure without an
    interval (LAIT's figures without counts, scores) rather than a plain comparison.
    """
    if m.size_dependent or row.get("la_status") != ind.OK:
        return None
    v = row["la_value"]
    low, high = ref if isinstance(ref, tuple) else (ref, ref)
    if low is None or not (np.isfinite(v) and np.isfinite(low) and np.isfinite(high)):
        return None
    lo, hi = row["la_ci_low"], row["la_ci_high"]
    tested = np.isfinite(lo) and np.isfinite(hi)
    if tested and lo <= high and low <= hi:
        return "in line"
    if not tested:
        if tested_only:
            return None
        if low <= v <= high or _within_rounding(row, v, low) or _within_rounding(row, v, high):
            return "in line"
    above = lo > high if tested else v > high
    if m.higher_is_better is None:
        return "higher" if above else "lower"
    return "better" if above == m.higher_is_better else "worse"


def not_shown(area_code: str, measure_id: str, row: pd.Series) -> str:
    """What a council figure that is not shown is, in words, for a table cell or a chart
    note: a figure this report withholds (``la_withheld``, :meth:`BenchmarkResult.disclosed`)
    "would reveal 1 to 5 children"; one of DfE's symbols, what DfE meant by it, a ``c``
    being DfE's own suppression, not this report's."""
    from . import sdc

    if bool(row.get("la_withheld", False)):
        return sdc.withheld_because(area_code, measure_id, [row["period"]])
    if row["la_status"] == "c":
        return "suppressed by DfE to protect confidentiality"
    return ind.SYMBOLS.get(row["la_status"], "not available")


def _why_not(area_code: str, m: registry.Measure, row: pd.Series, policy: str) -> str:
    """Why a year's figure is not shown, in words (:func:`not_shown`, with who hid it)."""
    why = not_shown(area_code, m.id, row)
    if bool(row.get("la_withheld", False)):
        return f"{why} and is not shown under the {policy} policy"
    return f"is {why} (DfE symbol '{row['la_status']}')"


def _years(m: registry.Measure, periods) -> str:
    ps = sorted(int(p) for p in periods)
    return m.period_label(ps[0]) if len(ps) == 1 else f"{m.period_label(ps[0])} to {m.period_label(ps[-1])}"


#: a share of a cohort with no information recorded worth naming beside a figure: at
#: least this percentage, and above England's
UNKNOWN_SHARE = 10.0


def _not_recorded(measure_id: str) -> pd.DataFrame:
    return _not_recorded_at(measure_id, published.current_fingerprint())


@lru_cache(maxsize=64)
def _not_recorded_at(measure_id: str, fingerprint: str) -> pd.DataFrame:
    return published.not_recorded([measure_id])


#: a council's run of 0% figures is named when 0 in every one of those years would
#: happen by chance less often than this at England's rate
ZERO_RUN_CHANCE = 0.001


@dataclass(frozen=True)
class ZeroRun:
    """A council's latest figures that are all 0 (:func:`zero_run`)."""
    first: int
    last: int
    years: int
    cohort: float           # the denominators added up over those years
    expected: float         # what England's rate in each year would have given

    def _when(self, m: registry.Measure) -> str:
        return (f"in {m.period_label(self.last)}" if self.years == 1 else
                f"in every year from {m.period_label(self.first)} to {m.period_label(self.last)}")

    def short(self, m: registry.Measure) -> str:
        """For a rating's basis: "0 recorded in every year from 2021 to 2025 where England's
        rates give about 21: check it is being recorded"."""
        return (f"0 recorded {self._when(m)} where England's {'rate gives' if self.years == 1 else 'rates give'} "
                f"about {self.expected:,.0f}: check it is being recorded")

    def words(self, m: registry.Measure, name: str) -> str:
        """"Herefordshire recorded 0 in every year from 2021 to 2025 (0 of 964 in all);
        at England's rates about 21 would be expected ...": a sentence, without its full
        stop."""
        return (f"{name} recorded 0 {self._when(m)} (0 of {self.cohort:,.0f}{' in all' if self.years > 1 else ''}); "
                f"at England's {'rate' if self.years == 1 else 'rates'} about {self.expected:,.0f} would be "
                f"expected, and a true 0 would happen by chance less than once in "
                f"{round(1 / ZERO_RUN_CHANCE):,}: check that these are being recorded before reading "
                "the figure as a result")


def zero_run(m: registry.Measure, periods, numerators, denominators, statuses, england) -> ZeroRun | None:
    """The council's latest run of years with a published 0% (numerator 0 of a known
    cohort), when it is too long or the cohort too big to be chance: at England's rate
    ``england[period]`` (%) in each year, 0 in every one of them would happen with a
    probability below :data:`ZERO_RUN_CHANCE`. Herefordshire's 0 children of 964 aged
    10-17 convicted in 2021-2025, where about 21 would be expected, is more likely
    convictions not recorded on the return than none at all. The run ends at the first
    year back that is not a 0 (a figure, a suppressed year: a DfE ``c`` is 1 to 5).
    Only percentages of children; None when there is no such run."""
    if m.unit != "percent":
        return None
    rows = sorted(zip(periods, numerators, denominators, statuses), key=lambda r: r[0], reverse=True)
    years, cohort, expected, log_chance = [], 0.0, 0.0, 0.0
    for period, num, den, status in rows:
        rate = england.get(int(period), np.nan)
        if status != ind.OK or not (num == 0 and np.isfinite(den) and den > 0 and np.isfinite(rate)):
            break
        years.append(int(period))
        cohort += den
        expected += den * rate / 100
        log_chance += den * np.log1p(-min(rate, 99.999) / 100)
    if not years or log_chance >= np.log(ZERO_RUN_CHANCE):
        return None
    return ZeroRun(min(years), max(years), len(years), cohort, expected)


def council_zero_run(bm: BenchmarkResult, m: registry.Measure) -> ZeroRun | None:
    """:func:`zero_run` of the council's published figures in ``bm``."""
    s = bm.series(m.id)
    if s.empty:
        return None
    return zero_run(m, s["period"], s["la_numerator"], s["la_denominator"], s["la_status"],
                    dict(zip(s["period"].astype(int), s["england_value"])))


def recording_note(m: registry.Measure, period, area_code: str, policy, what: str = "the figure") -> str | None:
    """How many of the council's cohort have no information recorded in ``period``, when
    that is many (:data:`UNKNOWN_SHARE`, and more than England's share), since ``what``
    may then reflect recording and contact rather than young people's lives: "14 of 59
    (24%) have no information recorded (England 6%), which DfE counts for young people
    the council is not in touch with, who refused contact or no longer need its
    services: the rating may reflect ...; among the 45 with information the figure is
    66.7% (30 of 45)" (the
    measure's share among those DfE has information on, DfE's guidance to the
    accommodation table). None when it is not,
    when the measure names no such category (``published.not_known``), or when the count
    would give away 1 to 5 children under the policy."""
    from . import sdc
    if not (m.published or {}).get("not_known"):
        return None
    pol = sdc.policy(policy)
    f = _not_recorded(m.id)
    year = f[(f["period"] == int(period)) & (f["status"] == ind.OK)]
    own = year[year["area_code"].astype(str) == str(area_code)]
    if own.empty:
        return None
    k, n, share = own.iloc[0][["not_known", "denominator", "value"]]
    eng = year[year["area_code"].astype(str) == ind.ENGLAND_CODE]["value"]
    eng = float(eng.iloc[0]) if len(eng) else np.nan
    if share < UNKNOWN_SHARE or (np.isfinite(eng) and share <= eng) \
            or (pol.suppress_small and bool(sdc.gives_away(k, n, published=True).any())):
        return None        # DfE's own counts: the children they leave out are DfE's to print
    known = ""
    mine = _coverage(m.id)
    mine = mine[(mine["period"] == int(period)) & (mine["area_code"].astype(str) == str(area_code))]
    if len(mine) and m.unit == "percent" and np.isfinite(num := float(mine.iloc[0]["numerator"])) \
            and float(mine.iloc[0]["denominator"]) == float(n) and n - k > 0 \
            and not (pol.suppress_small and bool(sdc.gives_away(num, n - k, published=True).any())):
        known = (f"; among the {n - k:,.0f} with information the figure is "
                 f"{sdc.label(100 * num / (n - k), pol=pol)} ({num:,.0f} of {n - k:,.0f})")
    england = f" (England {sdc.label(eng, pol=pol)})" if np.isfinite(eng) else ""
    if _DISTANCE in m.published["not_known"]:       # where children were placed, not known
        known = known.replace("with information", "with a known location")
        return (f"{k:,.0f} of {n:,.0f} new placements ({sdc.label(share, pol=pol)}) have no distance recorded"
                + f"{england}, which DfE's figure keeps in its total as neither near nor far: {what} may "
                + f"reflect recording more than where children were placed{known}")
    return (f"{k:,.0f} of {n:,.0f} ({sdc.label(share, pol=pol)}) have no information recorded{england}"
            + ", which DfE counts for young people the council is not in touch with, who refused contact "
            + f"or no longer need its services: {what} may reflect recording and contact more than young "
            + f"people's lives{known}")


#: DfE's category of new placements whose distance from home is not known
_DISTANCE = "Distance not known or not recorded"


def _coverage(measure_id: str) -> pd.DataFrame:
    """A measure's usable published figures (status ok), for every area and year."""
    return _coverage_at(measure_id, published.current_fingerprint())


@lru_cache(maxsize=16)
def _coverage_at(measure_id: str, fingerprint: str) -> pd.DataFrame:
    f = published.load_indicators([measure_id])
    return f[f["status"] == ind.OK]


#: a measure of children a council identified (``identified`` in the registry) is not
#: rated against other councils when at least this share (%) of councils identified none
IDENTIFIED_NONE_SHARE = 10.0


#: how :func:`identified_note` begins (the briefing finds the rows it left unrated by it)
IDENTIFIED_LEAD = "it counts children identified"


def identified_note(m: registry.Measure, period, value: float | None = None) -> str | None:
    """For a measure that counts children a council identified (substance misuse), how
    many councils identified none in ``period``, where that is many
    (:data:`IDENTIFIED_NONE_SHARE`): "it counts children identified, and 24 of 118
    councils identified none in 2025, so a higher figure may mean closer screening as
    much as more need" (for a council whose own ``value`` is 0: "so 0 may mean none
    were identified rather than none in need"). None otherwise. LAIT rates substance
    misuse lower is better; a fifth of councils at 0 says recording differs more than
    children do (assumption P8a)."""
    if not m.identified:
        return None
    f = _coverage(m.id)
    year = f[(f["period"] == int(period)) & (f["geographic_level"] == "Local authority")]
    n, k = len(year), int((year["value"] == 0).sum())
    if not n or 100 * k / n < IDENTIFIED_NONE_SHARE:
        return None
    so = ("so 0 may mean none were identified rather than none in need" if value == 0 else
          "so a higher figure may mean closer screening as much as more need")
    return f"{IDENTIFIED_LEAD}, and {k} of {n} councils identified none in {m.period_label(period)}, {so}"


def coverage_note(m: registry.Measure, period, area_code: str, policy, what: str = "the figure") -> str | None:
    """How much of its cohort a figure of only some of it covers (``covered_by``), where
    the council's share is below England's: Herefordshire's average SDQ score of 2025,
    "better than its neighbours", is of the 113 of 214 children with a score (52.8%;
    England 78.2%). None where the share is England's or more, where there is none, or
    where its counts would give away 1 to 5 children under the policy."""
    from . import sdc
    if not m.covered_by:
        return None
    cov = registry.get(m.covered_by)
    f = _coverage(cov.id)
    year = f[f["period"] == int(period)]
    own = year[year["area_code"].astype(str) == str(area_code)]
    eng = year[year["area_code"].astype(str) == ind.ENGLAND_CODE]
    if own.empty or eng.empty:
        return None
    k, n, share = own.iloc[0][["numerator", "denominator", "value"]]
    england = float(eng.iloc[0]["value"])
    pol = sdc.policy(policy)
    if not share < england or (pol.suppress_small and bool(sdc.gives_away(k, n, published=True).any())):
        return None
    counts = f"{k:,.0f} of {n:,.0f}, " if np.isfinite(k) and np.isfinite(n) else ""
    return (f"{cov.short} is {sdc.label(share, pol=pol)} ({counts}England {sdc.label(england, pol=pol)}): "
            f"{what} rests on those {m.base} only and may not speak for the rest")


def _gone_words(area_code: str, m: registry.Measure, rows: pd.DataFrame, policy: str) -> str | None:
    """Why years of the council's figures are missing, where the disclosure policy
    withheld some ("2024 is withheld under the published policy, as it would reveal 1 to
    5 children"): each such year had been called "suppressed or not available". None
    where DfE's symbols alone explain them."""
    mine = rows["la_withheld"].fillna(False).astype(bool) if "la_withheld" in rows else \
        pd.Series(False, index=rows.index)
    dfe, ours = rows[~mine], rows[mine]
    if ours.empty:
        return None
    from . import sdc
    said = [f"{_years(m, ours['period'])} {'is' if len(ours) == 1 else 'are'} withheld under the {policy} "
            f"policy, as {'it' if len(ours) == 1 else 'they'} "
            + sdc.withheld_because(area_code, m.id, ours["period"])]
    if len(dfe):
        said.append(f"{_years(m, dfe['period'])} {'is' if len(dfe) == 1 else 'are'} suppressed or not available")
    return "; ".join(said)


def _statement(bm: BenchmarkResult, m: registry.Measure, policy: str = "internal") -> str:
    bm = bm.disclosed(policy)
    s = bm.series(m.id)
    if s.empty:
        return f"No published figures for {bm.la.display_name} on this measure."
    last = bm.latest(m.id)
    name = bm.la.display_name
    period = int(last["period"])
    if last["la_status"] != ind.OK:
        return f"{name}'s {m.period_label(period)} figure {_why_not(bm.la.area_code, m, last, policy)}, so it cannot be compared."
    parts = []
    fig = as_printed(m, last["la_value"], last["la_decimals"])
    num, den = last["la_numerator"], last["la_denominator"]
    if np.isfinite(num) and np.isfinite(den):
        if m.unit == "percent":
            fig += f" ({num:,.0f} of {den:,.0f})"
        elif m.unit in registry.PER_CHILD_UNITS and m.counts:
            fig += f" ({num:,.0f} {m.counts[0]}, {den:,.0f} {m.counts[1]})"
    parts.append(f"{m.period_phrase(period)}, {name}: {fig}.")
    later = s[s["period"] > period]
    if len(later):
        gone = _gone_words(bm.la.area_code, m, later, policy)
        parts.append(f"Later figures: {gone}." if gone else
                     f"Later figures ({_years(m, later['period'])}) are suppressed or not available.")
    newest, year = bm.newest_year(), period - m.lait_period_shift
    if year < newest - STALE_YEARS:
        parts.append(f"It is {newest - year} years older than the newest figures here ({newest}): read it "
                     f"as history, too old to describe {name} now.")
    p = _earlier(s, period)
    if p is not None:
        skipped = s[(s["period"] > p["period"]) & (s["period"] < period)]
        if skipped.empty:
            parts.append(f"The year before ({m.period_label(p['period'])}): {as_printed(m, p['la_value'], p['la_decimals'])}.")
        else:
            gone = _gone_words(bm.la.area_code, m, skipped, policy)
            why = (f"; {gone}" if gone else f", as {_years(m, skipped['period'])} "
                   f"{'is' if len(skipped) == 1 else 'are'} suppressed or not available")
            parts.append(f"The latest figure before it ({m.period_label(p['period'])}{why}): "
                         f"{as_printed(m, p['la_value'], p['la_decimals'])}.")
    label = comparator_label(bm.comparator)
    cmean = last["comparator_mean"]
    if np.isfinite(cmean):
        rng = ""
        if last["comparator_n"] > 1:
            rng = (f", range {as_printed(m, last['comparator_min'], last['comparator_decimals'])} to "
                   f"{as_printed(m, last['comparator_max'], last['comparator_decimals'])}")
        parts.append(
            f"Its {label} averaged {as_printed(m, cmean)} ({int(last['comparator_n'])} of "
            f"{int(last['comparator_size'])} with a figure{rng}).")
        far, of = (not_close(bm.la, int(last["period"])) if bm.comparator == "statistical_neighbours"
                   else (0, 0))
        if of and far == of:
            parts.append(f"DfE rates none of them as close to {name} (all 'not close'): no council is much "
                         "like it, so the comparison says little; England and the region are the steadier guide.")
        elif of and 2 * far >= of:
            # half or more not like it (inner London, 2021): say so, short of "says little"
            parts.append(f"DfE rates {far} of these {of} neighbours 'not close' to {name}, so their average is "
                         "a loose guide to what a council like it achieves.")
        parts.append(_unknown_note(m, last))
        parts.append(_hidden_note(m, last))
        parts.append(SIZE_NOTE if m.size_dependent else _judgement(m, last, label, name))
        parts.append(_zeros_note(m, last))
        for note in (recording_note(m, last["period"], bm.la.area_code, policy),
                     coverage_note(m, last["period"], bm.la.area_code, policy),
                     identified_note(m, last["period"], last["la_value"])):
            if note:
                parts.append(f"{note[0].upper()}{note[1:]}.")
    elif last["comparator_n"] > 0:
        usable = " usable" if last.get("comparator_unknown") else ""
        parts.append(f"Only {int(last['comparator_n'])} of its {int(last['comparator_size'])} {label} "
                     f"{'has' if last['comparator_n'] == 1 else 'have'} a{usable} figure, too few for an average "
                     f"(at least {needed_for_average(int(last['comparator_size']))} are needed).")
        parts.append(_unknown_note(m, last))
    zeros = council_zero_run(bm, m)
    if zeros is not None:
        parts.append(zeros.words(m, name) + ".")
    others = []
    if np.isfinite(last["region_value"]):
        others.append(f"{bm.la.region_name} {as_printed(m, last['region_value'], last['region_decimals'])}")
    if np.isfinite(last["england_value"]):
        others.append(f"England {as_printed(m, last['england_value'], last['england_decimals'])}")
    if others:
        parts.append("For reference: " + "; ".join(others) + ".")
    if isinstance(last.get("band"), str):
        # Herefordshire's 0 convictions, "band A, the best-performing quarter", beside a
        # sentence saying they are more likely not recorded
        unrecorded = zeros is not None and zeros.last == int(last["period"])
        parts.append(f"Among {int(last['n_las'])} LAs with a figure it is in "
                     f"{BAND_TEXT[last['band']]}"
                     + ("; a 0 that is not being recorded would put it there too." if unrecorded else "."))
    return " ".join(p for p in parts if p)


def _hidden_note(m: registry.Measure, last: pd.Series) -> str:
    """"5 more are suppressed (DfE's c: 1 to 5 children each, in cohorts of 67 to 403):
    counted at 1 and at 5, the average of all 10 is 1.0% to 2.6%." or ''."""
    hidden = last.get("comparator_hidden") or ()
    if not hidden or not isinstance(comparator_ref(last), tuple):
        return ""
    k, small, big = hidden
    cohorts = f"a cohort of {small:,.0f}" if k == 1 else f"cohorts of {small:,.0f} to {big:,.0f}"
    return (f"{k} more {'is' if k == 1 else 'are'} suppressed (DfE's c: 1 to 5 children"
            f"{'' if k == 1 else ' each'}, in {cohorts}): counted at 1 and at 5, the average of all "
            f"{int(last['comparator_n']) + k} is {range_words(m, comparator_ref(last))}.")


def average_with_set_aside(row) -> float:
    """A benchmark row's neighbours' average as it would be with the neighbours left out
    for a recording gap (``comparator_unknown``) put back: LAIT's average, which counts
    every published figure. NaN without an average."""
    unknown = row.get("comparator_unknown") or ()
    cv, n = row["comparator_mean"], int(row["comparator_n"])
    if not np.isfinite(cv):
        return np.nan
    return (cv * n + sum(v for *_, v in unknown)) / (n + len(unknown))


def _unknown_note(m: registry.Measure, last: pd.Series) -> str:
    """Which neighbours were left out of the average because their figure rests on a
    recording gap (``comparator_unknown``), with what the average would have been with
    them (LAIT's neighbours' average counts every published figure), or ''."""
    unknown = last.get("comparator_unknown") or ()
    if not unknown:
        return ""
    who = "; ".join(f"{resolve_la(c).display_name} ({as_printed(m, v)}, with no information for {round_half_up(sh):.0f}% "
                    "of the young people)" for c, sh, v in unknown)
    one = len(unknown) == 1
    total = average_with_set_aside(last)
    withall = f"; with {'it' if one else 'them'} the average would be {as_printed(m, total)}" \
        if np.isfinite(total) else ""
    return (f"{'One neighbour is' if one else f'{len(unknown)} neighbours are'} left out of the average because "
            f"{'its figure reflects' if one else 'their figures reflect'} recording more than young people's "
            f"lives: {who}{withall}.")


def _zeros_note(m: registry.Measure, last: pd.Series) -> str:
    """A note on neighbours at 0% of a sizeable cohort (see ``comparator_zeros``), with
    the neighbours' average without them, or ''."""
    zeros = last.get("comparator_zeros") or ()
    if not zeros:
        return ""
    who = "; ".join(f"{resolve_la(c).display_name} 0 of {d:,.0f}" for c, _, d in zeros)
    rest = last.get("comparator_without_zeros", np.nan)
    without = (f"; without {'it' if len(zeros) == 1 else 'them'} the neighbours averaged {as_printed(m, rest)}"
               if np.isfinite(rest) else "")
    return (f"{'One neighbour reports' if len(zeros) == 1 else f'{len(zeros)} neighbours report'} 0% "
            f"({who}), more likely a gap in recording than no child at all{without}.")


#: what a statement says instead of comparing a count with other councils
SIZE_NOTE = ("A count grows with the size of the council, so it is not judged against other "
             "councils here; rates and percentages are.")


def _earlier(s: pd.DataFrame, period) -> pd.Series | None:
    """The LA's latest figure before ``period`` (suppressed years skipped), or None."""
    prev = s[(s["period"] < period) & (s["la_status"] == ind.OK)]
    return None if prev.empty else prev.iloc[-1]


def _on_the_year(bm: BenchmarkResult, m: registry.Measure, last: pd.Series) -> str:
    """', down from 387 in 2024' (or up, or unchanged), or '' without an earlier figure."""
    p = _earlier(bm.series(m.id), last["period"])
    if p is None:
        return ""
    if p["la_value"] == last["la_value"]:
        return f", unchanged from {m.period_label(p['period'])}"
    way = "up" if last["la_value"] > p["la_value"] else "down"
    return f", {way} from {as_printed(m, p['la_value'], p['la_decimals'])} in {m.period_label(p['period'])}"


def _within_rounding(last: pd.Series, v: float, c: float) -> bool:
    """The council's figure, published as a whole number (LAIT's), within rounding of ``c``."""
    return published.within_lait_rounding([last.get("la_decimals")], v, c)


def _judgement(m: registry.Measure, last: pd.Series, label: str, name: str) -> str:
    """The statement's sentence on the council against its comparators: :func:`compare`
    in words, with the interval (or the lack of one) it rests on."""
    v, c = last["la_value"], last["comparator_mean"]
    lo, hi = last["la_ci_low"], last["la_ci_high"]
    ref = comparator_ref(last)
    side = compare(m, last, ref)
    ranged = isinstance(ref, tuple)
    if ranged:
        direction = "higher" if v > ref[1] else "lower" if v < ref[0] else "the same as"
    else:
        direction = "higher" if v > c else "lower" if v < c else "the same as"
    verdict = f"{direction} ({side})" if side in ("better", "worse") else direction
    if np.isfinite(lo) and np.isfinite(hi):
        base = (f"a population of {last['la_denominator']:,.0f} children" if m.unit == "rate_per_10k"
                else f"a cohort of {last['la_denominator']:,.0f}")
        interval = f"{name}'s 95% interval ({as_printed(m, lo)} to {as_printed(m, hi)}), the range chance alone could give {base}"
        if ranged:
            whole = (f"the average of all {int(last['comparator_n']) + last['comparator_hidden'][0]} "
                     f"({range_words(m, ref)})")
            if side == "in line":
                return f"That is in line with its {label}: {whole} reaches into {interval}."
            return f"That is {verdict} than its {label}: {whole} lies wholly outside {interval}."
        if side == "in line":
            return f"That is in line with its {label}: their average lies within {interval}."
        return f"That is {verdict} than its {label}: their average lies outside {interval}."
    if direction == "the same as":
        return f"That is the same as its {label}."
    if side == "in line":
        return (f"That is in line with its {label}: LAIT gives {name}'s figure as a whole number, so a "
                "difference of half a point or less may be rounding.")
    # "no interval" beside a review row testing the same measure's change with one read as
    # a contradiction: this is the figure itself, which DfE gives without the counts
    return (f"That is {verdict} than its {label}; DfE publishes this figure without the counts or spread "
            "an interval needs, so the figure itself has none: treat small differences with care.")
