"""The desktop window, offscreen, on the real models: folders, streaming chat, sources, stop, errors, close."""

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import write

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "docs"


@pytest.fixture(scope="session")
def chat_model(tmp_path_factory):
    from engine.models import bundled_model_path
    from common.paths import resolve_data_dir

    return str(bundled_model_path(resolve_data_dir(tmp_path_factory.mktemp("gguf")).ensure()))


@pytest.fixture(autouse=True)
def own_settings(tmp_path):
    """Window geometry and splitters go to a temp folder, not to the person's own settings."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, str(tmp_path / "qsettings"))
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def window(qtbot, tmp_path, chat_model):
    from gui.main_window import MainWindow
    from operations import Workspace
    from operations.config import load_config

    cfg = load_config(str(tmp_path / "data"), engine={"model": chat_model, "n_ctx": 2048, "max_answer_tokens": 48})
    w = MainWindow(Workspace(cfg, long_lived=True), offer_sample=False)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.ready, timeout=120_000):
        w.start()
    yield w
    if w.is_ready:
        w.close()


def folder_row(w, path):
    t = w.folders.table
    for r in range(t.rowCount()):
        if t.item(r, 0) and t.item(r, 0).text() == str(path):
            return {t.horizontalHeaderItem(c).text(): t.item(r, c).text() for c in range(t.columnCount())}
    return None


def test_add_folder_shows_progress_and_counts(window, qtbot, tmp_path):
    # With no folders the start-up reconcile reports nothing; the panel must still leave its start-up text.
    assert window.folders.status.text() == "Watching for changes"
    assert window.folders.progress.format() == "Up to date"
    docs = tmp_path / "docs"
    for i in range(6):
        write(docs / f"n{i}.md", f"# Note {i}\n\nThe heron number {i} waits by the pond at dawn.")
    window.folders.add(str(docs))
    qtbot.waitUntil(lambda: (folder_row(window, docs) or {}).get("Files") == "6", timeout=60_000)
    assert window.folders.progress.value() == window.folders.progress.maximum()
    row = folder_row(window, docs)
    assert row["State"] == "watching" and int(row["Chunks"]) >= 6 and row["Problems"] == "0"


def test_ask_streams_and_sources_open_on_the_right_chunk(window, qtbot):
    window.folders.add(str(SAMPLE))
    qtbot.waitUntil(lambda: (folder_row(window, SAMPLE) or {}).get("Files") == "5", timeout=60_000)
    tokens = []
    window.chat.input.setPlainText("How long does the bulk rise of the sourdough take?")
    with qtbot.waitSignal(window.chat.answer_finished, timeout=120_000) as sig:
        window.chat.send()
        window.chat.task.token.connect(tokens.append)
    ans = sig.args[0]
    assert tokens and not ans.refused
    chips = window.chat.chip_buttons()
    assert chips and chips[0].text().startswith("[1] sourdough-bread.md")
    qtbot.mouseClick(chips[0], __import__("PySide6.QtCore").QtCore.Qt.LeftButton)
    preview = window.chat.previews[-1]
    stored = window.ws.indexer.store.chunk_rows(
        f"path = '{ans.sources[0].path}' AND chunk_no = {ans.sources[0].chunk}", ["text"])[0]["text"]
    assert preview.chunk_text == stored and str(SAMPLE / "sourdough-bread.md") in preview.where.text()
    assert "**Hearth:**" in window.chat.transcript.toMarkdown() or "Hearth:" in window.chat.transcript.toPlainText()
    assert window.ws.list_chats()[0].messages[1]["content"] == ans.answer  # persisted


def test_stop_cancels_and_refusal_is_visible(window, qtbot):
    window.folders.add(str(SAMPLE))
    qtbot.waitUntil(lambda: (folder_row(window, SAMPLE) or {}).get("Files") == "5", timeout=60_000)
    window.chat.input.setPlainText("How do I fix a puncture?")
    with qtbot.waitSignal(window.chat.answer_finished, timeout=120_000) as sig:
        window.chat.send()
        window.chat.task.token.connect(lambda t: window.chat.stop())
    assert sig.args[0].cancelled
    assert window.chat.send_btn.isEnabled() and not window.chat.stop_btn.isEnabled()
    window.chat.input.setPlainText("What is the orbital period of Neptune?")
    with qtbot.waitSignal(window.chat.answer_finished, timeout=120_000) as sig:
        window.chat.send()
    assert sig.args[0].refused and window.chat.notice.isVisible() and "Not found" in window.chat.notice.text()


def test_bad_file_listed_with_reason(window, qtbot, tmp_path):
    docs = tmp_path / "mixed"
    write(docs / "fine.txt", "A perfectly readable note about lighthouses.")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a real pdf")
    window.folders.add(str(docs))
    qtbot.waitUntil(lambda: (folder_row(window, docs) or {}).get("Problems") == "1", timeout=60_000)
    window.folders.show_problems()
    qtbot.waitUntil(lambda: hasattr(window.folders, "problems_dialog"), timeout=10_000)
    rows = window.folders.problems_dialog.shown_rows()
    assert rows[0][0] == str(docs / "broken.pdf")
    assert "PDF" in rows[0][2]


def test_close_leaves_no_thread_running(window, qtbot):
    window.folders.add(str(SAMPLE))
    window.close()
    assert not window.is_ready and window.runner.pool.activeThreadCount() == 0
    assert not [t for t in threading.enumerate() if t.name.startswith("hearth-")]


def test_training_panel_trains_exports_and_switches_the_chat_model(window, qtbot, tmp_path):
    """The panel drives the real fine-tune; 'Use this model' puts the export into the chat's model picker."""
    import json

    data = tmp_path / "facts.jsonl"
    data.write_text("\n".join(json.dumps({"prompt": f"What is the code of locker {i}?", "completion": f"Locker {i} opens with {i}{i}{i}."})
                              for i in range(8)))
    panel = window.training
    panel.dataset.setText(str(data))
    panel.name.setText("lockers")
    panel.epochs.setValue(1)
    panel.quant.setCurrentText("none")
    reports = []
    panel.start()
    panel.task.report.connect(reports.append)
    qtbot.waitUntil(lambda: panel.result is not None or panel.task is None, timeout=600_000)
    assert panel.result is not None, panel.summary.text()
    assert reports and len(panel.curve.losses) == len(reports)
    assert panel.use_btn.isEnabled() and "lockers.gguf" in panel.summary.text()
    qtbot.mouseClick(panel.use_btn, __import__("PySide6.QtCore").QtCore.Qt.LeftButton)
    assert window.model_box.currentData() == panel.result.model_path
    assert window.model_box.currentText() == "lockers (fine-tune)"
    assert "Fine-tune (lora)" in window.model_box.itemData(window.model_box.currentIndex(), Qt.ToolTipRole)
    qtbot.waitUntil(lambda: window.ws.engine._generator is not None, timeout=120_000)
    assert str(window.ws.engine.generator.model_path) == panel.result.model_path


def test_model_list_is_the_cli_list_and_a_toolbar_choice_survives_a_restart(window, qtbot, tmp_path, chat_model):
    """The picker shows exactly `models list`; a model picked in the toolbar is still picked after a restart."""
    import json
    import shutil
    import subprocess
    import sys

    from operations import Workspace

    other = tmp_path / "elsewhere" / "copy.gguf"
    other.parent.mkdir()
    shutil.copyfile(chat_model, other)
    window.ws.add_model(other)  # what "Add model…" does after its file dialog
    window._fill_models()
    window.use_model(chat_model)
    index = window.model_box.findData(str(other))
    window.model_box.setCurrentIndex(index)
    window.model_box.activated.emit(index)  # a person picking it in the toolbar
    qtbot.waitUntil(lambda: window.ws.engine._generator is not None, timeout=120_000)
    root = window.ws.data.root
    window.close()

    p = subprocess.run([sys.executable, "main.py", "models", "list", "--json", "--data-dir", str(root)],
                       capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=120)
    listed = json.loads(p.stdout)
    shown = [(window.model_box.itemText(i), window.model_box.itemData(i)) for i in range(window.model_box.count())]
    assert [(m["label"], m["path"]) for m in listed] == shown
    assert [m["path"] for m in listed if m["chosen"]] == [str(other)]
    assert Workspace.open(root).chosen_model == str(other)  # what the next start reads


def test_the_transcript_gets_the_width_and_the_layout_survives_a_restart(window, qtbot):
    from gui.main_window import MainWindow

    qtbot.waitExposed(window)
    chat_list, transcript = window.chat.split.sizes()
    assert transcript > 2 * chat_list, (chat_list, transcript)
    screen = window.screen().availableGeometry()
    assert window.width() >= min(900, screen.width()) and window.width() <= screen.width()
    window.split.setSizes([300, window.width() - 300])
    window.chat.split.setSizes([200, transcript])
    saved = (window.split.sizes()[0], window.chat.split.sizes()[0])
    ws = window.ws
    window.close()
    again = MainWindow(ws, offer_sample=False)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.split.sizes()[0], again.chat.split.sizes()[0]) == saved
    again.runner.shutdown()


def test_unsupported_sentences_are_marked_and_the_evidence_leads():
    from gui.chat_panel import highlight, lead_pieces, render_answer

    html = render_answer({"content": "It rises for 12 hours [1]. Bake it [1].", "lead": "Your files say: «four to six hours» [1]",
                          "checks": [{"sentence": "It rises for 12 hours [1].", "supported": False, "reason": "12"},
                                     {"sentence": "Bake it [1].", "supported": True}]})
    assert html.index("Your files say") < html.index("It rises")
    assert "⚠ It rises for 12 hours [1].</span>" in html and "⚠ Bake" not in html
    marked = highlight("The bulk rise takes four to\nsix hours. Then shape.", ["The bulk rise takes four to six hours."])
    assert "font-weight:bold'>The bulk rise takes four to\nsix hours.</span> Then shape." in marked
    # a lead joins an item's label and its answering sentence, which stand apart in the file: both are marked
    page = "-u, --unused\n  Print unused direct dependencies.\n  A long note.\n  (Since glibc 2.3.4.)"
    marked = highlight(page, lead_pieces("-u, --unused … (Since glibc 2.3.4.) …"))
    assert marked.count("font-weight:bold") == 2 and "(Since glibc 2.3.4.)</span>" in marked, marked
