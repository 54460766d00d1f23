"""A guard on the Qt binding itself: PySide6 6.12.0 dropped one reference to None on every Qt call that returns
nothing (setText, setValue, setItem, addItem, …). A Hearth window holds about 130k references to None, so a long
session (indexing progress, streamed tokens) ended in "Fatal Python error: none_dealloc". Pinned to 6.11.3."""

from __future__ import annotations

import gc
import sys

CALLS = 2_000
SLACK = 50  # unrelated references dropped meanwhile (a few calls keep an extra one: harmless)


def test_void_qt_calls_keep_none_alive(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox, QLabel, QProgressBar, QTableWidget, QTableWidgetItem

    label, bar, combo, table = QLabel(), QProgressBar(), QComboBox(), QTableWidget(CALLS, 1)
    for widget in (label, bar, combo, table):
        qtbot.addWidget(widget)
    gc.collect()
    gc.disable()  # a collection meanwhile would free unrelated objects and their references to None
    before = sys.getrefcount(None)
    for i in range(CALLS):
        label.setText(f"step {i}")
        bar.setValue(i % 100)
        combo.addItem("model", "path")
        combo.setItemData(0, "tip", Qt.ToolTipRole)
        table.setItem(i, 0, QTableWidgetItem("x"))
    after = sys.getrefcount(None)
    gc.enable()
    assert after > before - SLACK  # 6.12.0: 10,000 fewer
