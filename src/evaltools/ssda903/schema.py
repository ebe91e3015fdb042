"""The SSDA903 schema for a collection year: tables, columns, types and valid codes.

Collection years are years ending 31 March: 2025 is the 2024-25 return. The schema is
data (``resources/ssda903_schema.yaml``): a base layout plus the changes each later
year made, applied in order, as the DfE 903 validator versions its rules::

    >>> from evaltools.ssda903.schema import schema_for
    >>> "K3" in schema_for(2025).codes("Episodes", "PLACE")
    True
    >>> "Z1" in schema_for(2026).codes("Episodes", "PLACE")
    False
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache


from ..errors import SchemaError
from ..paths import RESOURCES_DIR
from .. import yamlio

TYPES = {"id", "code", "date", "int", "postcode", "text"}
TABLES = ["Header", "Episodes", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption", "PrevPerm",
          "Missing", "Reviews", "SWEpisodes"]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    blank: bool = False
    codes: tuple = ()
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Schema:
    year: int
    tables: dict  # table name -> {column name: Column}

    def columns(self, table: str) -> dict[str, Column]:
        return self.tables[table]

    def required(self, table: str) -> list[str]:
        """Every column of a table: DfE's CSV layout has all of them, blank or not."""
        return list(self.tables[table])

    def codes(self, table: str, column: str) -> tuple:
        return self.tables[table][column].codes

    def columns_of_type(self, table: str, kind: str) -> list[str]:
        return [c.name for c in self.tables[table].values() if c.type == kind]


@lru_cache(maxsize=1)
def _doc() -> dict:
    with open(RESOURCES_DIR / "ssda903_schema.yaml", encoding="utf-8") as fh:
        return yamlio.load(fh)


def _columns(spec: dict, where: str) -> dict[str, Column]:
    out = {}
    for name, c in spec.items():
        if c.get("type") not in TYPES:
            raise SchemaError(f"column {name} has type {c.get('type')!r}", where=where,
                              fix=f"Use one of {sorted(TYPES)}")
        if any(isinstance(x, bool) for x in c.get("codes", ())):
            raise SchemaError(f"column {name} has a code YAML read as true/false", where=where,
                              fix='Quote codes such as "YES", "NO", "Y", "N", "ON", "OFF"')
        out[name] = Column(name, c["type"], bool(c.get("blank", False)),
                           tuple(str(x) for x in c.get("codes", ())), c.get("min"), c.get("max"))
    return out


@lru_cache(maxsize=32)
def schema_for(year: int) -> Schema:
    """The schema in force for a collection year (year ending 31 March)."""
    doc = _doc()
    tables = {t: _columns(cols, f"ssda903_schema.yaml base.{t}") for t, cols in doc["base"].items()}
    tables = copy.deepcopy(tables)
    for change_year in sorted(doc.get("changes", {})):
        if change_year > year:
            break
        ch = doc["changes"][change_year]
        for t, cols in (ch.get("add_tables") or {}).items():
            tables[t] = _columns(cols, f"ssda903_schema.yaml changes.{change_year}.{t}")
        for key, edit in (ch.get("codes") or {}).items():
            t, col = key.split(".")
            c = tables[t][col]
            codes = [x for x in c.codes if x not in set(map(str, edit.get("remove", [])))]
            codes += [str(x) for x in edit.get("add", []) if str(x) not in codes]
            tables[t][col] = Column(c.name, c.type, c.blank, tuple(codes), c.min, c.max)
    return Schema(year, tables)


def all_tables() -> list[str]:
    """Every table any collection year has, in DfE's order."""
    return TABLES
