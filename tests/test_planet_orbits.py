"""The inner planets' orbits in flyby scenes: faint labelled rings around the Sun that move with
it in the Earth-centred frame, drawn only in views wide enough for them."""

import numpy as np
import pytest
from conftest import needs_mirror
from render_support import gl_backend  # noqa: F401 - fixture

import orbitviz
from orbitviz.recipes import flyby_scene
from orbitviz.scene import CameraState
from orbitviz.spice import KernelSet, positions

pytestmark = needs_mirror
AU_KM = 149_597_870.7
INNER = ("Mercury", "Venus", "Earth", "Mars")


@pytest.fixture(scope="module")
def apophis():
    return flyby_scene(orbitviz.flyby("Apophis"))


def test_the_rings_are_the_planets_orbits_and_the_planets_ride_them(apophis):
    scene = apophis
    r = {name: np.linalg.norm(scene[f"{name} orbit"].positions_km, axis=1) for name in INNER}
    semi_major_au = {name: 0.5 * (d.min() + d.max()) / AU_KM for name, d in r.items()}
    assert semi_major_au == pytest.approx(
        {"Mercury": 0.387, "Venus": 0.723, "Earth": 1.0, "Mars": 1.524}, rel=0.005
    )
    for t in (scene.clock.start_et, scene.timeline.main.et, scene.clock.stop_et):
        with KernelSet("default"):  # independent: the ephemeris itself, Earth-centred
            venus = positions("VENUS", np.array([t]), observer="EARTH", frame="ECLIPJ2000")[0]
        ring = scene["Venus orbit"].drawn_positions_km(t)
        assert np.linalg.norm(ring - venus, axis=1).min() < 0.005 * AU_KM  # on its ring, now
        np.testing.assert_allclose(scene["Venus"].positions_at(t)[0], venus, atol=2e3)
        # the Earth's own orbit passes through the Earth (the scene's origin) at every time
        earth_ring = scene["Earth orbit"].drawn_positions_km(t)
        assert np.linalg.norm(earth_ring, axis=1).min() < 0.005 * AU_KM
    # they are not in the first view's bounds, nor in its legend
    assert np.abs(scene.bounds_km()).max() < 0.02 * AU_KM
    assert not any(scene[f"{name} orbit"].legend for name in INNER)


def test_orbits_show_only_in_wide_views(gl_backend, apophis):  # noqa: F811
    from orbitviz._vispy import SceneCanvas
    from orbitviz._vispy.label_adapter import label_sources
    from orbitviz._vispy.picking import pick_path

    scene = apophis
    canvas = SceneCanvas(scene, size=(480, 270), overlays=())
    home = scene.home_camera()
    shown = {}
    try:
        for factor in (1.0, 60.0):
            canvas.set_camera(
                CameraState(home.center_km, 30.0, 60.0, factor * home.distance_km, home.fov_deg)
            )
            image = canvas.render()[..., :3].astype(int)
            drawn = [n for n in INNER if canvas.adapters[scene[f"{n} orbit"]].node.visible]
            said = {
                s.layer for s in label_sources(scene, scene.clock.et, canvas.size, canvas.view_km)
            }
            ring = canvas.project(scene["Venus orbit"].drawn_positions_km(scene.clock.et))
            inside = ring[
                (ring[:, 0] > 2) & (ring[:, 0] < 477) & (ring[:, 1] > 2) & (ring[:, 1] < 267)
            ]
            cols, rows = np.round(inside).astype(int).T
            # the orbit's pixels: bluish grey where the ring projects, not the black sky
            blue = image[rows, cols, 2] if len(inside) else np.zeros(1)
            shown[factor] = (drawn, "Venus" in said, float(np.mean(blue > 40)))
            if factor > 1 and len(inside):  # hovering the ring names it (no single time)
                picked = pick_path(canvas, *inside[len(inside) // 2])
                assert picked is not None and picked.layer.name == "Venus orbit", picked
                assert picked.et is None
    finally:
        canvas.close()
    assert shown[1.0][:2] == ([], False), shown  # the flyby's own view: no orbits, no labels
    drawn, labelled, lit = shown[60.0]
    assert drawn == list(INNER) and labelled, shown
    assert lit > 0.5, shown  # most of Venus' ring is drawn where it projects
