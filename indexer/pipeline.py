"""The indexing flow: scan → diff → parse (worker processes) → chunk → embed (batched) → store.

`Indexer.index_folders` reconciles whole folders (first index, start-up, `index` command);
`Indexer.sync_paths` brings a handful of changed paths up to date (the watcher). Both share `_apply`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from common.foreground import Foreground
from common.paths import DataDir
from indexer.chunking import embed_text
from indexer.config import IndexConfig
from indexer.embedders import AnyEmbedder, load_embedder, resolve_kind
from indexer.embedding import embedder_dir, tokenizer_file
from common.errors import Cancelled
from common.progress import CancelFlag, ProgressFn, check_cancel, no_progress
from indexer.folders import Folder, load_folders, normalize, owner
from indexer.ignore import IgnoreRules
from indexer.lock import WriteLock
from indexer.parse_worker import ParseJob, ParsePool, ParseResult, hash_file
from indexer.scanning import FileStat, ScanProblem, scan, stat_file
from indexer.store import FileRecord, Store, chunk_id, stored_vector_kind

log = logging.getLogger(__name__)

COPY_BATCH = 256  # chunks embedded per step when an index is copied with another embedder
SYNC_FILTER_MAX_PATHS = 64  # up to this many changed paths, sync_paths reads only their rows of the files table

@dataclass
class IndexReport:
    """What one run did. `chunks_added` counts newly embedded chunks; `chunks_reused` kept their vectors."""

    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    files_moved: int = 0
    chunks_added: int = 0
    chunks_reused: int = 0
    errors: list[dict] = field(default_factory=list)  # {path, reason}: supported files that failed
    skipped: list[dict] = field(default_factory=list)  # {path, reason}: unsupported, binary, empty, too large
    cancelled: bool = False
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def embedding_dim(model_dir: Path) -> int:
    """The output width of a sentence-transformers folder, read from its config (no model load)."""
    modules = json.loads((model_dir / "modules.json").read_text()) if (model_dir / "modules.json").exists() else []
    dim = None
    for m in modules:
        cfg = model_dir / m.get("path", "") / "config.json"
        if m.get("type", "").endswith("Dense") and cfg.exists():
            dim = json.loads(cfg.read_text())["out_features"]
        elif m.get("type", "").endswith("Pooling") and cfg.exists() and dim is None:
            values = json.loads(cfg.read_text())
            dim = values.get("word_embedding_dimension") or values.get("embedding_dimension")
    if dim is None:
        dim = json.loads((model_dir / "config.json").read_text())["hidden_size"]
    return int(dim)


def _row(stat: FileStat | ScanProblem, status: str, reason: str = "", *, file_hash: str = "", file_type: str = "",
         n_chunks: int = 0, size: int | None = None, mtime_ns: int | None = None) -> dict:
    return {
        "path": stat.path, "folder": stat.folder,
        "size": size if size is not None else getattr(stat, "size", 0),
        "mtime_ns": mtime_ns if mtime_ns is not None else getattr(stat, "mtime_ns", 0),
        "file_hash": file_hash, "file_type": file_type, "n_chunks": n_chunks, "status": status,
        "error": reason, "indexed_at": time.time(),
    }


@dataclass
class _Batch:
    files: list[tuple[FileStat, ParseResult]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # status rows of files without chunks
    n_chunks: int = 0
    started: float = field(default_factory=time.monotonic)


class Indexer:
    """Owns the store, the parse pool and (loaded on first need) the embedder. One writer at a time."""

    def __init__(self, cfg: IndexConfig, data: DataDir, embedder: AnyEmbedder | None = None,
                 on_wait: Callable[[str], None] | None = None, foreground: Foreground | None = None) -> None:
        """`on_wait` hears when another Hearth process is writing this index and this one waits its turn.
        Embedding steps aside while `foreground` is busy (an answer is being made in this process)."""
        self.cfg = cfg
        self.foreground = foreground or Foreground()
        self.data = data.ensure()
        self.model_dir = embedder.model_dir if embedder else embedder_dir(cfg.embed_model)
        self._embedder = embedder
        self.vector_kind = embedder.kind if embedder else \
            resolve_kind(cfg.embed_backend, stored_vector_kind(data.index_dir), self.model_dir, cfg.device)
        dim = embedder.dim if embedder else embedding_dim(self.model_dir)
        self._pool: ParsePool | None = None
        self._embed_lock = threading.Lock()
        # One writer per index: threads of this process take turns, other processes wait (indexer/lock.py).
        # Opening (tables may be created) and the repair write too, so they hold it as well. While another
        # process writes an index that exists, this one opens it to read at once (`hearth ask` while the app
        # indexes) and repairs it before its own first write.
        self.write_lock = WriteLock(data.index_dir / "write.lock", cfg.lock_timeout_s, on_wait)
        model_id = f"{self.model_dir.parent.name}/{self.model_dir.name}:{dim}"
        with self.write_lock.hold_if_free() as free:
            waits = not free and not Store.exists(data.index_dir)  # the other process may be creating the tables
            with self.write_lock.hold() if waits else nullcontext():
                self.store = Store(data.index_dir, dim, model_id, cfg.optimize_every_writes, self.vector_kind)
                self._repair_pending = not (free or waits)
                if not self._repair_pending:
                    self.store.repair()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock, repairing first if this process opened the index while another one wrote."""
        with self.write_lock.hold():
            if self._repair_pending:
                self.store.repair()
                self._repair_pending = False
            yield

    # -- resources ---------------------------------------------------------------------------------
    @property
    def embedder(self) -> AnyEmbedder:
        with self._embed_lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.model_dir, self.vector_kind, self.data, self.cfg.device,
                                               self.cfg.embed_batch_size)
            return self._embedder

    @property
    def pool(self) -> ParsePool:
        if self._pool is None:
            self._pool = ParsePool(
                str(tokenizer_file(self.model_dir)), self.cfg.parse_workers, self.cfg.parse_timeout_s
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def folders(self) -> list[Folder]:
        return load_folders(self.data.folders_file)

    def rules(self, root: str) -> IgnoreRules:
        return IgnoreRules(Path(root), tuple(self.cfg.ignore), self.cfg.use_gitignore)

    # -- whole folders -----------------------------------------------------------------------------
    def index_folders(self, roots: Iterable[str | os.PathLike], on_progress: ProgressFn = no_progress,
                      cancel: threading.Event | None = None) -> IndexReport:
        """Bring these folders (or single files) fully up to date. A missing folder keeps its index."""
        t0 = time.perf_counter()
        with self.writing():
            records = self.store.file_records()
            candidates: list[FileStat] = []
            problems: list[ScanProblem] = []
            removed: list[str] = []
            for root in (normalize(r) for r in roots):
                if os.path.isfile(root):
                    st = stat_file(root, os.path.dirname(root))
                    if isinstance(st, FileStat):
                        candidates.append(st)
                    elif st is not None:
                        problems.append(st)
                    continue
                if not os.path.isdir(root):
                    log.warning("folder %s is not reachable; its index is kept until it returns", root)
                    continue
                on_progress(0, 0, f"scanning {root}")
                files, probs = scan(Path(root), root, self.rules(root))
                candidates += files
                problems += probs
                seen = {f.path for f in files} | {p.path for p in probs}
                removed += [p for p, r in records.items() if r.folder == root and p not in seen]
            report = self._apply(candidates, problems, removed, records, on_progress, cancel)
        report.seconds = time.perf_counter() - t0
        return report

    # -- a few changed paths (watcher) -------------------------------------------------------------
    def sync_paths(self, paths: Iterable[str], on_progress: ProgressFn = no_progress,
                   cancel: threading.Event | None = None) -> IndexReport:
        """Re-check just these paths (files or folders, existing or gone) against the index."""
        t0 = time.perf_counter()
        folders = self.folders()
        changed = sorted({normalize(p) for p in paths})
        with self.writing():
            # A few paths read only their own rows; a burst (a checkout, an unpacked archive) reads them all.
            records = self.store.file_records(changed if len(changed) <= SYNC_FILTER_MAX_PATHS else None)
            candidates: dict[str, FileStat] = {}
            problems: dict[str, ScanProblem] = {}
            removed: set[str] = set()
            for path in changed:
                f = owner(folders, path)
                if f is None or not os.path.isdir(f.path):
                    continue  # outside every watched folder, or the folder itself is unplugged
                rules = self.rules(f.path)
                if os.path.isdir(path) and not os.path.islink(path):
                    if path != f.path and rules.ignored(Path(path), is_dir=True):
                        continue
                    files, probs = scan(Path(path), f.path, rules)
                    candidates.update((x.path, x) for x in files)
                    problems.update((x.path, x) for x in probs)
                    prefix = path.rstrip(os.sep) + os.sep
                    removed.update(p for p in records if p.startswith(prefix) and p not in candidates and p not in problems)
                elif os.path.lexists(path):
                    if rules.ignored(Path(path), is_dir=False):
                        continue
                    st = stat_file(path, f.path)
                    if isinstance(st, FileStat):
                        candidates[path] = st
                    elif st is not None:
                        problems[path] = st
                else:
                    if path in records:
                        removed.add(path)
                    else:  # maybe a folder that was deleted or renamed away
                        prefix = path.rstrip(os.sep) + os.sep
                        removed.update(p for p in records if p.startswith(prefix))
            removed -= set(candidates) | set(problems)
            report = self._apply(list(candidates.values()), list(problems.values()), sorted(removed), records,
                                 on_progress, cancel)
        report.seconds = time.perf_counter() - t0
        return report

    def summary(self, records: dict[str, FileRecord] | None = None) -> dict[str, dict[str, int]]:
        """Per watched folder: files indexed, chunks, and files with problems (for status displays).
        `records`: the files table when the caller has already read it."""
        out: dict[str, dict[str, int]] = {f.path: {"files": 0, "chunks": 0, "problems": 0} for f in self.folders()}
        for r in (records if records is not None else self.store.file_records()).values():
            row = out.setdefault(r.folder, {"files": 0, "chunks": 0, "problems": 0})
            if r.status == "ok":
                row["files"] += 1
                row["chunks"] += r.n_chunks
            else:
                row["problems"] += 1
        return out

    def problems(self, records: dict[str, FileRecord] | None = None) -> list[dict]:
        """Files that failed or were skipped, with their reasons."""
        records = records if records is not None else self.store.file_records()
        return sorted(({"path": r.path, "status": r.status, "reason": r.error}
                       for r in records.values() if r.status != "ok"), key=lambda p: p["path"])

    def retry(self, paths: Iterable[str], on_progress: ProgressFn = no_progress,
              cancel: CancelFlag | None = None) -> IndexReport:
        """Try failed files again even though they did not change."""
        with self.writing():
            paths = list(paths)
            self.store.remove(paths)
            return self.sync_paths(paths, on_progress, cancel)

    def copy_with(self, embedder: AnyEmbedder, target: Path, on_progress: ProgressFn = no_progress,
                  cancel: CancelFlag | None = None) -> Store:
        """A new index in `target` with every chunk and file row of this one and vectors from `embedder`; nothing
        is parsed again. This index keeps answering meanwhile; writes to it wait until the copy is done."""
        with self.writing():
            files = [asdict(r) for r in self.store.file_records().values()]
            columns = [f.name for f in self.store.chunks.schema if f.name != "vector"]
            rows = self.store.chunk_rows(columns=columns)
            texts: dict[str, str] = {}
            for r in rows:
                texts.setdefault(r["chunk_hash"], embed_text(r["text"], r["heading"]))
            vectors: dict[str, np.ndarray] = {}
            keys = list(texts)
            pause = partial(self.foreground.wait_while_busy, cancel)  # while an answer is made; a cancel ends it
            for i in range(0, len(keys), COPY_BATCH):
                check_cancel(cancel, "Cancelled; the index still uses the embedder it had.")
                part = keys[i : i + COPY_BATCH]
                vectors.update(zip(part, embedder.embed([texts[k] for k in part], pause)))
                on_progress(min(i + COPY_BATCH, len(keys)), len(keys), "embedding the index again")
            store = Store(target, embedder.dim, f"{embedder.model_dir.parent.name}/{embedder.model_dir.name}:{embedder.dim}",
                          self.cfg.optimize_every_writes, embedder.kind)
            store.commit([{**r, "vector": vectors[r["chunk_hash"]]} for r in rows], files)
            store.optimize(force=True)
            return store

    def remove_folder(self, root: str) -> int:
        """Forget everything indexed under a folder."""
        with self.writing():
            paths = [p for p, r in self.store.file_records().items() if r.folder == normalize(root)]
            self.store.remove(paths)
            self.store.optimize(force=True)
            return len(paths)

    # -- the shared flow ---------------------------------------------------------------------------
    def _apply(self, candidates: list[FileStat], problems: list[ScanProblem], removed: list[str],
               records: dict[str, FileRecord], on_progress: ProgressFn, cancel: threading.Event | None) -> IndexReport:
        report = IndexReport(files_seen=len(candidates) + len(problems))
        batch = _Batch()
        for p in problems:
            report.errors.append({"path": p.path, "reason": p.reason})
            r = records.get(p.path)
            if not (r and r.status == "error" and r.error == p.reason):
                batch.rows.append(_row(p, "error", p.reason))

        to_parse: list[FileStat] = []
        for f in candidates:
            r = records.get(f.path)
            if r and r.size == f.size and r.mtime_ns == f.mtime_ns:
                report.files_unchanged += 1
                if r.status != "ok":  # still listed, but not retried while the file is unchanged
                    (report.errors if r.status == "error" else report.skipped).append({"path": f.path, "reason": r.error})
            else:
                to_parse.append(f)

        removed = list(removed)
        if removed:
            to_parse = self._apply_moves(to_parse, removed, records, report)

        total = len(to_parse)
        stats = {f.path: f for f in to_parse}
        jobs = []
        for f in to_parse:
            if f.size > self.cfg.max_file_bytes:
                reason = f"larger than the {self.cfg.max_file_mb:g} MB limit per file"
                report.skipped.append({"path": f.path, "reason": reason})
                batch.rows.append(_row(f, "skipped", reason))
            else:
                jobs.append(ParseJob(f.path, self.cfg.max_file_bytes, self.cfg.chunk_tokens, self.cfg.chunk_overlap,
                                     self.cfg.ocr))
        done = total - len(jobs)
        on_progress(done, total, "parsing")
        try:
            def ocr_page(path: str, page: int, pages: int) -> None:
                on_progress(done, total, f"OCR page {page}/{pages}: {os.path.basename(path)}")

            for job, res in (self.pool.imap(jobs, ocr_page) if jobs else ()):
                # While an answer is made, stop taking results too: the parse worker then idles once it is a
                # window of files ahead, instead of sharing the cores with the answer.
                self.foreground.wait_while_busy(cancel)
                done += 1
                stat = stats[job.path]
                rec = records.get(job.path)
                if res.status == "ok" and rec and rec.status == "ok" and rec.file_hash == res.file_hash:
                    report.files_unchanged += 1  # touched, not changed
                    batch.rows.append(_row(stat, "ok", file_hash=rec.file_hash, file_type=rec.file_type,
                                           n_chunks=rec.n_chunks, size=res.size, mtime_ns=res.mtime_ns))
                elif res.status == "ok":
                    batch.files.append((stat, res))
                    batch.n_chunks += len(res.chunks)
                else:
                    (report.errors if res.status == "error" else report.skipped).append(
                        {"path": job.path, "reason": res.reason})
                    batch.rows.append(_row(stat, res.status, res.reason, file_hash=res.file_hash,
                                           size=res.size or stat.size, mtime_ns=res.mtime_ns or stat.mtime_ns))
                if (batch.n_chunks >= self.cfg.write_batch_chunks or len(batch.rows) + len(batch.files) >= self.cfg.write_batch_files
                        or time.monotonic() - batch.started > self.cfg.write_batch_seconds):
                    on_progress(done, total, f"embedding {batch.n_chunks} chunks")
                    self._flush(batch, report, cancel)
                    batch = _Batch()
                on_progress(done, total, job.path)
                if cancel is not None and cancel.is_set():
                    report.cancelled = True
                    break
        finally:
            self._flush(batch, report, cancel)  # whatever was parsed is kept, even on cancel or error
        if removed and not report.cancelled:
            self.store.remove(removed)
            report.files_removed += len(removed)
        self.store.optimize()
        self.store.ensure_indexes()
        if report.cancelled:
            raise Cancelled("Indexing was cancelled; everything indexed so far is kept.", report)
        return report

    def _apply_moves(self, to_parse: list[FileStat], removed: list[str], records: dict[str, FileRecord],
                     report: IndexReport) -> list[FileStat]:
        """A new path whose bytes equal a vanished file's is a rename: move its rows, embed nothing."""
        gone = {records[p].file_hash: p for p in removed if records[p].status == "ok" and records[p].file_hash}
        if not gone:
            return to_parse
        rest = []
        for f in to_parse:
            if f.path in records:
                rest.append(f)
                continue
            try:
                h, size, mtime_ns = hash_file(f.path)
            except OSError:
                rest.append(f)
                continue
            old = gone.pop(h, None)
            if old is None:
                rest.append(f)
                continue
            rec = records[old]
            row = _row(f, "ok", file_hash=h, file_type=rec.file_type, n_chunks=rec.n_chunks, size=size,
                       mtime_ns=mtime_ns)
            report.chunks_reused += self.store.move(old, f.path, f.folder, row)
            report.files_moved += 1
            removed.remove(old)
        return rest

    def _flush(self, batch: _Batch, report: IndexReport, cancel: CancelFlag | None = None) -> None:
        """Embed what is new in the batch, reuse every vector already stored, and commit in one go. A cancel
        stops only the waiting for an answer: what was parsed is still embedded and kept."""
        if not batch.files and not batch.rows:
            return
        hashes = [c.hash for _, res in batch.files for c in res.chunks]
        known = self.store.vectors_for(hashes) if hashes else {}
        todo: dict[str, str] = {}
        for _, res in batch.files:
            for c in res.chunks:
                if c.hash not in known:
                    todo.setdefault(c.hash, c.embed_text)
        if todo:
            # Between runs of the model, indexing waits while an answer is being made in this process.
            vectors = self.embedder.embed(list(todo.values()), partial(self.foreground.wait_while_busy, cancel))
            known.update(zip(todo.keys(), vectors))
        chunk_rows, file_rows = [], list(batch.rows)
        for stat, res in batch.files:
            for c in res.chunks:
                chunk_rows.append({
                    "id": chunk_id(stat.path, res.file_hash, c.chunk_no), "path": stat.path, "folder": stat.folder,
                    "file_hash": res.file_hash, "chunk_no": c.chunk_no, "chunk_hash": c.hash, "text": c.text,
                    "vector": known[c.hash], "start": c.start, "end": c.end, "page": c.page, "heading": c.heading,
                    "file_type": res.file_type, "mtime_ns": res.mtime_ns,
                })
            file_rows.append(_row(stat, "ok", file_hash=res.file_hash, file_type=res.file_type,
                                  n_chunks=len(res.chunks), size=res.size, mtime_ns=res.mtime_ns))
        self.store.commit(chunk_rows, file_rows)
        report.files_indexed += len(batch.files)
        report.chunks_added += len(todo)
        report.chunks_reused += len(chunk_rows) - len(todo)
