"""A scene: layers on a clock, in one reference frame, with readouts for overlays."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from ..errors import SceneError, UnknownLayer
from .cameras import CameraPreset, CameraState
from .clock import Clock
from .events import EmitterGroup, Event
from .layer import Layer
from .marker_layer import MarkerLayer
from .timeline import Timeline, TimelineEvent
from .video import SceneVideo

AnyLayer = TypeVar("AnyLayer", bound=Layer)


@dataclass(frozen=True)
class Readout:
    """A text overlay computed from sampled arrays: ``text(et (F,)) -> F strings``.

    Example: ``Readout("altitude", lambda et: [f"altitude {h:.3f} km" for h in alt(et)])``.
    It must never call SPICE: viewers call it while painting.
    """

    name: str
    text: Callable[[np.ndarray], Sequence[str]]


@dataclass(frozen=True)
class SpiceOrigin:
    """Where a scene's positions come from in SPICE: relative to body ``origin`` in frame
    ``frame``, with the named kernel sets (``orbitviz.spice.KernelSet`` names) loaded. Lets a
    viewer add the track of any body of a kernel opened later."""

    origin: str
    frame: str
    kernels: tuple[str, ...] = ()


class LayerList:
    """Layers in drawing order, names unique; events ``added``, ``removed`` (value: the layer).

    A layer is found by name (``layers["Philae"]``) but is itself whatever its name: appending
    a second layer of a name taken is an error, and renaming one to a name taken makes it
    unique (``"A [2]"``), as napari does.
    """

    def __init__(self):
        self.events = EmitterGroup(self, ("added", "removed"))
        self._layers: list[Layer] = []

    def append(self, layer: AnyLayer) -> AnyLayer:
        if layer.name in self.names:
            raise SceneError(
                f"a layer named {layer.name!r} is already in the scene; "
                "give each layer its own name"
            )
        self._layers.append(layer)
        layer.events.name.connect(self._on_rename)
        self.events.added(layer)
        return layer

    def remove(self, layer: Layer | str) -> None:
        layer = self[layer] if isinstance(layer, str) else layer
        self._layers.remove(layer)
        layer.events.name.disconnect(self._on_rename)
        self.events.removed(layer)

    def _on_rename(self, event: Event) -> None:
        layer, taken = event.source, [x.name for x in self._layers if x is not event.source]
        if layer.name in taken:
            layer.name = unique_name(layer.name, taken)

    @property
    def names(self) -> list[str]:
        return [layer.name for layer in self._layers]

    def __getitem__(self, key: int | str) -> Layer:
        if isinstance(key, str):
            for layer in self._layers:
                if layer.name == key:
                    return layer
            raise UnknownLayer(f"no layer named {key!r}; the scene has {self.names}")
        return self._layers[key]

    def __contains__(self, item: Layer | str) -> bool:
        return item in self.names if isinstance(item, str) else any(x is item for x in self)

    def __iter__(self) -> Iterator[Layer]:
        return iter(list(self._layers))

    def __len__(self) -> int:
        return len(self._layers)


def unique_name(name: str, taken) -> str:
    """``name``, or ``"name [2]"``, ``"name [3]"`` ... the first not in ``taken``.

    >>> unique_name("A", ["A", "A [2]"])
    'A [3]'
    """
    base = re.sub(r" \[\d+\]$", "", name)
    candidates = itertools.chain([name], (f"{base} [{n}]" for n in itertools.count(2)))
    return next(c for c in candidates if c not in taken)


class Scene:
    """What is shown: ``layers``, a ``clock``, the ``frame`` all positions are in (km), a
    ``title``, ``credits`` (data credit lines), ``readouts`` (overlay texts), for cameras
    that chase something ``follow_target`` (a moving MarkerLayer of the scene) and, for scenes
    built from SPICE, ``spice`` (a :class:`SpiceOrigin`). ``home``: the first view (default:
    all the contents framed, :meth:`fit_camera`); ``camera_presets``: named views by name;
    ``video``: what a video shows when not told (a :class:`~orbitviz.scene.SceneVideo`);
    ``timeline``: the events it is about (:class:`~orbitviz.scene.Timeline`)."""

    def __init__(
        self,
        *,
        frame: str,
        clock: Clock | None = None,
        title: str = "",
        credits: Sequence[str] = (),
        readouts: Sequence[Readout] = (),
        follow_target: MarkerLayer | None = None,
        spice: SpiceOrigin | None = None,
    ):
        self.frame = frame
        self.spice = spice
        self.clock = clock or Clock(0.0, 0.0)
        self.title = title
        self.credits = list(credits)
        self.readouts = list(readouts)
        self.layers = LayerList()
        self.follow_target = follow_target
        self.home: CameraState | None = None
        self.camera_presets: dict[str, CameraPreset] = {}
        self.video: SceneVideo | None = None  # the recipe's camera path and time map for videos
        self.timeline = Timeline()  # the events the scene is about (its main one first shown)

    @property
    def follow_target(self) -> MarkerLayer | None:
        """The moving marker a follow camera keeps in the centre, or None. Set the layer, or
        the name of one already in the scene (looked up then: the layer stays the target
        whatever it is renamed)."""
        return self._follow_target

    @follow_target.setter
    def follow_target(self, target: MarkerLayer | str | None) -> None:
        layer = self.layers[target] if isinstance(target, str) else target
        if layer is not None and not isinstance(layer, MarkerLayer):
            raise SceneError(f"a follow camera follows a MarkerLayer, not {layer!r}")
        self._follow_target = layer

    def add_camera_preset(self, preset: CameraPreset) -> CameraPreset:
        if preset.name in self.camera_presets:
            raise SceneError(f"a camera preset named {preset.name!r} is already in the scene")
        self.camera_presets[preset.name] = preset
        return preset

    def go_to_event(self, which: str) -> TimelineEvent | None:
        """Move the clock to the event named ``which``, or to the ``"next"`` or ``"previous"``
        one from now; returns the event (None: there is no next or previous one)."""
        now = self.clock.et
        if which == "next":
            event = self.timeline.after(now)
        elif which == "previous":
            event = self.timeline.before(now)
        else:
            event = self.timeline[which]
        if event is not None:
            self.clock.et = event.et
        return event

    def add(self, layer: AnyLayer) -> AnyLayer:
        return self.layers.append(layer)

    def __getitem__(self, name: str) -> Layer:
        return self.layers[name]

    def bounds_km(self, *, visible_only: bool = True) -> np.ndarray:
        """Bounding box (2, 3) of the layers' contents (a unit box around 0 when empty); layers
        drawn only in wider views (``min_view_km``) are left out."""
        shown = [
            layer
            for layer in self.layers
            if (layer.visible or not visible_only) and layer.min_view_km <= 0
        ]
        boxes = [box for layer in shown if (box := layer.bounds_km()) is not None]
        if not boxes:
            return np.array([[-1.0, -1.0, -1.0], [1.0, 1.0, 1.0]])
        stacked = np.stack(boxes)
        return np.stack([stacked[:, 0].min(axis=0), stacked[:, 1].max(axis=0)])

    def home_camera(self) -> CameraState:
        """The first view: ``home`` when the recipe chose one, else :meth:`fit_camera`."""
        return self.home if self.home is not None else self.fit_camera()

    def fit_camera(
        self,
        *,
        azimuth_deg: float = 30.0,
        elevation_deg: float = 25.0,
        fov_deg: float = 30.0,
        margin: float = 1.15,
    ) -> CameraState:
        """A camera looking at the centre of the contents, far enough to see all of them."""
        low, high = self.bounds_km()
        radius = 0.5 * float(np.linalg.norm(high - low)) or 1.0
        distance = margin * radius / np.sin(np.radians(fov_deg) / 2.0)
        return CameraState(tuple((low + high) / 2.0), azimuth_deg, elevation_deg, distance, fov_deg)

    def show(self, **options):
        """Show this scene interactively: a widget in a notebook, the desktop window elsewhere
        (:func:`orbitviz.show`, reached through the package's lazy names: the model imports
        no viewer)."""
        import orbitviz

        return orbitviz.show(self, **options)

    def readout_texts(self, et: np.ndarray) -> list[list[str]]:
        """For each readout, its F texts at times ``et`` (F,)."""
        return [list(readout.text(np.atleast_1d(et))) for readout in self.readouts]
