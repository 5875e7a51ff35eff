"""The transit search: the compiled BLS against astropy's (an independent implementation), the
period grid, injected transits found in Kepler-90's real noise, single transits, and transits
whose depths disagree."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.timeseries import BoxLeastSquares

from orbitviz.exoplanets._bls import bls_snr
from orbitviz.exoplanets.catalogs import koi_planets
from orbitviz.exoplanets.lightcurve import LightCurve
from orbitviz.exoplanets.model import transit_flux
from orbitviz.exoplanets.readers import read_lightcurves
from orbitviz.exoplanets.search import (
    SearchSettings,
    allowed_aliases,
    epochs_with_data,
    period_grid,
    search,
    transit_mask,
)


def _synthetic(period=3.7, depth=600e-6, duration=0.12, noise=200e-6, days=60.0, seed=1):
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, days, 0.0204)
    phase = (t - 1.3 + 0.5 * period) % period - 0.5 * period
    flux = 1.0 - depth * (np.abs(phase) < 0.5 * duration) + rng.normal(0, noise, len(t))
    return t, flux


def test_bls_snr_agrees_with_astropys_box_least_squares():
    t, flux = _synthetic()
    noise = 200e-6
    periods = np.linspace(3.5, 3.9, 801)
    durations = np.array([0.08, 0.12, 0.16])
    lo, hi = np.zeros(len(periods), np.int64), np.full(len(periods), 3, np.int64)
    snr, _dur, mid, depth = bls_snr(
        t, flux - 1, np.full(len(t), 1 / noise**2), periods, durations, lo, hi, 10
    )
    ref = BoxLeastSquares(t, flux, dy=np.full(len(t), noise)).power(
        periods, durations, objective="snr", oversample=10
    )
    k, j = int(np.argmax(snr)), int(np.argmax(ref.power))
    assert abs(periods[k] - periods[j]) <= 2 * (periods[1] - periods[0])
    assert snr[k] == pytest.approx(ref.power[j], rel=0.05)
    assert depth[k] == pytest.approx(ref.depth[j], rel=0.05)
    assert abs(((mid[k] - ref.transit_time[j] + 1.85) % 3.7) - 1.85) < 0.02
    # over the whole curve, not just the peak
    assert np.corrcoef(snr, ref.power)[0, 1] > 0.97


def test_the_period_grid_depends_on_the_baseline_not_on_points_or_gaps():
    a = period_grid(278.0, 0.5, 278.0, 0.63)
    assert len(a) == len(period_grid(278.0, 0.5, 278.0, 0.63))
    # uniform in frequency^(1/3)
    f3 = (1.0 / a) ** (1 / 3)
    assert np.allclose(np.diff(f3), np.diff(f3)[0], rtol=1e-9)
    # a denser star (shorter transits) needs a finer grid; twice the baseline, twice the points
    assert len(period_grid(278.0, 0.5, 278.0, 5.0)) > len(a)
    assert len(period_grid(556.0, 0.5, 278.0, 0.63)) == pytest.approx(2 * len(a), rel=0.01)


def test_aliases_of_two_transits_are_the_periods_that_put_no_transit_on_data():
    t = np.concatenate([np.arange(0, 30, 0.02), np.arange(60, 95, 0.02)])
    epochs = [10.0, 70.0]  # 60 d apart; 30 d puts one at 40 (a gap): allowed; 20 d: 30 (data)
    allowed = allowed_aliases(t, epochs, 0.2, 0.02, 0.5)
    assert 60.0 in allowed and 30.0 in allowed and 20.0 not in allowed
    for period in allowed:
        full, part = epochs_with_data(t, period, epochs[0], 0.2, 0.02)
        assert len(full) == 2 and not part


@pytest.fixture(scope="module")
def quiet_kepler90(kepler90_files):
    """Kepler-90's real light curve with its known planets cut out: real noise, no transits."""
    lc = read_lightcurves(kepler90_files)
    keep = np.ones(len(lc), dtype=bool)
    for _, koi in koi_planets(11442793).iterrows():
        period, t0 = koi.koi_period, koi.koi_time0bk + 2454833.0
        phase = (lc.time_bjd - t0 + 0.5 * period) % period - 0.5 * period
        # a transit's width each side; g and h drift by up to a day (TTVs)
        keep &= np.abs(phase) > (1.5 if period > 200 else koi.koi_duration / 24.0)
    return lc.select(keep)


def _inject(lc: LightCurve, **planet) -> LightCurve:
    model = transit_flux(lc.time_bjd, u=(0.47, 0.19), exposure_d=lc.cadence_d, **planet)
    return lc.with_flux(lc.flux * model)


def test_an_injected_planet_is_found_in_real_noise_at_its_period_and_epoch(quiet_kepler90):
    planet = {"period_d": 11.3, "t0": 2455095.3, "rp_rs": 0.02, "a_rs": 20.0, "impact": 0.2}
    result = search(_inject(quiet_kepler90, **planet), density_solar=0.63)
    assert result.signals, result.log
    best = result.signals[0]
    assert best.kind == "periodic"
    assert best.period_d == pytest.approx(11.3, rel=2e-3)
    phase = (best.t0_bjd - planet["t0"] + 5.65) % 11.3 - 5.65
    assert abs(phase) < 0.05
    assert best.snr > 15
    assert result.noise_floor_snr < 9.0  # real noise: red, but well under this planet


def test_a_single_deep_transit_is_found_as_a_single_event_not_a_period(quiet_kepler90):
    # a Jupiter far out: a 24-hour transit, longer than a third of the 1.5-day trend window
    planet = {"period_d": 900.0, "t0": 2455140.0, "rp_rs": 0.05, "a_rs": 300.0, "impact": 0.1}
    result = search(_inject(quiet_kepler90, **planet), density_solar=0.63)
    singles = [s for s in result.signals if s.single]
    assert len(singles) == 1 and not [s for s in result.signals if not s.single]
    assert abs(singles[0].t0_bjd - 2455140.0) < 0.1
    assert singles[0].duration_d > 0.75
    assert np.isnan(singles[0].period_d)


def test_two_dips_of_different_depths_are_two_single_transits_not_one_planet(quiet_kepler90):
    # 150 days apart, 4,000 and 8,000 ppm: a period would have to make them one planet
    lc = _inject(quiet_kepler90, period_d=400.0, t0=2455140.0, rp_rs=0.06, a_rs=196, impact=0.1)
    lc = _inject(lc, period_d=400.0, t0=2455290.0, rp_rs=0.085, a_rs=196, impact=0.1)
    result = search(lc, density_solar=0.63)
    kinds = sorted((round(s.t0_bjd), s.kind) for s in result.signals)
    assert kinds == [(2455140, "single"), (2455290, "single")]


def test_transit_mask_covers_every_transit_and_nothing_else():
    t = np.arange(0.0, 20.0, 0.01)
    from orbitviz.exoplanets.search import Signal

    s = Signal("periodic", 5.0, 1.0, 0.2, 1e-3, 10.0, epochs_bjd=(1.0, 6.0))
    mask = transit_mask(t, s, widen=1.0)
    assert set(np.round(t[mask] % 5.0, 2)) <= set(np.round(np.arange(0.9, 1.1001, 0.01), 2))
    assert mask.sum() == pytest.approx(4 * 20, abs=4)


def test_settings_are_checked():
    from orbitviz.errors import TransitError

    with pytest.raises(TransitError, match="period range"):
        SearchSettings(period_min_d=5.0, period_max_d=2.0)
    with pytest.raises(TransitError, match="window_d"):
        SearchSettings(window_d=0.0)
