"""Reading the bundled GGUF: gguf's stock reader against Hearth's fast one, and a fine-tune's base load with each.

    .venv/bin/python bench/gguf_reads.py [--repeats 2]

Each figure is the median of --repeats runs in this process, alternated (stock, fast, stock, fast, ...). The base
load is what `training.finetune.load_base` does before training and before each re-export: transformers'
tokenizer and model from the GGUF, which opens the file three times.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from benchlib import ROOT  # noqa: F401  (puts the repository on sys.path, offline)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def load_with_transformers(path: Path, fast: bool) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.gguf_read import fast_gguf_reads

    with fast_gguf_reads() if fast else nullcontext():
        AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    import gguf
    from transformers.utils import logging as hf_logging

    from common.paths import resolve_data_dir
    from engine.models import bundled_model_path
    from training.gguf_read import read_gguf

    hf_logging.disable_progress_bar()
    with tempfile.TemporaryDirectory() as tmp:
        path = bundled_model_path(resolve_data_dir(Path(tmp) / "data").ensure())
        print(f"{path.name}: {path.stat().st_size / 1e6:.0f} MB, "
              f"{len(read_gguf(path).fields['tokenizer.ggml.tokens'].data)} tokens")
        reads = {"stock": [], "fast": []}
        loads = {"stock": [], "fast": []}
        for _ in range(args.repeats):
            reads["stock"].append(timed(lambda: gguf.GGUFReader(str(path))))
            reads["fast"].append(timed(lambda: read_gguf(path)))
        for _ in range(args.repeats):
            loads["stock"].append(timed(lambda: load_with_transformers(path, fast=False)))
            loads["fast"].append(timed(lambda: load_with_transformers(path, fast=True)))
    for what, runs in (("one read of the GGUF's metadata", reads), ("base load (tokenizer + model)", loads)):
        stock, fast = statistics.median(runs["stock"]), statistics.median(runs["fast"])
        print(f"{what}: stock {stock:.1f} s ({', '.join(f'{t:.1f}' for t in runs['stock'])}), "
              f"fast {fast:.1f} s ({', '.join(f'{t:.1f}' for t in runs['fast'])}): {stock / fast:.1f}x faster")


if __name__ == "__main__":
    main()
