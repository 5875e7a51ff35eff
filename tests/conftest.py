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


# -- GUI and OpenGL tests: skip with a reason on a developer's machine, never in CI -------------
CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
"""``CI=true`` (what .ci/run runs under): a skipped ``gui`` or ``gl`` test is a failure there,
because .ci/run installs what they need (Xvfb, Mesa's EGL) and a skip would hide a broken
setup behind a green run."""

GL_FIXTURES = ("gl_backend", "qapp")
WINDOW_TESTS = "test_gui_window.py"


def pytest_collection_modifyitems(config, items):
    """Marks every test that uses an OpenGL fixture ``gl``; and leaves the window tests to
    ``test_gui_process.py`` (which runs them in a process of their own: VisPy keeps one app per
    process) unless they are all that was collected."""
    for item in items:
        if any(name in item.fixturenames for name in GL_FIXTURES):
            item.add_marker(pytest.mark.gl)
    if os.environ.get("ORBITVIZ_GUI_PROCESS") == "1":
        return
    window = [item for item in items if item.path.name == WINDOW_TESTS]
    if window and len(window) < len(items):
        config.hook.pytest_deselected(items=window)
        items[:] = [item for item in items if item.path.name != WINDOW_TESTS]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under ``CI=true`` a skipped ``gui`` or ``gl`` test fails, with the skip's reason."""
    outcome = yield
    report = outcome.get_result()
    if not (CI and report.skipped) or hasattr(report, "wasxfail"):
        return
    if item.get_closest_marker("gui") is None and item.get_closest_marker("gl") is None:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"CI=true: this GUI/OpenGL test may not skip in CI (.ci/run installs what it needs); "
        f"it skipped because: {reason}"
    )
