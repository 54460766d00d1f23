"""The problems dialog at 100k problems: open and filter, against a QTableWidget filled item by item (how the
dialog was built before), in the same run, at 10k and 100k problems.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/problems_dialog.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem  # noqa: E402

SIZES = (10_000, 100_000)
QUERIES = ("e", "en", "encrypted", "")


def problems(n: int) -> list:
    return [SimpleNamespace(path=f"/home/me/docs/file-{i:06d}.pdf", status="failed",
                            reason="encrypted PDF" if i % 1000 == 7 else "not a PDF") for i in range(n)]


def widget_baseline(app, rows: list) -> tuple[float, float]:
    started = time.perf_counter()
    table = QTableWidget(len(rows), 3)
    for r, p in enumerate(rows):
        for c, value in enumerate((p.path, p.status, p.reason)):
            table.setItem(r, c, QTableWidgetItem(value))
    table.show()
    app.processEvents()
    opened = time.perf_counter() - started
    started = time.perf_counter()
    for text in QUERIES:
        for r in range(table.rowCount()):
            hay = " ".join(table.item(r, c).text().lower() for c in range(3))
            table.setRowHidden(r, bool(text) and text not in hay)
        app.processEvents()
    return opened, (time.perf_counter() - started) / len(QUERIES)


def model_view(app, rows: list) -> tuple[float, float]:
    from gui.folders_panel import ProblemsDialog

    started = time.perf_counter()
    dialog = ProblemsDialog(rows)
    dialog.show()
    app.processEvents()
    opened = time.perf_counter() - started
    started = time.perf_counter()
    for text in QUERIES:
        dialog.filter.setText(text)
        app.processEvents()
    return opened, (time.perf_counter() - started) / len(QUERIES)


def main() -> None:
    app = QApplication([])
    for n in SIZES:
        new_open, new_filter = model_view(app, problems(n))
        old_open, old_filter = widget_baseline(app, problems(n))
        print(f"{n:,} problems: open {new_open * 1000:.0f} ms (item widgets {old_open * 1000:.0f} ms, "
              f"{old_open / new_open:.0f}x faster), filter per keystroke {new_filter * 1000:.1f} ms (item widgets "
              f"{old_filter * 1000:.0f} ms, {old_filter / new_filter:.0f}x faster)")


if __name__ == "__main__":
    main()
