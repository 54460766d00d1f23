"""With the watcher running, changes on disk reach search within seconds; a burst ends in the right state."""

import os
import time

from indexer.folders import add_folder
from indexer.watcher import Debouncer, FolderWatcher
from tests.conftest import search_paths, write


def wait_until(cond, timeout=20.0, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def settled(w: FolderWatcher, ix, timeout=60.0):
    """Wait for the watcher to go idle, then give late events one more debounce period."""
    assert wait_until(w.idle, timeout)
    time.sleep(ix.cfg.debounce_s * 3)
    assert wait_until(w.idle, timeout)


def test_debouncer_coalesces_a_burst():
    import threading

    d = Debouncer(quiet_s=0.2, max_wait_s=5)
    for i in range(1000):
        d.add(f"/x/{i % 10}")
    stop = threading.Event()
    batch = d.wait_batch(stop)
    assert batch == {f"/x/{i}" for i in range(10)}
    d.done()
    assert d.idle()


def test_watch_create_edit_rename_delete(tmp_path, data_dir, make_indexer):
    docs = tmp_path / "docs"
    write(docs / "start.txt", "Existing file about beekeeping and honey harvests.")
    add_folder(data_dir.folders_file, docs)
    ix = make_indexer(debounce_s=0.3)
    w = FolderWatcher(ix, poll_s=0.5)
    w.start()
    try:
        assert search_paths(ix, "beekeeping honey", 1) == [str(docs / "start.txt")]  # start-up reconcile

        new = write(docs / "new.md", "# Trains\n\nThe night train to Vienna leaves at 21:40 from platform 7.")
        assert wait_until(lambda: search_paths(ix, "night train to Vienna", 1) == [str(new)], 15)

        # editor-style save: write a temp file, rename it over the original
        tmp = docs / ".new.md.swp"
        tmp.write_text("# Trains\n\nThe ferry to Helsinki departs at dawn from the west harbour.")
        os.replace(tmp, new)
        assert wait_until(lambda: "ferry to Helsinki" in " ".join(
            r["text"] for r in ix.store.chunk_rows(f"path = '{new}'", ["text"])), 15)
        settled(w, ix)
        assert "Vienna" not in " ".join(r["text"] for r in ix.store.chunk_rows(f"path = '{new}'", ["text"]))

        calls = ix.embedder.calls
        moved = docs / "sub" / "moved.md"
        moved.parent.mkdir()
        os.rename(new, moved)
        assert wait_until(lambda: str(moved) in ix.store.file_records(), 15)
        settled(w, ix)
        assert ix.embedder.calls == calls, "a rename embedded something"  # (queries embed too: none above)
        assert str(new) not in ix.store.file_records()
        assert search_paths(ix, "ferry to Helsinki", 1) == [str(moved)]

        (docs / "start.txt").unlink()
        assert wait_until(lambda: str(docs / "start.txt") not in ix.store.file_records(), 15)
        settled(w, ix)  # the file's row goes first and its chunks right after (store.remove's crash-safe order)
        assert str(docs / "start.txt") not in search_paths(ix, "beekeeping honey", 5)

        # a whole folder renamed away and back in
        os.rename(docs / "sub", tmp_path / "outside")
        assert wait_until(lambda: str(moved) not in ix.store.file_records(), 15)
    finally:
        w.stop()


def test_burst_of_500_changes_ends_in_the_right_state(tmp_path, data_dir, make_indexer):
    docs = tmp_path / "burst"
    docs.mkdir()
    add_folder(data_dir.folders_file, docs)
    ix = make_indexer(debounce_s=0.3)
    w = FolderWatcher(ix, poll_s=0.5)
    w.start()
    try:
        for i in range(300):
            write(docs / f"f{i:03}.txt", f"Note number {i} about the colour {i * 7 % 13} and shape {i % 5}.")
        for i in range(0, 300, 3):
            write(docs / f"f{i:03}.txt", f"Edited note {i}: completely new content about tide tables {i}.")
        for i in range(1, 300, 3):
            (docs / f"f{i:03}.txt").unlink()  # 300 creates + 100 edits + 100 deletes = 500 changes
        settled(w, ix, timeout=120)
    finally:
        w.stop()
    on_disk = sorted(str(p) for p in docs.iterdir())
    records = ix.store.file_records()
    assert sorted(records) == on_disk and len(on_disk) == 200
    texts = {r["path"]: r["text"] for r in ix.store.chunk_rows(columns=["path", "text"])}
    assert len(texts) == 200
    for i in range(0, 300, 3):
        assert texts[str(docs / f"f{i:03}.txt")].startswith(f"Edited note {i}:")
    assert ix.store.chunk_count() == 200
