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
# topic: stability, care_leavers, health, safety, permanence or education_workforce.
# la: DfE number, ONS code or name. strategy: a strategy id from data/strategies (its
# dated interventions are evaluated) or None. extract: a folder of 903 CSVs for the
# monthly child-level series, or None. comparator: "statistical_neighbours", "region"
# or a list of LAs. years: [first, last] years ending 31 March of DfE's figures, for
# the trends, comparisons and funnels alike (null for an open end), or None for all.
# policy: disclosure policy for every table and label: internal, ofsted or published.
topic = "stability"
la = "884"
strategy = "herefordshire_2017_20"
extract = "data/sample"
comparator = "statistical_neighbours"
years = None
policy = "published"

# %%
from IPython.display import Markdown, display

from evaltools import report, topics

t = topics.evaluate(la, topic, strategy=strategy, extract=extract, comparator=comparator,
                    years=years, policy=policy)
display(report.style())
display(Markdown(f"# {t.topic.title}: {t.la.display_name}"))
display(report.topic_intro(t))

# %% [markdown]
# ## In short

# %%
display(report.verdict_overview(t))

# %% [markdown]
# ## Trends against the statistical neighbours and England
#
# DfE's published figures by year: the year ending 31 March, the academic year for
# school figures (2024/25), the census for the social work workforce (Sep 2025).
# Quartile band A is the best-performing quarter of English councils on that measure.

# %%
report.show_trends(t)

# %% [markdown]
# ## Month by month
#
# Statistical process control charts of the council's own child-level series, each
# calendar month on its own. Points outside the process limits, or runs of seven on one
# side of the centre, are signals; everything else is the usual variation of a system
# that has not changed.

# %%
report.show_spc(t)

# %% [markdown]
# ## Did the interventions make a difference?
#
# For each dated intervention in the strategy aimed at these measures: an interrupted
# time series on the monthly child-level series (what happened against where the earlier
# trend pointed), and a difference-in-differences against the statistical neighbours on
# DfE's annual figures (the council's change against theirs). National changes touched
# every council, so they are not compared with other councils.

# %%
report.show_evaluations(t)

# %% [markdown]
# ## Where the council stands among all councils
#
# Funnel plots of every English council in the latest year DfE publishes councils'
# counts for (each chart's heading gives it: it can be a year before the latest figure
# in the trends above, where that year has no counts). The limits show how far from the
# average a council of each size can fall by chance alone (95% and 99.8%), widened for
# the real differences between councils (overdispersion).

# %%
report.show_funnels(t)

# %% [markdown]
# ## Verdicts

# %%
report.show_verdicts(t)

# %% [markdown]
# ## Terms used

# %%
report.show_terms("topic")

# %% [markdown] tags=["remove-from-report"]
# The summary line below is what the notebook tests check.

# %% tags=["remove-from-report"]
print(t.summary())
