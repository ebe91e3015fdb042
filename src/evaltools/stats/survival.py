"""Survival analysis: how long placements last before an unplanned ending.

Survival methods need one row per placement (or child), not the tidy indicator frame of
yearly figures, so these functions take a DataFrame of records (or plain arrays);
:func:`placement_spells` builds that frame from a council's SSDA903 episodes.

From statsmodels (``statsmodels.duration``):

* the Kaplan-Meier estimate, numbers at risk and events (``SurvfuncRight``, which also
  handles left truncation through ``entry=``);
* the log-rank test, with strata and left truncation (``survdiff``);
* the Cox model with Efron or Breslow ties, strata and left truncation (``PHReg``), and
  its Schoenfeld residuals.

Hand-written, because statsmodels does not give them in the form analysts quote:

* the pointwise interval for S(t). R's ``survfit`` default (``conf_type="log"``):
  S·exp(±z·se), with se = Greenwood's √Σ d/(n(n−d)), the standard error of log S,
  upper limit capped at 1; also ``"log-log"`` (lifelines' and Stata's default) and
  ``"plain"``. statsmodels gives the Greenwood se of S itself (``surv_prob_se``) and
  simultaneous bands (``simultaneous_cb``), not R's pointwise interval;
* the median and its interval by R's ``quantile.survfit`` rule (Therneau): the median is
  the first time the curve is at or below 0.5, or the midpoint of a flat stretch exactly
  at 0.5; the lower limit is where the lower band reaches 0.5 and the upper limit where
  the upper band does, "not reached" (NaN) if it never does. Like R, the crossing is
  read by interpolating on the band's values, so where the upper band rises again in a
  tail with very few at risk the later time is taken. statsmodels'
  ``quantile_ci(method="log")`` gives the same lung figures (310, 285-363) but differs
  elsewhere: 5.5 for ten deaths at 1..10 is 6 there (no midpoint rule), and an upper
  limit R reports as not reached comes back as infinity or the last follow-up time;
* observed and expected counts per group for the log-rank table (statsmodels gives only
  the statistic);
* the proportional-hazards check: Grambsch & Therneau's (1994) test on the Schoenfeld
  residuals, in the approximate form of R survival < 3.0's ``cox.zph`` and lifelines'
  ``proportional_hazard_test``: for each coefficient, the scaled residuals are
  correlated with the rank of the event time (or 1 − KM, or time itself), giving a
  1-df chi-square, plus a global test. statsmodels' residuals use the plain risk-set
  mean at tied event times, so with ties the figures differ a little from programs that
  use Efron-weighted means (rossi, age: 11.10 here, 11.09 in lifelines);
* :func:`placement_spells`, the SSDA903 adapter (see its docstring for the definition
  of an unplanned ending).

**Competing endings.** In :func:`placement_spells` a placement that ends any other way
(a planned move, leaving care) is censored. The Kaplan-Meier curve then answers "how
long would placements last if unplanned endings were the only way out": 1 − S(t)
overstates the share of placements that actually end in an unplanned move by t. The
hazard ratios from :func:`cox` and the log-rank test compare the rate of unplanned
endings among placements still going, which is the right question for an intervention
aimed at breakdowns.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from ..errors import SchemaError
from ..periods import collection_year
from .results import Result

CONF_TYPES = ("log", "log-log", "plain")
PH_TRANSFORMS = ("rank", "km", "identity")
#: REASON_PLACE_CHANGE codes counted as an unplanned ending: the carer, the child or a
#: concern ended it (carer requests because of the child's behaviour or otherwise, child
#: requests, allegation (s47), standards of care concern, approval removed, resignation
#: or closure of the provision). The same grouping as the synthetic data's
#: (``synth_parameters.yaml``: 20% of 2024 placement changes). Planned or neutral: CARPL
#: (care plan), LAREQ (the LA asked), PLACE (status change only), CUSTOD, OTHER.
UNPLANNED_REASONS = ("CREQB", "CREQO", "CHILD", "ALLEG", "STAND", "APPRR", "CLOSE")
DAYS_PER = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}
MIN_EVENTS = 20          # fewer events in a group: the curve and median are imprecise
MIN_AT_RISK = 10         # fewer at risk: the curve's steps are large and unstable
EVENTS_PER_COEF = 10     # Cox: fewer events per coefficient, estimates biased/unstable
_TOL = np.sqrt(np.finfo(float).eps)      # R's quantile.survfit tolerance


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level {level!r}: give a confidence level between 0 and 1, e.g. 0.95")
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def _count(n, noun: str) -> str:
    """"1 event", "3 events", "1 unplanned ending"."""
    n = int(n)
    return f"{n:,} {noun[:-1] if n == 1 and noun.endswith('s') else noun}"


def _fmt_t(t: float) -> str:
    return "not reached" if t is None or not np.isfinite(t) else f"{t:.3g}"


# --------------------------------------------------------------------------- inputs
def _column(data, x, name, where, *, required=True):
    """A column of ``data`` named by ``x``, or ``x`` itself as an array."""
    if x is None:
        if required:
            raise ValueError(f"{where}: {name}= is required (a column name or an array)")
        return None
    if isinstance(x, str):
        if data is None:
            raise ValueError(f"{where}: {name}={x!r} names a column but no data= was given; "
                             "pass the DataFrame as data=")
        if x not in data.columns:
            raise SchemaError(f"{where}: {name} column {x!r} is not in the data; it has "
                              f"{', '.join(map(str, list(data.columns)[:12]))}")
        return data[x].reset_index(drop=True)
    s = pd.Series(np.asarray(x) if not isinstance(x, pd.Series) else x.to_numpy())
    if data is not None and len(s) != len(data):
        raise ValueError(f"{where}: {name} has {len(s)} values but data has {len(data)} rows; "
                         "give arrays of the same length")
    return s


def _records(data, duration, event, entry, group, where, strata=None):
    """Validated frame with time, event, entry (or None), group (or None), strata."""
    if data is not None and not isinstance(data, pd.DataFrame):
        raise ValueError(f"{where}: data= must be a pandas DataFrame (or leave it out and "
                         "pass arrays)")
    t = pd.to_numeric(_column(data, duration, "duration", where), errors="coerce")
    ev_raw = _column(data, event, "event", where)
    ev = pd.to_numeric(ev_raw.astype(float) if ev_raw.dtype == bool else ev_raw, errors="coerce")
    n = len(t)
    if len(ev) != n:
        raise ValueError(f"{where}: duration has {n} values but event has {len(ev)}; give one "
                         "event flag per duration")
    df = pd.DataFrame({"time": t.to_numpy(dtype=float), "event": ev.to_numpy(dtype=float),
                       "_row": np.arange(len(t))})
    has_entry = entry is not None
    if has_entry:
        en = pd.to_numeric(_column(data, entry, "entry", where), errors="coerce")
        if len(en) != n:
            raise ValueError(f"{where}: entry has {len(en)} values for {n} durations")
        df["entry"] = en.to_numpy(dtype=float)
    if group is not None:
        g = _column(data, group, "group", where)
        if len(g) != n:
            raise ValueError(f"{where}: group has {len(g)} values for {n} durations")
        df["group"] = g.to_numpy()
        if isinstance(g.dtype, pd.CategoricalDtype):
            df["group"] = pd.Categorical(g.to_numpy(), categories=g.cat.categories)
    if strata is not None:
        s = _column(data, strata, "strata", where)
        if len(s) != n:
            raise ValueError(f"{where}: strata has {len(s)} values for {n} durations")
        df["strata"] = s.to_numpy()
    need = ["time", "event"] + (["entry"] if has_entry else []) + \
        [c for c in ("group", "strata") if c in df]
    missing = df[need].isna().any(axis=1)
    msgs = []
    if missing.any():
        msgs.append(f"{int(missing.sum())} of {n} rows have no duration, event flag"
                        + (", entry" if has_entry else "") + (" or group" if group is not None else "")
                        + " and were left out; check those records")
        df = df[~missing].reset_index(drop=True)
    if df.empty:
        raise ValueError(f"{where}: no usable rows (every row lacks a duration or event flag)")
    vals = set(np.unique(df["event"]))
    if not vals <= {0.0, 1.0}:
        hint = (" (values 1 and 2 look like R's coding, where 2 = event: recode 2 to 1 and "
                "1 to 0)") if vals <= {1.0, 2.0} else ""
        raise ValueError(f"{where}: event must be 1 (the event happened) or 0 (censored); got "
                         f"{sorted(vals)[:6]}{hint}")
    if (df["time"] < 0).any():
        raise ValueError(f"{where}: {int((df['time'] < 0).sum())} durations are negative; "
                         "durations are time from the start, so check the dates")
    if has_entry:
        bad = (df["entry"] < 0) | (df["entry"] >= df["time"])
        if bad.any():
            raise ValueError(f"{where}: {int(bad.sum())} rows have entry < 0 or entry >= duration; "
                             "entry is the time already elapsed when observation began and must "
                             "be below the duration")
    df["event"] = df["event"].astype(int)
    return df, msgs


def _groups(df) -> list:
    if "group" not in df:
        return [None]
    g = df["group"]
    if isinstance(g.dtype, pd.CategoricalDtype):
        return [c for c in g.cat.categories if (g == c).any()]
    try:
        return sorted(pd.unique(g))
    except TypeError:
        return list(pd.unique(g))


def _labels(data) -> dict:
    """Plain-English labels carried in ``data.attrs`` (set by :func:`placement_spells`)."""
    a = getattr(data, "attrs", {}) or {}
    return {"time_unit": a.get("time_unit"), "event_label": a.get("event_label", "events"),
            "subject_label": a.get("subject_label", "subjects"),
            "curve_label": a.get("curve_label"), "warnings": list(a.get("warnings", [])),
            "notes": list(a.get("notes", [])), "time_origin": a.get("time_origin"),
            "y_label": a.get("y_label")}


# --------------------------------------------------------------------- Kaplan-Meier
def _bands(S, se, z, conf_type):
    """Pointwise interval for S(t) from se = se(log S) (R's ``survfit_confint``)."""
    S = np.asarray(S, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "log":
            lo, hi = S * np.exp(-z * se), np.minimum(S * np.exp(z * se), 1.0)
        elif conf_type == "log-log":
            # log(-log S) has se = se(log S) / |log S|
            ll = np.log(-np.log(S))
            s2 = se / np.abs(np.log(S))
            lo, hi = np.exp(-np.exp(ll + z * s2)), np.exp(-np.exp(ll - z * s2))
            lo, hi = np.where(S == 1, 1.0, lo), np.where(S == 1, 1.0, hi)
        elif conf_type == "plain":
            lo, hi = np.maximum(S - z * se * S, 0.0), np.minimum(S + z * se * S, 1.0)
        else:
            raise ValueError(f"conf_type {conf_type!r}: use one of {CONF_TYPES}")
    zero = S <= 0
    if conf_type != "plain":
        lo, hi = np.where(zero, np.nan, lo), np.where(zero, np.nan, hi)
    return lo, hi


def _findq(x, y, p, xmax):
    """R's quantile.survfit rule on a CDF curve y = 1 - S over times x (x[0] the origin):
    the first time y reaches p; on a flat stretch at exactly p, the midpoint of it (or
    of it and the last follow-up time at the curve's end); NaN if y never reaches p.
    Written from the rule as documented in R's survival package."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.all(np.isnan(y)) or np.nanmax(y) + _TOL < p:     # (R: exact products; here
        return np.nan                                      # exp of a sum, so allow rounding)
    keep = ~pd.Series(y).duplicated().to_numpy()      # a level's first time only
    x, y = x[keep], y[keep]
    ok = ~np.isnan(y)
    xs, ys = x[ok], y[ok]
    order = np.argsort(ys, kind="stable")

    def first(shift):
        k = np.flatnonzero(ys[order] + shift >= p)
        return order[k[0]] if len(k) else None
    i1, i2 = first(_TOL), first(-_TOL)
    if i1 is None:
        return np.nan
    if not np.isnan(y[-1]) and abs(p - y[-1]) < _TOL:
        return (xs[i1] + xmax) / 2
    if i2 is None:
        return np.nan
    return (xs[i1] + xs[i2]) / 2


def _km_one(time, event, entry, z, conf_type):
    """One curve: statsmodels' estimate, then the hand-written bands, median and the
    full step table (every distinct exit time, with censored counts)."""
    sf = SurvfuncRight(time, event, entry=entry)
    et, S = np.asarray(sf.surv_times, float), np.asarray(sf.surv_prob, float)
    n, d = np.asarray(sf.n_risk, float), np.asarray(sf.n_events, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.cumsum(np.where(n > d, d / (n * (n - d)), np.inf))
    se = np.sqrt(var)
    lo, hi = _bands(S, se, z, conf_type)
    xmax = float(np.max(time))
    xq = np.r_[0.0, et]
    med = _findq(xq, np.r_[0.0, 1 - S], 0.5, xmax)
    med_lo = _findq(xq, np.r_[0.0, 1 - lo], 0.5, xmax)
    med_hi = _findq(xq, np.r_[0.0, 1 - hi], 0.5, xmax)
    # step table over every distinct exit time
    ut = np.unique(time)
    exits = np.searchsorted(ut, time)
    ev_at = np.bincount(exits, weights=event, minlength=len(ut))
    out_at = np.bincount(exits, minlength=len(ut)).astype(float)
    n_risk = (len(time) - np.r_[0, np.cumsum(out_at)[:-1]])
    if entry is not None:      # at risk at t: entry < t <= time
        n_risk = n_risk - (len(entry) - np.searchsorted(np.sort(entry), ut, side="left"))
    k = np.searchsorted(et, ut, side="right")          # 0: before the first event
    step = pd.DataFrame({
        "time": np.r_[0.0, ut],
        "n_risk": np.r_[n_risk[0] if entry is None else np.sum(entry <= 0), n_risk].astype(int),
        "events": np.r_[0, ev_at].astype(int),
        "censored": np.r_[0, out_at - ev_at].astype(int),
        "survival": np.r_[1.0, np.r_[1.0, S][k]],
        "ci_low": np.r_[1.0, np.r_[1.0, lo][k]],
        "ci_high": np.r_[1.0, np.r_[1.0, hi][k]],
    })
    if len(ut) and ut[0] == 0:       # exits at time 0: no separate origin row
        step = step.iloc[1:].reset_index(drop=True)
    return {"sf": sf, "event_times": et, "surv": S, "se_log": se, "lo": lo, "hi": hi,
            "n_at_event": n, "d_at_event": d, "median": med, "median_ci": (med_lo, med_hi),
            "xmax": xmax, "step": step}


def _at(curve, t):
    """S(t) with its interval and the number at risk at t; NaN beyond follow-up."""
    if t > curve["xmax"]:
        return np.nan, np.nan, np.nan, 0
    et = curve["event_times"]
    k = np.searchsorted(et, t, side="right") - 1
    st = curve["step"]
    j = np.searchsorted(st["time"].to_numpy(), t, side="left")
    n_risk = int(st["n_risk"].iat[min(j, len(st) - 1)]) if j < len(st) else 0
    if k < 0:
        return 1.0, 1.0, 1.0, n_risk
    return float(curve["surv"][k]), float(curve["lo"][k]), float(curve["hi"][k]), n_risk


@dataclass(repr=False)
class SurvivalResult(Result):
    """A Kaplan-Meier result: one line per group in ``summary()``."""

    def summary(self) -> str:
        d = self.diagnostics
        unit = d.get("time_unit") or "time units"
        lines = []
        if self.table is not None:
            pct = round(self.level * 100)
            for r in self.table.itertuples():
                name = "All" if r.group is None or (isinstance(r.group, float) and np.isnan(r.group)) \
                    else str(r.group)
                med = ("median not reached" if not np.isfinite(r.median) else
                       f"median {r.median:.3g} {unit} ({pct}% CI {_fmt_t(r.median_ci_low)} to "
                       f"{_fmt_t(r.median_ci_high)})")
                parts = [f"{name}: {_count(r.n, d.get('subject_label', 'subjects'))}, "
                         f"{_count(r.events, d.get('event_label', 'events'))}; {med}"]
                for t in d.get("times", []):
                    s = getattr(r, f"surv_{_tname(t)}")
                    if np.isfinite(s):
                        parts.append(f"{100 * s:.0f}% at {t:g} {unit} "
                                     f"({100 * getattr(r, f'surv_{_tname(t)}_low'):.0f}-"
                                     f"{100 * getattr(r, f'surv_{_tname(t)}_high'):.0f}%)")
                lines.append("; ".join(parts))
        return "\n".join(lines + _footer(self))

    def to_frame(self) -> pd.DataFrame:
        """One row per group (``Result.to_frame`` gives one row, which here was the first
        group only): label, group, method, unit, estimate and its interval (the group's
        median, or S(at)), level, p_value, warnings, n, events, censored, the median and
        its interval, the longest follow-up, S(t) with its interval and the number at
        risk at each of ``times``, then the fit's other diagnostics. Hand-written.

        The first row keeps the columns and values of the one-row frame, except that n
        and events are the group's own (the fit's totals are their sums). Each row's
        warnings are those naming its group plus those about the whole fit; the label
        names the row's group when it was the default headline."""
        if self.table is None or self.table.empty:
            return super().to_frame()
        d = self.diagnostics
        names = [_gname(g) for g in self.table["group"]]
        own = [[w for w in self.warnings if w.startswith(f"{nm}: ")] for nm in names]
        shared = [w for w in self.warnings if not any(w.startswith(f"{nm}: ") for nm in names)]
        auto = self.label == _km_headline(d.get("at"), d.get("time_unit") or "time units",
                                          self.table["group"].iat[0])
        extra = [c for c in self.table.columns
                 if c not in ("group", "n", "events", "estimate", "ci_low", "ci_high")]
        rows = []
        for i, r in enumerate(self.table.to_dict("records")):
            row = {"label": (_km_headline(d.get("at"), d.get("time_unit") or "time units", r["group"])
                             if auto else self.label),
                   "group": r["group"], "method": self.method, "unit": self.unit,
                   "estimate": float(r["estimate"]), "ci_low": float(r["ci_low"]),
                   "ci_high": float(r["ci_high"]), "level": self.level, "p_value": self.p_value,
                   "warnings": "; ".join(w for w in self.warnings if w in own[i] or w in shared),
                   "n": int(r["n"]), "events": int(r["events"])}
            row.update({c: r[c] for c in extra})
            row.update({k: v for k, v in d.items()
                        if k not in row and not isinstance(v, (list, dict, pd.DataFrame))})
            rows.append(row)
        return pd.DataFrame(rows)


def _gname(g) -> str:
    """A group's name in warnings: "all" for the ungrouped curve."""
    return "all" if g is None else str(g)


def _km_headline(at, unit, g) -> str:
    """The default label of a Kaplan-Meier result, naming the group ``g``."""
    gname = "" if g is None else f", {g}"
    return (f"share without the event at {at:g} {unit}{gname}" if at is not None
            else f"median time to the event{gname}")


def _footer(res: Result) -> list[str]:
    """The closing lines of every summary here: method, notes, warnings."""
    return ([f"Method: {res.method}"] + [f"Note: {n}" for n in res.diagnostics.get("notes", [])]
            + [f"Warning: {w}" for w in res.warnings])


def _tname(t) -> str:
    return f"{t:g}".replace(".", "_").replace("-", "m")


def kaplan_meier(data=None, *, duration, event, entry=None, group=None, level: float = 0.95,
                 conf_type: str = "log", times=(), at: float | None = None,
                 time_unit: str | None = None, label: str = "") -> SurvivalResult:
    """Kaplan-Meier curve(s) with pointwise intervals, medians and survival at chosen times.

    Parameters
    ----------
    data : DataFrame with the named columns, or leave out and pass arrays.
    duration, event : time from the start to the event or censoring, and 1 = the event
        happened, 0 = censored (R's 2/1 coding is refused with a hint).
    entry : time already elapsed when the record came under observation (left
        truncation, e.g. placements already open when the window starts); the record
        counts as at risk only after it.
    group : a column (or array) to draw one curve per value; a Categorical keeps its
        category order.
    conf_type : ``"log"`` (R's default, and the one that reproduces R's published
        medians), ``"log-log"`` (lifelines and Stata) or ``"plain"``.
    times : times at which to report S(t) with its interval (e.g. ``(6, 12, 24)``).
    at : report S(at) as the headline estimate instead of the median.
    time_unit : words for the time axis ("months"); taken from ``data.attrs`` if set.

    Returns a :class:`SurvivalResult`: ``estimate`` is the median (or S(at)) of the first
    group (NaN when not reached), ``table`` one row per group, ``series`` the step
    function (group, time, n_risk, events, censored, survival, ci_low, ci_high).

    statsmodels' ``SurvfuncRight`` gives the estimate, numbers at risk and events; the
    interval, median rule and step table are hand-written (module docstring).
    """
    where = "kaplan_meier"
    z = _z(level)
    if conf_type not in CONF_TYPES:
        raise ValueError(f"{where}: conf_type {conf_type!r}: use one of {CONF_TYPES}")
    lab = _labels(data)
    unit = time_unit or lab["time_unit"] or "time units"
    df, warn = _records(data, duration, event, entry, group, where)
    warn = lab["warnings"] + warn
    times = tuple(float(t) for t in (times or ()))
    if any(t < 0 for t in times) or (at is not None and at < 0):
        raise ValueError(f"{where}: times and at must be 0 or more ({unit} from the start)")
    subj, evl = lab["subject_label"], lab["event_label"]
    rows, steps, curves = [], [], {}
    for g in _groups(df):
        sub = df if g is None else df[df["group"] == g]
        tm, ev = sub["time"].to_numpy(), sub["event"].to_numpy()
        en = sub["entry"].to_numpy() if "entry" in sub else None
        name = _gname(g)
        if ev.sum() == 0:
            warn.append(f"{name}: no {evl} among {len(sub)} {subj}, so its curve stays at 100% "
                        "and no median or interval can be estimated")
        c = _km_one(tm, ev, en, z, conf_type)
        curves[g] = c
        row = {"group": g, "n": len(sub), "events": int(ev.sum()), "censored": int(len(sub) - ev.sum()),
               "median": c["median"], "median_ci_low": c["median_ci"][0],
               "median_ci_high": c["median_ci"][1], "max_followup": c["xmax"]}
        for t in times:
            s, lo, hi, nr = _at(c, t)
            row.update({f"surv_{_tname(t)}": s, f"surv_{_tname(t)}_low": lo,
                        f"surv_{_tname(t)}_high": hi, f"n_risk_{_tname(t)}": nr})
            if not np.isfinite(s):
                warn.append(f"{name}: no {subj[:-1] if subj.endswith('s') else subj} was followed "
                            f"for {t:g} {unit} (longest {c['xmax']:.3g}), so the share at {t:g} "
                            f"{unit} cannot be estimated")
        if at is not None:           # the headline share in percent, like every result
            s, lo, hi, _ = _at(c, at)
            row.update({"estimate": 100 * s, "ci_low": 100 * lo, "ci_high": 100 * hi})
        else:
            row.update({"estimate": c["median"], "ci_low": c["median_ci"][0],
                        "ci_high": c["median_ci"][1]})
        rows.append(row)
        steps.append(c["step"].assign(group=g))
        warn += _km_warnings(name, c, row, unit, subj, evl)
    table = pd.DataFrame(rows)
    series = pd.concat(steps, ignore_index=True)
    series = series[["group"] + [c for c in series.columns if c != "group"]]
    first = rows[0]
    headline = _km_headline(at, unit, first["group"])
    ci_name = {"log": "log-transformed Greenwood interval (R survfit default)",
               "log-log": "log-log Greenwood interval (lifelines/Stata default)",
               "plain": "plain Greenwood interval"}[conf_type]
    notes = list(lab["notes"])
    if entry is not None:
        notes.append("Left truncation: records enter the risk set only after their entry time "
                     "(statsmodels SurvfuncRight entry=).")
    diag = {"n": int(len(df)), "events": int(df["event"].sum()), "groups": len(rows),
            "conf_type": conf_type, "time_unit": unit, "times": list(times),
            "subject_label": subj, "event_label": evl, "curve_label": lab["curve_label"],
            "time_origin": lab["time_origin"], "y_label": lab["y_label"],
            "left_truncated": entry is not None, "at": at, "notes": notes}
    return SurvivalResult(
        method=f"Kaplan-Meier (statsmodels SurvfuncRight), {ci_name}; median by R's rule",
        estimate=float(first["estimate"]), ci=(float(first["ci_low"]), float(first["ci_high"])),
        level=level, label=label or headline, unit="%" if at is not None else unit,
        diagnostics=diag, warnings=warn, table=table, series=series)


def _km_warnings(name, c, row, unit, subj, evl) -> list[str]:
    out = []
    d = row["events"]
    if 0 < d < MIN_EVENTS:
        out.append(f"{name}: only {_count(d, evl)}, fewer than {MIN_EVENTS}, so the curve and its "
                   "median are imprecise")
    cens = row["censored"] / row["n"] if row["n"] else 0
    if cens > 0.5 and d > 0:
        out.append(f"{name}: {100 * cens:.0f}% of {subj} were censored (ended another way or were "
                   "still going when follow-up stopped); the curve assumes they were neither more "
                   f"nor less at risk of {evl} than those followed longer")
    if d > 0 and not np.isfinite(c["median"]):
        s_end = c["surv"][-1] if len(c["surv"]) else 1.0
        out.append(f"{name}: the median was not reached: {100 * s_end:.0f}% had had no "
                   f"{evl} by the end of follow-up ({c['xmax']:.3g} {unit})")
    elif d > 0 and np.isfinite(c["median"]) and not np.isfinite(c["median_ci"][1]):
        out.append(f"{name}: the upper limit of the median's interval was not reached "
                   "(too few followed for long enough)")
    st = c["step"]
    ev_rows = st[st["events"] > 0]
    if len(ev_rows):
        small = (ev_rows["n_risk"] < MIN_AT_RISK).to_numpy()
        if small[-1]:
            # the last stretch of the curve where every step rests on few at risk
            k = len(small) - 1
            while k > 0 and small[k - 1]:
                k -= 1
            t0 = float(ev_rows["time"].iat[k])
            out.append(f"{name}: the curve after {t0:.3g} {unit} rests on fewer than "
                       f"{MIN_AT_RISK} {subj} at risk; read that part as a rough guide only")
            small = small[:k]
        if small.any():
            t1 = float(ev_rows["time"].to_numpy()[:len(small)][small].max())
            out.append(f"{name}: before {t1:.3g} {unit} some steps rest on fewer than "
                       f"{MIN_AT_RISK} {subj} at risk (few had entered observation yet)")
    return out


# ------------------------------------------------------------------------ log-rank
def _observed_expected(df, g_levels):
    """Observed and expected events per group under equal hazards (hand-written: the
    log-rank table's O and E; within strata, then summed)."""
    O, E = np.zeros(len(g_levels)), np.zeros(len(g_levels))
    strata = [None] if "strata" not in df else pd.unique(df["strata"])
    for s in strata:
        sub = df if s is None else df[df["strata"] == s]
        ev_times = np.unique(sub.loc[sub["event"] == 1, "time"])
        if not len(ev_times):
            continue
        tot_n = np.zeros(len(ev_times))
        tot_d = np.zeros(len(ev_times))
        per = []
        for g in g_levels:
            x = sub[sub["group"] == g]
            t = np.sort(x["time"].to_numpy())
            n = len(t) - np.searchsorted(t, ev_times, side="left")
            if "entry" in x:
                en = np.sort(x["entry"].to_numpy())
                n = n - (len(en) - np.searchsorted(en, ev_times, side="left"))
            te = np.sort(x.loc[x["event"] == 1, "time"].to_numpy())
            d = np.searchsorted(te, ev_times, side="right") - np.searchsorted(te, ev_times, side="left")
            per.append((n, d))
            tot_n += n
            tot_d += d
        for i, (n, d) in enumerate(per):
            O[i] += d.sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                E[i] += np.nansum(np.where(tot_n > 0, tot_d * n / tot_n, 0.0))
    return O, E


@dataclass(repr=False)
class LogRankResult(Result):
    def summary(self) -> str:
        d = self.diagnostics
        lines = [f"{self.label or 'Log-rank test'}: chi-square {d['chisq']:.4g} on {d['df']} df, "
                 f"p = {self.p_value:.3g}"]
        for r in self.table.itertuples():
            lines.append(f"{r.group}: {r.n} {d.get('subject_label', 'subjects')}, {r.observed:.0f} "
                         f"{d.get('event_label', 'events')} observed, {r.expected:.1f} expected "
                         f"if all groups had the same hazard (O/E {r.o_e_ratio:.2f})")
        return "\n".join(lines + _footer(self))


def log_rank(data=None, *, duration, event, group, entry=None, strata=None,
             label: str = "") -> LogRankResult:
    """Log-rank test that two or more groups have the same hazard of the event.

    statsmodels' ``survdiff`` gives the chi-square and p-value (with strata and left
    truncation, which R's ``survdiff`` lacks); the observed and expected counts per group
    in ``table`` are hand-written. ``estimate`` is the chi-square statistic (no
    interval); ``table`` has group, n, observed, expected, o_e_ratio, o_minus_e.
    The test has little power when the curves cross: look at the Kaplan-Meier chart.
    """
    where = "log_rank"
    lab = _labels(data)
    df, warn = _records(data, duration, event, entry, group, where, strata=strata)
    warn = lab["warnings"] + warn
    levels = _groups(df)
    if len(levels) < 2:
        raise ValueError(f"{where}: the group column has {len(levels)} value(s); the test needs "
                         "two or more groups to compare")
    codes = np.array([levels.index(v) for v in df["group"]])
    chisq, p = survdiff(df["time"].to_numpy(), df["event"].to_numpy(), codes,
                        strata=df["strata"].to_numpy() if "strata" in df else None,
                        entry=df["entry"].to_numpy() if "entry" in df else None)
    O, E = _observed_expected(df, levels)
    n = [int((df["group"] == g).sum()) for g in levels]
    table = pd.DataFrame({"group": levels, "n": n, "observed": O, "expected": E,
                          "o_e_ratio": O / E, "o_minus_e": O - E})
    for g, o in zip(levels, O):
        if o < MIN_EVENTS:
            warn.append(f"{g}: only {_count(o, lab['event_label'])}, fewer than {MIN_EVENTS}: the test "
                        "can detect only a large difference")
    dfree = len(levels) - 1
    notes = list(lab["notes"])
    if entry is not None:
        notes.append("Left truncation: records are at risk only after their entry time.")
    return LogRankResult(
        method="log-rank test (statsmodels survdiff)" + (", stratified" if strata is not None else ""),
        estimate=float(chisq), ci=(np.nan, np.nan), p_value=float(p), level=0.95,
        label=label or f"log-rank test across {len(levels)} groups",
        diagnostics={"chisq": float(chisq), "df": dfree, "p_value": float(p), "n": int(len(df)),
                     "events": int(df["event"].sum()), "subject_label": lab["subject_label"],
                     "event_label": lab["event_label"], "notes": notes},
        warnings=warn, table=table)


# ----------------------------------------------------------------------------- Cox
def _design(data, covariates, where):
    """A design matrix from a list of column names: numbers as they are, other columns
    as indicators against their first level (a Categorical's first category, else the
    first in sorted order). Term names are ``column`` or ``column[level]``."""
    cols, names = [], []
    for c in covariates:
        if c not in data.columns:
            raise SchemaError(f"{where}: covariate {c!r} is not in the data; it has "
                              f"{', '.join(map(str, list(data.columns)[:12]))}")
        x = data[c]
        if pd.api.types.is_bool_dtype(x):
            cols.append(np.array(x, dtype=float))
            names.append(c)
        elif pd.api.types.is_numeric_dtype(x) and not isinstance(x.dtype, pd.CategoricalDtype):
            cols.append(np.array(pd.to_numeric(x), dtype=float))
            names.append(c)
        else:
            cats = list(x.cat.categories) if isinstance(x.dtype, pd.CategoricalDtype) else \
                sorted(pd.unique(x.dropna()), key=str)
            cats = [k for k in cats if (x == k).any()]
            if len(cats) < 2:
                raise ValueError(f"{where}: covariate {c!r} takes only one value; leave it out")
            for k in cats[1:]:
                v = np.array((x == k).astype(float), dtype=float)
                v[x.isna().to_numpy()] = np.nan
                cols.append(v)
                names.append(f"{c}[{k}]")
    return np.column_stack(cols), names


def _ph_test(res, time, status, names, transform, entry=None):
    """Grambsch & Therneau (1994) test of proportional hazards, approximate form (R
    survival < 3.0 cox.zph, lifelines proportional_hazard_test), on statsmodels'
    Schoenfeld residuals. Returns (per-term DataFrame, global chi-square, global p)."""
    sr = np.asarray(res.schoenfeld_residuals)
    ev = (status == 1) & ~np.isnan(sr).any(axis=1)
    r, t = sr[ev], time[ev]
    dead = len(t)
    V = np.asarray(res.cov_params())
    if transform == "rank":
        g = stats.rankdata(t)
    elif transform == "identity":
        g = t.astype(float)
    else:     # "km": 1 - the left-continuous Kaplan-Meier at each event time (R)
        sf = SurvfuncRight(time, status, entry=entry)
        k = np.searchsorted(sf.surv_times, t)
        g = 1 - np.r_[1.0, sf.surv_prob][k]
    xx = g - g.mean()
    scaled = dead * r @ V
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = (xx @ scaled) ** 2 / (np.diag(V) * dead * (xx ** 2).sum())
        rho = np.array([np.corrcoef(xx, scaled[:, j])[0, 1] for j in range(scaled.shape[1])])
    u = xx @ r
    glob = float(u @ V @ u * dead / (xx ** 2).sum())
    tab = pd.DataFrame({"term": names, "ph_rho": rho, "ph_chisq": chi,
                        "ph_p_value": stats.chi2.sf(chi, 1)})
    return tab, glob, float(stats.chi2.sf(glob, len(names)))


@dataclass(repr=False)
class CoxResult(Result):
    def summary(self) -> str:
        d = self.diagnostics
        pct = round(self.level * 100)
        lines = [f"{self.label}: hazard ratio {self.estimate:.3g} ({pct}% CI {self.ci[0]:.3g} to "
                 f"{self.ci[1]:.3g}), p = {self.p_value:.3g}"]
        for r in self.table.itertuples():
            lines.append(f"{r.term}: HR {r.hr:.3g} ({r.ci_low:.3g} to {r.ci_high:.3g}), coef "
                         f"{r.coef:.4g} (se {r.se:.3g}), p = {r.p_value:.3g}")
        lines.append(f"{d['n']} records, {d['events']} {d.get('event_label', 'events')}; likelihood "
                     f"ratio test {d['lr_stat']:.4g} on {d['lr_df']} df, p = {d['lr_p_value']:.3g}")
        return "\n".join(lines + _footer(self))


def cox(data, duration, event, covariates, *, entry=None, ties: str = "efron", strata=None,
        term: str | None = None, level: float = 0.95, ph_transform: str = "rank",
        label: str = "") -> CoxResult:
    """Cox proportional hazards model (statsmodels ``PHReg``).

    Parameters
    ----------
    data : DataFrame of records.
    duration, event : column names (or arrays); event 1 = happened, 0 = censored.
    covariates : a list of column names (text or Categorical columns become indicators
        against their first level, e.g. ``period[after]``), or a formula right-hand side
        such as ``"fin + age + C(place)"`` (statsmodels' formula handling).
    entry : left-truncation times (column name or array).
    ties : ``"efron"`` (R's default) or ``"breslow"`` (statsmodels' default).
    strata : a column whose values get their own baseline hazard.
    term : which coefficient's hazard ratio is the headline ``estimate`` (default the
        first).
    ph_transform : time scale for the proportional-hazards check: ``"rank"`` of event
        time (default), ``"km"`` (1 − Kaplan-Meier, R's default) or ``"identity"``.

    ``table``: one row per coefficient: term, estimate (= hr), ci_low, ci_high (of the
    hazard ratio, Wald), p_value (Wald), coef, se, z, hr, and the proportional-hazards
    check (ph_rho, ph_chisq, ph_p_value), and for an indicator (0/1) term the records
    with it and their events (n_level, events_level; NaN for a numeric term), which
    :func:`evaltools.plots.hazard_ratio_chart` uses for disclosure control.
    ``diagnostics``: n, events, loglik, loglik_null, lr_stat, lr_df, lr_p_value,
    ph_global_chisq, ph_global_p_value, and the event and subject labels.

    The fit, Wald tests and Schoenfeld residuals come from statsmodels; the likelihood
    ratio test (the log-likelihood at zero from ``PHReg.loglike``) and the
    proportional-hazards test are hand-written (module docstring).
    """
    where = "cox"
    if ties not in ("efron", "breslow"):
        raise ValueError(f"{where}: ties {ties!r}: use 'efron' (R's default) or 'breslow'")
    if ph_transform not in PH_TRANSFORMS:
        raise ValueError(f"{where}: ph_transform {ph_transform!r}: use one of {PH_TRANSFORMS}")
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{where}: data must be a pandas DataFrame with the duration, event and "
                         "covariate columns")
    z = _z(level)
    lab = _labels(data)
    recs, warn = _records(data, duration, event, entry, None, where, strata=strata)
    warn = lab["warnings"] + warn
    base = data.iloc[recs["_row"].to_numpy()].reset_index(drop=True)
    en = recs["entry"].to_numpy() if "entry" in recs else None
    st = recs["strata"].to_numpy() if "strata" in recs else None
    if isinstance(covariates, str):
        # statsmodels' formula handling builds the design (and drops incomplete rows,
        # keeping status, entry and strata aligned)
        rhs = covariates.split("~")[-1].strip()
        frame = base.assign(_time_=recs["time"].to_numpy())
        try:
            model = PHReg.from_formula(f"_time_ ~ {rhs}", frame, status=recs["event"].to_numpy(),
                                       entry=en, strata=st, ties=ties, missing="drop")
        except Exception as err:      # formula errors come from the formula engine
            raise ValueError(f"{where}: could not read the covariates formula {rhs!r} ({err}); "
                             "name columns of data, e.g. 'age + C(place)'") from None
        names = list(model.exog_names)
        dropped = len(recs) - len(model.endog)
    else:
        covariates = list(covariates)
        if not covariates:
            raise ValueError(f"{where}: give at least one covariate")
        X, names = _design(base, covariates, where)
        keep = ~np.isnan(X).any(axis=1)
        dropped = int((~keep).sum())
        model = PHReg(recs["time"].to_numpy()[keep], X[keep], status=recs["event"].to_numpy()[keep],
                      entry=None if en is None else en[keep], strata=None if st is None else st[keep],
                      ties=ties)
    if dropped:
        warn.append(f"{dropped} records lack a covariate value and were left out of the model; "
                    "check those records")
    time, status = np.asarray(model.endog, float), np.asarray(model.status, int)
    en = None if entry is None else np.asarray(model.entry, float)
    if status.sum() == 0:
        raise ValueError(f"{where}: no events among {len(time)} records; a Cox model needs events")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit()
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        warn.append("the model did not converge (often because a group has no events or a covariate "
                    "separates those with and without events); do not use its estimates")
    params, bse = np.asarray(res.params), np.asarray(res.bse)
    zval = params / bse
    p = 2 * stats.norm.sf(np.abs(zval))
    ll0 = float(model.loglike(np.zeros(len(params))))
    lr = 2 * (float(res.llf) - ll0)
    lr_p = float(stats.chi2.sf(lr, len(params)))
    ph, ph_glob, ph_glob_p = _ph_test(res, time, status, names, ph_transform, en)
    with np.errstate(over="ignore"):
        table = pd.DataFrame({"term": names, "estimate": np.exp(params),
                              "ci_low": np.exp(params - z * bse), "ci_high": np.exp(params + z * bse),
                              "p_value": p, "coef": params, "se": bse, "z": zval,
                              "hr": np.exp(params)}).merge(ph, on="term")
    # records and events behind each indicator (0/1) term, so a chart can tell when a
    # hazard ratio rests on 1 to 5 children (hand-written; NaN for a numeric term)
    X = np.asarray(model.exog, float)
    is01 = [bool(np.isin(X[:, j], (0.0, 1.0)).all()) for j in range(X.shape[1])]
    table["n_level"] = [float((X[:, j] == 1).sum()) if b else np.nan for j, b in enumerate(is01)]
    table["events_level"] = [float(status[X[:, j] == 1].sum()) if b else np.nan
                             for j, b in enumerate(is01)]
    events = int(status.sum())
    if events / len(names) < EVENTS_PER_COEF:
        warn.append(f"only {events} {lab['event_label']} for {len(names)} coefficient(s) "
                    f"({events / len(names):.1f} each): fewer than {EVENTS_PER_COEF} per coefficient, "
                    "so the hazard ratios may be biased and unstable; use fewer covariates")
    for r in table.itertuples():
        if abs(r.coef) > 10 or r.se > 5:
            warn.append(f"{r.term}: the estimate is extreme (coef {r.coef:.3g}, se {r.se:.3g}), "
                        "usually because one level has no events; merge levels or leave it out")
        if r.ph_p_value < 0.05:
            warn.append(f"{r.term}: its effect seems to change with time since the start "
                        f"(proportional-hazards test p = {r.ph_p_value:.2g}); its hazard ratio is an "
                        "average over follow-up, so report it with the Kaplan-Meier curves or "
                        "split follow-up (early/late) or stratify on it")
    if len(names) > 1 and ph_glob_p < 0.05:
        warn.append(f"the model as a whole fails the proportional-hazards test (p = {ph_glob_p:.2g})")
    if term is None:
        i = 0
    elif term in names:
        i = names.index(term)
    else:
        raise ValueError(f"{where}: term {term!r} is not in the model; its terms are {', '.join(names)}")
    notes = list(lab["notes"])
    notes.append(f"Proportional-hazards check: Grambsch-Therneau test on Schoenfeld residuals "
                 f"against the {ph_transform} of event time (approximate form, as R survival < 3.0 "
                 "cox.zph).")
    if en is not None:
        notes.append("Left truncation: records are at risk only after their entry time.")
    diag = {"n": int(len(time)), "events": events, "ties": ties, "loglik": float(res.llf),
            "loglik_null": ll0, "lr_stat": lr, "lr_df": len(params), "lr_p_value": lr_p,
            "ph_global_chisq": ph_glob, "ph_global_p_value": ph_glob_p,
            "ph_transform": ph_transform, "event_label": lab["event_label"],
            "subject_label": lab["subject_label"], "notes": notes}
    return CoxResult(
        method=f"Cox proportional hazards (statsmodels PHReg, {ties.capitalize()} ties"
               + (", stratified" if strata is not None else "") + "), Wald intervals",
        estimate=float(table["hr"].iat[i]),
        ci=(float(table["ci_low"].iat[i]), float(table["ci_high"].iat[i])),
        p_value=float(table["p_value"].iat[i]), level=level,
        label=label or f"hazard ratio, {names[i]}", unit="", diagnostics=diag, warnings=warn,
        table=table, series=None)


# ------------------------------------------------------------- SSDA903 placements
EPISODE_COLUMNS = ("CHILD", "DECOM", "DEC", "RNE", "PLACE", "REASON_PLACE_CHANGE")


def _dates(s: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    raw = s.astype(object).where(s.notna() & (s.astype(str).str.strip() != ""), None)
    out = pd.to_datetime(raw, format="%d/%m/%Y", errors="coerce")
    if (out.isna() & raw.notna()).any():
        out = pd.to_datetime(raw, format="ISO8601", errors="coerce")
    bad = out.isna() & raw.notna()
    if bad.any():
        raise SchemaError(f"placement_spells: {int(bad.sum())} {name} values are not dates "
                          f"(e.g. {raw[bad].iloc[0]!r}); write them as dd/mm/yyyy or yyyy-mm-dd")
    return out


def _care_data(source, header):
    """A prepared :class:`~evaltools.measures.CareData` and whether the extract's
    coverage (first and last collection year) is known."""
    from ..measures.data import CareData
    if isinstance(source, CareData):
        return source, True
    if hasattr(source, "history") and hasattr(source, "usable"):        # an Extract
        return CareData.from_extract(source), True
    if not isinstance(source, pd.DataFrame):
        raise ValueError("placement_spells: pass an ssda903 Extract, a measures CareData or a "
                         "DataFrame of 903 episodes")
    missing = [c for c in EPISODE_COLUMNS if c not in source.columns]
    if missing:
        raise SchemaError(f"placement_spells: the episodes table lacks column(s) {', '.join(missing)}; "
                          "pass the SSDA903 Episodes table (one row per episode)")
    ep = source.copy()
    ep["DECOM"], ep["DEC"] = _dates(ep["DECOM"], "DECOM"), _dates(ep["DEC"], "DEC")
    if ep["DECOM"].isna().any():
        raise SchemaError(f"placement_spells: {int(ep['DECOM'].isna().sum())} episodes have no DECOM "
                          "(start date); fix or remove them")
    if "YEAR" in ep:
        years = sorted(set(ep["YEAR"].astype(int)))
    else:
        last = max(collection_year(ep["DECOM"]).max(), collection_year(ep["DEC"].dropna()).max()
                   if ep["DEC"].notna().any() else 0)
        years = list(range(int(collection_year(ep["DECOM"]).min()), int(last) + 1))
    if header is None:
        header = pd.DataFrame({"CHILD": pd.unique(ep["CHILD"]), "DOB": pd.NaT, "SEX": None})
    return CareData.from_tables(ep, header, years=years), "YEAR" in ep


def placement_spells(source, window_start=None, window_end=None, *, intervention=None,
                     split: str = "start", unplanned=UNPLANNED_REASONS, unit: str = "months",
                     header: pd.DataFrame | None = None) -> pd.DataFrame:
    """Placements as survival records: time from the placement's start to an unplanned
    ending, with left truncation for placements already open when the window starts.

    ``source`` is an :class:`evaltools.ssda903.Extract`, a prepared
    :class:`evaltools.measures.CareData`, or an Episodes DataFrame (CHILD, DECOM, DEC,
    RNE, PLACE, REASON_PLACE_CHANGE; LS optional; dates as dates or dd/mm/yyyy text),
    with ``header`` (CHILD, DOB, SEX) optional for age and sex.

    **Placement.** A spell with one carer, by the rule every placement measure uses
    (:func:`evaltools.measures.stability.placements`, docs/measures.md R1-R3): a change
    of carer (RNE S, P, B) starts one; a change of legal status (L) or of placement with
    the same carer (T, U), placement for adoption with the current foster carer and a
    temporary absence (T0-T4) do not; short breaks (V3/V4) and spells under a day are
    left out.

    **Event: an unplanned ending.** The placement ended inside the window, the child
    stayed in care (another placement in the same period of care followed) and the
    reason recorded for the change (REASON_PLACE_CHANGE on the placement's last
    episode) is one of ``unplanned`` (default :data:`UNPLANNED_REASONS`: carer requests,
    child requests, allegation, standards concern, approval removed, closure).
    **Censored:** a planned or other move (CARPL, LAREQ, PLACE, CUSTOD, OTHER), a move
    with no reason recorded (counted and warned about), leaving care, and placements
    still going on ``window_end``: each counts as "still going" up to that day.

    **Time.** Days from the placement's start (converted to ``unit``: days, weeks,
    months, years). A placement that started before ``window_start`` enters the risk
    set at the time it had already lasted (``entry``): it could only be seen to end
    inside the window, so counting its earlier time as event-free would bias survival
    upwards (left truncation).

    **Before and after.** With ``intervention`` (a date inside the window), ``period``
    is "before" for placements that started before it and "after" otherwise. A "before"
    placement still going the day before the change is censored then, so the "before"
    curve describes only time before the change. ``split="calendar"`` also adds that
    placement's remaining time to "after", entering at the duration it had reached (so
    "after" uses all time at risk after the change; a placement can then appear twice).

    Defaults: the window is the extract's coverage (1 April of its first collection
    year to 31 March of its last). A window outside the coverage is refused: placements
    ending before the extract begins are not in it, and endings after it are unknown.

    Returns one row per record: child, placement, start, end (NaT if still open), entry,
    duration, event (1 = unplanned ending), ending (in words), reason, place,
    first_placement, age_at_start (years), sex, and period. ``attrs`` carries the unit and
    labels (read by :func:`kaplan_meier`, :func:`log_rank`, :func:`cox` and the chart),
    warnings and notes. Hand-written: there is no library for SSDA903.
    """
    from ..measures.data import OPEN, day, from_days
    from ..measures.stability import placements
    where = "placement_spells"
    if unit not in DAYS_PER:
        raise ValueError(f"{where}: unit {unit!r}: use one of {tuple(DAYS_PER)}")
    if split not in ("start", "calendar"):
        raise ValueError(f"{where}: split {split!r}: use 'start' (period by placement start) or "
                         "'calendar' (time after the change counts as 'after')")
    unplanned = tuple(unplanned)
    cd, known = _care_data(source, header)
    cov_s, cov_e = cd.coverage_start, cd.coverage_end
    ws = cov_s if window_start is None else day(window_start)
    we = cov_e if window_end is None else day(window_end)
    if ws >= we:
        raise ValueError(f"{where}: window_start {from_days(ws).date()} is not before window_end "
                         f"{from_days(we).date()}")
    if known and ws < cov_s:
        raise ValueError(f"{where}: window_start {from_days(ws).date()} is before the extract begins "
                         f"({from_days(cov_s).date()}); placements that ended before then are missing, "
                         "so start the window on or after it")
    if known and we > cov_e:
        raise ValueError(f"{where}: window_end {from_days(we).date()} is after the extract ends "
                         f"({from_days(cov_e).date()}); endings after then are unknown, so end the "
                         "window on or before it")
    iv = None
    if intervention is not None:
        iv = day(intervention)
        if not ws < iv <= we:
            raise ValueError(f"{where}: intervention {from_days(iv).date()} is outside the window "
                             f"({from_days(ws).date()} to {from_days(we).date()}); give a date inside it")
    p = placements(cd)
    e = cd.episodes[~cd.episodes["short_break"]]
    last = e.drop_duplicates("placement", keep="last").set_index("placement")
    first_ep = e.drop_duplicates("placement", keep="first").set_index("placement")
    period_end = cd.episodes.groupby("period")["end"].max()
    pid = p["placement"].to_numpy()
    s, end = p["start"].to_numpy(), p["end"].to_numpy()
    reason = last["REASON_PLACE_CHANGE"].reindex(pid).to_numpy(dtype=object)
    reason = np.where(pd.isna(reason) | (pd.Series(reason).astype(str).str.strip() == "").to_numpy(),
                      None, reason)
    moved = (end != OPEN) & (end < period_end.reindex(p["period"]).to_numpy())
    in_win = (s <= we) & (end >= ws)
    # the placement's start may be understated where its first episode we see is a
    # status change (RNE L/T/U) that began before the extract
    rne0 = first_ep["RNE"].reindex(pid).to_numpy(dtype=object)
    truncated_start = p["first"].to_numpy() & ~np.isin(rne0, ["S", "P", "B"]) & (s < cov_s)
    p = p[in_win].reset_index(drop=True)
    s, end, reason, moved, truncated_start = (x[in_win] for x in (s, end, reason, moved,
                                                                   truncated_start))
    unpl = moved & np.isin(reason.astype(str), unplanned)
    ended = end <= we
    ending = np.select(
        [~ended, moved & unpl, moved & pd.isna(reason), moved],
        ["still going at the end of the window", "unplanned ending", "move, no reason recorded",
         "planned or other move"], "left care").astype(object)
    ch = cd.children.set_index("cid")
    dob = ch["dob"].reindex(p["cid"]).to_numpy()
    age = np.where(dob > -(10 ** 6), (s - dob) / 365.25, np.nan)
    base = pd.DataFrame({
        "child": p["cid"].to_numpy(), "placement": p["placement"].to_numpy(),
        "start": pd.to_datetime(s, unit="D"),
        "end": pd.to_datetime(np.where(end == OPEN, np.nan, end.astype(float)), unit="D"),
        "_s": s.astype(float),
        "entry": np.maximum(0, ws - 1 - s).astype(float),
        "stop": np.minimum(end, we).astype(float),
        "event": (ended & unpl).astype(int), "ending": ending, "reason": reason,
        "place": p["PLACE"].to_numpy(dtype=object), "first_placement": p["first"].to_numpy(),
        "age_at_start": age, "sex": ch["sex"].reindex(p["cid"]).to_numpy(dtype=object)})
    parts = [base]
    if iv is not None:
        before = s < iv
        base["period"] = np.where(before, "before", "after")
        over = before & (end >= iv)          # still going the day before the change
        if split == "calendar":
            after = base[over].copy()
            after["entry"] = after["_s"].rsub(iv - 1).astype(float)
            after["period"] = "after"
            parts.append(after)
        base.loc[over, "stop"] = float(iv - 1)
        base.loc[over, "event"] = 0
        base.loc[over, "ending"] = "still going when the change began"
    out = pd.concat(parts, ignore_index=True)
    out["duration"] = out.pop("stop") - out.pop("_s")
    out = out[out["duration"] > out["entry"]].reset_index(drop=True)
    f = DAYS_PER[unit]
    out["entry"], out["duration"] = out["entry"] / f, out["duration"] / f
    if iv is not None:
        out["period"] = pd.Categorical(out["period"], categories=["before", "after"])
    cols = ["child", "placement", "start", "end", "entry", "duration", "event", "ending", "reason",
            "place", "first_placement", "age_at_start", "sex"] + (["period"] if iv is not None else [])
    out = out[cols].sort_values(["child", "start"] + (["period"] if iv is not None else []),
                                kind="stable").reset_index(drop=True)
    # ---- words for the analyst
    warn, notes = [], []
    no_reason = int((moved & pd.isna(reason) & ended).sum())
    n_moves = int((moved & ended).sum())
    if no_reason:
        warn.append(f"{no_reason} of {n_moves} moves in the window have no REASON_PLACE_CHANGE; they "
                    "are treated as not unplanned (censored), which understates breakdowns if some "
                    "were unplanned")
    n_trunc = int(truncated_start.sum())
    if n_trunc:
        warn.append(f"{n_trunc} placements began before the extract with a change of legal status "
                    "only, so they started earlier than the extract shows and their durations are "
                    "understated by an unknown amount; read older returns to find their real start")
    if not len(out):
        raise ValueError(f"{where}: no placements overlap the window {from_days(ws).date()} to "
                         f"{from_days(we).date()}; check the dates and the extract")
    n_open = int((base["entry"] > 0).sum())
    if n_open:
        notes.append(f"Placements already open when the window began ({n_open:,}) enter the analysis "
                     "at the time they had already lasted (left truncation).")
    notes.append("Placements ending another way (planned move, leaving care) are censored: the curve "
                 "shows how long placements last if unplanned endings were the only way out, so "
                 "1 - S overstates the share that actually end in an unplanned move.")
    if iv is not None and split == "start":
        notes.append("'before' placements still going when the change began are censored on the day "
                     "before it; 'after' covers placements that started on or after it.")
    elif iv is not None:
        notes.append("'before' placements still going when the change began are censored then; their "
                     "remaining time counts as 'after', entering at the duration reached.")
    out.attrs.update({
        "time_unit": unit, "event_label": "unplanned endings", "subject_label": "placements",
        "curve_label": "Share of placements still going (no unplanned ending)",
        "time_origin": "since the placement began",
        "y_label": "Placements still going (%)",
        "warnings": warn, "notes": notes, "unplanned_reasons": list(unplanned),
        "window_start": from_days(ws), "window_end": from_days(we),
        "intervention": from_days(iv) if iv is not None else None, "split": split})
    return out
