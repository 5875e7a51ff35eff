"""The moments a scene is about: a flyby's closest approach and its SOI entry and exit, Philae's
touchdowns, a planet's transits. Each recipe names them; the time slider marks them, the
window's Camera > Go to event and the notebook's event list jump to them, and a video eases
its time and camera around the main one.

>>> timeline = Timeline([TimelineEvent("entry", "SOI entry", 10.0),
...                      TimelineEvent("closest", "Closest approach", 50.0, main=True)])
>>> timeline.main.name, timeline.after(20.0).name, timeline.before(20.0).name
('closest', 'closest', 'entry')
>>> timeline.after(50.0) is None
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import SceneError


@dataclass(frozen=True)
class TimelineEvent:
    """``name``: a word (``closest``, ``touchdown2``); ``title``: what the menu and the slider's
    mark say; ``et``: when (scene time); ``main``: the one the scene is about (its first view,
    its screenshot and its video centre on it)."""

    name: str
    title: str
    et: float
    main: bool = False

    def __post_init__(self) -> None:
        if not math.isfinite(self.et):
            raise SceneError(f"event {self.name!r}: its time must be a finite number")


class Timeline:
    """A scene's events in time order; at most one is the main event."""

    def __init__(self, events: Iterable[TimelineEvent] = ()):
        self._events: list[TimelineEvent] = []
        for event in events:
            self.add(event)

    def add(self, event: TimelineEvent) -> TimelineEvent:
        if any(e.name == event.name for e in self._events):
            raise SceneError(f"an event named {event.name!r} is already in the scene's timeline")
        other = next((e for e in self._events if e.main), None)
        if event.main and other is not None:
            raise SceneError(f"{event.name!r} and {other.name!r} cannot both be the main event")
        self._events.append(event)
        self._events.sort(key=lambda e: e.et)
        return event

    @property
    def main(self) -> TimelineEvent | None:
        """The main event, else the first one, else None."""
        return next((e for e in self._events if e.main), None) or (
            self._events[0] if self._events else None
        )

    def after(self, et: float, slack_s: float = 1e-3) -> TimelineEvent | None:
        """The first event later than ``et`` (by more than ``slack_s``), or None."""
        return next((e for e in self._events if e.et > et + slack_s), None)

    def before(self, et: float, slack_s: float = 1e-3) -> TimelineEvent | None:
        """The last event earlier than ``et`` (by more than ``slack_s``), or None."""
        return next((e for e in reversed(self._events) if e.et < et - slack_s), None)

    def __getitem__(self, name: str) -> TimelineEvent:
        for event in self._events:
            if event.name == name:
                return event
        raise SceneError(f"no event named {name!r}; the scene has {[e.name for e in self]}")

    def __iter__(self) -> Iterator[TimelineEvent]:
        return iter(list(self._events))

    def __len__(self) -> int:
        return len(self._events)
