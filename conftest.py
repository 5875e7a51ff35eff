"""pytest setup for the whole checkout: offline data, a throw-away cache, and what doctest
collection of ``orbitviz/`` may import.

``ORBITVIZ_DATA_MIRROR`` points at ``../shared/data`` (beside the project root) when unset and
that folder exists; ``ORBITVIZ_CACHE_DIR`` points at a fresh temporary folder for the session so
tests and doctests never read or write the user's cache (but for the compiled N-body engine's
folder, ``numba/``, shared with the user's cache so that it is compiled once). This file sits at the root (not in
``orbitviz/``, which would ship it, nor in ``tests/``, which doctests of ``orbitviz/`` do not
see); fixtures for the tests live in ``tests/conftest.py``.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import platformdirs
import pytest
from hypothesis import settings

# CI runs the property tests on hypothesis' fixed examples, so that a submission's result does
# not depend on a random draw; elsewhere they explore (and remember what failed).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent
SHARED_DATA = ROOT.parent / "shared" / "data"

if "ORBITVIZ_DATA_MIRROR" not in os.environ and SHARED_DATA.is_dir():
    os.environ["ORBITVIZ_DATA_MIRROR"] = str(SHARED_DATA)
_USER_CACHE = os.environ.get("ORBITVIZ_CACHE_DIR") or platformdirs.user_cache_dir("orbitviz")
_CACHE = tempfile.mkdtemp(prefix="orbitviz-test-cache-")
os.environ["ORBITVIZ_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
# ... but for the compiled N-body engine, which follows ORBITVIZ_CACHE_DIR and would otherwise
# be compiled again for every session (20-60 s): the session's numba/ is the user's (its
# folders are named by the engine's source, so every checkout and session shares them)
with contextlib.suppress(OSError):
    (Path(_USER_CACHE) / "numba").mkdir(parents=True, exist_ok=True)
    (Path(_CACHE) / "numba").symlink_to(Path(_USER_CACHE) / "numba", target_is_directory=True)


def pytest_sessionstart(session) -> None:
    """Compile the N-body engine once, before any test starts processes that would each compile
    it (~20 s of CPU each: the command line in a subprocess, Dask workers). Later runs, and
    other checkouts of the same code, find it in the cache (orbitviz.dynamics._engine.jit)
    and skip this."""
    from orbitviz.dynamics._engine.jit import CACHE_DIR

    if not any(CACHE_DIR.glob("ias15.integrate-*.nbi")):
        from orbitviz.dynamics.nbody import compile_engine

        compile_engine()


def _imports(module: str) -> bool:
    """Whether ``module`` really imports here (installed is not enough: PyQt5 without its
    system libraries, or a VisPy without a usable backend, fails at import)."""
    try:
        importlib.import_module(module)
    except Exception:  # noqa: BLE001 - any failure to import means: leave those modules out
        return False
    return True


# Doctest collection imports every module of orbitviz/. The GUI layers import VisPy and PyQt5
# at import time (the only modules that do; the computing core imports neither); where those
# cannot import, leave the layers out instead of failing to collect.
collect_ignore_glob: list[str] = []
if not _imports("vispy.scene"):
    collect_ignore_glob += ["orbitviz/_vispy/*", "orbitviz/_qt/*"]  # _qt draws with _vispy
elif not _imports("PyQt5.QtWidgets"):
    collect_ignore_glob += ["orbitviz/_qt/*"]
if not (_imports("vispy.scene") and _imports("jupyter_rfb")):  # the notebook extra
    collect_ignore_glob += ["orbitviz/notebook/*"]


# Doctests read real data: files named in ``fetch("...")``, the NEODyS snapshot, the Philae
# kernels. Where a file is not available offline (no mirror, not bundled, not cached), the
# doctest is skipped rather than sent to the network.
_FETCHED = re.compile(r"""fetch\(\s*["']([^"']+)["']""")
_IMPLIED = {
    "read_neodys(": "neodys.db",
    '"neodys"': "neodys.db",
    'KernelSet("philae")': "LORB_C_G_FIXED_RBD_7_V2_0.BSP",
    '"67p-4k.obj"': "67p-4k.obj",
}


def _missing_data(source: str) -> list[str]:
    from orbitviz.data import locate

    names = set(_FETCHED.findall(source))
    names.update(name for marker, name in _IMPLIED.items() if marker in source)
    return sorted(name for name in names if locate(name)[0] is None)


def pytest_collection_modifyitems(config, items):
    from _pytest.doctest import DoctestItem

    for item in items:
        if isinstance(item, DoctestItem) and item.dtest is not None:
            missing = _missing_data("\n".join(ex.source for ex in item.dtest.examples))
            if missing:
                reason = f"needs {', '.join(missing)} offline: set ORBITVIZ_DATA_MIRROR"
                item.add_marker(pytest.mark.skip(reason=reason))
