"""`hearth train --data FILE`: fine-tune the chat model (LoRA), export, verify and register a GGUF.

The training flags are made from `TrainConfig`'s fields, so a new setting there is a new flag here."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from cli.common import ctrl_c_cancels, print_json, progress_bar, verb, workspace
from operations.choices import DEFAULT_QUANT, QUANTS

FLAG_TYPES = {"int": int, "float": float, "str": str}


def add_train_config_flags(p) -> None:
    """One flag per plain field of TrainConfig (`learning_rate` → `--learning-rate`), defaulting to its default."""
    from operations import TrainConfig

    for f in dataclasses.fields(TrainConfig):
        kind = FLAG_TYPES.get(str(f.type))
        if kind is None:
            continue
        flags = [f"--{f.name.replace('_', '-')}", *f.metadata.get("aliases", [])]
        p.add_argument(*flags, dest=f"tc_{f.name}", type=kind, metavar=kind.__name__.upper(), default=f.default, choices=f.metadata.get("choices"),
                       help=f"{f.metadata.get('help', f.name)} (default {f.default})")


def train_config_from(args):
    from operations import TrainConfig

    return TrainConfig(**{k[3:]: v for k, v in vars(args).items() if k.startswith("tc_")})


def add_parser(sub, common) -> None:
    p = verb(sub, common, "train", "fine-tune the chat model (LoRA), export and verify a GGUF", run)
    p.add_argument("--data", required=True, help="JSONL ({messages} | {prompt, completion} | Alpaca | {text}) or a "
                                                 "folder of .txt/.md")
    p.add_argument("--base", help="the GGUF to start from (default: the configured chat model)")
    p.add_argument("--name", help="name of the run and of the registered model (same name resumes)")
    p.add_argument("--quant", choices=[*QUANTS, "none"], default=DEFAULT_QUANT,
                   help=f"requantize the merged export with llama.cpp (default {DEFAULT_QUANT}: Q4_K_M with the "
                        "tensors the fine-tune changed most kept at Q8_0, within 1.15x the size)")
    p.add_argument("--json", action="store_true")
    add_train_config_flags(p)


def run(args) -> int:
    from common.errors import Cancelled

    cfg = train_config_from(args)
    with workspace(args) as ws, ctrl_c_cancels("the current step") as cancel, \
            progress_bar(not args.json, "step") as on_progress:
        def on_report(r):
            on_progress(r.step, r.total_steps, f"loss {r.loss:.3f}, {r.tokens_per_s:.0f} tok/s, ETA {r.eta_s:.0f} s")

        try:
            res = ws.fine_tune(Path(args.data), args.name, cfg, None if args.quant == "none" else args.quant,
                               args.base, on_report, None, cancel)
        except Cancelled as exc:
            print(f"{exc} (run `train` again with the same --name to resume)", file=sys.stderr)
            return 1
    if args.json:
        print_json(res.to_json())
        return 0
    print(f"trained on {res.device}; registered {res.model_path} (adapter: {res.adapter_path}); "
          f"held-out answer log-prob per token: "
          f"base {res.base_logprob:.3f}, trained {res.trained_logprob:.3f}")
    for c in res.exports:
        print(f"  {c.kind:8} {c.logprob:.3f}, keeps {c.gain_kept:.0%} of the gain")
    print(f"use it: hearth models use {res.model_path}")
    return 0
