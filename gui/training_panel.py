"""Fine-tuning: pick a dataset (or make one from your files), start/cancel, a live loss curve, export, use."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from gui.tasks import Task, TaskRunner
from operations import QUANT_NOTES, QUANTS, TRAINING_MISSING, training_available


class LossCurve(QWidget):
    """A minimal line plot of the training loss per step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.losses: list[float] = []
        self.setMinimumHeight(160)

    def add(self, loss: float) -> None:
        self.losses.append(loss)
        self.update()

    def clear(self) -> None:
        self.losses = []
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), Qt.white)
        p.setPen(Qt.gray)
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        if len(self.losses) < 2:
            p.drawText(self.rect(), Qt.AlignCenter, "The loss curve appears when training starts")
            return
        lo, hi = min(self.losses), max(self.losses)
        w, h, pad = self.width(), self.height(), 8
        span = (hi - lo) or 1.0
        pts = [QPointF(pad + i * (w - 2 * pad) / (len(self.losses) - 1), pad + (hi - v) / span * (h - 2 * pad))
               for i, v in enumerate(self.losses)]
        p.setPen(QPen(Qt.darkBlue, 2))
        p.drawPolyline(pts)
        p.setPen(Qt.black)
        p.drawText(pad + 2, pad + 12, f"loss {self.losses[-1]:.3f} (from {self.losses[0]:.3f})")


class TrainingPanel(QWidget):
    model_ready = Signal(str)  # path of a registered fine-tune ("use this model")

    def __init__(self, runner: TaskRunner, on_error: Callable[[BaseException], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.on_error = runner, on_error
        self.ws = None
        self.task: Task | None = None
        self.result = None
        self.dataset = QLineEdit(placeholderText="A JSONL file of chats or prompt/completion pairs, or a folder of text")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose)
        self.make_btn = QPushButton("Make one from my files")
        self.make_btn.clicked.connect(self.make_from_files)
        self.name = QLineEdit("my-fine-tune")
        self.epochs = QSpinBox(minimum=0, maximum=50, value=0)
        self.epochs.setSpecialValueText("auto")
        self.epochs.setToolTip("auto: 6 epochs for a small set (under 200 examples), else 3")
        self.quant = QComboBox()
        for kind in (*QUANTS, "none"):
            self.quant.addItem(kind)
            self.quant.setItemData(self.quant.count() - 1, QUANT_NOTES.get(kind, ""), Qt.ToolTipRole)
        self.quant_note = QLabel(QUANT_NOTES.get(self.quant.currentText(), ""))
        self.quant_note.setWordWrap(True)
        self.quant.currentTextChanged.connect(lambda kind: self.quant_note.setText(QUANT_NOTES.get(kind, "")))
        self.method = QComboBox()
        self.method.addItems(["lora", "dora"])
        self.base_bits = QComboBox()
        for label, value in (("auto", "auto"), ("16-bit", "16"), ("4-bit (QLoRA)", "4")):
            self.base_bits.addItem(label, value)
        self.base_bits.setToolTip("auto: 4-bit (QLoRA) when a 16-bit base would crowd the GPU's memory")
        self.rank = QSpinBox(minimum=1, maximum=256, value=16)
        self.alpha = QSpinBox(minimum=1, maximum=512, value=32)
        self.lr = QDoubleSpinBox(decimals=5, minimum=0.0, maximum=1e-1, singleStep=1e-4, value=0.0)
        self.lr.setSpecialValueText("auto")
        self.lr.setToolTip("auto: 1e-3 for a small set (under 200 examples), else 2e-4")
        self.max_len = QSpinBox(minimum=32, maximum=4096, value=256)
        advanced = QGroupBox("Advanced")
        advanced.setCheckable(True)
        advanced.setChecked(False)
        af = QFormLayout(advanced)
        for label, w in (("Method", self.method), ("Base precision", self.base_bits), ("LoRA rank", self.rank),
                         ("LoRA alpha", self.alpha), ("Learning rate", self.lr), ("Max tokens per example", self.max_len)):
            af.addRow(label, w)
        self.start_btn, self.cancel_btn = QPushButton("Start training"), QPushButton("Cancel")
        self.use_btn = QPushButton("Use this model")
        self.start_btn.clicked.connect(self.start)
        self.cancel_btn.clicked.connect(self.cancel)
        self.use_btn.clicked.connect(lambda: self.model_ready.emit(self.result.model_path) if self.result else None)
        for b in (self.start_btn, self.make_btn):
            b.setEnabled(False)
        self.cancel_btn.setEnabled(False)
        self.use_btn.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setFormat("Not started")
        self.progress.setValue(0)
        self.curve = LossCurve()
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.dataset)
        row.addWidget(choose)
        row.addWidget(self.make_btn)
        form.addRow("Dataset", row)
        form.addRow("Name", self.name)
        form.addRow("Epochs", self.epochs)
        form.addRow("Export as", self.quant)
        form.addRow("", self.quant_note)
        buttons = QHBoxLayout()
        for b in (self.start_btn, self.cancel_btn, self.use_btn):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(advanced)
        lay.addLayout(buttons)
        lay.addWidget(self.progress)
        lay.addWidget(self.curve)
        lay.addWidget(self.summary)
        lay.addWidget(self._search_model_box())

    def _search_model_box(self) -> QGroupBox:
        """Tuning the embedding model (retrieval) on the indexed files, beside the chat model's fine-tune."""
        box = QGroupBox("Search model")
        self.tune_source = QComboBox()
        for label, value in (("headings", "headings"), ("model's questions", "model")):
            self.tune_source.addItem(label, value)
        self.tune_source.setToolTip("Questions from your files' headings and names (measured better), or written "
                                    "by the chat model")
        self.tune_btn = QPushButton("Tune it")
        self.tune_btn.setEnabled(False)
        self.tune_btn.clicked.connect(self.tune_embedder)
        self.tune_summary = QLabel("Teaches the search model your files' vocabulary; the index switches to it "
                                   "only if it finds held-out files better.")
        self.tune_summary.setWordWrap(True)
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Train on"))
        row.addWidget(self.tune_source)
        row.addWidget(self.tune_btn)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.tune_summary)
        return box

    def tune_embedder(self) -> None:
        ws, source = self.ws, self.tune_source.currentData()

        def done(res) -> None:
            self._busy(False)
            self.task = None
            self.progress.setFormat("Done")
            verdict = "The index now uses it." if res.switched else "Not better: the index keeps its search model."
            self.tune_summary.setText(
                f"Held-out files: recall@5 {res.before.recall_at_5:.2f} → {res.after.recall_at_5:.2f}, MRR "
                f"{res.before.mrr_at_10:.2f} → {res.after.mrr_at_10:.2f} ({res.train_pairs} questions, "
                f"{res.seconds:.0f} s on {res.device}). {verdict}")

        self._busy(True)
        self.progress.setFormat("Tuning the search model… %v/%m")
        self.task = self.runner.start(lambda ctx: ws.tune_embedder(source, True, ctx.progress, ctx.cancel),
                                      on_done=done, on_failed=self._failed, on_progress=self._progress)

    def set_workspace(self, ws) -> None:
        self.ws = ws
        self.make_btn.setEnabled(True)  # the chat model writes the pairs: no torch needed
        if not training_available():  # the app bundle's core download
            self.summary.setText(TRAINING_MISSING.format(what="Fine-tuning"))
            self.tune_summary.setText(TRAINING_MISSING.format(what="Tuning the search model"))
            return
        self.start_btn.setEnabled(True)
        self.tune_btn.setEnabled(True)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a training set", "", "JSON lines (*.jsonl *.json)")
        if path:
            self.dataset.setText(path)

    def _busy(self, busy: bool) -> None:
        can_train = not busy and training_available()
        self.start_btn.setEnabled(can_train)
        self.make_btn.setEnabled(not busy)
        self.tune_btn.setEnabled(can_train)
        self.cancel_btn.setEnabled(busy)

    def make_from_files(self) -> None:
        ws = self.ws

        def done(res) -> None:
            self._busy(False)
            self.task = None
            self.dataset.setText(res.path)
            self.summary.setText(f"Wrote {res.examples} question–answer pairs from your files to {res.path}.")

        self._busy(True)
        self.progress.setFormat("Writing questions from your files… %v/%m")
        self.task = self.runner.start(lambda ctx: ws.make_dataset(on_progress=ctx.progress, cancel=ctx.cancel),
                                      on_done=done, on_failed=self._failed, on_progress=self._progress)

    def start(self) -> None:
        from operations import TrainConfig

        data = self.dataset.text().strip()
        if not data or not Path(data).exists():
            self.summary.setText("Choose a dataset file first, or make one from your files.")
            return
        try:
            cfg = TrainConfig(rank=self.rank.value(), alpha=self.alpha.value(), learning_rate=self.lr.value(),
                              epochs=self.epochs.value(), max_len=self.max_len.value(),
                              method=self.method.currentText(), base_bits=self.base_bits.currentData())
        except Exception as exc:
            self.on_error(exc)
            return
        ws, name = self.ws, self.name.text().strip() or "my-fine-tune"
        quant = None if self.quant.currentText() == "none" else self.quant.currentText()

        def work(ctx):
            return ws.fine_tune(Path(data), name, cfg, quant, on_report=ctx.report, on_progress=ctx.progress,
                                cancel=ctx.cancel)

        self.curve.clear()
        self.result = None
        self.use_btn.setEnabled(False)
        self._busy(True)
        self.progress.setFormat("Loading the base model…")
        self.task = self.runner.start(work, on_done=self._trained, on_failed=self._failed,
                                      on_progress=self._stage, on_report=self._report)

    def _stage(self, done: int, total: int, message: str) -> None:
        if message != "training":
            self.progress.setFormat(message[:1].upper() + message[1:] + "…")

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _report(self, r) -> None:
        self.curve.add(r.loss)
        self.progress.setMaximum(r.total_steps)
        self.progress.setValue(r.step)
        self.progress.setFormat(f"Step {r.step}/{r.total_steps} — loss {r.loss:.3f} — {r.tokens_per_s:.0f} tokens/s — "
                                f"about {r.eta_s / 60:.0f} min left")

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _trained(self, res) -> None:
        self.task = None
        self.result = res
        self._busy(False)
        self.use_btn.setEnabled(True)
        self.progress.setFormat("Done")
        lines = [f"Saved {Path(res.model_path).name} (trained on {res.device}). Held-out answers: log-prob per "
                 f"token {res.base_logprob:.2f} → {res.trained_logprob:.2f}."]
        lines += [f"{c.kind}: keeps {c.gain_kept:.0%} of the gain" for c in res.exports]
        self.summary.setText("  ".join(lines))

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self._busy(False)
        self.progress.setFormat("Stopped")
        self.on_error(exc)
