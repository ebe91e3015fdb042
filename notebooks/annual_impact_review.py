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
# strategy: a strategy id from data/strategies, or the path of a council's own YAML.
# extract: a folder of 903 CSVs for the child-level measures, or None.
# local: a local measures CSV (copy data/local/template.csv), or None.
# comparator: who rates are set against: "statistical_neighbours", "region" or a list.
# policy: disclosure policy for every table and label: internal, ofsted or published.
strategy = "herefordshire_2025_27"
extract = "data/sample"
local = None
comparator = "statistical_neighbours"
policy = "published"

# %%
from IPython.display import Markdown, display

from evaltools import report, review

r = review.evaluate(strategy, extract=extract, local=local, comparators=comparator)
display(report.style())
display(Markdown(f"# Annual impact review: {report.md(r.strategy.title)}"))

# %% [markdown]
# ## In short
#
# A first draft from the numbers, for the analyst to check and edit.

# %%
display(Markdown(r.narrative(policy)))

# %% [markdown]
# ## About this review

# %%
display(report.review_intro(r, policy))

# %% [markdown]
# ## Measure by measure
#
# Baseline and latest figures, whether each moved the way intended (as the strategy
# promised, or as Ofsted's letter asked) and met its target, and the statistical
# verdict: **improved beyond noise**, **no detectable change** or **worsened beyond
# noise**. Percentages of children are compared year with
# year (Newcombe's interval); rates, days and averages are set against the statistical
# neighbours' change (difference-in-differences). "c" marks a figure that would reveal
# 1 to 5 children (it rests on them, or leaves them out); "no local data supplied" marks a
# local measure whose figures the council has not yet given (the analyst adds them to the
# local measures template). Each commitment names the figure that measures it and the way
# it should go.

# %%
report.show_review_table(r, policy)

# %% [markdown]
# ## The measures that matter most
#
# Those with a change beyond noise, those that moved the wrong way or missed a target,
# against the statistical neighbours and England; then the council's own local
# measures, which have no national series to compare with, each by year with the
# interval its counts give.

# %%
report.show_review_charts(r, policy, comparator)

# %% [markdown]
# ## Caveats
#
# Read these before quoting a figure: baselines that do not match DfE's published
# figure, definition changes, sudden jumps that may be recording changes, DfE's
# revisions of earlier years and suppressed years.

# %%
report.show_caveats(r, policy)

# %% [markdown]
# ## Terms used

# %%
report.show_terms("review")

# %% [markdown] tags=["remove-from-report"]
# The counts below are what the notebook tests check.

# %% tags=["remove-from-report"]
print(r.counts(policy))
