"""What end-to-end indexing spends beyond the embedder: one int8 index of man pages, timed as a whole and inside
`embed`, then the same chunk texts embedded raw by the same loaded model.

    apt-get install manpages manpages-dev    # the corpus (as for retrieval_quality.py)
    .venv/bin/python bench/index_overhead.py [--pages 300] [--window 64] [--write-batch 512] [--marker]

Prints wall time, time inside `embed`, the rest (waiting for the parse worker, hashing, LanceDB commits), raw
chunks/s and the end-to-end / raw ratio. `--window` is how many files the parse worker may run ahead;
`--write-batch` how many chunks go into one embed-and-commit; `--marker` checks the data dir's answering marker
before each embedding run, as the app does (common/foreground.py), instead of a foreground of this process only.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from benchlib import Timer
from retrieval_quality import write_man_pages

from common.foreground import Foreground
from common.paths import resolve_data_dir
from indexer.chunking import embed_text
from indexer.config import IndexConfig
from indexer.embedders import ONNX_INT8, load_embedder
from indexer.embedding import bundled_embedder_dir
from indexer.pipeline import Indexer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--write-batch", type=int, default=512)
    ap.add_argument("--marker", action="store_true", help="probe the answering marker as the app does")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hearth-overhead-"))
    try:
        corpus = work / "man"
        corpus.mkdir()
        write_man_pages(corpus, args.pages, args.seed)
        data = resolve_data_dir(work / "data")
        emb = load_embedder(bundled_embedder_dir(), ONNX_INT8, data.ensure())
        emb.embed(["warm-up"] * 8)
        inside = [0.0]
        embed = emb.embed

        def timed(texts, *a, **k):
            t0 = time.perf_counter()
            try:
                return embed(texts, *a, **k)
            finally:
                inside[0] += time.perf_counter() - t0

        emb.embed = timed
        foreground = Foreground(data.answering_marker if args.marker else None)
        ix = Indexer(IndexConfig(embed_backend=ONNX_INT8, write_batch_chunks=args.write_batch), data, emb,
                     foreground=foreground)
        ix.pool._window = args.window
        with Timer() as t_index:
            rep = ix.index_folders([corpus])
        rows = sorted(ix.store.chunk_rows(columns=["id", "text", "heading"]), key=lambda r: r["id"])
        texts = [embed_text(r["text"], r["heading"]) for r in rows]
        ix.close()
        emb.embed = embed
        with Timer() as t_raw:
            embed(texts)
        raw, e2e = len(texts) / t_raw.seconds, rep.chunks_added / t_index.seconds
        print(f"{rep.chunks_added} chunks; wall {t_index.seconds:.2f} s, inside embed {inside[0]:.2f} s, "
              f"rest {t_index.seconds - inside[0]:.2f} s; raw {raw:.1f} chunks/s, end to end {e2e:.1f}: "
              f"{e2e / raw:.3f} of raw (window {args.window}, write batch {args.write_batch}"
              f"{', marker probed' if args.marker else ''})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
