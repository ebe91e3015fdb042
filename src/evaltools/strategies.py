"""Corporate Parenting Strategies as data: what a council promised, and how to measure it.

One YAML file per strategy in ``data/strategies/`` (a council writes its own the same
way; see ``data/strategies/README.md``)::

    strategy:
      id: herefordshire_2025_27
      title: Herefordshire Corporate Parenting Strategy 2025-27
      la: "884"                         # DfE LA number (or the LA's name)
      start: 2025-01-01                 # when the strategy runs from and to
      end: 2027-12-31
      baseline_period: 2024             # collection year (ending 31 March) of the baseline
      document: herefordshire_corporate_parenting_strategy_2025-27.txt
    measures:
      - id: hf25_eet_19_21              # unique in the file
        text: More care leavers aged 19-21 in education, employment or training
        priority_area: Education, training and employment
        source: published               # published | child_level | local
        measure: care_leavers_eet_19_21 # registry id (published and child_level); or
                                        # proposed_measure: an id evaltools does not compute yet
        direction: increase             # increase | decrease | maintain | none
        baseline: {value: 48, period: 2023, text: "48% EET (2023)"}
        target: {value: 55, by: 2027, text: "55% by 2027"}   # or {change_percent: 20, ...}
      - id: hf25_pathway_plans
        text: Pathway plans up to date
        source: local
        local: pathway_plans_up_to_date # id in the local measures CSV
        direction: increase
    interventions:
      - id: hf_cps_2025_27
        title: Corporate Parenting Strategy 2025-27 approved by Cabinet
        when: "2024-12-19"              # as the source says it
        start: 2024-12-19               # first day it could have had an effect; omit if undated
        precision: day                  # day | month | season | year | financial_year | range | approx | undated
        measures: [hf25_eet_19_21]      # measure ids of this file, or "*" for all

:func:`load` reads and checks one file; every mistake is reported with the file, the
entry and how to fix it (:class:`StrategyError`), all at once, before any analysis runs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path


from . import registry
from .errors import ConfigError, EvaltoolsError
from .periods import collection_year
from .paths import data_dir, input_path
from . import yamlio

SOURCES = ("published", "child_level", "local")
DIRECTIONS = ("increase", "decrease", "maintain", "none")
PRECISIONS = ("day", "month", "season", "year", "financial_year", "range", "approx", "undated")
LOCAL_UNITS = ("percent", "count", "rate", "score", "days")


class StrategyError(ConfigError):
    """A strategy file that does not follow the schema."""


@dataclass(frozen=True)
class Figure:
    """A baseline or target: the number (in the measure's unit), the collection year
    it refers to, and the strategy's own words."""

    value: float | None = None
    period: int | None = None
    text: str = ""
    #: a target set as a change from the baseline ("grow by a fifth": 20), in percent;
    #: the review turns it into a level once the baseline is known
    change_percent: float | None = None
    #: a target set against another area's figure ("below the England average"):
    #: ``"england"``; the review reads England's figure for the year it judges
    relative_to: str | None = None
    #: whether a figure equal to the one set against meets it ("at or below the England
    #: rate"); by default not ("below the England average" asks for lower)
    or_equal: bool = False


@dataclass(frozen=True)
class StrategyMeasure:
    id: str
    text: str
    source: str
    direction: str
    measure: str | None = None          # registry id
    proposed_measure: str | None = None  # a DfE measure the registry does not hold yet
    local: str | None = None            # local measure id
    priority_area: str = ""
    baseline: Figure | None = None
    target: Figure | None = None
    definition: str = ""
    data: str = ""
    notes: str = ""
    #: the measure whose commitment this one measures too (a second figure for one
    #: commitment): reviews count commitments, or a letter's points, without it
    part_of: str | None = None

    @property
    def unit(self) -> str:
        return registry.get(self.measure).unit if self.measure else ""


#: what a target can be set against (``target: {relative_to: england}``)
RELATIVE_TO = ("england", "statistical_neighbours")


@dataclass(frozen=True)
class Intervention:
    id: str
    title: str
    when: str
    precision: str
    measures: tuple[str, ...]
    start: dt.date | None = None
    end: dt.date | None = None
    notes: str = ""

    @property
    def started(self) -> str:
        """When it began, as a report says it: "19 December 2024" or "July 2022" when the
        source gives the day or month, otherwise the source's own words ("2017/18",
        "Autumn 2023"); "undated" without a start."""
        if self.start is None:
            return "undated"
        if self.precision == "day":
            return f"{self.start.day} {self.start:%B %Y}"
        if self.precision == "month":
            return f"{self.start:%B %Y}"
        return self.when or str(self.start.year)

    @property
    def first_period(self) -> int | None:
        """The first collection year (ending 31 March) the intervention could affect:
        the one holding its start date. None when undated."""
        return None if self.start is None else collection_year(self.start)


@dataclass(frozen=True)
class Strategy:
    id: str
    title: str
    la: str
    start: dt.date
    end: dt.date
    baseline_period: int | None
    measures: tuple[StrategyMeasure, ...]
    interventions: tuple[Intervention, ...]
    document: str = ""
    path: Path | None = None
    notes: str = ""
    kind: str = "strategy"      # one of KINDS

    @property
    def last_period(self) -> int:
        """The strategy's last collection year (ending 31 March): the one holding its
        end date. A finished strategy is judged on figures up to it (assumption E5)."""
        return collection_year(self.end)

    @property
    def is_letter(self) -> bool:
        """Whether the file tracks an Ofsted letter's points rather than a strategy."""
        return self.kind == "ofsted_letter"

    @property
    def judged(self) -> str:
        """What a review judges, in its words: "the strategy", or for a letter's points
        "progress on the letter's points" (a letter is not "working" or "promising")."""
        return "progress on the letter's points" if self.is_letter else "the strategy"

    @property
    def promised(self) -> str:
        """"the strategy promised", or "the letter asks for": the way a figure should move."""
        return "the letter asks for" if self.is_letter else "the strategy promised"

    def measure(self, measure_id: str) -> StrategyMeasure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise StrategyError(f"strategy {self.id} has no measure {measure_id!r}", where=str(self.path or self.id))

    def interventions_for(self, measure_id: str) -> list[Intervention]:
        """The dated and undated interventions expected to move a measure."""
        return [i for i in self.interventions if measure_id in i.measures]

    def measures_frame(self):
        """One row per measure: id, text, source, registry or local id, direction,
        baseline and target (value, period, text), interventions."""
        import pandas as pd
        rows = []
        for m in self.measures:
            b, t = m.baseline or Figure(), m.target or Figure()
            rows.append({"id": m.id, "text": m.text, "priority_area": m.priority_area, "source": m.source,
                         "measure": m.measure, "local": m.local, "direction": m.direction,
                         "baseline_value": b.value, "baseline_period": b.period, "baseline_text": b.text,
                         "target_value": t.value, "target_by": t.period, "target_text": t.text,
                         "interventions": ", ".join(i.id for i in self.interventions_for(m.id))})
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------- checking

class _Problems:
    def __init__(self, path: str):
        self.path, self.items = path, []

    def add(self, where: str, what: str, fix: str):
        self.items.append(f"{where}: {what} ({fix})")

    def raise_if_any(self):
        if self.items:
            head = f"{len(self.items)} problem(s)" if len(self.items) > 1 else "a problem"
            raise StrategyError(f"strategy file has {head}: " + "; ".join(self.items[:8])
                                + (f"; and {len(self.items) - 8} more" if len(self.items) > 8 else ""),
                                where=self.path, fix="See data/strategies/README.md for the format")


def _date(value, where, key, probs) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        probs.add(where, f"{key} {value!r} is not a date", "write it as YYYY-MM-DD, e.g. 2024-12-19")
        return None


def _year(value, where, key, probs) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):      # by: 2026-03-31 was "datetime.date(2026, 3, 31) is not a year"
        probs.add(where, f"{key} {value.isoformat()} is a date, not a year",
                  f"give the collection year ending 31 March, e.g. {value.year if value.month <= 3 else value.year + 1}")
        return None
    try:
        y = int(value)
    except (TypeError, ValueError):
        probs.add(where, f"{key} {value!r} is not a year", "give the collection year ending 31 March, e.g. 2024")
        return None
    if not 2000 <= y <= 2100:
        probs.add(where, f"{key} {y} is not a plausible collection year", "use a year such as 2024")
    return y


def _figure(raw, where, key, probs, period_key) -> Figure | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        probs.add(where, f"{key} should be a mapping", f"write {key}: {{value: 48, {period_key}: 2023, text: ...}}")
        return None
    allowed = {"value", period_key, "text"} | ({"change_percent", "relative_to", "or_equal"} if key == "target"
                                               else set())
    unknown = set(raw) - allowed
    if unknown:
        probs.add(where, f"{key} has unknown field(s) {', '.join(sorted(unknown))}",
                  f"use {', '.join(sorted(allowed))}")
    change = raw.get("change_percent")
    if change is not None:
        try:
            change = float(change)
        except (TypeError, ValueError):
            probs.add(where, f"{key} change_percent {change!r} is not a number", "write 20 for 'grow by 20%'")
            change = None
        if change is not None and raw.get("value") is not None:
            probs.add(where, f"{key} has both value and change_percent", "give one: a level, or a change "
                      "from the baseline")
    relative = raw.get("relative_to")
    if relative is not None:
        if str(relative).lower() not in RELATIVE_TO:
            probs.add(where, f"{key} relative_to {relative!r} is not one of {', '.join(RELATIVE_TO)}",
                      "write relative_to: england for a target such as 'below the England average'")
            relative = None
        elif raw.get("value") is not None or change is not None:
            probs.add(where, f"{key} has relative_to and a value or change_percent",
                      "give one: a level, a change from the baseline, or a figure to beat")
        relative = str(relative).lower() if relative is not None else None
    or_equal = raw.get("or_equal", False)
    if not isinstance(or_equal, bool):
        probs.add(where, f"{key} or_equal {or_equal!r} is not true or false",
                  "write or_equal: true for 'at or below the England rate', or leave it out for 'below'")
        or_equal = False
    elif or_equal and relative is None:
        probs.add(where, f"{key} has or_equal without relative_to",
                  "or_equal says whether a figure equal to England's (or the neighbours') meets the target; "
                  "a level to reach is met at it already")
    value = raw.get("value")
    if value is not None:
        try:
            value = float(value)
        except (TypeError, ValueError):
            probs.add(where, f"{key} value {value!r} is not a number", "give the number alone (48 for 48%) "
                      "and put the words in text")
            value = None
    return Figure(value=value, period=_year(raw.get(period_key), where, f"{key} {period_key}", probs),
                  text=str(raw.get("text") or ""), change_percent=change, relative_to=relative,
                  or_equal=or_equal)


#: the direction a strategy wants a measure to go, by its polarity (is higher better?)
BETTER = {"high": "increase", "low": "decrease"}


def _unit_polarity(reg, local_id) -> tuple[str | None, str | None]:
    """The unit and polarity of a registry or local measure, or None where unknown."""
    if reg and reg in registry.ids():
        m = registry.get(reg)
        return m.unit, m.polarity
    if local_id:
        from . import local
        d = local.find(local_id)
        if d is not None:
            return d.unit, d.polarity
    return None, None


def _check_local_id(local_id, where, probs) -> None:
    """A local measure's id is one the definitions hold: a typo (pathway_plan_up_to_date)
    would otherwise show as "no local data supplied" beside a CSV that has its figures."""
    from . import local
    try:
        defs = local.definitions()
    except EvaltoolsError:
        return                          # reported where the definitions are read
    if str(local_id) in defs:
        return
    probs.add(where, f"local measure {local_id!r} is not defined in data/local/local_measures.csv",
              local.did_you_mean(local_id, defs) or "add a row for it there (data/local/README.md says how)")


_PERCENT_WORDS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent)")


#: words for every child ("all care leavers", "every child")
_EVERY = re.compile(r"\ball\b|\b(?:every|each)\s+(?:child|young|care|looked|cared)", re.IGNORECASE)


def _check_percentages(baseline, target, where, probs) -> None:
    """A baseline or target of a percentage is a number from 0 to 100: 160 is a typing
    slip, and 0.6 beside "60%" in its own words (or a baseline of 50) a fraction the
    review would judge as 0.6%."""
    for key, fig, other in (("baseline", baseline, target), ("target", target, baseline)):
        if fig is None or fig.value is None:
            continue
        v = fig.value
        if not 0 <= v <= 100:
            probs.add(where, f"{key} value {v:g} is not a percentage", "give a number from 0 to 100, e.g. 60 for 60%")
        elif 0 < v <= 1:
            said = [float(x) for x in _PERCENT_WORDS.findall(fig.text or "")]
            if v == 1:
                # "all children" with a value of 1 was judged as a target of 1%
                if 100 in said or (_EVERY.search(fig.text or "") and 1 not in said):
                    probs.add(where, f"{key} value 1 is 1%, where its words say all", "write 100 for 100%")
            elif any(x >= 1 for x in said) or (other is not None and other.value is not None and other.value >= 1):
                probs.add(where, f"{key} value {v:g} looks like a fraction of 1", f"write {v * 100:g} for {v * 100:g}%")
            elif v not in said:
                # 0.09 on its own was judged as a target of 0.09%: a share under 1% is rare
                # enough that its words must say so
                probs.add(where, f"{key} value {v:g} is under 1%: a percentage is written from 0 to 100",
                          f"write {v * 100:g} for {v * 100:g}%, or, if you mean {v:g}%, say so in its text "
                          f"(text: 'below {v:g}%')")


#: characters no one types into a strategy (a control character pasted from Word)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _words(raw, key, where, probs) -> None:
    """A field printed in the reports (a commitment's text, a title) must be words: YAML
    reads ``text: yes`` as true, ``text: [a, b]`` as a list and ``text: 2025`` as a
    number, which printed as "True" or "['a', 'b']"."""
    v = raw.get(key)
    if v is None or v == "":
        return                          # missing: said where the field is required
    if isinstance(v, bool):
        probs.add(where, f"{key} is {str(v).lower()}, not words (YAML reads yes, no, on and off so)",
                  f"put the {key} in quotes")
    elif key == "when":
        return                          # "2023" as written is a date in words too
    elif not isinstance(v, str):
        kind = {list: "a list", dict: "a set of fields"}.get(type(v), "a number or date")
        probs.add(where, f"{key} is {kind} ({v!r}), not words", f"write the {key} as one line of words, in quotes")
    elif not v.strip():
        probs.add(where, f"{key} is blank", f"write the {key}, or remove the line")
    elif _CONTROL.search(v):
        probs.add(where, f"{key} holds a control character (pasted from another program?)",
                  f"retype the {key}, or delete the invisible character at position "
                  f"{_CONTROL.search(v).start() + 1}")


def _choice(raw, key, allowed, where, probs, default=None):
    v = raw.get(key, default)
    if v is None:
        probs.add(where, f"{key} is missing", f"set {key} to one of {', '.join(allowed)}")
    elif v not in allowed:
        probs.add(where, f"{key} {v!r} is not one of {', '.join(allowed)}", f"set {key} to one of them")
    return v


MEASURE_KEYS = {"id", "text", "priority_area", "source", "measure", "proposed_measure", "local", "direction",
                "baseline", "target", "definition", "data", "notes", "part_of"}
INTERVENTION_KEYS = {"id", "title", "when", "start", "end", "precision", "measures", "notes"}
STRATEGY_KEYS = {"id", "title", "la", "start", "end", "baseline_period", "kind", "document", "notes"}
#: what a file tracks: a council's strategy, or the points of an Ofsted letter or report
#: (tracked the same way; the review's words name which)
KINDS = ("strategy", "ofsted_letter")


def _entries(doc, section, keys, probs):
    """(where, entry, id) for each mapping in a list section, reporting entries that
    are not mappings, unknown fields and missing ids on the way."""
    for n, raw in enumerate(doc.get(section) or [], start=1):
        where = f"{section}[{n}]" + (f" ({raw.get('id')})" if isinstance(raw, dict) and raw.get("id") else "")
        if not isinstance(raw, dict):
            probs.add(where, "is not a mapping", "write each entry as id: ..., followed by its fields")
            continue
        for k in sorted(set(raw) - keys):
            probs.add(where, f"unknown field {k!r}", f"use {', '.join(sorted(keys))}")
        if not raw.get("id"):
            probs.add(where, "id is missing", "give each entry a short unique id")
        yield where, raw, str(raw.get("id") or "")


#: the top-level sections of a strategy file
SECTIONS = frozenset({"strategy", "measures", "interventions"})


def parse(doc: dict, path: str = "<strategy>") -> Strategy:
    """A :class:`Strategy` from the YAML's mapping, with every problem in one error."""
    from .areas import resolve_la
    from .errors import UnknownAreaError

    probs = _Problems(path)
    if not isinstance(doc, dict) or not {"strategy", "measures"} <= set(doc):
        raise StrategyError("a strategy file needs 'strategy' and 'measures' sections", where=path,
                            fix="See data/strategies/README.md for the format")
    head = doc["strategy"] or {}
    for section, kind, want in (("strategy", dict, "a mapping of id, title, la, start, end..."),
                                ("measures", list, "a list of measures, each starting '- id: ...'"),
                                ("interventions", list, "a list of interventions, each starting '- id: ...'")):
        value = head if section == "strategy" else doc.get(section)
        if value is not None and not isinstance(value, kind):
            raise StrategyError(f"'{section}' is {value!r}, not {want}", where=path,
                                fix="See data/strategies/README.md for the format")
    for k in sorted(set(doc) - SECTIONS, key=str):
        # a misspelt section ('intervention:') was dropped whole: no interventions, no error
        close = difflib.get_close_matches(str(k).lower(), sorted(SECTIONS), n=1, cutoff=0.6)
        probs.add("file", f"unknown section {k!r}", (f"did you mean {close[0]}? " if close else "")
                  + f"the sections are {', '.join(sorted(SECTIONS))}")
    for k in sorted(set(head) - STRATEGY_KEYS):
        probs.add("strategy", f"unknown field {k!r}", f"use {', '.join(sorted(STRATEGY_KEYS))}")
    for k in ("id", "title", "la", "start", "end"):
        if head.get(k) is None or head.get(k) == "":
            probs.add("strategy", f"{k} is missing", f"add strategy.{k}")
    _words(head, "title", "strategy", probs)
    la = str(head.get("la", "")).strip()
    if la:
        try:
            la = resolve_la(la).area_code
        except UnknownAreaError:
            probs.add("strategy", f"la {la!r} is not an English local authority",
                      "give the DfE LA number (884) or the name DfE uses")
    start = _date(head.get("start"), "strategy", "start", probs)
    end = _date(head.get("end"), "strategy", "end", probs)
    if start and end and end < start:
        probs.add("strategy", f"end {end} is before start {start}", "swap them")

    measures, seen = [], set()
    for where, raw, mid in _entries(doc, "measures", MEASURE_KEYS, probs):
        if mid in seen:
            probs.add(where, f"id {mid!r} is used twice", "make each measure id unique in the file")
        seen.add(mid)
        if raw.get("text") is None or raw.get("text") == "":
            probs.add(where, "text is missing", "quote the strategy's commitment")
        _words(raw, "text", where, probs)
        source = _choice(raw, "source", SOURCES, where, probs)
        reg, local = raw.get("measure"), raw.get("local")
        unit, polarity = _unit_polarity(reg, local if source == "local" else None)
        # without a direction, the way the measure is better (DfE's polarity), as a
        # strategy that says "fewer children with 3+ placements" means
        direction = _choice(raw, "direction", DIRECTIONS, where, probs, BETTER.get(polarity, "none"))
        if source in ("published", "child_level"):
            if not reg and raw.get("proposed_measure"):
                pass                      # known gap: listed in the review as not yet evaluated
            elif not reg:
                probs.add(where, f"a {source} measure needs measure:", "give its registry id "
                          "(evaltools measures lists them) or make it source: local")
            elif reg not in registry.ids():
                close = difflib.get_close_matches(str(reg), registry.ids(), n=1, cutoff=0.5)
                probs.add(where, f"measure {reg!r} is not in the registry",
                          f"did you mean {close[0]}?" if close else "evaltools measures lists the ids")
        if source == "local" and not local:
            probs.add(where, "a local measure needs local:", "give the measure's id in the local measures CSV")
        elif source == "local":
            _check_local_id(local, where, probs)
        baseline = _figure(raw.get("baseline"), where, "baseline", probs, "period")
        target = _figure(raw.get("target"), where, "target", probs, "by")
        if target is not None and target.period is not None and start is not None \
                and target.period < collection_year(start):
            probs.add(where, f"target by {target.period} is before the strategy starts ({start:%B %Y})",
                      "give the year the target is to be met, in or after the strategy's years")
        if unit == "percent":
            _check_percentages(baseline, target, where, probs)
        measures.append(StrategyMeasure(
            id=mid, text=str(raw.get("text") or ""), source=source, direction=direction,
            measure=reg or None, proposed_measure=raw.get("proposed_measure") or None, local=local or None, priority_area=str(raw.get("priority_area") or ""),
            baseline=baseline, target=target,
            definition=str(raw.get("definition") or ""), data=str(raw.get("data") or ""),
            notes=str(raw.get("notes") or ""), part_of=raw.get("part_of") or None))
    if not measures:
        probs.add("measures", "the list is empty", "list at least one measure")
    firsts = {m.id for m in measures if m.part_of is None}
    for i, m in enumerate(measures):
        if m.part_of is not None and m.part_of not in firsts:
            probs.add(f"measures[{i}] ({m.id})", f"part_of {m.part_of!r} is not a measure of this file (or is a "
                      "second figure itself)", "give the id of the measure whose commitment this one also measures")

    interventions, seen_i = [], set()
    for where, raw, iid in _entries(doc, "interventions", INTERVENTION_KEYS, probs):
        if iid in seen_i:
            probs.add(where, f"id {iid!r} is used twice", "give each intervention a unique id")
        seen_i.add(iid)
        if raw.get("title") is None or raw.get("title") == "":     # printed as "after **"
            probs.add(where, "title is missing", "name the intervention as the strategy does")
        _words(raw, "title", where, probs)
        _words(raw, "when", where, probs)
        precision = _choice(raw, "precision", PRECISIONS, where, probs, "undated")
        i_start = _date(raw.get("start"), where, "start", probs)
        i_end = _date(raw.get("end"), where, "end", probs)
        if i_start and i_end and i_end < i_start:
            probs.add(where, f"end {i_end} is before start {i_start}", "swap them")
        if precision != "undated" and raw.get("start") in (None, ""):     # a bad date is reported above
            probs.add(where, f"precision is {precision} but start is missing",
                      "give start (YYYY-MM-DD) or set precision: undated")
        targets = raw.get("measures") or []
        if isinstance(targets, (str, int)) and targets != "*":
            targets = [targets]           # one id without brackets: a list of one, not its letters
        targets = [m.id for m in measures] if targets == "*" or targets == ["*"] else [str(t) for t in targets]
        for t in targets:
            if t not in seen:
                probs.add(where, f"measure {t!r} is not a measure of this strategy",
                          "list ids from the measures section")
        interventions.append(Intervention(id=iid, title=str(raw.get("title") or ""), when=str(raw.get("when") or ""),
                                          precision=precision, measures=tuple(targets), start=i_start, end=i_end,
                                          notes=str(raw.get("notes") or "")))
    baseline_period = _year(head.get("baseline_period"), "strategy", "baseline_period", probs)
    kind = _choice(head, "kind", KINDS, "strategy", probs, "strategy")
    probs.raise_if_any()
    return Strategy(id=str(head["id"]), title=str(head["title"]), la=la, start=start, end=end,
                    baseline_period=baseline_period, kind=kind,
                    measures=tuple(measures), interventions=tuple(interventions),
                    document=str(head.get("document") or ""), path=Path(path) if path else None,
                    notes=str(head.get("notes") or ""))


def strategies_dir() -> Path:
    return data_dir() / "strategies"


def is_path(path_or_id) -> bool:
    """Whether a strategy is named by its file (``my_strategy.yaml``) rather than the
    id of a bundled one (``herefordshire_2025_27``)."""
    return bool(Path(str(path_or_id)).suffix)


def path_of(path_or_id) -> Path:
    """The file a strategy is read from: its path (a relative one from the repository
    root unless it exists here: :func:`evaltools.paths.input_path`), or the bundled file
    of its id."""
    return input_path(path_or_id) if is_path(path_or_id) else strategies_dir() / f"{path_or_id}.yaml"


def load(path_or_id) -> Strategy:
    """Read and check one strategy: a path to a YAML file, or the id of a bundled one
    (``"herefordshire_2025_27"``)."""
    p = path_of(path_or_id)
    if Path(str(path_or_id)).is_dir():
        p = Path(str(path_or_id))                # named as a folder: said so by load_file
    elif not p.is_file():
        have = ", ".join(sorted(q.stem for q in strategies_dir().glob("*.yaml"))) if strategies_dir().is_dir() else ""
        raise StrategyError(f"strategy {str(path_or_id)!r} not found", where=str(p),
                            fix=f"Give a path to a YAML file, or one of: {have}" if have else
                            "Give a path to a YAML file")
    doc = yamlio.load_file(p, "strategy file", StrategyError)
    return parse(doc, str(p))


#: a count of 1 to 5 people written into a strategy's own words ("3 young people supported")
_FEW_PEOPLE = re.compile(r"\b([1-5]|one|two|three|four|five)\s+(?:more\s+|new\s+|other\s+)?"
                         r"(?:looked[- ]after\s+|disabled\s+|unaccompanied\s+)?"
                         r"(young (?:people|persons?)|people|persons?|children|child|care leavers?|families|family"
                         r"|(?:foster )?carers?|adopters?|siblings?|girls?|boys?|babies|baby|mothers?|parents?)"
                         r"\b(?!'s)", re.IGNORECASE)


def against_polarity(s: Strategy) -> list[str]:
    """Measures whose direction is the opposite of what is better by the measure's own
    definition (``direction: increase`` on 3+ placements): the review then reports a
    rise as "moved as promised", so ``evaltools strategy check`` points them out. A
    strategy may mean it (the registry's polarity is DfE's view), so it is a note."""
    from . import local
    out = []
    for m in s.measures:
        if m.direction not in ("increase", "decrease"):
            continue
        if m.measure and m.measure in registry.ids():
            polarity, title = registry.get(m.measure).polarity, registry.get(m.measure).short
        elif m.local and m.local in local.definitions():
            polarity, title = local.definitions()[m.local].polarity, local.definitions()[m.local].title
        else:
            continue
        wanted = "high" if m.direction == "increase" else "low"
        if polarity in ("high", "low") and polarity != wanted:
            out.append(f"measure {m.id}: direction {m.direction}, but for {title} {'higher' if polarity == 'high' else 'lower'} "
                       "is better")
    return out


def without_figures(s: Strategy) -> list[str]:
    """Published measures for which DfE gives the strategy's council no figure in any
    year (every year suppressed, not available or not applicable): the review can only
    list such a measure without figures, so ``evaltools strategy check`` points them out
    while the author can still map the commitment to a measure that has them (or to a
    local one). Child-level and local measures depend on files the check is not given."""
    from . import indicators, published
    from .areas import resolve_la

    ids = [m.measure for m in s.measures if m.source == "published" and m.measure in registry.ids()]
    if not ids:
        return []
    code = resolve_la(s.la).area_code
    ind = published.load_indicators(ids)
    ind = ind[ind["area_code"].astype(str) == code]
    out = []
    for m in s.measures:
        if m.source != "published" or m.measure not in registry.ids():
            continue
        rows = ind[ind["measure"] == m.measure]
        if (rows["status"] == indicators.OK).any():
            continue
        if rows.empty:
            why = "no year at all"
        else:
            said = [f"{indicators.SYMBOLS.get(k, k)} ({k})" for k in sorted(rows["status"].astype(str).unique())]
            why = f"{len(rows)} years, each {' or '.join(said)}"
        out.append(f"measure {m.id} ({m.measure}): DfE publishes no figure for this council ({why})")
    return out


def few_people_in_words(s: Strategy) -> list[str]:
    """Where a strategy's own words (commitments, interventions) give a count of 1 to 5
    people: the reports print them as written, beside figures the disclosure policy
    withholds, so ``evaltools strategy check`` points them out to be reworded."""
    out = []
    for kind, items in (("measure", s.measures), ("intervention", s.interventions)):
        for it in items:
            text = getattr(it, "text", None) or getattr(it, "title", "")
            for m in _FEW_PEOPLE.finditer(text or ""):
                out.append(f"{kind} {it.id} says \"{m.group(0)}\"")
    return out


def available() -> list[str]:
    """Ids of the bundled strategies."""
    d = strategies_dir()
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []
