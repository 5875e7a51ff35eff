"""A video of Philae bouncing across comet 67P, with the bounces slowed down.

Builds the same scene the desktop viewer shows (67P's shape lit by the Sun, Philae's path
coloured by altitude, the touchdowns), follows the lander with the camera, slows the last
bounce four times, and streams the frames into an H.264 MP4 -- headless, no window.

Run:  ORBITVIZ_DATA_MIRROR=../shared/data python examples/philae_video.py
"""

import orbitviz
from orbitviz.scene import TimeMap

# 1. The scene: everything sampled up front (SPICE is asked here, never while drawing).
scene = orbitviz.build_scene("philae", shape="67p-spc.ply")
start, stop = scene.clock.start_et, scene.clock.stop_et
print(f"scene: {[layer.name for layer in scene.layers]}")

# 2. Scene time -> video time: 12 s of video, the final bounce (17:25 -> 17:31) four times slower.
timing = TimeMap.with_slow_phase(
    start, stop, 12.0, phase_et=(orbitviz.to_et("2014-11-12T17:24"), stop), slowdown=4.0
)

# 3. Render: the camera chases Philae; UTC, altitude, scale bar and credits are overlaid.
result = orbitviz.render_video(
    scene, "philae_bounces.mp4", camera="follow", size=(1280, 720), fps=25, time_map=timing
)
print(
    f"wrote {result.path}: {result.plan.n_frames} frames in {result.total_s:.0f} s "
    f"with OpenGL through {result.backend}"
)
