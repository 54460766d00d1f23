"""Shared helpers for benchmarks: a deterministic generated corpus and timing."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

WORDS = ("river stone lantern harbour meadow copper violet engine willow signal orchard ember granite falcon "
         "thunder pepper saddle marble cotton window ladder basket garden pocket silver candle bridge hollow "
         "forest mirror rocket velvet island timber hammer feather compass walnut").split()


def make_corpus(folder: Path, n_files: int, paragraphs: int, words_per_paragraph: int, seed: int = 0) -> None:
    """Markdown files with headings and paragraphs of random words (distinct per file)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_files):
        sub = folder / f"part{i % 20:02}"
        sub.mkdir(exist_ok=True)
        parts = [f"# Document {i}"]
        for j in range(paragraphs):
            if j % 3 == 0:
                parts.append(f"## Section {j}")
            parts.append(" ".join(rng.choice(WORDS) for _ in range(words_per_paragraph)) + f" (doc {i}, para {j}).")
        (sub / f"doc{i:05}.md").write_text("\n\n".join(parts), encoding="utf-8")


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def change_latencies(ix, target_for: Callable[[int], Path], repeats: int,
                     timeout_s: float = 60.0) -> tuple[list[float], float]:
    """With a watcher on `ix`, write a unique word into `target_for(i)` `repeats` times: the seconds until
    full-text search finds each, less the debounce; and the seconds the watcher took to start."""
    from engine.retrieval import fulltext_search
    from indexer.watcher import FolderWatcher

    watcher = FolderWatcher(ix, poll_s=1.0)
    started = time.perf_counter()
    watcher.start(reconcile=False)
    start_s = time.perf_counter() - started
    out = []
    try:
        for i in range(repeats):
            token = f"zqxj{i}marker{time.time_ns() % 100000}"
            t0 = time.perf_counter()
            target_for(i).write_text(f"# Document\n\nUpdated text with the unique word {token}.", encoding="utf-8")
            while not any(token in h.text for h in fulltext_search(ix.store, token, 1)):
                time.sleep(0.01)
                if time.perf_counter() - t0 > timeout_s:
                    raise RuntimeError("change never became searchable")
            out.append(time.perf_counter() - t0 - ix.cfg.debounce_s)
            while not watcher.idle():
                time.sleep(0.05)
    finally:
        watcher.stop()
    return out, start_s
