"""
Kepler-90's planets in nine months of Kepler photometry
=======================================================

Kepler-90 (KIC 11442793) is a Sun-like star with eight known planets. Kepler watched it for
four years; here we take three quarters (about 280 days, with a 70-day gap) and ask orbitviz
what a transit search finds on its own: which dips are planets, how big they are, how far from
their star, and how sure we can be. Then we compare with the NASA Exoplanet Archive's KOI
table, which was fitted on all four years.

Run it as a script: ``ORBITVIZ_DATA_MIRROR=../shared/data python examples/kepler90_transits.py``
"""

import orbitviz
from orbitviz import data
from orbitviz.recipes import transit_scene

# %%
# The light curves
# ----------------
# Three Kepler long-cadence quarters (29.4-minute points), fetched by name (from the mirror
# or the cache, each checked against its sha256).
files = [
    data.fetch("kplr011442793-2009350155506_llc.fits"),  # quarter 3
    data.fetch("kplr011442793-2010009091648_llc.fits"),  # quarter 4 (21 days)
    data.fetch("kplr011442793-2010174085026_llc.fits"),  # quarter 5
]

# %%
# Search, fit and vet
# -------------------
# Detrend, find the strongest periodic signal, mask it, search again; then the transits
# seen only once. Each candidate gets a limb-darkened model fitted to it and is vetted.
report = orbitviz.transits(files, star="Kepler-90")
print(report.headline)

# %%
# The numbers a planet hunter asks for
# ------------------------------------
# One candidate at a time: the transits seen, the depth and duration, the planet's radius,
# its orbit and temperature, and ``p_planet``, the vetting classifier's probability.
for c in report.candidates:
    what = "seen once" if c.single_event else f"{c.n_transits} transits, P = {c.period_d:.4f} d"
    print(
        f"\n{c.name} {c.known_as or '(new)'}: {what}\n"
        f"   depth {c.depth_ppm:,.0f} ± {c.depth_err_ppm:,.0f} ppm, lasting {c.duration_h:.1f} h\n"
        f"   radius {c.rp_earth:.2f} ± {c.rp_earth_err:.2f} Earth radii, orbit {c.a_au:.3f} au, "
        f"{c.teq_k:,.0f} K"
    )
    if c.aliases_d:  # two transits: the gap between them allows several periods
        print(f"   periods the data allow: {', '.join(f'{p:.2f}' for p in c.aliases_d)} d")

# %%
# The planets not found
# ---------------------
# For every known planet the search missed, the report says what the data show there.
for known in report.result.known:
    if not known["found"]:
        print(f"not found: {known['name']}, SNR {known['snr_at_period']} at its period")

# %%
# A picture
# ---------
# The light curve with every transit marked, the periodogram, each planet folded.
report.plot("kepler90_transits.png")
print("wrote kepler90_transits.png")

# %%
# The system in 3D
# ----------------
# The star to scale in its black-body colour, each planet on its fitted orbit crossing the
# disk exactly while the model light curve dips, the habitable zone, and the light curve
# under the view with the clock as its cursor. ``orbitviz.show(scene)`` opens it.
scene = transit_scene(report.result)
print(", ".join(layer.name for layer in scene.layers))

# sphinx_gallery_thumbnail_number = 2
