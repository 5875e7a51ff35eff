"""What a video of a scene shows when its maker says nothing else: the recipe's own camera
path and time map (a transit seen from Earth, slowed while the planet crosses its star).

``orbitviz render`` and :func:`orbitviz.render.render_video` use ``scene.video``'s camera when
no camera is given, and its time map when neither a time map nor a time range is given.

>>> from orbitviz.scene import Clock, Scene, TimeMap
>>> scene = Scene(frame="J2000", clock=Clock(0.0, 100.0))
>>> scene.video = SceneVideo(camera="home", time_map=TimeMap.linear(40.0, 60.0, 10.0))
>>> scene.video.time_map.et_at([5.0]).tolist()
[50.0]
"""

from __future__ import annotations

from dataclasses import dataclass

from .timemap import TimeMap


@dataclass(frozen=True)
class SceneVideo:
    """``camera``: a camera path (an object with ``track(t_s, et, duration_s)``) or a camera
    word of the scene (None: the renderer's default, a turntable); ``time_map``: scene time
    against video time, stretched to the video's length (None: the clock's span, evenly);
    ``note``: what the video shows, in words."""

    camera: object = None
    time_map: TimeMap | None = None
    note: str = ""
