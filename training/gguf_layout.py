"""Where a LoRA layer's weights go in a GGUF file: the tensor name, and llama's Q/K row order for RoPE.
Both exports (the merged model and the adapter) walk the layers through here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from common.errors import HearthError

HF_TO_GGUF = {"q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
              "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down"}
PERMUTED_ARCHS = ("llama",)  # llama.cpp's converter reorders Q/K rows for these


class ExportError(HearthError):
    """An export cannot be made or failed its checks; the message says why."""


def gguf_name(module_name: str) -> str | None:
    """`...layers.3.self_attn.q_proj` → `blk.3.attn_q.weight`."""
    m = re.search(r"layers\.(\d+)\.(?:self_attn|mlp)\.(\w+_proj)$", module_name)
    if not m or m.group(2) not in HF_TO_GGUF:
        return None
    return f"blk.{m.group(1)}.{HF_TO_GGUF[m.group(2)]}.weight"


def permute_rows(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's converter reorders Q/K rows of llama-family models for its RoPE layout; do the same."""
    out, inp = w.shape
    return w.reshape(n_head, 2, out // n_head // 2, inp).swapaxes(1, 2).reshape(out, inp)


@dataclass(frozen=True)
class Heads:
    """What the Q/K permutation needs to know about the base model."""

    arch: str
    n_head: int
    n_head_kv: int

    def rows_in_gguf_order(self, tensor: str, rows: np.ndarray) -> np.ndarray:
        """Rows of a Q or K projection (a weight, a delta or LoRA's B) in the order the GGUF file stores them."""
        if self.arch in PERMUTED_ARCHS and ".attn_q." in tensor:
            return permute_rows(rows, self.n_head)
        if self.arch in PERMUTED_ARCHS and ".attn_k." in tensor:
            return permute_rows(rows, self.n_head_kv)
        return rows


def lora_layers(peft_model: Any) -> Iterator[tuple[str, Any]]:
    """(GGUF tensor name, peft LoRA module) for every trained layer; refuses a layer it cannot place."""
    from peft.tuners.lora import LoraLayer

    found = False
    for name, module in peft_model.named_modules():
        if not (isinstance(module, LoraLayer) and "default" in getattr(module, "lora_A", {})):
            continue
        target = gguf_name(name)
        if target is None:
            raise ExportError(f"Cannot place the LoRA layer {name} in a GGUF file.")
        found = True
        yield target, module
    if not found:
        raise ExportError("The model has no LoRA layers to export.")


def uses_dora(module: Any) -> bool:
    return bool(getattr(module, "use_dora", {}).get("default"))
