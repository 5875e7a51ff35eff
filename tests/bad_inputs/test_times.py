"""Times that are not times are refused: nan, inf and overflowing numbers, and a UTC second
23:59:60 on a day that had no leap second (SPICE itself reads it as the next day's 00:00:00).

The leap seconds are IERS's (Bulletin C): the independent truth for the bundled LSK.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbitviz.cli import main
from orbitviz.errors import NoLeapSecond, TimeFormatError
from orbitviz.spice import et_to_utc, to_et

# the UTC days that ended with a leap second, 1972-2016 (IERS Bulletin C; none since)
LEAP_DAYS = {
    dt.date.fromisoformat(d)
    for d in [
        "1972-06-30",
        "1972-12-31",
        "1973-12-31",
        "1974-12-31",
        "1975-12-31",
        "1976-12-31",
        "1977-12-31",
        "1978-12-31",
        "1979-12-31",
        "1981-06-30",
        "1982-06-30",
        "1983-06-30",
        "1985-06-30",
        "1987-12-31",
        "1989-12-31",
        "1990-12-31",
        "1992-06-30",
        "1993-06-30",
        "1994-06-30",
        "1995-12-31",
        "1997-06-30",
        "1998-12-31",
        "2005-12-31",
        "2008-12-31",
        "2012-06-30",
        "2015-06-30",
        "2016-12-31",
    ]
}
# half of the examples on a leap-second day or the day before/after one
NEAR_LEAPS = sorted({d + dt.timedelta(days=k) for d in LEAP_DAYS for k in (-1, 0, 1)})


@given(
    day=st.one_of(
        st.sampled_from(NEAR_LEAPS), st.dates(dt.date(1972, 1, 1), dt.date(2030, 12, 31))
    ),
    fraction=st.sampled_from(["", ".0", ".25", ".999"]),
    style=st.sampled_from(["iso", "calendar"]),
)
def test_second_60_is_accepted_exactly_at_leap_seconds(day, fraction, style):
    text = (
        f"{day.isoformat()}T23:59:60{fraction}"
        if style == "iso"
        else f"{day:%Y %b %d} 23:59:60{fraction}".upper()
    )
    if day in LEAP_DAYS:
        assert et_to_utc(to_et(text), precision=3).startswith(f"{day.isoformat()}T23:59:60")
    elif (day.month, day.day) in ((6, 30), (12, 31)):  # SPICE reads it as the next 00:00:00
        with pytest.raises(NoLeapSecond) as err:
            to_et(text)
        assert err.value.day == day.isoformat() and err.value.text == text
        assert "orbitviz_leapseconds.tls" in err.value.kernels
    else:  # SPICE refuses it itself
        with pytest.raises(TimeFormatError, match="less than 60"):
            to_et(text)


def test_cli_refuses_a_second_60_without_a_leap_second(capsys):
    code = main(["time", "2015-12-31T23:59:60"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("orbitviz: error: ") and err.count("\n") == 1
    assert "'2015-12-31T23:59:60'" in err and "2015-12-31 ended without a leap second" in err
    assert main(["time", "2016-12-31T23:59:60"]) == 0  # the real one is fine
    assert "UTC  2016-12-31T23:59:60.000000" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["nan", "inf", "1e400", "NaN", "-1e999"])
def test_cli_time_refuses_numbers_that_are_not_finite(capsys, text):
    code = main(["time", "--", text])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("orbitviz: error: ") and err.count("\n") == 1
    assert f"time {text!r} is not a finite number of ET seconds" in err


@given(x=st.floats(allow_nan=True, allow_infinity=True))
def test_to_et_takes_a_number_only_when_finite(x):
    if np.isfinite(x):
        assert to_et(x) == x
        assert to_et([0.0, x]).tolist() == [0.0, x]
    else:
        with pytest.raises(TimeFormatError, match="not a finite number"):
            to_et(x)
        with pytest.raises(TimeFormatError, match="index 1"):
            to_et(np.array([0.0, x]))
