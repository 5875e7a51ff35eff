"""The scene clock: a time span, the current time, a playback rate and play/pause.

>>> clock = Clock(0.0, 100.0, rate=10.0)
>>> clock.play(); clock.advance(2.5)
25.0
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..errors import CoverageError, SceneError
from .events import EmitterGroup


class Clock:
    """Scene time ``et`` within ``[start_et, stop_et]``; ``rate`` = scene seconds per wall second.

    Events on ``clock.events``: ``time`` (value: et), ``range`` ((start, stop)), ``rate``,
    ``playing`` (bool). At the end of the span playback wraps around when ``loop`` else pauses.
    """

    def __init__(
        self,
        start_et: float,
        stop_et: float,
        *,
        et: float | None = None,
        rate: float = 1.0,
        loop: bool = True,
    ):
        self.events = EmitterGroup(self, ("time", "range", "rate", "playing"))
        self._check_range(start_et, stop_et)
        self._start, self._stop = float(start_et), float(stop_et)
        self._et = self._start if et is None else self._clamp(float(et))
        self._rate = float(rate)
        self._playing = False
        self.loop = loop

    @staticmethod
    def _check_range(start_et: float, stop_et: float) -> None:
        if not (math.isfinite(start_et) and math.isfinite(stop_et)) or stop_et < start_et:
            raise SceneError(
                f"clock span [{start_et}, {stop_et}] is empty or not finite; "
                "give start_et <= stop_et"
            )

    def _clamp(self, et: float) -> float:
        return min(max(et, self._start), self._stop)

    def require(
        self, first_et: float, last_et: float, what: str, fmt: Callable[[float], str] = str
    ) -> None:
        """Refuse times a user asked for outside the span (``what``: which option or
        argument), naming the span with ``fmt`` (e.g. a UTC formatter). The slider and
        playback clamp; an explicit request outside the data is an error, not a clamp.

        >>> Clock(0.0, 60.0).require(10.0, 70.0, "time_range")
        Traceback (most recent call last):
        ...
        orbitviz.errors.CoverageError: time_range 10.0 .. 70.0 is outside the scene's data, 0.0 .. 60.0: choose times inside it
        """
        slack = 1e-6 * max(1.0, abs(self._start), abs(self._stop))
        if not (math.isfinite(first_et) and math.isfinite(last_et)):
            raise CoverageError(f"{what}: the times must be finite numbers")
        if first_et < self._start - slack or last_et > self._stop + slack:
            if self._stop == self._start:
                raise CoverageError(
                    f"{what}: this scene has no time (a shape model on its own); leave it out"
                )
            span = fmt(first_et) if first_et == last_et else f"{fmt(first_et)} .. {fmt(last_et)}"
            raise CoverageError(
                f"{what} {span} is outside the scene's data, {fmt(self._start)} .. "
                f"{fmt(self._stop)}: choose times inside it"
            )

    @property
    def start_et(self) -> float:
        return self._start

    @property
    def stop_et(self) -> float:
        return self._stop

    @property
    def span_s(self) -> float:
        return self._stop - self._start

    def set_range(self, start_et: float, stop_et: float) -> None:
        self._check_range(start_et, stop_et)
        self._start, self._stop = float(start_et), float(stop_et)
        self.events.range((self._start, self._stop))
        self.et = self._et

    @property
    def et(self) -> float:
        return self._et

    @et.setter
    def et(self, value: float) -> None:
        value = self._clamp(float(value))
        if value != self._et:
            self._et = value
            self.events.time(value)

    @property
    def fraction(self) -> float:
        """Where ``et`` is within the span, 0..1 (for a slider)."""
        return (self._et - self._start) / self.span_s if self.span_s else 0.0

    @fraction.setter
    def fraction(self, value: float) -> None:
        self.et = self._start + float(value) * self.span_s

    @property
    def rate(self) -> float:
        return self._rate

    @rate.setter
    def rate(self, value: float) -> None:
        value = float(value)
        if value != self._rate:
            self._rate = value
            self.events.rate(value)

    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        self._set_playing(True)

    def pause(self) -> None:
        self._set_playing(False)

    def toggle(self) -> None:
        self._set_playing(not self._playing)

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.events.playing(playing)

    def advance(self, wall_dt_s: float) -> float:
        """Move time by ``rate * wall_dt_s`` when playing; returns the new et."""
        if not self._playing:
            return self._et
        target = self._et + self._rate * float(wall_dt_s)
        if self._start <= target <= self._stop:
            self.et = target
        elif self.loop and self.span_s > 0:
            self.et = self._start + (target - self._start) % self.span_s
        else:
            self.et = target
            self.pause()
        return self._et
