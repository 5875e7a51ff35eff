"""
A video of Philae bouncing across comet 67P
===========================================

Builds the same scene the desktop viewer shows (67P's shape lit by the Sun, Philae's path
coloured by altitude, the touchdowns), follows the lander with the camera, slows the last
bounce four times, and streams the frames into an H.264 MP4 -- headless, no window.

Run it as a script: ``ORBITVIZ_DATA_MIRROR=../shared/data python examples/philae_video.py``
"""

import orbitviz
from orbitviz.scene import TimeMap

# %%
# The scene
# ---------
# Everything is sampled up front: SPICE is asked here, never while drawing.
scene = orbitviz.build_scene("philae", shape="67p-spc.ply")
start, stop = scene.clock.start_et, scene.clock.stop_et
print(", ".join(layer.name for layer in scene.layers))

# %%
# Scene time to video time
# ------------------------
# 10 s of video; the final bounce (17:24 to the end) four times slower than the rest.
timing = TimeMap.with_slow_phase(
    start, stop, 10.0, phase_et=(orbitviz.to_et("2014-11-12T17:24"), stop), slowdown=4.0
)

# %%
# Render
# ------
# The camera chases Philae; UTC, altitude, a scale bar and the data credits are overlaid.
# A web-page-sized video, 15 frames a second (``size=(1920, 1080), fps=30`` for a film).
result = orbitviz.render_video(
    scene, "philae_bounces.mp4", camera="follow", size=(960, 540), fps=15, time_map=timing
)
print(
    f"wrote {result.path}: {result.plan.n_frames} frames in {result.total_s:.0f} s "
    f"with OpenGL through {result.backend}"
)

# sphinx_gallery_thumbnail_number = 2
