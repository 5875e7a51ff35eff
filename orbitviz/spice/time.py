"""Time: UTC strings, datetimes, numpy datetime64 and arrays <-> ET (TDB seconds past J2000).

A leap-seconds kernel is needed; if none is loaded, orbitviz's bundled one is loaded for you.

>>> from orbitviz.spice import to_et, et_to_utc
>>> to_et("2000-01-01T12:00:00 TDB")
0.0
>>> et_to_utc(0.0)
'2000-01-01T11:58:55.816'
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import spiceypy

from ..errors import NoLeapSecond, TimeFormatError
from ..units import DAY_S, J2000_JD, TimeLike
from .errors import spice_errors
from .kernels import POOL, ensure_time_kernels

# hours:minutes:60, the leap second (with a fraction or not)
_SECOND_60 = re.compile(r"(?<!\d)(\d{1,2}:\d{1,2}):60(\.\d*)?(?!\d)")

_ISO_WITH_SYSTEM = re.compile(r"^[+-]?\d{4}-\d{2}-\d{2}T.*\s(UTC|TDB|TDT|TT)$", re.IGNORECASE)


def _is_astropy_time(value: Any) -> bool:
    """An astropy Time (told without importing astropy: 0.3 s)."""
    return type(value).__module__.startswith("astropy.time") and hasattr(value, "utc")


def _astropy_et(value: Any) -> float | np.ndarray:
    """ET of an astropy Time (or array of them): exact arithmetic on its two-part JD when it is
    TDB; through UTC text (nanosecond digits) otherwise, so that SPICE's leap seconds and
    TDB model apply as to any UTC time."""
    if value.scale == "tdb":
        et = ((value.jd1 - J2000_JD) + value.jd2) * DAY_S
        return float(et) if np.ndim(et) == 0 else np.asarray(et, dtype=float)
    utc = value.utc.replicate()  # a view: the caller's precision stays as it was
    utc.precision = 9
    text = np.asarray(utc.isot, dtype=str)
    if text.ndim == 0:
        return _one(f"{text} UTC")
    return np.array([_one(f"{v} UTC") for v in text.ravel()]).reshape(text.shape)


def _as_text(value: Any) -> str | float:
    if isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise TimeFormatError("NaT (not a time) cannot be converted to ET")
        return (
            np.datetime_as_string(value.astype("datetime64[us]"), unit="us").replace("T", " ")
            + " UTC"
        )
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ") + " UTC"
    if isinstance(value, _dt.date):
        return value.isoformat() + " UTC"
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + " UTC"
        if _ISO_WITH_SYSTEM.match(text):  # SPICE rejects "2000-01-01T12:00 TDB"; a space works
            text = text.replace("T", " ", 1)
        return text
    raise TimeFormatError(f"cannot read {value!r} ({type(value).__name__}) as a time")


def _one(value: Any) -> float:
    if _is_astropy_time(value):
        return float(_astropy_et(value))
    text = _as_text(value)
    if isinstance(text, float):
        if not np.isfinite(text):
            raise TimeFormatError(f"time {value!r} is not a finite number of ET seconds")
        return text
    with spice_errors(f"cannot read time {value!r}"):
        et = float(spiceypy.str2et(text))
        _check_second_60(text, value)
    return et


def _check_second_60(text: str, value: Any) -> None:
    """SPICE reads 23:59:60 on any day (as the next day's 00:00:00); it is a real UTC second
    only at a leap second of the loaded leap-seconds kernel."""
    match = _SECOND_60.search(text)
    if match is None:
        return
    whole = text[: match.start()] + match.group(1) + ":60" + text[match.end() :]
    et = float(spiceypy.str2et(whole))
    if spiceypy.et2utc(et, "ISOC", 0)[17:19] == "60":
        return
    day = spiceypy.et2utc(et - 1.0, "ISOC", 0)[:10]
    raise NoLeapSecond(str(value), day, [p.name for p in POOL.files_of_kind("LSK")])


def to_et(t: TimeLike | Sequence[TimeLike] | np.ndarray) -> float | np.ndarray:
    """ET (TDB seconds past J2000) of a time (:data:`~orbitviz.units.TimeLike`: a UTC string,
    a datetime, a numpy datetime64, an astropy Time, a number of ET seconds) or of an array
    or list of times.

    >>> import datetime, numpy, astropy.time
    >>> times = ["2021-11-21T12:00", datetime.datetime(2021, 11, 21, 12),
    ...          numpy.datetime64("2021-11-21T12:00"), astropy.time.Time("2021-11-21T12:00")]
    >>> {float(to_et(t)) for t in times}
    {690768069.1828...}
    """
    ensure_time_kernels()
    if _is_astropy_time(t):
        return _astropy_et(t)
    if isinstance(t, (str, _dt.date, np.datetime64)) or np.ndim(t) == 0:  # type: ignore[arg-type]  # an astropy Time was taken above
        return _one(t.item() if isinstance(t, np.ndarray) else t)
    arr = np.asarray(t)
    if np.issubdtype(arr.dtype, np.number):
        out = arr.astype(float)
        bad = np.flatnonzero(~np.isfinite(out))
        if bad.size:
            raise TimeFormatError(
                f"{bad.size} of {out.size} times are not finite numbers of ET seconds "
                f"(the first at index {int(bad[0])}: {out.ravel()[bad[0]]})"
            )
        return out
    if np.issubdtype(arr.dtype, np.datetime64):
        return _datetime64_to_et(arr)
    return np.array([_one(v) for v in arr.ravel()], dtype=float).reshape(arr.shape)


def _datetime64_to_et(arr: np.ndarray) -> np.ndarray:
    """Vectorised UTC datetime64 -> ET: two SPICE calls per distinct day, linear in between.

    Within one UTC day ET advances at a rate that differs from 1 only by TDB-TT's periodic
    term (a few 1e-10 s/s), so interpolating between the day's ends is exact to nanoseconds;
    a day that ends with a leap second is 86401 s long, which the interpolation accounts for.
    """
    if np.isnat(arr).any():
        raise TimeFormatError("array contains NaT (not a time) values")
    us = arr.astype("datetime64[us]")
    days = us.astype("datetime64[D]")
    unique_days, inverse = np.unique(days, return_inverse=True)
    start_et = np.array([_one(d) for d in unique_days])
    end_et = np.array([_one(d + np.timedelta64(1, "D")) for d in unique_days])
    span_s = end_et - start_et
    day_length_s = 86400.0 + np.round(span_s - 86400.0)  # 86401 on a leap-second day
    seconds_into_day = (us - days.astype("datetime64[us]")).astype(np.int64) / 1e6
    idx = inverse.reshape(arr.shape)
    return start_et[idx] + seconds_into_day * (span_s[idx] / day_length_s[idx])


WRITABLE_ET = (-63082238400.0, 252455486400.0)
"""ET (s) of 0001-01-02 and 9999-12-31 TDB: the times written as calendar dates here (ISO
years have four digits and no era; SPICE wrote ``****-01-01`` for 10000-01-01 and "5877595
B.C." for ET 1e16, after an overflow)."""


def _check_writable(et) -> None:
    try:
        values = np.asarray(et, dtype=float)
    except (TypeError, ValueError):
        raise TimeFormatError(f"ET {et!r}: give seconds past J2000 (TDB) as numbers") from None
    low, high = WRITABLE_ET
    bad = ~((values >= low) & (values <= high))
    if bad.any():
        value = float(values[bad].ravel()[0])
        years = value / (365.25 * 86400.0)
        raise TimeFormatError(
            f"ET {value:.10g} s ({years:+.4g} years from J2000) is outside the years 1 to 9999 "
            "that orbitviz writes as dates; give a time in that range"
        )


def et_to_utc(et: float | np.ndarray, precision: int = 3, fmt: str = "ISOC") -> str | np.ndarray:
    """UTC string(s) of ET value(s): ISO calendar (``ISOC``), day-of-year (``ISOD``),
    ``C`` (1986 APR 12 16:31:09.814) or ``J`` (Julian date), for ET in :data:`WRITABLE_ET`."""
    _check_writable(et)
    ensure_time_kernels()
    with spice_errors("cannot convert ET to UTC"):
        if np.ndim(et) == 0:
            return spiceypy.et2utc(float(et), fmt, precision)
        arr = np.asarray(et, dtype=float)
        out = [spiceypy.et2utc(float(v), fmt, precision) for v in arr.ravel()]
        return np.array(out).reshape(arr.shape)


def et_to_tdb(et: float, precision: int = 3) -> str:
    """TDB calendar string of an ET value (``2021-12-01T00:01:09.184 TDB``)."""
    _check_writable(et)
    ensure_time_kernels()
    with spice_errors("cannot convert ET to TDB"):
        return spiceypy.timout(float(et), f"YYYY-MM-DDTHR:MN:SC.{'#' * precision} ::TDB") + " TDB"


def et_to_datetime64(et: float | np.ndarray) -> np.ndarray:
    """numpy datetime64[ms] (UTC) of ET value(s), e.g. for plotting."""
    text = et_to_utc(et, precision=3)
    return np.asarray(text, dtype="datetime64[ms]")


# --------------------------------------------------------------------------------------------
# labels: "YYYY-MM-DD HH:MM:SS UTC", the one format of time overlays (window, video, plots)
# --------------------------------------------------------------------------------------------
def _label(iso: str) -> str:
    return f"{iso[:19].replace('T', ' ')} UTC"


def utc_label(et: float | np.ndarray) -> str | list[str]:
    """``"YYYY-MM-DD HH:MM:SS UTC"`` label(s) of ET value(s), rounded to the second by SPICE
    (a list for an array, e.g. every frame of a video, computed before drawing).

    >>> utc_label(0.0)
    '2000-01-01 11:58:56 UTC'
    """
    text = et_to_utc(et, precision=0)
    if isinstance(text, str):
        return _label(text)
    return [_label(str(t)) for t in np.ravel(text)]


def utc_labeller(start_et: float, stop_et: float, knots: int = 257) -> Callable[[float], str]:
    """``f(et) ->`` :func:`utc_label` for times in the span, from UTC computed by SPICE at
    ``knots`` times up front and interpolated (exact between leap seconds), so that drawing
    never calls SPICE (it is not thread-safe). A span of zero length gives an empty label.

    >>> label = utc_labeller(0.0, 86400.0)
    >>> label(43200.0) == utc_label(43200.0)
    True
    """
    if stop_et <= start_et:
        return lambda et: ""
    knot_et = np.linspace(start_et, stop_et, knots)
    knot_ms = et_to_datetime64(knot_et).astype(np.int64).astype(np.float64)

    def label(et: float) -> str:
        ms = np.interp(float(et), knot_et, knot_ms)
        return _label(str(np.datetime64(round(ms / 1000.0), "s")))  # rounded, as SPICE's et2utc

    return label
