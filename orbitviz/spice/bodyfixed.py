"""Where on a body: body-centred positions turned into geodetic latitude, longitude and altitude.

The Earth is turned with the IERS 2010 conventions through ERFA (``erfa.c2t06a``: IAU
2006/2000A precession-nutation, the Earth rotation angle), with UTC standing in for UT1
(``|UT1 - UTC| < 0.9 s``: under 0.004 deg of longitude) and no polar motion (< 15 m): the
ITRS to ~0.005 deg. The IAU rotation model of a PCK (the ``IAU_EARTH`` frame of pck00011)
ignores nutation and the drift of UT1 and is 0.05-0.09 deg off in longitude between 2000 and
2030 (5-10 km on the ground), which is why it is not used for the Earth. Other bodies use their
``IAU_<NAME>`` frame where a loaded PCK gives their rotation; without one, latitude and
longitude are None and the altitude is above the body's mean sphere.

Heights are geodetic, above the body's reference ellipsoid (the PCK's radii a and c: the
Earth's is the IAU 2015 one, 6378.1366 / 6356.7519 km).

>>> import numpy as np
>>> from orbitviz.spice import KernelSet, to_et
>>> with KernelSet("default"):
...     et = to_et("2008-10-07T02:45:40")
...     g = geodetic(399, np.array([et]), np.array([[0.0, 0.0, 6456.7519]]), frame="J2000")
>>> round(float(g.lat_deg[0]), 1), round(float(g.alt_km[0]), 1)   # above the north pole
(90.0, 100.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import erfa
import numpy as np
import spiceypy

from ..units import DAY_S, J2000_JD
from .bodies import body_id, body_name, radii_km
from .errors import spice_errors

EARTH = 399
EARTH_FRAME = (
    "ITRS (IAU 2006/2000A precession-nutation via ERFA, UT1 taken as UTC, no polar motion: "
    "~0.005 deg)"
)


@dataclass(frozen=True)
class Geodetic:
    """Geodetic coordinates of N points: ``lon_deg`` (east, -180..180), ``lat_deg`` (None
    when the body's rotation is unknown), ``alt_km`` above the reference ellipsoid (above the
    mean sphere when the rotation is unknown) and the body-fixed ``frame`` used."""

    lon_deg: np.ndarray | None
    lat_deg: np.ndarray | None
    alt_km: np.ndarray
    frame: str | None


def _utc_jd(ets: np.ndarray) -> np.ndarray:
    """Julian dates (UTC) of ET values, SPICE's leap seconds applied."""
    with spice_errors("cannot convert ET to UTC"):
        delta = np.array([spiceypy.deltet(float(t), "ET") for t in ets])
    return J2000_JD + (ets - delta) / DAY_S


def _to_j2000(pos_km: np.ndarray, frame: str, ets: np.ndarray) -> np.ndarray:
    if frame.upper() == "J2000":
        return pos_km
    with spice_errors(f"cannot rotate {frame} -> J2000"):
        m = np.array(spiceypy.pxform(frame, "J2000", float(ets[0])))
    if frame.upper() not in ("ECLIPJ2000", "J2000"):  # a frame that may turn with time
        with spice_errors(f"cannot rotate {frame} -> J2000"):
            rot = np.array([spiceypy.pxform(frame, "J2000", float(t)) for t in ets])
        return np.einsum("nij,nj->ni", rot, pos_km)
    return pos_km @ m.T


def earth_rotation(ets: np.ndarray) -> np.ndarray:
    """Rotation matrices (N, 3, 3) from J2000 (GCRS; the 23 mas frame bias is part of
    ERFA's matrix) to the Earth-fixed ITRS at the ET values ``ets``."""
    tt = ets / DAY_S  # TT - TDB is under 2 ms: nothing at these scales
    ut = _utc_jd(ets) - J2000_JD
    zeros = np.zeros_like(ets)
    return erfa.c2t06a(J2000_JD, tt, J2000_JD, ut, zeros, zeros)


def body_fixed(body: str | int, et, pos_km, frame: str = "ECLIPJ2000") -> tuple:
    """Body-fixed positions (N, 3) km of body-centred positions ``pos_km`` (N, 3) given in
    ``frame`` at ``et`` (N,), and the name of the body-fixed frame; ``(None, None)`` when no
    rotation of the body is known (no PCK with its pole and prime meridian loaded)."""
    code = body_id(body)
    ets = np.atleast_1d(np.asarray(et, dtype=float))
    pos = np.atleast_2d(np.asarray(pos_km, dtype=float))
    if code == EARTH:
        j2000 = _to_j2000(pos, frame, ets)
        return np.einsum("nij,nj->ni", earth_rotation(ets), j2000), EARTH_FRAME
    fixed = f"IAU_{body_name(code)}"
    try:
        with spice_errors(f"no rotation model of {body_name(code)}"):
            rot = np.array([spiceypy.pxform(frame, fixed, float(t)) for t in ets])
    except Exception:  # noqa: BLE001 -- no PCK rotation for this body: say so in the result
        return None, None
    return np.einsum("nij,nj->ni", rot, pos), f"{fixed} (PCK rotation model)"


def geodetic(body: str | int, et, pos_km, frame: str = "ECLIPJ2000") -> Geodetic:
    """Geodetic longitude, latitude and altitude of body-centred positions ``pos_km`` (N, 3)
    given in ``frame`` at ``et`` (N,): see the module's notes for the frames used."""
    pos = np.atleast_2d(np.asarray(pos_km, dtype=float))
    radii = radii_km(body)
    fixed, name = body_fixed(body, et, pos, frame)
    if fixed is None:
        mean = float(np.cbrt(np.prod(radii)))
        return Geodetic(None, None, np.linalg.norm(pos, axis=1) - mean, None)
    a, c = float(radii[0]), float(radii[2])
    lon, lat, alt = erfa.gc2gde(a, (a - c) / a, fixed)
    return Geodetic(np.degrees(lon), np.degrees(lat), np.asarray(alt), name)


def local_direction(
    body: str | int, et, pos_km, vel_kms, frame: str = "ECLIPJ2000"
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Where a body-centred velocity comes from, seen from the ground below it: azimuth (deg,
    from north through east) and elevation (deg, above the local horizontal of the ellipsoid)
    of the radiant, and the speed relative to the ground turning with the body (km/s: what
    fireball sensors measure); None when the body's rotation is unknown. The body-fixed
    velocity is the difference of two body-fixed positions 1 s apart (rotation included)."""
    ets = np.atleast_1d(np.asarray(et, dtype=float))
    pos = np.atleast_2d(np.asarray(pos_km, dtype=float))
    vel = np.atleast_2d(np.asarray(vel_kms, dtype=float))
    here, _ = body_fixed(body, ets, pos, frame)
    if here is None:
        return None
    later, _ = body_fixed(body, ets + 1.0, pos + vel, frame)
    v_ground = later - here
    radii = radii_km(body)
    a, c = float(radii[0]), float(radii[2])
    lon, lat, _ = erfa.gc2gde(a, (a - c) / a, here)
    east = np.stack([-np.sin(lon), np.cos(lon), np.zeros_like(lon)], axis=1)
    north = np.stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)], axis=1)
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    toward = -v_ground  # the radiant: where it comes from
    speed = np.linalg.norm(v_ground, axis=1)
    az = np.degrees(
        np.arctan2(np.einsum("ij,ij->i", toward, east), np.einsum("ij,ij->i", toward, north))
    )
    el = np.degrees(np.arcsin(np.einsum("ij,ij->i", toward, up) / speed))
    return az % 360.0, el, speed
