"""Ordinary mistakes at the command line end in one line, never a traceback (issue #13 item 6):
render --slow, camera TOML numbers, a broken pipe, Ctrl-C on a Dask screening, and the API
functions spice.states, altitude_km and philae_path on bad arguments."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import one_error_line
from hypothesis import given, settings
from hypothesis import strategies as st

from orbitviz.errors import CameraPathError, InvalidArgument, OrbitvizError, TimeFormatError
from orbitviz.recipes.keyframes import read_keyframes

ROOT = Path(__file__).resolve().parents[2]


RENDER = ["render", "philae", "--shape", "67p-4k.obj", "--frames", "2", "--size", "64x48"]


@pytest.mark.parametrize(
    "slow, fact",
    [
        (
            ["2014-11-12T17:00", "2014-11-12T16:00", "6"],
            "START (2014-11-12T17:00:00) must be before STOP (2014-11-12T16:00:00); swap them",
        ),
        (
            ["2010-01-01", "2010-01-02", "6"],
            "is not inside the scene's time 2014-11-12T15:34:04 .. 2014-11-12T17:31:17",
        ),
        # a bad FACTOR is refused by the parser: tests/bad_inputs/test_options.py
    ],
)
def test_render_slow_phase_mistakes(capsys, tmp_path, mirror, slow, fact):
    out = tmp_path / "x.mp4"
    line = one_error_line(capsys, *RENDER, "-o", str(out), "--slow", *slow)
    assert fact in line
    assert list(tmp_path.iterdir()) == []


CAMERA = "[[key]]\nt = 0\nazimuth_deg = 0\nelevation_deg = 30\ndistance_km = 12\n"


@settings(max_examples=40, deadline=None)
@given(
    field=st.sampled_from(["fov_deg", "azimuth_deg", "elevation_deg", "distance_km", "t"]),
    value=st.sampled_from(["nan", "inf", "-inf", "0", "-5", "180", "1e400"]),
)
def test_camera_toml_numbers(tmp_path_factory, field, value):
    path = tmp_path_factory.mktemp("cam") / "cam.toml"
    lines = [ln for ln in CAMERA.splitlines() if not ln.startswith(field)]
    path.write_text("\n".join([*lines, f"{field} = {value}", ""]))
    number = float(value)
    bad = not np.isfinite(number)
    bad |= field == "fov_deg" and not 0 < number < 180
    bad |= field == "distance_km" and number <= 0
    if not bad:
        read_keyframes(path)
        return
    with pytest.raises(CameraPathError, match=f"key 1: {field} = ") as info:
        read_keyframes(path)
    assert str(path) in str(info.value)


def test_camera_toml_zero_fov_at_the_cli(capsys, tmp_path, mirror):
    camera = tmp_path / "cam.toml"
    camera.write_text(CAMERA + "fov_deg = 0\n")
    line = one_error_line(capsys, *RENDER, "-o", str(tmp_path / "x.mp4"), "--camera", str(camera))
    assert f"camera path {camera}: key 1: fov_deg = 0 must be in (0, 180) degrees" in line


def test_broken_pipe_exits_quietly(mirror):
    child = subprocess.Popen(
        [sys.executable, "-m", "orbitviz.cli", "flyby", "2021 WP", "--format", "json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.close()  # the reader is gone before the first line (| head -0)
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141
    assert err == ""


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_ctrl_c_on_a_dask_screening_is_one_line(mirror, tmp_path):
    """Ctrl-C once the workers are at work (their first part file is written, so the cluster is
    up and this process waits on it) ends in one line and exit 130; the table is not written
    under its final name, the finished parts stay for a resume."""
    pytest.importorskip("dask.distributed")
    out = tmp_path / "out.parquet"
    child = subprocess.Popen(
        [sys.executable, "-m", "orbitviz.cli", "screen", "--start", "2029-01-01"]
        + ["--stop", "2053-01-01", "--scheduler", "local", "--workers", "2", "--no-progress"]
        + ["--chunk-size", "100", "--refine", "none", "-o", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal's job
    )
    try:
        deadline = time.monotonic() + 600  # a fresh venv starts its first cluster slowly
        while not any(out.parent.glob("out.parquet.parts/*/chunk-*.parquet")):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "no chunk finished within 600 s"
            time.sleep(0.2)
        os.killpg(child.pid, signal.SIGINT)  # Ctrl-C: the whole group gets it
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    assert child.returncode == 130
    assert err.strip().splitlines() == ["orbitviz: interrupted"]
    assert not out.exists()
    assert any(out.parent.glob("out.parquet.parts/*/chunk-*.parquet"))


# ---- the API on bad arguments: OrbitvizError subclasses, never numpy's or SPICE's own -------


def _mesh(mirror):
    from orbitviz.shapes import load_mesh

    return load_mesh(mirror / "shapes" / "67p-4k.obj")


row = st.tuples(*[st.floats(-10, 10, allow_nan=False)] * 3)
bad_value = st.sampled_from([np.nan, np.inf, -np.inf])


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=6), k=st.integers(0, 5), value=bad_value)
def test_surface_queries_refuse_non_finite_points(mirror, rows, k, value):
    from orbitviz.shapes.surface import altitude_km, nearest_points

    points = np.array(rows, float)
    k = min(k, len(points) - 1)
    points[k, k % 3] = value
    for query in (altitude_km, nearest_points):
        with pytest.raises(InvalidArgument, match=f"first row {k} = ") as info:
            query(_mesh(mirror), points)
        assert info.value.argument == "points_km"


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(0, 5), min_size=0, max_size=3).map(tuple))
def test_surface_queries_refuse_wrong_shapes(mirror, shape):
    from orbitviz.shapes.surface import altitude_km, ray_intersect

    points = np.zeros(shape)
    ok = len(shape) in (1, 2) and shape[-1] == 3
    if ok:
        assert altitude_km(_mesh(mirror), points).shape == (points.size // 3,)
        return
    with pytest.raises(InvalidArgument, match=r"expected shape \(3,\) or \(n, 3\)") as info:
        altitude_km(_mesh(mirror), points)
    assert info.value.value == shape
    with pytest.raises(InvalidArgument):
        ray_intersect(_mesh(mirror), points, [0, 0, 1.0])


def test_surface_queries_refuse_text_and_mismatched_rays(mirror):
    from orbitviz.shapes.surface import altitude_km, ray_intersect

    with pytest.raises(InvalidArgument, match="expected numbers"):
        altitude_km(_mesh(mirror), "0 0 1")
    with pytest.raises(InvalidArgument, match="2 origins and 3 directions"):
        ray_intersect(_mesh(mirror), np.zeros((2, 3)), np.ones((3, 3)))


@settings(max_examples=30, deadline=None)
@given(
    et=st.one_of(
        bad_value,
        st.lists(st.floats(-1e9, 1e9) | bad_value, min_size=1, max_size=5).filter(
            lambda v: not np.isfinite(v).all()
        ),
        st.just("2020-01-01"),
        st.just(np.zeros((2, 2))),
    )
)
def test_spice_states_refuses_bad_times(mirror, et):
    from orbitviz import spice

    with spice.KernelSet("default"), pytest.raises(TimeFormatError, match=r"^et must be"):
        spice.states("EARTH", et)


@pytest.mark.parametrize(
    "target, observer, frame, error",
    [
        ("NOT A BODY", "SUN", "ECLIPJ2000", "unknown body"),
        ("EARTH", "NOT A BODY", "ECLIPJ2000", "unknown body"),
        ("EARTH", "SUN", "NOT_A_FRAME", "unknown reference frame"),
        (None, "SUN", "ECLIPJ2000", "unknown body"),
    ],
)
def test_spice_states_unknown_names(mirror, target, observer, frame, error):
    from orbitviz import spice

    with spice.KernelSet("default"), pytest.raises(OrbitvizError, match=error):
        spice.states(target, 0.0, observer=observer, frame=frame)


@pytest.mark.parametrize(
    "shape, kwargs, fact",
    [
        (None, {}, "shape: expected a shape name"),
        (5, {}, "shape: expected a shape name"),
        ("67p-4k.obj", {"step_s": 0}, "step_s = 0 must be a finite number > 0"),
        ("67p-4k.obj", {"near_step_s": float("nan")}, "near_step_s = nan must be"),
        ("67p-4k.obj", {"contact_m": "ten"}, "contact_m = 'ten' must be"),
        ("67p-4k.obj", {"stepsize": 1}, "unknown argument 'stepsize'"),
        ("67p-4k.obj", {"start_et": 10.0, "stop_et": 5.0}, "stop_et 5.0 must be after"),
        ("67p-4k.obj", {"start_et": float("inf")}, "start_et = inf must be finite"),
    ],
)
def test_philae_path_bad_arguments(mirror, shape, kwargs, fact):
    from orbitviz.shapes.lander import philae_path

    with pytest.raises(InvalidArgument, match=re.escape(fact)):
        philae_path(shape, **kwargs)


def test_philae_unknown_shape_name(mirror):
    from orbitviz.shapes.lander import philae_path

    with pytest.raises(OrbitvizError, match=r"no data file named 'nope\.obj'"):
        philae_path("nope.obj")


def test_flyby_targets_are_names_or_numbers(mirror):
    import orbitviz
    from orbitviz.errors import OrbitvizError

    report = orbitviz.flyby(99942, method="conic", compare=False)  # as users type it
    assert report.summary["target"] == "99942 Apophis"
    for wrong in (np.zeros(3), 1.5, True):
        with pytest.raises(OrbitvizError, match="give a name or number"):
            orbitviz.flyby(wrong)
