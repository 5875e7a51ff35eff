"""Scene time as a function of video time: piecewise linear, so a phase can be slowed down.

>>> tm = TimeMap.with_slow_phase(0.0, 100.0, 15.0, phase_et=(40.0, 50.0), slowdown=6.0)
>>> [round(float(v), 9) for v in tm.et_at([0.0, 4.0, 10.0, 15.0])]
[0.0, 40.0, 50.0, 100.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import TimeMapError


@dataclass(frozen=True)
class TimeMap:
    """Knots ``video_s`` (K,, increasing) -> ``et`` (K,, non-decreasing); linear in between."""

    video_s: np.ndarray
    et: np.ndarray

    def __post_init__(self) -> None:
        video = np.asarray(self.video_s, dtype=np.float64)
        et = np.asarray(self.et, dtype=np.float64)
        if video.ndim != 1 or video.shape != et.shape or len(video) < 1:
            raise TimeMapError(
                f"a time map needs matching 1-D knots, got {video.shape} video "
                f"times and {et.shape} scene times"
            )
        if (np.diff(video) <= 0).any() or (np.diff(et) < 0).any():
            raise TimeMapError(
                "time map knots: video times must increase and scene times must not "
                "decrease (a hold is allowed, going back in time is not)"
            )
        object.__setattr__(self, "video_s", video)
        object.__setattr__(self, "et", et)

    @classmethod
    def linear(cls, start_et: float, stop_et: float, duration_s: float) -> TimeMap:
        if duration_s <= 0:
            return cls(np.array([0.0]), np.array([float(start_et)]))
        return cls(np.array([0.0, duration_s]), np.array([start_et, stop_et], dtype=np.float64))

    @classmethod
    def with_slow_phase(
        cls,
        start_et: float,
        stop_et: float,
        duration_s: float,
        *,
        phase_et: tuple[float, float],
        slowdown: float,
    ) -> TimeMap:
        """``duration_s`` of video over ``[start_et, stop_et]``, where the scene seconds within
        ``phase_et`` take ``slowdown`` times more video time than the others (e.g. a bounce)."""
        if not (np.isfinite(slowdown) and slowdown > 0):
            raise TimeMapError(f"slowdown {slowdown} must be a finite number > 0")
        p0, p1 = (min(max(float(v), start_et), stop_et) for v in phase_et)
        if not p1 > p0:
            raise TimeMapError(
                f"slow phase ET {phase_et[0]:.3f} .. {phase_et[1]:.3f} must have start < stop "
                f"and overlap the span ET {start_et:.3f} .. {stop_et:.3f}"
            )
        weighted = (stop_et - start_et) - (p1 - p0) + slowdown * (p1 - p0)
        video_per_scene = duration_s / weighted
        knots = [0.0, (p0 - start_et) * video_per_scene]
        knots.append(knots[-1] + slowdown * (p1 - p0) * video_per_scene)
        knots.append(duration_s)
        video, et = np.array(knots), np.array([start_et, p0, p1, stop_et], dtype=np.float64)
        keep = np.r_[True, np.diff(video) > 0]
        return cls(video[keep], et[keep])

    @classmethod
    def eased(
        cls,
        start_et: float,
        stop_et: float,
        duration_s: float,
        phases,
        *,
        ramp_share: float = 0.5,
        samples: int = 1201,
    ) -> TimeMap:
        """``duration_s`` of video over ``[start_et, stop_et]``, where each phase
        ``(p0, p1, slowdown)`` takes ``slowdown`` times more video per scene second, the rate
        easing in and out over ``ramp_share`` of the phase's length either side (no jump in
        speed a viewer would see). Many knots: piecewise linear, smooth to the eye.

        >>> tm = TimeMap.eased(0.0, 100.0, 10.0, [(45.0, 55.0, 10.0)])
        >>> middle = tm.et_at([4.0, 6.0])      # 2 s of video around the phase: ~10 scene s
        >>> bool(float(middle[1] - middle[0]) < 12.0)
        True
        """
        if not stop_et > start_et:
            return cls.linear(start_et, stop_et, duration_s)
        et = np.linspace(float(start_et), float(stop_et), int(samples))
        weight = np.ones_like(et)
        for p0, p1, slowdown in phases:
            if not (np.isfinite(slowdown) and slowdown > 0):
                raise TimeMapError(f"slowdown {slowdown} must be a finite number > 0")
            ramp = max(ramp_share * (p1 - p0), (stop_et - start_et) / samples)
            rise = np.clip((et - (p0 - ramp)) / ramp, 0.0, 1.0)
            fall = np.clip(((p1 + ramp) - et) / ramp, 0.0, 1.0)
            inside = np.minimum(rise * rise * (3 - 2 * rise), fall * fall * (3 - 2 * fall))
            weight = np.maximum(weight, 1.0 + (slowdown - 1.0) * inside)
        steps = 0.5 * (weight[1:] + weight[:-1]) * np.diff(et)
        video = np.r_[0.0, np.cumsum(steps)]
        return cls(video * (duration_s / video[-1]), et)

    @property
    def duration_s(self) -> float:
        return float(self.video_s[-1])

    def et_at(self, t_s) -> np.ndarray:
        """Scene times at video times ``t_s`` (held constant past the last knot)."""
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        if len(self.video_s) == 1:
            return np.full(len(t), self.et[0])
        return np.interp(t, self.video_s, self.et)

    def rescaled(self, duration_s: float) -> TimeMap:
        """The same mapping stretched to ``duration_s`` of video."""
        if self.duration_s == 0:
            return self
        if duration_s <= 0:  # one frame: the map's first scene time
            return TimeMap(np.array([0.0]), self.et[:1])
        return TimeMap(self.video_s * (duration_s / self.duration_s), self.et)
