"""Starting the viewer: the Qt application (VisPy on its PyQt5 backend), the window, and the
one-frame screenshot mode (the real window when there is a display, an offscreen canvas
otherwise)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from orbitviz.recipes import SceneRecipe, prepare

PRESENT_ENV = "ORBITVIZ_PRESENT"
PRESENTATIONS = ("auto", "raster", "opengl")
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "software")
_presentation: str | None = None


def qt_application():
    """The QApplication (created once), with VisPy's app chosen by :func:`presentation`."""
    from PyQt5.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("orbitviz")
    app.setOrganizationName("orbitviz")
    presentation()
    return app


def presentation() -> str:
    """How the window shows its 3D view, chosen once per process: ``"raster"`` (rendered
    offscreen with EGL/OSMesa and painted as an image: much faster on a software OpenGL) or
    ``"opengl"`` (VisPy's Qt OpenGL widget: best with a GPU). ``ORBITVIZ_PRESENT=auto|raster|
    opengl``; auto takes raster when the offscreen renderer is a software one."""
    global _presentation
    if _presentation is not None:
        return _presentation
    import vispy

    from orbitviz._vispy import compat
    from orbitviz.render import NoGLBackend, select_backend
    from orbitviz.render.backend import forget_backend

    wanted = os.environ.get(PRESENT_ENV, "auto").lower()
    if wanted not in PRESENTATIONS:
        from orbitviz.errors import OrbitvizError

        raise OrbitvizError(f"{PRESENT_ENV}={wanted!r}: choose one of {', '.join(PRESENTATIONS)}")
    current = compat.default_app()
    if current is not None:  # VisPy already has its app: follow it
        _presentation = "opengl" if current.backend_name.lower().startswith("pyqt") else "raster"
        return _presentation
    egl_platform = os.environ.get("EGL_PLATFORM")  # the EGL probe sets it to surfaceless
    if wanted != "opengl":
        for name in ("egl", "osmesa"):
            try:
                backend = select_backend(prefer=name)
            except NoGLBackend:
                continue
            if wanted == "raster" or any(s in backend.renderer.lower() for s in SOFTWARE_RENDERERS):
                _presentation = "raster"
                return _presentation
            forget_backend()  # a GPU: let it draw straight into the window
            break
        else:
            if wanted == "raster":
                raise NoGLBackend(
                    f"{PRESENT_ENV}=raster needs EGL or OSMesa for offscreen "
                    "rendering; neither works here (unset it to draw with Qt's "
                    "OpenGL widget)"
                )
    if egl_platform is None:  # leave Qt's own EGL/GLX choice alone
        os.environ.pop("EGL_PLATFORM", None)
    vispy.use(app="pyqt5")
    _presentation = "opengl"
    return _presentation


def _prepared(recipe: SceneRecipe, time_utc: str | None, progress=None):
    prepared = prepare(recipe) if progress is None else prepare(recipe, progress)
    if time_utc is not None:
        from orbitviz import spice

        et = float(spice.to_et(time_utc))
        clock = prepared.scene.clock
        clock.require(et, et, "--time", lambda t: f"{spice.et_to_utc(t, precision=0)} UTC")
        clock.et = et
    return prepared


def run_viewer(recipe: SceneRecipe, *, time_utc: str | None = None, size=None) -> int:
    """Open the window on ``recipe``'s scene (built on the worker thread before the window
    shows, with a progress dialog when that takes a while) until closed."""
    app = qt_application()
    from .window import ViewerWindow
    from .worker import run_with_progress

    prepared = run_with_progress(
        lambda progress: _prepared(recipe, time_utc, progress), f"Opening {recipe.title}"
    )
    window = ViewerWindow(prepared, view_size=size)
    window.show()
    return app.exec_()


def screenshot(
    recipe: SceneRecipe, path: str | Path, *, time_utc: str | None = None, size=(1280, 800)
) -> Path:
    """Render one frame of the scene to ``path`` (PNG) and return it: grabbed from the real
    window when a display is available, else from an offscreen canvas (EGL, OSMesa, Xvfb)."""
    path = Path(path)
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        _window_screenshot(recipe, path, time_utc, size)
    else:
        _offscreen_screenshot(recipe, path, time_utc, size)
    return path


def _window_screenshot(recipe, path: Path, time_utc, size) -> None:
    app = qt_application()
    from .window import ViewerWindow

    window = ViewerWindow(_prepared(recipe, time_utc), view_size=size)
    window.show()
    for _ in range(5):  # layout, expose, first paint
        app.processEvents()
    try:
        window.save_image(path)
    finally:
        window.close()


def _offscreen_screenshot(recipe, path: Path, time_utc, size) -> None:
    from PIL import Image

    from orbitviz._files import atomic_path
    from orbitviz._vispy import SceneCanvas
    from orbitviz.render import select_backend

    select_backend()
    prepared = _prepared(recipe, time_utc)
    canvas = SceneCanvas(prepared.scene, size=size, time_text=prepared.utc)
    try:
        with atomic_path(path) as tmp:  # the format follows the suffix, which tmp keeps
            Image.fromarray(canvas.render()).save(tmp)
    except OSError as exc:
        from orbitviz.errors import OrbitvizError

        raise OrbitvizError(
            f"cannot write the image {path}: {exc}; check the folder exists and is writable"
        ) from None
    finally:
        canvas.close()
