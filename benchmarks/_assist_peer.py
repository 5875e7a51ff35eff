"""ASSIST/REBOUND (C, GPL-3) as an optional peer of the N-body engine, offline on our files.

Nothing here is needed by orbitviz or its tests: :func:`load` gives ``(None, reason)`` when
``assist`` is not installed (``pip install assist``: ASSIST 1.2.3 is a source package; pip
builds it against the REBOUND 4.6.0 it asks for, ``rebound<5``, in about a minute).

ASSIST 1.2 reads its planets from an SPK (DE440-style) and takes the constants and GM values
from that SPK's comment area ("Initial conditions and constants used for integration:"), which
our DE421 SPK (skyfield-data) does not have. So the peer runs on two files derived at each run
in a temporary folder (nothing is stored):

- a copy of ``de421.bsp`` with those comments added: AU, EMRAT, c and the GM values of the
  loaded PCK (the numbers our engine uses), Earth/Sun harmonics zero (not used);
- Ceres and Vesta from the mirror's Horizons SPKs (572 type-2 segments each, of 1 to 4
  32-day records, some overlapping) re-fitted as one type-2 segment each of 32-day,
  degree-18 Chebyshev records: ASSIST's asteroid reader finds a segment by dividing by the
  first segment's length, so it needs equal, contiguous segments. The refit's largest
  difference from SPICE is printed (about 7 mm).

Force model set to ours: Sun, planets, Moon, Ceres, Vesta (point masses), 1PN Sun (ASSIST's
``GR_SIMPLE``, the same Damour-Deruelle formula), Marsden A1-A3 with g = 1/r^2 (ASSIST's
default law, SBDB's for Yarkovsky fits); not ASSIST's defaults (EIH GR for all bodies, Earth
J2-J4, Sun J2). Integrator: REBOUND's IAS15 with ``adaptive_mode = 2`` (the step control of
Pham, Rein & Spiegel 2024, as ours); ASSIST 1.2.3 sets the legacy mode 1, which on this case
took 2.65 M steps and 87 s here. Closest approach: the same ``find_minima`` (1-hour grid,
golden section) over ASSIST's ``integrate_or_interpolate``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import spiceypy

from orbitviz import data, spice
from orbitviz.dynamics.events import find_minima
from orbitviz.dynamics.kepler import elements_to_state
from orbitviz.dynamics.nbody import ASTEROID_PERTURBERS, NonGrav
from orbitviz.units import AU_KM, C_KMS, DAY_S

FORCES = ["SUN", "PLANETS", "ASTEROIDS", "NON_GRAVITATIONAL", "GR_SIMPLE"]
RECORD_DAYS, DEGREE = 32, 18  # the Horizons SPKs' own record length and degree
SUN, EARTH, MOON = 10, 399, 301


def load(elements, folder: Path):
    """``(AssistPeer, note)`` ready to run in ``folder`` (a kernel set must be loaded), or
    ``(None, reason)`` when ASSIST is not installed."""
    try:
        import assist  # optional peer, never an orbitviz dependency
        import rebound
    except ImportError as exc:
        return None, f"ASSIST peer not measured: {exc} (optional: pip install assist)"
    planets = write_planets(folder / "de421_assist.bsp")
    asteroids, refit_km = write_asteroids(folder / "ceres_vesta_assist.bsp")
    peer = AssistPeer(elements, planets, asteroids)
    return peer, (
        f"ASSIST {assist.__version__} / REBOUND {rebound.__version__} on DE421 (+ constants "
        f"comments) and Ceres, Vesta re-fitted (largest difference from SPICE "
        f"{refit_km * 1e6:.0f} mm)"
    )


def gm_au3_d2(body: int) -> float:
    return spice.gm_km3s2(body) * DAY_S**2 / AU_KM**3


def write_planets(path: Path) -> Path:
    """A copy of DE421 with the constants ASSIST reads from an SPK's comments."""
    shutil.copyfile(data.fetch("de421.bsp"), path)
    constants = {
        "cau": AU_KM,
        "EMRAT": spice.gm_km3s2(EARTH) / spice.gm_km3s2(MOON),
        "CLIGHT": C_KMS,
        "J2E": 0.0,
        "J3E": 0.0,
        "J4E": 0.0,
        "J2SUN": 0.0,
        "RE": 6378.137,
        "ASUN": 696000.0,
        "GMS": gm_au3_d2(SUN),
        **{f"GM{i}": gm_au3_d2(i) for i in range(1, 10)},
        "GMB": gm_au3_d2(EARTH) + gm_au3_d2(MOON),
        **{f"MA{b - 2000000:04d}": gm_au3_d2(b) for b in ASTEROID_PERTURBERS},
    }
    lines = ["Initial conditions and constants used for integration:"]
    lines += [f"{name} {value:.17e}" for name, value in constants.items()]
    handle = spiceypy.dafopw(str(path))
    spiceypy.dafac(handle, lines)
    spiceypy.dafcls(handle)
    return path


def write_asteroids(path: Path) -> tuple[Path, float]:
    """Ceres and Vesta (heliocentric J2000) as one uniform type-2 segment each; returns the
    path and the refit's largest position difference from SPICE (km)."""
    first, last = float(spice.to_et("1901-01-01")), float(spice.to_et("2099-01-01"))
    length = RECORD_DAYS * DAY_S
    n = int(np.ceil((last - first) / length))
    k = np.arange(DEGREE + 1)
    nodes = np.cos(np.pi * (k + 0.5) / (DEGREE + 1))
    cheb = np.cos(np.outer(k, np.arccos(nodes)))  # T_j(x_k)
    mids = first + length * (np.arange(n) + 0.5)
    check = np.linspace(first + 1.0, first + n * length - 1.0, 20001)
    j = np.minimum(((check - first) // length).astype(int), n - 1)
    t_check = np.cos(np.outer(k, np.arccos(np.clip((check - mids[j]) / (length / 2), -1, 1))))
    worst = 0.0
    handle = spiceypy.spkopn(str(path), "ASSIST asteroids", 0)
    try:
        for body in ASTEROID_PERTURBERS:
            t = (mids[:, None] + nodes[None, :] * length / 2).ravel()
            pos = spice.states(body, t, observer=SUN, frame="J2000")[:, :3]
            coef = 2.0 / (DEGREE + 1) * np.einsum("jk,nkc->ncj", cheb, pos.reshape(n, -1, 3))
            coef[..., 0] /= 2
            spiceypy.spkw02(
                handle, body, SUN, "J2000", first, first + n * length, f"{body} refit",
                length, n, DEGREE, coef.ravel(), first,
            )  # fmt: skip
            fit = np.einsum("ncj,jn->nc", coef[j], t_check)
            truth = spice.states(body, check, observer=SUN, frame="J2000")[:, :3]
            worst = max(worst, float(np.max(np.linalg.norm(fit - truth, axis=1))))
    finally:
        spiceypy.spkcls(handle)
    return path, worst


@contextlib.contextmanager
def quiet_stdout():
    """Silence the C library's own prints (``Mass not found for target code: 499``, Mars's
    body centre, which ASSIST does not use) so that every line we print stays ours."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


class AssistPeer:
    """Apophis's closest approach to the Earth by ASSIST (barycentric ICRF, au, au/d, TDB
    days from J2000, ASSIST's ``jd_ref``)."""

    def __init__(self, elements, planets: Path, asteroids: Path):
        import assist

        with quiet_stdout():
            self.ephem = assist.Ephem(str(planets), str(asteroids))
        conics = elements.to_conics()
        self.t0_d = float(conics[6]) / DAY_S
        state = elements_to_state(conics) + spice.states(SUN, float(conics[6]), observer=0)
        rot = spiceypy.pxform("ECLIPJ2000", "J2000", 0.0)
        self.r_au = rot @ state[:3] / AU_KM
        self.v_au_d = rot @ state[3:] * DAY_S / AU_KM
        ng = NonGrav.from_mapping(elements.nongrav)
        if (ng.alpha, ng.r0_au, ng.m, ng.k, ng.dt_d) != (1.0, 1.0, 2.0, 0.0, 0.0):
            raise ValueError(f"this peer is set up for g = 1/r^2 only, not {ng}")
        self.params = np.array([ng.a1_au_d2, ng.a2_au_d2, ng.a3_au_d2])
        self.steps = 0

    def closest(self, start_et: float, stop_et: float) -> tuple[float, float]:
        """Propagation from the epoch + the closest-approach search: (et, km)."""
        import assist
        import rebound

        sim = rebound.Simulation()
        sim.t = self.t0_d
        sim.add(x=self.r_au[0], y=self.r_au[1], z=self.r_au[2],
                vx=self.v_au_d[0], vy=self.v_au_d[1], vz=self.v_au_d[2])  # fmt: skip
        extras = assist.Extras(sim, self.ephem)
        extras.forces = FORCES
        extras.particle_params = self.params
        sim.ri_ias15.adaptive_mode = 2
        earth = self.ephem.get_particle

        def dist_km(ets):
            out = []
            for et in np.atleast_1d(ets):
                extras.integrate_or_interpolate(et / DAY_S)
                e = earth("Earth", et / DAY_S)
                particle = sim.particles[0]  # ASSIST swaps the particle arrays: look it up
                d = (particle.x - e.x, particle.y - e.y, particle.z - e.z)
                out.append(np.sqrt(d[0] ** 2 + d[1] ** 2 + d[2] ** 2) * AU_KM)
            return np.array(out)

        minima = find_minima(dist_km, start_et, stop_et, 3600.0)
        self.steps = sim.steps_done
        k = int(np.argmin(minima.value))
        return float(minima.et[k]), float(minima.value[k])
