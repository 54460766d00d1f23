"""Starting the desktop app: the window appears first; models and the index load behind it.

One app per data dir (gui/single_instance.py). SIGTERM (a desktop logout) and SIGINT quit the way closing
the window does: generation and indexing stop, the watcher and the parse workers end, nothing is lost.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

from operations import Workspace

log = logging.getLogger(__name__)
ICON = Path(__file__).with_name("hearth.png")
SIGNAL_POLL_MS = 200  # Python runs signal handlers only between bytecodes; a timer gives it the chance


def run_gui(ws: Workspace, argv: list[str] | None = None) -> int:
    """Show the window for a workspace opened with `long_lived=True` and run until it closes."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.single_instance import SingleInstance

    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("Hearth")
    app.setWindowIcon(QIcon(str(ICON)))
    guard = SingleInstance(str(ws.data.root))
    if guard.ask_running_instance():
        print(f"Hearth is already running on {ws.data.root}; its window was brought to the front.")
        return 0
    guard.listen()
    window = MainWindow(ws)
    guard.activated.connect(window.bring_to_front)
    app.aboutToQuit.connect(window.shutdown)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: (log.info("signal %d: quitting", signum), app.quit()))
    ticker = QTimer(interval=SIGNAL_POLL_MS)
    ticker.timeout.connect(lambda: None)
    ticker.start()
    window.show()
    QTimer.singleShot(0, window.start)
    return app.exec()
