"""The frame plan of a video: for every frame its video time, scene time and camera, as arrays.

Pure numpy (no OpenGL): tests and tools can check what each frame will show before rendering.

>>> from orbitviz.scene import Scene, Clock
>>> plan = plan_frames(Scene(frame="J2000", clock=Clock(0.0, 90.0)), fps=10, frames=10)
>>> plan.frame_times_et.tolist()[:3], float(plan.frame_times_et[-1])
([0.0, 10.0, 20.0], 90.0)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from orbitviz.arguments import image_size, whole
from orbitviz.recipes.cameras import camera_from_spec
from orbitviz.scene import CameraTrack, Scene, TimeMap

from .errors import RenderError
from .limits import MAX_FPS, MIN_FPS

DEFAULT_DURATION_S = 10.0


@dataclass(frozen=True)
class FramePlan:
    """``frame_times_s`` (F,) video seconds, ``frame_times_et`` (F,) scene times, ``cameras``
    (one state per frame), the frame ``size`` (w, h) and ``fps``."""

    fps: float
    size: tuple[int, int]
    frame_times_s: np.ndarray
    frame_times_et: np.ndarray
    cameras: CameraTrack

    @property
    def n_frames(self) -> int:
        return len(self.frame_times_s)

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.fps


def even_size(size, *, what: str = "H.264 video") -> tuple[int, int]:
    """``size`` (w, h) rounded down to even numbers (yuv420p needs them), with a warning."""
    w, h = (int(v) for v in size)
    if w < 2 or h < 2:
        raise RenderError(f"frame size {w}x{h} is too small; give at least 2x2 pixels")
    even = (w - w % 2, h - h % 2)
    if even != (w, h):
        warnings.warn(
            f"{what} needs even dimensions: rendering {even[0]}x{even[1]} instead of {w}x{h}",
            stacklevel=3,
        )
    return even


def plan_frames(
    scene: Scene,
    *,
    fps: float = 30.0,
    duration_s: float | None = None,
    frames: int | None = None,
    time_range=None,
    time_map: TimeMap | None = None,
    camera=None,
    size=(1280, 720),
) -> FramePlan:
    """Which scene time and camera each frame shows.

    The number of frames comes from ``frames``, else ``duration_s * fps``, else the time map's
    duration, else 10 s. Scene time runs linearly over ``time_range`` (default: the clock's
    span; ET, TDB s: :func:`orbitviz.render.render_video` converts any
    :data:`~orbitviz.units.TimeLike`) from the first frame to the last, unless ``time_map``
    (video s -> et) is given.
    ``camera``: a camera path, a CameraState, or a spec for ``camera_from_spec`` (default:
    the scene's own video camera, ``scene.video``, else one turntable turn around the scene).
    Without ``time_map`` and ``time_range``, ``scene.video``'s time map is used when it has one.
    """
    video = getattr(scene, "video", None)
    if video is not None:
        if camera is None:
            camera = video.camera
        if time_map is None and time_range is None:
            time_map = video.time_map
    if not (np.isfinite(fps) and MIN_FPS <= fps <= MAX_FPS):
        raise RenderError(
            f"fps must be a number of frames per second in [{MIN_FPS:g}, {MAX_FPS:g}], got {fps}"
        )
    if frames is not None and duration_s is not None:
        raise RenderError(
            f"frames={frames!r} and duration_s={duration_s!r} both set the video's length: give one"
        )
    if frames is not None:
        frames = whole("frames", frames, low=1, error=RenderError)
    size = image_size("size", size, error=RenderError)
    if duration_s is not None and not (np.isfinite(duration_s) and duration_s > 0):
        raise RenderError(f"duration_s must be a finite number of seconds > 0, got {duration_s}")
    if frames is None:
        seconds = (
            duration_s
            if duration_s is not None
            else (time_map.duration_s if time_map is not None else DEFAULT_DURATION_S)
        )
        frames = round(seconds * fps)
    if frames < 1:
        raise RenderError(
            f"a video needs at least one frame (frames={frames}); give a longer "
            "duration or more frames"
        )
    t_s = np.arange(frames) / float(fps)
    last_s = float(t_s[-1])
    if time_map is None:
        start, stop = (
            time_range if time_range is not None else (scene.clock.start_et, scene.clock.stop_et)
        )
        if stop < start:
            raise RenderError(f"time range [{start}, {stop}] runs backwards; give START <= STOP")
        if time_range is not None:
            scene.clock.require(start, stop, "time_range")
        time_map = TimeMap.linear(start, stop, last_s)
    else:
        time_map = time_map.rescaled(last_s)
        scene.clock.require(float(time_map.et[0]), float(time_map.et[-1]), "time_map")
    et = time_map.et_at(t_s)
    path = camera_from_spec(scene, camera)
    # the camera's clock is the whole video (a turntable's last frame is not its first again)
    return FramePlan(
        float(fps), (int(size[0]), int(size[1])), t_s, et, path.track(t_s, et, frames / float(fps))
    )
