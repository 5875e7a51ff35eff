"""Time conversion against NAIF's definitions and the IERS leap seconds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from orbitviz.errors import TimeFormatError
from orbitviz.spice import KernelSet, et_to_tdb, et_to_utc, to_et


def test_j2000_epoch_is_et_zero():
    # NAIF: ET 0 is 2000-01-01 12:00:00 TDB, which is 11:58:55.816 UTC (TAI-UTC = 32 s then).
    assert to_et("2000-01-01T12:00:00 TDB") == 0.0
    assert et_to_utc(0.0) == "2000-01-01T11:58:55.816"
    assert et_to_tdb(0.0) == "2000-01-01T12:00:00.000 TDB"
    assert to_et("JD 2451545.0 TDB") == 0.0


def test_the_2017_leap_second_is_counted():
    # IERS Bulletin C 52: a positive leap second at the end of 2016-12-31.
    gap = to_et("2017-01-01T00:00:00") - to_et("2016-12-31T23:59:59")
    assert gap == pytest.approx(2.0, abs=1e-6)
    assert et_to_utc(to_et("2016-12-31T23:59:60.5")) == "2016-12-31T23:59:60.500"
    normal = to_et("2016-01-01T00:00:00") - to_et("2015-12-31T23:59:59")
    assert normal == pytest.approx(1.0, abs=1e-6)


def test_all_input_kinds_agree():
    ref = to_et("2021-11-19T03:33:00")
    assert to_et("2021-11-19T03:33:00Z") == ref
    assert to_et("2021 NOV 19 03:33:00 UTC") == ref
    assert to_et(dt.datetime(2021, 11, 19, 3, 33)) == ref
    aware = dt.datetime(2021, 11, 19, 4, 33, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert to_et(aware) == ref
    assert to_et(np.datetime64("2021-11-19T03:33")) == ref
    assert to_et(ref) == ref


def test_astropy_times_are_read_in_their_own_scale():
    """A UTC astropy Time through SPICE's leap seconds (the leap second itself too, and its
    precision left as it was); a TDB one exactly, by its two-part JD: not through UTC, which
    would move it by SPICE's TDB model, 27 microseconds here."""
    from astropy.time import Time

    utc = Time(["2016-12-31T23:59:60.5", "2021-11-19T03:33:00.123456789"], precision=3)
    assert np.array_equal(
        to_et(utc), to_et(["2016-12-31T23:59:60.5", "2021-11-19T03:33:00.123456789"])
    )
    assert to_et(utc[1]) == to_et("2021-11-19T03:33:00.123456789") and utc.precision == 3
    assert to_et(Time("2021-11-19T03:33:00", scale="tt")) == to_et(
        "2021-11-19T03:31:50.816"
    )  # TT - UTC = 69.184 s
    tdb = Time(2459600.5, 0.125, format="jd", scale="tdb")
    assert to_et(tdb) == (2459600.5 - 2451545.0 + 0.125) * 86400.0
    assert to_et(Time([2451545.0], format="jd", scale="tdb")).tolist() == [0.0]
    assert to_et([tdb, "JD 2451545.0 TDB"]).tolist() == [to_et(tdb), 0.0]


def test_arrays_of_datetime64_are_exact_across_a_leap_second():
    stamps = np.array(
        [
            "2016-12-31T00:00",
            "2016-12-31T23:59:59.5",
            "2017-01-01T00:00:00.25",
            "2021-11-19T03:33:12.345",
        ],
        dtype="datetime64[ms]",
    )
    fast = to_et(stamps)
    slow = to_et([str(s) for s in stamps])
    assert fast.shape == (4,)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-6)


def test_round_trip_of_an_array():
    ets = np.linspace(-1e9, 1e9, 7)
    back = to_et(et_to_utc(ets, precision=6))
    np.testing.assert_allclose(back, ets, rtol=0, atol=1e-6)


def test_our_leapseconds_kernel_matches_naifs(mirror):
    times = [f"{y}-{m:02d}-01T00:00:00" for y in range(1972, 2031, 3) for m in (1, 7)]
    ours = to_et(times)
    with KernelSet("naif0012.tls"):
        naif = to_et(times)
    np.testing.assert_array_equal(ours, naif)


def test_bad_times_say_so():
    with pytest.raises(TimeFormatError, match="2021-13-45"):
        to_et("2021-13-45T00:00")
    with pytest.raises(TimeFormatError, match="NaT"):
        to_et(np.array(["NaT"], dtype="datetime64[s]"))


def test_utc_labels_round_to_the_second_and_the_labeller_agrees():
    from orbitviz.spice import utc_label, utc_labeller

    assert utc_label(0.0) == "2000-01-01 11:58:56 UTC"  # 11:58:55.816 rounds up
    et0 = float(to_et("2016-12-31T23:58:00"))
    assert utc_label(et0 + 0.4) == "2016-12-31 23:58:00 UTC"
    assert utc_label(np.array([et0, et0 + 61.0])) == [
        "2016-12-31 23:58:00 UTC",
        "2016-12-31 23:59:01 UTC",
    ]
    # the interpolating labeller (no SPICE while drawing) gives SPICE's labels (between leap
    # seconds: datetime64 has no 23:59:60, so the knot interval holding one is off by <= 1 s)
    et1, span = float(to_et("2021-11-19T03:33:00")), 3 * 86400.0
    label = utc_labeller(et1 - span, et1 + span)
    et = et1 - span + np.random.default_rng(3).uniform(0.0, 2 * span, 400)
    frac = np.array([float(to_et(utc_label(t)[:-4])) for t in et]) - et  # off a whole second
    clear = np.abs(np.abs(frac) - 0.5) > 0.01  # away from a half second, rounding is defined
    assert clear.sum() > 350
    assert [label(t) for t in et[clear]] == [utc_label(t) for t in et[clear]]
    assert utc_labeller(5.0, 5.0)(5.0) == ""
