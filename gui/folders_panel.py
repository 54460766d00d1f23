"""Watched folders: add (dialog or drag-and-drop), remove, pause/resume, per-folder counts, live progress, errors."""

from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFileDialog, QGridLayout, QHeaderView, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from gui.tasks import TaskRunner

OPENING = "Opening the index…"


class ProblemsModel(QAbstractTableModel):
    """Failed and skipped files as a Qt model: a view asks only for the rows it shows, so 100k problems cost a
    list of tuples, not 300k widget items. The filter runs over plain strings here (QSortFilterProxyModel would
    call `data` from C++ for every cell, seconds at 100k rows)."""

    HEADERS = ("File", "Status", "Reason")

    def __init__(self, problems: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = [(p.path, p.status, p.reason) for p in problems]
        self._haystacks = [" ".join(row).lower() for row in self.rows]
        self.shown = list(range(len(self.rows)))  # indices into rows, after the filter

    def set_filter(self, text: str) -> None:
        needle = text.lower()
        self.beginResetModel()
        self.shown = [i for i, hay in enumerate(self._haystacks) if needle in hay] if needle else \
            list(range(len(self.rows)))
        self.endResetModel()

    def row_at(self, view_row: int) -> tuple[str, str, str]:
        return self.rows[self.shown[view_row]]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if index.isValid() and role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self.row_at(index.row())[index.column()]
        return None

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.HEADERS[section]
        return None


class ProblemsDialog(QDialog):
    """Failed and skipped files with their reasons; filterable; 'Retry' indexes the selected ones again."""

    retry_requested = Signal(list)

    def __init__(self, problems: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Files Hearth could not index")
        self.resize(820, 420)
        self.filter = QLineEdit(placeholderText="Filter by path or reason…")
        self.model = ProblemsModel(problems, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.verticalHeader().hide()
        self.table.setTextElideMode(Qt.ElideLeft)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        retry = QPushButton("Retry selected")
        retry.clicked.connect(self._retry)
        self.filter.textChanged.connect(self.model.set_filter)
        lay = QVBoxLayout(self)
        lay.addWidget(self.filter)
        lay.addWidget(self.table)
        lay.addWidget(retry, alignment=Qt.AlignRight)

    def shown_rows(self) -> list[tuple[str, str, str]]:
        """The rows the filter lets through, in view order."""
        return [self.model.row_at(r) for r in range(self.model.rowCount())]

    def _retry(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        paths = [self.model.row_at(r)[0] for r in rows]
        if paths:
            self.retry_requested.emit(paths)
            self.accept()


class FoldersPanel(QWidget):
    """Shows folders and index status; every action runs on the task runner."""

    def __init__(self, runner: TaskRunner, on_error: Callable[[BaseException], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.on_error = runner, on_error
        self.ws = None
        self.listed: list = []  # the FolderInfo rows on show
        self.setAcceptDrops(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Folder", "State", "Files", "Chunks", "Problems"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        for col in range(1, 5):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideLeft)  # long paths keep their last, telling part
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.cellDoubleClicked.connect(lambda row, col: self.show_problems() if col == 4 else None)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("Idle")
        self.progress.setValue(0)
        self.status = QLabel(OPENING)
        self.add_btn, self.remove_btn = QPushButton("Add folder…"), QPushButton("Remove")
        self.pause_btn, self.problems_btn = QPushButton("Pause / resume"), QPushButton("Problems…")
        for b, slot in ((self.add_btn, self.choose_folder), (self.remove_btn, self.remove_selected),
                        (self.pause_btn, self.toggle_pause), (self.problems_btn, self.show_problems)):
            b.clicked.connect(slot)
            b.setEnabled(False)
        buttons = QGridLayout()  # two by two, so the panel can be narrow and leave the chat its width
        for i, b in enumerate((self.add_btn, self.remove_btn, self.pause_btn, self.problems_btn)):
            buttons.addWidget(b, i // 2, i % 2)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<b>Folders</b> — drop a folder here to add it"))
        lay.addWidget(self.table)
        lay.addLayout(buttons)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)

    # -- wiring ---------------------------------------------------------------------------------
    def set_workspace(self, ws) -> None:
        self.ws = ws
        for b in (self.add_btn, self.remove_btn, self.pause_btn, self.problems_btn):
            b.setEnabled(True)
        if self.status.text() == OPENING:  # the start-up reconcile is done; it reported nothing (no folders)
            self.show_done("Watching for changes")
        self.refresh()

    def on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        if total and message.startswith("OCR page"):  # a scan being read: "OCR page 3/40: scan.pdf"
            self.progress.setFormat(f"Indexing {done}/{total}, {message[:50]}")
        else:
            self.progress.setFormat(f"Indexing {done}/{total}" if total else (message[:60] or "Working…"))

    def show_done(self, status: str) -> None:
        """The bar full and "Up to date", with `status` under it."""
        self.progress.setMaximum(1)
        self.progress.setValue(1)
        self.progress.setFormat("Up to date")
        self.status.setText(status)

    def on_report(self, report) -> None:
        errs = len(report.errors) + len(report.skipped)
        self.show_done(f"Last update: {report.files_indexed} indexed, {report.files_moved} moved, "
                       f"{report.files_removed} removed" + (f", {errs} with problems" if errs else ""))
        self.refresh()

    def refresh(self) -> None:
        if self.ws is not None:
            self.runner.start(lambda ctx: self.ws.folders(), on_done=self._show_folders, on_failed=self.on_error)

    def _show_folders(self, folders: list) -> None:
        self.listed = folders
        self.table.setRowCount(len(folders))
        for row, f in enumerate(folders):
            for col, value in enumerate((f.path, f.state, f.files, f.chunks, f.problems)):
                item = QTableWidgetItem(str(value))
                if col == 4 and f.problems:
                    item.setForeground(Qt.red)
                    item.setToolTip("Double-click to see which files and why")
                self.table.setItem(row, col, item)

    # -- actions ----------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose a folder for Hearth to index")
        if path:
            self.add(path)

    def add(self, path: str) -> None:
        """Watch and index a folder; its row appears as soon as indexing starts."""
        shown = []

        def progress(done: int, total: int, message: str) -> None:
            if not shown:  # the folder is in the list once indexing reports anything
                shown.append(True)
                self.refresh()
            self.on_progress(done, total, message)

        self.runner.start(lambda ctx: self.ws.add_folder(path, True, ctx.progress, ctx.cancel),
                          on_done=self.on_report, on_failed=self._add_failed, on_progress=progress)

    def _add_failed(self, exc: BaseException) -> None:
        self.refresh()
        self.on_error(exc)

    def selected_path(self) -> str | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.table.item(min(rows), 0).text() if rows else None

    def remove_selected(self) -> None:
        path = self.selected_path()
        if path:
            self.runner.start(lambda ctx: self.ws.remove_folder(path), on_done=lambda n: self.refresh(),
                              on_failed=self.on_error)

    def toggle_pause(self) -> None:
        path = self.selected_path()
        folder = next((f for f in self.listed if f.path == path), None)
        if folder is not None:
            self.runner.start(lambda ctx: self.ws.pause_folder(path, not folder.paused), on_done=lambda _: self.refresh(),
                              on_failed=self.on_error)

    def show_problems(self) -> None:
        self.runner.start(lambda ctx: self.ws.problems(), on_done=self._open_problems, on_failed=self.on_error)

    def _open_problems(self, problems: list) -> None:
        self.problems_dialog = ProblemsDialog(problems, self)
        self.problems_dialog.retry_requested.connect(self.retry)
        self.problems_dialog.show()

    def retry(self, paths: list[str]) -> None:
        self.runner.start(lambda ctx: self.ws.retry(paths, ctx.progress, ctx.cancel), on_done=self.on_report,
                          on_failed=self.on_error, on_progress=self.on_progress)

    # -- drag and drop ----------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.ws is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile() and os.path.isdir(url.toLocalFile()):
                self.add(url.toLocalFile())
