"""Statistical helpers for impact evaluation; each returns a :class:`Result`.

Proportions (:mod:`.proportions`) and power (:mod:`.power`) so far; interrupted time
series, difference-in-differences, synthetic control, SPC, funnel plots and survival
follow (issue 6).
"""

from .diffindiff import DiDResult, did
from .power import mde_proportion, mde_sentence, n_prop_test, n_t_test, power_prop_test, power_t_test
from .proportions import (before_after, difference, difference_ci, proportion, proportion_ci, risk_ratio,
                          verdict)
from .results import Result
from .timeseries import ITSResult, its

__all__ = ["Result", "proportion", "proportion_ci", "difference", "difference_ci", "risk_ratio",
           "verdict", "power_t_test", "n_t_test", "power_prop_test", "n_prop_test",
           "mde_proportion", "mde_sentence", "before_after", "its", "ITSResult", "did", "DiDResult"]
