"""Parsing and chunking in worker processes, so a pathological file can be stopped and the embedder never waits.

The pool hands results back in submission order. A file that takes longer than the timeout has its worker
process terminated (threads cannot be killed), is reported as an error, and the rest carries on.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing as mp
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from indexer.errors import ParseFailed, SkipFile

log = logging.getLogger(__name__)

PageFn = Callable[[str, int, int], None]

_COUNTER = None  # the tokenizer of this worker process
_PAGES = None  # this worker's end of the pool's OCR page queue
PAGE_POLL_S = 0.25  # how often the pool looks for OCR page news while a file is being parsed


@dataclass
class ParseJob:
    path: str
    max_bytes: int
    max_tokens: int
    overlap: int
    ocr: bool = True  # read images and scanned PDF pages with OCR


@dataclass
class ParseResult:
    status: str  # ok | skipped | error
    reason: str = ""
    file_hash: str = ""
    file_type: str = ""
    size: int = 0
    mtime_ns: int = 0
    chunks: list = field(default_factory=list)  # indexer.chunking.Chunk


def _init_worker(tokenizer_json: str, pages=None) -> None:
    global _COUNTER, _PAGES
    from indexer.chunking import HFTokenCounter

    _COUNTER = HFTokenCounter(tokenizer_json)
    _PAGES = pages


def _report_page(path: str, page: int, pages: int) -> None:
    if _PAGES is not None:
        _PAGES.put((path, page, pages))


def hash_file(path: str) -> tuple[str, int, int]:
    """Content hash plus the size and mtime seen when it was read."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest(), st.st_size, st.st_mtime_ns


def parse_and_chunk(job: ParseJob) -> ParseResult:
    """Runs in a worker: hash, parse and chunk one file. Never raises for a bad file."""
    from pathlib import Path

    from indexer.chunking import chunk_blocks
    from indexer.parsers import ocr, parse_path

    ocr.configure(job.ocr, _report_page)
    try:
        file_hash, size, mtime_ns = hash_file(job.path)
    except FileNotFoundError:
        return ParseResult("error", "vanished before it could be read")
    except PermissionError:
        return ParseResult("error", "permission denied: Hearth cannot read this file")
    except OSError as exc:
        return ParseResult("error", f"could not read the file: {exc.strerror or exc}")
    meta = dict(file_hash=file_hash, size=size, mtime_ns=mtime_ns)
    if size > job.max_bytes:
        return ParseResult("skipped", f"larger than the {job.max_bytes // (1024 * 1024)} MB limit per file", **meta)
    try:
        doc = parse_path(Path(job.path))
        chunks = chunk_blocks(doc.blocks, _COUNTER, job.max_tokens, job.overlap)
    except SkipFile as exc:
        return ParseResult("skipped", str(exc), **meta)
    except ParseFailed as exc:
        return ParseResult("error", str(exc), **meta)
    except MemoryError:
        return ParseResult("error", "ran out of memory while reading this file", **meta)
    return ParseResult("ok", "", file_type=doc.file_type, chunks=chunks, **meta)


class ParsePool:
    """A small spawn-context process pool with a per-file timeout and ordered results."""

    def __init__(self, tokenizer_json: str, workers: int = 1, timeout_s: float = 60.0, window: int = 64) -> None:
        self._ctx = mp.get_context("spawn")  # fork after torch has started threads is unsafe
        self._tokenizer_json = tokenizer_json
        self._workers = workers
        self.timeout_s = timeout_s
        self._window = window
        self._pool = None
        self._pages = None  # OCR page news from the workers; a new queue with each pool
        self._lock = threading.Lock()

    def _ensure(self):
        if self._pool is None:
            self._pages = self._ctx.SimpleQueue()
            self._pool = self._ctx.Pool(self._workers, initializer=_init_worker,
                                        initargs=(self._tokenizer_json, self._pages))
        return self._pool

    def _wait(self, handle, on_page: PageFn | None) -> ParseResult:
        """The result within the timeout, passing on OCR page news meanwhile; raises mp.TimeoutError."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                result = handle.get(min(PAGE_POLL_S, max(deadline - time.monotonic(), 0.0)))
            except mp.TimeoutError:
                self._drain_pages(on_page)
                if time.monotonic() >= deadline:
                    raise
            else:
                self._drain_pages(on_page)  # pages of a file read faster than one poll
                return result

    def _drain_pages(self, on_page: PageFn | None) -> None:
        while self._pages is not None and not self._pages.empty():
            news = self._pages.get()
            if on_page is not None:
                on_page(*news)

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        self._ensure()

    def imap(self, jobs: Iterable[ParseJob], on_page: PageFn | None = None) -> Iterator[tuple[ParseJob, ParseResult]]:
        """Parse jobs in parallel, yielding (job, result) in the jobs' order. `on_page(path, page, pages)` hears
        about each page OCR starts on, while the file is still being parsed."""
        with self._lock:
            it = iter(jobs)
            pending: deque = deque()

            def submit(job: ParseJob) -> None:
                pending.append((job, self._ensure().apply_async(parse_and_chunk, (job,))))

            def fill() -> None:
                while len(pending) < self._window:
                    job = next(it, None)
                    if job is None:
                        return
                    submit(job)

            try:
                fill()
                while pending:
                    job, handle = pending[0]
                    try:
                        result = self._wait(handle, on_page)
                    except mp.TimeoutError:
                        log.warning("parse timeout after %.0fs: %s", self.timeout_s, job.path)
                        result = ParseResult("error", f"parsing took longer than {self.timeout_s:.0f} s and was stopped")
                        rest = [j for j, _ in list(pending)[1:]]
                        pending.clear()
                        self.close()
                        for j in rest:
                            submit(j)
                        pending.appendleft((job, None))
                    except Exception as exc:  # the worker died (e.g. killed by the OS)
                        result = ParseResult("error", f"the parser crashed on this file ({type(exc).__name__})")
                    pending.popleft()
                    yield job, result
                    fill()
            finally:
                if pending:  # abandoned (cancel): stop work nobody will collect
                    self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            self._pages = None  # a worker killed mid-put may hold its lock
