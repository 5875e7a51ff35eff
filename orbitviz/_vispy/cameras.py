"""The window's camera modes: turntable, arcball, fly and follow-the-lander, all started from
(and reset to) a :class:`CameraState`.

VisPy's arcball and fly cameras get ``azimuth`` / ``elevation`` (and the fly camera a
``distance``) derived from their pose, and a ``state()``, so ``SceneCanvas.camera_state()`` --
and with it the scale bar and the axes triad -- works whatever camera is active, in the scene
model's convention (:mod:`orbitviz.scene.cameras`): what ``look(state)`` set reads back.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation
from vispy import scene as vscene
from vispy.util import transforms
from vispy.util.quaternion import Quaternion

from orbitviz._vispy import compat
from orbitviz._vispy.canvas import DEPTH_RANGE
from orbitviz.errors import CameraPathError
from orbitviz.recipes.cameras import camera_from_spec
from orbitviz.scene import CameraState
from orbitviz.scene.cameras import angles_from_offsets

MODES = ("turntable", "arcball", "fly", "follow")


# VisPy's cameras look along their -z with +y up; the turntable first maps those onto the
# scene's +y (forward at azimuth 0) and +z (up): rows = images of the camera's x, y, z
_CAMERA_TO_TURNTABLE = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])


def _view_rotation(state: CameraState) -> np.ndarray:
    """The turntable's world -> camera rotation (VisPy's row-vector convention, 3x3)."""
    return np.dot(
        transforms.rotate(state.elevation_deg, (-1, 0, 0)),
        transforms.rotate(state.azimuth_deg, (0, 0, 1)),
    )[:3, :3]


def _camera_to_scene(state: CameraState) -> np.ndarray:
    """The rotation (row vectors) taking the camera's own axes into the scene, as the
    turntable camera places them for ``state``."""
    return _CAMERA_TO_TURNTABLE @ _view_rotation(state)


class _PoseAngles:
    """Azimuth and elevation of the view direction, read from the camera's pose."""

    def _eye_and_forward(self) -> tuple[np.ndarray, np.ndarray]:
        eye = self.transform.map([0.0, 0.0, 0.0])[:3]
        return eye, self.transform.map([0.0, 0.0, -1.0])[:3] - eye

    @property
    def azimuth(self) -> float:
        return float(angles_from_offsets(-self._eye_and_forward()[1])[0])

    @property
    def elevation(self) -> float:
        return float(angles_from_offsets(-self._eye_and_forward()[1])[1])

    def state(self) -> CameraState:
        """The view as a :class:`CameraState`: the point ``distance`` ahead of the eye."""
        eye, forward = self._eye_and_forward()
        forward = forward / np.linalg.norm(forward)
        azimuth, elevation, _ = angles_from_offsets(-forward)
        center = eye + float(self.distance) * forward
        return CameraState(
            tuple(float(c) for c in center),
            float(azimuth),
            float(elevation),
            float(self.distance),
            float(self.fov),
        )


class ArcballCamera(_PoseAngles, vscene.ArcballCamera):
    """Free rotation about the centre (no fixed up axis)."""

    def look(self, state: CameraState) -> None:
        rotvec = Rotation.from_matrix(_view_rotation(state).T).as_rotvec()
        angle = float(np.linalg.norm(rotvec))
        x, y, z = rotvec / angle if angle > 0 else (0.0, 0.0, 1.0)
        compat.set_camera_pose(
            self,
            quaternion=Quaternion.create_from_axis_angle(angle, x, z, y),  # VisPy: (x, z, y)
            center=tuple(state.center_km),
            fov=state.fov_deg,
            distance=state.distance_km,
        )


class FlyCamera(_PoseAngles, vscene.FlyCamera):
    """Fly through the scene (W/A/S/D, F/C up/down, I/K/J/L/Q/E to turn); ``distance`` is the
    distance of the point it looked at when it started (for the scale bar)."""

    distance = 1.0

    def look(self, state: CameraState) -> None:
        x, y, z, w = Rotation.from_matrix(_camera_to_scene(state)).as_quat()
        self.distance = state.distance_km
        compat.set_camera_pose(
            self,
            rotation1=Quaternion(w, x, y, z),
            rotation2=Quaternion(),
            center=tuple(float(c) for c in state.eye_km),
            fov=state.fov_deg,
            scale_factor=state.distance_km / 3.0,  # speed: ~3 s across the view
        )


class TurntableCamera(vscene.TurntableCamera):
    """Orbit the centre with z up."""

    def look(self, state: CameraState) -> None:
        compat.set_camera_pose(
            self,
            center=tuple(float(c) for c in state.center_km),
            azimuth=state.azimuth_deg,
            elevation=state.elevation_deg,
            fov=state.fov_deg,
            distance=state.distance_km,
        )


class CameraModes:
    """Switches ``canvas``'s VisPy camera between the modes; ``follow`` is a turntable whose
    centre tracks the scene's ``follow_target`` as the clock runs."""

    def __init__(self, canvas):
        self.canvas = canvas
        self.scene = canvas.scene
        self.mode = "turntable"
        self.scene.clock.events.time.connect(self._on_time)
        self.set_mode("turntable", canvas.camera_state())

    @property
    def can_follow(self) -> bool:
        target = self.scene.follow_target
        return target is not None and target in self.scene.layers

    def home(self) -> CameraState:
        if self.mode == "follow":
            path = camera_from_spec(self.scene, "follow")
            return path.track([0.0], [self.scene.clock.et], 1.0)[0]
        return self.scene.home_camera()

    def set_mode(self, mode: str, state: CameraState | None = None) -> None:
        """Switch to ``mode``, starting from ``state`` (default: what is seen now, or the
        follow camera's own view)."""
        if mode not in MODES:
            raise CameraPathError(f"unknown camera mode {mode!r}; choose from {MODES}")
        if mode == "follow" and not self.can_follow:
            raise CameraPathError("this scene has nothing to follow (no follow_target)")
        start = state or self.canvas.camera_state()
        camera_type = {"arcball": ArcballCamera, "fly": FlyCamera}.get(mode, TurntableCamera)
        camera = camera_type(fov=start.fov_deg)
        camera.depth_value = DEPTH_RANGE
        self.canvas.view.camera = camera
        self.mode = mode
        camera.look(self.home() if mode == "follow" and state is None else start)

    def show_preset(self, name: str) -> str:
        """Show the scene's camera preset ``name`` (a turntable from its view, or the follow
        camera at its angles and distance), the clock at its event when it has one; returns
        the mode it left the camera in."""
        preset = self.scene.camera_presets[name]
        if preset.et is not None:  # a view of an event: the clock goes there too
            self.scene.clock.et = preset.et
        if preset.follow:
            self.set_mode("follow", preset.state_at(self.scene, self.scene.clock.et))
        else:
            self.set_mode("turntable", preset.state)
        return self.mode

    def show_spec(self, spec) -> str:
        """Start from a ``--camera`` word or keyframe file (its first view); returns the mode."""
        if spec in self.scene.camera_presets:
            return self.show_preset(spec)
        if spec == "follow":
            self.set_mode("follow")
            return self.mode
        path = camera_from_spec(self.scene, spec)
        self.set_mode("turntable", path.track([0.0], [self.scene.clock.et], 1.0)[0])
        return self.mode

    def reset(self) -> None:
        self.canvas.view.camera.look(self.home())

    def _on_time(self, event) -> None:
        if self.mode != "follow":
            return
        target = self.scene.follow_target.positions_at(event.value)[0]
        if np.isfinite(target).all():
            compat.set_camera_pose(self.canvas.view.camera, center=tuple(float(c) for c in target))

    def close(self) -> None:
        self.scene.clock.events.time.disconnect(self._on_time)
