"""The flyby scene: the body to scale, the Moon and its orbit, the SOI, the small body's track.

Body-centred ECLIPJ2000, km. The track is the flyby analysis' own model (conic, patched or
N-body), coloured inside vs outside the SOI; the closest approach is marked with its distance in
km and lunar distances. Everything is sampled up front (:mod:`.sampling`).
"""

from __future__ import annotations

import numpy as np

from ..reports import FlybyReport
from ..scene import (
    Clock,
    LabelLayer,
    MarkerLayer,
    Readout,
    Scene,
    SphereLayer,
    SpiceOrigin,
    TrajectoryLayer,
)
from ..units import LD_KM
from . import sampling
from .uncertainty import uncertainty_layers

MOON_RADIUS_KM = 1737.4  # IAU mean radius


def flyby_scene(
    report: FlybyReport, *, margin_s: float = 86400.0, playback_s: float = 30.0
) -> Scene:
    """A scene of ``report`` (from :func:`orbitviz.flyby`) around the SOI pass (or the closest
    approach when there is none), its ephemeris sampled from the kernels the report used."""
    result = report.result
    et_all, rel_all = result.samples_et, result.samples_rel_km
    if result.entered_soi:
        start = float(result.entries_et[0]) - margin_s
        stop = float(result.exits_et[-1]) + margin_s if result.exits_et.size else result.stop_et
    else:
        start, stop = result.closest.et - 3 * margin_s, result.closest.et + 3 * margin_s
    start, stop = max(start, result.start_et), min(stop, result.stop_et)
    keep = (et_all >= start) & (et_all <= stop)
    et_track, track = et_all[keep], rel_all[keep]
    dist = np.linalg.norm(track, axis=1)
    body = result.body.title()
    kernel_names = ("default", *report.kernels)
    with sampling.kernels(*kernel_names) as loaded:
        credits = [f"Ephemeris: {c}" for c in sampling.ephemeris_credits(loaded)]
        sun = sampling.positions("SUN", 0.5 * (start + stop), observer=result.body)[0]
        moon_et = np.linspace(start - 14 * 86400, stop + 14 * 86400, 600)
        moon = None
        if result.body.upper() == "EARTH":
            moon = sampling.positions("MOON", moon_et, observer="EARTH")
    scene = Scene(
        frame=f"{body}-centred ECLIPJ2000",
        clock=Clock(start, stop, rate=(stop - start) / playback_s),
        title=f"{result.target} past {body} ({result.method})",
        credits=[*credits, f"Trajectory: orbitviz, {result.method_detail}"],
        follow_target=result.target,
        spice=SpiceOrigin(result.body, "ECLIPJ2000", kernel_names),
    )
    radius = result.body_radius_km or 1.0
    scene.add(SphereLayer(body, radius, color="#2f6fd6", opacity=1.0, lit=True, sun_dir=sun))
    if moon is not None:
        scene.add(TrajectoryLayer("Moon orbit", moon_et, moon, color="#9a9a9a", width_px=1.0))
        scene.add(
            SphereLayer(
                "Moon",
                MOON_RADIUS_KM,
                moon,
                et=moon_et,
                color="#c8c8c8",
                opacity=1.0,
                lit=True,
                sun_dir=sun,
            )
        )
    scene.add(SphereLayer(f"{body} SOI", result.soi_radius_km, color="#f0a030", opacity=0.12))
    scene.add(
        TrajectoryLayer(
            f"{result.target} track",
            et_track,
            track,
            color_by="mask",
            mask=dist <= result.soi_radius_km,
            color_true="#ff4040",
            color_false="#40c0ff",
            width_px=2.5,
        )
    )
    other = result.compared
    if other is not None:  # the other method's track beside the answer: a lesson, dimmer
        keep_other = (other.samples_et >= start) & (other.samples_et <= stop)
        scene.add(
            TrajectoryLayer(
                f"{result.target} track ({other.method})",
                other.samples_et[keep_other],
                other.samples_rel_km[keep_other],
                color="#8a8a8a",
                opacity=0.7,
                width_px=1.5,
            )
        )
    scene.add(
        MarkerLayer(
            result.target,
            track,
            et=et_track,
            labels=[result.target],
            color="white",
            size_px=9.0,
            hold_ends=True,
        )
    )
    c = result.closest
    ca_pos = np.array([np.interp(c.et, et_track, track[:, i]) for i in range(3)])
    scene.add(MarkerLayer("closest approach", ca_pos[None, :], color="#ff4040", size_px=8.0))
    scene.add(
        LabelLayer(
            "closest approach label",
            ca_pos[None, :],
            [f"closest {c.dist_km:,.0f} km ({c.dist_km / LD_KM:.3f} LD)"],
        )
    )

    def distance_text(t: np.ndarray) -> list[str]:
        d = np.interp(np.atleast_1d(t), et_track, dist)
        return [f"distance {x:,.0f} km = {x / LD_KM:.3f} LD" for x in d]

    scene.readouts.append(Readout("distance", distance_text))
    for layer in uncertainty_layers(report, et_track, track, kernel_names):
        scene.add(layer)
    return scene


def build(**options) -> Scene:
    """The flyby recipe: :func:`orbitviz.flyby` with the recipe's options, then its scene."""
    from ..analysis import flyby

    return flyby_scene(flyby(**options))
