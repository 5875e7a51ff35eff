"""The flyby scene: the body and the Moon, the SOI, the small body's track, labels and views.

Body-centred ECLIPJ2000, km. The body and the Moon are drawn to scale but never smaller than a
few pixels (``SphereLayer.min_size_px``), the Moon where it is on the clock. The track is the
flyby analysis' own model (N-body by default), coloured inside vs outside the SOI, with the other
method's track beside it as a dimmer comparison layer. Labels name the body, the Moon, the SOI,
the small body and the closest approach (km, LD, UTC). Camera presets: from the Sun, ecliptic
north, following the small body, body-centred close-up. Everything is sampled up front
(:mod:`.sampling`).
"""

from __future__ import annotations

import logging

import numpy as np

from ..data import stars, textures
from ..errors import ChecksumError, DataError
from ..reports import FlybyReport
from ..scene import (
    CameraPreset,
    CameraState,
    Clock,
    LabelLayer,
    MarkerLayer,
    Readout,
    Scene,
    SphereLayer,
    SpiceOrigin,
    StarsLayer,
    TimelineEvent,
    TrajectoryLayer,
)
from ..scene.cameras import angles_from_offsets, eye_offsets, fit_distance
from ..scene.video import event_video
from ..units import LD_KM
from . import sampling
from .uncertainty import uncertainty_layers

log = logging.getLogger("orbitviz.recipes")

MOON_RADIUS_KM = 1737.4  # IAU mean radius
BODY_MIN_PX = 10.0  # the body, never smaller on screen than this (at 720 px high)
MOON_MIN_PX = 7.0
FOV_DEG = 30.0
PLANETS = (  # the inner planets (DE421 names) and their orbital periods, days
    ("Mercury", "MERCURY BARYCENTER", 87.969),
    ("Venus", "VENUS BARYCENTER", 224.701),
    ("Earth", "EARTH", 365.256),
    ("Mars", "MARS BARYCENTER", 686.980),
)
ORBIT_VIEW_SHARE = 0.25  # an orbit is drawn in views at least this share of its radius high


def flyby_scene(
    report: FlybyReport, *, margin_s: float = 86400.0, playback_s: float = 30.0
) -> Scene:
    """A scene of ``report`` (from :func:`orbitviz.flyby`) around the SOI pass (or the closest
    approach when there is none), its ephemeris sampled from the kernels the report used."""
    result = report.result
    start, stop = _time_span(result, margin_s)
    keep = (result.samples_et >= start) & (result.samples_et <= stop)
    et_track, track = result.samples_et[keep], result.samples_rel_km[keep]
    body = result.body.title()
    kernel_names = ("default", *report.kernels)
    with sampling.kernels(*kernel_names) as loaded:
        surfaces = _surfaces(result.body, start, stop)
        credits = [f"Ephemeris: {c}" for c in sampling.ephemeris_credits(loaded)]
        sun = sampling.positions("SUN", 0.5 * (start + stop), observer=result.body)[0]
        moon_et = np.linspace(start - 14 * 86400, stop + 14 * 86400, 600)
        moon = planets = None
        if result.body.upper() == "EARTH":
            moon = sampling.positions("MOON", moon_et, observer="EARTH")
            planets = _planet_orbits(start, stop, result.closest.et)
    scene = Scene(
        frame=f"{body}-centred ECLIPJ2000",
        clock=Clock(start, stop, rate=(stop - start) / playback_s),
        title=f"{result.target} past {body} ({result.method})",
        credits=[*credits, f"Trajectory: orbitviz, {result.method_detail}"],
        spice=SpiceOrigin(result.body, "ECLIPJ2000", kernel_names),
    )
    sun_dir = sun / np.linalg.norm(sun)
    _add_bodies(scene, result, sun_dir, moon_et, moon, surfaces)
    _add_tracks(scene, result, et_track, track, start, stop)
    _add_body_labels(scene, result, moon_et, moon)
    if planets is not None:
        _add_planet_orbits(scene, *planets)
    _add_closest_approach(scene, report, et_track, track)
    _add_camera_presets(scene, result, sun_dir)
    dist = np.linalg.norm(track, axis=1)

    def distance_text(t: np.ndarray) -> list[str]:
        d = np.interp(np.atleast_1d(t), et_track, dist)
        return [f"distance {x:,.0f} km = {x / LD_KM:.3f} LD" for x in d]

    scene.readouts.append(Readout("distance", distance_text))
    for layer in uncertainty_layers(report, et_track, track, kernel_names):
        scene.add(layer)
    _add_stars(scene)
    for event in flyby_events(result, start, stop):
        scene.timeline.add(event)
    scene.clock.et = result.closest.et  # the first view and a screenshot: the closest approach
    scene.video = flyby_video(scene, result, et_track, track)
    return scene


GHOST = 0.25  # the part of a track still to come, as a share of its opacity
CLOSE_REACH = 3.0  # the close-up video view spans this many closest-approach distances
CLOSE_TILT_DEG = 35.0  # ... seen this far off the flyby's plane (the bend reads as a curve)


def flyby_events(result, start: float, stop: float) -> list[TimelineEvent]:
    """SOI entries and exits within the scene's span, and the closest approach (the main
    event)."""
    body = result.body.title()
    events = [
        TimelineEvent(f"soi-entry{'' if i == 0 else i + 1}", f"{body} SOI entry", float(t))
        for i, t in enumerate(result.entries_et)
        if start <= t <= stop
    ]
    events += [
        TimelineEvent(f"soi-exit{'' if i == 0 else i + 1}", f"{body} SOI exit", float(t))
        for i, t in enumerate(result.exits_et)
        if start <= t <= stop
    ]
    c = result.closest
    events.append(
        TimelineEvent(
            "closest", f"closest approach {c.dist_km:,.0f} km ({c.dist_km / LD_KM:.3f} LD)",
            float(c.et), main=True,
        )
    )  # fmt: skip
    return events


def close_view(result, et_track, track) -> CameraState:
    """The body and the bend of the track at the closest approach, seen from CLOSE_TILT_DEG
    off the flyby's plane, CLOSE_REACH closest distances around the body."""
    c = result.closest
    i = int(np.clip(np.searchsorted(et_track, c.et), 1, len(et_track) - 1))
    position, velocity = track[i], track[i] - track[i - 1]
    normal = np.cross(position, velocity)
    normal /= np.linalg.norm(normal) or 1.0
    if normal[2] < 0:
        normal = -normal
    side = position / (np.linalg.norm(position) or 1.0)
    tilt = np.radians(CLOSE_TILT_DEG)
    back = np.cos(tilt) * normal + np.sin(tilt) * side
    az, el, _ = angles_from_offsets(back)
    reach = CLOSE_REACH * c.dist_km
    ring = (
        reach * np.c_[np.cos(np.linspace(0, 2 * np.pi, 16)), np.sin(np.linspace(0, 2 * np.pi, 16))]
    )
    u = velocity / (np.linalg.norm(velocity) or 1.0)
    points = ring[:, :1] * u + ring[:, 1:] * side
    distance = fit_distance(points, (0.0, 0.0, 0.0), float(az), float(el), FOV_DEG, 16 / 9)
    return CameraState((0.0, 0.0, 0.0), float(az), float(el), distance, FOV_DEG)


def flyby_video(scene: Scene, result, et_track, track):
    """The default video: the whole SOI pass from the home view, zooming in and slowing down
    while the small body crosses the close-up view around the closest approach, then pulling
    back."""
    c = result.closest
    speed = max(c.v_rel_kms, 1e-3)
    crossing_s = CLOSE_REACH * c.dist_km / speed  # half the time to cross the close view
    phase = (c.et - crossing_s, c.et + crossing_s)
    return event_video(
        scene.clock.start_et,
        scene.clock.stop_et,
        [phase],
        wide=scene.home_camera(),
        close=close_view(result, et_track, track),
        note=f"{result.target}'s closest approach, slowed down and close up",
    )


def _time_span(result, margin_s: float) -> tuple[float, float]:
    """The SOI pass with ``margin_s`` either side (or 3 margins around the closest approach),
    inside the analysed window."""
    if result.entered_soi:
        start = float(result.entries_et[0]) - margin_s
        stop = float(result.exits_et[-1]) + margin_s if result.exits_et.size else result.stop_et
    else:
        start, stop = result.closest.et - 3 * margin_s, result.closest.et + 3 * margin_s
    return max(start, result.start_et), min(stop, result.stop_et)


def _surfaces(body: str, start: float, stop: float) -> dict:
    """The textured bodies of an Earth flyby, the Earth and the Moon: for each, its surface
    image, its turning body-fixed frame over the span (the scene's kernels loaded) and the
    image's credit. A body whose image's package is not installed is left out (drawn as a
    plain ball); another central body has none."""
    if body.upper() != "EARTH":
        return {}
    found = {}
    for name, image, credit in (
        ("EARTH", textures.earth_image, textures.EARTH_CREDIT),
        ("MOON", textures.moon_image, textures.MOON_CREDIT),
    ):
        try:
            found[name] = image(), credit
        except ChecksumError as exc:  # installed, but not the file orbitviz knows: say so
            log.warning("a plain %s: %s", name.title(), exc)
        except DataError as exc:  # not installed: the extra is optional
            log.info("a plain %s: %s", name.title(), exc)
    return {
        name: (image, sampling.body_rotation(name, start, stop), credit)
        for name, (image, credit) in found.items()
    }


def _add_bodies(scene: Scene, result, sun_dir, moon_et, moon, surfaces: dict) -> None:
    """The body (lit, at least BODY_MIN_PX across), the Moon and its orbit, the SOI shell, and
    their labels; the Earth and the Moon textured and turning where ``surfaces`` has them."""
    body = result.body.title()
    radius = result.body_radius_km or 1.0
    texture, rotation, credit = surfaces.get(result.body.upper(), (None, None, None))
    if credit:
        scene.credits.append(credit)
    scene.add(
        SphereLayer(
            body,
            radius,
            color="#2f6fd6",
            opacity=1.0,
            lit=True,
            sun_dir=sun_dir,
            min_size_px=BODY_MIN_PX,
            texture=texture,
            rotation=rotation,
        )
    )
    if moon is not None:
        texture, rotation, credit = surfaces.get("MOON", (None, None, None))
        if credit:
            scene.credits.append(credit)
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
                sun_dir=sun_dir,
                min_size_px=MOON_MIN_PX,
                texture=texture,
                rotation=rotation,
            )
        )
    scene.add(SphereLayer(f"{body} SOI", result.soi_radius_km, color="#f0a030", opacity=0.12))


def _planet_orbits(start: float, stop: float, main_et: float):
    """Sampled up front (kernels loaded): the span's times, the Sun's positions over them
    (Earth-centred), each inner planet's orbit around the Sun (one period centred on the main
    event, Sun-centred) and its Earth-centred positions over the span."""
    span_et = np.linspace(start, stop, 200)
    sun = sampling.positions("SUN", span_et, observer="EARTH")
    orbits, paths = [], []
    for _, target, period_days in PLANETS:
        half = 0.5 * period_days * 86400.0
        ring_et = np.linspace(main_et - half, main_et + half, 721)
        orbits.append((ring_et, sampling.positions(target, ring_et, observer="SUN")))
        paths.append(sampling.positions(target, span_et, observer="EARTH"))
    return span_et, sun, orbits, paths


def _add_planet_orbits(scene: Scene, span_et, sun, orbits, paths) -> None:
    """The inner planets' orbits around the Sun (faint, labelled, a layer each) and the
    planets and the Sun where they are on the clock. In this Earth-centred scene the orbits
    move with the Sun; they are drawn only in views wide enough for them (a quarter of the
    orbit's radius high): at the flyby's own scale the Earth's orbit would be a straight grey
    line across the view, and the other planets far outside it."""
    names = []
    for (name, _, _), (ring_et, orbit) in zip(PLANETS, orbits):
        radius = float(np.linalg.norm(orbit, axis=1).mean())
        layer = TrajectoryLayer(
            f"{name} orbit",
            ring_et,  # one period around the main event, drawn whole (no trail, no lead)
            orbit,
            color="#7890b0",
            opacity=0.45,
            width_px=1.0,
            legend=False,
            origin_et=span_et,
            origin_km=sun,
        )
        layer.min_view_km = ORBIT_VIEW_SHARE * radius
        scene.add(layer)
        names.append(name)
    widest = min(scene[f"{name} orbit"].min_view_km for name in names)
    bodies = [(name, path) for name, path in zip(names, paths) if name != "Earth"]
    for name, path in [*bodies, ("Sun", sun)]:
        marker = MarkerLayer(
            name, path, et=span_et, labels=[name], color="#b8c8e0", size_px=5.0, hold_ends=True
        )
        marker.min_view_km = widest
        scene.add(marker)


def _add_body_labels(scene: Scene, result, moon_et, moon) -> None:
    """Labels at the body's and the Moon's centres (beside their discs) and on the SOI's
    outline, above its centre as the home view sees it."""
    body = result.body.title()
    scene.add(MarkerLayer(f"{body} label", [[0.0, 0.0, 0.0]], labels=[body], symbol=None))
    if moon is not None:
        scene.add(
            MarkerLayer(
                "Moon label", moon, et=moon_et, labels=["Moon"], symbol=None, hold_ends=True
            )
        )
    soi = result.soi_radius_km
    top = soi * eye_offsets(30.0, 25.0 + 90.0, 1.0)
    scene.add(LabelLayer(f"{body} SOI label", top[None, :], [f"{body} SOI (r = {soi:,.0f} km)"]))


def _add_tracks(scene: Scene, result, et_track, track, start: float, stop: float) -> None:
    """The answer's track (red inside the SOI) and the other method's, dimmer, to compare."""
    dist = np.linalg.norm(track, axis=1)
    scene.add(
        TrajectoryLayer(
            f"{result.target} track",
            et_track,
            track,
            color_by="mask",
            mask=dist <= result.soi_radius_km,
            color_true="#ff4040",
            color_false="#40c0ff",
            mask_labels=("inside the SOI", "outside the SOI"),
            width_px=2.5,
            lead_s=0.0,
            ahead_opacity=GHOST,
        )
    )
    other = result.compared
    if other is not None:  # the other method's track beside the answer: a lesson, dimmer
        keep_other = (other.samples_et >= start) & (other.samples_et <= stop)
        other_track = other.samples_rel_km[keep_other]
        scene.add(
            TrajectoryLayer(
                f"{result.target} track ({other.method})",
                other.samples_et[keep_other],
                other_track,
                color="#8a8a8a",
                opacity=0.7,
                width_px=1.5,
                lead_s=0.0,
                ahead_opacity=GHOST,
            )
        )
        if len(other_track):  # named on screen: a grey line across a wide view says what it is
            nearest = other_track[int(np.argmin(np.linalg.norm(other_track, axis=1)))]
            d = float(np.linalg.norm(nearest))
            scene.add(
                LabelLayer(
                    f"{result.target} track ({other.method}) label",
                    nearest[None, :],
                    [
                        f"{other.method_detail.split(':')[0]}: closest {d:,.0f} km ({d / LD_KM:.3f} LD)"
                    ],
                    color="#a8a8a8",
                )
            )
    scene.follow_target = scene.add(
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


def _add_stars(scene: Scene) -> None:
    """The sky behind the pass (Hipparcos 2 to magnitude 6, in the scene's ecliptic frame),
    credited; left out, with an info line in the log saying why, when the catalogue package
    is not installed (the extra ``sky``)."""
    try:
        sky = stars.bright_stars(6.0)
    except DataError as exc:
        log.info("no stars: %s", exc)
        return
    scene.add(StarsLayer("stars", sky.directions("ECLIPJ2000"), sky.mag))
    scene.credits.append(stars.CREDIT)


def _add_closest_approach(scene: Scene, report: FlybyReport, et_track, track) -> None:
    c = report.result.closest
    ca_pos = np.array([np.interp(c.et, et_track, track[:, i]) for i in range(3)])
    utc = str(report.summary["closest_approach_utc"])[:16].replace("T", " ")
    scene.add(
        MarkerLayer(
            "closest approach", ca_pos[None, :], color="#ff4040", size_px=9.0, symbol="ring"
        )
    )
    scene.add(
        LabelLayer(
            "closest approach label",
            ca_pos[None, :],
            [f"closest {c.dist_km:,.0f} km ({c.dist_km / LD_KM:.3f} LD) {utc} UTC"],
        )
    )


def _add_camera_presets(scene: Scene, result, sun_dir) -> None:
    """From the Sun and from ecliptic north (the SOI pass), following the small body, and a
    body-centred close-up of the closest approach."""
    body = result.body.title()
    half = np.sin(np.radians(FOV_DEG) / 2.0)
    reach = max(result.soi_radius_km, 1.5 * result.closest.dist_km)
    wide = 1.2 * reach / half
    sun_az, sun_el, _ = angles_from_offsets(sun_dir)
    presets = (
        ("sun", f"From the Sun (towards {body})", float(sun_az), float(sun_el), wide, False),
        ("north", "From ecliptic north", 0.0, 90.0, wide, False),
        ("follow", f"Follow {result.target}", 30.0, 25.0, 4.0 * result.closest.dist_km, True),
        ("earth" if body == "Earth" else "body", f"{body}-centred", 30.0, 25.0,
         1.6 * result.closest.dist_km / half, False),
    )  # fmt: skip
    for name, title, az, el, distance, follow in presets:
        state = CameraState((0.0, 0.0, 0.0), az, el, distance, FOV_DEG)
        et = float(result.closest.et) if name in ("earth", "body") else None
        scene.add_camera_preset(CameraPreset(name, title, state, follow=follow, et=et))
