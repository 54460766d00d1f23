"""The core objects the window works with, opened off the GUI thread. No logic of its own: it only wires."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app_config import AppConfig
from engine.answer import Engine
from engine.chats import ChatStore
from indexer.pipeline import Indexer, IndexReport
from indexer.watcher import FolderWatcher


@dataclass
class Core:
    cfg: AppConfig
    indexer: Indexer
    engine: Engine
    chats: ChatStore
    watcher: FolderWatcher

    def close(self) -> None:
        """Stop watching and release the parse workers; everything written stays written."""
        self.watcher.stop()
        self.indexer.close()


def open_core(cfg: AppConfig, on_report: Callable[[IndexReport], None],
              on_progress: Callable[[int, int, str], None]) -> Core:
    """Open the index, load the embedder, start the watcher (which first reconciles what changed)."""
    indexer = Indexer(cfg.index, cfg.data)
    engine = Engine(cfg.engine, cfg.data, indexer.store, indexer.embedder)
    watcher = FolderWatcher(indexer, on_report=on_report, on_progress=on_progress)
    return Core(cfg, indexer, engine, ChatStore(cfg.data.chats_dir), watcher)
