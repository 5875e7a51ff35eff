"""The transit scene: a planetary system found in a light curve, in 3D beside that light curve.

The star to scale in its black-body colour (its Teff), each candidate planet on a circular
orbit at its fitted a/R* and inclination, moving on the scene clock, the line of sight towards
Earth, the conservative habitable zone (Kopparapu et al. 2013) as a translucent ring in the
orbital plane, and a light-curve panel (data, model, each planet's transits in its colour)
whose cursor is the clock. Positions in km, star-centred; scene time is ET (the light curve's
BJD_TDB, :func:`~orbitviz.exoplanets.lightcurve.bjd_to_et`).

Geometry (as :func:`orbitviz.exoplanets.model.sky_separation`): the observer is far along -y,
the planet's phase is ``2 pi (t - t0) / P`` and at phase 0 it is between star and observer,
``cos i = impact / (a/R*)``::

    position = a * (sin(phase), -sin(i) cos(phase), cos(i) cos(phase))

so the sky separation the observer sees, ``hypot(x, z) / R*``, is the model's, and a planet
crosses the star's disk exactly while the model light curve dips.

Camera presets: ``observer`` (from Earth: far away with a narrow field, so the transit chords
are drawn as Earth sees them), ``top`` (the orbits from above, Earth at the bottom),
``system`` (an oblique view of everything) and one per planet (its orbit, obliquely). The first
view is the observer's at the middle of the deepest transit the data hold; a video
(``orbitviz render transit``) flies from an oblique view of that planet's orbit to the
observer's and slows time while the planet crosses its star.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..exoplanets.candidates import Candidate, TransitResult
from ..exoplanets.habitable import habitable_zone_au
from ..exoplanets.lightcurve import BKJD_OFFSET, BTJD_OFFSET, bjd_to_et, et_to_bjd
from ..exoplanets.model import limb_darkening
from ..scene import (
    CameraPreset,
    CameraState,
    CameraTrack,
    Clock,
    DirectionLayer,
    LabelLayer,
    LightCurveLayer,
    MarkerLayer,
    Readout,
    RingLayer,
    Scene,
    SceneVideo,
    SphereLayer,
    TimeAxis,
    TimeMap,
    TrajectoryLayer,
    TransitSeries,
)
from ..scene.cameras import view_axes
from ..scene.colors import blackbody_rgb
from ..scene.sampling import interp_rows
from ..units import AU_KM

OBSERVER = np.array([0.0, -1.0, 0.0])
"""The direction towards Earth in the scene (the observer looks along +y)."""
PLANET_COLORS = (
    "#4dabf7", "#ff6b6b", "#cc5de8", "#ff922b", "#22b8cf", "#f06595", "#94d82d", "#9775fa",
)  # fmt: skip
HZ_COLOR = "#40c057"
PANEL_HEIGHT = 0.3  # the light-curve panel's share of the view's height
PANEL_SHARE = PANEL_HEIGHT + 0.04  # ... with the line of credits under it
FOV_DEG = 30.0
OBSERVER_DISTANCE = 100.0
"""The observer camera sits this many outermost orbits from the star: nearer, perspective would
enlarge and speed up a planet crossing the star (by 1/(1 - 1/OBSERVER_DISTANCE): 1 %)."""
STAR_SHARE = 0.5  # the observer view: the star's diameter, as a share of the height above the panel
MIN_FOV_DEG = 0.011  # VisPy draws no narrower field
PLANET_MIN_PX = 7.0
STAR_MIN_PX = 9.0
SAMPLE_TOLERANCE = 1e-3  # stellar radii: the straight chords between orbit samples stay this close
SLOW_SHARE = 0.6  # a video spends this share of its time on the transit
VIDEO_S = 20.0


# -- geometry ------------------------------------------------------------------------------
BINARY_COLOR = "#8c8c8c"
"""A candidate the vetting calls an eclipsing binary is drawn grey, labelled ``(binary?)``."""


def cos_inclination(candidate: Candidate) -> float:
    """``cos i`` of a candidate's orbit, as the transit model has it (``impact / (a/R*)``)."""
    return min(1.0, candidate.impact / candidate.a_rs)


def orbit_positions_km(candidate: Candidate, star_radius_km: float, time_bjd) -> np.ndarray:
    """Positions (N, 3) km of the planet at ``time_bjd`` (N,) on its circular orbit, the
    observer far along -y (the module's geometry)."""
    phase = 2.0 * np.pi * (np.asarray(time_bjd, dtype=np.float64) - candidate.t0_bjd)
    phase /= candidate.period_d
    cos_i = cos_inclination(candidate)
    sin_i = math.sqrt(1.0 - cos_i**2)
    a_km = candidate.a_rs * star_radius_km
    return a_km * np.c_[np.sin(phase), -sin_i * np.cos(phase), cos_i * np.cos(phase)]


def sky_separation_rs(positions_km, star_radius_km: float) -> np.ndarray:
    """How far (stellar radii) from the star's centre the observer sees points (N, 3) km;
    ``inf`` for points behind the star's centre (hidden, or no transit)."""
    p = np.asarray(positions_km, dtype=np.float64).reshape(-1, 3)
    separation = np.hypot(p[:, 0], p[:, 2]) / star_radius_km
    return np.where(p @ OBSERVER > 0, separation, np.inf)


def samples_per_orbit(a_rs: float) -> int:
    """Orbit samples that keep the chords between them within SAMPLE_TOLERANCE stellar radii
    of the circle (sagitta a (1 - cos(pi / n)))."""
    return max(360, math.ceil(math.pi * math.sqrt(a_rs / (2.0 * SAMPLE_TOLERANCE))))


def planet_label(name: str, index: int) -> str:
    """A short label: the name's last word when it is short (``Kepler-90 b`` -> ``b``)."""
    word = name.split()[-1] if name.split() else ""
    return word if 0 < len(word) <= 3 else (name or f"planet {index + 1}")


def catalogue_name(candidate: Candidate) -> tuple[str, str] | None:
    """The host and the letter of the catalogued planet a candidate matches (its
    ``known_as``, e.g. ``Kepler-90 h (K00351.01)`` -> ``("Kepler-90", "h")``), or None.

    >>> from types import SimpleNamespace as C
    >>> catalogue_name(C(known_as="Kepler-90 h (K00351.01)")), catalogue_name(C(known_as="K00351.07"))
    (('Kepler-90', 'h'), None)
    """
    name = (getattr(candidate, "known_as", "") or "").split(" (")[0]
    host, _, letter = name.rpartition(" ")
    return (host, letter) if host and 0 < len(letter) <= 2 and letter.isalpha() else None


def star_name(result: TransitResult) -> str:
    """The star's name: its catalogued planets' host (Kepler-90) when the candidates match
    some, else the name it was given or the light curve's target (KIC 11442793)."""
    hosts = {known[0] for c in result.candidates if (known := catalogue_name(c))}
    given = result.star.name or result.lightcurve.target or "star"
    return hosts.pop() if len(hosts) == 1 else given


def time_axis(mission: str) -> TimeAxis:
    """Kepler/K2: BKJD days; TESS: BTJD; anything else: BJD - 2450000."""
    mission = mission.upper()
    if mission in ("KEPLER", "K2"):
        return TimeAxis("BKJD = BJD - 2454833", float(bjd_to_et(BKJD_OFFSET)), 86400.0)
    if mission == "TESS":
        return TimeAxis("BTJD = BJD - 2457000", float(bjd_to_et(BTJD_OFFSET)), 86400.0)
    return TimeAxis("BJD - 2450000", float(bjd_to_et(2450000.0)), 86400.0)


@dataclass(frozen=True)
class Planet:
    """A candidate as the scene shows it: label, colour, orbit samples, transits with data."""

    candidate: Candidate
    label: str
    color: str
    et: np.ndarray
    positions_km: np.ndarray
    transits_bjd: np.ndarray
    depth: float

    @property
    def duration_d(self) -> float:
        return self.candidate.duration_h / 24.0


def _planets(result: TransitResult, first_bjd: float, last_bjd: float) -> list[Planet]:
    radius = result.star.radius_km
    time = result.lightcurve.time_bjd
    usable = [
        c
        for c in result.candidates
        if np.isfinite(c.period_d) and c.period_d > 0 and np.isfinite(c.a_rs) and c.a_rs > 1.0
    ]
    planets, labels = [], set()
    for i, candidate in enumerate(usable):
        known = catalogue_name(candidate)  # "h" for Kepler-90 h, else the candidate's name
        label = known[1] if known else planet_label(candidate.name, i)
        label = label if label not in labels else f"{label}{i + 1}"
        labels.add(label)
        color = PLANET_COLORS[i % len(PLANET_COLORS)]
        if candidate.diagnostics.get("eb_signs"):  # vetting says: an eclipsing binary
            label, color = f"{label} (binary?)", BINARY_COLOR
        step = candidate.period_d / samples_per_orbit(candidate.a_rs)
        pad = 2.0 * step
        t = np.arange(first_bjd - pad, last_bjd + pad + step, step)
        mids = candidate.transit_times(first_bjd, last_bjd)
        half = 0.5 * candidate.duration_h / 24.0
        lo = np.searchsorted(time, mids - half)
        hi = np.searchsorted(time, mids + half, side="right")
        observed = mids[hi > lo]  # transits with data: the ones the light curve shows
        depth = 1.0 - float(candidate.flux(np.array([candidate.t0_bjd]))[0])
        planets.append(
            Planet(
                candidate,
                label,
                color,
                bjd_to_et(t),
                orbit_positions_km(candidate, radius, t),
                observed,
                depth,
            )
        )
    return planets


# -- the light curve -----------------------------------------------------------------------
def _model_times(result: TransitResult, planets: list[Planet]) -> np.ndarray:
    """The data's times and, around each transit, a sample every 2 minutes (the model's
    shape between the data's 30-minute points)."""
    grids = [result.lightcurve.time_bjd]
    for planet in planets:
        half = 0.75 * planet.duration_d
        step = 2.0 / 1440.0
        offsets = np.arange(-half, half + step, step)
        grids.append((planet.transits_bjd[:, None] + offsets[None, :]).ravel())
    return np.unique(np.concatenate(grids))


def light_curve_layer(result: TransitResult, planets: list[Planet]) -> LightCurveLayer:
    """The panel: the detrended flux, the model of every planet together, the transits."""
    lc = result.lightcurve
    model_bjd = _model_times(result, planets)
    series = [
        TransitSeries(
            p.label,
            p.color,
            mid_et=bjd_to_et(p.transits_bjd),
            duration_s=p.duration_d * 86400.0,
            depth=p.depth,
        )
        for p in planets
    ]
    longest = max((p.duration_d for p in planets), default=0.25)
    axis = time_axis(lc.mission)
    name = star_name(result)
    return LightCurveLayer(
        "light curve",
        lc.time_et,
        result.flat,
        model_et=bjd_to_et(model_bjd),
        model_flux=result.model_flux(model_bjd),
        transits=series,
        time_axis=axis,
        title=f"{name}: detrended flux (ppm) and model against {axis.label} (days)",
        window_s=max(4.0 * longest, 1.5) * 86400.0,
        height_frac=PANEL_HEIGHT,
    )


# -- views ---------------------------------------------------------------------------------
def centred_view(
    azimuth_deg: float, elevation_deg: float, half_height_km: float, fov_deg: float = FOV_DEG
) -> CameraState:
    """A view of the star from these angles showing ``half_height_km`` above and below the
    star's centre... moved so that the star sits in the middle of the part of the view
    above the light-curve panel."""
    fov = max(float(fov_deg), MIN_FOV_DEG)
    distance = half_height_km / math.tan(math.radians(fov) / 2.0)
    up = view_axes(azimuth_deg, elevation_deg)[2]
    center = -up * PANEL_SHARE * half_height_km
    x, y, z = (float(c) for c in center)
    return CameraState((x, y, z), azimuth_deg, elevation_deg, distance, fov)


def _free(reach_km: float) -> float:
    """The half height a view needs to show ``reach_km`` around the star above the panel."""
    return reach_km / (1.0 - PANEL_SHARE)


def observer_view(star_radius_km: float, outermost_km: float) -> CameraState:
    """From Earth: OBSERVER_DISTANCE outermost orbits away along -y, the star's disk
    STAR_SHARE of the height above the panel."""
    half = star_radius_km / (STAR_SHARE * (1.0 - PANEL_SHARE))
    distance = OBSERVER_DISTANCE * outermost_km
    fov = 2.0 * math.degrees(math.atan(half / distance))
    return centred_view(0.0, 0.0, half, fov)


def camera_presets(star_radius_km: float, planets: list[Planet], reach_km: float):
    """The scene's named views (see the module); from Earth only with planets to see."""
    presets = []
    if planets:
        outermost = max(p.candidate.a_rs for p in planets) * star_radius_km
        view = observer_view(star_radius_km, outermost)
        presets.append(CameraPreset("observer", "From Earth (the transits)", view))
    presets += [
        CameraPreset(
            "top", "The orbits from above", centred_view(0.0, 90.0, _free(1.12 * reach_km))
        ),
        CameraPreset("system", "The system", centred_view(30.0, 25.0, _free(1.1 * reach_km))),
    ]
    for planet in planets:
        a_km = planet.candidate.a_rs * star_radius_km
        presets.append(
            CameraPreset(
                planet.label if planet.label not in ("observer", "top", "system") else
                f"planet-{planet.label}",
                f"Orbit of {planet.label} (P = {planet.candidate.period_d:.2f} d)",
                centred_view(20.0, 22.0, _free(1.15 * a_km)),
            )
        )  # fmt: skip
    return presets


@dataclass(frozen=True)
class ApproachPath:
    """A camera path for videos: ``start`` until video fraction ``move[0]``, then eased to
    ``end`` by ``move[1]``, held after. Both views look at the star (with the panel's
    offset, as :func:`centred_view`): angles move linearly, the height shown and the field
    of view log-linearly, so the star grows steadily as the camera narrows on it."""

    start: CameraState
    end: CameraState
    move: tuple[float, float]

    def track(self, t_s, et, duration_s: float) -> CameraTrack:
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64)) / (duration_s or 1.0)
        a, b = self.move
        u = np.clip((t - a) / ((b - a) or 1.0), 0.0, 1.0)
        u = u * u * (3.0 - 2.0 * u)  # smoothstep

        def half_height(state: CameraState) -> float:
            return state.distance_km * math.tan(math.radians(state.fov_deg) / 2.0)

        def mix(x0, x1, log=False):
            return np.exp(np.log(x0) + (np.log(x1) - np.log(x0)) * u) if log else x0 + (x1 - x0) * u

        s, e = self.start, self.end
        az = mix(
            s.azimuth_deg, s.azimuth_deg + (e.azimuth_deg - s.azimuth_deg + 180.0) % 360.0 - 180.0
        )
        el = mix(s.elevation_deg, e.elevation_deg)
        fov = mix(s.fov_deg, e.fov_deg, log=True)
        half = mix(half_height(s), half_height(e), log=True)
        distance = half / np.tan(np.radians(fov) / 2.0)
        up = np.stack([view_axes(a_, e_)[2] for a_, e_ in zip(az, el)])
        centers = -up * (PANEL_SHARE * half)[:, None]
        return CameraTrack(centers, az, el, distance, fov)


def focus_transit(planets: list[Planet], lightcurve, focus: str | None = None):
    """The transit the first view and the video show: of planet ``focus`` (a label), else the
    deepest; the one with the most data within its duration. (planet, mid BJD) or None."""
    chosen = [p for p in planets if len(p.transits_bjd)]
    if focus is not None:
        chosen = [p for p in chosen if p.label == focus]
    if not chosen:
        return None
    planet = max(chosen, key=lambda p: p.depth)
    time = lightcurve.time_bjd
    half = 0.5 * planet.duration_d
    counts = [np.count_nonzero(np.abs(time - mid) <= half) for mid in planet.transits_bjd]
    return planet, float(planet.transits_bjd[int(np.argmax(counts))])


def transit_video(
    planet: Planet, mid_bjd: float, star_radius_km: float, outermost_km: float, span_bjd
) -> SceneVideo:
    """A video of one transit: from an oblique view of the planet's orbit to the observer's,
    time slowed from just before first contact to just after the last."""
    duration = planet.duration_d
    half_span = max(3.0 * duration, 1.0)
    start = max(mid_bjd - half_span, span_bjd[0])
    stop = min(mid_bjd + half_span, span_bjd[1])
    phase = (max(mid_bjd - 0.65 * duration, start), min(mid_bjd + 0.65 * duration, stop))
    span, slow = stop - start, phase[1] - phase[0]
    slowdown = SLOW_SHARE * (span - slow) / (slow * (1.0 - SLOW_SHARE)) if span > slow else 1.0
    time_map = TimeMap.with_slow_phase(
        float(bjd_to_et(start)),
        float(bjd_to_et(stop)),
        VIDEO_S,
        phase_et=(float(bjd_to_et(phase[0])), float(bjd_to_et(phase[1]))),
        slowdown=max(slowdown, 1.0),
    )
    slow_from = float(np.interp(bjd_to_et(phase[0]), time_map.et, time_map.video_s)) / VIDEO_S
    a_km = planet.candidate.a_rs * star_radius_km
    wide = centred_view(35.0, 24.0, _free(1.2 * a_km))
    move = (0.2 * slow_from, 0.85 * slow_from)
    return SceneVideo(
        ApproachPath(wide, observer_view(star_radius_km, outermost_km), move),
        time_map,
        f"the transit of {planet.label} at BJD {mid_bjd:.4f}, seen from Earth",
    )


# -- the scene -----------------------------------------------------------------------------
def transit_scene(
    result: TransitResult, *, focus: str | None = None, playback_s: float = 10.0
) -> Scene:
    """The scene of a transit analysis ``result`` (see the module); ``focus``: the label of
    the planet whose transit the first view and the video show (default: the deepest);
    ``playback_s``: wall seconds per orbit of the innermost planet when playing."""
    star, lc = result.star, result.lightcurve
    first, last = float(lc.time_bjd[0]), float(lc.time_bjd[-1])
    radius = star.radius_km
    planets = _planets(result, first, last)
    name = star_name(result)
    other = star.name or lc.target
    also = f" ({other})" if other and other != name else ""
    inner_au, outer_au = habitable_zone_au(star.teff_k, star.luminosity_lsun)
    outermost = max((p.candidate.a_rs for p in planets), default=5.0) * radius
    reach = max(outermost, outer_au * AU_KM)
    innermost = min((p.candidate.period_d for p in planets), default=10.0)
    scene = Scene(
        frame=f"{name}-centred, observer towards -y",
        clock=Clock(
            float(bjd_to_et(first)), float(bjd_to_et(last)), rate=innermost * 86400.0 / playback_s
        ),
        title=f"{name}{also}: {len(planets)} transiting planet candidate"
        + "s" * (len(planets) != 1),
        credits=[
            *(f"Light curve: {source}" for source in lc.sources[:1]),
            f"Star: Teff {star.teff_k:.0f} K, R {star.radius_rsun:.2f} R_sun "
            f"({star.sources.get('radius_rsun', '?')})",
            "Habitable zone: Kopparapu et al. 2013 (moist to maximum greenhouse)",
        ],
    )
    scene.add(
        SphereLayer(
            name,
            radius,
            color=blackbody_rgb(star.teff_k),
            opacity=1.0,
            lit=False,
            min_size_px=STAR_MIN_PX,
            limb_darkening=_limb_darkening(result),
        )
    )
    scene.add(
        RingLayer(
            "habitable zone", inner_au * AU_KM, outer_au * AU_KM, color=HZ_COLOR, opacity=0.18
        )
    )
    for planet in planets:
        ring_bjd = planet.candidate.t0_bjd + planet.candidate.period_d * np.linspace(0, 1, 721)
        scene.add(
            TrajectoryLayer(
                f"{planet.label} orbit",
                bjd_to_et(ring_bjd),
                orbit_positions_km(planet.candidate, radius, ring_bjd),
                color=planet.color,
                opacity=0.75,
                width_px=1.5,
            )
        )
        rp_km = planet.candidate.rp_rs * radius
        scene.add(
            SphereLayer(
                planet.label,
                rp_km,
                planet.positions_km,
                et=planet.et,
                color=planet.color,
                opacity=1.0,
                lit=False,
                min_size_px=PLANET_MIN_PX,
            )
        )
        scene.add(
            MarkerLayer(
                f"{planet.label} label",
                planet.positions_km,
                et=planet.et,
                labels=[planet.label],
                symbol=None,
                size_px=PLANET_MIN_PX,
                label_color=planet.color,
                hold_ends=True,
            )
        )
    scene.add(
        DirectionLayer(
            "line of sight", OBSERVER * radius, OBSERVER, length_km=1.08 * reach - radius,
            color="#9ad0ff", opacity=0.85, width_px=1.5, label="to Earth",
        )
    )  # fmt: skip
    # the star's name just above its north pole: beside the disk from Earth, not on it
    scene.add(LabelLayer(f"{name} label", [[0.0, 0.0, 1.15 * radius]], [name]))
    scene.add(light_curve_layer(result, planets))
    scene.readouts.append(_transit_readout(planets, radius))
    for preset in camera_presets(radius, planets, reach):
        scene.add_camera_preset(preset)
    scene.home = scene.camera_presets["system"].state  # the panel under it, unlike fit_camera
    focused = focus_transit(planets, lc, focus)
    if focused is not None:
        planet, mid = focused
        scene.clock.et = float(bjd_to_et(mid))
        scene.home = scene.camera_presets["observer"].state
        scene.video = transit_video(planet, mid, radius, outermost, (first, last))
    return scene


def _limb_darkening(result: TransitResult) -> tuple[float, float]:
    """The star's quadratic limb darkening: the fit's, else Claret's for its Teff and log g."""
    if result.candidates:
        return tuple(float(u) for u in result.candidates[0].u)  # type: ignore[return-value]
    band = "TESS" if result.lightcurve.mission.upper() == "TESS" else "Kepler"
    return limb_darkening(result.star.teff_k, result.star.logg_cgs, band)


def _transit_readout(planets: list[Planet], star_radius_km: float) -> Readout:
    """``BJD 2455xxx.xxxx`` and which planets cross the star's disk, from the drawn orbits."""

    def text(et: np.ndarray) -> list[str]:
        et = np.atleast_1d(np.asarray(et, dtype=np.float64))
        crossing = np.zeros((len(planets), len(et)), bool)
        for k, planet in enumerate(planets):
            separation = sky_separation_rs(
                interp_rows(planet.et, planet.positions_km, et), star_radius_km
            )
            crossing[k] = separation < 1.0 + planet.candidate.rp_rs
        lines = []
        for j, t in enumerate(et):
            names = [p.label for k, p in enumerate(planets) if crossing[k, j]]
            now = f"BJD {float(et_to_bjd(t)):.4f}"
            lines.append(f"{now} \u00b7 in transit: {', '.join(names)}" if names else now)
        return lines

    return Readout("transit", text)
