"""kete (Rust, BSD-3) as an optional peer of the N-body engine, offline on our files.

Nothing here is needed by orbitviz or its tests: :func:`load` gives ``(None, reason)`` when
``kete`` is not installed (``pip install kete``; kete 3.3.0 has wheels).

kete downloads its core files when it is imported (``kete/spice.py``:
``_download_core_files``): DE440s, the WISE, Spitzer and SPHEREx spacecraft kernels, five
asteroid SPKs from Horizons and NAIF's Earth-orientation PCK, each looked for by name in
``$KETE_CACHE_DIR/kernels/core`` first, five retries each when missing (offline the import
ends in an UnboundLocalError). :func:`load` fills a temporary folder, which it names in
``KETE_CACHE_DIR`` before kete is imported, with:

- ``de440s.bsp``: a link to our DE421 (the planets kete integrates through are ours);
- ``1.bsp`` and ``4.bsp``: Ceres and Vesta from the mirror's Horizons SPKs re-fitted as one
  uniform type-2 segment each under kete's ids (20000001, 20000004; ours are 2000001,
  2000004), the re-fit of ``_assist_peer.write_asteroids`` (its largest difference from
  SPICE is printed);
- ``orbitviz-stub`` files under the other names (``wise.bsp``, ``spitzer.bsp``,
  ``spherex.bsp``; ``2.bsp``, ``10.bsp``, ``704.bsp`` for Pallas, Hygiea and Interamnia,
  each a body at rest 100 au away; ``combined.bpc``, one constant orientation segment):
  valid SPK / PCK files that say in their comments that they are stand-ins. Pallas, Hygiea
  and Interamnia are registered with zero mass, so kete's "five largest asteroids" are our
  two.

Force model set to ours: the masses of the Sun, planets, Moon, Ceres and Vesta are our PCK's
GMs (``register_custom_mass``, GM / GM_sun), Pluto's barycentre added (kete's list has none);
kete's Sun GR and our 1PN are the same term; the A2 of an asteroid with g = 1/r^2
(``NonGravModel.new_comet`` with alpha 1, r0 1 au, m 2, n 0, k 0). kete integrates each
object with its own Radau steps (rayon threads: CPU time is what is compared). Closest
approach: kete has no dense output in Python, so the search is our ``find_minima`` (1-hour
grid, golden section) on kete's states, each a propagation from the window's start (the
engine alone is timed apart).
"""

from __future__ import annotations

import bisect
import os
import sys
from pathlib import Path

import numpy as np
import spiceypy
from _assist_peer import write_asteroids

from orbitviz import data, spice
from orbitviz.dynamics.events import find_minima
from orbitviz.dynamics.kepler import elements_to_state
from orbitviz.dynamics.nbody import ASTEROID_PERTURBERS, DEFAULT_PERTURBERS, NonGrav
from orbitviz.units import AU_KM, DAY_S

KETE_IDS = {2000001: 20000001, 2000004: 20000004}  # ours -> kete's (Horizons' new ids)
STUB_ASTEROIDS = {2: 20000002, 10: 20000010, 704: 20000704}
STUB_SPACECRAFT = {"wise.bsp": -163, "spitzer.bsp": -79, "spherex.bsp": -999163}
STUB_NOTE = "orbitviz-stub: a stand-in so that kete imports offline; no real data"
J2000_JD = 2451545.0
SUN = 10


def load(folder: Path):
    """``(kete module, note)`` ready to run on files written into ``folder`` (a kernel set
    must be loaded), or ``(None, reason)`` when kete is not installed or was imported
    before with other files."""
    if "kete" in sys.modules:
        kete = sys.modules["kete"]
        return kete, f"kete {kete.__version__} (already imported in this process)"
    try:
        import importlib.util

        if importlib.util.find_spec("kete") is None:
            return (
                None,
                "kete peer not measured: kete is not installed (optional: pip install kete)",
            )
    except ValueError as exc:
        return None, f"kete peer not measured: {exc}"
    core = folder / "kernels" / "core"
    core.mkdir(parents=True, exist_ok=True)
    os.symlink(data.fetch("de421.bsp"), core / "de440s.bsp")
    both = folder / "ceres_vesta.bsp"  # outside kernels/core: kete loads every file there
    _, refit_km = write_asteroids(both)
    _split_asteroids(both, core)
    for name, body in STUB_SPACECRAFT.items():
        _stub_spk(core / name, body)
    for number, body in STUB_ASTEROIDS.items():
        _stub_spk(core / f"{number}.bsp", body)
    _stub_pck(core / "combined.bpc")
    os.environ["KETE_CACHE_DIR"] = str(folder)
    import kete  # optional peer, never an orbitviz dependency

    _set_masses(kete)
    return kete, (
        f"kete {kete.__version__} on DE421 (as de440s.bsp) and Ceres, Vesta re-fitted under "
        f"kete's ids (largest difference from SPICE {refit_km * 1e6:.0f} mm); Pallas, Hygiea, "
        "Interamnia, WISE, Spitzer, SPHEREx and the Earth PCK stubs (zero mass)"
    )


def _split_asteroids(path: Path, core: Path) -> None:
    """Ceres and Vesta's re-fit (one file, our ids) as kete's ``1.bsp`` and ``4.bsp``, under
    kete's ids: the same records, copied segment by segment."""
    segments = []
    handle = spiceypy.dafopr(str(path))
    try:
        spiceypy.dafbfs(handle)
        while spiceypy.daffna():
            dc, ic = spiceypy.dafus(spiceypy.dafgs(), 2, 6)
            body, center, _frame, _kind, begin, end = (int(v) for v in ic)
            segments.append((body, center, dc, np.array(spiceypy.dafgda(handle, begin, end))))
    finally:
        spiceypy.dafcls(handle)
    for body, center, dc, words in segments:
        init, intlen, rsize, n = words[-4:]
        n, rsize = int(n), int(rsize)
        records = words[:-4].reshape(n, rsize)[:, 2:]
        w = spiceypy.spkopn(str(core / f"{body - 2000000}.bsp"), "orbitviz refit", 0)
        spiceypy.spkw02(
            w, KETE_IDS[body], center, "J2000", dc[0], dc[1], f"{KETE_IDS[body]} refit",
            intlen, n, (rsize - 2) // 3 - 1, records.ravel(), init,
        )  # fmt: skip
        spiceypy.spkcls(w)


def _stub_spk(path: Path, body: int) -> None:
    """A valid SPK holding ``body`` at rest 100 au from the Sun, 1800 to 2200."""
    first, last = -6.4e9, 6.4e9
    handle = spiceypy.spkopn(str(path), STUB_NOTE[:60], 1)
    spiceypy.dafac(handle, [STUB_NOTE])
    coef = np.array([100.0 * AU_KM, 0.0, 0.0])  # x, y, z: one constant coefficient each
    spiceypy.spkw02(handle, body, SUN, "J2000", first, last, "orbitviz stub", last - first,
                    1, 0, coef, first)  # fmt: skip
    spiceypy.spkcls(handle)


def _stub_pck(path: Path) -> None:
    """A valid binary PCK (one constant orientation segment of a frame no one uses)."""
    first, last = -6.4e9, 6.4e9
    handle = spiceypy.pckopn(str(path), STUB_NOTE[:60], 1)
    spiceypy.dafac(handle, [STUB_NOTE])
    spiceypy.pckw02(handle, 3000, "J2000", first, last, "orbitviz stub", last - first, 1, 0,
                    np.zeros(3), first)  # fmt: skip
    spiceypy.pckcls(handle)


def _set_masses(kete) -> None:
    """kete's massive bodies set to ours: GM / GM_sun of our PCK, radii kept."""
    gm_sun = spice.gm_km3s2(SUN)
    radius = {naif: r for _name, naif, _mass, r in kete._core.registered_masses()}
    for body in DEFAULT_PERTURBERS:
        kete.propagation.register_custom_mass(
            {199: 1, 299: 2}.get(body, body),  # kete's Mercury, Venus: their barycentres
            spice.gm_km3s2(body) / gm_sun,
            radius.get(body, 0.0),
        )
    for ours, theirs in KETE_IDS.items():
        kete.propagation.register_custom_mass(
            theirs, spice.gm_km3s2(ours) / gm_sun, radius.get(theirs, 0.0)
        )
    for body in STUB_ASTEROIDS.values():
        kete.propagation.register_custom_mass(body, 0.0, 0.0)


def jd_of(et: float) -> float:
    return J2000_JD + et / DAY_S


class KetePeer:
    """One object's flyby by kete: the engine (a propagation from the epoch) and the same
    closest-approach search as ours on its states."""

    def __init__(self, kete, elements, *, asteroids: bool = True):
        self.kete = kete
        self.asteroids = asteroids
        conics = elements.to_conics()
        self.et0 = float(conics[6])
        state = elements_to_state(conics) / np.r_[[AU_KM] * 3, [AU_KM / DAY_S] * 3]
        self.state0 = kete.State(
            "target", jd_of(self.et0), state[:3], state[3:], kete.Frames.Ecliptic, SUN
        )
        ng = NonGrav.from_mapping(elements.nongrav) if elements.nongrav else None
        self.nongrav = None
        if ng is not None and ng.active:
            if (ng.alpha, ng.r0_au, ng.m, ng.k, ng.dt_d) != (1.0, 1.0, 2.0, 0.0, 0.0):
                raise ValueError(f"this peer is set up for g = 1/r^2 only, not {ng}")
            self.nongrav = kete.propagation.NonGravModel.new_comet(
                a1=ng.a1_au_d2, a2=ng.a2_au_d2, a3=ng.a3_au_d2, alpha=1.0, r_0=1.0, m=2.0,
                n=0.0, k=0.0, dt=0.0,
            )  # fmt: skip

    def propagate(self, state, et: float):
        return self.kete.propagate_n_body(
            state, jd_of(et), include_asteroids=self.asteroids, non_gravs=[self.nongrav]
            if isinstance(state, list) else self.nongrav,
        )  # fmt: skip

    def engine(self, et: float):
        """The state at ``et`` (the engine alone: one propagation from the epoch)."""
        return self.propagate(self.state0, et)

    def closest(self, start_et: float, stop_et: float) -> tuple[float, float]:
        """Propagation to the window + the closest-approach search: (et, km). kete has no
        dense output: each time asked is reached from the latest state kept at or before it
        (the grid's, one hour apart, kept as the grid is walked), a step or two."""
        kept_et = [start_et]
        kept = [self.engine(start_et)]
        earth = self.kete.spice.get_state

        def dist_km(ets):
            out = []
            for et in np.atleast_1d(ets).astype(float):
                k = bisect.bisect_right(kept_et, et) - 1
                s = kept[k] if kept_et[k] == et else self.propagate(kept[k], et)
                if et > kept_et[-1]:  # walking the grid: keep it
                    kept_et.append(et)
                    kept.append(s)
                e = earth("Earth", jd_of(et))
                out.append(float(np.linalg.norm(np.array(s.pos) - np.array(e.pos))) * AU_KM)
            return np.array(out)

        minima = find_minima(dist_km, start_et, stop_et, 3600.0)
        k = int(np.argmin(minima.value))
        return float(minima.et[k]), float(minima.value[k])


def many(kete, conics: np.ndarray, stop_et: float, *, asteroids: bool = True):
    """States of many objects (conics of one epoch) at ``stop_et``: one kete call."""
    et0 = float(conics[0, 6])
    states = elements_to_state(conics) / np.r_[[AU_KM] * 3, [AU_KM / DAY_S] * 3]
    objects = [
        kete.State(f"o{i}", jd_of(et0), s[:3], s[3:], kete.Frames.Ecliptic, SUN)
        for i, s in enumerate(states)
    ]
    return kete.propagate_n_body(objects, jd_of(stop_et), include_asteroids=asteroids)


__all__ = ["ASTEROID_PERTURBERS", "KetePeer", "load", "many"]
