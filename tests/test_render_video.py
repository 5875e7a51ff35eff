"""Short clips to MP4, GIF and PNG frames: probed files, atomic output, frame-time mapping."""

import itertools
import os
import time

import numpy as np
import pytest
from render_support import comet_scene, gl_backend  # noqa: F401 - fixture

from orbitviz.scene import TimeMap

SIZE = (160, 120)


def _labels(et):
    return [f"t={value:.2f}" for value in et]


@pytest.fixture(scope="module")
def scene():
    return comet_scene()


def test_mp4_is_h264_with_the_planned_frames(gl_backend, scene, tmp_path):  # noqa: F811
    import imageio_ffmpeg

    from orbitviz.render import render_video

    out = tmp_path / "clip.mp4"
    result = render_video(
        scene, out, size=SIZE, fps=12, frames=24, time_labels=_labels, progress=False
    )
    assert out.is_file() and list(tmp_path.iterdir()) == [out]
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    frames = [np.frombuffer(f, np.uint8).reshape(SIZE[1], SIZE[0], 3) for f in reader]
    assert meta["size"] == SIZE and meta["fps"] == 12 and meta["codec"].startswith("h264")
    assert "yuv420p" in meta.get("pix_fmt", "yuv420p")
    assert len(frames) == 24 == result.plan.n_frames
    diffs = [np.abs(a.astype(int) - b).mean() for a, b in itertools.pairwise(frames)]
    assert min(diffs) > 0.5  # the turntable camera moves every frame
    assert result.time_texts == _labels(result.plan.frame_times_et)
    assert result.backend.name in ("egl", "osmesa", "xvfb", "pyqt5")


def test_gif_opens_and_png_frames_are_deterministic(gl_backend, scene, tmp_path):  # noqa: F811
    import imageio.v3 as iio

    from orbitviz.render import render_video

    gif = tmp_path / "clip.gif"
    render_video(scene, gif, size=SIZE, fps=10, frames=8, progress=False, time_labels=_labels)
    frames = iio.imread(gif, index=None)
    assert frames.shape[:3] == (8, SIZE[1], SIZE[0])
    folders = []
    for name in ("a", "b"):
        render_video(
            scene,
            tmp_path / name,
            size=SIZE,
            frames=4,
            camera="follow",
            progress=False,
            time_labels=_labels,
        )
        folders.append(sorted((tmp_path / name).iterdir()))
    assert [p.name for p in folders[0]] == [f"frame_{i:05d}.png" for i in range(4)]
    for a, b in zip(*folders):
        assert np.array_equal(iio.imread(a), iio.imread(b))


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_interrupted_render_leaves_nothing(gl_backend, scene, tmp_path, error):  # noqa: F811
    from orbitviz.render import render_video

    def stop(index, et):
        if index == 5:
            raise error("stop")

    with pytest.raises(error, match=r"^stop$"):
        render_video(
            scene,
            tmp_path / "clip.mp4",
            size=SIZE,
            frames=20,
            on_frame=stop,
            progress=False,
            time_labels=_labels,
        )
    assert list(tmp_path.iterdir()) == []


def test_slowed_phase_and_even_size(gl_backend, scene, tmp_path):  # noqa: F811
    from orbitviz.render import render_video

    slow = TimeMap.with_slow_phase(0.0, 100.0, 2.0, phase_et=(40.0, 50.0), slowdown=8.0)
    with pytest.warns(UserWarning, match="even"):
        result = render_video(
            scene,
            tmp_path / "slow.mp4",
            size=(161, 121),
            fps=10,
            time_map=slow,
            progress=False,
            time_labels=_labels,
        )
    plan = result.plan
    assert plan.size == (160, 120) and plan.n_frames == 20
    steps = np.diff(plan.frame_times_et)
    inside = (plan.frame_times_et[1:] > 41) & (plan.frame_times_et[1:] < 49)
    assert steps[inside].max() < steps[~inside].max() / 4
    assert result.time_texts[0] == "t=0.00" and result.time_texts[-1] == "t=100.00"


def test_each_frame_shows_its_own_time_and_camera(gl_backend, scene, tmp_path):  # noqa: F811
    """The loop draws frame i + 1 while frame i is read: each PNG must still be the picture a
    canvas draws for that frame's time and camera alone (not black, not its neighbour)."""
    import imageio.v3 as iio

    from orbitviz._vispy import SceneCanvas
    from orbitviz.render import render_video

    overlays = ("time", "scale")
    result = render_video(
        scene,
        tmp_path / "frames",
        size=SIZE,
        frames=3,
        camera="turntable",
        overlays=overlays,
        progress=False,
        time_labels=_labels,
    )
    written = [iio.imread(p)[..., :3].astype(int) for p in sorted(result.path.iterdir())]
    canvas = SceneCanvas(scene, size=SIZE, time_text=None, overlays=overlays)
    clock_et = scene.clock.et
    try:
        for i, image in enumerate(written):
            scene.clock.et = result.plan.frame_times_et[i]
            canvas.set_time_text(result.time_texts[i])
            canvas.set_camera(result.plan.cameras[i])
            alone = canvas.render().astype(int)
            assert np.abs(image - alone).mean() < 0.5, i
            assert image.mean() > 1  # drawn, not an empty framebuffer
        assert np.abs(written[0] - written[1]).mean() > 0.5  # the camera moved
    finally:
        canvas.close()
        scene.clock.et = clock_et


def test_a_640x360_gif_keeps_its_text_readable(gl_backend, scene, tmp_path):  # noqa: F811
    """GIF's 256 colours (one palette from all frames) keep the overlay text as crisp as the
    lossless PNG frame: the same glyph pixels, white on the sky."""
    import imageio.v3 as iio

    from orbitviz.render import render_video

    options = {"size": (640, 360), "fps": 10, "frames": 2, "progress": False}
    options["overlays"] = ("title", "time", "scale")
    render_video(scene, tmp_path / "clip.gif", time_labels=_labels, **options)
    render_video(scene, tmp_path / "frames", time_labels=_labels, **options)
    gif = iio.imread(tmp_path / "clip.gif", index=None)[0][..., :3].astype(int)
    png = iio.imread(sorted((tmp_path / "frames").iterdir())[0])[..., :3].astype(int)
    top = slice(0, 40)  # the title (left) and the time (right)
    text_png = png[top].min(axis=2) > 120  # grey-white glyph cores (antialiased, ~8 px caps)
    text_gif = gif[top].min(axis=2) > 120
    assert text_png.sum() > 50
    assert (text_png & text_gif).sum() > 0.9 * text_png.sum()  # the glyphs kept
    assert (text_gif & ~text_png).sum() < 0.1 * text_png.sum()  # no speckle added
    assert np.abs(gif[top] - png[top]).mean() < 4


def test_an_mp4_is_bt709_and_says_so(gl_backend, tmp_path):  # noqa: F811
    """HD players read an MP4 as BT.709 (limited range); ffmpeg converts RGB with BT.601 unless
    told, and then pure red plays as (255, 23, 0). The file must say BT.709 (matrix, primaries,
    transfer) and hold it: saturated red, green and blue discs decoded as a player decodes
    them come back as drawn, where drawn (orbitviz converts the frames to YUV itself)."""
    import subprocess

    import imageio_ffmpeg

    from orbitviz._vispy import SceneCanvas
    from orbitviz.render import render_video
    from orbitviz.scene import CameraState, Clock, Scene, SphereLayer

    scene = Scene(frame="test", clock=Clock(0.0, 1.0))
    colours = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255)}
    for x, (name, rgb) in zip((-3.0, 0.0, 3.0), colours.items()):
        colour = "#{:02x}{:02x}{:02x}".format(*rgb)
        centre = (x, 0.4 * x, 0.4 * x)  # on a diagonal: a flipped or mirrored frame misplaces them
        scene.add(SphereLayer(name, 1.2, centre, color=colour, opacity=1.0, lit=False))
    camera = CameraState((0.0, 0.0, 0.0), 0.0, 0.0, 14.0)
    out = tmp_path / "rgb.mp4"
    render_video(scene, out, size=(320, 240), frames=2, camera=camera, overlays=(),
                 progress=False)  # fmt: skip
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(out)],
        capture_output=True,
        text=True,
    ).stderr
    assert "yuv420p(tv, bt709, progressive)" in probe, probe
    played = subprocess.run(  # as a player decodes it: BT.709, whatever the file says
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(out), "-frames:v", "1",
         "-vf", "scale=in_color_matrix=bt709:in_range=tv", "-f", "rawvideo",
         "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    frame = np.frombuffer(played, np.uint8).reshape(240, 320, 3).astype(int)
    canvas = SceneCanvas(scene, size=(320, 240), overlays=())
    try:
        canvas.set_camera(camera)
        drawn = canvas.render().astype(int)
    finally:
        canvas.close()
    assert np.abs(frame - drawn).mean() < 2  # the whole picture, the right way up
    for name, rgb in colours.items():
        ys, xs = np.nonzero(np.abs(drawn - rgb).max(axis=2) <= 2)
        assert len(ys) > 100, name  # the disc is drawn in its colour
        centre = frame[
            int(ys.mean()) - 3 : int(ys.mean()) + 4, int(xs.mean()) - 3 : int(xs.mean()) + 4
        ]
        assert np.abs(centre.reshape(-1, 3).mean(axis=0) - rgb).max() < 6, (
            name,
            centre.mean((0, 1)),
        )


def test_frames_convert_to_yuv_as_ffmpeg_converts_them(gl_backend, scene):  # noqa: F811
    """MP4 frames are converted to YUV 4:2:0 by orbitviz (on the writer's thread), not by
    ffmpeg: a rendered frame comes out as ffmpeg's own BT.709 conversion makes it (swscale,
    limited range): luma within 1 level, chroma (the mean of each 2x2 block here, ffmpeg's
    filter there) within a few levels except at hard edges."""
    import subprocess

    import imageio_ffmpeg

    from orbitviz._vispy import SceneCanvas
    from orbitviz.render._yuv import yuv420_bt709
    from orbitviz.scene import CameraState

    w, h = 320, 240
    canvas = SceneCanvas(scene, size=(w, h))
    try:
        canvas.set_camera(CameraState((0.0, 0.0, 0.0), 30.0, 20.0, 12.0))
        rgba = canvas.render_into(np.empty((h, w, 4), np.uint8))  # bottom row first
    finally:
        canvas.close()
    assert rgba[..., :3].std() > 20  # a picture, not a flat frame
    ours = yuv420_bt709(rgba).astype(int)
    theirs = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgba",
         "-s", f"{w}x{h}", "-i", "-", "-vf", "vflip,scale=out_color_matrix=bt709:out_range=tv",
         "-pix_fmt", "yuv420p", "-f", "rawvideo", "-"],
        input=rgba.tobytes(),
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    theirs = np.frombuffer(theirs, np.uint8).astype(int)
    luma, chroma = slice(0, w * h), slice(w * h, None)
    assert np.abs(ours[luma] - theirs[luma]).max() <= 1
    chroma_off = np.abs(ours[chroma] - theirs[chroma])
    assert chroma_off.mean() < 0.3  # here: 0.14
    assert np.percentile(chroma_off, 99) <= 6 and chroma_off.max() <= 24  # here: 4 and 15


def test_the_collector_skips_the_heap_only_while_frames_render(gl_backend, scene, tmp_path):  # noqa: F811
    """While frames render, everything that existed before is frozen out of Python's cyclic
    collector (its full passes cost the loop ~11 % of its CPU); afterwards it is collectable
    again, and a caller's own freeze is left alone."""
    import gc

    from orbitviz.render import render_video

    seen = []
    options = {"size": (64, 48), "frames": 2, "progress": False, "overlays": ()}
    on_frame = lambda i, et: seen.append(gc.get_freeze_count())  # noqa: E731
    assert gc.get_freeze_count() == 0
    render_video(scene, tmp_path / "a.mp4", on_frame=on_frame, **options)
    assert min(seen) > 1000 and gc.get_freeze_count() == 0
    gc.freeze()  # the caller's
    try:
        frozen = gc.get_freeze_count()
        seen.clear()
        render_video(scene, tmp_path / "b.mp4", on_frame=on_frame, **options)
        assert gc.get_freeze_count() > 0.9 * frozen  # still frozen (less what was freed)
    finally:
        gc.unfreeze()


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's per-thread nice")
def test_the_encoder_yields_to_the_render_loop(tmp_path):
    """ffmpeg runs in orbitviz's session (Linux shares the CPU out per session first: in one
    of its own it preempted the render loop, ~6 % of a frame), in a process group of its own
    (a terminal's Ctrl-C reaches only orbitviz, which stops it) and, every thread of it,
    ENCODER_NICE below orbitviz (~5 % more)."""
    from orbitviz.render.writers import ENCODER_NICE, FfmpegSink

    size = (64, 48)
    sink = FfmpegSink(tmp_path / "clip.mp4", size, 10.0, "mp4", "standard")
    try:
        for _ in range(3):  # ffmpeg starts its threads once frames arrive
            frame = sink.buffer()
            frame[:] = 128
            sink.submit(frame)
        pid = sink._process.pid
        assert os.getsid(pid) == os.getsid(0)
        assert os.getpgid(pid) == pid != os.getpgid(0)
        wanted = min(19, os.getpriority(os.PRIO_PROCESS, 0) + ENCODER_NICE)
        deadline = time.monotonic() + 30
        while len(threads := os.listdir(f"/proc/{pid}/task")) < 2:
            assert time.monotonic() < deadline, "ffmpeg started no thread of its own"
            time.sleep(0.05)
        assert {os.getpriority(os.PRIO_PROCESS, int(tid)) for tid in threads} == {wanted}
    finally:
        sink.close()
    assert (tmp_path / "clip.mp4").stat().st_size > 0
