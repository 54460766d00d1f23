"""End-to-end indexing throughput (chunks/s) against raw SentenceTransformer.encode on the same chunks.

    .venv/bin/python bench/index_throughput.py [--files 400]

Both sides use the same loaded model (load time excluded from both); the end-to-end side includes scanning,
parsing in the worker process, chunking, hashing, vector lookups and LanceDB writes.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchlib import Timer, make_corpus

from common.paths import resolve_data_dir
from indexer.chunking import embed_text
from indexer.config import IndexConfig
from indexer.embedding import Embedder, bundled_embedder_dir
from indexer.pipeline import Indexer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=400)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    try:
        corpus = work / "corpus"
        make_corpus(corpus, args.files, paragraphs=9, words_per_paragraph=70)
        emb = Embedder(bundled_embedder_dir(), "auto", 64)
        emb.embed(["warm-up"] * 8)

        ix = Indexer(IndexConfig(), resolve_data_dir(work / "data"), emb)
        with Timer() as t_index:
            report = ix.index_folders([corpus])
        texts = [r["text"] for r in ix.store.chunk_rows(columns=["text", "heading"])]
        embed_inputs = [
            embed_text(r["text"], r["heading"])
            for r in ix.store.chunk_rows(columns=["text", "heading"])
        ]
        ix.close()
        with Timer() as t_raw:
            emb._model.encode(embed_inputs, batch_size=64, normalize_embeddings=True, show_progress_bar=False)

        n = report.chunks_added
        e2e, raw = n / t_index.seconds, len(embed_inputs) / t_raw.seconds
        print(f"corpus: {args.files} files, {len(texts)} chunks ({n} embedded)")
        print(f"raw encode:  {raw:8.1f} chunks/s  ({t_raw.seconds:.1f} s)")
        print(f"end-to-end:  {e2e:8.1f} chunks/s  ({t_index.seconds:.1f} s)")
        print(f"ratio end-to-end / raw encode: {e2e / raw:.2f}x  (target >= 0.80x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
