"""Colours as RGBA float tuples, and colormaps applied to arrays (matplotlib's tables)."""

from __future__ import annotations

import numpy as np

from ..errors import SceneError

RGBA = tuple[float, float, float, float]


def to_rgba(color) -> RGBA:
    """Any matplotlib colour (name, ``"#rrggbb"``, RGB or RGBA floats in 0..1) as an RGBA tuple."""
    from matplotlib.colors import to_rgba as _to_rgba

    try:
        return tuple(float(c) for c in _to_rgba(color))  # type: ignore[return-value]
    except ValueError:
        raise SceneError(
            f"{color!r} is not a colour; use a name ('orange'), '#ff8800' or "
            "(r, g, b[, a]) floats in 0..1"
        ) from None


def colormap(name: str, values: np.ndarray, clim: tuple[float, float]) -> np.ndarray:
    """RGBA (N, 4) of ``values`` (N,) through colormap ``name`` scaled to ``clim``."""
    import matplotlib

    try:
        cmap = matplotlib.colormaps[name]
    except KeyError:
        raise SceneError(
            f"unknown colormap {name!r}; try 'viridis', 'plasma' or 'coolwarm'"
        ) from None
    low, high = clim
    scaled = (np.asarray(values, dtype=np.float64) - low) / ((high - low) or 1.0)
    return cmap(np.clip(scaled, 0.0, 1.0))


# CIE 1931 2-degree colour matching functions as sums of piecewise Gaussians (Wyman, Sloan &
# Shirley 2013, JCGT 2(2), "multi-lobe" fit): (weight, mean nm, sigma below, sigma above)
_CMF_LOBES = (
    ((1.056, 599.8, 37.9, 31.0), (0.362, 442.0, 16.0, 26.7), (-0.065, 501.1, 20.4, 26.2)),
    ((0.821, 568.8, 46.9, 40.5), (0.286, 530.9, 16.3, 31.1)),
    ((1.217, 437.0, 11.8, 36.0), (0.681, 459.0, 26.0, 13.8)),
)
_XYZ_TO_LINEAR_SRGB = np.array(  # IEC 61966-2-1 (D65 white)
    [[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415], [0.0557, -0.2040, 1.0570]]
)


def blackbody_rgb(teff_k: float) -> tuple[float, float, float]:
    """The colour of a black body at ``teff_k`` kelvin as sRGB in 0..1, brightest channel 1:
    Planck's spectrum through the CIE 1931 colour matching functions, then to sRGB (D65) with
    out-of-gamut negatives clipped. What a star of that effective temperature looks like.

    >>> [round(c, 2) for c in blackbody_rgb(3000.0)]      # orange
    [1.0, 0.72, 0.43]
    >>> min(blackbody_rgb(6504.0)) > 0.95                 # about D65: white
    True
    """
    if not (np.isfinite(teff_k) and teff_k > 0):
        raise SceneError(f"a black body's temperature must be > 0 K, got {teff_k}")
    wavelength_nm = np.arange(360.0, 831.0, 1.0)
    metres = wavelength_nm * 1e-9
    h, c, k = 6.62607015e-34, 2.99792458e8, 1.380649e-23
    with np.errstate(over="ignore"):
        planck = 1.0 / (metres**5 * np.expm1(h * c / (metres * k * float(teff_k))))
    xyz = []
    for lobes in _CMF_LOBES:
        cmf = np.zeros_like(wavelength_nm)
        for weight, mean, below, above in lobes:
            sigma = np.where(wavelength_nm < mean, below, above)
            cmf += weight * np.exp(-0.5 * ((wavelength_nm - mean) / sigma) ** 2)
        xyz.append(float(np.sum(planck * cmf)))
    linear = np.clip(_XYZ_TO_LINEAR_SRGB @ np.array(xyz), 0.0, None)
    linear /= linear.max()
    srgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return tuple(float(v) for v in srgb)  # type: ignore[return-value]
