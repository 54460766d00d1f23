"""Starting the desktop app: the window appears first; models and the index load behind it."""

from __future__ import annotations

import sys

from operations import Workspace


def run_gui(ws: Workspace, argv: list[str] | None = None) -> int:
    """Show the window for a workspace opened with `long_lived=True` and run until it closes."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("Hearth")
    window = MainWindow(ws)
    window.show()
    QTimer.singleShot(0, window.start)
    return app.exec()
