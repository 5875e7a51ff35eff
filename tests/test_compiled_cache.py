"""Where compiled code is kept (orbitviz.data.compiled): every group of numba code follows
ORBITVIZ_CACHE_DIR, and old folders of a group do not pile up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from orbitviz.data import compiled


def _folders(root: Path, ages_h: dict[str, float]) -> None:
    """Folders under ``root`` last used ``ages_h[name]`` hours ago."""
    now = time.time()
    for name, hours in ages_h.items():
        (root / name).mkdir(parents=True)
        (root / name / "x.nbi").write_text("stale")
        os.utime(root / name, (now - hours * 3600, now - hours * 3600))


def test_a_new_folder_prunes_the_groups_old_ones_but_keeps_recent_and_busy_ones(tmp_path):
    _folders(
        tmp_path,
        {
            "engine-00000000000000a1": 0.2,  # busy: another checkout uses it now
            "engine-00000000000000a2": 30.0,  # the most recently used idle one: kept
            "engine-00000000000000a3": 48.0,  # stale
            "engine-00000000000000a4": 300.0,  # stale
            "bls-00000000000000b1": 300.0,  # another group: not this one's to prune
            "engineering": 300.0,  # not a group folder
            # numba's own layout, from orbitviz versions that set NUMBA_CACHE_DIR here
            "_engine_c296f2b128eafa1ca2e1b096fe8c40081488126e": 300.0,
            "dynamics_1fdffabffdcf519424f9b25dbad4df599065fc59": 0.2,  # busy: kept
        },
    )
    new = tmp_path / "engine-00000000000000ff"
    new.mkdir()
    removed = compiled.prune(new, keep=2, busy_s=3600.0)
    assert sorted(p.name for p in removed) == [
        "_engine_c296f2b128eafa1ca2e1b096fe8c40081488126e",
        "engine-00000000000000a3",
        "engine-00000000000000a4",
    ]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        "bls-00000000000000b1",
        "dynamics_1fdffabffdcf519424f9b25dbad4df599065fc59",
        "engine-00000000000000a1",
        "engine-00000000000000a2",
        "engine-00000000000000ff",
        "engineering",
    ]


def test_a_busy_folder_is_never_pruned_however_many_there_are(tmp_path):
    _folders(tmp_path, {f"engine-{k:016x}": 0.01 * k for k in range(6)})
    new = tmp_path / "engine-ffffffffffffffff"
    new.mkdir()
    assert compiled.prune(new, keep=1, busy_s=3600.0) == []


def _run(code: str, cache: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["ORBITVIZ_CACHE_DIR"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_new_engine_folder_removes_the_stale_engine_folders_of_old_sources(tmp_path):
    """Each change to the engine's source made a new ``engine-<hash>`` folder (tens of MB
    each) and none was ever removed: 25 piled up here in a day."""
    numba_dir = tmp_path / "numba"
    stale = {f"engine-{k:016x}": 24.0 + k for k in range(5)}
    _folders(numba_dir, stale)
    folder = _run("from orbitviz.dynamics._engine import jit; print(jit.CACHE_FOLDER)", tmp_path)
    left = {p.name for p in numba_dir.iterdir()}
    assert Path(folder).name in left
    kept_old = left & set(stale)
    assert kept_old == {f"engine-{k:016x}" for k in range(compiled.KEEP - 1)}  # newest first


def test_the_transit_search_is_cached_in_orbitviz_cache_dir(tmp_path):
    """The BLS code was cached by numba beside its source (or in NUMBA_CACHE_DIR), whatever
    ORBITVIZ_CACHE_DIR said: a read-only install recompiled it in every process."""
    code = (
        "import numpy as np; from orbitviz.exoplanets._bls import BLS, box_snr_single; "
        "t = np.linspace(0.0, 10.0, 200); f = np.zeros(200); f[90:110] = -1e-3; "
        "snr, mid, depth = box_snr_single(t, f, np.ones(200), np.array([0.5, 1.0]), 0.05); "
        "print(BLS.folder, round(float(mid[0]), 1))"
    )
    folder, mid = _run(code, tmp_path).split()
    assert Path(folder).parent == tmp_path / "numba"
    assert Path(folder).name.startswith("bls-")
    assert list(Path(folder).glob("_bls.box_snr_single-*.nbi"))
    assert abs(float(mid) - 5.0) <= 0.15  # the box 4.52 .. 5.48 d
