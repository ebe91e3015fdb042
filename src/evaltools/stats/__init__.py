"""Statistical helpers for impact evaluation; each returns a :class:`Result`.

Proportions and before/after comparisons (:mod:`.proportions`), power and minimum
detectable effects (:mod:`.power`), interrupted time series (:mod:`.timeseries`),
difference-in-differences (:mod:`.diffindiff`), synthetic control (:mod:`.synth`),
statistical process control (:mod:`.spc`), funnel plots (:mod:`.funnels`) and survival
(:mod:`.survival`). Each takes the tidy indicator frame (:mod:`.frames`) or plain
arrays; the matching charts are in :mod:`evaltools.plots`.
"""

from .diffindiff import DiDResult, did
from .funnels import FunnelResult, funnel
from .power import mde_proportion, mde_sentence, n_prop_test, n_t_test, power_prop_test, power_t_test
from .proportions import (before_after, difference, difference_ci, proportion, proportion_ci, risk_ratio,
                          verdict)
from .results import Result
from .spc import SPCResult, p_chart, p_prime_chart, u_chart, u_prime_chart, xmr
from .survival import (CoxResult, LogRankResult, SurvivalResult, cox, kaplan_meier, log_rank,
                       placement_spells)
from .synth import SynthResult, placebo_p_value, synthetic_control
from .timeseries import ITSResult, SeriesDoesNotVary, its

__all__ = [
    "Result", "proportion", "proportion_ci", "difference", "difference_ci", "risk_ratio", "verdict",
    "before_after", "power_t_test", "n_t_test", "power_prop_test", "n_prop_test", "mde_proportion",
    "mde_sentence", "its", "ITSResult", "SeriesDoesNotVary", "did", "DiDResult", "synthetic_control", "SynthResult",
    "placebo_p_value", "xmr", "p_chart", "p_prime_chart", "u_chart", "u_prime_chart", "SPCResult", "funnel", "FunnelResult",
    "kaplan_meier", "log_rank", "cox", "placement_spells", "SurvivalResult", "LogRankResult", "CoxResult",
]
