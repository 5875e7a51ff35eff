"""Finding Kepler-90's planets in nine months of Kepler photometry.

Kepler-90 (KIC 11442793) is a Sun-like star with eight known planets. Kepler watched it for four
years; here we take three quarters (about 280 days, with a 70-day gap) and ask orbitviz what a
transit search finds on its own: which dips are planets, how big they are, how far from their
star, and how sure we can be. Then we compare with the NASA Exoplanet Archive's KOI table, which
was fitted on all four years.

Run:  ORBITVIZ_DATA_MIRROR=../shared/data python examples/kepler90_transits.py
"""

import orbitviz
from orbitviz import data

# 1. The light curves: three Kepler long-cadence quarters (29.4-minute points), by name.
files = [
    data.fetch("kplr011442793-2009350155506_llc.fits"),  # quarter 3
    data.fetch("kplr011442793-2010009091648_llc.fits"),  # quarter 4 (21 days)
    data.fetch("kplr011442793-2010174085026_llc.fits"),  # quarter 5
]

# 2. Search, fit and vet: detrend, find the strongest periodic signal, mask it, search again;
#    then the transits seen only once. Each candidate gets a limb-darkened model fitted to it.
report = orbitviz.transits(files, star="Kepler-90")
print(report.headline)

# 3. The numbers a planet hunter asks for, one candidate at a time.
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

# 4. What about the planets the search did not find? The report says what the data show there.
for known in report.result.known:
    if not known["found"]:
        print(f"\nnot found: {known['name']}, SNR {known['snr_at_period']} at its period")

# 5. A picture: the light curve with every transit marked, the periodogram, each planet folded.
report.plot("kepler90_transits.png")
print("\nwrote kepler90_transits.png")
