"""Where scenes ask SPICE: every position, direction and UTC label a recipe samples.

The scene model (:mod:`orbitviz.scene`) holds arrays only; the recipes sample them here, up
front, so that drawing never calls SPICE. This is the one recipe module that talks to
:mod:`orbitviz.spice` (an import-linter contract in ``pyproject.toml`` checks it).

>>> with kernels("default"):
...     moon = positions("MOON", [0.0, 86400.0], observer="EARTH")
>>> bool(356e3 < np.linalg.norm(moon, axis=1).min() < 407e3)
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .. import data, spice
from ..errors import CoverageError, OrbitvizError, TimeFormatError, UnknownDataName
from ..scene import BodyRotation, Scene, TrajectoryLayer
from ..spice.bodyfixed import earth_rotation
from ..spice.inspect import kernel_info
from ..units import TimeLike

TRACK_SAMPLES = 2000
MAX_TRACKS = 8  # a planetary ephemeris holds ~15 bodies: show a few, not a tangle
TRACK_COLORS = ("#7fe07f", "#e07fe0", "#7fd0ff", "#ffd27f", "#ff7f7f", "#c0c0ff", "#ffffff")


def kernels(*names) -> spice.KernelSet:
    """The kernel sets, manifest names or files a scene needs (a context manager)."""
    return spice.KernelSet(*names)


def positions(target, et, *, observer, frame: str = "ECLIPJ2000", abcorr: str = "NONE"):
    """Positions (N, 3) km of ``target`` relative to ``observer`` at ``et`` (N,)."""
    return spice.positions(
        target, np.atleast_1d(np.asarray(et, float)), observer=observer, frame=frame, abcorr=abcorr
    )


ROTATION_STEP_S = 1800.0  # the Earth turns 7.5 deg between samples; slerp is exact for a spin


def body_rotation(body: str, start_et: float, stop_et: float, frame: str = "ECLIPJ2000"):
    """The orientation of ``body``'s body-fixed frame in ``frame`` over the span, sampled every
    :data:`ROTATION_STEP_S` (a :class:`~orbitviz.scene.BodyRotation`). The Earth's is the ITRS
    of :func:`orbitviz.spice.bodyfixed.earth_rotation` (ERFA, ~0.005 deg: x to Greenwich);
    other bodies' the ``IAU_<BODY>`` frame of a loaded PCK (an UnknownFrame error without one).

    >>> with kernels("default"):
    ...     rot = body_rotation("EARTH", 0.0, 86400.0)
    >>> greenwich = rot.at(0.0) @ [1.0, 0.0, 0.0]    # 2000-01-01 12:00 TDB: the Sun near lon 0
    >>> with kernels("default"):
    ...     sun = positions("SUN", 0.0, observer="EARTH")[0]
    >>> bool(greenwich @ sun / np.linalg.norm(sun) > 0.9)
    True
    """
    count = max(2, int(np.ceil((stop_et - start_et) / ROTATION_STEP_S)) + 1)
    et = np.linspace(start_et, stop_et, count) if stop_et > start_et else np.array([start_et])
    if str(body).upper() in ("EARTH", "399"):
        to_frame = spice.rotation("J2000", frame, 0.0)  # J2000 -> an inertial frame: constant
        matrices = to_frame @ np.transpose(earth_rotation(et), (0, 2, 1))
    else:
        matrices = spice.rotation(f"IAU_{str(body).upper()}", frame, et)
    return BodyRotation(et, matrices)


def sun_directions(body, et, frames: Sequence[str]) -> tuple[np.ndarray, str]:
    """Unit vectors (K, 3) from ``body`` towards the Sun (light time and stellar aberration
    corrected), in the first of ``frames`` that SPICE can give at every ``et``, and that
    frame's name."""
    for frame in frames[:-1]:
        try:
            sun = positions("SUN", et, observer=body, frame=frame, abcorr="LT+S")
            break
        except OrbitvizError:
            continue
    else:
        frame = frames[-1]
        sun = positions("SUN", et, observer=body, frame=frame, abcorr="LT+S")
    return sun / np.linalg.norm(sun, axis=1, keepdims=True), frame


def ephemeris_credits(kernel_set: spice.KernelSet) -> list[str]:
    """The manifest credit of each SPK in ``kernel_set`` (its file name when it has none),
    once each: files that share a credit are named after it."""
    by_credit: dict[str, list[str]] = {}
    for loaded in kernel_set.files:
        if loaded.kind != "SPK":
            continue
        try:
            credit = data.entry(loaded.path.name).credit
        except UnknownDataName:
            credit = loaded.path.name
        by_credit.setdefault(credit, []).append(loaded.path.name)
    return [
        credit if len(names) == 1 else f"{credit} ({', '.join(names)})"
        for credit, names in by_credit.items()
    ]


def utc_labeller(start_et: float, stop_et: float) -> Callable[[float], str]:
    """``f(et) -> "YYYY-MM-DD HH:MM:SS UTC"`` for the span, computed by SPICE up front
    (:func:`orbitviz.spice.utc_labeller`): drawing never calls SPICE."""
    return spice.utc_labeller(start_et, stop_et)


def utc_parser(start_et: float, stop_et: float, knots: int = 257) -> Callable[[str], float]:
    """``f("2014-11-12 17:20") -> et`` for UTC texts within the span (a date field of a
    viewer), from UTC computed by SPICE at ``knots`` times up front and interpolated, the
    inverse of :func:`utc_labeller`: typing a time never calls SPICE. A text that is no time
    is a TimeFormatError, a time outside the span a CoverageError.

    >>> parse = utc_parser(0.0, 86400.0)
    >>> round(parse("2000-01-01 12:00 UTC"), 3)      # ET runs 64.184 s ahead of UTC in 2000
    64.184
    """
    knot_et = np.linspace(start_et, stop_et, knots) if stop_et > start_et else np.array([start_et])
    knot_ms = spice.et_to_datetime64(knot_et).astype(np.int64).astype(np.float64)

    def parse(text: str) -> float:
        words = str(text).strip().removesuffix("UTC").strip().replace(" ", "T")
        try:
            ms = float(np.datetime64(words, "ms").astype(np.int64))
        except ValueError:
            raise TimeFormatError(
                f"{text!r} is not a UTC time; write it as 2014-11-12 17:20 or 2014-11-12T17:20:00"
            ) from None
        if not knot_ms[0] - 1000.0 <= ms <= knot_ms[-1] + 1000.0:
            raise CoverageError(
                f"{text} is outside the scene's time, {np.datetime64(int(knot_ms[0]), 'ms')} "
                f".. {np.datetime64(int(knot_ms[-1]), 'ms')}: choose a time inside it"
            )
        if len(knot_et) == 1:
            return float(knot_et[0])
        return float(np.interp(ms, knot_ms, knot_et))

    return parse


def set_time(clock, time: TimeLike, what: str = "time") -> None:
    """Set ``clock`` to ``time`` (:data:`~orbitviz.units.TimeLike`), refusing a time outside its span
    (:class:`~orbitviz.errors.CoverageError` naming ``what``, the option that asked)."""
    et = float(spice.to_et(time))
    clock.require(et, et, what, lambda t: f"{spice.et_to_utc(t, precision=0)} UTC")
    clock.et = et


def spk_tracks(
    scene: Scene, spk: str | Path, *, samples: int = TRACK_SAMPLES
) -> list[TrajectoryLayer]:
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
    with kernels(*scene.spice.kernels) as scene_kernels:
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
            et = np.linspace(covered[0][0], covered[-1][1], samples)
            inside = np.zeros(samples, bool)
            for lo, hi in covered:
                inside |= (et >= lo) & (et <= hi)
            et = et[inside]
            track = positions(item["body"], et, observer=origin, frame=scene.spice.frame)
            color = TRACK_COLORS[len(layers) % len(TRACK_COLORS)]
            layers.append(TrajectoryLayer(name, et, track, color=color, width_px=2.0))
            shown.add(name.upper())
    return layers
