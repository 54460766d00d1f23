"""Checks that an export behaves like the model that was trained.

`logit_agreement`: llama.cpp's next-token logits for the exported file against the merged torch model on
fixed prompts (correlation and top-1 agreement). `answer_logprob_llama`: the mean log-likelihood of the
held-out answers in llama.cpp, so base, trained and each export are compared on the same measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from training.data import Tokenized


@dataclass
class Agreement:
    correlation: float  # mean over prompts
    top1: float  # share of prompts whose arg-max token agrees


def _llama(model_path: Path, lora_path: Path | None = None, n_ctx: int = 512):
    from llama_cpp import Llama

    return Llama(model_path=str(model_path), lora_path=str(lora_path) if lora_path else None, n_ctx=n_ctx,
                 logits_all=True, verbose=False)


def logit_agreement(torch_model: Any, gguf_path: Path, prompts: list[list[int]], lora_path: Path | None = None) -> Agreement:
    import torch

    llm = _llama(gguf_path, lora_path)
    corrs, agree = [], 0
    torch_model.eval()
    for ids in prompts:
        with torch.no_grad():
            device = next(torch_model.parameters()).device
            ref = torch_model(torch.tensor([ids], device=device)).logits[0, -1].float().cpu().numpy()
        llm.reset()
        llm.eval(ids)
        got = np.asarray(llm.scores[len(ids) - 1], dtype=np.float32)
        corrs.append(float(np.corrcoef(ref, got)[0, 1]))
        agree += int(ref.argmax() == got.argmax())
    del llm
    return Agreement(float(np.mean(corrs)), agree / len(prompts))


def answer_logprob_llama(gguf_path: Path, data: list[Tokenized], lora_path: Path | None = None) -> float:
    """Mean log-probability per answer token, computed by llama.cpp."""
    llm = _llama(gguf_path, lora_path)
    total, count = 0.0, 0
    for t in data:
        llm.reset()
        llm.eval(t.input_ids)
        scores = np.asarray(llm.scores[: len(t.input_ids)], dtype=np.float64)
        for pos in range(1, len(t.input_ids)):
            if t.labels[pos] == -100:
                continue
            row = scores[pos - 1]
            m = row.max()
            total += row[t.input_ids[pos]] - (m + np.log(np.exp(row - m).sum()))
            count += 1
    del llm
    return total / max(count, 1)


def gain_kept(base: float, trained: float, exported: float) -> float:
    """Share of the fine-tune's log-likelihood gain that survived the export (1.0 = all of it)."""
    gain = trained - base
    return (exported - base) / gain if gain else float("nan")
