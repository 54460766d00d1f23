"""Chats: a list of conversations, a streaming transcript in Markdown, citation chips and a source preview."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QGridLayout, QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from gui.tasks import Task, TaskRunner


EVIDENCE_STYLE = "background:#ffc94d; font-weight:bold"
UNSUPPORTED_STYLE = "background:#ffe3e3; color:#8a1f11"


def highlight(text: str, sentences: list[str]) -> str:
    """Escaped `text` with each evidence sentence (matched across line wraps) marked more strongly."""
    spans = []
    for sentence in sentences:
        words = [re.escape(w) for w in sentence.split()]
        m = re.search(r"\s+".join(words), text) if words else None
        if m:
            spans.append((m.start(), m.end()))
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out += [html.escape(text[pos:start]), f"<span style='{EVIDENCE_STYLE}'>{html.escape(text[start:end])}</span>"]
        pos = end
    return "".join(out) + html.escape(text[pos:])


def lead_pieces(text: str) -> list[str]:
    """The stretches of source text a lead quotes: it joins an item's label and the sentence that answers with
    " … ", which stand apart in the file, so each is highlighted on its own."""
    return [piece for piece in text.removesuffix(" …").split(" … ") if piece.strip()]


def render_answer(message: dict) -> str:
    """One assistant message as HTML: the evidence first when the main claim failed, each sentence the
    check found unsupported marked, with the reason in its tooltip."""
    parts = []
    if message.get("lead"):
        parts.append(f"<p><b>{html.escape(message['lead'])}</b></p>")
        parts.append("<p style='color:#777'><i>The model answered (its main claim is not what your files say):</i></p>")
    checks = message.get("checks") or []
    if not checks:
        return "".join(parts) + f"<p style='white-space: pre-wrap'>{html.escape(message['content'])}</p>"
    sentences = []
    for c in checks:
        if c["supported"]:
            sentences.append(html.escape(c["sentence"]))
        else:
            sentences.append(f"<span style='{UNSUPPORTED_STYLE}' title='{html.escape(c.get('reason') or '')}'>"
                             f"⚠ {html.escape(c['sentence'])}</span>")
    return "".join(parts) + "<p>" + " ".join(sentences) + "</p>"


CHAT_LIST_MIN_WIDTH, CHAT_LIST_MAX_WIDTH = 160, 240


class SourcePreview(QDialog):
    """One cited chunk, highlighted inside its neighbours, with the file path, page and an 'Open file' button."""

    def __init__(self, source, context: tuple[str, str, str], parent: QWidget | None = None,
                 evidence: list[str] | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.setWindowTitle(f"Source [{source.n}] — {Path(source.path).name}")
        self.resize(720, 520)
        where = source.path + (f" — page {source.page}" if source.page else "") + \
            (f" — {source.heading}" if source.heading else "")
        self.where = QLabel(where)
        self.where.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.where.setWordWrap(True)
        before, chunk, after = context
        self.chunk_text = chunk
        self.evidence = [e for e in (evidence or []) if e]
        self.body = QTextBrowser()
        self.body.setHtml(
            f"<div style='white-space: pre-wrap'><span style='color:#777'>{html.escape(before)}</span>"
            f"<a name='hit'></a><span style='background:#fff3a8'>{highlight(chunk, self.evidence)}</span>"
            f"<span style='color:#777'>{html.escape(after)}</span></div>"
        )
        open_btn = QPushButton("Open file")
        open_btn.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(source.path)))
        lay = QVBoxLayout(self)
        lay.addWidget(self.where)
        lay.addWidget(self.body)
        lay.addWidget(open_btn, alignment=Qt.AlignRight)
        self.body.scrollToAnchor("hit")


class ChatPanel(QWidget):
    """Sends questions to the engine on the task runner and renders the stream; never blocks the window."""

    answer_finished = Signal(object)  # the engine's Answer (tests and the status bar listen)

    def __init__(self, runner: TaskRunner, on_error: Callable[[BaseException], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.on_error = runner, on_error
        self.ws = None
        self.chat = None
        self.task: Task | None = None
        self.stream_buffer = ""
        self._dirty = False
        self.chat_list = QListWidget()
        self.chat_list.currentItemChanged.connect(self._chat_selected)
        new_btn, ren_btn, del_btn = QPushButton("New"), QPushButton("Rename"), QPushButton("Delete")
        new_btn.clicked.connect(self.new_chat)
        ren_btn.clicked.connect(self.rename_chat)
        del_btn.clicked.connect(self.delete_chat)
        left = QWidget()
        left.setMinimumWidth(CHAT_LIST_MIN_WIDTH)
        left.setMaximumWidth(CHAT_LIST_MAX_WIDTH)
        ll = QVBoxLayout(left)
        ll.addWidget(QLabel("<b>Chats</b>"))
        ll.addWidget(self.chat_list)
        row = QGridLayout()  # New on its own row, so the narrow list never clips a label
        row.addWidget(new_btn, 0, 0, 1, 2)
        row.addWidget(ren_btn, 1, 0)
        row.addWidget(del_btn, 1, 1)
        ll.addLayout(row)

        self.transcript = QTextBrowser()
        self.transcript.setOpenExternalLinks(False)
        self.notice = QLabel("")
        self.notice.setStyleSheet("color: #8a4b00; font-weight: bold")
        self.notice.hide()
        self.chips = QWidget()
        self.chips_layout = QHBoxLayout(self.chips)
        self.chips_layout.setContentsMargins(0, 0, 0, 0)
        chips_scroll = QScrollArea()
        chips_scroll.setWidget(self.chips)
        chips_scroll.setWidgetResizable(True)
        chips_scroll.setFixedHeight(48)
        self.input = QPlainTextEdit(placeholderText="Ask about your files…  (Ctrl+Enter sends, Esc stops)")
        self.input.setFixedHeight(80)
        self.send_btn, self.stop_btn = QPushButton("Send"), QPushButton("Stop")
        self.send_btn.clicked.connect(self.send)
        self.stop_btn.clicked.connect(self.stop)
        self.stop_btn.setEnabled(False)
        self.send_btn.setEnabled(False)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.send)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.send)
        QShortcut(QKeySequence(Qt.Key_Escape), self, activated=self.stop)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.transcript)
        rl.addWidget(self.notice)
        rl.addWidget(chips_scroll)
        inrow = QHBoxLayout()
        inrow.addWidget(self.input)
        col = QVBoxLayout()
        col.addWidget(self.send_btn)
        col.addWidget(self.stop_btn)
        inrow.addLayout(col)
        rl.addLayout(inrow)
        self.split = split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setCollapsible(1, False)
        split.setSizes([CHAT_LIST_MIN_WIDTH, 10_000])  # the transcript takes what is left
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self._render_timer = QTimer(self, interval=60, timeout=self._render_if_dirty)
        self._render_timer.start()
        self.last_answer = None
        self.previews: list[SourcePreview] = []

    # -- chats ------------------------------------------------------------------------------------
    def set_workspace(self, ws) -> None:
        self.ws = ws
        self.send_btn.setEnabled(True)
        self._reload_list()

    def _reload_list(self, select: str | None = None) -> None:
        self.chat_list.blockSignals(True)
        self.chat_list.clear()
        for chat in self.ws.list_chats():
            item = QListWidgetItem(chat.title)
            item.setData(Qt.UserRole, chat.id)
            self.chat_list.addItem(item)
            if chat.id == select:
                self.chat_list.setCurrentItem(item)
        self.chat_list.blockSignals(False)

    def _chat_selected(self, item, _prev=None) -> None:
        if item is not None and self.task is None:
            self.chat = self.ws.get_chat(item.data(Qt.UserRole))
            self.stream_buffer = ""
            self._render()

    def new_chat(self) -> None:
        if self.ws is None:
            return
        self.chat = self.ws.new_chat()
        self._reload_list(self.chat.id)
        self._render()

    def rename_chat(self) -> None:
        if self.chat is None:
            return
        title, ok = QInputDialog.getText(self, "Rename chat", "Title:", text=self.chat.title)
        if ok and title.strip():
            self.chat = self.ws.rename_chat(self.chat.id, title)
            self._reload_list(self.chat.id)

    def delete_chat(self) -> None:
        if self.chat is not None and self.task is None:
            self.ws.delete_chat(self.chat.id)
            self.chat = None
            self._reload_list()
            self._render()

    # -- asking -----------------------------------------------------------------------------------
    def send(self) -> None:
        question = self.input.toPlainText().strip()
        if not question or self.ws is None or self.task is not None:
            return
        if self.chat is None:
            self.new_chat()
        self.input.clear()
        self.notice.hide()
        self._clear_chips()
        self.pending_question = question
        self.stream_buffer = ""
        self._dirty = True
        chat_id, ws = self.chat.id, self.ws

        def work(ctx):
            return ws.ask(question, chat_id, ctx.token, ctx.cancel)  # the turn is saved in the chat

        self.send_btn.setEnabled(False)
        self.stop_btn.setEnabled(True)
        self.task = self.runner.start(work, on_done=self._finished, on_failed=self._failed, on_token=self._token)

    def _token(self, text: str) -> None:
        self.stream_buffer += text
        self._dirty = True

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _finished(self, res) -> None:
        ans = res.answer
        self.task = None
        self.last_answer = ans
        self.send_btn.setEnabled(True)
        self.stop_btn.setEnabled(False)
        self.chat = res.chat
        self.stream_buffer = ""
        self._reload_list(self.chat.id)
        self._render()
        if ans.refused:
            self.notice.setText("Not found in your files — Hearth did not guess.")
            self.notice.show()
        cited = [s for s in ans.sources if s.n in ans.cited]
        others = [s for s in ans.sources if s.n not in ans.cited]
        for title, group in (("Cited:", cited), ("Also retrieved:" if cited else "Sources:", others)):
            if not group:
                continue
            self.chips_layout.addWidget(QLabel(title))
            for s in group:
                label = f"[{s.n}] {Path(s.path).name}" + (f" p.{s.page}" if s.page else "")
                chip = QPushButton(label)
                chip.setToolTip(s.path)
                chip.setStyleSheet("border-radius: 10px; padding: 3px 10px; background: #e8eefc"
                                   + ("; font-weight: bold" if s.n in ans.cited else ""))
                chip.clicked.connect(lambda _=False, s=s: self.open_source(s))
                self.chips_layout.addWidget(chip)
        self.chips_layout.addStretch(1)
        self.answer_finished.emit(ans)

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.send_btn.setEnabled(True)
        self.stop_btn.setEnabled(False)
        self.stream_buffer = ""
        self._render()
        self.on_error(exc)

    def open_source(self, source) -> SourcePreview:
        ans = self.last_answer
        evidence = []
        if ans is not None:
            evidence = [c.evidence for c in ans.checks if c.supported and c.source == source.n]
            if ans.lead is not None and ans.lead.source == source.n:
                evidence[:0] = lead_pieces(ans.lead.text)
        preview = SourcePreview(source, self.ws.source_context(source.path, source.chunk), self, evidence)
        self.previews.append(preview)
        preview.show()
        return preview

    def chip_buttons(self) -> list[QPushButton]:
        return [self.chips_layout.itemAt(i).widget() for i in range(self.chips_layout.count())
                if isinstance(self.chips_layout.itemAt(i).widget(), QPushButton)]

    def _clear_chips(self) -> None:
        while self.chips_layout.count():
            item = self.chips_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    # -- rendering ----------------------------------------------------------------------------------
    def _render_if_dirty(self) -> None:
        if self._dirty:
            self._render()

    def _render(self) -> None:
        self._dirty = False
        parts = []
        for m in (self.chat.messages if self.chat else []):
            if m["role"] == "user":
                parts.append(f"<p><b>You:</b> {html.escape(m['content'])}</p>")
            else:
                parts.append("<p><b>Hearth:</b></p>" + render_answer(m))
        if self.task is not None:
            parts.append(f"<p><b>You:</b> {html.escape(self.pending_question)}</p>")
            parts.append(f"<p><b>Hearth:</b> {html.escape(self.stream_buffer or '…')}</p>")
        self.transcript.setHtml("".join(parts))
        self.transcript.verticalScrollBar().setValue(self.transcript.verticalScrollBar().maximum())
        self._last_render = time.monotonic()
