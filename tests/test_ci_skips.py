"""conftest.py's rule for GUI and OpenGL tests: skipped with a reason on a developer's machine,
failed under ``CI=true`` (.ci/run installs Xvfb and Mesa, so a skip there is a broken setup)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")
TESTS = """
import pytest

@pytest.fixture
def gl_backend():
    pytest.skip("no OpenGL backend: no libEGL here")

@pytest.mark.gui
def test_window():
    pytest.skip("no X server")

def test_render(gl_backend):
    pass

@pytest.mark.skipif(True, reason="not for this platform")
def test_plain():
    pass
"""


def run(tmp_path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(CONFTEST.read_text())
    (tmp_path / "test_example.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_gui_and_gl_skips_are_skips_outside_ci(tmp_path):
    done = run(tmp_path, None)
    assert done.returncode == 0, done.stdout
    assert "3 skipped" in done.stdout, done.stdout
    assert "no X server" in done.stdout and "no libEGL here" in done.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_gui_and_gl_skips_fail_under_ci_with_the_reason(tmp_path, ci):
    done = run(tmp_path, ci)
    assert done.returncode == 1, done.stdout
    summary = done.stdout.strip().splitlines()[-1]
    # a skip in a fixture (set-up) becomes an error, one in the test a failure: both fail CI
    assert "1 failed, 1 skipped" in summary and "1 error" in summary, done.stdout
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert any("test_window" in line and "no X server" in line for line in failed), failed
    assert any("test_render" in line and "no libEGL here" in line for line in failed), failed
    assert "SKIPPED [1] test_example.py:15: not for this platform" in done.stdout


def test_ci_false_is_not_ci(tmp_path):
    assert "3 skipped" in run(tmp_path, "false").stdout
