"""Difference-in-differences: did the treated LA change more than its comparators?

Two-way fixed effects on a panel (units × periods)::

    outcome ~ treated_after + unit effects + period effects [+ controls]

fitted by statsmodels OLS. ``fixed_effects="group"`` replaces the unit effects by a
single treated-group dummy, the pooled 2×2 regression of Card & Krueger's Table 3.

Inference, chosen by ``inference``:

* ``"cluster"``: errors clustered by unit (statsmodels ``cov_type="cluster"``, with its
  small-sample correction and t on G-1 degrees of freedom). Right when many units
  are treated.
* ``"placebo"``: for one or a few treated LAs. Clustered errors are then known to be
  far too small (Conley & Taber 2011; MacKinnon & Webb 2017): with one treated LA
  the "cluster" for the treatment effect is a single LA. Instead each comparator in
  turn is treated as if it had had the intervention, against the other comparators;
  the spread of these placebo estimates measures how much an LA's change differs
  from its comparators' by chance. The interval is estimate ± t(J-1) × s × c, where s
  is the root mean square of the J placebo estimates and c = √((1+1/J)/(1+1/(J-1)))
  corrects for the placebo comparisons having one comparator fewer. The p-value is
  the matching t-test; the rank p-value (share of placebos at least as extreme) is
  in the diagnostics. This assumes comparators' year-to-year noise is like the
  treated LA's; LAs of very different size break it (docs/assumptions.md M1), so
  compare like-sized LAs such as statistical neighbours.
* ``"auto"`` (default): placebo when fewer than 5 units are treated, cluster otherwise.

The event study replaces ``treated_after`` with one term per period relative to the
intervention (leads and lags, reference period -1). The pre-trend test fits a
different linear trend for the treated units in the pre-intervention periods and
tests it against 0 by the same inference. The analysis sample (which units and
periods, and why any were dropped) is in ``result.sample``.

Hand-written: the design, the placebo inference and the pre-trend test; statsmodels
does the fitting and the clustered covariance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS

from ..sdc import significant
from ..wording import count
from . import frames
from .power import detectable
from .results import Result, change_unit, shared_decimals

MIN_COMPARATORS = 5


@dataclass(repr=False)       # Result's repr: its summary
class DiDResult(Result):
    """A difference-in-differences fit. ``table`` holds the event-study terms (one row
    per period relative to the intervention) and the pre-trend test; ``series`` the
    treated and comparator means by period with the treated counterfactual;
    ``sample`` one row per unit saying whether it was used and why not."""

    sample: pd.DataFrame = field(default_factory=pd.DataFrame)
    fit: object = None

    @property
    def placebo_rank(self) -> tuple[int, int] | None:
        """With placebo inference: (how many of the comparison units' placebo estimates
        are smaller in size than the estimate, how many placebos there are); else None.
        "8 of 8" means no comparison unit changed as much by chance; the rank p-value is
        (1 + placebos at least as large) / (placebos + 1)."""
        plac = self.diagnostics.get("placebo_estimates")
        if not plac:
            return None
        plac = np.abs(np.asarray(plac, dtype=float))
        return int((plac < abs(self.estimate)).sum()), len(plac)

    def summary(self) -> str:
        d = self.diagnostics
        lines = [f"Difference-in-differences: {self.method}",
                 f"{d['n_treated']} treated and {d['n_comparators']} comparison unit(s); "
                 f"{d['n_pre']} period(s) before and {d['n_post']} after {d['intervention']}; "
                 f"sample: {d['sample_rule']}",
                 f"Effect: {self._with_interval(self.estimate, *self.ci, sign=True)[:-1]}; "
                 f"p = {self.p_value:.3g})"]
        if self.placebo_rank is not None:
            k, j = self.placebo_rank
            lines.append(f"Placebos: {k} of {j} smaller in size than the effect (rank p = {d['rank_p']:.3g})")
        if d.get("pretrend_p") is not None:
            per = f" {self.unit}" if self.unit else ""
            lines.append(f"Pre-trend difference per period: {self._fmt(d['pretrend'], max(1, shared_decimals(d['pretrend'], figures=2)), True)}{per} "
                         f"(p = {d['pretrend_p']:.3g})")
        lines += [f"Note: {n}" for n in d.get("notes", [])]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


#: the treated unit's pre-period noise, as a multiple of the comparison units', from
#: which a placebo interval is widened by it: a ratio of two or more is rarely chance
#: (an F ratio of 4 on 5 and 50 degrees of freedom: p < 0.01)
NOISIER = 2.0


def _noise_ratio(df: pd.DataFrame, intervention) -> float | None:
    """The residual standard deviation of the treated units' figures before the
    intervention over the comparison units', from two-way fixed effects on the
    pre-period; None with fewer than 4 periods before."""
    pre = df[df["time"] < intervention]
    if pre["time"].nunique() < 4:
        return None
    u, t = pd.factorize(pre["unit"])[0], pd.factorize(pre["time"])[0]
    r = pre["y"].to_numpy(dtype=float).copy()
    # unit and period effects off by alternating projections: exact in one pass on a
    # balanced panel, a few more on an unbalanced one
    for _ in range(50):
        for g in (u, t):
            r -= (np.bincount(g, r) / np.bincount(g))[g]
        if abs(np.bincount(u, r)).max() < 1e-10 * (1 + abs(r).max()):
            break
    mine = pre["treated"].to_numpy() == 1
    sd_c = float(np.sqrt(np.mean(r[~mine] ** 2)))
    return float(np.sqrt(np.mean(r[mine] ** 2)) / sd_c) if sd_c > 0 else None


def _area_names(data: pd.DataFrame) -> dict:
    """DfE number -> "Name (number)" for warnings a reader can act on (not "943")."""
    if "area_name" not in data.columns or "area_code" not in data.columns:
        return {}
    first = data.drop_duplicates("area_code")
    return {str(c): f"{n} ({c})" for c, n in zip(first["area_code"], first["area_name"]) if isinstance(n, str)}


def _prepare(data, treated, comparators, measure, outcome, unit, time, warns, names):
    """Long frame with columns unit, time, y and a 0/1 ``treated`` group flag;
    ``names`` (from :func:`_area_names`) words the warnings."""
    if {"measure", "status", "area_code"} <= set(data.columns):
        codes = frames.area_codes(data, treated, "did")
        comparators = frames.comparator_pool(data, codes[0], comparators, "did")
        areas = None if comparators is None else codes + [c for c in comparators if c not in codes]
        df = frames.panel(data, measure, areas, where="did")
        from ..areas import CREATED
        dropped = [(a, t, s) for a, t, s in df.attrs["dropped"] if t >= CREATED.get(str(a), t)]
        young = sorted({str(a) for a, t, _ in df.attrs["dropped"] if t < CREATED.get(str(a), t)})
        if young:
            by_year: dict = {}
            for a in young:
                by_year.setdefault(CREATED[a], []).append(names.get(a, a))
            said = "; ".join(f"{' and '.join(who)} before {year}" for year, who in sorted(by_year.items()))
            # not "those years are left out": a balanced comparison leaves the council out
            # altogether, which its own warning says (the two read as a contradiction)
            warns.append(f"formed in a reorganisation, so with no figures for earlier years: {said} "
                         "(the council did not exist; these are not missing figures)")
        if dropped:
            by_area: dict = {}
            for a, t, _ in dropped:
                by_area.setdefault(a, []).append(t)
            shown = "; ".join(f"{names.get(a, a)} {', '.join(str(t) for t in ts)}"
                              for a, ts in list(by_area.items())[:4])
            more = len(by_area) - 4
            n_dropped = len(dropped)
            warns.append(f"{count(n_dropped, 'LA-year figure')} {'is' if n_dropped == 1 else 'are'} suppressed or not available "
                         f"({shown}{f'; and {more} more LAs' if more > 0 else ''}); they were left out, "
                         "not read as 0")
        measure = df.attrs["measure"]
        df = df.rename(columns={"area_code": "unit", "value": "y"})
        df.attrs = {}        # read above: not carried (deep-copied) through every step below
        missing = set(codes) - set(df["unit"])
        if missing:
            raise ValueError(f"did: treated area(s) {', '.join(sorted(missing))} have no figures for "
                             f"measure {measure!r}")
        df["treated"] = df["unit"].isin(codes).astype(int)
        given = None if comparators is None else len([c for c in comparators if c not in codes])
        return df[["unit", "time", "y", "treated"]], measure, given
    for col, what in ((unit, "unit"), (time, "time"), (outcome, "outcome")):
        if col not in data.columns:
            raise ValueError(f"did: no {what} column {col!r}; name it with {what}=")
    df = data.rename(columns={unit: "unit", time: "time", outcome: "y"}).copy()
    if isinstance(treated, str) and treated in data.columns:
        flag = df[treated]
        if not flag.isin([0, 1, True, False]).all():
            raise ValueError(f"did: column {treated!r} must be 0/1 (1 = treated group)")
        df["treated"] = flag.astype(int)
    else:
        codes = treated if isinstance(treated, (list, tuple, set)) else [treated]
        missing = set(codes) - set(df["unit"])
        if missing:
            raise ValueError(f"did: treated unit(s) {', '.join(map(str, sorted(missing)))} not in column {unit!r}")
        df["treated"] = df["unit"].isin(codes).astype(int)
        if comparators is not None and not isinstance(comparators, str):
            df = df[df["treated"].eq(1) | df["unit"].isin(comparators)]
    if df.groupby("unit")["treated"].nunique().gt(1).any():
        raise ValueError("did: the treated flag changes within a unit; flag the treated group, "
                         "the timing comes from intervention=")
    given = len(set(comparators) - set(df.loc[df["treated"].eq(1), "unit"])) \
        if comparators is not None and not isinstance(comparators, str) else None
    return df, None, given


def _time_dummies(times) -> tuple[np.ndarray, list[str]]:
    """One 0/1 column per period but the first (``pd.get_dummies(..., drop_first=True)``,
    named alike), built directly: a DiD fits a dozen small designs."""
    values, inv = np.unique(np.asarray(times), return_inverse=True)
    d = np.zeros((len(inv), max(len(values) - 1, 0)))
    rows = np.flatnonzero(inv > 0)
    d[rows, inv[rows] - 1] = 1.0
    return d, [f"t_{v}" for v in values[1:]]


def _demean(a: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``a`` (rows x columns) less its mean within each group: the unit effects taken
    out (Frisch-Waugh-Lovell)."""
    codes = pd.factorize(groups)[0]
    n = np.bincount(codes).astype(float)
    sums = np.zeros((len(n), a.shape[1]))
    np.add.at(sums, codes, a)
    return a - (sums / n[:, None])[codes]


def _design(df, fixed_effects, controls, terms):
    """Design matrix and outcome. Unit effects are removed by demeaning within unit
    (exact for unbalanced panels too, by Frisch-Waugh-Lovell), so they neither slow
    the fit nor inflate the clustered errors' degrees-of-freedom correction (as Stata's
    ``xtreg, fe vce(cluster)``)."""
    tdum, tnames = _time_dummies(df["time"])
    parts = [df[t].to_numpy(dtype=float) for t in terms]
    X = np.column_stack(parts + [tdum] + [df[c].to_numpy(dtype=float) for c in controls or []])
    names = list(terms) + tnames + list(controls or [])
    y = df["y"].to_numpy(dtype=float)
    if fixed_effects == "unit":
        g = df["unit"].to_numpy()
        X = _demean(X, g)
        y = _demean(y[:, None], g)[:, 0]
        keep = (np.abs(X) > 1e-12).any(axis=0)
        X, names = X[:, keep], [n for n, k in zip(names, keep) if k]
    else:
        at = len(terms)
        X = np.column_stack([X[:, :at], np.ones(len(y)), df["treated"].to_numpy(dtype=float), X[:, at:]])
        names = names[:at] + ["const", "treated_group"] + names[at:]
    return pd.DataFrame(X, columns=names, index=df.index), y


def _fit(df, fixed_effects, controls, terms):
    X, y = _design(df, fixed_effects, controls, terms)
    return np.linalg.lstsq(X.to_numpy(), y, rcond=None)[0][:len(terms)]


def _placebo(df, fixed_effects, controls, terms):
    """Estimates of ``terms`` (one row per comparison unit, each in turn as if
    treated) and their placebo standard errors: the root mean square of the
    estimates times sqrt((1+1/J)/(1+1/(J-1))), see the module docstring.

    Each placebo fit is the fit :func:`_fit` would make of the comparison units with
    that unit flagged as treated; only the term columns differ between them, so the
    time dummies, controls and outcome are built (and demeaned) once."""
    comp = df[df["treated"] == 0]
    units = comp["unit"].to_numpy()
    tdum, _ = _time_dummies(comp["time"])
    rest = np.column_stack([tdum] + [comp[c].to_numpy(dtype=float) for c in controls or []])
    y = comp["y"].to_numpy(dtype=float)
    if fixed_effects == "unit":
        rest = _demean(rest, units)
        y = _demean(y[:, None], units)[:, 0]
    if_treated = np.column_stack([comp["_" + t].to_numpy(dtype=float) for t in terms])
    out = []
    for u in pd.unique(units):
        mine = units == u
        T = np.zeros_like(if_treated)
        T[mine] = if_treated[mine]
        if fixed_effects == "unit":
            T[mine] -= T[mine].mean(axis=0)
            X = np.column_stack([T, rest])
            X = X[:, (np.abs(X) > 1e-12).any(axis=0)]
        else:
            X = np.column_stack([T, np.ones(len(y)), mine.astype(float), rest])
        out.append(np.linalg.lstsq(X, y, rcond=None)[0][:len(terms)])
    out = np.array(out)
    J = len(out)
    se = np.sqrt(np.mean(out ** 2, axis=0)) * np.sqrt((1 + 1 / J) / (1 + 1 / (J - 1)))
    return out, se



def _signed(v: float, digits: int = 2) -> str:
    """``v`` with its sign to ``digits`` significant figures, rounded half up as every
    figure in a report is: an effect of -3.7499999999999 (a float's -3.75) printed -3.8
    in the verdict and "-3.7" in its warning with Python's ``+.2g``."""
    return ("-" if v < 0 else "+") + significant(abs(v), digits)

def did(data: pd.DataFrame, treated, intervention, *, measure: str | None = None, comparators=None,
        outcome: str = "value", unit: str = "area_code", time: str = "time", fixed_effects: str = "unit",
        sample: str = "balanced", inference: str = "auto", controls: list[str] | None = None,
        event_study: bool = True, level: float = 0.95, label: str = "",
        reference: str = "mean") -> DiDResult:
    """Estimate a difference-in-differences effect; returns a :class:`DiDResult`.

    ``data``: a tidy indicator frame (``treated`` = the LA's DfE number or name, or
    a list of them; ``comparators`` = a list of LA numbers or names, ``"statistical_neighbours"``,
    ``"region"``, or None for every other LA), or a long DataFrame with ``unit``,
    ``time`` and ``outcome`` columns, where ``treated`` is a unit id, a list of
    them, or the name of a 0/1 column flagging the treated group.
    ``intervention``: the first period after the change. ``sample``: ``"balanced"``
    keeps units observed in every period, ``"all"`` every row available.
    ``reference``: what the after periods are set against. ``"mean"`` (the textbook
    two-way fixed effects estimate) uses the average of every period before;
    ``"last"`` only the last period before (the baseline year of a strategy), so a
    change that was already under way in earlier years is not credited to the
    intervention. The event study and the pre-trend test use every period either way.
    """
    if fixed_effects not in ("unit", "group"):
        raise ValueError("did: fixed_effects is 'unit' (two-way fixed effects) or 'group' (pooled 2x2)")
    if sample not in ("balanced", "all"):
        raise ValueError("did: sample is 'balanced' or 'all'")
    if inference not in ("auto", "cluster", "placebo"):
        raise ValueError("did: inference is 'auto', 'cluster' or 'placebo'")
    if reference not in ("mean", "last"):
        raise ValueError("did: reference is 'mean' (every period before) or 'last' (the last one)")
    warns: list[str] = []
    names = _area_names(data)         # {} unless a tidy frame with area names
    df, measure, given = _prepare(data, treated, comparators, measure, outcome, unit, time, warns, names)
    controls = list(controls or [])
    for c in controls:
        if c not in df.columns:
            raise ValueError(f"did: control column {c!r} not in the data")
    df = df[df["y"].notna() & df[controls].notna().all(axis=1)].copy()
    times = np.sort(df["time"].unique())
    if not (times >= intervention).any() or not (times < intervention).any():
        raise ValueError(f"did: intervention {intervention!r} must fall inside the periods "
                         f"{times[0]}..{times[-1]}, with at least one period before it")

    # the analysis sample, explicit
    per_unit = df.groupby("unit").agg(role=("treated", "first"), periods=("time", "nunique"))
    per_unit["role"] = per_unit["role"].map({1: "treated", 0: "comparison"})
    pre_ok = df[df["time"] < intervention].groupby("unit").size()
    post_ok = df[df["time"] >= intervention].groupby("unit").size()
    per_unit["used"] = True
    per_unit["reason"] = ""
    if sample == "balanced":
        short = per_unit["periods"] < len(times)
        per_unit.loc[short, ["used", "reason"]] = [False, "not observed in every period"]
        rule = f"balanced: units observed in all {len(times)} periods"
    else:
        no_both = ~per_unit.index.isin(pre_ok.index) | ~per_unit.index.isin(post_ok.index)
        per_unit.loc[no_both, ["used", "reason"]] = [False, "no period before or none after"] \
            if fixed_effects == "unit" else [True, ""]
        rule = "all available unit-periods"
    dropped = per_unit[~per_unit["used"]]
    if len(dropped):
        warns.append(f"{count(len(dropped), 'unit')} left out of the analysis sample ({sample}): "
                     + ", ".join(names.get(str(u), str(u)) for u in dropped.index[:8])
                     + ("..." if len(dropped) > 8 else ""))
    df_all = df
    df = df[df["unit"].isin(per_unit.index[per_unit["used"]])].copy()
    n_t = int(df.loc[df["treated"] == 1, "unit"].nunique())
    n_c = int(df.loc[df["treated"] == 0, "unit"].nunique())
    gone_t = dropped[dropped["role"] == "treated"]
    if n_t == 0 and len(gone_t) and sample == "balanced":
        # the treated council lacks a year (DfE suppressed it): say so, not "check sample="
        u = gone_t.index[0]
        seen = set(df_all.loc[df_all["unit"] == u, "time"])
        missing = [t for t in times if t not in seen]
        raise ValueError(f"did: {names.get(str(u), str(u))} has no figure for "
                         f"{', '.join(map(str, missing[:6]))} (suppressed or not available), and the balanced "
                         "sample keeps only units with a figure in every period; pass sample='all' to use "
                         "the years it has")
    if n_t == 0 or n_c == 0:
        raise ValueError(f"did: the analysis sample has {n_t} treated and {n_c} comparison units; "
                         "both are needed (check sample= and the comparators)")
    if inference == "auto":
        inference = "placebo" if n_t < 5 else "cluster"
    if inference == "placebo" and n_c < 3:
        raise ValueError(f"did: placebo inference needs at least 3 comparison units; there are {n_c}")

    after = (df["time"] >= intervention).astype(int)
    df["_post"] = after
    df["treated_after"] = df["treated"] * after
    n_pre = int((times < intervention).sum())
    n_post = int((times >= intervention).sum())
    z_level = 0.5 + level / 2

    # main estimate: after periods against every period before, or the last one
    groups = pd.factorize(df["unit"])[0]
    last_pre = times[times < intervention][-1]
    est_df = df if reference == "mean" else df[df["time"] >= last_pre].copy()
    X, y = _design(est_df, fixed_effects, controls, ["treated_after"])
    if inference == "cluster":
        fit = OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(est_df["unit"])[0]},
                               use_t=True)
        est, se = float(fit.params["treated_after"]), float(fit.bse["treated_after"])
        G = n_t + n_c
        tcrit = stats.t.ppf(z_level, G - 1)
        p = float(2 * stats.t.sf(abs(est / se), G - 1))
        method = f"two-way fixed effects, errors clustered by unit ({G} clusters)"
        if fixed_effects == "group":
            method = f"pooled 2x2 regression, errors clustered by unit ({G} clusters)"
        if G < 20:
            warns.append(f"only {G} clusters: clustered errors are unreliable below about 20 to 50; "
                         "use inference='placebo'")
        extra = {}
    else:
        fit = OLS(y, X).fit()
        est = float(fit.params["treated_after"])
        est_df["_treated_after"] = est_df["_post"]
        plac, ses = _placebo(est_df, fixed_effects, controls, ["treated_after"])
        plac, se, J = plac[:, 0], float(ses[0]), len(plac)
        tcrit = stats.t.ppf(z_level, J - 1)
        p = float(2 * stats.t.sf(abs(est / se), J - 1)) if se > 0 else float("nan")
        rank_p = float((1 + np.sum(np.abs(plac) >= abs(est))) / (J + 1))
        method = f"two-way fixed effects, placebo inference over {J} comparison units"
        extra = {"placebo_estimates": plac.tolist(), "rank_p": rank_p}
        if n_t > 1:
            warns.append(f"{n_t} treated units with placebo inference: the placebos treat one unit at a "
                         "time, so the interval is conservative for the average of several treated units")
        if J < 10:
            warns.append(f"only {J} comparison units: the interval rests on {J} placebo comparisons and "
                         f"the rank p-value cannot go below {1 / (J + 1):.2f}")
    noise = _noise_ratio(df, intervention) if inference == "placebo" else None
    if noise is not None and noise >= NOISIER:
        # the placebos show how much a comparison unit's gap moves by chance; one whose
        # own figures swing far more (14 children against neighbours of 200) moves more,
        # so its interval is widened by the ratio of the two (the heteroskedasticity
        # Ferman and Pinto 2019 correct for, here only where it is plain)
        se *= noise
        p = float(2 * stats.t.sf(abs(est / se), J - 1)) if se > 0 else float("nan")
        who = "the treated unit's" if n_t == 1 else "the treated units'"
        warns.append(f"before the intervention {who} figures swung {noise:.1f} times as much as the comparison "
                     "units' (around the trend they share), so the placebos understate its chance variation: "
                     f"the interval is widened {noise:.1f} times")
    lo, hi = est - tcrit * se, est + tcrit * se
    if reference == "last":
        method += f"; after periods against {last_pre}, the last period before"
    if n_c < MIN_COMPARATORS:
        warns.append(f"only {n_c} comparison unit(s): the comparators' trend is a weak stand-in for what "
                     "would have happened without the intervention")
    if n_pre < 2:
        warns.append("only one period before the intervention: parallel trends cannot be checked at all")

    # event study and pre-trend test
    rows = []
    pos = {t: i for i, t in enumerate(times)}
    first_post = pos[times[times >= intervention][0]]
    df["_rel"] = df["time"].map(pos) - first_post
    pretrend = pretrend_p = None
    if event_study and n_pre >= 2:
        rels = sorted(r for r in df["_rel"].unique() if r != -1)
        terms = [f"rel_{r}" for r in rels]
        for r, t in zip(rels, terms):
            df["_" + t] = (df["_rel"] == r).astype(int)
            df[t] = df["treated"] * df["_" + t]
        Xe, ye = _design(df, fixed_effects, controls, terms)
        if inference == "cluster":
            fe = OLS(ye, Xe).fit(cov_type="cluster",
                                                             cov_kwds={"groups": groups}, use_t=True)
            b, s = fe.params[terms].to_numpy(), fe.bse[terms].to_numpy()
            crit, dfree = stats.t.ppf(z_level, n_t + n_c - 1), n_t + n_c - 1
        else:
            b = _fit(df, fixed_effects, controls, terms)
            pl, s = _placebo(df, fixed_effects, controls, terms)
            J = len(pl)
            crit, dfree = stats.t.ppf(z_level, J - 1), J - 1
        for r, bi, si in zip(rels, b, s):
            rows.append({"term": f"period {r:+d}" if r else "period 0", "relative_period": r,
                         "estimate": bi, "se": si, "ci_low": bi - crit * si, "ci_high": bi + crit * si,
                         "p_value": float(2 * stats.t.sf(abs(bi / si), dfree)) if si > 0 else np.nan})
        rows.append({"term": "period -1 (reference)", "relative_period": -1, "estimate": 0.0, "se": 0.0,
                     "ci_low": 0.0, "ci_high": 0.0, "p_value": np.nan})
    recent = None
    if reference == "last" and rows:
        # the last step before the reference period: with only the baseline year as
        # reference, a change that began the year before is not subtracted, and the
        # linear pre-trend test below misses a turn that came late
        before = [r for r in rows if r["relative_period"] == -2]
        if before:
            recent = -float(before[0]["estimate"])     # the gap's move from period -2 to -1
            if est != 0 and np.sign(recent) == np.sign(est) and abs(recent) >= 0.5 * abs(est):
                who = "the treated unit's" if n_t == 1 else "the treated units'"
                warns.append(f"already under way: in the last period before the reference, {who} gap to "
                             f"the comparators moved {_signed(recent)}, the same way as the effect ({_signed(est)}); "
                             "the effect may continue a change that began before the intervention")
    if n_pre >= 3:
        pre = df[df["_post"] == 0].copy()
        pre["pretrend"] = pre["treated"] * pre["time"].map(pos).astype(float)
        pre["_pretrend"] = pre["time"].map(pos).astype(float)
        if inference == "cluster":
            Xp, yp = _design(pre, fixed_effects, controls, ["pretrend"])
            fp = OLS(yp, Xp).fit(
                cov_type="cluster", cov_kwds={"groups": pd.factorize(pre["unit"])[0]}, use_t=True)
            pretrend, pse, dfree = float(fp.params["pretrend"]), float(fp.bse["pretrend"]), n_t + n_c - 1
        else:
            pretrend = float(_fit(pre, fixed_effects, controls, ["pretrend"])[0])
            pl, ses = _placebo(pre, fixed_effects, controls, ["pretrend"])
            J, pse = len(pl), float(ses[0])
            dfree = J - 1
        pretrend_p = float(2 * stats.t.sf(abs(pretrend / pse), dfree)) if pse > 0 else float("nan")
        rows.append({"term": "pre-trend difference per period", "relative_period": np.nan,
                     "estimate": pretrend, "se": pse,
                     "ci_low": pretrend - stats.t.ppf(z_level, dfree) * pse,
                     "ci_high": pretrend + stats.t.ppf(z_level, dfree) * pse, "p_value": pretrend_p})
        carried = pretrend * (n_post + 1) / 2     # the pre-trend run on to the middle of the post period
        who, whose = (("the treated unit was", "the treated unit's") if n_t == 1
                      else ("the treated units were", "the treated units'"))
        if abs(carried) >= 0.5 * abs(est) and abs(est) > 0 and np.sign(carried) == np.sign(est) \
                and pretrend_p >= 0.10:
            share = ("as much as the whole estimated effect" if abs(carried) >= abs(est)
                     else "at least half of the estimated effect")
            warns.append(f"{who} already moving {_signed(pretrend)} per period relative to the "
                         f"comparators before the intervention, the same way as the effect; carried on, that alone "
                         f"would give about {_signed(carried)}, {share} ({_signed(est)}), so "
                         "the effect may be an existing trend")
        if pretrend_p < 0.10:
            warns.append(f"pre-trends are not parallel: before the intervention {whose} trend "
                         f"differed by {_signed(pretrend, 3)} per period (p = {pretrend_p:.2f}); the comparators "
                         "may not show what would have happened, so read the effect with caution")
    elif n_pre == 2:
        warns.append("only 2 periods before the intervention: too few to test whether pre-trends are parallel")
    table = pd.DataFrame(rows).sort_values("relative_period", na_position="last").reset_index(drop=True) \
        if rows else None

    # means by period for the chart, with the treated counterfactual (comparators' change)
    m = df.groupby(["time", "treated"])["y"].mean().unstack("treated").rename(columns={0: "comparison",
                                                                                      1: "treated"})
    gap = m["treated"] - m["comparison"]
    base = gap[m.index < intervention].mean() if reference == "mean" else gap.loc[last_pre]
    series = m.reset_index()
    series["counterfactual"] = np.where(series["time"] >= intervention, series["comparison"] + base, np.nan)
    series.columns.name = None

    dfree_main = (n_t + n_c - 1) if inference == "cluster" else len(extra["placebo_estimates"]) - 1
    mde = float(stats.t.ppf(0.975, dfree_main) + stats.t.ppf(0.8, dfree_main)) * se
    notes = [detectable(f"{mde:.3g}", est, lo, hi, mde, what="an effect") + " with these data"]
    diagnostics = {"inference": inference, "n_treated": n_t, "n_comparators": n_c, "n_pre": n_pre,
                   "n_post": n_post, "n_obs": len(df), "se": se, "sample_rule": rule,
                   "intervention": intervention, "pretrend": pretrend, "pretrend_p": pretrend_p,
                   "mde": mde, "measure": measure, "notes": notes, "reference": reference,
                   "reference_period": last_pre if reference == "last" else None,
                   "recent_change": recent, "noise_ratio": noise,
                   # comparators asked for, a neighbour with no figure in any year included
                   # (the sample holds only those with some): None for every other unit
                   "comparators_given": given, **extra}
    return DiDResult(method=method, estimate=est, ci=(lo, hi), p_value=p, level=level,
                     label=label or "difference-in-differences effect", unit=change_unit(measure),
                     diagnostics=diagnostics,
                     warnings=warns, table=table, series=series, sample=per_unit.reset_index(), fit=fit)
