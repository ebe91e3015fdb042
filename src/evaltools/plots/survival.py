"""Survival charts: the Kaplan-Meier chart (step curves with shaded intervals per
group, censoring ticks, the numbers still at risk under the axis, and optionally the
log-rank test in the footnote) and the hazard-ratio (forest) chart for a Cox model.

Counts on both pass the disclosure policy (:mod:`evaltools.sdc`): under ``ofsted`` and
``published`` a count of 1 to 5 prints as ``c``. The decision is ``sdc.label``'s; the
formatting of a count that is shown is done here (a whole number), because
``sdc.label`` prints counts with the policy's rate decimals ("40.0" under internal).
"""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from matplotlib.transforms import offset_copy

from .. import sdc
from .style import OKABE_ITO, chart_title, footnote, style_axes

COLOURS = [OKABE_ITO[c] for c in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]
LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
MAX_CENSOR_TICKS = 150      # beyond this the ticks are a smudge: leave them out


def _name(g) -> str:
    return "All" if g is None or (isinstance(g, float) and np.isnan(g)) else str(g)


def _count(n, pol, of=None) -> str:
    """A count under the disclosure policy: ``c`` when it is 1 to 5 (or, given ``of``,
    when ``of - n`` is: 37 events among 40 reveals the 3 without), else the whole
    number with thousands separators."""
    text = sdc.label(float(n), float(n), pol, unit="count",
                     denominator=None if of is None else float(of))
    return text if text in ("c", "x") else f"{int(round(float(n))):,}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def _n_at_risk(step, t) -> int:
    """Number at risk just after time t (the first step at or after t)."""
    times = step["time"].to_numpy()
    j = np.searchsorted(times, t, side="left")
    return int(step["n_risk"].iat[j]) if j < len(times) else 0


def _test_note(test, result, evl: str) -> str:
    """The log-rank test in words for the footnote, after checking that it compares the
    groups the chart shows, on the same records."""
    shown = sorted(_name(g) for g in result.table["group"])
    tested = sorted(_name(g) for g in test.table["group"])
    if shown != tested:
        raise ValueError(f"km_chart: the log-rank test compares {', '.join(tested)} but the chart shows "
                         f"{', '.join(shown)}; run log_rank and kaplan_meier on the same data and group")
    n_t, n_k = test.diagnostics.get("n"), result.diagnostics.get("n")
    if n_t is not None and n_k is not None and n_t != n_k:
        raise ValueError(f"km_chart: the log-rank test used {n_t:,} records but the curves {n_k:,}; "
                         "run both on the same data (and the same entry= for left truncation)")
    d = test.diagnostics
    strat = ", stratified" if "stratified" in test.method else ""
    reading = (f"the groups' rates of {evl} differ by more than chance alone would readily explain"
               if test.p_value < 0.05 else
               f"no clear evidence that the groups' rates of {evl} differ (which is not evidence that "
               "they are the same)")
    return f"Log-rank test{strat}: chi-square {d['chisq']:.2f} on {d['df']} df, {_p(test.p_value)}: {reading}."


def km_chart(result, *, title: str | None = None, show_censors: bool | None = None,
             at_risk: bool = True, xmax: float | None = None, source: str = "",
             policy: str = "published", test=None):
    """Chart a :func:`evaltools.stats.survival.kaplan_meier` result.

    One step curve per group (colour, line style and a marker in the legend differ, so
    greyscale prints read), the pointwise interval shaded, censoring shown as small
    vertical ticks (by default only when there are at most 150 censoring times), and
    the numbers still at risk at each x tick in a table under the axis. ``xmax`` cuts
    the time axis (e.g. at 36 months, where few placements are still followed).

    ``policy`` (:mod:`evaltools.sdc`; default ``"published"``, the safe choice for a
    board paper) governs the counts printed: the legend's "(n placements, k events)"
    and the numbers at risk show ``c`` for 1 to 5 under ``ofsted`` and ``published``
    (events also when the placements without one are 1 to 5), and a group of 1 to 5
    is not drawn at all, since each step of its curve would give away one child.
    ``internal`` prints every count. The steps at the tail of a larger group, where
    1 to 5 are still at risk, remain visible: cut the axis there with ``xmax`` if the
    step sizes would identify children.

    ``test``: a :func:`evaltools.stats.survival.log_rank` result on the same records
    and groups; its chi-square, degrees of freedom and p-value, with a plain-English
    reading, go in the footnote. (The log-rank result holds no curves, so the chart of
    a test is this chart of the matching Kaplan-Meier fit.)
    """
    pol = sdc.policy(policy)
    d = result.diagnostics
    s = result.series
    unit = d.get("time_unit") or "time units"
    subj = d.get("subject_label", "subjects")
    evl = d.get("event_label", "events")
    groups = list(result.table["group"])
    hidden = [bool(pol.suppress_small and sdc.is_small(n)) for n in result.table["n"]]
    test_note = _test_note(test, result, evl) if test is not None else ""
    suppressed = []

    def count(n, of=None):
        text = _count(n, pol, of)
        suppressed.append(text == "c")
        return text

    if show_censors is None:
        show_censors = int((s["censored"] > 0).sum()) <= MAX_CENSOR_TICKS
    if at_risk:
        fig, (ax, ax_t) = plt.subplots(2, 1, figsize=(8, 4.6 + 0.28 * len(groups)), dpi=100,
                                       gridspec_kw={"height_ratios": [4, 0.55 + 0.3 * len(groups)]},
                                       sharex=True)
    else:
        fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
        ax_t = None
    for i, g in enumerate(groups):
        st = s[s["group"].isna()] if g is None else s[s["group"] == g]
        row = result.table.iloc[i]
        col, ls = COLOURS[i % len(COLOURS)], LINESTYLES[i % len(LINESTYLES)]
        if hidden[i]:
            ax.plot([], [], color=col, linestyle=ls, linewidth=2.2, marker=MARKERS[i % len(MARKERS)],
                    markersize=5, label=f"{_name(g)} ({count(row['n'])} {subj}): curve not shown")
            continue
        x = st["time"].to_numpy(float)
        ax.fill_between(x, 100 * st["ci_low"].to_numpy(float), 100 * st["ci_high"].to_numpy(float),
                        step="post", color=col, alpha=0.18, linewidth=0)
        ax.step(x, 100 * st["survival"].to_numpy(float), where="post", color=col, linestyle=ls,
                linewidth=2.2, marker=MARKERS[i % len(MARKERS)], markevery=[0], markersize=5,
                label=f"{_name(g)} ({count(row['n'])} {subj}, "
                      f"{count(row['events'], of=row['n'])} {evl})")
        if show_censors:
            c = st[st["censored"] > 0]
            ax.plot(c["time"], 100 * c["survival"], linestyle="none", marker="|", markersize=7,
                    color=col, markeredgewidth=1.2)
    style_axes(ax, integer_x=False)
    ax.set_ylim(0, 102)
    ax.set_xlim(0, xmax if xmax is not None else None)
    ax.set_ylabel(d.get("y_label") or "Share without the event (%)")
    origin = d.get("time_origin")
    xlabel = f"{unit.capitalize()} {origin}" if origin else f"Time from the start ({unit})"
    chart_title(ax, title or (d.get("curve_label") or "Share without the event over time"))
    pct = round(result.level * 100)
    ax.legend(loc="lower left", frameon=False, fontsize=8.5)
    ax.set_xlabel(xlabel)
    if ax_t is not None:
        ticks = [t for t in ax.get_xticks() if 0 <= t <= ax.get_xlim()[1]]
        ax_t.set_ylim(-0.5, len(groups) - 0.5)
        ax_t.set_yticks(range(len(groups)))
        ax_t.set_yticklabels([_name(g) for g in groups][::-1], fontsize=8.5)
        for i, g in enumerate(groups):
            st = s[s["group"].isna()] if g is None else s[s["group"] == g]
            y = len(groups) - 1 - i
            for t in ticks:
                ax_t.text(t, y, count(_n_at_risk(st, t)), ha="center", va="center", fontsize=8.5,
                          color=COLOURS[i % len(COLOURS)])
        ax_t.set_title(f"Number of {subj} still at risk", loc="left", fontsize=9, color="#444444")
        ax_t.spines[["top", "right", "left", "bottom"]].set_visible(False)
        ax_t.tick_params(axis="y", length=0, pad=24)
        ax_t.tick_params(axis="x", length=0, labelbottom=False)
        ax.set_xticks(ticks)
        ax.tick_params(labelbottom=True)
    note = (f"Shaded: {pct}% confidence interval ({d.get('conf_type', 'log')} scale)."
            + (" Ticks mark censoring (ended another way or still going)." if show_censors else ""))
    if any(hidden):
        note += f" A group of 1 to 5 {subj} is not drawn."
    if any(suppressed):
        note += f" c: 1 to 5 {subj} or {evl} (or a count that would reveal them), not shown."
    if test_note:
        note = f"{test_note} {note}"
    if source:
        note += f" {source}"
    footnote(fig, note)
    bits = []
    for i, g in enumerate(groups):
        row = result.table.iloc[i]
        if hidden[i]:
            bits.append(f"{_name(g)}: curve not shown (1 to 5 {subj})")
        elif np.isfinite(row["median"]):
            bits.append(f"{_name(g)}: median {row['median']:.3g} {unit}")
        else:
            st = s[s["group"].isna()] if g is None else s[s["group"] == g]
            bits.append(f"{_name(g)}: median not reached, {sdc.round_half_up(100 * st['survival'].iat[-1]):.0f}% "
                        f"still without {evl} at {st['time'].iat[-1]:.3g} {unit}")
    fig.alt_text = (f"Kaplan-Meier step chart of the share of {subj} without {evl} against "
                    f"{xlabel.lower()}, with {pct}% intervals shaded; " + "; ".join(bits) + "."
                    + (f" {test_note}" if test_note else ""))
    return fig


HR_TICKS = (0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10, 20)


def _term_words(term: str) -> str:
    """"period[after]" -> "period = after"; a numeric term as it is."""
    if term.endswith("]") and "[" in term:
        col, level = term[:-1].split("[", 1)
        return f"{col} = {level}"
    return term


def _hr_title(r, who: str, indicator: bool, evl: str, pct: int) -> str:
    """The finding for one term in words: a direction only when the interval excludes 1."""
    hr = f"HR {r['hr']:.2f}" + ("" if indicator else " per unit")
    if r["ci_high"] < 1 or r["ci_low"] > 1:
        often = "less often" if r["ci_high"] < 1 else "more often"
        return (f"{who} had {evl} {often} ({hr})" if indicator
                else f"Higher {who} went with {evl} {often} ({hr})")
    return (f"No clear difference in {evl} for {who[:1].lower() + who[1:]} ({hr}, {pct}% CI "
            f"{r['ci_low']:.2f} to {r['ci_high']:.2f})" if indicator else
            f"No clear link between {who} and {evl} ({hr}, {pct}% CI {r['ci_low']:.2f} to "
            f"{r['ci_high']:.2f})")


def hazard_ratio_chart(result, *, term: str | None = None, term_label: str | None = None,
                       labels: dict | None = None, title: str | None = None,
                       policy: str = "published", source: str = ""):
    """Forest plot of a :func:`evaltools.stats.survival.cox` result: one row per
    coefficient, the hazard ratio as a point with its interval as a bar on a log x-axis
    (so 0.5 and 2 sit the same distance from 1), a vertical line at 1 (no difference),
    and a side column with the hazard ratio, its interval and the proportional-hazards
    test p-value (flagged in colour below 0.05: the effect seems to change over
    follow-up, so its hazard ratio is an average).

    ``term`` names the coefficient the chart is about (e.g. ``"period[after]"``): it is
    drawn in a second colour and the title states the finding in words, with
    ``term_label`` the words for it ("Placements after the change" gives "Placements
    after the change had unplanned endings less often (HR 0.71)"). A direction is
    stated only when the interval excludes 1; otherwise the title says there is no
    clear difference. Without ``term`` the title is neutral. ``labels`` maps terms to
    the words on the y-axis. ``title`` overrides the title.

    ``policy`` (:mod:`evaltools.sdc`, default ``"published"``): under ``ofsted`` and
    ``published`` a hazard ratio for an indicator term resting on 1 to 5 records or
    events (with the level, or without it) is not drawn and reads ``c``, and the
    footnote's counts show ``c`` for 1 to 5. Hand-written: statsmodels has no chart.
    """
    t = result.table
    if t is None or not {"term", "hr", "ci_low", "ci_high"} <= set(t.columns):
        raise ValueError("hazard_ratio_chart: pass a result of evaltools.stats.survival.cox "
                         "(its table has term, hr, ci_low and ci_high)")
    pol = sdc.policy(policy)
    d = result.diagnostics
    evl = d.get("event_label", "events")
    subj = d.get("subject_label", "subjects")
    pct = round(result.level * 100)
    terms = list(t["term"])
    if term is not None and term not in terms:
        raise ValueError(f"hazard_ratio_chart: term {term!r} is not in the model; its terms are "
                         f"{', '.join(terms)}")
    labels = dict(labels or {})
    if term is not None and term_label:
        labels.setdefault(term, term_label)
    n_all, ev_all = d.get("n"), d.get("events")

    def small(v) -> bool:
        return v is not None and np.isfinite(v) and bool(sdc.is_small(v))

    def hide(r) -> bool:
        if not pol.suppress_small or not np.isfinite(r.get("n_level", np.nan)):
            return False
        n, e = r["n_level"], r["events_level"]
        return any(small(v) for v in (n, e, None if n_all is None else n_all - n,
                                      None if ev_all is None else ev_all - e))

    rows = t.to_dict("records")
    k = len(rows)
    fig, (ax, ax_txt) = plt.subplots(1, 2, figsize=(8, 2.1 + 0.45 * k), dpi=100, sharey=True,
                                     gridspec_kw={"width_ratios": [3, 2 if "ph_p_value" in t else 1.3]})
    ax.set_xscale("log")
    ax.axvline(1, color=OKABE_ITO["black"], linewidth=1.1, zorder=1, gid="no_difference")
    shown, bits, hidden = [], [], []
    # the side column: an axis of its own sharing y, the two columns placed in points
    # from its left edge so long intervals never run into the p-values
    ax_txt.axis("off")
    ax_txt.set_xlim(0, 1)
    col_hr = offset_copy(ax_txt.transData, fig=fig, x=4, units="points")
    col_ph = offset_copy(ax_txt.transData, fig=fig, x=4 + 112, units="points")
    unestimable = []
    has_ph = "ph_p_value" in t.columns
    for i, r in enumerate(rows):
        y = k - 1 - i
        ok = all(np.isfinite(r[c]) and r[c] > 0 for c in ("hr", "ci_low", "ci_high"))
        if hide(r):
            hidden.append(r["term"])
            hr_text = "c"
        elif not ok:
            unestimable.append(r["term"])
            hr_text = "not estimable"
        else:
            mine = r["term"] == term
            col = OKABE_ITO["vermillion"] if mine else OKABE_ITO["blue"]
            eb = ax.errorbar([r["hr"]], [y], xerr=[[r["hr"] - r["ci_low"]], [r["ci_high"] - r["hr"]]],
                             fmt="D" if mine else "o", color=col, markersize=7, capsize=4,
                             elinewidth=1.8, zorder=3)
            line, _, (bars,) = eb.lines
            line.set_gid(f"hr:{r['term']}")
            bars.set_gid(f"ci:{r['term']}")
            shown.append(r)
            hr_text = f"{r['hr']:.2f} ({r['ci_low']:.2f} to {r['ci_high']:.2f})"
            bits.append(f"{labels.get(r['term'], _term_words(r['term']))} {hr_text}")
        ax_txt.text(0, y, hr_text, transform=col_hr, va="center", ha="left", fontsize=8.5)
        if has_ph and np.isfinite(r["ph_p_value"]) and hr_text != "c":
            flag = r["ph_p_value"] < 0.05
            ax_txt.text(0, y, _p(r["ph_p_value"]).removeprefix("p = "), transform=col_ph,
                        va="center", ha="left", fontsize=8.5,
                        color=OKABE_ITO["vermillion"] if flag else "#222222",
                        fontweight="bold" if flag else "normal")
    ax_txt.text(0, k - 0.3, f"HR ({pct}% CI)", transform=col_hr, va="center", ha="left", fontsize=8.5,
                fontweight="bold")
    if has_ph:
        ax_txt.text(0, k - 0.3, "PH test p", transform=col_ph, va="center", ha="left", fontsize=8.5,
                    fontweight="bold")
    ax.set_yticks(range(k))
    ax.set_yticklabels([labels.get(r["term"], _term_words(r["term"])) for r in rows][::-1])
    ax.set_ylim(-0.6, k)
    lo = min([r["ci_low"] for r in shown] + [1.0])
    hi = max([r["ci_high"] for r in shown] + [1.0])
    ax.set_xlim(lo / 1.3, hi * 1.3)
    ax.xaxis.set_major_locator(FixedLocator([v for v in HR_TICKS if lo / 1.3 <= v <= hi * 1.3]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    style_axes(ax, integer_x=False)
    ax.set_xlabel(f"Hazard ratio (log scale): below 1, {evl} less often; above 1, more often")
    ph_caution = ""
    if term is not None and term not in hidden and term not in unestimable:
        r = rows[terms.index(term)]
        # a 0/1 column compares those with it against those without, like a level
        indicator = term.endswith("]") or np.isfinite(r.get("n_level", np.nan))
        who = term_label or (f"{subj.capitalize()} with {_term_words(term)}" if indicator else term)
        if title is None:
            title = _hr_title(r, who, indicator, evl, pct)
        if has_ph and r["ph_p_value"] < 0.05:
            ph_caution = (f" The hazard ratio for {who[:1].lower() + who[1:]} is an average over "
                          f"follow-up: its effect seems to change with time ({_p(r['ph_p_value'])}), "
                          "so read it with the Kaplan-Meier curves.")
    title = title or f"Hazard ratios for {evl}, with {pct}% confidence intervals"
    chart_title(ax, title)
    note = (f"{_count(n_all, pol) if n_all is not None else '?'} {subj}, "
            f"{_count(ev_all, pol, of=n_all) if ev_all is not None else '?'} {evl}. "
            f"Cox model; bars are {pct}% confidence intervals. A hazard ratio compares the rate of "
            f"{evl} among {subj} still at risk, holding the other terms fixed.")
    if has_ph:
        note += (" PH test p: the proportional-hazards check; below 0.05 (in colour) the effect seems "
                 "to change over follow-up, so its hazard ratio is an average.")
    note += ph_caution
    if hidden:
        note += f" c: rests on 1 to 5 {subj} or {evl}, not shown."
    if unestimable:
        note += (" Not estimable: the model could not estimate the ratio (often a level with no "
                 f"{evl}); see the result's warnings.")
    if source:
        note += f" {source}"
    footnote(fig, note)
    fig.alt_text = (f"Forest plot of hazard ratios for {evl} with {pct}% intervals on a log scale, "
                    "a line at 1 meaning no difference; " + ("; ".join(bits) or "no ratio shown") + ".")
    return fig
