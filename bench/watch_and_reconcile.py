"""Watcher latency (one changed file → searchable) at 1k and 10k files, and start-up reconcile of 10k files.

    .venv/bin/python bench/watch_and_reconcile.py [--sizes 1000 10000] [--repeats 10]

Latency is measured from the write to the moment full-text search returns the new content, minus the
debounce; the 1k figure is the baseline for flatness. Reconcile is compared with a bare os.walk + stat of
the same tree (the floor of any reconcile).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from benchlib import Timer, change_latencies, make_corpus, percentile

from common.paths import resolve_data_dir
from indexer.config import IndexConfig
from indexer.embedding import Embedder, bundled_embedder_dir
from indexer.folders import add_folder
from indexer.pipeline import Indexer


def walk_stat(root: Path) -> int:
    n = 0
    for dirpath, _, files in os.walk(root):
        for f in files:
            os.stat(os.path.join(dirpath, f))
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeats", type=int, default=10)
    args = ap.parse_args()
    emb = Embedder(bundled_embedder_dir(), "auto", 64)
    base = None
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
        try:
            corpus = work / "corpus"
            make_corpus(corpus, n, paragraphs=1, words_per_paragraph=25, seed=n)
            data = resolve_data_dir(work / "data").ensure()
            add_folder(data.folders_file, corpus)
            ix = Indexer(IndexConfig(), data, emb)
            with Timer() as t_build:
                r = ix.index_folders([corpus])
            ix.store.optimize(force=True)
            print(f"\n{n} files: built index of {ix.store.chunk_count()} chunks in {t_build.seconds:.0f} s")
            lat, _ = change_latencies(ix, lambda i: corpus / "part00" / "doc00000.md", args.repeats, timeout_s=30)
            p50, p95 = percentile(lat, 50), percentile(lat, 95)
            base = base or p50
            print(f"  change → searchable after debounce: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
                  f"(target <= 1000 ms); p50 vs smallest corpus: {p50 / base:.2f}x")
            ix.close()

            with Timer() as t_walk:
                walk_stat(corpus)
            calls = emb.calls
            with Timer() as t_rec:
                ix2 = Indexer(IndexConfig(), data, emb)  # open + repair, as at start-up
                r = ix2.index_folders([corpus])
            ix2.close()
            print(f"  start-up reconcile (open + repair + scan + diff): {t_rec.seconds:.2f} s (target <= 5 s), "
                  f"{emb.calls - calls} embeddings, {r.files_unchanged} unchanged; "
                  f"bare walk+stat {t_walk.seconds:.2f} s → {t_rec.seconds / t_walk.seconds:.1f}x the floor")
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
