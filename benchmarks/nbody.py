"""N-body engine: Apophis (JPL orbit 199, 2008 epoch) to its 2029 Earth pass, ours vs scipy, kete, ASSIST.

Ours: ``analyze_flyby(method="nbody")``, the compiled IAS15 over the SPK's Chebyshev records,
propagation plus the closest-approach search in compiled code (the patched comparison left
out). Peer: the approach orbitviz had before and most Python codes take: the perturbers
sampled through SPICE on a 0.25-day grid, Hermite-interpolated, and scipy's
``solve_ivp(method="DOP853")`` (the same tableau, rtol 1e-12) calling a numpy right-hand side;
the same minimum search on its dense output. Same force model (Sun, planets, Moon from DE421,
1PN Sun, A2 Yarkovsky), same elements, both warm. Every comparison is the median of
interleaved rounds (ours, peer, peer, ours, ...), the fastest and slowest round printed
after the line (``#``); the machine is shared, so the load is printed too.

Targets (issue #24):
- ``apophis_2008_2029``: ours <= 0.015 s warm (issue #12 had 0.030 s).
- ``apophis_2008_2029_vs_kete``: speedup >= 2 against kete's engine (same perturbers: Sun,
  planets, Moon, Ceres, Vesta) plus the same closest-approach search, in the same run.
- ``apophis_1924_backward``: the same orbit 84 years backwards to its 1924 Earth pass, "in
  proportion": ours <= 0.015 s x 84 / 21 (the spans' ratio); against JPL in its own sigmas
  (this far back the 3-sigma range is 200,000 km wide and sigma_t 7 minutes).
- ``apophis_first_call``: ours <= 1 s for the first call in a new process with the on-disk
  JIT cache warm (imports done; the peer's first call: its own time, no compilation).
- ``orbitviz_flyby_apophis_new_process``: ``orbitviz flyby Apophis`` (the whole report: N-body,
  patched comparison, linear uncertainty, table) in a new process <= 1.5 s of CPU (user +
  system, median of 3 processes, bytecode compiled as in an installed package). Peer: kete in
  a new process (its import on the prepared files, then the same propagation and search).
- ``many_objects_vs_kete``: 1,000 NEOs of the NEODyS snapshot (one epoch) for one year, CPU
  seconds (all threads: kete runs its rayon pool), ours one call of 1,000 objects against
  kete's ``propagate_n_body`` of the same states, same perturbers: speedup >= 2 (object-years
  per CPU second printed for both, with and without Ceres and Vesta).
- ``many_objects_one_call_vs_64``: the same 1,000 in one call against 16 calls of <= 64:
  speedup >= 0.95 (each object takes its own steps: the same work either way, 1.0 within the
  rounds' spread; before, one call of 1,000 took the smallest step of all, 3x slower).
Both answers against JPL's close approach (same orbit solution) are printed (``#``), with
kete's and ASSIST's beside ours, and numba's own start-up in a new process.

Peer kete 3.3.0 (Rust, BSD-3; optional, ``pip install kete``, see benchmarks/_kete_peer.py):
it downloads its core files when imported; offline, it runs on a temporary folder of our
DE421 under its name, Ceres and Vesta re-fitted under its ids and clearly named stubs, its
masses set to our GMs (Pallas, Hygiea, Interamnia at zero, Pluto's barycentre added).

Peer ASSIST/REBOUND (C, GPL-3; optional, ``pip install assist``, see benchmarks/_assist_peer.py):
``apophis_2008_2029_vs_assist`` (target: ahead of it), the same case, both warm, propagation
plus the same closest-approach search, with its force model set to ours (point masses of the
Sun, planets, Moon, Ceres and Vesta, 1PN Sun by its ``GR_SIMPLE``, A2 with g = 1/r^2; not its
default EIH GR and Earth/Sun harmonics) and IAS15 with ``adaptive_mode = 2`` (ASSIST 1.2.3's
own default, the legacy step control, took 2.65 M steps and 87 s on this case). What differs:
ASSIST reads DE421 and GM values through a copy of de421.bsp with the constants it wants added
as SPK comments (the numbers of our PCK), and Ceres and Vesta through a uniform re-fit of the
Horizons SPKs (7 mm from SPICE), both written to a temporary folder each run; its search
calls ``integrate_or_interpolate`` from Python for each time asked.

    python benchmarks/nbody.py [--quick]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import _bench
import numpy as np
from _bench import Result, Target, info, report
from scipy.integrate import solve_ivp

from orbitviz import spice
from orbitviz.dynamics.events import find_minima
from orbitviz.dynamics.flyby import analyze_flyby
from orbitviz.dynamics.kepler import elements_to_state
from orbitviz.dynamics.nbody import DEFAULT_PERTURBERS, NonGrav
from orbitviz.smallbodies import read_sbdb_file
from orbitviz.units import AU_KM, AU_PER_DAY2_IN_KMS2, C_KMS, DAY_S

WINDOW = ("2029-04-10", "2029-04-17")
FORWARD_TARGET_S = 0.015
YEAR_S = 365.25 * DAY_S
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


def neos(n: int = 1000) -> np.ndarray:
    """``n`` NEOs of the NEODyS snapshot that share its most common epoch (bound orbits),
    chosen at random (seed 0)."""
    from orbitviz.smallbodies import read_neodys

    conics = read_neodys().conics
    epochs, counts = np.unique(conics[:, 6], return_counts=True)
    pick = conics[(conics[:, 6] == epochs[np.argmax(counts)]) & (conics[:, 1] < 1.0)]
    return pick[np.random.default_rng(0).choice(len(pick), size=min(n, len(pick)), replace=False)]


def many_objects(kete, quick: bool) -> list[Result]:
    """1,000 NEOs for a year: ours in one call, ours in calls of 64, and kete, CPU seconds."""
    from orbitviz.dynamics.nbody import Perturbers, propagate_nbody

    conics = neos()
    n = len(conics)
    et0 = float(conics[0, 6])
    stop = et0 + YEAR_S
    results = []
    with spice.KernelSet("default"):
        perturbers = Perturbers.load(et0, stop)
        planets = Perturbers.load(et0, stop, DEFAULT_PERTURBERS, asteroids=())

        def ours(table=perturbers, batch=n):
            for k in range(0, n, batch):
                propagate_nbody(conics[k : k + batch], stop - DAY_S, stop, perturbers=table)

        contenders = {
            "ours": ours,
            "ours, calls of 64": lambda: ours(batch=64),
            "ours, planets only": lambda: ours(planets),
        }
        if kete is not None:
            from _kete_peer import many

            contenders["kete"] = lambda: many(kete, conics, stop)
            contenders["kete, planets only"] = lambda: many(kete, conics, stop, asteroids=False)
        t = _bench.timings(contenders, repeat=3 if quick else 5, clock=time.process_time)
        steps = propagate_nbody(conics, stop - DAY_S, stop, perturbers=perturbers).steps
    rate = {k: n / v.median for k, v in t.items()}
    info(
        f"{n:,} NEOs of one epoch, 1 year, CPU s (all threads), {steps:,} steps in all ("
        + ", ".join(
            f"{k} {v.median:.3f} s ({rate[k]:,.0f} object-years per CPU s)" for k, v in t.items()
        )
        + ")"
    )
    results.append(
        report(
            Result(
                "many_objects_one_call_vs_64",
                t["ours"].median,
                t["ours, calls of 64"].median,
                Target(min_speedup=0.95),
                note=_bench.spread_note({"ours": t["ours"], "calls of 64": t["ours, calls of 64"]})
                + "; CPU s",
            )
        )
    )
    if kete is None:
        info("many_objects_vs_kete not measured: kete is not installed (pip install kete)")
        return results
    info(
        "  planets only: ours "
        f"{t['ours, planets only'].median:.3f} s, kete {t['kete, planets only'].median:.3f} s "
        f"(speedup {t['kete, planets only'].median / t['ours, planets only'].median:.2f})"
    )
    results.append(
        report(
            Result(
                "many_objects_vs_kete",
                t["ours"].median,
                t["kete"].median,
                Target(min_speedup=2.0),
                note=_bench.spread_note({"ours": t["ours"], "kete": t["kete"]})
                + "; CPU s, Sun+planets+Moon+Ceres+Vesta",
            )
        )
    )
    return results


FRESH_FLYBY = [sys.executable, "-m", "orbitviz", "flyby", "Apophis"]

KETE_FRESH = """
import os, sys, time
sys.path.insert(0, {bench!r})
os.environ["KETE_CACHE_DIR"] = {folder!r}
import kete
from _kete_peer import KetePeer, _set_masses
from orbitviz import data, spice
from orbitviz.smallbodies import read_sbdb_file
record = read_sbdb_file(data.fetch("sbdb_api_apophis.dat"))
with spice.KernelSet("default"):
    _set_masses(kete)
    a, b = float(spice.to_et("{0}")), float(spice.to_et("{1}"))
    KetePeer(kete, record.elements).closest(a, b)
"""


def child_cpu_s(command: list[str]) -> float:
    """User + system CPU seconds of a new process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def new_process(kete_folder: Path | None) -> Result:
    """``orbitviz flyby Apophis`` in new processes (CPU), against kete's new process."""
    env_bytecode = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # as an installed package has it: the bytecode compiled (this session may forbid it)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(_bench.ROOT / "orbitviz")],
        check=True,
        capture_output=True,
        env=env_bytecode,
    )
    contenders = {"ours": lambda: child_cpu_s(FRESH_FLYBY)}
    if kete_folder is not None:
        code = KETE_FRESH.format(*WINDOW, bench=str(Path(__file__).parent), folder=str(kete_folder))
        contenders["kete"] = lambda: child_cpu_s([sys.executable, "-c", code])
    cpu = {k: [] for k in contenders}
    for function in contenders.values():
        function()  # caches: numba's, the re-fits', the hashes'
    order = list(contenders.items())
    for round_ in range(3):
        for name, function in order if round_ % 2 == 0 else order[::-1]:
            cpu[name].append(function())
    t = {k: _bench.Timing(float(np.median(v)), min(v), max(v), len(v)) for k, v in cpu.items()}
    return report(
        Result(
            "orbitviz_flyby_apophis_new_process",
            t["ours"].median,
            t["kete"].median if "kete" in t else float("nan"),
            Target(max_ours_s=1.5),
            note=_bench.spread_note(t) + "; CPU s (user + system) of the whole process",
        )
    )


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

        # the peer takes ~40 s a call (it compiles nothing: no warm-up): 2 interleaved rounds
        ours()
        t = _bench.timings(
            {"ours": ours, "peer": lambda: scipy_peer(record.elements, a, b)},
            repeat=2,
            warmup=0,
        )
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
            t["ours"].median,
            t["peer"].median,
            Target(max_ours_s=FORWARD_TARGET_S * scale),
            note=f"{years:.0f} years backwards, warm; target 15 ms x {scale:.2f} (the spans); "
            + _bench.spread_note(t),
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
        t = _bench.timings(
            {"ours": ours, "assist": lambda: peer.closest(a, b)}, repeat=3 if quick else 7
        )
        et, km = peer.closest(a, b)
    jpl_km = row.dist_au * AU_KM
    info(f"  ASSIST: dt {et - row.et:+.2f} s, d {km - jpl_km:+.3f} km, {peer.steps} steps")
    return report(
        Result(
            "apophis_2008_2029_vs_assist",
            t["ours"].median,
            t["assist"].median,
            Target(min_speedup=1.0),
            note="same forces (ASSIST's GR_SIMPLE, no harmonics), IAS15 adaptive_mode 2, warm; "
            + _bench.spread_note(t),
        )
    )


def kete_peer(kete, record, row, a: float, b: float, ours, quick: bool) -> Result | None:
    """kete on the same case: its engine alone and with the same closest-approach search,
    with and without Ceres and Vesta, its answer against JPL; ours beside it."""
    from _kete_peer import KetePeer

    with spice.KernelSet("default"):
        peer = KetePeer(kete, record.elements)
        planets = KetePeer(kete, record.elements, asteroids=False)
        t = _bench.timings(
            {
                "ours": ours,
                "kete": lambda: peer.closest(a, b),
                "kete engine": lambda: peer.engine(a),
                "kete engine, planets only": lambda: planets.engine(a),
            },
            repeat=3 if quick else 7,
        )
        found = {"kete": peer.closest(a, b), "kete, planets only": planets.closest(a, b)}
    jpl_km = row.dist_au * AU_KM
    for label, (et, km) in found.items():
        info(f"  {label}: dt {et - row.et:+.2f} s, d {km - jpl_km:+.3f} km")
    info(
        f"  kete's engine alone (epoch -> window): {t['kete engine'].median:.4f} s "
        f"({t['kete engine'].span()}); planets only {t['kete engine, planets only'].median:.4f} s"
    )
    return report(
        Result(
            "apophis_2008_2029_vs_kete",
            t["ours"].median,
            t["kete"].median,
            Target(min_speedup=2.0),
            note="Sun+planets+Moon+Ceres+Vesta, propagation + the same closest-approach search, "
            "warm; " + _bench.spread_note({"ours": t["ours"], "kete": t["kete"]}),
        )
    )


def closest_method(record, a: float, b: float) -> str:
    """The method string of our run (integrator, ephemeris, perturbers, tolerance)."""
    return analyze_flyby(
        record.elements, "EARTH", a, b, method="nbody", compare=False
    ).method_detail


def main() -> int:
    import tempfile

    from _kete_peer import load as load_kete

    args = _bench.parser(__doc__).parse_args()
    from orbitviz import data

    info(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    record = read_sbdb_file(data.fetch("sbdb_api_apophis.dat"))
    jpl = record.close_approaches
    results = []
    with tempfile.TemporaryDirectory() as kete_folder:
        with spice.KernelSet("default"):
            kete, kete_note = load_kete(Path(kete_folder))
            info(kete_note)
            a, b = (float(spice.to_et(t)) for t in WINDOW)
            row = jpl[(jpl.body == "Earth") & (jpl.et > a) & (jpl.et < b)].iloc[0]

            def ours():
                return analyze_flyby(record.elements, "EARTH", a, b, method="nbody", compare=False)

            start = time.perf_counter()
            peer_answer = scipy_peer(record.elements, a, b)
            peer_first = time.perf_counter() - start
            t = _bench.timings(
                {"ours": ours, "peer": lambda: scipy_peer(record.elements, a, b)},
                repeat=3,
                warmup=0,
            )
            warm = _bench.timings({"ours": ours}, repeat=5 if args.quick else 15)["ours"]
            closest = ours().closest
        jpl_km = row.dist_au * AU_KM
        info(f"JPL orbit 199 close approach {row.time_tdb} TDB, {jpl_km:,.1f} km")
        info(f"  ours: dt {closest.et - row.et:+.2f} s, d {closest.dist_km - jpl_km:+.3f} km")
        info(f"  scipy: dt {peer_answer[0] - row.et:+.1f} s, d {peer_answer[1] - jpl_km:+.2f} km")
        results.append(
            report(
                Result(
                    "apophis_2008_2029",
                    warm.median,
                    t["peer"].median,
                    Target(max_ours_s=FORWARD_TARGET_S),
                    note=f"propagation + closest approach, warm; ours {warm.span()} over "
                    f"{warm.rounds} rounds; against scipy "
                    + _bench.spread_note(t, {"peer": "scipy"}),
                )
            )
        )
        with spice.KernelSet("default"):
            info(f"  ours: {closest_method(record, a, b)}")
        if kete is not None and (vs := kete_peer(kete, record, row, a, b, ours, args.quick)):
            results.append(vs)
        if (vs_assist := assist_peer(record, row, a, b, ours, args.quick)) is not None:
            results.append(vs_assist)
        results.extend(many_objects(kete, args.quick))
        results.append(
            backward(record, args.quick, span_s=b - float(record.elements.to_conics()[6]))
        )
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
        results.append(new_process(Path(kete_folder) if kete is not None else None))
    info(f"load average {os.getloadavg()[0]:.2f}")
    return _bench.exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
