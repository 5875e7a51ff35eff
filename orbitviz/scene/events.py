"""A tiny event mechanism: models emit, views listen (model -> view, never back).

>>> from orbitviz.scene.events import EventEmitter
>>> seen = []
>>> emitter = EventEmitter(source="layer")
>>> _ = emitter.connect(lambda event: seen.append((event.type, event.value)))
>>> emitter.emit("visible", False)
>>> seen
[('visible', False)]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """What changed (``type``, usually the attribute name), on which object, and the new value."""

    type: str
    source: Any
    value: Any = None


Callback = Callable[[Event], None]


class EventEmitter:
    """Callbacks connected to an object; ``connect(cb, type)`` listens to one event type only."""

    def __init__(self, source: Any):
        self.source = source
        self._callbacks: list[tuple[Callback, str | None]] = []

    def connect(self, callback: Callback, type: str | None = None) -> Callback:
        self._callbacks.append((callback, type))
        return callback

    def disconnect(self, callback: Callback) -> None:
        self._callbacks = [(cb, t) for cb, t in self._callbacks if cb != callback]

    def emit(self, type: str, value: Any = None) -> None:
        event = Event(type, self.source, value)
        for callback, wanted in list(self._callbacks):
            if wanted is None or wanted == type:
                callback(event)


class Evented:
    """A data descriptor that converts on assignment and emits ``<name>`` when the value changes.

    The owning class needs an ``events`` attribute (an :class:`EventEmitter`).
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
            obj.events.emit(self.name, value)


_UNSET = object()


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except ValueError:  # numpy arrays: ambiguous truth value
        return a is b
