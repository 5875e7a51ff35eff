"""N-body engine: Apophis (JPL orbit 199, 2008 epoch) to its 2029 Earth pass, ours vs scipy.

Ours: ``analyze_flyby(method="nbody")``, the compiled IAS15 over the SPK's Chebyshev records,
propagation plus the closest-approach search (the patched comparison left out). Peer: the
approach orbitviz had before and most Python codes take: the perturbers sampled through SPICE
on a 0.25-day grid, Hermite-interpolated, and scipy's ``solve_ivp(method="DOP853")`` (the
same tableau, rtol 1e-12) calling a numpy right-hand side; the same minimum search on its
dense output. Same force model (Sun, planets, Moon from DE421, 1PN Sun, A2 Yarkovsky), same
elements, both warm.

Targets (issue #12):
- ``apophis_2008_2029``: ours <= 0.030 s after the first call (kete, the fastest peer measured
  on this case, takes 0.027 s).
- ``apophis_1924_backward``: the same orbit 84 years backwards to its 1924 Earth pass, "in
  proportion": ours <= 0.030 s x 84 / 21 (the span's ratio); against JPL in its own sigmas
  (this far back the 3-sigma range is 200,000 km wide and sigma_t 7 minutes).
- ``apophis_first_call``: ours <= 1 s for the first call in a new process with the on-disk
  JIT cache warm (the peer's first call: its own time, no compilation).
Both answers against JPL's close approach (same orbit solution) are printed (``#``), with
the first call's parts (numba's own start-up: import and its target registries, which load
scipy.linalg for BLAS; none of it is our code) and the many-objects path (1,000 clones of
Apophis integrated together, CPU time).

Peer ASSIST/REBOUND (C, GPL-3; optional, ``pip install assist``, see benchmarks/_assist_peer.py):
``apophis_2008_2029_vs_assist`` (target: ahead of it), the same case, both warm, propagation
plus the same closest-approach search, with its force model set to ours (point masses of the
Sun, planets, Moon, Ceres and Vesta, 1PN Sun by its ``GR_SIMPLE``, A2 with g = 1/r^2; not its
default EIH GR and Earth/Sun harmonics) and IAS15 with ``adaptive_mode = 2`` (ASSIST 1.2.3's
own default, the legacy step control, took 2.65 M steps and 87 s on this case). What differs:
ASSIST reads DE421 and GM values through a copy of de421.bsp with the constants it wants added
as SPK comments (the numbers of our PCK), and Ceres and Vesta through a uniform re-fit of the
Horizons SPKs (7 mm from SPICE), both written to a temporary folder each run; its search
calls ``integrate_or_interpolate`` from Python for each time asked (its integration alone is
about 80% of its time). Measured here (2 shared cores, medians of 3 with ``--quick`` and of
7 without, three runs): ours 0.023-0.028 s, ASSIST 0.044-0.052 s (speedup 1.8-2.0); ASSIST
lands dt -0.03 s, d -0.042 km from JPL (ours -0.0 s, -0.04 km), in 1,050 IAS15 steps.

Peer not measured: kete 3.3.0 (BSD-3, ``pip install kete`` works) downloads its core files
when imported (DE440s, the WISE/Spitzer/SPHEREx kernels, five asteroid SPKs from Horizons and
NAIF's Earth-orientation PCK), with five retries each; offline the import fails
(UnboundLocalError in kete.spice._download_core_files), and with a stand-in PCK and our DE421,
Ceres and Vesta in its cache (KETE_CACHE_DIR) it still blocks on the downloads of the
spacecraft kernels and of Pallas, Hygiea and Interamnia, which we do not have. The kete
number issue #12 quotes (0.027 s) was measured elsewhere.

    python benchmarks/nbody.py [--quick]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import _bench
import numpy as np
from _bench import Result, Target, info, measure, report
from scipy.integrate import solve_ivp

from orbitviz import spice
from orbitviz.dynamics.events import find_minima
from orbitviz.dynamics.flyby import analyze_flyby
from orbitviz.dynamics.kepler import elements_to_state
from orbitviz.dynamics.nbody import DEFAULT_PERTURBERS, NonGrav
from orbitviz.smallbodies import read_sbdb_file
from orbitviz.units import AU_KM, AU_PER_DAY2_IN_KMS2, C_KMS, DAY_S

WINDOW = ("2029-04-10", "2029-04-17")
BACKWARD = "1924"  # Apophis's Earth pass of 1924-Apr-13 (0.108 au), 84 years before the epoch


def scipy_peer(elements, start_et: float, stop_et: float) -> tuple[float, float]:
    """The Python way: SPICE-sampled Hermite perturbers + solve_ivp DOP853; returns the
    closest approach (et, km) to Earth in the window."""
    conics = elements.to_conics()
    et0 = float(conics[6])
    step = 0.25 * DAY_S
    grid = np.arange(min(et0, start_et) - 2 * step, max(et0, stop_et) + 3 * step, step)
    pos = np.stack([spice.states(b, grid, observer=0)[:, :3] for b in DEFAULT_PERTURBERS], 1)
    vel = np.stack([spice.states(b, grid, observer=0)[:, 3:] for b in DEFAULT_PERTURBERS], 1)
    gm = np.array([spice.gm_km3s2(b) for b in DEFAULT_PERTURBERS])[:, None]
    ng = NonGrav.from_mapping(elements.nongrav)
    a2 = ng.a2_au_d2 * AU_PER_DAY2_IN_KMS2

    def table(t):
        x = (t - grid[0]) / step
        i = min(max(int(x), 0), len(grid) - 2)
        s = x - i
        h00, h10, h01, h11 = (
            2 * s**3 - 3 * s**2 + 1,
            s**3 - 2 * s**2 + s,
            -2 * s**3 + 3 * s**2,
            s**3 - s**2,
        )
        p = h00 * pos[i] + h10 * step * vel[i] + h01 * pos[i + 1] + h11 * step * vel[i + 1]
        d00, d10 = (6 * s**2 - 6 * s) / step, 3 * s**2 - 4 * s + 1
        d01, d11 = (-6 * s**2 + 6 * s) / step, 3 * s**2 - 2 * s
        v = d00 * pos[i] + d10 * vel[i] + d01 * pos[i + 1] + d11 * vel[i + 1]
        return p, v

    def rhs(t, y):
        p, v = table(t)
        d = y[:3] - p
        r3 = np.sum(d * d, axis=1) ** 1.5
        acc = -(gm * d / r3[:, None]).sum(axis=0)
        r, u = d[0], y[3:] - v[0]  # heliocentric (the Sun is body 0)
        rn = np.linalg.norm(r)
        mu = gm[0, 0]
        acc += mu / (C_KMS**2 * rn**3) * ((4 * mu / rn - u @ u) * r + 4 * (r @ u) * u)
        h = np.cross(r, u)
        n = h / np.linalg.norm(h)
        acc += a2 * ng.g(rn / AU_KM) * np.cross(n, r / rn)
        return np.concatenate([y[3:], acc])

    p0, v0 = table(et0)
    y0 = elements_to_state(conics) + np.concatenate([p0[0], v0[0]])
    atol = np.array([1e-6] * 3 + [1e-12] * 3)
    far = stop_et if stop_et > et0 else start_et  # forwards or backwards from the epoch
    sol = solve_ivp(rhs, (et0, far), y0, method="DOP853", rtol=1e-12, atol=atol, dense_output=True)

    def dist(t):
        t = np.atleast_1d(t)
        return np.linalg.norm(
            sol.sol(t).T[:, :3] - spice.states("EARTH", t, observer=0)[:, :3], axis=1
        )

    minima = find_minima(dist, start_et, stop_et, 3600.0)
    k = int(np.argmin(minima.value))
    return float(minima.et[k]), float(minima.value[k])


FIRST_CALL = """
import time, orbitviz
from orbitviz.dynamics.flyby import analyze_flyby
from orbitviz.smallbodies import read_sbdb_file
from orbitviz.spice import KernelSet, to_et
record = read_sbdb_file(orbitviz.data.fetch("sbdb_api_apophis.dat"))
with KernelSet("default"):
    a, b = float(to_et("{0}")), float(to_et("{1}"))
    start = time.perf_counter()
    analyze_flyby(record.elements, "EARTH", a, b, method="nbody", compare=False)
    print(time.perf_counter() - start)
"""


NUMBA_START = """
import time
start = time.perf_counter()
import numba
from numba.core.registry import cpu_target
cpu_target.target_context.refresh()
print(time.perf_counter() - start)
"""


def numba_start_s() -> float:
    """numba's import and target set-up in a fresh process: the floor of any first call."""
    done = subprocess.run(
        [sys.executable, "-c", NUMBA_START], check=True, capture_output=True, text=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def many_objects(elements, a: float, b: float, n: int = 1000) -> tuple[float, int]:
    """CPU seconds for ``n`` clones of the orbit (q and e moved by ~1e-7) integrated together
    over the same span, and the steps taken."""
    from orbitviz.dynamics.nbody import Perturbers, propagate_nbody

    conics = elements.to_conics()
    rng = np.random.default_rng(0)
    clones = np.tile(conics, (n, 1))
    clones[:, 0] *= 1 + 1e-7 * rng.standard_normal(n)
    clones[:, 1] += 1e-7 * rng.standard_normal(n)
    et0 = float(conics[6])
    perturbers = Perturbers.load(min(a, et0), max(b, et0))
    propagate_nbody(clones[:2], a, b, nongrav=elements.nongrav, perturbers=perturbers)  # warm
    start = time.process_time()
    traj = propagate_nbody(clones, a, b, nongrav=elements.nongrav, perturbers=perturbers)
    return time.process_time() - start, traj.steps


def first_call_s(runs: int = 3) -> float:
    """The first N-body flyby in a fresh process (imports done before the clock starts), the
    median of ``runs`` processes (one process is at the mercy of a shared machine's noise:
    0.9 to 1.5 s here)."""
    code = FIRST_CALL.format(*WINDOW)
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # fill cache
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return float(np.median(times))


def backward(record, quick: bool, span_s: float) -> Result:
    """Apophis from its 2008 epoch back to the 1924 Earth pass, ours (warm) vs the peer; the
    target is the forward case's scaled by the span (``span_s``: the forward case's)."""
    jpl = record.close_approaches
    row = jpl[(jpl.body == "Earth") & jpl.time_tdb.str.startswith(BACKWARD)].iloc[0]
    a, b = row.et - 3 * DAY_S, row.et + 3 * DAY_S
    with spice.KernelSet("default"):

        def ours():
            return analyze_flyby(record.elements, "EARTH", a, b, method="nbody", compare=False)

        ours_s = measure(ours, repeat=3 if quick else 5)
        # one call of the peer (about 40 s; it compiles nothing, so the first is like any other)
        peer_s = measure(lambda: scipy_peer(record.elements, a, b), repeat=1, warmup=0)
        closest = ours().closest
    sigma_km = (row.dist_max_au - row.dist_min_au) / 6 * AU_KM
    sigma_s = row.sigma_t_min * 60
    dd, dt = closest.dist_km - row.dist_au * AU_KM, closest.et - row.et
    span = float(record.elements.to_conics()[6]) - row.et  # epoch - pass: backwards
    years = span / (365.25 * DAY_S)
    info(
        f"JPL orbit 199 close approach {row.time_tdb} TDB, {row.dist_au * AU_KM:,.0f} km, "
        f"{years:.1f} years before the epoch: ours dt {dt:+.1f} s ({dt / sigma_s:+.3f} sigma), "
        f"d {dd:+.1f} km ({dd / sigma_km:+.3f} sigma)"
    )
    scale = span / span_s
    return report(
        Result(
            "apophis_1924_backward",
            ours_s,
            peer_s,
            Target(max_ours_s=0.030 * scale),
            note=f"{years:.0f} years backwards, warm; target 30 ms x {scale:.2f} (the spans)",
        )
    )


def assist_peer(record, row, a: float, b: float, ours, quick: bool) -> Result | None:
    """ASSIST/REBOUND on the same case (optional: a ``#`` line says why when it cannot run):
    its answer against JPL and the warm times of both, propagation + closest-approach search."""
    import tempfile

    from _assist_peer import load

    with tempfile.TemporaryDirectory() as folder, spice.KernelSet("default"):
        peer, note = load(record.elements, Path(folder))
        info(note)
        if peer is None:
            return None
        t = measure({"ours": ours, "assist": lambda: peer.closest(a, b)}, repeat=3 if quick else 7)
        et, km = peer.closest(a, b)
    jpl_km = row.dist_au * AU_KM
    info(f"  ASSIST: dt {et - row.et:+.2f} s, d {km - jpl_km:+.3f} km, {peer.steps} steps")
    return report(
        Result(
            "apophis_2008_2029_vs_assist",
            t["ours"],
            t["assist"],
            Target(min_speedup=1.0),
            note="same forces (ASSIST's GR_SIMPLE, no harmonics), IAS15 adaptive_mode 2, warm",
        )
    )


def closest_method(record, a: float, b: float) -> str:
    """The method string of our run (integrator, ephemeris, perturbers, tolerance)."""
    return analyze_flyby(
        record.elements, "EARTH", a, b, method="nbody", compare=False
    ).method_detail


def main() -> int:
    args = _bench.parser(__doc__).parse_args()
    from orbitviz import data

    record = read_sbdb_file(data.fetch("sbdb_api_apophis.dat"))
    jpl = record.close_approaches
    results = []
    with spice.KernelSet("default"):
        a, b = (float(spice.to_et(t)) for t in WINDOW)
        row = jpl[(jpl.body == "Earth") & (jpl.et > a) & (jpl.et < b)].iloc[0]

        def ours():
            return analyze_flyby(record.elements, "EARTH", a, b, method="nbody", compare=False)

        start = time.perf_counter()
        peer_answer = scipy_peer(record.elements, a, b)
        peer_first = time.perf_counter() - start
        t = measure(
            {"ours": ours, "peer": lambda: scipy_peer(record.elements, a, b)},
            repeat=1 if args.quick else 3,
        )
        closest = ours().closest
        many_cpu, many_steps = many_objects(record.elements, a, b)
    jpl_km = row.dist_au * AU_KM
    info(f"JPL orbit 199 close approach {row.time_tdb} TDB, {jpl_km:,.1f} km")
    info(f"  ours: dt {closest.et - row.et:+.1f} s, d {closest.dist_km - jpl_km:+.2f} km")
    info(f"  peer: dt {peer_answer[0] - row.et:+.1f} s, d {peer_answer[1] - jpl_km:+.2f} km")
    results.append(
        report(
            Result(
                "apophis_2008_2029",
                t["ours"],
                t["peer"],
                Target(max_ours_s=0.030),
                note="propagation + closest approach, warm",
            )
        )
    )
    with spice.KernelSet("default"):
        info(f"  ours: {closest_method(record, a, b)}")
    if (vs_assist := assist_peer(record, row, a, b, ours, args.quick)) is not None:
        results.append(vs_assist)
    info(
        f"1,000 Apophis clones together: {many_cpu:.2f} s CPU ({many_cpu:.2f} ms per object), "
        f"{many_steps} steps"
    )
    results.append(backward(record, args.quick, span_s=b - float(record.elements.to_conics()[6])))
    info(f"numba start-up in a new process (import + registries): {numba_start_s():.2f} s")
    results.append(
        report(
            Result(
                "apophis_first_call",
                first_call_s(),
                peer_first,
                Target(max_ours_s=1.0),
                note="new process, JIT cache on disk; the peer's first call",
            )
        )
    )
    return _bench.exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
