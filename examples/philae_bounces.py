"""
Philae's bounces on comet 67P
=============================

Where did Philae touch 67P, how high did it bounce, and where did it come to rest?

On 2014-11-12 the Rosetta lander Philae touched comet 67P/Churyumov-Gerasimenko at Agilkia,
bounced, and came to rest in the shadows at Abydos almost two hours later. ESA's rebound
trajectory (an SPK kernel) and the OSIRIS shape model tell the story; orbitviz finds the
touchdowns from the data alone.

Run it as a script: ``ORBITVIZ_DATA_MIRROR=../shared/data python examples/philae_bounces.py``
"""

import orbitviz
from orbitviz.recipes import philae_scene
from orbitviz.reports.lander import plot_lander

# %%
# The path and its altitude
# -------------------------
# Load the kernels (lander SPK, comet orbit, Rosetta frames) and the 96,834-face shape model,
# sample Philae's path relative to the comet, and measure its altitude above the surface.
path = orbitviz.philae_path("67p-spc.ply")
print(
    f"{len(path.et)} samples, altitude {path.altitude_km.min() * 1e3:.1f} "
    f"to {path.altitude_km.max() * 1e3:.1f} m"
)

# %%
# The contacts
# ------------
# The ends of the data and every bounce (a sudden change of velocity near the surface). The
# residual is the altitude the data give at the contact: how well the trajectory and the
# shape model agree there.
print("contact (UTC)             kind            lat      lon     residual")
for t in path.touchdowns:
    print(f"{t.utc}   {t.kind:<14} {t.lat_deg:+6.2f}  {t.lon_deg:7.2f}   {t.altitude_m:+5.1f} m")

# %%
# The hops between them
# ---------------------
print("hop                                    minutes   apex (m)   ground distance (m)")
for h in path.hops:
    print(
        f"{h.start_utc[11:19]} -> {h.end_utc[11:19]}                 "
        f"{h.duration_s / 60:6.1f}   {h.apex_m:8.1f}   {h.ground_distance_m:10.1f}"
    )

# %%
# Altitude against time
# ---------------------
# The contacts marked on the altitude above the shape model.
plot_lander(path, "philae_altitude.png")
print("wrote philae_altitude.png")

# %%
# The landing in 3D
# -----------------
# The viewer's scene from the same path: 67P lit by the Sun, Philae's path coloured by
# altitude, the touchdowns. ``orbitviz.show(scene)`` opens it; ``orbitviz view philae`` too.
scene = philae_scene(path=path)
print(", ".join(layer.name for layer in scene.layers))

# sphinx_gallery_thumbnail_number = 2
