"""The bottom layer (fast tier): versioned formats with recorded migrations, atomic writes."""

import json
from pathlib import Path

import pytest

from common import atomic
from common.errors import FormatError
from common.formats import Format, Migration


def test_a_legacy_file_is_migrated_recorded_and_rewritten(tmp_path):
    fmt = Format("hearth.test", (Migration("0001_wrap", lambda old: {"items": old}),
                                 Migration("0002_count", lambda d: {**d, "count": len(d["items"])})))
    f = tmp_path / "t.json"
    f.write_text(json.dumps(["a", "b"]))  # what an older Hearth wrote: no envelope
    assert fmt.load(f) == {"items": ["a", "b"], "count": 2}
    doc = json.loads(f.read_text())
    assert doc["version"] == 2 and doc["migrations"] == ["0001_wrap", "0002_count"]
    assert fmt.load(f) == {"items": ["a", "b"], "count": 2}  # loading again migrates nothing


def test_a_newer_or_foreign_file_is_refused_and_left_alone(tmp_path):
    fmt = Format("hearth.test", (Migration("0001_wrap", lambda old: {"items": old}),))
    f = tmp_path / "t.json"
    newer = json.dumps({"format": "hearth.test", "version": 7, "data": {}})
    f.write_text(newer)
    with pytest.raises(FormatError, match="newer Hearth"):
        fmt.load(f)
    assert f.read_text() == newer
    f.write_text(json.dumps({"format": "hearth.other", "version": 1, "data": {}}))
    with pytest.raises(FormatError, match="hearth.other"):
        fmt.load(f)
    f.write_text("{broken")
    with pytest.raises(FormatError, match="damaged"):
        fmt.load(f)


def test_folders_and_chats_of_the_first_version_still_open(tmp_path):
    from engine.chats import ChatStore
    from indexer.folders import load_folders

    folders = tmp_path / "folders.json"
    folders.write_text(json.dumps([{"path": "/home/me/notes", "paused": True}]))
    assert [(f.path, f.paused) for f in load_folders(folders)] == [("/home/me/notes", True)]
    assert json.loads(folders.read_text())["migrations"] == ["0001_folders_under_a_key"]

    chats = tmp_path / "chats"
    chats.mkdir()
    (chats / "abc123.json").write_text(json.dumps({"id": "abc123", "title": "Old", "created": 1.0, "messages": [
        {"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}))
    chat = ChatStore(chats).get("abc123")
    assert chat.messages[1]["sources"] == [] and chat.messages[1]["refused"] is False
    assert json.loads((chats / "abc123.json").read_text())["format"] == "hearth.chat"


def test_models_registry_of_the_first_version_still_opens(tmp_path):
    from common.paths import DataDir
    from engine.models import registered_paths

    data = DataDir(tmp_path).ensure()
    data.models_registry.write_text(json.dumps(["/models/a.gguf"]))  # the app's bare list
    assert registered_paths(data) == ["/models/a.gguf"]


def test_an_atomic_write_that_fails_leaves_the_old_file(tmp_path):
    target = atomic.write_text(tmp_path / "config.toml", "old = 1\n")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            Path(tmp).write_text("half of the new")
            raise RuntimeError("killed mid-write")
    assert target.read_text() == "old = 1\n" and list(tmp_path.iterdir()) == [target]
    atomic.write_json(target, {"new": 2})
    assert json.loads(target.read_text()) == {"new": 2} and list(tmp_path.iterdir()) == [target]


def test_place_file_links_or_copies_atomically(tmp_path):
    src = atomic.write_bytes(tmp_path / "export.gguf", b"GGUF....")
    dst = atomic.place_file(src, tmp_path / "models" / "mine.gguf")
    assert dst.read_bytes() == b"GGUF...." and not list((tmp_path / "models").glob("*.partial"))


def test_folders_added_at_once_are_all_kept(tmp_path):
    """Two "add folder" tasks run on the app's thread pool at the same time (found by `make screenshots`)."""
    import threading

    from indexer.folders import add_folder, load_folders

    file = tmp_path / "folders.json"
    paths = [tmp_path / f"f{i}" for i in range(12)]
    for p in paths:
        p.mkdir()
    start = threading.Barrier(len(paths))

    def add(p):
        start.wait()
        add_folder(file, p)

    threads = [threading.Thread(target=add, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(f.path for f in load_folders(file)) == sorted(str(p) for p in paths)
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["folders.json"]
