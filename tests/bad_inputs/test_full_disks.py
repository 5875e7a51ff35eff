"""Disks that are full or take no files, damaged parts of earlier runs, and the modes of what
we write (#26 items 3 and 4): one clear line each, never a traceback, nothing half-written
under a final name, and outputs that honour the umask.

A full disk is real where Linux gives one for free (``/dev/full`` behind stdout and behind
ffmpeg); for files written by matplotlib and pandas it is the OSError they raise.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import needs_mirror, neodys_subset

from orbitviz import data
from orbitviz._files import atomic_write
from orbitviz.errors import DataError, OutputError, ScreeningError

FULL = "No space left on device; free some space or write elsewhere"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_stdout_on_a_full_disk_is_one_line(mirror):
    """``orbitviz time ... > file-on-a-full-disk`` ended in two tracebacks and rc 120."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "orbitviz.cli", "time", "2029-04-13"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "ORBITVIZ_DATA_MIRROR": str(mirror)},
            timeout=120,
        )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"orbitviz: error: cannot write standard output: {FULL}"]


def test_a_figure_on_a_full_disk_names_the_figure(tmp_path, monkeypatch):
    import matplotlib.figure

    from orbitviz.reports.figures import save_figure

    def full_disk(self, fname, **kwargs):
        Path(fname).write_bytes(b"%PDF half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full_disk)
    out = tmp_path / "distance.pdf"
    with pytest.raises(OutputError) as err:
        save_figure(matplotlib.figure.Figure(), out)
    assert str(err.value) == f"cannot write {out}: {FULL}"
    assert leftovers(tmp_path) == []


def test_an_error_about_an_input_is_left_as_it_was(tmp_path):
    """Only failures of the write itself are worded as such: a file the block reads that is
    missing or unreadable keeps its own error."""
    with pytest.raises(PermissionError):
        from orbitviz._files import atomic_path

        with atomic_path(tmp_path / "out.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", "/some/input.csv")
    assert leftovers(tmp_path) == []


def test_a_video_on_a_full_disk_says_so_not_broken_pipe():
    """ffmpeg met a full disk and stopped; the render said "Broken pipe"."""
    from orbitviz.render.writers import open_sink

    sink = open_sink(Path("/dev/full"), "mp4", (320, 240), 10, "draft")
    rng = np.random.default_rng(1)
    with pytest.raises(OSError) as err:
        try:
            for _ in range(300):
                buf = sink.buffer()
                buf[:] = rng.integers(0, 255, buf.shape, dtype=np.uint8)
                sink.submit(buf)
            sink.close()
        finally:
            sink.abort()
    assert err.value.errno == errno.ENOSPC and err.value.filename == "/dev/full"


def test_an_unwritable_cache_is_said_before_the_network(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache should be")
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("ORBITVIZ_DATA_MIRROR", raising=False)
    with pytest.raises(
        DataError,
        match=r"cannot fetch 'naif0012.tls': the cache folder .* "
        r"cannot be written .*ORBITVIZ_CACHE_DIR",
    ):
        data.fetch("naif0012.tls")


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_outputs_honour_the_umask(tmp_path, mask):
    """Outputs came out 0600 whatever the umask (the temporary's mode leaked)."""
    from orbitviz._files import atomic_path

    old = os.umask(mask)
    try:
        made = atomic_write(tmp_path / "table.csv", "a,b\n")
        with atomic_path(tmp_path / "frames", folder=True) as folder:
            (folder / "frame_00000.png").write_bytes(b"png")
    finally:
        os.umask(old)
    assert made.stat().st_mode & 0o777 == 0o666 & ~mask
    assert (tmp_path / "frames").stat().st_mode & 0o777 == 0o777 & ~mask


# -- screening parts ------------------------------------------------------------------------
WINDOW = {
    "body": "EARTH",
    "start": "2029-01-01",
    "stop": "2030-01-01",
    "threshold": "0.05au",
    "refine": None,
    "scheduler": "synchronous",
    "chunk_size": 100,
    "progress": False,
}


@pytest.fixture(scope="module")
def few():
    """300 NEODyS objects and Apophis: 4 chunks, a second to screen."""
    return neodys_subset(300)


@needs_mirror
def test_a_damaged_part_is_redone_not_fatal(few, tmp_path):
    """A truncated part made every resumed run fail with ArrowInvalid until the user deleted
    ``.parts/`` by hand."""
    from orbitviz.screening import screen

    out = tmp_path / "approaches.csv"
    reference = screen(few, **WINDOW, out=out, keep_parts=True)
    parts = sorted((tmp_path / "approaches.csv.parts").rglob("chunk-*.parquet"))
    assert len(parts) == 4
    parts[1].write_bytes(parts[1].read_bytes()[:100])  # cut short
    parts[2].write_text("not parquet")
    with pytest.warns(UserWarning, match=r"chunk-0000[12]\.parquet of an earlier run is damaged"):
        again = screen(few, **WINDOW, out=out)
    assert again.attrs["chunks_resumed"] == 2
    pd.testing.assert_frame_equal(again, reference)
    assert not (tmp_path / "approaches.csv.parts").exists()


@needs_mirror
def test_a_file_named_like_the_parts_folder_is_said_first(few, tmp_path):
    out = tmp_path / "out.csv"
    (tmp_path / "out.csv.parts").write_text("mine")
    from orbitviz.screening import screen

    with pytest.raises(ScreeningError, match=r"out\.csv\.parts: a file of that name is in the way"):
        screen(few, **WINDOW, out=out)
    assert leftovers(tmp_path) == ["out.csv.parts"]


@needs_mirror
def test_a_full_disk_while_screening_leaves_no_empty_parts_folder(few, tmp_path, monkeypatch):
    from orbitviz.screening import screen

    def full_disk(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    out = tmp_path / "out.csv"
    with pytest.raises(OutputError, match=FULL):
        screen(few, **WINDOW, out=out)
    assert leftovers(tmp_path) == []
