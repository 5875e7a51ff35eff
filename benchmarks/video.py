"""Frames per second of finished video for a 67P scene (67p-spc.ply, 96,834 faces).

ours:  orbitviz.render.render_video (persistent framebuffer, RGB read into reused buffers,
       frames piped to ffmpeg by a background thread while the next frame renders)
peer:  the naive loop: canvas.render() per frame into a list, then imageio.mimsave

Both render the same scene (same layers, camera track and overlays) in the same run, and both
are timed from the frame plan to the finished file (canvas creation included). Both encode
with the same settings: libx264, CRF 20, preset veryfast, yuv420p, full size (ours: quality
"standard"; the peer gets them through imageio's output_params, with macro_block_size=1 so
that 1080-line frames are not rescaled to 1088, and ffmpeg's default thread count). The two
take turns (``_bench.measure``, median of the rounds); the time split between rendering and
encoding is printed for the last round.

Targets (seconds for the whole video; speedup = peer / ours):
- speedup >= 1.1 at every size: streaming frames into the encoder while the next one renders
  must beat render-everything-then-encode, or the background writer is not earning its
  complexity. Only 10 %: on 2 shared cores the encoder competes with the software renderer
  for the same CPUs (measured ~1.25x at 1280x720 here); with cores to spare the gap grows.
Needs an offscreen OpenGL context (EGL surfaceless, OSMesa or Xvfb; see
``orbitviz.render.select_backend``): without one it prints ``SKIP video: ...`` and exits 0.
``--quick``: 1280x720 only, 12 frames, three rounds (short runs are noisy: the median of three).

    python benchmarks/video.py [--quick] [--frames 60] [--rounds 2]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import _bench
import numpy as np
from _bench import Result, info, measure, report

from orbitviz.recipes import shape_scene
from orbitviz.render import plan_frames, render_video
from orbitviz.render.writers import encoder_threads
from orbitviz.scene import TrajectoryLayer


def philae_like_scene():
    scene = shape_scene("67p-spc.ply", sun_dir=(1.0, 0.4, 0.3))
    scene.clock.set_range(0.0, 3600.0)
    et = np.linspace(0.0, 3600.0, 721)
    angle = 2 * np.pi * et / 3600.0
    scene.add(
        TrajectoryLayer(
            "path",
            et,
            np.c_[3 * np.cos(angle), 3 * np.sin(angle), 0 * et],
            color_by="time",
            width_px=2,
        )
    )
    return scene


def naive(scene, path, size, frames, fps):
    """canvas.render() per frame, frames kept in a list, then imageio.mimsave."""
    import imageio

    from orbitviz._vispy import SceneCanvas

    start = time.perf_counter()
    plan = plan_frames(scene, fps=fps, frames=frames, size=size)
    canvas = SceneCanvas(
        scene, size=size, time_text=None, overlays=("title", "time", "scale", "credit")
    )
    images = []
    for i, et in enumerate(plan.frame_times_et):
        scene.clock.et = et
        canvas.set_time_text(f"ET {et:.1f}")
        canvas.set_camera(plan.cameras[i])
        images.append(canvas.canvas.render(alpha=False))  # VisPy's own offscreen render
    render_s = time.perf_counter() - start
    imageio.mimsave(
        path,
        images,
        fps=fps,
        codec="libx264",
        quality=None,
        pixelformat="yuv420p",
        output_params=["-crf", "20", "-preset", "veryfast"],
        macro_block_size=1,
    )
    total = time.perf_counter() - start
    canvas.close()
    return total, render_s, total - render_s


def main() -> int:
    parser = _bench.parser(__doc__)
    parser.add_argument("--frames", type=int, default=None, help="(60; quick: 12)")
    parser.add_argument("--rounds", type=int, default=None, help="(2; quick: 3)")
    args = parser.parse_args()
    frames = args.frames or (12 if args.quick else 60)
    rounds = args.rounds or (3 if args.quick else 2)
    sizes = ((1280, 720),) if args.quick else ((1280, 720), (1920, 1080))
    backend = _bench.gl_backend_or_skip("video")
    scene = philae_like_scene()
    fps = 30
    info(
        f"OpenGL: {backend}; {frames} frames; scene: 67p-spc.ply "
        f"({len(scene['shape'].mesh.faces):,} faces) + a 721-point trajectory"
    )
    info(
        f"encoder, both: libx264 CRF 20 preset veryfast yuv420p; ours with "
        f"{encoder_threads()} x264 thread(s) beside the renderer, peer with ffmpeg's default"
    )
    results = []
    with tempfile.TemporaryDirectory() as folder:
        # warm up (font atlas, shaders) so neither side pays the one-time costs
        render_video(
            scene,
            Path(folder) / "warm.mp4",
            size=(320, 240),
            frames=3,
            progress=False,
            time_labels=lambda et: [f"ET {v:.1f}" for v in et],
        )
        for size in sizes:
            ours_path, peer_path = Path(folder) / "ours.mp4", Path(folder) / "peer.mp4"
            last = {}

            def ours(size=size, ours_path=ours_path, last=last):
                last["ours"] = render_video(
                    scene,
                    ours_path,
                    size=size,
                    fps=fps,
                    frames=frames,
                    overlays=("title", "time", "scale", "credit"),
                    progress=False,
                    time_labels=lambda et: [f"ET {v:.1f}" for v in et],
                )

            def peer(size=size, peer_path=peer_path, last=last):
                last["peer"] = naive(scene, str(peer_path), size, frames, fps)

            t = measure({"ours": ours, "peer": peer}, repeat=rounds, warmup=0)
            result, (_, peer_render, peer_encode) = last["ours"], last["peer"]
            name = f"video {size[0]}x{size[1]} {frames} frames"
            note = f"{frames / t['ours']:.1f} vs {frames / t['peer']:.1f} fps of finished video"
            results.append(report(Result(name, t["ours"], t["peer"], 1.1, note=note)))
            info(
                f"  ours: render+read {result.render_s:.2f} s, waited for the encoder "
                f"{result.encode_wait_s:.2f} s, {ours_path.stat().st_size / 1e6:.2f} MB"
            )
            info(
                f"  peer: render {peer_render:.2f} s, encode (mimsave) {peer_encode:.2f} s, "
                f"{peer_path.stat().st_size / 1e6:.2f} MB"
            )
    return _bench.exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
