"""Headless rendering: frame plans, OpenGL backend selection, and videos (MP4, GIF, PNG).

>>> from orbitviz.recipes import shape_scene
>>> from orbitviz.render import render_video
>>> render_video(shape_scene("67p-4k.obj"), "spin.gif", size=(320, 240), frames=24)  # doctest: +SKIP
"""

from .._lazy import lazy_getattr
from .errors import NoGLBackend, RenderError

# loaded on first use: ``from orbitviz.render import RenderError`` (the window, the notebook)
# imports neither the scene, the shapes and scipy nor VisPy
_LAZY = {
    "GLBackend": f"{__name__}.backend",
    "select_backend": f"{__name__}.backend",
    "FramePlan": f"{__name__}.plan",
    "plan_frames": f"{__name__}.plan",
    "RenderResult": f"{__name__}.video",
    "render_video": f"{__name__}.video",
}
__getattr__ = lazy_getattr(__name__, _LAZY, globals())

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
