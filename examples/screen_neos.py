"""
Near-Earth objects passing Earth in 2029
========================================

Which near-Earth objects pass within 0.01 au (3.9 lunar distances) of Earth in 2029, and how
close? We screen the whole NEODyS catalog (29,049 NEOs, an offline snapshot) on two local Dask
worker processes, every approach refined by the N-body engine (the default), and plot them.

Run it as a script: ``ORBITVIZ_DATA_MIRROR=../shared/data python examples/screen_neos.py``
"""

import orbitviz
from orbitviz.reports.screening import plot_approaches

# %%
# The screening, the closest approaches, a picture and the closest in 3D
# ----------------------------------------------------------------------
# Dask starts worker processes that import this file, so the work sits under
# ``if __name__ == "__main__"``: the workers import it without screening again.
#
# Every approach within 0.01 au is found by a two-body screen on a daily grid (with a speed
# bound that misses nothing), then recomputed by the N-body engine and refined to 0.1 ms.
# Apophis's April 2029 pass leads the list; its flyby scene closes the example.

if __name__ == "__main__":
    approaches = orbitviz.screen("neodys", "EARTH", "2029-01-01", "2030-01-01", "0.01au", workers=2)

    # the ten closest
    print(
        approaches[["designation", "utc", "dist_km", "dist_ld", "v_rel_kms", "method"]]
        .head(10)
        .to_string(index=False)
    )

    # a picture of the year
    plot_approaches(approaches, "approaches_2029.png")
    print("wrote approaches_2029.png")

    # the closest in 3D: Earth, the Moon, the SOI and Apophis's track on 2029-04-13
    scene = orbitviz.build_scene("flyby", target="Apophis")
    print(", ".join(layer.name for layer in scene.layers))
