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
# Parameters (papermill replaces this cell). la: DfE number, ONS code or name.
# measures: registry ids, or None for every published measure.
# comparator: "statistical_neighbours", "region", or a list of LA codes.
# years: [first, last] years ending 31 March, or None for every year published.
la = "884"
measures = None
comparator = "statistical_neighbours"
years = None
# policy: disclosure policy for every table, statement and chart: internal, ofsted or published.
policy = "published"
# charts: "all", "headline" (the ILACS scorecard's key measures; every measure still
# gets its statement and table) or a list of measure ids.
charts = "all"

# %%
from IPython.display import Markdown, display

from evaltools import benchmark, report

bm = benchmark.benchmark(la, measures, comparator=comparator,
                         periods=tuple(years) if years else None)
display(report.style())
display(Markdown(f"# Benchmarking {bm.la.display_name}: children looked after and care leavers"))
display(report.benchmark_intro(bm, policy))

# %% [markdown]
# ## At a glance
#
# The latest published year for each measure. Quartile band A is the best-performing
# quarter of English LAs on that measure, respecting whether higher or lower is better;
# measures without a polarity are banded Q1 (lowest values) to Q4 (highest).

# %%
report.show_table(report.latest_table(bm, policy), caption="Latest published figures")

# %% [markdown]
# ## Measure by measure

# %%
report.show_benchmarking(bm, charts, policy)

# %% [markdown] tags=["remove-from-report"]
# The latest figures below are what the notebook tests check.

# %% tags=["remove-from-report"]
print(report.latest_table(bm, policy).to_string(index=False))
