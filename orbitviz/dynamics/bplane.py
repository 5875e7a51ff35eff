"""The target plane (b-plane) of an encounter, its error ellipse and the capture radius.

Frame (Opik's, in the form of Valsecchi, Milani, Gronchi & Chesley 2003, A&A 408, 1179): the
origin is the centre of the body encountered; ``eta`` points along the small body's incoming
body-centred velocity at infinity (the asymptote of its osculating body-centred hyperbola,
taken at the closest approach); ``zeta`` is opposite to the projection of the body's
heliocentric velocity on the plane normal to eta; ``xi = eta x zeta`` completes a right-handed
frame. The b-plane is the (xi, zeta) plane: ``xi`` is the distance between the two orbits
(the local MOID, signed), ``zeta`` measures the timing (early or late arrival).

The capture radius is the body's radius enlarged by gravitational focusing:
``b_capture = R sqrt(1 + v_esc^2 / v_inf^2)``, ``v_esc^2 = 2 GM / R``: every point of the
b-plane closer than that to the origin is an impact.

>>> import numpy as np
>>> rel = np.array([[7000.0, 0.0, 0.0, 0.0, 12.0, 0.0]])        # 7000 km, 12 km/s: hyperbolic
>>> p = target_plane(rel, 398600.4, np.array([0.0, 0.0, 30.0]))
>>> bool(p.b_km[0] > 7000.0), round(float(p.v_inf_kms[0]), 3)    # focusing: b > periapsis
(True, 5.488)
>>> round(capture_radius_km(6378.1, 398600.4, 5.84))      # Apophis 2029: 2.16 R_earth
13776
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import OrbitvizError
from .kepler import state_to_elements

__all__ = [
    "TargetPlane",
    "capture_radius_km",
    "error_ellipse",
    "frame_axes",
    "periapsis_time",
    "target_plane",
]


@dataclass(frozen=True)
class TargetPlane:
    """b-plane quantities of N body-centred states (arrays (N,)): ``xi_km``, ``zeta_km`` in the
    frame ``axes`` (rows xi, eta, zeta, ECLIPJ2000 unit vectors), ``b_km`` (impact parameter
    = |B|), ``v_inf_kms``, ``periapsis_km`` of the osculating hyperbola."""

    xi_km: np.ndarray
    zeta_km: np.ndarray
    b_km: np.ndarray
    v_inf_kms: np.ndarray
    periapsis_km: np.ndarray
    axes: np.ndarray


def _asymptote(rel: np.ndarray, mu: float):
    """Incoming asymptote direction S (N, 3), B vector (N, 3), v_inf (N,), periapsis (N,)."""
    r, v = rel[:, :3], rel[:, 3:6]
    rn = np.linalg.norm(r, axis=1)
    v2 = np.einsum("ij,ij->i", v, v)
    energy = 0.5 * v2 - mu / rn
    if np.any(energy <= 0):
        raise OrbitvizError(
            "a b-plane needs a hyperbolic pass: the body-centred orbit is bound (energy <= 0) "
            "for some of the states, e.g. a temporary capture; no target plane for them"
        )
    v_inf = np.sqrt(2.0 * energy)
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=1)
    e_vec = ((v2 - mu / rn)[:, None] * r - np.einsum("ij,ij->i", r, v)[:, None] * v) / mu
    e = np.linalg.norm(e_vec, axis=1)
    p_hat = e_vec / e[:, None]
    h_hat = h / hn[:, None]
    q_hat = np.cross(h_hat, p_hat)
    s_hat = p_hat / e[:, None] + np.sqrt(1.0 - 1.0 / e**2)[:, None] * q_hat
    b_vec = (hn / v_inf)[:, None] * np.cross(s_hat, h_hat)
    periapsis = hn**2 / mu / (1.0 + e)
    return s_hat, b_vec, v_inf, periapsis


def frame_axes(s_hat: np.ndarray, body_velocity: np.ndarray) -> np.ndarray:
    """Rows xi, eta, zeta (3, 3) of the Valsecchi frame for the incoming direction ``s_hat``
    and the body's heliocentric velocity."""
    eta = np.asarray(s_hat, dtype=float) / np.linalg.norm(s_hat)
    vp = np.asarray(body_velocity, dtype=float)
    proj = vp - np.dot(vp, eta) * eta
    if np.linalg.norm(proj) < 1e-12 * max(float(np.linalg.norm(vp)), 1e-300):
        raise OrbitvizError(
            "b-plane frame undefined: the body's velocity is parallel to the encounter velocity"
        )
    zeta = -proj / np.linalg.norm(proj)
    xi = np.cross(eta, zeta)
    return np.array([xi, eta, zeta])


def target_plane(
    rel_states: np.ndarray,
    mu_km3s2: float,
    body_velocity: np.ndarray,
    axes: np.ndarray | None = None,
) -> TargetPlane:
    """b-plane coordinates of body-centred ECLIPJ2000 states (N, 6) [km, km/s] taken near the
    closest approach. ``axes`` (3, 3) fixes the frame (e.g. the nominal's, for clones); by
    default it is built from the first state and ``body_velocity`` (the body's heliocentric
    velocity, km/s)."""
    rel = np.atleast_2d(np.asarray(rel_states, dtype=float))
    s_hat, b_vec, v_inf, periapsis = _asymptote(rel, float(mu_km3s2))
    if axes is None:
        axes = frame_axes(s_hat[0], body_velocity)
    return TargetPlane(
        xi_km=b_vec @ axes[0],
        zeta_km=b_vec @ axes[2],
        b_km=np.linalg.norm(b_vec, axis=1),
        v_inf_kms=v_inf,
        periapsis_km=periapsis,
        axes=np.asarray(axes),
    )


def error_ellipse(cov_km2: np.ndarray, reference=None) -> tuple[float, float, float]:
    """The 1-sigma error ellipse of a (xi, zeta) covariance (2, 2): semi-major and semi-minor
    axes (km) and the angle of the major axis (deg, in (-90, 90]), counterclockwise in the
    (xi right, zeta up) plane from ``reference`` (xi, zeta), the nominal point's direction
    (JPL's ``unc_angle`` convention, as checked on JPL's rows), or from the xi axis when
    ``reference`` is None.

    >>> major, minor, angle = error_ellipse(np.diag([1.0, 100.0]))     # long along zeta
    >>> major, minor, angle
    (10.0, 1.0, 90.0)
    >>> round(error_ellipse(np.diag([1.0, 100.0]), reference=(1.0, 1.0))[2], 6)
    45.0
    """
    cov = np.asarray(cov_km2, dtype=float)
    vals, vecs = np.linalg.eigh(0.5 * (cov + cov.T))
    vals = np.clip(vals, 0.0, None)
    major = vecs[:, 1]  # (xi, zeta) components
    angle = math.degrees(math.atan2(major[1], major[0]))
    if reference is not None:
        angle -= math.degrees(math.atan2(float(reference[1]), float(reference[0])))
    angle = (angle + 90.0) % 180.0 - 90.0  # axes have no sense: (-90, 90]
    if angle == -90.0:
        angle = 90.0
    return float(np.sqrt(vals[1])), float(np.sqrt(vals[0])), float(angle)


def capture_radius_km(radius_km: float, mu_km3s2: float, v_inf_kms):
    """b_capture = R sqrt(1 + 2 GM / (R v_inf^2)): the b-plane radius of the impact disc (a
    float, or an array for an array of ``v_inf_kms``)."""
    v = np.asarray(v_inf_kms, dtype=float)
    b = radius_km * np.sqrt(1.0 + 2.0 * mu_km3s2 / (radius_km * v**2))
    return float(b) if b.ndim == 0 else b


def periapsis_time(rel_states: np.ndarray, mu_km3s2: float, et: float) -> np.ndarray:
    """Periapsis times (ET, (N,)) of the body-centred osculating conics of states (N, 6) taken
    at ``et``: JPL's close-approach time in its uncertainty (``sigma_t``: the spread of this
    time over the orbit's variants evaluated at the nominal closest approach, see
    :mod:`orbitviz.dynamics.uncertainty`). For a bound conic, the nearest periapsis.

    >>> rel = np.array([[7000.0, 0.0, 0.0, 0.0, 12.0, 0.0]])     # at periapsis now
    >>> float(periapsis_time(rel, 398600.4, 100.0)[0])
    100.0
    """
    rel = np.atleast_2d(np.asarray(rel_states, dtype=float))
    elts = state_to_elements(rel, float(mu_km3s2), float(et))
    rp, e, m0 = elts[:, 0], elts[:, 1], elts[:, 5]
    a = np.abs(rp / (1.0 - e))
    n = np.sqrt(float(mu_km3s2) / a**3)
    m = np.where(e < 1.0, (m0 + np.pi) % (2.0 * np.pi) - np.pi, m0)
    return float(et) - m / n
