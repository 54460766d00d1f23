"""The embedding path on a CUDA machine: which backend a new index gets there, torch vectors on the GPU against
the CPU's, each backend's speed on the same chunks, and the search-model fine-tune on the GPU against the CPU.

    python bench/embed_gpu.py --model DIR [--chunks 4000] [--pairs 512]
    python bench/embed_gpu.py --model DIR --halve OUT     # here: a copy at fp16, small enough to carry


Made for the device tool's GPU machine, which has torch, sentence-transformers and onnxruntime but not LanceDB,
so it measures the embedder alone (no index). Chunks are the generated corpus of `benchlib.make_corpus`,
cut at paragraph ends into pieces of about `CHUNK_CHARS` characters (what the indexer's chunks are near).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np
from benchlib import Timer, make_corpus

from common.paths import resolve_data_dir
from indexer.embedders import ONNX_FP32, ONNX_INT8, TORCH, load_embedder, nvidia_gpu_present, resolve_kind
from training.embedder_tune import Pair, train_embedder

CHUNK_CHARS = 1000
WARM_UP = 64
# A home folder of this many chunks is what issue 9 calls an overnight job on a laptop CPU.
HOME_FOLDER_CHUNKS = 500_000


def sample_chunks(n: int, work: Path) -> list[str]:
    """About `n` chunks of ~CHUNK_CHARS characters from the generated markdown corpus, paragraphs kept whole."""
    make_corpus(work, max(1, n // 4), paragraphs=9, words_per_paragraph=70)
    chunks: list[str] = []
    for f in sorted(work.rglob("*.md")):
        piece = ""
        for para in f.read_text(encoding="utf-8").split("\n\n"):
            piece = f"{piece}\n\n{para}" if piece else para
            if len(piece) >= CHUNK_CHARS:
                chunks.append(piece)
                piece = ""
        if piece:
            chunks.append(piece)
    return chunks[:n]


def copy_weights(model: Path, out: Path, dtype: str) -> Path:
    """A copy of a sentence-transformers folder with its safetensors weights cast to `dtype`."""
    import torch
    from safetensors.torch import load_file, save_file

    shutil.copytree(model, out, dirs_exist_ok=True)
    weights = load_file(str(model / "model.safetensors"))
    cast = {k: v.to(getattr(torch, dtype)) for k, v in weights.items()}
    save_file(cast, str(out / "model.safetensors"), metadata={"format": "pt"})
    return out


def stored_at_fp16(model: Path) -> bool:
    from safetensors import safe_open

    with safe_open(str(model / "model.safetensors"), "pt") as f:
        return any(str(f.get_slice(k).get_dtype()) == "F16" for k in f.keys())


def speed(emb, texts: list[str]) -> tuple[float, np.ndarray]:
    """Chunks per second after a warm-up batch, and the vectors."""
    emb.embed(texts[:WARM_UP])
    with Timer() as t:
        vectors = emb.embed(texts)
    return len(texts) / t.seconds, vectors


def tune_seconds(model: Path, pairs: list[Pair], out: Path, device: str) -> tuple[float, str]:
    with Timer() as t:
        used = train_embedder(model, pairs, out, device, epochs=1)
    return t.seconds, used


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, required=True, help="a sentence-transformers folder")
    ap.add_argument("--chunks", type=int, default=4000)
    ap.add_argument("--pairs", type=int, default=512, help="question-chunk pairs for one tuning epoch")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--halve", type=Path, help="only write an fp16 copy of --model here, to carry")
    args = ap.parse_args()
    if args.halve:
        copy_weights(args.model, args.halve, "float16")
        return

    work = Path(tempfile.mkdtemp(prefix="hearth-gpu-"))
    try:
        measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the widened model, its exports and the tuned copies


def measure(args: argparse.Namespace, work: Path) -> None:
    import onnxruntime as ort
    import torch

    os.environ.setdefault("HEARTH_EMBEDDER_CACHE", str(work / "exports"))
    data = resolve_data_dir(work / "data").ensure()
    if stored_at_fp16(args.model):
        print("weights carried at fp16: widened to fp32 (every backend below uses the same rounded weights)")
        args.model = copy_weights(args.model, work / "model-fp32", "float32")
    texts = sample_chunks(args.chunks, work / "corpus")
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, GPU {gpu}; torch {torch.__version__}, "
          f"onnxruntime {ort.__version__} providers {ort.get_available_providers()}")
    print(f"nvidia_gpu_present(): {nvidia_gpu_present()}")
    kind = resolve_kind("auto", None, args.model)
    auto = load_embedder(args.model, kind, data, "auto", 64)
    print(f"a new index here gets: {kind} on {getattr(auto, 'device', 'cpu (onnxruntime)')}")
    print(f"chunks: {len(texts)}, mean {sum(map(len, texts)) / len(texts):.0f} characters")

    figures: dict[str, float] = {}
    vectors: dict[str, np.ndarray] = {}
    backends = [("torch cuda", TORCH, "cuda"), ("torch cpu", TORCH, "cpu"), ("onnx int8 cpu", ONNX_INT8, "cpu"),
                ("onnx fp32 cpu", ONNX_FP32, "cpu")]
    for name, vkind, device in backends:
        if device == "cuda" and not torch.cuda.is_available():
            continue
        emb = auto if (vkind, device) == (kind, getattr(auto, "device", None)) else load_embedder(
            args.model, vkind, data, device, 64)
        figures[name], vectors[name] = speed(emb, texts)
        print(f"{name:14s} {figures[name]:8.1f} chunks/s")
        if name == "torch cuda":
            # Measured only: half precision on the GPU, which Hearth does not use (its vectors are recorded as fp32).
            emb._model.half()
            figures["torch cuda fp16"], vectors["torch cuda fp16"] = speed(emb, texts)
            print(f"{'torch cuda fp16':14s} {figures['torch cuda fp16']:8.1f} chunks/s")
        del emb

    base = figures["torch cpu"]
    for name, value in figures.items():
        print(f"{name:14s} {value / base:6.2f}x torch cpu")
    if "torch cuda" in vectors:
        cos = np.sum(vectors["torch cuda"] * vectors["torch cpu"], axis=1)
        print(f"cosine torch cuda vs torch cpu per chunk: min {cos.min():.5f}, mean {cos.mean():.5f}")
        figures["cosine_cuda_cpu_min"] = float(cos.min())
        half = np.sum(vectors["torch cuda fp16"] * vectors["torch cpu"], axis=1)
        print(f"cosine torch cuda fp16 vs torch cpu per chunk: min {half.min():.5f}, mean {half.mean():.5f}")
        hours = HOME_FOLDER_CHUNKS / figures["torch cuda"] / 3600
        print(f"embedding {HOME_FOLDER_CHUNKS:,} chunks: {hours:.2f} h on the GPU, "
              f"{HOME_FOLDER_CHUNKS / figures['onnx int8 cpu'] / 3600:.2f} h with ONNX int8 on these CPU cores")

    rng = random.Random(0)
    picked = rng.sample(texts, min(args.pairs, len(texts)))
    pairs = [Pair(query=t.split(". ")[0][:200], text=t, path=str(i)) for i, t in enumerate(picked)]
    for device in (["cuda"] if torch.cuda.is_available() else []) + ["cpu"]:
        seconds, used = tune_seconds(args.model, pairs, work / f"tuned-{device}", device)
        figures[f"tune {device} s"] = seconds
        print(f"tune one epoch of {len(pairs)} pairs on {used}: {seconds:.1f} s")
    if "tune cuda s" in figures:
        print(f"tune cpu / cuda: {figures['tune cpu s'] / figures['tune cuda s']:.1f}x")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
