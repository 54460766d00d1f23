"""Cold `hearth search` (a new process each time, as a user runs it) on a man-page index of about 14k chunks.

    apt-get install manpages manpages-dev    # the corpus (as for retrieval_quality.py)
    .venv/bin/python bench/cold_search.py [--pages 1100] [--runs 7] [--data-dir DIR]

Two ways, alternated so the machine's drift hits both alike:
- `hearth search` as it ships (LanceDB imported with its REST client's validators deferred, see
  indexer/lancedb_import.py);
- the baseline: the same command with `import lancedb` done plainly before main.py runs, as before the change.
Prints each one's median and their ratio. `--data-dir` reuses an index built by an earlier run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT
from retrieval_quality import write_man_pages

from common.paths import resolve_data_dir
from indexer.config import IndexConfig
from indexer.pipeline import Indexer

QUERIES = ("copy files between hosts", "change the owner of a file", "show disk usage", "compress an archive")
PLAIN_IMPORT = ("import lancedb, os, runpy, sys; sys.argv = sys.argv[1:]; sys.path.insert(0, os.path.dirname(sys.argv[0])); "
                "runpy.run_path(sys.argv[0], run_name='__main__')")


def one_search(data_dir: Path, query: str, baseline: bool) -> float:
    args = [str(ROOT / "main.py"), "search", "--data-dir", str(data_dir), query]
    cmd = [sys.executable, "-c", PLAIN_IMPORT, *args] if baseline else [sys.executable, *args]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if not out.stdout.strip():
        raise SystemExit(f"search for {query!r} printed nothing: is the index empty?")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1100)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--data-dir", type=Path, help="an index from an earlier run of this script (kept)")
    args = ap.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="hearth-cold-"))
    data = resolve_data_dir(data_dir).ensure()
    ix = Indexer(IndexConfig(), data)
    if not ix.store.chunk_count():
        corpus = data_dir / "man"
        corpus.mkdir(exist_ok=True)
        write_man_pages(corpus, args.pages, args.seed)
        ix.index_folders([corpus])
    chunks = ix.store.chunk_count()
    ix.close()
    print(f"index: {chunks} chunks in {data_dir}", flush=True)

    times: dict[bool, list[float]] = {True: [], False: []}
    for i in range(args.runs):
        query = QUERIES[i % len(QUERIES)]
        for baseline in (i % 2 == 0, i % 2 != 0):
            times[baseline].append(one_search(data_dir, query, baseline))
    before, now = statistics.median(times[True]), statistics.median(times[False])
    print(f"cold search, median of {args.runs}: plain `import lancedb` {before:.2f} s "
          f"(range {min(times[True]):.2f}-{max(times[True]):.2f}); as shipped {now:.2f} s "
          f"(range {min(times[False]):.2f}-{max(times[False]):.2f}); ratio {now / before:.2f}x (target <= 1.5 s)")


if __name__ == "__main__":
    main()
