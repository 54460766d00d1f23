"""Render the main views offscreen to PNG files under docs/screenshots/ (used by the README).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m gui.screenshots
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.main_window import MainWindow  # noqa: E402
from operations import SAMPLE_DOCS, Workspace  # noqa: E402
from operations.config import load_config  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def wait_for(signal_or_cond, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    if not hasattr(signal_or_cond, "connect"):  # a condition to poll, not a signal
        timer = QTimer(interval=100)
        timer.timeout.connect(lambda: loop.quit() if signal_or_cond() else None)
        timer.start()
    else:
        signal_or_cond.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def main() -> None:
    app = QApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    data = tempfile.mkdtemp(prefix="hearth-shots-")
    cfg = load_config(data, engine={"n_ctx": 2048, "max_answer_tokens": 64})
    w = MainWindow(Workspace(cfg, long_lived=True), offer_sample=False)
    w.resize(1280, 760)
    w.show()
    w.start()
    wait_for(w.ready)
    (Path(data) / "bad").mkdir()
    (Path(data) / "bad" / "scan.pdf").write_bytes(b"%PDF-1.4 truncated")
    w.folders.add(str(SAMPLE_DOCS))
    w.folders.add(str(Path(data) / "bad"))
    wait_for(lambda: w.folders.table.rowCount() == 2 and w.folders.table.item(0, 2) is not None
             and w.folders.table.item(0, 2).text() == "5")
    w.grab().save(str(OUT / "folders.png"))
    w.chat.input.setPlainText("How long does the bulk rise of the sourdough take?")
    w.chat.send()
    wait_for(w.chat.answer_finished)
    for _ in range(5):
        app.processEvents()
    w.grab().save(str(OUT / "chat.png"))
    preview = w.chat.open_source(w.chat.last_answer.sources[0])
    preview.resize(720, 420)
    app.processEvents()
    preview.grab().save(str(OUT / "source-preview.png"))
    w.tabs.setCurrentWidget(w.training)
    app.processEvents()
    w.grab().save(str(OUT / "fine-tune.png"))
    w.tabs.setCurrentWidget(w.chat)
    w.folders.show_problems()
    wait_for(lambda: hasattr(w.folders, "problems_dialog"))
    app.processEvents()
    w.folders.problems_dialog.grab().save(str(OUT / "problems.png"))
    w.close()
    shutil.rmtree(data, ignore_errors=True)
    print("\n".join(str(p) for p in sorted(OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
