"""Runs the window tests (``test_gui_window.py``) in a process of their own: VisPy keeps one
app per process, PyQt5 for the window, EGL/OSMesa for the headless render tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import needs_mirror

pytestmark = [pytest.mark.gui, needs_mirror]


@pytest.mark.parametrize("present", ["raster", "opengl"])
def test_window_tests_pass_in_their_own_process(present):
    """Both ways of showing the 3D view: painted images of offscreen frames (what a software
    OpenGL gets) and Qt's OpenGL widget (what a GPU gets)."""
    tests = Path(__file__).with_name("test_gui_window.py")
    env = dict(os.environ, ORBITVIZ_GUI_PROCESS="1", ORBITVIZ_PRESENT=present)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", str(tests)],
        check=False,
        cwd=tests.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0 and "skipped" not in summary, (
        done.stdout[-6000:] + done.stderr[-2000:]
    )
