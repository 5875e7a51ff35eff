"""Fixtures for the tests. The environment (``ORBITVIZ_DATA_MIRROR`` at ``../shared/data``,
a throw-away ``ORBITVIZ_CACHE_DIR``) is set up by the root ``conftest.py``, which doctests of
``orbitviz/`` share.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis checks what is computed, never how fast: its default 200 ms deadline and
# "too slow" health check failed a parser test on a loaded 2-core machine (CI's speed swings
# 2x too). Tests that set their own settings keep them.
settings.register_profile("orbitviz", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("orbitviz")

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


def neodys_subset(last: int, source: str = "NEODyS subset"):
    """The ``last`` objects of the NEODyS snapshot (recent, small, close-approaching) and
    99942 Apophis, as an ElementsTable of their own."""
    import numpy as np

    from orbitviz.smallbodies import read_neodys

    tb = read_neodys()
    sel = np.unique(np.r_[np.arange(len(tb) - last, len(tb)), tb.find("99942")])
    return type(tb)(
        tb.table.iloc[sel].reset_index(drop=True),
        tb.conics[sel],
        tb.bad_rows.iloc[:0],
        source,
        tb.gm_km3s2,
    )


def one_error_line(capsys, *argv) -> str:
    """Run ``orbitviz ARGV...``: it must exit 2 with one line on stderr, ``orbitviz: error:
    ...``; that line."""
    from orbitviz.cli import main

    code = main(list(argv))
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2, err
    assert len(err) == 1 and err[0].startswith("orbitviz: error: "), err
    return err[0]


# -- exoplanet transits: Kepler-90's three quarters, analysed once per session ----------------
KEPLER90_FILES = (
    "kplr011442793-2009350155506_llc.fits",
    "kplr011442793-2010009091648_llc.fits",
    "kplr011442793-2010174085026_llc.fits",
)


@pytest.fixture(scope="session")
def kepler90_files(mirror) -> list[Path]:
    """Kepler-90's quarters 3, 4 and 5 (long cadence), from the mirror."""
    from orbitviz import data

    return [data.fetch(name) for name in KEPLER90_FILES]


@pytest.fixture(scope="session")
def kepler90_report(kepler90_files):
    """The transit report of Kepler-90's three quarters (the whole analysis, ~15 s)."""
    import orbitviz

    return orbitviz.transits(kepler90_files)


@pytest.fixture(scope="session")
def kepler90_kois():
    """The KOI table's rows of Kepler-90 (independent truth), by planet letter."""
    from orbitviz.exoplanets.catalogs import koi_planets

    rows = koi_planets(11442793)
    return {str(r["kepler_name"]).split()[-1]: r for _, r in rows.iterrows()}
