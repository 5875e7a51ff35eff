"""The box least-squares periodogram (Kovacs, Zucker & Mazeh 2002), compiled: for each trial
period the light curve is folded into phase bins a fraction of the shortest duration wide, and
every box of every trial duration at every phase is scored by its signal-to-noise ratio.

Scores are the SNR of the box depth, ``depth / sigma_depth`` with inverse-variance weights
(astropy's ``BoxLeastSquares(objective="snr")`` on the same bins gives the same numbers; see
``tests/test_exoplanets_search.py``). Periods run in parallel over the cores.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numba import prange

from orbitviz.data import compiled

BLS = compiled.group("bls", [Path(__file__)], "transit search")
"""Cached in orbitviz's cache folder (``$ORBITVIZ_CACHE_DIR/numba/bls-<hash>``) like the
N-body engine: see :mod:`orbitviz.data.compiled`."""
njit = BLS.njit


@njit(cache=True, parallel=True)
def bls_snr(
    time: np.ndarray,
    dflux: np.ndarray,
    weight: np.ndarray,
    periods: np.ndarray,
    durations: np.ndarray,
    dur_lo: np.ndarray,
    dur_hi: np.ndarray,
    bins_per_duration: int,
):
    """For each period ``periods[i]``: the best SNR over the durations
    ``durations[dur_lo[i]:dur_hi[i]]`` (days, increasing) and all phases, with that box's
    duration, mid-time (days, same origin as ``time``) and depth.

    ``dflux`` is flux - 1 (so a transit is negative), ``weight`` 1 / sigma^2 (0 = ignore)."""
    n_periods = len(periods)
    snr = np.zeros(n_periods)
    best_duration = np.zeros(n_periods)
    best_mid = np.zeros(n_periods)
    best_depth = np.zeros(n_periods)
    total_w = 0.0
    total_y = 0.0
    for j in range(len(time)):
        total_w += weight[j]
        total_y += weight[j] * dflux[j]
    t_ref = time[0]
    for i in prange(n_periods):
        period = periods[i]
        lo, hi = dur_lo[i], dur_hi[i]
        if hi <= lo:
            continue
        bin_width = durations[lo] / bins_per_duration
        n_bins = int(np.ceil(period / bin_width))
        bin_width = period / n_bins
        sum_w = np.zeros(n_bins)
        sum_y = np.zeros(n_bins)
        for j in range(len(time)):
            phase = (time[j] - t_ref) / period
            phase -= np.floor(phase)
            b = int(phase * n_bins)
            if b >= n_bins:
                b = n_bins - 1
            sum_w[b] += weight[j]
            sum_y[b] += weight[j] * dflux[j]
        best = 0.0
        for k in range(lo, hi):
            width = int(np.round(durations[k] / bin_width))
            if width < 1:
                width = 1
            if width >= n_bins:
                continue
            w_in = 0.0
            y_in = 0.0
            for b in range(width):
                w_in += sum_w[b]
                y_in += sum_y[b]
            for start in range(n_bins):
                if w_in > 0.0 and total_w - w_in > 0.0:
                    mean_in = y_in / w_in
                    mean_out = (total_y - y_in) / (total_w - w_in)
                    depth = mean_out - mean_in
                    if depth > 0.0:
                        s = depth * np.sqrt(w_in * (total_w - w_in) / total_w)
                        if s > best:
                            best = s
                            best_duration[i] = width * bin_width
                            best_mid[i] = t_ref + (start + 0.5 * width) * bin_width
                            best_depth[i] = depth
                # slide the box one bin: drop bin `start`, add bin `start + width`
                end = start + width
                if end >= n_bins:
                    end -= n_bins
                w_in += sum_w[end] - sum_w[start]
                y_in += sum_y[end] - sum_y[start]
        snr[i] = best
    return snr, best_duration, best_mid, best_depth


@njit(cache=True)
def box_snr_single(time, dflux, weight, durations, step):
    """Single boxes (no period): for each trial mid-time ``time[0] + k * step`` and each
    duration, the SNR of the mean flux drop inside the box against zero; returns, per trial
    duration, the best SNR, its mid-time and depth (arrays of len(durations)). ``time`` must be
    increasing."""
    n_dur = len(durations)
    best_snr = np.zeros(n_dur)
    best_mid = np.zeros(n_dur)
    best_depth = np.zeros(n_dur)
    n = len(time)
    cw = np.zeros(n + 1)
    cy = np.zeros(n + 1)
    for j in range(n):
        cw[j + 1] = cw[j] + weight[j]
        cy[j + 1] = cy[j] + weight[j] * dflux[j]
    t_start = time[0]
    n_steps = int((time[n - 1] - time[0]) / step) + 1
    for k in range(n_dur):
        half = 0.5 * durations[k]
        lo = 0
        hi = 0
        for s in range(n_steps):
            mid = t_start + s * step
            while lo < n and time[lo] < mid - half:
                lo += 1
            if hi < lo:
                hi = lo
            while hi < n and time[hi] <= mid + half:
                hi += 1
            w = cw[hi] - cw[lo]
            if w <= 0.0:
                continue
            depth = -(cy[hi] - cy[lo]) / w
            snr = depth * np.sqrt(w)
            if snr > best_snr[k]:
                best_snr[k] = snr
                best_mid[k] = mid
                best_depth[k] = depth
    return best_snr, best_mid, best_depth
