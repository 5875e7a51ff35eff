"""Which near-Earth objects pass within 0.05 au of Earth in 2029, and how close?

Screens the whole NEODyS catalog (29,049 NEOs, offline snapshot) on two local Dask worker
processes, every approach refined by the N-body engine (the default), and plots them.

Run:  ORBITVIZ_DATA_MIRROR=../shared/data python examples/screen_neos.py
"""

import orbitviz
from orbitviz.reports.screening import plot_approaches

if __name__ == "__main__":  # Dask starts worker processes that import this file
    # 1. Every approach within 0.05 au: two-body candidates on a daily grid, each one
    #    recomputed by the N-body engine and refined to 0.1 ms.
    approaches = orbitviz.screen("neodys", "EARTH", "2029-01-01", "2030-01-01", "0.05au", workers=2)

    # 2. The closest ones: Apophis's April 2029 pass leads the list.
    print(
        approaches[["designation", "utc", "dist_km", "dist_ld", "v_rel_kms", "method"]]
        .head(10)
        .to_string(index=False)
    )

    # 3. A picture of the year.
    plot_approaches(approaches, "approaches_2029.png")
    print("wrote approaches_2029.png")
