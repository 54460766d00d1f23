"""LoRA fine-tuning with peft in a plain training loop: progress, cancel, checkpoints and resume, seeded.

Memory is kept down by running the transformer body once and applying the (262,144-wide) output layer only
at the positions that carry a label, instead of computing full-vocabulary logits for every token.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from common import atomic
from common.errors import Cancelled, ConfigError
from training.data import Tokenized
from training.devices import BASE_BITS, DEVICES

LINEAR_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class TrainConfig:
    """Defaults chosen for Gemma 3 270M on a CPU; saved beside every adapter."""

    rank: int = field(default=16, metadata={"help": "LoRA rank"})
    alpha: int = field(default=32, metadata={"help": "LoRA alpha (the update is scaled by alpha/rank)"})
    dropout: float = field(default=0.0, metadata={"help": "dropout on the LoRA input"})
    targets: tuple[str, ...] = field(default=LINEAR_TARGETS, metadata={"help": "projections LoRA adapts"})
    learning_rate: float = field(default=0.0, metadata={
        "help": "peak learning rate; 0 = by dataset size (1e-3 under 200 examples, else 2e-4)", "aliases": ["--lr"]})
    epochs: int = field(default=0, metadata={
        "help": "passes over the training set; 0 = by dataset size (6 under 200 examples, else 3)"})
    batch_size: int = field(default=4, metadata={"help": "examples per step"})
    max_len: int = field(default=256, metadata={"help": "tokens per example (longer ones are cut)"})
    seed: int = field(default=0, metadata={"help": "seed for the split, the order and the initial weights"})
    checkpoint_every: int = field(default=20, metadata={"help": "steps between checkpoints (0: none)"})
    held_out: float = field(default=0.1, metadata={"help": "share of examples kept out to measure the gain"})
    method: str = field(default="lora", metadata={"help": "lora or dora", "choices": ["lora", "dora"]})
    device: str = field(default="auto", metadata={"help": "auto (CUDA, then MPS, then CPU), cuda, mps or cpu",
                                                  "choices": ["auto", "cuda", "mps", "cpu"]})
    base_bits: str = field(default="auto", metadata={
        "help": "4 loads the base in 4 bits (QLoRA, needs bitsandbytes); auto does so on a GPU it would crowd",
        "choices": ["auto", "16", "4"]})

    def __post_init__(self) -> None:
        if self.rank < 1 or self.alpha < 1:
            raise ConfigError("rank and alpha must be positive.")
        if self.epochs < 0 or self.learning_rate < 0:
            raise ConfigError("epochs and learning_rate must be positive, or 0 to choose them by dataset size.")
        if self.method not in ("lora", "dora"):
            raise ConfigError(f"Unknown method {self.method!r}: use lora or dora.")
        if self.device not in DEVICES or self.base_bits not in BASE_BITS:
            raise ConfigError(f"device must be one of {', '.join(DEVICES)} and base_bits one of {', '.join(BASE_BITS)}.")
        self.targets = tuple(self.targets)


# The default recipe by dataset size (`epochs` and `learning_rate` 0). A small set is usually facts to learn, not a
# style: measured on twelve made-up facts (bench/export_variants.py), 6 epochs at 1e-3 answered 12 of 12 training
# questions and 10 of 12 paraphrases; 6 epochs at 2e-4 answered none.
SMALL_SET_EXAMPLES = 200
SMALL_SET_RECIPE = (6, 1e-3)
LARGE_SET_RECIPE = (3, 2e-4)


def with_recipe(cfg: TrainConfig, n_examples: int) -> TrainConfig:
    """`cfg` with its automatic epochs and learning rate (0) chosen for a training set of `n_examples`."""
    import dataclasses

    epochs, lr = SMALL_SET_RECIPE if n_examples < SMALL_SET_EXAMPLES else LARGE_SET_RECIPE
    return dataclasses.replace(cfg, epochs=cfg.epochs or epochs, learning_rate=cfg.learning_rate or lr)


@dataclass
class TrainReport:
    step: int
    total_steps: int
    loss: float
    tokens_per_s: float
    eta_s: float


@dataclass
class TrainResult:
    adapter_dir: Path
    steps: int
    losses: list[float] = field(default_factory=list)
    model: Any = None  # the peft-wrapped model, trained


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def wrap_lora(model: Any, cfg: TrainConfig) -> Any:
    from peft import LoraConfig, get_peft_model

    present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    targets = [t for t in cfg.targets if t in present]
    if not targets:
        raise ConfigError(f"None of the target modules {cfg.targets} exist in this model.")
    lcfg = LoraConfig(r=cfg.rank, lora_alpha=cfg.alpha, lora_dropout=cfg.dropout, target_modules=targets,
                      use_dora=cfg.method == "dora", task_type="CAUSAL_LM")
    return get_peft_model(model, lcfg)


def _batches(data: list[Tokenized], batch_size: int, rng: random.Random) -> list[list[Tokenized]]:
    order = list(range(len(data)))
    rng.shuffle(order)
    return [[data[i] for i in order[j : j + batch_size]] for j in range(0, len(order), batch_size)]


def _collate(batch: list[Tokenized], pad_id: int):
    import torch

    width = max(len(t.input_ids) for t in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for i, t in enumerate(batch):
        n = len(t.input_ids)
        ids[i, :n] = torch.tensor(t.input_ids)
        labels[i, :n] = torch.tensor(t.labels)
        mask[i, :n] = 1
    return ids, labels, mask


def answer_loss(model: Any, ids, labels, mask, reduction: str = "mean", chunk: int = 64):
    """Cross-entropy over labelled positions only.

    The output layer runs just where there is a label, `chunk` positions at a time under activation
    checkpointing, so at most one chunk of vocabulary-wide logits is alive (262,144 wide for Gemma 3).
    """
    from torch.utils.checkpoint import checkpoint

    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = base.model(input_ids=ids, attention_mask=mask).last_hidden_state
    targets = labels[:, 1:]
    keep = targets != -100
    h, y = hidden[:, :-1][keep], targets[keep]
    cap = getattr(base.config, "final_logit_softcapping", None)
    total = h.new_zeros(())
    for i in range(0, h.shape[0], chunk):
        part = (h[i : i + chunk], y[i : i + chunk])
        if h.requires_grad:
            total = total + checkpoint(_ce_sum, base.lm_head, *part, cap, use_reentrant=False)
        else:
            total = total + _ce_sum(base.lm_head, *part, cap)
    n = int(keep.sum())
    return (total / max(n, 1) if reduction == "mean" else total), n


def _ce_sum(lm_head: Any, h, y, cap: float | None):
    import torch
    import torch.nn.functional as F

    logits = lm_head(h).float()
    if cap:
        logits = torch.tanh(logits / cap) * cap
    return F.cross_entropy(logits, y, reduction="sum")


def train(model: Any, train_data: list[Tokenized], cfg: TrainConfig, out_dir: Path, pad_id: int,
          on_report: Callable[[TrainReport], None] | None = None, cancel: threading.Event | None = None) -> TrainResult:
    """Train a LoRA on `model` (wrapped here); resumes from `out_dir/checkpoint` when one is there."""
    import torch

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = with_recipe(cfg, len(train_data))
    seed_everything(cfg.seed)
    peft_model = wrap_lora(model, cfg)
    params = [p for p in peft_model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=0.0)
    rng = random.Random(cfg.seed)
    epochs = [_batches(train_data, cfg.batch_size, rng) for _ in range(cfg.epochs)]  # fixed order: resumable
    plan = [b for e in epochs for b in e]
    total = len(plan)
    warmup = max(1, total // 10)  # linear warm-up over the first tenth, then linear decay to zero
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, 1 - s / max(total, 1)))
    ckpt = out_dir / "checkpoint"
    start, losses = 0, []
    if (ckpt / "state.pt").exists():
        state = torch.load(ckpt / "state.pt", weights_only=False)
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        set_peft_model_state_dict(peft_model, load_file(ckpt / "adapter.safetensors"))
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        start, losses = state["step"], state["losses"]
    device = next(peft_model.parameters()).device
    # Mixed precision on CUDA: bf16 where supported, else fp16 with loss scaling; MPS and the CPU train in fp32.
    half = (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16) if device.type == "cuda" else None
    amp = torch.autocast("cuda", dtype=half) if half is not None else contextlib.nullcontext()
    scaler = torch.amp.GradScaler("cuda") if half == torch.float16 else None
    peft_model.train()
    t0, tokens = time.perf_counter(), 0
    for step in range(start, total):
        if cancel is not None and cancel.is_set():
            _checkpoint(peft_model, opt, sched, step, losses, ckpt)
            raise Cancelled("Training was cancelled; it resumes from the last step when started again.")
        ids, labels, mask = (x.to(device) for x in _collate(plan[step], pad_id))
        with amp:
            loss, n = answer_loss(peft_model, ids, labels, mask)
        opt.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
        sched.step()
        losses.append(loss.item())
        tokens += int(mask.sum())
        elapsed = time.perf_counter() - t0
        if on_report:
            rate = tokens / elapsed if elapsed else 0.0
            done = step + 1 - start
            on_report(TrainReport(step + 1, total, float(loss), rate, elapsed / done * (total - step - 1)))
        if cfg.checkpoint_every and (step + 1) % cfg.checkpoint_every == 0:
            _checkpoint(peft_model, opt, sched, step + 1, losses, ckpt)
    adapter_dir = out_dir / "adapter"
    peft_model.save_pretrained(adapter_dir)
    atomic.write_json(out_dir / "train_config.json", asdict(cfg))
    return TrainResult(adapter_dir, total, losses, peft_model)


def _checkpoint(model: Any, opt, sched, step: int, losses: list[float], ckpt: Path) -> None:
    """Adapter weights and optimizer state, written to a temp folder and swapped in (never half-written)."""
    import shutil

    import torch
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    tmp = ckpt.with_name(ckpt.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file({k: v.contiguous() for k, v in get_peft_model_state_dict(model).items()}, tmp / "adapter.safetensors")
    torch.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "step": step, "losses": losses,
                "torch_rng": torch.get_rng_state()}, tmp / "state.pt")
    old = ckpt.with_name(ckpt.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if ckpt.exists():
        os.replace(ckpt, old)
    os.replace(tmp, ckpt)
    shutil.rmtree(old, ignore_errors=True)


def mean_answer_logprob(model: Any, data: list[Tokenized], pad_id: int, batch_size: int = 4) -> float:
    """Average log-likelihood per answer token: the effect measure compared across base, trained and exports."""
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(data), batch_size):
            device = next(model.parameters()).device
            ids, labels, mask = (x.to(device) for x in _collate(data[i : i + batch_size], pad_id))
            loss, n = answer_loss(model, ids, labels, mask, reduction="sum")
            total += float(loss)
            count += n
    return -total / max(count, 1) if count else math.nan
