"""The main window: folders on the left, chats on the right, model picker and settings in the toolbar."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressDialog, QSplitter,
                               QTabWidget, QToolBar)

from gui.chat_panel import ChatPanel
from gui.errors import show_error
from gui.folders_panel import FoldersPanel
from gui.settings_dialog import SettingsDialog
from gui.tasks import TaskRunner
from gui.training_panel import TrainingPanel
from operations import SAMPLE_DOCS, Workspace

log = logging.getLogger(__name__)
SCREEN_SHARE = 0.85  # the first window covers this share of the screen's free area
MIN_SIZE = (900, 600)
FOLDERS_SHARE = 0.3  # of the window's width, at first
SETTINGS = ("Hearth", "Hearth")


class _WatcherBridge(QObject):
    """Watcher callbacks arrive on its thread; these signals carry them to the GUI thread."""

    report = Signal(object)
    progress = Signal(int, int, str)


class MainWindow(QMainWindow):
    ready = Signal(object)  # the workspace, once its index and embedder are loaded

    def __init__(self, ws: Workspace, offer_sample: bool = True) -> None:
        super().__init__()
        self.ws = ws
        self.is_ready = False
        self.offer_sample = offer_sample
        self.setWindowTitle("Hearth")
        self.runner = TaskRunner(parent=self)
        self.bridge = _WatcherBridge()
        self.folders = FoldersPanel(self.runner, self.show_error)
        self.chat = ChatPanel(self.runner, self.show_error)
        self.training = TrainingPanel(self.runner, self.show_error)
        self.training.model_ready.connect(self.use_model)
        self.bridge.report.connect(self.folders.on_report)
        self.bridge.progress.connect(self.folders.on_progress)
        self.split = split = QSplitter(Qt.Horizontal)
        split.addWidget(self.folders)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.chat, "Chat")
        self.tabs.addTab(self.training, "Fine-tune")
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        self.setCentralWidget(split)
        self._build_toolbar()
        self.statusBar().showMessage("Starting…")
        self._restore_layout()

    def _restore_layout(self) -> None:
        """Where the person left the window and its splitters; the first time, sized to the screen."""
        settings = QSettings(*SETTINGS)
        if settings.value("geometry"):
            self.restoreGeometry(settings.value("geometry"))
        else:
            screen = self.screen().availableGeometry()
            w = max(MIN_SIZE[0], int(screen.width() * SCREEN_SHARE))
            h = max(MIN_SIZE[1], int(screen.height() * SCREEN_SHARE))
            self.resize(min(w, screen.width()), min(h, screen.height()))
            self.split.setSizes([int(self.width() * FOLDERS_SHARE), int(self.width() * (1 - FOLDERS_SHARE))])
        for key, splitter in (("main_splitter", self.split), ("chat_splitter", self.chat.split)):
            if settings.value(key):
                splitter.restoreState(settings.value(key))

    def _save_layout(self) -> None:
        settings = QSettings(*SETTINGS)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("main_splitter", self.split.saveState())
        settings.setValue("chat_splitter", self.chat.split.saveState())

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setMovable(False)
        self.addToolBar(bar)
        bar.addWidget(QLabel(" Model: "))
        self.model_box = QComboBox()
        self.model_box.setMinimumWidth(280)
        self._fill_models()
        self.model_box.activated.connect(lambda i: self.use_model(self.model_box.itemData(i)))
        bar.addWidget(self.model_box)
        bar.addAction("Add model…", self._add_model)
        bar.addSeparator()
        bar.addAction("Settings…", self.open_settings)

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.ws, self)
        if dialog.exec() and dialog.new_search_model is not None:
            answer = QMessageBox.question(
                self, "Hearth", "Re-embed the index with the new search model now? Every chunk is embedded again "
                "(nothing is parsed again); searches use the current index until it is done.")
            if answer == QMessageBox.Yes:
                self.switch_search_model(dialog.new_search_model)

    def switch_search_model(self, model: str) -> None:
        """`Workspace.switch_search_model` on the runner, its progress in the folders panel."""
        def done(res) -> None:
            self.folders.show_done(f"Search model: {res.model or 'bundled'} ({res.vectors}), {res.chunks} chunks "
                                   f"embedded again in {res.seconds:.0f} s")
            self.statusBar().showMessage("The index now uses the new search model", 8000)

        backend = self.ws.cfg.index.embed_backend
        self.runner.start(lambda ctx: self.ws.switch_search_model(model, backend, ctx.progress, ctx.cancel),
                          on_done=done, on_failed=self.show_error, on_progress=self.folders.on_progress)

    # -- start-up: everything heavy happens on the runner -----------------------------------------
    def start(self) -> None:
        """Called once the window is shown: prepare the chat model, open the index, start watching."""
        dialog = None
        if self.ws.needs_model_preparation():
            dialog = QProgressDialog("Preparing the bundled chat model (first run only)…", None, 0, 0, self)
            dialog.setWindowTitle("Hearth")
            dialog.setMinimumDuration(0)
            dialog.show()

        def work(ctx):
            self.ws.prepare(ctx.progress)
            self.ws.start_watching(self.bridge.report.emit, self.bridge.progress.emit)  # reconciles first

        def ready(_) -> None:
            if dialog is not None:
                dialog.close()
            self.is_ready = True
            for panel in (self.folders, self.chat, self.training):
                panel.set_workspace(self.ws)
            self.statusBar().showMessage("Ready", 5000)
            log.info("window ready")
            self.ready.emit(self.ws)
            if self.offer_sample and not self.ws.folders():
                self._offer_sample()

        def failed(exc) -> None:
            if dialog is not None:
                dialog.close()
            self.statusBar().showMessage("Could not open the index")
            self.show_error(exc)

        self.runner.start(work, on_done=ready, on_failed=failed, on_progress=self.folders.on_progress)

    def _offer_sample(self) -> None:
        answer = QMessageBox.question(self, "Hearth", "No folders yet. Add the sample folder to try Hearth out?")
        if answer == QMessageBox.Yes:
            self.folders.add(str(SAMPLE_DOCS))

    # -- models: the list and the choice belong to the workspace ------------------------------------
    def _fill_models(self) -> None:
        self.model_box.clear()
        for m in self.ws.models():
            self.model_box.addItem(m.label, m.path)
            if m.summary:
                self.model_box.setItemData(self.model_box.count() - 1, m.summary, Qt.ToolTipRole)
        self.model_box.setCurrentIndex(max(self.model_box.findData(self.ws.chosen_model), 0))

    def _add_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", "", "GGUF models (*.gguf)")
        if path:
            try:
                self.ws.add_model(path)
            except Exception as exc:
                self.show_error(exc)
                return
            self._switched()

    def use_model(self, path: str) -> None:
        """Chat with this model from now on (a fine-tune that just finished, for example); saved at once."""
        try:
            self.ws.use_model(path)
        except Exception as exc:
            self.show_error(exc)
            self._fill_models()
            return
        self._switched()
        if self.sender() is self.training:
            self.tabs.setCurrentWidget(self.chat)

    def _switched(self) -> None:
        """The chosen model changed: show it picked, and load it in the background once the app is ready."""
        self._fill_models()
        label = self.model_box.currentText()
        if not self.is_ready:
            return
        self.statusBar().showMessage(f"Loading {label}…")
        self.runner.start(lambda ctx: self.ws.load_model(),
                          on_done=lambda g: self.statusBar().showMessage(f"Model ready: {g.model_path.name}", 5000),
                          on_failed=self.show_error)

    # -- errors and shutdown --------------------------------------------------------------------------
    def show_error(self, exc: BaseException) -> None:
        show_error(self, exc, str(self.ws.data.log_file))

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop generation and indexing, wait for the workers, stop watching; nothing written is lost. Called on
        close and when the app quits (SIGTERM); the second call does nothing."""
        if self.runner.closed and not self.is_ready:
            return
        self._save_layout()
        self.chat.stop()
        self.training.cancel()
        self.statusBar().showMessage("Closing…")
        self.runner.shutdown()
        self.ws.close()
        self.is_ready = False
        self.runner.shutdown()
        log.info("closed cleanly")

    def bring_to_front(self) -> None:
        """Another launch on this data dir asked for this window."""
        self.showNormal()
        self.raise_()
        self.activateWindow()
        log.info("brought to the front by a second launch")
