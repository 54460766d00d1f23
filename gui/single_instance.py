"""One app per data dir: a second launch asks the first to come to the front, then exits.

The first instance listens on a local socket named after the data dir; a stale socket left by a crash is
removed. (The index itself is guarded for every process, the CLI too, by `indexer/lock.py`.)
"""

from __future__ import annotations

import hashlib
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_MS = 500
RAISE = b"raise\n"


def server_name(data_root: str) -> str:
    return "hearth-" + hashlib.sha1(data_root.encode()).hexdigest()[:16]


class SingleInstance(QObject):
    activated = Signal()  # another launch asked this one to come forward

    def __init__(self, data_root: str) -> None:
        super().__init__()
        self.name = server_name(data_root)
        self.server: QLocalServer | None = None

    def ask_running_instance(self) -> bool:
        """True when an instance already runs on this data dir (it was asked to come forward)."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        sock.write(RAISE)
        sock.flush()
        sock.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        sock.disconnectFromServer()
        return True

    def listen(self) -> None:
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed instance
        self.server = QLocalServer(self)
        if not self.server.listen(self.name):
            log.warning("single-instance socket %s: %s", self.name, self.server.errorString())
            return
        self.server.newConnection.connect(self._connection)

    def _connection(self) -> None:
        conn = self.server.nextPendingConnection()
        if conn is not None:
            conn.readyRead.connect(lambda: (conn.readAll(), self.activated.emit()))
            conn.disconnected.connect(conn.deleteLater)
