"""Synthetic SSDA903 extracts with known, injected intervention effects.

>>> from evaltools import synth
>>> cfg = synth.SynthConfig(las=["884"], seed=1)            # one council, ~350 in care
>>> result = synth.generate(cfg)                            # doctest: +SKIP
>>> synth.write(result, "out/")                             # doctest: +SKIP

``write`` produces ``out/<year>/<table>.csv`` in DfE's CSV layout for each collection
year (year ending 31 March), which :func:`evaltools.ssda903.read_extract` reads, plus
``truth.json`` (each intervention and its true effect on DfE-style measures, from a
run with the same random numbers and no intervention) and ``synth.yaml`` (the exact
configuration, so the data can be regenerated).
"""

from __future__ import annotations

import json
import re
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import ConfigError
from ..paths import RESOURCES_DIR
from . import truth as truth_mod
from .simulate import DAY0, Intervention, World, _choice, day, simulate
from .. import yamlio

TABLE_FILES = {
    "Header": "header.csv", "Episodes": "episodes.csv", "UASC": "uasc.csv", "OC2": "oc2.csv",
    "OC3": "oc3.csv", "AD1": "ad1.csv", "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv", "Missing": "missing.csv", "Reviews": "reviews.csv",
}


@lru_cache(maxsize=1)
def parameters() -> dict:
    with open(RESOURCES_DIR / "synth_parameters.yaml", encoding="utf-8") as fh:
        return yamlio.load(fh)


@dataclass
class SynthConfig:
    """What to generate. ``las``: DfE LA numbers, or ["national"] for every current LA.
    ``stock``: children in care per LA on any day (None: each LA's published count at
    31 March 2024, which is what national scale uses)."""
    seed: int = 903
    las: list = field(default_factory=lambda: ["884"])
    stock: int | None = 350
    first_year: int = 2016
    last_year: int = 2025
    warmup_years: int = 12
    postcodes_per_la: int = 600
    interventions: list = field(default_factory=list)
    counterfactual: bool = True
    messy: bool = False          # write with realistic data-quality faults (see .messy)

    @classmethod
    def from_yaml(cls, path) -> "SynthConfig":
        path = Path(path)
        if not path.exists():
            raise ConfigError(f"synth config {path} does not exist",
                              fix="Give the path of a synth YAML, e.g. data/sample/synth.yaml")
        doc = yamlio.load_file(path, "synth config")
        if doc is None:
            doc = {}
        if not isinstance(doc, dict):
            raise ConfigError("the synth config is not a YAML mapping", where=str(path),
                              fix="Write keys such as seed: 903, las: [884], stock: 350 (see data/sample/synth.yaml)")
        allowed = set(cls.__dataclass_fields__)
        unknown = [k for k in doc if k not in allowed]
        if unknown:
            raise ConfigError(f"unknown key '{unknown[0]}'", where=str(path),
                              fix=f"Allowed keys: {', '.join(sorted(allowed))}")
        raw = doc.pop("interventions", []) or []
        if not isinstance(raw, list):
            raise ConfigError(f"'interventions' is {raw!r}", where=str(path),
                              fix="Give a list, each item with name, kind, start, ratio (and optionally las)")
        ivs = []
        for i, iv in enumerate(raw, 1):
            try:
                ivs.append(Intervention(**iv))
            except TypeError:
                raise ConfigError(f"intervention {i} is {iv!r}", where=str(path),
                                  fix="Each needs name, kind, start, ratio (and optionally las)") from None
        cfg = cls(**doc, interventions=ivs)
        cfg.check(str(path))
        return cfg

    def check(self, where="synth config"):
        """Every value of the right kind and range, each mistake one line (what, where,
        how to fix), before anything is simulated."""
        def whole(name, low, value=None, none_ok=False):
            v = getattr(self, name) if value is None else value
            if none_ok and v is None:
                return
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ConfigError(f"'{name}' is {v!r}", where=where,
                                  fix=f"It should be a whole number, {low} or more"
                                  + (" (or null for each LA's published count)" if none_ok else ""))
        whole("seed", 0)
        whole("stock", 1, none_ok=True)
        whole("first_year", 0)
        whole("last_year", 0)
        whole("warmup_years", 0)
        whole("postcodes_per_la", 1)
        for name in ("counterfactual", "messy"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"'{name}' is {getattr(self, name)!r}", where=where, fix="It should be true or false")
        if not isinstance(self.las, list) or not self.las or not all(
                isinstance(x, (str, int)) and not isinstance(x, bool) and str(x).strip() for x in self.las):
            raise ConfigError(f"'las' is {self.las!r}", where=where,
                              fix="Give a list of DfE LA numbers, e.g. las: [884], or las: [national]")
        kinds = {"unplanned_moves", "eet", "distant_placements"}
        for iv in self.interventions:
            if iv.kind not in kinds:
                raise ConfigError(f"intervention {iv.name!r} has kind {iv.kind!r}", where=where,
                                  fix=f"Use one of {sorted(kinds)}")
            if isinstance(iv.ratio, bool) or not isinstance(iv.ratio, (int, float)) or not iv.ratio > 0:
                raise ConfigError(f"intervention {iv.name!r} has ratio {iv.ratio!r}", where=where,
                                  fix="A hazard or odds ratio must be a positive number, e.g. 0.8")
            start = str(iv.start)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", start) or pd.isna(pd.to_datetime(start, errors="coerce")):
                raise ConfigError(f"intervention {iv.name!r} has start {iv.start!r}", where=where,
                                  fix="Write the date it began as YYYY-MM-DD, e.g. 2023-04-01")
            iv.start = start
            if iv.las is not None and not isinstance(iv.las, list):
                raise ConfigError(f"intervention {iv.name!r} has las {iv.las!r}", where=where,
                                  fix="Give a list of DfE LA numbers, e.g. las: [884], or leave it out for every LA")
        if not 2014 <= self.first_year <= self.last_year <= 2030:
            raise ConfigError(f"years {self.first_year}-{self.last_year}", where=where,
                              fix="Use collection years between 2014 and 2030")

    def la_table(self) -> pd.DataFrame:
        from .. import published
        from ..areas import local_authorities, resolve_la
        las = local_authorities()
        if [str(x) for x in self.las] == ["national"]:
            codes = las.loc[las["last_period"] >= 2025, "area_code"].tolist()
        else:
            codes = [resolve_la(x).area_code for x in self.las]
        t = las.set_index("area_code").loc[codes, ["ons_code"]].rename(columns={"ons_code": "ons"})
        if self.stock is None:
            cnt = published.load_indicators(["cla_count"], periods=(2024, 2024))
            cnt = cnt[cnt["status"] == "ok"].set_index("area_code")["value"]
            t["stock"] = cnt.reindex(codes).fillna(cnt.median()).to_numpy()
        else:
            t["stock"] = float(self.stock)
        return t.reset_index().rename(columns={"area_code": "la"})

    def to_dict(self) -> dict:
        d = asdict(self)
        d["interventions"] = [asdict(i) for i in self.interventions]
        return d


@dataclass
class SynthResult:
    config: SynthConfig
    world: World
    returns: dict            # year -> {table: DataFrame of strings}
    truth: dict


# ------------------------------------------------------------------------ output
def _fmt_dates(days: np.ndarray) -> np.ndarray:
    """dd/mm/yyyy for day numbers (NaN/None -> "")."""
    s = pd.Series(days)
    valid = s.notna()
    out = np.full(len(s), "", dtype=object)
    if valid.any():
        v = s[valid].astype(np.int64).to_numpy()
        uniq, inv = np.unique(v, return_inverse=True)
        txt = (DAY0 + pd.to_timedelta(uniq, unit="D")).strftime("%d/%m/%Y").to_numpy()
        out[valid.to_numpy()] = txt[inv]
    return out


def _child_ids(w: World) -> np.ndarray:
    ch = w.children
    num = np.char.zfill((ch["cid"].to_numpy() + 1).astype(str), 7)
    return np.char.add(ch["la"].to_numpy().astype(str), num).astype(object)



def _recoded(place: np.ndarray, placement: np.ndarray, changes: dict, cfg: SynthConfig) -> dict[int, np.ndarray]:
    """Each episode's placement code as each collection year that withdrew codes
    reports it: a council recodes a placement still open that year to a successor
    (Z1 to one of Z11-Z14, H5 and P2 to K3), so a 2026 return holds no Z1 however long
    ago the placement began. One draw per placement (``placement``: each episode's),
    so the episodes of one placement (a legal status change within it) share it, kept
    in every later year's file. Its own random stream, so years before the first
    change are as they always were."""
    rng = np.random.default_rng(cfg.seed + 13)
    first = np.unique(placement, return_index=True)[1]        # each placement's first episode
    of = np.searchsorted(np.unique(placement), placement)      # each episode's placement, 0..k-1
    out, codes = {}, place[first]
    for year in sorted(changes):
        codes = codes.copy()
        for old, successors in changes[year].items():
            i = np.flatnonzero(codes == old)
            codes[i] = _choice(rng, successors, len(i))
        out[int(year)] = codes[of]
    out[0] = place
    return out


def _place_in(year: int, recoded: dict[int, np.ndarray]) -> np.ndarray:
    """Every episode's placement code as the ``year`` return reports it."""
    return recoded[max(y for y in recoded if y <= year)]


def build_returns(w: World, cfg: SynthConfig, params: dict) -> dict:
    """Each collection year's return, as DfE-layout tables of strings."""
    rng = np.random.default_rng(cfg.seed + 11)
    ch = w.children
    ids = _child_ids(w)
    dob_s = _fmt_dates(ch["dob"].to_numpy())
    sex = np.where(ch["male"].to_numpy(), "1", "2")
    n = len(ch)
    # fixed per child: UPN, previous permanence, mother, adopters
    upn = np.array([f"A{x:012d}" for x in rng.integers(10**11, 10**12, n)], dtype=object)
    prev = _choice(rng, {"Z1": 0.93, "P1": 0.02, "P2": 0.03, "P3": 0.02}, n)
    prev_date = np.where(prev != "Z1", _fmt_dates(ch["entry"].to_numpy() - rng.integers(400, 3000, n)), "")
    mother_flag = (~ch["male"].to_numpy()) & (rng.random(n) < params["mother"]["share_girls_12_plus"] * 4)
    nb = np.where(rng.random(n) < 0.82, 2, 1)
    sex_ad = np.where(nb == 2, _choice(rng, {"MF": 0.86, "MM": 0.07, "FF": 0.07}, n),
                      _choice(rng, {"F1": 0.85, "M1": 0.15}, n))
    ls_ad = np.where(nb == 1, "L0", np.where(sex_ad == "MF", _choice(rng, {"L11": 0.8, "L3": 0.2}, n),
                                             _choice(rng, {"L12": 0.7, "L4": 0.3}, n)))
    ep = w.episodes
    recoded = _recoded(ep["place"].to_numpy(), ep["pidx"].to_numpy(), params["placements"]["recoded"], cfg)
    out = {}
    for y in range(cfg.first_year, cfg.last_year + 1):
        ys, ye = day(f"{y - 1}-04-01"), day(f"{y}-03-31")
        within = ((ep["decom"] <= ye) & (ep["dec"] >= ys)).to_numpy()
        e = ep[within]
        place = _place_in(y, recoded)[within]
        open_ = e["dec"] > ye
        cid = e["cid"].to_numpy()
        episodes = pd.DataFrame({
            "CHILD": ids[cid], "DECOM": _fmt_dates(e["decom"].to_numpy()), "RNE": e["rne"].to_numpy(),
            "LS": e["ls"].to_numpy(), "CIN": e["cin"].to_numpy(), "PLACE": place,
            "PLACE_PROVIDER": e["provider"].to_numpy(),
            "DEC": np.where(open_, "", _fmt_dates(e["dec"].to_numpy())),
            "REC": np.where(open_, "", e["rec"].to_numpy()),
            "REASON_PLACE_CHANGE": np.where(open_ | e["rpc"].isna(), "", e["rpc"].fillna("").to_numpy()),
            "HOME_POST": e["home_pcd"].fillna("").to_numpy(), "PL_POST": e["pl_pcd"].fillna("").to_numpy(),
            "URN": e["urn"].fillna("").to_numpy(),
        })
        lv = w.leavers[w.leavers["year"] == y]
        oc2 = w.oc2[w.oc2["year"] == y]
        ms = w.missing[(w.missing["start"] >= ys) & (w.missing["start"] <= ye)]
        rv = w.reviews[(w.reviews["date"] >= ys) & (w.reviews["date"] <= ye)]
        in_year = np.unique(cid)
        adopted = ch.index[(ch["adopt_ok"]) & (ch["care_end"] >= ys) & (ch["care_end"] <= ye)].to_numpy()
        pa_mask = (ch["adopt"] & (ch["decision"] <= ye) & (ch["care_end"] >= ys)
                   & ~(ch["reversed"] & (ch["reversal"] < ys)))
        pa = ch.index[pa_mask].to_numpy()
        everyone = np.unique(np.concatenate([in_year, lv["cid"].to_numpy(), adopted]))
        age_ye = (ye - ch["dob"].to_numpy()[everyone]) / 365.25
        girl12 = (sex[everyone] == "2") & (age_ye >= 12) & np.isin(everyone, in_year)
        mother = np.where(girl12, np.where(mother_flag[everyone], "1", "0"), "")
        mc_dob = np.where(mother == "1", _fmt_dates(np.minimum(ye - 30, ch["dob"].to_numpy()[everyone]
                                                              + 365 * 15)), "")
        tables = {
            "Header": pd.DataFrame({
                "CHILD": ids[everyone], "SEX": sex[everyone], "DOB": dob_s[everyone],
                "ETHNIC": ch["ethnic"].to_numpy()[everyone],
                "UPN": np.where(age_ye < 4, "UN1", upn[everyone]), "MOTHER": mother, "MC_DOB": mc_dob}),
            "Episodes": episodes,
        }
        uasc = in_year[ch["uasc"].to_numpy()[in_year]]
        tables["UASC"] = pd.DataFrame({"CHILD": ids[uasc], "SEX": sex[uasc], "DOB": dob_s[uasc],
                                       "DUC": _fmt_dates(ch["b18"].to_numpy()[uasc])})
        oc = oc2["cid"].to_numpy()
        opt = lambda v: np.where(v < 0, "", v.astype(str))  # noqa: E731
        sub = oc2["substance"].to_numpy()
        tables["OC2"] = pd.DataFrame({
            "CHILD": ids[oc], "DOB": dob_s[oc],
            "SDQ_SCORE": np.where(oc2["sdq"].isna(), "", oc2["sdq"].fillna(0).astype(int).astype(str)),
            "SDQ_REASON": oc2["sdq_reason"].fillna("").to_numpy(),
            "CONVICTED": opt(oc2["convicted"].to_numpy()),
            "HEALTH_CHECK": opt(oc2["health_check"].to_numpy()),
            "IMMUNISATIONS": oc2["immunisations"].astype(str).to_numpy(),
            "TEETH_CHECK": oc2["dental"].astype(str).to_numpy(),
            "HEALTH_ASSESSMENT": oc2["health_assessment"].astype(str).to_numpy(),
            "SUBSTANCE_MISUSE": sub.astype(str),
            "INTERVENTION_RECEIVED": np.where(sub == 1, np.where(rng.random(len(oc)) < 0.6, "1", "0"), ""),
            "INTERVENTION_OFFERED": np.where(sub == 1, "1", ""),
        })
        tables["OC3"] = _oc3(lv, ids, dob_s, params, rng)
        ad = adopted
        tables["AD1"] = pd.DataFrame({
            "CHILD": ids[ad], "DOB": dob_s[ad], "DATE_INT": _fmt_dates(ch["decision"].to_numpy()[ad]),
            "DATE_MATCH": _fmt_dates(ch["match"].to_numpy()[ad]),
            "FOSTER_CARE": np.where(rng.random(len(ad)) < 0.15, "1", "0"),
            "NB_ADOPTR": nb[ad].astype(str), "SEX_ADOPTR": sex_ad[ad], "LS_ADOPTR": ls_ad[ad]})
        rev = ch["reversed"].to_numpy()[pa] & (ch["reversal"].to_numpy()[pa] <= ye)
        tables["PlacedAdoption"] = pd.DataFrame({
            "CHILD": ids[pa], "DOB": dob_s[pa], "DATE_PLACED": _fmt_dates(ch["decision"].to_numpy()[pa]),
            "DATE_PLACED_CEASED": np.where(rev, _fmt_dates(ch["reversal"].to_numpy()[pa]), ""),
            "REASON_PLACED_CEASED": np.where(rev, "RD1", "")})
        tables["PrevPerm"] = pd.DataFrame({
            "CHILD": ids[in_year], "DOB": dob_s[in_year], "PREV_PERM": prev[in_year],
            "LA_PERM": np.where(prev[in_year] != "Z1", ch["la"].to_numpy()[in_year], ""),
            "DATE_PERM": prev_date[in_year]})
        mc = ms["cid"].to_numpy()
        tables["Missing"] = pd.DataFrame({
            "CHILD": ids[mc], "DOB": dob_s[mc], "MISSING": ms["type"].to_numpy(),
            "MIS_START": _fmt_dates(ms["start"].to_numpy()), "MIS_END": _fmt_dates(ms["end"].to_numpy())})
        rc = rv["cid"].to_numpy()
        tables["Reviews"] = pd.DataFrame({"CHILD": ids[rc], "DOB": dob_s[rc],
                                          "REVIEW": _fmt_dates(rv["date"].to_numpy()),
                                          "REVIEW_CODE": rv["code"].to_numpy()})
        out[y] = tables
    return out


def _oc3(lv: pd.DataFrame, ids, dob_s, params, rng) -> pd.DataFrame:
    cl = params["care_leavers"]
    k = len(lv)
    c = lv["cid"].to_numpy()
    touch = lv["in_touch"].to_numpy()
    refuse = lv["refuse"].to_numpy() < cl["refuse_share_of_not_in_touch"]
    in_touch = np.where(touch, "YES", np.where(refuse, "REFU", "NO"))
    eet = lv["eet"].to_numpy() & touch
    age = lv["age"].to_numpy()
    u = lv["u_kind"].to_numpy()
    he = (age >= 19) & (u < cl["he_share_of_eet_19_21"])
    ft = rng.random(k) < 0.8
    kind = np.select([he, u < 0.55, u < 0.68], ["1", "2", "4"], "5")
    activ = np.where(eet, np.where(ft, "F", "P") + kind,
                     np.where(touch, _choice(rng, {"G4": 0.3, "G5": 0.55, "G6": 0.15}, k), "0"))
    suitable = lv["suitable"].to_numpy() & touch
    place = _choice(rng, {"B": 0.15, "D": 0.35, "E": 0.1, "U": 0.3, "Z": 0.1}, k)
    place = np.where((age == 17) & (place == "Z"), "D", place)
    accom = np.where(touch, place + np.where(suitable, "1", "2"), "0")
    return pd.DataFrame({"CHILD": ids[c], "DOB": dob_s[c], "IN_TOUCH": in_touch, "ACTIV": activ,
                         "ACCOM": accom})


@contextmanager
def _plain_strings():
    """pandas 3 stores strings as pyarrow by default; converting millions of generated
    values to and fro costs more than the simulation. Inside the generator they stay
    plain Python objects (the option is scoped to this block). pandas 4 will remove the
    option; requirements.lock pins pandas 3."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*future.infer_string.*")
        with pd.option_context("future.infer_string", False):
            yield


def generate(cfg: SynthConfig) -> SynthResult:
    """Simulate, build the annual returns and compute the true effects."""
    with _plain_strings():
        return _generate(cfg)


def _generate(cfg: SynthConfig) -> SynthResult:
    cfg.check()
    params = parameters()
    world = simulate(cfg, params)
    returns = build_returns(world, cfg, params)
    cf = simulate(cfg, params, counterfactual=True) if (cfg.interventions and cfg.counterfactual) else None
    truth = truth_mod.summarise(cfg, world, cf)
    return SynthResult(cfg, world, returns, truth)


def write(result: SynthResult, out_dir, *, messy: bool = False) -> list[Path]:
    """Write each year's return as DfE-layout CSVs, with truth.json and synth.yaml."""
    with _plain_strings():
        return _write(result, out_dir, messy=messy)


def _write(result: SynthResult, out_dir, *, messy: bool = False) -> list[Path]:
    from . import messy as messy_mod
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    faults = []
    for y, tables in result.returns.items():
        folder = out_dir / str(y)
        folder.mkdir(exist_ok=True)
        if messy:
            tables, f = messy_mod.inject(tables, y, np.random.default_rng(result.config.seed + y))
            faults += f
        for t, df in tables.items():
            p = folder / TABLE_FILES[t]
            enc = "cp1252" if (messy and t == "Episodes") else "utf-8"
            df.to_csv(p, index=False, encoding=enc)
            written.append(p)
    (out_dir / "truth.json").write_text(json.dumps(result.truth, indent=2, default=float) + "\n")
    cfg = result.config.to_dict()
    cfg["messy"] = bool(messy)
    (out_dir / "synth.yaml").write_text(
        "# Regenerate with: evaltools synth --config <this file> --out <this folder>\n"
        + yaml.safe_dump(cfg, sort_keys=False))
    if messy:
        (out_dir / "faults.json").write_text(json.dumps(faults, indent=2) + "\n")
    return written
