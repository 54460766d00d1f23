"""Work a person is waiting on goes first: background indexing steps aside while an answer is being made.

On two cores, llama.cpp and ONNX Runtime each keep a pool of spinning threads; run together they share the cores
and an answer takes several times longer (docs/benchmarks.md, "Answering while the same process indexes"). The
answer engine marks itself busy for the length of an answer; while it is, the indexer waits before each run of the
embedding model and takes no more parse results.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from common.progress import CancelFlag

# An answer that never ends (a stuck stream) must not stop indexing for good: past this, indexing goes on.
MAX_STEP_ASIDE_S = 120.0
_CANCEL_POLL_S = 0.25


class Foreground:
    """Counts the foreground jobs under way; background work calls `wait_while_busy` between its units."""

    def __init__(self) -> None:
        self._busy = 0
        self._idle = threading.Condition()

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark foreground work under way for the length of the block (nested and concurrent blocks count)."""
        with self._idle:
            self._busy += 1
        try:
            yield
        finally:
            with self._idle:
                self._busy -= 1
                if not self._busy:
                    self._idle.notify_all()

    @property
    def is_busy(self) -> bool:
        return self._busy > 0

    def wait_while_busy(self, cancel: CancelFlag | None = None, limit_s: float = MAX_STEP_ASIDE_S) -> float:
        """Block while foreground work runs (at most `limit_s`, or until `cancel` is set); returns seconds waited."""
        if not self._busy:  # the common case, without the lock
            return 0.0
        t0 = time.monotonic()
        with self._idle:
            while self._busy and not (cancel is not None and cancel.is_set()):
                left = limit_s - (time.monotonic() - t0)
                if left <= 0:
                    break
                self._idle.wait(min(left, _CANCEL_POLL_S))
        return time.monotonic() - t0
