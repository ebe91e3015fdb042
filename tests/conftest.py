"""Shared fixtures. Published data are loaded once per session: the loader is pure."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from evaltools import published
from evaltools.paths import REPO_ROOT

# The published-measure cache (see evaltools.published) lives in a fresh folder for the
# test session, shared with the notebook kernels the tests start; never the user's own.
os.environ[published.CACHE_ENV] = tempfile.mkdtemp(prefix="evaltools-test-cache-")
# removed when the session ends: each holds up to about 34 MB of parquet, and 280 sessions
# had left 4.6 GB in /tmp
atexit.register(shutil.rmtree, os.environ[published.CACHE_ENV], ignore_errors=True)
# nbval's kernels (tests/nbval) read the child-level sample, which needs a
# pseudonymisation key; the outputs are aggregates, so any key gives the same figures.
# Tests of what happens without one remove it with monkeypatch.
os.environ.setdefault("EVALTOOLS_SALT", "test-session-key-not-secret-0123")

DATA = REPO_ROOT / "data"
TEST_DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def indicators():
    """Every registry measure for every area, from the bundled DfE data."""
    return published.load_indicators()


@pytest.fixture
def not_dfe(monkeypatch):
    """Every figure taken as one evaltools worked out itself (a council's 903 or local
    figure), not one DfE published: the disclosure rules that spare DfE's own figures
    (``sdc.dfe_published``) then apply to Herefordshire's published counts, which give
    tests real figures leaving 1 to 5 out (staying put at 18, 2022: 9 of 13)."""
    import numpy as np
    from evaltools import sdc
    monkeypatch.setattr(sdc, "dfe_published", lambda frame: np.zeros(len(frame), dtype=bool))


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of data/ that a test may damage."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    published._load_table_cached.cache_clear()
    published._areas_cached.cache_clear()
    published._lait_raw.cache_clear()
    published._lait_by_code.cache_clear()
    yield dst
    published._load_table_cached.cache_clear()
    published._areas_cached.cache_clear()
    published._lait_raw.cache_clear()
    published._lait_by_code.cache_clear()


def row(frame, area, period, measure):
    """The single indicator row for an area, year and measure."""
    r = frame[(frame.area_code == area) & (frame.period == period) & (frame.measure == measure)]
    assert len(r) == 1, f"expected one row for {area} {period} {measure}, got {len(r)}"
    return r.iloc[0]


def fits_canvas(fig) -> bool:
    """Everything a chart draws lies on its figure: reports save charts at the figure's
    own size (no ``bbox_inches="tight"``), so anything outside it would be cut off."""
    fig.canvas.draw()
    box = fig.get_tightbbox()                   # inches
    w, h = fig.get_size_inches()
    return box.x0 >= -0.01 and box.y0 >= -0.01 and box.x1 <= w + 0.01 and box.y1 <= h + 0.01


def as_read(markdown: str) -> str:
    """Report Markdown as a reader sees its words: a council's text is escaped in it
    (``wording.md``), "54\\.7%" shows as "54.7%"."""
    import re
    return re.sub(r"\\(.)", r"\1", markdown)
