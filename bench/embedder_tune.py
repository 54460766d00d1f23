"""Tuning the embedder on one's own files: which questions to train on, and what it buys on held-out files.

    apt-get install manpages manpages-dev    # the corpus (as for retrieval_quality.py)
    .venv/bin/python bench/embedder_tune.py [--pages 150] [--questions 200]

Indexes man pages with the default embedder, then makes (question, chunk) pairs two ways: questions the bundled
chat model writes (`model`), and queries from headings and file names (`headings`). A quarter of the files is
held out (by file-name hash, as the app does). Each source trains its own copy of all-MiniLM-L6-v2 on the
training files' pairs; both copies and the untuned model are measured on both kinds of held-out queries:
file-level recall@5 and MRR@10 against every chunk, torch fp32.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from benchlib import Timer
from retrieval_quality import write_man_pages

from common.paths import resolve_data_dir
from engine.config import EngineConfig
from engine.generation import Generator
from engine.models import bundled_model_path
from indexer.config import IndexConfig
from indexer.embedding import Embedder, bundled_embedder_dir
from indexer.pipeline import Indexer
from training.embedder_tune import heading_pairs, held_out_file, model_pairs, retrieval, train_embedder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=150)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hearth-tune-"))
    try:
        corpus = work / "man"
        corpus.mkdir()
        write_man_pages(corpus, args.pages, args.seed)
        data = resolve_data_dir(work / "data").ensure()
        ix = Indexer(IndexConfig(), data)
        ix.index_folders([corpus])
        chunks = ix.store.chunk_rows(columns=["path", "text", "heading"])
        ix.close()

        gen = Generator(bundled_model_path(data), EngineConfig(n_ctx=1024))
        with Timer() as t_q:
            by_model = model_pairs(chunks, lambda p: gen.complete(p, 40, stop=["\n"]), args.questions)
        by_heading = heading_pairs(chunks)
        sources = {"model": by_model, "headings": by_heading}
        held = {name: [p for p in pairs if held_out_file(p.path)] for name, pairs in sources.items()}
        print(f"{len(chunks)} chunks of {len(list(corpus.iterdir()))} pages; pairs: model {len(by_model)} "
              f"({t_q.seconds:.0f} s to write), headings {len(by_heading)}; held-out queries: "
              f"model {len(held['model'])}, headings {len(held['headings'])}", flush=True)

        base = bundled_embedder_dir()
        models = {"untuned": base}
        times = {}
        for name, pairs in sources.items():
            out = work / f"tuned-{name}"
            with Timer() as t:
                train_embedder(base, [p for p in pairs if not held_out_file(p.path)], out, "cpu")
            models[f"tuned on {name}"], times[name] = out, t.seconds
        print(f"\n{'embedder':20} " + " ".join(f"{q + ' R@5':>14} {q + ' MRR':>14}" for q in held))
        for name, path in models.items():
            emb = Embedder(Path(path), "cpu")
            cells = []
            for q, queries in held.items():
                r = retrieval(emb.embed, queries, chunks)
                cells += [f"{r.recall_at_5:14.3f}", f"{r.mrr_at_10:14.3f}"]
            print(f"{name:20} " + " ".join(cells), flush=True)
        print("\ntraining time: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"whole run: {time.perf_counter() - t0:.0f} s")
