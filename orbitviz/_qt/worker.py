"""One worker thread for SPICE and scene building (CSPICE is not thread-safe: one thread only,
jobs run one after another); results and progress come back to the GUI thread as Qt signals,
so the window keeps painting and answering while a big mesh is prepared."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PyQt5.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, QThreadPool, pyqtSignal

from orbitviz.errors import OrbitvizError


class _Signals(QObject):
    done = pyqtSignal(object)
    failed = pyqtSignal(str)
    progress = pyqtSignal(str, float)


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
    (result) or ``on_failed`` (message) runs on the GUI thread. With ``on_progress``, ``work``
    is called as ``work(progress)``, and each ``progress(what, fraction)`` it makes reaches
    ``on_progress(what, fraction)`` on the GUI thread. ``busy`` while jobs are queued."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pending = 0

    @property
    def busy(self) -> bool:
        return self.pending > 0

    def submit(self, work, on_done, on_failed, on_progress=None) -> None:
        signals = _Signals(self)
        signals.done.connect(on_done)
        signals.failed.connect(on_failed)
        signals.done.connect(self._finished)
        signals.failed.connect(self._finished)
        if on_progress is not None:
            signals.progress.connect(on_progress)
            job = work

            def work():
                return job(signals.progress.emit)

        self.pending += 1
        self.pool.start(_Job(work, signals))

    def _finished(self, _=None) -> None:
        self.pending -= 1

    def wait(self) -> None:
        self.pool.waitForDone()


def run_with_progress(work, title: str, *, delay_ms: int = 400):
    """``work(progress)`` on a worker thread while a progress dialog (after ``delay_ms``)
    shows each ``progress(what, fraction)`` and the GUI keeps answering; returns its result,
    or raises what it raised. For work that must finish before a window can open."""
    from PyQt5.QtWidgets import QProgressDialog

    dialog = QProgressDialog(title, None, 0, 1000)  # no cancel: the work cannot be stopped
    dialog.setWindowTitle("orbitviz")
    dialog.setMinimumDuration(delay_ms)
    dialog.setAutoClose(False)
    dialog.setValue(0)
    outcome: dict = {}

    def captured(progress):  # keep the exception itself: callers report it as usual
        try:
            return ("value", work(progress))
        except BaseException as exc:  # noqa: BLE001 - re-raised on the GUI thread
            return ("error", exc)

    def show(what: str, fraction: float) -> None:
        dialog.setLabelText(f"{title}: {what} ...")
        dialog.setValue(round(1000 * fraction))

    loop = QEventLoop()
    worker = Worker()

    def finished(result) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(message: str) -> None:
        finished(("error", OrbitvizError(message)))

    worker.submit(captured, finished, failed, on_progress=show)
    while "result" not in outcome:
        if loop.exec_() != 0:  # at once: the application was told to quit (exit all loops)
            QCoreApplication.processEvents(QEventLoop.AllEvents | QEventLoop.WaitForMoreEvents)
    worker.wait()
    dialog.close()
    kind, value = outcome["result"]
    if kind == "error":
        raise value
    return value
