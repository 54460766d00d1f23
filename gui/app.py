"""Starting the desktop app: the window appears first; models and the index load behind it."""

from __future__ import annotations

import sys

from app_config import AppConfig


def run_gui(cfg: AppConfig, argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("Hearth")
    window = MainWindow(cfg)
    window.show()
    QTimer.singleShot(0, window.start)
    return app.exec()
