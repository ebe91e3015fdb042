"""The true effect of each injected intervention, from the simulated world itself.

For every intervention the generator runs the care system twice with the same random
numbers: as configured, and without any intervention. The difference between the two
on a measure is the intervention's true effect on it; evaluation methods are scored
against these numbers. Measures are computed here directly from the simulated
(error-free) world, following DfE's definitions in simplified form:

* ``cla_3plus_placements``: % of children in care at 31 March with 3 or more
  placements during the year (a placement for adoption with the current foster carer
  is not a new placement);
* ``unplanned_moves_per_child_year``: unplanned moves per year of care;
* ``care_leavers_eet_17_18`` / ``_19_21``: % in EET at the birthday in the year, of all
  care leavers in the cohort (not in touch counts as not known, so not EET);
* ``new_placements_over_20_miles``: % of placements starting in the year more than 20
  miles (straight line) from home, of all new placements.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .simulate import World, day


def _grid(pcds: pd.Series) -> pd.DataFrame:
    from .geography import postcode_index
    return postcode_index().reindex(pcds.to_numpy()).reset_index(drop=True)


def measures(w: World, cfg) -> pd.DataFrame:
    """Yearly DfE-style measures of a simulated world: one row per LA and year."""
    ch, p = w.children, w.placements
    la_of = ch["la"].to_numpy()
    home = _grid(ch["home_pcd"])
    plg = _grid(p["pl_pcd"])
    cid = p["cid"].to_numpy()
    p_la = la_of[cid]
    dist = np.hypot(home["e"].to_numpy()[cid] - plg["e"].to_numpy(),
                    home["n"].to_numpy()[cid] - plg["n"].to_numpy()) / 1609.344
    new_pl = ~p["same_carer"].to_numpy()
    start, end = p["start"].to_numpy(), p["end"].to_numpy()
    unpl = p["unplanned"].to_numpy()
    entry, care_end = ch["entry"].to_numpy(), ch["care_end"].to_numpy()
    lv_la = la_of[w.leavers["cid"].to_numpy()]
    frames = []
    for y in range(cfg.first_year, cfg.last_year + 1):
        ys, ye = day(f"{y - 1}-04-01"), day(f"{y}-03-31")
        at_end = (entry <= ye) & (care_end > ye)
        in_year = (start <= ye) & (end >= ys) & new_pl
        n_pl = np.bincount(cid[in_year], minlength=len(ch))
        three = pd.Series((n_pl >= 3)[at_end]).groupby(la_of[at_end]).mean() * 100
        mv = (end >= ys) & (end <= ye) & unpl
        moves = pd.Series(1, index=np.flatnonzero(mv)).groupby(p_la[mv]).sum()
        expo = pd.Series(np.clip(np.minimum(care_end, ye) - np.maximum(entry, ys), 0, None) / 365.25
                         ).groupby(la_of).sum()
        nw = (start >= ys) & (start <= ye)
        far = pd.Series(dist[nw] > 20).groupby(p_la[nw]).mean() * 100
        lvy = w.leavers["year"].to_numpy() == y
        lv = w.leavers[lvy]
        ok = (lv["eet"] & lv["in_touch"]).to_numpy()
        age = lv["age"].to_numpy()
        la_lv = lv_la[lvy]
        eet_a = pd.Series(ok[age <= 18]).groupby(la_lv[age <= 18]).mean() * 100
        eet_b = pd.Series(ok[age >= 19]).groupby(la_lv[age >= 19]).mean() * 100
        idx = pd.Index(np.unique(la_of), name="la")
        frames.append(pd.DataFrame({
            "la": idx, "year": y,
            "cla_3plus_placements": three.reindex(idx).to_numpy(),
            "unplanned_moves_per_child_year": (moves.reindex(idx).fillna(0) / expo.reindex(idx)).to_numpy(),
            "new_placements_over_20_miles": far.reindex(idx).to_numpy(),
            "care_leavers_eet_17_18": eet_a.reindex(idx).to_numpy(),
            "care_leavers_eet_19_21": eet_b.reindex(idx).to_numpy(),
        }))
    return pd.concat(frames, ignore_index=True)


def summarise(cfg, world: World, counterfactual: World | None) -> dict:
    """truth.json: the configuration, each measure with and without the interventions."""
    fact = measures(world, cfg)
    out = {"interventions": [vars(iv) for iv in cfg.interventions],
           "note": ("'factual' is the data as generated; 'counterfactual' the same children "
                    "and random numbers with no intervention; 'effect' = factual - counterfactual. "
                    "Measures follow DfE definitions in simplified form (see evaltools.synth.truth)."),
           "measures": {}}
    cf = measures(counterfactual, cfg) if counterfactual is not None else None
    for m in [c for c in fact.columns if c not in ("la", "year")]:
        per = {}
        for r in fact.itertuples():
            key = f"{r.la}/{r.year}"
            v = getattr(r, m)
            entry = {"factual": None if pd.isna(v) else round(float(v), 4)}
            if cf is not None:
                w = cf[(cf["la"] == r.la) & (cf["year"] == r.year)][m]
                cv = float(w.iloc[0]) if len(w) and pd.notna(w.iloc[0]) else None
                entry["counterfactual"] = None if cv is None else round(cv, 4)
                entry["effect"] = None if (cv is None or pd.isna(v)) else round(float(v) - cv, 4)
            per[key] = entry
        out["measures"][m] = per
    if counterfactual is not None:
        out["realised"] = _realised(cfg, world, counterfactual)
    return out


def _realised(cfg, w: World, cf: World) -> dict:
    """How large each injected effect came out in the raw data."""
    res = {}
    for iv in cfg.interventions:
        t0 = day(iv.start)
        if iv.kind == "unplanned_moves":
            end_day = day(f"{cfg.last_year}-03-31")

            def bands(world):
                """Unplanned moves and exposure (days) after the start, by placement
                duration band (first 90 days / later), for the LAs it applies to."""
                ch, p = world.children, world.placements
                hit = iv.applies(ch["la"].to_numpy())[p["cid"].to_numpy()]
                s0 = p["start"].to_numpy().astype(float)
                e0 = np.minimum(p["end"].to_numpy(), end_day).astype(float)
                out = []
                for lo, hi in ((0, 90), (90, np.inf)):
                    a = np.maximum(s0 + lo, t0)
                    b = np.minimum(s0 + hi, e0)
                    expo = np.clip(b - a, 0, None)[hit].sum()
                    dur = p["end"].to_numpy() - p["start"].to_numpy()
                    ev = (p["unplanned"].to_numpy() & (p["end"].to_numpy() >= t0)
                          & (p["end"].to_numpy() <= end_day) & (dur >= lo) & (dur < hi) & hit).sum()
                    out.append((ev, expo))
                return out
            f, c = bands(w), bands(cf)
            # Mantel-Haenszel rate ratio across duration bands
            num = sum(d1 * t0_ / (t1 + t0_) for (d1, t1), (_, t0_) in zip(f, c))
            den = sum(d0 * t1 / (t1 + t0_) for (_, t1), (d0, t0_) in zip(f, c))
            res[iv.name] = {
                "hazard_ratio_within_duration_bands": round(num / den, 4),
                "by_band": {lab: round((d1 / t1) / (d0 / t0_), 4)
                            for lab, (d1, t1), (d0, t0_) in zip(("first 90 days", "after 90 days"), f, c)},
                "unplanned_moves_after": int(sum(d for d, _ in f)),
                "counterfactual_moves_after": int(sum(d for d, _ in c)),
                "configured_hazard_ratio": iv.ratio,
                "note": "moves per child-year fall by more than the hazard ratio, because "
                        "fewer moves leave children longer in placements, where the hazard is lower"}
        elif iv.kind == "eet":
            def odds(world):
                lv = world.leavers
                hit = iv.applies(world.children["la"].to_numpy()[lv["cid"].to_numpy()])
                sel = lv[hit & (lv["birthday"] >= t0) & lv["in_touch"]]
                p = sel["eet"].mean()
                return p, p / (1 - p), len(sel)
            (pf, of, nf), (pc, oc, _) = odds(w), odds(cf)
            res[iv.name] = {"eet_share_after_in_touch": round(pf, 4), "counterfactual": round(pc, 4),
                            "odds_ratio": round(of / oc, 4), "configured_odds_ratio": iv.ratio,
                            "care_leaver_birthdays": int(nf)}
        elif iv.kind == "distant_placements":
            def share(world):
                p = world.placements
                hit = iv.applies(world.children["la"].to_numpy()[p["cid"].to_numpy()])
                sel = p[hit & (p["start"] >= t0)]
                q = sel["far_intended"].mean()
                return q, q / (1 - q)
            (qf, of), (qc, oc) = share(w), share(cf)
            res[iv.name] = {"share_intended_over_20_miles_after": round(qf, 4),
                            "counterfactual": round(qc, 4), "odds_ratio": round(of / oc, 4),
                            "configured_odds_ratio": iv.ratio}
    return res
