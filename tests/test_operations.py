"""The operations layer on fakes (fast tier): every user action as one Workspace call, typed results,
progress and cancel, the model choice saved at once, and no config object changed behind a caller's back."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from common.errors import Cancelled, ConfigError, ModelNotFound
from tests.conftest import write
from tests.fakes import fake_gguf


def make_docs(root: Path, n: int = 3) -> Path:
    for i in range(n):
        write(root / f"note{i}.md", f"# Note {i}\n\nThe kestrel number {i} hovers above meadow {i * 7}. "
              + "It watches the long grass for voles and mice, then drops like a stone when one moves. " * 2)
    write(root / "otters.txt", "River otters juggle pebbles when they are bored.")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return root


def test_add_folder_indexes_it_and_status_lists_folders_files_and_problems(workspace, tmp_path):
    docs = make_docs(tmp_path / "docs")
    seen = []
    report = workspace.add_folder(docs, on_progress=lambda d, t, m: seen.append((d, t)))
    assert report.files_indexed == 4 and [e["path"] for e in report.errors] == [str(docs / "broken.pdf")]
    assert seen and seen[-1][0] == seen[-1][1] == 5  # progress reached the total
    status = workspace.status()
    assert status.files == {"ok": 4, "error": 1} and status.chunks >= 4
    [folder] = status.folders
    assert (folder.path, folder.state, folder.files, folder.problems) == (str(docs), "watching", 4, 1)
    assert [(p.path, p.status) for p in status.problems] == [(str(docs / "broken.pdf"), "error")]
    assert "PDF" in status.problems[0].reason
    assert json.loads(json.dumps(status.to_json()))["folders"][0]["path"] == str(docs)


def test_search_pause_resume_and_remove_folder(workspace, tmp_path):
    docs = make_docs(tmp_path / "docs")
    workspace.add_folder(docs)
    assert workspace.search("otters juggle pebbles", 3)[0].path == str(docs / "otters.txt")
    workspace.pause_folder(docs)
    assert workspace.folders()[0].state == "paused"
    workspace.pause_folder(docs, paused=False)
    assert workspace.folders()[0].state == "watching"
    with pytest.raises(ConfigError, match="not a watched folder"):
        workspace.pause_folder(tmp_path / "elsewhere")
    assert workspace.remove_folder(docs) == 5
    assert workspace.folders() == [] and workspace.status().chunks == 0


def test_index_cancel_keeps_what_was_written_and_raises_with_the_report(workspace, tmp_path):
    docs = tmp_path / "many"
    for i in range(30):
        write(docs / f"f{i:02}.txt", f"Distinct file {i} about the number {i * 13}.")
    cancel = threading.Event()

    def progress(done, total, message):
        if done >= 5:
            cancel.set()

    with pytest.raises(Cancelled) as exc:
        workspace.index([str(docs)], progress, cancel)
    kept = exc.value.report.files_indexed
    assert 5 <= kept < 30 and workspace.status().files["ok"] == kept
    assert workspace.index([str(docs)]).files_indexed == 30 - kept  # the rest, nothing twice


def test_index_a_missing_path_is_a_clear_error(workspace, tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        workspace.index([str(tmp_path / "nope")])


def test_ask_in_a_chat_saves_the_turn_and_uses_the_history(workspace, fake_generator, tmp_path):
    workspace.add_folder(make_docs(tmp_path / "docs"))
    workspace.engine.cfg.condense = False  # the Engine's own copy; the workspace's config is not shared
    res = workspace.ask("What do river otters juggle?", chat="new")
    assert not res.answer.refused and res.answer.cited == [1]
    assert Path(res.answer.sources[0].path).name == "otters.txt"
    chat = workspace.get_chat(res.chat.id)
    assert [m["role"] for m in chat.messages] == ["user", "assistant"] and chat.title.startswith("What do river")
    assert res.to_json()["chat"] == chat.id
    workspace.ask("And when they are bored?", chat=chat.id)
    assert "What do river otters juggle?" in fake_generator.prompts[-1]  # the history reached the model
    assert workspace.engine.cfg is not workspace.cfg.engine


def test_ask_refuses_without_the_model_when_nothing_is_relevant(workspace, fake_generator, tmp_path):
    workspace.add_folder(make_docs(tmp_path / "docs"))
    res = workspace.ask("zebra quantum harpsichord")
    assert res.answer.refused and fake_generator.calls == 0 and res.chat is None


def test_chats_rename_and_delete(workspace):
    chat = workspace.new_chat()
    assert workspace.rename_chat(chat.id, "  Birds  ").title == "Birds"
    with pytest.raises(ConfigError):
        workspace.rename_chat(chat.id, " ")
    workspace.delete_chat(chat.id)
    assert workspace.list_chats() == []


def test_model_choice_is_saved_at_once_and_no_config_is_mutated(tmp_path, fake_embedder):
    from operations import Workspace
    from operations.config import load_config

    cfg = load_config(str(tmp_path / "data"))
    ws = Workspace(cfg, embedder=fake_embedder)
    other = fake_gguf(tmp_path / "elsewhere" / "mine.gguf")
    ws.use_model(str(other))
    assert cfg.engine.model == "" and ws.chosen_model == str(other)  # the caller's object is untouched
    assert load_config(str(tmp_path / "data")).engine.model == str(other)  # saved without opening Settings
    with pytest.raises(ModelNotFound):
        ws.use_model(str(tmp_path / "missing.gguf"))
    assert load_config(str(tmp_path / "data")).engine.model == str(other)  # a refused choice changes nothing
    ws.save_settings(engine={"top_k": 9})  # Settings keeps the model chosen in the toolbar
    again = load_config(str(tmp_path / "data"))
    assert again.engine.model == str(other) and again.engine.top_k == 9
    ws.close()


def test_models_list_add_use_remove(workspace, tmp_path):
    from engine.models import BUNDLED_LABEL

    added = fake_gguf(tmp_path / "elsewhere" / "mine.gguf")
    export = fake_gguf(workspace.data.models_dir / "facts.gguf")
    (workspace.data.models_dir / "facts.json").write_text(json.dumps(
        {"hearth.method": "lora", "hearth.base_file": "gemma.gguf", "exports": [{"kind": "Q8_0", "gain_kept": 0.9}]}))
    workspace.add_model(added)
    models = workspace.models()
    assert [m.label for m in models] == [BUNDLED_LABEL, "mine.gguf", "facts (fine-tune)"]
    assert models[2].fine_tune and models[2].summary == "Fine-tune (lora) of gemma.gguf; Q8_0 keeps 90%"
    assert workspace.chosen_model == str(added)
    workspace.remove_model("mine.gguf")  # forgets it (the file elsewhere stays) and falls back to the bundled one
    assert added.exists() and workspace.chosen_model == ""
    workspace.remove_model("facts")
    assert not export.exists() and not (workspace.data.models_dir / "facts.json").exists()
    with pytest.raises(ModelNotFound):
        workspace.remove_model("gemma-3-270m-q4_k_m")
    with pytest.raises(ModelNotFound, match="not a GGUF"):
        workspace.add_model(write(tmp_path / "notes.gguf", "plain text"))


def test_make_dataset_writes_pairs_from_the_index(workspace, fake_generator, tmp_path):
    workspace.add_folder(make_docs(tmp_path / "docs"))
    fake_generator.reply = lambda prompt: " What hovers above the meadow?\nAnswer: The kestrel hovers."
    res = workspace.make_dataset(n=3)
    lines = Path(res.path).read_text().splitlines()
    assert res.examples == len(lines) == 1  # the same question is written once
    assert json.loads(lines[0])["prompt"] == "What hovers above the meadow?"


def test_generate_eval_then_evaluate(workspace, fake_generator, tmp_path):
    docs = make_docs(tmp_path / "docs")
    workspace.add_folder(docs)
    fake_generator.reply = lambda prompt: "kestrel hovers above meadow"
    queries = tmp_path / "q.jsonl"
    assert workspace.generate_eval(3, queries) == 3
    write(queries, json.dumps({"query": "otters juggle pebbles", "relevant": ["otters.txt"]}) + "\n")
    report = workspace.evaluate(queries, k=3)
    assert report.queries == 1 and report.hit_rate == 1.0 and report.mrr10 == 1.0
