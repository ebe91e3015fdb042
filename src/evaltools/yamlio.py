"""Reading YAML files (strategies, evaluations, the registry, the 903 schema).

The same safe subset of YAML as ``yaml.safe_load``, parsed by libyaml's C parser where
PyYAML was built with it (its wheels are): a strategy file reads about ten times faster,
and every notebook of a run reads one. Errors are the same ``yaml.YAMLError``s, with the
line and column of the problem."""

from __future__ import annotations

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(stream):
    """Parse one YAML document from a string or an open file."""
    return yaml.load(stream, Loader=_LOADER)  # noqa: S506 - a safe loader
