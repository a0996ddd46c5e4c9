"""Long jobs off the GUI thread: a worker thread runs ``fn(progress, cancelled)``,
a progress dialog appears only after a moment (quick jobs don't flash) and can
cancel; a cancelled job writes nothing (the core runs each job in one
transaction). Tests set ``SYNCHRONOUS`` to run jobs inline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from .. import i18n
from ..errors import BrokerDeskError

SYNCHRONOUS = False
SHOW_AFTER_MS = 600

i18n.register({
    "gui.job.cancel": ("取消", "Cancel"),
    "gui.job.cancelled": ("已取消，账本未改动", "Cancelled; the ledger was not changed"),
})


class Cancelled(BrokerDeskError):
    """The user cancelled the job (it wrote nothing)."""

    def __init__(self) -> None:
        super().__init__("gui.job.cancelled")


class _Worker(QThread):
    progressed = Signal(float, str)

    def __init__(self, fn: Callable, parent=None):
        super().__init__(parent)
        self.fn = fn
        self.cancel_requested = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._last = 0.0

    def progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last > 0.05 or fraction >= 1:  # throttled: never floods the GUI's event queue
            self._last = now
            self.progressed.emit(fraction, message)

    def cancelled(self) -> bool:
        return self.cancel_requested

    def run(self) -> None:
        try:
            self.result = self.fn(self.progress, self.cancelled)
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread, which reports it
            self.error = e


class _Progress:
    """The progress window of one job, made only when the job has run ``SHOW_AFTER_MS``
    (a quick job makes none) and destroyed, not merely closed, when it ends: a closed
    QProgressDialog still waiting for its deferred deletion (which a nested event loop,
    such as the print preview's or a message box's, holds back) shows itself again
    when its own 4-second timer fires."""

    def __init__(self, parent: QWidget | None, title: str, worker: _Worker):
        self.parent, self.title, self.worker = parent, title, worker
        self.dialog: QProgressDialog | None = None
        self.fraction, self.message = 0.0, ""

    def update(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message or self.message
        if self.dialog is not None:
            self.dialog.setValue(int(fraction * 1000))
            if message:
                self.dialog.setLabelText(f"{self.title}\n{message}")

    def _cancel(self) -> None:
        self.worker.cancel_requested = True

    def show(self) -> None:
        if self.dialog is not None or self.worker.isFinished():
            return
        dialog = QProgressDialog(self.title, i18n.tr("gui.job.cancel"), 0, 1000, self.parent)
        dialog.setWindowTitle(self.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal if self.parent is not None
                                 else Qt.WindowModality.ApplicationModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(self._cancel)
        self.dialog = dialog
        self.update(self.fraction, self.message)
        dialog.show()

    def dispose(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None:
            return
        dialog.canceled.disconnect(self._cancel)  # closing a progress dialog emits canceled too
        dialog.reset()  # stops its own timer that would show it
        dialog.hide()
        shiboken6.delete(dialog)  # now, not when some outer event loop gets round to it


def run_job(parent: QWidget | None, title: str, fn: Callable[[Callable, Callable], Any]) -> Any:
    """Run ``fn`` in a worker thread, showing progress; returns its result or raises its error.
    When it returns (or raises) no progress window is left, shown or waiting to be."""
    if SYNCHRONOUS:
        return fn(lambda *_: None, lambda: False)
    worker = _Worker(fn)
    window = _Progress(parent, title, worker)
    worker.progressed.connect(window.update)
    timer = QTimer(singleShot=True, interval=SHOW_AFTER_MS, timeout=window.show)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    timer.start()
    worker.start()
    try:
        loop.exec()
    finally:
        timer.stop()
        worker.wait()
        worker.progressed.disconnect()  # progress still queued must not reach the window
        window.dispose()
    cancelled = worker.cancel_requested
    if worker.error is not None:
        raise worker.error
    if cancelled and worker.result is None:
        raise Cancelled()
    return worker.result


class _Reader(QThread):
    """Runs ``fn(ledger)`` on its own connection to the ledger file (sqlite3 objects stay in their thread)."""

    answered = Signal(int, object, object)  # serial, result, error

    def __init__(self, path, fn: Callable, serial: int):
        super().__init__()
        self.path, self.fn, self.serial = path, fn, serial

    def run(self) -> None:
        from ..ledger import Ledger

        try:
            with Ledger.open(self.path, create=False) as ledger:
                result = self.fn(ledger)
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread, which reports it
            self.answered.emit(self.serial, None, e)
        else:
            self.answered.emit(self.serial, result, None)


_running: set[_Reader] = set()  # a thread must outlive its (possibly closed) page until it ends


class Background(QObject):
    """Reads that may take a moment (a ranking over 100,000 contracts), off the GUI thread.

    ``run(fn)`` calls ``fn(ledger)`` in a worker thread on its own connection to the
    ledger; ``done(result)`` or ``failed(error)`` then arrive on the GUI thread, for
    the latest request only (an answer to an older one is dropped). ``busy`` says
    whether a request is under way. With ``SYNCHRONOUS`` the call runs inline on
    the page's own ledger.
    """

    done = Signal(object)
    failed = Signal(object)
    busyChanged = Signal(bool)

    def __init__(self, ledger, parent: QObject | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self._serial = 0
        self.busy = False

    def run(self, fn: Callable[[Any], Any]) -> None:
        self._serial += 1
        if SYNCHRONOUS:
            try:
                result = fn(self.ledger)
            except Exception as e:  # noqa: BLE001 - reported by whoever listens
                self.failed.emit(e)
            else:
                self.done.emit(result)
            return
        reader = _Reader(self.ledger.path, fn, self._serial)
        reader.answered.connect(self._answered)
        reader.finished.connect(lambda r=reader: (_running.discard(r), r.deleteLater()))
        _running.add(reader)
        self._set_busy(True)
        reader.start()

    def _answered(self, serial: int, result: Any, error: BaseException | None) -> None:
        if serial != self._serial:
            return  # a newer request is under way
        self._set_busy(False)
        if error is not None:
            self.failed.emit(error)
        else:
            self.done.emit(result)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busyChanged.emit(busy)


def wait_for_readers(timeout_ms: int = 5000) -> None:
    """Let running background reads end (before their ledger file goes away)."""
    for reader in list(_running):
        reader.wait(timeout_ms)
