"""The measure registry: what each measure means, where it comes from, which way is good.

The registry is data (``resources/measures.yaml``), not code. Each entry is a
:class:`Measure`. Use :func:`get` for one measure and :func:`measures` for all::

    >>> from evaltools import registry
    >>> m = registry.get("cla_3plus_placements")
    >>> m.polarity, m.unit
    ('low', 'percent')
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import yaml

from .errors import ConfigError, SchemaError
from .paths import RESOURCES_DIR

UNITS = {"percent", "rate_per_10k", "count", "score", "per_child", "days"}
POLARITIES = {"high", "low", "none"}
TOPICS = {
    "stability", "care_leavers", "population", "placements", "missing", "health",
    "education", "permanence", "workforce",
}
UNIT_LABELS = {
    "percent": "%",
    "rate_per_10k": "per 10,000 children",
    "count": "children",
    "score": "score",
    "per_child": "per child",
    "days": "days",
}


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
    child_level: bool = False      # only from a council's own 903 data

    @property
    def higher_is_better(self) -> bool | None:
        """True, False, or None when DfE gives the measure no polarity."""
        return {"high": True, "low": False}.get(self.polarity)

    @property
    def is_proportion(self) -> bool:
        return self.unit == "percent"

    def definition_for(self, period: int) -> str:
        """The definition in force for a collection year (year ending 31 March)."""
        for d in self.definitions:
            if d["from"] <= period and (d.get("to") is None or period <= d["to"]):
                return d["text"]
        return self.definition

    def format_value(self, value: float) -> str:
        """A value as a board paper would print it (no rounding of the data itself)."""
        if value is None or pd.isna(value):
            return "not available"
        if self.unit == "percent":
            return f"{value:.1f}%"
        if self.unit == "count":
            return f"{value:,.0f}"
        if self.unit == "rate_per_10k":
            return f"{value:.1f} per 10,000"
        if self.unit == "days":
            return f"{value:,.0f} days"
        return f"{value:.1f}"


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
    return Measure(
        id=e["id"], title=e["title"], short=e["short"], topic=e["topic"], unit=e["unit"],
        polarity=e["polarity"], definition=" ".join(str(e["definition"]).split()),
        source=e["source"], published=pub, lait=e.get("lait"),
        definitions=tuple(e.get("definitions") or ()),
        child_level=bool(e.get("child_level")),
    )


@lru_cache(maxsize=1)
def _load() -> dict[str, Measure]:
    with open(RESOURCES_DIR / "measures.yaml", encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    with open(RESOURCES_DIR / "published_tables.yaml", encoding="utf-8") as fh:
        tables = set(yaml.safe_load(fh)["tables"])
    out: dict[str, Measure] = {}
    for e in doc["measures"]:
        m = _check_entry(e, tables)
        if m.id in out:
            raise SchemaError(f"measure id {m.id!r} appears twice", where="measures.yaml")
        out[m.id] = m
    return out


def measures(topic: str | None = None) -> list[Measure]:
    """All measures in registry order, optionally for one topic."""
    ms = list(_load().values())
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
    return [get(i) for i in measure_ids]


def to_frame() -> pd.DataFrame:
    """The registry as a table: one row per measure."""
    rows = []
    for m in measures():
        rows.append({
            "id": m.id, "title": m.title, "topic": m.topic, "unit": m.unit,
            "polarity": m.polarity, "source": m.source,
            "published_table": (m.published or {}).get("table"),
            "lait_code": (m.lait or {}).get("value"),
            "definition": m.definition,
        })
    return pd.DataFrame(rows)
