"""Benchmark: the whole NEODyS catalog, one year, Earth, 0.05 au.

ours (Dask LocalCluster, 1 and 2 worker processes, cluster start-up included) vs the naive peer:
a per-object Python loop over days calling ``spiceypy.conics`` and ``spiceypy.spkez`` (the
notebooks' way), timed on a sample and extrapolated to the catalog, in the same run.

    python benchmarks/screening.py [--sample 200] [--start 2025-01-01] [--stop 2026-01-01]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("ORBITVIZ_DATA_MIRROR", str(ROOT.parent / "shared" / "data"))


def naive_peer(conics: np.ndarray, start_et: float, stop_et: float, thr_km: float) -> int:
    import spiceypy

    hits = 0
    days = np.arange(start_et, stop_et, 86400.0)
    for elts in conics:
        prev2 = prev1 = np.inf
        for t in days:
            rel = (
                spiceypy.conics(elts, t)[:3]
                - spiceypy.spkez(399, t, "ECLIPJ2000", "NONE", 10)[0][:3]
            )
            d = float(np.linalg.norm(rel))
            if prev1 < prev2 and prev1 <= d and prev1 < thr_km:
                hits += 1
            prev2, prev1 = prev1, d
    return hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--start", default="2025-01-01")
    ap.add_argument("--stop", default="2026-01-01")
    args = ap.parse_args()

    from orbitviz.screening import screen
    from orbitviz.smallbodies import read_neodys
    from orbitviz.spice import KernelSet, to_et
    from orbitviz.units import AU_KM

    table = read_neodys()
    n = len(table)
    years = 1.0
    timings = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        res = screen(
            "neodys",
            "EARTH",
            args.start,
            args.stop,
            "0.05au",
            scheduler="local",
            workers=workers,
            progress=False,
        )
        timings[workers] = time.perf_counter() - t0
        print(
            f"ours {workers} worker(s): {timings[workers]:.2f} s, {len(res)} approaches, "
            f"{n * years / timings[workers]:,.0f} object-years/s"
        )
    t0 = time.perf_counter()
    res_sync = screen(
        "neodys", "EARTH", args.start, args.stop, "0.05au", scheduler="synchronous", progress=False
    )
    t_sync = time.perf_counter() - t0
    print(f"ours synchronous (no Dask): {t_sync:.2f} s, {len(res_sync)} approaches")

    rng = np.random.default_rng(0)
    idx = rng.choice(n, size=min(args.sample, n), replace=False)
    with KernelSet("default"):
        start_et, stop_et = float(to_et(args.start)), float(to_et(args.stop))
        t0 = time.perf_counter()
        naive_peer(table.conics[idx], start_et, stop_et, 0.05 * AU_KM)
        t_sample = time.perf_counter() - t0
    peer = t_sample * n / len(idx)
    print(
        f"peer (spiceypy.conics + spkez per object per day, {len(idx)} objects in "
        f"{t_sample:.2f} s): extrapolated {peer:.1f} s, {n * years / peer:,.0f} object-years/s"
    )
    eff = timings[1] / (2 * timings[2])
    print(f"scaling efficiency 1 -> 2 workers: {eff:.0%}")
    for w in (1, 2):
        print(
            f"screening catalog-year {w} worker(s): ours {timings[w]:.2f} s, peer {peer:.1f} s, "
            f"ratio {timings[w] / peer:.3f}"
        )
    print(f"goal full catalog-year <= 30 s: {'met' if min(timings.values()) <= 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
