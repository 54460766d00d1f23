"""A folder of bad input finishes with every bad file listed with a reason and every good file indexed."""

import os
import threading
import time

from indexer import parse_worker
from tests.conftest import search_paths, write
from tests.docmakers import make_docx


def test_bad_input_folder(tmp_path, make_indexer):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref")
    good_docx = make_docx(tmp_path / "full.docx", "Heading", ["A full document about tidal energy."])
    (d / "truncated.docx").write_bytes(good_docx.read_bytes()[:300])
    (d / "blob.txt").write_bytes(os.urandom(4096) + b"\x00" * 100)
    (d / "empty.txt").write_bytes(b"")
    (d / "invalid-utf8.txt").write_bytes("Valid start about marmots, ".encode() + b"\xff\xfe\xfa broken \xc3\x28 bytes")
    (d / "latin1.txt").write_bytes("Les marmottes hibernent en Savoie; l'été elles sifflent à l'approche des randonneurs.".encode("latin-1"))
    locked = write(d / "locked.txt", "you cannot read me")
    os.chmod(locked, 0)
    os.symlink(d / "loop-b", d / "loop-a")
    os.symlink(d / "loop-a", d / "loop-b")
    os.symlink(d, d / "dir-loop")  # a link back to the folder: never followed
    (d / "huge.txt").write_bytes(b"big line of text\n" * 80_000)  # ~1.3 MB, over the 1 MB limit below
    write(d / "good.md", "# Good\n\nKingfishers nest in burrows dug into river banks.")
    vanishing = write(d / "vanishing.txt", "this file disappears while the index runs")

    # Delete a file between the scan and its parse: wrap the pool so the file goes just before parsing starts.
    ix = make_indexer(max_file_mb=1)
    real_imap = ix.pool.imap

    def imap_after_delete(jobs, *rest):
        vanishing.unlink()
        return real_imap(jobs, *rest)

    ix.pool.imap = imap_after_delete
    r = ix.index_folders([d])

    listed = {os.path.basename(e["path"]): e["reason"] for e in r.errors + r.skipped}
    expected = {"corrupt.pdf": "PDF", "truncated.docx": "DOCX", "blob.txt": "binary", "empty.txt": "empty",
                "loop-a": "loop", "loop-b": "loop", "huge.txt": "limit", "vanishing.txt": "vanished"}
    if os.geteuid() != 0:  # root reads files whatever their mode
        expected["locked.txt"] = "permission"
    for name, word in expected.items():
        assert name in listed, f"{name} not listed: {listed}"
        assert word.lower() in listed[name].lower(), (name, listed[name])
    indexed = {os.path.basename(p) for p, rec in ix.store.file_records().items() if rec.status == "ok"}
    assert {"good.md", "latin1.txt", "invalid-utf8.txt"} <= indexed
    assert search_paths(ix, "kingfisher burrows", 1) == [str(d / "good.md")]
    assert "été elles sifflent" in " ".join(r["text"] for r in ix.store.chunk_rows(f"path = '{d / 'latin1.txt'}'", ["text"]))
    # the problems are kept in the index for `status`, and a second run does not retry unchanged bad files
    statuses = {os.path.basename(p): rec.status for p, rec in ix.store.file_records().items()}
    assert statuses["corrupt.pdf"] == "error" and statuses["empty.txt"] == "skipped"
    r2 = ix.index_folders([d])
    assert r2.files_indexed == 0 and {os.path.basename(e["path"]) for e in r2.errors} >= {"corrupt.pdf"}


def test_a_fifo_is_never_opened(tmp_path, make_indexer):
    """A named pipe blocks any reader forever; the scanner must skip it rather than hang the run."""
    d = tmp_path / "pipes"
    write(d / "otters.txt", "Otters hold hands while they sleep.")
    os.mkfifo(d / "pipe.txt")
    ix = make_indexer(parse_timeout_s=5)
    t0 = time.monotonic()
    ix.index_folders([d])
    assert time.monotonic() - t0 < 30
    records = ix.store.file_records()
    assert {os.path.basename(p): r.status for p, r in records.items()} == {"otters.txt": "ok", "pipe.txt": "error"}
    assert "named pipe" in records[str(d / "pipe.txt")].error


def test_pool_timeout_kills_the_worker(tmp_path):
    """The pool itself: a job that blocks is reported after the timeout and later jobs still complete."""
    from indexer.embedding import bundled_embedder_dir

    fifo = tmp_path / "block.txt"
    os.mkfifo(fifo)
    ok = write(tmp_path / "ok.txt", "Puffins return to the same burrow every year.")
    pool = parse_worker.ParsePool(str(bundled_embedder_dir() / "tokenizer.json"), workers=1, timeout_s=3)
    try:
        jobs = [parse_worker.ParseJob(str(p), 10**6, 200, 32) for p in (fifo, ok)]
        t0 = time.monotonic()
        results = list(pool.imap(jobs))
        assert time.monotonic() - t0 < 30
    finally:
        pool.close()
    (j1, r1), (j2, r2) = results
    assert r1.status == "error" and "longer than 3 s" in r1.reason
    assert r2.status == "ok" and "Puffins" in r2.chunks[0].text
    assert not [t for t in threading.enumerate() if "hearth" in t.name]
