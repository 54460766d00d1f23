"""Settings stored in the data dir's config.toml; most take effect the next time Hearth starts. A new search
(embedding) model is not a setting to save but work to do: the window re-embeds the index with it."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox,
                               QDoubleSpinBox, QWidget)

from common.errors import ConfigError
from operations import Workspace


class SettingsDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.ws = ws
        self.new_search_model: str | None = None  # set on Save when the embedding model folder changed
        cfg = ws.cfg
        form = QFormLayout(self)
        form.addRow("Data folder", QLabel(str(cfg.data.root)))
        self.embed_model = QLineEdit(cfg.index.embed_model, placeholderText="bundled all-MiniLM-L6-v2")
        self.n_ctx = self._spin(cfg.engine.n_ctx, 512, 131072)
        self.threads = self._spin(cfg.engine.threads, 0, 256)
        self.gpu_layers = self._spin(cfg.engine.gpu_layers, 0, 999)
        self.top_k = self._spin(cfg.engine.top_k, 1, 50)
        self.max_mb = QDoubleSpinBox(maximum=100000, value=cfg.index.max_file_mb)
        self.ignore = QLineEdit(", ".join(cfg.index.ignore), placeholderText="*.log, drafts/")
        self.gitignore = QCheckBox("Respect each folder's .gitignore")
        self.gitignore.setChecked(cfg.index.use_gitignore)
        self.ocr = QCheckBox("Read images and scanned PDF pages (OCR, about a second a page)")
        self.ocr.setChecked(cfg.index.ocr)
        for label, w in (("Embedding model folder", self.embed_model), ("Context size (tokens)", self.n_ctx),
                         ("Threads (0 = all cores)", self.threads), ("GPU layers", self.gpu_layers),
                         ("Sources per answer (top-k)", self.top_k), ("File size limit (MB)", self.max_mb),
                         ("Ignore patterns", self.ignore), ("", self.gitignore), ("", self.ocr)):
            form.addRow(label, w)
        self.message = QLabel("")
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _spin(value: int, lo: int, hi: int) -> QSpinBox:
        s = QSpinBox()
        s.setRange(lo, hi)
        s.setValue(value)
        return s

    def save(self) -> None:
        try:
            self.ws.save_settings(
                index={"max_file_mb": self.max_mb.value(),
                       "ignore": [g.strip() for g in self.ignore.text().split(",") if g.strip()],
                       "use_gitignore": self.gitignore.isChecked(), "ocr": self.ocr.isChecked()},
                engine={"n_ctx": self.n_ctx.value(), "threads": self.threads.value(),
                        "gpu_layers": self.gpu_layers.value(), "top_k": self.top_k.value()})
        except ConfigError as exc:
            self.message.setText(str(exc))
            return
        chosen = self.embed_model.text().strip()
        self.new_search_model = chosen if chosen != self.ws.cfg.index.embed_model else None
        self.accept()
