"""Translucent surfaces are blended back to front, whatever the side the camera is on."""

import numpy as np
import pytest
from render_support import gl_backend  # noqa: F401 - fixture

from orbitviz.scene import CameraState, Scene, SphereLayer

SIZE = (160, 120)


@pytest.fixture
def canvas(gl_backend):  # noqa: F811
    from orbitviz._vispy import SceneCanvas

    scene = Scene(frame="TEST")  # red first in the layer list, blue behind it along +x
    scene.add(SphereLayer("red shell", 1.0, (-1.5, 0.0, 0.0), color="red", opacity=0.5))
    scene.add(SphereLayer("blue shell", 1.0, (1.5, 0.0, 0.0), color="blue", opacity=0.5))
    view = SceneCanvas(scene, size=SIZE, overlays=())
    yield view
    view.close()


def centre_rgb(canvas, azimuth_deg: float) -> np.ndarray:
    """The frame's centre looking along the x axis, both shells on the line of sight."""
    canvas.set_camera(CameraState((0.0, 0.0, 0.0), azimuth_deg, 0.0, 12.0, 30.0))
    image = canvas.render().astype(int)
    h, w = image.shape[:2]
    return image[h // 2 - 1 : h // 2 + 2, w // 2 - 1 : w // 2 + 2].reshape(-1, 3).mean(axis=0)


@pytest.mark.parametrize("azimuth_deg", [90.0, -90.0])
def test_the_nearer_shell_is_blended_over_the_farther(canvas, azimuth_deg):
    canvas.set_camera(CameraState((0.0, 0.0, 0.0), azimuth_deg, 0.0, 12.0, 30.0))
    eye = np.asarray(canvas.view.camera.transform.map([0.0, 0, 0])[:3])
    near = "red" if eye[0] < 0 else "blue"
    r, _, b = centre_rgb(canvas, azimuth_deg)
    # over black: the nearer shell's colour counts alpha, the farther's alpha * (1 - alpha)
    assert (r > b) if near == "red" else (b > r), (near, eye.round(1).tolist(), r, b)
