"""The transit search: detrend, find the strongest periodic signal, mask its transits, search
again until nothing passes the thresholds; then single transits in what is left.

What passes (the report states these numbers):

- a **periodic** signal: at least three transits with data, ``SNR >= snr_min`` (7.1, the Kepler
  pipeline's threshold: Jenkins et al. 2010), ``SDE >= sde_min`` (7: its peak's height above
  the periodogram's running median, in robust standard deviations), and an SNR above the
  **noise floor**: the strongest periodic "dip" the same search finds in the *inverted* light
  curve, where no transit can be (red noise and systematics reach it; white noise alone would
  not);
- a **single transit**, or a signal seen in two transits only (one repetition proves little):
  ``SNR >= single_snr_min`` (10). Transits whose depths disagree (chi-square p < 1e-4, the
  errors widened by the red noise measured on the transit's time scale) are not one planet: the strongest is kept as a single transit and the others are searched again.
  Single transits left after the periodic search are looked for twice: in the same trend, and
  (those over 10 h) in a 3-day trend that does not eat a day-long transit; each time a dip must
  also beat 1.5 times the strongest single dip of the inverted flux;
- each signal carries a false-alarm probability: the Gaussian tail of its SNR times the number
  of independent (period, phase, duration) trials (a union bound: fair for white noise,
  optimistic for red noise, which the noise floor covers).

Upward outliers (> 4 sigma: cosmic rays, flares) and isolated single-cadence drops are left
out of the search (a transit spans several cadences).

The period grid is uniform in frequency^(1/3) (Ofir 2014): its step keeps a transit's phase
drift over the baseline under a third of the shortest plausible duration for the star's density,
so its size depends on the baseline and the star, never on the number of points or on gaps.
Trial durations are tied to the period by the star's density (0.3-1.5x a central transit's).

Two transits leave the period ambiguous: every ``separation / m`` that puts no other transit
where data exist is an allowed alias (``Signal.aliases_d``); the report lists them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from ..arguments import whole
from ..errors import TransitError
from .detrend import flatten
from .lightcurve import LightCurve, point_scatter

TRIAL_DURATIONS_H = (
    0.75,
    1.0,
    1.5,
    2.0,
    2.5,
    3.0,
    4.0,
    5.0,
    6.5,
    8.0,
    10.0,
    12.5,
    15.0,
    18.0,
    24.0,
)
BINS_PER_DURATION = 3
PEAKS_EXAMINED = 20
CLIP_SIGMA = 4.0
LONG_WINDOW_D = 3.0
"""The trend window of the second look for long single transits."""
LONG_TRANSIT_D = 10.0 / 24.0
"""Single transits at least this long are looked for again in the wide trend."""
SINGLE_FLOOR_FACTOR = 1.5
"""A single transit must beat the inverted flux's strongest single dip by this factor (red
noise makes real dips of systematics stronger than the inverted ones: 10.4 against 8.5 in
Kepler-90's quiet flux with a 3-day trend)."""


@dataclass(frozen=True)
class SearchSettings:
    """What the search does: the periods searched (``period_max_d`` None: the baseline, so
    that two transits can be seen), the detrending ``window_d`` (about three times the
    longest transit kept), the thresholds (see the module), ``max_signals`` and the grid's
    ``oversample``."""

    period_min_d: float = 0.5
    period_max_d: float | None = None
    window_d: float = 1.5
    snr_min: float = 7.1
    sde_min: float = 7.0
    single_snr_min: float = 10.0
    max_signals: int = 12
    oversample: int = 3

    def __post_init__(self) -> None:
        for name in ("period_min_d", "window_d", "snr_min", "sde_min", "single_snr_min"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise TransitError(f"search setting {name} = {value!r}: give a positive number")
        if self.period_max_d is not None and not self.period_max_d > self.period_min_d:
            raise TransitError(
                f"period range {self.period_min_d:g}..{self.period_max_d:g} d is empty: give "
                "a maximum period above the minimum"
            )
        for name, low, high in (("max_signals", 1, 50), ("oversample", 1, 10)):
            whole(
                f"search setting {name}",
                getattr(self, name),
                low=low,
                high=high,
                error=TransitError,
            )


@dataclass(frozen=True)
class Signal:
    """One detection. ``kind``: ``periodic`` or ``single``; ``period_d`` (NaN for a single
    transit); ``t0_bjd`` (a mid-transit time, BJD_TDB); ``duration_d`` and ``depth`` (a
    fraction) of the best box; ``snr``; ``sde`` (periodic only); ``epochs_bjd`` (mid-times of
    the transits that have data); ``aliases_d`` (for two transits: every period the data
    allow, shortest first); ``fap`` (false-alarm probability, see the module); ``partial``
    (a single transit cut by a gap or an edge)."""

    kind: str
    period_d: float
    t0_bjd: float
    duration_d: float
    depth: float
    snr: float
    sde: float = float("nan")
    epochs_bjd: tuple[float, ...] = ()
    aliases_d: tuple[float, ...] = ()
    fap: float = float("nan")
    partial: bool = False

    @property
    def single(self) -> bool:
        return self.kind == "single"

    @property
    def n_transits(self) -> int:
        return len(self.epochs_bjd)


@dataclass
class Periodogram:
    """One iteration's periodogram: ``periods_d``, ``snr`` (the best box's SNR at each period),
    ``sde`` (the same in robust standard deviations above the running median), and ``found``
    (the signal it led to, or None)."""

    periods_d: np.ndarray
    snr: np.ndarray
    sde: np.ndarray
    found: Signal | None = None


@dataclass
class SearchResult:
    """What the search found (``signals``, strongest first) and how: each iteration's
    ``periodograms``; the flattened flux ``flat`` and ``trend`` (computed with every found
    transit masked, so their depths are kept); ``in_transit`` (that mask); ``usable`` (points
    the search used: outliers left out); the white noise per point ``noise_ppm``; the inverted
    light curve's strongest periodic dip ``noise_floor_snr``; the ``settings``; ``n_trials``;
    ``rejected``: the strongest periodic peak that did not pass, with ``log`` saying why each
    examined peak was turned down."""

    lightcurve: LightCurve
    signals: list[Signal]
    periodograms: list[Periodogram]
    flat: np.ndarray
    trend: np.ndarray
    in_transit: np.ndarray
    usable: np.ndarray
    noise_ppm: float
    noise_floor_snr: float
    settings: SearchSettings
    n_trials: float
    rejected: Signal | None = None
    log: list[str] = field(default_factory=list)

    def snr_at(self, period_d: float, tolerance: float = 0.002) -> float:
        """The last periodogram's best SNR within ``tolerance`` (relative) of ``period_d``:
        what the data say at a known planet's period (NaN outside the grid)."""
        last = self.periodograms[-1]
        near = np.abs(last.periods_d / period_d - 1.0) <= tolerance
        return float(last.snr[near].max()) if near.any() else float("nan")


def central_duration_d(period_d, density_solar: float) -> np.ndarray:
    """The duration (days) of a central transit of a small planet on a circular orbit of
    ``period_d`` days around a star of mean density ``density_solar`` (Sun = 1).

    >>> round(float(central_duration_d(365.25, 1.0)) * 24, 1)    # the Earth seen transiting
    13.0
    """
    period_d = np.asarray(period_d, dtype=np.float64)
    a_rs = 4.2066 * period_d ** (2.0 / 3.0) * density_solar ** (1.0 / 3.0)
    return period_d / np.pi * np.arcsin(np.minimum(1.0, 1.0 / a_rs))


def period_grid(
    baseline_d: float,
    period_min_d: float,
    period_max_d: float,
    density_solar: float,
    oversample: int = 3,
) -> np.ndarray:
    """Trial periods (days, increasing), uniform in frequency^(1/3) (Ofir 2014).

    >>> grid = period_grid(278.0, 0.5, 278.0, 0.63)
    >>> len(grid), round(float(grid[0]), 3), round(float(grid[-1]), 3)
    (30960, 0.5, 278.0)
    """
    if not 0 < period_min_d < period_max_d:
        raise TransitError(
            f"period range {period_min_d:g}..{period_max_d:g} d is empty; give a minimum "
            "period below the maximum (and a light curve longer than the minimum period)"
        )
    # a central transit's duty cycle: duration / period = c * period^(-2/3)
    c = float(central_duration_d(1.0, density_solar))
    step = c / (3.0 * oversample * baseline_d)  # in frequency^(1/3), day^(-1/3)
    lo, hi = (1.0 / period_max_d) ** (1 / 3), (1.0 / period_min_d) ** (1 / 3)
    n = max(2, math.ceil((hi - lo) / step) + 1)
    return np.sort(1.0 / np.linspace(lo, hi, n) ** 3)


def duration_ranges(
    periods: np.ndarray, durations: np.ndarray, density_solar: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each period, the index range ``[lo, hi)`` of the trial durations that a transit
    around this star can have (0.3-1.5x a central transit's, under a quarter period)."""
    central = central_duration_d(periods, density_solar)
    lo = np.searchsorted(durations, 0.3 * central, side="left")
    hi = np.searchsorted(durations, 1.5 * central, side="right")
    hi = np.maximum(np.minimum(hi, np.searchsorted(durations, 0.25 * periods)), lo)
    return lo.astype(np.int64), hi.astype(np.int64)


def sde_of(snr: np.ndarray) -> np.ndarray:
    """The periodogram in units of its noise: minus a running median (its slow rise with
    period), divided by the robust standard deviation of what is left."""
    n = len(snr)
    width = max(51, n // 100) | 1
    stride = max(1, width // 10)
    padded = np.pad(snr, width // 2, mode="edge")
    coarse = np.median(np.lib.stride_tricks.sliding_window_view(padded, width)[::stride], axis=1)
    baseline = np.interp(np.arange(n), np.arange(0, n, stride)[: len(coarse)], coarse)
    resid = snr - baseline
    scale = 1.4826 * np.median(np.abs(resid - np.median(resid)))
    return resid / scale if scale > 0 else np.zeros(n)


def epochs_with_data(
    time: np.ndarray, period_d: float, t0: float, duration_d: float, cadence_d: float
) -> tuple[list[float], list[float]]:
    """Mid-times of the transits of (``period_d``, ``t0``) with data (at least half their
    expected points), and of those only partly covered (some points, fewer than half)."""
    first = math.floor((time[0] - t0) / period_d) - 1
    last = math.ceil((time[-1] - t0) / period_d) + 1
    mids = t0 + period_d * np.arange(first, last + 1)
    counts = np.searchsorted(time, mids + duration_d / 2) - np.searchsorted(
        time, mids - duration_d / 2
    )
    expected = max(1.0, duration_d / cadence_d)
    full = mids[counts >= max(1.0, 0.5 * expected)]
    part = mids[(counts > 0) & (counts < max(1.0, 0.5 * expected))]
    return full.tolist(), part.tolist()


def allowed_aliases(
    time: np.ndarray, epochs: list[float], duration_d: float, cadence_d: float, period_min_d: float
) -> tuple[float, ...]:
    """For two seen transits: every period ``separation / m`` that predicts no other transit
    where data exist, shortest first."""
    separation = epochs[-1] - epochs[0]
    allowed = []
    for m in range(1, 2000):
        period = separation / m
        if period < period_min_d:
            break
        full, part = epochs_with_data(time, period, epochs[0], duration_d, cadence_d)
        if len(full) == len(epochs) and not part:
            allowed.append(period)
    return tuple(sorted(allowed))


def epoch_depths(
    t: np.ndarray, dflux: np.ndarray, weight: np.ndarray, mids, duration_d: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each transit's own box depth and its error (fractions) near mid-times ``mids``: the
    box may slide by up to half its duration (a trial period's small error moves the
    predicted times), the deepest placement counts."""
    depths, errors = [], []
    for mid in mids:
        best, best_err = np.nan, np.inf
        for shift in np.linspace(-0.5, 0.5, 9) * duration_d:
            inside = np.abs(t - mid - shift) < 0.5 * duration_d
            w = weight[inside]
            total = float(w.sum())
            if total <= 0:
                continue
            depth = -float(np.sum(w * dflux[inside])) / total
            if not depth <= best:
                best, best_err = depth, 1.0 / math.sqrt(total)
        depths.append(best)
        errors.append(best_err)
    return np.array(depths), np.array(errors)


def redetrended(
    t: np.ndarray, flux: np.ndarray, mids, duration_d: float, window_d: float, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The neighbourhoods of transits at ``mids`` detrended again with those transits (and
    ``mask``, the transits already found) kept out of the trend: ``(index, flux / trend -
    1)``, ``index`` the points within ``duration_d + window_d`` of a mid-time.

    The search's first trend is shaped by every point: a long, deep transit where data are
    few (beside a gap) bends it and comes out shallower than it is, as shallow as a shallower
    one elsewhere, and two planets would pass for one. Each transit is masked one duration
    either side (its box may slide by half a duration, :func:`epoch_depths`)."""
    mids = np.asarray(mids, dtype=np.float64)
    gap = np.abs(t[:, None] - mids[None, :]).min(axis=1)
    index = np.nonzero(gap < duration_d + window_d)[0]
    own = mask[index] | (gap[index] < duration_d)
    flat, _ = flatten(t[index], flux[index], window_d=window_d, mask=own)
    return index, flat - 1.0


def red_noise_factor(
    t: np.ndarray, dflux: np.ndarray, weight: np.ndarray, duration_d: float
) -> float:
    """How much more the flux scatters, averaged over ``duration_d``, than white noise would
    (the "beta" of Pont, Zucker & Queloz 2006): the scatter of box means of that length over
    what the per-point noise predicts; at least 1."""
    use = weight > 0
    if use.sum() < 20:
        return 1.0
    bins = np.floor((t[use] - t[use][0]) / duration_d).astype(np.int64)
    counts = np.bincount(bins)
    sums = np.bincount(bins, weights=dflux[use])
    full = counts >= max(3, 0.5 * np.median(counts[counts > 0]))
    if full.sum() < 5:
        return 1.0
    means = sums[full] / counts[full]
    white = 1.0 / math.sqrt(float(np.median(weight[use])))
    expected = white / np.sqrt(counts[full])
    observed = 1.4826 * np.median(np.abs(means - np.median(means)))
    return max(1.0, float(observed / np.median(expected)))


DEPTH_SYSTEMATIC = 0.1
"""Box depths of one planet's transits differ by a few per cent even without noise (a box
laid over a V-shaped or partly sampled dip): this fraction of the mean depth is added to each
transit's error before their depths are compared."""


def depths_agree(depths: np.ndarray, errors: np.ndarray, p_min: float = 1e-4) -> bool:
    """Whether transits' depths agree with one planet (chi-square probability >= p_min), each
    error widened by :data:`DEPTH_SYSTEMATIC` of the mean depth."""
    from scipy.stats import chi2

    good = np.isfinite(depths) & np.isfinite(errors)
    if good.sum() < 2:
        return True
    d = depths[good]
    e = np.hypot(errors[good], DEPTH_SYSTEMATIC * abs(float(np.median(d))))
    mean = np.sum(d / e**2) / np.sum(1 / e**2)
    return bool(chi2.sf(float(np.sum(((d - mean) / e) ** 2)), good.sum() - 1) >= p_min)


def false_alarm(snr: float, n_trials: float) -> float:
    """Probability that white noise alone gives an SNR this high somewhere in ``n_trials``
    independent trials (a union bound, capped at 1)."""
    return float(min(1.0, n_trials * 0.5 * math.erfc(snr / math.sqrt(2.0))))


def usable_points(flat: np.ndarray, noise: float) -> np.ndarray:
    """Points the search uses: not an upward outlier (> 4 sigma) and not an isolated drop
    (< -4 sigma with both neighbours within 2 sigma: no transit is one cadence long)."""
    r = (flat - 1.0) / noise
    before = np.r_[0.0, r[:-1]]
    after = np.r_[r[1:], 0.0]
    isolated = (r < -CLIP_SIGMA) & (before > -2.0) & (after > -2.0)
    return np.isfinite(r) & (r <= CLIP_SIGMA) & ~isolated


class _Grid:
    """The search's fixed trials (periods, durations per period) and its compiled kernel."""

    def __init__(self, t: np.ndarray, cadence_d: float, density: float, settings: SearchSettings):
        from ._bls import bls_snr

        self.kernel = bls_snr
        self.t, self.cadence_d, self.settings = t, cadence_d, settings
        baseline = float(t[-1])
        period_max = min(settings.period_max_d or baseline, baseline)
        self.period_max = period_max
        self.periods = period_grid(
            baseline, settings.period_min_d, period_max, density, settings.oversample
        )
        self.durations = np.array(TRIAL_DURATIONS_H) / 24.0
        self.lo, self.hi = duration_ranges(self.periods, self.durations, density)
        sample = slice(None, None, max(1, len(self.periods) // 500))
        per_period = [
            float(np.sum(p / self.durations[a:b]))
            for p, a, b in zip(self.periods[sample], self.lo[sample], self.hi[sample])
        ]
        self.n_trials = float(np.mean(per_period) * len(self.periods) / settings.oversample)

    def run(self, dflux: np.ndarray, weight: np.ndarray) -> tuple:
        return self.kernel(
            self.t,
            dflux,
            weight,
            self.periods,
            self.durations,
            self.lo,
            self.hi,
            BINS_PER_DURATION,
        )

    def candidates(
        self,
        found: tuple,
        sde: np.ndarray,
        dflux: np.ndarray,
        weight: np.ndarray,
        flux: np.ndarray | None = None,
        mask: np.ndarray | None = None,
    ):
        """The periodogram's highest peaks, each as (index, Signal in grid time, passes, why).
        With ``flux`` (before detrending) and ``mask`` (the transits found), transits' depths
        are compared on a trend that they did not shape (:func:`redetrended`)."""
        snr = found[0]
        order = np.argsort(snr)[::-1]
        chosen: list[int] = []
        for k in order[: 50 * PEAKS_EXAMINED]:
            if all(abs(self.periods[k] / self.periods[j] - 1.0) > 0.005 for j in chosen):
                chosen.append(int(k))
                if len(chosen) == PEAKS_EXAMINED:
                    break
        for k in chosen:
            yield (k, *self._judge(k, found, sde, dflux, weight, flux, mask))

    def _judge(self, k: int, found: tuple, sde: np.ndarray, dflux, weight, flux=None, mask=None):
        s = self.settings
        snr, dur, mid, depth = found
        period, duration = float(self.periods[k]), float(dur[k])
        full, part = epochs_with_data(self.t, period, float(mid[k]), duration, self.cadence_d)
        if len(full) >= 2:
            if flux is None:
                depths, errors = epoch_depths(self.t, dflux, weight, full, duration)
            else:
                known = np.zeros(len(self.t), bool) if mask is None else mask
                near, local = redetrended(self.t, flux, full, duration, s.window_d, known)
                depths, errors = epoch_depths(self.t[near], local, weight[near], full, duration)
            errors = errors * red_noise_factor(self.t, dflux, weight, duration)
            if not depths_agree(depths, errors):  # not one planet: its strongest transit alone
                best = int(np.nanargmax(depths / errors))
                one = float(depths[best] / errors[best])
                signal = Signal(
                    "single",
                    float("nan"),
                    full[best],
                    duration,
                    float(depths[best]),
                    one,
                    epochs_bjd=(full[best],),
                    fap=false_alarm(one, len(self.t) * len(self.durations)),
                )
                return (
                    signal,
                    one >= s.single_snr_min,
                    (
                        f"the depths of its {len(full)} transits disagree; the strongest alone has "
                        f"SNR {one:.1f} (single transits need >= {s.single_snr_min})"
                    ),
                )
        periodic = len(full) >= 2
        signal = Signal(
            kind="periodic" if periodic else "single",
            period_d=period if periodic else float("nan"),
            t0_bjd=float(mid[k]) if periodic else (full or [float(mid[k])])[0],
            duration_d=duration,
            depth=float(depth[k]),
            snr=float(snr[k]),
            sde=float(sde[k]) if periodic else float("nan"),
            epochs_bjd=tuple(full),
            fap=false_alarm(float(snr[k]), self.n_trials),
            partial=not periodic and bool(part),
        )
        if len(full) >= 3:
            ok = signal.snr >= s.snr_min and signal.sde >= s.sde_min
            return (
                signal,
                ok,
                (
                    f"SNR {signal.snr:.1f} (needs >= {s.snr_min}), SDE {signal.sde:.1f} "
                    f"(needs >= {s.sde_min})"
                ),
            )
        return (
            signal,
            signal.snr >= s.single_snr_min,
            (
                f"{len(full)} transit(s) with data, SNR {signal.snr:.1f} (needs >= "
                f"{s.single_snr_min} with fewer than three)"
            ),
        )


def _noise_floor(grid: _Grid, flat: np.ndarray, usable: np.ndarray, noise: float) -> float:
    """The strongest periodic (>= 3 transits) dip in the inverted light curve: the SNR that
    noise and systematics reach in this data."""
    inverted = 2.0 - flat
    weight = np.where(usable_points(inverted, noise) & usable_points(flat, noise), 1 / noise**2, 0)
    found = grid.run(inverted - 1.0, weight)
    best = 0.0
    for _k, signal, _ok, _why in grid.candidates(found, sde_of(found[0]), inverted - 1.0, weight):
        if signal.kind == "periodic" and signal.n_transits >= 3:
            best = max(best, signal.snr)
    return best


Progress = Callable[[str], None]


def search(
    lc: LightCurve,
    density_solar: float = 1.0,
    settings: SearchSettings | None = None,
    progress: Progress | None = None,
) -> SearchResult:
    """Search ``lc`` for transits (see the module). ``density_solar``: the star's mean density
    (Sun = 1), which ties trial durations to periods. ``progress(text)`` hears of each step."""
    settings = settings or SearchSettings()
    say = progress or (lambda text: None)
    if len(lc) < 50:
        raise TransitError(
            f"the light curve has {len(lc)} points; a transit search needs at least 50"
        )
    t_origin = float(lc.time_bjd[0])
    t = lc.time_bjd - t_origin
    if t[-1] <= settings.period_min_d:
        raise TransitError(
            f"the light curve spans {t[-1]:.2f} d, less than the shortest period searched "
            f"({settings.period_min_d} d): give a longer light curve"
        )
    grid = _Grid(t, lc.cadence_d, density_solar, settings)
    say(f"detrending ({len(t):,} points, {settings.window_d} d biweight)")
    in_transit = np.zeros(len(t), dtype=bool)
    flat, trend = flatten(t, lc.flux, window_d=settings.window_d)
    noise = point_scatter(flat)
    usable = usable_points(flat, noise)
    say(f"noise floor: searching the inverted light curve ({len(grid.periods):,} periods)")
    floor = _noise_floor(grid, flat, usable, noise)
    signals: list[Signal] = []
    periodograms: list[Periodogram] = []
    rejected: Signal | None = None
    log: list[str] = []
    while len(signals) < settings.max_signals:
        say(f"search {len(periodograms) + 1}: {len(grid.periods):,} periods")
        weight = np.where(usable & ~in_transit, 1.0 / noise**2, 0.0)
        found = grid.run(flat - 1.0, weight)
        chosen = None
        sde = sde_of(found[0])
        for k, signal, ok, why in grid.candidates(
            found, sde, flat - 1.0, weight, flux=lc.flux, mask=in_transit
        ):
            if ok and signal.kind == "periodic" and signal.n_transits >= 3 and signal.snr <= floor:
                ok, why = (
                    False,
                    (
                        f"SNR {signal.snr:.1f} is not above the noise floor {floor:.1f} (the "
                        "strongest periodic dip of the inverted light curve)"
                    ),
                )
            if ok:
                chosen = signal
                break
            if (
                signal.kind == "periodic"
                and signal.n_transits >= 3
                and (rejected is None or signal.snr > rejected.snr)
            ):
                rejected = signal
            log.append(f"peak at {grid.periods[k]:.4f} d turned down: {why}")
        periodograms.append(Periodogram(grid.periods, found[0], sde, found=None))
        if chosen is None:
            log.append(f"stopped: none of the {PEAKS_EXAMINED} highest peaks passes")
            break
        if chosen.kind == "periodic" and chosen.n_transits == 2:
            aliases = allowed_aliases(
                t, list(chosen.epochs_bjd), chosen.duration_d, lc.cadence_d, settings.period_min_d
            )
            chosen = replace(chosen, aliases_d=aliases)
        if chosen.single:  # its own best box: a long period's transit outlasts the trials
            chosen = _widest_box(grid, chosen, flat - 1.0, weight)
        chosen = _shifted(chosen, t_origin)
        periodograms[-1].found = chosen
        rejected = None
        mask = transit_mask(lc.time_bjd, chosen)
        flat, trend = flatten(t, lc.flux, window_d=settings.window_d, mask=in_transit | mask)
        if chosen.single:  # the trend no longer eats it: measure it again, whole
            chosen = _shifted(
                _widest_box(grid, _shifted(chosen, -t_origin), flat - 1.0, weight), t_origin
            )
            mask = transit_mask(lc.time_bjd, chosen)
            flat, trend = flatten(t, lc.flux, window_d=settings.window_d, mask=in_transit | mask)
        in_transit |= mask
        signals.append(chosen)
        say(f"found: {describe(chosen)}")

    say("single transits in what is left")
    for signal in _single_events(grid, flat - 1.0, np.where(usable & ~in_transit, 1 / noise**2, 0)):
        signal = _shifted(signal, t_origin)
        signals.append(signal)
        say(f"found: {describe(signal)}")
        in_transit |= transit_mask(lc.time_bjd, signal)
        flat, trend = flatten(t, lc.flux, window_d=settings.window_d, mask=in_transit)
    # transits longer than a third of the window are eaten by the trend: long single transits
    # (a giant planet far out: up to a day) are looked for again in a trend 3 days wide
    long_window = max(settings.window_d, LONG_WINDOW_D)
    if long_window > settings.window_d:
        wide, _ = flatten(t, lc.flux, window_d=long_window, mask=in_transit)
        wide_noise = point_scatter(wide)
        weight = np.where(usable_points(wide, wide_noise) & ~in_transit, 1 / wide_noise**2, 0)
        for signal in _single_events(grid, wide - 1.0, weight, min_duration_d=LONG_TRANSIT_D):
            signal = _shifted(signal, t_origin)
            signals.append(signal)
            say(f"found (long): {describe(signal)}")
            in_transit |= transit_mask(lc.time_bjd, signal)
        flat, trend = flatten(t, lc.flux, window_d=settings.window_d, mask=in_transit)
    return SearchResult(
        lightcurve=lc,
        signals=signals,
        periodograms=periodograms,
        flat=flat,
        trend=trend,
        in_transit=in_transit,
        usable=usable,
        noise_ppm=noise * 1e6,
        noise_floor_snr=floor,
        settings=settings,
        n_trials=grid.n_trials,
        rejected=None if rejected is None else _shifted(rejected, t_origin),
        log=log,
    )


def _widest_box(grid: _Grid, signal: Signal, dflux: np.ndarray, weight: np.ndarray) -> Signal:
    """A single transit's best box among every trial duration (not only those its BLS period
    allowed), near where it was found."""
    from ._bls import box_snr_single

    near = np.abs(grid.t - signal.t0_bjd) < 1.5
    if near.sum() < 3:
        return signal
    snr, mid, depth = box_snr_single(
        grid.t[near], dflux[near], weight[near], grid.durations, grid.cadence_d / 4.0
    )
    k = int(np.argmax(snr))
    if snr[k] <= signal.snr or abs(mid[k] - signal.t0_bjd) > grid.durations[k]:
        return signal
    return replace(
        signal,
        t0_bjd=float(mid[k]),
        duration_d=float(grid.durations[k]),
        depth=float(depth[k]),
        snr=float(snr[k]),
        epochs_bjd=(float(mid[k]),),
    )


def _single_events(
    grid: _Grid, dflux: np.ndarray, weight: np.ndarray, min_duration_d: float = 2.0 / 24.0
) -> list[Signal]:
    """Single boxes at least ``min_duration_d`` long, strongest first, each masked before the
    next is looked for, with SNR >= ``single_snr_min`` and above 1.5 times the strongest
    single dip of the inverted flux (this detrending's own noise floor for single events)."""
    from ._bls import box_snr_single

    settings = grid.settings
    t = grid.t
    weight = weight.copy()
    long = grid.durations[grid.durations >= min_duration_d]
    step = grid.cadence_d / 2.0
    floor = float(box_snr_single(t, -dflux, weight, long, step)[0].max())
    needed = max(settings.single_snr_min, SINGLE_FLOOR_FACTOR * floor)
    found = []
    for _ in range(settings.max_signals):
        snr, mid, depth = box_snr_single(t, dflux, weight, long, step)
        k = int(np.argmax(snr))
        if snr[k] < needed:
            break
        full, _ = epochs_with_data(t, 1e9, float(mid[k]), float(long[k]), grid.cadence_d)
        found.append(
            Signal(
                "single",
                float("nan"),
                float(mid[k]),
                float(long[k]),
                float(depth[k]),
                float(snr[k]),
                epochs_bjd=(float(mid[k]),),
                fap=false_alarm(float(snr[k]), len(t) * len(long)),
                partial=not full,
            )
        )
        weight[np.abs(t - mid[k]) < long[k]] = 0.0
    return found


def _shifted(signal: Signal, offset: float) -> Signal:
    return replace(
        signal,
        t0_bjd=signal.t0_bjd + offset,
        epochs_bjd=tuple(e + offset for e in signal.epochs_bjd),
    )


def describe(signal: Signal) -> str:
    """One line: kind, period or time, depth, SNR."""
    if signal.single:
        return (
            f"single transit at BJD {signal.t0_bjd:.3f}, {signal.depth * 1e6:,.0f} ppm, "
            f"SNR {signal.snr:.1f}"
        )
    return (
        f"P {signal.period_d:.4f} d, {signal.n_transits} transits, {signal.depth * 1e6:,.0f} "
        f"ppm, SNR {signal.snr:.1f}, SDE {signal.sde:.1f}"
    )


def transit_mask(time_bjd: np.ndarray, signal: Signal, widen: float = 1.5) -> np.ndarray:
    """True within ``widen`` durations (centred) of each transit of ``signal``."""
    half = 0.5 * widen * signal.duration_d
    if signal.single or not np.isfinite(signal.period_d):
        return np.abs(time_bjd - signal.t0_bjd) < half
    phase = (time_bjd - signal.t0_bjd + 0.5 * signal.period_d) % signal.period_d
    return np.abs(phase - 0.5 * signal.period_d) < half


warnings.filterwarnings("ignore", message="All-NaN slice encountered")
