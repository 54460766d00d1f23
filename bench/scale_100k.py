"""Indexing at 100k files: the whole pipeline's pace, peak memory, an unchanged restart's reconcile, and one
watched change → searchable, each step in its own process (so peak memory is that step's).

    cd bench && ../.venv/bin/python scale_100k.py [--files 100000] [--sample 2000]

The 100k index is built with the word-hashing fake embedder (tests/fakes.py, 384 dimensions like MiniLM):
every other stage is real (scan, parse workers, chunking, LanceDB, full-text index, the watcher). The real
ONNX int8 embedder indexes a sample of the same corpus, and the full index time is projected from it; its
peak memory is reported beside. Targets (issue 9): reconcile ≤ 10 s, peak memory ≤ 2 GB, change →
searchable ≤ 1 s after the debounce.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import change_latencies, make_corpus, percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAKE_DIM = 384
WORDS_PER_FILE = 40


def peak_mb() -> float:
    """The larger of this process's peak and its largest parse worker's (each is a process of its own)."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def open_indexer(data_path: str, real: bool):
    from common.paths import resolve_data_dir
    from indexer.config import IndexConfig
    from indexer.embedders import load_embedder, resolve_kind
    from indexer.embedding import bundled_embedder_dir
    from indexer.pipeline import Indexer
    from tests.fakes import WordEmbedder

    data = resolve_data_dir(data_path).ensure()
    if real:
        model = bundled_embedder_dir()
        embedder = load_embedder(model, resolve_kind("auto", None, model), data)
    else:
        embedder = WordEmbedder(FAKE_DIM)
    return Indexer(IndexConfig(), data, embedder)


def step_build(data: str, corpus: str, real: bool) -> dict:
    from indexer.folders import add_folder

    ix = open_indexer(data, real)
    add_folder(ix.data.folders_file, Path(corpus))
    started = time.perf_counter()
    report = ix.index_folders([Path(corpus)])
    seconds = time.perf_counter() - started
    chunks = ix.store.chunk_count()
    ix.close()
    return {"seconds": seconds, "files": report.files_indexed, "chunks": chunks, "peak_mb": peak_mb()}


def step_reconcile(data: str, corpus: str) -> dict:
    started = time.perf_counter()
    ix = open_indexer(data, False)  # open + repair, as at start-up
    report = ix.index_folders([Path(corpus)])
    seconds = time.perf_counter() - started
    embedded = ix.embedder.calls
    ix.close()
    return {"seconds": seconds, "unchanged": report.files_unchanged, "embedded": embedded, "peak_mb": peak_mb()}


def step_watch(data: str, corpus: str, repeats: int, every_row: bool = False) -> dict:
    """`every_row`: the baseline, as before session 6: each sync reads the whole files table."""
    import indexer.pipeline

    if every_row:
        indexer.pipeline.SYNC_FILTER_MAX_PATHS = -1
    ix = open_indexer(data, False)
    try:
        latencies, watch_start = change_latencies(ix, lambda i: Path(corpus) / "part07" / f"doc{7 + 20 * i:05}.md",
                                                  repeats)
    finally:
        ix.close()
    return {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "watch_start": watch_start,
            "peak_mb": peak_mb()}


def run_step(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--step", *args], capture_output=True, text=True, cwd=Path(__file__).parent)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=2_000)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        name, *rest = args.step
        result = {"build": lambda: step_build(rest[0], rest[1], rest[2] == "real"),
                  "reconcile": lambda: step_reconcile(rest[0], rest[1]),
                  "watch": lambda: step_watch(rest[0], rest[1], int(rest[2]), rest[3:] == ["every-row"])}[name]()
        print(json.dumps(result))
        return
    work = Path(tempfile.mkdtemp(prefix="hearth-scale-"))
    try:
        corpus, sample = work / "corpus", work / "sample"
        started = time.perf_counter()
        make_corpus(corpus, args.files, paragraphs=1, words_per_paragraph=WORDS_PER_FILE, seed=9)
        make_corpus(sample, args.sample, paragraphs=1, words_per_paragraph=WORDS_PER_FILE, seed=10)
        print(f"corpus: {args.files:,} files (+ a {args.sample:,}-file sample) written in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        real = run_step("build", str(work / "data-real"), str(sample), "real")
        fake_small = run_step("build", str(work / "data-fake-small"), str(sample), "fake")
        rate_real = real["files"] / real["seconds"]
        print(f"real ONNX int8 embedder, {args.sample:,} files: {rate_real:.1f} files/s, {real['chunks']:,} chunks, "
              f"peak {real['peak_mb']:,.0f} MB -> projected {args.files:,} files: "
              f"{args.files / rate_real / 60:.0f} min", flush=True)
        big = run_step("build", str(work / "data"), str(corpus), "fake")
        rate_small, rate_big = fake_small["files"] / fake_small["seconds"], big["files"] / big["seconds"]
        print(f"fake embedder: {args.sample:,} files {rate_small:.0f} files/s; {args.files:,} files "
              f"{rate_big:.0f} files/s in {big['seconds']:.0f} s ({rate_big / rate_small:.2f}x the small rate), "
              f"{big['chunks']:,} chunks, peak {big['peak_mb']:,.0f} MB (target <= 2,048 MB)", flush=True)
        rec = run_step("reconcile", str(work / "data"), str(corpus))
        print(f"unchanged restart reconcile: {rec['seconds']:.2f} s (target <= 10 s), {rec['unchanged']:,} unchanged, "
              f"{rec['embedded']} embedded, peak {rec['peak_mb']:,.0f} MB", flush=True)
        base = run_step("watch", str(work / "data"), str(corpus), str(args.repeats), "every-row")
        watch = run_step("watch", str(work / "data"), str(corpus), str(args.repeats))
        print(f"change -> searchable after the debounce: p50 {watch['p50'] * 1000:.0f} ms, p95 {watch['p95'] * 1000:.0f} ms "
              f"(target <= 1,000 ms); watcher start {watch['watch_start']:.2f} s, peak {watch['peak_mb']:,.0f} MB")
        print(f"  baseline, every file row read per change: p50 {base['p50'] * 1000:.0f} ms, "
              f"p95 {base['p95'] * 1000:.0f} ms ({watch['p50'] / base['p50']:.2f}x the baseline p50)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
