"""Options are checked at the edge: a value outside its range is refused by the parser, in one
line (``orbitviz: error: argument --X: ...``), exit status 2, before any work; the library
functions behind them refuse the same values with an OrbitvizError."""

from __future__ import annotations

import math

import pytest
from conftest import one_error_line
from hypothesis import given
from hypothesis import strategies as st

from orbitviz.cli import build_parser, main
from orbitviz.errors import CameraPathError, ScreeningError, TimeMapError
from orbitviz.recipes.keyframes import read_keyframes
from orbitviz.scene import TimeMap
from orbitviz.screening.params import parse_threshold

SCREEN = ["screen", "--start", "2029-01-01", "--stop", "2029-02-01"]
RENDER = ["render", "philae", "-o", "out.mp4"]
VALIDATE = ["validate", "cad", "cad.json", "--catalog", "sbdb.csv"]


def refused(capsys, argv, *facts):
    """``argv`` exits 2 with one line on stderr that starts orbitviz: error: and names facts."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.startswith("orbitviz: error: ") and err.count("\n") == 1, err
    for fact in facts:
        assert fact in err, (fact, err)
    return err


@pytest.mark.parametrize(
    "argv, facts",
    [
        (SCREEN + ["--threshold", "0.05"], ["--threshold", "0.05", "no unit", "0.05au"]),
        (SCREEN + ["--top", "-1"], ["--top", "-1", ">= 0"]),
        (SCREEN + ["--nbody-max", "-1"], ["--nbody-max", "-1", ">= 0"]),
        (SCREEN + ["--workers", "-3"], ["--workers", "-3", "[1, 1024]"]),
        (SCREEN + ["--workers", "0"], ["--workers", "0"]),
        (SCREEN + ["--chunk-size", "0"], ["--chunk-size", "0"]),
        (RENDER + ["--duration", "0"], ["--duration", "0", "(0, 86400]"]),
        (RENDER + ["--frames", "0"], ["--frames", "0", ">= 1"]),
        (RENDER + ["--fps", "nan"], ["--fps", "'nan'", "finite"]),
        (RENDER + ["--slow", "2014-11-12", "2014-11-13", "nan"], ["--slow", "FACTOR", "'nan'"]),
        (RENDER + ["--slow", "2014-11-12", "2014-11-13", "0"], ["--slow", "FACTOR", "0"]),
        (["view", "philae", "--size", "10x10"], ["--size", "16..8192"]),
        (VALIDATE + ["--max-dist", "soi"], ["--max-dist", "'soi' is not a distance", "0.05au"]),
        (VALIDATE + ["--max-dist", "0.05"], ["--max-dist", "0.05", "no unit"]),
    ],
)
def test_a_bad_option_is_one_line_exit_2(capsys, argv, facts):
    refused(capsys, argv, *facts)


@given(x=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 300)))
def test_fps_is_accepted_exactly_in_its_range(x):
    text = repr(x) if isinstance(x, float) else str(x)
    ok = math.isfinite(float(text)) and 1 <= float(text) <= 240
    try:
        args = build_parser().parse_args(RENDER + ["--fps", text])
    except SystemExit as stop:
        assert stop.code == 2 and not ok
    else:
        assert ok and args.fps == float(text)


@given(n=st.integers(-(10**6), 10**6))
def test_counts_are_accepted_exactly_from_their_lower_bound(n):
    for flag, low in (("--top", 0), ("--nbody-max", 0), ("--chunk-size", 1)):
        try:
            args = build_parser().parse_args(SCREEN + [flag, str(n)])
        except SystemExit as stop:
            assert stop.code == 2 and n < low
        else:
            assert n >= low and getattr(args, flag[2:].replace("-", "_")) == n


@given(
    value=st.floats(1e-6, 1e9, allow_nan=False),
    unit=st.sampled_from(["", "au", "ld", "km", "AU", " km"]),
)
def test_a_threshold_needs_a_unit(value, unit):
    text = f"{value!r}{unit}"
    if unit.strip():
        km, _ = parse_threshold(text)
        scale = {"au": 149_597_870.7, "ld": 384_399.0, "km": 1.0}[unit.strip().lower()]
        assert km == pytest.approx(value * scale)
    else:
        with pytest.raises(ScreeningError, match="no unit"):
            parse_threshold(text)
    assert parse_threshold(value)[0] == value  # a Python number is km, as documented


def test_screen_refuses_a_negative_worker_count_before_any_work(monkeypatch):
    from orbitviz.screening import api, screen

    def no_work(*args, **kwargs):
        raise AssertionError("screen() started work with workers=-3 (a cluster would hang)")

    monkeypatch.setattr(api, "load_catalog", no_work)
    monkeypatch.setattr(api, "run_chunks", no_work)
    with pytest.raises(ScreeningError, match=r"workers = -3 is out of range: give >= 1"):
        screen("neodys", "EARTH", "2029-01-01", "2029-02-01", "0.05au", workers=-3)


@pytest.mark.parametrize("slowdown", [float("nan"), 0.0, -2.0, float("inf")])
def test_a_time_map_refuses_a_bad_slowdown(slowdown):
    with pytest.raises(TimeMapError, match="slowdown"):
        TimeMap.with_slow_phase(0.0, 100.0, 10.0, phase_et=(40.0, 50.0), slowdown=slowdown)


# -- camera keyframe files -----------------------------------------------------------------------
KEY = "[[key]]\nt = 0\nazimuth_deg = 0\nelevation_deg = 30\ndistance_km = 12\n"
FIELDS = {"t": "0", "azimuth_deg": "0", "elevation_deg": "30", "distance_km": "12"}


@pytest.mark.parametrize(
    "name, value, facts",
    [
        ("center_km", "[1, 2, 3, 4]", ["key 1: center_km", "3 numbers"]),
        ("center_km", "[1, 2]", ["key 1: center_km", "3 numbers"]),
        ("center_km", "[1, nan, 3]", ["center_km[1]", "finite"]),
        ("position_km", "[0, -8, 2, 1]", ["position_km", "3 numbers"]),
        ("fov_deg", "180", ["fov_deg = 180", "(0, 180)"]),
        ("fov_deg", "nan", ["fov_deg", "finite"]),
        ("azimuth_deg", "inf", ["azimuth_deg", "finite"]),
        ("distance_km", '"far"', ["distance_km", "must be a number"]),
        ("t", "nan", ["key 1: t", "finite"]),
    ],
)
def test_a_bad_keyframe_is_refused_with_the_field(tmp_path, name, value, facts):
    path = tmp_path / "cam.toml"
    fields = {**FIELDS, name: value}
    path.write_text("[[key]]\n" + "".join(f"{k} = {v}\n" for k, v in fields.items()))
    with pytest.raises(CameraPathError) as err:
        read_keyframes(path)
    for fact in [str(path), *facts]:
        assert fact in str(err.value)


@given(fov=st.floats(allow_nan=True, allow_infinity=True))
def test_a_keyframe_fov_is_accepted_exactly_in_0_180(tmp_path_factory, fov):
    path = tmp_path_factory.mktemp("cam") / "cam.toml"
    path.write_text(KEY + f"fov_deg = {fov!r}\n")  # TOML writes nan, inf, -inf as Python does
    ok = math.isfinite(fov) and 0 < fov < 180
    try:
        keys = read_keyframes(path)
    except CameraPathError as exc:
        assert not ok and "fov_deg" in str(exc)
    else:
        assert ok and keys.fov_deg[0] == fov


def test_cli_render_with_a_four_value_center_is_one_line_exit_2(tmp_path, capsys, mirror):
    cam = tmp_path / "cam.toml"
    cam.write_text(KEY + "center_km = [0, 0, 0, 5]\n")
    code = main(
        [
            "render",
            "file",
            "67p-4k.obj",
            "-o",
            str(tmp_path / "v"),
            "--camera",
            str(cam),
            "--frames",
            "1",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("orbitviz: error: ") and err.count("\n") == 1, err
    assert "center_km" in err and "3 numbers" in err


def test_cli_render_with_an_unknown_overlay_is_one_line_exit_2_before_any_work(
    tmp_path, capsys, monkeypatch
):
    """It was a ValueError traceback from the VisPy canvas, after the scene was built."""
    import dataclasses

    from orbitviz.recipes.registry import RECIPES

    never = dataclasses.replace(RECIPES["shape"], build=lambda **_: pytest.fail("built the scene"))
    monkeypatch.setitem(RECIPES, "shape", never)
    argv = ["render", "67p-4k.obj", "-o", str(tmp_path / "v.gif"), "--overlay", "time,clock"]
    line = one_error_line(capsys, *argv)
    assert "overlays: unknown 'clock'" in line and "title, time, distance" in line
    assert not (tmp_path / "v.gif").exists()


def test_scene_model_errors_are_orbitviz_errors():
    """What a user gets wrong in a scene (a colour, an opacity, a name) is an OrbitvizError,
    which the command line reports in one line."""
    from orbitviz.errors import OrbitvizError, SceneError, UnknownLayer
    from orbitviz.scene import Clock, MarkerLayer, Scene

    scene = Scene(frame="J2000", clock=Clock(0.0, 1.0))
    layer = scene.add(MarkerLayer("A", [[0.0, 0.0, 0.0]]))
    for bad in (lambda: setattr(layer, "opacity", 2.0), lambda: setattr(layer, "color", "nope")):
        with pytest.raises(SceneError):
            bad()
    with pytest.raises(SceneError, match="already in the scene"):
        scene.add(MarkerLayer("A", [[1.0, 0.0, 0.0]]))
    with pytest.raises(UnknownLayer, match=r"no layer named 'B'; the scene has \['A'\]"):
        scene["B"]
    assert issubclass(SceneError, OrbitvizError)
