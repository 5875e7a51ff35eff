"""Frames per second of finished video for a 67P scene (67p-spc.ply, 96,834 faces).

ours:  orbitviz.render.render_video (persistent framebuffer, RGB read into reused buffers,
       frames piped to ffmpeg by a background thread while the next frame renders)
peer:  the naive loop: canvas.render() per frame into a list, then imageio.mimsave

Both render the same scene (same layers, camera track and overlays) in the same run, and both
are timed from the frame plan to the finished file (canvas creation included). Both encode
with the same settings: libx264, CRF 20, preset veryfast, yuv420p, full size (ours: quality
"standard"; the peer gets them through imageio's output_params, with macro_block_size=1 so
that 1080-line frames are not rescaled to 1088, and ffmpeg's default thread count). Prints
``name: ours X s, peer Y s, ratio Z`` and the time split between rendering and encoding.

    python benchmarks/video.py [--frames 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("ORBITVIZ_DATA_MIRROR", str(ROOT.parent / "shared" / "data"))
sys.path.insert(0, str(ROOT))

from orbitviz.recipes import shape_scene
from orbitviz.render import plan_frames, render_video, select_backend
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    backend = select_backend()
    scene = philae_like_scene()
    fps = 30
    print(
        f"# OpenGL: {backend}; {args.frames} frames; scene: 67p-spc.ply "
        f"({len(scene['shape'].mesh.faces):,} faces) + a 721-point trajectory"
    )
    print(
        f"# encoder, both: libx264 CRF 20 preset veryfast yuv420p; ours with "
        f"{encoder_threads()} x264 thread(s) beside the renderer, peer with ffmpeg's default"
    )
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
        for size in ((1280, 720), (1920, 1080)):
            label = f"video_{size[0]}x{size[1]}"
            ours_path, peer_path = Path(folder) / "ours.mp4", Path(folder) / "peer.mp4"
            result = render_video(
                scene,
                ours_path,
                size=size,
                fps=fps,
                frames=args.frames,
                overlays=("title", "time", "scale", "credit"),
                progress=False,
                time_labels=lambda et: [f"ET {v:.1f}" for v in et],
            )
            peer_total, peer_render, peer_encode = naive(
                scene, str(peer_path), size, args.frames, fps
            )
            ours = result.total_s
            print(
                f"{label}: ours {ours:.2f} s, peer {peer_total:.2f} s, "
                f"ratio {peer_total / ours:.2f}"
            )
            print(
                f"  ours: {args.frames / ours:.1f} fps of finished video; render+read "
                f"{result.render_s:.2f} s, waited for the encoder {result.encode_wait_s:.2f} s,"
                f" {ours_path.stat().st_size / 1e6:.2f} MB"
            )
            print(
                f"  peer: {args.frames / peer_total:.1f} fps; render {peer_render:.2f} s, "
                f"encode (mimsave) {peer_encode:.2f} s, {peer_path.stat().st_size / 1e6:.2f} MB"
            )


if __name__ == "__main__":
    main()
