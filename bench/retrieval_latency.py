"""Retrieval latency p50/p95 at 10k and 100k chunks (hybrid search, fusion, dedupe, grounding scores).

    .venv/bin/python bench/retrieval_latency.py [--sizes 10000 100000] [--queries 100]

The store is filled with synthetic chunks (random word text, random unit vectors): latency depends on the
number and size of rows, not on their meaning. Query embedding is timed separately from the search.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from benchlib import WORDS, percentile

from engine.answer import Engine
from engine.config import EngineConfig
from engine.retrieval import fulltext_search, vector_search
from common.paths import resolve_data_dir
from indexer.embedding import Embedder, bundled_embedder_dir
from indexer.store import Store, chunk_id


def fill(store: Store, n: int, dim: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    batch = 10_000
    for start in range(0, n, batch):
        vecs = nrng.standard_normal((min(batch, n - start), dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        chunk_rows, file_rows = [], []
        for i, v in enumerate(vecs):
            idx = start + i
            path = f"/synthetic/f{idx // 10:06}.md"
            text = " ".join(rng.choice(WORDS) for _ in range(120))
            chunk_rows.append({"id": chunk_id(path, "h", idx % 10), "path": path, "folder": "/synthetic",
                               "file_hash": "h", "chunk_no": idx % 10, "chunk_hash": f"c{idx}", "text": text,
                               "vector": v, "start": 0, "end": len(text), "page": None, "heading": None,
                               "file_type": "markdown", "mtime_ns": 0})
            if idx % 10 == 9:
                file_rows.append({"path": path, "folder": "/synthetic", "size": 1, "mtime_ns": 0, "file_hash": "h",
                                  "file_type": "markdown", "n_chunks": 10, "status": "ok", "error": "",
                                  "indexed_at": 0.0})
        store.commit(chunk_rows, file_rows)
    store.optimize(force=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()
    emb = Embedder(bundled_embedder_dir(), "auto", 64)
    rng = random.Random(1)
    queries = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))) for _ in range(args.queries)]
    t0 = time.perf_counter()
    for q in queries:
        emb.embed([q])
    embed_ms = 1000 * (time.perf_counter() - t0) / len(queries)
    print(f"query embedding: {embed_ms:.1f} ms/query (MiniLM on this CPU)")
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="hearth-lat-"))
        try:
            data = resolve_data_dir(work).ensure()
            store = Store(data.index_dir, emb.dim, "bench:384")
            t0 = time.perf_counter()
            fill(store, n, emb.dim)
            print(f"\n{n} chunks (filled in {time.perf_counter() - t0:.0f} s)")
            engine = Engine(EngineConfig(), data, store, emb)
            for q in queries[:5]:  # warm caches
                engine.retrieve(q)
            stages = {
                "vector search (LanceDB flat scan)": lambda q: vector_search(store, emb.embed_query(q), 20),
                "full-text search": lambda q: fulltext_search(store, q, 20),
                "retrieve (hybrid+fuse+scores, vector cache)": lambda q: engine.retrieve(q),
            }
            for name, fn in stages.items():
                times = []
                for q in queries:
                    emb.embed_query(q)  # cached: the search is what is timed
                    t = time.perf_counter()
                    fn(q)
                    times.append(1000 * (time.perf_counter() - t))
                print(f"  {name:38} p50 {percentile(times, 50):6.1f} ms  p95 {percentile(times, 95):6.1f} ms")
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
