"""Render a scene to an H.264 MP4, a GIF or a folder of PNG frames, headless.

>>> from orbitviz.recipes import shape_scene
>>> result = render_video(shape_scene("67p-4k.obj"), "spin.mp4", size=(640, 360),
...                       duration_s=4, fps=30)                      # doctest: +SKIP
>>> result.plan.n_frames, str(result.backend)                        # doctest: +SKIP
(120, 'egl (llvmpipe (LLVM 15.0.6, 256 bits))')
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orbitviz._files import atomic_path, check_output, signals_deferred
from orbitviz.arguments import image_size, number
from orbitviz.arguments import path as argument_path
from orbitviz.errors import OrbitvizError
from orbitviz.scene import Scene, TimeMap
from orbitviz.spice import to_et, utc_label
from orbitviz.units import TimeLike

from .backend import GLBackend, select_backend
from .errors import RenderError
from .plan import FramePlan, even_size, plan_frames
from .writers import check_quality, open_sink

log = logging.getLogger("orbitviz.render")
KINDS = {".mp4": "mp4", ".gif": "gif", "": "png"}
DEFAULT_OVERLAYS = ("title", "time", "distance", "scale", "credit", "legend")


@dataclass
class RenderResult:
    """The finished file, what was drawn in each frame, and where the time went."""

    path: Path
    plan: FramePlan
    backend: GLBackend
    time_texts: list[str]
    render_s: float = 0.0
    encode_wait_s: float = 0.0
    total_s: float = 0.0
    command: list[str] = field(default_factory=list)

    @property
    def fps_achieved(self) -> float:
        return self.plan.n_frames / self.total_s if self.total_s else float("nan")


def output_kind(path: Path) -> str:
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise RenderError(
            f"cannot tell the output format of {path}: use a name ending in .mp4 "
            "or .gif, or a folder name without a suffix for PNG frames"
        )
    return kind


def check_target(final: Path, *, folder: bool) -> None:
    """Fail early, before any frame is rendered, when ``final`` cannot receive the output."""
    if not final.parent.is_dir():
        raise RenderError(
            f"cannot write {final}: the folder {final.parent} does not exist; create it first"
        )
    if folder and final.exists() and (not final.is_dir() or any(final.iterdir())):
        raise RenderError(
            f"{final} already exists and is not an empty folder; remove it or "
            "choose another output folder for the PNG frames"
        )
    if not folder and final.is_dir():
        raise RenderError(
            f"{final} is a folder; give a file name ending in .mp4 or .gif, or a "
            "folder name without a suffix for PNG frames"
        )
    check_output(final, what="the render output", folder=folder)  # read-only folder


def utc_texts(et: np.ndarray) -> list[str]:
    """UTC labels for the time overlay, computed once before the frame loop (SPICE here only)."""
    try:
        return utc_label(np.asarray(et, dtype=float).reshape(-1))
    except OrbitvizError as exc:
        warnings.warn(f"time overlay shows ET seconds: cannot convert to UTC ({exc})", stacklevel=3)
        return [f"ET {value:,.1f} s" for value in et]


def render_video(
    scene: Scene,
    path,
    *,
    camera=None,
    size=(1280, 720),
    fps: float = 30.0,
    duration_s: float | None = None,
    frames: int | None = None,
    time_range: tuple[TimeLike, TimeLike] | None = None,
    time_map: TimeMap | None = None,
    overlays: Sequence[str] = DEFAULT_OVERLAYS,
    quality: str = "standard",
    progress: bool | None = None,
    bgcolor="black",
    time_labels: Callable[[np.ndarray], Sequence[str]] | None = None,
    on_frame: Callable[[int, float], None] | None = None,
) -> RenderResult:
    """Render ``scene`` along ``camera`` into ``path`` (``.mp4``, ``.gif`` or a PNG folder).

    Frames stream into the encoder while the next one renders; the output appears under
    ``path`` only when complete (an error or Ctrl-C leaves nothing there). ``camera``, ``fps``,
    ``duration_s``/``frames`` and ``time_map`` are as in :func:`orbitviz.render.plan.plan_frames`;
    ``time_range`` is its (start, stop), each a :data:`~orbitviz.units.TimeLike`. ``time_labels(et) -> texts`` formats the time
    overlay (default: UTC via SPICE, computed before rendering). ``on_frame(index, et)`` is
    called before each frame (e.g. for a GUI's progress).
    """
    from orbitviz._vispy.canvas import check_overlays

    if not isinstance(scene, Scene):
        raise RenderError(f"render_video({scene!r}, ...): give a Scene (orbitviz.build_scene)")
    path = argument_path("path", path, error=RenderError)
    fps = number("fps", fps, error=RenderError)
    if time_range is not None and (isinstance(time_range, str) or len(time_range) != 2):
        raise RenderError(f"time_range = {time_range!r}: give (start, stop)")
    kind = output_kind(path)
    check_quality(quality)
    overlays = check_overlays(overlays)
    check_target(path, folder=kind == "png")
    size = image_size("size", size, error=RenderError)
    if kind != "png":
        size = even_size(size)
    plan = plan_frames(
        scene,
        fps=fps,
        duration_s=duration_s,
        frames=frames,
        time_range=None
        if time_range is None
        else (float(to_et(time_range[0])), float(to_et(time_range[1]))),
        time_map=time_map,
        camera=camera,
        size=size,
    )
    show_time = "time" in overlays and scene.clock.span_s > 0
    texts = (
        list((time_labels or utc_texts)(plan.frame_times_et)) if show_time else [""] * plan.n_frames
    )
    backend = select_backend()
    if progress is None:
        progress = sys.stderr.isatty()
    if progress:
        print(f"orbitviz render: OpenGL through {backend}", file=sys.stderr)
    log.info(
        "rendering %d frames of %dx%d with OpenGL through %s", plan.n_frames, *plan.size, backend
    )
    result = RenderResult(path, plan, backend, texts)
    started = time.perf_counter()
    # frames stream into a hidden temporary beside ``path`` (a file, or a folder of PNGs), which
    # becomes ``path`` only when complete; an error or Ctrl-C removes it
    with atomic_path(path, folder=kind == "png") as temporary:
        _render_frames(
            scene,
            plan,
            temporary,
            kind,
            quality,
            overlays,
            bgcolor,
            texts,
            on_frame,
            progress,
            result,
        )
    result.total_s = time.perf_counter() - started
    return result


@contextlib.contextmanager
def _heap_left_alone():
    """While the frames render, Python's cyclic garbage collector leaves alone every object
    that exists when they start (``gc.freeze``: scene, canvas, VisPy, the libraries; ~376,000
    objects in the video benchmark), collecting only what the frames make. Its full passes
    over all of them cost the render loop ~11 % of its CPU (benchmarks/video.py's scene, 60
    frames at 1280x720: main thread 0.87 -> 0.78 s, video 1.25 -> 1.17 s, medians of 8
    interleaved rounds). Nothing is lost: what was frozen is collectable again afterwards
    (``gc.unfreeze``). Where the caller froze objects already, it is left as it is."""
    froze = gc.get_freeze_count() == 0
    if froze:
        gc.freeze()
    try:
        yield
    finally:
        if froze:
            gc.unfreeze()


def _render_frames(
    scene, plan, temporary, kind, quality, overlays, bgcolor, texts, on_frame, progress, result
) -> None:
    from tqdm import tqdm

    from orbitviz._vispy import SceneCanvas

    clock_et = scene.clock.et
    canvas = SceneCanvas(
        scene,
        size=plan.size,
        bgcolor=bgcolor,
        time_text=None,
        overlays=[name for name in overlays if name != "axes"],
    )
    sink = None
    try:
        # a signal inside Popen would lose ffmpeg, which would then write the output after
        # the cleanup: signals wait until ``sink`` holds it
        with signals_deferred():
            sink = open_sink(temporary, kind, plan.size, plan.fps, quality)
        result.command = getattr(sink, "command", [])
        bar = tqdm(
            total=plan.n_frames,
            unit="frame",
            desc=result.path.name,
            disable=not progress,
            dynamic_ncols=True,
        )
        times = plan.frame_times_et

        def show(i: int) -> None:
            if on_frame is not None:
                on_frame(i, float(times[i]))
            scene.clock.et = times[i]
            canvas.set_time_text(texts[i])
            canvas.set_camera(plan.cameras[i])
            canvas.prepare_frame()

        with bar, _heap_left_alone():
            # frame i is rasterised (by the renderer's threads) while Python lays out frame
            # i + 1; then frame i is read and handed to the encoder, and i + 1 drawn
            start = time.perf_counter()
            show(0)
            canvas.draw_frame(plan.size)
            result.render_s += time.perf_counter() - start
            for i in range(plan.n_frames):
                buf = sink.buffer()
                start = time.perf_counter()
                if i + 1 < plan.n_frames:
                    show(i + 1)
                canvas.read_frame(buf)
                sink.submit(buf)
                if i + 1 < plan.n_frames:
                    canvas.draw_frame(plan.size)
                result.render_s += time.perf_counter() - start
                bar.update()
        sink.close()
        result.encode_wait_s = sink.wait_s
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    finally:
        canvas.close()
        scene.clock.et = clock_et
