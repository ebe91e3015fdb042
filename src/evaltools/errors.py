"""Errors a user can act on.

Every mistake a user can make (an unknown LA, a missing data file, a malformed config,
a published file whose columns changed) raises a subclass of :class:`EvaltoolsError`.
The CLI prints its one-line message and exits with status 2, never a traceback.
Messages say what is wrong, where, and how to fix it.
"""

from __future__ import annotations


class EvaltoolsError(Exception):
    """A problem the user can fix. ``str(err)`` is one line: what, where, how to fix."""

    exit_code = 2

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        parts = [what]
        if where:
            parts.append(f"in {where}")
        msg = " ".join(parts)
        if fix:
            msg = f"{msg}. {fix}"
        super().__init__(msg.replace("\n", " "))


class UnknownAreaError(EvaltoolsError):
    """An LA code or name that matches no English local authority."""


class MissingDataError(EvaltoolsError):
    """A data file evaltools needs is not where it should be."""


class SchemaError(EvaltoolsError, ValueError):
    """A data file whose columns or values are not what evaltools expects."""


class IncompleteExtractError(SchemaError):
    """An SSDA903 extract with a year missing a table every return holds: the runner
    stops on it before any report (a year read with no episodes counts no children)."""


class ConfigError(EvaltoolsError):
    """A malformed evaluation YAML or parameter."""


class DisclosureError(EvaltoolsError):
    """An output asked for under a disclosure policy that it would break: a chart whose
    points would give away 1 to 5 children (:mod:`evaltools.sdc`)."""
