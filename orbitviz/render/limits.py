"""What a video may ask for, shared by ``render_video`` and ``orbitviz render`` (this module
imports nothing, so the command line reads it without the rendering stack)."""

MIN_FPS, MAX_FPS = 1.0, 240.0
"""Frame rates a video takes: below 1 frame/s a GIF's frame delay (1/100 s steps) is not what
was asked (--fps 0.001 gave a GIF of 1,000 s for 2,000 s), and players stall."""
