"""Frame sinks that encode while the next frame renders: ffmpeg (H.264 MP4, GIF) through a
pipe, or PNG files, fed by a background thread from a small pool of reused buffers.

Frames arrive bottom row first (OpenGL's order), RGBA (the renderer's own layout: it reads
faster than RGB); the sinks flip them and drop the alpha. An MP4's frames are converted to
YUV 4:2:0 on the writer's thread (:mod:`orbitviz.render._yuv`: BT.709, limited range), and the
file says so; a GIF's go to ffmpeg as RGBA (``vflip``, then its palette).
"""

from __future__ import annotations

import contextlib
import errno
import os
import queue
import subprocess
import threading
from pathlib import Path

import numpy as np

from orbitviz._files import DISK_FULL, NOT_WRITABLE

from .errors import RenderError

QUALITY = {  # name: (x264 CRF, x264 preset)
    "draft": (28, "veryfast"),
    "standard": (20, "veryfast"),
    "high": (16, "medium"),
}
POOL_SIZE = 3
ENCODER_NICE = 10
"""How far below the render loop ffmpeg runs (nice, added to orbitviz's own). The render
loop's thread is a video's critical path, and ffmpeg has queued frames to work through: at the
same priority it preempts the loop on a busy machine (and where it has a session of its own, a
core whenever it wants one: see :class:`FfmpegSink`). Measured on 2 cores, 720p benchmark scene,
200-frame videos, 6 interleaved rounds in one process, as time a frame against ffmpeg in a
session of its own (13.2 ms): in orbitviz's session 0.938; and nice +5 0.905, +10 0.886, +19
0.914 (the encoder falls behind and the loop waits for a free buffer)."""


def encoder_threads() -> int:
    """x264 threads: half the cores. The encoder runs beside the renderer (a software
    rasteriser wants the other half); measured on 2 cores: 1 thread 6.6 s, auto 6.9 s,
    2 threads 8.3 s for 40 frames at 1280x720."""
    return max(1, (os.cpu_count() or 2) // 2)


def check_quality(quality: str) -> str:
    if quality not in QUALITY:
        raise RenderError(f"quality={quality!r}: choose one of {', '.join(QUALITY)}")
    return quality


BT709 = "setparams=range=tv:colorspace=bt709:color_primaries=bt709:color_trc=bt709"
"""How an MP4's frames are tagged: BT.709 matrix, primaries and transfer, limited range, as
:mod:`orbitviz.render._yuv` converts them. Players read a file that names no matrix as BT.709;
ffmpeg would convert RGB with BT.601 unless told, which turns pure red into (255, 23, 0)."""


def ffmpeg_command(
    path: Path, size: tuple[int, int], fps: float, kind: str, quality: str
) -> list[str]:
    """ffmpeg reading raw frames from its stdin: for an MP4 yuv420p, top row first (as
    :func:`orbitviz.render._yuv.yuv420_bt709` makes them); for a GIF RGBA, bottom row first
    (the renderer's own)."""
    import imageio_ffmpeg

    w, h = size
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-y",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "yuv420p" if kind == "mp4" else "rgba",
        "-s",
        f"{w}x{h}",
        "-framerate",
        f"{fps:g}",
        "-i",
        "-",
        "-an",
        "-fflags",
        "+bitexact",
    ]
    if kind == "mp4":
        crf, preset = QUALITY[quality]
        command += [
            "-vf",
            BT709,
            "-c:v",
            "libx264",
            "-preset",
            preset,
            "-crf",
            str(crf),
            "-threads",
            str(encoder_threads()),
            "-pix_fmt",
            "yuv420p",
            "-flags:v",
            "+bitexact",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
        ]
    else:
        command += [
            "-vf",
            "vflip,split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse",
            "-loop",
            "0",
            "-f",
            "gif",
        ]
    return command + [str(path)]


def lower_priority(pid: int, steps: int) -> None:
    """Make process ``pid`` (a child just started) ``steps`` nicer than this process, every
    thread it has so far (on Linux a nice is per thread; the threads it starts later inherit
    it). Best effort: nothing where the system has no nice (Windows) or a thread has ended."""
    if not hasattr(os, "setpriority"):
        return
    nice = min(19, os.getpriority(os.PRIO_PROCESS, 0) + steps)
    try:
        threads = [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except OSError:  # no /proc (macOS: a nice is per process there)
        threads = [pid]
    for tid in threads:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, nice)


class FrameSink:
    """Takes frames from the render loop; a worker thread writes them out.

    ``buffer()`` gives a free (h, w, 4) RGBA uint8 array to render into, ``submit(buf)`` queues it,
    ``close()`` waits for the end of the output, ``abort()`` stops at once.
    """

    def __init__(self, size: tuple[int, int]):
        w, h = size
        self._free: queue.Queue = queue.Queue()
        for _ in range(POOL_SIZE):
            self._free.put(np.empty((h, w, 4), np.uint8))
        self._todo: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._count = 0
        self.wait_s = 0.0  # time the render loop waited for the encoder
        self._thread = threading.Thread(
            target=self._work, name="orbitviz-frame-writer", daemon=True
        )
        self._thread.start()

    def buffer(self) -> np.ndarray:
        import time

        self._raise_error()
        start = time.perf_counter()
        while True:
            try:
                buf = self._free.get(timeout=0.5)
                break
            except queue.Empty:
                self._raise_error()
        self.wait_s += time.perf_counter() - start
        return buf

    def submit(self, buf: np.ndarray) -> None:
        self._raise_error()
        self._todo.put((self._count, buf))
        self._count += 1

    def _work(self) -> None:
        while True:
            item = self._todo.get()
            if item is None:
                return
            index, buf = item
            try:
                if self._error is None:
                    self._write(index, buf)
            except BaseException as exc:  # noqa: BLE001 - reported to the render loop
                self._error = exc
            self._free.put(buf)

    def _raise_error(self) -> None:
        if isinstance(self._error, OSError) and self._error.errno in DISK_FULL | NOT_WRITABLE:
            raise self._error  # a full disk or a read-only place: said as such by atomic_path
        if self._error is not None:
            raise RenderError(f"writing frames failed: {self._error}") from self._error

    def close(self) -> None:
        self._todo.put(None)
        self._thread.join()
        self._raise_error()
        self._finish()

    def abort(self) -> None:
        self._error = self._error or RenderError("aborted")
        self._todo.put(None)
        self._kill()
        self._thread.join(timeout=10)

    def _write(self, index: int, buf: np.ndarray) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Flush and check the output after the last frame."""

    def _kill(self) -> None:
        """Stop writing immediately."""


class FfmpegSink(FrameSink):
    """Raw frames piped into ffmpeg (imageio-ffmpeg's binary): yuv420p for an MP4, converted
    here on the writer's thread, RGBA for a GIF."""

    def __init__(self, path: Path, size: tuple[int, int], fps: float, kind: str, quality: str):
        self.command = ffmpeg_command(path, size, fps, kind, quality)
        self._yuv = None
        if kind == "mp4":
            from . import _yuv

            self._convert = _yuv.yuv420_bt709
            self._yuv = np.empty(size[0] * size[1] * 3 // 2, np.uint8)
        # a process group of its own (a terminal's Ctrl-C reaches only orbitviz, which stops
        # the encoder itself) in orbitviz's session: Linux shares the CPU out per session
        # (autogroup) first, so an ffmpeg with a session of its own took a core whenever it
        # wanted one, ahead of the render loop, whatever its nice
        self._process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, process_group=0
        )
        lower_priority(self._process.pid, ENCODER_NICE)
        try:
            super().__init__(size)
        except BaseException:
            self._kill()  # never leave an ffmpeg behind that would write the output later
            raise

    def _write(self, index: int, buf: np.ndarray) -> None:
        data = buf if self._yuv is None else self._convert(buf, self._yuv)
        try:
            self._process.stdin.write(memoryview(data).cast("B"))
        except BrokenPipeError:  # ffmpeg stopped: its own words say why, not "Broken pipe"
            raise self._failure() from None

    def _finish(self) -> None:
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        if self._process.wait() != 0:
            raise self._failure()

    def _failure(self) -> Exception:
        """Why ffmpeg ended: the disk (an OSError on the output, worded by atomic_path) or
        its own message."""
        stderr = self._process.stderr.read().decode(errors="replace").strip()
        code = self._process.wait()
        for number, words in (
            (errno.ENOSPC, "No space left"),
            (errno.EROFS, "Read-only"),
            (errno.EACCES, "Permission denied"),
        ):
            if words in stderr:
                return OSError(number, os.strerror(number), self.command[-1])
        return RenderError(
            f"ffmpeg failed (exit {code}): {stderr or 'no message'}\n"
            f"command: {' '.join(self.command)}"
        )

    def _kill(self) -> None:
        self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stderr):
            with contextlib.suppress(OSError):
                stream.close()


class PngSink(FrameSink):
    """One ``frame_00000.png`` per frame in a folder (the render's temporary folder: frames need
    no atomic write of their own, the whole folder is renamed into place once complete)."""

    def __init__(self, folder: Path, size: tuple[int, int]):
        self.folder = folder
        folder.mkdir(exist_ok=True)
        super().__init__(size)

    def _write(self, index: int, buf: np.ndarray) -> None:
        import imageio.v3 as iio

        iio.imwrite(self.folder / f"frame_{index:05d}.png", buf[::-1, :, :3], extension=".png")


def open_sink(path: Path, kind: str, size, fps: float, quality: str) -> FrameSink:
    if kind == "png":
        return PngSink(path, size)
    return FfmpegSink(path, size, fps, kind, quality)
