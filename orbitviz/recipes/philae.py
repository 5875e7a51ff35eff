"""The Philae scene: 67P's shape lit by the Sun, Philae's bounces drawn on it, a moving lander.

The lander path and its touchdowns come from :func:`orbitviz.shapes.lander.philae_path`, the
Sun's direction in the comet-fixed frame every minute from :mod:`.sampling`. The comet's true
attitude comes from the Rosetta attitude CK (``CATT_DV_*.BC``) when it is loaded; otherwise the
approximate (pre-arrival, 2012) rotation model of ``ROS_CGS_RSOC_V03.TPC`` is used and the scene
says the lighting is approximate.
"""

from __future__ import annotations

import numpy as np

from .. import data
from ..errors import OrbitvizError
from ..scene import (
    CameraPreset,
    CameraState,
    Clock,
    DirectionLayer,
    LabelLayer,
    MarkerLayer,
    MeshLayer,
    Readout,
    Scene,
    SpiceOrigin,
    TimelineEvent,
    TrajectoryLayer,
)
from ..scene.cameras import angles_from_offsets, fit_distance, view_axes, width_fraction
from ..scene.video import event_video
from ..shapes.lander import LanderPath, philae_path
from ..shapes.surface import nearest_points
from . import sampling

COMET = 1000012  # NAIF id of 67P/Churyumov-Gerasimenko
TRUE_FRAME = "67P/C-G_CK"  # the frame of the shape models and the lander SPK (CK-based)
APPROXIMATE_FRAME = "67P/C-G_FIXED"  # rotation from ROS_CGS_RSOC_V03.TPC (PCK)
APPROXIMATE_NOTE = (
    "lighting approximate: no 67P attitude CK loaded, using the pre-arrival rotation "
    "model ROS_CGS_RSOC_V03.TPC (load CATT_DV_*.BC for the true attitude)"
)
LANDER_CREDIT = (
    "Philae trajectory: ESA/Rosetta lander team, LORB_C_G_FIXED_RBD_7_V2_0.BSP (ESA SPICE Service)"
)


def sun_directions(et: np.ndarray) -> tuple[np.ndarray, bool, str]:
    """Unit vectors (K, 3) from 67P towards the Sun in the shape's frame, whether they are
    approximate, and a note saying why. Needs the ``philae`` kernel set loaded."""
    sun, frame = sampling.sun_directions(COMET, et, (TRUE_FRAME, APPROXIMATE_FRAME))
    approximate = frame == APPROXIMATE_FRAME
    return sun, approximate, APPROXIMATE_NOTE if approximate else ""


def contact_labels(path: LanderPath, merge_km: float = 0.05) -> tuple[np.ndarray, list[str]]:
    """One label per contact site: contacts closer than ``merge_km`` (Philae's last two, 23 m
    apart) share one label, so their texts do not overprint."""
    spots: list[np.ndarray] = []
    lines: list[list[str]] = []
    for t in path.touchdowns:
        text = f"{t.kind} {t.utc[11:19]}"
        for i, spot in enumerate(spots):
            if np.linalg.norm(spot - t.position_km) < merge_km:
                lines[i].append(text)
                break
        else:
            spots.append(t.position_km)
            lines.append([text])
    return np.array(spots).reshape(-1, 3), [", ".join(group) for group in lines]


FOV_DEG = 30.0
TOUCHDOWN_VIEW_KM = 0.6  # a touchdown preset's camera distance
TOWARDS_SITE = 0.35  # the first view's centre, from the comet's centre to the landing region
END_ON = 0.8  # |cos| of the angle between the view and the comet's long axis, at most
SUN_LINE_KM = 0.6  # the Sun direction line's length, from the landing region


def landing_view(vertices_km, path_km, *, fov_deg: float = FOV_DEG, aspect: float = 1.5):
    """The comet (``vertices_km``, (V, 3)) whole in view and ``path_km`` (N, 3) as wide across
    it as the directions allow (10 degree steps) that face the landing region and see the
    comet's long axis at least ~35 degrees from end-on (so its shape reads), looking at a
    point ``TOWARDS_SITE`` of the way from the comet's centre to the region's."""
    step = max(1, len(vertices_km) // 20000)
    vertices = np.asarray(vertices_km, dtype=np.float64)[::step]
    centre = 0.5 * (vertices.min(axis=0) + vertices.max(axis=0))
    outward = np.mean(path_km, axis=0) - centre
    centre = centre + TOWARDS_SITE * outward
    outward /= np.linalg.norm(outward)
    long_axis = np.linalg.eigh(np.cov((vertices - centre).T))[1][:, -1]
    best, best_width = None, -1.0
    for az in range(0, 360, 10):
        for el in range(-60, 61, 10):
            back = view_axes(az, el)[0]
            if back @ outward < 0.5 or abs(back @ long_axis) > END_ON:
                continue
            distance = fit_distance(vertices, centre, az, el, fov_deg, aspect)
            state = CameraState.looking_from(centre, az, el, distance, fov_deg)
            width = width_fraction(path_km, state, aspect)
            if width > best_width:
                best, best_width = state, width
    return best


def surface_normal(mesh, point_km, radius_km: float = 0.1) -> np.ndarray:
    """The mean outward normal (3,) of the faces within ``radius_km`` of ``point_km`` (the
    radial direction where there are none)."""
    v = mesh.vertices[mesh.faces]
    near = np.linalg.norm(v.mean(axis=1) - point_km, axis=1) < radius_km
    normal = np.cross(v[near, 1] - v[near, 0], v[near, 2] - v[near, 0]).sum(axis=0)
    radial = np.asarray(point_km, dtype=np.float64) / np.linalg.norm(point_km)
    if not np.linalg.norm(normal) > 0:
        return radial
    normal /= np.linalg.norm(normal)
    return normal if normal @ radial >= 0 else -normal


ON_SURFACE_M = 1.0
"""Below this altitude the readout says Philae is on the surface: the lander SPK and the shape
model disagree by a few metres (at rest the SPK puts Philae 5 m under the SPC model), and a
negative altitude is a statement about the model, not about Philae."""
OBLIQUE_DEG = 30.0  # the video looks this far down onto the local horizon, across the hops
SLOW_AROUND_S = 120.0  # the video slows down this long either side of each contact
DROP_COLOR = "#d0d0d0"


def touchdown_presets(path: LanderPath) -> list[CameraPreset]:
    """One camera per touchdown, looking down its surface normal from TOUCHDOWN_VIEW_KM; each
    moves the clock to its touchdown."""
    presets = []
    for i, t in enumerate(path.touchdowns, start=1):
        normal = surface_normal(path.mesh, t.position_km)
        az, el, _ = angles_from_offsets(normal)
        up = float(np.clip(el, -89.0, 89.0))  # z stays up on screen
        state = CameraState.looking_from(t.position_km, float(az), up, TOUCHDOWN_VIEW_KM, FOV_DEG)
        title = f"Touchdown {i}: {t.kind} {t.utc[11:19]}"
        presets.append(CameraPreset(f"touchdown{i}", title, state, et=float(t.et)))
    return presets


def touchdown_events(path: LanderPath) -> list[TimelineEvent]:
    """Each contact as an event; the last (Philae at rest) is the main one: at that time the
    whole path has been drawn behind the lander."""
    events = []
    for i, t in enumerate(path.touchdowns, start=1):
        last = i == len(path.touchdowns)
        events.append(
            TimelineEvent(f"touchdown{i}", f"{t.kind} {t.utc[11:19]} UTC", float(t.et), main=last)
        )
    return events


def altitude_words(altitude_m) -> list[str]:
    """The altitude readout: metres above the model, or "on the surface" (see ON_SURFACE_M).

    >>> altitude_words([56.54, 0.3, -5.26])
    ['Philae altitude   56.5 m', 'Philae on the surface', 'Philae on the surface']
    """
    return [
        f"Philae altitude {a:6.1f} m" if a >= ON_SURFACE_M else "Philae on the surface"
        for a in np.atleast_1d(altitude_m)
    ]


def drop_line(path: LanderPath) -> DirectionLayer:
    """A line from the lander straight down to the nearest surface point, moving with it (how
    high each hop is, seen from any side); none while it is on the surface."""
    feet, _, _ = nearest_points(path.mesh, path.position_km)
    down = feet - path.position_km
    length = np.linalg.norm(down, axis=1)
    radial = -path.position_km / np.linalg.norm(path.position_km, axis=1, keepdims=True)
    direction = np.where(length[:, None] > 1e-9, down / np.maximum(length, 1e-12)[:, None], radial)
    length = np.where(path.altitude_km * 1e3 >= ON_SURFACE_M, length, 0.0)
    return DirectionLayer(
        "Philae drop line",
        path.position_km,
        direction,
        et=path.et,
        lengths_km=length,
        color=DROP_COLOR,
        opacity=0.8,
        width_px=1.5,
    )


def side_view(mesh, path_km, *, fov_deg: float = FOV_DEG, aspect: float = 16 / 9):
    """A view across the hops, ``OBLIQUE_DEG`` above the local horizon, from the side where the
    local vertical points up on screen (the scene's z is up on screen): the bounces read as
    arcs, not as a line on the ground. The whole path in view, with a margin."""
    site = np.mean(path_km, axis=0)
    normal = surface_normal(mesh, site, radius_km=0.3)
    along = path_km[-1] - path_km[0]
    along -= (along @ normal) * normal
    along /= np.linalg.norm(along) or 1.0
    best: tuple[int, int] = (0, 0)
    best_score = -np.inf
    for az in range(0, 360, 5):
        for el in range(-85, 86, 5):
            back, _, up = view_axes(az, el)
            tilt = float(back @ normal)
            score = float(up @ normal) - 2.0 * abs(tilt - np.sin(np.radians(OBLIQUE_DEG)))
            score -= 0.5 * abs(float(back @ along))
            if score > best_score:
                best, best_score = (az, el), score
    az, el = best
    distance = fit_distance(path_km, site, az, el, fov_deg, aspect, margin=1.6)
    return CameraState.looking_from(site, az, el, distance, fov_deg)


def bounce_video(scene: Scene, path: LanderPath, mesh):
    """Philae's video: from the landing view to the side view of the hops, the trail growing
    behind the lander, time slowed around each contact (then held at rest)."""
    start, stop = float(path.et[0]), float(path.et[-1])
    phases = [(t.et - SLOW_AROUND_S, t.et + SLOW_AROUND_S) for t in path.touchdowns]
    merged: list[list[float]] = []
    for a, b in sorted(phases):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    close = side_view(mesh, path.position_km)
    return event_video(
        start,
        stop,
        [tuple(m) for m in merged],
        wide=close,
        close=close,
        share=0.45,
        pull_back=False,
        note="Philae's bounces seen from the side, slowed at each contact",
    )


def philae_scene(
    shape: str = "67p-spc.ply",
    *,
    path: LanderPath | None = None,
    color_by: str = "altitude",
    playback_s: float = 40.0,
) -> Scene:
    """67P, Philae's path coloured by altitude (or ``"time"``), the lander, its touchdowns."""
    path = path or philae_path(shape)
    mesh = path.mesh
    start, stop = float(path.et[0]), float(path.et[-1])
    with sampling.kernels("philae"):
        sun_et = np.linspace(start, stop, max(2, int((stop - start) / 60.0) + 1))
        sun_dir, approximate, note = sun_directions(sun_et)
    try:
        credit = data.entry(shape).credit
    except OrbitvizError:
        credit = ""
    scene = Scene(
        frame=path.frame,
        clock=Clock(start, stop, rate=(stop - start) / playback_s),
        title="Philae on 67P/Churyumov-Gerasimenko, 2014-11-12",
        credits=[c for c in (f"Shape: {credit}" if credit else "", LANDER_CREDIT) if c],
        spice=SpiceOrigin(path.body, path.frame, ("philae",)),
    )
    scene.add(
        MeshLayer(
            "67P",
            mesh,
            sun_dir=sun_dir,
            sun_et=sun_et,
            lighting_approximate=approximate,
            lighting_note=note,
            credit=credit,
        )
    )
    altitude_m = path.altitude_km * 1e3
    if color_by == "altitude":
        track = TrajectoryLayer(
            "Philae path",
            path.et,
            path.position_km,
            color_by="scalar",
            scalar=altitude_m,
            scalar_name="altitude (m)",
            clim=(0.0, float(np.percentile(altitude_m, 99))),
            colormap="plasma",
            width_px=3.0,
            lead_s=0.0,  # a trail that grows behind the lander
        )
    else:
        track = TrajectoryLayer(
            "Philae path",
            path.et,
            path.position_km,
            color_by="time",
            colormap="plasma",
            width_px=3.0,
            lead_s=0.0,
        )
    scene.add(track)
    scene.add(drop_line(path))
    touch = np.array([t.position_km for t in path.touchdowns]).reshape(-1, 3)
    scene.add(MarkerLayer("touchdowns", touch, color="red", size_px=9.0))
    spots, labels = contact_labels(path)
    scene.add(LabelLayer("touchdown labels", spots, labels, color="white"))
    site = np.mean([t.position_km for t in path.touchdowns], axis=0)
    scene.add(
        DirectionLayer(
            "Sun direction", site, sun_dir, et=sun_et, length_km=SUN_LINE_KM, width_px=3.0
        )
    )
    scene.add(
        MarkerLayer(
            "Sun",
            site + SUN_LINE_KM * sun_dir,
            et=sun_et,
            labels=["to the Sun"],
            color="#ffd040",
            symbol="star",
            size_px=12.0,
            hold_ends=True,
        )
    )
    scene.follow_target = scene.add(
        MarkerLayer(
            "Philae",
            path.position_km,
            et=path.et,
            labels=["Philae"],
            color="yellow",
            size_px=12.0,
            hold_ends=True,
        )
    )

    def altitude_text(et: np.ndarray) -> list[str]:
        return altitude_words(np.interp(et, path.et, altitude_m))

    scene.readouts.append(Readout("altitude", altitude_text))
    scene.home = landing_view(mesh.vertices, path.position_km)
    for preset in touchdown_presets(path):
        scene.add_camera_preset(preset)
    for event in touchdown_events(path):
        scene.timeline.add(event)
    if scene.timeline.main is not None:  # the first view: the whole path, Philae at rest
        scene.clock.et = scene.timeline.main.et
    scene.video = bounce_video(scene, path, mesh)
    if approximate:
        scene.readouts.append(
            Readout("lighting", lambda et: ["lighting approximate"] * np.size(et))
        )
    return scene
