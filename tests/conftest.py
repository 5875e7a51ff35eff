"""Test setup: offline data from the shared mirror, and a throw-away cache.

``ORBITVIZ_DATA_MIRROR`` points at ``../shared/data`` (beside the project root) when unset and
that folder exists; ``ORBITVIZ_CACHE_DIR`` points at a fresh temporary folder for the session so
tests never read or write the user's cache.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

if "ORBITVIZ_DATA_MIRROR" not in os.environ and SHARED_DATA.is_dir():
    os.environ["ORBITVIZ_DATA_MIRROR"] = str(SHARED_DATA)
_CACHE = tempfile.mkdtemp(prefix="orbitviz-test-cache-")
os.environ["ORBITVIZ_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

HAVE_MIRROR = bool(os.environ.get("ORBITVIZ_DATA_MIRROR"))
needs_mirror = pytest.mark.skipif(
    not HAVE_MIRROR, reason="needs ORBITVIZ_DATA_MIRROR (../shared/data) for real kernels"
)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The data mirror folder (skips the test when there is none)."""
    if not HAVE_MIRROR:
        pytest.skip("needs ORBITVIZ_DATA_MIRROR")
    return Path(os.environ["ORBITVIZ_DATA_MIRROR"])
