"""A status line for work that takes seconds: what is being done, and for how long.

On a terminal: one line on stderr, a spinner, the step and the seconds so far, redrawn ten
times a second and erased when the work ends, so that the answer printed on stdout stands
alone. Elsewhere (a pipe, a log file, a test's capture) nothing is written unless asked for.
The commands that sit silent for seconds (``flyby``, ``lander``, ``view --screenshot``) wrap
their work in one; a step can be passed on as a progress callback (``progress(text)``, or
``progress(text, fraction)`` as :func:`orbitviz.recipes.prepare` calls it).

>>> import io
>>> class Terminal(io.StringIO):
...     def isatty(self):
...         return True
>>> out = Terminal()
>>> with Status("integrating", stream=out, delay_s=0) as status:
...     status("the uncertainty", 0.5)
>>> "the uncertainty (50%)" in out.getvalue(), out.getvalue().endswith("\\r")   # erased
(True, True)
>>> pipe = io.StringIO()
>>> with Status("integrating", stream=pipe):
...     pass
>>> pipe.getvalue()   # not a terminal: nothing
''
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

SPINNER = "|/-\\"
"""The spinner's frames: plain ASCII, which every terminal draws."""

DELAY_S = 0.3
"""Nothing is drawn for work shorter than this (s): no flicker for a quick answer."""


class Status:
    """A status line (see the module's text): ``with Status("reading") as status:
        status("integrating"); ...``. ``enabled``: write even when ``stream`` is not a terminal
        (None: only on a terminal). ``delay_s``: nothing is drawn for work shorter than this
    (default :data:`DELAY_S`)."""

    def __init__(
        self,
        text: str,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        interval_s: float = 0.1,
        delay_s: float | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.text = text
        self.interval_s = interval_s
        self.delay_s = DELAY_S if delay_s is None else delay_s
        self._start = time.perf_counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._width = 0
        self._frame = 0

    def __call__(self, text: str, fraction: float | None = None) -> None:
        """The next step (``fraction``, when given, of the work done: shown as a percentage)."""
        self.text = text if fraction is None or not 0 < fraction < 1 else f"{text} ({fraction:.0%})"
        if self.enabled and self._thread is not None and self.elapsed_s >= self.delay_s:
            self._draw()

    @property
    def elapsed_s(self) -> float:
        return time.perf_counter() - self._start

    def _draw(self) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            frame = SPINNER[self._frame % len(SPINNER)]
            self._frame += 1
            line = f"{frame} {self.text} ... {self.elapsed_s:.0f} s"
            pad = max(self._width - len(line), 0)
            self._width = len(line)
            self.stream.write("\r" + line + " " * pad)
            self.stream.flush()

    def _run(self) -> None:
        if self._stop.wait(self.delay_s):
            return
        while not self._stop.is_set():
            self._draw()
            self._stop.wait(self.interval_s)

    def __enter__(self) -> Status:
        self._start = time.perf_counter()
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="orbitviz-status", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is None:
            return
        with self._lock:
            self._stop.set()
        self._thread.join()
        if self._width:  # erase what was drawn: the answer follows on a clean line
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
