"""``orbitviz render``: the two mission scenes end to end, as a user runs them."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest
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


def _readme_render_commands() -> list[str]:
    """The ``orbitviz render`` lines of the README's command blocks."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.startswith("orbitviz render ")]


def test_the_readme_has_render_commands():
    commands = _readme_render_commands()
    assert len(commands) >= 4 and any("--slow" in c for c in commands)


@pytest.mark.parametrize("command", _readme_render_commands())
def test_each_readme_render_command_runs(gl_backend, tmp_path, capsys, request, command):  # noqa: F811
    """As written in the README, only smaller (160x90, 2 frames) and into a temporary folder:
    'render philae ... --slow 2014-11-12T17:20 2014-11-12T17:32 4' failed (the slow phase
    ends after Philae's data)."""
    import fnmatch
    import shlex

    words = shlex.split(command, comments=True)[2:]  # after 'orbitviz render'
    args, skip = [], 0
    for i, word in enumerate(words):
        if skip:
            skip -= 1
        elif word in ("--size", "--duration", "--frames"):
            skip = 1
        elif word == "-o":
            skip = 1
            args += ["-o", str(tmp_path / words[i + 1].rstrip("/"))]
        elif "*" in word:  # a shell pattern: the light curves it means, from the data mirror
            files = request.getfixturevalue("kepler90_files")
            args += sorted(str(f) for f in files if fnmatch.fnmatch(f.name, word))
        else:
            args.append(word)
    code = main(["render", *args, "--size", "160x90", "--frames", "2", "--quiet"])
    assert code == 0, capsys.readouterr().err
    (out,) = tmp_path.iterdir()
    frames = iio.imread(out, index=None) if out.is_file() else None
    if frames is None:
        frames = np.stack([iio.imread(p) for p in sorted(out.iterdir())])
    assert frames.shape[:3] == (2, 90, 160) and frames.mean() > 1
