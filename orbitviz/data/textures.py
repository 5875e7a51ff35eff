"""Surface imagery for the bodies a scene draws: the Earth from Natural Earth I (public domain,
naturalearthdata.com), as the PyPI package ``cartopy`` (BSD-3-Clause) ships it
(``pip install -e ".[textures]"``), its file checked against the sha256 below before it is read.
cartopy itself is never imported (it would import shapely and pyproj): only its data file is
read. No package found ships a global map of the Moon under a licence we can use, so the Moon
keeps its plain colour.

The image is equirectangular (plate carrée): longitude -180 deg at the left edge to +180 deg at
the right, latitude +90 deg in the first row to -90 deg in the last.

>>> image = earth_image()                                      # doctest: +SKIP
>>> image.shape, image.dtype                                   # doctest: +SKIP
((360, 720, 3), dtype('uint8'))
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


def earth_image_path() -> Path:
    """The Natural Earth image of the installed cartopy (DataError saying how to install it
    when absent), found without importing cartopy."""
    spec = importlib.util.find_spec("cartopy")
    if spec is None or spec.origin is None:
        raise DataError(
            "the Earth's texture needs the Natural Earth image that cartopy ships: "
            "pip install cartopy (or orbitviz's extra: pip install -e '.[textures]')"
        )
    path = Path(spec.origin).parent / EARTH_FILE
    if not path.is_file():
        raise DataError(
            f"{path} is missing: reinstall cartopy (pip install --force-reinstall cartopy)"
        )
    return path


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
