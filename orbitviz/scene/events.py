"""Events by name: models emit, views listen (model -> view, never back).

An object declares its events once (napari's ``EmitterGroup``, small): ``obj.events`` holds
one :class:`EventEmitter` per declared name, and a listener connects to the one it handles.
A misspelt name is an AttributeError where it is connected, not a branch never taken.

>>> from orbitviz.scene.events import EmitterGroup
>>> seen = []
>>> events = EmitterGroup("layer", ("visible", "color"))
>>> _ = events.visible.connect(lambda event: seen.append((event.type, event.value)))
>>> events.visible(False)
>>> events.color((1.0, 0.0, 0.0, 1.0))     # nobody listens to colour here
>>> seen
[('visible', False)]
>>> events.visibel
Traceback (most recent call last):
...
AttributeError: 'layer' has no event 'visibel'; its events: visible, color
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """What changed (``type``, the event's name), on which object, and the new value."""

    type: str
    source: Any
    value: Any = None


Callback = Callable[[Event], None]


class EventEmitter:
    """The callbacks of one event of one object; calling it emits the event to them. When a
    callback emits the same event again (a list making a new name unique), the newer event
    reaches every callback and the older one stops: nobody hears a stale value last."""

    def __init__(self, source: Any, type: str):
        self.source, self.type = source, type
        self._callbacks: list[Callback] = []
        self._emitted = 0

    def connect(self, callback: Callback) -> Callback:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callback) -> None:
        self._callbacks = [cb for cb in self._callbacks if cb != callback]

    def __call__(self, value: Any = None) -> None:
        self._emitted += 1
        this = self._emitted
        event = Event(self.type, self.source, value)
        for callback in list(self._callbacks):
            if self._emitted != this:  # emitted again meanwhile: they heard the newer value
                return
            callback(event)


class EmitterGroup:
    """The events ``source`` declares (``names``), one :class:`EventEmitter` each as an
    attribute. :meth:`connect` listens to all of them (for a view that follows any change)."""

    def __init__(self, source: Any, names: Iterable[str]):
        self._source = source
        self._emitters = {name: EventEmitter(source, name) for name in names}

    def __getattr__(self, name: str) -> EventEmitter:
        emitters = self.__dict__.get("_emitters", {})
        if name in emitters:
            return emitters[name]
        source = self.__dict__.get("_source")
        what = source if isinstance(source, str) else type(source).__name__
        raise AttributeError(f"{what!r} has no event {name!r}; its events: {', '.join(emitters)}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._emitters)

    def connect(self, callback: Callback) -> Callback:
        for emitter in self._emitters.values():
            emitter.connect(callback)
        return callback

    def disconnect(self, callback: Callback) -> None:
        for emitter in self._emitters.values():
            emitter.disconnect(callback)


class Evented:
    """A data descriptor that converts on assignment and emits the event of its name when the
    value changes: declaring one declares that event (:func:`declared_events`).

    The owning class needs an ``events`` attribute (an :class:`EmitterGroup`).
    """

    def __init__(self, convert: Callable[[Any], Any] = lambda value: value):
        self.convert = convert

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.slot = "_" + name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(obj, self.slot)

    def __set__(self, obj: Any, value: Any) -> None:
        value = self.convert(value)
        old = getattr(obj, self.slot, _UNSET)
        setattr(obj, self.slot, value)
        if old is not _UNSET and not _same(old, value):
            getattr(obj.events, self.name)(value)


def declared_events(cls: type) -> tuple[str, ...]:
    """The events of a class: its :class:`Evented` attributes (base classes' first) and the
    names in its ``extra_events`` (events emitted by methods, such as a mesh's ``sun``)."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        names.update(dict.fromkeys(k for k, v in vars(klass).items() if isinstance(v, Evented)))
        names.update(dict.fromkeys(vars(klass).get("extra_events", ())))
    return tuple(names)


_UNSET = object()


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except ValueError:  # numpy arrays: ambiguous truth value
        return a is b
