"""``orbitviz.show``: the interactive viewer wherever the user is, a widget in a notebook
(:mod:`orbitviz.notebook`, no Qt), the desktop window elsewhere (:mod:`orbitviz._qt`).
Both build the scene through :mod:`orbitviz.recipes`, as ``orbitviz render`` does.
"""

from __future__ import annotations

import sys
import time as _time

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

        with NotebookStatus(f"preparing {recipe.title}") as status:
            return viewer(recipe, size=size or (960, 540), time=time, progress=status)
    from ._qt import run_viewer

    return run_viewer(recipe, time=time, size=size)


class NotebookStatus:
    """What :func:`show` is doing while it builds a scene in a notebook (seconds for Philae's
    landing or a flyby): one line under the cell, updated at each step and removed when the
    viewer is ready (the command line's :class:`orbitviz._status.Status` writes to a
    terminal; a notebook's is a display)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._start = _time.perf_counter()
        self._handle = None

    def _show(self) -> dict:
        elapsed = _time.perf_counter() - self._start
        return {"text/plain": f"orbitviz: {self.text} ... {elapsed:.0f} s"}

    def __enter__(self) -> NotebookStatus:
        from IPython.display import display

        self._start = _time.perf_counter()
        self._handle = display(self._show(), raw=True, display_id=True)
        return self

    def __call__(self, text: str, fraction: float | None = None) -> None:
        self.text = text
        if self._handle is not None:
            self._handle.update(self._show(), raw=True)

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            self._handle.update({"text/plain": ""}, raw=True)
