"""One writer per index across processes (the app and `hearth index` on the same data dir).

Writes to the index and the start-up repair hold an advisory lock on `index/write.lock`. Without it, the
repair of a second process could drop the chunks the first one wrote but has not committed yet. The lock is
held per write, not per process, so the app and a command interleave; a waiter says why it waits.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from common.errors import HearthError
from common.file_lock import open_lock_file, try_lock, unlock

log = logging.getLogger(__name__)

POLL_S = 0.2


class IndexBusy(HearthError):
    """Another Hearth process kept the index longer than this one was willing to wait."""


class WriteLock:
    """Re-entrant within a process (threads take turns), exclusive across processes."""

    def __init__(self, path: Path, timeout_s: float = 600.0,
                 on_wait: Callable[[str], None] | None = None, subject: str = "The index") -> None:
        """`subject` names what the lock guards in the messages ("The index is being written by pid 12")."""
        self.path = Path(path)
        self.subject = subject
        self.timeout_s = timeout_s
        self.on_wait = on_wait or (lambda message: log.warning("%s", message))
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def holder(self) -> str:
        """Who holds the lock, as the holder wrote it ("" when unknown)."""
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    @contextmanager
    def hold_if_free(self) -> Iterator[bool]:
        """Hold the lock for the block if no other process holds it, without waiting; yields whether it is held
        (a reader opening the index while another process writes goes on without it)."""
        with self._thread_lock:
            if self._depth == 0:
                fd = open_lock_file(self.path)
                if not self._take(fd):
                    os.close(fd)
                    yield False
                    return
            self._depth += 1
            try:
                yield True
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    def _take(self, fd: int) -> bool:
        """Lock `fd` without waiting and sign the lock file with this process's pid."""
        if not try_lock(fd):
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        self._fd = fd
        return True

    def _acquire(self) -> None:
        fd = open_lock_file(self.path)
        deadline, told = time.monotonic() + self.timeout_s, False
        while not self._take(fd):
            if not told:
                who = self.holder() or "another Hearth process"
                self.on_wait(f"{self.subject} is being written by {who}; waiting for it to finish…")
                told = True
            if time.monotonic() > deadline:
                os.close(fd)
                raise IndexBusy(f"{self.subject} in {self.path.parent} is still being written by "
                                f"{self.holder() or 'another Hearth process'} after {self.timeout_s:.0f} s. "
                                "Wait for it to finish (or close the other Hearth) and try again.")
            time.sleep(POLL_S)

    def _release(self) -> None:
        if self._fd is not None:
            unlock(self._fd)
            os.close(self._fd)
            self._fd = None
