"""Opening an SPK on a scene built from SPICE adds the tracks of its bodies."""

import numpy as np
import pytest

from orbitviz.data import fetch
from orbitviz.spice import loaded_kernels, to_et

SOLO = "solo_ANC_soc-orbit_20200210-20301120_L015_V1_00024_V01.bsp"


def test_solar_orbiter_spk_on_the_2021_wp_flyby_heads_for_its_earth_flyby(mirror):
    from orbitviz.recipes import open_file, recipe

    session: list = []
    prepared = open_file(fetch(SOLO), recipe("flyby", target="2021 WP"), session)
    try:
        assert prepared.added_tracks == ("SOLAR ORBITER",)
        track = prepared.scene["SOLAR ORBITER"]
        clock = prepared.scene.clock
        assert track.et[0] == pytest.approx(clock.start_et) and track.et[-1] == pytest.approx(
            clock.stop_et
        )
        # Earth-centred: ESA's Earth gravity assist was 2021-11-27 04:30 UTC at 460 km altitude,
        # three days after the scene ends; the track must be closing in at the matching rate
        dist = np.linalg.norm(track.positions_km, axis=1)
        rate = (dist[-1] - dist[-11]) / (track.et[-1] - track.et[-11])
        arrival = track.et[-1] - dist[-1] / rate
        assert rate < 0
        assert abs(arrival - float(to_et("2021-11-27T04:30:00"))) < 0.5 * 86400
    finally:
        for kernels in session:
            kernels.unload()
    assert not any(p.name == SOLO for p in loaded_kernels())


def test_only_bodies_new_to_the_scene_with_data_in_its_span_get_a_track(mirror):
    from orbitviz.recipes import SceneRecipe, open_file
    from orbitviz.scene import Scene, SpiceOrigin
    from orbitviz.scene.clock import Clock

    start = float(to_et("2014-11-12T15:40:00"))

    def build():  # a small 67P-centred scene within Philae's bounce and the comet's orbit
        return Scene(
            frame="67P/C-G_FIXED",
            clock=Clock(start, start + 3600.0),
            spice=SpiceOrigin("CHURYUMOV-GERASIMENKO", "67P/C-G_FIXED", ("philae",)),
        )

    session: list = []
    try:
        comet = open_file(fetch("C_G_1000012_2012_2017.bsp"), SceneRecipe("67P", build), session)
        assert comet.added_tracks == ()  # the comet is the origin
        lander = open_file(
            fetch("LORB_C_G_FIXED_RBD_7_V2_0.BSP"), SceneRecipe("67P", build), session
        )
        assert lander.added_tracks == ()  # part of the scene's own kernel set "philae"
        borrelly = open_file(fetch("borrelly.bsp"), SceneRecipe("67P", build), session)
        assert borrelly.added_tracks == ()  # its data end in 2004
        wirtanen = open_file(fetch("46PWirtanen.bsp"), SceneRecipe("67P", build), session)
        assert wirtanen.added_tracks == ("WIRTANEN",)  # 2009-2025: drawn, from 67P
        assert np.linalg.norm(wirtanen.scene["WIRTANEN"].positions_km, axis=1).min() > 1e8
    finally:
        for kernels in session:
            kernels.unload()
