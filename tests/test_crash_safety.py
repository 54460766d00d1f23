"""SIGKILL an indexing process at random moments; every restart repairs the index without re-embedding."""

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from common.paths import resolve_data_dir
from tests.conftest import write

ROOT = Path(__file__).resolve().parent.parent


N_FILES = 150  # about 8 s of indexing with the default (ONNX int8) embedder on two cores


def _corpus(folder: Path, n: int = N_FILES) -> None:
    rng = random.Random(7)
    words = "river stone lantern harbour meadow copper violet engine willow signal orchard ember".split()
    for i in range(n):
        paras = [" ".join(rng.choice(words) for _ in range(60)) + f" Document {i} paragraph {j}." for j in range(4)]
        write(folder / f"d{i:03}.md", f"# Note {i}\n\n" + "\n\n".join(paras))


def _snapshot(store) -> list[tuple[str, str]]:
    return sorted((r["path"], r["text"]) for r in store.chunk_rows(columns=["path", "text"]))


def test_sigkill_at_random_moments(tmp_path, make_indexer, embedder):
    folder = tmp_path / "corpus"
    _corpus(folder)
    data = resolve_data_dir(tmp_path / "data").ensure()
    data.config_file.write_text("[index]\nwrite_batch_chunks = 24\n")
    rng = random.Random(1234)
    kills = 0
    for delay in sorted(rng.uniform(1.5, 4.5) for _ in range(3)):  # the process starts in about a second
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "index", str(folder), "--json", "--data-dir", str(data.root)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 1, "the indexer finished before any kill; make the corpus larger"

    from indexer.config import IndexConfig
    from indexer.pipeline import Indexer

    ix = Indexer(IndexConfig(write_batch_chunks=24), data, embedder)  # repairs on open
    try:
        rows = ix.store.chunk_rows(columns=["path", "chunk_no", "file_hash"])
        assert len(rows) == len({(r["path"], r["chunk_no"]) for r in rows}), "duplicate chunks after repair"
        committed = {p: rec for p, rec in ix.store.file_records().items() if rec.status == "ok"}
        committed_chunks = sum(rec.n_chunks for rec in committed.values())
        assert len(rows) == committed_chunks, "chunks without a commit record survived repair"
        calls = embedder.calls
        r = ix.index_folders([folder])
        assert r.files_unchanged == len(committed)
        assert r.files_indexed == N_FILES - len(committed)
        total_chunks = ix.store.chunk_count()
        assert r.chunks_added == total_chunks - committed_chunks == embedder.calls - calls
        after = _snapshot(ix.store)
    finally:
        ix.close()

    clean = make_indexer()
    clean.index_folders([folder])
    assert after == _snapshot(clean.store)


def test_ctrl_c_stops_cleanly_and_keeps_what_was_written(tmp_path, make_indexer, embedder):
    folder = tmp_path / "corpus"
    _corpus(folder, 80)
    data = resolve_data_dir(tmp_path / "data").ensure()
    data.config_file.write_text("[index]\nwrite_batch_chunks = 24\n")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "index", str(folder), "--json", "--data-dir", str(data.root)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    # wait until some files are committed, then press Ctrl-C
    from indexer.config import IndexConfig
    from indexer.store import Store

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
        meta = data.index_dir / "meta.json"
        if meta.exists():
            try:
                recorded = json.loads(meta.read_text())
                if Store(data.index_dir, 384, recorded["embed_model"], vectors=recorded["vectors"]).files.count_rows():
                    break
            except Exception:
                pass
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    report = json.loads(out)
    assert report["cancelled"] is True and 0 < report["files_indexed"] < 80
    from indexer.pipeline import Indexer

    ix = Indexer(IndexConfig(), data, embedder)
    try:
        assert len([r for r in ix.store.file_records().values() if r.status == "ok"]) == report["files_indexed"]
        r = ix.index_folders([folder])
        assert r.files_unchanged == report["files_indexed"] and r.files_indexed == 80 - report["files_indexed"]
    finally:
        ix.close()
