"""Will asteroid 2021 WP's flyby change its orbit?

In November 2021 the small asteroid 2021 WP passed Earth closer than the Moon. This script asks
orbitviz when it entered and left Earth's sphere of influence (SOI), how close it came, how fast,
and how the encounter changed its heliocentric orbit -- first with patched conics (the method of
the Space Science with Python notebooks), then with an N-body integration.

Run:  python examples/flyby_2021wp.py        (offline: the elements are built into orbitviz)
"""

import orbitviz

# 1. Patched conics: Sun-centred two-body orbit, Earth-centred hyperbola inside the SOI.
report = orbitviz.flyby("2021 WP", body="EARTH", method="patched")
s = report.summary
print(f"SOI radius            {s['soi_radius_km']:,.0f} km")
print(f"enters Earth's SOI    {s['soi_entry_utc']}")
print(f"leaves Earth's SOI    {s['soi_exit_utc']}  ({s['soi_dwell_h']:.1f} h inside)")
print(f"closest approach      {s['closest_approach_utc']}")
print(
    f"closest distance      {s['closest_distance_km']:,.0f} km = {s['closest_distance_ld']:.3f} LD"
    f" = {s['closest_distance_body_radii']:.1f} Earth radii"
)
print(
    f"speed                 {s['v_rel_kms']:.2f} km/s at closest approach, "
    f"v_inf {s['v_inf_kms']:.2f} km/s"
)

# 2. The orbit before and after the encounter.
print("\nheliocentric orbit    before      after")
for key in ("q_au", "e", "i_deg", "node_deg", "peri_deg"):
    print(f"  {key:<10} {s['elements_before'][key]:12.6f} {s['elements_after'][key]:10.6f}")

# 3. The same pass, integrated with the Sun, planets and Moon (DE421), compared with the above.
nbody = orbitviz.flyby("2021 WP", method="nbody")
diff = nbody.summary["comparison"]
print(
    f"\nN-body vs patched conics: closest approach {diff['closest_approach_dt_s']:+.0f} s, "
    f"{diff['closest_distance_dkm']:+,.0f} km"
)

# 4. A picture: distance vs time with the SOI and 1 LD marked.
report.plot("flyby_2021wp.png")
print("\nwrote flyby_2021wp.png")
