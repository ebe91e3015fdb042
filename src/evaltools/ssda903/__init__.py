"""SSDA903: read a council's child-level extracts safely, check them, pseudonymise them."""

from .extract import Extract, combine, combine_history, read_extract
from .schema import schema_for

__all__ = ["Extract", "read_extract", "combine", "combine_history", "schema_for"]
