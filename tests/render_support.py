"""Shared setup of the rendering tests: an OpenGL backend (or a skip saying why not) and a
small 67P scene."""

import numpy as np
import pytest

from orbitviz.recipes import shape_scene
from orbitviz.scene import MarkerLayer, TrajectoryLayer


@pytest.fixture(scope="session")
def gl_backend():
    """EGL (surfaceless), OSMesa or Xvfb; skips when no OpenGL context can be made on a
    developer's machine (conftest.py turns that skip into a failure under CI=true: .ci/run
    installs Mesa's EGL)."""
    from orbitviz.render import NoGLBackend, select_backend

    try:
        return select_backend()
    except NoGLBackend as exc:
        pytest.skip(f"no OpenGL backend: {exc}")


def comet_scene(sun_dir=(1.0, 0.0, 0.0)):
    """67P (4k faces) with a red ring path at 3.5 km and a moving lander, over 100 s."""
    scene = shape_scene("67p-4k.obj", sun_dir=sun_dir)
    scene.clock.set_range(0.0, 100.0)
    et = np.linspace(0.0, 100.0, 201)
    angle = 2 * np.pi * et / 100.0
    ring = np.c_[3.5 * np.cos(angle), 3.5 * np.sin(angle), 0 * et]
    scene.add(TrajectoryLayer("path", et, ring, color="red", width_px=3))
    scene.add(MarkerLayer("lander", ring, et=et, color="yellow", labels=["Philae"]))
    scene.follow_target = "lander"
    return scene
