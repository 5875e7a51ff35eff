"""VisPy adapters for :mod:`orbitviz.scene`: one small adapter per layer type and a canvas.

Depends on ``orbitviz.scene``; the scene model never imports this package.
"""

from .canvas import ADAPTERS, OVERLAYS, SceneCanvas

__all__ = ["ADAPTERS", "OVERLAYS", "SceneCanvas"]
