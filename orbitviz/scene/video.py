"""What a video of a scene shows when its maker says nothing else: the recipe's own camera
path and time map (a transit seen from Earth, slowed while the planet crosses its star; a
flyby zooming in and slowing down near its closest approach; Philae's bounces seen from the
side, slowed at each touchdown). :func:`event_video` builds one around a scene's main event.

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

import numpy as np

from .cameras import CameraState, CameraTour
from .timemap import TimeMap

VIDEO_S = 20.0
SLOW_SHARE = 0.5  # an event video spends this share of its time on the main event


@dataclass(frozen=True)
class SceneVideo:
    """``camera``: a camera path (an object with ``track(t_s, et, duration_s)``) or a camera
    word of the scene (None: the renderer's default, a turntable); ``time_map``: scene time
    against video time, stretched to the video's length (None: the clock's span, evenly);
    ``note``: what the video shows, in words."""

    camera: object = None
    time_map: TimeMap | None = None
    note: str = ""


def slow_share_factor(span_s: float, slow_s: float, share: float) -> float:
    """The slowdown that makes ``slow_s`` of a ``span_s`` scene take ``share`` of the video.

    >>> slow_share_factor(100.0, 10.0, 0.5)
    9.0
    """
    if not (slow_s > 0 and span_s > slow_s):
        return 1.0
    return max(1.0, share * (span_s - slow_s) / (slow_s * (1.0 - share)))


def event_video(
    start_et: float,
    stop_et: float,
    phases,
    *,
    wide: CameraState,
    close: CameraState,
    share: float = SLOW_SHARE,
    duration_s: float = VIDEO_S,
    pull_back: bool = True,
    note: str = "",
) -> SceneVideo:
    """A video of ``[start_et, stop_et]`` that eases time to a crawl in each of ``phases``
    (``(p0, p1)`` scene times; together ``share`` of the video) and its camera from ``wide``
    to ``close`` before the first phase, back to ``wide`` after the last (``pull_back``).

    >>> from orbitviz.scene import CameraState
    >>> wide = CameraState((0, 0, 0), 0.0, 20.0, 1000.0)
    >>> close = CameraState((0, 0, 0), 0.0, 20.0, 10.0)
    >>> video = event_video(0.0, 1000.0, [(450.0, 550.0)], wide=wide, close=close)
    >>> et = video.time_map.et_at([0.0, 10.0, 20.0])
    >>> [round(float(t)) for t in et], bool(400 < float(et[1]) < 600)
    ([0, 500, 1000], True)
    """
    phases = [(float(max(a, start_et)), float(min(b, stop_et))) for a, b in phases]
    phases = [(a, b) for a, b in phases if b > a]
    slow_s = sum(b - a for a, b in phases)
    factor = slow_share_factor(stop_et - start_et, slow_s, share)
    time_map = TimeMap.eased(start_et, stop_et, duration_s, [(a, b, factor) for a, b in phases])
    if not phases:
        return SceneVideo(CameraTour(((0.0, wide), (0.8, close))), time_map, note)
    first = float(np.interp(phases[0][0], time_map.et, time_map.video_s)) / duration_s
    last = float(np.interp(phases[-1][1], time_map.et, time_map.video_s)) / duration_s
    keys = [(0.15 * first, wide), (0.85 * first, close)]
    if pull_back and last < 0.97:
        keys += [(last + 0.1 * (1 - last), close), (last + 0.8 * (1 - last), wide)]
    kept: list = []
    for t, state in keys:  # a phase at the very start: no time to fly in, start there
        if kept and t <= kept[-1][0] + 1e-6:
            kept[-1] = (kept[-1][0], state)
        else:
            kept.append((t, state))
    return SceneVideo(CameraTour(tuple(kept)), time_map, note)
