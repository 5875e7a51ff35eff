"""The scene model without OpenGL: events, clock, layers, sampling."""

import numpy as np
import pytest

from orbitviz.errors import UnknownLayer
from orbitviz.scene import (
    Clock,
    LabelLayer,
    MarkerLayer,
    MeshLayer,
    Readout,
    Scene,
    SphereLayer,
    TrajectoryLayer,
)
from orbitviz.shapes.mesh import Mesh

TETRA = Mesh(
    np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1.0]]),
    np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]]),
)


def test_layer_events_fire_on_change_only():
    layer = LabelLayer("l", [[0, 0, 0]], ["a"])
    seen = []
    layer.events.connect(lambda e: seen.append((e.type, e.value)))
    layer.visible = False
    layer.visible = False
    layer.opacity = 0.5
    layer.color = "red"
    assert seen == [("visible", False), ("opacity", 0.5), ("color", (1.0, 0.0, 0.0, 1.0))]
    with pytest.raises(ValueError, match="opacity"):
        layer.opacity = 2


def test_clock_advances_loops_and_pauses():
    clock = Clock(0.0, 100.0, rate=10.0)
    times = []
    clock.events.time.connect(lambda e: times.append(e.value))
    assert clock.advance(1.0) == 0.0  # paused
    clock.play()
    assert clock.advance(2.5) == 25.0
    assert clock.advance(8.0) == pytest.approx(5.0)  # wraps around
    clock.et = 90.0
    assert clock.advance(1.0) == 100.0 and clock.playing  # the last frame is shown, then
    assert clock.advance(0.5) == 5.0  # it wraps
    clock.loop = False
    clock.et = 95.0
    assert clock.advance(1.0) == 100.0 and not clock.playing
    clock.fraction = 0.5
    assert clock.et == 50.0 and times[-1] == 50.0
    with pytest.raises(ValueError, match="empty"):
        Clock(10.0, 0.0)


def test_trajectory_colors_by_time_scalar_mask_and_trail():
    et = np.linspace(0.0, 100.0, 101)
    pos = np.c_[et, 0 * et, 0 * et]
    by_time = TrajectoryLayer("t", et, pos, color_by="time", colormap="viridis")
    colors = by_time.colors_at(50.0)
    assert colors.shape == (101, 4) and not np.allclose(colors[0], colors[-1])
    mask = TrajectoryLayer(
        "m", et, pos, color_by="mask", mask=et > 50, color_true="red", color_false="blue"
    )
    assert tuple(mask.colors_at(0.0)[80]) == (1.0, 0.0, 0.0, 1.0)
    assert tuple(mask.colors_at(0.0)[20]) == (0.0, 0.0, 1.0, 1.0)
    alt = TrajectoryLayer("a", et, pos, color_by="scalar", scalar=et**2, clim=(0, 1e4))
    assert np.allclose(alt.colors_at(0.0)[-1], alt.colors_at(0.0)[-2], atol=0.05)
    trail = TrajectoryLayer("tr", et, pos, trail_s=20.0, lead_s=0.0, fade=0.5, opacity=0.8)
    alpha = trail.colors_at(50.0)[:, 3]
    assert alpha[51:].max() == 0 and alpha[:30].max() == 0
    assert alpha[50] == pytest.approx(0.8) and alpha[40] == pytest.approx(0.8)
    assert 0 < alpha[35] < 0.8  # fading part of the trail
    resampled = TrajectoryLayer("s", et, pos, sample_count=11)
    assert np.allclose(resampled.display_positions_km[:, 0], np.linspace(0, 100, 11))
    with pytest.raises(ValueError, match="needs scalar"):
        TrajectoryLayer("x", et, pos, color_by="scalar")
    with pytest.raises(ValueError, match="increasing"):
        TrajectoryLayer("x", et[::-1], pos)


def test_trajectory_colored_by_scalar_follows_the_scalar_through_the_colormap():
    """Per-vertex colours are the colormap of the scalar (an altitude that falls and rises
    again, so colouring by time would not pass), within clim, clipped outside it."""
    import matplotlib

    viridis = matplotlib.colormaps["viridis"]
    et = np.linspace(0.0, 100.0, 101)
    pos = np.c_[et, 0 * et, 0 * et]
    altitude = (et - 40.0) ** 2 + 500.0  # 2100 at the start, 500 at et = 40, 4100 at the end
    layer = TrajectoryLayer("alt", et, pos, color_by="scalar", scalar=altitude, colormap="viridis")
    colors = layer.colors_at(0.0)
    np.testing.assert_allclose(colors[40], viridis(0.0))  # the lowest value: the low end
    np.testing.assert_allclose(colors[-1], viridis(1.0))  # the highest: the high end
    np.testing.assert_allclose(colors, viridis((altitude - 500.0) / 3600.0), atol=1e-12)
    # the colour's place in the colormap's table rises with the scalar, and only with it
    table = viridis(np.linspace(0.0, 1.0, viridis.N))
    place = np.argmin(np.linalg.norm(colors[:, None, :3] - table[None, :, :3], axis=2), axis=1)
    order = np.argsort(altitude, kind="stable")
    assert np.all(np.diff(place[order]) >= 0) and place[order][-1] - place[order][0] > 200
    assert np.array_equal(place[:41], place[40:81][::-1])  # same altitude, same colour
    # clim: values at or beyond the limits take the ends of the colormap
    clipped = TrajectoryLayer(
        "c", et, pos, color_by="scalar", scalar=altitude, clim=(600.0, 1400.0)
    ).colors_at(0.0)
    low = altitude <= 600.0
    assert low.sum() == 21 and np.allclose(clipped[low], viridis(0.0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(clipped[70], viridis(1.0))  # 1400 at et = 70
    np.testing.assert_allclose(clipped[50], viridis((600.0 - 600.0) / 800.0))
    np.testing.assert_allclose(clipped[60], viridis((900.0 - 600.0) / 800.0))
    # resampled for display: the scalar is interpolated at the drawn points
    coarse = TrajectoryLayer(
        "r", et, pos, color_by="scalar", scalar=et, clim=(0.0, 100.0), sample_count=4
    ).colors_at(0.0)
    np.testing.assert_allclose(coarse, viridis(np.linspace(0.0, 1.0, 4)))


def test_marker_interpolates_and_hides_outside_span():
    marker = MarkerLayer("lander", [[0, 0, 0], [10, 0, 0]], et=[100.0, 200.0], labels=["P"])
    assert np.allclose(marker.positions_at(150.0), [[5, 0, 0]])
    assert np.isnan(marker.positions_at(50.0)).all()
    assert np.allclose(marker.track_at(np.array([0.0, 300.0])), [[0, 0, 0], [10, 0, 0]])
    fixed = MarkerLayer("sites", [[1, 2, 3], [4, 5, 6]], labels=["A", "B"])
    assert fixed.positions_at(0.0).shape == (2, 3)


def test_mesh_sun_direction_is_interpolated_unit_vector():
    layer = MeshLayer("comet", TETRA, sun_et=[0.0, 10.0], sun_dir=[[1, 0, 0], [0, 1, 0]])
    mid = layer.sun_direction_at(5.0)
    assert np.allclose(mid, [2**-0.5, 2**-0.5, 0])
    assert layer.sun_direction_at(np.array([0.0, 10.0])).shape == (2, 3)


def test_scene_layers_bounds_home_camera_and_readouts():
    scene = Scene(frame="J2000", clock=Clock(0.0, 10.0), title="t")
    events = []
    scene.layers.events.connect(lambda e: events.append((e.type, e.value.name)))
    scene.add(MeshLayer("comet", TETRA))
    scene.add(SphereLayer("soi", 5.0, (10, 0, 0)))
    with pytest.raises(ValueError, match="already"):
        scene.add(SphereLayer("soi", 1.0))
    assert np.allclose(scene.bounds_km(), [[0, -5, -5], [15, 5, 5]])
    home = scene.home_camera()
    assert np.allclose(home.center_km, (7.5, 0, 0))
    assert home.distance_km > 10
    scene.layers.remove("soi")
    assert events == [("added", "comet"), ("added", "soi"), ("removed", "soi")]
    scene.readouts.append(Readout("d", lambda et: [f"{v:.0f}" for v in et]))
    assert scene.readout_texts(np.array([1.0, 2.0])) == [["1", "2"]]


def test_each_layer_class_declares_its_events_and_a_misspelt_one_fails_where_connected():
    layer = TrajectoryLayer("t", [0.0, 1.0], [[0, 0, 0], [1, 0, 0]])
    assert list(layer.events) == [
        *("visible", "color", "opacity", "name"),
        *("trail_s", "lead_s", "fade", "width_px", "ahead_opacity"),
    ]
    assert "sun" in MeshLayer("m", TETRA).events and "sun" not in layer.events
    widths = []
    layer.events.width_px.connect(lambda e: widths.append(e.value))
    layer.fade, layer.width_px = 0.5, 4.0
    assert widths == [4.0]
    with pytest.raises(AttributeError, match="'TrajectoryLayer' has no event 'widht_px'"):
        layer.events.widht_px.connect(widths.append)


def test_layers_are_themselves_whatever_their_names():
    """Renaming a layer to a name taken makes it unique (napari's rule), the follow target
    stays the layer it was, and removing a renamed layer removes that one."""
    scene = Scene(frame="J2000", clock=Clock(0.0, 10.0))
    a = scene.add(MarkerLayer("A", [[0, 0, 0], [1, 0, 0]], et=[0.0, 10.0]))
    b = scene.add(MarkerLayer("B", [[0, 0, 0]]))
    scene.follow_target = "A"
    names = []
    b.events.name.connect(lambda e: names.append(e.value))
    b.name = "A"
    assert scene.layers.names == ["A", "A [2]"] and names[-1] == "A [2]" and b.name == "A [2]"
    a.name = "Philae"
    assert scene.follow_target is a and scene["Philae"] is a
    b.name = "Philae"
    assert b.name == "Philae [2]"
    scene.layers.remove(b)
    assert scene.layers.names == ["Philae"] and b not in scene.layers and a in scene.layers
    b.name = "Philae"  # out of the scene: no longer kept unique by it
    assert b.name == "Philae"
    with pytest.raises(UnknownLayer, match="no layer named 'B'"):
        scene.follow_target = "B"


def test_a_track_shows_exactly_lead_s_ahead_and_trail_s_behind_the_time():
    """One-second samples at scene time 50 s with a 10 s lead and a 15 s trail: the points of
    35 s to 60 s are drawn, both ends included, and nothing else."""
    et = np.linspace(0.0, 100.0, 101)
    pos = np.c_[et, 0 * et, 0 * et]
    layer = TrajectoryLayer("t", et, pos, trail_s=15.0, lead_s=10.0, fade=0.0)
    assert np.flatnonzero(layer.colors_at(50.0)[:, 3]).tolist() == list(range(35, 61))
    layer.lead_s = None  # no lead limit: everything ahead
    assert np.flatnonzero(layer.colors_at(50.0)[:, 3]).tolist() == list(range(35, 101))


def test_a_ruler_gives_radii_of_the_body_it_measures_from_and_none_between_markers():
    """Between Philae and a touchdown site (markers on a comet) a distance in Earth radii
    means nothing; from the Moon it is in the Moon's radii (IAU mean radius 1737.4 km)."""
    from orbitviz.scene import MarkerLayer, RulerEnd, RulerLayer, SphereLayer

    sites = MarkerLayer("sites", [[0.0, 0.0, 0.0], [0.1234, 0.0, 0.0]], labels=["A", "B"])
    between = RulerLayer("r", RulerEnd(sites, 0), RulerEnd(sites, 1))
    assert between.text_at(0.0) == "A \u2013 B: 0.123 km"
    moon = SphereLayer("Moon", 1737.4, (0.0, 0.0, 0.0), lit=True)
    shell = SphereLayer("Moon SOI", 66_000.0, (0.0, 0.0, 0.0))  # a shell, not a body
    rock = MarkerLayer("rock", [[3474.8, 0.0, 0.0]], labels=["rock"])
    assert RulerLayer("r", RulerEnd(shell), RulerEnd(rock)).text_at(0.0) == (
        "Moon SOI \u2013 rock: 3,475 km"
    )
    assert RulerLayer("r", RulerEnd(rock), RulerEnd(moon)).text_at(0.0) == (
        "rock \u2013 Moon: 3,475 km (2.00 Moon radii)"
    )
