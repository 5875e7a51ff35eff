"""The desktop viewer (PyQt5): a window around :class:`orbitviz._vispy.SceneCanvas`.

Depends on ``orbitviz._vispy`` and ``orbitviz.scene``; nothing in the computing core imports
it. ``orbitviz view philae`` starts it from the command line (see :mod:`orbitviz._qt.cli`).
"""

from .app import qt_application, run_viewer, screenshot
from .scene_recipes import (
    SceneRecipe,
    flyby_recipe,
    philae_recipe,
    prepare,
    shape_recipe,
)

__all__ = [
    "SceneRecipe",
    "flyby_recipe",
    "philae_recipe",
    "prepare",
    "qt_application",
    "run_viewer",
    "screenshot",
    "shape_recipe",
]
