"""One task runner for the whole app: work runs on a thread pool, results come back to the GUI thread by signal.

Workers never touch widgets. A task gets a `TaskContext` with `progress(done, total, message)`, `token(text)`
(for streaming) and a `cancel` event that the core checks between units of work.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(int, int, str)
    token = Signal(str)
    report = Signal(object)  # any small dataclass the core reports (e.g. a TrainReport)
    done = Signal(object)
    failed = Signal(object)  # the exception


@dataclass(eq=False)  # identity, so live tasks can be kept in a set
class TaskContext:
    signals: _Signals
    cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int, message: str) -> None:
        self.signals.progress.emit(done, total, message)

    def token(self, text: str) -> None:
        self.signals.token.emit(text)

    def report(self, item: object) -> None:
        self.signals.report.emit(item)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskContext], Any], ctx: TaskContext, finished: Callable[[], None]) -> None:
        super().__init__()
        self.fn, self.ctx, self._finished = fn, ctx, finished
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            try:
                result = self.fn(self.ctx)
            except BaseException as exc:  # handed to the GUI, which shows it in one place
                log.error("task failed: %s", "".join(traceback.format_exception(exc)))
                self.ctx.signals.failed.emit(exc)
            else:
                self.ctx.signals.done.emit(result)
        except RuntimeError:  # the window that asked is gone (closed mid-task): nobody to tell
            log.info("task finished after its window closed; result dropped")
        finally:
            self._finished()


class Task:
    """A handle on running work: connect its signals, call `cancel()`."""

    def __init__(self, ctx: TaskContext) -> None:
        self.ctx = ctx
        self.progress = ctx.signals.progress
        self.token = ctx.signals.token
        self.report = ctx.signals.report
        self.done = ctx.signals.done
        self.failed = ctx.signals.failed

    def cancel(self) -> None:
        self.ctx.cancel.set()


class TaskRunner(QObject):
    """Runs tasks on its own pool; `shutdown()` cancels everything and waits for the threads."""

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(max_threads)
        self._live: set[TaskContext] = set()
        self._lock = threading.Lock()
        self.closed = False  # after shutdown() no new work starts (late signals may still ask for some)

    def start(self, fn: Callable[[TaskContext], Any], on_done: Callable[[Any], None] | None = None,
              on_failed: Callable[[BaseException], None] | None = None,
              on_progress: Callable[[int, int, str], None] | None = None,
              on_token: Callable[[str], None] | None = None,
              on_report: Callable[[object], None] | None = None) -> Task:
        ctx = TaskContext(_Signals())
        ctx.signals.setParent(self)  # keeps the signal object alive and owned by the GUI thread
        task = Task(ctx)
        for sig, slot in ((task.done, on_done), (task.failed, on_failed), (task.progress, on_progress),
                          (task.token, on_token), (task.report, on_report)):
            if slot is not None:
                sig.connect(slot)
        with self._lock:
            if self.closed:
                ctx.cancel.set()
                log.info("not starting a task: the window is closing")
                return task
            self._live.add(ctx)

        def finished() -> None:
            with self._lock:
                self._live.discard(ctx)

        self.pool.start(_Runnable(fn, ctx, finished))
        return task

    def busy(self) -> int:
        with self._lock:
            return len(self._live)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        with self._lock:
            self.closed = True
            for ctx in self._live:
                ctx.cancel.set()
        return self.pool.waitForDone(timeout_ms)
