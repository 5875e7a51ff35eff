"""``orbitviz view ... --screenshot``: one frame, no interaction, exit 0."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import needs_mirror
from render_support import gl_backend  # noqa: F401 - fixture

pytestmark = [pytest.mark.gui, needs_mirror]

VIEW_MAIN = "import sys; from orbitviz.cli import main; sys.exit(main(sys.argv[1:]))"


def test_view_screenshot_writes_a_png_and_exits_0(tmp_path, gl_backend):  # noqa: F811
    """Headless, the frame comes from an offscreen canvas: skips (fails in CI) without one."""
    from PIL import Image

    out = tmp_path / "philae.png"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}  # headless, as in CI
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            VIEW_MAIN,
            "view",
            "philae",
            "--shape",
            "67p-4k.obj",
            "--time",
            "2014-11-12T16:30",
            "--size",
            "320x240",
            "--screenshot",
            str(out),
        ],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    image = np.asarray(Image.open(out).convert("RGB"))
    assert image.shape == (240, 320, 3)
    assert (image[100:140, 140:180].sum(axis=2) > 30).mean() > 0.5  # the comet in the middle


def test_view_of_a_kernel_file_is_refused_with_advice(capsys):
    from orbitviz.cli import main

    assert main(["view", "de421.bsp"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("orbitviz: error: de421.bsp: a kernel is not a scene")
        and "File > Open" in err
    )
