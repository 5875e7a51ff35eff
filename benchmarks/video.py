"""Seconds to render a finished video of a Philae-like scene: orbitviz against the renderer of
another checkout of orbitviz (by default 865630e: the renderer when issue #25 was filed).

Scene (built the same way by both checkouts, from layer types both have): 67P's SPC shape
(67p-spc.ply, 96,834 faces) lit by the Sun, a 721-point path coloured by time with a moving
lander marker and its label, four fixed markers with labels, a label layer and a readout;
overlays title, time, distance readout, scale bar and credits; a turntable camera (every frame
a new view: labels, scale bar and culled clusters are all redone), 1280x720 (and 1920x1080).

ours:     ``orbitviz.render.render_video`` of this checkout
baseline: ``render_video`` of the other checkout (``--baseline DIR``; default: the commit
          ``--baseline-ref`` (``BASELINE_REF``) exported with ``git archive`` into a
          temporary folder; ``--baseline-ref 537fcab``: where #25 item 5's second round began)

Each runs in a process of its own (VisPy keeps one app per process), started once, warmed up
(shaders, font atlas), then asked for one video per round; the two take turns, who goes first
swapping every round; the median of the rounds is kept and the fastest and slowest round
printed beside it (``_bench.timings``): a slow spell of this shared machine hits both alike.
Both encode H.264 with the same x264 settings (libx264, CRF 20, preset veryfast, threads half
the cores, yuv420p). The time is from the frame plan to the finished file, as a user waits for
it. The load of the machine (1-minute load average before and after the rounds, cores) is
printed with the result.

Target (speedup = baseline / ours): ``>= 2`` at 1280x720 (issue #25: a 20-second 720p clip took
3.5-4 minutes). A 60-frame video includes each renderer's time outside its frame loop (865630e
~0.47 s, ours ~0.2 s); ``--frames 300`` weighs the frame loop itself (on this machine 2.26x
twice, ``--frames 600``, the issue's 20-second clip, 2.23x; 60 frames 2.07-2.37x). What ours
does differently from 865630e:

- the comet is drawn at the level of detail its size on screen needs (720p: 48,416 of 96,834
  faces; 1080p: all of them);
- every text (title, readouts, credits, scale bar, labels of any size) is one visual, one draw
  a frame (was six here: 4.1 -> 1.0 ms of the main thread), whose shader leaves out VisPy's
  Catmull-Rom reads unless some text is 50 px or larger (~3 ms of llvmpipe a frame: a software
  renderer runs both sides of a per-pixel choice);
- markers compile only the symbols they draw (VisPy's shader chooses among fifteen per pixel);
- MP4 frames are converted to BT.709 YUV 4:2:0 on the frame writer's thread (compiled), so
  ffmpeg only encodes: the same x264 work, 3.4 ms less of ffmpeg's CPU a frame;
- the hidden-marker rays are cast in compiled code (10x faster);
- Python's collector leaves the heap that exists when the frames start alone while they render
  (``gc.freeze``: its full passes cost the loop ~11 % of its CPU);
- a frame's layout counts a label box's obstacle cells directly (no summed-area table rebuilt
  every frame) and leaves lines that land where they were alone (VisPy re-uploads a Line at
  every set_data);
- every marker layer's markers are one visual, one draw a frame (here 2 -> 1);
- the comet (a mesh of 20,000 faces or more) flushes the GL queue once drawn: llvmpipe fills
  it while Python draws the rest of the frame (4 % when toggled within one process; too small
  for this benchmark's rounds to resolve);
- ffmpeg runs in orbitviz's session, 10 nicer than it (865630e gave it a session of its own,
  and Linux shares the CPU out per session first: it took a core whenever it wanted one,
  ahead of the render loop, the video's critical path): 0.886 of the time a frame;
- from 537fcab on: one ray cast a frame answers whether each marker and label is behind the
  comet (was one per layer), and it looks no farther than the point; texts bind their font's
  smoothing kernel (VisPy uploaded it for every text, every frame); the culled mesh's index
  buffer is refilled by whole clusters;
- 537fcab itself (against 865630e) reads frames as RGBA into the encoder without a copy and
  lays out frame i + 1 while the renderer's threads still rasterise frame i.

Needs an offscreen OpenGL context (EGL surfaceless, OSMesa or Xvfb): without one it prints
``SKIP video: ...`` and exits 0. ``--quick``: 1280x720 only, 30 frames, three rounds.
``--breakdown``: where a frame's time goes in each checkout, printed as ``#`` lines (ms a
frame, wall / main-thread CPU): camera, layout (labels, overlays, hidden markers), hidden
markers alone, draw (VisPy and the renderer's binning), read (glReadPixels, waiting for the
rasteriser), waiting for the encoder; the CPU of the main thread, the process and ffmpeg;
and how busy the cores were over the video (process and ffmpeg CPU over cores x wall).

    python benchmarks/video.py [--quick] [--frames 60] [--rounds 3] [--baseline DIR]
                               [--baseline-ref REF] [--breakdown]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _bench
from _bench import ROOT, Result, info, report, timings

BASELINE_REF = "865630e"
"""The renderer when issue #25 was filed ("videos at least 2x faster than today"): the last
commit before any of #25's renderer work. (``537fcab``, the default before, was only where a
second round of that work began, after s6-viewer's readback work.)"""

CHILD = r"""
import json, os, sys, tempfile, time
from pathlib import Path
root = sys.argv[1]
sys.path.insert(0, root)
import numpy as np
import orbitviz
assert Path(orbitviz.__file__).resolve().is_relative_to(Path(root).resolve()), orbitviz.__file__
from orbitviz.recipes import shape_scene
from orbitviz.render import render_video, select_backend
from orbitviz.scene import LabelLayer, MarkerLayer, Readout, TrajectoryLayer

select_backend()
scene = shape_scene("67p-spc.ply", sun_dir=(1.0, 0.4, 0.3))
scene.clock.set_range(0.0, 3600.0)
et = np.linspace(0.0, 3600.0, 721)
angle = 2 * np.pi * et / 3600.0
ring = np.c_[3 * np.cos(angle), 3 * np.sin(angle), 0.4 * np.sin(3 * angle)]
scene.add(TrajectoryLayer("path", et, ring, color_by="time", width_px=2))
sites = ring[[0, 180, 360, 540]]
scene.add(MarkerLayer("sites", sites, color="red", size_px=9))
scene.add(LabelLayer("site labels", sites, ["site A", "site B", "site C", "site D"]))
scene.add(MarkerLayer("lander", ring, et=et, labels=["lander"], color="yellow"))
scene.readouts.append(Readout("r", lambda t: [f"radius {3.0:.1f} km"] * len(np.atleast_1d(t))))
labels = lambda t: [f"t = {v:7.1f} s" for v in t]
overlays = ("title", "time", "distance", "scale", "credit")
folder = Path(tempfile.mkdtemp())
render_video(scene, folder / "warm.mp4", size=(320, 180), frames=4, progress=False,
             camera="turntable", time_labels=labels, overlays=overlays)


def timing(owner, name, key, spent):
    # wrap owner.name: wall and this thread's CPU seconds, summed under key
    function = getattr(owner, name)
    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            total = spent.setdefault(key, [0.0, 0.0])
            total[0] += time.perf_counter() - wall
            total[1] += time.thread_time() - cpu
    setattr(owner, name, timed)


spent = {}
if os.environ.get("ORBITVIZ_BENCH_BREAKDOWN"):  # where a frame's time goes (both checkouts)
    from orbitviz._vispy import canvas
    from orbitviz.render import writers
    for name, key in (("set_camera", "camera"), ("prepare_frame", "layout"),
                      ("draw_frame", "draw"), ("read_frame", "read")):
        if hasattr(canvas.SceneCanvas, name):  # 865630e: no split frame loop yet
            timing(canvas.SceneCanvas, name, key, spent)
    try:
        from orbitviz._vispy import occlusion
    except ImportError:  # 865630e: each layer cast its own rays
        pass
    else:
        timing(occlusion, "_hidden", "hidden markers", spent)
    if hasattr(writers, "FrameSink"):
        timing(writers.FrameSink, "buffer", "encoder wait", spent)
print("ready", flush=True)
for line in sys.stdin:
    w, h, frames = (int(v) for v in line.split())
    spent.clear()
    start, cpu, children = time.perf_counter(), time.process_time(), os.times()
    main = time.thread_time()
    render_video(scene, folder / "clip.mp4", size=(w, h), frames=frames, fps=30,
                 camera="turntable", time_labels=labels, overlays=overlays, progress=False,
                 quality="standard")
    after = os.times()
    spent["main thread CPU"] = [0.0, time.thread_time() - main]
    spent["process CPU"] = [0.0, time.process_time() - cpu]
    spent["ffmpeg CPU"] = [0.0, sum(after[2:4]) - sum(children[2:4])]
    seconds = time.perf_counter() - start
    print(json.dumps({"s": seconds, "spent": spent}), flush=True)
"""


class Renderer:
    """A child process rendering with the orbitviz of ``root``."""

    def __init__(self, root: Path, *, breakdown: bool = False):
        self.root = root
        self.spent: list = []
        env = dict(os.environ, PYTHONPATH=str(root))
        if breakdown:
            env["ORBITVIZ_BENCH_BREAKDOWN"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"the renderer of {root} did not start: {line!r}")

    def render(self, size, frames: int) -> float:
        self.process.stdin.write(f"{size[0]} {size[1]} {frames}\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        self.spent.append((frames, answer["s"], answer["spent"]))
        return answer["s"]

    def breakdown(self) -> str:
        """Milliseconds a frame in each part (wall / this thread's CPU), medians of the
        renders so far (``--breakdown``)."""
        parts, busy = {}, []
        for frames, seconds, spent in self.spent:
            for key, (wall, cpu) in spent.items():
                parts.setdefault(key, []).append((1e3 * wall / frames, 1e3 * cpu / frames))
            cpu = spent["process CPU"][1] + spent["ffmpeg CPU"][1]
            busy.append(100 * cpu / ((os.cpu_count() or 1) * seconds))
        return "; ".join(
            [
                f"{key} {statistics.median(w for w, _ in v):.1f}/{statistics.median(c for _, c in v):.1f}"
                if key not in ("main thread CPU", "process CPU", "ffmpeg CPU")
                else f"{key} {statistics.median(c for _, c in v):.1f}"
                for key, v in parts.items()
            ]
            # below 100 %: the cores idle part of the time, and the frame loop's chain of
            # waits (Python, renderer, encoder), not the CPU, sets the pace
            + [f"cores busy {statistics.median(busy):.0f} %"]
        )

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def baseline_checkout(given: str | None, folder: Path, ref: str = BASELINE_REF) -> Path:
    """``--baseline DIR`` as given, else commit ``ref`` exported (:func:`_bench.checkout`)."""
    return Path(given).resolve() if given else _bench.checkout(ref, folder)


def main() -> int:
    parser = _bench.parser(__doc__)
    parser.add_argument("--frames", type=int, default=None, help="(60; quick: 30)")
    parser.add_argument("--rounds", type=int, default=None, help="(3)")
    parser.add_argument("--baseline", help="another orbitviz checkout (default: --baseline-ref)")
    parser.add_argument(
        "--baseline-ref", default=BASELINE_REF, help=f"a commit to compare with ({BASELINE_REF})"
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print where a frame's time goes in each (camera, layout, hidden markers, "
        "draw, read, encoder wait; CPU of the main thread, the process and ffmpeg; cores busy)",
    )
    args = parser.parse_args()
    frames = args.frames or (30 if args.quick else 60)
    rounds = args.rounds or 3
    sizes = ((1280, 720),) if args.quick else ((1280, 720), (1920, 1080))
    backend = _bench.gl_backend_or_skip("video")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            base_root = baseline_checkout(args.baseline, Path(tmp), args.baseline_ref)
        except (OSError, subprocess.CalledProcessError) as exc:
            _bench.skip("video", f"no baseline checkout ({exc}); pass --baseline DIR")
        info(
            f"OpenGL: {backend}; {frames} frames a video; "
            f"baseline: {args.baseline or args.baseline_ref}"
        )
        label = f"{args.baseline or args.baseline_ref}"
        ours = Renderer(ROOT, breakdown=args.breakdown)
        base = Renderer(base_root, breakdown=args.breakdown)
        try:
            for size in sizes:
                load_before = os.getloadavg()[0]
                t = timings(
                    {"ours": lambda s=size: ours.render(s, frames),
                     "base": lambda s=size: base.render(s, frames)},
                    repeat=rounds,
                    warmup=1,
                )  # fmt: skip
                load = os.getloadavg()[0]
                name = f"video {size[0]}x{size[1]} {frames} frames vs {label}"
                spread = (t["base"].low / t["ours"].high, t["base"].high / t["ours"].low)
                note = (
                    f"{frames / t['ours'].median:.1f} vs {frames / t['base'].median:.1f} fps of "
                    f"finished video; medians of {rounds} interleaved rounds, ours "
                    f"{t['ours'].span()}, peer {t['base'].span()} (speedup "
                    f"{spread[0]:.2f}-{spread[1]:.2f}); load {load_before:.1f} -> {load:.1f} "
                    f"on {os.cpu_count()} cores"
                )
                target = 2.0 if size == (1280, 720) else None
                results.append(
                    report(Result(name, t["ours"].median, t["base"].median, target, note=note))
                )
                if args.breakdown:
                    info(f"ms a frame, wall/main-thread CPU; ours: {ours.breakdown()}")
                    info(f"ms a frame, wall/main-thread CPU; peer: {base.breakdown()}")
                ours.spent.clear()
                base.spent.clear()
        finally:
            ours.close()
            base.close()
    time.sleep(0)
    return _bench.exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
