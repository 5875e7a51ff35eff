"""Detrending that keeps transits: a time-windowed Tukey biweight (the robust location that
wotan's ``flatten(method="biweight")`` computes; Hippke et al. 2019, AJ 158, 143), in numpy.

Each point's trend is the biweight location of the flux within ``window_d`` days around it,
inside its own segment (no window straddles a gap longer than ``break_d``): points far from the
window's centre (transits, flares, outliers) get zero weight, so a transit shorter than about
a third of the window is left in the flattened flux. Points masked as in transit (``mask``) do
not count at all, so a known transit's trend is interpolated from the flux around it.

>>> import numpy as np
>>> t = np.arange(0.0, 10.0, 0.02)
>>> flux = 1.0 + 0.001 * np.sin(t / 3.0) + np.random.default_rng(1).normal(0, 1e-4, len(t))
>>> flux[(t > 5.0) & (t < 5.2)] -= 0.001                  # a 4.8-hour, 1000 ppm transit
>>> flat, trend = flatten(t, flux, window_d=1.0)
>>> round(float(np.mean(flat[(t > 5.0) & (t < 5.2)]) - 1.0) * 1e6, -2)   # depth kept
-1000.0
>>> float(np.std(flat[t < 4.0])) < 1.1e-4                # the slow trend is gone: noise left
True
"""

from __future__ import annotations

import itertools

import numpy as np

TUKEY_C = 5.0
"""The biweight's tuning constant in units of the MAD (wotan's default)."""
MAX_ELEMENTS = 4_000_000
"""Window values held at once (rows are processed in chunks of this many)."""


def segments_of(time: np.ndarray, break_d: float) -> list[tuple[int, int]]:
    """Index ranges ``[(start, stop), ...]`` of the runs of ``time`` without a gap longer than
    ``break_d`` days."""
    cuts = np.flatnonzero(np.diff(time) > break_d) + 1
    edges = [0, *cuts.tolist(), len(time)]
    return list(itertools.pairwise(edges))


def _biweight_rows(values: np.ndarray, iterations: int) -> np.ndarray:
    """Tukey biweight location of each row of ``values`` (R, W), NaN = not in the window."""
    location = np.nanmedian(values, axis=1)
    for _ in range(iterations):
        dev = values - location[:, None]
        mad = np.nanmedian(np.abs(dev), axis=1)
        mad = np.where(mad > 0, mad, np.nan)
        u = dev / (TUKEY_C * mad[:, None])
        weight = np.where(np.abs(u) < 1.0, (1.0 - u * u) ** 2, 0.0)
        weight = np.where(np.isnan(values), 0.0, weight)
        total = weight.sum(axis=1)
        new = np.where(
            total > 0,
            np.nansum(weight * np.nan_to_num(values), axis=1) / np.maximum(total, 1e-300),
            location,
        )
        new = np.where(np.isfinite(new), new, location)
        if np.allclose(new, location, rtol=0.0, atol=1e-9, equal_nan=True):
            return new
        location = new
    return location


def flatten(
    time,
    flux,
    *,
    window_d: float = 1.0,
    mask=None,
    break_d: float = 0.5,
    iterations: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """``(flux / trend, trend)`` for ``time`` (N,) days, increasing, and ``flux`` (N,).

    ``window_d``: the sliding window (about three times the longest transit to keep);
    ``mask`` (N,) true where points must not shape the trend (known transits); ``break_d``:
    gaps longer than this split the light curve into segments detrended apart. Points whose
    whole window is masked get the trend interpolated from their segment's other points."""
    time = np.asarray(time, dtype=np.float64)
    flux = np.asarray(flux, dtype=np.float64)
    usable = np.isfinite(flux) & (np.ones(len(flux), bool) if mask is None else ~np.asarray(mask))
    trend = np.full(len(time), np.nan)
    half = 0.5 * float(window_d)
    for start, stop in segments_of(time, break_d):
        t = time[start:stop]
        values = np.where(usable[start:stop], flux[start:stop], np.nan)
        lo = np.searchsorted(t, t - half, side="left")
        hi = np.searchsorted(t, t + half, side="right")
        width = int((hi - lo).max())
        rows = max(1, MAX_ELEMENTS // max(width, 1))
        out = np.empty(len(t))
        for first in range(0, len(t), rows):
            last = min(first + rows, len(t))
            index = lo[first:last, None] + np.arange(width)[None, :]
            inside = index < hi[first:last, None]
            window = np.where(inside, values[np.minimum(index, len(t) - 1)], np.nan)
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows
                    out[first:last] = _biweight_rows(window, iterations)
        good = np.isfinite(out)
        if good.any() and not good.all():
            out[~good] = np.interp(t[~good], t[good], out[good])
        trend[start:stop] = out
    with np.errstate(invalid="ignore", divide="ignore"):
        return flux / trend, trend
