"""Desktop app: start → window shown, and event-loop responsiveness while indexing and while generating.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_responsiveness.py

Start-up is compared with a bare PySide6 window started the same way in the same run. Responsiveness is the
largest gap between ticks of a 10 ms timer (target ≤ 50 ms).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHOW_HEARTH = """
import sys, time, json
sys.path.insert(0, {root!r})
from PySide6.QtWidgets import QApplication
from operations import Workspace
from gui.main_window import MainWindow
app = QApplication([])
w = MainWindow(Workspace.open({data!r}, long_lived=True), offer_sample=False)
w.show(); app.processEvents()
print(time.time())
"""
SHOW_BARE = """
import time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.show(); app.processEvents()
print(time.time())
"""


def time_to_window(code: str) -> float:
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1]) - t0


def main() -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from bench.benchlib import make_corpus
    from gui.main_window import MainWindow
    from operations import Workspace
    from operations.config import load_config

    data = tempfile.mkdtemp(prefix="hearth-gui-bench-")
    hearth = min(time_to_window(SHOW_HEARTH.format(root=str(ROOT), data=data)) for _ in range(3))
    bare = min(time_to_window(SHOW_BARE) for _ in range(3))
    print(f"start → window shown: {hearth:.2f} s (target <= 1.5 s); bare PySide6 window {bare:.2f} s "
          f"→ {hearth / bare:.2f}x")

    app = QApplication.instance() or QApplication([])
    w = MainWindow(Workspace(load_config(data, engine={"n_ctx": 2048, "max_answer_tokens": 128}), long_lived=True),
                   offer_sample=False)
    w.show()

    def run_until(cond, timeout=600):
        loop = QEventLoop()
        t = QTimer(interval=50)
        t.timeout.connect(lambda: loop.quit() if cond() else None)
        t.start()
        QTimer.singleShot(timeout * 1000, loop.quit)
        loop.exec()

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer(interval=10)
    ticker.timeout.connect(tick)
    ready = []
    w.ready.connect(ready.append)
    w.start()
    run_until(lambda: ready)

    def measure(label, start, done):
        gaps.clear()
        last[0] = time.perf_counter()
        ticker.start()
        start()
        run_until(done)
        ticker.stop()
        g = sorted(gaps)
        print(f"{label}: largest gap {1000 * g[-1]:.0f} ms, p99 {1000 * g[int(0.99 * (len(g) - 1))]:.0f} ms over "
              f"{len(g)} ticks (target largest <= 50 ms)")

    corpus = Path(data) / "corpus"
    make_corpus(corpus, 300, paragraphs=6, words_per_paragraph=60)
    measure("while indexing 300 files", lambda: w.folders.add(str(corpus)),
            lambda: w.folders.progress.format() == "Up to date" and w.runner.busy() == 0)
    answers = []
    w.chat.answer_finished.connect(answers.append)

    def ask():
        w.chat.input.setPlainText("Which documents mention the copper lantern by the harbour?")
        w.chat.send()

    measure("while generating an answer", ask, lambda: answers)
    w.close()


if __name__ == "__main__":
    main()
