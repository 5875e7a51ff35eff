"""Starting the viewer: the Qt application (VisPy on its PyQt5 backend), the window, and the
one-frame screenshot mode (the real window when there is a display, an offscreen canvas
otherwise)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

from orbitviz._files import Terminated, atomic_path
from orbitviz.errors import OrbitvizError
from orbitviz.recipes import SceneRecipe, prepare
from orbitviz.recipes.cameras import camera_from_spec
from orbitviz.recipes.prepared import no_progress
from orbitviz.render import NoGLBackend, select_backend
from orbitviz.render.backend import forget_backend
from orbitviz.units import TimeLike

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

    wanted = os.environ.get(PRESENT_ENV, "auto").lower()
    if wanted not in PRESENTATIONS:
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


def _prepared(recipe: SceneRecipe, time: TimeLike | None, progress=no_progress):
    return prepare(recipe, progress, time=time, time_option="--time")


def run_viewer(recipe: SceneRecipe, *, time: TimeLike | None = None, size=None, camera=None) -> int:
    """Open the window on ``recipe``'s scene (built on the worker thread before the window
    shows, with a progress dialog when that takes a while) until closed, starting from
    ``camera`` (a ``--camera`` spec; default the scene's home view)."""
    app = qt_application()
    from .window import ViewerWindow
    from .worker import run_with_progress

    with _quitting_on_signals(app) as caught:
        prepared = run_with_progress(
            lambda progress: _prepared(recipe, time, progress), f"Opening {recipe.title}"
        )
        code = 0
        if not caught:  # a signal while preparing: ends once the scene is built
            window = ViewerWindow(prepared, view_size=size)
            window.set_camera(camera)
            window.show()
            caught.window = window
            code = app.exec_()
    if caught:  # the CLI's one line and exit code, as for every other command
        if caught[0] == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(caught[0])
    return code


class _Caught(list):
    """Signal numbers caught, and the window to close on the next one."""

    window = None


@contextlib.contextmanager
def _quitting_on_signals(app):
    """Ctrl-C, SIGTERM and SIGHUP close the window (``caught.window``) and end the event loop
    (yielding the list that gets the signal number). Python runs its signal handlers only
    between bytecodes, and Qt's loop runs none while idle, so a timer wakes it; raising from a
    handler inside a Qt callback would abort the process instead."""
    from PyQt5.QtCore import QTimer

    caught = _Caught()
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    wanted = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {sig: signal.getsignal(sig) for sig in wanted}

    def handler(signum, _frame):
        caught.append(signum)
        if caught.window is not None:  # else the scene is still being built: stop after it
            caught.window.close()
            app.quit()

    for sig in wanted:
        signal.signal(sig, handler)
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    try:
        yield caught
    finally:
        wake.stop()
        for sig, old in previous.items():
            signal.signal(sig, old)


def screenshot(
    recipe: SceneRecipe,
    path: str | Path,
    *,
    time: TimeLike | None = None,
    size=(1280, 800),
    camera=None,
    progress=no_progress,
) -> Path:
    """Render one frame of the scene to ``path`` (PNG) and return it: grabbed from the real
    window when a display is available, else from an offscreen canvas (EGL, OSMesa, Xvfb).
    ``camera``: a ``--camera`` spec (default the scene's home view); ``progress``: told of
    each step, as by :func:`orbitviz.recipes.prepare`."""
    path = Path(path)
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        _window_screenshot(recipe, path, time, size, camera, progress)
    else:
        _offscreen_screenshot(recipe, path, time, size, camera, progress)
    return path


def _window_screenshot(recipe, path: Path, time, size, camera=None, progress=no_progress) -> None:
    app = qt_application()
    from .window import ViewerWindow

    window = ViewerWindow(_prepared(recipe, time, progress), view_size=size)
    progress("drawing", 1.0)
    window.set_camera(camera)
    window.show()
    for _ in range(5):  # layout, expose, first paint
        app.processEvents()
    try:
        window.save_image(path)
    finally:
        window.close()


def _offscreen_screenshot(
    recipe, path: Path, time, size, camera=None, progress=no_progress
) -> None:
    from PIL import Image

    from orbitviz._vispy import SceneCanvas

    select_backend()
    prepared = _prepared(recipe, time, progress)
    progress("drawing", 1.0)
    scene = prepared.scene
    canvas = SceneCanvas(scene, size=size, time_text=prepared.utc)
    if camera is not None:  # the first view of the path the spec names, as a video's
        canvas.set_camera(camera_from_spec(scene, camera).track([0.0], [scene.clock.et], 1.0)[0])
    try:
        with atomic_path(path) as tmp:  # the format follows the suffix, which tmp keeps
            Image.fromarray(canvas.render()).save(tmp)
    except OSError as exc:
        raise OrbitvizError(
            f"cannot write the image {path}: {exc}; check the folder exists and is writable"
        ) from None
    finally:
        canvas.close()
