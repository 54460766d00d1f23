"""Shared helpers for benchmarks: a deterministic generated corpus and timing."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

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
