"""Finding a local authority by its DfE number, ONS code or name.

>>> from evaltools.areas import resolve_la
>>> resolve_la("Herefordshire").area_code
'884'

An unknown code or name raises :class:`~evaltools.errors.UnknownAreaError` whose one
line names the closest matches, so a typo is fixed in one go.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import published
from .errors import UnknownAreaError


@dataclass(frozen=True)
class Area:
    area_code: str          # DfE 3-digit LA number
    area_name: str          # as DfE publishes it
    ons_code: str
    region_code: str
    region_name: str
    first_period: int
    last_period: int

    def __str__(self) -> str:
        return f"{self.area_name} ({self.area_code})"

    @property
    def display_name(self) -> str:
        """The name as a report would write it: 'Herefordshire', not 'Herefordshire, County
        of'; 'St Helens', as the council and GOV.UK style write it, not DfE's 'St. Helens'
        (a review would otherwise name the council both ways: its strategy's title has
        no full stop)."""
        return display(self.area_name)


def display(area_name: str) -> str:
    """DfE's name of an LA as a report writes it (see :attr:`Area.display_name`)."""
    return re.sub(r"\bSt\. ", "St ", re.sub(r",\s*(County|City) of$", "", area_name))


#: councils created since 2016, with their first collection year (ending 31 March):
#: their earlier years are not missing figures, they did not exist (assumption C5)
#: councils formed in a reorganisation -> their first year ending 31 March: Dorset and
#: Bournemouth, Christchurch and Poole (April 2019), North and West Northamptonshire
#: (April 2021), Cumberland and Westmorland and Furness (April 2023). Their earlier
#: years are not "suppressed or not available": the councils did not exist.
CREATED = {"838": 2020, "839": 2020, "940": 2022, "941": 2022, "942": 2024, "943": 2024}
#: councils abolished in those reorganisations -> their last year ending 31 March: Dorset
#: county, Poole and Bournemouth (to March 2019), Northamptonshire (to March 2021),
#: Cumbria (to March 2023). Listed, not read from the years DfE publishes: a council
#: whose newest return is late is not gone.
ABOLISHED = {"835": 2019, "836": 2019, "837": 2019, "928": 2021, "909": 2023}
#: retired ONS codes of councils that carried on under the same DfE number, -> today's:
#: the counties that became unitary (Buckinghamshire, April 2020; North Yorkshire and
#: Somerset, April 2023) and the April 2013 Gateshead-Northumberland boundary change.
#: Older systems and spreadsheets still carry them.
RECODED = {"E10000002": "E06000060", "E10000023": "E06000065", "E10000027": "E06000066",
           "E08000020": "E08000037", "E06000048": "E06000057"}


def existing(codes, period: int) -> list[str]:
    """The councils of ``codes`` that existed in the collection year ``period``: not
    before a reorganisation created them (:data:`CREATED`), nor after one abolished them
    (:data:`ABOLISHED`: Cumbria after 2023). DfE's 2021 neighbour
    groups name North Northamptonshire and Dorset (838) for every year they are used
    from 2016, and Cumbria for 2024: counted, "7 of 10 neighbours with a figure" was 7
    of the 7 there were. (A council's first published year is not its first year: DfE's
    tables start in 2018 and LAIT's in 2016.)"""
    period = int(period)
    return [c for c in codes if CREATED.get(c, period) <= period <= ABOLISHED.get(c, period)]


def _norm(name: str) -> str:
    s = str(name).lower().replace("&", "and")
    s = re.sub(r",\s*(county|city) of$", "", s)
    s = re.sub(r"^(county|city) of\s+", "", s)
    s = re.sub(r"\bst\b\.?", "st", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


def local_authorities(data_root: Path | None = None) -> pd.DataFrame:
    """Every LA with published CLA figures: code, name, ONS code, region, years."""
    a = published.areas(data_root)
    return a[a["geographic_level"] == "Local authority"].reset_index(drop=True)


def _contains(name: str, words: str) -> bool:
    """Whether a normalised LA name holds the normalised words, as whole words."""
    return bool(words) and f" {words} " in f" {name} "


def search_las(query, data_root: Path | None = None) -> list[Area]:
    """Every LA whose name holds the words of ``query`` ("kingston": Kingston upon Hull
    and Kingston upon Thames), or the one its number or ONS code names."""
    try:
        return [resolve_la(query, data_root)]
    except UnknownAreaError:
        pass
    words = _norm(query)
    return [resolve_la(r.area_code, data_root) for r in local_authorities(data_root).itertuples()
            if _contains(_norm(r.area_name), words)]


def resolve_la(query, data_root: Path | None = None) -> Area:
    """The LA a user meant by a DfE number (884), ONS code (E06000019) or name."""
    from .paths import data_dir
    return _resolve(str(query).strip(), str(data_root or data_dir()))


@lru_cache(maxsize=512)
def _resolve(q: str, root: str) -> Area:
    """:func:`resolve_la` for one query and data folder, remembered: a report resolves
    the same few councils hundreds of times (an unknown one raises, and is not kept)."""
    query = q
    las = local_authorities(Path(root))
    if re.fullmatch(r"\d+(\.0)?", q):
        q = str(int(float(q)))
        hit = las[las["area_code"] == q]
    elif re.fullmatch(r"[A-Za-z]\d{8}", q):
        hit = las[las["ons_code"].str.upper() == RECODED.get(q.upper(), q.upper())]
    else:
        hit = las[las["area_name"].map(_norm) == _norm(q)]
        if len(hit) > 1:        # "Dorset": the council of today (838), not the county before 2019 (835)
            hit = hit[~hit["area_code"].isin(ABOLISHED)]
    if len(hit) == 1:
        r = hit.iloc[0]
        return Area(r.area_code, r.area_name, r.ons_code, r.region_code, r.region_name,
                    int(r.first_period), int(r.last_period))
    names = {_norm(r.area_name): f"{r.area_name} ({r.area_code})" for r in las.itertuples()}
    if q.isdigit():
        near = las.assign(d=(las["area_code"].astype(int) - int(q)).abs()).nsmallest(3, "d")
        close = [f"{r.area_name} ({r.area_code})" for r in near.itertuples()]
    else:
        # names holding the words typed ("telford": Telford and Wrekin) first, then spellings
        close = [names[c] for c in names if _contains(c, _norm(q))][:3]
        close += [names[c] for c in difflib.get_close_matches(_norm(q), list(names), n=3, cutoff=0.5)
                  if names[c] not in close][:3 - len(close)]
    hint = ("Closest matches: " + "; ".join(close)) if close else \
        "Run `evaltools areas` to list every local authority"
    raise UnknownAreaError(f"no English local authority matches {str(query)!r}",
                           fix=hint)
