"""Headless rendering: frame plans, OpenGL backend selection, and videos (MP4, GIF, PNG).

>>> from orbitviz.recipes import shape_scene
>>> from orbitviz.render import render_video
>>> render_video(shape_scene("67p-4k.obj"), "spin.gif", size=(320, 240), frames=24)  # doctest: +SKIP
"""

from .backend import GLBackend, select_backend
from .errors import NoGLBackend, RenderError
from .plan import FramePlan, plan_frames
from .video import RenderResult, render_video

__all__ = [
    "FramePlan",
    "GLBackend",
    "NoGLBackend",
    "RenderError",
    "RenderResult",
    "plan_frames",
    "render_video",
    "select_backend",
]
