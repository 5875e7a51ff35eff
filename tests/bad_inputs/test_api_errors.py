"""The API's own errors (#26 item 7): what the command line refuses, the functions people call
from a script refuse too, with an OrbitvizError that names the argument (no TypeError from
deep inside, no MemoryError, no float silently truncated, no string read letter by letter)."""

from __future__ import annotations

import pytest
from conftest import needs_mirror, one_error_line

from orbitviz.errors import InvalidArgument, OrbitvizError, OutputError, RenderError

pytestmark = needs_mirror


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"clones": 10**9}, "clones = 1000000000 is out of range: give 2..100,000"),
        ({"clones": 2.5}, "clones = 2.5: give a whole number 2..100,000"),
        ({"clones": True}, "clones = True: give a whole number"),
        ({"seed": -3}, "seed = -3 is out of range: give >= 0"),
        ({"seed": 1.5}, "seed = 1.5: give a whole number >= 0"),
    ],
)
def test_flyby_counts_are_whole_numbers_in_the_cli_range(kwargs, words):
    from orbitviz import flyby

    with pytest.raises(InvalidArgument) as err:
        flyby("Apophis", uncertainty="mc", **kwargs)
    assert words in str(err.value) and err.value.argument in kwargs


@pytest.fixture(scope="module")
def scene():
    from orbitviz.recipes import shape_scene

    return shape_scene("67p-4k.obj")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"size": (100_000, 100_000)}, "size width = 100000 is out of range: give 16..8,192"),
        ({"size": (640.5, 360)}, "size width = 640.5: give a whole number"),
        ({"size": 640}, "size = 640: give (width, height) in pixels"),
        ({"frames": 2.5}, "frames = 2.5: give a whole number >= 1"),
        ({"frames": 10, "duration_s": 2.0}, "both set the video's length: give one"),
        ({"overlays": "bogus"}, "overlays: unknown 'bogus'"),
    ],
)
def test_render_video_checks_its_arguments_before_any_frame(scene, tmp_path, kwargs, words):
    """size=(100000, 100000) was a MemoryError, 2.5 frames were two, frames with duration_s
    took one silently."""
    from orbitviz.render import render_video

    with pytest.raises(RenderError) as err:
        render_video(scene, tmp_path / "out.gif", **kwargs)
    assert words in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_one_overlay_named_as_a_string_is_one_overlay():
    """``overlays="time"`` was read as the letters t, i, m, e."""
    from orbitviz._vispy.canvas import check_overlays

    assert check_overlays("time") == ("time",)
    assert check_overlays(["time", "scale"]) == ("time", "scale")


def test_a_png_picture_named_txt_is_refused(tmp_path):
    """``report.plot("p.txt")`` wrote a PNG named .txt."""
    import matplotlib.figure

    from orbitviz.reports.figures import save_png

    with pytest.raises(OutputError, match=r"p\.txt: this picture is written as PNG"):
        save_png(matplotlib.figure.Figure(), tmp_path / "p.txt")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["flyby", "Apophis", "--body", ""], "no body given (''): name one"),
        (
            ["screen", "--start", "2029-01-01", "--stop", "2029-02-01", "--scheduler", "tcp://"],
            "scheduler 'tcp://' is not an address with a host and a port",
        ),
    ],
)
def test_errors_that_were_not_ours_are_one_line(capsys, argv, words):
    """``--body ""`` printed CSPICE's own dump; a bare ``tcp://`` a ValueError traceback."""
    assert words in one_error_line(capsys, *argv)


def test_a_negative_seed_is_refused_by_the_parser(capsys):
    from orbitviz.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["flyby", "Apophis", "--seed", "-3"])
    assert stop.value.code == 2 and "-3 is out of range" in capsys.readouterr().err


def test_a_camera_path_a_world_away_is_refused(tmp_path):
    """distance_km = 1e308 ended in LinAlgError."""
    from orbitviz.recipes.keyframes import read_keyframes

    path = tmp_path / "cam.toml"
    path.write_text(
        "[[key]]\nt=0\ncenter_km=[0,0,0]\nazimuth_deg=0\nelevation_deg=30\ndistance_km=1e308\n"
        "[[key]]\nt=2\n"
    )
    with pytest.raises(OrbitvizError, match=r"distance_km = 1e\+308 must be > 0 and <= 1e\+12"):
        read_keyframes(path)


def _api_calls(scene):
    import orbitviz as ov

    gif = "/nonexistent-folder/x.gif"
    return {
        "flyby(None)": lambda: ov.flyby(None),
        "flyby(3.5)": lambda: ov.flyby(3.5),
        "flyby body=None": lambda: ov.flyby("Apophis", body=None),
        "flyby start=[]": lambda: ov.flyby("Apophis", start=[], stop="2029-05-01"),
        "flyby method=3": lambda: ov.flyby("Apophis", method=3),
        "flyby nbody_options=3": lambda: ov.flyby("Apophis", nbody_options=3),
        "flyby nbody_options bogus": lambda: ov.flyby("Apophis", nbody_options={"bogus": 1}),
        "to_et(None)": lambda: ov.to_et(None),
        "to_et('not a time')": lambda: ov.to_et("not a time"),
        "et_to_utc('a')": lambda: ov.et_to_utc("a"),
        "et_to_utc(nan)": lambda: ov.et_to_utc(float("nan")),
        "states('', 0)": lambda: ov.states("", 0.0),
        "states(EARTH, 'x')": lambda: ov.states("EARTH", "x"),
        "states frame BOGUS": lambda: ov.states("EARTH", 0.0, frame="BOGUS"),
        "KernelSet(3)": lambda: ov.KernelSet(3).load(),
        "fetch(None)": lambda: ov.fetch(None),
        "fetch(3)": lambda: ov.fetch(3),
        "load_mesh(None)": lambda: ov.load_mesh(None),
        "load_mesh(3)": lambda: ov.load_mesh(3),
        "screen(catalog=3)": lambda: ov.screen(catalog=3),
        "screen(threshold=-1)": lambda: ov.screen(threshold=-1.0),
        "screen(step_s='x')": lambda: ov.screen(step_s="x"),
        "screen(refine='bogus')": lambda: ov.screen(refine="bogus"),
        "build_scene(3)": lambda: ov.build_scene(3),
        "transits(3)": lambda: ov.transits(3),
        "render_video(None)": lambda: ov.render_video(None, gif),
        "render_video(scene, 3)": lambda: ov.render_video(scene, 3),
        "render_video fps='x'": lambda: ov.render_video(scene, gif, fps="x"),
        "render_video time_range=(1,)": lambda: ov.render_video(scene, gif, time_range=(1,)),
        "render_video camera=3": lambda: ov.render_video(scene, "x.gif", camera=3, frames=1),
        "render_video quality=3": lambda: ov.render_video(scene, gif, quality=3),
    }


def test_the_public_api_raises_only_its_own_errors(scene, tmp_path, monkeypatch):
    """Wrong types and values at every public function: each an OrbitvizError (these were
    TypeError, ValueError, AttributeError or IndexError from deep inside)."""
    monkeypatch.chdir(tmp_path)
    foreign = {}
    for name, call in _api_calls(scene).items():
        try:
            call()
        except OrbitvizError:
            continue
        except Exception as exc:  # noqa: BLE001 - the point: which ones are not ours
            foreign[name] = f"{type(exc).__name__}: {exc}"
        else:
            foreign[name] = "no error"
    assert foreign == {}
    assert list(tmp_path.iterdir()) == []
