"""One worker thread for SPICE and scene building (CSPICE is not thread-safe: one thread only,
jobs run one after another); results come back to the GUI thread as Qt signals."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PyQt5.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal

from orbitviz.errors import OrbitvizError


class _Signals(QObject):
    done = pyqtSignal(object)
    failed = pyqtSignal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], object], signals: _Signals):
        super().__init__()
        self.work, self.signals = work, signals

    def run(self) -> None:
        try:
            result = self.work()
        except OrbitvizError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user, with its type
            traceback.print_exc()
            self.signals.failed.emit(f"unexpected {type(exc).__name__}: {exc}")
        else:
            self.signals.done.emit(result)


class Worker(QObject):
    """``submit(work, on_done, on_failed)``: ``work()`` runs on the worker thread; ``on_done``
    (result) or ``on_failed`` (message) runs on the GUI thread. ``busy`` while jobs are queued."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pending = 0

    @property
    def busy(self) -> bool:
        return self.pending > 0

    def submit(self, work, on_done, on_failed) -> None:
        signals = _Signals(self)
        signals.done.connect(on_done)
        signals.failed.connect(on_failed)
        signals.done.connect(self._finished)
        signals.failed.connect(self._finished)
        self.pending += 1
        self.pool.start(_Job(work, signals))

    def _finished(self, _=None) -> None:
        self.pending -= 1

    def wait(self) -> None:
        self.pool.waitForDone()
