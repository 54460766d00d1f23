"""Embedding backends on one corpus, in one run: torch (sentence-transformers) against ONNX Runtime fp32 and int8.

    apt-get install manpages manpages-dev    # the corpus (as for retrieval_quality.py)
    .venv/bin/python bench/embedding_backends.py [--pages 400] [--cold-runs 3]

For each backend kind it indexes the same man pages end to end (scan, parse worker, chunking, embedding,
LanceDB writes; the model is loaded and warmed first, as in index_throughput.py), then prints:
- raw embedding speed on the indexed chunk texts, and the ratio of each end-to-end run to raw torch `encode`;
- CPU utilisation while indexing (this process and its parse worker, over wall time and cores);
- agreement: per-chunk cosine of each kind's vectors against torch's (min and mean);
- retrieval on the man-page NAME queries (vector only and hybrid): MRR@10 and its difference from torch;
- cold `hearth search` (a new process, as a user runs it) on each kind's index: median wall time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
from benchlib import ROOT, Timer
from retrieval_quality import write_man_pages

from common.paths import resolve_data_dir
from engine.answer import Engine
from engine.config import EngineConfig
from engine.evaluation import score
from engine.retrieval import vector_search
from indexer.chunking import embed_text
from indexer.config import IndexConfig
from indexer.embedders import ONNX_FP32, ONNX_INT8, TORCH, load_embedder
from indexer.embedding import bundled_embedder_dir
from indexer.pipeline import Indexer

KINDS = (TORCH, ONNX_FP32, ONNX_INT8)


def cpu_seconds(proc: psutil.Process) -> float:
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def cold_search(data_dir: Path, query: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "main.py"), "search", "--data-dir", str(data_dir), query],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1, help="1, not retrieval_quality.py's 0: pages nothing was tuned on")
    ap.add_argument("--cold-runs", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hearth-backends-"))
    me = psutil.Process()
    try:
        corpus = work / "man"
        corpus.mkdir()
        queries = write_man_pages(corpus, args.pages, args.seed)

        model_dir = bundled_embedder_dir()
        rows, vectors, texts = {}, {}, None
        for kind in KINDS:
            data = resolve_data_dir(work / kind)
            with Timer() as t_load:
                emb = load_embedder(model_dir, kind, data.ensure())
            emb.embed(["warm-up"] * 8)
            ix = Indexer(IndexConfig(embed_backend=kind), data, emb)
            cpu0 = cpu_seconds(me)
            with Timer() as t_index:
                rep = ix.index_folders([corpus])
            util = (cpu_seconds(me) - cpu0) / (t_index.seconds * psutil.cpu_count())
            chunks = ix.store.chunk_rows(columns=["id", "text", "heading", "vector"])
            chunks.sort(key=lambda r: r["id"])
            if texts is None:
                texts = [embed_text(r["text"], r["heading"]) for r in chunks]
            vectors[kind] = np.array([r["vector"] for r in chunks], dtype=np.float32)
            with Timer() as t_raw:
                emb.embed(texts)
            engine = Engine(EngineConfig(n_ctx=2048), ix.data, ix.store, emb)
            vec = score(queries, lambda q: [h.path for h in vector_search(ix.store, emb.embed_query(q), 30)], k=5)
            hyb = score(queries, lambda q: [h.path for h in engine.retrieve(q, 30)], k=5)
            ix.close()
            rows[kind] = dict(load=t_load.seconds, index=t_index.seconds, n=rep.chunks_added, raw=len(texts) / t_raw.seconds,
                              util=util, vec=vec.mrr10, hyb=hyb.mrr10, cold=cold_search(data.root, queries[0].query,
                                                                                          args.cold_runs))
            print(f"{kind}: indexed {rep.chunks_added} chunks in {t_index.seconds:.1f} s", flush=True)

        raw_torch = rows[TORCH]["raw"]
        print(f"\ncorpus: {len(queries)} man pages, {len(texts)} chunks; {os.cpu_count()} cores\n")
        print(f"{'kind':11} {'load s':>6} {'raw ch/s':>9} {'x torch':>7} {'e2e ch/s':>9} {'e2e / raw torch':>15} "
              f"{'CPU use':>7} {'min cos':>7} {'mean cos':>8} {'MRR vec':>7} {'d':>6} {'MRR hyb':>7} {'d':>6} {'cold search s':>13}")
        for kind, r in rows.items():
            raw = r["raw"]
            e2e = r["n"] / r["index"]
            cos = (vectors[kind] * vectors[TORCH]).sum(1)
            print(f"{kind:11} {r['load']:6.1f} {raw:9.1f} {raw / raw_torch:7.2f} {e2e:9.1f} {e2e / raw_torch:15.2f} "
                  f"{r['util']:7.0%} {cos.min():7.4f} {cos.mean():8.4f} {r['vec']:7.3f} {r['vec'] - rows[TORCH]['vec']:+6.3f} "
                  f"{r['hyb']:7.3f} {r['hyb'] - rows[TORCH]['hyb']:+6.3f} {r['cold']:13.2f}")
        print(f"\ncold search: {rows[TORCH]['cold'] / rows[ONNX_INT8]['cold']:.1f}x faster with onnx-int8 than torch")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
