"""
Will asteroid 2021 WP's flyby change its orbit?
===============================================

In November 2021 the small asteroid 2021 WP passed Earth closer than the Moon. We ask orbitviz
when it entered and left Earth's sphere of influence (SOI), how close it came, how fast, and
how the encounter changed its heliocentric orbit -- first with patched conics (the method of
the *Space Science with Python* notebooks), then with an N-body integration.

Run it as a script: ``python examples/flyby_2021wp.py`` (offline: the elements are built
into orbitviz).
"""

import orbitviz

# %%
# Patched conics
# --------------
# A Sun-centred two-body orbit until the asteroid enters Earth's SOI, an Earth-centred
# hyperbola inside it, a Sun-centred orbit again after it leaves.
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

# %%
# The orbit before and after
# --------------------------
# Osculating heliocentric elements at SOI entry and at SOI exit: a few days near Earth
# changed the inclination by more than a degree and moved the perihelion inwards.
print("heliocentric orbit    before      after")
for key in ("q_au", "e", "i_deg", "node_deg", "peri_deg"):
    print(f"  {key:<10} {s['elements_before'][key]:12.6f} {s['elements_after'][key]:10.6f}")

# %%
# The same pass, integrated
# -------------------------
# The N-body engine integrates the asteroid with the Sun, the planets and the Moon (DE421)
# through the whole encounter. Every N-body report carries what patched conics would say
# beside it, and how far that is from the N-body answer.
nbody = orbitviz.flyby("2021 WP", method="nbody")
print(nbody.summary["headline"])
off = nbody.summary["comparison"]["two_body_minus_nbody"]
print(
    f"patched conics minus N-body: closest approach {off['closest_approach_dt_s'] / 3600:+.2f} h, "
    f"{off['closest_distance_dkm']:+,.0f} km, SOI entry {off['soi_entry_dt_s'] / 3600:+.2f} h"
)

# %%
# A picture
# ---------
# Distance against time, with the SOI and one lunar distance marked.
nbody.plot("flyby_2021wp.png")
print("wrote flyby_2021wp.png")

# %%
# The pass in 3D
# --------------
# The report's own scene, as the viewer shows it: Earth and the Moon to scale, the SOI, the
# N-body and patched-conic tracks, the closest approach labelled. ``orbitviz.show(scene)``
# opens it (a window, or a widget in a notebook); ``orbitviz view flyby "2021 WP"`` too.
scene = orbitviz.build_scene(nbody)
print(", ".join(layer.name for layer in scene.layers))

# sphinx_gallery_thumbnail_number = 2
