"""Work a person is waiting on goes first: background indexing steps aside while an answer is being made.

On two cores, llama.cpp and ONNX Runtime each keep a pool of spinning threads; run together they share the cores
and an answer takes several times longer (docs/benchmarks.md, "Answering while the same process indexes"). The
answer engine marks itself busy for the length of an answer; while it is, the indexer waits before each run of the
embedding model and takes no more parse results. Given a marker file in the data dir, the same holds across
processes: an answer holds a shared lock on it, and indexing in another process (the app while `hearth ask` runs,
or `hearth index` while the app answers) waits as long as anyone does.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from common.file_lock import open_lock_file, try_lock, unlock
from common.progress import CancelFlag

# An answer that never ends (a stuck stream) must not stop indexing for good: past this, indexing goes on.
MAX_STEP_ASIDE_S = 120.0
_CANCEL_POLL_S = 0.25
_OTHERS_POLL_S = 0.1  # another process's answer ending cannot wake a waiter here; it is polled for
_MARK_TRIES = 20  # taking the shared lock can fail while a waiter's probe holds it for a moment


class Foreground:
    """Counts the foreground jobs under way; background work calls `wait_while_busy` between its units.

    `marker` (a file in the data dir) makes the count visible to other Hearth processes on the same data dir."""

    def __init__(self, marker: Path | None = None) -> None:
        self._busy = 0
        self._idle = threading.Condition()
        self.marker = marker
        self._held_fd: int | None = None  # our shared lock on the marker while we answer
        self._probe_fd: int | None = None
        self._probe_lock = threading.Lock()

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark foreground work under way for the length of the block (nested and concurrent blocks count)."""
        with self._idle:
            self._busy += 1
            if self._busy == 1:
                self._mark()
        try:
            yield
        finally:
            with self._idle:
                self._busy -= 1
                if not self._busy:
                    self._unmark()
                    self._idle.notify_all()

    @property
    def is_busy(self) -> bool:
        """Whether an answer is under way here or in another process on the same data dir."""
        return self._busy > 0 or self._others_busy()

    def wait_while_busy(self, cancel: CancelFlag | None = None, limit_s: float = MAX_STEP_ASIDE_S) -> float:
        """Block while foreground work runs (at most `limit_s`, or until `cancel` is set); returns seconds waited."""
        if not self._busy and not self._others_busy():  # the common case, without the lock
            return 0.0
        t0 = time.monotonic()
        with self._idle:
            while not (cancel is not None and cancel.is_set()):
                here = self._busy > 0
                if not here and not self._others_busy():
                    break
                left = limit_s - (time.monotonic() - t0)
                if left <= 0:
                    break
                self._idle.wait(min(left, _CANCEL_POLL_S if here else _OTHERS_POLL_S))
        return time.monotonic() - t0

    def close(self) -> None:
        """Let go of the marker file (the Workspace closes it with the rest)."""
        with self._probe_lock:
            if self._probe_fd is not None:
                os.close(self._probe_fd)
                self._probe_fd = None

    def _mark(self) -> None:
        """Hold a shared lock on the marker (best effort: an answer never waits for it or fails on it)."""
        if self.marker is None:
            return
        try:
            fd = open_lock_file(self.marker)
        except OSError:
            return
        for _ in range(_MARK_TRIES):
            if try_lock(fd, shared=True):
                self._held_fd = fd
                return
            time.sleep(0.001)
        os.close(fd)

    def _unmark(self) -> None:
        if self._held_fd is not None:
            unlock(self._held_fd)
            os.close(self._held_fd)
            self._held_fd = None

    def _others_busy(self) -> bool:
        """Whether another process (or another Foreground on the same marker) holds the marker: our exclusive
        probe fails then. Our own shared lock also fails it, which callers rule out by checking `_busy` first."""
        if self.marker is None:
            return False
        with self._probe_lock:
            if self._probe_fd is None:
                try:
                    self._probe_fd = open_lock_file(self.marker)
                except OSError:
                    return False
            if try_lock(self._probe_fd):
                unlock(self._probe_fd)
                return False
            return True
