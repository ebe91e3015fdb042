"""The synthetic care system: children move through care as a process in time.

Each child enters care on a date, at an age, under a legal status; is placed; moves
placement when a hazard says so (higher in the first 90 days of a placement, for
teenagers and in residential care, with a frailty per child); changes legal status;
may go missing; and leaves care for a reason that depends on age and care plan.
Care leavers then have activity and accommodation at each birthday from 17 to 21.
Everything is vectorised across children: the simulation runs in rounds of
placements, not a Python loop over children.

Dates are whole days since 1970-01-01 (``int64``) until the returns are written.
Interventions multiply a hazard (placement moves) or an odds (EET, distant placements)
from a date, for a group; the same random numbers drive the run with and without
them (``counterfactual=True``), so the true effect is known exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..periods import collection_year
from . import geography

DAY0 = pd.Timestamp("1970-01-01")
YEAR = 365.25


def day(ts) -> int:
    return int((pd.Timestamp(ts) - DAY0).days)


@dataclass
class Intervention:
    """A change with a known effect.

    kind: ``unplanned_moves`` (hazard ratio on unplanned placement moves),
    ``eet`` (odds ratio on care leavers being in EET at birthdays on or after ``start``),
    ``distant_placements`` (odds ratio on a new placement being over 20 miles away).
    las: DfE codes of the LAs it applies to (None = every LA).
    """
    name: str
    kind: str
    start: str
    ratio: float
    las: list | None = None

    def applies(self, la_codes: np.ndarray) -> np.ndarray:
        if not self.las:
            return np.ones(len(la_codes), dtype=bool)
        return np.isin(la_codes, [str(x) for x in self.las])


@dataclass
class World:
    """Everything simulated: one row per child, placement, episode, incident..."""
    children: pd.DataFrame
    placements: pd.DataFrame
    episodes: pd.DataFrame
    missing: pd.DataFrame
    leavers: pd.DataFrame          # care leavers' outcomes at each birthday 17-21
    oc2: pd.DataFrame              # one row per child per year in the 12-month cohort
    reviews: pd.DataFrame
    meta: dict = field(default_factory=dict)


def _choice(rng, table: dict, n: int) -> np.ndarray:
    keys = list(table)
    p = np.array([table[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=p / p.sum())]


def _band_value(bands, x):
    """Value for each x from [[lo, hi, value], ...] bands."""
    out = np.full(len(x), np.nan)
    for lo, hi, v in bands:
        out[(x >= lo) & (x < hi)] = v
    return out


def _age_band(age_years: np.ndarray) -> np.ndarray:
    return np.select([age_years < 5, age_years < 10, age_years < 16], ["0-4", "5-9", "10-15"], "16-17")


def _piecewise_duration(rng_e: np.ndarray, start: np.ndarray, rate: np.ndarray,
                        early_mult: float, early_days: float, t_int: np.ndarray,
                        int_mult: np.ndarray) -> np.ndarray:
    """Time (days) to an event under a hazard that is ``rate*early_mult`` for the first
    ``early_days`` of the spell and multiplied by ``int_mult`` from calendar day
    ``t_int`` on. ``rng_e`` are standard exponential draws (common random numbers)."""
    n = len(start)
    b1 = start + early_days                         # end of the early period
    b2 = np.where(t_int > start, t_int, start)      # intervention start (or spell start)
    lo, hi = np.minimum(b1, b2), np.maximum(b1, b2)
    per_day = rate / YEAR

    def r(seg_start):
        m = np.where(seg_start < b1, early_mult, 1.0)
        m = m * np.where(seg_start >= b2, int_mult, 1.0)
        return per_day * m

    edges = [start, lo, hi]
    remaining = rng_e.copy()
    out = np.zeros(n)
    done = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):   # inf - inf in an unused segment
        for i in range(3):
            s0 = edges[i]
            s1 = edges[i + 1] if i < 2 else np.full(n, np.inf)
            rate_i = r(s0)
            length = s1 - s0
            cap = rate_i * length
            hit = ~done & (remaining <= cap)
            out[hit] += remaining[hit] / rate_i[hit]
            miss = ~done & ~hit
            out[miss] += length[miss]
            remaining[miss] -= cap[miss]
            done |= hit
    return out


def simulate(cfg, params: dict, counterfactual: bool = False) -> World:
    """Run the care system for the configured LAs and years (see :mod:`.generate`)."""
    rng = np.random.default_rng(cfg.seed)
    las = cfg.la_table()                           # la, ons, stock
    first_day = day(f"{cfg.first_year - 1 - cfg.warmup_years}-04-01")
    last_day = day(f"{cfg.last_year}-03-31")
    span_years = (last_day - first_day) / YEAR
    geo = geography.build(las["ons"].tolist(), np.random.default_rng(cfg.seed + 7),
                          per_la=cfg.postcodes_per_la)
    ints = [] if counterfactual else list(cfg.interventions)

    # ---------------------------------------------------------------- children
    n_per_la = rng.poisson(las["stock"].to_numpy() * params["flows"]["starts_per_stock"] * span_years)
    n = int(n_per_la.sum())
    la = np.repeat(las["la"].to_numpy(), n_per_la)
    ons = np.repeat(las["ons"].to_numpy(), n_per_la)
    entry = rng.integers(first_day, last_day + 1, n)
    uasc = rng.random(n) < params["uasc"]["share_of_starts"]
    bands = params["entry_age"]["bands"]
    bi = rng.choice(len(bands), n, p=[b[2] for b in bands])
    lo = np.array([b[0] for b in bands])[bi]
    hi = np.array([b[1] for b in bands])[bi]
    age_entry = lo + rng.random(n) * (hi - lo)
    ua_lo, ua_hi = params["uasc"]["age_range"]
    age_entry = np.where(uasc, ua_lo + rng.random(n) * (ua_hi - ua_lo), age_entry)
    # nobody starts care on or after their 18th birthday (DfE rule 352)
    age_entry = np.minimum(age_entry, 17.9)
    dob = entry - np.floor(age_entry * YEAR).astype(np.int64)
    male = np.where(uasc, rng.random(n) < params["uasc"]["male"], rng.random(n) < params["sex_male"])
    ethnic = np.where(uasc, _choice(rng, params["uasc_ethnicity"], n), _choice(rng, params["ethnicity"], n))
    cin = _choice(rng, params["category_of_need"], n)
    cin = np.where(uasc, "N8", cin)
    # exact 18th birthday
    dob_ts = pd.to_datetime(dob, unit="D")
    b18 = ((dob_ts + pd.DateOffset(years=18)) - DAY0).days.to_numpy()

    # care length: short or long mixture, capped at 18
    cl = params["care_length"]
    short = rng.random(n) < _band_value(cl["short_share_by_entry_age"], age_entry)
    short &= ~uasc
    median = _band_value(cl["long_median_by_entry_age"], age_entry)
    length = np.where(short, rng.exponential(cl["short_mean_years"], n),
                      median * rng.lognormal(0.0, cl["long_sigma"], n))
    care_end = entry + np.maximum(1, np.round(length * YEAR)).astype(np.int64)
    care_end = np.where(uasc, b18, care_end)

    # adoption pathway for some young children
    ad = params["adoption"]
    adopt = (rng.random(n) < np.nan_to_num(_band_value(ad["share_by_entry_age"], age_entry))) & ~uasc
    m2d = lambda a, b: np.round((a + rng.random(n) * (b - a)) * YEAR / 12).astype(np.int64)  # noqa: E731
    decision = entry + m2d(*ad["decision_months"])
    match = decision + m2d(*ad["match_months"])
    placed = match + rng.integers(ad["placed_after_match_days"][0], ad["placed_after_match_days"][1] + 1, n)
    adopted = placed + m2d(*ad["adopted_after_placed_months"])
    reversed_ = adopt & (rng.random(n) < 0.06)        # decision reversed: stays in care
    reversal = decision + m2d(3, 12)
    adopt_ok = adopt & ~reversed_
    care_end = np.where(adopt_ok, adopted, care_end)
    care_end = np.where(adopt & reversed_, np.maximum(care_end, reversal + 30), care_end)
    care_end = np.minimum(care_end, b18)

    # exit reasons
    age_exit = (care_end - dob) / YEAR
    ex = params["exit_reasons"]
    at18 = care_end >= b18
    rec_u18 = _choice(rng, ex["under18"], n)
    rec_18 = _choice(rng, ex["at18"], n)
    older = (age_exit >= 16) & (rng.random(n) < 0.5)
    exit_rec = np.where(at18 | older, rec_18, rec_u18)
    exit_rec = np.where(adopt_ok, np.where(rng.random(n) < ad["consent_share"], "E11", "E12"), exit_rec)
    exit_rec = np.where(uasc & (exit_rec == "E4A"), "E8", exit_rec)

    # homes
    home = pd.DataFrame({"pcd": np.full(n, None, dtype=object), "e": np.nan, "n": np.nan})
    for code, idx in pd.Series(ons).groupby(ons).indices.items():
        h = geography.home_postcodes(geo, code, len(idx), rng)
        home.loc[idx, "pcd"] = h["pcd"].to_numpy()
        home.loc[idx, "e"] = h["e"].to_numpy()
        home.loc[idx, "n"] = h["n"].to_numpy()
    no_home = uasc | (rng.random(n) < params["location"]["home_postcode_missing"])
    home.loc[no_home, ["pcd", "e", "n"]] = [None, np.nan, np.nan]

    frailty = rng.gamma(params["moves"]["frailty_shape"], 1 / params["moves"]["frailty_shape"], n)
    children = pd.DataFrame({
        "cid": np.arange(n), "la": la, "ons": ons, "male": male, "dob": dob, "ethnic": ethnic,
        "uasc": uasc, "cin": cin, "entry": entry, "care_end": care_end, "b18": b18,
        "exit_rec": exit_rec, "adopt": adopt, "adopt_ok": adopt_ok, "decision": decision,
        "match": match, "placed": placed, "adopted": adopted, "reversed": reversed_,
        "reversal": reversal, "home_pcd": home["pcd"].to_numpy(), "home_e": home["e"].to_numpy(),
        "home_n": home["n"].to_numpy(), "frailty": frailty, "short": short,
    })

    placements = _placements(children, params, cfg, ints, geo, rng)
    episodes = _episodes(children, placements, params, rng)
    missing = _missing(children, placements, params, cfg, rng)
    leavers = _leavers(children, params, cfg, ints, rng)
    oc2 = _oc2(children, params, cfg, rng)
    reviews = _reviews(children, params, cfg, rng)
    meta = {"first_day": first_day, "last_day": last_day, "counterfactual": counterfactual}
    return World(children, placements, episodes, missing, leavers, oc2, reviews, meta)


# ------------------------------------------------------------------ placements
GROUPS = ["foster_stranger", "kinship", "parents", "mother_baby", "residential", "supported",
          "adoption", "other"]


def _group_type_u(table_by_band: dict, bands: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Like _group_type, from pre-drawn uniforms (common random numbers across runs)."""
    out = np.empty(len(bands), dtype=object)
    for b, table in table_by_band.items():
        idx = np.flatnonzero(bands == b)
        if len(idx):
            out[idx] = _pick_by_u(table, u[idx])
    return out


def _group_type(rng, table_by_band: dict, bands: np.ndarray) -> np.ndarray:
    out = np.empty(len(bands), dtype=object)
    for b, table in table_by_band.items():
        idx = np.flatnonzero(bands == b)
        if len(idx):
            out[idx] = _choice(rng, table, len(idx))
    return out


def _placements(ch: pd.DataFrame, params, cfg, ints, geo, rng) -> pd.DataFrame:
    mv = params["moves"]
    pl = params["placements"]
    n = len(ch)
    # common random numbers: every child's k-th spell uses the same draws in both runs
    max_rounds = 60
    draws = rng.exponential(1.0, (max_rounds, n))
    u_kind = rng.random((max_rounds, n))
    u_type = rng.random((max_rounds, n))
    u_far = rng.random((max_rounds, n))
    u_out = rng.random((max_rounds, n))
    u_reason = rng.random((max_rounds, n))
    u_next = rng.random((max_rounds, n))      # type of the next placement

    t_int = np.full(n, np.inf)
    int_mult = np.ones(n)
    for iv in ints:
        if iv.kind == "unplanned_moves":
            hit = iv.applies(ch["la"].to_numpy())
            t_int = np.where(hit, day(iv.start), t_int)
            int_mult = np.where(hit, iv.ratio, int_mult)
    far_int = [(iv, iv.applies(ch["la"].to_numpy())) for iv in ints if iv.kind == "distant_placements"]

    entry = ch["entry"].to_numpy()
    end = ch["care_end"].to_numpy()
    dob = ch["dob"].to_numpy()
    adopt_ok = ch["adopt_ok"].to_numpy()
    placed = ch["placed"].to_numpy()
    frailty = ch["frailty"].to_numpy()
    uasc = ch["uasc"].to_numpy()
    home_e, home_n = ch["home_e"].to_numpy(), ch["home_n"].to_numpy()
    ons = ch["ons"].to_numpy()

    cur_start = entry.copy()
    age0 = (entry - dob) / YEAR
    names = np.array(GROUPS, dtype=object)
    code_of = {g: i for i, g in enumerate(GROUPS)}
    base = np.array([mv["base_per_year"][g] for g in GROUPS])
    ADOPTION = code_of["adoption"]
    group_n = _group_type(rng, pl["first"], _age_band(age0))
    group_n = np.where(uasc & (age0 >= 16), "supported", np.where(uasc, "foster_stranger", group_n))
    group = pd.Series(group_n).map(code_of).to_numpy().astype(np.int64)
    active = np.ones(n, dtype=bool)
    rows = []
    pu = mv["unplanned_share"]
    for k in range(max_rounds):
        idx = np.flatnonzero(active)
        if len(idx) == 0:
            break
        age = (cur_start[idx] - dob[idx]) / YEAR
        rate = base[group[idx]] * _band_value(mv["age_multiplier"], age) * frailty[idx]
        # the intervention multiplies the unplanned share of the hazard only
        eff_mult = pu * int_mult[idx] + (1 - pu)
        dur = _piecewise_duration(draws[k, idx], cur_start[idx], rate, mv["first_90_days_multiplier"],
                                  90.0, t_int[idx], eff_mult)
        move_at = cur_start[idx] + np.maximum(1, np.ceil(dur)).astype(np.int64)
        # adoption: the move to the adoptive placement happens on the placed date
        to_adopt = adopt_ok[idx] & (group[idx] != ADOPTION) & (placed[idx] < np.minimum(move_at, end[idx]))
        move_at = np.where(to_adopt, placed[idx], move_at)
        ends_care = move_at >= end[idx]
        stop = np.where(ends_care, end[idx], move_at)
        after_int = stop >= t_int[idx]
        # was the move unplanned? P(unplanned) at the event = pu*m / (pu*m + 1 - pu)
        m_at = np.where(after_int, int_mult[idx], 1.0)
        p_unpl = pu * m_at / (pu * m_at + 1 - pu)
        unplanned = (u_kind[k, idx] < p_unpl) & ~ends_care & ~to_adopt
        rows.append(pd.DataFrame({
            "cid": idx, "k": k, "start": cur_start[idx], "end": stop, "group": names[group[idx]],
            "ends_care": ends_care, "to_adopt": to_adopt & ~ends_care, "unplanned": unplanned,
            "u_reason": u_reason[k, idx], "u_far": u_far[k, idx], "u_out": u_out[k, idx],
            "u_type": u_type[k, idx],
        }))
        cont = ~ends_care
        nxt = idx[cont]
        cur_start[nxt] = stop[cont]
        age_n = (stop[cont] - dob[nxt]) / YEAR
        new_group = pd.Series(_group_type_u(pl["next"], _age_band(age_n), u_next[k, nxt])
                              ).map(code_of).to_numpy()
        new_group = np.where(to_adopt[cont], ADOPTION, new_group)
        new_group = np.where(group[nxt] == ADOPTION, ADOPTION, new_group)
        group[nxt] = new_group
        active[:] = False
        active[nxt] = True
    p = pd.concat(rows, ignore_index=True).sort_values(["cid", "start"]).reset_index(drop=True)

    # placement codes, providers
    codes = np.empty(len(p), dtype=object)
    prov = np.empty(len(p), dtype=object)
    grp = p["group"].to_numpy()
    for g, table in pl["codes"].items():
        i = np.flatnonzero(grp == g)
        if len(i):
            codes[i] = _choice(rng, table, len(i))
            prov[i] = _choice(rng, pl["provider"][g], len(i))
    start_ts = p["start"].to_numpy()
    sup = np.flatnonzero(grp == "supported")
    y25, y26 = day("2024-04-01"), day("2025-04-01")
    oth = np.flatnonzero((grp == "other") & (start_ts >= y26) & (codes == "Z1"))
    codes[oth] = _choice(rng, pl["recoded"][2026]["Z1"], len(oth))
    codes[sup] = np.where(start_ts[sup] >= y26, _choice(rng, pl["supported_from_2026"], len(sup)),
                          np.where(start_ts[sup] >= y25, _choice(rng, pl["supported_from_2025"], len(sup)),
                                   codes[sup]))
    adi = np.flatnonzero(grp == "adoption")
    prev_foster = np.r_[False, (grp[:-1] == "foster_stranger")][adi] & (p["cid"].to_numpy()[adi] ==
                                                                       np.r_[-1, p["cid"].to_numpy()[:-1]][adi])
    same_carer = prev_foster & (p["u_type"].to_numpy()[adi] < 0.15)
    consent = ch["exit_rec"].to_numpy()[p["cid"].to_numpy()[adi]] == "E11"
    codes[adi] = np.where(consent, np.where(same_carer, "A3", "A4"), np.where(same_carer, "A5", "A6"))
    prov[adi] = _choice(rng, pl["provider"]["adoption"], len(adi))
    p["place"] = codes
    p["provider"] = prov
    p["same_carer"] = False
    p.loc[adi[same_carer], "same_carer"] = True

    # location of each placement: far (>20 miles) and outside the LA
    loc = params["location"]
    pfar = np.array([loc["over_20_miles"][g] for g in grp])
    odds = pfar / (1 - pfar)
    for iv, hit in far_int:
        later = (start_ts >= day(iv.start)) & hit[p["cid"].to_numpy()]
        odds = np.where(later, odds * iv.ratio, odds)
    far = p["u_far"].to_numpy() < odds / (1 + odds)
    outside = p["u_out"].to_numpy() < np.where(far, loc["outside_la_if_far"], loc["outside_la_if_near"])
    cid = p["cid"].to_numpy()
    pcd = np.full(len(p), None, dtype=object)
    for code, i in pd.Series(ons[cid]).groupby(ons[cid]).indices.items():
        pcd[i] = geography.placement_postcodes(geo, code, home_e[cid[i]], home_n[cid[i]], far[i],
                                               outside[i], rng)
    # kinship and parents at home address when near and inside
    at_home = (grp == "parents") & ~far & ~outside
    pcd[at_home] = ch["home_pcd"].to_numpy()[cid[at_home]]
    p["far_intended"] = far
    p["outside_intended"] = outside
    p["pl_pcd"] = pcd
    # reason for each move (recorded on the placement that ends)
    mv_reason = np.where(p["unplanned"], _pick_by_u(mv["unplanned_reasons"], p["u_reason"].to_numpy()),
                         _pick_by_u(mv["planned_reasons"], p["u_reason"].to_numpy()))
    p["reason"] = np.where(p["ends_care"], None, mv_reason)
    nxt_same = np.r_[p["same_carer"].to_numpy()[1:], False] & (np.r_[cid[1:], -1] == cid)
    p.loc[nxt_same, "reason"] = "PLACE"
    return p.drop(columns=["u_reason", "u_far", "u_out", "u_type"])


def _pick_by_u(table: dict, u: np.ndarray) -> np.ndarray:
    keys = np.array(list(table), dtype=object)
    p = np.array(list(table.values()), dtype=float)
    cum = np.cumsum(p / p.sum())
    return keys[np.minimum(np.searchsorted(cum, u, side="right"), len(keys) - 1)]


# ------------------------------------------------------------------- episodes
def _episodes(ch: pd.DataFrame, p: pd.DataFrame, params, rng) -> pd.DataFrame:
    """Split placements at legal-status changes; give each episode its RNE and REC."""
    ls = params["legal_status"]
    n = len(ch)
    entry = ch["entry"].to_numpy()
    end = ch["care_end"].to_numpy()
    uasc = ch["uasc"].to_numpy()
    short = ch["short"].to_numpy()
    v2 = rng.random(n) < np.where(short, ls["v2_if_short"], ls["v2_if_long"])
    order = _choice(rng, {k: v for k, v in ls["entry"].items() if k != "V2"}, n)
    ls0 = np.where(uasc | v2, "V2", order)
    lo_m, hi_m = ls["interim_to_full_months"]
    change1 = entry + np.round((lo_m + rng.random(n) * (hi_m - lo_m)) * YEAR / 12).astype(np.int64)
    # V2 -> C1 for some, then C1 -> C2
    v2_to_c1 = (ls0 == "V2") & ~uasc & (rng.random(n) < ls["s20_to_order_share"])
    to_c1_at = entry + np.round(rng.uniform(2, 18, n) * YEAR / 12).astype(np.int64)
    events = []
    c1 = ls0 == "C1"
    events.append(pd.DataFrame({"cid": np.flatnonzero(c1), "date": change1[c1], "ls": "C2"}))
    events.append(pd.DataFrame({"cid": np.flatnonzero(v2_to_c1), "date": to_c1_at[v2_to_c1], "ls": "C1"}))
    later = v2_to_c1
    events.append(pd.DataFrame({"cid": np.flatnonzero(later), "date": to_c1_at[later] + (change1 - entry)[later],
                                "ls": "C2"}))
    adopt = ch["adopt"].to_numpy()
    po = ch["decision"].to_numpy() + 60
    events.append(pd.DataFrame({"cid": np.flatnonzero(adopt), "date": po[adopt], "ls": "E1"}))
    rev = ch["reversed"].to_numpy()
    events.append(pd.DataFrame({"cid": np.flatnonzero(rev), "date": ch["reversal"].to_numpy()[rev], "ls": "C2"}))
    ev = pd.concat(events, ignore_index=True)
    ev = ev[(ev["date"] > entry[ev["cid"]]) & (ev["date"] < end[ev["cid"]])]
    ev = ev.sort_values(["cid", "date"]).drop_duplicates(["cid", "date"], keep="last")

    # boundaries: placement starts and legal status changes
    pb = pd.DataFrame({"cid": p["cid"], "date": p["start"], "pidx": np.arange(len(p))})
    lb = ev.rename(columns={"ls": "new_ls"})
    b = pd.concat([pb.assign(kind="place"), lb.assign(kind="ls")], ignore_index=True)
    # a legal status change on the day of a move is one episode (RNE B)
    b = b.sort_values(["cid", "date", "kind"]).reset_index(drop=True)
    b["pidx"] = b.groupby("cid")["pidx"].ffill()
    b["new_ls"] = b.groupby("cid")["new_ls"].ffill()
    b["new_ls"] = b["new_ls"].fillna(pd.Series(ls0[b["cid"].to_numpy()], index=b.index))
    b["is_place"] = b["kind"] == "place"
    b["is_ls"] = b["kind"] == "ls"
    g = b.groupby(["cid", "date"], sort=False)
    b = b.assign(has_place=g["is_place"].transform("max"), has_ls=g["is_ls"].transform("max"))
    b = b.drop_duplicates(["cid", "date"], keep="last")
    b = b.reset_index(drop=True)
    cid = b["cid"].to_numpy()
    first = np.r_[True, cid[1:] != cid[:-1]]
    last = np.r_[cid[1:] != cid[:-1], True]
    dec = np.r_[b["date"].to_numpy()[1:], 0]
    dec = np.where(last, end[cid], dec)
    pidx = b["pidx"].astype(int).to_numpy()
    same_carer = p["same_carer"].to_numpy()[pidx]
    rne = np.where(first, "S",
                   np.where(b["has_place"] & b["has_ls"], np.where(same_carer, "U", "B"),
                            np.where(b["has_place"], np.where(same_carer, "T", "P"), "L")))
    rec = np.where(last, ch["exit_rec"].to_numpy()[cid], "X1")
    # reason for placement change: on the episode that ends with a placement change
    next_is_move = np.r_[(b["has_place"].to_numpy()[1:]), False] & ~last
    rpc = np.where(next_is_move, p["reason"].to_numpy()[pidx], None)
    ep = pd.DataFrame({
        "cid": cid, "decom": b["date"].to_numpy(), "dec": dec, "rne": rne,
        "ls": b["new_ls"].to_numpy(), "cin": ch["cin"].to_numpy()[cid],
        "place": p["place"].to_numpy()[pidx], "provider": p["provider"].to_numpy()[pidx],
        "rec": rec, "rpc": rpc, "home_pcd": ch["home_pcd"].to_numpy()[cid],
        "pl_pcd": p["pl_pcd"].to_numpy()[pidx], "pidx": pidx,
    })
    # provider PR0 only with P1 (DfE rule 550); P1 only PR0
    ep.loc[ep["place"] == "P1", "provider"] = "PR0"
    ep.loc[(ep["place"] != "P1") & (ep["provider"] == "PR0"), "provider"] = "PR1"
    ep["urn"] = np.where(ep["place"].isin(["K1", "K2", "R1"]),
                         "SC" + pd.Series(rng.integers(100000, 999999, len(ep))).astype(str), None)
    return ep


# -------------------------------------------------------------- missing, OC2, OC3
def _years(cfg):
    return range(cfg.first_year, cfg.last_year + 1)


def _in_care_in_year(ch, y):
    ys, ye = day(f"{y - 1}-04-01"), day(f"{y}-03-31")
    return (ch["entry"].to_numpy() <= ye) & (ch["care_end"].to_numpy() > ys), ys, ye


def _missing(ch, p, params, cfg, rng) -> pd.DataFrame:
    mp = params["missing"]
    out = []
    resi = set(p.loc[p["group"] == "residential", "cid"])
    for y in _years(cfg):
        inc, ys, ye = _in_care_in_year(ch, y)
        idx = np.flatnonzero(inc)
        age = (ye - ch["dob"].to_numpy()[idx]) / YEAR
        prob = np.nan_to_num(_band_value(mp["prone_by_age"], age))
        prob = np.where(np.isin(idx, list(resi)), np.minimum(0.9, prob * mp["residential_multiplier"]), prob)
        prone = idx[rng.random(len(idx)) < prob]
        if not len(prone):
            continue
        count = 1 + rng.poisson(rng.gamma(0.6, mp["extra_incidents_mean"] / 0.6, len(prone)))
        cid = np.repeat(prone, count)
        lo = np.maximum(ch["entry"].to_numpy()[cid], ys)
        hi = np.minimum(ch["care_end"].to_numpy()[cid], ye)
        start = lo + np.floor(rng.random(len(cid)) * np.maximum(hi - lo, 1)).astype(np.int64)
        endd = np.minimum(start + rng.integers(0, 4, len(cid)), ye)
        out.append(pd.DataFrame({"cid": cid, "year": y, "start": start, "end": endd,
                                 "type": np.where(rng.random(len(cid)) < mp["away_share"], "A", "M")}))
    if not out:
        return pd.DataFrame(columns=["cid", "year", "start", "end", "type"])
    m = pd.concat(out, ignore_index=True).sort_values(["cid", "start"])
    # one incident at a time per child (DfE rule 574): keep an incident only if it starts
    # after every kept incident before it has ended. Comparing with the row before alone
    # missed an incident inside a long one when a short incident between them was dropped.
    keep = np.ones(len(m), dtype=bool)
    cids, starts, ends = m["cid"].to_numpy(), m["start"].to_numpy(), m["end"].to_numpy()
    last_cid, last_end = None, None
    for i in range(len(m)):
        if cids[i] == last_cid and starts[i] <= last_end:
            keep[i] = False
            continue
        if cids[i] != last_cid:
            last_cid, last_end = cids[i], ends[i]
        else:
            last_end = max(last_end, ends[i])
    return m[keep].reset_index(drop=True)


def _oc2(ch, params, cfg, rng) -> pd.DataFrame:
    o = params["oc2"]
    out = []
    for y in _years(cfg):
        ye = day(f"{y}-03-31")
        cohort = (ch["entry"].to_numpy() <= ye - 365) & (ch["care_end"].to_numpy() > ye)
        idx = np.flatnonzero(cohort)
        age = (ye - ch["dob"].to_numpy()[idx]) / YEAR
        k = len(idx)
        sdq_age = (age >= 5) & (age < 17)
        got_sdq = sdq_age & (rng.random(k) < o["sdq_received_5_16"])
        score = np.clip(np.round(rng.normal(o["sdq_mean"], o["sdq_sd"], k)), 0, 40)
        out.append(pd.DataFrame({
            "cid": idx, "year": y, "age": age,
            "health_assessment": (rng.random(k) < o["health_assessment"]).astype(int),
            "dental": (rng.random(k) < o["dental"]).astype(int),
            "immunisations": (rng.random(k) < o["immunisations"]).astype(int),
            "health_check": np.where(age < 5, (rng.random(k) < o["development_under5"]).astype(int), -1),
            "sdq": np.where(got_sdq, score, np.nan),
            "sdq_reason": np.where(sdq_age & ~got_sdq, np.where(rng.random(k) < 0.5, "SDQ4", "SDQ2"), None),
            "convicted": np.where(age >= 10, (rng.random(k) < o["convictions_10_17"]).astype(int), -1),
            "substance": (rng.random(k) < o["substance_misuse"]).astype(int),
        }))
    return pd.concat(out, ignore_index=True)


def _leavers(ch, params, cfg, ints, rng) -> pd.DataFrame:
    """OC3: relevant and former relevant young people at each birthday from 17 to 21."""
    cl = params["care_leavers"]
    dob = ch["dob"].to_numpy()
    end = ch["care_end"].to_numpy()
    entry = ch["entry"].to_numpy()
    dob_ts = pd.to_datetime(dob, unit="D")
    b14 = ((dob_ts + pd.DateOffset(years=14)) - DAY0).days.to_numpy()
    b16 = ((dob_ts + pd.DateOffset(years=16)) - DAY0).days.to_numpy()
    # looked after 13+ weeks after the 14th birthday including some time after 16
    after14 = end - np.maximum(entry, b14)
    eligible = (after14 >= 91) & (end > b16) & ~np.isin(ch["exit_rec"].to_numpy(),
                                                       ["E11", "E12", "E2", "E3", "E4A", "E4B", "E15", "E16"])
    idx = np.flatnonzero(eligible)
    person = rng.normal(0, cl["person_sd"], len(ch))
    out = []
    for age in (17, 18, 19, 20, 21):
        bday = ((dob_ts[idx] + pd.DateOffset(years=age)) - DAY0).days.to_numpy()
        ok = bday >= end[idx]             # no longer looked after at the birthday
        bday = bday[ok]
        cid = idx[ok]
        coll = collection_year(pd.to_datetime(bday, unit="D"))
        keep = (coll >= cfg.first_year) & (coll <= cfg.last_year)
        cid, bday, coll = cid[keep], bday[keep], coll[keep]
        if not len(cid):
            continue
        band = "17-18" if age <= 18 else "19-21"
        k = len(cid)
        in_touch = rng.random(k) < cl["in_touch"][band]
        logit = lambda p: np.log(p / (1 - p))  # noqa: E731
        z = person[cid]
        # targets are shares of all care leavers; those not in touch count as not EET
        # (activity not known), so in-touch young people need the higher rate
        l_eet = logit(min(0.98, cl["eet"][band] / cl["in_touch"][band])) + z
        for iv in ints:
            if iv.kind == "eet":
                hit = iv.applies(ch["la"].to_numpy()[cid]) & (bday >= day(iv.start))
                l_eet = np.where(hit, l_eet + np.log(iv.ratio), l_eet)
        # a young person's propensity (z) persists across their birthdays
        eet = rng.random(k) < 1 / (1 + np.exp(-l_eet))
        u_acc = rng.random(k)
        suitable = u_acc < 1 / (1 + np.exp(-(logit(min(0.99, cl["suitable"][band] / cl["in_touch"][band]))
                                             + 0.6 * z)))
        out.append(pd.DataFrame({"cid": cid, "year": coll, "age": age, "birthday": bday,
                                 "in_touch": in_touch, "eet": eet, "suitable": suitable,
                                 "u_kind": rng.random(k), "refuse": rng.random(k)}))
    if not out:
        return pd.DataFrame(columns=["cid", "year", "age", "birthday", "in_touch", "eet", "suitable"])
    return pd.concat(out, ignore_index=True)


def _reviews(ch, params, cfg, rng) -> pd.DataFrame:
    rv = params["reviews"]
    entry = ch["entry"].to_numpy()
    end = ch["care_end"].to_numpy()
    ys, ye = day(f"{cfg.first_year - 1}-04-01"), day(f"{cfg.last_year}-03-31")
    keep = np.flatnonzero((end > ys) & (entry <= ye))
    offsets = [rv["first_days"], round(rv["second_months"] * 30.4)]
    t = offsets[-1]
    while t < 18 * 365:
        t += round(rv["then_months"] * 30.4)
        offsets.append(t)
    offsets = np.array(offsets)
    dates = entry[keep][:, None] + offsets[None, :]
    valid = (dates < end[keep][:, None]) & (dates >= ys) & (dates <= ye)
    cid = np.repeat(keep, valid.sum(axis=1))
    d = dates[valid]
    age = (d - ch["dob"].to_numpy()[cid]) / YEAR
    code = np.where(age < 4, "PN0", _choice(rng, rv["participation"], len(d)))
    return pd.DataFrame({"cid": cid, "date": d, "code": code})
