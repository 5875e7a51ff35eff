"""Times a user asks for outside a scene's data are errors, not silent clamps (issue #13 item 4):
the slider and playback clamp, ``--time``, ``--time-range`` and ``time_range=`` do not."""

from __future__ import annotations

import pytest
from conftest import one_error_line

from orbitviz.cli import main
from orbitviz.errors import CoverageError
from orbitviz.render import plan_frames
from orbitviz.scene import Clock, Scene


def test_render_time_range_outside_philae_is_refused(capsys, tmp_path, mirror):
    out = tmp_path / "p.mp4"
    line = one_error_line(
        capsys,
        "render",
        "philae",
        "--shape",
        "67p-4k.obj",
        "-o",
        str(out),
        "--frames",
        "2",
        "--time-range",
        "2015-01-01",
        "2015-01-02",
    )
    assert "--time-range 2015-01-01T00:00:00 UTC .. 2015-01-02T00:00:00 UTC is outside" in line
    assert "2014-11-12T15:34:04 UTC .. 2014-11-12T17:31:17 UTC" in line
    assert not out.exists()


@pytest.mark.gui
@pytest.mark.parametrize(
    "argv, shown",
    [
        (
            ["view", "philae", "--shape", "67p-4k.obj", "--time", "2014-11-13"],
            "2014-11-13T00:00:00",
        ),
        (["view", "flyby", "2021 WP", "--method", "conic", "--time", "1800-01-01"], "1800-01-01"),
    ],
)
def test_view_time_outside_the_scene_is_refused(capsys, tmp_path, mirror, argv, shown):
    line = one_error_line(capsys, *argv, "--screenshot", str(tmp_path / "x.png"))
    assert f"--time {shown}" in line and "is outside the scene's data" in line
    assert not (tmp_path / "x.png").exists()


def test_api_time_range_and_clock():
    scene = Scene(frame="J2000", clock=Clock(0.0, 60.0))
    with pytest.raises(CoverageError, match=r"time_range 30.0 \.\. 90.0 is outside"):
        plan_frames(scene, frames=3, time_range=(30.0, 90.0))
    assert plan_frames(scene, frames=3, time_range=(10.0, 60.0)).frame_times_et.tolist() == [
        10,
        35,
        60,
    ]
    timeless = Scene(frame="J2000")
    with pytest.raises(CoverageError, match="no time"):
        timeless.clock.require(5.0, 5.0, "--time")
    clock = Clock(0.0, 60.0)
    clock.et = 100.0  # the slider clamps
    assert clock.et == 60.0


def test_warnings_at_the_command_line_are_one_line(capsys, monkeypatch):
    import warnings

    from orbitviz.commands import time as cli_time

    def warns(args):
        warnings.warn(
            "catalog x.csv: skipped 1 bad row (empty designation, file line 3)", stacklevel=1
        )
        return 0

    monkeypatch.setattr(cli_time, "cmd_time", warns)
    assert main(["time", "2020-01-01"]) == 0
    err = capsys.readouterr().err
    assert (
        err
        == "orbitviz: warning: catalog x.csv: skipped 1 bad row (empty designation, file line 3)\n"
    )
