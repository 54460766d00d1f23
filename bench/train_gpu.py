"""LoRA and QLoRA training speed and peak GPU memory, through Hearth's own loop (`training.lora.train`).

    python bench/train_gpu.py [--sizes 270m 1b] [--steps 24] [--out results.json]

Runs where a CUDA GPU is (the device tool's machine; see docs/benchmarks.md). The models have Gemma 3's
architecture and sizes with random weights (the GPU machine cannot reach the bundled GGUF): speed and memory
depend on shapes, not on weight values. Each variant runs in its own process so peak memory is its own.
LoRA is today's path (fp32 base on the GPU, bf16 autocast); QLoRA loads the linear layers in 4-bit NF4.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Gemma 3 text shapes (hidden, intermediate, layers, heads, kv heads); head_dim 256, vocabulary 262,144.
SIZES = {"270m": (640, 2048, 18, 4, 1), "1b": (1152, 6912, 26, 4, 1), "4b": (2560, 10240, 34, 8, 4)}
WARMUP_STEPS = 3


def build(size: str):
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    hidden, inter, layers, heads, kv = SIZES[size]
    torch.manual_seed(0)
    cfg = Gemma3TextConfig(vocab_size=262144, hidden_size=hidden, intermediate_size=inter, num_hidden_layers=layers,
                           num_attention_heads=heads, num_key_value_heads=kv, head_dim=256, max_position_embeddings=2048)
    return Gemma3ForCausalLM(cfg).float()


def run_variant(size: str, variant: str, steps: int) -> dict:
    import torch

    from training.data import Tokenized
    from training.devices import pick_device
    from training.lora import LINEAR_TARGETS, TrainConfig, train
    from training.qlora import quantize_linears

    device = pick_device("auto")
    model = build(size)
    n_params = sum(p.numel() for p in model.parameters())
    if variant == "qlora":
        quantize_linears(model, LINEAR_TARGETS, device.compute_dtype)
    model = model.to(device.device)
    torch.cuda.reset_peak_memory_stats()
    cfg = TrainConfig(batch_size=4, max_len=256, epochs=1, checkpoint_every=0)
    rng = random.Random(0)
    data = []
    for _ in range(steps * cfg.batch_size):
        n = rng.randint(128, 256)
        ids = [2] + [rng.randrange(300, 200000) for _ in range(n - 1)]
        data.append(Tokenized(ids, [-100] * (n // 2) + ids[n // 2:]))
    marks: list[tuple[int, float]] = []
    train(model, data, cfg, Path(tempfile.mkdtemp()), pad_id=0,
          on_report=lambda r: (torch.cuda.synchronize(), marks.append((r.step, time.perf_counter()))))
    by_step = {s: t for s, t in marks}
    tokens = sum(len(d.input_ids) for d in data[WARMUP_STEPS * cfg.batch_size:])
    seconds = by_step[steps] - by_step[WARMUP_STEPS]
    return {"size": size, "variant": variant, "params_m": round(n_params / 1e6), "gpu": device.describe(),
            "tokens_per_s": round(tokens / seconds, 1), "peak_vram_gb": round(torch.cuda.max_memory_allocated() / 1e9, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=["270m", "1b"], choices=list(SIZES))
    ap.add_argument("--steps", type=int, default=24)
    ap.add_argument("--out", default="")
    ap.add_argument("--one", nargs=2, metavar=("SIZE", "VARIANT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print("RESULT " + json.dumps(run_variant(args.one[0], args.one[1], args.steps)), flush=True)
        return
    rows = []
    for size in args.sizes:
        for variant in ("lora", "qlora"):
            p = subprocess.run([sys.executable, __file__, "--one", size, variant, "--steps", str(args.steps)],
                               capture_output=True, text=True)
            line = next((x for x in p.stdout.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                print(f"{size} {variant} failed:\n{p.stderr[-3000:]}", flush=True)
                continue
            rows.append(json.loads(line[7:]))
            print(rows[-1], flush=True)
    print(f"\n{'size':6} {'variant':7} {'params':>7} {'tokens/s':>9} {'peak VRAM':>10}")
    for r in rows:
        print(f"{r['size']:6} {r['variant']:7} {r['params_m']:6}M {r['tokens_per_s']:9.0f} {r['peak_vram_gb']:8.2f} GB")
    for size in args.sizes:
        pair = {r["variant"]: r for r in rows if r["size"] == size}
        if len(pair) == 2:
            print(f"{size}: QLoRA uses {pair['qlora']['peak_vram_gb'] / pair['lora']['peak_vram_gb']:.2f}x the memory "
                  f"at {pair['qlora']['tokens_per_s'] / pair['lora']['tokens_per_s']:.2f}x the speed of LoRA")
    if rows and args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
