"""Keeping the index current: one watchdog observer per folder, events debounced and coalesced by path.

Raw events are not trusted: each batch of paths goes through `Indexer.sync_paths`, which stats, hashes and
diffs against the index. A folder that disappears (unplugged drive) keeps its index; when it comes back it
is reconciled and watched again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from common.errors import Cancelled
from common.progress import ProgressFn, no_progress
from indexer.pipeline import Indexer, IndexReport

log = logging.getLogger(__name__)


class Debouncer:
    """Collects paths; hands them over once events have been quiet for `quiet_s` (or `max_wait_s` passed)."""

    def __init__(self, quiet_s: float = 0.5, max_wait_s: float = 5.0) -> None:
        self.quiet_s = quiet_s
        self.max_wait_s = max_wait_s
        self._paths: set[str] = set()
        self._first = self._last = 0.0
        self._in_flight = False
        self._cond = threading.Condition()

    def add(self, *paths: str) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._last = now
            self._paths.update(paths)
            self._cond.notify()

    def wait_batch(self, stop: threading.Event) -> set[str]:
        """Block until a batch is due (or stop is set); returns the coalesced paths."""
        with self._cond:
            while not stop.is_set():
                if self._paths:
                    now = time.monotonic()
                    due = min(self._last + self.quiet_s, self._first + self.max_wait_s)
                    if now >= due:
                        batch, self._paths = self._paths, set()
                        self._in_flight = True
                        return batch
                    self._cond.wait(due - now)
                else:
                    self._cond.wait(0.5)
            return set()

    def done(self) -> None:
        """The last batch handed out has been applied."""
        with self._cond:
            self._in_flight = False

    def idle(self) -> bool:
        with self._cond:
            return not self._paths and not self._in_flight


class _Handler(FileSystemEventHandler):
    def __init__(self, sink: Callable[..., None]) -> None:
        self._sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a directory's mtime changes with every file in it; the file events say what changed
        paths = [os.fsdecode(event.src_path)]
        if getattr(event, "dest_path", None):
            paths.append(os.fsdecode(event.dest_path))
        self._sink(*paths)


# watchdog rebuilds its watches after the kernel's inotify queue overflows but reports nothing for the events
# lost; its warning on this logger is the only sign, so it triggers a reconcile of every folder.
OVERFLOW_LOGGER = "watchdog.observers.inotify_c"


class _OverflowListener(logging.Handler):
    def __init__(self, on_overflow: Callable[[], None]) -> None:
        super().__init__(logging.WARNING)
        self._on_overflow = on_overflow

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self._on_overflow()


class FolderWatcher:
    """Runs the watchers and one worker thread that applies debounced batches to the index. Every folder is also
    reconciled (stat compared, only changes parsed) every `reconcile_every_s` and after an inotify overflow, so
    lost events are caught without a restart."""

    def __init__(self, indexer: Indexer, on_report: Callable[[IndexReport], None] | None = None,
                 on_progress: ProgressFn = no_progress, poll_s: float = 2.0) -> None:
        self.indexer = indexer
        self.debouncer = Debouncer(indexer.cfg.debounce_s, indexer.cfg.debounce_max_wait_s)
        self.on_report = on_report or (lambda r: None)
        self.on_progress = on_progress
        self.poll_s = poll_s
        self._observers: dict[str, Observer] = {}
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._threads: list[threading.Thread] = []
        self.busy = threading.Event()  # set while a batch is being applied
        self._overflow = _OverflowListener(self.reconcile_soon)
        self._last_reconcile = time.monotonic()

    def start(self, reconcile: bool = True) -> None:
        """Reconcile what changed while nobody watched, then watch every active folder."""
        if reconcile:
            roots = [f.path for f in self.indexer.folders() if not f.paused and os.path.isdir(f.path)]
            if roots:
                self._run(lambda: self.indexer.index_folders(roots, self.on_progress, self._cancel))
        self._sync_observers()
        logging.getLogger(OVERFLOW_LOGGER).addHandler(self._overflow)
        for target in (self._work, self._poll):
            t = threading.Thread(target=target, name=f"hearth-{target.__name__.strip('_')}", daemon=True)
            t.start()
            self._threads.append(t)

    def reconcile_soon(self) -> None:
        """Queue every watched folder for a reconcile (a stat comparison; only changed files are parsed)."""
        log.info("reconciling every watched folder")
        self._last_reconcile = time.monotonic()
        for root in list(self._observers):
            self.debouncer.add(root)

    def stop(self) -> None:
        logging.getLogger(OVERFLOW_LOGGER).removeHandler(self._overflow)
        self._stop.set()
        self._cancel.set()
        for obs in self._observers.values():
            obs.stop()
        for obs in self._observers.values():
            obs.join(timeout=5)
        self._observers.clear()
        for t in self._threads:
            t.join(timeout=30)
        self._threads.clear()

    def idle(self) -> bool:
        """No events waiting and no batch being applied."""
        return self.debouncer.idle() and not self.busy.is_set()

    def _sync_observers(self) -> None:
        """Watch active folders that exist; drop observers of folders that vanished or were removed/paused."""
        active = {f.path for f in self.indexer.folders() if not f.paused}
        for root in list(self._observers):
            if root not in active or not os.path.isdir(root):
                obs = self._observers.pop(root)
                obs.stop()
                log.info("stopped watching %s", root)
        for root in sorted(active - set(self._observers)):
            if not os.path.isdir(root):
                continue
            obs = Observer()
            obs.schedule(_Handler(self.debouncer.add), root, recursive=True)
            obs.daemon = True
            obs.start()
            self._observers[root] = obs
            log.info("watching %s", root)

    def _poll(self) -> None:
        """Notice folders that come back (or go away) and folder list changes made elsewhere."""
        while not self._stop.wait(self.poll_s):
            before = set(self._observers)
            try:
                self._sync_observers()
            except Exception:
                log.exception("folder poll failed")
                continue
            for root in set(self._observers) - before:
                self.debouncer.add(root)  # reconcile a returning folder
            every = self.indexer.cfg.reconcile_every_s
            if every and time.monotonic() - self._last_reconcile >= every:
                self.reconcile_soon()

    def _work(self) -> None:
        while not self._stop.is_set():
            batch = self.debouncer.wait_batch(self._stop)
            if batch:
                try:
                    self._run(lambda: self.indexer.sync_paths(batch, self.on_progress, self._cancel))
                finally:
                    self.debouncer.done()

    def _run(self, job: Callable[[], IndexReport]) -> None:
        self.busy.set()
        try:
            self.on_report(job())
        except Cancelled:
            pass
        except Exception:
            log.exception("indexing a batch of changes failed; it will be retried on the next change or start")
        finally:
            self.busy.clear()
