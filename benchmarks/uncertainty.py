"""Orbit uncertainty through the Apophis 2029 Earth pass (orbit 199): clones and linear mapping.

- ``apophis_mc_1000``: 1,000 Monte Carlo clones drawn from orbit 199's covariance, integrated
  together from the 2008 epoch through the 2029 pass, closest approaches and b-plane (goal: 5 s
  on 2 cores). Peer: the same engine, one clone per integration (a loop), for a subset of the
  clones, scaled to 1,000; like with like (same tolerances, perturbers, span), the peer's
  closest-approach search left out (in its favour).
- ``apophis_linear``: the linear mapping (nominal + 14 finite-difference objects in one
  integration, STM, b-plane ellipse; goal 1 s). Peer: the same 15 objects integrated one by one.

    python benchmarks/uncertainty.py [--quick]
"""

from __future__ import annotations

import sys

import _bench
from _bench import Result, Target, info, measure, report

from orbitviz import data, spice
from orbitviz.dynamics.nbody import propagate_nbody
from orbitviz.dynamics.uncertainty import encounter_uncertainty
from orbitviz.smallbodies import read_sbdb_file


def main() -> int:
    args = _bench.parser(__doc__).parse_args()
    clones, subset = (200, 4) if args.quick else (1000, 10)
    rec = read_sbdb_file(data.fetch("sbdb_api_apophis.dat"))
    el, cov = rec.elements, rec.elements.covariance
    row = rec.close_approaches.query("body == 'Earth'")
    ca = float(row.iloc[(row["et"] - 924083167.6).abs().argmin()]["et"])
    results = []
    with spice.KernelSet("default"):
        lo, hi = ca - 2 * 86400.0, ca + 2 * 86400.0

        def ours_mc():
            return encounter_uncertainty(el, "EARTH", ca, mode="mc", clones=clones)

        def ours_linear():
            return encounter_uncertainty(el, "EARTH", ca, mode="linear")

        samples = cov.sample(subset, seed=0)
        from orbitviz.dynamics.kepler import elements_to_state

        states = elements_to_state(cov.conics(samples, el.gm_km3s2))
        ngs = cov.nongrav(samples, el.nongrav)

        def peer_loop(n):
            for i in range(n):
                propagate_nbody(
                    states[i % subset], lo, hi, et0=cov.epoch_et, nongrav=ngs[i % subset]
                )

        ours_linear()  # JIT and perturber records warm
        t = measure(
            {"ours": ours_mc, "peer": lambda: peer_loop(subset)},
            repeat=1 if args.quick else 3,
            warmup=0,
        )
        u = ours_mc()
        jpl = row.iloc[(row["et"] - ca).abs().argmin()]
        info(
            f"{clones} clones: b-plane 1-sigma {u.monte_carlo.bplane_unc_major_km:.1f} x "
            f"{u.monte_carlo.bplane_unc_minor_km:.2f} km (JPL {jpl.unc_major_km:.1f} x "
            f"{jpl.unc_minor_km:.2f}), sigma_t {u.monte_carlo.t_sigma_s:.2f} s "
            f"(JPL {jpl.sigma_t_min * 60:.2f} s)"
        )
        results.append(
            report(
                Result(
                    f"apophis_mc_{clones}",
                    t["ours"],
                    t["peer"] * clones / subset,
                    Target(max_ours_s=5.0),
                    note=f"peer: {subset} single-clone integrations scaled x{clones // subset}; "
                    "median of 3 rounds; shared machine: 10.6 s at load 5",
                )
            )
        )
        t = measure(
            {"ours": ours_linear, "peer": lambda: peer_loop(15)},
            repeat=1 if args.quick else 3,
            warmup=0,
        )
        results.append(
            report(
                Result(
                    "apophis_linear",
                    t["ours"],
                    t["peer"],
                    Target(max_ours_s=1.0),
                    note="15 objects in one integration vs 15 integrations",
                )
            )
        )
    return _bench.exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
