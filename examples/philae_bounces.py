"""Where did Philae touch 67P, how high did it bounce, and where did it come to rest?

On 2014-11-12 the Rosetta lander Philae touched comet 67P/Churyumov-Gerasimenko at Agilkia,
bounced, and came to rest in the shadows at Abydos almost two hours later. ESA's rebound
trajectory (an SPK kernel) and the OSIRIS shape model tell the story; orbitviz finds the
touchdowns from the data alone.

Run:  ORBITVIZ_DATA_MIRROR=../shared/data python examples/philae_bounces.py
"""

import orbitviz

# 1. Load the kernels (lander SPK, comet orbit, Rosetta frames) and the 96,834-face shape model,
#    sample Philae's path relative to the comet, and measure its altitude above the surface.
path = orbitviz.philae_path("67p-spc.ply")
print(
    f"{len(path.et)} samples, altitude {path.altitude_km.min() * 1e3:.1f} "
    f"to {path.altitude_km.max() * 1e3:.1f} m"
)

# 2. The contacts: the ends of the data and every bounce (a sudden change of velocity).
print("\ncontact (UTC)             kind            lat      lon     residual")
for t in path.touchdowns:
    print(f"{t.utc}   {t.kind:<14} {t.lat_deg:+6.2f}  {t.lon_deg:7.2f}   {t.altitude_m:+5.1f} m")

# 3. The hops between them.
print("\nhop                                    minutes   apex (m)   ground distance (m)")
for h in path.hops:
    print(
        f"{h.start_utc[11:19]} -> {h.end_utc[11:19]}                 "
        f"{h.duration_s / 60:6.1f}   {h.apex_m:8.1f}   {h.ground_distance_m:10.1f}"
    )
