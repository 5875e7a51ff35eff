"""A light curve beside a 3D scene: a 2D panel of flux against time whose cursor is the clock.

The panel shows the data points, a model curve, and the transits of each planet marked in the
planet's colour (a shaded span from first to fourth contact, a tick and its label above). Its
time window follows the clock (``window_s`` wide, centred on the clock, kept inside the data)
or shows the whole light curve (``window_s=None``); with ``overview`` a thin strip above the
plot shows the whole light curve and where the window is in it. The flux range follows what
the window shows: the noise, and the depth of the transits in or near the window (the range
opens smoothly as a deep transit approaches, so a video never jumps).

It is a screen overlay docked at the bottom of the view (``height_frac`` of the view's height,
full width): the canvas reserves its box in the one layout of the view, so no label or overlay
covers it (:func:`orbitviz.scene.layout.dock_bottom`).

Times are scene times (ET, TDB seconds past J2000): a recipe turns BJD_TDB into ET
(:func:`orbitviz.exoplanets.lightcurve.bjd_to_et`); ``time_axis`` says how to label them.

>>> import numpy as np
>>> et = np.arange(0.0, 10 * 86400.0, 1800.0)
>>> dip = TransitSeries("b", "tomato", mid_et=[432000.0], duration_s=7200.0, depth=0.01)
>>> panel = LightCurveLayer("light curve", et, np.ones_like(et), transits=[dip],
...                         window_s=2 * 86400.0)
>>> [t / 86400 for t in panel.window_at(5 * 86400.0)]     # two days around the clock
[4.0, 6.0]
>>> [t / 86400 for t in panel.window_at(0.0)]              # kept inside the data
[0.0, 2.0]
>>> lo, hi = panel.flux_range_at(432000.0)                 # the transit's depth in view
>>> lo < 0.99 < 1.0 < hi
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import SceneError
from .colors import to_rgba
from .events import Evented
from .layer import Layer
from .layout import Box
from .sampling import check_samples

PLACEMENTS = ("bottom",)
NOISE_SIGMAS = 4.0  # the flux range spans this many robust sigmas of the points above 1


def _window(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise SceneError(f"a light-curve window must be > 0 seconds (or None: all), got {value}")
    return value


def _height_frac(value) -> float:
    value = float(value)
    if not 0.05 <= value <= 0.8:
        raise SceneError(
            f"a panel's height is a fraction of the view within 0.05..0.8, got {value}"
        )
    return value


def _placement(value) -> str:
    if value not in PLACEMENTS:
        raise SceneError(f"placement={value!r}: choose one of {', '.join(PLACEMENTS)}")
    return value


@dataclass(frozen=True)
class TransitSeries:
    """The transits of one planet to mark: its ``label`` (short, e.g. ``"b"``), ``color``,
    mid-transit times ``mid_et`` (K,), ``duration_s`` (first to fourth contact) and ``depth``
    (the flux lost at mid-transit, relative: 0.0083 for 8,300 ppm)."""

    label: str
    color: str | tuple[float, ...] = field(default=(1.0, 1.0, 1.0, 1.0))  # stored as RGBA
    mid_et: np.ndarray = field(default_factory=lambda: np.zeros(0))
    duration_s: float = 0.0
    depth: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "color", to_rgba(self.color))
        mid = np.sort(np.atleast_1d(np.asarray(self.mid_et, dtype=np.float64)))
        object.__setattr__(self, "mid_et", mid)
        object.__setattr__(self, "duration_s", max(float(self.duration_s), 0.0))
        object.__setattr__(self, "depth", max(float(self.depth), 0.0))


@dataclass(frozen=True)
class TimeAxis:
    """How the panel labels time: ``(et - offset_et) / unit_s``, named ``label`` (Kepler's
    BKJD: days since BJD 2454833)."""

    label: str = "ET (s)"
    offset_et: float = 0.0
    unit_s: float = 1.0

    def value(self, et):
        return (np.asarray(et, dtype=np.float64) - self.offset_et) / self.unit_s


@dataclass(frozen=True)
class PlotArea:
    """Where data go on screen: times ``t0_et..t1_et`` across ``box`` (left to right) and
    fluxes ``lo..hi`` up it (pixels: x right, y down).

    >>> area = PlotArea(Box(100, 50, 300, 150), 0.0, 10.0, 0.99, 1.01)
    >>> float(area.x(5.0)), float(area.y(1.0)), area.et_at(300.0)
    (200.0, 100.0, 10.0)
    """

    box: Box
    t0_et: float
    t1_et: float
    lo: float
    hi: float

    def x(self, et):
        span = (self.t1_et - self.t0_et) or 1.0
        return self.box.x0 + (np.asarray(et, dtype=np.float64) - self.t0_et) / span * self.box.width

    def y(self, flux):
        span = (self.hi - self.lo) or 1.0
        return self.box.y1 - (np.asarray(flux, dtype=np.float64) - self.lo) / span * self.box.height

    def et_at(self, x_px: float) -> float:
        """The time at pixel column ``x_px`` (a click in the plot)."""
        frac = (float(x_px) - self.box.x0) / (self.box.width or 1.0)
        return float(self.t0_et + frac * (self.t1_et - self.t0_et))


class LightCurveLayer(Layer):
    """Flux ``flux`` (N,) at scene times ``et`` (N,, increasing), drawn as points, with a model
    ``model_flux`` (M,) at ``model_et`` (M,) drawn as a line and ``transits`` (one
    :class:`TransitSeries` per planet) marked. ``color`` is the points' colour, ``model_color``
    the line's; ``opacity`` fades the whole panel.

    ``window_s``: the time shown, centred on the clock (None: the whole light curve);
    ``overview``: a strip with the whole light curve above the plot; ``placement`` and
    ``height_frac``: where the panel sits (``"bottom"``, full width) and how much of the
    view's height it takes; ``time_axis`` labels the times; ``title`` heads the panel."""

    kind = "lightcurve"
    window_s = Evented(_window)
    height_frac = Evented(_height_frac)
    overview = Evented(bool)
    placement = Evented(_placement)
    point_size_px = Evented(float)
    model_color = Evented(to_rgba)

    def __init__(
        self,
        name: str,
        et,
        flux,
        *,
        model_et=None,
        model_flux=None,
        transits: Sequence[TransitSeries] = (),
        time_axis: TimeAxis | None = None,
        title: str = "",
        window_s: float | None = None,
        overview: bool = True,
        placement: str = "bottom",
        height_frac: float = 0.3,
        color="#a8a8a8",
        model_color="white",
        opacity: float = 1.0,
        visible: bool = True,
        point_size_px: float = 3.0,
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        et = np.asarray(et, dtype=np.float64)
        flux = np.asarray(flux, dtype=np.float64)
        if et.shape != flux.shape:
            raise SceneError(
                f"light curve {name!r}: {et.shape} times and {flux.shape} fluxes; give one "
                "flux per time"
            )
        keep = np.isfinite(et) & np.isfinite(flux)
        if not keep.any():
            raise SceneError(f"light curve {name!r} has no finite point to show")
        self.et, self.flux = check_samples(et[keep], flux[keep], f"light curve {name!r}")
        if (model_et is None) != (model_flux is None):
            raise SceneError(f"light curve {name!r}: give model_et and model_flux together")
        if model_et is None:
            self.model_et, self.model_flux = np.zeros(0), np.zeros(0)
        else:
            self.model_et, self.model_flux = check_samples(
                model_et, model_flux, f"model of light curve {name!r}"
            )
            if self.model_flux.ndim != 1:
                raise SceneError(f"light curve {name!r}: model_flux must be (M,)")
        self.transits = tuple(transits)
        self.time_axis = time_axis or TimeAxis()
        self.title = title
        self.window_s, self.overview, self.placement = window_s, overview, placement
        self.height_frac, self.point_size_px = height_frac, point_size_px
        self.model_color = model_color
        residual = self.flux - np.median(self.flux)
        self.noise = float(1.4826 * np.median(np.abs(residual - np.median(residual))))

    # -- time ------------------------------------------------------------------------------
    @property
    def span_et(self) -> tuple[float, float]:
        """The first and last time of the data (and the model)."""
        first = min(self.et[0], self.model_et[0]) if len(self.model_et) else self.et[0]
        last = max(self.et[-1], self.model_et[-1]) if len(self.model_et) else self.et[-1]
        return float(first), float(last)

    def window_at(self, et: float) -> tuple[float, float]:
        """The times shown (t0, t1) while the clock reads ``et``: ``window_s`` centred on it,
        shifted to stay inside the data; the whole light curve without a window."""
        first, last = self.span_et
        width = self.window_s
        if width is None or width >= last - first:
            return first, last
        t0 = min(max(float(et) - 0.5 * width, first), last - width)
        return t0, t0 + width

    def marks(self) -> tuple[np.ndarray, np.ndarray]:
        """Every transit as (mid_et (K,), index of its series (K,)), in time order."""
        if not self.transits:
            return np.zeros(0), np.zeros(0, int)
        mids = np.concatenate([s.mid_et for s in self.transits])
        which = np.concatenate([np.full(len(s.mid_et), i) for i, s in enumerate(self.transits)])
        order = np.argsort(mids, kind="stable")
        return mids[order], which[order]

    # -- flux --------------------------------------------------------------------------------
    def flux_range_at(self, et: float) -> tuple[float, float]:
        """The fluxes shown (lo, hi) while the clock reads ``et``: ``NOISE_SIGMAS`` robust
        sigmas of the points either side of 1, opened below by the depth of the transits in
        the window, and smoothly by those within one window's width of it."""
        base = NOISE_SIGMAS * max(self.noise, 1e-6)
        t0, t1 = self.window_at(et)
        centre, half = 0.5 * (t0 + t1), 0.5 * (t1 - t0)
        dip = 0.0
        for series in self.transits:
            if not len(series.mid_et) or series.depth <= 0:
                continue
            gap = np.abs(series.mid_et - centre) - half - 0.5 * series.duration_s
            gap = np.clip(gap, 0.0, None) / max(2.0 * half, 1e-9)  # in window widths
            weight = np.where(gap < 1.0, 0.5 * (1.0 + np.cos(np.pi * np.minimum(gap, 1.0))), 0.0)
            dip = max(dip, float(series.depth * weight.max()))
        return 1.0 - base - dip, 1.0 + base

    def visible_points(self, t0_et: float, t1_et: float) -> slice:
        """The data points within ``t0_et..t1_et``, as a slice of ``et`` and ``flux``."""
        lo = int(np.searchsorted(self.et, t0_et, side="left"))
        return slice(lo, int(np.searchsorted(self.et, t1_et, side="right")))

    def visible_model(self, t0_et: float, t1_et: float) -> slice:
        """The model samples within the window and one either side (the line reaches the
        plot's edges)."""
        lo, hi = np.searchsorted(self.model_et, [t0_et, t1_et])
        return slice(max(lo - 1, 0), min(hi + 1, len(self.model_et)))

    def bounds_km(self) -> None:
        return None  # a screen overlay: nothing in the 3D scene to frame


def panel_areas(
    box: Box, *, line_px: float, label_px: float, overview: bool, pad_px: float = 4.0
) -> dict[str, Box]:
    """The parts of a panel ``box``: ``title`` (a line of text at the top), ``overview`` (a
    strip of the whole light curve, when asked), ``plot`` (the data, a line of text below the
    strip for the transits' labels), ``x_labels`` (a line below the plot) and ``y_labels`` (a
    column ``label_px`` wide left of it). ``line_px``: the height of a line of the panel's
    text.

    >>> parts = panel_areas(Box(0, 0, 400, 200), line_px=12, label_px=40, overview=True)
    >>> parts["plot"].x0, parts["plot"].y1 < parts["x_labels"].y0, parts["overview"].y1 < 100
    (44.0, True, True)
    """
    inner = box.inset(pad_px)
    title = Box(inner.x0, inner.y0, inner.x1, inner.y0 + line_px)
    top = title.y1 + 0.5 * pad_px
    strip = None
    if overview:
        strip_h = max(0.16 * inner.height, line_px)
        strip = Box(inner.x0 + label_px, top, inner.x1, top + strip_h)
        top = strip.y1 + 0.5 * pad_px
    x_labels = Box(inner.x0 + label_px, inner.y1 - line_px, inner.x1, inner.y1)
    # a line above the plot for the transits' labels
    plot = Box(inner.x0 + label_px, top + line_px, inner.x1, x_labels.y0 - 0.5 * pad_px)
    y_labels = Box(inner.x0, plot.y0, inner.x0 + label_px - pad_px, plot.y1)
    parts = {"title": title, "plot": plot, "x_labels": x_labels, "y_labels": y_labels}
    if strip is not None:
        parts["overview"] = strip
    return parts


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2 or 5 x 10^n) giving about ``count`` ticks over ``span``.

    >>> nice_step(10.0), nice_step(0.0083, 4)
    (2.0, 0.002)
    """
    if not (np.isfinite(span) and span > 0):
        return 1.0
    raw = span / max(count, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    steps = np.array([1.0, 2.0, 5.0, 10.0]) * power
    return float(steps[np.argmin(np.abs(np.log(steps / raw)))])


def ticks(lo: float, hi: float, count: int = 5) -> np.ndarray:
    """Round values within ``lo..hi``, about ``count`` of them.

    >>> ticks(0.991, 1.0012, 4).round(4).tolist()
    [0.992, 0.994, 0.996, 0.998, 1.0]
    """
    step = nice_step(hi - lo, count)
    first = np.ceil(lo / step - 1e-9) * step
    return np.arange(first, hi + 1e-9 * step, step)
