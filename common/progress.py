"""The two types every long action takes: `on_progress(done, total, message)` and a cancel flag."""

from __future__ import annotations

import threading
from typing import Callable

from common.errors import Cancelled

ProgressFn = Callable[[int, int, str], None]
CancelFlag = threading.Event


def no_progress(done: int, total: int, message: str) -> None:
    """The default `on_progress`: report nothing."""


def check_cancel(cancel: CancelFlag | None, message: str = "Cancelled.") -> None:
    """Raise `Cancelled` when the flag is set; call it between units of work."""
    if cancel is not None and cancel.is_set():
        raise Cancelled(message)
