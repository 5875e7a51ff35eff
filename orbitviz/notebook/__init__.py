"""The viewer in a notebook: the desktop window's canvas, layers, lighting and cameras,
rendered offscreen (EGL) in the kernel and streamed to the browser by jupyter_rfb, with
ipywidgets controls. Needs no display and no Qt (an import-linter contract keeps Qt out).

>>> import orbitviz
>>> viewer = orbitviz.show("philae", size=(640, 360))   # doctest: +SKIP
>>> viewer.snapshot()                                   # doctest: +SKIP

Modules: :mod:`.view` (the remote frame buffer over the canvas), :mod:`.controls`
(time, layers, camera), :mod:`.viewer` (the whole widget and its pictures).
"""

from .view import SceneView
from .viewer import Viewer, viewer

__all__ = ["SceneView", "Viewer", "viewer"]
