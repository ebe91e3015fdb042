"""The measure registry: what each measure means, where it comes from, which way is good.

The registry is data (``resources/measures.yaml``), not code. Each entry is a
:class:`Measure`. Use :func:`get` for one measure and :func:`measures` for all::

    >>> from evaltools import registry
    >>> m = registry.get("cla_3plus_placements")
    >>> m.polarity, m.unit
    ('low', 'percent')
"""

from __future__ import annotations

import datetime as dt

import difflib
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from .errors import ConfigError, SchemaError
from .paths import RESOURCES_DIR
from .sdc import round_half_up
from . import yamlio

UNITS = {
    "percent", "rate_per_10k", "count", "score", "per_child", "per_child_year", "days",
    "percent_sessions", "percent_fte", "percent_posts", "cases_per_worker", "places",
}
POLARITIES = {"high", "low", "none"}
TOPICS = {
    "stability", "care_leavers", "population", "placements", "missing", "health",
    "education", "permanence", "workforce", "sufficiency",
}
UNIT_LABELS = {
    "percent": "%",
    "rate_per_10k": "per 10,000 children",
    "count": "children",
    "score": "score",
    "per_child": "per child",
    "per_child_year": "per child-year",
    "days": "days",
    "percent_sessions": "% of school sessions",
    "percent_fte": "% of social workers (FTE)",
    "percent_posts": "% of social worker posts (FTE)",
    "cases_per_worker": "cases per social worker (FTE)",
    "places": "foster places",
}
#: LAIT spec keys: ``value`` (a code, or a list of codes summed), ``subtract`` (a code or
#: list taken away, for gaps), ``numerator``/``denominator`` (codes), ``as_at`` (the day
#: and month LAIT's year label refers to when it is not a year ending 31 March),
#: ``year: academic`` (LAIT's year label is the academic year ending in it: 2025 is 2024/25)
LAIT_KEYS = {"value", "subtract", "numerator", "denominator", "as_at", "year"}
#: what ``lait: {year: ...}`` may say
LAIT_YEARS = {"academic"}
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]


#: units that are events divided by children, or by years children spent in care: counts
#: over an exposure, modelled as rates
PER_CHILD_UNITS = ("per_child", "per_child_year")

#: units whose figures grow with the size of the council
SIZE_DEPENDENT_UNITS = ("count", "places")


@dataclass(frozen=True)
class Measure:
    """One registry entry. See ``resources/measures.yaml`` for the meaning of fields."""

    id: str
    title: str
    short: str
    topic: str
    unit: str
    polarity: str
    definition: str
    source: str
    published: dict | None = None
    lait: dict | None = None
    definitions: tuple = field(default_factory=tuple)
    notes: tuple = field(default_factory=tuple)   # what to know about some years' figures
    child_level: bool = False      # only from a council's own 903 data
    counts: tuple = ()             # what the numerator and denominator count, in words
    percent_of: str = ""           # what a percentage is of, when not children ("new placements")
    covered_by: str = ""           # the percentage measure of how much of the cohort a figure covers
    year_group: bool = False       # one school year group's figure (KS2, KS4): a council's few dozen at most
    identified: bool = False       # counts children a council identified (substance misuse): not rated

    @property
    def higher_is_better(self) -> bool | None:
        """True, False, or None when DfE gives the measure no polarity."""
        return {"high": True, "low": False}.get(self.polarity)

    @property
    def is_proportion(self) -> bool:
        return self.unit == "percent"

    @property
    def base(self) -> str:
        """What a percentage is of, in words: "children" unless the registry says
        otherwise ("new placements", "care leavers", "reviews")."""
        return self.percent_of or "children"

    @property
    def size_dependent(self) -> bool:
        """A count (children looked after, foster places) grows with the council: it is
        not compared with other councils, England or the region, nor banded among LAs;
        its rate is (e.g. per 10,000 children)."""
        return self.unit in SIZE_DEPENDENT_UNITS

    @property
    def lait_only(self) -> bool:
        """DfE publishes it for every LA only through LAIT: every LAIT year is used."""
        return bool(self.lait) and not self.published

    @property
    def lait_codes(self) -> list[str]:
        """The LAIT codes the value is built from (summed, then ``subtract`` taken away)."""
        if not self.lait:
            return []
        return _codes(self.lait.get("value")) + _codes(self.lait.get("subtract"))

    @property
    def census_date(self) -> str | None:
        """The day and month of the census a figure is taken at ("30 September" for the
        social work workforce census), or None for a figure over a year ending 31 March or
        an academic year."""
        return (self.lait or {}).get("as_at")

    def census_on(self, period) -> "dt.date | None":
        """The day of the census counted in ``period`` (30 September 2024 for period
        2025), or None for a measure not taken at a census."""
        as_at = self.census_date
        if not as_at:
            return None
        day, month = str(as_at).split()
        return dt.date(self._census_year(period), _MONTHS.index(month.lower()) + 1, int(day))

    def first_period_from(self, start) -> int:
        """The first period whose figure is taken on or after ``start`` (a date): the
        collection year holding it, or for a census-date figure the first census on or
        after it. Ofsted's visit of 22 October 2024 falls in the year ending March 2025,
        but the census of that year was taken on 30 September 2024, before it: the first
        census after the visit is September 2025 (period 2026)."""
        from .periods import collection_year
        first = collection_year(start)
        census = self.census_on(first)
        return first + 1 if census is not None and census < start else first

    @property
    def lait_period_shift(self) -> int:
        """Years to add to LAIT's year label to get the year ending 31 March.

        LAIT labels a figure at 30 September 2024 (the social work workforce census)
        2024; that day falls in the year ending 31 March 2025, so the shift is 1.
        """
        as_at = self.census_date
        if not as_at:
            return 0
        month = _MONTHS.index(str(as_at).split()[-1].lower()) + 1
        return 1 if month >= 4 else 0

    @property
    def academic_year(self) -> bool:
        """True when a figure is for an academic year (school attainment, absence and
        suspensions): LAIT labels 2024/25 "2025" and it is stored as period 2025, the
        year ending 31 March 2025, whose 31 March fixes the cohort of children looked
        after continuously for 12 months."""
        return (self.lait or {}).get("year") == "academic"

    def period_label(self, period) -> str:
        """How reports name a period of this measure: "2025" for the year ending 31 March
        2025; for a figure at a census date, the census as DfE labels it ("Sep 2024" for
        the 30 September 2024 census, period 2025); for an academic-year figure, the
        academic year ("2024/25" for period 2025)."""
        if self.academic_year:
            return f"{int(period) - 1}/{int(period) % 100:02d}"
        as_at = self.census_date
        if not as_at:
            return str(int(period))
        return f"{str(as_at).split()[-1][:3].title()} {self._census_year(period)}"

    def _census_year(self, period) -> int:
        """The year of the census counted in ``period`` (the year ending 31 March)."""
        return int(period) - self.lait_period_shift

    def period_cell(self, period) -> int | str:
        """A period in a table's Year column: the year as a number (so a spreadsheet can
        sort and chart it), or the label where the figure is at a census date ("Sep 2025",
        with a no-break space so a narrow column never splits "Sep" from its year) or for
        an academic year ("2024/25", which sorts as text in year order)."""
        if self.census_date or self.academic_year:
            return self.period_label(period).replace(" ", "\u00a0")
        return int(period)

    def period_phrase(self, period) -> str:
        """The start of a statement about one period: "In 2025 (year ending 31 March)",
        "At 30 September 2024" for a census-date figure, or "In the 2024/25 academic
        year"."""
        if self.academic_year:
            return f"In the {self.period_label(period)} academic year"
        as_at = self.census_date
        if not as_at:
            return f"In {int(period)} (year ending 31 March)"
        return f"At {as_at} {self._census_year(period)}"

    @property
    def axis_label(self) -> str:
        """The x-axis title of a chart of this measure by year."""
        if self.academic_year:
            return "Academic year"
        if self.census_date:
            return f"Census at {self.census_date}"
        return "Year ending 31 March"

    def definition_for(self, period: int) -> str:
        """The definition in force for a collection year (year ending 31 March)."""
        for d in self.definitions:
            if d["from"] <= period and (d.get("to") is None or period <= d["to"]):
                return d["text"]
        return self.definition

    def era_label(self, era: dict) -> str:
        """The years a versioned entry (``definitions`` or ``notes``) covers, as reports
        name them: "2019/20", "2019/20 and 2020/21", "2016/17 to 2018/19", "From 2022/23"."""
        first, last = era["from"], era.get("to")
        if last is None:
            return f"From {self.period_label(first)}"
        if first == last:
            return self.period_label(first)
        return f"{self.period_label(first)} {'and' if last == first + 1 else 'to'} {self.period_label(last)}"

    @property
    def breaks(self) -> frozenset[int]:
        """The years whose figures are measured differently from the year before's: where
        a new definition or a new note's era begins (pandemic grades, exams returning,
        a term not collected). A sudden jump there is that break, not a recording change
        (:func:`evaltools.review.jumps`)."""
        eras = list(self.definitions) + list(self.notes)
        return frozenset({e["from"] for e in eras} | {e["to"] + 1 for e in eras if e.get("to") is not None})

    def notes_for(self, first: int, last: int | None = None) -> list[str]:
        """The notes on the years ``first`` to ``last`` (one year when ``last`` is None),
        each led by the years it covers: "From 2022/23: GCSE grading returned to
        pre-pandemic standards...". Notes say what is special about some years' figures
        (pandemic grades, a term not collected); the definition stays the definition."""
        return [f"{self.era_label(n)}: {n['text']}" for n in self.notes_in(first, last)]

    def notes_in(self, first: int, last: int | None = None) -> list[dict]:
        """The ``notes`` entries that cover any of the years ``first`` to ``last``."""
        last = first if last is None else last
        return [n for n in self.notes if n["from"] <= last and (n.get("to") is None or first <= n["to"])]

    def format_value(self, value: float, whole: bool = False) -> str:
        """A value as a board paper would print it (no rounding of the data itself).
        ``whole``: the figure was published as a whole number (LAIT's), so a whole value
        prints without a decimal: 55%, not 55.0%, which would claim a precision it lacks."""
        return format_in(self.unit, value, whole)


def format_in(unit: str, value: float, whole: bool = False) -> str:
    """A value in ``unit`` as a board paper prints it (see :meth:`Measure.format_value`),
    for the registry's measures and a council's local ones alike (86.0%, 14 days)."""
    if value is None or pd.isna(value):
        return "not available"
    d = 0 if whole and float(value).is_integer() else 1
    value = round_half_up(float(value), d if unit not in _WHOLE_UNITS else 0)   # 22.75 -> 22.8
    if unit in ("percent", "percent_sessions", "percent_fte", "percent_posts"):
        return f"{value:.{d}f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "rate_per_10k":
        return f"{value:.{d}f} per 10,000"
    if unit == "days":
        return f"{value:,.0f} days"
    if unit == "cases_per_worker":
        return f"{value:.{d}f} cases per worker"
    if unit == "places":
        return f"{value:,.0f} places"
    return f"{value:.{d}f}"


#: units printed as whole numbers
_WHOLE_UNITS = ("count", "days", "places")


def _codes(v) -> list[str]:
    if v is None:
        return []
    return [str(c) for c in v] if isinstance(v, (list, tuple)) else [str(v)]


def _check_lait(lait, where: str) -> None:
    if not isinstance(lait, dict) or not lait.get("value"):
        raise SchemaError("lait needs at least {value: <LAIT code>}", where=where)
    unknown = set(lait) - LAIT_KEYS
    if unknown:
        raise SchemaError(f"lait has unknown keys {sorted(unknown)}", where=where,
                          fix=f"Use {sorted(LAIT_KEYS)}")
    if lait.get("year") is not None and lait["year"] not in LAIT_YEARS:
        raise SchemaError(f"lait year {lait['year']!r} is not one of {sorted(LAIT_YEARS)}", where=where)
    if lait.get("year") is not None and lait.get("as_at") is not None:
        raise SchemaError("lait gives both year and as_at", where=where,
                          fix="An academic-year figure has no census date: keep one")
    as_at = lait.get("as_at")
    if as_at is not None and (len(str(as_at).split()) != 2 or str(as_at).split()[-1].lower() not in _MONTHS):
        raise SchemaError(f"lait as_at {as_at!r} is not a day and month", where=where,
                          fix='Write it as "30 September"')


def _check_entry(e: dict, tables: set[str]) -> Measure:
    where = f"measures.yaml entry {e.get('id', '?')!r}"
    required = ["id", "title", "short", "topic", "unit", "polarity", "definition", "source"]
    missing = [k for k in required if not e.get(k)]
    if missing:
        raise SchemaError(f"registry entry lacks {missing}", where=where)
    if e["unit"] not in UNITS:
        raise SchemaError(f"unit {e['unit']!r} is not one of {sorted(UNITS)}", where=where)
    if e["polarity"] not in POLARITIES:
        raise SchemaError(f"polarity {e['polarity']!r} is not one of {sorted(POLARITIES)}",
                          where=where)
    if e["topic"] not in TOPICS:
        raise SchemaError(f"topic {e['topic']!r} is not one of {sorted(TOPICS)}", where=where)
    pub = e.get("published")
    if pub is not None and pub.get("table") not in tables:
        raise SchemaError(f"published table {pub.get('table')!r} is not in "
                          "published_tables.yaml", where=where)
    if pub is None and not e.get("lait") and not e.get("child_level"):
        raise SchemaError("a measure needs a published, lait or child_level source", where=where)
    if e.get("lait") is not None:
        _check_lait(e["lait"], where)
    if e.get("counts") is not None and (not isinstance(e["counts"], list) or len(e["counts"]) != 2):
        raise SchemaError("counts names what the numerator and the denominator count: a list of two",
                          where=where)
    if e.get("percent_of") is not None and (e["unit"] != "percent" or not isinstance(e["percent_of"], str)
                                            or not e["percent_of"].strip()):
        raise SchemaError("percent_of names what a percentage is of, in words, and is only for "
                          "unit percent", where=where,
                          fix='Write it as "percent_of: new placements"')
    for key in ("definitions", "notes"):
        for era in e.get(key) or []:
            if not isinstance(era, dict) or "from" not in era or not era.get("text") \
                    or set(era) - {"from", "to", "text"}:
                raise SchemaError(f"{key} entry {era!r} needs from, text and optionally to",
                                  where=where)
    for era in (pub or {}).get("by_period") or []:
        if not isinstance(era, dict) or not ({"from", "to"} & set(era)) \
                or not set(era) - {"from", "to"}:
            raise SchemaError(f"by_period entry {era!r} needs from and/or to, and the keys it "
                              "overrides", where=where)
    return Measure(
        id=e["id"], title=e["title"], short=e["short"], topic=e["topic"], unit=e["unit"],
        polarity=e["polarity"], definition=" ".join(str(e["definition"]).split()),
        source=e["source"], published=pub, lait=e.get("lait"),
        definitions=tuple(e.get("definitions") or ()), notes=tuple(e.get("notes") or ()),
        child_level=bool(e.get("child_level")), counts=tuple(e.get("counts") or ()),
        percent_of=" ".join(str(e.get("percent_of") or "").split()),
        covered_by=str(e.get("covered_by") or ""),
        year_group=bool(e.get("year_group")),
        identified=bool(e.get("identified")),
    )


@lru_cache(maxsize=1)
def _load() -> dict[str, Measure]:
    with open(RESOURCES_DIR / "measures.yaml", encoding="utf-8") as fh:
        doc = yamlio.load(fh)
    with open(RESOURCES_DIR / "published_tables.yaml", encoding="utf-8") as fh:
        tables = set(yamlio.load(fh)["tables"])
    out: dict[str, Measure] = {}
    for e in doc["measures"]:
        m = _check_entry(e, tables)
        if m.id in out:
            raise SchemaError(f"measure id {m.id!r} appears twice", where="measures.yaml")
        out[m.id] = m
    _check_references(out)
    return out


def _check_references(entries: dict[str, Measure]) -> None:
    """What one entry says of another: ``covered_by`` names a percentage measure."""
    for m in entries.values():
        if m.covered_by and (m.covered_by not in entries or entries[m.covered_by].unit != "percent"):
            raise SchemaError(f"covered_by {m.covered_by!r} is not a percentage measure of the registry",
                              where=f"measures.yaml entry {m.id!r}",
                              fix="Name the measure of the share of the cohort the figure covers")


def measures(topic: str | None = None) -> list[Measure]:
    """All measures in registry order, optionally for one topic."""
    ms = list(_load().values())
    if topic is not None and topic not in {m.topic for m in ms}:
        raise ConfigError(f"no measures have topic {topic!r}",
                          fix=f"Use one of {', '.join(sorted({m.topic for m in ms}))}")
    return [m for m in ms if topic is None or m.topic == topic]


def published_measures() -> list[Measure]:
    """Measures DfE publishes for every LA (EES or LAIT), in registry order."""
    return [m for m in measures() if m.published or m.lait]


def ids() -> list[str]:
    return list(_load())


def get(measure_id: str) -> Measure:
    """One measure by id; an unknown id raises :class:`ConfigError` with close matches."""
    reg = _load()
    if measure_id in reg:
        return reg[measure_id]
    close = difflib.get_close_matches(str(measure_id), list(reg), n=3, cutoff=0.5)
    hint = f"Did you mean {', '.join(close)}?" if close else "Run `evaltools measures` to list them"
    raise ConfigError(f"unknown measure {measure_id!r}", fix=hint)


def resolve(measure_ids) -> list[Measure]:
    """Measures for a list of ids (all when ``None``), checking each id."""
    if measure_ids is None:
        return measures()
    if isinstance(measure_ids, str):
        measure_ids = [measure_ids]
    if not isinstance(measure_ids, (list, tuple, set)) or not all(isinstance(i, str) for i in measure_ids):
        raise ConfigError(f"measures is {measure_ids!r}", fix="Give a measure id or a list of them, "
                          "e.g. [cla_3plus_placements, care_leavers_eet_19_21] (evaltools measures lists them)")
    return [get(i) for i in measure_ids]


def to_frame() -> pd.DataFrame:
    """The registry as a table: one row per measure."""
    rows = []
    for m in measures():
        rows.append({
            "id": m.id, "title": m.title, "topic": m.topic, "unit": m.unit,
            "polarity": m.polarity, "source": m.source,
            "published_table": (m.published or {}).get("table"),
            "lait_code": " + ".join(_codes((m.lait or {}).get("value"))) + "".join(
                f" - {c}" for c in _codes((m.lait or {}).get("subtract"))) or None,
            "definition": m.definition,
        })
    return pd.DataFrame(rows)
