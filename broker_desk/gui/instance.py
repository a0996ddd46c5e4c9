"""One running window per ledger: a lock file beside the ledger's backups and
a local socket, so that a second start brings the first window to the front
instead of writing to the same ledger."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from .. import paths


def _key(ledger_path: Path) -> str:
    return "brokerdesk-" + hashlib.sha1(str(Path(ledger_path).resolve()).encode()).hexdigest()[:16]


class InstanceGuard(QObject):
    """Hold it while a ledger is open; ``activated`` fires when another start asks for the window."""

    activated = Signal()

    def __init__(self, ledger_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.key = _key(ledger_path)
        folder = paths.data_dir() / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        self.lock = QLockFile(str(folder / f"{self.key}.lock"))
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        if not self.lock.tryLock(100):
            if self.lock.removeStaleLockFile() and self.lock.tryLock(100):
                return self._listen()
            return False
        return self._listen()

    def _listen(self) -> bool:
        QLocalServer.removeServer(self.key)
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._connection)
        self.server.listen(self.key)
        return True

    def _connection(self) -> None:
        while self.server and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.disconnectFromServer()
            self.activated.emit()

    def signal_running(self) -> bool:
        """Ask the window that holds the ledger to come to the front."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        ok = socket.waitForConnected(1000)
        socket.disconnectFromServer()
        return ok

    def release(self) -> None:
        if self.server:
            self.server.close()
            self.server = None
        self.lock.unlock()
