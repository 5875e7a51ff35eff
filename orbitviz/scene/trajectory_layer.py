"""A path sampled at times ``et`` (N,), coloured by time, by a scalar or by a boolean mask.

Display settings follow Cosmographia's trajectory plot: ``trail_s`` (how far back from the
current time the path is drawn; None = from its start), ``lead_s`` (how far ahead; None = to
its end), ``fade`` (fraction of the trail, oldest part first, that fades to transparent) and
``sample_count`` (resample the path to this many points for display; None = as sampled).
A trail that grows behind a moving body has ``lead_s=0``; ``ahead_opacity`` keeps the part
still to come as a faint ghost (a share of the opacity; 0: not drawn).

>>> import numpy as np
>>> et = np.linspace(0.0, 100.0, 11)
>>> path = TrajectoryLayer("path", et, np.c_[et, 0 * et, 0 * et], color_by="time", trail_s=50.0)
>>> alpha = path.colors_at(100.0)[:, 3]
>>> bool(alpha[0] == 0.0), bool(alpha[-1] == 1.0)
(True, True)
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..errors import SceneError
from .colors import colormap, to_rgba
from .events import Evented
from .layer import Layer
from .sampling import check_samples, interp_rows

COLOR_BY = ("solid", "time", "scalar", "mask")


def _optional_seconds(value) -> float | None:
    return None if value is None else float(value)


def _fade(value) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise SceneError(f"fade is a fraction of the trail within 0..1, got {value}")
    return value


class TrajectoryLayer(Layer):
    """A line through ``positions_km`` (N, 3) at times ``et`` (N,).

    ``color_by``: ``"solid"`` (``color``), ``"time"`` (``colormap`` over the time span),
    ``"scalar"`` (``colormap`` over ``scalar`` (N,), e.g. altitude, within ``clim``) or
    ``"mask"`` (``color_true`` where ``mask`` (N,) is true, e.g. inside the SOI, else
    ``color_false``; ``mask_labels`` say what true and false mean, for the legend).
    """

    kind = "trajectory"
    trail_s = Evented(_optional_seconds)
    lead_s = Evented(_optional_seconds)
    fade = Evented(_fade)
    width_px = Evented(float)
    ahead_opacity = Evented(_fade)

    def __init__(
        self,
        name: str,
        et,
        positions_km,
        *,
        color="orange",
        opacity: float = 1.0,
        visible: bool = True,
        color_by: str = "solid",
        scalar=None,
        scalar_name: str = "",
        clim=None,
        colormap: str = "viridis",
        mask=None,
        color_true="red",
        color_false="deepskyblue",
        mask_labels=("inside", "outside"),
        trail_s=None,
        lead_s=None,
        fade: float = 0.0,
        sample_count: int | None = None,
        width_px: float = 2.0,
        ahead_opacity: float = 0.0,
        legend: bool = True,
        origin_et=None,
        origin_km=None,
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        self.et, self.positions_km = check_samples(et, positions_km, f"trajectory {name!r}")
        self.origin_et = self.origin_km = None
        if (origin_et is None) != (origin_km is None):
            raise SceneError(f"trajectory {name!r}: a moving origin needs origin_et and origin_km")
        if origin_et is not None:
            self.origin_et, self.origin_km = check_samples(
                origin_et, np.reshape(origin_km, (-1, 3)), f"trajectory {name!r} origin"
            )
        self.ahead_opacity = ahead_opacity
        self.legend = bool(legend)  # listed in the view's legend (False: labelled otherwise)
        if color_by not in COLOR_BY:
            raise SceneError(f"color_by={color_by!r}: choose one of {', '.join(COLOR_BY)}")
        for what, array in (("scalar", scalar), ("mask", mask)):
            if color_by == what and array is None:
                raise SceneError(f"trajectory {name!r}: color_by={what!r} needs {what}=array (N,)")
            if array is not None and np.shape(array) != self.et.shape:
                raise SceneError(
                    f"trajectory {name!r}: {what} has shape {np.shape(array)}, "
                    f"expected {self.et.shape} (one value per sample)"
                )
        self.color_by = color_by
        self.scalar = None if scalar is None else np.asarray(scalar, dtype=np.float64)
        self.scalar_name = scalar_name
        self.mask = None if mask is None else np.asarray(mask, dtype=bool)
        self.colormap = colormap
        self.clim = tuple(clim) if clim is not None else None
        self.color_true, self.color_false = to_rgba(color_true), to_rgba(color_false)
        self.mask_labels = tuple(str(w) for w in mask_labels)  # what true and false mean
        self.sample_count = sample_count
        self.trail_s, self.lead_s, self.fade = trail_s, lead_s, fade
        self.width_px = width_px
        self.events.color.connect(self._forget_colors)

    # -- what is drawn ---------------------------------------------------------------------
    @cached_property
    def display_et(self) -> np.ndarray:
        """Times of the drawn points (the samples, or ``sample_count`` evenly spaced)."""
        if self.sample_count is None:
            return self.et
        return np.linspace(self.et[0], self.et[-1], int(self.sample_count))

    @cached_property
    def display_positions_km(self) -> np.ndarray:
        """Positions (M, 3) of the drawn points, float64 km."""
        if self.sample_count is None:
            return self.positions_km
        return interp_rows(self.et, self.positions_km, self.display_et)

    def origin_at(self, et: float) -> np.ndarray:
        """Where the positions' origin is (3,) km at ``et`` (zeros without a moving one)."""
        if self.origin_et is None or self.origin_km is None:
            return np.zeros(3)
        return interp_rows(self.origin_et, self.origin_km, np.array([float(et)]))[0]

    def drawn_positions_km(self, et: float) -> np.ndarray:
        """The drawn points (M, 3) km in the scene at ``et`` (moved with the origin)."""
        if self.origin_et is None:
            return self.display_positions_km
        return self.display_positions_km + self.origin_at(et)

    @property
    def time_dependent(self) -> bool:
        """True when the drawn colours change with the clock (a trail, a lead or a fade)."""
        return self.trail_s is not None or self.lead_s is not None

    @cached_property
    def base_colors(self) -> np.ndarray:
        """RGBA (M, 4) of the drawn points before the time window and opacity."""
        et = self.display_et
        if self.color_by == "solid":
            return np.tile(self.color, (len(et), 1))
        if self.color_by == "mask":
            assert self.mask is not None  # __init__ refuses mask colouring without one
            nearest = np.clip(np.searchsorted(self.et, et), 0, len(self.et) - 1)
            inside = self.mask[nearest]
            return np.where(inside[:, None], self.color_true, self.color_false)
        if self.color_by == "time":
            return colormap(self.colormap, et, (self.et[0], self.et[-1]))
        assert self.scalar is not None  # __init__ refuses scalar colouring without one
        values = np.interp(et, self.et, self.scalar)
        clim = self.clim or (float(np.nanmin(self.scalar)), float(np.nanmax(self.scalar)))
        return colormap(self.colormap, values, clim)

    def colors_at(self, et: float) -> np.ndarray:
        """RGBA (M, 4) of the drawn points at scene time ``et``: transparent outside
        ``[et - trail_s, et + lead_s]``, fading over the oldest ``fade`` of the trail."""
        colors = self.base_colors.copy()
        t = self.display_et
        alpha = np.full(len(t), self.opacity)
        if self.lead_s is not None:
            alpha[t > et + self.lead_s] *= self.ahead_opacity
        if self.trail_s is not None:
            age = et - t
            alpha[age > self.trail_s] = 0.0
            if self.fade > 0 and self.trail_s > 0:
                fade_start = self.trail_s * (1.0 - self.fade)
                ramp = np.clip((self.trail_s - age) / (self.trail_s - fade_start), 0.0, 1.0)
                alpha *= np.where(age > fade_start, ramp, 1.0)
        colors[:, 3] *= alpha
        return colors

    def _forget_colors(self, event) -> None:
        self.__dict__.pop("base_colors", None)

    def bounds_km(self) -> np.ndarray:
        low, high = self.positions_km.min(axis=0), self.positions_km.max(axis=0)
        if self.origin_km is not None:
            low, high = low + self.origin_km.min(axis=0), high + self.origin_km.max(axis=0)
        return np.stack([low, high])
