# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Parameters (papermill replaces this cell).
# la: DfE number, ONS code or name. strategy: a strategy id whose targets set the RAG
# rating where it has one, or None (against England). comparator: "statistical_neighbours",
# "region" or a list of LAs. policy: internal, ofsted or published.
# ofsted: the strategy id of the council's latest Ofsted letter, its points tracked as a
# strategy (as data/strategies/ofsted_herefordshire_2024.yaml), or None.
# local: a local measures CSV with the figures only the council's records hold, or None.
la = "884"
strategy = "herefordshire_2025_27"
comparator = "statistical_neighbours"
policy = "published"
ofsted = None
local = None

# %%
from IPython.display import Markdown, display

from evaltools import briefing, report

b = briefing.scorecard(la, strategy=strategy, comparator=comparator, policy=policy)
letter = briefing.letter_review(b, ofsted, local=local)
display(report.style())
display(Markdown(f"# Ofsted (ILACS) briefing: {b.la.display_name}\n\nFor Ofsted's inspection of local authority "
                 "children's services (ILACS): where the council stands, and what inspectors will see."))

# %% [markdown]
# ## Key messages
#
# Drafted from the scorecard and the other measures to know about, for the director to
# check and edit.

# %%
messages = briefing.key_messages(b) + ([briefing.letter_message(letter, policy)] if letter else [])
display(Markdown("\n\n".join(messages)))

# %%
if letter is not None:
    report.show_letter_points(letter, policy)

# %% [markdown]
# ## About this pack

# %%
display(report.briefing_intro(b))

# %% [markdown]
# ## Scorecard
#
# The "On the year before" column compares the latest year with the one before, not with
# a strategy's or a letter's baseline (their reviews give those): an arrow, and "within
# noise" when the change is smaller than chance alone would give (95% interval): for a percentage with
# counts, against the year before; for a rate or an average, against the statistical
# neighbours' change over the same year, as the review and the topic reports test it;
# "untested" where neither can be run. Band A is the best-performing quarter of English
# councils (Q1 to Q4 for measures with no better or worse).

# %%
report.show_scorecard(b)

# %% [markdown]
# ## Other measures to know about
#
# The scorecard's measures are fixed; an inspector sees every published one. These are
# the other measures DfE publishes for every council (those of the benchmarking report)
# on which the council's latest figure is in the worst quarter of councils (band D), or
# worse than England or its neighbours beyond noise (the council's 95% interval clears
# their figure). A latest figure that is suppressed is not rated, as on the scorecard.

# %%
report.show_others(b)

# %%
display(report.page_break())

# %% [markdown]
# The pages that follow take each judgement area in turn: its scorecard, then each
# measure against the statistical neighbours and England over the years; then the other
# measures to know about, the same way.

# %%
for i, area in enumerate(briefing.AREAS):
    report.show_theme(b, area, new_page=i > 0)
report.show_other_pages(b)

# %% [markdown]
# ## Terms used

# %%
report.show_terms("briefing")

# %% [markdown] tags=["remove-from-report"]
# The RAG counts and the other measures to know about, below, are what the notebook
# tests check.

# %% tags=["remove-from-report"]
print(b.counts())
print(b.others[["Measure", "Year", "Latest", "Band"]].to_string(index=False))
