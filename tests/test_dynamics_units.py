"""orbitviz.units: constants vs their definitions, conversions, JD TDB <-> ET vs SPICE."""

from __future__ import annotations

import numpy as np
import pytest
import spiceypy

from orbitviz import units


def test_constants():
    assert units.AU_KM == 149_597_870.7  # IAU 2012 B2 (exact)
    assert units.LD_KM == 384_399.0  # semi-major axis of the Moon's geocentric orbit
    assert pytest.approx(389.1734, abs=1e-3) == units.AU_KM / units.LD_KM  # 1 LD ~ 0.002569 au
    assert units.C_KMS == 299_792.458
    assert units.DAY_S == 86_400.0


def test_conversions_roundtrip_and_arrays():
    x = np.array([1.0, 2.5e6, 3.8e5])
    assert np.allclose(units.au_to_km(units.km_to_au(x)), x, rtol=1e-15)
    assert np.allclose(units.ld_to_km(units.km_to_ld(x)), x, rtol=1e-15)
    assert np.allclose(units.au_to_ld(units.ld_to_au(x)), x, rtol=1e-15)
    assert float(units.km_to_ld(384_399.0)) == 1.0
    assert float(units.au_to_ld(1.0)) == pytest.approx(389.17, abs=0.01)
    assert float(units.aud_to_kms(1.0)) == pytest.approx(1731.456837, rel=1e-9)
    assert np.allclose(units.kms_to_aud(units.aud_to_kms(x)), x)
    assert pytest.approx(149597870.7 / 86400.0**2) == units.AU_PER_DAY2_IN_KMS2


JDS = (2451545.0, 2454733.5, 2459600.5, 2462240.407032288)


def test_jd_tdb_to_et_matches_spice():
    from orbitviz import spice

    with spice.KernelSet("default"):  # str2et wants an LSK even for TDB input
        refs = [spiceypy.str2et(f"JD {jd!r} TDB") for jd in JDS]
    for jd, ref in zip(JDS, refs):
        assert float(units.jd_tdb_to_et(jd)) == pytest.approx(ref, abs=1e-4)
        assert float(units.et_to_jd_tdb(units.jd_tdb_to_et(jd))) == pytest.approx(jd, abs=1e-9)
