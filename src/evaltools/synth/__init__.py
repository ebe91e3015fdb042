"""Synthetic SSDA903 extracts with known, injected intervention effects.

No real child-level data can be in the repository, so the demo and the tests of the
evaluation methods use data generated here: realistic, calibrated to DfE's national
figures, deterministic for a seed, with interventions whose true effect is recorded.
"""

from .generate import SynthConfig, SynthResult, generate, parameters, write
from .simulate import Intervention

__all__ = ["SynthConfig", "SynthResult", "Intervention", "generate", "write", "parameters", "is_synthetic",
           "synthetic_las"]


def is_synthetic(folder) -> bool:
    """True for an extract this package generated (it carries synth.yaml), so reports
    can say their child-level figures are synthetic, not real children's."""
    from pathlib import Path
    try:
        return (Path(folder) / "synth.yaml").is_file()
    except TypeError:
        return False


def synthetic_las(folder) -> list[str]:
    """The LAs (DfE numbers) a synthetic extract was generated for, from its synth.yaml;
    empty for any other extract."""
    from pathlib import Path

    from .. import yamlio
    if not is_synthetic(folder):
        return []
    doc = yamlio.load((Path(folder) / "synth.yaml").read_text(encoding="utf-8")) or {}
    return [str(x) for x in doc.get("las") or []]
