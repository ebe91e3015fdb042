"""Build data/strategies/*.yaml from the strategy catalogue.

The catalogue (data/strategies/source/measures_catalogue.csv and interventions.csv,
copied from the project's research on the five seed documents) lists every measurable
commitment; catalogue_map.csv says, for each, which registry measure or local measure
measures it, with the baseline and target as numbers. This script joins them and
writes one YAML per strategy, checked by evaltools.strategies on the way out.

The YAML files are the product data: councils read and edit them. Rerun this only
when the catalogue changes (``python scripts/build_strategies.py``); it overwrites the
five bundled files and nothing else.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "data" / "strategies" / "source"
OUT = ROOT / "data" / "strategies"

sys.path.insert(0, str(ROOT / "src"))
from evaltools import strategies  # noqa: E402

HEADERS = {
    "herefordshire_2017_20": dict(
        title="Herefordshire Corporate Parenting Strategy 2017-20", la="884",
        start="2017-04-01", end="2020-03-31", baseline_period=2017, prefix="hf17",
        document="herefordshire_corporate_parenting_strategy_2017-20.txt",
        notes="Undated document; its period 2017-20 is read as the financial years 2017-18 to 2019-20, so "
              "the baseline is the year ending 31 March 2017."),
    "herefordshire_2025_27": dict(
        title="Herefordshire Corporate Parenting Strategy 2025-27", la="884",
        start="2025-01-01", end="2027-03-31", baseline_period=2024, prefix="hf25",
        document="herefordshire_corporate_parenting_strategy_2025-27.txt",
        notes="Approved by Cabinet on 19 December 2024. Its figures describe June 2024; the latest "
              "published year at approval is the year ending 31 March 2024, taken as the baseline."),
    "hertfordshire_2022_25": dict(
        title="Hertfordshire Corporate Parenting Strategy 2022-25", la="919",
        start="2022-04-01", end="2025-03-31", baseline_period=2021, prefix="ht22",
        document="hertfordshire_corporate_parenting_strategy_2022-25.txt",
        notes="Baseline surveys 2020-21; the latest published year at the start is the year ending 31 March 2021."),
    "st_helens_2019": dict(
        title="St Helens Interim Corporate Parenting Strategy 2019", la="342",
        start="2019-04-01", end="2020-03-31", baseline_period=2018, prefix="sh19",
        document="st_helens_interim_corporate_parenting_strategy.txt",
        notes="An undated interim strategy with 12-month priorities, read as 2019-20; the baseline is the "
              "year ending 31 March 2018 (the latest published when it was written in early 2019)."),
    "ofsted_herefordshire_2024": dict(
        title="Herefordshire: points from Ofsted's fifth monitoring visit (22-23 October 2024)", la="884",
        start="2024-10-22", end="2025-12-31", baseline_period=2024, prefix="of24", kind="ofsted_letter",
        document="herefordshire_cabinet_2024-12-19_strategy_and_ofsted_monitoring_letter.txt",
        notes="Not a strategy: the areas for improvement in Ofsted's monitoring letter, tracked like one. "
              "Herefordshire was judged inadequate in July 2022."),
}

SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}

#: targets the catalogue states as a change from the baseline, not a level
#: ("grow foster carer households by one fifth": +20%)
RELATIVE_TARGETS = {"hf25_foster_homes_20pct"}

#: interventions that are the strategy itself start when the strategy does (its
#: header says why), not on 1 January of the year the catalogue gives
STARTS_WITH_STRATEGY = {"hf_cps_2017_20": "herefordshire_2017_20", "ht_cps_2022_25": "hertfordshire_2022_25",
                        "sh_interim_cps": "st_helens_2019"}


#: an intervention's title where the catalogue names an event rather than the work a
#: report evaluates after it: "Did the interventions make a difference?" over "Ofsted
#: ILACS judgement: inadequate" read, before inspectors, as evaluating the judgement
TITLES = {"hf_ofsted_inadequate": "Improvement work after Ofsted's 'inadequate' judgement (July 2022): "
                                  "monitoring visits and an improvement plan"}


def _month_end(y: int, m: int) -> dt.date:
    return (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))


def parse_when(text: str, precision_text: str) -> tuple[str | None, str | None, str]:
    """(start, end, precision) from the catalogue's date and precision words. Undated
    and partial dates ("before 2024", "November 20xx", "ongoing 2022-25") get no start:
    they cannot anchor a before/after comparison."""
    t = str(text).strip()
    p = str(precision_text).strip().lower()
    if p.startswith("undated") or "missing" in p or t.lower().startswith(("before", "ongoing")):
        return None, None, "undated"
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        return t, None, "day"
    approx = "approx" if p.startswith("approx") else None
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", t)) and 1 <= int(m[2]) <= 12 and not p.startswith("range"):
        y, mo = int(m[1]), int(m[2])
        return f"{y}-{mo:02d}-01", _month_end(y, mo).isoformat(), approx or "month"
    if m := re.fullmatch(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})", t):
        return f"{m[1]}-{m[2]}-01", _month_end(int(m[3]), int(m[4])).isoformat(), "range"
    if m := re.fullmatch(r"(\d{4})/(\d{2})", t):
        y = int(m[1])
        return f"{y}-04-01", f"{y + 1}-03-31", "financial_year"
    if m := re.fullmatch(r"(\d{4})-(\d{2,4})", t):
        y0, y1 = int(m[1]), int(m[2]) if len(m[2]) == 4 else 2000 + int(m[2])
        return f"{y0}-01-01", f"{y1}-12-31", "range"
    if m := re.fullmatch(r"(spring|summer|autumn|winter) (\d{4})", t.lower()):
        return f"{m[2]}-{SEASONS[m[1]]:02d}-01", None, "season"
    if m := re.fullmatch(r"(\d{4})", t):
        return f"{t}-01-01", f"{t}-12-31", approx or "year"
    return None, None, "undated"


def _num(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == "":
        return None
    f = float(v)
    return int(f) if f.is_integer() else f


def _text(v) -> str:
    """A catalogue cell as a report prints it: money as £1,000, not the research notes'
    GBP1,000."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return re.sub(r"\bGBP ?(?=\d)", "£", str(v).strip())


def _commitment(text: str, measure_id: str) -> str:
    """A commitment's words as reviews print them beside the figure that measures it:
    the catalogue's unit hint "(count)" is dropped where that figure is a percentage.
    St Helens asks for the number of children excluded and DfE publishes the share
    suspended; "Exclusions ... (count) (figure: One or more suspensions)" beside 9.8%
    read as a mistake. The entry's notes say what the strategy asked for."""
    from evaltools import registry

    if measure_id and measure_id in registry.ids() and registry.get(measure_id).unit == "percent":
        return re.sub(r"\s*\(count\)$", "", text)
    return text


#: commitments whose catalogue wording says more than the source document does
TEXTS = {"of24_missing": "Children in care going missing: context for the return home interview "
                         "finding (the letter sets no aim for how many go missing)"}


#: commitments one published figure does not measure alone: each gets a second row
#: (id, registry measure, note) with the commitment's words and direction, tested by the
#: interventions aimed at the first. "More permanent staff and better retention" went
#: "as asked" on turnover while the agency share rose (13.7% to 14.8%); the agency rate
#: fell from 55% to 18% after Ofsted's letter while a third of posts stayed vacant (a
#: post an agency worker covers is vacant too). Workforce lead's review.
ALSO = {
    "hf17_workforce_stability": [(
        "hf17_workforce_permanent", "social_worker_agency_rate", None,
        "The 'more permanent staff' half of the commitment: the agency share of social workers "
        "(hf17_workforce_stability measures the retention half by turnover).")],
    "of24_agency_rate": [(
        "of24_vacancy_rate", "social_worker_vacancy_rate",
        "Greater permanence in the workforce (posts filled: fewer vacancies)",
        "Vacancies beside the agency share: a vacant post an agency worker covers counts in both, so "
        "agency staff made permanent lower the agency rate while the posts left empty stay vacant.")],
}


def also_entries(e: dict) -> list[dict]:
    """The second rows of ``ALSO`` for entry ``e`` (``part_of`` it): its words (or the
    given ones), direction and priority area, another measure, and no baseline or target
    (the strategy set them for the first)."""
    out = []
    for eid, measure, text, note in ALSO.get(e["id"], []):
        keep = {k: e[k] for k in ("text", "priority_area", "source", "direction") if k in e}
        out.append({"id": eid, **keep, **({"text": text} if text else {}), "measure": measure,
                    "part_of": e["id"], "notes": note})
    return out


def measure_entry(row, m) -> dict:
    text = TEXTS.get(row["measure_id"]) or _commitment(_text(row["measure_text"]), _text(m["registry_id"]))
    e = {"id": row["measure_id"], "text": text,
         "priority_area": _text(row["priority_area"]), "source": m["source"]}
    if m["source"] in ("published", "child_level"):
        if _text(m["registry_id"]):
            e["measure"] = _text(m["registry_id"])
        else:
            e["proposed_measure"] = _text(m["proposed_registry_id"])
    else:
        e["local"] = _text(m["local_id"])
    e["direction"] = _text(m["direction"]) or "none"
    b = {k: v for k, v in (("value", _num(m["baseline_value"])), ("period", _num(m["baseline_period"])),
                           ("text", _text(m["baseline_text"]))) if v not in (None, "")}
    if b:
        e["baseline"] = b
    t = {k: v for k, v in (("value", _num(m["target_value"])), ("by", _num(m["target_by"])),
                           ("text", _text(m["target_text"]))) if v not in (None, "")}
    if row["measure_id"] in RELATIVE_TARGETS and "value" in t:
        t = {"change_percent": t.pop("value"), **t}
    if "value" not in t and AGAINST_ENGLAND.search(t.get("text", "")):
        t = {"relative_to": "england", **t}       # "below England average": England's figure to beat
        if AT_OR.search(t.get("text", "")):
            t["or_equal"] = True                  # "at or below England rate": England's own figure meets it
    if t:
        e["target"] = t
    for key, col in (("definition", "dfe_definition"), ("data", "source_detail")):
        if _text(row[col]):
            e[key] = _text(row[col])
    if row["measure_id"] in DEFINITIONS:
        e["definition"] = DEFINITIONS[row["measure_id"]]
    notes = "; ".join(x for x in (_text(row["notes"]), _text(m.get("map_note"))) if x)
    if notes:
        e["notes"] = notes
    return e


def _targets(spec: str, ids: list[str], entries: list[dict]) -> list[str]:
    out = []
    for part in re.split(r"[;,]\s*", _text(spec)):
        part = part.strip()
        if not part:
            continue
        if "*" in part:
            out += fnmatch.filter(ids, part)
        elif part in ids:
            out += [part, *(eid for eid, *_ in ALSO.get(part, []) if eid in ids)]
        elif part == "care leaver measures":
            out += [e["id"] for e in entries if "care leaver" in (e["text"] + e["priority_area"]).lower()
                    or str(e.get("measure", "")).startswith(("care_leavers_", "staying_put"))]
    return list(dict.fromkeys(out))


#: a target worded against England's figure, with no number of its own
#: definitions for commitments the map sends to another measure than the catalogue's
#: (St Helens' "fewer children in care" is the number, not the catalogue's rate)
DEFINITIONS = {"sh19_cla_rate": "DfE number of children looked after at 31 March (the rate per 10,000 "
                                "children aged 0-17 is cla_rate_per_10k)"}

AGAINST_ENGLAND = re.compile(r"\b(below|above)\b.*\b(England|national)\b", re.I)
AT_OR = re.compile(r"\bat or (below|above)\b", re.I)

POLARITY = {"increase": "high", "decrease": "low"}
#: local measures whose better direction their strategy's "maintain" does not say: a
#: share of care leavers contacted by their personal adviser within 8 weeks is better
#: higher, whatever level the strategy keeps it at
LOCAL_POLARITY = {"pa_contact_within_8_weeks": "high"}
KIND_OF_UNIT = {"percent": "percent", "count": "count", "rate": "rate", "score": "score", "days": "days"}


def build_local(mp: pd.DataFrame, cat: pd.DataFrame) -> list[Path]:
    """data/local/local_measures.csv (one row per local measure id) and the blank
    template.csv (a row for each), from the catalogue's local measures."""
    loc = mp[mp["source"] == "local"].join(cat.set_index("measure_id")[["measure_text"]])
    rows = []
    for lid, g in loc.groupby("local_id", sort=False):
        first = g.iloc[0]
        directions = set(g["direction"].dropna())
        rows.append({"id": lid, "title": _text(first["measure_text"]), "unit": KIND_OF_UNIT[_text(first["local_unit"])],
                     "polarity": LOCAL_POLARITY.get(lid) or (POLARITY.get(directions.pop(), "none")
                                                             if len(directions) == 1 else "none"),
                     "kind": _text(first["local_kind"]), "strategies": ";".join(sorted(set(g["strategy"]))),
                     "description": "; ".join(dict.fromkeys(_text(n) for n in g["map_note"] if _text(n)))})
    d = ROOT / "data" / "local"
    d.mkdir(exist_ok=True)
    defs = pd.DataFrame(rows)
    defs.to_csv(d / "local_measures.csv", index=False)
    template = pd.DataFrame({"measure": defs["id"], "period": "", "numerator": "", "denominator": "", "value": "",
                             "source_note": ""})
    template.to_csv(d / "template.csv", index=False)
    return [d / "local_measures.csv", d / "template.csv"]


def texts() -> dict[Path, str]:
    """Each bundled strategy file's text, as :func:`build` writes it (a test checks the
    bundled files are what the catalogue gives, so a fix made in a file is made in the
    catalogue map too, and a rerun does not undo it)."""
    cat = pd.read_csv(SRC / "measures_catalogue.csv", dtype=str)
    ivs = pd.read_csv(SRC / "interventions.csv", dtype=str)
    mp = pd.read_csv(OUT / "catalogue_map.csv", dtype=str).set_index("catalogue_id")
    out = {}
    for sid, h in HEADERS.items():
        rows = cat[cat["strategy"] == sid]
        entries = [x for _, r in rows.iterrows() for e in [measure_entry(r, mp.loc[r["measure_id"]])]
                   for x in (e, *also_entries(e))]
        ids = [e["id"] for e in entries]
        interventions = []
        for _, iv in ivs.iterrows():
            measures = _targets(iv["measures_to_test"], ids, entries)
            own = sid in _text(iv["source_doc"]) or (sid == "herefordshire_2025_27"
                                                     and "cabinet_2024-12-19" in _text(iv["source_doc"]))
            if not measures and not own:
                continue
            start, end, precision = parse_when(iv["date"], iv["date_precision"])
            if iv["intervention_id"] in STARTS_WITH_STRATEGY:
                start = HEADERS[STARTS_WITH_STRATEGY[iv["intervention_id"]]]["start"]
            e = {"id": iv["intervention_id"], "title": TITLES.get(iv["intervention_id"], _text(iv["intervention"])),
                 "when": _text(iv["date"]),
                 "precision": precision}
            if start:
                e["start"] = start
            if end:
                e["end"] = end
            e["measures"] = measures
            note = "; ".join(x for x in (f"date precision in the source: {_text(iv['date_precision'])}",
                                         _text(iv.get("notes"))) if x)
            e["notes"] = note
            interventions.append(e)
        head = {k: v for k, v in h.items() if k != "prefix"}
        doc = {"strategy": {"id": sid, **head}, "measures": entries, "interventions": interventions}
        path = OUT / f"{sid}.yaml"
        text = (f"# {h['title']}: measures and interventions, built by scripts/build_strategies.py from\n"
                f"# data/strategies/source (see README.md there). Edit freely; the format is in\n"
                f"# data/strategies/README.md and evaltools.strategies checks it.\n"
                + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
        strategies.parse(yaml.safe_load(text), str(path))          # fails loudly before writing
        out[path] = text
    return out


def build() -> list[Path]:
    written = []
    for path, text in texts().items():
        path.write_text(text, encoding="utf-8")
        written.append(path)
    cat = pd.read_csv(SRC / "measures_catalogue.csv", dtype=str)
    mp = pd.read_csv(OUT / "catalogue_map.csv", dtype=str).set_index("catalogue_id")
    return written + build_local(mp, cat)


if __name__ == "__main__":
    for p in build():
        print(p.relative_to(ROOT))
