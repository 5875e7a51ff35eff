"""Play/pause, a time slider, the playback speed and the current UTC, driving a scene Clock.

The UTC label comes from a labeller computed up front (no SPICE here); a 30 Hz timer
advances the clock by the wall time that passed while playing.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QRect, Qt, QTimer
from PyQt5.QtGui import QColor, QPainter, QPolygon
from PyQt5.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QWidget,
)

SLIDER_STEPS = 1000
SPEEDS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)  # x the scene's own playback rate


class EventSlider(QSlider):
    """The time slider with the scene's events marked under its groove (a small triangle each,
    the main event's brighter), named in its tooltip."""

    MARK = QColor("#ffb020")
    MAIN = QColor("#ff5a30")

    def __init__(self, parent=None):
        super().__init__(Qt.Horizontal, parent)
        self.marks: list[tuple[float, bool]] = []  # (fraction of the span, main)
        self.setMinimumHeight(24)

    def set_marks(self, marks) -> None:
        self.marks = [(float(f), bool(main)) for f, main in marks if 0.0 <= f <= 1.0]
        self.update()

    def mark_x(self, fraction: float) -> int:
        """The pixel column of a fraction of the span (where the handle's centre would be)."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        groove = self.style().subControlRect(QStyle.CC_Slider, option, QStyle.SC_SliderGroove, self)
        handle = self.style().subControlRect(QStyle.CC_Slider, option, QStyle.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        return groove.x() + handle.width() // 2 + round(fraction * span)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self.marks:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        y = self.height() - 1
        for fraction, main in self.marks:
            x = self.mark_x(fraction)
            size = 5 if main else 4
            painter.setPen(Qt.NoPen)
            painter.setBrush(self.MAIN if main else self.MARK)
            painter.drawPolygon(QPolygon([QRect(x - size, y, 0, 0).topLeft(),
                                          QRect(x + size, y, 0, 0).topLeft(),
                                          QRect(x, y - size - 2, 0, 0).topLeft()]))  # fmt: skip
        painter.end()


class TimeBar(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.play_button = QToolButton()
        self.play_button.setToolTip("play / pause (Space)")
        self.slider = EventSlider()
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setToolTip("scene time")
        self.speed = QComboBox()
        self.speed.addItems([f"x{s:g}" for s in SPEEDS])
        self.speed.setToolTip("playback speed, relative to the scene's own")
        self.utc_label = QLabel()
        self.utc_label.setMinimumWidth(  # the longest UTC text, in this font
            self.utc_label.fontMetrics().horizontalAdvance("0000-00-00 00:00:00 UTC") + 12
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        for widget, stretch in (
            (self.play_button, 0),
            (self.slider, 1),
            (self.speed, 0),
            (self.utc_label, 0),
        ):
            row.addWidget(widget, stretch)
        self.timer = QTimer(self)
        self.timer.setInterval(33)
        self.timer.timeout.connect(self._tick)
        self.play_button.clicked.connect(self.toggle)
        self.slider.valueChanged.connect(self._on_slider)
        self.speed.currentIndexChanged.connect(self._on_speed)
        self.clock = None

    def set_clock(self, clock, utc_label) -> None:
        if self.clock is not None:
            self.clock.events.time.disconnect(self._on_time)
            self.clock.events.playing.disconnect(self._on_playing)
            self.clock.pause()
        self.clock, self.utc = clock, utc_label
        self.base_rate = clock.rate
        self.speed.blockSignals(True)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.blockSignals(False)
        clock.events.time.connect(self._on_time)
        clock.events.playing.connect(self._on_playing)
        self.setEnabled(clock.span_s > 0)
        self._show_time(clock.et)
        self.set_events(())
        self._show_playing(clock.playing)

    def set_events(self, timeline) -> None:
        """Mark the events of a scene's timeline on the slider and name them in its tooltip."""
        clock = self.clock
        span = clock.span_s if clock is not None else 0.0
        events = list(timeline) if span > 0 else []
        self.slider.set_marks(((e.et - clock.start_et) / span, e.main) for e in events)
        lines = [f"{self.utc(e.et)}  {e.title}" + ("  (main)" if e.main else "") for e in events]
        self.slider.setToolTip("scene time" + ("\nevents:\n" + "\n".join(lines) if lines else ""))

    def release(self) -> None:
        """Stop following the clock (the window closes; the scene may live on elsewhere)."""
        if self.clock is not None:
            self.clock.events.time.disconnect(self._on_time)
            self.clock.events.playing.disconnect(self._on_playing)
            self.clock.pause()
            self.timer.stop()
            self.clock = None

    def toggle(self) -> None:
        if self.clock is not None and self.clock.span_s > 0:
            self.clock.toggle()

    def _tick(self) -> None:
        now = time.monotonic()
        self.clock.advance(now - self._last)
        self._last = now

    def _on_slider(self, value: int) -> None:
        self.clock.fraction = value / SLIDER_STEPS

    def _on_speed(self, index: int) -> None:
        self.clock.rate = self.base_rate * SPEEDS[index]

    def _on_time(self, event) -> None:
        self._show_time(event.value)

    def _on_playing(self, event) -> None:
        self._show_playing(event.value)

    def _show_time(self, et: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(self.clock.fraction * SLIDER_STEPS))
        self.slider.blockSignals(False)
        self.utc_label.setText(self.utc(et))

    def _show_playing(self, playing: bool) -> None:
        icon = QStyle.SP_MediaPause if playing else QStyle.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        if playing:
            self._last = time.monotonic()
            self.timer.start()
        else:
            self.timer.stop()
