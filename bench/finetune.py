"""Fine-tuning on the bundled model: our loop vs a naive peft + transformers loop, and what each export keeps.

    .venv/bin/python bench/finetune.py [--steps 8]

Each training variant runs in its own process so peak memory (max RSS) is its own. Tokens/s counts real
(non-padding) tokens of the same batches. The naive loop pads every batch to max_len and computes the
full-vocabulary logits; ours pads to the longest example and applies the output layer only where labels are.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT

WORDS = "river stone lantern harbour meadow copper violet engine willow signal orchard ember".split()


def make_records(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        q = f"What does note {i} say about the " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 30))) + "?"
        a = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120))) + "."
        out.append({"prompt": q, "completion": a})
    return out


def run_variant(variant: str, steps: int) -> None:
    import torch

    from engine.models import bundled_model_path
    from common.paths import resolve_data_dir
    from training.data import parse_record, tokenize
    from training.finetune import load_base
    from training.lora import TrainConfig, _collate, answer_loss, wrap_lora

    base = bundled_model_path(resolve_data_dir(Path(tempfile.gettempdir()) / "hearth-bench").ensure())
    model, tok = load_base(base)
    cfg = TrainConfig(batch_size=4, max_len=256)
    data = [tokenize(parse_record(r, None), tok, cfg.max_len) for r in make_records(steps * cfg.batch_size)]
    peft_model = wrap_lora(model, cfg)
    opt = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=1e-4)
    peft_model.train()
    real_tokens, t0 = 0, time.perf_counter()
    for s in range(steps):
        batch = data[s * cfg.batch_size : (s + 1) * cfg.batch_size]
        real_tokens += sum(len(t.input_ids) for t in batch)
        if variant == "ours":
            ids, labels, mask = _collate(batch, tok.pad_token_id)
            loss, _ = answer_loss(peft_model, ids, labels, mask)
        else:
            ids = torch.full((len(batch), cfg.max_len), tok.pad_token_id)
            labels = torch.full((len(batch), cfg.max_len), -100)
            mask = torch.zeros((len(batch), cfg.max_len), dtype=torch.long)
            for i, t in enumerate(batch):
                ids[i, : len(t.input_ids)] = torch.tensor(t.input_ids)
                labels[i, : len(t.labels)] = torch.tensor(t.labels)
                mask[i, : len(t.input_ids)] = 1
            loss = peft_model(input_ids=ids, attention_mask=mask, labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    secs = time.perf_counter() - t0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(json.dumps({"variant": variant, "tokens_per_s": real_tokens / secs, "peak_gb": peak_gb}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--variant")
    args = ap.parse_args()
    if args.variant:
        run_variant(args.variant, args.steps)
        return
    res = {}
    for v in ("naive", "ours"):
        out = subprocess.run([sys.executable, __file__, "--variant", v, "--steps", str(args.steps)],
                             capture_output=True, text=True, cwd=Path(__file__).parent)
        res[v] = json.loads(out.stdout.strip().splitlines()[-1])
    n, o = res["naive"], res["ours"]
    print(f"naive peft loop: {n['tokens_per_s']:.0f} tokens/s, peak {n['peak_gb']:.2f} GB")
    print(f"Hearth loop:     {o['tokens_per_s']:.0f} tokens/s, peak {o['peak_gb']:.2f} GB")
    print(f"ratio: {o['tokens_per_s'] / n['tokens_per_s']:.2f}x tokens/s (target >= 1.5x), "
          f"{o['peak_gb'] / n['peak_gb']:.2f}x peak memory (target <= 4 GB)")

    # Exports: what share of the gain on held-out questions each one keeps.
    sys.path.insert(0, str(ROOT / "tests"))
    from test_finetune_e2e import FACTS

    from engine.models import bundled_model_path
    from common.paths import resolve_data_dir
    from training.finetune import fine_tune
    from training.lora import TrainConfig

    work = Path(tempfile.mkdtemp(prefix="hearth-ft-"))
    try:
        data = resolve_data_dir(work / "data").ensure()
        records = []
        for q, a, q2 in FACTS:
            records += [{"prompt": q, "completion": a}] * 3 + [{"prompt": q2, "completion": a}]
        path = work / "facts.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records))
        t0 = time.perf_counter()
        cfg = TrainConfig(epochs=3, learning_rate=1e-3, held_out=0.25, checkpoint_every=0, seed=1)
        r = fine_tune(bundled_model_path(data), path, data.models_dir, data.runs_dir, "bench", cfg, quant="Q4_K_M")
        print(f"\nfine-tune + exports + checks: {time.perf_counter() - t0:.0f} s; held-out answer log-prob per token: "
              f"base {r.base_logprob:.3f}, trained (torch) {r.trained_logprob:.3f}")
        for c in r.exports:
            extra = f", logit correlation {c.correlation:.4f}, top-1 {c.top1:.0%}" if c.correlation is not None else ""
            print(f"  {c.kind:8} {c.logprob:.3f} → keeps {c.gain_kept:.0%} of the gain{extra}")
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the run's adapters and exported GGUFs: ~900 MB


if __name__ == "__main__":
    main()
