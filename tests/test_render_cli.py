"""``orbitviz render``: the two mission scenes end to end, as a user runs them."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
from render_support import gl_backend  # noqa: F401 - fixture

from orbitviz.cli import main


def test_render_philae_gif(gl_backend, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "philae.gif"
    code = main(
        [
            "render",
            "philae",
            "--shape",
            "67p-4k.obj",
            "-o",
            str(out),
            "--size",
            "320x180",
            "--frames",
            "4",
            "--quiet",
            "--camera",
            "follow",
        ]
    )
    assert code == 0, capsys.readouterr().err
    frames = iio.imread(out, index=None)
    assert frames.shape[:3] == (4, 180, 320)
    # the comet is drawn: the frame centre region is not empty black
    assert frames[:, 60:120, 110:210].mean() > 5


def test_render_flyby_png_frames_with_slowed_phase(gl_backend, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "wp"
    code = main(
        [
            "render",
            "flyby",
            "2021 WP",
            "-o",
            str(out),
            "--size",
            "320x240",
            "--frames",
            "3",
            "--quiet",
            "--slow",
            "2021-11-21T06:00",
            "2021-11-21T12:00",
            "4",
        ]
    )
    assert code == 0, capsys.readouterr().err
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 3
    assert not np.array_equal(iio.imread(pngs[0]), iio.imread(pngs[2]))


def test_render_bad_output_name_is_one_line(tmp_path, capsys):
    code = main(["render", "philae", "-o", str(tmp_path / "x.avi"), "--frames", "2"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("orbitviz: error: ") and "x.avi" in err
