"""Kepler-90's planets found in three real Kepler quarters, checked against the NASA Exoplanet
Archive's KOI table (independent truth: fitted on four years of Kepler data).

Tolerances, and why:
- d (four transits here): period within 3 sigma of ours or 0.01 % (the KOI period comes from
  four years, ours from nine months), T0 within 3 sigma or 30 min, depth within 2 sigma,
  duration within 2 sigma;
- e (two transits here): the KOI period among the aliases we report, within 0.05 %;
- h and g (one transit each here): found as single transits within a day of the KOI's linear
  ephemeris (both have transit-timing variations of up to ~25 h: Liang et al. 2021) and within
  10 % of its depth;
- b and c (SNR 6-8 here, at the noise floor): the report says for each whether it was found,
  and at what SNR the data show it when not.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

BKJD = 2454833.0


def _match(report, letter: str):
    found = [c for c in report.candidates if c.known_as.startswith(f"Kepler-90 {letter} ")]
    assert len(found) <= 1
    return found[0] if found else None


def test_d_is_recovered_with_the_koi_period_epoch_depth_and_duration(
    kepler90_report, kepler90_kois
):
    d, koi = _match(kepler90_report, "d"), kepler90_kois["d"]
    assert d is not None and not d.single_event and d.n_transits == 4
    assert abs(d.period_d - koi.koi_period) < max(3 * d.period_err_d, 1e-4 * koi.koi_period)
    # the KOI epoch moved to the transit nearest ours
    n = round((d.t0_bjd - (koi.koi_time0bk + BKJD)) / koi.koi_period)
    t0 = koi.koi_time0bk + BKJD + n * koi.koi_period
    assert abs(d.t0_bjd - t0) < max(3 * d.t0_err_d, 30 / 1440)
    assert abs(d.depth_ppm - koi.koi_depth) < 2 * d.depth_err_ppm
    assert abs(d.duration_h - koi.koi_duration) < 2 * d.duration_err_h
    assert 2.3 < d.rp_earth < 3.3  # KOI: 2.84


def test_e_two_transits_give_the_aliases_the_data_allow_with_the_koi_period_among_them(
    kepler90_report, kepler90_kois
):
    e, koi = _match(kepler90_report, "e"), kepler90_kois["e"]
    assert e is not None and e.n_transits == 2
    assert len(e.aliases_d) >= 2
    assert min(abs(p / koi.koi_period - 1) for p in e.aliases_d) < 5e-4
    # every alias is a whole fraction of the two transits' separation
    separation = e.epochs_bjd[1] - e.epochs_bjd[0]
    ratios = separation / np.array(e.aliases_d)
    assert np.allclose(ratios, np.round(ratios), atol=1e-6)
    # and none of them predicts a transit where the light curve has data (else it was seen)
    time = kepler90_report.result.lightcurve.time_bjd
    half = 0.5 * e.duration_h / 24.0
    for period in e.aliases_d:
        mids = e.epochs_bjd[0] + period * np.arange(-10, 11)
        unseen = [
            m for m in mids if time[0] < m < time[-1] and min(abs(m - np.array(e.epochs_bjd))) > 0.1
        ]
        for mid in unseen:
            assert np.count_nonzero(np.abs(time - mid) < half) < 0.5 * (2 * half / 0.0204), (
                period,
                mid,
            )
    # the alias a search of these data could not rule out is not left out either: 2 transits
    # 183.9 d apart, with Q4 and the gap between quarters 4 and 5 allowing 1/2 and 1/3
    assert len(e.aliases_d) == 3
    text = kepler90_report.to_table()
    assert "two transits: the period is one of" in text


@pytest.mark.parametrize("letter", ["h", "g"])
def test_h_and_g_are_single_transits_at_the_right_time_and_depth(
    kepler90_report, kepler90_kois, letter
):
    c, koi = _match(kepler90_report, letter), kepler90_kois[letter]
    assert c is not None and c.single_event and c.n_transits == 1
    n = round((c.t0_bjd - (koi.koi_time0bk + BKJD)) / koi.koi_period)
    predicted = koi.koi_time0bk + BKJD + n * koi.koi_period
    assert abs(c.t0_bjd - predicted) < 1.0  # TTVs of up to ~25 h
    assert abs(c.depth_ppm / koi.koi_depth - 1) < 0.10
    # not forced onto a wrong period: the period is an estimate with an honest error that
    # covers the KOI period within 2 sigma
    assert abs(c.period_d - koi.koi_period) < 2 * c.period_err_d


def test_the_report_says_whether_b_and_c_were_found(kepler90_report):
    known = {k["name"].split(" (")[0]: k for k in kepler90_report.result.known}
    for letter in "bc":
        entry = known[f"Kepler-90 {letter}"]
        if entry["found"]:
            assert _match(kepler90_report, letter) is not None
        else:
            assert entry["snr_at_period"] is not None and entry["snr_at_period"] > 3
    text = kepler90_report.to_table()
    assert "Kepler-90 b (K00351.06): " in text and "Kepler-90 c (K00351.05): " in text


def test_json_holds_the_star_and_every_candidate_column(kepler90_report):
    data = json.loads(kepler90_report.to_json())
    assert set(data) >= {"star", "candidates"}
    assert data["star"]["teff_k"] == 5970.0 and data["star"]["sources"]["teff_k"] == "FITS header"
    for row in data["candidates"]:
        for key in (
            "period_d",
            "t0_bjd",
            "depth_ppm",
            "duration_h",
            "rp_rs",
            "a_rs",
            "impact",
            "inclination_deg",
            "rp_earth",
            "a_au",
            "snr",
            "n_transits",
            "single_event",
            "p_planet",
            "flags",
        ):
            assert key in row


def test_derived_quantities_follow_the_koi_tables_conventions(kepler90_report, kepler90_kois):
    """Teq with Bond albedo 0.3 and insolation from L = R^2 (Teff/5772)^4, as the KOI table:
    at d's period the same star gives the KOI's numbers."""
    d, koi = _match(kepler90_report, "d"), kepler90_kois["d"]
    assert abs(d.teq_k / koi.koi_teq - 1) < 0.02
    assert abs(d.insol_earth / koi.koi_insol - 1) < 0.03


def test_kepler90s_planets_are_vetted_as_planets(kepler90_report):
    for c in kepler90_report.candidates:
        assert c.p_planet is not None and c.p_planet > 0.5, (c.name, c.p_planet, c.flags)
        assert not c.diagnostics.get("eb_signs"), (c.name, c.flags)


def test_an_eclipsing_binary_in_kepler90s_noise_does_not_come_out_as_a_planet(kepler90_files):
    """A grazing, V-shaped 3.3-day eclipsing binary with a secondary eclipse, injected into the
    real light curve with Kepler-90's planets cut out, through the whole analysis."""
    import orbitviz
    from orbitviz.exoplanets.catalogs import koi_planets
    from orbitviz.exoplanets.model import transit_flux
    from orbitviz.exoplanets.readers import read_lightcurves

    lc = read_lightcurves(kepler90_files)
    keep = np.ones(len(lc), dtype=bool)
    for _, koi in koi_planets(11442793).iterrows():
        phase = (lc.time_bjd - (koi.koi_time0bk + BKJD) + 0.5 * koi.koi_period) % koi.koi_period
        keep &= np.abs(phase - 0.5 * koi.koi_period) > (
            1.5 if koi.koi_period > 200 else koi.koi_duration / 24
        )
    lc = lc.select(keep)
    primary = transit_flux(
        lc.time_bjd,
        period_d=3.3,
        t0=2455100.1,
        rp_rs=0.3,
        a_rs=7.0,
        impact=1.05,
        u=(0.47, 0.19),
        exposure_d=lc.cadence_d,
    )
    secondary = transit_flux(
        lc.time_bjd,
        period_d=3.3,
        t0=2455100.1 + 1.65,
        rp_rs=0.08,
        a_rs=7.0,
        impact=0.3,
        u=(0.0, 0.0),
        exposure_d=lc.cadence_d,
    )
    report = orbitviz.transits(lc.with_flux(lc.flux * primary * secondary))
    binary = [
        c
        for c in report.candidates
        if not c.single_event and min(abs(c.period_d / p - 1) for p in (3.3, 1.65)) < 0.01
    ]
    assert binary, report.to_table()
    for c in binary:
        assert c.p_planet is not None and c.p_planet < 0.5, (c.p_planet, c.flags)
        assert c.flags, "the report must say why"
