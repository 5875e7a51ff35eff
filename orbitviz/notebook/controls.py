"""The controls beside the notebook view (ipywidgets): play and a time slider with the UTC,
the playback speed, a checkbox per layer, the camera mode, a reset button and the scene's
views. Each one drives the scene model (clock, layers) or the view's cameras, and follows them
back, as the desktop window's time bar, layer list and Camera menu do.

Playing runs in the browser: the ``Play`` widget steps the slider every ``interval`` ms, so
the kernel only renders the frames it is asked for.
"""

from __future__ import annotations

import ipywidgets as w

from orbitviz._vispy.cameras import MODES

SLIDER_STEPS = 1000
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)  # x the scene's own playback rate
MIN_INTERVAL_MS = 20  # the Play widget's fastest step: faster speeds take larger steps


def _play_steps(span_s: float, rate: float, speed: float) -> tuple[int, int]:
    """(interval ms, slider step) that play the scene's span in ``span_s / (rate * speed)``
    wall seconds.

    >>> _play_steps(4000.0, 100.0, 1.0)    # 40 s across 1000 steps: one step each 40 ms
    (40, 1)
    >>> _play_steps(4000.0, 100.0, 4.0)    # 10 s: two steps each 20 ms
    (20, 2)
    """
    wall_s = span_s / (rate * speed) if span_s > 0 and rate > 0 else 30.0 / speed
    per_step_ms = 1000.0 * wall_s / SLIDER_STEPS
    step = max(1, round(MIN_INTERVAL_MS / per_step_ms))
    return max(MIN_INTERVAL_MS, round(per_step_ms * step)), step


class TimeControls(w.HBox):
    """Play / pause, the time slider, the speed and the UTC of ``clock`` (``utc(et) -> str``)."""

    def __init__(self, clock, utc):
        self.clock, self.utc = clock, utc
        self._following = False  # the slider is being moved to follow the clock
        self.slider = w.IntSlider(
            value=round(clock.fraction * SLIDER_STEPS),
            min=0,
            max=SLIDER_STEPS,
            readout=False,
            continuous_update=True,
            description="time",
            layout=w.Layout(flex="1 1 auto", width="auto"),
        )
        self.play = w.Play(min=0, max=SLIDER_STEPS, value=self.slider.value, repeat=clock.loop)
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.speed = w.Dropdown(
            options=[(f"x{s:g}", s) for s in SPEEDS], value=1.0, layout=w.Layout(width="70px")
        )
        self.label = w.Label(utc(clock.et))
        self._set_speed()
        self.slider.observe(self._on_slider, "value")
        self.speed.observe(lambda change: self._set_speed(), "value")
        clock.events.time.connect(self._on_clock)
        enabled = clock.span_s > 0
        for widget in (self.slider, self.play, self.speed):
            widget.disabled = not enabled
        super().__init__([self.play, self.slider, self.speed, self.label])

    def _set_speed(self) -> None:
        interval, step = _play_steps(self.clock.span_s, self.clock.rate, self.speed.value)
        self.play.interval, self.play.step = interval, step

    def _on_slider(self, change) -> None:
        if not self._following:
            self.clock.fraction = change["new"] / SLIDER_STEPS

    def _on_clock(self, event) -> None:
        value = round(self.clock.fraction * SLIDER_STEPS)
        if value != self.slider.value:  # the clock moved on its own (set in code, a click on
            self._following = True  # the light curve): the slider follows, the clock stays
            try:  # where it was set, not snapped to the slider's step
                self.slider.value = value
            finally:
                self._following = False
        self.label.value = self.utc(event.value)

    def close(self) -> None:
        self.clock.events.time.disconnect(self._on_clock)
        super().close()


class LayerToggles(w.HBox):
    """A checkbox per layer of ``scene``, bound both ways to the layer's ``visible``."""

    def __init__(self, scene):
        self.scene = scene
        self.boxes: dict[object, w.Checkbox] = {}  # by layer
        super().__init__(layout=w.Layout(flex_flow="row wrap"))
        for layer in scene.layers:
            self._add(layer)
        scene.layers.events.added.connect(self._on_added)
        scene.layers.events.removed.connect(self._on_removed)

    def _add(self, layer) -> None:
        box = w.Checkbox(value=layer.visible, description=layer.name, indent=False)
        box.layout.width = "auto"
        box.observe(lambda change: setattr(layer, "visible", change["new"]), "value")
        layer.events.visible.connect(lambda event: setattr(box, "value", event.value))
        layer.events.name.connect(lambda event: setattr(box, "description", event.value))
        self.boxes[layer] = box
        self.children = [*self.children, box]

    def _on_added(self, event) -> None:
        self._add(event.value)

    def _on_removed(self, event) -> None:
        box = self.boxes.pop(event.value)
        self.children = [child for child in self.children if child is not box]
        box.close()

    def close(self) -> None:
        self.scene.layers.events.added.disconnect(self._on_added)
        self.scene.layers.events.removed.disconnect(self._on_removed)
        super().close()


class CameraControls(w.HBox):
    """The camera mode (the window's: turntable, arcball, fly, follow), a reset button and,
    when the scene has some, its views (the window's Camera > Presets)."""

    def __init__(self, cameras):
        self.cameras = cameras
        modes = [m for m in MODES if m != "follow" or cameras.can_follow]
        self.mode = w.ToggleButtons(options=modes, value=cameras.mode, description="camera")
        self.mode.style.button_width = "80px"
        self.reset = w.Button(description="reset", layout=w.Layout(width="70px"))
        self.mode.observe(lambda change: cameras.set_mode(change["new"]), "value")
        self.reset.on_click(lambda button: cameras.reset())
        presets = cameras.scene.camera_presets
        self.preset = w.Dropdown(
            options=[("view...", "")] + [(p.title, name) for name, p in presets.items()],
            value="",
            layout=w.Layout(width="240px"),
        )
        self.preset.observe(self._on_preset, "value")
        super().__init__([self.mode, self.reset, *([self.preset] if presets else [])])

    def _on_preset(self, change) -> None:
        if change["new"]:
            self.mode.value = self.cameras.show_preset(change["new"])
            self.preset.value = ""  # choosing the same view again shows it again
