"""Two Hearth processes on one data dir: writes take turns, a waiter says why, the index stays consistent."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.lock import IndexBusy, WriteLock
from tests.conftest import write

ROOT = Path(__file__).resolve().parent.parent
HOLD = """
import sys, time
sys.path.insert(0, {root!r})
from indexer.lock import WriteLock
with WriteLock({path!r}).hold():
    print("held", flush=True)
    time.sleep({seconds})
"""


def hold_elsewhere(path: Path, seconds: float) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD.format(root=str(ROOT), path=str(path), seconds=seconds)],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_a_second_writer_waits_and_says_why(tmp_path):
    lock_file = tmp_path / "index" / "write.lock"
    other = hold_elsewhere(lock_file, 1.0)
    told = []
    t0 = time.monotonic()
    with WriteLock(lock_file, on_wait=told.append).hold():
        waited = time.monotonic() - t0
    other.wait()
    assert waited >= 0.5 and told and "pid" in told[0] and "waiting" in told[0]


def test_a_writer_that_cannot_wait_longer_gets_a_clear_error(tmp_path):
    lock_file = tmp_path / "index" / "write.lock"
    other = hold_elsewhere(lock_file, 120.0)  # far longer than the wait, however slow a loaded machine is
    try:
        with pytest.raises(IndexBusy, match="still being written by pid"):
            with WriteLock(lock_file, timeout_s=0.5, on_wait=lambda m: None).hold():
                pass
    finally:
        other.kill()  # a killed holder's lock goes with it
        other.wait()
    lock = WriteLock(lock_file)
    with lock.hold(), lock.hold():  # re-entrant in one process
        pass


INDEX_WITH_FAKES = """
import sys
sys.path.insert(0, {root!r})
from common.paths import resolve_data_dir
from indexer.config import IndexConfig
from indexer.pipeline import Indexer
from tests.fakes import WordEmbedder
ix = Indexer(IndexConfig(write_batch_chunks=16), resolve_data_dir({data!r}), WordEmbedder(),
             on_wait=lambda m: print(m, file=sys.stderr, flush=True))
print(ix.index_folders([{folder!r}]).files_indexed)
ix.close()
"""


def test_two_indexers_on_one_data_dir_end_with_a_consistent_index(tmp_path):
    """Two real processes (the fake embedder keeps them quick) index two folders into one data dir at once."""
    data = tmp_path / "data"
    folders = []
    for name in ("a", "b"):
        folder = tmp_path / name
        for i in range(60):
            write(folder / f"{name}{i:02}.md", f"# {name} {i}\n\n" + f"Note {i} of folder {name} about tides. " * 40)
        folders.append(folder)
    procs = [subprocess.Popen([sys.executable, "-c", INDEX_WITH_FAKES.format(root=str(ROOT), data=str(data),
                                                                              folder=str(f))],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in folders]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-1500:] for _, err in results]
    assert [int(out) for out, _ in results] == [60, 60]
    assert any("waiting for it to finish" in err for _, err in results)  # one of them had to take turns

    from common.paths import resolve_data_dir
    from indexer.config import IndexConfig
    from indexer.pipeline import Indexer
    from tests.fakes import WordEmbedder

    ix = Indexer(IndexConfig(), resolve_data_dir(data), WordEmbedder())  # its repair must find nothing to drop
    try:
        records = ix.store.file_records()
        assert len(records) == 120 and all(r.status == "ok" for r in records.values())
        assert ix.store.chunk_count() == sum(r.n_chunks for r in records.values())
        assert ix.store.repair() == 0
    finally:
        ix.close()


def test_a_reader_opens_the_index_at_once_while_another_process_writes_and_repairs_before_writing(tmp_path):
    """`hearth ask` while the app indexes: opening does not wait for the app's run; a write still takes its turn,
    after the repair the opening skipped."""
    from common.paths import resolve_data_dir
    from indexer.config import IndexConfig
    from indexer.pipeline import Indexer
    from tests.fakes import WordEmbedder

    data = resolve_data_dir(tmp_path / "data")
    for name in ("tides", "harbour"):
        write(tmp_path / "docs" / f"{name}.md", f"# {name}\n\nNotes on the {name} of the bay at dusk.")
    ix = Indexer(IndexConfig(), data, WordEmbedder())
    ix.index_folders([tmp_path / "docs"])
    ix.store.files.delete(f"path = '{tmp_path / 'docs' / 'harbour.md'}'")  # its chunks are orphans, as a crash leaves
    orphaned = ix.store.chunk_count()
    ix.close()

    other = hold_elsewhere(data.index_dir / "write.lock", 120.0)  # the app, through a whole indexing run
    try:
        t0 = time.monotonic()
        reader = Indexer(IndexConfig(lock_timeout_s=1.0), data, WordEmbedder(), on_wait=lambda m: None)
        assert time.monotonic() - t0 < 1.0 and reader.store.chunk_count() == orphaned  # opened, nothing repaired
        with pytest.raises(IndexBusy):
            reader.index_folders([tmp_path / "docs"])  # a write waits its turn
    finally:
        other.kill()
        other.wait()
    try:
        reader.index_folders([tmp_path / "docs"])
        records = reader.store.file_records()
        assert len(records) == 2 and reader.store.chunk_count() == sum(r.n_chunks for r in records.values())
        assert reader.store.repair() == 0
    finally:
        reader.close()
