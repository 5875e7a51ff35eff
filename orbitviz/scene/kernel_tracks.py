"""Tracks of the bodies in an SPK opened onto a scene that was built from SPICE.

Drop a spacecraft's or a small body's SPK on the Philae or flyby scene and its path appears,
relative to the scene's origin body in the scene's frame, over the scene's time span. Samples
are taken here, up front (SPICE never runs while painting).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import spice
from ..spice.inspect import kernel_info
from .scene import Scene
from .trajectory_layer import TrajectoryLayer

SAMPLES = 2000
MAX_TRACKS = 8  # a planetary ephemeris holds ~15 bodies: show a few, not a tangle
COLORS = ("#7fe07f", "#e07fe0", "#7fd0ff", "#ffd27f", "#ff7f7f", "#c0c0ff", "#ffffff", "#a0ffd0")


def spk_tracks(scene: Scene, spk: str | Path, *, samples: int = SAMPLES) -> list[TrajectoryLayer]:
    """Trajectory layers for the bodies of ``spk`` that have data within the scene's clock
    span (sampled over the part they cover), in the order of the file. Left out: the scene's
    origin, bodies of SPKs the scene was built from, and bodies with a layer of their name.
    The SPK must be loaded (with everything its bodies' chains need); the scene's kernel sets
    are loaded here. A scene without :attr:`Scene.spice` gets none."""
    if scene.spice is None or scene.clock.span_s <= 0:
        return []
    path = Path(spk).resolve()
    info = kernel_info(path)
    if info.kind != "SPK":
        return []
    start, stop = scene.clock.start_et, scene.clock.stop_et
    shown = {layer.name.upper() for layer in scene.layers}
    layers: list[TrajectoryLayer] = []
    with spice.KernelSet(*scene.spice.kernels) as scene_kernels:
        if path in {f.path.resolve() for f in scene_kernels.files}:
            return []
        origin = spice.body_id(scene.spice.origin)
        for item in info.items:
            name = item["name"]
            if item["body"] == origin or name.upper() in shown or len(layers) == MAX_TRACKS:
                continue
            covered = [
                (max(a, start), min(b, stop))
                for a, b in item["intervals_et"]
                if b > start and a < stop
            ]
            if not covered:
                continue
            a, b = covered[0][0], covered[-1][1]
            et = np.linspace(a, b, samples)
            inside = np.zeros(samples, bool)
            for lo, hi in covered:
                inside |= (et >= lo) & (et <= hi)
            et = et[inside]
            positions = spice.positions(item["body"], et, observer=origin, frame=scene.spice.frame)
            layers.append(
                TrajectoryLayer(
                    name, et, positions, color=COLORS[len(layers) % len(COLORS)], width_px=2.0
                )
            )
            shown.add(name.upper())
    return layers
