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
# extract: folder of SSDA903 CSVs (one sub-folder per year), relative to the repository.
# year: collection year (year ending 31 March) when the folder names do not say.
# policy: disclosure policy for every table and count: published (the default, as every
# report's: counts of 1 to 5 show as c), ofsted, or internal (every count, for the analyst
# fixing the extract; the report must then stay inside the council).
extract = "data/ssda903_fake"
year = None
policy = "published"

# %%
from IPython.display import Markdown, display

from evaltools import quality, report

ex = quality.load(extract, year)
display(report.style())
display(Markdown("# Data quality of the SSDA903 extract"))
display(Markdown(quality.about(ex, extract, policy)))
display(Markdown(quality.headline(ex, policy)))

# %% [markdown]
# Child identifiers were replaced by keyed hashes as the files were read, dates of birth
# by months and postcodes by districts. This report shows counts only: no child's
# record appears in it. Rows with an *error* are left out of the measures that use the
# affected column, and counted below, so no figure silently rests on them; *warnings*
# are reported but the rows are used.
#
# ## Files read

# %%
display(Markdown(quality.files_sentence(ex)))
fixed = quality.files_table(ex, policy)
if len(fixed):
    report.show_table(fixed, caption="Files fixed in memory (the files themselves are unchanged)")

# %% [markdown]
# ## Rows by table and year

# %%
report.show_table(quality.counts_table(ex, policy), caption="Rows read")

# %% [markdown]
# ## Issues by check

# %%
report.show_table(quality.issues_table(ex, policy),
                  caption="Issues found, and what each means for the measures",
                  empty="No issues found: every row passed every check.")

# %% [markdown]
# ## What this means for the measures

# %%
report.show_table(quality.exclusions_table(ex, policy),
                  caption="Rows left out of measures because of errors",
                  empty="No rows were left out of any measure.")

# %% [markdown] tags=["remove-from-report"]
# The rows read below are what the notebook tests check.

# %% tags=["remove-from-report"]
print(quality.counts_table(ex, policy).to_string(index=False))
