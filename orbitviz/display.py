"""``orbitviz.show``: the interactive viewer wherever the user is, a widget in a notebook
(:mod:`orbitviz.notebook`, no Qt), the desktop window elsewhere (:mod:`orbitviz._qt`).
Both build the scene through :mod:`orbitviz.recipes`, as ``orbitviz render`` does.
"""

from __future__ import annotations

import sys

from .units import TimeLike


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Notebook, VS Code), where widgets display."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show(what, *, size=None, time: TimeLike | None = None, **options):
    """Show ``what`` interactively: a recipe name with its options (``show("philae")``,
    ``show("flyby", target="2021 WP")``), a shape file, a :class:`~orbitviz.scene.Scene`, or a
    flyby report (``show(orbitviz.flyby("Apophis"))``); the clock starts at ``time`` (:data:`~orbitviz.units.TimeLike`).

    In a notebook: returns a :class:`orbitviz.notebook.Viewer` (display it: the last value of
    a cell) of ``size`` (w, h) CSS pixels, default 960x540. Elsewhere: opens the desktop window
    and returns its exit status when it is closed.
    """
    from .recipes import as_recipe

    recipe = as_recipe(what, **options)
    if in_notebook():
        from .notebook import viewer

        return viewer(recipe, size=size or (960, 540), time=time)
    from ._qt import run_viewer

    return run_viewer(recipe, time=time, size=size)
