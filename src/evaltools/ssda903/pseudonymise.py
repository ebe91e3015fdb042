"""Pseudonymisation on ingest: nothing after the reader sees a raw identifier.

* ``CHILD`` and ``SW_ID`` become keyed hashes: HMAC-SHA-256 with a secret salt, so the
  same child links across years and tables, but the hash cannot be reversed or
  recomputed without the salt. The salt comes from the ``EVALTOOLS_SALT`` environment
  variable (or is passed in); it is never written to any output, manifest or log.
* Dates of birth (``DOB``, ``MC_DOB``) become the first day of the month of birth.
* ``UPN`` is dropped; only whether one was recorded (or which "UN" reason code) is kept.
* Home and placement postcodes become postcode districts ("HR1 2HX" -> "HR1"), after
  the placement distance has been computed from the full postcodes.
"""

from __future__ import annotations

import hmac
import os

import numpy as np
import pandas as pd

from ..errors import ConfigError

SALT_ENV = "EVALTOOLS_SALT"
HASH_CHARS = 20   # 80 bits: collisions negligible at national scale (~10^6 children)


def get_salt(salt: str | bytes | None = None) -> bytes:
    """The pseudonymisation key: the argument, else ``EVALTOOLS_SALT``."""
    if salt is None:
        salt = os.environ.get(SALT_ENV)
    if not salt:
        raise ConfigError(
            "no pseudonymisation salt is set",
            fix=f"Set the environment variable {SALT_ENV} to a long random secret kept outside the "
                "repository, e.g. made once with `python3 -c \"import secrets; print(secrets.token_hex(32))\"` "
                "(docs/privacy.md)")
    if isinstance(salt, str):
        salt = salt.encode("utf-8")
    if len(salt) < 16:
        raise ConfigError(f"the pseudonymisation salt is only {len(salt)} character{'s' if len(salt) != 1 else ''}",
                          fix=f"Set {SALT_ENV} to at least 16 random characters")
    if len(set(salt)) < 8:      # "aaaaaaaaaaaaaaaa", "1212121212121212": guessable
        raise ConfigError(f"the pseudonymisation salt uses only {len(set(salt))} different characters",
                          fix=f"Set {SALT_ENV} to a random secret, e.g. made with `python3 -c \"import secrets; "
                              "print(secrets.token_hex(32))\"`")
    return salt


class IdHasher:
    """Keyed hashes of identifiers, each distinct identifier hashed once.

    Keep one hasher for a whole extract: an identifier already seen (in another table
    or an earlier year) costs one dictionary lookup instead of an HMAC. At national
    scale this cuts pseudonymisation from ~11 s to ~2 s.
    """

    def __init__(self, salt: bytes, kind: str = "child"):
        self._salt = salt
        self._prefix = kind.encode("utf-8") + b":"
        self._known: dict = {}          # raw value as read -> hash (None for blank)

    def _hash(self, raw) -> str | None:
        key = str(raw).strip()
        if not key:
            return None
        h = self._known.get(key)
        if h is None:
            h = hmac.digest(self._salt, self._prefix + key.encode("utf-8"), "sha256").hex()[:HASH_CHARS]
            self._known[key] = h
        return h

    def __call__(self, ids: pd.Series) -> pd.Series:
        """The hash of each id (blank or missing stays missing), as Python strings."""
        codes, uniq = pd.factorize(ids, sort=False)
        keys = uniq.tolist()
        out = np.array(list(map(self._known.get, keys)) + [None], dtype=object)
        # last slot: factorize's -1 (missing). Unseen ids (and blanks) come back None.
        for i in np.flatnonzero(pd.isna(out[:-1])):
            out[i] = self._known[keys[i]] = self._hash(keys[i])
        return pd.Series(out[codes], index=ids.index, dtype=object)


def hash_ids(ids: pd.Series, salt: bytes, kind: str = "child") -> pd.Series:
    """Keyed hashes of identifiers (blank stays blank), as Python strings."""
    return IdHasher(salt, kind)(ids)


def month_of_birth(dates: pd.Series) -> pd.Series:
    """The first day of the month of each date."""
    return dates.dt.to_period("M").dt.to_timestamp()


def postcode_district(postcodes: pd.Series) -> pd.Series:
    """The outward code (district) of a normalised postcode: 'HR1 2HX' -> 'HR1'."""
    codes, uniq = pd.factorize(postcodes, sort=False)
    out = np.array([str(u).split(" ")[0] for u in uniq] + [None], dtype=object)
    return pd.Series(out[codes], index=postcodes.index, dtype=object)


def upn_status(upn: pd.Series) -> pd.Series:
    """What a UPN field says without the UPN: 'UN1'...'UN10' reason codes, 'recorded', or NA."""
    s = upn.astype("string").str.strip().str.upper()
    is_un = s.str.fullmatch(r"UN\d{1,2}").fillna(False)
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    out[is_un] = s[is_un]
    out[~is_un & s.notna() & (s != "")] = "recorded"
    return out
