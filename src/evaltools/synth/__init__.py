"""Synthetic SSDA903 extracts with known, injected intervention effects.

No real child-level data can be in the repository, so the demo and the tests of the
evaluation methods use data generated here: realistic, calibrated to DfE's national
figures, deterministic for a seed, with interventions whose true effect is recorded.
"""

from .generate import SynthConfig, SynthResult, generate, parameters, write
from .simulate import Intervention

__all__ = ["SynthConfig", "SynthResult", "Intervention", "generate", "write", "parameters"]
