"""Answers while the same process indexes, as in the app when a large folder is added or changes: one Workspace
answers the demo question, waits as a person reading it would, and asks again, while a thread indexes man pages
into it.

    apt-get install manpages manpages-dev    # the corpus (as for retrieval_quality.py)
    .venv/bin/python bench/answer_while_indexing.py [--pages 300] [--rounds 2] [--read 4] [--across]

Measured in one run, each as a ratio against the same work done alone:
- answer time while indexing runs, against answers alone (before and after);
- indexing chunks/s while answers run, against indexing alone (another set of pages of the same size);
both with indexing stepping aside while an answer is generated (the shipped way) and without it.
With --across, another process indexes into the same data dir (as `hearth index` beside the app, or the app
beside `hearth ask`), so the answers reach it only through the data dir's marker file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from retrieval_quality import write_man_pages  # noqa: E402

from common.foreground import Foreground  # noqa: E402
from engine.retrieval import Filters  # noqa: E402
from indexer.folders import normalize  # noqa: E402
from operations.config import load_config  # noqa: E402
from operations.workspace import SAMPLE_DOCS, Workspace  # noqa: E402

QUESTION = "How long should the bread dough rise?"
ALONE_ANSWERS = 3


class _NeverBusy(Foreground):
    """A foreground that never asks background work to wait: indexing as before the change."""

    def wait_while_busy(self, cancel=None, limit_s: float = 0.0) -> float:
        return 0.0


def _ask(ws: Workspace) -> tuple[float, str]:
    """One answer from the sample folder only, so the pages being indexed cannot change it."""
    t0 = time.perf_counter()
    ans = ws.ask(QUESTION, filters=Filters(folder=normalize(SAMPLE_DOCS)))
    return time.perf_counter() - t0, ans.answer.answer


def _index(ws: Workspace, folder: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    rep = ws.add_folder(folder)
    return time.perf_counter() - t0, rep.chunks_added


def _round(ws: Workspace, folder: Path, read_s: float) -> tuple[list[float], float, set[str]]:
    """Ask, read for `read_s`, ask again while `folder` is indexed on a thread; returns answer times, chunks/s
    and the distinct answers."""
    result: list[tuple[float, int]] = []
    th = threading.Thread(target=lambda: result.append(_index(ws, folder)))
    th.start()
    times, answers = [], set()
    while th.is_alive():
        s, a = _ask(ws)
        times.append(s)
        answers.add(a)
        th.join(read_s)
    th.join()
    seconds, chunks = result[0]
    return times, chunks / seconds, answers


def _index_child(data: str, folder: str, step_aside: bool) -> None:
    """The other process: load the embedder, say so, index the folder, print chunks and seconds as JSON."""
    ws = Workspace(load_config(data))
    if not step_aside:
        ws.indexer.foreground = _NeverBusy()
    ws.indexer.embedder.embed(["warm up"])
    print("ready", flush=True)
    seconds, chunks = _index(ws, Path(folder))
    ws.close()
    print(json.dumps({"seconds": seconds, "chunks": chunks}), flush=True)


def _round_across(ws: Workspace, data: Path, folder: Path, read_s: float, step_aside: bool,
                  ask: bool = True) -> tuple[list[float], float, set[str]]:
    """As `_round`, with the indexing in another process on the same data dir (`ask=False`: indexing alone)."""
    cmd = [sys.executable, __file__, "--index-child", str(data), str(folder)]
    cmd += [] if step_aside else ["--no-step-aside"]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    times, answers = [], set()
    while ask and child.poll() is None:
        s, a = _ask(ws)
        times.append(s)
        answers.add(a)
        try:
            child.wait(read_s)
        except subprocess.TimeoutExpired:
            pass
    child.wait()
    result = json.loads(child.stdout.read().strip().splitlines()[-1])
    return times, result["chunks"] / result["seconds"], answers


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2, help="rounds of each way, alternated")
    ap.add_argument("--read", type=float, default=4.0, help="seconds between an answer and the next question")
    ap.add_argument("--across", action="store_true", help="index in another process on the same data dir")
    ap.add_argument("--index-child", nargs=2, metavar=("DATA", "FOLDER"), help=argparse.SUPPRESS)
    ap.add_argument("--no-step-aside", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.index_child:
        _index_child(*args.index_child, step_aside=not args.no_step_aside)
        return
    work = Path(tempfile.mkdtemp(prefix="hearth-busy-"))
    try:
        corpora = []
        for seed in range(11, 11 + 1 + 2 * args.rounds):
            corpus = work / f"man{seed}"
            corpus.mkdir()
            write_man_pages(corpus, args.pages, seed)
            corpora.append(corpus)
        # Greedy answers, so every answer is the same text and only the machine's load changes its time.
        # Across processes the answering side is a one-shot command's Workspace (no in-memory vectors to reload
        # as the other process commits), with its model kept loaded between questions.
        ws = Workspace(load_config(str(work / "data"), engine={"temperature": 0.0}), long_lived=not args.across)
        ws.add_folder(SAMPLE_DOCS)
        ws.load_model()
        _ask(ws)  # warm-up
        alone = [_ask(ws)[0] for _ in range(ALONE_ANSWERS)]
        if args.across:
            _, alone_rate, _ = _round_across(ws, work / "data", corpora[0], read_s=1e9, step_aside=True, ask=False)
            chunks = 0
        else:
            s, chunks = _index(ws, corpora[0])
            alone_rate = chunks / s
        ways: dict[str, tuple[list[float], list[float], set[str]]] = {}
        plan = [("steps aside (shipped)", ws.foreground), ("does not step aside", _NeverBusy())] * args.rounds
        for (name, gate), corpus in zip(plan, corpora[1:]):
            if args.across:
                times, rate, answers = _round_across(ws, work / "data", corpus, args.read, gate is ws.foreground)
            else:
                ws.indexer.foreground = gate
                times, rate, answers = _round(ws, corpus, args.read)
            way = ways.setdefault(name, ([], [], set()))
            way[0].extend(times)
            way[1].append(rate)
            way[2].update(answers)
        ws.indexer.foreground = ws.foreground
        alone += [_ask(ws)[0] for _ in range(ALONE_ANSWERS)]
        ws.close()
        a = statistics.median(alone)
        print(f"answers alone: median {a:.2f} s ({', '.join(f'{x:.2f}' for x in alone)}); "
              f"indexing alone: {alone_rate:.1f} chunks/s ({f'{chunks} chunks' if chunks else 'another process'})")
        for name, (times, rates, answers) in ways.items():
            m = statistics.median(times)
            print(f"{name}: {len(times)} answers while indexing, median {m:.2f} s ({m / a:.2f}× alone; "
                  f"{', '.join(f'{x:.2f}' for x in times)}); indexing {', '.join(f'{r:.1f}' for r in rates)} "
                  f"chunks/s ({statistics.mean(rates) / alone_rate:.2f}× alone)")
            for text in sorted(answers):
                print(f"    answer given: {text[:100]!r}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
