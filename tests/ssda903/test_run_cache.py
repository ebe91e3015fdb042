"""Within a run, an extract is ingested once and shared through the run's private cache."""

from __future__ import annotations

import pandas as pd

from evaltools.paths import REPO_ROOT, RUN_CACHE_ENV
from evaltools.ssda903 import extract as ex_mod
from evaltools.ssda903 import read_extract

from .builders import SALT

FAKE = REPO_ROOT / "data" / "ssda903_fake"


def test_second_read_in_a_run_comes_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(RUN_CACHE_ENV, str(tmp_path))
    a = read_extract(FAKE, salt=SALT)
    cached = list(tmp_path.glob("extract-*.pkl"))
    assert len(cached) == 1 and SALT not in cached[0].name
    assert SALT.encode() not in cached[0].read_bytes()          # the key is never written down
    calls = []
    monkeypatch.setattr(ex_mod, "_read_extract", lambda *a, **k: calls.append(1))
    b = read_extract(FAKE, salt=SALT)
    assert calls == []                                           # not read again
    pd.testing.assert_frame_equal(a.tables["Episodes"], b.tables["Episodes"])
    # another key gives other pseudonyms: its own cache entry, never the first one's
    assert ex_mod._run_cache_path(FAKE, None, b"another-key-0123456789", True) != cached[0]


def test_without_a_run_nothing_is_cached(tmp_path, monkeypatch):
    monkeypatch.delenv(RUN_CACHE_ENV, raising=False)
    assert ex_mod._run_cache_path(FAKE, None, SALT.encode(), True) is None
