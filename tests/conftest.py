"""Fixtures for the tests. The environment (``ORBITVIZ_DATA_MIRROR`` at ``../shared/data``,
a throw-away ``ORBITVIZ_CACHE_DIR``) is set up by the root ``conftest.py``, which doctests of
``orbitviz/`` share.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
