"""The desktop viewer (PyQt5): a window around :class:`orbitviz._vispy.SceneCanvas`.

Depends on ``orbitviz._vispy`` and ``orbitviz.scene``; nothing in the computing core imports
it. ``orbitviz view philae`` starts it from the command line (:mod:`orbitviz.cli`); its scenes
come from :mod:`orbitviz.recipes`, like every other front end's. Only Qt code lives here.
"""

from .app import qt_application, run_viewer, screenshot

__all__ = ["qt_application", "run_viewer", "screenshot"]
