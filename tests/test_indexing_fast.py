"""Indexing, crash repair and watching through the Workspace on the fake embedder (fast tier). The same
behaviours on the real MiniLM, and with real SIGKILLs, are in test_indexing, test_crash_safety, test_watcher."""

import os
import time

from tests.conftest import write
from tests.test_watcher import wait_until


def paths(ws, query, k=3):
    return [h.path for h in ws.search(query, k, hybrid=False)]


def test_edit_rename_delete_and_a_no_op_reindex(workspace, fake_embedder, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "a.md", "Puffins nest in burrows on grassy cliffs.")
    write(docs / "b.md", "Gannets dive into the sea from great heights.")
    workspace.add_folder(docs)
    assert paths(workspace, "puffins burrows cliffs")[0] == str(docs / "a.md")

    calls = fake_embedder.calls
    r = workspace.index()
    assert (r.files_unchanged, r.files_indexed, fake_embedder.calls) == (2, 0, calls)  # nothing re-embedded

    write(docs / "a.md", "Razorbills lay one egg on a bare ledge.")
    os.rename(docs / "b.md", docs / "renamed.md")
    r = workspace.index()
    assert (r.files_indexed, r.files_moved) == (1, 1) and fake_embedder.calls == calls + 1  # the rename: 0
    assert paths(workspace, "razorbills egg ledge")[0] == str(docs / "a.md")
    assert paths(workspace, "gannets dive sea")[0] == str(docs / "renamed.md")

    (docs / "a.md").unlink()
    assert workspace.index().files_removed == 1
    assert str(docs / "a.md") not in paths(workspace, "razorbills egg ledge", 5)


def test_a_kill_between_chunks_and_commit_record_is_repaired_without_re_embedding(workspace, fake_embedder,
                                                                                tmp_path):
    from indexer.store import chunk_id

    docs = tmp_path / "docs"
    for i in range(4):
        write(docs / f"n{i}.md", f"Note {i}: the tide table for harbour {i} changes weekly.")
    workspace.add_folder(docs)
    store = workspace.indexer.store
    before = store.chunk_count()
    # What a kill after writing a new version's chunks, before its `files` row, leaves behind:
    orphan = dict(store.chunk_rows(columns=None)[0], file_hash="not-committed", chunk_no=99)
    orphan["id"] = chunk_id(orphan["path"], "not-committed", 99)
    store.commit([orphan], [])
    assert store.chunk_count() == before + 1
    workspace.close()

    from operations import Workspace

    reopened = Workspace(workspace.cfg, embedder=fake_embedder)  # the next start
    try:
        assert reopened.indexer.store.chunk_count() == before
        calls = fake_embedder.calls
        assert reopened.index().files_unchanged == 4 and fake_embedder.calls == calls
    finally:
        reopened.close()


def test_the_watcher_brings_changes_into_search(workspace, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "old.md", "Lichen grows slowly on north facing stones.")
    workspace.add_folder(docs)
    reports = []
    watcher = workspace.start_watching(reports.append)
    try:
        write(docs / "new.md", "Mayflies live for a single day as adults.")
        assert wait_until(lambda: paths(workspace, "mayflies single day")[:1] == [str(docs / "new.md")])
        (docs / "old.md").unlink()
        assert wait_until(lambda: str(docs / "old.md") not in paths(workspace, "lichen stones", 5))
        assert wait_until(watcher.idle) and reports
    finally:
        workspace.stop_watching()


def test_lost_events_are_caught_by_the_periodic_reconcile_and_after_an_inotify_overflow(tmp_path, fake_embedder,
                                                                                         fake_generator, monkeypatch):
    """Events the kernel dropped never reach the handler; the watcher still finds the change without a restart."""
    import logging

    from indexer import watcher as watcher_module
    from operations import Workspace

    monkeypatch.setattr(watcher_module._Handler, "on_any_event", lambda self, event: None)  # every event is lost
    docs = tmp_path / "docs"
    write(docs / "old.md", "Lichen grows slowly on north facing stones.")
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.toml").write_text("[index]\nreconcile_every_s = 3\n")
    ws = Workspace.open(data, embedder=fake_embedder, generator=fake_generator)
    try:
        ws.add_folder(docs)
        ws.start_watching()
        write(docs / "new.md", "Mayflies live for a single day as adults.")
        assert wait_until(lambda: paths(ws, "mayflies single day")[:1] == [str(docs / "new.md")], timeout=20)
        ws.stop_watching()
        ws.indexer.cfg.reconcile_every_s = 0  # no periodic pass now: only the overflow can bring the next change
        ws.start_watching()
        write(docs / "late.md", "Puffins nest in burrows on grassy cliff tops.")
        time.sleep(4)
        assert str(docs / "late.md") not in paths(ws, "puffins burrows cliff", 5)
        logging.getLogger(watcher_module.OVERFLOW_LOGGER).warning("Inotify queue overflowed; filesystem events were lost")
        assert wait_until(lambda: paths(ws, "puffins burrows cliff")[:1] == [str(docs / "late.md")], timeout=20)
    finally:
        ws.close()


def test_the_files_rows_of_a_few_paths_are_read_without_the_rest(workspace, tmp_path):
    docs = tmp_path / "docs"
    for name in ("b/one.md", "b/two.md", "bc.md", "o'k/three.md", "other.md"):
        write(docs / name, f"Notes about {name}.")
    workspace.add_folder(docs)
    store = workspace.indexer.store
    every = store.file_records()
    some = store.file_records([str(docs / "b"), str(docs / "o'k"), str(docs / "other.md"), str(docs / "gone.md")])
    assert sorted(some) == sorted(str(docs / n) for n in ("b/one.md", "b/two.md", "o'k/three.md", "other.md"))
    assert all(some[p] == every[p] for p in some)  # "bc.md" shares the prefix "b" but is not under b/
    assert store.file_records([]) == {}
