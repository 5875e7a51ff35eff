"""Choose how VisPy gets an OpenGL context without a display: EGL (surfaceless), then OSMesa,
then a private Xvfb server with the Qt backend.

>>> backend = select_backend()        # doctest: +SKIP
>>> backend.name, backend.renderer    # doctest: +SKIP
('egl', 'llvmpipe (LLVM 15.0.6, 256 bits)')

``ORBITVIZ_GL_BACKEND=egl|osmesa|xvfb`` forces one. When VisPy already has an app (the
desktop window), that app is used.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
from dataclasses import dataclass

from .errors import NoGLBackend

ORDER = ("egl", "osmesa", "xvfb")
INSTALL_HINT = (
    "install one of: EGL + Mesa (Debian/Ubuntu: apt-get install libegl1 libgl1 "
    "libgl1-mesa-dri), OSMesa (libosmesa6), or Xvfb with PyQt5 (xvfb plus Qt's xcb "
    "libraries: libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
    "libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-xfixes0 "
    "libxcb-shape0 libxcb-xkb1 libxcb-cursor0)"
)


@dataclass(frozen=True)
class GLBackend:
    """The VisPy app in use (``egl``, ``osmesa``, ``xvfb`` or an existing app's name) and the
    OpenGL renderer it got (e.g. ``llvmpipe``: Mesa's software rasteriser)."""

    name: str
    renderer: str

    def __str__(self) -> str:
        return f"{self.name} ({self.renderer})"


_selected: GLBackend | None = None
_xvfb: subprocess.Popen | None = None


def select_backend(prefer: str | None = None) -> GLBackend:
    """The first backend that renders a test frame (once per process; then cached)."""
    global _selected
    if _selected is not None:
        return _selected
    from orbitviz._vispy import compat

    current = compat.default_app()
    if current is not None:
        _selected = GLBackend(current.backend_name.lower(), _probe())
        return _selected
    forced = prefer or os.environ.get("ORBITVIZ_GL_BACKEND")
    if forced and forced not in ORDER:
        raise NoGLBackend(f"ORBITVIZ_GL_BACKEND={forced!r}: choose one of {', '.join(ORDER)}")
    failures = []
    for name in (forced,) if forced else ORDER:
        try:
            _selected = GLBackend(name, _TRY[name]())
            return _selected
        except Exception as exc:  # noqa: BLE001 - every failure is reported below
            compat.drop_default_app()
            failures.append(f"{name}: {type(exc).__name__}: {str(exc).strip()[:200]}")
    raise NoGLBackend(
        "cannot create an OpenGL context for offscreen rendering; tried\n  "
        + "\n  ".join(failures)
        + f"\nTo fix it, {INSTALL_HINT}"
    )


def forget_backend() -> None:
    """Drop the selected backend and VisPy's app, before any canvas was made with it (the
    viewer does this when a GPU should draw straight into its window instead)."""
    global _selected
    from orbitviz._vispy import compat

    compat.drop_default_app()
    _selected = None


def _probe() -> str:
    """Render one tiny frame with the current app; the GL renderer's name."""
    from vispy import scene
    from vispy.gloo import gl

    canvas = scene.SceneCanvas(size=(8, 8), show=False)
    try:
        canvas.render()
        return str(gl.glGetParameter(gl.GL_RENDERER))
    finally:
        canvas.close()


def _use(app: str) -> str:
    import vispy

    vispy.use(app=app)
    return _probe()


def _egl() -> str:
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    return _use("egl")


def _osmesa() -> str:
    return _use("osmesa")


def start_xvfb(screen: str = "1920x1080x24", *, exit_with_last_client: bool = False):
    """Start a private Xvfb server, point ``DISPLAY`` at it, and return its process.

    With ``exit_with_last_client`` the server ends by itself when its last client disconnects
    (safer for Qt, whose connection must outlive Python's shutdown); otherwise it is terminated
    at exit.
    """
    exe = shutil.which("Xvfb")
    if exe is None:
        raise FileNotFoundError("Xvfb is not installed (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    args = [exe, "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"]
    server = subprocess.Popen(
        args + (["-terminate"] if exit_with_last_client else []),
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        display = pipe.readline().strip()
    if not display:
        server.terminate()
        raise RuntimeError("Xvfb did not start (no display number reported)")
    if not exit_with_last_client:
        atexit.register(server.terminate)
    os.environ["DISPLAY"] = f":{display}"
    return server


def _xvfb_backend() -> str:
    global _xvfb
    _xvfb = start_xvfb()
    return _use("pyqt5")


_TRY = {"egl": _egl, "osmesa": _osmesa, "xvfb": _xvfb_backend}
