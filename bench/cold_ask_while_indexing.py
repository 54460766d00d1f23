"""A cold `hearth ask` in a terminal while `hearth index` (or the app) indexes into the same data dir.

    apt-get install manpages manpages-dev    # the corpus (as for retrieval_quality.py)
    .venv/bin/python bench/cold_ask_while_indexing.py [--pages 300] [--asks 2] [--code DIR]

Each ask is a new process, as a person typing the command would start. Printed: the asks alone, the asks started
while another process indexes 300 man pages (and whether it was still indexing when they ended), each as a ratio
against alone, and the indexing time. `--code` runs another checkout (an older commit) for a before/after.
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

from retrieval_quality import write_man_pages

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "How long should the bread dough rise?"
INDEXING_HEAD_START_S = 6.0  # let the indexer load its model and get into embedding


def _hearth(code: Path, data: Path, *args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(code / "main.py"), "--data-dir", str(data), *args], cwd=code, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1",
                                                                             "TRANSFORMERS_OFFLINE": "1"})
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--asks", type=int, default=2)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose main.py runs")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hearth-coldask-"))
    try:
        pages, data = work / "man", work / "data"
        pages.mkdir()
        write_man_pages(pages, args.pages, args.seed)
        _hearth(args.code, data, "index", str(args.code / "examples" / "docs"))
        _hearth(args.code, data, "ask", QUESTION)  # the first ask assembles the bundled model
        alone = [_hearth(args.code, data, "ask", QUESTION) for _ in range(args.asks)]
        t0 = time.perf_counter()
        indexer = subprocess.Popen([sys.executable, str(args.code / "main.py"), "--data-dir", str(data), "index",
                                    str(pages)], cwd=args.code, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(INDEXING_HEAD_START_S)
        during = []
        for _ in range(args.asks):
            during.append((_hearth(args.code, data, "ask", QUESTION), indexer.poll() is None))
        indexer.wait()
        indexed = time.perf_counter() - t0
        a = statistics.median(alone)
        print(f"code: {args.code}")
        print(f"cold ask alone: {', '.join(f'{s:.2f}' for s in alone)} s (median {a:.2f})")
        for s, still in during:
            print(f"cold ask while indexing: {s:.2f} s ({s / a:.2f}× alone; indexing "
                  f"{'still running' if still else 'had ended'} when it returned)")
        print(f"indexing {args.pages} pages: {indexed:.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
