"""The main window: folders on the left, chats on the right, model picker and settings in the toolbar."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressDialog, QSplitter,
                               QTabWidget, QToolBar)

from app_config import AppConfig
from gui.chat_panel import ChatPanel
from gui.errors import show_error
from gui.folders_panel import FoldersPanel
from gui.settings_dialog import SettingsDialog
from gui.tasks import TaskRunner
from gui.training_panel import TrainingPanel

log = logging.getLogger(__name__)
SAMPLE_DOCS = Path(__file__).resolve().parent.parent / "examples" / "docs"


class _WatcherBridge(QObject):
    """Watcher callbacks arrive on its thread; these signals carry them to the GUI thread."""

    report = Signal(object)
    progress = Signal(int, int, str)


class MainWindow(QMainWindow):
    core_ready = Signal(object)

    def __init__(self, cfg: AppConfig, offer_sample: bool = True) -> None:
        super().__init__()
        self.cfg = cfg
        self.core = None
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
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.folders)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.chat, "Chat")
        self.tabs.addTab(self.training, "Fine-tune")
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 2)
        split.setSizes([460, 820])
        self.setCentralWidget(split)
        self._build_toolbar()
        self.statusBar().showMessage("Starting…")
        settings = QSettings("Hearth", "Hearth")
        if settings.value("geometry"):
            self.restoreGeometry(settings.value("geometry"))
        else:
            self.resize(1200, 760)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setMovable(False)
        self.addToolBar(bar)
        bar.addWidget(QLabel(" Model: "))
        self.model_box = QComboBox()
        self.model_box.setMinimumWidth(280)
        self._fill_models()
        self.model_box.activated.connect(self._model_chosen)
        bar.addWidget(self.model_box)
        bar.addAction("Add model…", self._add_model)
        bar.addSeparator()
        bar.addAction("Settings…", lambda: SettingsDialog(self.cfg, self).exec())

    # -- start-up: everything heavy happens on the runner -----------------------------------------
    def start(self) -> None:
        """Called once the window is shown: assemble the bundled model, open the index, start watching."""
        from engine.models import bundled_model_path
        from gui.core import open_core

        dialog = None
        if not (self.cfg.data.models_dir / "gemma-3-270m-q4_k_m.gguf").exists() and not self.cfg.engine.model:
            dialog = QProgressDialog("Preparing the bundled chat model (first run only)…", None, 0, 0, self)
            dialog.setWindowTitle("Hearth")
            dialog.setMinimumDuration(0)
            dialog.show()

        def work(ctx):
            if not self.cfg.engine.model:
                bundled_model_path(self.cfg.data)
            ctx.progress(0, 0, "loading the embedding model")
            core = open_core(self.cfg, self.bridge.report.emit, self.bridge.progress.emit)
            core.watcher.start()  # reconciles what changed while Hearth was closed, then watches
            return core

        def ready(core) -> None:
            if dialog is not None:
                dialog.close()
            self.core = core
            self.folders.set_core(core)
            self.chat.set_core(core)
            self.training.set_core(core)
            self.statusBar().showMessage("Ready", 5000)
            self.core_ready.emit(core)
            if self.offer_sample and not core.indexer.folders():
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

    # -- models -------------------------------------------------------------------------------------
    def _models_file(self) -> Path:
        return self.cfg.data.root / "models.json"

    def _fill_models(self) -> None:
        self.model_box.clear()
        self.model_box.addItem("Gemma 3 270M (bundled)", "")
        extra = json.loads(self._models_file().read_text()) if self._models_file().exists() else []
        exports = sorted(str(p) for p in self.cfg.data.models_dir.glob("*.gguf") if p.name != "gemma-3-270m-q4_k_m.gguf")
        for path in dict.fromkeys(extra + exports):
            self.model_box.addItem(Path(path).name, path)
            meta = Path(path).with_suffix(".json")
            if meta.exists():  # a Hearth fine-tune: say what it was made from
                prov = json.loads(meta.read_text())
                gains = ", ".join(f"{c['kind']} keeps {c['gain_kept']:.0%}" for c in prov.get("exports", []))
                self.model_box.setItemData(self.model_box.count() - 1,
                                           f"Fine-tune ({prov.get('hearth.method')}) of {prov.get('hearth.base_file')}; "
                                           f"{gains}", Qt.ToolTipRole)
                self.model_box.setItemText(self.model_box.count() - 1, f"{Path(path).stem} (fine-tune)")
        index = self.model_box.findData(self.cfg.engine.model)
        self.model_box.setCurrentIndex(max(index, 0))

    def _add_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", "", "GGUF models (*.gguf)")
        if not path:
            return
        paths = json.loads(self._models_file().read_text()) if self._models_file().exists() else []
        self._models_file().write_text(json.dumps(sorted(set(paths + [path]))))
        self._fill_models()
        self.model_box.setCurrentIndex(self.model_box.findData(path))
        self._model_chosen(self.model_box.currentIndex())

    def use_model(self, path: str) -> None:
        """Switch the chat to a model file (a fine-tune that just finished, for example)."""
        self._fill_models()
        index = self.model_box.findData(path)
        if index < 0:
            self.model_box.addItem(Path(path).name, path)
            index = self.model_box.count() - 1
        self.model_box.setCurrentIndex(index)
        self._model_chosen(index)
        self.tabs.setCurrentWidget(self.chat)

    def _model_chosen(self, index: int) -> None:
        if self.core is None:
            return
        path = self.model_box.itemData(index)
        self.core.engine.use_model(path)
        self.statusBar().showMessage(f"Loading {self.model_box.itemText(index)}…")
        self.runner.start(lambda ctx: self.core.engine.load_model(),
                          on_done=lambda g: self.statusBar().showMessage(f"Model ready: {g.model_path.name}", 5000),
                          on_failed=self.show_error)

    # -- errors and shutdown --------------------------------------------------------------------------
    def show_error(self, exc: BaseException) -> None:
        show_error(self, exc, str(self.cfg.data.log_file))

    def closeEvent(self, event) -> None:
        """Stop generation and indexing, wait for the workers, stop watching; nothing written is lost."""
        QSettings("Hearth", "Hearth").setValue("geometry", self.saveGeometry())
        self.chat.stop()
        self.training.cancel()
        self.statusBar().showMessage("Closing…")
        self.runner.shutdown()
        if self.core is not None:
            self.core.close()
            self.core = None
        self.runner.shutdown()
        super().closeEvent(event)
